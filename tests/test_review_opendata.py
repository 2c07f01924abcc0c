"""Weapon-release open data against rows computed by hand (tests/report_fixtures.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from fieldapp.resources import resource
from fieldapp.review.opendata import COLUMNS, Grid, ReleaseRow, build_opendata, compute_opendata
from fieldapp.review.reports import ReportError, ReportFilters
from fieldapp.store.vault import Vault
from tests.report_fixtures import INJECTION_AREA, build_report_vault


@pytest.fixture(scope="module")
def rvault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    vault, _ = build_report_vault(tmp_path_factory.mktemp("opendata") / "vault")
    try:
        yield vault
    finally:
        vault.lock()


D = Decimal
EXPECTED_ROWS = (
    ReleaseRow(D("-0.05"), D("-179.95"), "Sea", "rotary_wing", "rocket", 1),  # K
    ReleaseRow(D("34.35"), D("41.05"), INJECTION_AREA, "fixed_wing", "guided_bomb", 1),  # H
    ReleaseRow(D("34.35"), D("41.05"), "Anbar", "fixed_wing", "guided_bomb", 6),  # D 2 + J 4
    ReleaseRow(D("36.35"), D("42.45"), "Ninewa", "artillery", "artillery_shell", 1),  # E: no count
    ReleaseRow(None, None, "", "uav_armed", "unknown", 3),  # F: no position, no munition
)


def test_rows_equal_the_hand_computed_ones(rvault: Vault) -> None:
    data = compute_opendata(rvault, "2026-10")
    assert data.rows == EXPECTED_ROWS
    assert data.releases == 12
    assert data.grid.text == "0.1"


def test_a_coarser_grid_merges_cells(rvault: Vault) -> None:
    data = compute_opendata(rvault, "2026-10", "1")
    assert [(r.lat, r.lon, r.admin_area, r.releases) for r in data.rows[:3]] == [
        (D("-0.5"), D("-179.5"), "Sea", 1),
        (D("34.5"), D("41.5"), INJECTION_AREA, 1),
        (D("34.5"), D("41.5"), "Anbar", 6),
    ]
    quarter = compute_opendata(rvault, "2026-10", "0.25")
    assert quarter.rows[2].lat == D("34.375") and quarter.rows[2].lon == D("41.125")


def test_filters_and_other_months(rvault: Vault) -> None:
    own = compute_opendata(rvault, "2026-10", filters=ReportFilters(party="own_forces"))
    assert [r.releases for r in own.rows] == [1, 6]
    assert compute_opendata(rvault, "2026-09").rows == ()  # A, B, C record no engagement


@pytest.mark.parametrize(
    ("text", "centre_of_90", "decimals"), [("0.1", "89.95", 2), ("1", "89.5", 1), ("5", "87.5", 1)]
)
def test_grid_cells_stay_on_the_globe(text: str, centre_of_90: str, decimals: int) -> None:
    grid = Grid.parse(text)
    assert grid.decimals == decimals
    assert grid.centre(90_000_000, 90_000_000) <= D("90")
    assert grid.centre(89_999_999, 90_000_000) == D(centre_of_90)
    assert grid.centre(-180_000_000, 180_000_000) >= D("-180")


def test_an_odd_step_has_an_exact_centre() -> None:
    assert Grid.parse("0.001001").centre(1, 90_000_000) == D("0.0005005")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "between 0.001 and 10"),
        ("-0.1", "between 0.001 and 10"),
        ("20", "between 0.001 and 10"),
        ("abc", "not a number"),
        ("NaN", "between"),
        ("0.0010001", "more than 6 decimals"),
    ],
)
def test_bad_precision_is_refused(rvault: Vault, text: str, message: str) -> None:
    with pytest.raises(ReportError, match=message):
        compute_opendata(rvault, "2026-10", text)


def _files(result: Any) -> dict[str, Path]:
    return {f.path.name: f.path for f in result.files}


def test_export_files_parse_back_and_are_documented(rvault: Vault, tmp_path: Path) -> None:
    before = rvault.log_size()
    result = build_opendata(rvault, "2026-10", tmp_path)
    names = _files(result)
    assert sorted(names) == [
        "weapon-releases-2026-10.README.md",
        "weapon-releases-2026-10.csv",
        "weapon-releases-2026-10.csv-metadata.json",
        "weapon-releases-2026-10.geojson",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    for item in result.files:
        assert hashlib.sha256(item.path.read_bytes()).hexdigest() == item.sha256

    # CSV: a plain table, numbers as numbers, the injected area neutralised
    rows = list(csv.reader(io.StringIO(names["weapon-releases-2026-10.csv"].read_text("utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1] == ["2026-10", "-0.05", "-179.95", "0.1", "Sea", "rotary_wing", "rocket", "1"]
    assert rows[2][4] == "'" + INJECTION_AREA
    assert rows[5] == ["2026-10", "", "", "0.1", "", "uav_armed", "unknown", "3"]
    assert len(rows) == 1 + len(EXPECTED_ROWS)

    # GeoJSON (RFC 7946): lon first, numbers, null geometry without a position
    doc = json.loads(names["weapon-releases-2026-10.geojson"].read_text("utf-8"))
    assert doc["type"] == "FeatureCollection"
    features = doc["features"]
    assert len(features) == len(EXPECTED_ROWS)
    assert all(f["type"] == "Feature" for f in features)
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [-179.95, -0.05]}
    assert features[2]["geometry"]["coordinates"] == [41.05, 34.35]
    assert features[2]["properties"]["releases"] == 6
    assert features[4]["geometry"] is None
    for f in features:
        if f["geometry"] is not None:
            lon, lat = f["geometry"]["coordinates"]
            assert isinstance(lon, float) and -180 <= lon <= 180 and -90 <= lat <= 90
    meta = doc["metadata"]
    assert meta["generated_at"] == "2026-11-05T12:00:00Z"
    assert meta["month"] == "2026-10"
    assert meta["precision_deg"] == 0.1
    assert meta["publisher"] == {
        "cell": rvault.device.cell_name,
        "device_id": rvault.device.device_id,
    }

    # CSV metadata and the README that documents every column
    csvw = json.loads(names["weapon-releases-2026-10.csv-metadata.json"].read_text("utf-8"))
    assert [c["name"] for c in csvw["tableSchema"]["columns"]] == list(COLUMNS)
    assert csvw["dc:created"] == "2026-11-05T12:00:00Z"
    readme = names["weapon-releases-2026-10.README.md"].read_text("utf-8")
    assert readme.startswith(resource("opendata", "README.md").read_text("utf-8").rstrip("\n"))
    for column in COLUMNS:
        assert f"`{column}`" in readme
    assert "- generated_at_utc: 2026-11-05T12:00:00Z" in readme
    assert "- precision_deg: 0.1" in readme

    # the gate's view, and the log
    assert result.precision_deg == "0.1"
    assert (34.35, 41.05) in result.coordinates
    assert sum(c.value for c in result.cells) == 12
    assert rvault.log_size() == before + 1
    entry = rvault.audit_entries(0, 1)[0].entry
    assert entry["type"] == "report_exported"
    assert entry["report"] == "opendata"
    assert entry["precision_deg"] == "0.1"
    assert {f["name"]: f["sha256"] for f in entry["files"]} == {
        f.path.name: f.sha256 for f in result.files
    }


def test_second_export_into_the_same_folder_is_refused_whole(rvault: Vault, tmp_path: Path) -> None:
    build_opendata(rvault, "2026-10", tmp_path)
    before = rvault.log_size()
    snapshot = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ReportError, match="already exists"):
        build_opendata(rvault, "2026-10", tmp_path, "1")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == snapshot
    assert rvault.log_size() == before


def test_the_release_gate_reads_both_exports(rvault: Vault, tmp_path: Path) -> None:
    """The files are made for `gate.review`: it finds the small gender/age cells of the
    casualties table (by its `age_group` column) and nothing blocking in either export."""
    from fieldapp.review import gate
    from fieldapp.review.reports import build_monthly

    (tmp_path / "monthly").mkdir()
    (tmp_path / "open").mkdir()
    monthly = build_monthly(rvault, "2026-10", tmp_path / "monthly")
    releases = build_opendata(rvault, "2026-10", tmp_path / "open")
    report = gate.review(rvault, [f.path for f in monthly.files + releases.files])
    assert not report.blocking
    kinds = {(f.file, f.kind) for f in report.findings}
    assert kinds == {("monthly-overview-2026-10-casualties.csv", gate.SMALL_CELL)}
    # the cells the gate suppressed are the ones `small_cells` lists for it
    expected = {c for c in monthly.small_cells(5) if c.table == "casualties" and c.row != "total"}
    assert len(report.findings) == len(expected) == 15
