"""Evidence records in the domain: validation messages and the consistency arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.domain.evidence import (
    EvidenceItem,
    capture_moment,
    consistency,
    distance_km,
    validate_evidence,
)
from fieldapp.domain.model import Incident, from_dict, to_dict

SHA = "ab" * 32


def item(**kw: object) -> EvidenceItem:
    base: dict[str, object] = {"sha256": SHA, "imported_at": "2026-03-14T10:00:00Z"}
    base.update(kw)
    return EvidenceItem(**base)  # type: ignore[arg-type]


def incident(lat: str = "36.340000", lon: str = "43.130000") -> Incident:
    inc = Incident(title="Market strike")
    inc.place.lat, inc.place.lon = lat, lon
    inc.time.start = "2026-02-20T10:15:00Z"
    inc.time.end = "2026-02-20T11:00:00Z"
    return inc


def test_distance_known_values() -> None:
    # One degree of latitude is 111.2 km on the mean sphere; a degree of longitude at 60° half.
    assert distance_km("0", "0", "1", "0") == pytest.approx(111.195, abs=0.01)
    assert distance_km("60", "0", "60", "1") == pytest.approx(55.6, abs=0.05)
    assert distance_km("36.34", "43.13", "36.34", "43.13") == 0.0
    # Across the antimeridian the short way round.
    assert distance_km("0", "179.5", "0", "-179.5") == pytest.approx(111.195, abs=0.01)


def test_capture_moment_reads_exif_iso_and_offsets() -> None:
    assert capture_moment("2026:02:20 13:30:00", "+03:00") == (
        datetime(2026, 2, 20, 10, 30, tzinfo=UTC),
        True,
    )
    assert capture_moment("2026-02-20T10:30:00Z", "") == (
        datetime(2026, 2, 20, 10, 30, tzinfo=UTC),
        True,
    )
    assert capture_moment("2026:02:20 10:30:00", "") == (
        datetime(2026, 2, 20, 10, 30, tzinfo=UTC),
        False,
    )
    assert capture_moment("0000:00:00 00:00:00", "") is None
    assert capture_moment("", "+03:00") is None


def test_consistent_photo_has_no_warnings() -> None:
    photo = item(
        gps_lat="36.341000",
        gps_lon="43.131000",
        capture_time="2026:02:20 13:40:00",
        capture_offset="+03:00",
    )
    result = consistency(photo, incident())
    assert result.distance_km == pytest.approx(0.143, abs=0.005)
    assert result.time_difference == timedelta(0)  # inside the incident's window
    assert result.warnings == ()


def test_far_and_late_photo_warns_with_numbers() -> None:
    photo = item(
        gps_lat="36.440000",
        gps_lon="43.130000",
        capture_time="2026-02-22T12:00:00Z",
    )
    result = consistency(photo, incident())
    assert result.distance_km == pytest.approx(11.12, abs=0.01)
    assert result.time_difference == timedelta(days=2, hours=1)
    assert result.warnings == (
        "the photo was taken 11.1 km from the incident's place (more than 1 km)",
        "the photo was taken 2 d 1 h after the incident's time (more than 1 d 0 h)",
    )


def test_photo_before_the_incident_and_without_zone() -> None:
    photo = item(capture_time="2026:02:18 10:15:00")
    result = consistency(photo, incident(), max_time=timedelta(hours=1))
    assert result.distance_km is None
    assert result.time_difference == -timedelta(days=2)
    assert result.warnings == (
        "the photo was taken 2 d 0 h before the incident's time (more than 1 h 0 min)",
        "the camera recorded no time zone; its time was read as UTC",
    )


def test_missing_data_gives_none_and_no_warning() -> None:
    result = consistency(item(), Incident(title="x"))
    assert (result.distance_km, result.time_difference, result.warnings) == (None, None, ())


def test_validation_messages() -> None:
    bad = EvidenceItem(
        id="xyz",
        sha256="nope",
        size=-1,
        source_medium="pigeon",
        acquisition="stolen",
        sensitivity="secret",
        flags=["odd"],
        incident_ids=["1"],
        gps_lat="95",
        gps_lon="43.1",
        gps_alt_m="high",
        capture_offset="3h",
        width=-5,
        caption="bad\x07bell",
    )
    text = [str(i) for i in validate_evidence(bad)]
    expected_prefixes = [
        "id: id must be 32 lower-case hex characters",
        "sha256: must be 64 lower-case hex characters",
        "size: size cannot be negative",
        "source_medium: unknown source medium 'pigeon'",
        "acquisition: unknown acquisition method 'stolen'",
        "sensitivity: unknown sensitivity 'secret'",
        "imported_at: required",
        "flags[0]: unknown flag 'odd'",
        "incident_ids[0]: incident id must be 32",
        "gps_lat: latitude must be between -90 and 90",
        "gps_alt_m: altitude must be a decimal number",
        "capture_offset: offset must look like +03:00",
        "width: width cannot be negative",
        "caption: contains a control character (U+0007)",
    ]
    for prefix in expected_prefixes:
        assert any(m.startswith(prefix) for m in text), (prefix, text)
    good = item(flags=["no_exif"], gps_lat="36.34", gps_lon="43.13", width=10, height=10)
    assert validate_evidence(good) == []
    assert from_dict(EvidenceItem, to_dict(good)) == good
