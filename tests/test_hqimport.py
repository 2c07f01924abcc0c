"""HQ import with real vaults, real enrolment, real bundles from the field exporter.

Round trips (two devices, a lost bundle covered by the next, a gap held then filled, the same
file twice), and that HQ's own audit log and register stay consistent after every import.
"""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from fieldapp.domain.model import Incident
from fieldapp.media import MediaSandbox
from fieldapp.store import signednote
from fieldapp.store.records import IncidentQuery
from fieldapp.store.vault import Vault
from sync import enrollment, fieldsync
from sync.hqimport import devices, import_bundle, inbox
from sync.statements import open_receipt
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault


@dataclass
class Sites:
    hq: Vault
    a: Vault
    b: Vault
    out: Path
    receipts: Path
    tmp: Path


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[Sites]:
    hq = make_hq_vault(tmp_path / "hq")
    a = make_vault(tmp_path / "a", analyst="analyst-kestrel")
    b = make_vault(tmp_path / "b", analyst="analyst-plover")
    enroll(a, hq)
    enroll(b, hq)
    out = tmp_path / "out"
    out.mkdir()
    try:
        yield Sites(hq, a, b, out, tmp_path / "receipts", tmp_path)
    finally:
        for vault in (hq, a, b):
            vault.lock()


def add_incident(vault: Vault, title: str) -> Incident:
    inc = Incident(title=title, summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def export(vault: Vault, out: Path) -> Path:
    return fieldsync.export_bundle(vault, out).path


def titles(vault: Vault) -> list[str]:
    return sorted(row.title for row in vault.query_incidents(IncidentQuery(limit=100)))


def receive_receipt(field: Vault, path: Path | None) -> None:
    assert path is not None
    fieldsync.import_receipt(field, path.read_text("utf-8"))


def test_two_devices_round_trip(sites: Sites) -> None:
    add_incident(sites.a, "Market strike")
    add_incident(sites.b, "Bridge collapse")
    first = import_bundle(sites.hq, export(sites.a, sites.out), receipts_dir=sites.receipts)
    second = import_bundle(sites.hq, export(sites.b, sites.out), receipts_dir=sites.receipts)
    assert (first.status, first.seq, first.versions) == ("imported", 1, 1)
    assert (second.status, second.seq) == ("imported", 1)
    assert first.device_code == sites.a.device.code
    assert titles(sites.hq) == ["Bridge collapse", "Market strike"]
    report = sites.hq.verify_log()
    assert report.ok, report.problems

    # The receipt is signed by HQ's receipt key, names the bundle, and the field accepts it.
    keys = enrollment.load_hq_keys(sites.hq)
    assert first.receipt_path is not None and first.receipt_path.parent == sites.receipts
    text = first.receipt_path.read_text("utf-8")
    verifier = signednote.verifier_for(keys.receipt_name, keys.receipt)
    receipt = open_receipt(text, [verifier])
    assert (receipt.device, receipt.seq) == (sites.a.device.device_id, 1)
    receive_receipt(sites.a, first.receipt_path)

    # After the receipt, the next bundle carries only what is new, and imports too.
    add_incident(sites.a, "Checkpoint shooting")
    third = import_bundle(sites.hq, export(sites.a, sites.out), receipts_dir=sites.receipts)
    assert (third.status, third.seq, third.versions, third.skipped) == ("imported", 2, 1, 0)
    assert titles(sites.hq) == ["Bridge collapse", "Checkpoint shooting", "Market strike"]
    assert sites.hq.verify_log().ok

    states = {d.code: d for d in devices(sites.hq)}
    assert states[sites.a.device.code].last_seq == 2
    assert states[sites.b.device.code].last_seq == 1
    assert states[sites.a.device.code].last_receipt_at is not None


def test_inbox_copy_is_write_once_and_logged(sites: Sites) -> None:
    add_incident(sites.a, "Market strike")
    path = export(sites.a, sites.out)
    report = import_bundle(sites.hq, path, receipts_dir=sites.receipts)
    copy = sites.hq.path / "inbox" / f"{report.sha256}.chmb"
    assert copy.read_bytes() == path.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o400
    rows = inbox(sites.hq)
    assert [(r.status, r.seq, r.operator) for r in rows] == [("imported", 1, sites.hq.user)]
    kinds = [e.kind for e in sites.hq.audit_entries()]
    assert "bundle_received" in kinds and "bundle_imported" in kinds


def test_same_file_twice_is_a_duplicate_with_its_receipt_again(sites: Sites) -> None:
    add_incident(sites.a, "Market strike")
    path = export(sites.a, sites.out)
    first = import_bundle(sites.hq, path, receipts_dir=sites.receipts)
    size_before = sites.hq.log_size()
    again = import_bundle(sites.hq, path, receipts_dir=sites.receipts)
    assert again.status == "duplicate"
    assert again.receipt_path is not None and first.receipt_path is not None
    assert again.receipt_path.read_text() == first.receipt_path.read_text()
    # Only the "received" event was added; no version, no state change.
    assert sites.hq.log_size() == size_before + 1
    assert titles(sites.hq) == ["Market strike"]
    assert [r.status for r in inbox(sites.hq)] == ["imported"]
    assert devices(sites.hq)[0].last_seq in (0, 1)


def test_a_lost_bundle_is_covered_by_the_next(sites: Sites) -> None:
    add_incident(sites.a, "Market strike")
    export(sites.a, sites.out)  # seq 1: lost on the way
    add_incident(sites.a, "Bridge collapse")
    second = export(sites.a, sites.out)
    report = import_bundle(sites.hq, second, receipts_dir=sites.receipts)
    assert (report.status, report.seq, report.covered, report.versions) == (
        "imported",
        2,
        (1,),
        2,
    )
    assert titles(sites.hq) == ["Bridge collapse", "Market strike"]
    with sites.hq.reading() as conn:
        rows = conn.execute("SELECT seq, state FROM device_bundles ORDER BY seq").fetchall()
    assert [tuple(r) for r in rows] == [(1, "covered"), (2, "imported")]
    assert sites.hq.verify_log().ok


def test_an_earlier_file_after_the_one_covering_it_is_a_duplicate(sites: Sites) -> None:
    """Bundles arrive out of order: 3 (carrying 2's note and content) before 2 itself.

    A real gap (D3, held then imported) needs a chain without the missing note; that is in
    test_hqimport_hostile.py, built by hand.
    """
    add_incident(sites.a, "Market strike")
    first = export(sites.a, sites.out)
    receipt = import_bundle(sites.hq, first, receipts_dir=sites.receipts).receipt_path
    receive_receipt(sites.a, receipt)
    add_incident(sites.a, "Bridge collapse")
    second = export(sites.a, sites.out)
    add_incident(sites.a, "Checkpoint shooting")
    third = export(sites.a, sites.out)
    report = import_bundle(sites.hq, third, receipts_dir=sites.receipts)
    assert (report.status, report.covered) == ("imported", (2,))
    again = import_bundle(sites.hq, second, receipts_dir=sites.receipts)
    assert again.status == "duplicate"
    assert again.receipt_path is None  # seq 3's receipt acknowledges it
    assert "later bundle" in again.reason
    assert sites.hq.verify_log().ok


def photo(path: Path, color: str) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_evidence_originals_reach_hq(sites: Sites) -> None:
    inc = add_incident(sites.a, "Market strike")
    with MediaSandbox(workers=1) as box:
        item = sites.a.add_evidence(
            photo(sites.tmp / "p.jpg", "red"), incident_ids=[inc.id], sandbox=box
        )
    report = import_bundle(sites.hq, export(sites.a, sites.out), receipts_dir=sites.receipts)
    assert (report.status, report.blobs) == ("imported", 1)
    got, _ = sites.hq.get_evidence(item.id)
    assert got.sha256 == item.sha256
    assert sites.hq.blob_store().verify(item.sha256)
    assert sites.hq.verify_log().ok


def test_a_resent_original_of_a_version_hq_holds_is_accepted(sites: Sites) -> None:
    """The receipt for bundle 1 has not reached the field, so bundle 2 carries bundle 1's
    content again, its photo included: that original is named by a version HQ holds, so it
    is not an unreferenced extra file."""
    with MediaSandbox(workers=1) as box:
        sites.a.add_evidence(photo(sites.tmp / "a.jpg", "red"), sandbox=box)
    first = import_bundle(sites.hq, export(sites.a, sites.out), receipts_dir=sites.receipts)
    assert first.status == "imported"
    add_incident(sites.a, "Market strike")
    second = import_bundle(sites.hq, export(sites.a, sites.out), receipts_dir=sites.receipts)
    assert (second.status, second.seq, second.reason) == ("imported", 2, "")
    assert titles(sites.hq) == ["Market strike"]
    assert sites.hq.verify_log().ok


def test_disk_full_while_receiving_records_nothing(
    sites: Sites, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    from sync.hqimport import ReceiveError

    add_incident(sites.a, "Market strike")
    path = export(sites.a, sites.out)
    size_before = sites.hq.log_size()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)  # a failing disk, the one mock the rules allow
    with pytest.raises(ReceiveError, match="the disk is full"):
        import_bundle(sites.hq, path)
    monkeypatch.undo()
    assert list((sites.hq.path / "inbox").iterdir()) == []  # no partial copy
    assert inbox(sites.hq) == [] and sites.hq.log_size() == size_before
    assert import_bundle(sites.hq, path).status == "imported"  # and it works once there is room


def test_cancel_keeps_the_file_received_and_progress_names_the_stages(sites: Sites) -> None:
    from sync.hqimport import ImportCancelled

    add_incident(sites.a, "Market strike")
    path = export(sites.a, sites.out)
    stages: list[str] = []
    with pytest.raises(ImportCancelled):
        import_bundle(
            sites.hq,
            path,
            progress=stages.append,
            cancel=lambda: stages == ["copying into the inbox", "decrypting"],
        )
    assert stages == ["copying into the inbox", "decrypting"]
    assert [r.status for r in inbox(sites.hq)] == ["received"]
    assert titles(sites.hq) == []
    assert not any((sites.hq.path / "quarantine").iterdir())
    stages.clear()
    assert import_bundle(sites.hq, path, progress=stages.append).status == "imported"
    assert stages == [
        "copying into the inbox",
        "decrypting",
        "checking",
        "storing originals",
        "importing",
    ]


def test_a_field_vault_cannot_import(sites: Sites) -> None:
    from fieldapp.errors import SyncError

    add_incident(sites.b, "Bridge collapse")
    path = export(sites.b, sites.out)
    with pytest.raises(SyncError):
        import_bundle(sites.a, path)
    assert not (sites.a.path / "inbox").exists() or not any((sites.a.path / "inbox").iterdir())
    # Nor does it show an empty device list or inbox, as if it were an HQ with none.
    with pytest.raises(SyncError, match="not an HQ vault"):
        devices(sites.a)
    with pytest.raises(SyncError, match="not an HQ vault"):
        inbox(sites.a)


def test_verify_bundle_refuses_another_devices_certificate(sites: Sites) -> None:
    from sync.hqimport import BundleInvalid, verify_bundle

    add_incident(sites.a, "Market strike")
    path = export(sites.a, sites.out)
    keys = enrollment.load_hq_keys(sites.hq)
    identities = [str(i) for i in keys.identities]
    other = enrollment.field_enrollment(sites.b)
    mine = enrollment.field_enrollment(sites.a)
    assert other is not None and mine is not None
    with pytest.raises(BundleInvalid, match=r"signature\.note"):
        verify_bundle(path, identities, other.certificate_note)
    report = verify_bundle(path, identities, mine.certificate_note, mine.root)
    assert report.certificate_checked and report.log_checked
    assert (report.seq, report.versions, report.code) == (1, 1, sites.a.device.code)


def test_every_kind_edits_and_deletions_project_at_hq(sites: Sites) -> None:
    """Witnesses, statements, observations, evidence, edits and a tombstone: HQ's current
    rows equal the latest versions (verify_log checks every projection)."""
    from fieldapp.domain.model import Observation
    from fieldapp.domain.witness import ConsentEvent, Statement, Witness

    a = sites.a
    kept = add_incident(a, "Market strike")
    gone = add_incident(a, "Duplicate report")
    edited, version = a.get_incident(kept.id)
    edited.summary = "three houses damaged"
    a.save_incident(edited, "recount", expected_version=version)
    a.delete_incident(gone.id, "entered twice")
    witness, _ = a.save_witness(
        Witness(
            incident_ids=[kept.id],
            consent=[ConsentEvent(date="2026-03-02", scopes=["cell_use"], method="verbal")],
        ),
        "met at the clinic",
    )
    a.save_statement(
        Statement(
            witness_id=witness.id,
            original_text="I saw it",
            incident_ids=[kept.id],
            interview_date="2026-03-02T10:00:00Z",
            interviewer="analyst-kestrel",
        ),
        "interview",
    )
    a.save_observation(Observation(text="smoke to the north", incident_ids=[kept.id]), "seen")
    with MediaSandbox(workers=1) as box:
        a.add_evidence(photo(sites.tmp / "q.jpg", "green"), incident_ids=[kept.id], sandbox=box)
    report = import_bundle(sites.hq, export(a, sites.out))
    assert report.status == "imported" and report.versions == 8
    log = sites.hq.verify_log()
    assert log.ok, log.problems
    assert titles(sites.hq) == ["Market strike"]
    got, version = sites.hq.get_incident(kept.id)
    assert (got.summary, version) == ("three houses damaged", 2)
    (w,) = sites.hq.list_witnesses()
    assert w[0].code == witness.code
    assert [s.original_text for s, _ in sites.hq.list_statements()] == ["I saw it"]
    assert [o.text for o in sites.hq.list_observations()] == ["smoke to the north"]
    assert len(sites.hq.list_evidence(kept.id)) == 1


def test_hq_cannot_edit_or_delete_a_record_imported_from_the_field(sites: Sites) -> None:
    """A version written at HQ would fork the record from the field's history, and the field's
    next version could then never be imported: HQ's own assessments are separate records."""
    from fieldapp.errors import ForeignRecord

    inc = add_incident(sites.a, "Market strike")
    assert import_bundle(sites.hq, export(sites.a, sites.out)).status == "imported"
    at_hq, version = sites.hq.get_incident(inc.id)
    at_hq.summary = "rewritten at HQ"
    with pytest.raises(ForeignRecord, match=f"recorded on device {sites.a.device.code}"):
        sites.hq.save_incident(at_hq, "edit", expected_version=version)
    with pytest.raises(ForeignRecord):
        sites.hq.delete_incident(inc.id, "duplicate")
    # The field's own next version still imports.
    mine, version = sites.a.get_incident(inc.id)
    mine.summary = "three houses damaged"
    sites.a.save_incident(mine, "site visit", expected_version=version)
    assert import_bundle(sites.hq, export(sites.a, sites.out)).status == "imported"
    assert sites.hq.get_incident(inc.id)[0].summary == "three houses damaged"
