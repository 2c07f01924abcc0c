"""Every C2SP CCTV age vector (vendored in tests/data/age-cctv) gives its expected result.

Armored and scrypt vectors are refused by policy, so they must fail with `ArmorError` /
`UnsupportedStanza` and nothing else. For a payload failure the plaintext released before the
error must hash to the vector's `payload`; the only exception is named in
`WITHHELD_ONE_CHUNK` and checked just as strictly (see there).
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from fieldapp.store.stream import ENCRYPTED_CHUNK_SIZE, payload_key
from sync import age

VECTORS = Path(__file__).parent / "data" / "age-cctv" / "testdata"

EXPECTED_ERRORS: dict[str, type[age.AgeError]] = {
    "header failure": age.HeaderError,
    "HMAC failure": age.HMACError,
    "no match": age.NoIdentityMatch,
    "armor failure": age.ArmorError,
}

# `fieldapp.store.stream.decrypt_chunks` does not hand out a chunk whose last-chunk flag
# contradicts its place (a "final" chunk followed by more data, or a non-final chunk at the
# end), while the reference implementation releases it before failing. Releasing less is the
# safe direction; these vectors check that exactly that one chunk is withheld and nothing else.
WITHHELD_ONE_CHUNK = {
    "stream_no_final_full",
    "stream_no_final_two_chunks_full",
    "stream_trailing_garbage_long",
    "stream_trailing_garbage_short",
    "stream_two_final_chunks",
    "stream_two_final_chunks_full",
    "stream_two_final_chunks_second",
}


@dataclass
class Vector:
    name: str
    expect: str
    payload: str | None
    file_key: bytes
    identities: list[str]
    armored: bool
    data: bytes


def load(path: Path) -> Vector:
    head, _, body = path.read_bytes().partition(b"\n\n")
    fields: dict[str, str] = {}
    identities: list[str] = []
    for line in head.decode("ascii").splitlines():
        key, _, value = line.partition(": ")
        if key == "identity":
            identities.append(value)
        else:
            fields[key] = value
    if fields.get("compressed") == "zlib":
        body = zlib.decompress(body)
    return Vector(
        name=path.name,
        expect=fields["expect"],
        payload=fields.get("payload"),
        file_key=bytes.fromhex(fields["file key"]),
        identities=identities,
        armored=fields.get("armored") == "yes",
        data=body,
    )


def has_scrypt_stanza(data: bytes) -> bool:
    header = data.split(b"\n--- ", 1)[0]
    return any(line.startswith(b"-> scrypt ") for line in header.split(b"\n"))


def released_by_reference(vector: Vector) -> tuple[bytes, bytes]:
    """(plaintext released by the reference, its last chunk), straight from the primitive.

    The reference opens chunks in order under either flag, stops at the first that opens under
    neither and right after one that opened as final.
    """
    header_end = vector.data.index(b"\n--- ")
    start = vector.data.index(b"\n", header_end + 1) + 1
    nonce, payload = vector.data[start : start + 16], vector.data[start + 16 :]
    aead = ChaCha20Poly1305(payload_key(vector.file_key, nonce))
    out: list[bytes] = []
    for index in range(0, max(len(payload), 1), ENCRYPTED_CHUNK_SIZE):
        sealed = payload[index : index + ENCRYPTED_CHUNK_SIZE]
        counter = (index // ENCRYPTED_CHUNK_SIZE).to_bytes(11, "big")
        opened = None
        for flag in (b"\x00", b"\x01"):
            try:
                opened = (aead.decrypt(counter + flag, sealed, None), flag)
                break
            except InvalidTag:
                continue
        if opened is None:
            break
        out.append(opened[0])
        if opened[1] == b"\x01":
            break
    return b"".join(out), out[-1] if out else b""


ALL = sorted(VECTORS.iterdir())


def test_every_vector_is_vendored() -> None:
    assert len(ALL) == 143


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_vector(path: Path) -> None:
    vector = load(path)
    # scrypt-only vectors name no identity; any identity will do, the header is refused first.
    identities: list[age.Identity | str] = list(vector.identities) or [
        age.X25519Identity.generate()
    ]
    out = io.BytesIO()
    if vector.armored:
        with pytest.raises(age.ArmorError, match="binary"):
            age.decrypt(io.BytesIO(vector.data), out, identities)
        assert out.getvalue() == b""
        return
    if has_scrypt_stanza(vector.data):
        with pytest.raises(age.UnsupportedStanza, match="scrypt"):
            age.decrypt(io.BytesIO(vector.data), out, identities)
        assert out.getvalue() == b""
        return
    if vector.expect == "success":
        size = age.decrypt(io.BytesIO(vector.data), out, identities)
        assert size == len(out.getvalue())
        assert hashlib.sha256(out.getvalue()).hexdigest() == vector.payload
        assert age.decrypt_bytes(vector.data, identities) == out.getvalue()
    elif vector.expect == "payload failure":
        with pytest.raises(age.PayloadError) as caught:
            age.decrypt(io.BytesIO(vector.data), out, identities)
        released = out.getvalue()
        assert caught.value.released == len(released)
        if vector.name in WITHHELD_ONE_CHUNK:
            reference, last_chunk = released_by_reference(vector)
            assert hashlib.sha256(reference).hexdigest() == vector.payload
            assert last_chunk
            assert released == reference[: len(reference) - len(last_chunk)]
        else:
            assert hashlib.sha256(released).hexdigest() == vector.payload
        with pytest.raises(age.PayloadError):
            age.decrypt_bytes(vector.data, identities)
    else:
        with pytest.raises(EXPECTED_ERRORS[vector.expect]):
            age.decrypt(io.BytesIO(vector.data), out, identities)
        assert out.getvalue() == b""
