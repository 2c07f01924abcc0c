"""Command line, the field side of sync: `bundle export`, `bundle status`, `receipt import`,
`receipt purge`.

The work is `sync.fieldsync` (the GUI calls the same functions); this module only
reads files, prints, and locks the vault again on the way out.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from sync.fieldsync import PurgeResult

MAX_RECEIPT_FILE = 64 * 1024  # a receipt is well under 1 KiB; a large file is not one


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024 / 1024:.1f} MiB"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def cmd_bundle_export(ctx: Context) -> int:
    from sync import fieldsync

    out = Path(ctx.args.out).expanduser() if ctx.args.out else Path.cwd()
    vault = ctx.open_vault()
    try:
        result = fieldsync.export_bundle(vault, out)
    finally:
        vault.lock()
    data = {**asdict(result), "path": str(result.path)}
    text = (
        f"bundle {result.seq} written to {result.path} ({_size(result.size)}): "
        f"{_plural(result.records, 'record version')}, "
        f"{_plural(result.log_entries, 'audit-log entry', 'audit-log entries')}, "
        f"{_plural(result.blobs, 'evidence original')}"
        + (
            f", and the signed notes of {_plural(result.chain, 'earlier bundle')} "
            "HQ has not acknowledged"
            if result.chain
            else ""
        )
        + f"\nbundle hash {result.note_hash}"
    )
    ctx.emit(data, text)
    return 0


def cmd_bundle_status(ctx: Context) -> int:
    from sync import fieldsync

    vault = ctx.open_vault()
    try:
        status = fieldsync.sync_status(vault)
    finally:
        vault.lock()
    data = {**asdict(status), "unacknowledged": list(status.unacknowledged)}

    def text() -> str:
        if not status.enrolled:
            head = "not enrolled with HQ: run `fieldapp enroll request` first"
        else:
            head = f"enrolled with {status.hq_origin}"
        sent = (
            f"last bundle: {status.last_seq} ({status.last_export_at})"
            if status.last_seq
            else "no bundle exported yet"
        )
        receipt = (
            f"last receipt: bundle {status.last_receipt_seq} (imported {status.last_receipt_at})"
            if status.last_receipt_seq
            else "no receipt from HQ yet"
        )
        waiting = (
            "bundles waiting for a receipt: " + ", ".join(str(s) for s in status.unacknowledged)
            if status.unacknowledged
            else "no bundle is waiting for a receipt"
        )
        pending = (
            "not yet acknowledged by HQ (the next bundle carries it): "
            f"{_plural(status.pending_records, 'record version')}, "
            f"{_plural(status.pending_log_entries, 'audit-log entry', 'audit-log entries')}, "
            f"{_plural(status.pending_blobs, 'evidence original')}"
        )
        purged = (
            f"evidence originals acknowledged by HQ: {status.acknowledged_blobs} "
            f"({status.purged_blobs} purged from this device); witness versions whose "
            f"identity could be purged: {status.purgeable_identities}"
        )
        lines = [head, f"device {status.device_id}", sent, receipt, waiting, pending, purged]
        return "\n".join(lines)

    ctx.emit(data, text)
    return 0


def _read_receipt(path_text: str) -> str:
    from fieldapp.cli import UsageError
    from sync.fieldsync import ReceiptRefused

    path = Path(path_text).expanduser()
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_RECEIPT_FILE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the receipt {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_RECEIPT_FILE:
        raise ReceiptRefused(f"{path} is far too large to be a receipt; nothing was changed.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReceiptRefused(f"{path} is not UTF-8 text, so not a receipt.") from exc


def _purge_text(result: PurgeResult) -> str:
    if not result.blobs and not result.identities:
        return (
            "nothing to purge: no acknowledged evidence original or witness identity is left "
            "on this device"
        )
    return (
        f"purged {_plural(result.blobs, 'acknowledged evidence original')} "
        f"({_size(result.bytes)}), {_plural(result.thumbnails, 'thumbnail')} and the names, "
        f"contacts and communities in {_plural(result.identities, 'witness version')}; "
        "HQ holds them"
    )


def cmd_receipt_import(ctx: Context) -> int:
    from sync import receipt_policy

    text = _read_receipt(ctx.args.file)
    vault = ctx.open_vault()
    try:
        # The vault's purge-after-receipt policy (issue 6) purges even without --purge.
        outcome = receipt_policy.import_receipt(vault, text, purge=ctx.args.purge)
    finally:
        vault.lock()
    result, purge = outcome.receipt, outcome.purge
    data: dict[str, Any] = {
        **asdict(result),
        "purge": None if purge is None else asdict(purge),
        "purge_by_policy": outcome.by_policy,
    }
    if result.duplicate:
        lines = [f"receipt for bundle {result.seq} was already imported; nothing changed"]
    else:
        lines = [
            f"HQ ({result.hq}) acknowledged bundle {result.seq} at {result.time}: everything up "
            f"to it is acknowledged ({_plural(result.blobs_acknowledged, 'evidence original')} "
            "newly acknowledged)"
        ]
    if purge is not None:
        lines.append(_purge_text(purge))
        if outcome.by_policy:
            lines.append("(purged because this vault's purge-after-receipt policy is on)")
    ctx.emit(data, "\n".join(lines))
    return 0


def cmd_receipt_purge(ctx: Context) -> int:
    from sync import fieldsync

    vault = ctx.open_vault()
    try:
        result = fieldsync.purge_acknowledged(vault)
    finally:
        vault.lock()
    ctx.emit(asdict(result), _purge_text(result))
    return 0


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the sync command groups."""
    p = add(groups.bundle, "export", cmd_bundle_export, "write a bundle of all not acknowledged")
    p.add_argument("--out", metavar="DIR", help="folder to write it in (default: current)")
    add(groups.bundle, "status", cmd_bundle_status, "last bundle, last receipt, what is pending")
    p = add(groups.receipt, "import", cmd_receipt_import, "mark HQ-acknowledged material")
    p.add_argument("file", metavar="FILE", help="HQ's receipt file (.chmr)")
    p.add_argument(
        "--purge",
        action="store_true",
        help="then delete acknowledged evidence originals from this device (logged)",
    )
    add(groups.receipt, "purge", cmd_receipt_purge, "delete acknowledged originals (logged)")
