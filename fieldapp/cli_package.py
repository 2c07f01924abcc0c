"""CLI actions for HQ review (issue 5): `hq package`, the court-ready evidence package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from fieldapp.review.package import PackageResult


def _result_json(result: PackageResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "package_sha256": result.tagmanifest_sha256,
        "record_versions": result.record_versions,
        "withheld_versions": result.withheld_versions,
        "originals": result.originals,
        "payload_files": result.payload_files,
        "payload_bytes": result.payload_bytes,
        "devices": list(result.devices),
        "identities_included": result.identities_included,
    }


def _result_text(result: PackageResult) -> str:
    withheld = (
        "witness identities included (reason logged)"
        if result.identities_included
        else f"{result.withheld_versions} witness version(s) with identity withheld"
    )
    return "\n".join(
        [
            f"package written to {result.path}",
            f"  package hash (SHA-256 of tagmanifest-sha256.txt, logged): "
            f"{result.tagmanifest_sha256}",
            f"  {result.record_versions} record version(s), {result.originals} original(s), "
            f"{result.payload_files} payload files, {result.payload_bytes} bytes",
            f"  devices: {', '.join(result.devices) or 'none (HQ records only)'}; {withheld}",
            f"  check it: python3 {result.path / 'tools' / 'verify_package.py'} {result.path}",
        ]
    )


def cmd_hq_package(ctx: Context) -> int:
    """Write the evidence package of one incident (see `review.package.build_package`)."""
    from fieldapp.cli import UsageError
    from fieldapp.review.package import build_package, incident_id_for
    from fieldapp.ui.custody_pdf import write_custody_pdf

    a = ctx.args
    if a.reason and not a.include_identities:
        raise UsageError("--reason goes with --include-identities (it is why they are included)")
    vault = ctx.open_vault()
    try:
        incident_id = incident_id_for(vault, a.incident)
        result = build_package(
            vault,
            incident_id,
            Path(a.out).expanduser(),
            custody_writer=write_custody_pdf,
            include_identities=a.include_identities,
            reason=a.reason or "",
        )
    finally:
        vault.lock()
    ctx.emit(_result_json(result), lambda: _result_text(result))
    return 0


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the command groups."""
    p = add(
        groups.hq,
        "package",
        cmd_hq_package,
        "court-ready evidence package of one incident (BagIt, proofs, standalone verifier)",
    )
    p.add_argument("incident", metavar="INCIDENT", help="incident id or reference code")
    p.add_argument("--out", metavar="DIR", required=True, help="new (or empty) package folder")
    p.add_argument(
        "--include-identities",
        action="store_true",
        help="include witness identity fields (needs --reason; logged)",
    )
    p.add_argument("--reason", help="why identities are included (recorded in the audit log)")
