"""The audit log: leaves, signed checkpoints, and tamper detection through a second connection."""

from __future__ import annotations

from typing import Any

import pytest
import sqlcipher3

from fieldapp.domain import canonical
from fieldapp.domain.model import Incident, Observation
from fieldapp.store.checkpoint import parse_checkpoint
from fieldapp.store.merkle import leaf_hash, root_of
from fieldapp.store.signednote import open_note, parse_vkey, vkey
from fieldapp.store.vault import Vault
from tests.helpers import raw_connection


def seed(vault: Vault) -> tuple[Incident, Observation]:
    inc = Incident(title="Strike near the bridge", summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    stored, _ = vault.save_incident(inc, "first report")
    stored.summary = "two houses destroyed"
    stored, _ = vault.save_incident(stored, "site visit", expected_version=1)
    obs, _ = vault.save_observation(
        Observation(text="crater seen", incident_ids=[stored.id]), "patrol"
    )
    return stored, obs


def tamper(vault: Vault, *statements: tuple[str, tuple[Any, ...]]) -> None:
    conn = raw_connection(vault.path, vault._raw_key_hex())
    try:
        for trigger in (
            "versions_no_update",
            "versions_no_delete",
            "audit_leaves_no_update",
            "audit_leaves_no_delete",
            "checkpoints_no_update",
        ):
            conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for sql, params in statements:
            conn.execute(sql, params)
    finally:
        conn.close()


def test_every_change_has_one_leaf_and_a_signed_checkpoint(vault: Vault) -> None:
    inc, obs = seed(vault)
    # vault created + 2 incident versions + 1 observation version
    assert vault.log_size() == 4
    entries = vault.audit_entries()
    assert [e.index for e in entries] == [3, 2, 1, 0]  # newest first
    assert entries[-1].kind == "vault_created"
    assert entries[0].entry["record_id"] == obs.id
    assert entries[1].entry == {
        "type": "version",
        "kind": "incident",
        "record_id": inc.id,
        "version": 2,
        "sha256": vault.history(inc.id)[1].sha256,
        "at": vault.history(inc.id)[1].at,
        "author": vault.user,
        "device": vault.device.device_id,
    }
    assert "site visit" in entries[1].summary
    for e in entries:
        assert e.leaf_hash == leaf_hash(canonical.dumps(e.entry)).hex()

    note = vault.latest_checkpoint()
    verifier = parse_vkey(vkey(vault.device.device_id, vault.device.public_key))
    opened = open_note(note, [verifier])
    cp = parse_checkpoint(opened.text)
    assert cp.origin == f"fieldapp/{vault.device.device_id}"
    assert cp.size == 4
    leaves = [bytes.fromhex(e.leaf_hash) for e in reversed(entries)]
    assert cp.root == root_of(leaves)
    report = vault.verify_log()
    assert report.ok and report.size == 4 and report.checkpoints == 4
    assert report.problems == []


def test_audit_entries_page(vault: Vault) -> None:
    seed(vault)
    assert [e.index for e in vault.audit_entries(offset=1, limit=2)] == [2, 1]


def test_version_hash_covers_metadata(vault: Vault) -> None:
    inc, _ = seed(vault)
    v1 = vault.history(inc.id)[0]
    tamper(
        vault,
        (
            "UPDATE versions SET reason = 'nothing to see' WHERE record_id = ? AND version = 1",
            (inc.id,),
        ),
    )
    report = vault.verify_log()
    assert not report.ok
    assert f"version 1 of incident {inc.id}: body does not match its sha256" in report.problems
    assert v1.reason == "first report"


def test_altered_version_body_is_reported(vault: Vault) -> None:
    inc, _ = seed(vault)
    altered = dict(vault.history(inc.id)[0].body, summary="nothing happened")
    tamper(
        vault,
        (
            "UPDATE versions SET body = ? WHERE record_id = ? AND version = 1",
            (canonical.dumps(altered), inc.id),
        ),
    )
    report = vault.verify_log()
    assert not report.ok
    assert report.problems == [f"version 1 of incident {inc.id}: body does not match its sha256"]
    assert not vault.check().ok


def test_rehashed_version_is_caught_by_its_leaf(vault: Vault) -> None:
    """Rewriting a body AND its sha256 still fails: the leaf entry holds the old hash."""
    inc, _ = seed(vault)
    v1 = vault.history(inc.id)[0]
    body = dict(v1.body, summary="nothing happened")
    from fieldapp.store.records import version_sha256

    sha = version_sha256(
        record_id=v1.record_id,
        kind=v1.kind,
        version=v1.version,
        author=v1.author,
        device_id=v1.device_id,
        at=v1.at,
        reason=v1.reason,
        deleted=v1.deleted,
        body=body,
    )
    tamper(
        vault,
        (
            "UPDATE versions SET body = ?, sha256 = ? WHERE record_id = ? AND version = 1",
            (canonical.dumps(body), sha, inc.id),
        ),
    )
    problems = vault.verify_log().problems
    assert f"audit leaf 1: entry does not match version 1 of incident {inc.id}" in problems


def test_altered_leaf_entry_is_reported(vault: Vault) -> None:
    seed(vault)
    entry = vault.audit_entries(offset=3, limit=1)[0].entry
    forged = dict(entry, cell_name="Another Cell")
    tamper(vault, ("UPDATE audit_leaves SET entry = ? WHERE idx = 0", (canonical.dumps(forged),)))
    problems = vault.verify_log().problems
    assert "audit leaf 0: its entry does not match its leaf hash" in problems
    assert any(p.startswith("checkpoint at size 1: its root does not match") for p in problems)


def test_forged_checkpoint_note_is_reported(vault: Vault) -> None:
    seed(vault)
    conn = raw_connection(vault.path, vault._raw_key_hex())
    (note,) = conn.execute("SELECT note FROM checkpoints WHERE size = 2").fetchone()
    conn.close()
    # Claim a bigger tree under the same signature.
    forged = note.replace("\n2\n", "\n9\n", 1)
    assert forged != note
    tamper(vault, ("UPDATE checkpoints SET note = ? WHERE size = 2", (forged,)))
    problems = vault.verify_log().problems
    assert len(problems) == 1
    assert problems[0].startswith("checkpoint at size 2: the signed note does not verify")


def test_altered_checkpoint_root_is_reported(vault: Vault) -> None:
    seed(vault)
    tamper(vault, ("UPDATE checkpoints SET root = ? WHERE size = 3", ("00" * 32,)))
    problems = vault.verify_log().problems
    assert "checkpoint at size 3: its root does not match the log" in problems
    assert "checkpoint at size 3: the signed note does not match the stored size and root" in (
        problems
    )


def test_removed_version_is_reported(vault: Vault) -> None:
    inc, _ = seed(vault)
    tamper(vault, ("DELETE FROM versions WHERE record_id = ? AND version = 2", (inc.id,)))
    problems = vault.verify_log().problems
    assert "audit leaf 2: names a record version that does not exist" in problems
    assert f"incident {inc.id}: the register row does not match its latest version 1" in problems


def test_altered_projection_is_reported(vault: Vault) -> None:
    inc, obs = seed(vault)
    tamper(
        vault,
        ("UPDATE incidents SET title = 'Nothing' WHERE id = ?", (inc.id,)),
        ("DELETE FROM observations WHERE id = ?", (obs.id,)),
    )
    problems = vault.verify_log().problems
    assert problems == [
        f"incident {inc.id}: the register row does not match its latest version 2",
        f"observation {obs.id} is missing from the observation log",
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM versions",
        "UPDATE versions SET reason = 'x'",
        "DELETE FROM audit_leaves",
        "UPDATE audit_leaves SET kind = 'x'",
    ],
)
def test_append_only_tables_refuse_changes_while_triggers_stand(
    vault: Vault, statement: str
) -> None:
    seed(vault)
    conn = raw_connection(vault.path, vault._raw_key_hex())
    try:
        with pytest.raises(sqlcipher3.Error, match="append-only"):
            conn.execute(statement)
    finally:
        conn.close()
    assert vault.verify_log().ok


def test_check_is_clean_on_a_fresh_vault(vault: Vault) -> None:
    seed(vault)
    report = vault.check()
    assert report.ok and report.problems == []


def test_export_check_covers_the_log_from_since_and_the_newest_checkpoint(vault: Vault) -> None:
    """`check(since=N, full=False)`, the check before an export: what HQ already holds (leaves
    below N) counts by its stored hashes; everything from N on is rehashed."""
    inc, _ = seed(vault)
    size = vault.log_size()
    later, _ = vault.save_incident(Incident(title="Second strike"), "first report")
    altered_old = dict(vault.history(inc.id)[0].body, summary="nothing happened")
    tamper(
        vault,
        (
            "UPDATE versions SET body = ? WHERE record_id = ? AND version = 1",
            (canonical.dumps(altered_old), inc.id),
        ),
    )
    assert vault.check(since=size, full=False).ok  # before N: HQ has it, export skips it
    assert not vault.check().ok  # the full check still sees it

    altered_new = dict(vault.history(later.id)[0].body, title="Nothing")
    tamper(
        vault,
        (
            "UPDATE versions SET body = ? WHERE record_id = ? AND version = 1",
            (canonical.dumps(altered_new), later.id),
        ),
    )
    assert vault.check(since=size, full=False).problems == [
        f"version 1 of incident {later.id}: body does not match its sha256"
    ]


def test_non_canonical_body_is_named_as_such(vault: Vault) -> None:
    inc, _ = seed(vault)
    body = canonical.dumps(vault.history(inc.id)[0].body)
    spaced = body.replace(b'":', b'": ', 1)
    tamper(
        vault,
        ("UPDATE versions SET body = ? WHERE record_id = ? AND version = 1", (spaced, inc.id)),
    )
    assert vault.verify_log().problems[0] == (
        f"version 1 of incident {inc.id}: body is not in canonical form"
    )


def test_version_entry_bytes_are_the_canonical_entry() -> None:
    from fieldapp.store.auditlog import version_entry, version_entry_bytes

    facts: dict[str, Any] = {
        "kind": "statement",
        "record_id": "c" * 32,
        "version": 12,
        "sha256": "d" * 64,
        "at": "2026-11-22T13:00:00Z",
        "author": 'analyst "kestrel" \u202e مرحبا',
        "device": "e" * 32,
    }
    assert version_entry_bytes(**facts) == canonical.dumps(version_entry(**facts))
