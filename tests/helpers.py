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


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`: proof that a failed operation changed nothing."""
    import hashlib

    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def raw_connection(folder: Path, key_hex: str) -> Any:
    """A SECOND SQLCipher connection on a vault's database, opened with the raw key.

    Tests use it to alter rows under the app, the way someone holding the key could; the
    append-only triggers are dropped first, as such a person would.
    """
    import sqlcipher3

    from fieldapp.store.keyfile import read_keyfile

    settings = read_keyfile(folder).db
    conn = sqlcipher3.connect(str(folder / "vault.db"), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    for name, value in settings.items():
        conn.execute(f"PRAGMA {name} = {value}")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn
