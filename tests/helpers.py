"""Shared test constants and builders (importable from any test module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault

TEST_PASSPHRASE = "correct horse battery staple 42"
SECOND_PASSPHRASE = "violet mountain ferry lantern 77"
CELL_NAME = "Test Cell North"
ANALYST = "analyst-kestrel"


def make_vault(path: Path, **kw: Any) -> Vault:
    """A new, unlocked vault with the explicit test-only KDF (Argon2id at 8 MiB, t=1)."""
    kw.setdefault("cell_name", CELL_NAME)
    kw.setdefault("analyst", ANALYST)
    kw.setdefault("kdf", KdfParams.TEST_ONLY)
    passphrase = kw.pop("passphrase", TEST_PASSPHRASE)
    return Vault.create(path, passphrase, **kw)
