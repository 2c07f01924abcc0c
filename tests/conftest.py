"""Shared fixtures: a fresh vault folder, and a created, unlocked vault closed at teardown."""

from __future__ import annotations

import os

# Before any Qt import: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.store.vault import Vault
from tests.helpers import make_vault


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    """A path for a vault that does not exist yet."""
    return tmp_path / "vault"


@pytest.fixture
def vault(vault_dir: Path) -> Iterator[Vault]:
    """A new vault (test-only KDF), unlocked; locked again at teardown."""
    v = make_vault(vault_dir)
    try:
        yield v
    finally:
        v.lock()
