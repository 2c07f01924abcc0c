"""Write `tests/data/vault-v2/`: a real vault at schema version 2, kept as a migration fixture.

Run once, while the schema is at version 2, and commit the folder; never regenerate it after the
schema has moved on: it is the *old* vault with witnesses, statements and evidence that every
later fieldapp must still open (tests/test_store_migrate_v2.py). Test-only KDF, passphrase
TEST_PASSPHRASE.

    .venv/bin/python tests/data/make_vault_v2.py [target-folder]
"""

from __future__ import annotations

import io
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fieldapp.domain.model import Incident, PlaceName  # noqa: E402
from fieldapp.domain.witness import (  # noqa: E402
    ConsentEvent,
    Statement,
    Witness,
    WitnessIdentity,
)
from fieldapp.media import MediaSandbox  # noqa: E402
from fieldapp.store.keyfile import KdfParams  # noqa: E402
from fieldapp.store.schema import SCHEMA_VERSION  # noqa: E402
from fieldapp.store.vault import Vault  # noqa: E402
from tests.helpers import TEST_PASSPHRASE  # noqa: E402

_moment = [datetime(2026, 4, 1, 8, 0, 0, tzinfo=UTC)]


def fixed_clock() -> datetime:
    _moment[0] += timedelta(minutes=1)
    return _moment[0]


class FixtureVault(Vault):
    clock = staticmethod(fixed_clock)


def build(target: Path) -> None:
    if SCHEMA_VERSION != 2:
        raise SystemExit("the v2 fixture can only be made while SCHEMA_VERSION is 2")
    vault = FixtureVault.create(
        target,
        TEST_PASSPHRASE,
        cell_name="Fixture Cell",
        analyst="analyst-osprey",
        kdf=KdfParams.TEST_ONLY,
    )
    try:
        market = Incident(title="Market strike", summary="Stalls burned near the mosque.")
        market.time.start = "2026-03-20T10:15:00Z"
        market.place.lat, market.place.lon = "36.340000", "43.130000"
        market.place.names = [PlaceName(lang="en", name="Old Market")]
        market, _ = vault.save_incident(market, "first report")

        with tempfile.TemporaryDirectory() as scratch, MediaSandbox(workers=1) as sandbox:
            photo = Path(scratch) / "IMG_0042.jpg"
            buffer = io.BytesIO()
            Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG", quality=80)
            photo.write_bytes(buffer.getvalue())
            form = vault.add_evidence(
                photo,
                incident_ids=[market.id],
                caption="consent form, page 1",
                source_medium="scanner",
                acquisition="handed_over",
                sandbox=sandbox,
            )

        witness = Witness(
            identity=WitnessIdentity(name="Huda Karim", age="37", gender="female"),
            consent=[
                ConsentEvent(
                    date="2026-03-21",
                    scopes=["cell_use", "share_hq", "recontact"],
                    method="written",
                    language="ar",
                    interpreter="int-3",
                )
            ],
            incident_ids=[market.id],
            protection_concerns="neighbour works for the local militia",
        )
        witness, _ = vault.save_witness(witness, "met at the clinic")
        vault.record_consent(
            witness.id,
            ConsentEvent(action="withdrawn", date="2026-03-25", scopes=["share_hq"]),
            "withdrew sharing by phone",
        )
        vault.save_statement(
            Statement(
                witness_id=witness.id,
                incident_ids=[market.id],
                type="eyewitness",
                interview_date="2026-03-21T09:00:00Z",
                interview_place="field clinic",
                interviewer="analyst-osprey",
                interpreter="int-3",
                language="ar",
                original_text="رأيت الدخان فوق السوق القديم",
                translation="I saw smoke over the old market",
                attachment_ids=[form.id],
            ),
            "interview",
        )
        vault.get_witness(witness.id, reveal=True, reason="fixture: a logged reveal")
        report = vault.verify_log()
        if not report.ok:
            raise SystemExit(f"fixture log does not verify: {report.problems}")
    finally:
        vault.lock()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "vault-v2")
