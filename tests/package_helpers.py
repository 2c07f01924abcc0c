"""A real HQ vault holding an incident imported from a real field device, for package tests."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from fieldapp.domain.model import Incident, Observation
from fieldapp.domain.witness import ConsentEvent, Statement, Witness, WitnessIdentity
from fieldapp.media import MediaSandbox
from fieldapp.store.vault import Vault
from sync import fieldsync
from sync.hqimport import import_bundle
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault

WITNESS_NAME = "Amina Haddad-Quartz"


@dataclass
class Case:
    hq: Vault
    field: Vault
    incident_id: str
    evidence_sha256: str
    witness_id: str
    tmp: Path


def photo(path: Path, color: str) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@contextmanager
def imported_case(tmp: Path) -> Iterator[Case]:
    """An incident with an edit, an observation, a witness (with a name), a statement and a
    photo, recorded on a field device, exported and imported at HQ in two bundles."""
    hq = make_hq_vault(tmp / "hq")
    field = make_vault(tmp / "field", analyst="analyst-kestrel")
    enroll(field, hq)
    inc = Incident(title="Market strike", summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    stored, _ = field.save_incident(inc, "first report")
    field.save_observation(Observation(text="smoke to the north", incident_ids=[stored.id]), "seen")
    witness, _ = field.save_witness(
        Witness(
            identity=WitnessIdentity(name=WITNESS_NAME, contact="+000 555 0101"),
            incident_ids=[stored.id],
            consent=[ConsentEvent(date="2026-03-02", scopes=["cell_use"], method="verbal")],
        ),
        "met at the clinic",
    )
    field.save_statement(
        Statement(
            witness_id=witness.id,
            original_text="I saw the roof fall",
            incident_ids=[stored.id],
            interview_date="2026-03-02T10:00:00Z",
            interviewer="analyst-kestrel",
        ),
        "interview",
    )
    with MediaSandbox(workers=1) as box:
        item = field.add_evidence(
            photo(tmp / "roof.jpg", "red"), incident_ids=[stored.id], sandbox=box
        )
    out = tmp / "out"
    out.mkdir()
    first = import_bundle(hq, fieldsync.export_bundle(field, out).path, receipts_dir=tmp / "r")
    assert first.status == "imported"
    edited, version = field.get_incident(stored.id)
    edited.summary = "three houses damaged"
    field.save_incident(edited, "recount", expected_version=version)
    second = import_bundle(hq, fieldsync.export_bundle(field, out).path, receipts_dir=tmp / "r")
    assert second.status == "imported"
    try:
        yield Case(hq, field, stored.id, item.sha256, witness.id, tmp)
    finally:
        hq.lock()
        field.lock()
