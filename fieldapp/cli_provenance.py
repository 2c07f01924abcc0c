"""Command line for provenance (issue 5 §1): `hq provenance RECORD_ID`, `hq verify RECORD_ID`.

Both call `fieldapp.review.provenance`, as the GUI's Provenance dialog does. `verify` exits 1
when any check fails, so a script (or a court expert's checklist) can rely on the status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups


def _record_id(vault: Any, key: str) -> str:
    """A record id from what people quote: an id, a reference code, or a witness code."""
    from fieldapp.cli import _resolve_incident

    key = key.strip()
    if len(key) == 32 and all(c in "0123456789abcdef" for c in key):
        return key
    if key.upper().startswith("W-"):
        return str(vault.find_witness(key))
    return _resolve_incident(vault, key)


def cmd_hq_provenance(ctx: Context) -> int:
    from fieldapp.review.provenance import provenance_text, record_provenance

    vault = ctx.open_vault()
    try:
        found = record_provenance(vault, _record_id(vault, ctx.args.record_id))
    finally:
        vault.lock()
    ctx.emit(found.to_json(), lambda: provenance_text(found))
    return 0


def cmd_hq_verify(ctx: Context) -> int:
    from fieldapp.review.provenance import verify_record, verify_text

    vault = ctx.open_vault()
    try:
        result = verify_record(vault, _record_id(vault, ctx.args.record_id))
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
    p.add_argument(
        "record_id",
        metavar="RECORD",
        help="an id, an incident's reference code or a witness code (W-…)",
    )
    p = add(
        groups.hq,
        "verify",
        cmd_hq_verify,
        "recompute a record's hashes, log proofs and signatures (exit 1 if any check fails)",
    )
    p.add_argument(
        "record_id",
        metavar="RECORD",
        help="an id, an incident's reference code or a witness code (W-…)",
    )
