"""Command line, the HQ side of sync: `hq import`, `hq devices`, `hq inbox`, `bundle verify`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp import errors

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups
    from sync.hqimport import DeviceState, ImportReport, InboxRow, VerifyReport

MAX_KEY_FILE = 1024 * 1024  # an identity file or a certificate is a few kilobytes


class HqUsageError(errors.SyncError):
    """A file named on the command line cannot be read as what it should be."""


def _read_small(path_text: str, what: str) -> str:
    path = Path(path_text).expanduser()
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise HqUsageError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_KEY_FILE:
        raise HqUsageError(f"{path} is far too large to be a {what}; it was not read")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HqUsageError(f"{path} is not UTF-8 text, so not a {what}") from None


def _identities(path_text: str) -> list[str]:
    """Identity lines of an age identity file (`#` comments and blank lines skipped)."""
    from sync import age

    lines = [
        line.strip()
        for line in _read_small(path_text, "identity file").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if not lines:
        raise HqUsageError(f"{path_text} holds no age identity")
    for number, line in enumerate(lines, 1):
        try:
            age.parse_identity(line)
        except errors.FieldappError as exc:
            raise HqUsageError(f"{path_text}: identity {number} is not valid: {exc}") from None
    return lines


def _report_json(report: ImportReport) -> dict[str, Any]:
    return {
        "status": report.status,
        "file": report.file_name,
        "sha256": report.sha256,
        "size": report.size,
        "device_id": report.device_id or None,
        "device_code": report.device_code or None,
        "seq": report.seq,
        "versions": report.versions,
        "skipped": report.skipped,
        "log_entries": report.log_entries,
        "blobs": report.blobs,
        "covered": list(report.covered),
        "missing": list(report.missing) if report.missing else None,
        "reason": report.reason,
        "receipt": str(report.receipt_path) if report.receipt_path else None,
        "warnings": list(report.warnings),
        "retried": [_report_json(r) for r in report.retried],
    }


def _report_text(report: ImportReport) -> str:
    lines = [report.summary()]
    lines += [f"  warning: {w}" for w in report.warnings]
    if report.receipt_path is not None:
        lines.append(f"  receipt: {report.receipt_path}")
    for retried in report.retried:
        lines.append(f"  then held bundle: {retried.summary()}")
    return "\n".join(lines)


def cmd_hq_import(ctx: Context) -> int:
    """Import every file given, in order; one refused file does not stop the others."""
    from sync.hqimport import ReceiveError, import_bundle
    from sync.quarantine import QuarantineError

    receipts = Path(ctx.args.receipts).expanduser() if ctx.args.receipts else None
    vault = ctx.open_vault()
    results: list[dict[str, Any]] = []
    texts: list[str] = []
    failed = False
    try:
        for name in ctx.args.files:
            try:
                report = import_bundle(vault, Path(name), receipts_dir=receipts)
            except (ReceiveError, QuarantineError) as exc:
                failed = True
                results.append({"status": "not received", "file": name, "reason": str(exc)})
                texts.append(f"{name}: not received: {exc}")
                continue
            failed = failed or report.status == "rejected"
            results.append(_report_json(report))
            texts.append(_report_text(report))
    finally:
        vault.lock()
    ctx.emit({"imports": results}, "\n".join(texts))
    return 1 if failed else 0


def _device_json(d: DeviceState) -> dict[str, Any]:
    return {
        "device_id": d.device_id,
        "code": d.code,
        "analyst": d.analyst,
        "enrolled_at": d.enrolled_at,
        "last_seq": d.last_seq,
        "last_receipt_at": d.last_receipt_at,
        "held_seqs": list(d.held_seqs),
        "missing": list(d.missing) if d.missing else None,
        "trusted_up_to": d.trusted_up_to,
        "frozen_at": d.frozen_at,
        "frozen_reason": d.frozen_reason,
    }


def _device_text(d: DeviceState) -> str:
    state = f"seq {d.last_seq}" + (
        f", last receipt {d.last_receipt_at}" if d.last_receipt_at else ""
    )
    if d.held_seqs:
        held = ", ".join(str(s) for s in d.held_seqs[:10])
        state += f"; held: {held}"
    if d.missing:
        lo, hi = d.missing
        state += f"; missing: seq {lo}" + (f"-{hi}" if hi != lo else "")
    if d.trusted_up_to is not None:
        state += f"; REVOKED after seq {d.trusted_up_to}"
    if d.frozen_at:
        state += f"; FROZEN {d.frozen_at}: {d.frozen_reason}"
    return f"{d.code}  {d.analyst:<24} {state}"


def cmd_hq_devices(ctx: Context) -> int:
    from sync.hqimport import devices

    vault = ctx.open_vault()
    try:
        rows = devices(vault)
    finally:
        vault.lock()
    ctx.emit(
        {"devices": [_device_json(d) for d in rows]},
        "\n".join(_device_text(d) for d in rows) or "no device is enrolled",
    )
    return 0


def _inbox_json(r: InboxRow) -> dict[str, Any]:
    return {
        "sha256": r.sha256,
        "size": r.size,
        "file": r.file_name,
        "received_at": r.received_at,
        "operator": r.operator,
        "status": r.status,
        "device_id": r.device_id,
        "seq": r.seq,
        "report": r.report,
        "updated_at": r.updated_at,
    }


def cmd_hq_inbox(ctx: Context) -> int:
    from sync.hqimport import inbox

    vault = ctx.open_vault()
    try:
        rows = inbox(vault)
    finally:
        vault.lock()
    text = "\n".join(
        f"{r.received_at}  {r.status:<9} {r.sha256[:16]}  {r.file_name}  {r.report}" for r in rows
    )
    ctx.emit({"inbox": [_inbox_json(r) for r in rows]}, text or "the inbox is empty")
    return 0


def _verify_json(r: VerifyReport) -> dict[str, Any]:
    return {
        "ok": True,
        "device_id": r.device_id,
        "analyst": r.analyst,
        "code": r.code,
        "seq": r.seq,
        "prev": r.prev,
        "ack": r.ack,
        "to": list(r.to),
        "note_hash": r.note_hash,
        "log_size": r.log_size,
        "log_start": r.log_start,
        "log_checked": r.log_checked,
        "certificate_checked": r.certificate_checked,
        "versions": r.versions,
        "evidence": r.evidence,
        "chain": list(r.chain),
        "notes": list(r.notes),
    }


def _verify_text(r: VerifyReport) -> str:
    lines = [
        f"bundle OK: device {r.code} ({r.analyst}), seq {r.seq}, acknowledges up to {r.ack}",
        f"  signed note: {r.note_hash}",
        f"  {r.versions} record version(s), {r.evidence} original(s), every hash recomputed",
        "  log: "
        + (
            f"{r.log_size} entries, root equals the signed checkpoint"
            if r.log_checked
            else f"entries {r.log_start}-{r.log_size - 1}, checkpoint signature verified"
        ),
        "  certificate: "
        + (
            "signed by the given HQ root" if r.certificate_checked else "NOT checked (no --hq-root)"
        ),
    ]
    if r.chain:
        lines.append(f"  carries the notes of earlier seq {r.chain[0]}-{r.chain[-1]}")
    lines += [f"  note: {n}" for n in r.notes]
    return "\n".join(lines)


def cmd_bundle_verify(ctx: Context) -> int:
    """Check a bundle without any vault (auditors, experts): see `hqimport.verify_bundle`."""
    from fieldapp.store.signednote import NoteError, parse_vkey
    from sync.hqimport import verify_bundle

    a = ctx.args
    identities = _identities(a.identity)
    certificate = _read_small(a.certificate, "device certificate")
    root = None
    if a.hq_root:
        text = a.hq_root
        if Path(text).expanduser().is_file():
            text = _read_small(text, "HQ root key").strip()
        try:
            root = parse_vkey(text)
        except NoteError as exc:
            raise HqUsageError(f"--hq-root is not a verifier key: {exc}") from None
    report = verify_bundle(Path(a.file), identities, certificate, root)
    ctx.emit(_verify_json(report), lambda: _verify_text(report))
    return 0


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the sync command groups."""
    p = add(groups.hq, "import", cmd_hq_import, "import field bundles (inbox, checks, receipts)")
    p.add_argument("files", nargs="+", metavar="FILE", help=".chmb bundle files")
    p.add_argument("--receipts", metavar="DIR", help="where receipts go (default: <vault>/outbox)")
    add(groups.hq, "devices", cmd_hq_devices, "enrolled devices: last seq, held, missing, frozen")
    add(groups.hq, "inbox", cmd_hq_inbox, "every bundle file received and what became of it")
    p = add(groups.bundle, "verify", cmd_bundle_verify, "check a bundle without a vault")
    p.add_argument("file", metavar="FILE", help="the .chmb bundle")
    p.add_argument("--identity", metavar="KEYFILE", required=True, help="an age identity file")
    p.add_argument(
        "--certificate", metavar="CERT", required=True, help="the device certificate file"
    )
    p.add_argument("--hq-root", metavar="VKEY", help="HQ's root verifier key (or a file)")
