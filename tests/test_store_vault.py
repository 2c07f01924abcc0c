"""Vault lifecycle and records against a real SQLCipher vault (test-only KDF)."""

from __future__ import annotations

import errno
import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldapp.domain.model import Harm, Incident, Observation, PlaceName
from fieldapp.domain.refcode import parse_ref_code
from fieldapp.errors import (
    RecordNotFound,
    StaleVersion,
    ValidationError,
    VaultExists,
    VaultLocked,
)
from fieldapp.store.vault import IncidentQuery, Vault
from tests.helpers import ANALYST, CELL_NAME, TEST_PASSPHRASE, make_vault


def incident(title: str = "Strike near the market", **kw: object) -> Incident:
    inc = Incident(title=title, summary=str(kw.pop("summary", "")))
    inc.time.start = str(kw.pop("start", "2026-03-14T09:30:00Z"))
    for name, value in kw.items():
        setattr(inc, name, value)
    return inc


def test_create_makes_a_private_folder_and_returns_it_unlocked(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    try:
        assert not v.is_locked
        assert v.user == ANALYST
        assert v.device.cell_name == CELL_NAME
        assert v.device.role == "field"
        assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700
        for name in ("vault.key", "vault.db"):
            assert stat.S_IMODE((vault_dir / name).stat().st_mode) == 0o600
        assert Vault.exists(vault_dir)
    finally:
        v.lock()


def test_device_code_and_fingerprint_have_their_shapes(vault: Vault) -> None:
    d = vault.device
    assert len(d.device_id) == 32
    assert len(d.code) == 6
    groups = d.fingerprint.split(" ")
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    # The code is the start of the fingerprint: both read the same SHA-256 bits.
    assert d.fingerprint.replace(" ", "").startswith(d.code)
    assert len(d.public_key) == 32


def test_create_refuses_an_existing_vault(vault: Vault) -> None:
    before = {p.name: p.read_bytes() for p in vault.path.iterdir() if p.is_file()}
    with pytest.raises(VaultExists, match="already a vault"):
        make_vault(vault.path)
    after = {p.name: p.read_bytes() for p in vault.path.iterdir() if p.is_file()}
    assert before["vault.key"] == after["vault.key"]


def test_unlock_after_lock_reads_back_what_was_saved(vault: Vault) -> None:
    stored, version = vault.save_incident(incident(), "first report")
    path = vault.path
    vault.lock()
    assert vault.is_locked
    with pytest.raises(VaultLocked):
        vault.get_incident(stored.id)
    again = Vault.unlock(path, TEST_PASSPHRASE)
    try:
        got, got_version = again.get_incident(stored.id)
        assert got == stored and got_version == version == 1
        assert again.device == vault.device
    finally:
        again.lock()


def test_first_save_assigns_id_and_reference_code(vault: Vault) -> None:
    original = incident()
    stored, version = vault.save_incident(original, "first report")
    assert version == 1
    assert len(stored.id) == 32
    year, code, counter = parse_ref_code(stored.ref_code)
    assert year == vault.clock().year
    assert code == vault.device.code and counter == 1
    assert original.id == ""  # the caller's object is not changed
    second, _ = vault.save_incident(incident("Second"), "another")
    assert parse_ref_code(second.ref_code)[2] == 2


def test_edit_appends_a_version_and_keeps_history(vault: Vault) -> None:
    stored, _ = vault.save_incident(incident(), "first report")
    stored.title = "Strike near the old market"
    edited, version = vault.save_incident(stored, "corrected place", expected_version=1)
    assert version == 2 and edited.title == "Strike near the old market"
    hist = vault.history(stored.id)
    assert [h.version for h in hist] == [1, 2]
    assert hist[0].body["title"] == "Strike near the market"
    assert hist[1].body["title"] == "Strike near the old market"
    assert hist[1].reason == "corrected place"
    assert hist[1].author == ANALYST
    assert hist[1].device_id == vault.device.device_id
    assert hist[1].at.endswith("Z") and len(hist[1].at) == 20
    assert hist[0].sha256 != hist[1].sha256


def test_saving_unchanged_content_adds_no_version(vault: Vault) -> None:
    stored, _ = vault.save_incident(incident(), "first report")
    again, version = vault.save_incident(stored, "no change", expected_version=1)
    assert version == 1 and again == stored
    assert len(vault.history(stored.id)) == 1


def test_stale_expected_version_is_refused(vault: Vault) -> None:
    stored, _ = vault.save_incident(incident(), "first report")
    stored.title = "Edited by someone else"
    vault.save_incident(stored, "edit A", expected_version=1)
    stored.title = "My edit"
    with pytest.raises(StaleVersion, match="Reload"):
        vault.save_incident(stored, "edit B", expected_version=1)
    assert vault.get_incident(stored.id)[0].title == "Edited by someone else"


def test_invalid_incident_writes_nothing(vault: Vault) -> None:
    size = vault.log_size()
    bad = incident(title="")
    with pytest.raises(ValidationError) as info:
        vault.save_incident(bad, "x")
    assert any(i.path == "title" for i in info.value.issues)
    assert vault.count_incidents(IncidentQuery()) == 0
    assert vault.log_size() == size


def test_reason_is_required(vault: Vault) -> None:
    with pytest.raises(ValidationError, match="reason"):
        vault.save_incident(incident(), "  ")


def test_reference_code_cannot_be_changed(vault: Vault) -> None:
    stored, _ = vault.save_incident(incident(), "first")
    _, code, _ = parse_ref_code(stored.ref_code)
    stored.ref_code = f"CHM-2020-{code}-0099"
    stored.title = "changed"
    with pytest.raises(ValidationError, match="ref_code"):
        vault.save_incident(stored, "sneaky")


def test_delete_is_a_tombstone(vault: Vault) -> None:
    stored, _ = vault.save_incident(incident(), "first")
    vault.delete_incident(stored.id, "duplicate of another report")
    with pytest.raises(RecordNotFound):
        vault.get_incident(stored.id)
    assert vault.count_incidents(IncidentQuery()) == 0
    hist = vault.history(stored.id)
    assert [h.deleted for h in hist] == [False, True]
    assert hist[1].body == {}
    with pytest.raises(RecordNotFound, match="deleted"):
        vault.delete_incident(stored.id, "again")
    with pytest.raises(RecordNotFound):
        vault.save_incident(stored, "resurrect")


def test_unknown_ids_are_not_found(vault: Vault) -> None:
    with pytest.raises(RecordNotFound):
        vault.get_incident("0" * 32)
    with pytest.raises(RecordNotFound):
        vault.history("0" * 32)


def test_observations_link_to_incidents(vault: Vault) -> None:
    inc, _ = vault.save_incident(incident(), "first")
    loose, v1 = vault.save_observation(Observation(text="smoke seen to the north"), "seen")
    assert v1 == 1 and loose.at.endswith("Z") and len(loose.id) == 32
    loose.incident_ids = [inc.id]
    linked, v2 = vault.save_observation(loose, "linked", expected_version=1)
    assert v2 == 2
    assert [o.id for o in vault.list_observations(incident_id=inc.id)] == [linked.id]
    assert [o.id for o in vault.list_observations()] == [linked.id]
    assert [h.version for h in vault.history(linked.id)] == [1, 2]


def test_observation_cannot_link_a_missing_incident(vault: Vault) -> None:
    obs = Observation(text="note", incident_ids=["a" * 32])
    with pytest.raises(ValidationError, match="no incident"):
        vault.save_observation(obs, "x")
    assert vault.list_observations() == []


def test_register_filters_sorts_and_counts(vault: Vault) -> None:
    a = incident("Alpha", start="2026-01-05T10:00:00Z")
    a.harms = [Harm(type="death", mode="direct")]
    a.casualties.killed.women.min, a.casualties.killed.women.max = 1, 2
    a.place.names = [PlaceName(lang="en", name="Old Town")]
    b = incident("Bravo", start="2026-02-10T10:00:00Z")
    b.harms = [Harm(type="displacement", mode="indirect")]
    b.assessment.workflow = "under_assessment"
    c = incident("Charlie", start="2026-03-01T00:00:00Z")
    for inc in (a, b, c):
        vault.save_incident(inc, "seed")
    by_title = vault.query_incidents(IncidentQuery(order_by="title", descending=False))
    assert [r.title for r in by_title] == ["Alpha", "Bravo", "Charlie"]
    row = by_title[0]
    assert row.harm_types == ("death",)
    assert (row.killed_min, row.killed_max) == (1, 2)
    assert row.place == "Old Town"
    assert [r.title for r in vault.query_incidents(IncidentQuery(harm_type="death"))] == ["Alpha"]
    q = IncidentQuery(workflow="under_assessment")
    assert [r.title for r in vault.query_incidents(q)] == ["Bravo"]
    assert vault.count_incidents(q) == 1
    dated = IncidentQuery(date_from="2026-02-10", date_to="2026-03-01", order_by="start")
    assert [r.title for r in vault.query_incidents(dated)] == ["Charlie", "Bravo"]
    assert vault.count_incidents(dated) == 2
    page = vault.query_incidents(
        IncidentQuery(order_by="title", descending=False, limit=1, offset=1)
    )
    assert [r.title for r in page] == ["Bravo"]


def test_register_rejects_bad_query_values(vault: Vault) -> None:
    with pytest.raises(ValidationError, match="order_by"):
        vault.query_incidents(IncidentQuery(order_by="title; DROP TABLE incidents"))
    with pytest.raises(ValidationError, match="date_from"):
        vault.count_incidents(IncidentQuery(date_from="2026-13-01"))
    with pytest.raises(ValidationError, match="workflow"):
        vault.query_incidents(IncidentQuery(workflow="closed"))


def test_calls_from_several_threads_are_serialised(vault: Vault) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(5):
                vault.save_incident(incident(f"Thread {n} item {i}"), "load")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert vault.count_incidents(IncidentQuery()) == 20
    codes = {r.ref_code for r in vault.query_incidents(IncidentQuery())}
    assert len(codes) == 20
    assert vault.verify_log().ok


LOCKED_CALLS = [
    ("get_incident", ("0" * 32,)),
    ("save_incident", (Incident(title="x"), "r")),
    ("delete_incident", ("0" * 32, "r")),
    ("query_incidents", (IncidentQuery(),)),
    ("count_incidents", (IncidentQuery(),)),
    ("save_observation", (Observation(text="x"), "r")),
    ("list_observations", ()),
    ("history", ("0" * 32,)),
    ("audit_entries", ()),
    ("log_size", ()),
    ("verify_log", ()),
    ("latest_checkpoint", ()),
    ("check", ()),
    ("slots", ()),
    ("change_passphrase", (TEST_PASSPHRASE, "another long passphrase 99")),
    ("add_slot", ("someone", "another long passphrase 99")),
]


@pytest.mark.parametrize("call", LOCKED_CALLS, ids=[c[0] for c in LOCKED_CALLS])
def test_a_locked_vault_refuses_everything(
    vault: Vault, call: tuple[str, tuple[object, ...]]
) -> None:
    name, args = call
    vault.lock()
    with pytest.raises(VaultLocked, match="locked"):
        getattr(vault, name)(*args)


def test_lock_forgets_the_key_and_is_idempotent(vault: Vault) -> None:
    dek = vault._dek
    assert any(dek)
    vault.lock()
    assert not any(dek) and len(dek) == 32
    vault.lock()
    assert vault.is_locked


def test_times_come_from_the_clock(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2031, 7, 4, 12, 30, 15, 999, tzinfo=UTC)
    monkeypatch.setattr(vault, "clock", lambda: moment)
    stored, _ = vault.save_incident(incident(), "first")
    assert stored.ref_code.startswith("CHM-2031-")
    assert parse_ref_code(stored.ref_code)[2] == 1  # the counter is per year
    (version,) = vault.history(stored.id)
    assert version.at == "2031-07-04T12:30:15Z"
    assert vault.query_incidents(IncidentQuery())[0].updated_at == "2031-07-04T12:30:15Z"


def test_failing_disk_during_passphrase_change_changes_nothing(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = (vault.path / "vault.key").read_bytes()
    size = vault.log_size()

    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        vault.change_passphrase(TEST_PASSPHRASE, "another long passphrase 99")
    monkeypatch.undo()
    assert (vault.path / "vault.key").read_bytes() == before
    assert vault.log_size() == size  # the audit entry was rolled back with it
    assert sorted(p.name for p in vault.path.iterdir() if p.name.startswith(".")) == []
    assert vault.verify_log().ok
    path = vault.path
    vault.lock()
    Vault.unlock(path, TEST_PASSPHRASE).lock()


def test_failing_disk_during_create_leaves_nothing(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        make_vault(vault_dir)
    assert not vault_dir.exists()
