"""The monthly overview against figures computed by hand (tests/report_fixtures.py)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.review.csvsafe import csv_bytes, safe_cell, safe_text
from fieldapp.review.reports import (
    AreaRow,
    CategoryRow,
    Change,
    GroupRow,
    MapCell,
    MonthlyOverview,
    ReportError,
    ReportFilters,
    build_monthly,
    compute_monthly,
)
from fieldapp.store.vault import Vault
from tests.report_fixtures import INJECTION_AREA, build_report_vault


@pytest.fixture(scope="module")
def fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Vault, dict[str, str]]]:
    vault, refs = build_report_vault(tmp_path_factory.mktemp("reports") / "vault")
    try:
        yield vault, refs
    finally:
        vault.lock()


@pytest.fixture
def rvault(fixture: tuple[Vault, dict[str, str]]) -> Vault:
    return fixture[0]


@pytest.fixture
def refs(fixture: tuple[Vault, dict[str, str]]) -> dict[str, str]:
    return fixture[1]


EXPECTED_CATEGORIES = (
    CategoryRow("confirmed", 1, 0),  # D
    CategoryRow("unconfirmed", 1, 1),  # E, under assessment
    CategoryRow("unlikely", 1, 0),  # F: HQ's assessment overrides the field's "reported"
    CategoryRow("none", 3, 3),  # H, J, K
    CategoryRow("total", 6, 4),
)
EXPECTED_GROUPS = (
    GroupRow("women", 1, 2, 2, 3),  # D
    GroupRow("men", 0, 1, 1, 1),  # D killed 0-1, E injured 1-1
    GroupRow("girls", 1, 1, 0, 2),  # D killed 1-1, E injured 0-2
    GroupRow("boys", 2, 3, 0, 0),  # D killed (none) = 0, E killed 2-3
    GroupRow("unknown", 1, 6, 4, 4),  # E 0-5 + F 1-1; D injured 4-(none) = 4-4
    GroupRow("total", 5, 13, 7, 10),
)
EXPECTED_AREAS = (
    AreaRow("Anbar", 2, 2, 4, 6, 7),  # D and J
    AreaRow("(no area)", 1, 1, 1, 0, 0),  # F
    AreaRow(INJECTION_AREA, 1, 0, 0, 0, 0),  # H
    AreaRow("Ninewa", 1, 2, 8, 1, 3),  # E
    AreaRow("Sea", 1, 0, 0, 0, 0),  # K
)


def test_monthly_figures_equal_the_hand_computed_ones(rvault: Vault) -> None:
    overview = compute_monthly(rvault, "2026-10")
    assert overview.categories == EXPECTED_CATEGORIES
    assert overview.groups == EXPECTED_GROUPS
    assert overview.areas == EXPECTED_AREAS
    assert overview.incidents == 6  # G (November) and I (deleted) are not counted
    assert overview.without_position == 1  # F
    assert overview.cells == (
        MapCell(-0.05, -179.95, 1),  # K
        MapCell(34.35, 41.05, 3),  # D, H, J share a 0.1° cell
        MapCell(36.35, 42.45, 1),  # E
    )


def test_changes_since_last_month_come_from_history(rvault: Vault, refs: dict[str, str]) -> None:
    overview = compute_monthly(rvault, "2026-10")
    assert overview.changes == (
        # HQ's re-assessment moved A from unconfirmed (its v1 in September) to confirmed
        Change(refs["A"], "Anbar", "2026-09-15T08:00:00Z", "unconfirmed", "confirmed"),
        # B's own second version in October
        Change(refs["B"], "Ninewa", "2026-09-05T08:00:00Z", "none", "unlikely"),
    )
    # C changed in November, and F (new on 10-31, so not an October change) was assessed by
    # HQ on 11-01: both are November's changes
    november = compute_monthly(rvault, "2026-11")
    assert [(c.ref_code, c.before, c.after) for c in november.changes] == [
        (refs["C"], "unconfirmed", "confirmed"),
        (refs["F"], "none", "unlikely"),
    ]


def test_september_sees_only_what_existed_then(rvault: Vault) -> None:
    overview = compute_monthly(rvault, "2026-09")
    # A (HQ: confirmed now), B (unlikely now), C (confirmed now): figures are as known today
    assert overview.categories[0] == CategoryRow("confirmed", 2, 0)
    assert overview.categories[2] == CategoryRow("unlikely", 1, 0)
    assert overview.categories[-1] == CategoryRow("total", 3, 0)
    assert overview.changes == ()  # nothing existed at the end of August


def test_filters_apply_to_counts_and_changes(rvault: Vault, refs: dict[str, str]) -> None:
    anbar = compute_monthly(rvault, "2026-10", ReportFilters(area="Anbar"))
    assert anbar.categories[-1] == CategoryRow("total", 2, 1)
    assert anbar.groups[-1] == GroupRow("total", 2, 4, 6, 7)
    assert [c.ref_code for c in anbar.changes] == [refs["A"]]
    own = compute_monthly(rvault, "2026-10", ReportFilters(party="own_forces"))
    assert own.categories[-1].incidents == 3  # D, H, J
    syria = compute_monthly(rvault, "2026-10", ReportFilters(country="SY"))
    assert [a.area for a in syria.areas] == [INJECTION_AREA]
    confirmed = compute_monthly(rvault, "2026-10", ReportFilters(category="confirmed"))
    assert confirmed.categories[-1].incidents == 1
    assert [c.after for c in confirmed.changes] == ["confirmed"]
    assert anbar.info.filters == {"area": "Anbar"}


@pytest.mark.parametrize(
    ("month", "filters", "message"),
    [
        ("2026-13", ReportFilters(), "YYYY-MM"),
        ("October", ReportFilters(), "YYYY-MM"),
        ("2026-10", ReportFilters(party="rebels"), "Unknown party 'rebels'"),
        ("2026-10", ReportFilters(category="maybe"), "Unknown category 'maybe'"),
        ("2026-10", ReportFilters(area="x" * 201), "longer than 200"),
    ],
)
def test_bad_month_or_filter_is_refused_clearly(
    rvault: Vault, month: str, filters: ReportFilters, message: str
) -> None:
    with pytest.raises(ReportError, match=message):
        compute_monthly(rvault, month, filters)


# --- CSV injection ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+41.5", "'+41.5"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("\uff1dHYPERLINK()", "'\uff1dHYPERLINK()"),  # fullwidth equals
        ("\uff0b1", "'\uff0b1"),
        ("\uff0d1", "'\uff0d1"),
        ("\uff20x", "'\uff20x"),
        ("  =1+1", "'  =1+1"),  # leading spaces do not protect a cell
        ("Anbar", "Anbar"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_starts_get_an_apostrophe(text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_numbers_stay_numbers_and_text_that_looks_numeric_does_not() -> None:
    assert safe_cell(-179.95) == "-179.95"
    assert safe_cell(-3) == "-3"
    assert safe_cell("-3") == "'-3"
    assert safe_cell(None) == ""
    with pytest.raises(TypeError):
        safe_cell(True)
    rows = list(csv.reader(io.StringIO(csv_bytes([("=x", 1, 'say "hi"\nthere')]).decode())))
    assert rows == [["'=x", "1", 'say "hi"\nthere']]


# --- files and the audit log ----------------------------------------------------------------------
STEM = "monthly-overview-2026-10"
CSV_NAMES = [f"{STEM}-{t}.csv" for t in ("categories", "casualties", "areas", "changes")]


def _table(folder: Path, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / f"{STEM}-{name}.csv").read_text("utf-8"))))


def test_csv_export_states_origin_is_injection_safe_and_logged(
    rvault: Vault, tmp_path: Path
) -> None:
    before = rvault.log_size()
    result = build_monthly(rvault, "2026-10", tmp_path, ReportFilters(country="IQ"))
    names = [f.path.name for f in result.files]
    assert names == [*CSV_NAMES, f"{STEM}.csv-metadata.json"]
    for item in result.files:
        assert hashlib.sha256(item.path.read_bytes()).hexdigest() == item.sha256
    # the statement of origin of the four tables
    meta = json.loads((tmp_path / f"{STEM}.csv-metadata.json").read_text("utf-8"))
    about = meta["fieldapp:about"]
    assert about["generated_at_utc"] == "2026-11-05T12:00:00Z" == meta["dc:created"]
    assert about["month"] == "2026-10"
    assert about["filters"] == "country=IQ"
    assert about["vault_device_id"] == rvault.device.device_id
    assert about["vault_cell"] == rvault.device.cell_name
    assert [t["url"] for t in meta["tables"]] == CSV_NAMES
    # the tables, with their headers
    categories = _table(tmp_path, "categories")
    assert categories[0] == ["category", "incidents", "still_open"]
    assert categories[-1] == ["total", "5", "3"]  # H is in Syria
    casualties = _table(tmp_path, "casualties")
    assert casualties[0][0] == "age_group"
    assert ["women", "1", "2", "2", "3"] in casualties
    changes = _table(tmp_path, "changes")
    assert [r[0] for r in changes[1:]] == sorted(r[0] for r in changes[1:])
    assert [f.rows for f in result.files] == [5, 6, 4, 2, 0]  # data rows (no Syria area)
    # nothing but the files is left in the folder (no temporary names)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    # logged once, with every file's hash
    assert rvault.log_size() == before + 1
    entry = rvault.audit_entries(0, 1)[0].entry  # newest first
    assert entry["type"] == "report_exported"
    assert entry["report"] == "monthly"
    assert entry["month"] == "2026-10"
    assert entry["filters"] == {"country": "IQ"}
    assert entry["files"] == [{"name": f.path.name, "sha256": f.sha256} for f in result.files]
    assert entry["public"] is False


def test_injected_area_is_neutralised_in_the_csv(rvault: Vault, tmp_path: Path) -> None:
    build_monthly(rvault, "2026-10", tmp_path)
    areas = _table(tmp_path, "areas")
    assert ["'" + INJECTION_AREA, "1", "0", "0", "0", "0"] in areas
    assert not any(r[0].startswith("=") for r in areas)


def test_gate_metadata_lists_every_count(rvault: Vault, tmp_path: Path) -> None:
    result = build_monthly(rvault, "2026-10", tmp_path)
    small = result.small_cells(3)
    assert ("casualties", "girls", "killed_max", 1) in {
        (c.table, c.row, c.column, c.value) for c in small
    }
    assert all(0 < c.value < 3 for c in small)
    assert result.coordinates == ()  # the CSV publishes no places
    assert result.info.kind == "monthly"


def test_existing_file_is_never_replaced_and_nothing_is_logged(
    rvault: Vault, tmp_path: Path
) -> None:
    target = tmp_path / "monthly-overview-2026-10-areas.csv"
    target.write_text("someone's checked copy")
    before = rvault.log_size()
    with pytest.raises(ReportError, match="already exists"):
        build_monthly(rvault, "2026-10", tmp_path)
    assert target.read_text() == "someone's checked copy"
    assert rvault.log_size() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_missing_folder_and_unknown_format_are_refused(rvault: Vault, tmp_path: Path) -> None:
    before = rvault.log_size()
    with pytest.raises(ReportError, match="does not exist"):
        build_monthly(rvault, "2026-10", tmp_path / "nowhere")
    with pytest.raises(ReportError, match="Unknown format xls"):
        build_monthly(rvault, "2026-10", tmp_path, formats=("xls",))
    with pytest.raises(ReportError, match="cannot draw PDF"):
        build_monthly(rvault, "2026-10", tmp_path, formats=("pdf",))
    assert rvault.log_size() == before


def test_a_failing_pdf_writer_leaves_nothing(rvault: Vault, tmp_path: Path) -> None:
    def broken(_overview: MonthlyOverview, path: Path) -> int:
        path.write_bytes(b"%PDF-half")
        raise OSError(28, "No space left on device")

    before = rvault.log_size()
    with pytest.raises(OSError, match="No space"):
        build_monthly(rvault, "2026-10", tmp_path, formats=("csv", "pdf"), pdf_writer=broken)
    assert list(tmp_path.iterdir()) == []
    assert rvault.log_size() == before


def test_a_killed_exports_partial_files_go_with_the_next_export(
    rvault: Vault, tmp_path: Path
) -> None:
    # What a SIGKILL between write and rename leaves: a temporary file nobody holds.
    leftover = tmp_path / ".partial-dead.report.tmp"
    leftover.write_bytes(b"category,count\n")
    made = build_monthly(rvault, "2026-10", tmp_path)
    assert not leftover.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.path.name for f in made.files)


def test_progress_reaches_the_total(rvault: Vault) -> None:
    seen: list[tuple[int, int]] = []
    compute_monthly(rvault, "2026-10", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (6, 6)


# --- the partial parse of bodies ------------------------------------------------------------
def test_figures_of_equals_the_whole_parse_even_with_hostile_text() -> None:
    import json as _json

    from fieldapp.domain import canonical
    from fieldapp.domain.model import Incident, to_dict
    from fieldapp.review.reports import figures_of

    inc = Incident(title='x,"place":{"admin_area":"Fake"},"ref_code":"y"')
    inc.summary = ',"casualties":{},"external_refs":[],\\",'
    inc.place.admin_area = 'Anbar ,"ref_code":'
    inc.casualties.killed.women.min = 3
    inc.engagement.party = "own_forces"
    raw = canonical.dumps(to_dict(inc))
    whole = _json.loads(raw)
    assert figures_of(raw) == {k: whole[k] for k in ("casualties", "engagement", "place")}
    # a body not in the canonical shape (keys missing or reordered) is parsed whole
    odd = b'{"place":{"admin_area":"Sea"},"casualties":{}}'
    assert figures_of(odd) == {"place": {"admin_area": "Sea"}, "casualties": {}}
    assert figures_of(b"[]") == {}


def test_both_read_plans_give_the_same_figures(
    rvault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldapp.review import reports
    from fieldapp.review.opendata import compute_opendata

    results = []
    for share in (0, 10**9):  # 0: always through the start index; 10**9: always in stored order
        monkeypatch.setattr(reports, "SEQUENTIAL_SHARE", share)
        overview = compute_monthly(rvault, "2026-10")
        releases = compute_opendata(rvault, "2026-10")
        results.append((overview.categories, overview.groups, overview.areas, releases.rows))
    assert results[0] == results[1]
    assert results[0][0] == EXPECTED_CATEGORIES
