"""Weapon-release open data per month (issue 5 §2): CSV, GeoJSON, and their documentation.

One row per (grid cell, admin area, platform, munition) of a month, counting releases: the
incident's `engagement.strikes` when recorded, else 1. Incidents of the month are those whose
`time.start` falls in it (as for the monthly overview), and only those that record a platform,
a munition or a number of strikes (an incident without any is not a known weapon release).

Positions are never published as recorded: each is replaced by the centre of its cell on a grid
of `precision` degrees (default 0.1°), computed in integer micro-degrees from the stored decimal
coordinates, so no float rounding can move a point into the neighbouring cell. GeoJSON
coordinates are numbers rounded to the grid (one decimal more than the grid step, the centre).

Column documentation (`resources/opendata/README.md`) is copied into every export, followed by
the facts of that export (generation time, month, filters, grid, publisher). The CSV is
described by a small W3C "CSV on the Web"-style metadata file, so the CSV itself stays a plain
table that any tool reads, while it still travels with its statement of origin.

Nothing here is public until `fieldapp.review.gate` has passed the returned `ReportFiles`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fieldapp.resources import resource
from fieldapp.review.csvsafe import Cell, csv_bytes
from fieldapp.review.reports import (
    CountCell,
    ExportInfo,
    Month,
    Progress,
    ReportError,
    ReportFiles,
    ReportFilters,
    Staging,
    assessment_sql,
    body_get,
    body_text,
    category_key,
    count_month,
    export_info,
    figures_of,
    log_export,
    month_rows,
)
from fieldapp.store.vault import Vault

DEFAULT_PRECISION = "0.1"
MIN_PRECISION = Decimal("0.001")  # about 100 m: finer is not coarsening
MAX_PRECISION = Decimal("10")
COLUMNS = ("month", "lat", "lon", "precision_deg", "admin_area", "platform", "munition", "releases")
UNKNOWN = "unknown"
_PROGRESS_EVERY = 2_000


@dataclass(frozen=True)
class Grid:
    """A grid of `step` degrees, in integer micro-degrees."""

    text: str  # "0.1", as stated in the files
    step_e6: int
    decimals: int  # of a cell centre

    @classmethod
    def parse(cls, text: str) -> Grid:
        """A grid from a decimal string; refused when not a number between 0.001 and 10."""
        try:
            step = Decimal(text.strip())
        except InvalidOperation:
            raise ReportError(
                f"The precision {text!r} is not a number of degrees, e.g. 0.1."
            ) from None
        if not step.is_finite() or not MIN_PRECISION <= step <= MAX_PRECISION:
            raise ReportError(
                f"The precision must be between {MIN_PRECISION} and {MAX_PRECISION} degrees, "
                f"not {text!r}."
            )
        step_e6 = step.scaleb(6)
        if step_e6 != step_e6.to_integral_value():
            raise ReportError(f"The precision {text!r} has more than 6 decimals.")
        normal = step.normalize()
        exponent = int(normal.as_tuple().exponent)
        decimals = max(0, -exponent) + 1
        return cls(format(normal, "f"), int(step_e6), decimals)

    def centre(self, value_e6: int, limit_e6: int) -> Decimal:
        """Centre of the cell of `value_e6`, kept within ±limit (poles, antimeridian)."""
        return self.centre_of(value_e6 // self.step_e6, limit_e6)  # floor, also below 0

    def centre_of(self, index: int, limit_e6: int) -> Decimal:
        """Centre of cell number `index` (counted from 0°), kept within ±limit."""
        # Twice the centre, so an odd step in micro-degrees still has an exact centre.
        double = 2 * index * self.step_e6 + self.step_e6
        double = max(-2 * limit_e6, min(2 * limit_e6, double))
        quantum = Decimal(1).scaleb(-self.decimals)
        return (Decimal(double).scaleb(-6) / 2).quantize(quantum)


@dataclass(frozen=True)
class ReleaseRow:
    lat: Decimal | None
    lon: Decimal | None
    admin_area: str
    platform: str
    munition: str
    releases: int


@dataclass(frozen=True)
class OpenData:
    info: ExportInfo
    grid: Grid
    rows: tuple[ReleaseRow, ...]  # sorted: position, area, platform, munition

    @property
    def releases(self) -> int:
        return sum(r.releases for r in self.rows)


def compute_opendata(
    vault: Vault,
    month_text: str,
    precision: str = DEFAULT_PRECISION,
    filters: ReportFilters | None = None,
    progress: Progress | None = None,
) -> OpenData:
    """The month's release rows (module docstring), from one streamed pass over its incidents."""
    filters = filters or ReportFilters()
    filters.check()
    grid = Grid.parse(precision)
    month = Month.parse(month_text)
    total = count_month(vault, month) if progress else 0
    sums: dict[tuple[Any, ...], int] = {}
    done = 0
    with vault.reading() as conn:
        sql = assessment_sql(conn)
        columns = f"{sql.category}, i.lat_e6, i.lon_e6, v.body"
        for category, lat_e6, lon_e6, raw in month_rows(conn, month, sql, columns):
            done += 1
            if progress and done % _PROGRESS_EVERY == 0:
                progress(done, total)
            body = figures_of(bytes(raw))
            engagement = body_get(body, "engagement")
            if not isinstance(engagement, dict):
                continue
            platform = body_text(engagement, "platform")
            munition = body_text(engagement, "munition")
            strikes = engagement.get("strikes")
            counted = isinstance(strikes, int) and not isinstance(strikes, bool) and strikes > 0
            if not (platform or munition or counted):
                continue
            area = body_text(body, "place", "admin_area")
            if not filters.matches(
                area,
                body_text(body, "place", "country"),
                body_text(engagement, "party"),
                category_key(category),
            ):
                continue
            if lat_e6 is None or lon_e6 is None:
                position: tuple[Any, Any] = (None, None)
            else:
                # Cell numbers here; their centres once per distinct row below.
                position = (lat_e6 // grid.step_e6, lon_e6 // grid.step_e6)
            key = (*position, area, platform or UNKNOWN, munition or UNKNOWN)
            sums[key] = sums.get(key, 0) + (strikes if isinstance(strikes, int) and counted else 1)
    if progress:
        progress(total, total)

    def centres(lat: int | None, lon: int | None) -> tuple[Decimal | None, Decimal | None]:
        if lat is None or lon is None:
            return None, None
        return grid.centre_of(lat, 90_000_000), grid.centre_of(lon, 180_000_000)

    unsorted = [
        ReleaseRow(*centres(lat, lon), area, platform, munition, n)
        for (lat, lon, area, platform, munition), n in sums.items()
    ]
    rows = tuple(
        sorted(
            unsorted,
            key=lambda r: (
                r.lat is None,
                r.lat or 0,
                r.lon or 0,
                r.admin_area,
                r.platform,
                r.munition,
            ),
        )
    )
    filters_info = {**filters.as_dict()}
    return OpenData(export_info(vault, "opendata", month, filters_info), grid, rows)


# --- files ----------------------------------------------------------------------------------------
def _number(value: Decimal | None) -> Cell:
    return value  # Decimal is written as a number by csvsafe, None as an empty cell


def opendata_csv(data: OpenData) -> bytes:
    """The rows as a plain CSV table (COLUMNS), every text cell injection-safe."""
    rows: list[Sequence[Cell]] = [COLUMNS]
    rows += [
        (
            data.info.month,
            _number(r.lat),
            _number(r.lon),
            Decimal(data.grid.text),
            r.admin_area,
            r.platform,
            r.munition,
            r.releases,
        )
        for r in data.rows
    ]
    return csv_bytes(rows)


def _metadata(data: OpenData) -> dict[str, Any]:
    info = data.info
    return {
        "generated_at": info.generated_at,
        "month": info.month,
        "filters": dict(info.filters),
        "precision_deg": float(Decimal(data.grid.text)),
        "publisher": {"cell": info.cell_name, "device_id": info.device_id},
        "releases": data.releases,
        "documentation": f"weapon-releases-{info.month}.README.md",
    }


def opendata_geojson(data: OpenData) -> bytes:
    """An RFC 7946 FeatureCollection: one Point (or null geometry) per row, plus `metadata`."""
    features = []
    for r in data.rows:
        geometry = (
            None
            if r.lat is None or r.lon is None
            else {"type": "Point", "coordinates": [float(r.lon), float(r.lat)]}
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "month": data.info.month,
                    "precision_deg": float(Decimal(data.grid.text)),
                    "admin_area": r.admin_area,
                    "platform": r.platform,
                    "munition": r.munition,
                    "releases": r.releases,
                },
            }
        )
    collection = {"type": "FeatureCollection", "metadata": _metadata(data), "features": features}
    return (json.dumps(collection, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_COLUMN_TYPES = {
    "month": ("string", "calendar month (UTC), YYYY-MM"),
    "lat": ("number", "latitude of the grid cell centre, degrees (WGS 84); empty: no position"),
    "lon": ("number", "longitude of the grid cell centre, degrees (WGS 84); empty: no position"),
    "precision_deg": ("number", "grid cell size in degrees"),
    "admin_area": ("string", "administrative area as recorded"),
    "platform": ("string", "platform type code; unknown when not recorded"),
    "munition": ("string", "munition type code; unknown when not recorded"),
    "releases": ("integer", "number of weapon releases (strikes)"),
}


def opendata_csv_metadata(data: OpenData) -> bytes:
    """The CSV's description in the shape of W3C CSV on the Web (CSVW) table metadata."""
    info = data.info
    doc = {
        "@context": "http://www.w3.org/ns/csvw",
        "url": f"weapon-releases-{info.month}.csv",
        "dc:title": f"Weapon releases, {info.month}",
        "dc:created": info.generated_at,
        "dc:publisher": info.cell_name,
        "fieldapp:metadata": _metadata(data),
        "tableSchema": {
            "columns": [
                {"name": name, "datatype": kind, "dc:description": text}
                for name, (kind, text) in _COLUMN_TYPES.items()
            ]
        },
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def opendata_readme(data: OpenData) -> bytes:
    """The bundled column documentation, then the facts of this export."""
    text = resource("opendata", "README.md").read_text(encoding="utf-8").rstrip("\n")
    facts = [*data.info.lines(), ("precision_deg", data.grid.text), ("rows", str(len(data.rows)))]
    text += "\n\n## This export\n\n" + "\n".join(f"- {k}: {v}" for k, v in facts) + "\n"
    return text.encode("utf-8")


def build_opendata(
    vault: Vault,
    month: str,
    out_dir: Path,
    precision: str = DEFAULT_PRECISION,
    filters: ReportFilters | None = None,
    *,
    progress: Progress | None = None,
) -> ReportFiles:
    """Write the month's CSV, GeoJSON, CSV metadata and README into `out_dir`, and log them.

    Existing files are never replaced; on any error nothing is left behind or logged.
    """
    data = compute_opendata(vault, month, precision, filters, progress)
    stem = f"weapon-releases-{data.info.month}"
    with Staging(out_dir) as staging:
        staging.add_bytes(f"{stem}.csv", opendata_csv(data), "text/csv", len(data.rows))
        staging.add_bytes(
            f"{stem}.geojson", opendata_geojson(data), "application/geo+json", len(data.rows)
        )
        staging.add_bytes(
            f"{stem}.csv-metadata.json", opendata_csv_metadata(data), "application/csvm+json", 0
        )
        staging.add_bytes(f"{stem}.README.md", opendata_readme(data), "text/markdown", 0)
        log_export(vault, data.info, staging.files, precision_deg=data.grid.text)
        staging.commit()
        files = staging.files
    coordinates = tuple(
        (float(r.lat), float(r.lon)) for r in data.rows if r.lat is not None and r.lon is not None
    )
    cells = tuple(
        CountCell(
            "releases",
            f"{r.lat},{r.lon},{r.admin_area},{r.platform},{r.munition}",
            "releases",
            r.releases,
        )
        for r in data.rows
    )
    return ReportFiles(
        info=data.info,
        out_dir=out_dir,
        files=files,
        cells=cells,
        coordinates=coordinates,
        precision_deg=data.grid.text,
    )
