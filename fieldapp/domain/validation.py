"""The rules a record must meet before it is stored, each with a specific message.

Validation returns every problem at once, each with the dotted path of the field
(`casualties.killed.women`, `harms[2].type`), so the editor can mark the fields inline and the
CLI can print them. The store refuses a record with any issue, so nothing half-valid is signed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fieldapp.domain.model import (
    AGE_BANDS,
    ATTRIBUTIONS,
    BELLIGERENT_VIEWS,
    COMBATANT_STATUS,
    CREDIBILITY,
    GENDERS,
    GEO_METHODS,
    GEO_PRECISIONS,
    HARM_MODES,
    INTERNAL_GRADES,
    PARTIES,
    PUBLIC_CATEGORIES,
    RELEASE_GROUPS,
    RELIABILITY,
    RESPONSE_TYPES,
    TIME_PRECISIONS,
    VICTIM_OUTCOMES,
    WORKFLOW,
    Assessment,
    Casualties,
    Engagement,
    Incident,
    Observation,
    Place,
    Range,
    Release,
    Response,
    TimeWindow,
)
from fieldapp.domain.refcode import parse_ref_code
from fieldapp.domain.reflists import RefList, RefLists
from fieldapp.errors import FieldIssue

TITLE_MAX = 200
# Long narrative fields (summaries, rationale, statements) fit comfortably; the cap only stops a
# pasted file from bloating every later version and bundle.
TEXT_MAX = 100_000
AGE_MAX = 130
ISO_EXAMPLE = "2026-03-14T09:30:00Z"
_DATE_HINT = f"date must be ISO 8601, e.g. {ISO_EXAMPLE}"

ID_RE = re.compile(r"[0-9a-f]{32}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:\d{2})?"
)
_OFFSET_RE = re.compile(r"([+-])(\d{2}):(\d{2})")
_COORD_RE = re.compile(r"-?\d{1,3}(?:\.\d{1,6})?")
LANG_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
# C0 controls and DEL break CSV exports, terminals and some viewers, and NUL truncates strings in
# C libraries; tab and newline are the only ones people type on purpose.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_AGE_BAND_RANGES = {
    "0-4": (0, 4),
    "5-11": (5, 11),
    "12-17": (12, 17),
    "18-29": (18, 29),
    "30-44": (30, 44),
    "45-59": (45, 59),
    "60+": (60, AGE_MAX),
}


class Issues:
    """Collects issues; a tiny helper so every rule reads as one line."""

    def __init__(self) -> None:
        self.items: list[FieldIssue] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(FieldIssue(path, message))

    def one_of(self, path: str, value: str, allowed: Sequence[str], what: str) -> None:
        if value not in allowed:
            self.add(path, f"unknown {what} {value!r} (allowed: {', '.join(allowed)})")


def _list_check(
    issues: Issues, path: str, value: str, reflist: RefList | None, what: str, required: bool
) -> None:
    if not value:
        if required:
            issues.add(path, f"choose a {what}")
        return
    if reflist is not None and value not in reflist:
        issues.add(path, f"unknown {what} {value!r}")


# --- dates and times --------------------------------------------------------------------------
def parse_timestamp(text: str) -> datetime:
    """A record's date or date-time as an aware UTC datetime; ValueError says what is wrong.

    A bare date ("2026-03-14") is accepted because sources often give no time; it reads as
    midnight UTC. A date-time must carry `Z` or an offset: a naive time is ambiguous by up to a
    day in the field, which is exactly what the precision and offset fields exist to record.
    """
    if _DATE_RE.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real calendar date") from exc
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    match = _DATETIME_RE.fullmatch(text)
    if not match:
        raise ValueError(f"{_DATE_HINT} (got {text!r})")
    if match.group(3) is None:
        raise ValueError(f"time has no time zone: end it with Z for UTC, e.g. {ISO_EXAMPLE}")
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date and time ({exc})") from exc
    return value.astimezone(UTC)


def timestamp(issues: Issues, path: str, text: str, required: bool = False) -> datetime | None:
    """Parse an ISO 8601 field, or record why it is not one; shared by every record kind so a
    date is accepted or refused the same way in incidents, witnesses and evidence."""
    if not text:
        if required:
            issues.add(path, f"required; {_DATE_HINT}")
        return None
    try:
        return parse_timestamp(text)
    except ValueError as exc:
        issues.add(path, str(exc))
        return None


def _check_offset(issues: Issues, path: str, text: str) -> None:
    match = _OFFSET_RE.fullmatch(text)
    if not match:
        issues.add(path, f"offset must look like +03:00 or -05:30 (got {text!r})")
        return
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3))
    if minutes >= 60:
        issues.add(path, f"offset minutes must be below 60 (got {text!r})")
        return
    # Real time zones run from UTC-12:00 to UTC+14:00.
    total = (hours * 60 + minutes) * (-1 if sign == "-" else 1)
    if not -12 * 60 <= total <= 14 * 60:
        issues.add(path, f"offset must be between -12:00 and +14:00 (got {text!r})")


def _check_time(issues: Issues, t: TimeWindow) -> None:
    start = timestamp(issues, "time.start", t.start)
    end = timestamp(issues, "time.end", t.end)
    if t.end and not t.start:
        issues.add("time.start", "a start is needed when an end is given")
    if start is not None and end is not None and end < start:
        issues.add("time.end", "end is before start")
    _check_offset(issues, "time.utc_offset", t.utc_offset)
    issues.one_of("time.precision", t.precision, TIME_PRECISIONS, "time precision")
    timestamp(issues, "time.first_reported_at", t.first_reported_at)


# --- place ---------------------------------------------------------------------------------------
def _check_coordinate(issues: Issues, path: str, text: str, limit: int, name: str) -> None:
    if not _COORD_RE.fullmatch(text):
        issues.add(
            path,
            f"{name} must be decimal degrees with at most 6 decimals, e.g. 33.3152 (got {text!r})",
        )
        return
    value = Decimal(text)
    if abs(value) > limit:
        issues.add(path, f"{name} must be between -{limit} and {limit} (got {text})")


def check_lat_lon(issues: Issues, prefix: str, lat: str, lon: str) -> None:
    """Both or neither, in range, at most 6 decimals: one rule for every record with a place."""
    if bool(lat) != bool(lon):
        missing = "lon" if lat else "lat"
        issues.add(f"{prefix}{missing}", "give both latitude and longitude, or neither")
    if lat:
        _check_coordinate(issues, f"{prefix}lat", lat, 90, "latitude")
    if lon:
        _check_coordinate(issues, f"{prefix}lon", lon, 180, "longitude")


def _check_place(issues: Issues, p: Place) -> None:
    check_lat_lon(issues, "place.", p.lat, p.lon)
    for i, name in enumerate(p.names):
        if not name.name.strip():
            issues.add(f"place.names[{i}].name", "place name is empty")
        if name.lang and not LANG_RE.fullmatch(name.lang):
            issues.add(
                f"place.names[{i}].lang",
                f"language must be a code such as en, ar or nl (got {name.lang!r})",
            )
    issues.one_of("place.precision", p.precision, GEO_PRECISIONS, "geolocation precision")
    issues.one_of("place.method", p.method, GEO_METHODS, "geolocation method")
    if p.precision == "exact" and not p.lat:
        issues.add("place.lat", "precision is exact but no coordinates are given")


# --- casualties and victims ---------------------------------------------------------------------
def _check_range(issues: Issues, path: str, r: Range) -> None:
    for bound in ("min", "max"):
        value = getattr(r, bound)
        if value is not None and value < 0:
            issues.add(f"{path}.{bound}", f"must not be negative (got {value})")
    if r.min is not None and r.max is not None and r.min > r.max:
        issues.add(path, f"minimum {r.min} is greater than maximum {r.max}")


def _check_casualties(issues: Issues, c: Casualties) -> None:
    for outcome in ("killed", "injured"):
        breakdown = getattr(c, outcome)
        for group in ("women", "men", "girls", "boys", "unknown"):
            _check_range(issues, f"casualties.{outcome}.{group}", getattr(breakdown, group))
    _check_range(issues, "casualties.combatants_killed", c.combatants_killed)
    _check_range(issues, "casualties.combatants_injured", c.combatants_injured)


def _check_victims(issues: Issues, inc: Incident) -> None:
    for i, v in enumerate(inc.victims):
        path = f"victims[{i}]"
        if v.age is not None and not 0 <= v.age <= AGE_MAX:
            issues.add(f"{path}.age", f"age must be between 0 and {AGE_MAX} (got {v.age})")
        issues.one_of(f"{path}.age_band", v.age_band, AGE_BANDS, "age band")
        band = _AGE_BAND_RANGES.get(v.age_band)
        if v.age is not None and band is not None and 0 <= v.age <= AGE_MAX:
            low, high = band
            if not low <= v.age <= high:
                issues.add(f"{path}.age_band", f"age {v.age} does not fit age band {v.age_band}")
        issues.one_of(f"{path}.gender", v.gender, GENDERS, "gender")
        issues.one_of(f"{path}.outcome", v.outcome, VICTIM_OUTCOMES, "outcome")
        issues.one_of(f"{path}.status", v.status, COMBATANT_STATUS, "status")


# --- the other groups --------------------------------------------------------------------------
def _check_harms(issues: Issues, inc: Incident, lists: RefLists | None) -> None:
    seen: dict[str, int] = {}
    for i, harm in enumerate(inc.harms):
        path = f"harms[{i}]"
        if not harm.type:
            issues.add(f"{path}.type", "choose a harm type")
        elif lists is not None and harm.type not in lists.harm_types:
            issues.add(f"{path}.type", f"unknown harm type {harm.type!r}")
        elif harm.type in seen:
            issues.add(
                f"{path}.type",
                f"harm type {harm.type!r} is already listed at harms[{seen[harm.type]}]",
            )
        else:
            seen[harm.type] = i
        if harm.mode not in HARM_MODES:
            issues.add(f"{path}.mode", f"mode must be direct or indirect (got {harm.mode!r})")


def _check_engagement(issues: Issues, e: Engagement, lists: RefLists | None) -> None:
    issues.one_of("engagement.attribution", e.attribution, ATTRIBUTIONS, "attribution")
    issues.one_of("engagement.party", e.party, PARTIES, "party")
    timestamp(issues, "engagement.datetime", e.datetime)
    _list_check(
        issues,
        "engagement.platform",
        e.platform,
        lists.platforms if lists else None,
        "platform",
        required=False,
    )
    _list_check(
        issues,
        "engagement.munition",
        e.munition,
        lists.munitions if lists else None,
        "munition",
        required=False,
    )
    _list_check(
        issues,
        "engagement.target_type",
        e.target_type,
        lists.target_types if lists else None,
        "target type",
        required=False,
    )
    if e.strikes is not None and e.strikes < 0:
        issues.add(
            "engagement.strikes", f"number of strikes must not be negative (got {e.strikes})"
        )


def _check_sources(issues: Issues, inc: Incident, lists: RefLists | None) -> None:
    for i, s in enumerate(inc.sources):
        path = f"sources[{i}]"
        _list_check(
            issues,
            f"{path}.type",
            s.type,
            lists.source_types if lists else None,
            "source type",
            required=True,
        )
        timestamp(issues, f"{path}.date", s.date)
        if s.reliability not in RELIABILITY:
            issues.add(
                f"{path}.reliability", f"reliability must be one of A–F (got {s.reliability!r})"
            )
        if s.credibility not in CREDIBILITY:
            issues.add(
                f"{path}.credibility", f"credibility must be one of 1–6 (got {s.credibility!r})"
            )


def _check_assessment(issues: Issues, a: Assessment) -> None:
    issues.one_of("assessment.workflow", a.workflow, WORKFLOW, "workflow state")
    if a.public_category:
        issues.one_of(
            "assessment.public_category", a.public_category, PUBLIC_CATEGORIES, "public category"
        )
    elif a.workflow == "assessed":
        # The monthly public overview reports every assessed incident under a category.
        issues.add(
            "assessment.public_category",
            "an assessed incident needs a public category (confirmed, unconfirmed or unlikely)",
        )
    if a.internal_grade:
        issues.one_of("assessment.internal_grade", a.internal_grade, INTERNAL_GRADES, "grade")
    issues.one_of(
        "assessment.belligerent_view", a.belligerent_view, BELLIGERENT_VIEWS, "belligerent view"
    )
    timestamp(issues, "assessment.date", a.date)


def _check_codes(
    issues: Issues, path: str, values: list[str], allowed: Sequence[str], what: str
) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value not in allowed:
            issues.add(f"{path}[{i}]", f"unknown {what} {value!r} (allowed: {', '.join(allowed)})")
        elif value in seen:
            issues.add(f"{path}[{i}]", f"{what} {value!r} is listed twice")
        seen.add(value)


def _check_response(issues: Issues, r: Response) -> None:
    _check_codes(issues, "response.recommended", r.recommended, RESPONSE_TYPES, "response type")
    _check_codes(issues, "response.given", r.given, RESPONSE_TYPES, "response type")
    for i, c in enumerate(r.communications):
        timestamp(issues, f"response.communications[{i}].date", c.date, required=True)
        if not c.summary.strip():
            issues.add(f"response.communications[{i}].summary", "summary is empty")


def _check_release(issues: Issues, r: Release) -> None:
    _check_codes(issues, "release.partners", r.partners, RELEASE_GROUPS, "field group")
    _check_codes(issues, "release.public", r.public, RELEASE_GROUPS, "field group")


# --- text, generically over every string field ---------------------------------------------------
def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


def check_text(issues: Issues, record: Any) -> None:
    """Refuse control characters and oversized text in every string field of a record: they
    break exports and displays, and can hide content from a reader."""
    for path, text in _strings(record, ""):
        bad = _CONTROL_RE.search(text)
        if bad:
            issues.add(
                path,
                f"contains a control character (U+{ord(bad.group()):04X}); "
                "only tab and line breaks are allowed",
            )
        if len(text) > TEXT_MAX:
            issues.add(path, f"is longer than {TEXT_MAX} characters ({len(text)})")


# --- entry points --------------------------------------------------------------------------------
def validate_incident(inc: Incident, lists: RefLists | None = None) -> list[FieldIssue]:
    """Every rule an incident breaks, as (path, message) pairs; empty means it may be stored.

    `lists` are the reference lists to check codes against. The domain layer cannot locate the
    bundled files itself (it knows no file layout), so callers at the edge pass
    `fieldapp.reflists.bundled_reflists()`; with None, list-backed codes are only checked for
    presence where required, while every fixed vocabulary is still enforced.
    """
    issues = Issues()
    if inc.id and not ID_RE.fullmatch(inc.id):
        issues.add("id", f"id must be 32 lower-case hex characters (got {inc.id!r})")
    if inc.ref_code:
        try:
            parse_ref_code(inc.ref_code)
        except ValueError as exc:
            issues.add("ref_code", str(exc))
    title = inc.title.strip()
    if not title:
        issues.add("title", "title is required")
    elif len(inc.title) > TITLE_MAX:
        issues.add("title", f"title must be at most {TITLE_MAX} characters (got {len(inc.title)})")
    if "\n" in inc.title or "\t" in inc.title:
        issues.add("title", "title must be a single line")
    for i, ref in enumerate(inc.external_refs):
        if not ref.system.strip():
            issues.add(f"external_refs[{i}].system", "name the system (e.g. UN, Airwars)")
        if not ref.id.strip():
            issues.add(f"external_refs[{i}].id", "the reference in that system is empty")
    _check_time(issues, inc.time)
    _check_place(issues, inc.place)
    _check_harms(issues, inc, lists)
    _check_casualties(issues, inc.casualties)
    _check_victims(issues, inc)
    _check_engagement(issues, inc.engagement, lists)
    _check_sources(issues, inc, lists)
    _check_assessment(issues, inc.assessment)
    _check_response(issues, inc.response)
    _check_release(issues, inc.release)
    check_text(issues, inc)
    return issues.items


def validate_observation(obs: Observation) -> list[FieldIssue]:
    """Every rule an observation breaks; it needs a time and some text to be worth keeping."""
    issues = Issues()
    if obs.id and not ID_RE.fullmatch(obs.id):
        issues.add("id", f"id must be 32 lower-case hex characters (got {obs.id!r})")
    timestamp(issues, "at", obs.at, required=True)
    if not obs.text.strip():
        issues.add("text", "text is required")
    check_lat_lon(issues, "", obs.lat, obs.lon)
    seen: set[str] = set()
    for i, incident_id in enumerate(obs.incident_ids):
        if not ID_RE.fullmatch(incident_id):
            issues.add(
                f"incident_ids[{i}]",
                f"incident id must be 32 lower-case hex characters (got {incident_id!r})",
            )
        elif incident_id in seen:
            issues.add(f"incident_ids[{i}]", "incident is linked twice")
        seen.add(incident_id)
    for i, name in enumerate(obs.attachments):
        if not name.strip():
            issues.add(f"attachments[{i}]", "attachment reference is empty")
    check_text(issues, obs)
    return issues.items
