"""The device identity: an Ed25519 key made when the vault is created.

It signs audit-log checkpoints and (later) bundles, so HQ can tell devices apart and detect a
rewritten history. The private key lives only inside the encrypted database.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldapp.domain.refcode import CROCKFORD_ALPHABET

ROLES = ("field", "hq")


@dataclass(frozen=True)
class DeviceInfo:
    """What people see of a device: short code, fingerprint to compare, cell and role."""

    device_id: str
    code: str
    fingerprint: str
    public_key: bytes
    cell_name: str
    role: str


def crockford32(data: bytes, bits: int) -> str:
    """The first `bits` bits of `data` in Crockford base32 (`bits` a multiple of 5).

    Crockford's alphabet has no I, L, O or U, so a code read aloud or copied by hand survives.
    """
    if bits % 5 or bits > 8 * len(data):
        raise ValueError("bits must be a multiple of 5 and fit in the data")
    number = int.from_bytes(data, "big") >> (8 * len(data) - bits)
    chars = [CROCKFORD_ALPHABET[(number >> shift) & 31] for shift in range(bits - 5, -1, -5)]
    return "".join(chars)


def device_code(public_key: bytes) -> str:
    """6 characters (30 bits of SHA-256): short enough for a reference code, and the same
    characters that open the fingerprint, so people can match the two at a glance."""
    return crockford32(hashlib.sha256(public_key).digest(), 30)


def fingerprint(public_key: bytes) -> str:
    """160 bits of SHA-256(public key) in Crockford base32, as 8 groups of 4 characters."""
    text = crockford32(hashlib.sha256(public_key).digest()[:20], 160)
    return " ".join(text[i : i + 4] for i in range(0, 32, 4))


def public_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def new_device_id() -> str:
    return secrets.token_hex(16)


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def info_from_row(row: Any) -> DeviceInfo:
    """Build DeviceInfo from a `device` row (device_id, public_key, cell_name, role)."""
    device_id, public_key, cell_name, role = row
    public_key = bytes(public_key)
    return DeviceInfo(
        device_id=device_id,
        code=device_code(public_key),
        fingerprint=fingerprint(public_key),
        public_key=public_key,
        cell_name=cell_name,
        role=role,
    )
