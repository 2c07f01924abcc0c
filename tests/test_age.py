"""age v1 round trips to mlkem768x25519 recipients, flat memory, and key strings (bech32).

Everything runs on real keys and the real primitives: files are encrypted here and decrypted
here, and the hybrid identity from the C2SP CCTV `hybrid` vector anchors the key format.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from fieldapp.errors import FieldappError
from fieldapp.store.stream import CHUNK_SIZE
from sync import age, bech32

# From tests/data/age-cctv/testdata/hybrid and .../x25519 (public test keys).
CCTV_PQ_IDENTITY = "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG"
CCTV_X25519_IDENTITY = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"


def seal(plaintext: bytes, recipients: list[age.HybridRecipient | str]) -> bytes:
    out = io.BytesIO()
    assert age.encrypt(io.BytesIO(plaintext), out, recipients) == len(plaintext)
    return out.getvalue()


def header_lines(sealed: bytes) -> list[bytes]:
    return sealed.split(b"\n--- ", 1)[0].split(b"\n")


# --- round trips ----------------------------------------------------------------------------


def test_round_trip_to_several_recipients_each_can_open() -> None:
    first, second, stranger = (age.HybridIdentity.generate() for _ in range(3))
    plaintext = b"incident 2026-0042: two civilians injured\n" * 100
    sealed = seal(plaintext, [first.recipient(), str(second.recipient())])

    stanzas = [line for line in header_lines(sealed) if line.startswith(b"-> ")]
    assert [s.split(b" ")[1] for s in stanzas] == [b"mlkem768x25519", b"mlkem768x25519"]
    assert header_lines(sealed)[0] == b"age-encryption.org/v1"
    assert age.decrypt_bytes(sealed, [first]) == plaintext
    assert age.decrypt_bytes(sealed, [str(second)]) == plaintext
    with pytest.raises(age.NoIdentityMatch, match="none of the 1"):
        age.decrypt_bytes(sealed, [stranger])


def test_the_cctv_identity_opens_what_is_encrypted_to_its_recipient() -> None:
    identity = age.HybridIdentity.parse(CCTV_PQ_IDENTITY)
    sealed = seal(b"to HQ", [identity.recipient()])
    # A classic identity is tried too, and finds nothing of its kind.
    assert age.decrypt_bytes(sealed, [CCTV_X25519_IDENTITY, CCTV_PQ_IDENTITY]) == b"to HQ"


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    identity = age.HybridIdentity.generate()
    plaintext = bytes(i % 251 for i in range(size))
    sealed = seal(plaintext, [identity.recipient()])
    out = io.BytesIO()
    assert age.decrypt(io.BytesIO(sealed), out, [identity]) == size
    assert out.getvalue() == plaintext


def test_each_encryption_uses_a_fresh_file_key() -> None:
    recipient = age.HybridIdentity.generate().recipient()
    assert seal(b"same", [recipient]) != seal(b"same", [recipient])


class Pattern(io.RawIOBase):
    """A readable stream of `size` bytes made on demand, so the test itself holds none of it."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        buffer[:n] = bytes([n % 256]) * n
        self.left -= n
        return n


class HashSink(io.RawIOBase):
    """A writable stream that keeps only a hash of what it is given."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.hash.update(data)
        self.size += len(data)
        return len(data)


def test_large_stream_keeps_memory_flat(tmp_path: Path) -> None:
    size = 48 * 1024 * 1024
    identity = age.HybridIdentity.generate()
    sealed_path = tmp_path / "big.age"
    expected = HashSink()
    source = io.BufferedReader(Pattern(size), CHUNK_SIZE)
    tracemalloc.start()
    try:
        with sealed_path.open("wb") as sink:
            age.encrypt(source, sink, [identity.recipient()])
        _, encrypt_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        got = HashSink()
        with sealed_path.open("rb") as src:
            assert age.decrypt(src, cast(BinaryIO, got), [identity]) == size
        _, decrypt_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    expected_source = io.BufferedReader(Pattern(size), CHUNK_SIZE)
    while block := expected_source.read(CHUNK_SIZE):
        expected.write(block)
    assert got.hash.digest() == expected.hash.digest()
    # Loose bound: a few chunks in flight, nowhere near the 48 MiB that passed through.
    assert encrypt_peak < 4 * 1024 * 1024
    assert decrypt_peak < 4 * 1024 * 1024


# --- refusals -------------------------------------------------------------------------------


def test_encrypt_refuses_classic_and_missing_recipients() -> None:
    classic = age.X25519Identity.parse(CCTV_X25519_IDENTITY).recipient()
    with pytest.raises(age.UnsupportedStanza, match="post-quantum"):
        seal(b"x", [str(classic)])
    with pytest.raises(age.UnsupportedStanza, match="X25519Recipient"):
        seal(b"x", [classic])  # type: ignore[list-item]
    with pytest.raises(age.AgeError, match="at least one recipient"):
        seal(b"x", [])


def test_decrypt_needs_an_identity() -> None:
    sealed = seal(b"x", [age.HybridIdentity.generate().recipient()])
    with pytest.raises(age.AgeError, match="no identity"):
        age.decrypt_bytes(sealed, [])


def test_truncated_or_altered_payload_is_a_payload_error() -> None:
    identity = age.HybridIdentity.generate()
    sealed = seal(b"a" * (CHUNK_SIZE + 10), [identity.recipient()])
    with pytest.raises(age.PayloadError) as caught:
        age.decrypt(io.BytesIO(sealed[:-20]), io.BytesIO(), [identity])
    assert caught.value.released == CHUNK_SIZE
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(age.PayloadError, match="damaged"):
        age.decrypt_bytes(altered, [identity])


def test_altered_header_fails_its_mac() -> None:
    identity = age.HybridIdentity.generate()
    sealed = seal(b"x", [identity.recipient()])
    # A grease stanza added after the fact leaves the file key reachable but breaks the MAC.
    altered = sealed.replace(b"\n--- ", b"\n-> extra\n\n--- ", 1)
    with pytest.raises(age.HMACError, match="altered"):
        age.decrypt_bytes(altered, [identity])


def test_errors_are_fieldapp_errors_with_sentences() -> None:
    with pytest.raises(age.HeaderError) as caught:
        age.decrypt_bytes(b"", [CCTV_X25519_IDENTITY])
    assert isinstance(caught.value, FieldappError)
    assert isinstance(caught.value, ValueError)
    assert "empty" in str(caught.value)


# --- key strings ----------------------------------------------------------------------------


def test_hybrid_keys_format_and_parse_back() -> None:
    identity = age.HybridIdentity.generate()
    text = str(identity)
    assert text.startswith("AGE-SECRET-KEY-PQ-1") and text == text.upper()
    assert age.HybridIdentity.parse(text).seed == identity.seed
    recipient = identity.recipient()
    public = str(recipient)
    assert public.startswith("age1pq1") and public == public.lower()
    assert len(recipient.public) == age.HYBRID_PUBLIC_SIZE
    assert age.HybridRecipient.parse(public) == recipient


def test_cctv_identities_format_exactly_as_written() -> None:
    assert str(age.HybridIdentity.parse(CCTV_PQ_IDENTITY)) == CCTV_PQ_IDENTITY
    assert str(age.X25519Identity.parse(CCTV_X25519_IDENTITY)) == CCTV_X25519_IDENTITY
    assert isinstance(age.parse_identity(CCTV_PQ_IDENTITY), age.HybridIdentity)
    assert isinstance(age.parse_identity(CCTV_X25519_IDENTITY), age.X25519Identity)


def test_x25519_keys_format_and_parse_back() -> None:
    identity = age.X25519Identity.generate()
    assert str(identity).startswith("AGE-SECRET-KEY-1")
    assert age.X25519Identity.parse(str(identity)).secret == identity.secret
    public = str(identity.recipient())
    assert public.startswith("age1") and not public.startswith("age1pq1")
    assert age.X25519Recipient.parse(public) == identity.recipient()


def test_uniform_lower_case_is_read_and_written_back_canonically() -> None:
    assert str(age.parse_identity(CCTV_PQ_IDENTITY.lower())) == CCTV_PQ_IDENTITY


def test_mixed_case_is_refused() -> None:
    mixed = CCTV_PQ_IDENTITY[:-1] + CCTV_PQ_IDENTITY[-1].lower()
    with pytest.raises(age.AgeError, match="mixes upper and lower case"):
        age.parse_identity(mixed)


def test_bad_checksum_is_refused() -> None:
    last = CCTV_X25519_IDENTITY[-1]
    typo = CCTV_X25519_IDENTITY[:-1] + ("Q" if last != "Q" else "P")
    with pytest.raises(age.AgeError, match="checksum"):
        age.X25519Identity.parse(typo)


def test_bad_characters_and_prefixes_are_refused() -> None:
    with pytest.raises(age.AgeError, match="invalid character 'b'"):
        age.X25519Identity.parse("AGE-SECRET-KEY-1" + "B" * 58)
    with pytest.raises(age.AgeError, match="not an AGE-SECRET-KEY-PQ-1"):
        age.HybridIdentity.parse(CCTV_X25519_IDENTITY)
    with pytest.raises(age.AgeError, match="not an AGE-SECRET-KEY-1"):
        age.X25519Identity.parse(CCTV_PQ_IDENTITY)
    with pytest.raises(age.AgeError, match="no prefix"):
        age.parse_identity("qpzry9x8gf2tvdw0")


def test_wrong_key_lengths_are_refused() -> None:
    with pytest.raises(age.AgeError, match="1216 bytes, not 10"):
        age.HybridRecipient.parse(bech32.encode("age1pq", bytes(10)))
    with pytest.raises(age.AgeError, match="32 bytes, not 31"):
        age.HybridIdentity.parse(bech32.encode("AGE-SECRET-KEY-PQ-", bytes(31)))
    with pytest.raises(age.AgeError, match="prefix is 'age2'"):
        age.HybridRecipient.parse(bech32.encode("age2", bytes(32)))


def test_bech32_round_trips_and_refuses_stray_padding_bits() -> None:
    for data in (b"", b"\x00", bytes(range(256)) * 5):
        assert bech32.decode(bech32.encode("age", data)) == ("age", data)
    # One byte is two 5-bit groups with 2 padding bits; "l" (31) sets them, so "age1ll" plus a
    # valid checksum spells 0xff with non-zero padding: a second spelling that must be refused.
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    values = [31, 31]
    hrp = [ord(c) >> 5 for c in "age"] + [0] + [ord(c) & 31 for c in "age"]
    polymod = bech32._polymod(hrp + values + [0] * 6) ^ 1
    checksum = "".join(charset[(polymod >> 5 * (5 - i)) & 31] for i in range(6))
    with pytest.raises(bech32.Bech32Error, match="padding"):
        bech32.decode("age1ll" + checksum)
