"""Evidence items (DATA_MODEL.md, "Evidence item") and their consistency with an incident.

An evidence item is the record about one stored original: its hash and size, where it came from,
what its metadata says, and the flags raised while reading it. The original bytes live in the
blob store; this record is what is versioned, hashed, signed and later synchronised.

Consistency is arithmetic only (no I/O): how far the photo's GPS position is from the incident's
place and how far its capture time is from the incident's time window, with a warning past a
threshold. A warning does not refuse anything: a photo taken a day later at the scene is still
evidence; the analyst is simply told.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from fieldapp.domain.model import Incident
from fieldapp.domain.validation import ID_RE, Issues, check_lat_lon, check_text, timestamp
from fieldapp.errors import FieldIssue

SOURCE_MEDIA = (
    "camera",
    "phone",
    "sd_card",
    "usb_drive",
    "email",
    "messaging_app",
    "web",
    "scanner",
    "other",
)
ACQUISITION_METHODS = (
    "taken_by_analyst",
    "handed_over",
    "copied_from_device",
    "downloaded",
    "received",
    "other",
)
SENSITIVITIES = ("normal", "identifiable_people", "graphic")
MEDIA_FLAGS = (
    "no_exif",
    "gps_invalid",
    "metadata_unavailable",
    "unrenderable",
    "trailing_data",
    "timeout",
)

# Past these the consistency check warns: a kilometre is already another neighbourhood, and
# photos of an incident are normally taken the same day (the clock of a phone can be hours off).
DISTANCE_WARN_KM = 1.0
TIME_WARN = timedelta(hours=24)
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)

_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_EXIF_TIME_RE = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}:\d{2}:\d{2})")
_OFFSET_RE = re.compile(r"[+-]\d{2}:\d{2}")


@dataclass
class EvidenceItem:
    """The record of one imported file; `id` is assigned on import.

    `original_name` is data (what the file was called where it came from), never a path used
    for anything. The image fields are empty for other files. `duplicate_of` names the first
    item with the same sha256: the same file imported twice is one blob, linked twice.
    """

    id: str = ""
    sha256: str = ""
    size: int = 0
    media_type: str = ""
    original_name: str = ""
    source_medium: str = "other"
    acquisition: str = "other"
    imported_by: str = ""
    imported_at: str = ""
    incident_ids: list[str] = field(default_factory=list)
    caption: str = ""
    sensitivity: str = "normal"
    image_format: str = ""
    width: int | None = None
    height: int | None = None
    capture_time: str = ""
    capture_offset: str = ""
    gps_lat: str = ""
    gps_lon: str = ""
    gps_alt_m: str = ""
    gps_direction: str = ""
    make: str = ""
    model: str = ""
    orientation: int | None = None
    flags: list[str] = field(default_factory=list)
    duplicate_of: str = ""


@dataclass(frozen=True)
class Consistency:
    """How an item's place and time compare with its incident; None where either is unknown."""

    distance_km: float | None
    time_difference: timedelta | None
    warnings: tuple[str, ...]


# --- validation -----------------------------------------------------------------------------------
def _check_decimal(issues: Issues, path: str, text: str, what: str) -> None:
    if not text:
        return
    try:
        Decimal(text)
    except InvalidOperation:
        issues.add(path, f"{what} must be a decimal number such as 12.5 (got {text!r})")


def validate_evidence(item: EvidenceItem) -> list[FieldIssue]:
    """Every rule an evidence record breaks; the store refuses to sign one with any issue."""
    issues = Issues()
    if item.id and not ID_RE.fullmatch(item.id):
        issues.add("id", f"id must be 32 lower-case hex characters (got {item.id!r})")
    if not _SHA256_RE.fullmatch(item.sha256):
        issues.add("sha256", f"must be 64 lower-case hex characters (got {item.sha256!r})")
    if item.duplicate_of and not ID_RE.fullmatch(item.duplicate_of):
        issues.add("duplicate_of", "must be the id of another evidence item")
    if item.size < 0:
        issues.add("size", "size cannot be negative")
    issues.one_of("source_medium", item.source_medium, SOURCE_MEDIA, "source medium")
    issues.one_of("acquisition", item.acquisition, ACQUISITION_METHODS, "acquisition method")
    issues.one_of("sensitivity", item.sensitivity, SENSITIVITIES, "sensitivity")
    timestamp(issues, "imported_at", item.imported_at, required=True)
    for i, flag in enumerate(item.flags):
        issues.one_of(f"flags[{i}]", flag, MEDIA_FLAGS, "flag")
    seen: set[str] = set()
    for i, incident_id in enumerate(item.incident_ids):
        if not ID_RE.fullmatch(incident_id):
            issues.add(
                f"incident_ids[{i}]",
                f"incident id must be 32 lower-case hex characters (got {incident_id!r})",
            )
        elif incident_id in seen:
            issues.add(f"incident_ids[{i}]", "incident is linked twice")
        seen.add(incident_id)
    check_lat_lon(issues, "gps_", item.gps_lat, item.gps_lon)
    _check_decimal(issues, "gps_alt_m", item.gps_alt_m, "altitude")
    _check_decimal(issues, "gps_direction", item.gps_direction, "direction")
    if item.capture_offset and not _OFFSET_RE.fullmatch(item.capture_offset):
        issues.add("capture_offset", f"offset must look like +03:00 (got {item.capture_offset!r})")
    for name in ("width", "height", "orientation"):
        value = getattr(item, name)
        if value is not None and value < 0:
            issues.add(name, f"{name} cannot be negative")
    check_text(issues, item)
    return issues.items


# --- consistency ----------------------------------------------------------------------------------
def distance_km(lat1: str, lon1: str, lat2: str, lon2: str) -> float:
    """Great-circle distance (haversine, spherical Earth) between two decimal-string positions.

    A sphere is off by at most 0.5 % against the ellipsoid: far below what a "1 km apart"
    warning needs, and it keeps the domain free of a geodesy library.
    """
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def capture_moment(capture_time: str, capture_offset: str) -> tuple[datetime, bool] | None:
    """(UTC moment, zone known) of a camera's capture time, or None when it cannot be read.

    Cameras write local time without a zone ("2026:03:14 09:30:00"); the EXIF offset tag, when
    present, places it. Without one the time is read as UTC and reported as unsure, because a
    camera's zone is a guess at best.
    """
    if not capture_time:
        return None
    text = capture_time.strip()
    exif = _EXIF_TIME_RE.fullmatch(text)
    if exif:
        text = f"{exif.group(1)}-{exif.group(2)}-{exif.group(3)}T{exif.group(4)}"
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC), True
    if capture_offset and _OFFSET_RE.fullmatch(capture_offset):
        try:
            zoned = datetime.fromisoformat(text + capture_offset)
        except ValueError:
            return None
        return zoned.astimezone(UTC), True
    return moment.replace(tzinfo=UTC), False


def _window(incident: Incident) -> tuple[datetime, datetime] | None:
    issues = Issues()
    start = timestamp(issues, "start", incident.time.start)
    end = timestamp(issues, "end", incident.time.end)
    if start is None:
        return None
    return start, max(end or start, start)


def format_delta(delta: timedelta) -> str:
    """A time difference as people read it ("2 d 3 h"), the same in the CLI and the GUI."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {mins} min"


def consistency(
    item: EvidenceItem,
    incident: Incident,
    *,
    max_km: float = DISTANCE_WARN_KM,
    max_time: timedelta = TIME_WARN,
) -> Consistency:
    """Distance and time difference between an item and its incident, with warnings.

    The time difference is zero inside the incident's window and otherwise the gap to the nearer
    end of it (positive after, negative before). Missing data on either side gives None and no
    warning, because nothing can be said; an unknown camera zone adds its own warning.
    """
    warnings: list[str] = []
    km: float | None = None
    if item.gps_lat and item.gps_lon and incident.place.lat and incident.place.lon:
        km = distance_km(item.gps_lat, item.gps_lon, incident.place.lat, incident.place.lon)
        if km > max_km:
            warnings.append(
                f"the photo was taken {km:.1f} km from the incident's place "
                f"(more than {max_km:g} km)"
            )
    delta: timedelta | None = None
    captured = capture_moment(item.capture_time, item.capture_offset)
    window = _window(incident)
    if captured is not None and window is not None:
        moment, zone_known = captured
        start, end = window
        if moment < start:
            delta = moment - start
        elif moment > end:
            delta = moment - end
        else:
            delta = timedelta(0)
        if abs(delta) > max_time:
            when = "before" if delta < timedelta(0) else "after"
            warnings.append(
                f"the photo was taken {format_delta(delta)} {when} the incident's time "
                f"(more than {format_delta(max_time)})"
            )
        if not zone_known:
            warnings.append("the camera recorded no time zone; its time was read as UTC")
    return Consistency(distance_km=km, time_difference=delta, warnings=tuple(warnings))
