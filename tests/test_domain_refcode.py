"""Reference codes: one exact spelling per incident."""

from __future__ import annotations

import pytest

from fieldapp.domain.refcode import format_ref_code, parse_ref_code


def test_format_pads_counter_to_four_digits() -> None:
    assert format_ref_code(2026, "7F3AKQ", 42) == "CHM-2026-7F3AKQ-0042"
    assert format_ref_code(2026, "7F3AKQ", 1) == "CHM-2026-7F3AKQ-0001"
    assert format_ref_code(2031, "0000ZZ", 123456) == "CHM-2031-0000ZZ-123456"


@pytest.mark.parametrize("counter", [1, 42, 9999, 10000, 987654])
def test_round_trip(counter: int) -> None:
    code = format_ref_code(2026, "7F3AKQ", counter)
    assert parse_ref_code(code) == (2026, "7F3AKQ", counter)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1999, "7F3AKQ", 1), "year must be between 2000 and 9999"),
        ((2026, "7F3AK", 1), "device code must be 6 Crockford base32"),
        ((2026, "7F3AKI", 1), "device code must be 6 Crockford base32"),  # no I in Crockford
        ((2026, "7f3akq", 1), "device code must be 6 Crockford base32"),
        ((2026, "7F3AKQ", 0), "counter must be 1 or more"),
        ((2026, "7F3AKQ", -5), "counter must be 1 or more"),
    ],
)
def test_format_rejects(args: tuple[int, str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        format_ref_code(*args)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("chm-2026-7F3AKQ-0042", "not a reference code"),
        ("CHM-2026-7F3AKQ-42", "not a reference code"),
        ("CHM-2026-7F3AKQ-00042", "extra leading zeros; the code is CHM-2026-7F3AKQ-0042"),
        ("CHM-2026-7F3AKQ-0000", "counter must be 1 or more"),
        ("CHM-2026-7F3AKO-0042", "device code must be 6 Crockford base32"),
        ("CHM-26-7F3AKQ-0042", "not a reference code"),
        (" CHM-2026-7F3AKQ-0042", "not a reference code"),
        ("CHM-2026-7F3AKQ-0042\n", "not a reference code"),
        ("CHM-2026-7F3A-0042", "not a reference code"),
        ("", "not a reference code"),
    ],
)
def test_parse_is_strict(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ref_code(text)
