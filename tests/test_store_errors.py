"""Every way opening a vault can fail: its own error, a clear message, the vault untouched."""

from __future__ import annotations

import base64
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fieldapp.domain import canonical
from fieldapp.errors import (
    DamagedKeyfile,
    NotAVault,
    NoVault,
    VaultError,
    VaultTooNew,
    WrongPassphrase,
)
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from tests.helpers import TEST_PASSPHRASE, make_vault, raw_connection, snapshot


@pytest.fixture
def closed_vault(vault_dir: Path) -> Path:
    """A vault with one incident, locked (so no -wal/-shm files are open)."""
    from fieldapp.domain.model import Incident

    v = make_vault(vault_dir)
    inc = Incident(title="Checkpoint shelling")
    inc.time.start = "2026-01-02T03:04:05Z"
    v.save_incident(inc, "first")
    v.lock()
    return vault_dir


def read_key(folder: Path) -> dict[str, Any]:
    data = canonical.loads((folder / "vault.key").read_bytes())
    assert isinstance(data, dict)
    return data


def write_key(folder: Path, data: dict[str, Any]) -> None:
    (folder / "vault.key").write_bytes(canonical.dumps(data))


def expect_untouched(
    folder: Path, error: type[VaultError], match: str, passphrase: str = TEST_PASSPHRASE
) -> VaultError:
    before = snapshot(folder)
    with pytest.raises(error, match=match) as info:
        Vault.unlock(folder, passphrase)
    assert snapshot(folder) == before
    return info.value


def test_wrong_passphrase(closed_vault: Path) -> None:
    expect_untouched(closed_vault, WrongPassphrase, "passphrase is wrong", "not the passphrase")


def test_missing_folder_and_empty_folder_are_no_vault(tmp_path: Path) -> None:
    with pytest.raises(NoVault, match="does not exist"):
        Vault.unlock(tmp_path / "nowhere", TEST_PASSPHRASE)
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoVault, match="empty"):
        Vault.unlock(tmp_path / "empty", TEST_PASSPHRASE)


def test_folder_of_other_files_is_not_a_vault(tmp_path: Path) -> None:
    (tmp_path / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a vault")
    expect_untouched(tmp_path, NotAVault, "not a fieldapp vault")


def test_a_file_is_not_a_vault(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(NotAVault, match="is a file"):
        Vault.unlock(target, TEST_PASSPHRASE)


def test_missing_database_is_not_a_vault(closed_vault: Path) -> None:
    (closed_vault / "vault.db").unlink()
    expect_untouched(closed_vault, NotAVault, "no vault.db")


def test_random_database_is_not_a_vault(closed_vault: Path) -> None:
    (closed_vault / "vault.db").write_bytes(bytes(range(256)) * 64)
    expect_untouched(closed_vault, NotAVault, "cannot be decrypted")


def test_database_of_another_vault_is_not_a_vault(closed_vault: Path, tmp_path: Path) -> None:
    other = make_vault(tmp_path / "other")
    other.lock()
    shutil.copy(tmp_path / "other" / "vault.db", closed_vault / "vault.db")
    expect_untouched(closed_vault, NotAVault, "cannot be decrypted")


def _mutate_slot(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(data: dict[str, Any]) -> None:
        data["slots"][0][field] = value

    return apply


DAMAGES: list[tuple[str, Callable[[Path], object], str]] = [
    ("empty", lambda f: (f / "vault.key").write_bytes(b""), "empty"),
    ("not json", lambda f: (f / "vault.key").write_bytes(b"\x00\x01garbage"), "damaged"),
    (
        "truncated",
        lambda f: (f / "vault.key").write_bytes((f / "vault.key").read_bytes()[:-40]),
        "damaged or truncated",
    ),
    ("not an object", lambda f: (f / "vault.key").write_bytes(b"[1,2]"), "not a JSON object"),
]


@pytest.mark.parametrize("damage", DAMAGES, ids=[d[0] for d in DAMAGES])
def test_damaged_key_file_bytes(
    closed_vault: Path, damage: tuple[str, Callable[[Path], object], str]
) -> None:
    _, apply, match = damage
    apply(closed_vault)
    expect_untouched(closed_vault, DamagedKeyfile, match)


FIELD_DAMAGES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("no slots key", lambda d: d.pop("slots"), "has no 'slots'"),
    ("no slots", lambda d: d.update(slots=[]), "no key slots"),
    ("no vault id", lambda d: d.pop("vault_id"), "has no 'vault_id'"),
    ("other format", lambda d: d.update(format="something-else"), "not a fieldapp vault key"),
    ("bad base64", _mutate_slot("wrapped", "!!!not base64!!!"), "not valid base64"),
    ("short nonce", _mutate_slot("nonce", base64.b64encode(b"12345").decode()), "nonce"),
    ("no kdf", lambda d: d["slots"][0].pop("kdf"), "has no 'kdf'"),
    ("string iterations", lambda d: d["slots"][0]["kdf"].update(iterations="1"), "wrong type"),
    (
        "absurd memory",
        lambda d: d["slots"][0]["kdf"].update(memory_kib=1 << 40),
        "Argon2id memory",
    ),
    ("unknown kdf", lambda d: d["slots"][0]["kdf"].update(name="pbkdf2"), "unknown KDF"),
]


@pytest.mark.parametrize("damage", FIELD_DAMAGES, ids=[d[0] for d in FIELD_DAMAGES])
def test_damaged_key_file_fields(
    closed_vault: Path, damage: tuple[str, Callable[[dict[str, Any]], None], str]
) -> None:
    _, apply, match = damage
    data = read_key(closed_vault)
    apply(data)
    write_key(closed_vault, data)
    expect_untouched(closed_vault, DamagedKeyfile, match)


def test_duplicate_json_key_is_damage(closed_vault: Path) -> None:
    raw = (closed_vault / "vault.key").read_bytes()
    (closed_vault / "vault.key").write_bytes(raw[:-1] + b',"version":1}')
    expect_untouched(closed_vault, DamagedKeyfile, "duplicate key")


@pytest.mark.parametrize(
    "change",
    [
        {"iterations": 2},
        {"memory_kib": KdfParams.TEST_ONLY.memory_kib * 2},
    ],
)
def test_tampered_kdf_parameters_fail_to_open(closed_vault: Path, change: dict[str, int]) -> None:
    """The parameters are bound into the wrapping, so weakening them cannot help an attacker."""
    data = read_key(closed_vault)
    data["slots"][0]["kdf"].update(change)
    write_key(closed_vault, data)
    expect_untouched(closed_vault, WrongPassphrase, "opens none")


def test_relabelled_slot_fails_to_open(closed_vault: Path) -> None:
    data = read_key(closed_vault)
    data["slots"][0]["label"] = "someone-else"
    write_key(closed_vault, data)
    expect_untouched(closed_vault, WrongPassphrase, "opens none")


def test_newer_key_file_is_too_new(closed_vault: Path) -> None:
    data = read_key(closed_vault)
    data["version"] = 2
    write_key(closed_vault, data)
    err = expect_untouched(closed_vault, VaultTooNew, "newer fieldapp")
    assert "version 2" in str(err)


def test_newer_schema_is_too_new_and_never_modified(closed_vault: Path) -> None:
    v = Vault.unlock(closed_vault, TEST_PASSPHRASE)
    key_hex = v._raw_key_hex()
    v.lock()
    conn = raw_connection(closed_vault, key_hex)
    conn.execute("PRAGMA user_version = 99")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    err = expect_untouched(closed_vault, VaultTooNew, "schema version 99")
    assert "not changed" in str(err)
    assert not list(closed_vault.glob("vault.db.before-*"))


def test_erase_of_nothing_is_no_vault(tmp_path: Path) -> None:
    with pytest.raises(NoVault):
        Vault.erase(tmp_path)
