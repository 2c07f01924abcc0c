"""Every C2SP CCTV age vector (vendored in tests/data/age-cctv) gives its expected result.

Armored and scrypt vectors are refused by policy, so they must fail with `ArmorError` /
`UnsupportedStanza` and nothing else. For a payload failure the plaintext released before the
error must hash to the vector's `payload`.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync import age

VECTORS = Path(__file__).parent / "data" / "age-cctv" / "testdata"

EXPECTED_ERRORS: dict[str, type[age.AgeError]] = {
    "header failure": age.HeaderError,
    "HMAC failure": age.HMACError,
    "no match": age.NoIdentityMatch,
    "armor failure": age.ArmorError,
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
        assert hashlib.sha256(released).hexdigest() == vector.payload
        with pytest.raises(age.PayloadError):
            age.decrypt_bytes(vector.data, identities)
    else:
        with pytest.raises(EXPECTED_ERRORS[vector.expect]):
            age.decrypt(io.BytesIO(vector.data), out, identities)
        assert out.getvalue() == b""
