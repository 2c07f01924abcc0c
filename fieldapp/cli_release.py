"""Command line of the public-release gate (issue 5 §3): `hq release check|list|show|approve|
publish|verify`.

The flow: `check FILES...` reviews staged files and stores a pending release (its id is printed);
a second user runs `approve RELEASE_ID --approver LABEL` and types their own passphrase (or sets
FIELDAPP_APPROVER_PASSPHRASE in scripts); then `publish RELEASE_ID --out DIR` writes the files
and the signed manifest. `verify DIR` checks a published folder and needs no vault. Every action
calls `fieldapp.review.gate`, as the GUI's release panel does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from fieldapp.review.gate import GatePolicy, GateReport, ManifestCheck

APPROVER_ENV = "FIELDAPP_APPROVER_PASSPHRASE"


def report_json(report: GateReport) -> dict[str, Any]:
    """The JSON form of a release (CLI `--json`; also handy for the reports module)."""
    return {
        "release": report.release_id,
        "status": report.status,
        "prepared_by": report.prepared_by,
        "prepared_at": report.prepared_at,
        "approved_by": report.approved_by or None,
        "approved_at": report.approved_at or None,
        "published": report.published,
        "policy": report.policy.to_json(),
        "files": [
            {"name": f.name, "source": f.source, "sha256": f.sha256, "size": f.size}
            for f in report.files
        ],
        "findings": [
            {
                "file": f.file,
                "location": f.location,
                "kind": f.kind,
                "detail": f.detail,
                "fix": f.fix or None,
                "blocking": f.blocking,
            }
            for f in report.findings
        ],
    }


def report_text(report: GateReport) -> str:
    lines = [
        f"release {report.release_id}: {report.status}",
        f"  prepared by {report.prepared_by} at {report.prepared_at}"
        + (
            f"; approved by {report.approved_by} at {report.approved_at}"
            if report.approved_by
            else ""
        ),
    ]
    for f in report.files:
        lines.append(f"  file {f.name}  {f.size} bytes  sha256 {f.sha256}")
    for finding in report.findings:
        state = f"fixed: {finding.fix}" if finding.fix else "BLOCKING"
        lines.append(
            f"  [{state}] {finding.file}, {finding.location}: {finding.kind}: {finding.detail}"
        )
    blocking = len(report.blocking)
    if blocking:
        lines.append(f"  {blocking} blocking finding(s): fix the staged files and check again")
    elif not report.approved_by:
        lines.append(f"  next: fieldapp hq release approve {report.release_id} --approver LABEL")
    return "\n".join(lines)


def _policy(ctx: Context) -> GatePolicy:
    from fieldapp.review.gate import GateError, GatePolicy

    args = ctx.args
    data: dict[str, Any] = {}
    if args.policy:
        try:
            data = json.loads(Path(args.policy).expanduser().read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GateError(f"cannot read the policy file {args.policy}: {exc}") from None
        if not isinstance(data, dict):
            raise GateError(f"the policy file {args.policy} must hold a JSON object")
    if args.decimals is not None:
        data["coordinate_decimals"] = args.decimals
    if args.grid is not None:
        data["coordinate_grid"] = args.grid
    if args.no_coarsen:
        data["coarsen_coordinates"] = False
    if args.threshold is not None:
        data["small_cell_threshold"] = args.threshold
    if args.public_fields is not None:
        data["public_fields"] = [f.strip() for f in args.public_fields.split(",") if f.strip()]
    return GatePolicy.from_json(data)


def cmd_check(ctx: Context) -> int:
    from fieldapp.review.gate import load_names_file, review

    policy = _policy(ctx)
    names = load_names_file(Path(ctx.args.names).expanduser()) if ctx.args.names else []
    vault = ctx.open_vault()
    try:
        report = review(
            vault, [Path(f).expanduser() for f in ctx.args.files], policy, extra_names=names
        )
    finally:
        vault.lock()
    ctx.emit(report_json(report), lambda: report_text(report))
    return 1 if report.blocking else 0


def cmd_list(ctx: Context) -> int:
    from fieldapp.review.gate import list_releases

    vault = ctx.open_vault()
    try:
        reports = list_releases(vault)
    finally:
        vault.lock()
    ctx.emit(
        {"releases": [report_json(r) for r in reports]},
        lambda: (
            "\n".join(
                f"{r.release_id}  {r.prepared_at}  {r.status:<18} {len(r.files)} file(s)  "
                f"{len(r.findings)} finding(s)"
                for r in reports
            )
            or "no releases"
        ),
    )
    return 0


def cmd_show(ctx: Context) -> int:
    from fieldapp.review.gate import load_report

    vault = ctx.open_vault()
    try:
        report = load_report(vault, ctx.args.release)
    finally:
        vault.lock()
    ctx.emit(report_json(report), lambda: report_text(report))
    return 0


def cmd_approve(ctx: Context) -> int:
    from fieldapp.review.gate import approve, load_report

    vault = ctx.open_vault()
    try:
        report = load_report(vault, ctx.args.release)
        label = ctx.args.approver
        passphrase = ctx.passphrase(f"Passphrase of {label}: ", APPROVER_ENV)
        approved = approve(vault, report, label, passphrase)
    finally:
        vault.lock()
    ctx.emit(report_json(approved), lambda: report_text(approved))
    return 0


def cmd_publish(ctx: Context) -> int:
    from fieldapp.review.gate import load_report, release

    vault = ctx.open_vault()
    try:
        report = load_report(vault, ctx.args.release)
        manifest = release(vault, report, Path(ctx.args.out).expanduser())
    finally:
        vault.lock()
    ctx.emit(
        {"release": report.release_id, "manifest": str(manifest)},
        f"release {report.release_id} published; manifest {manifest}",
    )
    return 0


def _check_json(check: ManifestCheck) -> dict[str, Any]:
    return {
        "release": check.release_id,
        "signer": check.signer,
        "ok": check.ok,
        "files": [{"name": n, "sha256": s, "size": z} for n, s, z in check.files],
        "problems": list(check.problems),
    }


def _check_text(check: ManifestCheck) -> str:
    head = f"release {check.release_id} signed by {check.signer}: " + (
        f"all {len(check.files)} file(s) as released" if check.ok else "PROBLEMS"
    )
    return "\n".join([head, *(f"  {p}" for p in check.problems)])


def cmd_verify(ctx: Context) -> int:
    from fieldapp.review.gate import verify_release

    vkey = ctx.args.vkey.strip() if ctx.args.vkey else None
    check = verify_release(Path(ctx.args.folder).expanduser(), vkey)
    ctx.emit(_check_json(check), lambda: _check_text(check))
    return 0 if check.ok else 1


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add `hq release` and its actions."""
    rel = groups.hq.add_parser(
        "release", help="the public-release gate: check, approve, publish, verify"
    ).add_subparsers(dest="release_action", metavar="ACTION", required=True)
    p = add(rel, "check", cmd_check, "check staged files and store a pending release")
    p.add_argument("files", nargs="+", metavar="FILE", help="staged files (CSV, GeoJSON, photos)")
    p.add_argument("--policy", help="a JSON file with GatePolicy fields")
    p.add_argument("--decimals", type=int, help="coordinate decimals allowed (default 2)")
    p.add_argument("--grid", help="snap coordinates to this grid in degrees, e.g. 0.05")
    p.add_argument(
        "--no-coarsen", action="store_true", help="block finer coordinates instead of rounding"
    )
    p.add_argument("--threshold", type=int, help="small-cell threshold N (default 5)")
    p.add_argument("--public-fields", help="comma-separated columns/properties that may be public")
    p.add_argument("--names", help="extra names to search for, one per line")
    add(rel, "list", cmd_list, "releases, newest first")
    p = add(rel, "show", cmd_show, "a release's files and findings")
    p.add_argument("release", metavar="RELEASE_ID")
    p = add(
        rel, "approve", cmd_approve, "approve a release as a second user (asks their passphrase)"
    )
    p.add_argument("release", metavar="RELEASE_ID")
    p.add_argument("--approver", required=True, help="the approving user's key slot label")
    p = add(rel, "publish", cmd_publish, "write an approved release and its signed manifest")
    p.add_argument("release", metavar="RELEASE_ID")
    p.add_argument("--out", required=True, help="a new or empty folder")
    p = add(rel, "verify", cmd_verify, "check a published folder against its signed manifest")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--vkey", help="the publisher's verifier key (default: the one in DIR)")
