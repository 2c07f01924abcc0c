"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519.

Checkpoints of the audit log travel to HQ as signed notes, and HQ adds its countersignature. The
format is plain text so it can be shown, diffed and checked by standard transparency-log tools.

Parsing is deliberately strict (SECURITY.md case C12): a note comes from a bundle that may have
been crafted to confuse us, so every deviation from the canonical form is an error rather than
something we try to make sense of. Signatures from keys we do not know are ignored, as the spec
asks, but a known key with a bad signature rejects the whole note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldapp.errors import FieldappError

ALG_ED25519 = 0x01
KEY_ID_SIZE = 4
ED25519_KEY_SIZE = 32
ED25519_SIG_SIZE = 64

# Bounds on what we are willing to parse, so a hostile note cannot make us do unbounded work.
MAX_NOTE_BYTES = 1 << 20
MAX_SIGNATURES = 100

_SIG_PREFIX = "\u2014 "  # em dash, space

# Ed25519 public keys we refuse (SECURITY.md C13). With the sign bit cleared, these are the
# y-coordinates of the eight points of small order (0, 1, p-1 and the two order-8 values): a key
# of small order lets a forger produce signatures that verify for many messages. Encodings with
# y >= p are refused too, since they are a second spelling of some other key.
_ED25519_P = 2**255 - 19
_SMALL_ORDER_Y = frozenset(
    {
        0,
        1,
        _ED25519_P - 1,
        int.from_bytes(
            bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"),
            "little",
        ),
        int.from_bytes(
            bytes.fromhex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
            "little",
        ),
    }
)


class NoteError(FieldappError, ValueError):
    """A signed note (or verifier key) is malformed or fails verification; the message says how."""


@dataclass(frozen=True)
class Verifier:
    """A public key that may sign notes, as published in a vkey string.

    Built only from a checked name and key, with the key id recomputed, so a Verifier in hand is
    always internally consistent whether it came from `parse_vkey` or from enrolment data.
    """

    name: str
    key_id: bytes
    public_key: bytes

    def __post_init__(self) -> None:
        check_public_key(self.public_key)
        if self.key_id != key_id(self.name, self.public_key):
            raise NoteError(f"the key id given for {self.name} does not match its name and key")

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True iff `signature` is this key's Ed25519 signature of `message`."""
        if len(signature) != ED25519_SIG_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class Signature:
    """One signature line of a note, as parsed (not necessarily verified)."""

    name: str
    key_id: bytes
    signature: bytes


@dataclass(frozen=True)
class Note:
    """An opened note: its text and the names of the known keys whose signatures verified."""

    text: str
    verified: tuple[str, ...]
    signatures: tuple[Signature, ...]


def check_key_name(name: str) -> None:
    """Refuse names the spec forbids: they would make signature lines or vkeys ambiguous."""
    if not isinstance(name, str) or not name:
        raise NoteError("key name must not be empty")
    if "+" in name:
        raise NoteError(f"key name {name!r} must not contain '+'")
    if any(ch.isspace() for ch in name):
        raise NoteError(f"key name {name!r} must not contain spaces")
    _check_characters(name, "key name")


def check_public_key(public_key: bytes) -> None:
    """Refuse a key of small order or in non-canonical form before anyone is told to trust it."""
    _check_public_key(public_key)
    y = int.from_bytes(public_key[:31] + bytes([public_key[31] & 0x7F]), "little")
    if y >= _ED25519_P:
        raise NoteError("the Ed25519 public key is not in canonical form")
    if y in _SMALL_ORDER_Y:
        raise NoteError("the Ed25519 public key is a point of small order")


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte hint that ties a signature line to a (name, key) pair without trying every key."""
    check_key_name(name)
    _check_public_key(public_key)
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key)
    return digest.digest()[:KEY_ID_SIZE]


def vkey(name: str, public_key: bytes) -> str:
    """Text form of a verifier key, for enrolment records and for showing to people."""
    kid = key_id(name, public_key)
    encoded = base64.b64encode(bytes([ALG_ED25519]) + public_key).decode("ascii")
    return f"{name}+{kid.hex()}+{encoded}"


def parse_vkey(text: str) -> Verifier:
    """Parse a vkey strictly; the embedded key id must match the key so a typo cannot slip by."""
    if not isinstance(text, str):
        raise NoteError("verifier key must be text")
    parts = text.split("+", 2)  # the name has no '+', but base64 may
    if len(parts) != 3:
        raise NoteError("verifier key must have the form <name>+<key id>+<key>")
    name, hex_id, encoded = parts
    check_key_name(name)
    if len(hex_id) != 2 * KEY_ID_SIZE or any(c not in "0123456789abcdef" for c in hex_id):
        raise NoteError("verifier key id must be 8 lowercase hexadecimal characters")
    raw = _strict_b64decode(encoded, "verifier key")
    if len(raw) != 1 + ED25519_KEY_SIZE or raw[0] != ALG_ED25519:
        raise NoteError("verifier key is not an Ed25519 key (algorithm 1, 32 bytes)")
    public_key = raw[1:]
    check_public_key(public_key)
    kid = key_id(name, public_key)
    if kid.hex() != hex_id:
        raise NoteError("verifier key id does not match its name and key")
    return Verifier(name=name, key_id=kid, public_key=public_key)


def verifier_for(name: str, private_key: Ed25519PrivateKey) -> Verifier:
    """The verifier matching a private key: convenient for checking our own checkpoints."""
    public_key = _raw_public_key(private_key)
    return Verifier(name=name, key_id=key_id(name, public_key), public_key=public_key)


def sign(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Sign `text` as a new note with one signature line.

    The text is validated first, so we can never emit a note that our own `open_note` (or any
    conforming reader) would refuse.
    """
    _check_text(text)
    line = _signature_line(text, name, private_key)
    note = text + "\n" + line
    _check_size(note)
    return note


def add_signature(note: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """Cosign an existing note (e.g. HQ countersigning a device checkpoint).

    This only checks the note's form: verify the existing signatures with `open_note` first,
    otherwise you would be vouching for a text you have not checked.
    """
    text, sigs = _split(note)
    line = _signature_line(text, name, private_key)
    new = _parse_signature_line(line[:-1])
    if any(s.name == new.name and s.key_id == new.key_id for s in sigs):
        raise NoteError(f"the note already carries a signature from {name}")
    if len(sigs) + 1 > MAX_SIGNATURES:
        raise NoteError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    result = note + line
    _check_size(result)
    return result


def open_note(note: str, verifiers: Sequence[Verifier]) -> Note:
    """Parse `note` strictly and verify it against the keys we trust.

    Raises NoteError on any malformation, on a bad signature by a known key, and when no known
    key signed it: a note nobody we trust vouches for is worthless, so it is never "half valid".
    """
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        existing = known.get((v.name, v.key_id))
        if existing is not None and existing.public_key != v.public_key:
            raise NoteError(f"two different verifier keys share the name and id of {v.name}")
        known[(v.name, v.key_id)] = v
    text, sigs = _split(note)
    message = text.encode("utf-8")
    verified: list[str] = []
    for sig in sigs:
        signer = known.get((sig.name, sig.key_id))
        if signer is None:
            continue  # the spec: signatures from unknown keys are ignored
        if not signer.verify(message, sig.signature):
            raise NoteError(f"the signature by {sig.name} does not verify")
        verified.append(sig.name)
    if not verified:
        raise NoteError("the note has no signature from a known key")
    return Note(text=text, verified=tuple(verified), signatures=tuple(sigs))


# --- internals ------------------------------------------------------------------------------------


def _raw_public_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _check_public_key(public_key: bytes) -> None:
    if not isinstance(public_key, bytes) or len(public_key) != ED25519_KEY_SIZE:
        raise NoteError(f"an Ed25519 public key is {ED25519_KEY_SIZE} bytes")


def _check_characters(text: str, what: str) -> None:
    # The spec forbids ASCII control characters other than newline; DEL is refused too, as it
    # has no business in a note and can hide text on some terminals.
    for i, ch in enumerate(text):
        if (ch < " " and ch != "\n") or ch == "\x7f":
            raise NoteError(f"{what} holds a control character (U+{ord(ch):04X}) at position {i}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise NoteError(f"{what} is not valid UTF-8 (lone surrogate)") from exc


def _check_size(note: str) -> None:
    if len(note.encode("utf-8", "surrogatepass")) > MAX_NOTE_BYTES:
        raise NoteError(f"the note is larger than {MAX_NOTE_BYTES} bytes")


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise NoteError("note text must be a string")
    if not text:
        raise NoteError("note text is empty")
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_size(text)
    _check_characters(text, "note text")


def _strict_b64decode(encoded: str, what: str) -> bytes:
    # Only canonical standard base64 is accepted: one byte string, one encoding. Otherwise the
    # same signature could be written several ways, defeating duplicate detection.
    try:
        raw = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise NoteError(f"{what} is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != encoded:
        raise NoteError(f"{what} is not canonical base64")
    return raw


def _signature_line(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    check_key_name(name)
    kid = key_id(name, _raw_public_key(private_key))
    signature = private_key.sign(text.encode("utf-8"))
    return f"{_SIG_PREFIX}{name} {base64.b64encode(kid + signature).decode('ascii')}\n"


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(_SIG_PREFIX):
        raise NoteError("a signature line must start with an em dash and a space")
    rest = line[len(_SIG_PREFIX) :]
    name, sep, encoded = rest.partition(" ")
    if not sep:
        raise NoteError("a signature line must be '— <name> <signature>'")
    check_key_name(name)
    raw = _strict_b64decode(encoded, f"signature by {name}")
    if len(raw) <= KEY_ID_SIZE:
        raise NoteError(f"signature by {name} is too short")
    return Signature(name=name, key_id=raw[:KEY_ID_SIZE], signature=raw[KEY_ID_SIZE:])


def _split(note: str) -> tuple[str, list[Signature]]:
    """Split a note into its text and parsed signature lines, checking the whole form."""
    if not isinstance(note, str):
        raise NoteError("a note must be text")
    _check_size(note)
    _check_characters(note, "note")
    if not note.endswith("\n"):
        raise NoteError("the note does not end with a newline")
    # The text ends at the LAST blank line (the text itself may contain blank lines).
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("the note has no blank line before its signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block:
        raise NoteError("the note has no signature lines")
    lines = block[:-1].split("\n")  # block ends with "\n" (checked above)
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"the note has more than {MAX_SIGNATURES} signatures")
    sigs: list[Signature] = []
    seen: set[tuple[str, bytes]] = set()
    for line in lines:
        sig = _parse_signature_line(line)
        if (sig.name, sig.key_id) in seen:
            raise NoteError(f"the note has two signature lines from {sig.name}")
        seen.add((sig.name, sig.key_id))
        sigs.append(sig)
    return text, sigs
