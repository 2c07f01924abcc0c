"""The monthly PDF (Qt's PDF writer), its page images, and both reports through the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from fieldapp.cli import main
from fieldapp.review.reports import (
    Change,
    MonthlyOverview,
    ReportFilters,
    build_monthly,
    compute_monthly,
)
from fieldapp.store.vault import Vault
from fieldapp.ui import report_pdf
from fieldapp.ui.report_pdf import ROWS_PER_PAGE, page_count, render_page, write_monthly_pdf
from tests.helpers import TEST_PASSPHRASE
from tests.report_fixtures import build_report_vault


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, MonthlyOverview]]:
    vault, _ = build_report_vault(tmp_path_factory.mktemp("pdf") / "vault")
    try:
        overview = compute_monthly(vault, "2026-10")
    finally:
        vault.lock()
    yield vault.path, overview


@pytest.fixture
def overview(built: tuple[Path, MonthlyOverview]) -> MonthlyOverview:
    return built[1]


def _pdf_pages(data: bytes) -> int:
    """Page objects in a PDF, loosely: `/Type /Page` not followed by `s` (the page tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def test_pdf_is_written_with_the_expected_pages(overview: MonthlyOverview, tmp_path: Path) -> None:
    path = tmp_path / "overview.pdf"
    assert write_monthly_pdf(overview, path) == 3  # summary, map, one page of changes
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert _pdf_pages(data) == 3


def test_many_changes_take_more_pages(overview: MonthlyOverview, tmp_path: Path) -> None:
    change = Change("CHM-2026-AAAAAA-0001", "Anbar", "2026-09-01", "unconfirmed", "confirmed")
    longer = MonthlyOverview(
        overview.info,
        overview.categories,
        overview.groups,
        overview.areas,
        (change,) * (ROWS_PER_PAGE * 2 + 1),
        overview.cells,
        overview.without_position,
    )
    assert page_count(longer) == 5
    path = tmp_path / "long.pdf"
    assert write_monthly_pdf(longer, path) == 5
    assert _pdf_pages(path.read_bytes()) == 5


def _count(image: QImage, test: Any, step: int = 3) -> int:
    hits = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            if test(image.pixelColor(x, y)):
                hits += 1
    return hits


def _near(colour: QColor, tolerance: int = 12) -> Any:
    def test(c: QColor) -> bool:
        return (
            abs(c.red() - colour.red()) <= tolerance
            and abs(c.green() - colour.green()) <= tolerance
            and abs(c.blue() - colour.blue()) <= tolerance
        )

    return test


def test_page_images_show_the_chart_and_the_map(overview: MonthlyOverview) -> None:
    summary = render_page(overview, 0, 600)
    assert summary.width() == 600 and summary.height() == 848
    # the bar chart: solid bars of both colours, in the lower half of the page
    lower = summary.copy(0, 424, 600, 424)
    assert _count(lower, _near(report_pdf.KILLED)) > 20
    assert _count(lower, _near(report_pdf.INJURED)) > 20

    the_map = render_page(overview, 1, 600)
    upper = the_map.copy(0, 0, 600, 424)
    assert _count(upper, _near(report_pdf.LAND, 4)) > 500  # land is drawn
    reddish = _count(upper, lambda c: c.red() > 120 and c.green() < 110 and c.blue() < 110)
    assert reddish > 20  # the incident circles

    # an empty month: no circles, and the map still draws
    empty = compute_empty(overview)
    blank = render_page(empty, 1, 600).copy(0, 0, 600, 424)
    assert _count(blank, lambda c: c.red() > 120 and c.green() < 110 and c.blue() < 110) == 0


def compute_empty(overview: MonthlyOverview) -> MonthlyOverview:
    return MonthlyOverview(overview.info, overview.categories, overview.groups, (), (), (), 0)


def test_build_monthly_with_pdf_logs_both_hashes(
    built: tuple[Path, MonthlyOverview], tmp_path: Path
) -> None:
    vault = Vault.unlock(built[0], TEST_PASSPHRASE)
    try:
        result = build_monthly(
            vault,
            "2026-10",
            tmp_path,
            ReportFilters(),
            formats=("csv", "pdf"),
            pdf_writer=write_monthly_pdf,
        )
        entry = vault.audit_entries(0, 1)[0].entry
    finally:
        vault.lock()
    names = [f.path.name for f in result.files]
    assert names[-1] == "monthly-overview-2026-10.pdf" and len(names) == 6
    assert result.files[-1].rows == 3
    assert [f["sha256"] for f in entry["files"]] == [f.sha256 for f in result.files]
    assert (34.35, 41.05) in result.coordinates and result.precision_deg == "0.1"


# --- CLI ------------------------------------------------------------------------------------------
@pytest.fixture
def cli_env(built: tuple[Path, MonthlyOverview], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIELDAPP_VAULT", str(built[0]))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    return built[0]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_monthly_writes_csv_and_pdf(cli_env: Path, tmp_path: Path) -> None:
    code, out, err = run("hq", "report", "monthly", "--month", "2026-10", "--out", str(tmp_path))
    assert code == 0, err
    assert "monthly 2026-10: 6 file(s)" in out
    assert "INTERNAL USE ONLY" in out and "public-release gate" in out
    assert (tmp_path / "monthly-overview-2026-10.pdf").read_bytes().startswith(b"%PDF-")
    text = (tmp_path / "monthly-overview-2026-10-categories.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1] == ["total", "6", "4"]


def test_cli_monthly_json_with_filters(cli_env: Path, tmp_path: Path) -> None:
    code, out, err = run(
        "hq", "report", "monthly", "--month", "2026-10", "--out", str(tmp_path),
        "--format", "csv", "--area", "Anbar", "--party", "own_forces", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["filters"] == {"area": "Anbar", "party": "own_forces"}
    assert data["public"] is False
    assert "monthly-overview-2026-10.pdf" not in {Path(f["path"]).name for f in data["files"]}
    assert len(data["files"]) == 5


def test_cli_opendata(cli_env: Path, tmp_path: Path) -> None:
    code, out, err = run(
        "hq", "opendata", "--month", "2026-10", "--out", str(tmp_path), "--precision", "0.5",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["precision_deg"] == "0.5"
    assert len(data["files"]) == 4
    geo = json.loads((tmp_path / "weapon-releases-2026-10.geojson").read_text("utf-8"))
    assert geo["features"][2]["geometry"]["coordinates"] == [41.25, 34.25]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("hq", "report", "monthly", "--month", "10/2026"), "write it as YYYY-MM"),
        (("hq", "report", "monthly", "--month", "2026-10", "--format", "doc"), "Unknown format"),
        (("hq", "opendata", "--month", "2026-10", "--precision", "0"), "between 0.001 and 10"),
    ],
)
def test_cli_refuses_bad_input_with_a_sentence(
    cli_env: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, _, err = run(*args, "--out", str(tmp_path))
    assert code == 1
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_cli_missing_folder(cli_env: Path, tmp_path: Path) -> None:
    code, _, err = run("hq", "opendata", "--month", "2026-10", "--out", str(tmp_path / "missing"))
    assert code == 1
    assert "does not exist" in err
