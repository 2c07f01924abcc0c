"""Provenance and "verify" of records and evidence at HQ, with real vaults, real bundles, real
imports, and tampering done the way someone holding the key would (a second connection, the
append-only triggers dropped, or a byte of an encrypted original changed on disk)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.errors import RecordNotFound
from fieldapp.review.provenance import (
    STEPS,
    InvalidRecordId,
    VerifyResult,
    provenance_text,
    record_provenance,
    verify_record,
    verify_text,
)
from fieldapp.store.vault import Vault
from tests.helpers import raw_connection
from tests.provenance_world import WITNESS_NAME, World, build_world, copy_vault, open_vault


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture
def hq(world: World) -> Iterator[Vault]:
    vault = open_vault(world.hq)
    try:
        yield vault
    finally:
        vault.lock()


@pytest.fixture
def hq_copy(world: World, tmp_path: Path) -> Iterator[Vault]:
    """A copy of HQ's vault, to tamper with."""
    vault = open_vault(copy_vault(world.hq, tmp_path / "hq"))
    try:
        yield vault
    finally:
        vault.lock()


def failed(result: VerifyResult) -> dict[str, str]:
    return {check.name: check.detail for check in result.failures}


# --- provenance -------------------------------------------------------------------------------
def test_an_imported_incident_names_device_bundles_receipts_and_log_entries(
    world: World, hq: Vault
) -> None:
    p = record_provenance(hq, world.incident)
    assert (p.kind, p.device_id, p.device_code, p.analyst) == (
        "incident",
        world.a_device,
        world.a_code,
        "analyst-kestrel",
    )
    assert not p.local
    assert [v.version for v in p.versions] == [1, 2]
    assert [v.bundle_seq for v in p.versions] == [1, 2]
    assert [v.author for v in p.versions] == ["analyst-kestrel"] * 2
    assert [v.reason for v in p.versions] == ["first report", "site visit"]
    assert p.capture_time == p.versions[0].at and p.capture_source == "first version"
    history = hq.history(world.incident)
    assert [v.sha256 for v in p.versions] == [v.sha256 for v in history]
    for v in p.versions:
        # The same entry is a leaf of the device's log and of HQ's: the same leaf hash.
        assert v.device_entry is not None and v.vault_entry is not None
        assert v.device_entry.leaf_hash == v.vault_entry.leaf_hash
        assert v.import_entry is not None and v.import_entry.type == "bundle_imported"
        assert v.import_entry.index > v.vault_entry.index
    assert [(b.seq, b.state) for b in p.bundles] == [(1, "imported"), (2, "imported")]
    for b in p.bundles:
        assert b.file_sha256 == world.bundle_files[(world.a_device, b.seq)]
        assert b.file_name.endswith(".chmb")
        assert b.receipt is not None and b.receipt.seq == b.seq
        assert b.receipt.time and b.receipt.hq_key.endswith(".receipts")
    assert p.bundles[0].log_size < p.bundles[1].log_size
    logs = {(e.log, e.type) for e in p.log_entries}
    assert {("device", "version"), ("vault", "version"), ("vault", "bundle_imported")} <= logs
    text = provenance_text(p)
    assert world.incident in text and "bundle 2 (imported)" in text


def test_a_witness_provenance_never_shows_the_identity(world: World, hq: Vault) -> None:
    p = record_provenance(hq, world.witness)
    assert (p.kind, p.device_id) == ("witness", world.a_device)
    assert [v.bundle_seq for v in p.versions] == [2]
    dumped = json.dumps(p.to_json()) + provenance_text(p)
    assert WITNESS_NAME not in dumped and "Quill" not in dumped


def test_evidence_from_two_devices_capture_and_ingest_times(world: World, hq: Vault) -> None:
    a = record_provenance(hq, world.evidence_a)
    item_a, _ = hq.get_evidence(world.evidence_a)
    assert (a.kind, a.device_id, a.analyst) == ("evidence", world.a_device, "analyst-kestrel")
    assert a.capture_time == "2024-05-01T10:20:30+03:00" and a.capture_source == "exif"
    assert a.ingest_time == item_a.imported_at != ""
    assert (a.evidence_sha256, a.evidence_size) == (item_a.sha256, item_a.size)
    assert a.original_name == "exif.jpg"
    assert [v.bundle_seq for v in a.versions] == [2]

    b = record_provenance(hq, world.evidence_b)
    assert (b.device_id, b.analyst) == (world.b_device, "analyst-plover")
    assert b.evidence_sha256 == world.evidence_b_sha
    assert (b.capture_time, b.capture_source) == ("", "")
    assert any("no EXIF capture time" in n for n in b.notes)
    assert [(x.device_id, x.seq) for x in b.bundles] == [(world.b_device, 1)]
    assert b.bundles[0].file_sha256 == world.bundle_files[(world.b_device, 1)]


def test_a_local_record_has_no_bundle_and_says_so(world: World, hq: Vault) -> None:
    p = record_provenance(hq, world.local)
    assert p.local and p.device_id == world.hq_device and p.bundles == ()
    assert p.versions[0].bundle_seq is None and p.versions[0].device_entry is None
    assert p.versions[0].vault_entry is not None
    assert any("no bundle brought it" in n for n in p.notes)
    field = open_vault(world.a)
    try:
        mine = record_provenance(field, world.field_local)
        assert mine.local and mine.device_code == world.a_code and mine.bundles == ()
        result = verify_record(field, world.field_local)
        assert result.ok, verify_text(result)
        assert {c.name for c in result.checks} == {
            "Version 1 hash",
            "Vault signed checkpoint",
            "Vault log: version 1",
        }
    finally:
        field.lock()


def test_ids_that_are_not_records_are_refused_clearly(hq: Vault) -> None:
    with pytest.raises(InvalidRecordId, match="not a record id"):
        record_provenance(hq, "INC-2026-0001")
    with pytest.raises(RecordNotFound, match="no record with id"):
        verify_record(hq, "0" * 32)


# --- verify: everything intact ----------------------------------------------------------------
def test_every_check_passes_and_the_run_is_logged(world: World, hq: Vault) -> None:
    steps: list[tuple[int, int]] = []
    result = verify_record(hq, world.incident, progress=lambda d, t: steps.append((d, t)))
    assert result.ok, verify_text(result)
    assert steps[0] == (0, STEPS) and steps[-1] == (STEPS, STEPS)
    names = [c.name for c in result.checks]
    code = world.a_code
    assert names == [
        "Version 1 hash",
        "Version 2 hash",
        f"Device {code} signed checkpoint",
        "Device log: version 1",
        "Device log: version 2",
        "HQ signed checkpoint",
        "HQ log: version 1",
        f"HQ log: import of bundle 1 of device {code}",
        f"HQ receipt for bundle 1 of device {code}",
        "HQ log: version 2",
        f"HQ log: import of bundle 2 of device {code}",
        f"HQ receipt for bundle 2 of device {code}",
    ]
    for record_id in (world.witness, world.evidence_a, world.evidence_b, world.local):
        again = verify_record(hq, record_id)
        assert again.ok, verify_text(again)
    evidence = verify_record(hq, world.evidence_b)
    (blob,) = [c for c in evidence.checks if c.name.startswith("Evidence original")]
    assert "recomputed from the stored original" in blob.detail
    logged = [e.entry for e in hq.audit_entries() if e.kind == "record_verified"]
    assert logged[0]["record_id"] == world.evidence_b and logged[0]["ok"] is True
    assert logged[0]["author"] == hq.user
    report = hq.verify_log()
    assert report.ok, report.problems
    assert "all checks passed" in verify_text(result)


# --- verify: each tamper turns its own line red -----------------------------------------------
def test_a_changed_version_body_fails_its_hash_line(world: World, hq_copy: Vault) -> None:
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute("DROP TRIGGER versions_no_update")
    conn.execute(
        "UPDATE versions SET body = CAST(replace(CAST(body AS TEXT), 'two houses', "
        "'ten houses') AS BLOB) WHERE record_id = ? AND version = 1",
        (world.incident,),
    )
    conn.close()
    result = verify_record(hq_copy, world.incident)
    assert list(failed(result)) == ["Version 1 hash"]
    assert "changed after it was signed" in failed(result)["Version 1 hash"]
    assert "FAIL  Version 1 hash" in verify_text(result)
    assert "1 of 12 checks FAILED" in verify_text(result)
    logged = [e.entry for e in hq_copy.audit_entries() if e.kind == "record_verified"]
    assert logged[0]["ok"] is False and logged[0]["failed"] == ["Version 1 hash"]


def test_a_changed_byte_of_an_original_on_disk_fails_the_evidence_line(
    world: World, hq_copy: Vault
) -> None:
    for blob in (hq_copy.path / "evidence").iterdir():
        blob.chmod(0o600)
        data = bytearray(blob.read_bytes())
        data[len(data) // 2] ^= 0x01
        blob.write_bytes(bytes(data))
    result = verify_record(hq_copy, world.evidence_b)
    (name,) = failed(result)
    assert name.startswith("Evidence original ")
    assert "damaged" in failed(result)[name]


def test_a_missing_original_fails_the_evidence_line(world: World, hq_copy: Vault) -> None:
    for blob in (hq_copy.path / "evidence").iterdir():
        blob.unlink()
    result = verify_record(hq_copy, world.evidence_a)
    assert list(failed(result).values()) == [
        "the original is missing from this vault's evidence store"
    ]


def test_a_changed_device_log_entry_fails_that_versions_device_line(
    world: World, hq_copy: Vault
) -> None:
    p = record_provenance(hq_copy, world.incident)
    entry = p.versions[0].device_entry
    assert entry is not None
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute(
        "UPDATE device_log SET entry = CAST(replace(CAST(entry AS TEXT), 'analyst-kestrel', "
        "'analyst-mallory') AS BLOB) WHERE device_id = ? AND idx = ?",
        (world.a_device, entry.index),
    )
    conn.close()
    result = verify_record(hq_copy, world.incident)
    assert list(failed(result)) == ["Device log: version 1"]
    assert f"entry {entry.index} differs" in failed(result)["Device log: version 1"]


def test_a_changed_leaf_hash_elsewhere_in_the_device_log_breaks_every_proof(
    world: World, hq_copy: Vault
) -> None:
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute(
        "UPDATE device_log SET leaf_hash = ? WHERE device_id = ? AND idx = 0",
        ("00" * 32, world.a_device),
    )
    conn.close()
    result = verify_record(hq_copy, world.incident)
    assert list(failed(result)) == ["Device log: version 1", "Device log: version 2"]
    for detail in failed(result).values():
        assert "not under the signed root" in detail


def test_a_changed_receipt_fails_the_receipt_line(world: World, hq_copy: Vault) -> None:
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute(
        "UPDATE device_bundles SET receipt = replace(receipt, 'seq 2', 'seq 9') "
        "WHERE device_id = ? AND seq = 2",
        (world.a_device,),
    )
    conn.close()
    result = verify_record(hq_copy, world.witness)
    name = f"HQ receipt for bundle 2 of device {world.a_code}"
    assert list(failed(result)) == [name]
    assert "does not verify with HQ's receipt key" in failed(result)[name]


def test_a_changed_import_event_in_hqs_log_fails_the_import_line(
    world: World, hq_copy: Vault
) -> None:
    p = record_provenance(hq_copy, world.evidence_b)
    event = p.versions[0].import_entry
    assert event is not None
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute("DROP TRIGGER audit_leaves_no_update")
    conn.execute(
        "UPDATE audit_leaves SET entry = CAST(replace(CAST(entry AS TEXT), "
        "'hq-operator-heron', 'hq-operator-crow') AS BLOB) WHERE idx = ?",
        (event.index,),
    )
    conn.close()
    result = verify_record(hq_copy, world.evidence_b)
    (name,) = failed(result)
    assert name.startswith("HQ log: import of bundle 1")
    assert "does not hash to its stored leaf hash" in failed(result)[name]


def test_a_validly_signed_receipt_for_another_log_fails(world: World, hq_copy: Vault) -> None:
    """Signed by HQ's real receipt key, but acknowledging a log root the device never signed."""
    from dataclasses import replace

    from sync.enrollment import load_hq_keys
    from sync.statements import open_receipt

    keys = load_hq_keys(hq_copy)
    verifier = keys.recipients.receipt_verifier()
    with hq_copy.reading() as conn:
        (text,) = conn.execute(
            "SELECT receipt FROM device_bundles WHERE device_id = ? AND seq = 1",
            (world.b_device,),
        ).fetchone()
    forged = replace(open_receipt(text, [verifier]), log_root=bytes(32)).sign(keys.receipt)
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute(
        "UPDATE device_bundles SET receipt = ? WHERE device_id = ? AND seq = 1",
        (forged, world.b_device),
    )
    conn.close()
    result = verify_record(hq_copy, world.evidence_b)
    (name,) = failed(result)
    assert name.startswith("HQ receipt for bundle 1")
    assert failed(result)[name] == "the receipt acknowledges another log root than the note's"


def test_the_proof_tree_gives_rfc6962_paths_for_every_size() -> None:
    """The bottom-up tree verify uses must give merkle.inclusion_proof's path, for sizes with
    every shape of right edge (an odd node moving up at one level or at several)."""
    import hashlib

    from fieldapp.review.provenance import _Tree
    from fieldapp.store import merkle

    for size in [*range(1, 40), 64, 65, 127, 1000]:
        leaves = [hashlib.sha256(f"{size}/{i}".encode()).digest() for i in range(size)]
        tree, root = _Tree(leaves), merkle.root_of(leaves)
        for index in range(0, size, max(1, size // 37)):
            path = tree.proof(index)
            assert path == merkle.inclusion_proof(index, size, leaves), (size, index)
            assert merkle.verify_inclusion(index, size, leaves[index], path, root)


def test_after_the_field_purge_a_purged_original_and_a_redacted_body_are_said_so(
    world: World, tmp_path: Path
) -> None:
    """On the field device, after HQ's receipt and the purge: the original is gone and the
    witness's identity redacted; verify says so instead of failing, and the rest still holds."""
    from sync import fieldsync

    field = open_vault(copy_vault(world.a, tmp_path / "a"))
    try:
        fieldsync.import_receipt(field, world.a_receipt_2.read_text("utf-8"))
        purged = fieldsync.purge_acknowledged(field)
        assert purged.blobs == 1
        evidence = verify_record(field, world.evidence_a)
        assert evidence.ok, verify_text(evidence)
        (blob,) = [c for c in evidence.checks if c.name.startswith("Evidence original")]
        assert blob.detail.startswith("not held here: purged after HQ's receipt for bundle 2")
        witness = verify_record(field, world.witness)
        assert witness.ok, verify_text(witness)
        (body,) = [c for c in witness.checks if c.name == "Version 1 hash"]
        assert body.detail.startswith("body redacted on ")
        assert "after HQ's receipt for bundle 2" in body.detail
        (logged,) = [c for c in witness.checks if "redaction of version 1" in c.name]
        assert logged.ok and "proved under this vault's checkpoint" in logged.detail
        assert [v.redacted for v in record_provenance(field, world.witness).versions] == [True]

        # A redacted body changed afterwards no longer has its recorded hash.
        conn = raw_connection(field.path, field._raw_key_hex())
        conn.execute("DROP TRIGGER versions_no_update")
        conn.execute(
            "UPDATE versions SET body = CAST(replace(CAST(body AS TEXT), 'cell_use', "
            "'publish') AS BLOB) WHERE record_id = ?",
            (world.witness,),
        )
        conn.close()
        again = verify_record(field, world.witness)
        assert list(failed(again)) == ["Version 1 hash"]
        assert failed(again)["Version 1 hash"].endswith("recorded at its redaction: changed since")
    finally:
        field.lock()


def test_a_version_whose_bundle_was_lost_names_the_bundle_that_covered_it(tmp_path: Path) -> None:
    from fieldapp.domain.model import Incident
    from sync import fieldsync
    from sync.hqimport import import_bundle
    from tests.helpers import make_vault
    from tests.sync_helpers import enroll, make_hq_vault

    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    try:
        enroll(field, hq)
        first, _ = field.save_incident(Incident(title="Market strike"), "first report")
        (tmp_path / "lost").mkdir()
        fieldsync.export_bundle(field, tmp_path / "lost")  # never reaches HQ
        field.save_incident(Incident(title="Bridge collapse"), "first report")
        out = tmp_path / "out"
        out.mkdir()
        report = import_bundle(hq, fieldsync.export_bundle(field, out).path)
        assert (report.status, report.seq, report.covered) == ("imported", 2, (1,))
        p = record_provenance(hq, first.id)
        assert [v.bundle_seq for v in p.versions] == [2]
        assert [(b.seq, b.state) for b in p.bundles] == [(2, "imported")]
        result = verify_record(hq, first.id)
        assert result.ok, verify_text(result)
    finally:
        hq.lock()
        field.lock()


def test_a_body_rewritten_with_a_matching_stored_hash_is_caught_by_both_logs(
    world: World, hq_copy: Vault
) -> None:
    """Someone holding the key rewrites a body and recomputes its sha256 column: the hash line
    passes, but the device's signed log and HQ's own log still name the original hash."""
    from fieldapp.domain import canonical
    from fieldapp.store import records

    (old,) = [v for v in hq_copy.history(world.incident) if v.version == 2]
    body = dict(old.body, summary="no houses damaged")
    forged = records.version_sha256(
        record_id=old.record_id,
        kind=old.kind,
        version=old.version,
        author=old.author,
        device_id=old.device_id,
        at=old.at,
        reason=old.reason,
        deleted=old.deleted,
        body=body,
    )
    conn = raw_connection(hq_copy.path, hq_copy._raw_key_hex())
    conn.execute("DROP TRIGGER versions_no_update")
    conn.execute(
        "UPDATE versions SET body = ?, sha256 = ? WHERE record_id = ? AND version = 2",
        (canonical.dumps(body), forged, world.incident),
    )
    conn.close()
    result = verify_record(hq_copy, world.incident)
    assert list(failed(result)) == ["Device log: version 2", "HQ log: version 2"]
    assert f"names sha256 {old.sha256[:16]}" in failed(result)["Device log: version 2"]
