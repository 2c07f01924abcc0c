"""EXIF facts (GPS, capture time, camera) read with exifread, validated before they are believed.

EXIF is written by cameras, phone apps and anyone with a hex editor, so every value is checked:
a latitude of 95°, a hemisphere `X`, 61 minutes or a zero denominator makes the GPS fix invalid
(the item is flagged, the other facts are kept). `details=False` keeps exifread out of
MakerNotes, where a huge count makes it spin for minutes (SECURITY.md F6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path
from typing import Any

import exifread

from fieldapp.domain.geo import normalise_decimal
from fieldapp.media.model import MAX_TEXT

_OFFSET_RE = re.compile(r"([+-])([01]\d|2[0-3]):([0-5]\d)")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_REFS = {"lat": ("N", "S"), "lon": ("E", "W")}
_LIMITS = {"lat": 90, "lon": 180}


class BadGps(ValueError):
    """One GPS value cannot be believed; the message says which and why (for the worker log)."""


@dataclass
class ExifFacts:
    """What exifread gave, already validated; `failed` means exifread itself gave up."""

    found: bool = False
    failed: bool = False
    gps_invalid: bool = False
    capture_time: str | None = None
    capture_offset: str | None = None
    gps_lat: str | None = None
    gps_lon: str | None = None
    gps_alt_m: str | None = None
    gps_direction: str | None = None
    make: str | None = None
    model: str | None = None
    orientation: int | None = None
    problems: list[str] = field(default_factory=list)


def read_exif(path: Path) -> ExifFacts:
    """Parse the EXIF of `path` (JPEG, TIFF, PNG, WebP or HEIC) without trusting any of it."""
    facts = ExifFacts()
    try:
        with path.open("rb") as handle:
            tags = exifread.process_file(
                handle, details=False, extract_thumbnail=False, strict=False
            )
    except Exception as exc:  # exifread raises many types on hostile input; all mean "unreadable"
        facts.failed = True
        facts.problems.append(f"exifread: {type(exc).__name__}: {exc}"[:MAX_TEXT])
        return facts
    facts.found = _has_camera_metadata(tags)
    _fill(facts, tags)
    return facts


# IFD0 tags that describe the shot rather than the raster; a TIFF always has IFD0 (width, strips,
# compression), which on its own is not "EXIF" to an analyst.
_CAMERA_IFD0 = {
    "Image Make",
    "Image Model",
    "Image Orientation",
    "Image DateTime",
    "Image Software",
    "Image Artist",
    "Image Copyright",
    "Image ImageDescription",
}


def _has_camera_metadata(tags: dict[str, Any]) -> bool:
    return any(k.startswith(("EXIF ", "GPS ")) or k in _CAMERA_IFD0 for k in tags)


def _fill(facts: ExifFacts, tags: dict[str, Any]) -> None:
    facts.make = _text(tags.get("Image Make"))
    facts.model = _text(tags.get("Image Model"))
    facts.orientation = _orientation(tags.get("Image Orientation"))
    facts.capture_time, facts.capture_offset = _capture_time(tags)
    _read_gps(tags, facts)


def _values(tag: Any) -> Any:
    return getattr(tag, "values", None)


def _text(tag: Any) -> str | None:
    value = _values(tag)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = _CONTROL_RE.sub("", value).strip()
    return cleaned[:MAX_TEXT] or None


def _orientation(tag: Any) -> int | None:
    value = _values(tag)
    if isinstance(value, list) and value and type(value[0]) is int and 1 <= value[0] <= 8:
        return value[0]
    return None


def _capture_time(tags: dict[str, Any]) -> tuple[str | None, str | None]:
    raw = _text(tags.get("EXIF DateTimeOriginal"))
    if raw is None:
        return None, None
    try:
        moment = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None, None
    stamp = moment.isoformat()
    offset_text = _text(tags.get("EXIF OffsetTimeOriginal"))
    if offset_text is not None and _OFFSET_RE.fullmatch(offset_text):
        return stamp + offset_text, offset_text
    return stamp, None


def _fraction(value: Any, what: str) -> Fraction:
    if type(value) is int:
        return Fraction(value)
    num = getattr(value, "num", None)
    den = getattr(value, "den", None)
    if type(num) is not int or type(den) is not int:
        raise BadGps(f"{what} is not a number")
    if den == 0:
        raise BadGps(f"{what} has a zero denominator")
    result = Fraction(num, den)
    if result < 0:
        raise BadGps(f"{what} is negative")
    return result


def _decimal_text(value: Fraction, places: int) -> str:
    with localcontext() as ctx:
        ctx.prec = 40
        exact = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{exact:.{places}f}"


def _coordinate(tags: dict[str, Any], axis: str) -> str:
    name = "Latitude" if axis == "lat" else "Longitude"
    parts = _values(tags.get(f"GPS GPS{name}"))
    ref = _text(tags.get(f"GPS GPS{name}Ref"))
    if not isinstance(parts, list) or not 1 <= len(parts) <= 3:
        raise BadGps(f"{name} must be degrees, minutes and seconds")
    if ref not in _REFS[axis]:
        raise BadGps(f"{name} reference must be {' or '.join(_REFS[axis])} (got {ref!r})")
    numbers = [_fraction(p, name) for p in parts]
    degrees = numbers[0]
    for unit, value in zip(("minutes", "seconds"), numbers[1:], strict=False):
        if value >= 60:
            raise BadGps(f"{name} {unit} must be below 60 (got {float(value):g})")
    total = degrees + sum((v / 60**i for i, v in enumerate(numbers[1:], start=1)), Fraction(0))
    if total > _LIMITS[axis]:
        raise BadGps(f"{name} must be at most {_LIMITS[axis]} degrees (got {float(total):g})")
    if ref in ("S", "W"):
        total = -total
    return normalise_decimal(_decimal_text(total, 9), "lat" if axis == "lat" else "lon")


def _single(tags: dict[str, Any], key: str, what: str) -> Fraction | None:
    value = _values(tags.get(key))
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 1:
        raise BadGps(f"{what} must be one number")
    return _fraction(value[0], what)


def _read_gps(tags: dict[str, Any], facts: ExifFacts) -> None:
    has_fix = any(k in tags for k in ("GPS GPSLatitude", "GPS GPSLongitude"))
    if has_fix:
        try:
            lat = _coordinate(tags, "lat")
            lon = _coordinate(tags, "lon")
        except (BadGps, ValueError, ArithmeticError) as exc:
            facts.gps_invalid = True
            facts.problems.append(str(exc)[:MAX_TEXT])
        else:
            facts.gps_lat, facts.gps_lon = lat, lon
    try:
        altitude = _single(tags, "GPS GPSAltitude", "altitude")
        if altitude is not None:
            below = _values(tags.get("GPS GPSAltitudeRef"))
            sign = -1 if isinstance(below, list) and below[:1] == [1] else 1
            if altitude > 100_000:
                raise BadGps(f"altitude of {float(altitude):g} m is not on Earth")
            facts.gps_alt_m = _decimal_text(sign * altitude, 1)
    except (BadGps, ArithmeticError) as exc:
        facts.gps_invalid = True
        facts.problems.append(str(exc)[:MAX_TEXT])
    try:
        direction = _single(tags, "GPS GPSImgDirection", "direction")
        if direction is not None:
            if direction >= 360:
                raise BadGps(f"direction must be below 360 degrees (got {float(direction):g})")
            facts.gps_direction = _decimal_text(direction, 1)
    except (BadGps, ArithmeticError) as exc:
        facts.gps_invalid = True
        facts.problems.append(str(exc)[:MAX_TEXT])


class _Tag:
    """exifread's shape (a `.values` attribute) for a value Pillow read, so one validator serves."""

    def __init__(self, values: Any) -> None:
        self.values = values


class _Rational:
    def __init__(self, num: Any, den: Any) -> None:
        self.num = num
        self.den = den


_PILLOW_IFD0 = {0x010F: "Image Make", 0x0110: "Image Model", 0x0112: "Image Orientation"}
_PILLOW_EXIF = {0x9003: "EXIF DateTimeOriginal", 0x9011: "EXIF OffsetTimeOriginal"}
_PILLOW_GPS = {
    1: "GPS GPSLatitudeRef",
    2: "GPS GPSLatitude",
    3: "GPS GPSLongitudeRef",
    4: "GPS GPSLongitude",
    5: "GPS GPSAltitudeRef",
    6: "GPS GPSAltitude",
    0x11: "GPS GPSImgDirection",
}


def _pillow_value(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return list(value)
    if isinstance(value, tuple):
        return [_pillow_scalar(v) for v in value]
    return [_pillow_scalar(value)]


def _pillow_scalar(value: Any) -> Any:
    if type(value) is int:
        return value
    num = getattr(value, "numerator", None)
    den = getattr(value, "denominator", None)
    return _Rational(num, den)


def facts_from_pillow(exif: Any) -> ExifFacts:
    """The same facts from Pillow's EXIF reader: the cross-check when exifread cannot parse a
    container (its HEIC support misses some layouts libheif writes) or finds nothing."""
    facts = ExifFacts()
    tags: dict[str, Any] = {}
    try:
        for tag, key in _PILLOW_IFD0.items():
            if tag in exif:
                tags[key] = _Tag(_pillow_value(exif[tag]))
        for ifd, names in ((0x8769, _PILLOW_EXIF), (0x8825, _PILLOW_GPS)):
            sub = exif.get_ifd(ifd)
            for tag, key in names.items():
                if tag in sub:
                    tags[key] = _Tag(_pillow_value(sub[tag]))
        facts.found = _has_camera_metadata(tags)
    except Exception as exc:  # Pillow's reader on a hostile block: same verdict as exifread's
        facts.failed = True
        facts.problems.append(f"pillow: {type(exc).__name__}: {exc}"[:MAX_TEXT])
        return facts
    _fill(facts, tags)
    return facts
