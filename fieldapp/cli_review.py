"""CLI actions for HQ review (issue 5): `hq assess`, `hq assessments`, `hq register`,
`hq reviewer add`.

Each calls the same store function as the GUI (`Vault.save_assessment`,
`Vault.assessment_history`, `store.assessments.register_rows`, `Vault.add_slot(review=True)`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from fieldapp.domain.model import BELLIGERENT_VIEWS, INTERNAL_GRADES, PUBLIC_CATEGORIES, WORKFLOW

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from fieldapp.domain.assessment import HqAssessment
    from fieldapp.store.assessments import AssessmentVersion, RegisterRow


def _assessment_json(a: HqAssessment, version: int) -> dict[str, Any]:
    return {**asdict(a), "version": version}


def _assessment_text(a: HqAssessment, version: int) -> str:
    return (
        f"assessment version {version} of incident {a.incident_id}\n"
        f"  public category  {a.public_category}\n"
        f"  internal grade   {a.internal_grade}\n"
        f"  belligerent view {a.belligerent_view}\n"
        f"  assessor         {a.assessor} ({a.date})\n"
        f"  rationale        {a.rationale}"
    )


def cmd_hq_assess(ctx: Context) -> int:
    from fieldapp.domain.assessment import HqAssessment
    from fieldapp.store import assessments

    a = ctx.args
    vault = ctx.open_vault()
    try:
        with vault.reading() as conn:
            incident_id = assessments.resolve_incident(conn, a.incident)
        stored, version = vault.save_assessment(
            HqAssessment(
                incident_id=incident_id,
                public_category=a.category,
                internal_grade=a.grade,
                belligerent_view=a.belligerent,
                rationale=a.rationale,
                assessor=a.assessor or "",
            ),
            a.reason or "",
            expected_version=a.expected_version,
        )
    finally:
        vault.lock()
    ctx.emit(_assessment_json(stored, version), lambda: _assessment_text(stored, version))
    return 0


def _step_json(step: AssessmentVersion) -> dict[str, Any]:
    return {
        "version": step.version,
        "at": step.at,
        "author": step.author,
        "reason": step.reason,
        "assessment": asdict(step.assessment),
        "changes": [{"field": c.path, "old": c.old, "new": c.new} for c in step.changes],
    }


def _step_text(step: AssessmentVersion) -> str:
    a = step.assessment
    head = (
        f"v{step.version}  {step.at}  {a.assessor} (saved by {step.author}): "
        f"{a.public_category} / {a.internal_grade} / {a.belligerent_view}"
    )
    lines = [head]
    lines += [f"    {c.path}: {c.old} -> {c.new}" for c in step.changes]
    lines.append(f"    rationale: {a.rationale}")
    return "\n".join(lines)


def cmd_hq_assessments(ctx: Context) -> int:
    from fieldapp.store import assessments

    vault = ctx.open_vault()
    try:
        with vault.reading() as conn:
            incident_id = assessments.resolve_incident(conn, ctx.args.incident)
        steps = vault.assessment_history(incident_id)
    finally:
        vault.lock()
    ctx.emit(
        {"incident_id": incident_id, "assessments": [_step_json(s) for s in steps]},
        lambda: (
            "\n".join(_step_text(s) for s in steps)
            or f"incident {incident_id} has not been assessed at HQ"
        ),
    )
    return 0


def _row_json(r: RegisterRow) -> dict[str, Any]:
    return {
        **asdict(r.incident),
        "effective_category": r.incident.public_category,
        "field_category": r.field_category,
        "assessed": r.assessed,
        "device_id": r.device_id,
        "device_code": r.device_code,
    }


def cmd_hq_register(ctx: Context) -> int:
    from fieldapp.store import assessments
    from fieldapp.store.records import IncidentQuery

    a = ctx.args
    vault = ctx.open_vault()
    try:
        with vault.reading() as conn:
            device_id = assessments.resolve_device(conn, a.device) if a.device else None
            query = IncidentQuery(
                text=a.text or "",
                workflow=a.status,
                public_category=a.category,
                harm_type=a.harm,
                device_id=device_id,
                month=a.month,
                place=a.place or "",
                effective_category=True,
                limit=a.limit,
                offset=a.offset,
            )
            rows = assessments.register_rows(conn, query)
            total = assessments.register_count(conn, query)
    finally:
        vault.lock()

    def text() -> str:
        shown = f", showing {len(rows)}" if len(rows) < total else ""
        lines = [f"{total} incident(s){shown}"]
        for r in rows:
            i = r.incident
            category = (i.public_category or "-") + ("*" if r.assessed else "")
            lines.append(
                f"{i.ref_code:<24} {r.device_code:<6} {i.start[:10]:<10} {i.workflow:<16} "
                f"{category:<12} {i.place[:24]:<24} {i.title}"
            )
        if any(r.assessed for r in rows):
            lines.append("* category assessed at HQ")
        return "\n".join(lines)

    ctx.emit({"total": total, "incidents": [_row_json(r) for r in rows]}, text)
    return 0


def cmd_hq_reviewer_add(ctx: Context) -> int:
    from fieldapp.cli import NEW_PASSPHRASE_ENV

    vault = ctx.open_vault()
    try:
        slot = vault.add_slot(
            ctx.args.label, ctx.new_passphrase(NEW_PASSPHRASE_ENV), ctx.kdf(), review=True
        )
    finally:
        vault.lock()
    ctx.emit(
        {"slot": slot.id, "label": slot.label, "kind": slot.kind},
        f"added reviewer {slot.label}: reads everything and assesses; cannot import, erase "
        "or manage keys",
    )
    return 0


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the command groups."""
    p = add(groups.hq, "assess", cmd_hq_assess, "record HQ's assessment of an incident")
    p.add_argument("incident", metavar="INCIDENT", help="incident id or reference code")
    p.add_argument("--category", required=True, choices=PUBLIC_CATEGORIES, help="public category")
    p.add_argument("--grade", required=True, choices=INTERNAL_GRADES, help="internal grade")
    p.add_argument(
        "--belligerent", required=True, choices=BELLIGERENT_VIEWS, help="belligerent view"
    )
    p.add_argument("--rationale", required=True, help="why (what a later reviewer checks)")
    p.add_argument("--assessor", help="who assessed (default: your key slot's name)")
    p.add_argument("--reason", help="reason of this version (default: assessed / re-assessed)")
    p.add_argument(
        "--expected-version",
        type=int,
        metavar="N",
        help="refuse if the assessment is no longer at version N",
    )
    p = add(groups.hq, "assessments", cmd_hq_assessments, "an incident's assessment history")
    p.add_argument("incident", metavar="INCIDENT", help="incident id or reference code")
    p = add(groups.hq, "register", cmd_hq_register, "incidents of every device, with filters")
    p.add_argument("--device", metavar="ID", help="device id or code that recorded it")
    p.add_argument("--status", choices=WORKFLOW, help="workflow status")
    p.add_argument("--category", choices=PUBLIC_CATEGORIES, help="effective public category")
    p.add_argument("--month", metavar="YYYY-MM", help="month the incident started")
    p.add_argument("--place", metavar="TEXT", help="text in the place name")
    p.add_argument("--harm", metavar="TYPE", help="harm type code")
    p.add_argument("--text", metavar="TEXT", help="full-text search")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--offset", type=int, default=0)
    reviewer = groups.hq.add_parser("reviewer", help="review-role key slots").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = add(reviewer, "add", cmd_hq_reviewer_add, "add a review-role key slot (HQ)")
    p.add_argument("label", help="the reviewer's pseudonym")
