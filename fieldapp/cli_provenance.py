"""Command line for provenance (issue 5 §1): `hq provenance RECORD_ID`, `hq verify RECORD_ID`.

Both call `fieldapp.review.provenance`, as the GUI's Provenance dialog does. `verify` exits 1
when any check fails, so a script (or a court expert's checklist) can rely on the status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups


def cmd_hq_provenance(ctx: Context) -> int:
    from fieldapp.review.provenance import provenance_text, record_provenance

    vault = ctx.open_vault()
    try:
        found = record_provenance(vault, ctx.args.record_id)
    finally:
        vault.lock()
    ctx.emit(found.to_json(), lambda: provenance_text(found))
    return 0


def cmd_hq_verify(ctx: Context) -> int:
    from fieldapp.review.provenance import verify_record, verify_text

    vault = ctx.open_vault()
    try:
        result = verify_record(vault, ctx.args.record_id)
    finally:
        vault.lock()
    ctx.emit(result.to_json(), lambda: verify_text(result))
    return 0 if result.ok else 1


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add `hq provenance` and `hq verify`."""
    p = add(
        groups.hq,
        "provenance",
        cmd_hq_provenance,
        "where a record or evidence item came from: device, bundles, receipts, log entries",
    )
    p.add_argument("record_id", metavar="RECORD_ID", help="the record's or item's id")
    p = add(
        groups.hq,
        "verify",
        cmd_hq_verify,
        "recompute a record's hashes, log proofs and signatures (exit 1 if any check fails)",
    )
    p.add_argument("record_id", metavar="RECORD_ID", help="the record's or item's id")
