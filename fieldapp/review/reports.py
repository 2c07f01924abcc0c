"""The monthly overview (issue 5 §2): what HQ reports each month, as CSV and PDF.

What counts, and why:

- **Which incidents are "of the month"**: those whose `time.start` (when it happened, UTC) falls
  in the month. `time.first_reported_at` is optional and empty on most records, while `start` is
  required for a useful record and indexed in the register projection, so a month reads its own
  bodies only (`month_rows`), never every body of the vault.
- **Figures are as the vault knows them when the report is made** (the latest version of each
  incident and of HQ's assessment of it); the generation time is stated on every file. Only the
  "changes since last month" list reads history.
- **Effective public category** = HQ's assessment (`assessments.public_category`) when HQ has
  assessed the incident, else the category on the incident itself. "Still open" = HQ has not
  assessed it and the incident's own workflow is not `assessed`.
- **Casualty sums**: killed and injured, minimum and maximum, per group (women, men, girls, boys,
  unknown). A missing minimum counts as 0; a missing maximum counts as the minimum (or 0), so a
  range never claims more than some source said.
- **By area**: `place.admin_area` as entered (empty: "(no area)").
- **Changes since last month**: every live incident (of any month) whose effective category at
  the end of the month differs from the one at the end of the month before, read from the
  version history (`versions.at`) of the incident and of its assessment. Incidents that did not
  exist at the end of the previous month are new, not changed, and are not listed.
- **Filters** (area, country, party, category) apply to the month's incidents and to the state at
  the end of the month of each changed incident.

The monthly CSV is four plain tables, one file each, so that any tool (and the release gate,
which recognises count columns and the `age_group` dimension by their names) reads them as
tables: `-categories.csv` (category, incidents, still_open), `-casualties.csv` (age_group:
women, men, girls, boys, unknown, total; killed_min, killed_max, injured_min, injured_max),
`-areas.csv` and `-changes.csv`. Their statement of origin (generation time UTC, month,
filters, vault device id and cell name, and the rules above) is the table group's
`-csv-metadata.json`, in the shape of W3C CSV on the Web metadata, and the PDF's header on
every page. All text cells are CSV-injection safe (`csvsafe`).

The PDF is drawn by `fieldapp/ui/report_pdf.py` (Qt); this module never imports Qt, so
`build_monthly` takes the PDF writer as an argument.

Nothing here is public: the files go to a staging folder, and the public-release gate
(`fieldapp.review.gate`) decides from the returned `ReportFiles` whether they may leave.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from fieldapp.domain.model import AGE_SEX_GROUPS, PARTIES, PUBLIC_CATEGORIES
from fieldapp.errors import FieldappError
from fieldapp.review.csvsafe import Cell, csv_bytes
from fieldapp.store import tempfiles
from fieldapp.store.vault import Vault

Progress = Callable[[int, int], None]
PdfWriter = Callable[["MonthlyOverview", Path], int]
"""Writes the overview's PDF to the path given and returns its page count."""

NO_CATEGORY = "none"  # the CSV's key for "not categorised yet"
NO_AREA = "(no area)"
CATEGORY_KEYS = (*PUBLIC_CATEGORIES, NO_CATEGORY)
MAP_GRID_E6 = 100_000  # the map shows incidents per 0.1° cell, never exact points
FORMATS = ("csv", "pdf")
_MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_MAX_FILTER_TEXT = 200
_PROGRESS_EVERY = 2_000


class ReportError(FieldappError):
    """A report cannot be made as asked (bad month, filter or folder); nothing was written."""


# --- inputs -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportFilters:
    """Which of the month's incidents a report covers; empty fields do not filter."""

    area: str = ""  # place.admin_area, exactly
    country: str = ""  # place.country, exactly
    party: str = ""  # engagement.party (PARTIES)
    category: str = ""  # effective public category, or "none" for not yet categorised

    def check(self) -> None:
        """Refuse a filter that can never match, so a typo is not an empty report."""
        if self.party and self.party not in PARTIES:
            raise ReportError(f"Unknown party {self.party!r}; use one of: {', '.join(PARTIES)}.")
        if self.category and self.category not in CATEGORY_KEYS:
            raise ReportError(
                f"Unknown category {self.category!r}; use one of: {', '.join(CATEGORY_KEYS)}."
            )
        for name in ("area", "country"):
            if len(getattr(self, name)) > _MAX_FILTER_TEXT:
                raise ReportError(
                    f"The {name} filter is longer than {_MAX_FILTER_TEXT} characters."
                )

    def as_dict(self) -> dict[str, str]:
        """Only the filters set, in a fixed order (for the files and the audit log)."""
        return {k: v for k, v in self.__dict__.items() if v}

    def describe(self) -> str:
        """One line for people: "none" or "area=Anbar; party=own_forces"."""
        return "; ".join(f"{k}={v}" for k, v in self.as_dict().items()) or "none"

    def matches(self, area: str, country: str, party: str, category: str) -> bool:
        return (
            (not self.area or area == self.area)
            and (not self.country or country == self.country)
            and (not self.party or party == self.party)
            and (not self.category or (category or NO_CATEGORY) == self.category)
        )


@dataclass(frozen=True)
class Month:
    """A calendar month and the UTC instants that bound it, as stored times spell them."""

    text: str  # "2026-10"
    start: str  # "2026-10-01T00:00:00Z"
    end: str  # first instant of the next month

    @classmethod
    def parse(cls, text: str) -> Month:
        """A month from "YYYY-MM"; anything else is refused with the form to use."""
        match = _MONTH_RE.fullmatch(text.strip())
        if match is None:
            raise ReportError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2026-10.")
        year, month = int(match[1]), int(match[2])
        nxt = f"{year + 1:04d}-01" if month == 12 else f"{year:04d}-{month + 1:02d}"
        return cls(
            f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}-01T00:00:00Z", f"{nxt}-01T00:00:00Z"
        )


@dataclass(frozen=True)
class ExportInfo:
    """What every exported file states about itself."""

    kind: str  # "monthly" or "opendata"
    month: str
    generated_at: str  # UTC, as the vault spells times
    filters: dict[str, str]
    device_id: str
    cell_name: str

    def lines(self) -> list[tuple[str, str]]:
        filters = "; ".join(f"{k}={v}" for k, v in self.filters.items()) or "none"
        return [
            ("report", self.kind),
            ("month", self.month),
            ("generated_at_utc", self.generated_at),
            ("filters", filters),
            ("vault_device_id", self.device_id),
            ("vault_cell", self.cell_name),
        ]


def export_info(vault: Vault, kind: str, month: Month, filters: dict[str, str]) -> ExportInfo:
    """The statement of origin for one export, taken when it is made."""
    return ExportInfo(
        kind=kind,
        month=month.text,
        generated_at=vault.now(),
        filters=filters,
        device_id=vault.device.device_id,
        cell_name=vault.device.cell_name,
    )


# --- the overview ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CategoryRow:
    category: str  # one of CATEGORY_KEYS, or "total"
    incidents: int
    still_open: int


@dataclass(frozen=True)
class GroupRow:
    group: str  # one of AGE_SEX_GROUPS, or "total"
    killed_min: int
    killed_max: int
    injured_min: int
    injured_max: int


@dataclass(frozen=True)
class AreaRow:
    area: str
    incidents: int
    killed_min: int
    killed_max: int
    injured_min: int
    injured_max: int


@dataclass(frozen=True)
class Change:
    """An incident whose effective public category moved during the month."""

    ref_code: str
    area: str
    start: str
    before: str  # category key at the end of the previous month
    after: str  # category key at the end of this month


@dataclass(frozen=True)
class MapCell:
    """Incidents of the month in one 0.1° cell (its centre): the map never shows exact points."""

    lat: float
    lon: float
    incidents: int


@dataclass(frozen=True)
class MonthlyOverview:
    info: ExportInfo
    categories: tuple[CategoryRow, ...]  # CATEGORY_KEYS order, then "total"
    groups: tuple[GroupRow, ...]  # AGE_SEX_GROUPS order, then "total"
    areas: tuple[AreaRow, ...]  # most incidents first
    changes: tuple[Change, ...]  # by reference code
    cells: tuple[MapCell, ...]
    without_position: int  # incidents of the month the map cannot show

    @property
    def incidents(self) -> int:
        return self.categories[-1].incidents


_GROUP_SLOTS = tuple((4 * n, group) for n, group in enumerate(AGE_SEX_GROUPS))


def figures_of(raw: bytes) -> dict[str, Any]:
    """`casualties`, `engagement` and `place` of a stored incident body, parsing only those.

    Why: parsing whole bodies (narratives, sources) is most of a report's time over 100k
    incidents. Stored bodies are canonical JSON (sorted keys, compact), so `casualties`,
    `engagement`, `external_refs`, ..., `place`, `ref_code` come in that order, and the
    sequence `,"name":` cannot occur inside a string (every quote in a string is escaped). The
    two slices are parsed as one small object; any body not in that shape (an older or
    redacted one) is parsed whole. Both give the same values.
    """
    a = raw.find(b',"casualties":')
    b = raw.find(b',"external_refs":', a)
    c = raw.find(b',"place":', b)
    d = raw.find(b',"ref_code":', c)
    if 0 < a < b < c < d:
        try:
            part = json.loads(b"{" + raw[a + 1 : b] + b"," + raw[c + 1 : d] + b"}")
        except ValueError:
            part = None
        if part.__class__ is dict:
            return part
    body = json.loads(raw)
    return body if isinstance(body, dict) else {}


def body_get(body: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def body_text(body: Any, *path: str) -> str:
    value = body_get(body, *path)
    return value if isinstance(value, str) else ""


def category_key(category: str) -> str:
    return category if category in PUBLIC_CATEGORIES else NO_CATEGORY


# --- HQ assessments (another part of issue 5 owns the table; used when it exists) --------------
@dataclass(frozen=True)
class AssessmentSql:
    """How to read HQ's assessment of an incident, or empty strings when there is no table."""

    join: str  # LEFT JOIN clause on incidents i
    category: str  # SQL for the effective category
    workflow: str  # SQL for the effective workflow
    record_id: str  # column of the assessment's record id, "" when unknown


def assessment_sql(conn: Any) -> AssessmentSql:
    """The SQL of the effective category and workflow: HQ's assessment when there is one.

    Same rule as `fieldapp.store.assessments.effective_category_sql`, as a join so that one
    lookup gives both. An incident HQ has assessed is no longer open: an HQ assessment always
    carries a public category. Vaults without the table (older schema) use the incident's own.
    """
    columns = {str(row[1]) for row in conn.execute("PRAGMA table_info(assessments)")}
    if not {"id", "incident_id", "public_category", "updated_at"} <= columns:
        return AssessmentSql("", "i.public_category", "i.workflow", "")
    return AssessmentSql(
        "LEFT JOIN assessments a ON a.incident_id = i.id",
        "CASE WHEN a.incident_id IS NULL THEN i.public_category ELSE a.public_category END",
        "CASE WHEN a.incident_id IS NULL THEN i.workflow ELSE 'assessed' END",
        "id",
    )


SEQUENTIAL_SHARE = 4  # read versions in stored order when the month is >= 1/4 of them


def month_rows(conn: Any, month: Month, sql: AssessmentSql, columns: str) -> Iterator[Any]:
    """`columns` (over aliases i, v, a) of the month's live incidents, streamed.

    Two plans give the same rows: through the `start` index (a month that is a small part of
    the vault reads only its own bodies), or along `versions` in stored order joined to the
    projection, which reads pages in sequence and was 1.5-2x faster when the month is most of
    the vault (benchmarks/review.py). The month's count against the number of versions decides.
    """
    count = conn.execute(
        "SELECT count(*) FROM incidents WHERE start >= ? AND start < ?",
        (month.start, month.end),
    ).fetchone()[0]
    versions = conn.execute("SELECT max(seq) FROM versions").fetchone()[0] or 0
    if count * SEQUENTIAL_SHARE >= versions:
        source = "versions v CROSS JOIN incidents i ON i.id = v.record_id AND i.version = v.version"
        kind = "v.kind = 'incident' AND "
    else:
        source = "incidents i JOIN versions v ON v.record_id = i.id AND v.version = i.version"
        kind = ""
    yield from conn.execute(
        f"SELECT {columns} FROM {source} {sql.join} "  # noqa: S608 - constant SQL pieces
        f"WHERE {kind}i.start >= ? AND i.start < ?",
        (month.start, month.end),
    )


def count_month(vault: Vault, month: Month) -> int:
    """How many live incidents started in the month (the progress total)."""
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT count(*) FROM incidents WHERE start >= ? AND start < ?",
            (month.start, month.end),
        ).fetchone()
    return int(row[0])


def compute_monthly(
    vault: Vault,
    month_text: str,
    filters: ReportFilters | None = None,
    progress: Progress | None = None,
) -> MonthlyOverview:
    """The month's figures (see the module docstring for every rule), from one pass.

    One streamed pass over the month's current versions: the gender/age split lives only in the
    bodies, and reading each body once costs less than keeping a second projection in step.
    """
    filters = filters or ReportFilters()
    filters.check()
    month = Month.parse(month_text)
    total = count_month(vault, month) if progress else 0
    cats = {k: [0, 0] for k in CATEGORY_KEYS}
    totals = [0] * (4 * len(AGE_SEX_GROUPS))  # per group: killed min, max, injured min, max
    areas: dict[str, list[int]] = {}  # incidents, killed min, max, injured min, max
    cells: dict[tuple[int, int], int] = {}
    without_position = 0
    done = 0
    filtering = bool(filters.as_dict())
    with vault.reading() as conn:
        sql = assessment_sql(conn)
        columns = f"{sql.category}, {sql.workflow}, i.lat_e6, i.lon_e6, v.body"
        for category, workflow, lat_e6, lon_e6, raw in month_rows(conn, month, sql, columns):
            done += 1
            if progress and done % _PROGRESS_EVERY == 0:
                progress(done, total)
            # The hot loop of the report (100k bodies): plain dict access, no helper calls.
            body = figures_of(bytes(raw))
            place = body.get("place")
            area = place.get("admin_area", "") if place.__class__ is dict else ""
            key = category if category in PUBLIC_CATEGORIES else NO_CATEGORY
            if filtering and not filters.matches(
                area,
                body_text(body, "place", "country"),
                body_text(body, "engagement", "party"),
                key,
            ):
                continue
            counts = cats[key]
            counts[0] += 1
            if workflow != "assessed":
                counts[1] += 1
            k_low = k_high = i_low = i_high = 0
            casualties = body.get("casualties")
            if casualties.__class__ is dict:
                killed = casualties.get("killed")
                injured = casualties.get("injured")
                killed = killed if killed.__class__ is dict else {}
                injured = injured if injured.__class__ is dict else {}
                for base, group in _GROUP_SLOTS:
                    rng = killed.get(group)
                    if rng.__class__ is dict:
                        low, high = rng.get("min"), rng.get("max")
                        low = low if low.__class__ is int and low > 0 else 0
                        high = high if high.__class__ is int and high > low else low
                        totals[base] += low
                        totals[base + 1] += high
                        k_low += low
                        k_high += high
                    rng = injured.get(group)
                    if rng.__class__ is dict:
                        low, high = rng.get("min"), rng.get("max")
                        low = low if low.__class__ is int and low > 0 else 0
                        high = high if high.__class__ is int and high > low else low
                        totals[base + 2] += low
                        totals[base + 3] += high
                        i_low += low
                        i_high += high
            sums = areas.get(area or NO_AREA)
            if sums is None:
                sums = areas[area or NO_AREA] = [0, 0, 0, 0, 0]
            sums[0] += 1
            sums[1] += k_low
            sums[2] += k_high
            sums[3] += i_low
            sums[4] += i_high
            if lat_e6 is None or lon_e6 is None:
                without_position += 1
            else:
                cell = (lat_e6 // MAP_GRID_E6, lon_e6 // MAP_GRID_E6)
                cells[cell] = cells.get(cell, 0) + 1
        changes = _changes(conn, month, filters, sql)
    if progress:
        progress(total, total)
    return MonthlyOverview(
        info=export_info(vault, "monthly", month, filters.as_dict()),
        categories=(
            *(CategoryRow(k, v[0], v[1]) for k, v in cats.items()),
            CategoryRow(
                "total", sum(v[0] for v in cats.values()), sum(v[1] for v in cats.values())
            ),
        ),
        groups=(
            *(GroupRow(g, *totals[base : base + 4]) for base, g in _GROUP_SLOTS),
            GroupRow("total", *(sum(totals[i::4]) for i in range(4))),
        ),
        areas=tuple(
            AreaRow(name, *sums)
            for name, sums in sorted(areas.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ),
        changes=changes,
        cells=tuple(
            MapCell(
                ((la * MAP_GRID_E6) + MAP_GRID_E6 // 2) / 1e6,
                ((lo * MAP_GRID_E6) + MAP_GRID_E6 // 2) / 1e6,
                n,
            )
            for (la, lo), n in sorted(cells.items())
        ),
        without_position=without_position,
    )


# --- history: the category at a moment ------------------------------------------------------------
def _category_before(conn: Any, record_id: str, moment: str, path: str) -> tuple[int, str] | None:
    """(version, category at `path`) of a record's newest version stored before `moment`.

    None when there is none or it is a tombstone. SQLite's JSON reader takes the one field, so
    the thousands of history lookups of a month never parse whole bodies in Python.
    """
    row = conn.execute(
        "SELECT version, deleted, json_extract(CAST(body AS TEXT), ?) FROM versions "
        "WHERE record_id = ? AND at < ? ORDER BY version DESC LIMIT 1",
        (path, record_id, moment),
    ).fetchone()
    if row is None or row[0] is None or row[1]:
        return None
    return int(row[0]), row[2] if isinstance(row[2], str) else ""


_INCIDENT_CATEGORY = "$.assessment.public_category"
_ASSESSMENT_CATEGORY = "$.public_category"


def _changes(
    conn: Any, month: Month, filters: ReportFilters, sql: AssessmentSql
) -> tuple[Change, ...]:
    """Incidents whose effective category at `month.end` differs from that at `month.start`.

    Only incidents changed since the month began can differ, and the projection says which
    (`updated_at`, indexed; and HQ's assessments changed since then), so history is read for
    those alone, not for every incident.
    """
    candidates: dict[str, str] = {}  # incident id -> assessment record id ("" if none)
    rows = conn.execute(
        "SELECT id FROM incidents WHERE updated_at >= ? AND created_at < ?",
        (month.start, month.start),
    )
    for (incident_id,) in rows:
        candidates[str(incident_id)] = ""
    if sql.record_id:
        for incident_id, record_id in conn.execute(
            "SELECT a.incident_id, a.id FROM assessments a JOIN incidents i "
            "ON i.id = a.incident_id WHERE a.updated_at >= ? AND i.created_at < ?",
            (month.start, month.start),
        ):
            candidates[str(incident_id)] = str(record_id)
        # Incidents changed themselves may have an assessment too: it overrides them.
        for incident_id in [i for i, r in candidates.items() if not r]:
            row = conn.execute(
                "SELECT id FROM assessments WHERE incident_id = ?", (incident_id,)
            ).fetchone()
            if row is not None:
                candidates[incident_id] = str(row[0])

    out: list[Change] = []
    for incident_id, assessment_id in candidates.items():
        before = _category_before(conn, incident_id, month.start, _INCIDENT_CATEGORY)
        if before is None:
            continue
        after = _category_before(conn, incident_id, month.end, _INCIDENT_CATEGORY)
        if after is None:
            continue
        cat_before, cat_after = before[1], after[1]
        if assessment_id:
            hq_before = _category_before(conn, assessment_id, month.start, _ASSESSMENT_CATEGORY)
            hq_after = _category_before(conn, assessment_id, month.end, _ASSESSMENT_CATEGORY)
            cat_before = cat_before if hq_before is None else hq_before[1]
            cat_after = cat_after if hq_after is None else hq_after[1]
        key_before, key_after = category_key(cat_before), category_key(cat_after)
        if key_before == key_after:
            continue
        row = conn.execute(
            "SELECT body FROM versions WHERE record_id = ? AND version = ?",
            (incident_id, after[0]),
        ).fetchone()
        body = json.loads(bytes(row[0]))
        area = body_text(body, "place", "admin_area")
        if not filters.matches(
            area,
            body_text(body, "place", "country"),
            body_text(body, "engagement", "party"),
            key_after,
        ):
            continue
        out.append(
            Change(
                ref_code=body_text(body, "ref_code"),
                area=area,
                start=body_text(body, "time", "start"),
                before=key_before,
                after=key_after,
            )
        )
    return tuple(sorted(out, key=lambda c: c.ref_code))


# --- the CSV --------------------------------------------------------------------------------------
RULES = (
    ("rule_month", "incidents whose time.start (UTC) falls in the month"),
    ("rule_state", "figures as known when generated; changes read from version history"),
    ("rule_category", "HQ assessment's public category where one exists, else the incident's"),
    ("rule_open", "still open = not assessed by HQ and the incident's workflow is not 'assessed'"),
    ("rule_ranges", "a missing minimum counts as 0, a missing maximum as the minimum"),
)


MONTHLY_TABLES = ("categories", "casualties", "areas", "changes")


def monthly_tables(overview: MonthlyOverview) -> dict[str, list[Sequence[Cell]]]:
    """The overview's four tables (header row first), by name (MONTHLY_TABLES)."""
    return {
        "categories": [
            ("category", "incidents", "still_open"),
            *((r.category, r.incidents, r.still_open) for r in overview.categories),
        ],
        "casualties": [
            ("age_group", "killed_min", "killed_max", "injured_min", "injured_max"),
            *(
                (g.group, g.killed_min, g.killed_max, g.injured_min, g.injured_max)
                for g in overview.groups
            ),
        ],
        "areas": [
            ("area", "incidents", "killed_min", "killed_max", "injured_min", "injured_max"),
            *(
                (a.area, a.incidents, a.killed_min, a.killed_max, a.injured_min, a.injured_max)
                for a in overview.areas
            ),
        ],
        "changes": [
            ("ref_code", "area", "start", "from_category", "to_category"),
            *((c.ref_code, c.area, c.start, c.before, c.after) for c in overview.changes),
        ],
    }


def monthly_metadata(overview: MonthlyOverview, stem: str) -> bytes:
    """The tables' statement of origin, as a CSV on the Web (CSVW) table group."""
    info = overview.info
    tables = monthly_tables(overview)
    doc = {
        "@context": "http://www.w3.org/ns/csvw",
        "dc:title": f"Monthly overview {info.month}",
        "dc:created": info.generated_at,
        "dc:publisher": info.cell_name,
        "fieldapp:about": dict(info.lines()),
        "fieldapp:rules": dict(RULES),
        "tables": [
            {
                "url": f"{stem}-{name}.csv",
                "tableSchema": {"columns": [{"name": str(c)} for c in tables[name][0]]},
            }
            for name in MONTHLY_TABLES
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- files for the gate ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportFile:
    path: Path
    media_type: str
    sha256: str
    size: int
    rows: int  # data rows (CSV), features (GeoJSON), pages (PDF), 0 for documentation


@dataclass(frozen=True)
class CountCell:
    """One published count about people or places, for the gate's small-cell rule."""

    table: str  # "casualties", "areas", "releases"
    row: str  # group, area name or grid cell
    column: str  # e.g. "killed_max"
    value: int


@dataclass(frozen=True)
class ReportFiles:
    """What an export produced in its staging folder: everything the release gate needs.

    Nothing here has been released: `fieldapp.review.gate` decides, from `cells` (every
    gender/age and area count, so it can apply its own small-cell threshold) and `coordinates`
    with their `precision_deg`, whether these files may be published.
    """

    info: ExportInfo
    out_dir: Path
    files: tuple[ReportFile, ...]
    cells: tuple[CountCell, ...]
    coordinates: tuple[tuple[float, float], ...]  # (lat, lon) as published
    precision_deg: str  # grid of the coordinates ("0.1"), "" when none are published

    def small_cells(self, threshold: int) -> tuple[CountCell, ...]:
        """The non-zero counts below `threshold` (zero reveals no one)."""
        return tuple(c for c in self.cells if 0 < c.value < threshold)


_PARTIAL_PREFIX = ".partial-"
_PARTIAL_SUFFIX = ".report.tmp"


class Staging:
    """The files of one export: written under temporary names, renamed only by `commit`.

    Why: an export is several files plus an audit entry; a crash or an error half-way must leave
    neither a partial file nor a log entry for files that do not exist. Order (as for bundles):
    temporary files written and fsynced, the audit event committed, then the renames.
    """

    def __init__(self, out_dir: Path) -> None:
        if not out_dir.is_dir():
            raise ReportError(f"The folder {out_dir} does not exist; create it or choose another.")
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise ReportError(f"The folder {out_dir} cannot be written to.")
        self.out_dir = out_dir
        self._staged: list[tuple[Path, ReportFile]] = []
        # Each temporary file is held while this export lives; a killed export's are not, and
        # the next export into the folder removes them.
        self._held: list[int] = []
        tempfiles.remove_dead(out_dir, f"{_PARTIAL_PREFIX}*{_PARTIAL_SUFFIX}")

    def _target(self, name: str) -> Path:
        target = self.out_dir / name
        if target.exists() or any(f.path == target for _, f in self._staged):
            raise ReportError(
                f"{target} already exists; an export never replaces a file. Remove it or "
                "choose another folder."
            )
        return target

    def add_bytes(self, name: str, data: bytes, media_type: str, rows: int) -> ReportFile:
        """Stage `data` as `name`."""

        def write(path: Path) -> None:
            path.write_bytes(data)

        return self.add_written(name, write, media_type, lambda: rows)

    def add_written(
        self,
        name: str,
        writer: Callable[[Path], None],
        media_type: str,
        rows: Callable[[], int],
    ) -> ReportFile:
        """Stage a file that `writer` writes to the path it is given (e.g. the PDF)."""
        target = self._target(name)
        fd, tmp_name = tempfile.mkstemp(
            prefix=_PARTIAL_PREFIX, suffix=_PARTIAL_SUFFIX, dir=self.out_dir
        )
        tempfiles.hold(fd)
        self._held.append(fd)
        tmp = Path(tmp_name)
        try:
            writer(tmp)
            digest = hashlib.sha256()
            with tmp.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        item = ReportFile(target, media_type, digest.hexdigest(), tmp.stat().st_size, rows())
        self._staged.append((tmp, item))
        return item

    @property
    def files(self) -> tuple[ReportFile, ...]:
        return tuple(f for _, f in self._staged)

    def commit(self) -> None:
        """Give every staged file its name (refusing any that appeared meanwhile)."""
        for _, item in self._staged:
            if item.path.exists():
                raise ReportError(f"{item.path} appeared while the export ran; nothing was kept.")
        for tmp, item in self._staged:
            os.replace(tmp, item.path)
        with contextlib.suppress(OSError):
            fd = os.open(self.out_dir, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        self._staged = [(item.path, item) for _, item in self._staged]
        self._release()

    def abort(self) -> None:
        for tmp, item in self._staged:
            if tmp != item.path:
                tmp.unlink(missing_ok=True)
        self._staged = []
        self._release()

    def _release(self) -> None:
        for fd in self._held:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._held = []

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.abort()


def log_export(vault: Vault, info: ExportInfo, files: Sequence[ReportFile], **extra: Any) -> None:
    """The audit entry of one export: what, which month, filters, and each file's SHA-256.

    Why the hashes: a file that later turns up outside can be matched to the export that made
    it, and a changed one is visible.
    """
    with vault.writing():
        vault.log_event(
            {
                "type": "report_exported",
                "report": info.kind,
                "month": info.month,
                "filters": dict(info.filters),
                "generated_at": info.generated_at,
                "files": [{"name": f.path.name, "sha256": f.sha256} for f in files],
                "public": False,
                **extra,
            },
            info.generated_at,
        )


def _monthly_cells(overview: MonthlyOverview) -> tuple[CountCell, ...]:
    out: list[CountCell] = []
    columns = ("killed_min", "killed_max", "injured_min", "injured_max")
    for g in overview.groups:
        for column in columns:
            out.append(CountCell("casualties", g.group, column, getattr(g, column)))
    for a in overview.areas:
        for column in ("incidents", *columns):
            out.append(CountCell("areas", a.area, column, getattr(a, column)))
    return tuple(out)


def build_monthly(
    vault: Vault,
    month: str,
    out_dir: Path,
    filters: ReportFilters | None = None,
    *,
    formats: Sequence[str] = ("csv",),
    pdf_writer: PdfWriter | None = None,
    progress: Progress | None = None,
) -> ReportFiles:
    """Compute the overview, write its CSV tables and/or PDF into `out_dir`, log it.

    The PDF needs Qt, which this layer may not import: the caller passes
    `fieldapp.ui.report_pdf.write_monthly_pdf` as `pdf_writer`. Existing files are never
    replaced; on any error nothing is left behind and nothing is logged.
    """
    chosen = [f.strip() for f in formats if f.strip()]
    unknown = sorted(set(chosen) - set(FORMATS))
    if unknown or not chosen:
        raise ReportError(f"Unknown format {', '.join(unknown) or '(none)'}; use csv, pdf or both.")
    if "pdf" in chosen and pdf_writer is None:
        raise ReportError("This front end cannot draw PDF files; choose csv.")
    overview = compute_monthly(vault, month, filters, progress)
    stem = f"monthly-overview-{overview.info.month}"
    with Staging(out_dir) as staging:
        if "csv" in chosen:
            for name, rows in monthly_tables(overview).items():
                staging.add_bytes(f"{stem}-{name}.csv", csv_bytes(rows), "text/csv", len(rows) - 1)
            staging.add_bytes(
                f"{stem}.csv-metadata.json",
                monthly_metadata(overview, stem),
                "application/csvm+json",
                0,
            )
        if "pdf" in chosen:
            assert pdf_writer is not None
            pages: list[int] = []

            def write(path: Path) -> None:
                pages.append(pdf_writer(overview, path))

            staging.add_written(f"{stem}.pdf", write, "application/pdf", lambda: pages[0])
        log_export(vault, overview.info, staging.files)
        staging.commit()
        files = staging.files
    return ReportFiles(
        info=overview.info,
        out_dir=out_dir,
        files=files,
        cells=_monthly_cells(overview),
        # Only the PDF's map shows places (0.1° cells); the CSV has none.
        coordinates=tuple((c.lat, c.lon) for c in overview.cells) if "pdf" in chosen else (),
        precision_deg="0.1" if "pdf" in chosen else "",
    )
