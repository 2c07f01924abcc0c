"""Write `tests/data/vault-v1/`: a real vault at schema version 1, kept as a migration fixture.

Run once, while the schema is at version 1, and commit the folder; never regenerate it after the
schema has moved on, because its whole point is to be an *old* vault that every later fieldapp
must still open (tests/test_store_schema.py). Test-only KDF, passphrase TEST_PASSPHRASE.

    .venv/bin/python tests/data/make_vault_v1.py [target-folder]
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from fieldapp.domain.model import (  # noqa: E402
    Harm,
    Incident,
    Observation,
    PlaceName,
    Source,
    Victim,
)
from fieldapp.store.keyfile import KdfParams  # noqa: E402
from fieldapp.store.schema import SCHEMA_VERSION  # noqa: E402
from fieldapp.store.vault import Vault  # noqa: E402
from tests.helpers import TEST_PASSPHRASE  # noqa: E402

_moment = [datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)]


def fixed_clock() -> datetime:
    # Deterministic times, one minute apart, so the fixture's history reads like a real one.
    _moment[0] += timedelta(minutes=1)
    return _moment[0]


class FixtureVault(Vault):
    clock = staticmethod(fixed_clock)


def build(target: Path) -> None:
    if SCHEMA_VERSION != 1:
        raise SystemExit("the v1 fixture can only be made while SCHEMA_VERSION is 1")
    vault = FixtureVault.create(
        target,
        TEST_PASSPHRASE,
        cell_name="Fixture Cell",
        analyst="analyst-osprey",
        kdf=KdfParams.TEST_ONLY,
    )
    try:
        market = Incident(title="Market strike", summary="Stalls burned near the mosque.")
        market.time.start = "2026-02-20T10:15:00Z"
        market.place.lat, market.place.lon = "36.340000", "43.130000"
        market.place.names = [PlaceName(lang="en", name="Old Market")]
        market.place.precision = "street"
        market.harms = [Harm(type="death"), Harm(type="damage_civilian_property")]
        market.casualties.killed.men.min, market.casualties.killed.men.max = 1, 2
        market.victims = [Victim(name=unicodedata.normalize("NFD", "Zoë Haddad"), age=34)]
        market.sources = [Source(type="witness", reference="W-1", reliability="B", credibility="2")]
        market, _ = vault.save_incident(market, "first report")
        market.assessment.workflow = "under_assessment"
        market, _ = vault.save_incident(market, "assessment started", expected_version=1)

        bridge = Incident(title="Bridge damaged", summary="Road cut for a week.")
        bridge.time.start = "2026-02-22T04:00:00Z"
        bridge.harms = [Harm(type="damage_infrastructure", mode="indirect")]
        bridge, _ = vault.save_incident(bridge, "first report")

        duplicate = Incident(title="Market strike (duplicate)")
        duplicate.time.start = "2026-02-20T10:15:00Z"
        duplicate, _ = vault.save_incident(duplicate, "first report")
        vault.delete_incident(duplicate.id, "duplicate of the market strike")

        vault.save_observation(Observation(text="Smoke seen over the old market"), "patrol")
        vault.save_observation(
            Observation(text="Crater on the bridge road", incident_ids=[bridge.id]), "patrol"
        )
        report = vault.verify_log()
        if not report.ok:
            raise SystemExit(f"fixture log does not verify: {report.problems}")
    finally:
        vault.lock()


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "vault-v1")
