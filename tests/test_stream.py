"""The age STREAM payload: round trips at every chunk boundary and every malformed shape refused.

Malformed streams are built from the primitive itself (ChaCha20-Poly1305 with the age nonce
layout), so each test produces exactly the shape it names: a stream cut at a chunk boundary, an
extra chunk after the final one, an empty final chunk, a short chunk that is not final.
"""

from __future__ import annotations

import io
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import FieldappError
from fieldapp.store.stream import (
    CHUNK_SIZE,
    ENCRYPTED_CHUNK_SIZE,
    TAG_SIZE,
    StreamError,
    decrypt_chunks,
    decrypt_stream,
    encrypt_stream,
    payload_key,
    plaintext_size,
)

KEY = bytes(range(32))


def seal(plaintext: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    encrypt_stream(key, io.BytesIO(plaintext), out)
    return out.getvalue()


def open_(sealed: bytes, key: bytes = KEY) -> bytes:
    out = io.BytesIO()
    decrypt_stream(key, io.BytesIO(sealed), out)
    return out.getvalue()


def chunk(counter: int, data: bytes, last: bool) -> bytes:
    """One chunk sealed by hand with the age nonce: 11-byte big-endian counter || flag."""
    nonce = counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
    return ChaCha20Poly1305(KEY).encrypt(nonce, data, None)


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 1024 * 1024 + 12345],
)
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    plaintext = os.urandom(size)
    sealed = seal(plaintext)
    chunks = max(1, -(-size // CHUNK_SIZE))
    assert len(sealed) == size + chunks * TAG_SIZE
    assert plaintext_size(len(sealed)) == size
    assert open_(sealed) == plaintext


def test_sizes_returned_and_callbacks_see_every_chunk_in_order() -> None:
    plaintext = os.urandom(2 * CHUNK_SIZE + 7)
    seen_in: list[bytes] = []
    sealed = io.BytesIO()
    assert encrypt_stream(KEY, io.BytesIO(plaintext), sealed, on_plaintext=seen_in.append) == len(
        plaintext
    )
    seen_out: list[bytes] = []
    sink = io.BytesIO()
    assert decrypt_stream(
        KEY, io.BytesIO(sealed.getvalue()), sink, on_plaintext=seen_out.append
    ) == len(plaintext)
    assert [len(c) for c in seen_in] == [CHUNK_SIZE, CHUNK_SIZE, 7]
    assert seen_in == seen_out
    assert b"".join(seen_in) == plaintext


def test_the_format_is_exactly_age_chunking() -> None:
    """A full last chunk carries the final flag itself; no empty chunk is appended."""
    plaintext = os.urandom(2 * CHUNK_SIZE)
    expected = chunk(0, plaintext[:CHUNK_SIZE], False) + chunk(1, plaintext[CHUNK_SIZE:], True)
    assert seal(plaintext) == expected
    assert seal(b"") == chunk(0, b"", True)


def test_payload_key_is_age_hkdf() -> None:
    file_key = os.urandom(16)
    nonce = os.urandom(16)
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=nonce, info=b"payload").derive(
        file_key
    )
    assert payload_key(file_key, nonce) == expected
    assert payload_key(file_key, os.urandom(16)) != expected


def test_payload_key_refuses_a_wrong_nonce_length() -> None:
    with pytest.raises(StreamError, match="16 bytes"):
        payload_key(os.urandom(16), b"short")


def test_a_raising_callback_stops_encryption() -> None:
    class Cancelled(Exception):
        pass

    calls = 0

    def cancel_on_second(_: bytes) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Cancelled

    out = io.BytesIO()
    with pytest.raises(Cancelled):
        encrypt_stream(
            KEY, io.BytesIO(os.urandom(5 * CHUNK_SIZE)), out, on_plaintext=cancel_on_second
        )
    assert calls == 2
    # Only the chunk before the cancel was written: the cancel is not after the fact.
    assert len(out.getvalue()) == ENCRYPTED_CHUNK_SIZE


def test_short_reads_do_not_change_chunk_boundaries() -> None:
    class Trickle(io.RawIOBase):
        """A source that returns at most 1000 bytes per read, like a pipe."""

        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            return self._data.read(min(size, 1000) if size >= 0 else 1000)

    plaintext = os.urandom(CHUNK_SIZE + 10)
    out = io.BytesIO()
    encrypt_stream(KEY, Trickle(plaintext), out)
    assert out.getvalue() == seal(plaintext)
    back = io.BytesIO()
    decrypt_stream(KEY, Trickle(out.getvalue()), back)  # type: ignore[arg-type]
    assert back.getvalue() == plaintext


def test_stream_error_is_a_value_error_and_a_fieldapp_error() -> None:
    assert issubclass(StreamError, ValueError)
    assert issubclass(StreamError, FieldappError)


def test_wrong_key_is_refused() -> None:
    sealed = seal(b"evidence")
    with pytest.raises(StreamError, match="failed authentication"):
        open_(sealed, key=os.urandom(32))


def test_a_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(StreamError, match="32 bytes"):
        seal(b"x", key=b"short")


@pytest.mark.parametrize("position", [0, CHUNK_SIZE + 3, -1])
def test_a_flipped_bit_anywhere_is_a_bad_tag(position: int) -> None:
    sealed = bytearray(seal(os.urandom(2 * CHUNK_SIZE + 100)))
    sealed[position] ^= 0x01
    with pytest.raises(StreamError, match="failed authentication"):
        open_(bytes(sealed))


def test_only_authenticated_chunks_are_written() -> None:
    plaintext = os.urandom(3 * CHUNK_SIZE)
    sealed = bytearray(seal(plaintext))
    sealed[ENCRYPTED_CHUNK_SIZE + 10] ^= 0x80  # damage the second chunk
    out = io.BytesIO()
    with pytest.raises(StreamError):
        decrypt_stream(KEY, io.BytesIO(bytes(sealed)), out)
    assert out.getvalue() == plaintext[:CHUNK_SIZE]


def test_an_empty_input_has_no_final_chunk() -> None:
    with pytest.raises(StreamError, match="no final chunk"):
        open_(b"")


def test_a_stream_cut_at_a_chunk_boundary_is_truncated() -> None:
    sealed = seal(os.urandom(3 * CHUNK_SIZE))
    with pytest.raises(StreamError, match="not the final chunk"):
        open_(sealed[: 2 * ENCRYPTED_CHUNK_SIZE])


def test_a_stream_cut_inside_a_tag_is_truncated() -> None:
    sealed = seal(os.urandom(CHUNK_SIZE + 50))
    with pytest.raises(StreamError, match="shorter than its tag"):
        open_(sealed[: ENCRYPTED_CHUNK_SIZE + 5])


def test_a_stream_cut_mid_chunk_fails() -> None:
    sealed = seal(os.urandom(2 * CHUNK_SIZE))
    with pytest.raises(StreamError):
        open_(sealed[: ENCRYPTED_CHUNK_SIZE + 1000])


def test_data_after_a_full_final_chunk_is_refused() -> None:
    plaintext = os.urandom(CHUNK_SIZE)
    sealed = chunk(0, plaintext, True) + chunk(1, b"more", True)
    with pytest.raises(StreamError, match="data follows the final chunk"):
        open_(sealed)


def test_bytes_appended_after_a_short_final_chunk_are_refused() -> None:
    with pytest.raises(StreamError):
        open_(seal(b"evidence") + b"\x00")


def test_an_empty_final_chunk_after_full_ones_is_refused() -> None:
    plaintext = os.urandom(CHUNK_SIZE)
    sealed = chunk(0, plaintext, False) + chunk(1, b"", True)
    with pytest.raises(StreamError, match="final chunk is empty"):
        open_(sealed)


def test_a_short_chunk_that_is_not_final_is_refused() -> None:
    # As the whole stream: a short chunk sealed as "not final".
    with pytest.raises(StreamError, match="short but not the final chunk"):
        open_(chunk(0, b"short", False))
    # In the middle, followed by a final chunk: the re-cut stream does not authenticate.
    with pytest.raises(StreamError):
        open_(chunk(0, b"short", False) + chunk(1, b"tail", True))


def test_a_final_chunk_in_the_middle_is_refused() -> None:
    sealed = chunk(0, os.urandom(CHUNK_SIZE), True) + chunk(1, os.urandom(CHUNK_SIZE), True)
    with pytest.raises(StreamError, match="data follows the final chunk"):
        open_(sealed)


def test_reordered_chunks_are_refused() -> None:
    a, b = os.urandom(CHUNK_SIZE), os.urandom(CHUNK_SIZE)
    sealed = chunk(1, b, False) + chunk(0, a, False) + chunk(2, b"end", True)
    with pytest.raises(StreamError, match="chunk 0 failed authentication"):
        open_(sealed)


def test_decrypt_chunks_yields_authenticated_chunks_lazily() -> None:
    plaintext = os.urandom(2 * CHUNK_SIZE + 1)
    chunks = decrypt_chunks(KEY, io.BytesIO(seal(plaintext)))
    assert next(chunks) == plaintext[:CHUNK_SIZE]
    assert b"".join(chunks) == plaintext[CHUNK_SIZE:]


def test_plaintext_size_refuses_a_payload_shorter_than_a_tag() -> None:
    with pytest.raises(StreamError):
        plaintext_size(TAG_SIZE - 1)
