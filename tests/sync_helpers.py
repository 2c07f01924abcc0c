"""Builders for sync tests: a real HQ vault with its keys, and a real enrolment.

`enroll(field, hq)` runs the whole protocol (request signed by the device, certificate signed by
HQ's root, acceptance on the field) with real keys, so every sync test starts from the state a
real device would be in.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from fieldapp.store.device import device_code
from fieldapp.store.vault import Vault
from sync import enrollment
from tests.helpers import make_vault

HQ_ANALYST = "hq-operator-heron"


def make_hq_vault(path: Path, **kw: Any) -> Vault:
    """A new, unlocked HQ vault (test-only KDF) with its root, receipt and age keys made."""
    kw.setdefault("analyst", HQ_ANALYST)
    vault = make_vault(path, role="hq", **kw)
    enrollment.create_hq_keys(vault)
    return vault


def enroll(field: Vault, hq: Vault) -> None:
    """Enrol `field` with `hq`: request → certificate → accept (with the root fingerprint)."""
    request = enrollment.enrollment_request(field)
    _, certificate = enrollment.issue_certificate(hq, request)
    keys = enrollment.load_hq_keys(hq)
    enrollment.accept_enrollment(
        field,
        certificate,
        keys.recipients_note,
        expect_hq=enrollment.root_fingerprint(keys.recipients),
    )


def small_order_request(device_id: str) -> str:
    """A request for the identity point, with the signature (R = identity, S = 0) that
    verifies for every message under that key: the C13 forgery."""
    key = bytes([1]) + bytes(31)
    Ed25519PublicKey.from_public_bytes(key).verify(key + bytes(32), b"the forgery works")
    body = (
        f"fieldapp/{device_id}/enrollment-request/v1\n"
        f"device {device_id}\n"
        f"key {base64.b64encode(key).decode()}\n"
        "analyst mallory\n"
        f"code {device_code(key)}\n"
        "requested 2026-11-22T13:08:00Z\n"
    )
    kid = hashlib.sha256(device_id.encode() + b"\n\x01" + key).digest()[:4]
    sig = base64.b64encode(kid + key + bytes(32)).decode()
    return body + "\n" + f"\u2014 {device_id} {sig}\n"
