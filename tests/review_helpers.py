"""Builders for HQ review tests: an HQ vault holding incidents imported from two real devices.

Everything is real: two field vaults enrolled with HQ, incidents saved there, bundles exported by
the field exporter and imported by `sync.hqimport`, so the incidents at HQ carry each device's id
in their versions exactly as in use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldapp.domain.model import Harm, Incident, PlaceName
from fieldapp.store.vault import Vault
from sync import fieldsync
from sync.hqimport import import_bundle
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault


@dataclass
class Hq:
    """An HQ vault with incidents from devices `a` and `b` imported (ids by title)."""

    hq: Vault
    a: Vault
    b: Vault
    ids: dict[str, str]
    tmp: Path


def add_incident(
    vault: Vault,
    title: str,
    *,
    start: str = "2026-04-02T06:00:00Z",
    place: str = "",
    category: str = "",
    harm: str = "",
    workflow: str = "reported",
) -> Incident:
    inc = Incident(title=title, summary="reported by a clinic")
    inc.time.start = start
    if place:
        inc.place.names = [PlaceName(lang="en", name=place)]
    if harm:
        inc.harms = [Harm(type=harm)]
    inc.assessment.workflow = workflow
    inc.assessment.public_category = category
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def build_hq(tmp: Path) -> Hq:
    """Device a: two incidents in April (Market, Bridge); device b: one in May (Clinic)."""
    hq = make_hq_vault(tmp / "hq")
    a = make_vault(tmp / "a", analyst="analyst-kestrel")
    b = make_vault(tmp / "b", analyst="analyst-plover")
    enroll(a, hq)
    enroll(b, hq)
    ids: dict[str, str] = {}
    ids["Market strike"] = add_incident(
        a, "Market strike", place="Al Hamra market", category="unconfirmed", harm="death"
    ).id
    ids["Bridge collapse"] = add_incident(
        a,
        "Bridge collapse",
        start="2026-04-30T23:00:00Z",
        place="North bridge",
        harm="damage_infrastructure",
        workflow="under_assessment",
    ).id
    ids["Clinic shelling"] = add_incident(
        b,
        "Clinic shelling",
        start="2026-05-01T08:00:00Z",
        place="Hamra clinic 50%_off",
        category="confirmed",
        harm="injury",
        workflow="assessed",
    ).id
    out = tmp / "out"
    out.mkdir()
    for field in (a, b):
        report = import_bundle(hq, fieldsync.export_bundle(field, out).path)
        assert report.status == "imported", report.reason
    return Hq(hq, a, b, ids, tmp)


@pytest.fixture
def hq_site(tmp_path: Path) -> Iterator[Hq]:
    site = build_hq(tmp_path)
    try:
        yield site
    finally:
        for vault in (site.hq, site.a, site.b):
            vault.lock()
