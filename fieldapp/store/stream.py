"""The age v1 STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks (c2sp.org/age, "Payload").

Evidence blobs (issue 3) and age bundles (issue 4) both use this one function pair, so the
construction follows the age specification exactly:

- the plaintext is cut into chunks of 64 KiB; every chunk but the last is full; the last may be
  short, and is empty only when the whole plaintext is empty;
- chunk *i* is sealed with ChaCha20-Poly1305 (no associated data) under the nonce
  ``i`` as an 11-byte big-endian counter followed by one flag byte, 0x01 on the final chunk and
  0x00 on every other one;
- the payload key is HKDF-SHA-256(ikm = file key, salt = 16-byte nonce, info = "payload").

The last-chunk flag is what makes truncation detectable: a stream cut at a chunk boundary ends
in a chunk sealed as "not final", which then fails to open as final. Decryption hands out each
chunk only after its tag has been checked, and reports every malformed shape as `StreamError`.
Memory stays flat: at most two chunks are held at a time, whatever the stream's size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import FieldappError

CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
ENCRYPTED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
KEY_SIZE = 32
PAYLOAD_NONCE_SIZE = 16

_COUNTER_BYTES = 11
_COUNTER_LIMIT = 1 << (8 * _COUNTER_BYTES)
_LAST = b"\x01"
_NOT_LAST = b"\x00"


class StreamError(ValueError, FieldappError):
    """The encrypted stream is damaged, truncated, extended, or under another key.

    A `ValueError` so that code treating it as bad input keeps working, and a `FieldappError`
    so both front ends show its sentence instead of a crash report.
    """


def payload_key(file_key: bytes, nonce: bytes) -> bytes:
    """Derive the per-stream key exactly as age does, so one file key can seal many streams.

    The random 16-byte nonce is the HKDF salt: two streams under the same file key get
    unrelated payload keys, which is what lets the chunk counter restart at zero safely.
    """
    if len(nonce) != PAYLOAD_NONCE_SIZE:
        raise StreamError(f"the payload nonce must be {PAYLOAD_NONCE_SIZE} bytes, not {len(nonce)}")
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=nonce, info=b"payload").derive(
        bytes(file_key)
    )


def _aead(key: bytes) -> ChaCha20Poly1305:
    if len(key) != KEY_SIZE:
        raise StreamError(f"a stream key must be {KEY_SIZE} bytes, not {len(key)}")
    return ChaCha20Poly1305(bytes(key))


def _nonce(counter: int, last: bool) -> bytes:
    # An 11-byte counter cannot wrap in practice (2^88 chunks), but a wrapped nonce would reuse
    # a key stream, so refuse rather than trust the arithmetic.
    if counter >= _COUNTER_LIMIT:
        raise StreamError("the stream is too long: its chunk counter would wrap")
    return counter.to_bytes(_COUNTER_BYTES, "big") + (_LAST if last else _NOT_LAST)


class Source(Protocol):
    """Anything `encrypt_stream` can read plaintext from: a file, or a generator of lines."""

    def read(self, size: int = ..., /) -> bytes: ...


def _read_exactly(src: Source, size: int) -> bytes:
    """Read up to `size` bytes, looping over short reads (pipes, raw files) until EOF.

    Chunk boundaries are part of the format, so a short read must never be taken for the end.
    """
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    have = len(data)
    while have < size:
        more = src.read(size - have)
        if not more:
            break
        parts.append(more)
        have += len(more)
    return b"".join(parts)


def encrypt_stream(
    key: bytes,
    src: Source,
    dst: BinaryIO,
    *,
    on_plaintext: Callable[[bytes], None] | None = None,
) -> int:
    """Seal everything `src` holds into `dst` as an age STREAM payload; return the plaintext size.

    `on_plaintext` sees each plaintext chunk before it is sealed, so a caller can hash the same
    bytes in the same pass (one read of a multi-GB video, not two) and report progress; if it
    raises, encryption stops there and the exception propagates (this is how a GUI cancels).
    """
    aead = _aead(key)
    counter = 0
    total = 0
    chunk = _read_exactly(src, CHUNK_SIZE)
    while True:
        # One chunk of look-ahead: a full chunk is final only if nothing follows it.
        following = _read_exactly(src, CHUNK_SIZE) if len(chunk) == CHUNK_SIZE else b""
        last = not following
        if on_plaintext is not None:
            on_plaintext(chunk)
        dst.write(aead.encrypt(_nonce(counter, last), chunk, None))
        total += len(chunk)
        if last:
            return total
        counter += 1
        chunk = following


def decrypt_chunks(key: bytes, src: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext of an age STREAM payload chunk by chunk, each only once authenticated.

    The pull form of `decrypt_stream`, for readers that consume plaintext as it comes (a viewer,
    an export). The whole stream is proven intact only when the generator finishes without
    `StreamError`: a truncated stream is noticed at its end, after earlier chunks were yielded.
    """
    aead = _aead(key)
    counter = 0
    sealed = _read_exactly(src, ENCRYPTED_CHUNK_SIZE)
    if not sealed:
        raise StreamError("the encrypted stream is empty: it has no final chunk (truncated)")
    while True:
        if len(sealed) < TAG_SIZE:
            raise StreamError(
                f"chunk {counter} is {len(sealed)} bytes, shorter than its tag: "
                "the stream is truncated"
            )
        full = len(sealed) == ENCRYPTED_CHUNK_SIZE
        following = _read_exactly(src, ENCRYPTED_CHUNK_SIZE) if full else b""
        last = not following
        plain, fault = _open_chunk(aead, sealed, counter, last)
        if fault is not None:
            yield plain
            raise fault
        if last and not plain and counter > 0:
            raise StreamError(
                "the final chunk is empty after full ones, which the format forbids "
                "(the stream was extended or re-cut)"
            )
        yield plain
        if last:
            return
        counter += 1
        sealed = following


def decrypt_stream(
    key: bytes,
    src: BinaryIO,
    dst: BinaryIO,
    *,
    on_plaintext: Callable[[bytes], None] | None = None,
) -> int:
    """Open an age STREAM payload from `src` into `dst`; return the plaintext size.

    Only authenticated chunks reach `dst` and `on_plaintext`. A truncated stream is detected
    only at its end, so a caller that must not expose a partial plaintext writes to a temporary
    file and keeps it only when this returns. Raises `StreamError` on a bad tag, a stream with
    no final chunk, data after the final chunk, an empty final chunk after full ones, and a
    short chunk that is not the final one.
    """
    total = 0
    for plain in decrypt_chunks(key, src):
        if on_plaintext is not None:
            on_plaintext(plain)
        dst.write(plain)
        total += len(plain)
    return total


def _open_chunk(
    aead: ChaCha20Poly1305, sealed: bytes, counter: int, last: bool
) -> tuple[bytes, StreamError | None]:
    """Open one chunk: (plaintext, None), or (plaintext, the fault) when it is authentic but
    carries the wrong last-chunk flag for its place.

    Such a full-size chunk is genuine data from the sender in a stream that was cut or
    extended; age's reference reader releases it before failing, and so do we (the conformance
    vectors check exactly what is released). A short chunk is only ever the final one.
    Trying the other flag costs one more tag check, only on the
    failure path, and turns "authentication failed" into "truncated" or "extended".
    """
    try:
        return aead.decrypt(_nonce(counter, last), sealed, None), None
    except InvalidTag:
        pass
    try:
        plain = aead.decrypt(_nonce(counter, not last), sealed, None)
    except InvalidTag:
        raise StreamError(
            f"chunk {counter} failed authentication: the data is damaged or the key is wrong"
        ) from None
    if last and len(sealed) == ENCRYPTED_CHUNK_SIZE:
        fault = StreamError(
            f"the stream ends after chunk {counter}, which is not the final chunk (truncated)"
        )
    elif last:
        # A short chunk can only be the final one; the reference reader never tries it as
        # anything else, so nothing of it is released.
        raise StreamError(
            f"chunk {counter} is short but not the final chunk: the stream is truncated or re-cut"
        )
    else:
        fault = StreamError(
            f"data follows the final chunk (chunk {counter}): the stream was extended"
        )
    return plain, fault


def plaintext_size(payload_size: int) -> int:
    """The plaintext size a well-formed payload of `payload_size` bytes would open to.

    Lets a reader refuse an oversized blob before decrypting it (the sizes are fixed by the
    format); a damaged payload still fails in `decrypt_chunks`, this only does the arithmetic.
    """
    if payload_size < TAG_SIZE:
        raise StreamError(f"a payload of {payload_size} bytes is shorter than one tag")
    chunks = max(1, -(-payload_size // ENCRYPTED_CHUNK_SIZE))
    return payload_size - chunks * TAG_SIZE
