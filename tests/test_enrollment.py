"""Enrolment with real vaults and real keys: HQ keys, request, certificate, accept, revoke,
newer recipient lists, and recovery through the escrow slot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.store import enrollment
from fieldapp.store.vault import Vault
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[Vault]:
    vault = make_hq_vault(tmp_path / "hq")
    yield vault
    vault.lock()


@pytest.fixture
def field(tmp_path: Path) -> Iterator[Vault]:
    vault = make_vault(tmp_path / "field")
    yield vault
    vault.lock()


def test_full_enrolment_pins_hq_and_keeps_both_logs_valid(field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    pinned = enrollment.field_enrollment(field)
    keys = enrollment.load_hq_keys(hq)
    assert pinned is not None
    assert pinned.hq_origin == keys.origin == f"fieldapp-hq/{hq.device.device_id}"
    assert pinned.root.name == f"{hq.device.device_id}.root"
    assert pinned.receipt.name == f"{hq.device.device_id}.receipts"
    assert pinned.certificate.device == field.device.device_id
    assert pinned.certificate.public_key == field.device.public_key
    assert pinned.recipients == keys.recipients
    assert field.verify_log().ok and hq.verify_log().ok
