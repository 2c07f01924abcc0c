"""What an incident and an observation hold (see DATA_MODEL.md in the design notes).

Plain dataclasses with JSON-ready values only: strings, integers, booleans, lists and nested
dataclasses. Coordinates are decimal strings and times ISO 8601 strings, because these records are
hashed and signed as canonical JSON, which has no floats. List values (harm types, platforms, ...)
are plain strings checked against the reference lists by `validation`, so HQ can extend the lists
without a code change.

Record metadata (author, device, time, reason, version number) is not here: it belongs to each
stored version (`fieldapp.store.records`), not to the content.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union

T = TypeVar("T")

# --- fixed vocabularies (the longer, extendable lists live in resources/reflists) ---------------
TIME_PRECISIONS = ("exact", "hour", "day", "week", "month")
GEO_PRECISIONS = (
    "exact",
    "100m",
    "street",
    "neighbourhood",
    "village_town",
    "district",
    "province",
    "unknown",
)
GEO_METHODS = ("gps", "photo_exif", "witness", "imagery", "report")
HARM_MODES = ("direct", "indirect")
AGE_SEX_GROUPS = ("women", "men", "girls", "boys", "unknown")
VICTIM_OUTCOMES = ("killed", "injured")
GENDERS = ("female", "male", "other", "unknown")
AGE_BANDS = ("0-4", "5-11", "12-17", "18-29", "30-44", "45-59", "60+", "unknown")
ATTRIBUTIONS = ("declared", "alleged")
PARTIES = ("own_forces", "coalition_partner", "adversary", "unknown")
RELIABILITY = ("A", "B", "C", "D", "E", "F")
CREDIBILITY = ("1", "2", "3", "4", "5", "6")
WORKFLOW = ("reported", "under_assessment", "assessed")
PUBLIC_CATEGORIES = ("confirmed", "unconfirmed", "unlikely")
INTERNAL_GRADES = ("confirmed", "fair", "weak", "contested", "discounted")
BELLIGERENT_VIEWS = ("not_yet_assessed", "credible", "not_credible", "duplicate")
RESPONSE_TYPES = (
    "acknowledgement",
    "condolence_payment",
    "ex_gratia_payment",
    "medical_assistance",
    "other_assistance",
    "repair",
    "referral",
)
RELEASE_GROUPS = (
    "time",
    "place",
    "harm",
    "casualties",
    "engagement",
    "sources",
    "assessment",
    "response",
    "lessons",
)
COMBATANT_STATUS = ("civilian", "combatant", "dph", "unknown")


# --- incident groups ------------------------------------------------------------------------------
@dataclass
class ExternalRef:
    """An id the same incident has elsewhere (partner, UN mission, Airwars, ...)."""

    system: str = ""
    id: str = ""


@dataclass
class TimeWindow:
    """When it happened: start/end in UTC (ISO 8601 with `Z`), the local offset, and how sure."""

    start: str = ""
    end: str = ""
    utc_offset: str = "+00:00"
    precision: str = "exact"
    first_reported_at: str = ""
    first_reported_by: str = ""


@dataclass
class PlaceName:
    lang: str = ""
    name: str = ""


@dataclass
class Place:
    """Where: WGS84 as decimal strings (never floats), shown and entered also as MGRS."""

    lat: str = ""
    lon: str = ""
    names: list[PlaceName] = field(default_factory=list)
    admin_area: str = ""
    country: str = ""
    precision: str = "unknown"
    method: str = "report"
    notes: str = ""


@dataclass
class Harm:
    """One harm type (from the `harm_types` reference list), direct or indirect."""

    type: str = ""
    mode: str = "direct"


@dataclass
class Range:
    """A count as a minimum and a maximum; None means not known."""

    min: int | None = None
    max: int | None = None


@dataclass
class Breakdown:
    """A count split by age and sex group."""

    women: Range = field(default_factory=Range)
    men: Range = field(default_factory=Range)
    girls: Range = field(default_factory=Range)
    boys: Range = field(default_factory=Range)
    unknown: Range = field(default_factory=Range)

    def total(self) -> Range:
        """Sum of the groups; a bound is None when no group has it."""
        mins = [getattr(self, g).min for g in AGE_SEX_GROUPS if getattr(self, g).min is not None]
        maxs = [getattr(self, g).max for g in AGE_SEX_GROUPS if getattr(self, g).max is not None]
        return Range(sum(mins) if mins else None, sum(maxs) if maxs else None)


@dataclass
class Casualties:
    """Civilian killed and injured by group, plus combatant/DPH figures where known."""

    killed: Breakdown = field(default_factory=Breakdown)
    injured: Breakdown = field(default_factory=Breakdown)
    combatants_killed: Range = field(default_factory=Range)
    combatants_injured: Range = field(default_factory=Range)
    notes: str = ""


@dataclass
class Victim:
    """One person harmed. Sensitive: never released, never in public outputs."""

    name: str = ""
    age: int | None = None
    age_band: str = "unknown"
    gender: str = "unknown"
    outcome: str = "killed"
    status: str = "civilian"
    family_group: str = ""
    external_list_id: str = ""
    notes: str = ""


@dataclass
class Engagement:
    """The suspected cause."""

    attribution: str = "alleged"
    party: str = "unknown"
    party_name: str = ""
    datetime: str = ""
    platform: str = ""
    munition: str = ""
    target_type: str = ""
    strikes: int | None = None
    aar_ref: str = ""


@dataclass
class Source:
    """Where the information came from, graded with the Admiralty code."""

    type: str = ""
    reference: str = ""
    date: str = ""
    reliability: str = "F"
    credibility: str = "6"
    notes: str = ""


@dataclass
class Assessment:
    workflow: str = "reported"
    public_category: str = ""
    internal_grade: str = ""
    belligerent_view: str = "not_yet_assessed"
    rationale: str = ""
    assessor: str = ""
    date: str = ""


@dataclass
class Communication:
    """One contact with victims or next of kin."""

    date: str = ""
    channel: str = ""
    who: str = ""
    summary: str = ""
    follow_up: str = ""


@dataclass
class Response:
    recommended: list[str] = field(default_factory=list)
    given: list[str] = field(default_factory=list)
    communications: list[Communication] = field(default_factory=list)
    notes: str = ""


@dataclass
class Release:
    """Which field groups (RELEASE_GROUPS) may go to partners / the public."""

    partners: list[str] = field(default_factory=list)
    public: list[str] = field(default_factory=list)
    redaction_notes: str = ""


@dataclass
class Incident:
    """One incident of possible civilian harm.

    `id` (UUID hex) and `ref_code` are assigned by the store on first save; `ref_code` is unique
    across devices without connectivity because it carries the device code.
    """

    id: str = ""
    ref_code: str = ""
    title: str = ""
    summary: str = ""
    external_refs: list[ExternalRef] = field(default_factory=list)
    time: TimeWindow = field(default_factory=TimeWindow)
    place: Place = field(default_factory=Place)
    harms: list[Harm] = field(default_factory=list)
    casualties: Casualties = field(default_factory=Casualties)
    victims: list[Victim] = field(default_factory=list)
    engagement: Engagement = field(default_factory=Engagement)
    sources: list[Source] = field(default_factory=list)
    assessment: Assessment = field(default_factory=Assessment)
    response: Response = field(default_factory=Response)
    release: Release = field(default_factory=Release)
    lessons: str = ""


@dataclass
class Observation:
    """A time-stamped note; can exist before any incident and be linked later."""

    id: str = ""
    at: str = ""
    category: str = ""
    text: str = ""
    lat: str = ""
    lon: str = ""
    incident_ids: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


# --- conversion to and from JSON-ready dicts ----------------------------------------------
def to_dict(obj: Any) -> dict[str, Any]:
    """A JSON-ready dict (only str/int/bool/None/list/dict), ready for canonical JSON."""
    result = dataclasses.asdict(obj)
    assert isinstance(result, dict)
    return result


class ShapeError(ValueError):
    """A dict does not have the shape of the dataclass (unknown key, wrong type)."""


_SHAPES: dict[type, tuple[dict[str, Any], frozenset[str]]] = {}


def _shape(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """Type hints and field names of a dataclass, resolved once (get_type_hints costs ~ms)."""
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = frozenset(f.name for f in dataclasses.fields(cls))
        shape = _SHAPES[cls] = (typing.get_type_hints(cls), fields)
    return shape


def from_dict(cls: type[T], data: Any, path: str = "") -> T:
    """Build `cls` from a dict, strictly: unknown keys and wrong types raise ShapeError.

    Missing keys take their defaults, so records written by an older version still load.
    """
    if not isinstance(data, dict):
        raise ShapeError(f"{path or cls.__name__}: expected an object")
    hints, names = _shape(cls)
    unknown = sorted(set(data) - names)
    if unknown:
        raise ShapeError(f"{path or cls.__name__}: unknown field {unknown[0]!r}")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        hint = hints[name]
        # Text fields are most fields of every record: checked inline, no call, no path string.
        if hint is str and isinstance(value, str):
            kwargs[name] = value
        else:
            kwargs[name] = _convert(hint, value, f"{path}.{name}" if path else name)
    return cls(**kwargs)


def _convert(hint: Any, value: Any, path: str) -> Any:
    # The plain types first: they need none of the typing introspection below.
    if hint is str:
        if not isinstance(value, str):
            raise ShapeError(f"{path}: expected text")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ShapeError(f"{path}: expected a whole number")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ShapeError(f"{path}: expected true or false")
        return value
    if hint in _SHAPES:
        return from_dict(hint, value, path)
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(inner[0], value, path)
    if origin is list:
        if not isinstance(value, list):
            raise ShapeError(f"{path}: expected a list")
        (item_hint,) = typing.get_args(hint)
        return [_convert(item_hint, v, f"{path}[{i}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(hint):
        return from_dict(hint, value, path)  # type: ignore[arg-type]
    raise ShapeError(f"{path}: unsupported type {hint!r}")
