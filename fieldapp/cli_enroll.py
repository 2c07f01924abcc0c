"""Command line, enrolment and HQ keys: `hq keys ...`, `hq enroll`, `hq revoke`, `enroll ...`.

Signed notes go to a file (`--out`) or to standard output, so they can be piped; what people
must read (fingerprints, codes) goes with them in the text output, or to standard error when
standard output carries the note itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp import errors

if TYPE_CHECKING:
    from fieldapp.cli import AddCommand, Context, SyncGroups

MAX_NOTE_FILE = 64 * 1024  # a certificate or list is ~3 KiB; anything far larger is not one


def _usage(message: str) -> errors.FieldappError:
    from fieldapp.cli import UsageError

    return UsageError(message)


def _read_text(path_text: str, what: str) -> str:
    path = Path(path_text).expanduser()
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_NOTE_FILE + 1)
    except OSError as exc:
        raise _usage(f"cannot read the {what} {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_NOTE_FILE:
        raise errors.EnrollmentRefused(f"{path} is far too large to be a {what}; it was not read.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.EnrollmentRefused(f"{path} is not UTF-8 text, so not a {what}.") from exc


def _write_new(path_text: str, text: str) -> Path:
    """Write a new file (never over an existing one), synced before we report success."""
    path = Path(path_text).expanduser()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise _usage(f"{path} already exists; choose another --out file") from exc
    except OSError as exc:
        raise _usage(f"cannot write {path}: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def _deliver(ctx: Context, note: str, out: str | None, data: dict[str, Any], text: str) -> None:
    """The note to --out (and the text to stdout), or the note to stdout (and the text to
    stderr); with --json the note is a field of the JSON object."""
    if out is not None:
        data["file"] = str(_write_new(out, note))
        ctx.emit(data, f"{text}\nwritten to {data['file']}")
    elif ctx.json:
        ctx.emit({**data, "note": note}, "")
    else:
        ctx.out.write(note)
        ctx.err.write(text.rstrip("\n") + "\n")


def _confirm(ctx: Context, question: str) -> bool:
    if getattr(ctx.args, "yes", False):
        return True
    if not sys.stdin.isatty():
        raise _usage(
            "the fingerprint must be compared with the analyst before HQ certifies a device; "
            "confirm with --yes when not at a terminal"
        )
    ctx.err.write(question + " [y/N] ")
    ctx.err.flush()
    return input().strip().lower() in {"y", "yes"}


# --- HQ ---------------------------------------------------------------------------------------


def cmd_hq_keys_export(ctx: Context) -> int:
    from sync import enrollment

    vault = ctx.open_vault()
    try:
        vault.forbid_review("export HQ's recipient list")
        keys = enrollment.load_hq_keys(vault)
    finally:
        vault.lock()
    fp = enrollment.root_fingerprint(keys.recipients)
    data = {
        "hq_origin": keys.origin,
        "version": keys.recipients.version,
        "root_fingerprint": fp,
        "recipients": list(keys.recipients.fingerprints()),
    }
    text = (
        f"recipient list version {keys.recipients.version} of {keys.origin}\n"
        f"HQ root fingerprint {fp}\n"
        "give this file to each field device with its certificate; tell the analyst the "
        "root fingerprint by another channel"
    )
    _deliver(ctx, keys.recipients_note, ctx.args.out, data, text)
    return 0


def cmd_hq_keys_rotate(ctx: Context) -> int:
    from sync import enrollment

    vault = ctx.open_vault()
    try:
        listing = enrollment.rotate_recipients(vault, escrow=ctx.args.escrow)
    finally:
        vault.lock()
    ctx.emit(
        {"version": listing.version, "recipients": list(listing.fingerprints())},
        f"recipient list version {listing.version} signed; export it (`hq keys export`) and "
        "give it to every field device (`enroll recipients`)",
    )
    return 0


def cmd_hq_keys_escrow(ctx: Context) -> int:
    from sync import enrollment

    vault = ctx.open_vault()
    try:
        fp = enrollment.export_escrow_identity(
            vault, Path(ctx.args.out).expanduser(), remove=ctx.args.remove
        )
    finally:
        vault.lock()
    removed = " and removed from this vault" if ctx.args.remove else ""
    ctx.emit(
        {"file": ctx.args.out, "recipient": fp, "removed": bool(ctx.args.remove)},
        f"escrow identity {fp} written to {ctx.args.out} (mode 0600){removed}; keep it "
        "offline: it opens every bundle and recovers every enrolled vault",
    )
    return 0


def cmd_hq_enroll(ctx: Context) -> int:
    from fieldapp.store.device import fingerprint
    from sync import enrollment

    text = _read_text(ctx.args.request, "enrolment request")
    request = enrollment.read_request(text)
    shown = fingerprint(request.public_key)
    vault = ctx.open_vault()
    try:
        if not ctx.json:
            ctx.err.write(
                f"device      {request.device}\n"
                f"analyst     {request.analyst}\n"
                f"device code {request.code}\n"
                f"fingerprint {shown}\n"
                "Compare the code and fingerprint with the analyst's device (Device… or "
                "`fieldapp device show`) by voice or in person, not through the channel that "
                "brought this request.\n"
            )
        if not _confirm(ctx, "Do the code and fingerprint match?"):
            ctx.emit({"enrolled": False}, "not enrolled: the fingerprint was not confirmed")
            return 1
        certificate, note = enrollment.issue_certificate(vault, text)
    finally:
        vault.lock()
    data = {
        "device_id": certificate.device,
        "code": certificate.code,
        "analyst": certificate.analyst,
        "fingerprint": shown,
    }
    _deliver(
        ctx,
        note,
        ctx.args.out,
        data,
        f"certificate for device {certificate.device} ({certificate.code}, {certificate.analyst})",
    )
    return 0


def cmd_hq_revoke(ctx: Context) -> int:
    from sync import enrollment
    from sync.statements import open_device_certificate

    vault = ctx.open_vault()
    try:
        note = enrollment.revoke(vault, ctx.args.device, ctx.args.after_seq)
        keys = enrollment.load_hq_keys(vault)
    finally:
        vault.lock()
    certificate = open_device_certificate(note, [keys.recipients.root_verifier()])
    ctx.emit(
        {
            "device_id": certificate.device,
            "trusted_up_to": certificate.trusted_up_to,
            "certificate": note,
        },
        f"device {certificate.device} ({certificate.code}) is now trusted only up to bundle "
        f"{certificate.trusted_up_to}",
    )
    return 0


# --- field ------------------------------------------------------------------------------------


def cmd_enroll_request(ctx: Context) -> int:
    from sync import enrollment

    vault = ctx.open_vault()
    try:
        note = enrollment.enrollment_request(vault)
        device = vault.device
    finally:
        vault.lock()
    data = {
        "device_id": device.device_id,
        "code": device.code,
        "fingerprint": device.fingerprint,
    }
    text = (
        f"enrolment request of device {device.device_id}\n"
        f"device code {device.code}\nfingerprint {device.fingerprint}\n"
        "HQ will read this code and fingerprint back to you: compare them before HQ certifies"
    )
    _deliver(ctx, note, ctx.args.out, data, text)
    return 0


def _enrollment_json(pinned: Any) -> dict[str, Any]:
    return {
        "enrolled": True,
        "hq_origin": pinned.hq_origin,
        "root_fingerprint": pinned.root_fingerprint,
        "certificate_issued": pinned.certificate.issued.isoformat().replace("+00:00", "Z"),
        "recipients_version": pinned.recipients.version,
        "recipients": list(pinned.recipients.fingerprints()),
    }


def cmd_enroll_accept(ctx: Context) -> int:
    from sync import enrollment

    certificate = _read_text(ctx.args.certificate, "device certificate")
    recipients = _read_text(ctx.args.recipients, "recipient list")
    vault = ctx.open_vault()
    try:
        pinned = enrollment.accept_enrollment(
            vault, certificate, recipients, expect_hq=ctx.args.expect_hq
        )
    finally:
        vault.lock()
    checked = (
        "matches the --expect-hq fingerprint"
        if ctx.args.expect_hq
        else "compare it with the fingerprint HQ gave you by another channel"
    )
    ctx.emit(
        _enrollment_json(pinned),
        f"enrolled with {pinned.hq_origin}\nHQ root fingerprint {pinned.root_fingerprint} "
        f"({checked})\nrecipient list version {pinned.recipients.version}; escrow recovery "
        "slot added to vault.key",
    )
    return 0


def cmd_enroll_status(ctx: Context) -> int:
    from sync import enrollment

    vault = ctx.open_vault()
    try:
        pinned = enrollment.field_enrollment(vault)
    finally:
        vault.lock()
    if pinned is None:
        ctx.emit({"enrolled": False}, "not enrolled with HQ")
        return 0
    ctx.emit(
        _enrollment_json(pinned),
        f"enrolled with {pinned.hq_origin}\nHQ root fingerprint {pinned.root_fingerprint}\n"
        f"certificate issued {_enrollment_json(pinned)['certificate_issued']}\n"
        f"recipient list version {pinned.recipients.version}",
    )
    return 0


def cmd_enroll_recipients(ctx: Context) -> int:
    from sync import enrollment

    text = _read_text(ctx.args.file, "recipient list")
    vault = ctx.open_vault()
    try:
        listing = enrollment.accept_recipients(vault, text)
    finally:
        vault.lock()
    ctx.emit(
        {"version": listing.version, "recipients": list(listing.fingerprints())},
        f"recipient list version {listing.version} accepted",
    )
    return 0


def cmd_enroll_recover(ctx: Context) -> int:
    from fieldapp.cli import NEW_PASSPHRASE_ENV
    from sync import enrollment

    identity = _read_text(ctx.args.identity, "escrow identity")
    vault = enrollment.recover(
        ctx.vault_path,
        identity,
        ctx.new_passphrase(NEW_PASSPHRASE_ENV),
        label=ctx.args.label,
        kdf=ctx.kdf(),
    )
    try:
        user = vault.user
    finally:
        vault.lock()
    ctx.emit(
        {"recovered": True, "user": user},
        f"vault recovered with HQ's escrow identity; {user} has a new passphrase",
    )
    return 0


def register(groups: SyncGroups, add: AddCommand) -> None:
    """Add this module's actions to the sync command groups."""
    from fieldapp.cli import NEW_PASSPHRASE_ENV

    keys = groups.hq.add_parser("keys", help="HQ's keys: recipient list, escrow identity")
    keys_sub = keys.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    p = add(keys_sub, "export", cmd_hq_keys_export, "the signed recipient list for the field")
    p.add_argument("--out", metavar="FILE", help="write it to a new file (default: stdout)")
    p = add(keys_sub, "rotate", cmd_hq_keys_rotate, "sign a newer list with a new primary key")
    p.add_argument("--escrow", action="store_true", help="replace the escrow key too")
    p = add(keys_sub, "escrow", cmd_hq_keys_escrow, "write the escrow identity for offline keeping")
    p.add_argument("--out", metavar="FILE", required=True, help="new file (mode 0600)")
    p.add_argument("--remove", action="store_true", help="then delete it from this vault")

    p = add(groups.hq, "enroll", cmd_hq_enroll, "certify a device after comparing fingerprints")
    p.add_argument("request", metavar="REQUEST", help="the device's enrolment request file")
    p.add_argument("--out", metavar="FILE", help="write the certificate to a new file")
    p.add_argument("--yes", action="store_true", help="the fingerprint was already compared")
    p = add(groups.hq, "revoke", cmd_hq_revoke, "trust a device's bundles only up to a seq")
    p.add_argument("device", metavar="DEVICE", help="device id or device code")
    p.add_argument("--after-seq", type=int, required=True, metavar="N", help="last trusted seq")

    p = add(groups.enroll, "request", cmd_enroll_request, "this device's signed request for HQ")
    p.add_argument("--out", metavar="FILE", help="write it to a new file (default: stdout)")
    p = add(groups.enroll, "accept", cmd_enroll_accept, "accept HQ's certificate and list")
    p.add_argument("certificate", metavar="CERT", help="the device certificate file")
    p.add_argument("recipients", metavar="RECIPIENTS", help="HQ's recipient list file")
    p.add_argument("--expect-hq", metavar="FINGERPRINT", help="refuse unless the root matches")
    add(groups.enroll, "status", cmd_enroll_status, "the HQ this device is enrolled with")
    p = add(groups.enroll, "recipients", cmd_enroll_recipients, "accept a newer recipient list")
    p.add_argument("file", metavar="FILE", help="HQ's newer recipient list")
    p = add(
        groups.enroll,
        "recover",
        cmd_enroll_recover,
        f"new passphrase via HQ's escrow identity (from ${NEW_PASSPHRASE_ENV} or asked)",
    )
    p.add_argument("--identity", metavar="FILE", required=True, help="HQ's escrow identity file")
    p.add_argument("--label", metavar="NAME", help="whose slot to replace (default: the first)")
