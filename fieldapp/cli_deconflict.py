"""CLI actions for HQ review (issue 5): deconflict.

    fieldapp hq external import SOURCE FILE [--preset airwars | --mapping FILE]
    fieldapp hq external preview FILE [--preset airwars | --mapping FILE]
    fieldapp hq external list
    fieldapp hq match INCIDENT [--window-days N] [--radius-km K]
    fieldapp hq match all [--window-days N] [--radius-km K] [--min-score S]
    fieldapp hq match accept INCIDENT SOURCE EXTID --reason TEXT
    fieldapp hq match reject INCIDENT SOURCE EXTID --reason TEXT

They work on field vaults too: an analyst may deconflict locally before HQ does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp import errors

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from fieldapp.review.deconflict import Candidate, Link, Mapping, SourceInfo


def _usage(message: str) -> errors.FieldappError:
    """The CLI's own usage error (exit status 2), imported late: `fieldapp.cli` imports us."""
    from fieldapp.cli import UsageError

    return UsageError(message)


def _mapping(ctx: Context) -> Mapping | None:
    from fieldapp.review import deconflict

    if ctx.args.mapping:
        return deconflict.load_mapping_file(Path(ctx.args.mapping).expanduser())
    if ctx.args.preset:
        return deconflict.load_preset(ctx.args.preset)
    return None


def cmd_external_import(ctx: Context) -> int:
    from fieldapp.review import deconflict

    mapping = _mapping(ctx)
    vault = ctx.open_vault()
    try:
        result = deconflict.import_external(
            vault, ctx.args.source, Path(ctx.args.file).expanduser(), mapping=mapping
        )
    finally:
        vault.lock()
    ctx.emit(
        {
            "source": result.source,
            "rows": result.rows,
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "absent": result.absent,
            "file_sha256": result.file_sha256,
        },
        result.summary(),
    )
    return 0


def cmd_external_preview(ctx: Context) -> int:
    from fieldapp.review import deconflict

    mapping = _mapping(ctx)
    if mapping is None:
        raise _usage("preview needs --preset or --mapping")
    shown = deconflict.preview(Path(ctx.args.file).expanduser(), mapping, limit=ctx.args.rows)
    rows = [
        {
            "line": r.line,
            "error": r.error or None,
            "external_id": r.record.external_id if r.record else None,
            "date": r.record.at if r.record else None,
            "lat": r.record.lat if r.record else None,
            "lon": r.record.lon if r.record else None,
            "belligerent": r.record.belligerent if r.record else None,
            "munition": r.record.munition if r.record else None,
        }
        for r in shown.rows
    ]

    def text() -> str:
        lines = [f"columns: {', '.join(shown.header)}"] if shown.header else []
        for r in shown.rows:
            if r.record is None:
                lines.append(f"line {r.line}: REFUSED: {r.error}")
            else:
                rec = r.record
                where = f"{rec.lat}, {rec.lon}" if rec.lat else "no position"
                lines.append(
                    f"line {r.line}: {rec.external_id}  {rec.at}  {where}  "
                    f"{rec.belligerent or '-'}  {rec.munition or '-'}"
                )
        if shown.error:
            lines.append(f"REFUSED: {shown.error}")
        return "\n".join(lines)

    ctx.emit({"columns": list(shown.header), "rows": rows, "error": shown.error or None}, text)
    return 1 if shown.error else 0


def _source_json(s: SourceInfo) -> dict[str, Any]:
    return {
        "name": s.name,
        "preset": s.preset or None,
        "records": s.records,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "mapping": s.mapping.to_json(),
    }


def cmd_external_list(ctx: Context) -> int:
    from fieldapp.review import deconflict

    vault = ctx.open_vault()
    try:
        sources = deconflict.list_sources(vault)
    finally:
        vault.lock()
    text = "\n".join(
        f"{s.name:<20} {s.records:>7} record(s)  {s.preset or 'custom mapping':<15} "
        f"updated {s.updated_at}"
        for s in sources
    )
    ctx.emit({"sources": [_source_json(s) for s in sources]}, text or "no external source yet")
    return 0


def _candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "incident_id": c.incident_id,
        "ref_code": c.ref_code,
        "source": c.source,
        "external_id": c.external_id,
        "score": c.score,
        "reasons": list(c.reasons),
        "days_apart": c.days_apart,
        "distance_m": round(c.distance_km * 1000) if c.distance_km is not None else None,
        "date": c.at,
        "place": c.place,
        "belligerent": c.belligerent,
        "munition": c.munition,
        "killed_min": c.killed_min,
        "killed_max": c.killed_max,
        "url": c.url or None,
    }


def _candidate_text(c: Candidate) -> str:
    return (
        f"{c.score:>3}  {c.source} {c.external_id}  {c.at}  {c.place}\n"
        f"     {'; '.join(c.reasons)}" + (f"\n     {c.url}" if c.url else "")
    )


def _link_json(link: Link) -> dict[str, Any]:
    return {
        "system": link.system,
        "external_id": link.external_id,
        "origin": link.origin,
        "reason": link.reason or None,
        "author": link.author or None,
        "at": link.at or None,
        "url": link.url or None,
    }


def _link_text(link: Link) -> str:
    if link.origin == "incident":
        return f"  {link.system} {link.external_id} (in the incident record)"
    who = f"{link.origin} by {link.author} {link.at}"
    return f"  {link.system} {link.external_id} ({who}: {link.reason})"


def _match_one(ctx: Context, words: list[str]) -> int:
    from fieldapp.review import deconflict

    if len(words) != 1:
        raise _usage(
            "hq match takes one incident (id or reference code), or: all | accept INCIDENT "
            "SOURCE EXTID --reason TEXT | reject INCIDENT SOURCE EXTID --reason TEXT"
        )
    vault = ctx.open_vault()
    try:
        found = deconflict.candidates(vault, words[0], ctx.args.window_days, ctx.args.radius_km)
        links = deconflict.links(vault, words[0])
        with vault.reading() as conn:
            row = deconflict.resolve_incident(conn, words[0])
    finally:
        vault.lock()

    def text() -> str:
        lines = [f"incident {row[1]}"]
        if links:
            lines.append("linked:")
            lines += [_link_text(link) for link in links]
        if found:
            lines.append(
                f"candidates ({ctx.args.window_days} days, {ctx.args.radius_km:g} km), best first:"
            )
            lines += [_candidate_text(c) for c in found]
        else:
            lines.append("no candidate in the window and radius")
        return "\n".join(lines)

    ctx.emit(
        {
            "incident_id": row[0],
            "ref_code": row[1],
            "links": [_link_json(link) for link in links],
            "candidates": [_candidate_json(c) for c in found],
        },
        text,
    )
    return 0


def _match_all(ctx: Context, words: list[str]) -> int:
    from fieldapp.review import deconflict

    if len(words) != 1:
        raise _usage("hq match all takes no further words")
    vault = ctx.open_vault()
    try:
        found = deconflict.all_candidates(
            vault, ctx.args.window_days, ctx.args.radius_km, min_score=ctx.args.min_score
        )
    finally:
        vault.lock()

    def text() -> str:
        lines: list[str] = []
        last = ""
        for c in found:
            if c.ref_code != last:
                lines.append(f"incident {c.ref_code}")
                last = c.ref_code
            lines.append(_candidate_text(c))
        return "\n".join(lines) or "no candidate for any incident"

    ctx.emit({"candidates": [_candidate_json(c) for c in found]}, text)
    return 0


def _decide(ctx: Context, words: list[str]) -> int:
    from fieldapp.review import deconflict

    action = words[0]
    if len(words) != 4:
        raise _usage(f"hq match {action} takes INCIDENT SOURCE EXTID --reason TEXT")
    if not ctx.args.reason:
        raise _usage(f"hq match {action} needs --reason: say why")
    _, incident, source, external_id = words
    decide = deconflict.accept if action == "accept" else deconflict.reject
    vault = ctx.open_vault()
    try:
        incident_id = decide(vault, incident, source, external_id, ctx.args.reason)
    finally:
        vault.lock()
    done = "accepted" if action == "accept" else "rejected"
    ctx.emit(
        {
            "decision": done,
            "incident_id": incident_id,
            "source": source,
            "external_id": external_id,
        },
        f"{source} {external_id} {done} for incident {incident}",
    )
    return 0


def cmd_match(ctx: Context) -> int:
    """One parser for `hq match INCIDENT` and `hq match all|accept|reject ...`: argparse cannot
    give a group a positional of its own, and an incident id or reference code never reads
    "all", "accept" or "reject"."""
    words: list[str] = list(ctx.args.words)
    if words[0] in ("accept", "reject"):
        return _decide(ctx, words)
    if ctx.args.reason:
        raise _usage("--reason belongs to hq match accept / reject")
    if words[0] == "all":
        return _match_all(ctx, words)
    return _match_one(ctx, words)


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the command groups."""
    from fieldapp.review.deconflict import PRESETS

    external = groups.hq.add_parser(
        "external", help="external datasets for deconfliction (Airwars-style CSV, ...)"
    ).add_subparsers(dest="external_action", metavar="ACTION", required=True)
    p = add(external, "import", cmd_external_import, "import or refresh an external dataset")
    p.add_argument("source", metavar="SOURCE", help="a name for the dataset, e.g. airwars")
    p.add_argument("file", metavar="FILE", help="the CSV file")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--preset", choices=PRESETS, help="a bundled column mapping")
    how.add_argument("--mapping", metavar="FILE", help="a JSON column mapping")
    p = add(external, "preview", cmd_external_preview, "show how a mapping reads a file")
    p.add_argument("file", metavar="FILE", help="the CSV file")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--preset", choices=PRESETS, help="a bundled column mapping")
    how.add_argument("--mapping", metavar="FILE", help="a JSON column mapping")
    p.add_argument("--rows", type=int, default=5, help="rows to show (default 5)")
    add(external, "list", cmd_external_list, "imported datasets and their saved mappings")
    p = add(
        groups.hq,
        "match",
        cmd_match,
        "deconflict: INCIDENT (candidates) | all | accept|reject INCIDENT SOURCE EXTID",
    )
    p.add_argument(
        "words",
        nargs="+",
        metavar="INCIDENT | all | accept|reject INCIDENT SOURCE EXTID",
        help="an incident id or reference code; or all; or a decision on one pair",
    )
    p.add_argument("--window-days", type=int, default=3, help="time window (default 3 days)")
    p.add_argument("--radius-km", type=float, default=10.0, help="radius (default 10 km)")
    p.add_argument("--min-score", type=int, default=0, help="with all: hide lower scores")
    p.add_argument("--reason", help="with accept / reject: why (logged)")
