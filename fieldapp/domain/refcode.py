"""Incident reference codes: `CHM-<year>-<device code>-<counter>`.

Devices work for weeks without any connectivity, so a code cannot come from a central counter.
The device code (6 Crockford base32 characters derived from the device's public key) makes the
code unique across devices; the per-device counter makes it unique on the device.
"""

from __future__ import annotations

import re

PREFIX = "CHM"
DEVICE_CODE_LENGTH = 6
COUNTER_MIN_DIGITS = 4
# Crockford base32: digits and upper-case letters without I, L, O and U, so that a code read out
# over a radio or copied by hand cannot be confused (1/I/L, 0/O).
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DEVICE_RE = re.compile(f"[{CROCKFORD_ALPHABET}]{{{DEVICE_CODE_LENGTH}}}")
_CODE_RE = re.compile(r"CHM-(\d{4})-([0-9A-Z]{6})-(\d{4,})")
MIN_YEAR = 2000
MAX_YEAR = 9999


def _check_parts(year: int, device_code: str, counter: int) -> None:
    if isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"year must be between {MIN_YEAR} and {MAX_YEAR} (got {year})")
    if not _DEVICE_RE.fullmatch(device_code):
        raise ValueError(
            f"device code must be {DEVICE_CODE_LENGTH} Crockford base32 characters "
            f"(0-9 and A-Z without I, L, O, U; got {device_code!r})"
        )
    if isinstance(counter, bool) or counter < 1:
        raise ValueError(f"counter must be 1 or more (got {counter})")


def format_ref_code(year: int, device_code: str, counter: int) -> str:
    """The code printed on every document about an incident, e.g. "CHM-2026-7F3AKQ-0042".

    The counter is padded to four digits so codes sort and read evenly; past 9999 it simply grows.
    """
    _check_parts(year, device_code, counter)
    return f"{PREFIX}-{year:04d}-{device_code}-{counter:0{COUNTER_MIN_DIGITS}d}"


def parse_ref_code(text: str) -> tuple[int, str, int]:
    """(year, device code, counter) of a code; strict, because codes are keys across devices.

    Only the exact form `format_ref_code` writes is accepted (upper case, no extra zeros), so one
    incident can never be known under two spellings of its code.
    """
    match = _CODE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"not a reference code: {text!r} (expected e.g. CHM-2026-7F3AKQ-0042)")
    year, device_code, counter_text = int(match.group(1)), match.group(2), match.group(3)
    counter = int(counter_text)
    _check_parts(year, device_code, counter)
    if format_ref_code(year, device_code, counter) != text:
        raise ValueError(
            f"not a reference code: {text!r} (counter has extra leading zeros; "
            f"the code is {format_ref_code(year, device_code, counter)})"
        )
    return year, device_code, counter
