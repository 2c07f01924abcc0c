"""Passphrases and key slots: create, change (re-wrap), second user, crypto-erase."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldapp.domain.model import Incident
from fieldapp.errors import (
    NoVault,
    ValidationError,
    VaultExists,
    WeakPassphrase,
    WrongPassphrase,
)
from fieldapp.store.keyfile import TEST_KDF_ENV, KdfParams, read_keyfile
from fieldapp.store.vault import Vault
from tests.helpers import (
    ANALYST,
    SECOND_PASSPHRASE,
    TEST_PASSPHRASE,
    make_vault,
)

NEW_PASSPHRASE = "quiet harbour pencil thunder 19"


def test_kdf_parameters_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TEST_KDF_ENV, raising=False)
    assert KdfParams.from_environment() == KdfParams.DEFAULT
    assert KdfParams(memory_kib=262144, iterations=3, lanes=4) == KdfParams.DEFAULT
    monkeypatch.setenv(TEST_KDF_ENV, "1")
    assert KdfParams.from_environment() == KdfParams.TEST_ONLY
    monkeypatch.setenv(TEST_KDF_ENV, "yes")
    assert KdfParams.from_environment() == KdfParams.DEFAULT


def test_key_file_records_slot_and_database_settings(vault: Vault) -> None:
    kf = read_keyfile(vault.path)
    assert len(kf.slots) == 1
    slot = kf.slots[0]
    assert slot.label == ANALYST and slot.kind == "passphrase"
    assert slot.kdf == KdfParams.TEST_ONLY
    assert len(slot.salt) == 16 and len(slot.nonce) == 12 and len(slot.wrapped) == 48
    assert kf.db["cipher_page_size"] in (4096, 8192, 16384)
    # The data key is not in the file in any form we can recognise.
    assert vault._raw_key_hex() not in (vault.path / "vault.key").read_text()
    assert [s.label for s in vault.slots()] == [ANALYST]


def test_weak_passphrase_refused_and_nothing_created(vault_dir: Path) -> None:
    with pytest.raises(WeakPassphrase, match="too weak"):
        make_vault(vault_dir, passphrase="password123")
    assert not vault_dir.exists()


def test_passphrase_containing_the_cell_name_is_weak(vault_dir: Path) -> None:
    with pytest.raises(WeakPassphrase):
        make_vault(vault_dir, cell_name="Kestrel Falcon", passphrase="kestrelfalcon1")


def test_create_needs_cell_and_analyst(vault_dir: Path) -> None:
    with pytest.raises(ValidationError) as info:
        make_vault(vault_dir, cell_name=" ", analyst="", role="admin")
    assert {i.path for i in info.value.issues} == {"cell_name", "analyst", "role"}
    assert not vault_dir.exists()


def test_create_refuses_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    from fieldapp.errors import NotAVault

    with pytest.raises(NotAVault, match="not empty"):
        make_vault(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_create_over_a_bare_database_is_refused(tmp_path: Path) -> None:
    (tmp_path / "vault.db").write_bytes(b"x")
    with pytest.raises(VaultExists):
        make_vault(tmp_path)


def test_hq_role(tmp_path: Path) -> None:
    v = make_vault(tmp_path / "hq", role="hq")
    assert v.device.role == "hq"
    v.lock()
    again = Vault.unlock(tmp_path / "hq", TEST_PASSPHRASE)
    assert again.device.role == "hq"
    again.lock()


def test_change_passphrase_rewraps_and_old_stops_working(vault: Vault) -> None:
    inc = Incident(title="Before the change")
    inc.time.start = "2026-01-01T00:00:00Z"
    stored, _ = vault.save_incident(inc, "first")
    old_slot = read_keyfile(vault.path).slots[0]
    vault.change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE)
    new_slot = read_keyfile(vault.path).slots[0]
    assert new_slot.salt != old_slot.salt and new_slot.id != old_slot.id
    assert new_slot.label == old_slot.label and new_slot.kdf == old_slot.kdf
    entry = vault.audit_entries(limit=1)[0]
    assert entry.kind == "passphrase_changed"
    assert NEW_PASSPHRASE not in str(entry.entry) and TEST_PASSPHRASE not in str(entry.entry)
    assert vault.verify_log().ok
    path = vault.path
    vault.lock()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(path, TEST_PASSPHRASE)
    again = Vault.unlock(path, NEW_PASSPHRASE)
    try:
        assert again.get_incident(stored.id)[0].title == "Before the change"
        assert again.user == ANALYST
    finally:
        again.lock()


def test_change_passphrase_with_wrong_old_changes_nothing(vault: Vault) -> None:
    before = (vault.path / "vault.key").read_bytes()
    size = vault.log_size()
    with pytest.raises(WrongPassphrase, match="current passphrase is wrong"):
        vault.change_passphrase("not my passphrase", NEW_PASSPHRASE)
    assert (vault.path / "vault.key").read_bytes() == before
    assert vault.log_size() == size


def test_change_to_weak_passphrase_changes_nothing(vault: Vault) -> None:
    before = (vault.path / "vault.key").read_bytes()
    with pytest.raises(WeakPassphrase):
        vault.change_passphrase(TEST_PASSPHRASE, "aaaaaaaaaaaaaaa")
    assert (vault.path / "vault.key").read_bytes() == before


def test_change_passphrase_can_raise_the_kdf_cost(vault: Vault) -> None:
    stronger = KdfParams(memory_kib=16384, iterations=2, lanes=1)
    vault.change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE, kdf=stronger)
    assert read_keyfile(vault.path).slots[0].kdf == stronger
    assert vault.slots()[0].kdf == stronger


def test_second_user_slot(vault: Vault) -> None:
    info = vault.add_slot("analyst-heron", SECOND_PASSPHRASE)
    assert info.label == "analyst-heron"
    assert [s.label for s in vault.slots()] == [ANALYST, "analyst-heron"]
    assert vault.audit_entries(limit=1)[0].kind == "slot_added"
    path = vault.path
    vault.lock()
    heron = Vault.unlock(path, SECOND_PASSPHRASE)
    try:
        assert heron.user == "analyst-heron"
        inc = Incident(title="Logged by the second analyst")
        inc.time.start = "2026-01-01T00:00:00Z"
        stored, _ = heron.save_incident(inc, "first")
        assert heron.history(stored.id)[0].author == "analyst-heron"
        assert heron.verify_log().ok
    finally:
        heron.lock()
    first = Vault.unlock(path, TEST_PASSPHRASE)
    assert first.user == ANALYST
    first.lock()


def test_second_slot_rules(vault: Vault) -> None:
    with pytest.raises(ValidationError, match="already a key slot"):
        vault.add_slot(ANALYST.upper(), SECOND_PASSPHRASE)
    with pytest.raises(ValidationError, match="already opens another slot"):
        vault.add_slot("analyst-heron", TEST_PASSPHRASE)
    with pytest.raises(ValidationError, match="pseudonym"):
        vault.add_slot("  ", SECOND_PASSPHRASE)
    with pytest.raises(WeakPassphrase):
        vault.add_slot("analyst-heron", "heron heron")
    assert len(read_keyfile(vault.path).slots) == 1


def test_erase_destroys_the_key_first_then_everything(vault: Vault, tmp_path: Path) -> None:
    path = vault.path
    (path / "evidence").mkdir()
    (path / "evidence" / "blob").write_bytes(b"ciphertext")
    (path / "outbox").mkdir()
    # A hard link sees the same inode: it shows the key bytes were overwritten before unlink.
    witness = tmp_path / "key-witness"
    os.link(path / "vault.key", witness)
    original = witness.read_bytes()
    vault.lock()
    Vault.erase(path)
    assert not path.exists()
    after = witness.read_bytes()
    assert len(after) == len(original) and after != original
    assert b"fieldapp-vault-key" not in after
    with pytest.raises(NoVault):
        Vault.unlock(path, TEST_PASSPHRASE)


def test_erase_leaves_files_it_does_not_own(vault: Vault) -> None:
    path = vault.path
    vault.lock()
    (path / "stranger.txt").write_text("not ours")
    Vault.erase(path)
    assert [p.name for p in path.iterdir()] == ["stranger.txt"]
    assert not Vault.exists(path)


def _kinds(vault: Vault) -> list[str]:
    return [e.kind for e in vault.audit_entries(limit=1000)]


def test_slot_changes_the_log_missed_are_logged_at_the_next_unlock(vault: Vault) -> None:
    """vault.key and the database cannot commit together: a process killed between the key
    file's rename and the database commit changed a slot without a log entry. The next unlock
    finds the difference and logs it; a normal, logged change is not logged twice."""
    from fieldapp.store import keyfile

    path = vault.path
    vault.change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE)  # logged by the operation
    vault.lock()
    again = Vault.unlock(path, NEW_PASSPHRASE)
    assert "key_slots_changed" not in _kinds(again)
    dek = bytearray(bytes.fromhex(again._raw_key_hex()))
    again.lock()

    # What the killed process left: a new slot in vault.key, nothing in the database.
    kf = read_keyfile(path)
    extra = keyfile.new_slot(kf.vault_id, dek, SECOND_PASSPHRASE, "intruder", KdfParams.TEST_ONLY)
    keyfile.write_keyfile(path, kf.with_slot(extra))

    reopened = Vault.unlock(path, NEW_PASSPHRASE)
    try:
        entry = reopened.audit_entries(limit=1)[0].entry
        assert entry["type"] == "key_slots_changed"
        assert entry["added"] == ["passphrase:intruder"]
        assert entry["removed"] == [] and entry["rewrapped"] == []
        assert reopened.verify_log().ok
    finally:
        reopened.lock()
    # Recorded once: the unlock after that finds nothing new.
    last = Vault.unlock(path, NEW_PASSPHRASE)
    try:
        assert _kinds(last).count("key_slots_changed") == 1
    finally:
        last.lock()
