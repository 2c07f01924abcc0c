"""Coordinates: decimal strings in and out, MGRS through the `mgrs` package."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldapp.domain.geo import (
    from_e6,
    from_mgrs,
    normalise_decimal,
    parse_position,
    to_e6,
    to_mgrs,
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("33.3", "lat", "33.300000"),
        ("  33.3152 ", "lat", "33.315200"),
        ("+44.3661", "lon", "44.366100"),
        ("-0", "lat", "0.000000"),
        ("-0.0000001", "lon", "0.000000"),
        ("90", "lat", "90.000000"),
        ("-180", "lon", "-180.000000"),
        ("33.31523456789012", "lat", "33.315235"),
        ("33.3152345", "lat", "33.315234"),  # half-even: exactly half rounds to the even digit
    ],
)
def test_normalise_decimal_fixed_form(text: str, kind: str, expected: str) -> None:
    assert normalise_decimal(text, kind) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("95", "lat", "latitude must be between -90 and 90 (got 95)"),
        ("-90.0000001", "lat", "latitude must be between -90 and 90"),
        ("180.5", "lon", "longitude must be between -180 and 180 (got 180.5)"),
        ("", "lat", "latitude is empty"),
        ("33,3", "lat", "latitude must be decimal degrees"),
        ("1e2", "lon", "longitude must be decimal degrees"),
        ("nan", "lat", "latitude must be decimal degrees"),
        ("33.", "lat", "latitude must be decimal degrees"),
        ("12", "alt", "kind must be 'lat' or 'lon'"),
    ],
)
def test_normalise_decimal_rejects(text: str, kind: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        normalise_decimal(text, kind)  # type: ignore[arg-type]


def test_to_e6_is_exact_integer_micro_degrees() -> None:
    assert to_e6("33.315200") == 33_315_200
    assert to_e6("-0.000001") == -1
    assert to_e6("44.3661") == 44_366_100
    assert to_e6("-180") == -180_000_000
    with pytest.raises(ValueError, match="more than 6 decimals"):
        to_e6("1.0000001")
    with pytest.raises(ValueError, match="not a decimal coordinate"):
        to_e6("abc")


# Known points, checked against published grid references: Baghdad, Sydney (southern
# hemisphere), the Eiffel Tower, the equator on both sides of the 31/32 zone edge, and the two
# irregular zones (south-west Norway is 32V, Svalbard 33X) that naive zone arithmetic gets wrong.
KNOWN = [
    ("33.3152", "44.3661", "38SMB4099486410"),
    ("-33.8688", "151.2093", "56HLH3436850948"),
    ("48.8584", "2.2945", "31UDQ4825211954"),
    ("0", "5.999999", "31NHA3397800000"),
    ("0", "6", "32NJF6602100000"),
    ("60", "4.5", "32VKM4912959949"),
    ("78", "10", "33XUG8408563320"),
    ("-0.5", "-78.5", "17MQV7826544681"),
]


@pytest.mark.parametrize(("lat", "lon", "grid"), KNOWN)
def test_known_points_round_trip(lat: str, lon: str, grid: str) -> None:
    assert to_mgrs(lat, lon) == grid
    back_lat, back_lon = from_mgrs(grid)
    # A 1 m square: back within about 1e-5 degree, as decimal strings with six decimals.
    assert abs(Decimal(back_lat) - Decimal(lat)) < Decimal("0.00002")
    assert abs(Decimal(back_lon) - Decimal(lon)) < Decimal("0.00002")
    assert len(back_lat.split(".")[1]) == 6
    assert to_mgrs(back_lat, back_lon) == grid


def test_coarser_precision_and_centre_of_square() -> None:
    assert to_mgrs("33.3152", "44.3661", digits=2) == "38SMB4086"
    assert to_mgrs("33.3152", "44.3661", digits=0) == "38SMB"
    lat, lon = from_mgrs("38SMB4086")
    # The centre of the 1 km square, which re-encodes to the same square.
    assert to_mgrs(lat, lon, digits=2) == "38SMB4086"
    centre = to_mgrs(lat, lon, digits=5)
    # Six decimals are ~0.1 m, so the centre comes back within a metre of 40500/86500.
    assert abs(int(centre[5:10]) - 40500) <= 1
    assert abs(int(centre[10:15]) - 86500) <= 1


def test_from_mgrs_accepts_spaces_and_lower_case() -> None:
    expected = from_mgrs("38SMB4484184012")
    assert from_mgrs("38S MB 44841 84012") == expected
    assert from_mgrs(" 38smb 44841 84012 ") == expected


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("", "it is empty"),
        ("hello", "expected e.g. 38SMB4484"),
        ("38SMB448", "same number of digits"),
        ("61SMB4484", "zone must be 1 to 60, got 61"),
        ("0SMB4484", "zone must be 1 to 60, got 0"),
        ("38IMB4484", "expected e.g."),  # I is not a latitude band
        ("38SAA0000", "no such grid square"),
        ("38SMB44841840123", "expected e.g."),  # more than 10 digits
    ],
)
def test_from_mgrs_rejects(text: str, detail: str) -> None:
    with pytest.raises(ValueError, match="not a valid MGRS reference") as info:
        from_mgrs(text)
    assert detail in str(info.value)


def test_to_mgrs_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="latitude must be between -90 and 90"):
        to_mgrs("91", "0")
    with pytest.raises(ValueError, match="MGRS digits must be between 0 and 5"):
        to_mgrs("0", "0", digits=6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("33.312, 44.361", ("33.312000", "44.361000")),
        ("33.312 44.361", ("33.312000", "44.361000")),
        ("33.312,44.361", ("33.312000", "44.361000")),
        ("33.312N 44.361E", ("33.312000", "44.361000")),
        ("33.312° N, 44.361° E", ("33.312000", "44.361000")),
        ("44.361E 33.312N", ("33.312000", "44.361000")),
        ("33.8688S 151.2093E", ("-33.868800", "151.209300")),
        ("0.5s 78.5w", ("-0.500000", "-78.500000")),
        ("-33.8688, 151.2093", ("-33.868800", "151.209300")),
        ("38SMB4099486410", ("33.315203", "44.366098")),
        ("38S MB 40994 86410", ("33.315203", "44.366098")),
    ],
)
def test_parse_position_accepts(text: str, expected: tuple[str, str]) -> None:
    assert parse_position(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "position is empty"),
        ("95, 44", "latitude must be between -90 and 90 (got 95)"),
        ("33, 200", "longitude must be between -180 and 180 (got 200)"),
        ("33.1N 44.2N", "gives two latitudes"),
        ("33.1", "cannot read position"),
        ("33.1, 44.2, 5", "cannot read position"),
        ("33.1S 44E 5", "cannot read position"),
        ("somewhere near the bridge", "cannot read position"),
        ("38SMB448", "not a valid MGRS reference"),
    ],
)
def test_parse_position_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_position(text)
    assert message in str(info.value)


@pytest.mark.parametrize("text", ["33.315200", "-0.000001", "0.000000", "-179.999999", "90.000000"])
def test_from_e6_inverts_to_e6(text: str) -> None:
    assert from_e6(to_e6(text)) == text
