"""Coordinates as decimal strings, and MGRS in and out.

Records are hashed and signed as canonical JSON, which has no floats, so a coordinate is always a
decimal string ("33.315200") in a record. Floats appear only for the moment of an MGRS
conversion, which the `mgrs` package does (GeoTrans underneath); we never do grid maths here.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal

import mgrs

Axis = Literal["lat", "lon"]

# Six decimals of a degree are about 0.1 m: finer than any geolocation method we record, so
# anything more precise is noise that would only make two copies of a record hash differently.
DECIMALS = 6
_QUANTUM = Decimal(1).scaleb(-DECIMALS)
_LIMITS: dict[str, Decimal] = {"lat": Decimal(90), "lon": Decimal(180)}
_NAMES = {"lat": "latitude", "lon": "longitude"}
_HEMISPHERES = {"lat": ("N", "S"), "lon": ("E", "W")}

# Plain decimal degrees: optional sign, digits, optional fraction. No exponent, no thousands
# separators: a comma is the separator between latitude and longitude.
_DECIMAL_RE = re.compile(r"[+-]?\d{1,3}(?:\.\d+)?")
# Grid zone (1-60 plus latitude band C-X without I/O), 100 km square, then an even count of digits.
_UTM_MGRS_RE = re.compile(r"(\d{1,2})([C-HJ-NP-X])([A-HJ-NP-Z])([A-HJ-NP-V])(\d{0,10})")
# Polar regions (UPS): zone letter A, B, Y or Z, no zone number.
_UPS_MGRS_RE = re.compile(r"([ABYZ])([A-HJ-NP-Z])([A-HJ-NP-Z])(\d{0,10})")


def _limit_text(axis: Axis) -> str:
    limit = _LIMITS[axis]
    return f"{_NAMES[axis]} must be between -{limit} and {limit}"


def normalise_decimal(text: str, kind: Axis) -> str:
    """The one stored form of a coordinate: fixed six decimals, no sign on zero.

    Two analysts typing "33.3" and "33.300" must produce the same record bytes (and hash), so the
    form is fixed here. Input finer than six decimals is rounded (half-even) rather than refused,
    because positions are pasted from tools that print fifteen digits.
    """
    if kind not in _LIMITS:
        raise ValueError(f"kind must be 'lat' or 'lon' (got {kind!r})")
    raw = text.strip()
    if not raw:
        raise ValueError(f"{_NAMES[kind]} is empty")
    if not _DECIMAL_RE.fullmatch(raw):
        raise ValueError(
            f"{_NAMES[kind]} must be decimal degrees such as 33.3152 (got {text.strip()!r})"
        )
    value = Decimal(raw)
    if abs(value) > _LIMITS[kind]:
        raise ValueError(f"{_limit_text(kind)} (got {raw})")
    rounded = value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    if rounded.is_zero():
        rounded = abs(rounded)  # "-0.000000" and "0.000000" are the same place
    return f"{rounded:.{DECIMALS}f}"


def from_e6(value: int) -> str:
    """Decimal string (6 places) of integer micro-degrees: the inverse of `to_e6`, no floats."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 1_000_000)
    return f"{sign}{whole}.{frac:06d}"


def to_e6(decimal: str) -> int:
    """Micro-degrees as an integer, for indexes and sorting that must not touch floats."""
    raw = decimal.strip()
    if not _DECIMAL_RE.fullmatch(raw):
        raise ValueError(f"not a decimal coordinate: {decimal!r}")
    value = Decimal(raw)
    scaled = value.scaleb(DECIMALS)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"coordinate has more than {DECIMALS} decimals: {decimal!r}")
    return int(scaled)


def _as_float(text: str, kind: Axis) -> float:
    # Floats only here, for the C library; the value went through the strict decimal check first.
    return float(normalise_decimal(text, kind))


def to_mgrs(lat: str, lon: str, digits: int = 5) -> str:
    """The MGRS reference shown to analysts, who plan and report in grid references.

    `digits` per axis: 5 = 1 m, 4 = 10 m, 3 = 100 m, 2 = 1 km, 1 = 10 km, 0 = 100 km square.
    """
    if not 0 <= digits <= 5:
        raise ValueError(f"MGRS digits must be between 0 and 5 (got {digits})")
    lat_f = _as_float(lat, "lat")
    lon_f = _as_float(lon, "lon")
    try:
        result = mgrs.MGRS().toMGRS(lat_f, lon_f, MGRSPrecision=digits)
    except Exception as exc:  # the C library raises its own MGRSError type
        raise ValueError(f"cannot express {lat}, {lon} as MGRS: {exc}") from exc
    return str(result.decode() if isinstance(result, bytes) else result)


def _compact_mgrs(text: str) -> str:
    """Upper case without spaces: "38S MB 44841 84012" and "38smb4484184012" are the same."""
    return re.sub(r"\s+", "", text).upper()


def _check_mgrs_shape(original: str, compact: str) -> None:
    match = _UTM_MGRS_RE.fullmatch(compact)
    if match:
        zone = int(match.group(1))
        if not 1 <= zone <= 60:
            raise ValueError(
                f"not a valid MGRS reference: {original!r} (zone must be 1 to 60, got {zone})"
            )
        digits = match.group(5)
    else:
        ups = _UPS_MGRS_RE.fullmatch(compact)
        if not ups:
            raise ValueError(
                f"not a valid MGRS reference: {original!r} "
                "(expected e.g. 38SMB4484 or 38S MB 44841 84012)"
            )
        digits = ups.group(4)
    if len(digits) % 2:
        raise ValueError(
            f"not a valid MGRS reference: {original!r} "
            f"(easting and northing need the same number of digits, got {len(digits)} digits)"
        )


def from_mgrs(text: str) -> tuple[str, str]:
    """Decimal-string latitude and longitude of an MGRS reference.

    For a reference coarser than 1 m the `mgrs` package returns the centre of the square, which
    is the honest single point for "somewhere in this square"; record the precision separately.
    """
    compact = _compact_mgrs(text)
    if not compact:
        raise ValueError("not a valid MGRS reference: it is empty")
    _check_mgrs_shape(text.strip(), compact)
    try:
        lat_f, lon_f = mgrs.MGRS().toLatLon(compact)
    except Exception as exc:  # MGRSError: e.g. a 100 km square that does not exist in the zone
        raise ValueError(
            f"not a valid MGRS reference: {text.strip()!r} (no such grid square)"
        ) from exc
    # Fixed-point text (never repr, which can print an exponent) then the one rounding rule.
    return (
        normalise_decimal(f"{float(lat_f):.9f}", "lat"),
        normalise_decimal(f"{float(lon_f):.9f}", "lon"),
    )


_HEMI_RE = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*°?\s*([NSEWnsew])")


def _parse_hemisphere_pair(text: str) -> tuple[str, str] | None:
    """ "33.312N 44.361E" (or "33.312° N, 44.361° E"); None when the text is not that shape."""
    parts = _HEMI_RE.findall(text)
    leftover = _HEMI_RE.sub("", text).replace(",", "").strip()
    if len(parts) != 2 or leftover:
        return None
    values: dict[str, str] = {}
    for number, letter in parts:
        letter = letter.upper()
        axis: Axis = "lat" if letter in "NS" else "lon"
        if axis in values:
            raise ValueError(f"position {text.strip()!r} gives two {_NAMES[axis]}s")
        negative = letter in ("S", "W")
        values[axis] = normalise_decimal(("-" if negative else "") + number, axis)
    return values["lat"], values["lon"]


def parse_position(text: str) -> tuple[str, str]:
    """One input box for a place: decimal degrees or MGRS, whichever the analyst has at hand.

    Accepts "33.312, 44.361", "33.312 44.361", "33.312N 44.361E" and MGRS ("38SMB4484",
    "38S MB 44841 84012"). Decimal pairs are always latitude first, as printed by GPS units.
    """
    stripped = text.strip()
    if not stripped:
        raise ValueError("position is empty")
    hemi = _parse_hemisphere_pair(stripped)
    if hemi is not None:
        return hemi
    pieces = [p for p in re.split(r"\s*,\s*|\s+", stripped) if p]
    if len(pieces) == 2 and all(_DECIMAL_RE.fullmatch(p) for p in pieces):
        return normalise_decimal(pieces[0], "lat"), normalise_decimal(pieces[1], "lon")
    # Only text that starts like a grid zone ("38S", or a polar A/B/Y/Z) is read as MGRS, so a
    # mistyped decimal pair gets the decimal-degree message rather than a puzzling MGRS one.
    if re.match(r"(?:\d{1,2}\s*[A-Za-z]|[ABYZabyz]\s*[A-Za-z]{2})", stripped) and not re.search(
        r"[.,]", stripped
    ):
        return from_mgrs(stripped)
    raise ValueError(
        f"cannot read position {stripped!r}: use decimal degrees (33.3152, 44.3661), "
        "hemispheres (33.3152N 44.3661E) or MGRS (38S MB 40994 86410)"
    )
