"""A hand-built HQ vault across two months for the report and open-data tests.

Every figure the tests expect is computed by hand from the incidents below (see EXPECTED_* in
the tests); times are set through `Vault.clock`, so each version's `at` is known.

September 2026 (the month before):
  A  start 09-15, Anbar, field category unconfirmed (assessed); HQ assessment v1 09-25
     "unconfirmed", v2 10-10 "confirmed"            -> change unconfirmed -> confirmed
  B  start 09-05, Ninewa, no category; field version 2 on 10-12 "unlikely"
                                                     -> change none -> unlikely
  C  start 09-01, Anbar, unconfirmed; version 2 on 11-02 "confirmed" (after October)
                                                     -> no change in October

October 2026 (the report month):
  D  10-02 Anbar, confirmed/assessed, 34.3715 41.0942, killed women 1-2 men 0-1 girls 1-1
     boys -, injured women 2-3 unknown 4-(none); fixed_wing guided_bomb x2, own_forces, IQ
  E  10-15 Ninewa, unconfirmed/under_assessment, 36.3764 42.4497, killed boys 2-3 unknown
     0-5, injured men 1-1 girls 0-2; artillery artillery_shell, strikes unknown, adversary
  F  10-31T23:30 no area, no position, field: reported; HQ assessment "unlikely";
     killed unknown 1-1; uav_armed, strikes 3
  H  10-20 area "=cmd|' /C calc'!A0" (a CSV injection), reported, 34.3799 41.0999;
     fixed_wing guided_bomb x1, SY
  J  10-25 Anbar, reported, 34.30 41.09; fixed_wing guided_bomb x4
  K  10-28 "Sea", reported, -0.05 -179.99; rotary_wing rocket x1
  G  start 11-01T00:00 (November: not in October)
  I  start 10-05, deleted on 10-06 (not counted)
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fieldapp.domain.assessment import HqAssessment
from fieldapp.domain.model import (
    Assessment,
    Breakdown,
    Casualties,
    Engagement,
    Incident,
    Place,
    Range,
    TimeWindow,
)
from fieldapp.store.vault import Vault
from tests.helpers import make_vault

INJECTION_AREA = "=cmd|' /C calc'!A0"


def at(vault: Vault, when: str) -> None:
    """Make every following save happen at `when` (ISO, UTC)."""
    moment = datetime.fromisoformat(when.replace("Z", "+00:00")).astimezone(UTC)
    setattr(vault, "clock", lambda: moment)  # noqa: B010 - the test clock, this vault only


def incident(
    start: str,
    area: str = "",
    category: str = "",
    workflow: str = "reported",
    lat: str = "",
    lon: str = "",
    killed: Breakdown | None = None,
    injured: Breakdown | None = None,
    engagement: Engagement | None = None,
    country: str = "IQ",
) -> Incident:
    return Incident(
        title=f"Incident at {area or 'unknown place'} {start[:10]}",
        time=TimeWindow(start=start),
        place=Place(lat=lat, lon=lon, admin_area=area, country=country),
        casualties=Casualties(killed=killed or Breakdown(), injured=injured or Breakdown()),
        engagement=engagement or Engagement(),
        assessment=Assessment(workflow=workflow, public_category=category),
    )


def assess(vault: Vault, incident_id: str, category: str) -> None:
    vault.save_assessment(
        HqAssessment(
            incident_id=incident_id,
            public_category=category,
            internal_grade="fair",
            rationale="checked against imagery and two witnesses",
        ),
        "assessed at HQ",
    )


def build_report_vault(path: Path) -> tuple[Vault, dict[str, str]]:
    """The vault described in the module docstring; returns it and each letter's ref code."""
    vault = make_vault(path, role="hq")
    refs: dict[str, str] = {}

    def save(letter: str, when: str, inc: Incident) -> Incident:
        at(vault, when)
        saved, _ = vault.save_incident(inc, "test fixture")
        refs[letter] = saved.ref_code
        return saved

    a = save(
        "A",
        "2026-09-20T10:00:00Z",
        incident("2026-09-15T08:00:00Z", "Anbar", "unconfirmed", "assessed", "34.1", "41.2"),
    )
    at(vault, "2026-09-25T09:00:00Z")
    assess(vault, a.id, "unconfirmed")
    at(vault, "2026-10-10T09:00:00Z")
    assess(vault, a.id, "confirmed")

    b = save("B", "2026-09-06T10:00:00Z", incident("2026-09-05T08:00:00Z", "Ninewa"))
    b.assessment = Assessment(workflow="assessed", public_category="unlikely")
    at(vault, "2026-10-12T10:00:00Z")
    vault.save_incident(b, "re-assessed in the field")

    c = save("C", "2026-09-02T10:00:00Z", incident("2026-09-01T08:00:00Z", "Anbar", "unconfirmed"))
    c.assessment = Assessment(workflow="assessed", public_category="confirmed")
    at(vault, "2026-11-02T10:00:00Z")
    vault.save_incident(c, "confirmed in November")

    save(
        "D",
        "2026-10-03T10:00:00Z",
        incident(
            "2026-10-02T06:30:00Z",
            "Anbar",
            "confirmed",
            "assessed",
            "34.3715",
            "41.0942",
            killed=Breakdown(women=Range(1, 2), men=Range(0, 1), girls=Range(1, 1)),
            injured=Breakdown(women=Range(2, 3), unknown=Range(4, None)),
            engagement=Engagement(
                party="own_forces", platform="fixed_wing", munition="guided_bomb", strikes=2
            ),
        ),
    )
    save(
        "E",
        "2026-10-16T10:00:00Z",
        incident(
            "2026-10-15T12:00:00Z",
            "Ninewa",
            "unconfirmed",
            "under_assessment",
            "36.3764",
            "42.4497",
            killed=Breakdown(boys=Range(2, 3), unknown=Range(0, 5)),
            injured=Breakdown(men=Range(1, 1), girls=Range(0, 2)),
            engagement=Engagement(
                party="adversary", platform="artillery", munition="artillery_shell"
            ),
        ),
    )
    f = save(
        "F",
        "2026-10-31T23:45:00Z",
        incident(
            "2026-10-31T23:30:00Z",
            killed=Breakdown(unknown=Range(1, 1)),
            engagement=Engagement(platform="uav_armed", strikes=3),
        ),
    )
    at(vault, "2026-11-01T08:00:00Z")
    assess(vault, f.id, "unlikely")
    save(
        "H",
        "2026-10-21T10:00:00Z",
        incident(
            "2026-10-20T10:00:00Z",
            INJECTION_AREA,
            lat="34.3799",
            lon="41.0999",
            country="SY",
            engagement=Engagement(
                party="own_forces", platform="fixed_wing", munition="guided_bomb", strikes=1
            ),
        ),
    )
    save(
        "J",
        "2026-10-26T10:00:00Z",
        incident(
            "2026-10-25T10:00:00Z",
            "Anbar",
            lat="34.30",
            lon="41.09",
            engagement=Engagement(
                party="own_forces", platform="fixed_wing", munition="guided_bomb", strikes=4
            ),
        ),
    )
    save(
        "K",
        "2026-10-29T10:00:00Z",
        incident(
            "2026-10-28T10:00:00Z",
            "Sea",
            lat="-0.05",
            lon="-179.99",
            engagement=Engagement(platform="rotary_wing", munition="rocket", strikes=1),
        ),
    )
    save("G", "2026-11-02T10:00:00Z", incident("2026-11-01T00:00:00Z", "Anbar", "confirmed"))
    i = save("I", "2026-10-05T10:00:00Z", incident("2026-10-05T10:00:00Z", "Anbar"))
    at(vault, "2026-10-06T10:00:00Z")
    vault.delete_incident(i.id, "duplicate of D")
    at(vault, "2026-11-05T12:00:00Z")  # reports are made early in November
    return vault, refs
