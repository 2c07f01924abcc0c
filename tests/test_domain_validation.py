"""Validation: every group's rules, each with its field path and a specific message."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldapp.domain.model import (
    Communication,
    ExternalRef,
    Harm,
    Incident,
    Observation,
    Place,
    PlaceName,
    Range,
    Source,
    TimeWindow,
    Victim,
    from_dict,
    to_dict,
)
from fieldapp.domain.reflists import load_reflists
from fieldapp.domain.validation import parse_timestamp, validate_incident, validate_observation
from fieldapp.errors import FieldIssue
from fieldapp.reflists import bundled_reflists
from fieldapp.resources import resource

INCIDENT_ID = "0123456789abcdef0123456789abcdef"


def full_incident() -> Incident:
    """An incident with every group filled in correctly."""
    inc = Incident(
        id=INCIDENT_ID,
        ref_code="CHM-2026-7F3AKQ-0042",
        title="Strike near Al-Rashid market",
        summary="Two strikes hit a street beside the market.\n\tShops destroyed.",
        external_refs=[ExternalRef("Airwars", "CI2026-114")],
        time=TimeWindow(
            start="2026-03-14T09:30:00Z",
            end="2026-03-14T10:15:00Z",
            utc_offset="+03:00",
            precision="hour",
            first_reported_at="2026-03-14T12:00:00Z",
            first_reported_by="local council",
        ),
        place=Place(
            lat="33.315200",
            lon="44.366100",
            names=[PlaceName("ar", "سوق الرشيد"), PlaceName("en", "Al-Rashid market")],
            admin_area="Baghdad",
            country="IQ",
            precision="street",
            method="witness",
        ),
        harms=[Harm("death", "direct"), Harm("disruption_water", "indirect")],
        victims=[Victim(name="Amal", age=34, age_band="30-44", gender="female")],
        sources=[Source("witness", "W-7F3A-0007", "2026-03-15", "B", "2")],
    )
    inc.casualties.killed.women = Range(1, 2)
    inc.casualties.killed.unknown = Range(0, 3)
    inc.casualties.injured.boys = Range(2, 2)
    inc.casualties.combatants_killed = Range(0, 0)
    inc.engagement.attribution = "declared"
    inc.engagement.party = "own_forces"
    inc.engagement.datetime = "2026-03-14T09:31:00+03:00"
    inc.engagement.platform = "uav_armed"
    inc.engagement.munition = "air_to_ground_missile"
    inc.engagement.target_type = "vehicle"
    inc.engagement.strikes = 2
    inc.engagement.aar_ref = "AAR-2026-031"
    inc.assessment.workflow = "assessed"
    inc.assessment.public_category = "confirmed"
    inc.assessment.internal_grade = "fair"
    inc.assessment.belligerent_view = "credible"
    inc.assessment.date = "2026-03-20"
    inc.response.recommended = ["acknowledgement", "condolence_payment"]
    inc.response.given = ["acknowledgement"]
    inc.response.communications = [
        Communication("2026-03-22T08:00:00Z", "phone", "brother", "Condolences offered", "visit")
    ]
    inc.release.partners = ["time", "place", "harm"]
    inc.release.public = ["time", "harm"]
    inc.lessons = "Check for market days before approving strikes near markets."
    return inc


def issues_of(inc: Incident) -> list[FieldIssue]:
    return validate_incident(inc, bundled_reflists())


def test_full_incident_is_valid() -> None:
    assert issues_of(full_incident()) == []


def test_minimal_incident_needs_only_a_title() -> None:
    assert issues_of(Incident(title="Report of shelling")) == []
    assert validate_incident(Incident(title="Report of shelling")) == []


def test_full_incident_survives_dict_round_trip_and_stays_valid() -> None:
    inc = full_incident()
    again = from_dict(Incident, to_dict(inc))
    assert again == inc
    assert issues_of(again) == []


def _set(path_setter: Callable[[Incident], None]) -> Incident:
    inc = full_incident()
    path_setter(inc)
    return inc


CASES: list[tuple[str, Callable[[Incident], None], str, str]] = [
    # identity
    ("no title", lambda i: setattr(i, "title", "   "), "title", "title is required"),
    (
        "long title",
        lambda i: setattr(i, "title", "x" * 201),
        "title",
        "title must be at most 200 characters (got 201)",
    ),
    ("two-line title", lambda i: setattr(i, "title", "a\nb"), "title", "single line"),
    ("bad id", lambda i: setattr(i, "id", "XYZ"), "id", "32 lower-case hex"),
    (
        "bad ref code",
        lambda i: setattr(i, "ref_code", "CHM-2026-7F3AKQ-42"),
        "ref_code",
        "not a reference code",
    ),
    (
        "external ref without id",
        lambda i: i.external_refs.append(ExternalRef("UN", " ")),
        "external_refs[1].id",
        "empty",
    ),
    # time
    (
        "bad start",
        lambda i: setattr(i.time, "start", "14/03/2026"),
        "time.start",
        "date must be ISO 8601, e.g. 2026-03-14T09:30:00Z (got '14/03/2026')",
    ),
    (
        "naive time",
        lambda i: setattr(i.time, "start", "2026-03-14T09:30:00"),
        "time.start",
        "time has no time zone",
    ),
    (
        "impossible date",
        lambda i: setattr(i.time, "start", "2026-02-30"),
        "time.start",
        "'2026-02-30' is not a real calendar date",
    ),
    (
        "impossible hour",
        lambda i: setattr(i.time, "end", "2026-03-14T25:00:00Z"),
        "time.end",
        "is not a real date and time",
    ),
    (
        "end before start",
        lambda i: setattr(i.time, "end", "2026-03-14T09:00:00Z"),
        "time.end",
        "end is before start",
    ),
    (
        "end before start across offsets",
        lambda i: setattr(i.time, "end", "2026-03-14T12:00:00+03:00"),
        "time.end",
        "end is before start",
    ),
    (
        "end without start",
        lambda i: setattr(i.time, "start", ""),
        "time.start",
        "a start is needed when an end is given",
    ),
    (
        "offset format",
        lambda i: setattr(i.time, "utc_offset", "+3"),
        "time.utc_offset",
        "offset must look like +03:00 or -05:30 (got '+3')",
    ),
    (
        "offset range",
        lambda i: setattr(i.time, "utc_offset", "+15:00"),
        "time.utc_offset",
        "offset must be between -12:00 and +14:00",
    ),
    (
        "offset minutes",
        lambda i: setattr(i.time, "utc_offset", "+03:75"),
        "time.utc_offset",
        "minutes must be below 60",
    ),
    (
        "time precision",
        lambda i: setattr(i.time, "precision", "year"),
        "time.precision",
        "unknown time precision 'year'",
    ),
    (
        "first reported",
        lambda i: setattr(i.time, "first_reported_at", "yesterday"),
        "time.first_reported_at",
        "date must be ISO 8601",
    ),
    # place
    (
        "latitude range",
        lambda i: setattr(i.place, "lat", "95"),
        "place.lat",
        "latitude must be between -90 and 90 (got 95)",
    ),
    (
        "longitude range",
        lambda i: setattr(i.place, "lon", "-180.5"),
        "place.lon",
        "longitude must be between -180 and 180 (got -180.5)",
    ),
    (
        "too many decimals",
        lambda i: setattr(i.place, "lat", "33.1234567"),
        "place.lat",
        "at most 6 decimals",
    ),
    (
        "float-looking text",
        lambda i: setattr(i.place, "lon", "4.4e1"),
        "place.lon",
        "decimal degrees",
    ),
    (
        "lat without lon",
        lambda i: setattr(i.place, "lon", ""),
        "place.lon",
        "give both latitude and longitude, or neither",
    ),
    (
        "geo precision",
        lambda i: setattr(i.place, "precision", "1km"),
        "place.precision",
        "unknown geolocation precision '1km'",
    ),
    (
        "geo method",
        lambda i: setattr(i.place, "method", "guess"),
        "place.method",
        "unknown geolocation method 'guess'",
    ),
    (
        "exact without coordinates",
        lambda i: setattr(i, "place", Place(precision="exact")),
        "place.lat",
        "precision is exact but no coordinates",
    ),
    (
        "empty place name",
        lambda i: i.place.names.append(PlaceName("fr", " ")),
        "place.names[2].name",
        "place name is empty",
    ),
    (
        "bad language",
        lambda i: setattr(i.place.names[0], "lang", "Arabic"),
        "place.names[0].lang",
        "language must be a code",
    ),
    # harms
    (
        "unknown harm",
        lambda i: i.harms.append(Harm("foo")),
        "harms[2].type",
        "unknown harm type 'foo'",
    ),
    ("empty harm", lambda i: i.harms.append(Harm("")), "harms[2].type", "choose a harm type"),
    (
        "duplicate harm",
        lambda i: i.harms.append(Harm("death", "indirect")),
        "harms[2].type",
        "harm type 'death' is already listed at harms[0]",
    ),
    (
        "harm mode",
        lambda i: setattr(i.harms[1], "mode", "both"),
        "harms[1].mode",
        "mode must be direct or indirect (got 'both')",
    ),
    # casualties
    (
        "min above max",
        lambda i: setattr(i.casualties.killed, "women", Range(5, 3)),
        "casualties.killed.women",
        "minimum 5 is greater than maximum 3",
    ),
    (
        "negative",
        lambda i: setattr(i.casualties.injured, "girls", Range(-1, None)),
        "casualties.injured.girls.min",
        "must not be negative (got -1)",
    ),
    (
        "combatants min above max",
        lambda i: setattr(i.casualties, "combatants_injured", Range(4, 1)),
        "casualties.combatants_injured",
        "minimum 4 is greater than maximum 1",
    ),
    # victims
    (
        "age too high",
        lambda i: setattr(i.victims[0], "age", 131),
        "victims[0].age",
        "age must be between 0 and 130 (got 131)",
    ),
    (
        "negative age",
        lambda i: setattr(i.victims[0], "age", -1),
        "victims[0].age",
        "age must be between 0 and 130 (got -1)",
    ),
    (
        "age outside band",
        lambda i: setattr(i.victims[0], "age", 7),
        "victims[0].age_band",
        "age 7 does not fit age band 30-44",
    ),
    (
        "age band",
        lambda i: setattr(i.victims[0], "age_band", "adult"),
        "victims[0].age_band",
        "unknown age band 'adult'",
    ),
    (
        "gender",
        lambda i: setattr(i.victims[0], "gender", "f"),
        "victims[0].gender",
        "unknown gender 'f'",
    ),
    (
        "outcome",
        lambda i: setattr(i.victims[0], "outcome", "missing"),
        "victims[0].outcome",
        "unknown outcome 'missing'",
    ),
    (
        "status",
        lambda i: setattr(i.victims[0], "status", "soldier"),
        "victims[0].status",
        "unknown status 'soldier'",
    ),
    # engagement
    (
        "attribution",
        lambda i: setattr(i.engagement, "attribution", "rumoured"),
        "engagement.attribution",
        "unknown attribution 'rumoured'",
    ),
    (
        "party",
        lambda i: setattr(i.engagement, "party", "allies"),
        "engagement.party",
        "unknown party 'allies'",
    ),
    (
        "engagement time",
        lambda i: setattr(i.engagement, "datetime", "09:30"),
        "engagement.datetime",
        "date must be ISO 8601",
    ),
    (
        "platform",
        lambda i: setattr(i.engagement, "platform", "spaceship"),
        "engagement.platform",
        "unknown platform 'spaceship'",
    ),
    (
        "munition",
        lambda i: setattr(i.engagement, "munition", "laser"),
        "engagement.munition",
        "unknown munition 'laser'",
    ),
    (
        "target type",
        lambda i: setattr(i.engagement, "target_type", "village"),
        "engagement.target_type",
        "unknown target type 'village'",
    ),
    (
        "strikes",
        lambda i: setattr(i.engagement, "strikes", -2),
        "engagement.strikes",
        "number of strikes must not be negative (got -2)",
    ),
    # sources
    (
        "source type",
        lambda i: setattr(i.sources[0], "type", "rumour"),
        "sources[0].type",
        "unknown source type 'rumour'",
    ),
    (
        "source type missing",
        lambda i: i.sources.append(Source()),
        "sources[1].type",
        "choose a source type",
    ),
    (
        "reliability",
        lambda i: setattr(i.sources[0], "reliability", "G"),
        "sources[0].reliability",
        "reliability must be one of A–F (got 'G')",
    ),
    (
        "credibility",
        lambda i: setattr(i.sources[0], "credibility", "7"),
        "sources[0].credibility",
        "credibility must be one of 1–6 (got '7')",
    ),
    (
        "source date",
        lambda i: setattr(i.sources[0], "date", "March"),
        "sources[0].date",
        "date must be ISO 8601",
    ),
    # assessment
    (
        "workflow",
        lambda i: setattr(i.assessment, "workflow", "closed"),
        "assessment.workflow",
        "unknown workflow state 'closed'",
    ),
    (
        "assessed needs category",
        lambda i: setattr(i.assessment, "public_category", ""),
        "assessment.public_category",
        "an assessed incident needs a public category",
    ),
    (
        "public category",
        lambda i: setattr(i.assessment, "public_category", "likely"),
        "assessment.public_category",
        "unknown public category 'likely'",
    ),
    (
        "internal grade",
        lambda i: setattr(i.assessment, "internal_grade", "strong"),
        "assessment.internal_grade",
        "unknown grade 'strong'",
    ),
    (
        "belligerent view",
        lambda i: setattr(i.assessment, "belligerent_view", "maybe"),
        "assessment.belligerent_view",
        "unknown belligerent view 'maybe'",
    ),
    # response
    (
        "response type",
        lambda i: i.response.given.append("apology"),
        "response.given[1]",
        "unknown response type 'apology'",
    ),
    (
        "duplicate response",
        lambda i: i.response.recommended.append("acknowledgement"),
        "response.recommended[2]",
        "response type 'acknowledgement' is listed twice",
    ),
    (
        "communication without date",
        lambda i: i.response.communications.append(Communication(summary="Called")),
        "response.communications[1].date",
        "required",
    ),
    (
        "communication without summary",
        lambda i: i.response.communications.append(Communication(date="2026-03-23")),
        "response.communications[1].summary",
        "summary is empty",
    ),
    # release
    (
        "release group",
        lambda i: i.release.public.append("victims"),
        "release.public[2]",
        "unknown field group 'victims'",
    ),
    (
        "duplicate release group",
        lambda i: i.release.partners.append("time"),
        "release.partners[3]",
        "field group 'time' is listed twice",
    ),
    # text
    (
        "NUL in summary",
        lambda i: setattr(i, "summary", "before\x00after"),
        "summary",
        "contains a control character (U+0000)",
    ),
    (
        "escape in nested text",
        lambda i: setattr(i.victims[0], "name", "Amal\x1b[31m"),
        "victims[0].name",
        "contains a control character (U+001B)",
    ),
    (
        "DEL in place name",
        lambda i: setattr(i.place.names[1], "name", "market\x7f"),
        "place.names[1].name",
        "control character (U+007F)",
    ),
    (
        "huge text",
        lambda i: setattr(i, "lessons", "x" * 100_001),
        "lessons",
        "is longer than 100000 characters",
    ),
]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [pytest.param(c, p, m, id=name) for name, c, p, m in CASES],
)
def test_each_rule_reports_path_and_message(
    change: Callable[[Incident], None], path: str, message: str
) -> None:
    issues = issues_of(_set(change))
    matching = [i for i in issues if i.path == path]
    assert matching, f"no issue at {path}; got {issues}"
    assert any(message in i.message for i in matching), matching
    # Exactly the broken field is reported, nothing else.
    assert {i.path for i in issues} == {path}


def test_all_problems_reported_at_once() -> None:
    inc = full_incident()
    inc.title = ""
    inc.place.lat = "91"
    inc.sources[0].reliability = "Z"
    paths = [i.path for i in issues_of(inc)]
    assert paths == ["title", "place.lat", "sources[0].reliability"]


def test_without_lists_fixed_vocabularies_still_apply() -> None:
    inc = full_incident()
    inc.harms.append(Harm("foo"))
    inc.engagement.platform = "spaceship"
    inc.sources[0].reliability = "Q"
    issues = validate_incident(inc)
    assert [i.path for i in issues] == ["sources[0].reliability"]


def test_retired_codes_still_validate(tmp_path: Path) -> None:
    # HQ retires a code in a later list edition; records that already use it stay valid, while
    # a code HQ never had is still refused.
    target = tmp_path / "reflists"
    shutil.copytree(resource("reflists"), target)
    path = target / "platforms.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["items"]:
        if item["code"] == "uav_armed":
            item["retired"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    lists = load_reflists(target)
    assert validate_incident(full_incident(), lists) == []
    inc = _set(lambda i: setattr(i.engagement, "platform", "uav_small_armed"))
    assert [i.path for i in validate_incident(inc, lists)] == ["engagement.platform"]


def test_tab_and_newline_are_allowed_in_text() -> None:
    inc = full_incident()
    inc.summary = "line one\nline two\tindented\r\n"
    issues = issues_of(inc)
    assert [i.path for i in issues] == ["summary"]  # \r is a control character too
    inc.summary = "line one\nline two\tindented"
    assert issues_of(inc) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14", datetime(2026, 3, 14, tzinfo=UTC)),
        ("2026-03-14T09:30Z", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("2026-03-14T09:30:00Z", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("2026-03-14T12:30:00+03:00", datetime(2026, 3, 14, 9, 30, tzinfo=UTC)),
        ("2026-03-14T09:30:00.250Z", datetime(2026, 3, 14, 9, 30, 0, 250000, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_normalises_to_utc(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["2026-3-14", "2026-03-14 09:30Z", "20260314T0930Z", "now", ""])
def test_parse_timestamp_rejects_other_forms(text: str) -> None:
    with pytest.raises(ValueError, match="date must be ISO 8601"):
        parse_timestamp(text)


# --- observations --------------------------------------------------------------------------------
def test_valid_observation() -> None:
    obs = Observation(
        at="2026-03-14T09:40:00Z",
        category="sighting",
        text="Smoke seen to the north-east of the market.",
        lat="33.316",
        lon="44.37",
        incident_ids=[INCIDENT_ID],
        attachments=["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    )
    assert validate_observation(obs) == []


@pytest.mark.parametrize(
    ("obs", "path", "message"),
    [
        (Observation(text="x"), "at", "required; date must be ISO 8601"),
        (Observation(at="2026-03-14T09:40:00", text="x"), "at", "time has no time zone"),
        (Observation(at="2026-03-14", text=" "), "text", "text is required"),
        (
            Observation(at="2026-03-14", text="x", lat="33.3"),
            "lon",
            "give both latitude and longitude, or neither",
        ),
        (
            Observation(at="2026-03-14", text="x", lat="-91", lon="0"),
            "lat",
            "latitude must be between -90 and 90 (got -91)",
        ),
        (
            Observation(at="2026-03-14", text="x", incident_ids=["CHM-2026-7F3AKQ-0042"]),
            "incident_ids[0]",
            "incident id must be 32 lower-case hex",
        ),
        (
            Observation(at="2026-03-14", text="x", incident_ids=[INCIDENT_ID, INCIDENT_ID]),
            "incident_ids[1]",
            "incident is linked twice",
        ),
        (
            Observation(at="2026-03-14", text="x", attachments=[""]),
            "attachments[0]",
            "attachment reference is empty",
        ),
        (
            Observation(at="2026-03-14", text="bell\x07"),
            "text",
            "contains a control character (U+0007)",
        ),
        (Observation(id="nope", at="2026-03-14", text="x"), "id", "32 lower-case hex"),
    ],
)
def test_observation_rules(obs: Observation, path: str, message: str) -> None:
    issues = validate_observation(obs)
    assert [i.path for i in issues] == [path]
    assert message in issues[0].message
