"""`vault.key`: the random data key (DEK), wrapped once per user passphrase.

The database is encrypted with a random 256-bit DEK that never leaves memory in the clear. Each
user owns a *slot*: the DEK sealed with AES-256-GCM under a key-encryption key (KEK) that Argon2id
derives from that user's passphrase. Changing a passphrase therefore re-wraps 32 bytes instead of
re-encrypting the database, and destroying this one small file crypto-erases the vault.

File format (canonical JSON, written atomically)::

    {"format": "fieldapp-vault-key", "version": 1, "vault_id": <32 hex>,
     "db": {<SQLCipher settings that are part of the database file format>},
     "slots": [{"id": <32 hex>, "kind": "passphrase", "label": <user pseudonym>,
                "kdf": {"name": "argon2id", "memory_kib", "iterations", "lanes", "salt": <b64>},
                "nonce": <b64>, "wrapped": <b64>},
               {"id": <32 hex>, "kind": "escrow", "label": <HQ origin>,
                "recipient": <32 hex fingerprint>, "sealed": <b64 age file>}]}

The GCM associated data binds the vault id, slot id, kind, label and every KDF parameter, so
moving a slot to another vault, renaming it, or weakening its parameters makes it fail to open.

An *escrow* slot (issue 4) is the recovery path when every passphrase is lost: the DEK sealed
with age to HQ's escrow recipient, whose identity HQ keeps offline. It has no KDF, so no
passphrase can ever open it; the sealing itself happens in `sync.enrollment` (this
module stays free of age), and the sealed plaintext names the vault and slot so a sealed DEK
moved into another vault's key file is refused.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from fieldapp.domain import canonical
from fieldapp.errors import DamagedKeyfile, VaultTooNew, WrongPassphrase
from fieldapp.store import tempfiles

FORMAT = "fieldapp-vault-key"
VERSION = 1
KEYFILE_NAME = "vault.key"

DEK_SIZE = 32
SALT_SIZE = 16
NONCE_SIZE = 12
TAG_SIZE = 16
SLOT_KIND_PASSPHRASE = "passphrase"  # noqa: S105 - a slot kind, not a secret
SLOT_KIND_ESCROW = "escrow"
# A review slot (issue 5) opens like a passphrase slot; its kind, bound in the associated data,
# makes the vault it opens read everything and assess, but import, erase or manage nothing.
SLOT_KIND_REVIEW = "review"
UNLOCKING_KINDS = (SLOT_KIND_PASSPHRASE, SLOT_KIND_REVIEW)
ESCROW_FORMAT = "fieldapp-escrow-dek"
_MAX_SEALED = 16 * 1024  # an age file with one hybrid stanza and a 200-byte payload is ~1.7 KiB

# Upper bounds for parameters read from a file: a tampered vault.key must not make unlock
# allocate 1 TiB or spin for an hour before failing.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 64
_MAX_LANES = 64
_MAX_SLOTS = 32
_MAX_KEYFILE_BYTES = 256 * 1024

TEST_KDF_ENV = "FIELDAPP_INSECURE_TEST_KDF"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost, stored per slot so old slots keep opening after the defaults change."""

    memory_kib: int = 262144
    iterations: int = 3
    lanes: int = 4

    DEFAULT: ClassVar[KdfParams]
    TEST_ONLY: ClassVar[KdfParams]

    @classmethod
    def from_environment(cls) -> KdfParams:
        """The cheap test parameters only when explicitly asked for, never as a silent default."""
        if os.environ.get(TEST_KDF_ENV) == "1":
            return cls.TEST_ONLY
        return cls.DEFAULT

    def check(self) -> None:
        """Refuse parameters that are too weak for Argon2id or absurdly expensive (tampering)."""
        if not 1 <= self.lanes <= _MAX_LANES:
            raise ValueError(f"Argon2id lanes must be 1..{_MAX_LANES}, not {self.lanes}")
        if not 1 <= self.iterations <= _MAX_ITERATIONS:
            raise ValueError(
                f"Argon2id iterations must be 1..{_MAX_ITERATIONS}, not {self.iterations}"
            )
        if not 8 * self.lanes <= self.memory_kib <= _MAX_MEMORY_KIB:
            raise ValueError(
                f"Argon2id memory must be {8 * self.lanes}..{_MAX_MEMORY_KIB} KiB, "
                f"not {self.memory_kib}"
            )


KdfParams.DEFAULT = KdfParams(memory_kib=262144, iterations=3, lanes=4)
KdfParams.TEST_ONLY = KdfParams(memory_kib=8192, iterations=1, lanes=1)


@dataclass(frozen=True)
class Slot:
    """One user's wrapped copy of the DEK."""

    id: str
    kind: str
    label: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "kdf": {
                "name": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "salt": _b64(self.salt),
            },
            "nonce": _b64(self.nonce),
            "wrapped": _b64(self.wrapped),
        }


@dataclass(frozen=True)
class EscrowSlot:
    """The DEK sealed to HQ's escrow recipient (an age file); only HQ's escrow identity opens it.

    `recipient` is the recipient's fingerprint (`sync.statements.recipient_fingerprint`), so a
    recovery can tell which escrow key a slot needs without trying each one.
    """

    id: str
    label: str
    recipient: str
    sealed: bytes
    kind: str = SLOT_KIND_ESCROW

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "recipient": self.recipient,
            "sealed": _b64(self.sealed),
        }


@dataclass(frozen=True)
class KeyFile:
    """The parsed `vault.key`: passphrase slots in `slots`, escrow slots in `escrow`.

    Kept apart so that everything that derives a passphrase key only ever sees slots that
    have one; in the file both kinds share the one `slots` list, passphrase slots first.
    """

    vault_id: str
    db: dict[str, Any]
    slots: tuple[Slot, ...] = field(default_factory=tuple)
    escrow: tuple[EscrowSlot, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "db": dict(self.db),
            "slots": [s.to_json() for s in self.slots] + [e.to_json() for e in self.escrow],
        }

    def replace_slot(self, old_id: str, new: Slot) -> KeyFile:
        """A copy with one slot swapped in place (passphrase change keeps the slot order)."""
        slots = tuple(new if s.id == old_id else s for s in self.slots)
        return KeyFile(self.vault_id, self.db, slots, self.escrow)

    def with_slot(self, new: Slot) -> KeyFile:
        return KeyFile(self.vault_id, self.db, (*self.slots, new), self.escrow)

    def with_escrow(self, new: EscrowSlot) -> KeyFile:
        """A copy with `new` replacing any escrow slot for the same recipient (re-enrolment)."""
        kept = tuple(e for e in self.escrow if e.recipient != new.recipient)
        return KeyFile(self.vault_id, self.db, self.slots, (*kept, new))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise DamagedKeyfile(f"vault.key is damaged: {what} is not base64 text")
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise DamagedKeyfile(f"vault.key is damaged: {what} is not valid base64") from exc
    # Only the canonical encoding is accepted, so one file has exactly one meaning.
    if _b64(data) != text:
        raise DamagedKeyfile(f"vault.key is damaged: {what} is not canonical base64")
    return data


def _associated_data(vault_id: str, slot_id: str, kind: str, label: str, kdf: KdfParams) -> bytes:
    # Canonical JSON, so the bytes are the same on every machine and version of Python.
    return canonical.dumps(
        {
            "format": FORMAT,
            "vault_id": vault_id,
            "slot_id": slot_id,
            "kind": kind,
            "label": label,
            "kdf": {
                "name": "argon2id",
                "memory_kib": kdf.memory_kib,
                "iterations": kdf.iterations,
                "lanes": kdf.lanes,
            },
        }
    )


def derive_kek(passphrase: str, kdf: KdfParams, salt: bytes) -> bytes:
    """Argon2id: the deliberately slow step that makes each passphrase guess cost ~1 s."""
    return Argon2id(
        salt=salt,
        length=32,
        iterations=kdf.iterations,
        lanes=kdf.lanes,
        memory_cost=kdf.memory_kib,
    ).derive(passphrase.encode("utf-8"))


def new_slot(
    vault_id: str,
    dek: bytes | bytearray,
    passphrase: str,
    label: str,
    kdf: KdfParams,
    kind: str = SLOT_KIND_PASSPHRASE,
) -> Slot:
    """Wrap the DEK for one passphrase with a fresh slot id, salt and nonce.

    `kind` (passphrase or review) is bound in the associated data: editing it in the file makes
    the slot fail to open rather than grant another role.
    """
    if kind not in UNLOCKING_KINDS:
        raise ValueError(f"a passphrase slot cannot be of kind {kind!r}")
    kdf.check()
    slot_id = secrets.token_hex(16)
    salt = os.urandom(SALT_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    kek = derive_kek(passphrase, kdf, salt)
    ad = _associated_data(vault_id, slot_id, kind, label, kdf)
    wrapped = AESGCM(kek).encrypt(nonce, bytes(dek), ad)
    return Slot(slot_id, kind, label, kdf, salt, nonce, wrapped)


def open_slot(vault_id: str, slot: Slot, passphrase: str) -> bytearray | None:
    """The DEK if `passphrase` opens this slot, else None (wrong passphrase or altered slot)."""
    kek = derive_kek(passphrase, slot.kdf, slot.salt)
    ad = _associated_data(vault_id, slot.id, slot.kind, slot.label, slot.kdf)
    try:
        return bytearray(AESGCM(kek).decrypt(slot.nonce, slot.wrapped, ad))
    except InvalidTag:
        return None


def unwrap(keyfile: KeyFile, passphrase: str) -> tuple[bytearray, Slot]:
    """Try every passphrase slot; the first that opens gives the DEK and names the user.

    The KDF runs once per slot (each has its own salt), once per unlock: connections then get
    the raw DEK, so nothing pays Argon2id again.
    """
    for slot in keyfile.slots:
        if slot.kind not in UNLOCKING_KINDS:
            continue
        dek = open_slot(keyfile.vault_id, slot, passphrase)
        if dek is not None:
            return dek, slot
    raise WrongPassphrase("The passphrase is wrong: it opens none of this vault's key slots.")


def escrow_plaintext(vault_id: str, slot_id: str, dek: bytes | bytearray) -> bytes:
    """What an escrow slot seals: the DEK bound to its vault and slot.

    age authenticates the bytes but not where they sit; naming the vault and slot inside means
    a sealed DEK copied into another vault's key file (or another slot) is refused on recovery.
    """
    return canonical.dumps(
        {"format": ESCROW_FORMAT, "vault_id": vault_id, "slot_id": slot_id, "dek": _b64(bytes(dek))}
    )


def escrow_dek(vault_id: str, slot: EscrowSlot, plaintext: bytes) -> bytearray:
    """The DEK from an opened escrow slot, after checking it belongs to this vault and slot."""
    try:
        raw = canonical.loads(plaintext)
    except canonical.CanonicalJSONError as exc:
        raise DamagedKeyfile(f"vault.key is damaged: the escrow slot holds no key ({exc})") from exc
    if not isinstance(raw, dict) or set(raw) != {"format", "vault_id", "slot_id", "dek"}:
        raise DamagedKeyfile("vault.key is damaged: the escrow slot holds no key")
    if raw["format"] != ESCROW_FORMAT:
        raise DamagedKeyfile("vault.key is damaged: the escrow slot holds no key")
    if raw["vault_id"] != vault_id or raw["slot_id"] != slot.id:
        raise DamagedKeyfile(
            "vault.key is damaged: its escrow slot was sealed for another vault or slot"
        )
    dek = _unb64(raw["dek"], "the escrowed key")
    if len(dek) != DEK_SIZE:
        raise DamagedKeyfile("vault.key is damaged: the escrowed key has the wrong length")
    return bytearray(dek)


# --- reading and writing ----------------------------------------------------------------------
def _require(obj: dict[str, Any], key: str, kind: type, what: str) -> Any:
    if key not in obj:
        raise DamagedKeyfile(f"vault.key is damaged: {what} has no {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DamagedKeyfile(f"vault.key is damaged: {what}.{key} has the wrong type")
    return value


def _is_hex(text: str, length: int) -> bool:
    return len(text) == length and all(c in "0123456789abcdef" for c in text)


_ESCROW_KEYS = {"id", "kind", "label", "recipient", "sealed"}


def _parse_escrow_slot(raw: dict[str, Any], slot_id: str, what: str) -> EscrowSlot:
    # Its own fields and no others: an escrow slot with a "kdf" would be a confused or forged
    # entry, and a passphrase must never be tried against it.
    if set(raw) != _ESCROW_KEYS:
        extra = sorted(set(raw) - _ESCROW_KEYS) or sorted(_ESCROW_KEYS - set(raw))
        raise DamagedKeyfile(
            f"vault.key is damaged: escrow {what} has unexpected or missing fields {extra}"
        )
    label = _require(raw, "label", str, what)
    recipient = _require(raw, "recipient", str, what)
    if not _is_hex(recipient, 32):
        raise DamagedKeyfile(
            f"vault.key is damaged: escrow {what} recipient is not a 32-hex fingerprint"
        )
    sealed_text = _require(raw, "sealed", str, what)
    if len(sealed_text) > _MAX_SEALED * 2:
        raise DamagedKeyfile(f"vault.key is damaged: escrow {what} is far too large")
    sealed = _unb64(sealed_text, f"escrow {what} sealed key")
    if not sealed:
        raise DamagedKeyfile(f"vault.key is damaged: escrow {what} holds no sealed key")
    return EscrowSlot(slot_id, label, recipient, sealed)


def _parse_slot(raw: Any, index: int) -> Slot | EscrowSlot:
    what = f"slot {index + 1}"
    if not isinstance(raw, dict):
        raise DamagedKeyfile(f"vault.key is damaged: {what} is not an object")
    slot_id = _require(raw, "id", str, what)
    if not _is_hex(slot_id, 32):
        raise DamagedKeyfile(f"vault.key is damaged: {what} id is not 32 hex characters")
    kind = _require(raw, "kind", str, what)
    if kind == SLOT_KIND_ESCROW:
        return _parse_escrow_slot(raw, slot_id, what)
    if kind not in UNLOCKING_KINDS:
        raise DamagedKeyfile(f"vault.key is damaged: {what} has an unknown kind {kind!r:.40}")
    label = _require(raw, "label", str, what)
    kdf_raw = _require(raw, "kdf", dict, what)
    if kdf_raw.get("name") != "argon2id":
        raise DamagedKeyfile(f"vault.key is damaged: {what} uses an unknown KDF")
    kdf = KdfParams(
        memory_kib=_require(kdf_raw, "memory_kib", int, f"{what}.kdf"),
        iterations=_require(kdf_raw, "iterations", int, f"{what}.kdf"),
        lanes=_require(kdf_raw, "lanes", int, f"{what}.kdf"),
    )
    try:
        kdf.check()
    except ValueError as exc:
        raise DamagedKeyfile(f"vault.key is damaged: {what}: {exc}") from exc
    salt = _unb64(_require(kdf_raw, "salt", str, f"{what}.kdf"), f"{what} salt")
    nonce = _unb64(_require(raw, "nonce", str, what), f"{what} nonce")
    wrapped = _unb64(_require(raw, "wrapped", str, what), f"{what} wrapped key")
    if len(salt) < SALT_SIZE:
        raise DamagedKeyfile(f"vault.key is damaged: {what} salt is too short")
    if len(nonce) != NONCE_SIZE:
        raise DamagedKeyfile(f"vault.key is damaged: {what} nonce has the wrong length")
    if len(wrapped) != DEK_SIZE + TAG_SIZE:
        raise DamagedKeyfile(f"vault.key is damaged: {what} wrapped key has the wrong length")
    return Slot(slot_id, kind, label, kdf, salt, nonce, wrapped)


def parse_keyfile(data: bytes) -> KeyFile:
    """Strictly parse `vault.key` bytes; every defect is a DamagedKeyfile naming it."""
    if not data:
        raise DamagedKeyfile("vault.key is damaged: the file is empty")
    try:
        raw = canonical.loads(data)
    except canonical.CanonicalJSONError as exc:
        raise DamagedKeyfile(f"vault.key is damaged or truncated: {exc}") from exc
    if not isinstance(raw, dict):
        raise DamagedKeyfile("vault.key is damaged: it is not a JSON object")
    if raw.get("format") != FORMAT:
        raise DamagedKeyfile("vault.key is damaged: it is not a fieldapp vault key file")
    version = _require(raw, "version", int, "the file")
    if version > VERSION:
        raise VaultTooNew(
            f"This vault's key file is format version {version}; this fieldapp reads up to "
            f"version {VERSION}. Open it with a newer fieldapp; the vault was not changed."
        )
    if version < 1:
        raise DamagedKeyfile(f"vault.key is damaged: version {version} does not exist")
    vault_id = _require(raw, "vault_id", str, "the file")
    if not _is_hex(vault_id, 32):
        raise DamagedKeyfile("vault.key is damaged: vault_id is not 32 hex characters")
    db = _require(raw, "db", dict, "the file")
    slots_raw = _require(raw, "slots", list, "the file")
    if not slots_raw:
        raise DamagedKeyfile("vault.key is damaged: it has no key slots")
    if len(slots_raw) > _MAX_SLOTS:
        raise DamagedKeyfile(f"vault.key is damaged: more than {_MAX_SLOTS} key slots")
    parsed = [_parse_slot(s, i) for i, s in enumerate(slots_raw)]
    if len({s.id for s in parsed}) != len(parsed):
        raise DamagedKeyfile("vault.key is damaged: two slots share one id")
    slots = tuple(s for s in parsed if isinstance(s, Slot))
    escrow = tuple(s for s in parsed if isinstance(s, EscrowSlot))
    # Passphrase slots come first when written; one order means one spelling of the file.
    if parsed != [*slots, *escrow]:
        raise DamagedKeyfile("vault.key is damaged: an escrow slot comes before a passphrase slot")
    return KeyFile(vault_id, db, slots, escrow)


def read_keyfile(folder: Path) -> KeyFile:
    """Read and parse `<folder>/vault.key` without changing anything on disk."""
    path = folder / KEYFILE_NAME
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_KEYFILE_BYTES + 1)
    except OSError as exc:
        raise DamagedKeyfile(f"vault.key cannot be read: {exc.strerror or exc}") from exc
    if len(data) > _MAX_KEYFILE_BYTES:
        raise DamagedKeyfile("vault.key is damaged: the file is far too large")
    return parse_keyfile(data)


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a directory; the rename is still atomic
    finally:
        os.close(fd)


def write_keyfile(folder: Path, keyfile: KeyFile) -> None:
    """Atomically replace `vault.key`: a crash leaves either the old or the new file, never half.

    Temp file in the same folder (same file system, so `os.replace` is atomic), mode 0600 from
    the start, fsync before the rename and fsync of the folder after it. A process killed
    before its rename leaves its temporary file, which holds slots that may later be replaced
    or removed (a revoked passphrase would still open it): each write first deletes the ones
    no living writer holds locked.
    """
    data = canonical.dumps(keyfile.to_json())
    _remove_dead_temp_files(folder)
    tmp = folder / f".{KEYFILE_NAME}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    # Locked through a duplicate descriptor until the rename: until then it is a live file.
    lock_fd = os.dup(fd)
    try:
        tempfiles.hold(lock_fd)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / KEYFILE_NAME)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        os.close(lock_fd)
    fsync_dir(folder)


# --- duress slots (issue 6) -------------------------------------------------------------------
# A duress slot is a passphrase slot like any other on disk (same kind, same fields, same KDF
# cost): what it wraps is not the DEK but a marker derived from the vault and slot ids. Only the
# duress passphrase opens it, and only once opened does it show what it is, so nobody reading
# vault.key can tell it from a user's slot.
_DURESS_DOMAIN = b"fieldapp-duress-slot-v1\0"


def duress_marker(vault_id: str, slot_id: str) -> bytes:
    """The 32 bytes a duress slot wraps in place of the DEK (bound to its vault and slot)."""
    import hashlib

    return hashlib.sha256(
        _DURESS_DOMAIN + vault_id.encode("ascii") + b"\0" + slot_id.encode("ascii")
    ).digest()


def is_duress(vault_id: str, slot: Slot, plaintext: bytes | bytearray) -> bool:
    """True when an opened slot held the duress marker rather than the DEK."""
    import hmac

    return hmac.compare_digest(bytes(plaintext), duress_marker(vault_id, slot.id))


def new_duress_slot(vault_id: str, passphrase: str, label: str, kdf: KdfParams) -> Slot:
    """A passphrase slot wrapping the duress marker: on disk the same shape as `new_slot`'s."""
    kdf.check()
    slot_id = secrets.token_hex(16)
    salt = os.urandom(SALT_SIZE)
    nonce = os.urandom(NONCE_SIZE)
    kek = derive_kek(passphrase, kdf, salt)
    ad = _associated_data(vault_id, slot_id, SLOT_KIND_PASSPHRASE, label, kdf)
    wrapped = AESGCM(kek).encrypt(nonce, duress_marker(vault_id, slot_id), ad)
    return Slot(slot_id, SLOT_KIND_PASSPHRASE, label, kdf, salt, nonce, wrapped)


def without_slot(kf: KeyFile, slot_id: str) -> KeyFile:
    """A copy of `kf` without the passphrase slot `slot_id` (removing a duress slot)."""
    return KeyFile(kf.vault_id, kf.db, tuple(s for s in kf.slots if s.id != slot_id), kf.escrow)


def _remove_dead_temp_files(folder: Path) -> None:
    """Delete `.vault.key.*.tmp` files of writers that died; a live writer holds its lock."""
    tempfiles.remove_dead(folder, f".{KEYFILE_NAME}.*.tmp")
