"""A real HQ with two enrolled field devices and imported bundles, built once per test module.

Device A sends an incident in bundle 1 (receipt returned to A), then a second version of it, a
witness and a photo with EXIF capture time in bundle 2; device B sends an incident and a photo
in its bundle 1. HQ adds an incident of its own (a local record). Every vault is locked at the
end: tests unlock the one they need, or a copy of it to tamper with.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from fieldapp.domain.model import Incident
from fieldapp.domain.witness import ConsentEvent, Witness, WitnessIdentity
from fieldapp.media import MediaSandbox
from fieldapp.store.vault import Vault
from sync import fieldsync
from sync.hqimport import import_bundle
from tests.helpers import TEST_PASSPHRASE, make_vault
from tests.media_samples import gps_photo, plain_jpeg
from tests.sync_helpers import enroll, make_hq_vault

WITNESS_NAME = "Samira Quill-Haddad"


@dataclass(frozen=True)
class World:
    hq: Path
    a: Path
    b: Path
    a_device: str
    a_code: str
    b_device: str
    hq_device: str
    incident: str  # A's, two versions over two bundles
    witness: str  # A's, bundle 2
    evidence_a: str  # A's photo with EXIF capture time, bundle 2
    evidence_b: str  # B's photo without EXIF, B's bundle 1
    evidence_b_sha: str
    local: str  # HQ's own incident
    field_local: str  # A's incident, never exported
    bundle_files: dict[tuple[str, int], str]  # (device id, seq) -> sha256 of the .chmb file
    a_receipt_2: Path  # HQ's receipt for A's bundle 2, not yet imported by A


def _incident(vault: Vault, title: str) -> Incident:
    inc = Incident(title=title, summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def build_world(root: Path) -> World:
    hq = make_hq_vault(root / "hq")
    a = make_vault(root / "a", analyst="analyst-kestrel")
    b = make_vault(root / "b", analyst="analyst-plover")
    out = root / "out"
    out.mkdir()
    receipts = root / "receipts"
    files: dict[tuple[str, int], str] = {}
    try:
        enroll(a, hq)
        enroll(b, hq)
        inc = _incident(a, "Market strike")
        first = import_bundle(hq, fieldsync.export_bundle(a, out).path, receipts_dir=receipts)
        assert first.status == "imported", first.reason
        files[(a.device.device_id, 1)] = first.sha256
        assert first.receipt_path is not None
        fieldsync.import_receipt(a, first.receipt_path.read_text("utf-8"))
        edited, version = a.get_incident(inc.id)
        edited.summary = "three houses damaged"
        a.save_incident(edited, "site visit", expected_version=version)
        witness, _ = a.save_witness(
            Witness(
                identity=WitnessIdentity(name=WITNESS_NAME),
                incident_ids=[inc.id],
                consent=[ConsentEvent(date="2026-03-02", scopes=["cell_use"], method="verbal")],
            ),
            "met at the clinic",
        )
        (root / "exif.jpg").write_bytes(gps_photo())
        (root / "plain.jpg").write_bytes(plain_jpeg(color="blue"))
        with MediaSandbox(workers=1) as box:
            item_a = a.add_evidence(root / "exif.jpg", incident_ids=[inc.id], sandbox=box)
            other = _incident(b, "Bridge collapse")
            item_b = b.add_evidence(root / "plain.jpg", incident_ids=[other.id], sandbox=box)
        second = import_bundle(hq, fieldsync.export_bundle(a, out).path, receipts_dir=receipts)
        assert (second.status, second.seq) == ("imported", 2), second.reason
        files[(a.device.device_id, 2)] = second.sha256
        assert second.receipt_path is not None
        third = import_bundle(hq, fieldsync.export_bundle(b, out).path, receipts_dir=receipts)
        assert third.status == "imported", third.reason
        files[(b.device.device_id, 1)] = third.sha256
        local = _incident(hq, "HQ desk note")
        field_local = _incident(a, "Not yet sent")
        return World(
            hq=hq.path,
            a=a.path,
            b=b.path,
            a_device=a.device.device_id,
            a_code=a.device.code,
            b_device=b.device.device_id,
            hq_device=hq.device.device_id,
            incident=inc.id,
            witness=witness.id,
            evidence_a=item_a.id,
            evidence_b=item_b.id,
            evidence_b_sha=item_b.sha256,
            local=local.id,
            field_local=field_local.id,
            bundle_files=files,
            a_receipt_2=second.receipt_path,
        )
    finally:
        for vault in (hq, a, b):
            vault.lock()


def open_vault(path: Path) -> Vault:
    return Vault.unlock(path, TEST_PASSPHRASE)


def copy_vault(path: Path, dest: Path) -> Path:
    """A copy of a locked vault's folder (database, key file, evidence, inbox)."""
    shutil.copytree(path, dest)
    return dest
