"""age v1 (c2sp.org/age) for sync bundles, on `cryptography` only.

Why our own reader and writer: a bundle is the one file that crosses from the field to HQ, so
HQ must parse it strictly (every malformed header is refused, never "repaired") and with flat
memory whatever its size. The pieces:

- header: the version line, recipient stanzas (``-> type args`` then a base64 body wrapped at
  64 columns, always closed by a short line), and ``--- <MAC>``: HMAC-SHA-256 under
  HKDF(file key, salt = "", info = "header") over the header up to and including ``---``;
- payload: a 16-byte nonce, then STREAM (`fieldapp.store.stream`, shared with the evidence
  store) under HKDF(file key, salt = nonce, info = "payload");
- `mlkem768x25519` stanzas (post-quantum hybrid): HPKE base mode with the ML-KEM-768 + X25519
  KEM, HKDF-SHA-256 and ChaCha20-Poly1305, info ``age-encryption.org/mlkem768x25519``; the
  argument is the 1120-byte HPKE ``enc``, the body the sealed 16-byte file key;
- `X25519` stanzas (classic): decryption only, because old age files and the conformance
  vectors use them; bundles are only ever encrypted to hybrid recipients, so a recorded bundle
  stays confidential against a future quantum computer;
- `scrypt` stanzas are refused by policy (`UnsupportedStanza`): a bundle is never
  passphrase-protected, and an scrypt header is a cheap way to make HQ burn CPU;
- armored (PEM) input is refused (`ArmorError`): bundles are binary.
"""

from __future__ import annotations

import base64
import binascii
import io
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Final, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import FieldappError
from fieldapp.store.stream import (
    CHUNK_SIZE,
    PAYLOAD_NONCE_SIZE,
    StreamError,
    decrypt_chunks,
    encrypt_stream,
    payload_key,
)

# The push form of STREAM below needs the same chunk sealing as `encrypt_stream`; it uses the
# stream module's own nonce and AEAD helpers rather than a second copy of the construction.
from fieldapp.store.stream import _aead as _stream_aead
from fieldapp.store.stream import _nonce as _stream_nonce
from sync import bech32

VERSION_LINE: Final = b"age-encryption.org/v1"
HYBRID_STANZA: Final = "mlkem768x25519"
X25519_STANZA: Final = "X25519"
HYBRID_INFO: Final = b"age-encryption.org/mlkem768x25519"
X25519_INFO: Final = b"age-encryption.org/v1/X25519"

RECIPIENT_HRP_PQ: Final = "age1pq"
IDENTITY_HRP_PQ: Final = "AGE-SECRET-KEY-PQ-"
RECIPIENT_HRP_X25519: Final = "age"
IDENTITY_HRP_X25519: Final = "AGE-SECRET-KEY-"

FILE_KEY_SIZE: Final = 16
_MAC_SIZE: Final = 32
_SEED_SIZE: Final = 32
_X25519_SIZE: Final = 32
_MLKEM_PUBLIC_SIZE: Final = 1184
_MLKEM_CIPHERTEXT_SIZE: Final = 1088
HYBRID_PUBLIC_SIZE: Final = _MLKEM_PUBLIC_SIZE + _X25519_SIZE
_HYBRID_ENC_SIZE: Final = _MLKEM_CIPHERTEXT_SIZE + _X25519_SIZE
_WRAPPED_KEY_SIZE: Final = FILE_KEY_SIZE + 16
_BODY_COLUMNS: Final = 64
# A hybrid stanza line is about 1,520 characters; the caps only bound memory on hostile input.
_MAX_LINE: Final = 16 * 1024
_MAX_HEADER: Final = 1024 * 1024
_ARMOR_MARK: Final = re.compile(rb"-----\s*BEGIN")
_ARMOR_SNIFF: Final = 4096

_SUITE: Final = hpke.Suite(
    hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305
)


class AgeError(ValueError, FieldappError):
    """An age file could not be read or written; the sentence says why.

    A `ValueError` (bad input) and a `FieldappError` (both front ends show the sentence).
    """


class HeaderError(AgeError):
    """The header is malformed: wrong version, a bad stanza, non-canonical base64, a bad share."""


class HMACError(AgeError):
    """The header MAC does not match: the header was altered after it was written."""


class PayloadError(AgeError):
    """The payload is damaged, truncated or extended.

    `released` is how many plaintext bytes were already written to the output before the
    failure: each of them was authenticated chunk by chunk, but the file as a whole is not.
    The conformance check hashes them; the bundle reader must delete them.
    """

    def __init__(self, message: str, released: int) -> None:
        super().__init__(message)
        self.released = released


class NoIdentityMatch(AgeError):
    """None of the given identities can open any stanza of the file."""


class ArmorError(AgeError):
    """The input is ASCII-armored (PEM); bundles are binary age files."""


class UnsupportedStanza(AgeError):
    """A stanza this reader refuses by policy (scrypt), or a recipient it will not encrypt to."""


@dataclass(frozen=True)
class Stanza:
    """One parsed recipient stanza: its type, its other arguments, and its decoded body."""

    type: str
    args: tuple[str, ...]
    body: bytes


def _b64decode(text: bytes, what: str) -> bytes:
    """Decode unpadded canonical base64, as the age header requires.

    Canonical matters: two spellings of the same bytes would let a header be altered without
    changing what it means, and age defines the MAC over the text, not the bytes.
    """
    if b"=" in text:
        raise HeaderError(f"{what} uses base64 padding, which age forbids")
    if len(text) % 4 == 1:
        raise HeaderError(f"{what} has an impossible base64 length ({len(text)} characters)")
    try:
        data = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise HeaderError(f"{what} is not valid base64") from None
    if base64.b64encode(data).rstrip(b"=") != text:
        raise HeaderError(f"{what} is not canonical base64 (its unused bits are not zero)")
    return data


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).rstrip(b"=").decode("ascii")


# --- keys -----------------------------------------------------------------------------------


def _x25519_shared(private: x25519.X25519PrivateKey, share: bytes, what: str) -> bytes:
    """X25519 with the all-zero result refused: a low-order share would fix the shared secret."""
    try:
        return private.exchange(x25519.X25519PublicKey.from_public_bytes(share))
    except ValueError:
        raise HeaderError(
            f"the {what} share is a low-order point (the shared secret would be all zeros)"
        ) from None


class HybridRecipient:
    """An `age1pq1…` recipient: ML-KEM-768 encapsulation key followed by an X25519 public key."""

    def __init__(self, public: bytes) -> None:
        if len(public) != HYBRID_PUBLIC_SIZE:
            raise AgeError(
                f"an mlkem768x25519 public key is {HYBRID_PUBLIC_SIZE} bytes, not {len(public)}"
            )
        try:
            pq = mlkem.MLKEM768PublicKey.from_public_bytes(public[:_MLKEM_PUBLIC_SIZE])
        except ValueError:
            raise AgeError("the recipient's ML-KEM-768 key is not a valid public key") from None
        classic = x25519.X25519PublicKey.from_public_bytes(public[_MLKEM_PUBLIC_SIZE:])
        self.public = bytes(public)
        self._key = hpke.MLKEM768X25519PublicKey(pq, classic)

    @classmethod
    def parse(cls, text: str) -> HybridRecipient:
        """Read an `age1pq1…` string; classic `age1…` recipients are refused for bundles."""
        hrp, data = _decode_key(text, "recipient")
        if hrp == RECIPIENT_HRP_X25519:
            raise UnsupportedStanza(
                "classic X25519 recipients (age1…) are refused: bundles are encrypted only to "
                "post-quantum mlkem768x25519 recipients (age1pq1…)"
            )
        if hrp != RECIPIENT_HRP_PQ:
            raise AgeError(f"not an age1pq1… recipient (its prefix is {hrp!r})")
        return cls(data)

    def wrap(self, file_key: bytes) -> Stanza:
        """Seal the file key to this recipient as an `mlkem768x25519` stanza."""
        sealed = _SUITE.encrypt(file_key, self._key, info=HYBRID_INFO)
        enc, body = sealed[:_HYBRID_ENC_SIZE], sealed[_HYBRID_ENC_SIZE:]
        return Stanza(HYBRID_STANZA, (_b64encode(enc),), body)

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP_PQ, self.public)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HybridRecipient) and other.public == self.public

    def __hash__(self) -> int:
        return hash(self.public)


class HybridIdentity:
    """An `AGE-SECRET-KEY-PQ-1…` identity: a 32-byte seed that expands to both private keys.

    SHAKE-256(seed) gives 96 bytes: the first 64 are the ML-KEM-768 seed, the last 32 the
    X25519 private key. Storing only the seed keeps the secret small and the keys consistent.
    """

    def __init__(self, seed: bytes) -> None:
        if len(seed) != _SEED_SIZE:
            raise AgeError(
                f"an mlkem768x25519 identity seed is {_SEED_SIZE} bytes, not {len(seed)}"
            )
        self.seed = bytes(seed)
        digest = hashes.Hash(hashes.SHAKE256(digest_size=96))
        digest.update(self.seed)
        expanded = digest.finalize()
        self._pq = mlkem.MLKEM768PrivateKey.from_seed_bytes(expanded[:64])
        self._classic = x25519.X25519PrivateKey.from_private_bytes(expanded[64:])
        self._key = hpke.MLKEM768X25519PrivateKey(self._pq, self._classic)

    @classmethod
    def generate(cls) -> HybridIdentity:
        """A fresh identity from the operating system's random source."""
        return cls(os.urandom(_SEED_SIZE))

    @classmethod
    def parse(cls, text: str) -> HybridIdentity:
        """Read an `AGE-SECRET-KEY-PQ-1…` string."""
        hrp, data = _decode_key(text, "identity")
        if hrp != IDENTITY_HRP_PQ.lower():
            raise AgeError(f"not an AGE-SECRET-KEY-PQ-1… identity (its prefix is {hrp.upper()!r})")
        return cls(data)

    def recipient(self) -> HybridRecipient:
        """The public half, to give to whoever encrypts to this identity."""
        return HybridRecipient(
            self._pq.public_key().public_bytes_raw() + self._classic.public_key().public_bytes_raw()
        )

    def unwrap(self, stanza: Stanza) -> bytes | None:
        """The file key if `stanza` was sealed to this identity, None if it is someone else's.

        A malformed hybrid stanza is a `HeaderError`, not "no match": a broken header must not
        be passed over silently in favour of another stanza.
        """
        if stanza.type != HYBRID_STANZA:
            return None
        if len(stanza.args) != 1:
            raise HeaderError("an mlkem768x25519 stanza must have exactly one argument")
        enc = _b64decode(stanza.args[0].encode("ascii"), "the mlkem768x25519 enc")
        if len(enc) != _HYBRID_ENC_SIZE:
            raise HeaderError(f"the mlkem768x25519 enc is {len(enc)} bytes, not {_HYBRID_ENC_SIZE}")
        if len(stanza.body) != _WRAPPED_KEY_SIZE:
            raise HeaderError(
                f"the mlkem768x25519 stanza body is {len(stanza.body)} bytes, "
                f"not {_WRAPPED_KEY_SIZE} (a 16-byte file key and its tag)"
            )
        # HPKE reports a low-order X25519 share as a failed tag; the format calls it a broken
        # header, so check it first.
        _x25519_shared(self._classic, enc[_MLKEM_CIPHERTEXT_SIZE:], "mlkem768x25519 X25519")
        try:
            return _SUITE.decrypt(enc + stanza.body, self._key, info=HYBRID_INFO)
        except InvalidTag:
            return None

    def __str__(self) -> str:
        return bech32.encode(IDENTITY_HRP_PQ, self.seed)


class X25519Recipient:
    """A classic `age1…` recipient: only parsed and formatted, never encrypted to here."""

    def __init__(self, public: bytes) -> None:
        if len(public) != _X25519_SIZE:
            raise AgeError(f"an X25519 public key is {_X25519_SIZE} bytes, not {len(public)}")
        self.public = bytes(public)

    @classmethod
    def parse(cls, text: str) -> X25519Recipient:
        """Read an `age1…` string (for display and comparison)."""
        hrp, data = _decode_key(text, "recipient")
        if hrp != RECIPIENT_HRP_X25519:
            raise AgeError(f"not an age1… X25519 recipient (its prefix is {hrp!r})")
        return cls(data)

    def __str__(self) -> str:
        return bech32.encode(RECIPIENT_HRP_X25519, self.public)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and other.public == self.public

    def __hash__(self) -> int:
        return hash(self.public)


class X25519Identity:
    """A classic `AGE-SECRET-KEY-1…` identity, for decrypting files made by other age tools."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) != _X25519_SIZE:
            raise AgeError(f"an X25519 identity is {_X25519_SIZE} bytes, not {len(secret)}")
        self.secret = bytes(secret)
        self._key = x25519.X25519PrivateKey.from_private_bytes(self.secret)
        self._public = self._key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> X25519Identity:
        """A fresh identity from the operating system's random source."""
        return cls(x25519.X25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, text: str) -> X25519Identity:
        """Read an `AGE-SECRET-KEY-1…` string."""
        hrp, data = _decode_key(text, "identity")
        if hrp != IDENTITY_HRP_X25519.lower():
            raise AgeError(f"not an AGE-SECRET-KEY-1… identity (its prefix is {hrp.upper()!r})")
        return cls(data)

    def recipient(self) -> X25519Recipient:
        """The public half."""
        return X25519Recipient(self._public)

    def unwrap(self, stanza: Stanza) -> bytes | None:
        """The file key if `stanza` was sealed to this identity, None if it is someone else's."""
        if stanza.type != X25519_STANZA:
            return None
        if len(stanza.args) != 1:
            raise HeaderError("an X25519 stanza must have exactly one argument")
        share = _b64decode(stanza.args[0].encode("ascii"), "the X25519 share")
        if len(share) != _X25519_SIZE:
            raise HeaderError(f"the X25519 share is {len(share)} bytes, not {_X25519_SIZE}")
        if len(stanza.body) != _WRAPPED_KEY_SIZE:
            raise HeaderError(
                f"the X25519 stanza body is {len(stanza.body)} bytes, not {_WRAPPED_KEY_SIZE}"
            )
        shared = _x25519_shared(self._key, share, "X25519")
        wrap_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=share + self._public, info=X25519_INFO
        ).derive(shared)
        try:
            return ChaCha20Poly1305(wrap_key).decrypt(bytes(12), stanza.body, None)
        except InvalidTag:
            return None

    def __str__(self) -> str:
        return bech32.encode(IDENTITY_HRP_X25519, self.secret)


Identity = HybridIdentity | X25519Identity


def _decode_key(text: str, what: str) -> tuple[str, bytes]:
    try:
        return bech32.decode(text.strip())
    except bech32.Bech32Error as exc:
        raise AgeError(f"this {what} is not a valid age key string: {exc}") from None


def parse_identity(text: str) -> Identity:
    """Read either identity kind from its string, choosing by prefix."""
    if text.strip().upper().startswith(IDENTITY_HRP_PQ):
        return HybridIdentity.parse(text)
    return X25519Identity.parse(text)


def _identities(identities: Sequence[Identity | str]) -> list[Identity]:
    parsed = [parse_identity(i) if isinstance(i, str) else i for i in identities]
    if not parsed:
        raise AgeError("no identity was given to decrypt with")
    return parsed


# --- header ---------------------------------------------------------------------------------


def _header_key(file_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"", info=b"header").derive(file_key)


def _header_mac(file_key: bytes, header: bytes) -> bytes:
    mac = crypto_hmac.HMAC(_header_key(file_key), hashes.SHA256())
    mac.update(header)
    return mac.finalize()


def _stanza_text(stanza: Stanza) -> bytes:
    encoded = _b64encode(stanza.body)
    lines = [encoded[i : i + _BODY_COLUMNS] for i in range(0, len(encoded), _BODY_COLUMNS)]
    # The body always ends with a short line, empty when the last full line is 64 columns.
    if not lines or len(lines[-1]) == _BODY_COLUMNS:
        lines.append("")
    head = " ".join(("->", stanza.type, *stanza.args))
    return "\n".join([head, *lines]).encode("ascii") + b"\n"


class _HeaderReader:
    """Reads header lines with a cap on each line and on the whole, keeping the MAC'd bytes."""

    def __init__(self, src: BinaryIO) -> None:
        self._src = src
        self.consumed = bytearray()

    def line(self) -> bytes:
        raw = self._src.readline(_MAX_LINE + 1)
        self.consumed += raw
        if len(self.consumed) > _MAX_HEADER:
            raise HeaderError(f"the header is longer than {_MAX_HEADER} bytes")
        if not raw:
            raise HeaderError("the header ends before its '---' MAC line (truncated)")
        if not raw.endswith(b"\n"):
            if len(raw) > _MAX_LINE:
                raise HeaderError(f"a header line is longer than {_MAX_LINE} bytes")
            raise HeaderError("the header ends in the middle of a line (truncated)")
        if b"\r" in raw:
            raise HeaderError("a header line contains a carriage return; age uses LF line ends")
        return raw[:-1]


def _check_armor(first: bytes, src: BinaryIO) -> None:
    """Refuse PEM-armored input with its own error, so a user knows to send the binary file."""
    sniff = first + (b"" if _ARMOR_MARK.search(first) else src.read(_ARMOR_SNIFF))
    if _ARMOR_MARK.search(sniff):
        raise ArmorError(
            "this is an ASCII-armored (PEM) age file; bundles are accepted only in the binary "
            "format"
        )


def _valid_arg(arg: bytes) -> bool:
    return bool(arg) and all(33 <= b <= 126 for b in arg)


def _read_stanza(reader: _HeaderReader, head: bytes) -> Stanza:
    args = head[3:].split(b" ")
    if not all(_valid_arg(a) for a in args):
        raise HeaderError(
            "a stanza line has an empty argument or a character outside printable ASCII"
        )
    if args[0] == b"scrypt":
        raise UnsupportedStanza(
            "the file is passphrase-encrypted (an scrypt stanza); bundles must be encrypted to "
            "HQ's recipients, and scrypt stanzas are refused"
        )
    lines: list[bytes] = []
    while True:
        body_line = reader.line()
        if body_line.startswith(b"-"):
            raise HeaderError(
                "a stanza ends without its final short body line (a body always ends with a "
                "line under 64 columns, empty when needed)"
            )
        if len(body_line) > _BODY_COLUMNS:
            raise HeaderError(f"a stanza body line is longer than {_BODY_COLUMNS} columns")
        lines.append(body_line)
        if len(body_line) < _BODY_COLUMNS:
            break
    body = _b64decode(b"".join(lines), "a stanza body")
    return Stanza(args[0].decode("ascii"), tuple(a.decode("ascii") for a in args[1:]), body)


def _read_header(src: BinaryIO) -> tuple[list[Stanza], bytes, bytes]:
    """Parse the header: its stanzas, the bytes the MAC covers, and the MAC itself."""
    reader = _HeaderReader(src)
    first = src.readline(_MAX_LINE + 1)
    reader.consumed += first
    if first != VERSION_LINE + b"\n":
        _check_armor(first, src)
        if not first:
            raise HeaderError("the file is empty: it has no age header")
        if first.rstrip(b"\r\n") == VERSION_LINE:
            raise HeaderError("the header's lines end in CRLF; age header lines end in LF only")
        if first.startswith(b"age-encryption.org/"):
            shown = first.rstrip(b"\r\n")[:64]
            raise HeaderError(f"unsupported age version line {shown!r}; only v1 is read")
        raise HeaderError("this is not an age v1 file: the first line is not the version line")
    stanzas: list[Stanza] = []
    while True:
        line = reader.line()
        if line.startswith(b"-> "):
            stanzas.append(_read_stanza(reader, line))
        elif line.startswith(b"->"):
            raise HeaderError("a stanza line must be '-> ' followed by at least one argument")
        elif line.startswith(b"---"):
            if not line.startswith(b"--- "):
                raise HeaderError("the MAC line must be '--- ' followed by the MAC")
            start = len(reader.consumed) - len(line) - 1
            covered = bytes(reader.consumed[:start]) + b"---"
            mac = _b64decode(line[4:], "the header MAC")
            if len(mac) != _MAC_SIZE:
                raise HeaderError(f"the header MAC is {len(mac)} bytes, not {_MAC_SIZE}")
            break
        else:
            raise HeaderError("a header line is neither a stanza ('-> ') nor the MAC ('--- ')")
    if not stanzas:
        raise HeaderError("the header has no recipient stanza")
    return stanzas, covered, mac


def _read_exactly(src: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = src.read(size - len(data))
        if not more:
            break
        data += more
    return data


# --- API ------------------------------------------------------------------------------------


def _hybrid_recipients(recipients: Sequence[HybridRecipient | str]) -> list[HybridRecipient]:
    parsed = [HybridRecipient.parse(r) if isinstance(r, str) else r for r in recipients]
    if not parsed:
        raise AgeError("at least one recipient is needed to encrypt")
    for recipient in parsed:
        if not isinstance(recipient, HybridRecipient):
            raise UnsupportedStanza(
                "only mlkem768x25519 recipients are accepted for encryption, "
                f"not {type(recipient).__name__}"
            )
    return parsed


def _write_header(stream_out: Sink, recipients: Sequence[HybridRecipient | str]) -> bytes:
    """Write the header and the payload nonce; return the payload key."""
    parsed = _hybrid_recipients(recipients)
    file_key = os.urandom(FILE_KEY_SIZE)
    header = VERSION_LINE + b"\n" + b"".join(_stanza_text(r.wrap(file_key)) for r in parsed)
    header += b"---"
    mac = _header_mac(file_key, header)
    stream_out.write(header + b" " + _b64encode(mac).encode("ascii") + b"\n")
    nonce = os.urandom(PAYLOAD_NONCE_SIZE)
    stream_out.write(nonce)
    return payload_key(file_key, nonce)


def encrypt(
    stream_in: BinaryIO, stream_out: BinaryIO, recipients: Sequence[HybridRecipient | str]
) -> int:
    """Encrypt all of `stream_in` into `stream_out` as binary age; return the plaintext size.

    Only `mlkem768x25519` recipients are accepted, so a bundle is never weaker than its
    weakest stanza allows: mixing in a classic X25519 stanza would let a future quantum
    attacker recover the file key from a recorded bundle. Memory stays flat (STREAM chunks).
    """
    key = _write_header(stream_out, recipients)
    return encrypt_stream(key, stream_in, stream_out)


class Sink(Protocol):
    """Where an encrypting writer puts ciphertext: a file, or a writer thread in front of one."""

    def write(self, data: bytes, /) -> int: ...


class EncryptingWriter:
    """The write side of `encrypt`: plaintext pushed in with `write`, sealed 64 KiB at a time.

    For producers that write rather than get read from (the bundle's tar writer): one full
    chunk is held back until more data or `finish` shows whether it is the final one, so the
    last-chunk flag is right without knowing the size in advance. Memory stays at about one
    chunk whatever is written.
    """

    def __init__(self, stream_out: Sink, key: bytes) -> None:
        self._out = stream_out
        self._aead = _stream_aead(key)
        self._counter = 0
        self._pending = bytearray()
        self._finished = False
        self.size = 0

    def write(self, data: bytes, /) -> int:
        """Take plaintext; seal every chunk that is known not to be the last."""
        if self._finished:
            raise AgeError("the age file is finished; nothing more can be written")
        self._pending += data
        self.size += len(data)
        if len(self._pending) > CHUNK_SIZE:
            # Keep a whole chunk back: only what follows it decides whether it is the final one.
            sealable = (len(self._pending) - 1) // CHUNK_SIZE * CHUNK_SIZE
            view = memoryview(self._pending)
            try:
                for start in range(0, sealable, CHUNK_SIZE):
                    chunk = bytes(view[start : start + CHUNK_SIZE])
                    nonce = _stream_nonce(self._counter, last=False)
                    self._out.write(self._aead.encrypt(nonce, chunk, None))
                    self._counter += 1
            finally:
                view.release()
            del self._pending[:sealable]
        return len(data)

    def finish(self) -> int:
        """Seal the final chunk (empty only when nothing was written); return the size."""
        if not self._finished:
            last = bytes(self._pending)
            self._out.write(self._aead.encrypt(_stream_nonce(self._counter, last=True), last, None))
            self._pending.clear()
            self._finished = True
        return self.size


@contextmanager
def encrypting_writer(
    stream_out: Sink, recipients: Sequence[HybridRecipient | str]
) -> Iterator[EncryptingWriter]:
    """Write an age file by pushing plaintext into the yielded writer.

    The header goes out at once; the final chunk is sealed only when the block ends without an
    exception. After an exception the output has no final chunk, so any reader refuses it as
    truncated: the caller must still delete it, but it can never pass for a complete file.
    """
    writer = EncryptingWriter(stream_out, _write_header(stream_out, recipients))
    yield writer
    writer.finish()


def decrypt(stream_in: BinaryIO, stream_out: BinaryIO, identities: Sequence[Identity | str]) -> int:
    """Decrypt the age file in `stream_in` into `stream_out`; return the plaintext size.

    Nothing reaches `stream_out` before the header and its MAC are verified. The payload is
    then written chunk by chunk as each is authenticated, so on `PayloadError` `stream_out`
    holds an authenticated but incomplete prefix (`PayloadError.released` bytes): a caller that
    must not keep partial plaintext (the bundle reader) writes to quarantine and deletes it.
    """
    keys = _identities(identities)
    stanzas, covered, mac = _read_header(stream_in)
    file_key = None
    for identity in keys:
        for stanza in stanzas:
            file_key = identity.unwrap(stanza)
            if file_key is not None:
                break
        if file_key is not None:
            break
    if file_key is None:
        raise NoIdentityMatch(
            f"none of the {len(keys)} given identities can open this file's "
            f"{len(stanzas)} recipient stanza(s)"
        )
    if len(file_key) != FILE_KEY_SIZE:
        raise HeaderError(f"the file key is {len(file_key)} bytes, not {FILE_KEY_SIZE}")
    check = crypto_hmac.HMAC(_header_key(file_key), hashes.SHA256())
    check.update(covered)
    try:
        check.verify(mac)  # constant-time comparison
    except InvalidSignature:
        raise HMACError("the header MAC is wrong: the header was altered") from None
    nonce = _read_exactly(stream_in, PAYLOAD_NONCE_SIZE)
    if len(nonce) != PAYLOAD_NONCE_SIZE:
        raise HeaderError(
            f"the payload nonce is {len(nonce)} bytes, not {PAYLOAD_NONCE_SIZE} (truncated)"
        )
    released = 0
    try:
        for chunk in decrypt_chunks(payload_key(file_key, nonce), stream_in):
            stream_out.write(chunk)
            released += len(chunk)
    except StreamError as exc:
        raise PayloadError(f"the payload is damaged: {exc}", released) from None
    return released


def decrypt_bytes(data: bytes, identities: Sequence[Identity | str]) -> bytes:
    """Decrypt a whole age file held in memory; any partial plaintext is dropped on error."""
    out = io.BytesIO()
    decrypt(io.BytesIO(data), out, identities)
    return out.getvalue()


__all__ = [
    "AgeError",
    "ArmorError",
    "EncryptingWriter",
    "HMACError",
    "HeaderError",
    "HybridIdentity",
    "HybridRecipient",
    "Identity",
    "NoIdentityMatch",
    "PayloadError",
    "Stanza",
    "UnsupportedStanza",
    "X25519Identity",
    "X25519Recipient",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypting_writer",
    "parse_identity",
]
