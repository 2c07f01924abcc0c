"""CLI actions for HQ review (issue 5): the monthly overview and weapon-release open data.

    fieldapp hq report monthly --month 2026-10 --out DIR [--format csv,pdf] [filters]
    fieldapp hq opendata --month 2026-10 --out DIR [--precision 0.1] [filters]

Both write into a staging folder for internal use: nothing here is released. Publishing goes
through the public-release gate (`fieldapp.review.gate`), which the output says.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.domain.model import PARTIES

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from fieldapp.review.reports import MonthlyOverview, ReportFiles, ReportFilters

INTERNAL_NOTE = (
    "INTERNAL USE ONLY: these files have not passed the public-release gate; "
    "do not publish them as they are."
)


def _filters(args: argparse.Namespace) -> ReportFilters:
    from fieldapp.review.reports import ReportFilters

    return ReportFilters(
        area=args.area or "",
        country=args.country or "",
        party=args.party or "",
        category=args.category or "",
    )


def _files_json(result: ReportFiles) -> dict[str, Any]:
    info = result.info
    return {
        "report": info.kind,
        "month": info.month,
        "generated_at": info.generated_at,
        "filters": info.filters,
        "vault": {"device_id": info.device_id, "cell": info.cell_name},
        "out_dir": str(result.out_dir),
        "files": [
            {
                "path": str(f.path),
                "media_type": f.media_type,
                "sha256": f.sha256,
                "size": f.size,
                "rows": f.rows,
            }
            for f in result.files
        ],
        "precision_deg": result.precision_deg or None,
        "public": False,
        "note": INTERNAL_NOTE,
    }


def _files_text(result: ReportFiles) -> str:
    lines = [
        f"{result.info.kind} {result.info.month}: {len(result.files)} file(s) in {result.out_dir}"
    ]
    lines += [f"  {f.path.name}  sha256 {f.sha256[:16]}…  {f.size} bytes" for f in result.files]
    lines.append(INTERNAL_NOTE)
    return "\n".join(lines)


def cmd_report_monthly(ctx: Context) -> int:
    """Write the monthly overview (CSV and/or PDF) and log the export."""
    from fieldapp.review.reports import build_monthly

    formats = [f.strip() for f in ctx.args.format.split(",") if f.strip()]
    pdf_writer = None
    if "pdf" in formats:
        # Qt only when a PDF is asked for; an offscreen QGuiApplication is made if none runs.
        from fieldapp.ui.report_pdf import write_monthly_pdf

        def pdf_writer(overview: MonthlyOverview, path: Path) -> int:
            return write_monthly_pdf(overview, path)

    vault = ctx.open_vault()
    try:
        result = build_monthly(
            vault,
            ctx.args.month,
            Path(ctx.args.out).expanduser(),
            _filters(ctx.args),
            formats=formats,
            pdf_writer=pdf_writer,
        )
    finally:
        vault.lock()
    ctx.emit(_files_json(result), lambda: _files_text(result))
    return 0


def cmd_opendata(ctx: Context) -> int:
    """Write the month's weapon-release CSV, GeoJSON and documentation, and log the export."""
    from fieldapp.review.opendata import build_opendata

    vault = ctx.open_vault()
    try:
        result = build_opendata(
            vault,
            ctx.args.month,
            Path(ctx.args.out).expanduser(),
            ctx.args.precision,
            _filters(ctx.args),
        )
    finally:
        vault.lock()
    ctx.emit(_files_json(result), lambda: _files_text(result))
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--month", required=True, metavar="YYYY-MM", help="the calendar month (UTC)")
    p.add_argument("--out", required=True, metavar="DIR", help="existing folder for the files")
    p.add_argument("--area", help="only incidents of this admin area (exact)")
    p.add_argument("--country", help="only incidents of this country code (exact)")
    p.add_argument("--party", choices=PARTIES, help="only incidents attributed to this party")
    p.add_argument(
        "--category",
        choices=("confirmed", "unconfirmed", "unlikely", "none"),
        help="only incidents of this effective public category",
    )


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the command groups."""
    report = groups.hq.add_parser("report", help="HQ reports (internal use)").add_subparsers(
        dest="report", metavar="REPORT", required=True
    )
    p = add(
        report,
        "monthly",
        cmd_report_monthly,
        "monthly overview: categories, casualties by group, areas, changes (internal use)",
    )
    _common(p)
    p.add_argument(
        "--format", default="csv,pdf", metavar="csv,pdf", help="csv, pdf or both (default both)"
    )
    p = add(
        groups.hq,
        "opendata",
        cmd_opendata,
        "weapon-release open data of a month: CSV, GeoJSON, documentation (staging only)",
    )
    _common(p)
    p.add_argument(
        "--precision",
        default="0.1",
        metavar="DEGREES",
        help="grid cell size for coordinates (default 0.1)",
    )
