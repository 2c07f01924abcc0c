"""Builders for sync tests: a real HQ vault with its keys, and a real enrolment.

`enroll(field, hq)` runs the whole protocol (request signed by the device, certificate signed by
HQ's root, acceptance on the field) with real keys, so every sync test starts from the state a
real device would be in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldapp.store import enrollment
from fieldapp.store.vault import Vault
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
