"""Hardening policies on real vaults (test-only KDF): wipe after N failed unlocks, the duress
passphrase, and the guard file's repair at the next good unlock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.domain import canonical
from fieldapp.errors import NoVault, ValidationError, WrongPassphrase
from fieldapp.store import keyfile, policy
from fieldapp.store.policy import GUARD_NAME, VaultWiped
from fieldapp.store.vault import Vault
from tests.helpers import ANALYST, SECOND_PASSPHRASE, TEST_PASSPHRASE, make_vault, snapshot

DURESS = "orchid tractor biscuit glacier 19"
WRONG = "nothing like the real one 3"


def _failures(folder: Path) -> int:
    guard, problem = policy.read_guard(folder)
    assert guard is not None, problem
    return guard.failures


def _events(vault: Vault, kind: str) -> list[dict[str, object]]:
    return [e.entry for e in vault.audit_entries(limit=500) if e.kind == kind]


def test_all_policies_are_off_by_default_and_wrong_passphrases_change_nothing(
    vault_dir: Path,
) -> None:
    make_vault(vault_dir).lock()
    before = snapshot(vault_dir)
    for _ in range(5):
        with pytest.raises(WrongPassphrase):
            Vault.unlock(vault_dir, WRONG)
    assert snapshot(vault_dir) == before
    assert not (vault_dir / GUARD_NAME).exists()
    v = Vault.unlock(vault_dir, TEST_PASSPHRASE)
    try:
        assert policy.policies(v) == policy.Policies(None, False, None, False)
    finally:
        v.lock()


def test_n_failed_unlocks_erase_the_vault(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    policy.set_wipe_after(v, TEST_PASSPHRASE, 3)
    assert _events(v, "policy_changed")[0]["value"] == 3
    v.lock()
    with pytest.raises(WrongPassphrase, match="After 2 more wrong passphrases"):
        Vault.unlock(vault_dir, WRONG)
    with pytest.raises(WrongPassphrase, match="After 1 more wrong passphrase this"):
        Vault.unlock(vault_dir, WRONG)
    with pytest.raises(VaultWiped, match="has been erased"):
        Vault.unlock(vault_dir, WRONG)
    assert not (vault_dir / keyfile.KEYFILE_NAME).exists()
    assert not list(vault_dir.glob("vault.db*"))
    with pytest.raises(NoVault):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)


def test_a_good_unlock_resets_the_counter(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    policy.set_wipe_after(v, TEST_PASSPHRASE, 3)
    v.lock()
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Vault.unlock(vault_dir, WRONG)
    assert _failures(vault_dir) == 2
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()
    assert _failures(vault_dir) == 0
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Vault.unlock(vault_dir, WRONG)
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()  # still there: the count started again


_ATTEMPT = """
import os, sys
from fieldapp.store import keyfile
real = keyfile.derive_kek
def stop(*args, **kwargs):
    sys.stdout.write("deriving\\n"); sys.stdout.flush()
    os.kill(os.getpid(), 9)
keyfile.derive_kek = stop
from fieldapp.store.vault import Vault
Vault.unlock(__import__("pathlib").Path(sys.argv[1]), "a guess")
"""


def test_an_attempt_killed_mid_way_still_counts_after_a_restart(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    policy.set_wipe_after(v, TEST_PASSPHRASE, 3)
    v.lock()
    root = Path(__file__).resolve().parent.parent
    for n in (1, 2):
        # A separate process, killed with SIGKILL while Argon2id would run: nothing after the
        # count's fsync gets to run, yet the attempt is on disk.
        proc = subprocess.run(
            [sys.executable, "-c", _ATTEMPT, str(vault_dir)],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        assert proc.stdout == "deriving\n"
        assert _failures(vault_dir) == n
    with pytest.raises(VaultWiped):
        Vault.unlock(vault_dir, WRONG)
    assert not vault_dir.exists() or not (vault_dir / "vault.key").exists()


def test_the_wipe_limit_must_be_at_least_three_and_needs_the_passphrase(vault: Vault) -> None:
    with pytest.raises(ValidationError, match="3 to 100"):
        policy.set_wipe_after(vault, TEST_PASSPHRASE, 2)
    with pytest.raises(WrongPassphrase, match="no policy was changed"):
        policy.set_wipe_after(vault, WRONG, 5)
    assert policy.policies(vault).wipe_after is None
    assert not (vault.path / GUARD_NAME).exists()
    policy.set_wipe_after(vault, TEST_PASSPHRASE, 5)
    assert policy.policies(vault).wipe_after == 5
    policy.set_wipe_after(vault, TEST_PASSPHRASE, None)
    assert policy.policies(vault).wipe_after is None
    assert not (vault.path / GUARD_NAME).exists()


@pytest.mark.parametrize("damage", ["delete", "weaken", "garble"])
def test_a_tampered_guard_is_restored_and_logged_at_the_next_unlock(
    vault_dir: Path, damage: str
) -> None:
    v = make_vault(vault_dir)
    policy.set_wipe_after(v, TEST_PASSPHRASE, 3)
    v.lock()
    guard = vault_dir / GUARD_NAME
    if damage == "delete":
        guard.unlink()
    elif damage == "weaken":  # someone raises N without the key: the MAC no longer matches
        raw = canonical.loads(guard.read_bytes())
        assert isinstance(raw, dict)
        guard.write_bytes(canonical.dumps({**raw, "wipe_after": 100}))
    else:
        guard.write_bytes(b"{not json")
    v = Vault.unlock(vault_dir, TEST_PASSPHRASE)
    try:
        assert _events(v, "unlock_guard_restored")[0]["problem"] in {
            "missing",
            "altered",
            "damaged",
        }
    finally:
        v.lock()
    restored, problem = policy.read_guard(vault_dir)
    assert problem == ""
    assert restored is not None and restored.wipe_after == 3


def test_the_duress_passphrase_erases_and_looks_like_a_wrong_one(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    policy.set_duress(v, TEST_PASSPHRASE, DURESS, "analyst-heron")
    state = policy.policies(v)
    assert (state.duress, state.duress_label) == (True, "analyst-heron")
    v.lock()
    kf = keyfile.read_keyfile(vault_dir)
    normal, duress = kf.slots
    # Same shape on disk: the same fields, value types, lengths and Argon2id cost.
    a, b = normal.to_json(), duress.to_json()
    assert set(a) == set(b) and set(a["kdf"]) == set(b["kdf"])
    assert {k: len(str(a[k])) for k in a if k != "label"} == {
        k: len(str(b[k])) for k in b if k != "label"
    }
    assert a["kind"] == b["kind"] == "passphrase"
    assert normal.kdf == duress.kdf

    with pytest.raises(WrongPassphrase) as caught:
        Vault.unlock(vault_dir, DURESS)
    assert str(caught.value) == policy.WRONG_PASSPHRASE  # the same sentence as a mistake
    after = keyfile.read_keyfile(vault_dir)
    assert [(s.id, s.label, s.kdf) for s in after.slots] == [
        (s.id, s.label, s.kdf) for s in kf.slots
    ]
    assert after.slots != kf.slots  # each slot now wraps random bytes
    # The real passphrase opens nothing any more: the data key is gone.
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)


def test_duress_with_the_wipe_policy_gives_the_same_count_message(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    policy.set_wipe_after(v, TEST_PASSPHRASE, 4)
    policy.set_duress(v, TEST_PASSPHRASE, DURESS, "analyst-heron")
    v.lock()
    with pytest.raises(WrongPassphrase) as wrong:
        Vault.unlock(vault_dir, WRONG)
    with pytest.raises(WrongPassphrase) as duress:
        Vault.unlock(vault_dir, DURESS)
    assert "After 3 more" in str(wrong.value)
    assert "After 2 more" in str(duress.value)
    assert str(wrong.value).replace("3 more", "2 more") == str(duress.value)


def test_duress_setup_rules(vault: Vault) -> None:
    with pytest.raises(WrongPassphrase):
        policy.set_duress(vault, WRONG, DURESS, "analyst-heron")
    with pytest.raises(ValidationError, match="already a key slot"):
        policy.set_duress(vault, TEST_PASSPHRASE, DURESS, ANALYST)
    with pytest.raises(ValidationError, match="already opens another slot"):
        policy.set_duress(vault, TEST_PASSPHRASE, TEST_PASSPHRASE, "analyst-heron")
    assert len(keyfile.read_keyfile(vault.path).slots) == 1
    policy.set_duress(vault, TEST_PASSPHRASE, DURESS, "analyst-heron")
    # The duress code cannot be used to change policies, and cannot be added as a user.
    with pytest.raises(WrongPassphrase):
        policy.set_wipe_after(vault, DURESS, 3)
    with pytest.raises(ValidationError):
        vault.add_slot("analyst-wren", DURESS)
    # Replaced, then removed: one duress slot at most, and off again leaves one slot.
    policy.set_duress(vault, TEST_PASSPHRASE, SECOND_PASSPHRASE, "analyst-ibis")
    assert [s.label for s in keyfile.read_keyfile(vault.path).slots] == [ANALYST, "analyst-ibis"]
    policy.set_duress(vault, TEST_PASSPHRASE, None)
    assert len(keyfile.read_keyfile(vault.path).slots) == 1
    assert not policy.policies(vault).duress
    assert [e["value"] for e in _events(vault, "policy_changed")] == [
        False,
        True,
        True,
    ]  # newest first


def test_a_second_user_still_unlocks_after_a_duress_slot_is_added(vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    v.add_slot("analyst-wren", SECOND_PASSPHRASE)
    policy.set_duress(v, TEST_PASSPHRASE, DURESS, "analyst-heron")
    v.lock()
    w = Vault.unlock(vault_dir, SECOND_PASSPHRASE)
    assert w.user == "analyst-wren"
    w.lock()
    assert os.path.exists(vault_dir / "vault.db")


def test_the_review_role_cannot_change_policies(tmp_path: Path) -> None:
    from fieldapp.errors import RoleRefused
    from tests.sync_helpers import make_hq_vault

    hq = make_hq_vault(tmp_path / "hq")
    hq.add_slot("reviewer-lark", SECOND_PASSPHRASE, keyfile.KdfParams.TEST_ONLY, review=True)
    hq.lock()
    reviewer = Vault.unlock(tmp_path / "hq", SECOND_PASSPHRASE)
    try:
        with pytest.raises(RoleRefused, match="security policies"):
            policy.set_wipe_after(reviewer, SECOND_PASSPHRASE, 3)
        with pytest.raises(RoleRefused):
            policy.set_duress(reviewer, SECOND_PASSPHRASE, DURESS, "analyst-heron")
        with pytest.raises(RoleRefused):
            policy.set_purge_after_receipt(reviewer, SECOND_PASSPHRASE, True)
        assert policy.policies(reviewer) == policy.Policies(None, False, None, False)
    finally:
        reviewer.lock()
