"""Enrolment: HQ's keys, a field device's request, HQ's certificate, and the field's pinning.

Why it works the way it does (SECURITY.md, BUNDLE.md):
- HQ's private keys (root, receipts, the age identities) live only inside HQ's encrypted
  vault, in `hq_keys` / `hq_identities`; nothing here prints or logs a secret. The escrow
  identity can be exported to a 0600 file for offline keeping and removed from the vault.
- The field trusts HQ on first use: the recipient list is signed by the root key it names,
  and people confirm the root fingerprint out of band (`--expect-hq` enforces it). After
  that the root is pinned: later lists and certificates must verify under it.
- HQ trusts a device only after people compare the device fingerprint; the request's own
  signature proves only that the device holds its key. Small-order keys are refused before
  any signature is checked (C13).
- Accepting an enrolment also adds an escrow slot to `vault.key` (the DEK sealed with age to
  HQ's escrow recipient), so a vault whose passphrases are all lost can be recovered with
  HQ's escrow identity (`Vault.recover`).

Everything a function changes happens in one `Vault.writing()` transaction with its audit
event, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.errors import (
    DamagedKeyfile,
    EnrollmentRefused,
    NoHqKeys,
    NotEnrolled,
    RecoveryError,
    SyncError,
)
from fieldapp.store import auditlog, keyfile, signednote
from fieldapp.store.device import device_code, fingerprint, public_bytes
from fieldapp.store.keyfile import EscrowSlot, KdfParams, KeyFile
from fieldapp.store.vault import Vault
from sync import age
from sync.age import HybridIdentity
from sync.statements import (
    DeviceCertificate,
    EnrollmentRequest,
    RecipientList,
    StatementError,
    accept_newer,
    note_hash,
    open_device_certificate,
    open_enrollment_request,
    open_recipient_list,
    open_self_signed_recipient_list,
    recipient_fingerprint,
)

HQ_ORIGIN_PREFIX = "fieldapp-hq/"
ROOT_SUFFIX = ".root"
RECEIPTS_SUFFIX = ".receipts"


class WrongRole(SyncError):
    """The action belongs to the other kind of vault (an HQ action on a field vault, ...)."""


@dataclass(frozen=True)
class HqKeys:
    """HQ's keys, unlocked from its vault: what signs certificates, lists and receipts."""

    origin: str
    root_name: str
    root: Ed25519PrivateKey
    receipt_name: str
    receipt: Ed25519PrivateKey
    identities: tuple[HybridIdentity, ...]
    recipients: RecipientList
    recipients_note: str


@dataclass(frozen=True)
class FieldEnrollment:
    """What a field vault pinned at enrolment, plus its current recipient list."""

    hq_origin: str
    root: signednote.Verifier
    receipt: signednote.Verifier
    certificate: DeviceCertificate
    certificate_note: str
    recipients: RecipientList
    recipients_note: str

    @property
    def root_fingerprint(self) -> str:
        """What people compare with HQ, out of band."""
        return fingerprint(self.root.public_key)


def hq_names(hq_device_id: str) -> tuple[str, str, str]:
    """(origin, root key name, receipt key name) of the HQ whose device id is given."""
    return (
        HQ_ORIGIN_PREFIX + hq_device_id,
        hq_device_id + ROOT_SUFFIX,
        hq_device_id + RECEIPTS_SUFFIX,
    )


def _time(vault: Vault) -> datetime:
    # Statements take a datetime in whole UTC seconds; vault.now() is the stored spelling.
    return datetime.strptime(vault.now(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _require_role(vault: Vault, role: str, action: str) -> None:
    if vault.device.role != role:
        raise WrongRole(
            f"{action} needs {'an HQ' if role == 'hq' else 'a field'} vault; "
            f"this is a {vault.device.role} vault."
        )


def _refused(what: str, exc: Exception) -> EnrollmentRefused:
    return EnrollmentRefused(f"The {what} is refused: {exc}")


# --- HQ: keys ---------------------------------------------------------------------------------


def create_hq_keys(vault: Vault) -> RecipientList:
    """Make HQ's root and receipt keys, its primary and escrow age identities, and list v1.

    Separate root and receipt keys: the receipt key signs every day at an online-ish import
    station, the root only at enrolment, so a leaked receipt key cannot enrol devices.
    """
    vault.forbid_review("create HQ keys")
    _require_role(vault, "hq", "Creating HQ keys")
    origin, root_name, receipt_name = hq_names(vault.device.device_id)
    root = Ed25519PrivateKey.generate()
    receipt = Ed25519PrivateKey.generate()
    primary = HybridIdentity.generate()
    escrow = HybridIdentity.generate()
    listing = RecipientList(
        origin=origin,
        version=1,
        primary=str(primary.recipient()),
        escrow=str(escrow.recipient()),
        root=signednote.vkey(root_name, public_bytes(root)),
        receipts=signednote.vkey(receipt_name, public_bytes(receipt)),
        issued=_time(vault),
    )
    note = listing.sign(root_name, root)
    at = vault.now()
    with vault.writing() as conn:
        if conn.execute("SELECT 1 FROM hq_keys").fetchone() is not None:
            raise EnrollmentRefused("This HQ vault already has its keys; nothing was changed.")
        conn.execute(
            "INSERT INTO hq_keys (one, origin, root_name, root_private, receipt_name, "
            "receipt_private, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
            (
                origin,
                root_name,
                root.private_bytes_raw(),
                receipt_name,
                receipt.private_bytes_raw(),
                at,
            ),
        )
        conn.executemany(
            "INSERT INTO hq_identities (purpose, recipient, identity, created_at) "
            "VALUES (?, ?, ?, ?)",
            [
                ("primary", listing.primary, str(primary), at),
                ("escrow", listing.escrow, str(escrow), at),
            ],
        )
        conn.execute(
            "INSERT INTO recipient_lists (version, note, at) VALUES (?, ?, ?)", (1, note, at)
        )
        vault.log_event(
            {
                "type": "hq_keys_created",
                "origin": origin,
                "root": listing.root,
                "receipts": listing.receipts,
                "recipients": list(listing.fingerprints()),
            },
            at,
        )
    return listing


def load_hq_keys(vault: Vault) -> HqKeys:
    """HQ's keys from its vault; the stored current list is re-verified under the root key."""
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT origin, root_name, root_private, receipt_name, receipt_private FROM hq_keys"
        ).fetchone()
        if row is None:
            raise NoHqKeys(
                "This vault has no HQ keys: it is not an HQ vault, or its keys were never made "
                "(`fieldapp init --role hq` makes them)."
            )
        listed = conn.execute(
            "SELECT note FROM recipient_lists ORDER BY version DESC LIMIT 1"
        ).fetchone()
        held = conn.execute(
            "SELECT recipient, identity FROM hq_identities WHERE identity IS NOT NULL "
            "ORDER BY n DESC"
        ).fetchall()
    origin, root_name, root_raw, receipt_name, receipt_raw = row
    root = Ed25519PrivateKey.from_private_bytes(bytes(root_raw))
    receipt = Ed25519PrivateKey.from_private_bytes(bytes(receipt_raw))
    if listed is None:
        raise NoHqKeys("This HQ vault has keys but no recipient list; it is damaged.")
    note = str(listed[0])
    try:
        listing = open_recipient_list(note, [signednote.verifier_for(root_name, root)])
    except StatementError as exc:
        raise NoHqKeys(f"HQ's stored recipient list does not verify: {exc}") from exc
    # The current primary first: exporters and importers try it before older identities.
    ordered = sorted(held, key=lambda r: r[0] != listing.primary)
    identities = tuple(HybridIdentity.parse(str(identity)) for _, identity in ordered)
    return HqKeys(
        origin=origin,
        root_name=root_name,
        root=root,
        receipt_name=receipt_name,
        receipt=receipt,
        identities=identities,
        recipients=listing,
        recipients_note=note,
    )


def rotate_recipients(hq_vault: Vault, *, escrow: bool = False) -> RecipientList:
    """Sign recipient list version n+1 with a new primary identity (and a new escrow one).

    Old identities stay in `hq_identities` (marked retired) so bundles made for them still
    open; field devices switch when they accept the new list (`accept_recipients`), and
    refuse the old one from then on.
    """
    hq_vault.forbid_review("rotate HQ's keys")
    _require_role(hq_vault, "hq", "Rotating HQ's keys")
    keys = load_hq_keys(hq_vault)
    old = keys.recipients
    primary = HybridIdentity.generate()
    new_escrow = HybridIdentity.generate() if escrow else None
    listing = RecipientList(
        origin=old.origin,
        version=old.version + 1,
        primary=str(primary.recipient()),
        escrow=str(new_escrow.recipient()) if new_escrow else old.escrow,
        root=old.root,
        receipts=old.receipts,
        issued=_time(hq_vault),
    )
    note = listing.sign(keys.root_name, keys.root)
    at = hq_vault.now()
    retired = [old.primary] + ([old.escrow] if new_escrow else [])
    with hq_vault.writing() as conn:
        conn.executemany(
            "UPDATE hq_identities SET retired_at = ? WHERE recipient = ? AND retired_at IS NULL",
            [(at, r) for r in retired],
        )
        added = [("primary", listing.primary, str(primary), at)]
        if new_escrow is not None:
            added.append(("escrow", listing.escrow, str(new_escrow), at))
        conn.executemany(
            "INSERT INTO hq_identities (purpose, recipient, identity, created_at) "
            "VALUES (?, ?, ?, ?)",
            added,
        )
        conn.execute(
            "INSERT INTO recipient_lists (version, note, at) VALUES (?, ?, ?)",
            (listing.version, note, at),
        )
        hq_vault.log_event(
            {
                "type": "recipients_rotated",
                "version": listing.version,
                "recipients": list(listing.fingerprints()),
            },
            at,
        )
    return listing


def root_fingerprint(listing: RecipientList) -> str:
    """The fingerprint people compare to confirm a list really comes from their HQ."""
    return fingerprint(listing.root_verifier().public_key)


def export_escrow_identity(vault: Vault, dest: Path, *, remove: bool = False) -> str:
    """Write HQ's escrow identity to a new 0600 file, optionally removing it from the vault.

    The escrow identity opens every bundle and recovers every enrolled vault, so it is meant to
    live offline (a safe, a smart card); removing it from the day-to-day HQ vault limits what a
    stolen HQ laptop gives away. The file is written and synced BEFORE the vault forgets the
    key, so a crash cannot lose it. Returns the escrow recipient's fingerprint.
    """
    vault.forbid_review("export the escrow identity")
    _require_role(vault, "hq", "Exporting the escrow identity")
    load_hq_keys(vault)  # a clear error on a vault without keys
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT n, recipient, identity FROM hq_identities WHERE purpose = 'escrow' "
            "AND identity IS NOT NULL ORDER BY n DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise EnrollmentRefused(
            "This HQ vault no longer holds an escrow identity (it was exported and removed)."
        )
    n, recipient, identity = row
    dest = Path(dest)
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise EnrollmentRefused(f"{dest} already exists; it was not overwritten.") from exc
    except OSError as exc:
        raise EnrollmentRefused(f"{dest} cannot be written: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(f"# fieldapp HQ escrow identity for {recipient_fingerprint(recipient)}\n")
            fh.write(str(identity) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise
    keyfile.fsync_dir(dest.parent)
    fp = recipient_fingerprint(recipient)
    with vault.writing() as conn:
        if remove:
            conn.execute("UPDATE hq_identities SET identity = NULL WHERE n = ?", (n,))
        vault.log_event({"type": "escrow_exported", "recipient": fp, "removed": remove})
    return fp


# --- field: request, acceptance, newer lists ----------------------------------------------------


def enrollment_request(vault: Vault) -> str:
    """This device's signed enrolment request (device id, key, analyst pseudonym, code)."""
    _require_role(vault, "field", "An enrolment request")
    device = vault.device
    request = EnrollmentRequest(
        origin=auditlog.origin(device.device_id),
        device=device.device_id,
        public_key=device.public_key,
        analyst=vault.user,
        code=device.code,
        requested=_time(vault),
    )
    note = request.sign(vault.signing_key)
    with vault.writing():
        vault.log_event({"type": "enrollment_requested", "request": note_hash(note)})
    return note


def read_request(request_text: str) -> EnrollmentRequest:
    """Verify and parse a request (self-signature, C13 key check) without changing anything.

    The CLI shows its fingerprint for the out-of-band comparison before `issue_certificate`.
    """
    try:
        return open_enrollment_request(request_text)
    except StatementError as exc:
        raise _refused("enrolment request", exc) from exc


def issue_certificate(hq_vault: Vault, request_text: str) -> tuple[DeviceCertificate, str]:
    """Certify the requesting device with HQ's root key and record it in `devices`.

    Call only after people compared the fingerprint. Asking again for a device already
    enrolled with the same key returns the stored certificate (idempotent); a device id that
    arrives with another key, or a revoked device, is refused.
    """
    hq_vault.forbid_review("enrol devices")
    _require_role(hq_vault, "hq", "Enrolling a device")
    keys = load_hq_keys(hq_vault)
    request = read_request(request_text)
    if request.device == hq_vault.device.device_id:
        raise EnrollmentRefused("The request comes from this HQ vault itself; HQ does not enrol.")
    certificate = DeviceCertificate(
        origin=keys.origin,
        device=request.device,
        public_key=request.public_key,
        analyst=request.analyst,
        code=request.code,
        recipients=keys.recipients.fingerprints(),
        issued=_time(hq_vault),
    )
    note = certificate.sign(keys.root_name, keys.root)
    with hq_vault.writing() as conn:
        row = conn.execute(
            "SELECT public_key, certificate, trusted_up_to FROM devices WHERE device_id = ?",
            (request.device,),
        ).fetchone()
        if row is not None:
            if bytes(row[0]) != request.public_key:
                raise EnrollmentRefused(
                    f"Device {request.device} is already enrolled with another key "
                    f"(code {device_code(bytes(row[0]))}); a device id never changes its key. "
                    "Nothing was changed."
                )
            if row[2] is not None:
                raise EnrollmentRefused(
                    f"Device {request.device} was revoked (trusted up to bundle {row[2]}); "
                    "it cannot be enrolled again. Nothing was changed."
                )
            stored = str(row[1])
            return _open_certificate(stored, keys), stored
        conn.execute(
            "INSERT INTO devices (device_id, public_key, analyst, code, certificate, "
            "enrolled_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                request.device,
                request.public_key,
                request.analyst,
                request.code,
                note,
                hq_vault.now(),
            ),
        )
        hq_vault.log_event(
            {
                "type": "device_enrolled",
                "device_id": request.device,
                "code": request.code,
                "analyst": request.analyst,
                "certificate": note_hash(note),
            }
        )
    return certificate, note


def _open_certificate(note: str, keys: HqKeys) -> DeviceCertificate:
    return open_device_certificate(note, [signednote.verifier_for(keys.root_name, keys.root)])


def _check_hq_names(listing: RecipientList) -> None:
    # The names are part of the contract: receipts are checked under "<hq id>.receipts".
    if not listing.origin.startswith(HQ_ORIGIN_PREFIX):
        raise EnrollmentRefused(
            f"The recipient list's origin {listing.origin!r:.80} is not an HQ origin "
            f"({HQ_ORIGIN_PREFIX}<id>)."
        )
    _, root_name, receipt_name = hq_names(listing.origin[len(HQ_ORIGIN_PREFIX) :])
    if listing.root_verifier().name != root_name:
        raise EnrollmentRefused(f"The recipient list's root key is not named {root_name}.")
    if listing.receipt_verifier().name != receipt_name:
        raise EnrollmentRefused(f"The recipient list's receipt key is not named {receipt_name}.")


def _same_fingerprint(expected: str, actual: str) -> bool:
    def norm(text: str) -> str:
        return "".join(text.split()).upper()

    return norm(expected) == norm(actual)


def accept_enrollment(
    field_vault: Vault,
    certificate_text: str,
    recipients_text: str,
    *,
    expect_hq: str | None = None,
) -> FieldEnrollment:
    """Pin HQ (root, receipt key, list) and this device's certificate; add the escrow slot.

    Both texts must verify under the root key the list names; the certificate must name this
    device and this key. `expect_hq`, a root fingerprint obtained out of band, turns trust on
    first use into a checked trust. Accepting the same enrolment again changes nothing; an
    enrolment with another HQ is refused (one device, one HQ).
    """
    _require_role(field_vault, "field", "Accepting an enrolment")
    try:
        listing = open_self_signed_recipient_list(recipients_text)
    except StatementError as exc:
        raise _refused("recipient list", exc) from exc
    _check_hq_names(listing)
    root = listing.root_verifier()
    actual = fingerprint(root.public_key)
    if expect_hq is not None and not _same_fingerprint(expect_hq, actual):
        raise EnrollmentRefused(
            f"The recipient list is signed by root key {actual}, not the expected HQ "
            f"{expect_hq.strip()}; nothing was accepted."
        )
    try:
        certificate = open_device_certificate(certificate_text, [root])
    except StatementError as exc:
        raise _refused("device certificate", exc) from exc
    device = field_vault.device
    if certificate.origin != listing.origin:
        raise EnrollmentRefused(
            f"The certificate comes from {certificate.origin}, the recipient list from "
            f"{listing.origin}; they must come from the same HQ."
        )
    if certificate.device != device.device_id:
        raise EnrollmentRefused(
            f"The certificate is for device {certificate.device}, not this device "
            f"({device.device_id})."
        )
    if certificate.public_key != device.public_key:
        raise EnrollmentRefused(
            f"The certificate names another key (code {certificate.code}) than this device's "
            f"({device.code})."
        )
    if certificate.trusted_up_to is not None:
        raise EnrollmentRefused(
            "The certificate is a revocation (trusted up to bundle "
            f"{certificate.trusted_up_to}); it cannot enrol this device."
        )
    current = field_enrollment(field_vault)
    if current is not None:
        if current.hq_origin != listing.origin or current.root.public_key != root.public_key:
            raise EnrollmentRefused(
                f"This device is already enrolled with {current.hq_origin} (root "
                f"{current.root_fingerprint}); it cannot enrol with {listing.origin} (root "
                f"{actual}). Nothing was changed."
            )
        if current.certificate_note == certificate_text and (
            listing.version <= current.recipients.version
        ):
            return current  # the same enrolment again: nothing to do
        raise EnrollmentRefused(
            f"This device is already enrolled with {listing.origin}; use `enroll recipients` "
            "for a newer recipient list. Nothing was changed."
        )
    escrow = _seal_escrow(field_vault, listing)
    at = field_vault.now()
    with field_vault.writing() as conn:
        conn.execute(
            "INSERT INTO enrollment (one, hq_origin, root_vkey, receipt_vkey, certificate, "
            "enrolled_at) VALUES (1, ?, ?, ?, ?, ?)",
            (listing.origin, listing.root, listing.receipts, certificate_text, at),
        )
        conn.execute(
            "INSERT INTO recipient_lists (version, note, at) VALUES (?, ?, ?)",
            (listing.version, recipients_text, at),
        )
        field_vault.log_event(
            {
                "type": "enrolled",
                "hq_origin": listing.origin,
                "root": listing.root,
                "certificate": note_hash(certificate_text),
                "recipients_version": listing.version,
                "escrow_slot": escrow.id,
            },
            at,
        )
        # Written inside the transaction, as Vault.add_slot does: if the key file cannot be
        # written, the enrolment rows and the audit event roll back with it.
        _write_escrow_slot(field_vault, escrow)
    return FieldEnrollment(
        hq_origin=listing.origin,
        root=root,
        receipt=listing.receipt_verifier(),
        certificate=certificate,
        certificate_note=certificate_text,
        recipients=listing,
        recipients_note=recipients_text,
    )


def accept_recipients(field_vault: Vault, recipients_text: str) -> RecipientList:
    """Replace the current recipient list by a strictly newer one signed by the pinned root.

    Older and equal versions are refused (replay of a list naming a retired key). A list
    naming another root is refused: changing the root means enrolling again. A new escrow
    recipient gets its own escrow slot, so recovery keeps working after HQ rotates it.
    """
    _require_role(field_vault, "field", "Accepting a recipient list")
    current = field_enrollment(field_vault)
    if current is None:
        raise NotEnrolled("This device is not enrolled with HQ yet; accept an enrolment first.")
    try:
        candidate = open_recipient_list(recipients_text, [current.root])
        accept_newer(current.recipients, candidate)
    except StatementError as exc:
        raise _refused("recipient list", exc) from exc
    if candidate.root != current.recipients.root:
        raise EnrollmentRefused(
            "The recipient list names another root key than the one pinned at enrolment; a "
            "new root needs a new enrolment."
        )
    _check_hq_names(candidate)
    escrow = None
    if candidate.escrow != current.recipients.escrow:
        escrow = _seal_escrow(field_vault, candidate)
    at = field_vault.now()
    with field_vault.writing() as conn:
        conn.execute(
            "INSERT INTO recipient_lists (version, note, at) VALUES (?, ?, ?)",
            (candidate.version, recipients_text, at),
        )
        conn.execute("UPDATE enrollment SET receipt_vkey = ?", (candidate.receipts,))
        field_vault.log_event(
            {
                "type": "recipients_accepted",
                "hq_origin": candidate.origin,
                "version": candidate.version,
                "recipients": list(candidate.fingerprints()),
            },
            at,
        )
        if escrow is not None:
            _write_escrow_slot(field_vault, escrow)
    return candidate


def field_enrollment(vault: Vault) -> FieldEnrollment | None:
    """The pinned enrolment, re-verified under the pinned root; None before enrolment."""
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT hq_origin, root_vkey, receipt_vkey, certificate FROM enrollment"
        ).fetchone()
        listed = conn.execute(
            "SELECT note FROM recipient_lists ORDER BY version DESC LIMIT 1"
        ).fetchone()
    if row is None:
        return None
    hq_origin, root_vkey, receipt_vkey, certificate_note = (str(v) for v in row)
    if listed is None:
        raise NotEnrolled("The enrolment has no recipient list; the vault is damaged.")
    try:
        root = signednote.parse_vkey(root_vkey)
        receipt = signednote.parse_vkey(receipt_vkey)
        certificate = open_device_certificate(certificate_note, [root])
        listing = open_recipient_list(str(listed[0]), [root])
    except (StatementError, signednote.NoteError) as exc:
        raise NotEnrolled(f"The stored enrolment does not verify: {exc}") from exc
    return FieldEnrollment(
        hq_origin=hq_origin,
        root=root,
        receipt=receipt,
        certificate=certificate,
        certificate_note=certificate_note,
        recipients=listing,
        recipients_note=str(listed[0]),
    )


# --- HQ: revocation -------------------------------------------------------------------------------


def revoke(hq_vault: Vault, device_id: str, after_seq: int) -> str:
    """Stop trusting a device's bundles after seq `after_seq`; returns the new certificate.

    Trust only ever narrows: a limit above an earlier one, or below a bundle HQ already
    imported from the device, is refused (that history is in the vault already).
    """
    hq_vault.forbid_review("revoke devices")
    _require_role(hq_vault, "hq", "Revoking a device")
    if isinstance(after_seq, bool) or not isinstance(after_seq, int) or after_seq < 0:
        raise EnrollmentRefused(f"--after-seq must be a whole number >= 0, not {after_seq!r}")
    keys = load_hq_keys(hq_vault)
    with hq_vault.reading() as conn:
        row = conn.execute(
            "SELECT device_id, certificate, trusted_up_to, last_seq FROM devices "
            "WHERE device_id = ? OR code = ?",
            (device_id, device_id.upper()),
        ).fetchall()
    if not row:
        raise EnrollmentRefused(f"No enrolled device {device_id!r}; nothing was revoked.")
    if len(row) > 1:
        raise EnrollmentRefused(f"{device_id!r} names more than one device; give the device id.")
    found, stored, limit, last_seq = row[0]
    if limit is not None and after_seq > int(limit):
        raise EnrollmentRefused(
            f"Device {found} is already trusted only up to bundle {limit}; trust cannot widen."
        )
    if after_seq < int(last_seq):
        raise EnrollmentRefused(
            f"HQ already imported bundle {last_seq} from device {found}; revoke after "
            f"{last_seq} or later."
        )
    old = _open_certificate(str(stored), keys)
    certificate = DeviceCertificate(
        origin=keys.origin,
        device=old.device,
        public_key=old.public_key,
        analyst=old.analyst,
        code=old.code,
        recipients=keys.recipients.fingerprints(),
        issued=_time(hq_vault),
        trusted_up_to=after_seq,
    )
    note = certificate.sign(keys.root_name, keys.root)
    with hq_vault.writing() as conn:
        conn.execute(
            "UPDATE devices SET certificate = ?, trusted_up_to = ? WHERE device_id = ?",
            (note, after_seq, found),
        )
        hq_vault.log_event(
            {
                "type": "device_revoked",
                "device_id": found,
                "after_seq": after_seq,
                "certificate": note_hash(note),
            }
        )
    return note


# --- escrow slot ----------------------------------------------------------------------------------


def _seal_escrow(vault: Vault, listing: RecipientList) -> EscrowSlot:
    slot_id = secrets.token_hex(16)
    vault_id = keyfile.read_keyfile(vault.path).vault_id
    # The Vault keeps its DEK private; this module is the store's own sync code and the only
    # other place that needs it (to seal it for HQ's escrow key).
    plaintext = keyfile.escrow_plaintext(vault_id, slot_id, vault._dek)
    sealed = io.BytesIO()
    age.encrypt(io.BytesIO(plaintext), sealed, [listing.escrow])
    return EscrowSlot(
        id=slot_id,
        label=listing.origin,
        recipient=recipient_fingerprint(listing.escrow),
        sealed=sealed.getvalue(),
    )


def _write_escrow_slot(vault: Vault, slot: EscrowSlot) -> None:
    kf = keyfile.read_keyfile(vault.path)
    keyfile.write_keyfile(vault.path, kf.with_escrow(slot))


def recover(
    path: Path,
    identity_text: str,
    new_passphrase: str,
    *,
    label: str | None = None,
    kdf: KdfParams = KdfParams.DEFAULT,
) -> Vault:
    """Recover a field vault whose passphrases are lost, with HQ's escrow identity.

    See `Vault.recover`: the escrow slot is opened here (it needs age), the rest is the store's.
    """
    return Vault.recover(
        path,
        lambda kf: open_escrow(kf, identity_text),
        new_passphrase,
        label=label,
        kdf=kdf,
    )


def open_escrow(kf: KeyFile, identity_text: str) -> tuple[bytearray, EscrowSlot]:
    """The DEK of a vault from its escrow slot and HQ's escrow identity (for `Vault.recover`).

    The identity is matched to a slot by recipient fingerprint, so a wrong identity gets a
    message naming both instead of a generic decryption failure.
    """
    lines = [
        line.strip()
        for line in identity_text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if len(lines) != 1:
        raise RecoveryError(
            "The escrow identity file must hold exactly one AGE-SECRET-KEY-PQ-1… line."
        )
    try:
        identity = HybridIdentity.parse(lines[0])
    except (age.AgeError, ValueError) as exc:
        raise RecoveryError(f"The escrow identity is not a valid age identity: {exc}") from exc
    fp = recipient_fingerprint(str(identity.recipient()))
    if not kf.escrow:
        raise RecoveryError(
            "This vault has no escrow slot (it was never enrolled with HQ); it cannot be "
            "recovered with an escrow identity."
        )
    for slot in kf.escrow:
        if slot.recipient == fp:
            try:
                plaintext = age.decrypt_bytes(slot.sealed, [identity])
            except age.AgeError as exc:
                raise DamagedKeyfile(
                    f"vault.key is damaged: its escrow slot does not open ({exc})"
                ) from exc
            return keyfile.escrow_dek(kf.vault_id, slot, plaintext), slot
    needed = ", ".join(slot.recipient for slot in kf.escrow)
    raise RecoveryError(
        f"This escrow identity ({fp}) opens none of this vault's escrow slots (they need {needed})."
    )
