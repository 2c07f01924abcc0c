"""The signed statements of sync, as pure text formats over C2SP signed notes.

Four statements cross between the field and HQ: the `signature.note` of a bundle (device to
HQ), the receipt (HQ to device), the device certificate and the recipient list (HQ to device at
enrolment). Each is a note body whose first line is `<origin>/<kind>/v1`, followed by
`key value` lines in a fixed order. Signing and verification are `fieldapp.store.signednote`;
this module only defines the bodies.

Parsing is strict for the same reason as in `signednote` (SECURITY.md C12): these texts decide
what HQ imports and whom the field encrypts to, so each statement must have exactly one
spelling. A deviation (order, duplicate or unknown key, leading zero, upper-case hex, trailing
space, non-canonical base64) is refused with a message naming the line, never "repaired".
Every constructor validates too, so we can never sign a statement that we would refuse to read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.errors import FieldappError
from fieldapp.store import signednote
from fieldapp.store.device import device_code
from sync.age import HybridRecipient

VERSION = "v1"
KIND_BUNDLE = "bundle"
KIND_RECEIPT = "receipt"
KIND_CERTIFICATE = "device-certificate"
KIND_RECIPIENTS = "recipients"
GENESIS = "genesis"
MAX_INT = 2**63 - 1  # SQLite's INTEGER and most other readers stop here
MAX_PSEUDONYM = 64
DEVICE_ID_HEX = 32
SHA256_HEX = 64
FINGERPRINT_HEX = 32
ROOT_SIZE = 32
ED25519_KEY_SIZE = 32
MAX_RECIPIENTS = 16  # a bundle goes to HQ and its escrow; a long list means a crafted note

_ORIGIN_RE = re.compile(r"[\x21-\x7e]+")
_UINT_RE = re.compile(r"[0-9]+")
_TIME_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")


class StatementError(FieldappError, ValueError):
    """A sync statement is malformed, unsigned or signed by the wrong key; the message says how."""


# --- shared value rules -----------------------------------------------------------------------


def _check_origin(origin: str) -> None:
    if not isinstance(origin, str) or not _ORIGIN_RE.fullmatch(origin):
        raise StatementError(f"origin {origin!r} must be non-empty printable ASCII without spaces")


def _check_uint(value: int, what: str, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StatementError(f"{what} must be an integer, not {type(value).__name__}")
    if not minimum <= value <= MAX_INT:
        raise StatementError(f"{what} must be between {minimum} and 2^63-1 (got {value})")


def _check_hex(value: str, length: int, what: str) -> None:
    if (
        not isinstance(value, str)
        or len(value) != length
        or any(c not in "0123456789abcdef" for c in value)
    ):
        raise StatementError(
            f"{what} must be {length} lowercase hexadecimal characters (got {value!r:.80})"
        )


def _check_fingerprints(values: tuple[str, ...], what: str) -> None:
    if not isinstance(values, tuple):
        raise StatementError(f"{what} must be a tuple of fingerprints, not {type(values).__name__}")
    if not values:
        raise StatementError(f"{what} must name at least one recipient fingerprint")
    if len(values) > MAX_RECIPIENTS:
        raise StatementError(f"{what} names more than {MAX_RECIPIENTS} recipients")
    for value in values:
        _check_hex(value, FINGERPRINT_HEX, f"a recipient fingerprint in {what}")
    # One spelling per set: sorted, so two notes naming the same recipients are byte-identical.
    if list(values) != sorted(set(values)):
        raise StatementError(f"the fingerprints in {what} must be sorted and distinct")


def _check_time(value: datetime, what: str) -> None:
    if not isinstance(value, datetime) or value.utcoffset() != UTC.utcoffset(None):
        raise StatementError(f"{what} must be a UTC datetime (timezone-aware, offset zero)")
    if value.microsecond:
        raise StatementError(
            f"{what} must be whole seconds; use .replace(microsecond=0) before signing"
        )


def _format_time(value: datetime) -> str:
    # Not strftime: its %Y does not pad years below 1000 on every platform.
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}Z"
    )


def _check_root(root: bytes, what: str) -> None:
    if not isinstance(root, bytes) or len(root) != ROOT_SIZE:
        raise StatementError(f"{what} must be {ROOT_SIZE} bytes")


def _check_recipient(text: str, what: str) -> HybridRecipient:
    if not isinstance(text, str):
        raise StatementError(f"{what} must be an age1pq1… recipient string")
    try:
        recipient = HybridRecipient.parse(text)
    except (FieldappError, ValueError) as exc:
        raise StatementError(f"{what} is not a valid recipient: {exc}") from exc
    if str(recipient) != text:
        raise StatementError(f"{what} must be written in canonical lower-case form")
    return recipient


def _check_key_name(name: str, what: str) -> None:
    try:
        signednote.check_key_name(name)
    except signednote.NoteError as exc:
        raise StatementError(f"{what}: {exc}") from exc


def _check_pseudonym(value: str) -> None:
    if not isinstance(value, str) or not value:
        raise StatementError("the analyst pseudonym must not be empty")
    if len(value) > MAX_PSEUDONYM:
        raise StatementError(f"the analyst pseudonym is longer than {MAX_PSEUDONYM} characters")
    for ch in value:
        # Cc are control characters; Cf/Zl/Zp include bidi overrides and line separators that
        # would let a pseudonym disguise itself (or the line after it) when shown to people.
        if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Cs"}:
            raise StatementError(
                f"the analyst pseudonym holds a control character (U+{ord(ch):04X})"
            )
    if value != value.strip():
        raise StatementError("the analyst pseudonym must not start or end with white space")


def recipient_fingerprint(recipient: str) -> str:
    """The short name of a recipient used in `to` lines and certificates.

    A whole `age1pq1…` string is about 2,000 characters; 16 bytes of SHA-256 are enough to tell
    recipients apart while keeping notes readable. The recipient is validated first, so a
    fingerprint always names a key someone could actually encrypt to.
    """
    _check_recipient(recipient, "the recipient")
    return hashlib.sha256(recipient.encode("ascii")).digest()[:16].hex()


def note_hash(note_text: str) -> str:
    """SHA-256 (hex) of the exact note bytes, signatures included: what `prev` chains to.

    The signature lines are part of the hash so that a re-signed note is a different link, and
    HQ can tell a duplicate (same bytes) from an equivocation (same seq, other bytes).
    """
    if not isinstance(note_text, str):
        raise StatementError("a note must be text")
    try:
        data = note_text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise StatementError("the note is not valid UTF-8 (lone surrogate)") from exc
    return hashlib.sha256(data).hexdigest()


# --- the line reader ------------------------------------------------------------------------------


def _read_lines(
    text: str, kind: str, keys: Sequence[str], optional_last: str | None = None
) -> tuple[str, dict[str, str]]:
    """Split a statement body into its origin and `key value` pairs, in the one order allowed."""
    if not isinstance(text, str):
        raise StatementError(f"a {kind} statement must be text")
    if not text.endswith("\n"):
        raise StatementError(f"the {kind} statement does not end with a newline")
    lines = text[:-1].split("\n")
    suffix = f"/{kind}/{VERSION}"
    header = lines[0]
    if not header.endswith(suffix) or len(header) == len(suffix):
        raise StatementError(f"line 1 must be '<origin>{suffix}' (got {header!r:.80})")
    origin = header[: -len(suffix)]
    if not _ORIGIN_RE.fullmatch(origin):
        raise StatementError(
            f"line 1: origin {origin!r:.80} must be printable ASCII without spaces"
        )
    allowed = [*keys, *([optional_last] if optional_last else [])]
    values: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.endswith((" ", "\t")):
            raise StatementError(f"line {number} ends with white space")
        key, sep, value = line.partition(" ")
        if not key:
            raise StatementError(f"line {number} is empty or starts with a space")
        position = len(values)
        if key in values:
            raise StatementError(f"line {number}: duplicate '{key}' line")
        if key not in allowed:
            raise StatementError(f"line {number}: unknown key '{key}'")
        if position >= len(allowed) or allowed[position] != key:
            expected = allowed[position] if position < len(allowed) else "the end"
            raise StatementError(f"line {number}: expected '{expected}', found '{key}'")
        if not sep or not value:
            raise StatementError(f"line {number}: '{key}' has no value")
        if value.startswith(" "):
            raise StatementError(f"line {number}: more than one space after '{key}'")
        values[key] = value
    for key in keys:
        if key not in values:
            raise StatementError(f"the {kind} statement has no '{key}' line")
    return origin, values


def _parse_uint(value: str, what: str, minimum: int = 0) -> int:
    if not _UINT_RE.fullmatch(value):
        raise StatementError(f"{what} {value!r:.40} is not a decimal number without sign")
    if len(value) > 1 and value[0] == "0":
        raise StatementError(f"{what} {value!r:.40} has a leading zero")
    # Length first: a 5,000-digit value must not reach int().
    if len(value) > len(str(MAX_INT)) or int(value) > MAX_INT:
        raise StatementError(f"{what} {value[:40]} is larger than 2^63-1")
    number = int(value)
    if number < minimum:
        raise StatementError(f"{what} must be at least {minimum} (got {number})")
    return number


def _parse_b64(value: str, size: int, what: str) -> bytes:
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise StatementError(f"{what} is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != value:
        raise StatementError(f"{what} is not canonical base64")
    if len(raw) != size:
        raise StatementError(f"{what} must encode {size} bytes, not {len(raw)}")
    return raw


def _parse_time(value: str, what: str) -> datetime:
    match = _TIME_RE.fullmatch(value)
    if not match:
        raise StatementError(f"{what} {value!r:.40} is not a UTC time like 2026-11-22T13:08:00Z")
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        parsed = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise StatementError(f"{what} {value!r} is not a real date and time") from exc
    return parsed


def _parse_fingerprints(value: str, what: str) -> tuple[str, ...]:
    parts = tuple(value.split(" "))
    if any(not part for part in parts):
        raise StatementError(f"{what} has more than one space between fingerprints")
    _check_fingerprints(parts, what)
    return parts


def _parse_log(value: str) -> tuple[int, bytes]:
    size_text, sep, root_text = value.partition(" ")
    if not sep or not root_text or " " in root_text:
        raise StatementError("'log' must be '<tree size> <base64 root>'")
    return _parse_uint(size_text, "log size"), _parse_b64(root_text, ROOT_SIZE, "log root")


def _format(origin: str, kind: str, pairs: Sequence[tuple[str, str]]) -> str:
    return f"{origin}/{kind}/{VERSION}\n" + "".join(f"{k} {v}\n" for k, v in pairs)


def _sign(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    try:
        return signednote.sign(text, name, private_key)
    except signednote.NoteError as exc:
        raise StatementError(str(exc)) from exc


def _open(note_text: str, verifiers: Sequence[signednote.Verifier], what: str) -> signednote.Note:
    # Only the keys the caller passes count: a statement signed by anyone else is worthless.
    try:
        return signednote.open_note(note_text, verifiers)
    except signednote.NoteError as exc:
        raise StatementError(f"{what}: {exc}") from exc


# --- 1. the bundle's signature.note -----------------------------------------------------------


@dataclass(frozen=True)
class BundleNote:
    """The device's signed statement about one bundle (BUNDLE.md layer 4).

    `seq` starts at 1 and `prev` is `genesis` exactly for seq 1, so a chain has one beginning.
    `to` holds recipient fingerprints, `log_root` the raw 32-byte Merkle root.
    """

    origin: str
    device: str
    seq: int
    prev: str
    to: tuple[str, ...]
    tagmanifest_sha256: str
    log_size: int
    log_root: bytes
    ack: int

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        _check_hex(self.device, DEVICE_ID_HEX, "the device id")
        _check_uint(self.seq, "seq", minimum=1)
        if self.prev != GENESIS:
            _check_hex(self.prev, SHA256_HEX, "prev")
        if (self.seq == 1) != (self.prev == GENESIS):
            raise StatementError("prev must be 'genesis' for seq 1 and only for seq 1")
        _check_fingerprints(self.to, "'to'")
        _check_hex(self.tagmanifest_sha256, SHA256_HEX, "tagmanifest-sha256")
        _check_uint(self.log_size, "log size")
        _check_root(self.log_root, "the log root")
        _check_uint(self.ack, "ack")

    def format(self) -> str:
        """The note body to sign."""
        return _format(
            self.origin,
            KIND_BUNDLE,
            [
                ("device", self.device),
                ("seq", str(self.seq)),
                ("prev", self.prev),
                ("to", " ".join(self.to)),
                ("tagmanifest-sha256", self.tagmanifest_sha256),
                ("log", f"{self.log_size} {base64.b64encode(self.log_root).decode('ascii')}"),
                ("ack", str(self.ack)),
            ],
        )

    def sign(self, name: str, private_key: Ed25519PrivateKey) -> str:
        """The signed note, as it goes into the bundle."""
        return _sign(self.format(), name, private_key)


_BUNDLE_KEYS = ("device", "seq", "prev", "to", "tagmanifest-sha256", "log", "ack")


def open_bundle_note(note_text: str, verifiers: Sequence[signednote.Verifier]) -> BundleNote:
    """Verify a bundle's signature.note with the given keys (HQ: the enrolled key of that device
    only) and parse it strictly."""
    note = _open(note_text, verifiers, "signature.note")
    origin, v = _read_lines(note.text, KIND_BUNDLE, _BUNDLE_KEYS)
    prev = v["prev"]
    if prev != GENESIS:
        _check_hex(prev, SHA256_HEX, "prev")
    log_size, log_root = _parse_log(v["log"])
    return BundleNote(
        origin=origin,
        device=_parsed_hex(v["device"], DEVICE_ID_HEX, "the device id"),
        seq=_parse_uint(v["seq"], "seq", minimum=1),
        prev=prev,
        to=_parse_fingerprints(v["to"], "'to'"),
        tagmanifest_sha256=_parsed_hex(v["tagmanifest-sha256"], SHA256_HEX, "tagmanifest-sha256"),
        log_size=log_size,
        log_root=log_root,
        ack=_parse_uint(v["ack"], "ack"),
    )


def _parsed_hex(value: str, length: int, what: str) -> str:
    _check_hex(value, length, what)
    return value


# --- 2. the receipt -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Receipt:
    """HQ's signed acknowledgement that a bundle is committed (BUNDLE.md step 6).

    `hq` is the name of the HQ key that signs it; `open_receipt` insists that this very key's
    signature verified, so a receipt cannot claim to come from an HQ key that did not sign it.
    """

    origin: str
    hq: str
    device: str
    seq: int
    bundle: str
    log_size: int
    log_root: bytes
    time: datetime

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        _check_key_name(self.hq, "hq")
        _check_hex(self.device, DEVICE_ID_HEX, "the device id")
        _check_uint(self.seq, "seq", minimum=1)
        _check_hex(self.bundle, SHA256_HEX, "the bundle hash")
        _check_uint(self.log_size, "log size")
        _check_root(self.log_root, "the log root")
        _check_time(self.time, "the receipt time")

    def format(self) -> str:
        """The note body to sign."""
        return _format(
            self.origin,
            KIND_RECEIPT,
            [
                ("hq", self.hq),
                ("device", self.device),
                ("seq", str(self.seq)),
                ("bundle", self.bundle),
                ("log", f"{self.log_size} {base64.b64encode(self.log_root).decode('ascii')}"),
                ("time", _format_time(self.time)),
            ],
        )

    def sign(self, private_key: Ed25519PrivateKey) -> str:
        """The signed receipt; it is signed under the key name in `hq`."""
        return _sign(self.format(), self.hq, private_key)


_RECEIPT_KEYS = ("hq", "device", "seq", "bundle", "log", "time")


def open_receipt(note_text: str, verifiers: Sequence[signednote.Verifier]) -> Receipt:
    """Verify a receipt with the given HQ keys and parse it strictly."""
    note = _open(note_text, verifiers, "receipt")
    origin, v = _read_lines(note.text, KIND_RECEIPT, _RECEIPT_KEYS)
    _check_key_name(v["hq"], "line 2: hq")
    if v["hq"] not in note.verified:
        raise StatementError(
            f"the receipt names {v['hq']} as its HQ key, but that key did not sign it"
        )
    log_size, log_root = _parse_log(v["log"])
    return Receipt(
        origin=origin,
        hq=v["hq"],
        device=_parsed_hex(v["device"], DEVICE_ID_HEX, "the device id"),
        seq=_parse_uint(v["seq"], "seq", minimum=1),
        bundle=_parsed_hex(v["bundle"], SHA256_HEX, "the bundle hash"),
        log_size=log_size,
        log_root=log_root,
        time=_parse_time(v["time"], "the receipt time"),
    )


# --- 3. the device certificate --------------------------------------------------------------


@dataclass(frozen=True)
class DeviceCertificate:
    """HQ's statement, after an out-of-band fingerprint check, that a key belongs to a device.

    `code` must be the device code derived from `public_key`, so the code people read aloud and
    the key cannot disagree. `trusted_up_to` is revocation: bundles with a higher seq are no
    longer trusted; None means no limit.
    """

    origin: str
    device: str
    public_key: bytes
    analyst: str
    code: str
    recipients: tuple[str, ...]
    issued: datetime
    trusted_up_to: int | None = None

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        _check_hex(self.device, DEVICE_ID_HEX, "the device id")
        if not isinstance(self.public_key, bytes) or len(self.public_key) != ED25519_KEY_SIZE:
            raise StatementError(f"the device key must be {ED25519_KEY_SIZE} bytes of Ed25519")
        try:
            signednote.check_public_key(self.public_key)
        except signednote.NoteError as exc:
            raise StatementError(f"the device key is refused: {exc}") from exc
        _check_pseudonym(self.analyst)
        if not isinstance(self.code, str) or self.code != device_code(self.public_key):
            raise StatementError(
                f"device code {self.code!r:.20} does not match the device key "
                f"(expected {device_code(self.public_key)})"
            )
        _check_fingerprints(self.recipients, "'recipients'")
        _check_time(self.issued, "the issue time")
        if self.trusted_up_to is not None:
            _check_uint(self.trusted_up_to, "trusted-up-to")

    def format(self) -> str:
        """The note body to sign."""
        pairs = [
            ("device", self.device),
            ("key", base64.b64encode(self.public_key).decode("ascii")),
            ("analyst", self.analyst),
            ("code", self.code),
            ("recipients", " ".join(self.recipients)),
            ("issued", _format_time(self.issued)),
        ]
        if self.trusted_up_to is not None:
            pairs.append(("trusted-up-to", str(self.trusted_up_to)))
        return _format(self.origin, KIND_CERTIFICATE, pairs)

    def sign(self, name: str, private_key: Ed25519PrivateKey) -> str:
        """The signed certificate (HQ's root key)."""
        return _sign(self.format(), name, private_key)

    def verifier(self, name: str) -> signednote.Verifier:
        """The key that checks this device's bundle notes, under the name it signs with."""
        try:
            return signednote.Verifier(
                name=name,
                key_id=signednote.key_id(name, self.public_key),
                public_key=self.public_key,
            )
        except signednote.NoteError as exc:
            raise StatementError(str(exc)) from exc


_CERTIFICATE_KEYS = ("device", "key", "analyst", "code", "recipients", "issued")


def open_device_certificate(
    note_text: str, verifiers: Sequence[signednote.Verifier]
) -> DeviceCertificate:
    """Verify a device certificate with the given HQ keys and parse it strictly."""
    note = _open(note_text, verifiers, "device certificate")
    origin, v = _read_lines(note.text, KIND_CERTIFICATE, _CERTIFICATE_KEYS, "trusted-up-to")
    limit = v.get("trusted-up-to")
    return DeviceCertificate(
        origin=origin,
        device=_parsed_hex(v["device"], DEVICE_ID_HEX, "the device id"),
        public_key=_parse_b64(v["key"], ED25519_KEY_SIZE, "the device key"),
        analyst=v["analyst"],
        code=v["code"],
        recipients=_parse_fingerprints(v["recipients"], "'recipients'"),
        issued=_parse_time(v["issued"], "the issue time"),
        trusted_up_to=None if limit is None else _parse_uint(limit, "trusted-up-to"),
    )


# --- 4. the recipient list ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipientList:
    """Whom the field encrypts bundles to, and which HQ keys it trusts.

    `primary` and `escrow` are HQ's age recipients; `root` and `receipts` are the C2SP vkeys of
    HQ's root key (which signs this list and device certificates) and of its receipt key. A
    field device learns all four from the first list it accepts, which the root key signs
    itself: trust on first use, confirmed by people comparing the root fingerprint.

    Versioned so that an attacker cannot replay an old list (say, one naming a key since
    compromised): see `accept_newer`.
    """

    origin: str
    version: int
    primary: str
    escrow: str
    root: str
    receipts: str
    issued: datetime

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        _check_uint(self.version, "version", minimum=1)
        _check_recipient(self.primary, "the primary recipient")
        _check_recipient(self.escrow, "the escrow recipient")
        if self.primary == self.escrow:
            raise StatementError("the primary and escrow recipients must be different keys")
        root = _check_vkey(self.root, "the root key")
        receipts = _check_vkey(self.receipts, "the receipt key")
        # One key for both jobs would let a leaked receipt key sign certificates and lists.
        if root.public_key == receipts.public_key or root.name == receipts.name:
            raise StatementError("the root and receipt keys must be different keys and names")
        _check_time(self.issued, "the issue time")

    def fingerprints(self) -> tuple[str, ...]:
        """The sorted fingerprints, as a bundle's `to` line and a certificate name them."""
        return tuple(sorted(recipient_fingerprint(r) for r in (self.primary, self.escrow)))

    def root_verifier(self) -> signednote.Verifier:
        """HQ's root key: checks this list, newer lists and device certificates."""
        return signednote.parse_vkey(self.root)

    def receipt_verifier(self) -> signednote.Verifier:
        """HQ's receipt key: checks receipts."""
        return signednote.parse_vkey(self.receipts)

    def format(self) -> str:
        """The note body to sign."""
        return _format(
            self.origin,
            KIND_RECIPIENTS,
            [
                ("version", str(self.version)),
                ("primary", self.primary),
                ("escrow", self.escrow),
                ("root", self.root),
                ("receipts", self.receipts),
                ("issued", _format_time(self.issued)),
            ],
        )

    def sign(self, name: str, private_key: Ed25519PrivateKey) -> str:
        """The signed list (HQ's root key)."""
        return _sign(self.format(), name, private_key)


_RECIPIENT_KEYS = ("version", "primary", "escrow", "root", "receipts", "issued")


def open_recipient_list(note_text: str, verifiers: Sequence[signednote.Verifier]) -> RecipientList:
    """Verify a recipient list with the given HQ keys and parse it strictly."""
    note = _open(note_text, verifiers, "recipient list")
    origin, v = _read_lines(note.text, KIND_RECIPIENTS, _RECIPIENT_KEYS)
    return RecipientList(
        origin=origin,
        version=_parse_uint(v["version"], "version", minimum=1),
        primary=v["primary"],
        escrow=v["escrow"],
        root=v["root"],
        receipts=v["receipts"],
        issued=_parse_time(v["issued"], "the issue time"),
    )


def open_self_signed_recipient_list(note_text: str) -> RecipientList:
    """Open a recipient list with the root key it names itself, and insist that key signed it.

    This proves only that whoever wrote the list holds that root key; whether the root is
    really HQ's is for people to confirm (the root fingerprint, compared out of band) or for
    a pinned root to decide (`open_recipient_list` with the pinned verifier).
    """
    root_text = _line_value(note_text, "root", "recipient list")
    root = _check_vkey(root_text, "the root key")
    parsed = open_recipient_list(note_text, [root])
    if parsed.root != root_text:  # unreachable with a strict reader; kept as a guard
        raise StatementError("the recipient list is not signed by the root key it names")
    return parsed


def _check_vkey(text: str, what: str) -> signednote.Verifier:
    if not isinstance(text, str):
        raise StatementError(f"{what} must be a vkey string")
    try:
        verifier = signednote.parse_vkey(text)
    except signednote.NoteError as exc:
        raise StatementError(f"{what} is refused: {exc}") from exc
    if signednote.vkey(verifier.name, verifier.public_key) != text:
        raise StatementError(f"{what} is not written in canonical form")
    return verifier


def _line_value(note_text: str, key: str, what: str) -> str:
    """The value of the one `key` line of a note's text, read before the note is verified.

    Only for self-signed statements, to find the key to verify with; the strict parser reads
    the same line again after verification.
    """
    if not isinstance(note_text, str):
        raise StatementError(f"the {what} must be text")
    text = note_text[: max(note_text.rfind("\n\n"), 0) + 1]
    values = [line[len(key) + 1 :] for line in text.split("\n") if line.startswith(key + " ")]
    if len(values) != 1:
        raise StatementError(f"the {what} must have exactly one '{key}' line")
    return values[0]


def accept_newer(current: RecipientList | None, candidate: RecipientList) -> RecipientList:
    """The list to use from now on: `candidate`, but only if it is strictly newer.

    An equal version is refused too: two different lists with one version number would be an
    HQ mistake or a forgery, and the same list again changes nothing.
    """
    if current is None:
        return candidate
    if candidate.origin != current.origin:
        raise StatementError(f"the recipient list is for {candidate.origin}, not {current.origin}")
    if candidate.version <= current.version:
        raise StatementError(
            f"recipient list version {candidate.version} is not newer than the current "
            f"version {current.version}: refused as a rollback"
        )
    return candidate


# --- 5. the enrolment request ---------------------------------------------------------------------

KIND_REQUEST = "enrollment-request"
DEVICE_ORIGIN_PREFIX = "fieldapp/"  # = auditlog.ORIGIN_PREFIX: the device's log origin


@dataclass(frozen=True)
class EnrollmentRequest:
    """A field device asking HQ for a certificate, signed by the very key it asks HQ to trust.

    The signature proves the device holds the private key (so nobody can enrol a key they
    copied from a QR code); it proves nothing about who the device is, which is why HQ compares
    the fingerprint with the analyst out of band before issuing anything. The origin is the
    device's own log origin, so HQ learns under which name the device signs its checkpoints.
    """

    origin: str
    device: str
    public_key: bytes
    analyst: str
    code: str
    requested: datetime

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        _check_hex(self.device, DEVICE_ID_HEX, "the device id")
        if self.origin != DEVICE_ORIGIN_PREFIX + self.device:
            raise StatementError(
                f"the request's origin must be {DEVICE_ORIGIN_PREFIX}{self.device}, the device's "
                f"own log (got {self.origin!r:.80})"
            )
        if not isinstance(self.public_key, bytes) or len(self.public_key) != ED25519_KEY_SIZE:
            raise StatementError(f"the device key must be {ED25519_KEY_SIZE} bytes of Ed25519")
        _refuse_weak_device_key(self.public_key)
        _check_pseudonym(self.analyst)
        if not isinstance(self.code, str) or self.code != device_code(self.public_key):
            raise StatementError(
                f"device code {self.code!r:.20} does not match the device key "
                f"(expected {device_code(self.public_key)})"
            )
        _check_time(self.requested, "the request time")

    def format(self) -> str:
        """The note body to sign."""
        return _format(
            self.origin,
            KIND_REQUEST,
            [
                ("device", self.device),
                ("key", base64.b64encode(self.public_key).decode("ascii")),
                ("analyst", self.analyst),
                ("code", self.code),
                ("requested", _format_time(self.requested)),
            ],
        )

    def sign(self, private_key: Ed25519PrivateKey) -> str:
        """The signed request; the key name is the device id, as on its checkpoints."""
        if signednote.verifier_for(self.device, private_key).public_key != self.public_key:
            raise StatementError("the request must be signed by the device key it names")
        return _sign(self.format(), self.device, private_key)


_REQUEST_KEYS = ("device", "key", "analyst", "code", "requested")


def _refuse_weak_device_key(public_key: bytes) -> None:
    try:
        signednote.check_public_key(public_key)
    except signednote.NoteError as exc:
        # SECURITY.md C13: with a small-order key anyone can forge "valid" signatures, so the
        # self-signature would prove nothing and every later bundle note could be forged.
        raise StatementError(f"the device key is refused: {exc}") from exc


def open_enrollment_request(note_text: str) -> EnrollmentRequest:
    """Verify a request with the key it names (proof of possession) and parse it strictly.

    The key is checked for small order and canonical form BEFORE the signature: with a
    small-order key a forged signature verifies, so checking it afterwards would be too late.
    A request edited after signing fails here because the signature no longer verifies.
    """
    device = _line_value(note_text, "device", "enrolment request")
    key_text = _line_value(note_text, "key", "enrolment request")
    public_key = _parse_b64(key_text, ED25519_KEY_SIZE, "the device key")
    _refuse_weak_device_key(public_key)
    _check_key_name(device, "the device id")
    try:
        verifier = signednote.Verifier(
            name=device, key_id=signednote.key_id(device, public_key), public_key=public_key
        )
    except signednote.NoteError as exc:
        raise StatementError(f"enrolment request: {exc}") from exc
    note = _open(note_text, [verifier], "enrolment request")
    origin, v = _read_lines(note.text, KIND_REQUEST, _REQUEST_KEYS)
    return EnrollmentRequest(
        origin=origin,
        device=_parsed_hex(v["device"], DEVICE_ID_HEX, "the device id"),
        public_key=_parse_b64(v["key"], ED25519_KEY_SIZE, "the device key"),
        analyst=v["analyst"],
        code=v["code"],
        requested=_parse_time(v["requested"], "the request time"),
    )
