"""Write `tests/data/vault-v3/`: an HQ vault and an enrolled field vault at schema version 3.

Run once, while the schema is at version 3, and commit the folder; never regenerate it after the
schema has moved on: it is the *old* pair (a field vault that sent a bundle and holds HQ's
receipt, the HQ vault that imported it) every later fieldapp must still open and keep syncing
(tests/test_store_migrate_v3.py). Test-only KDF, passphrase TEST_PASSPHRASE.

    .venv/bin/python tests/data/make_vault_v3.py [target-folder]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fieldapp.domain.model import Incident  # noqa: E402
from fieldapp.domain.witness import ConsentEvent, Witness, WitnessIdentity  # noqa: E402
from fieldapp.store.keyfile import KdfParams  # noqa: E402
from fieldapp.store.schema import SCHEMA_VERSION  # noqa: E402
from fieldapp.store.vault import Vault  # noqa: E402
from sync import enrollment, fieldsync, hqimport  # noqa: E402
from tests.helpers import TEST_PASSPHRASE  # noqa: E402

_moment = [datetime(2026, 6, 1, 8, 0, 0, tzinfo=UTC)]


def fixed_clock() -> datetime:
    _moment[0] += timedelta(minutes=1)
    return _moment[0]


class FixtureVault(Vault):
    clock = staticmethod(fixed_clock)


def build(target: Path) -> None:
    if SCHEMA_VERSION != 3:
        raise SystemExit("the v3 fixture can only be made while SCHEMA_VERSION is 3")
    target.mkdir(parents=True)
    hq = FixtureVault.create(
        target / "hq",
        TEST_PASSPHRASE,
        cell_name="Fixture HQ",
        analyst="hq-operator-heron",
        role="hq",
        kdf=KdfParams.TEST_ONLY,
    )
    field = FixtureVault.create(
        target / "field",
        TEST_PASSPHRASE,
        cell_name="Fixture Cell",
        analyst="analyst-osprey",
        kdf=KdfParams.TEST_ONLY,
    )
    try:
        enrollment.create_hq_keys(hq)
        request = enrollment.enrollment_request(field)
        _, certificate = enrollment.issue_certificate(hq, request)
        keys = enrollment.load_hq_keys(hq)
        enrollment.accept_enrollment(
            field,
            certificate,
            keys.recipients_note,
            expect_hq=enrollment.root_fingerprint(keys.recipients),
        )
        market = Incident(title="Market strike", summary="Stalls burned near the mosque.")
        market.time.start = "2026-05-20T10:15:00Z"
        market, _ = field.save_incident(market, "first report")
        field.save_witness(
            Witness(
                identity=WitnessIdentity(
                    name="Huda Karim", contact="+964 750 000 0001", age="37", gender="female"
                ),
                consent=[
                    ConsentEvent(
                        date="2026-05-21", scopes=["cell_use", "share_hq"], method="written"
                    )
                ],
                incident_ids=[market.id],
            ),
            "met at the clinic",
        )
        with tempfile.TemporaryDirectory() as scratch:
            bundle = fieldsync.export_bundle(field, Path(scratch))
            report = hqimport.import_bundle(hq, bundle.path, receipts_dir=Path(scratch))
            if report.status != "imported" or report.receipt_path is None:
                raise SystemExit(f"fixture import failed: {report.reason}")
            fieldsync.import_receipt(field, report.receipt_path.read_text("utf-8"))
        for vault in (field, hq):
            check = vault.verify_log()
            if not check.ok:
                raise SystemExit(f"fixture log does not verify: {check.problems}")
    finally:
        field.lock()
        hq.lock()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "vault-v3")
