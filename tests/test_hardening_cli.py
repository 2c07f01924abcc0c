"""`fieldapp vault policy show|set` and the purge policy on `receipt import`, through the real
CLI on real vaults (the field vault enrolled with a real HQ; receipts signed by HQ's key)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldapp.store.vault import Vault
from tests.helpers import TEST_PASSPHRASE
from tests.test_cli_bundle import add_incident, run, run_json, write_receipt
from tests.test_cli_bundle import env as env  # the fixture, re-exported

DURESS = "orchid tractor biscuit glacier 19"


def _events(folder: Path, kind: str) -> list[dict[str, object]]:
    vault = Vault.unlock(folder, TEST_PASSPHRASE)
    try:
        return [e.entry for e in vault.audit_entries(limit=500) if e.kind == kind]
    finally:
        vault.lock()


def test_policies_are_off_by_default(env: Path) -> None:
    assert run_json("vault", "policy", "show") == {
        "wipe_after": None,
        "duress": False,
        "duress_label": None,
        "purge_after_receipt": False,
    }
    code, out, _ = run("vault", "policy", "show")
    assert code == 0 and "wipe after failed unlocks: off" in out


def test_set_needs_something_to_change_and_the_right_passphrase(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run("vault", "policy", "set")
    assert code == 2 and "say what to change" in err
    code, _, err = run("vault", "policy", "set", "--wipe", "on")
    assert code == 2 and "--wipe-after" in err
    code, _, err = run("vault", "policy", "set", "--wipe", "on", "--wipe-after", "2")
    assert code == 1 and "3 to 100" in err
    assert run_json("vault", "policy", "show")["wipe_after"] is None


def test_wipe_after_n_wrong_passphrases_says_the_vault_was_erased(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = run_json("vault", "policy", "set", "--wipe", "on", "--wipe-after", "3")
    assert data["wipe_after"] == 3
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", "not the passphrase at all 9")
    code, _, err = run("vault", "check")
    assert code == 1 and "After 2 more wrong passphrases this vault erases itself" in err
    run("vault", "check")
    code, out, err = run("vault", "check", "--json")
    assert code == 1 and '"VaultWiped"' in out and "the vault has been erased" in err
    assert not (env / "field" / "vault.key").exists()


def test_purge_policy_on_purges_at_receipt_import_and_logs_why(env: Path) -> None:
    photo = env / "photo.bin"
    photo.write_bytes(os.urandom(50_000))
    add_incident("Market strike")
    run_json("evidence", "add", str(photo))
    assert run_json("vault", "policy", "set", "--purge-after-receipt", "on")["purge_after_receipt"]
    run_json("bundle", "export", "--out", str(env / "out"))
    data = run_json("receipt", "import", str(write_receipt(env, 1)))  # no --purge
    assert data["purge_by_policy"] is True
    assert data["purge"]["blobs"] == 1
    assert run_json("bundle", "status")["purged_blobs"] == 1
    assert _events(env / "field", "policy_purge")[0]["receipt_seq"] == 1
    assert _events(env / "field", "policy_changed")[0]["policy"] == "purge_after_receipt"


def test_purge_policy_off_leaves_originals_at_receipt_import(env: Path) -> None:
    photo = env / "photo.bin"
    photo.write_bytes(os.urandom(50_000))
    add_incident("Market strike")
    run_json("evidence", "add", str(photo))
    run_json("bundle", "export", "--out", str(env / "out"))
    data = run_json("receipt", "import", str(write_receipt(env, 1)))
    assert data["purge"] is None and data["purge_by_policy"] is False
    status = run_json("bundle", "status")
    assert (status["acknowledged_blobs"], status["purged_blobs"]) == (1, 0)
    assert _events(env / "field", "policy_purge") == []


def test_duress_through_the_cli(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run("vault", "policy", "set", "--duress", "on")
    assert code == 2 and "--duress-label" in err
    monkeypatch.setenv("FIELDAPP_DURESS_PASSPHRASE", DURESS)
    data = run_json("vault", "policy", "set", "--duress", "on", "--duress-label", "analyst-heron")
    assert (data["duress"], data["duress_label"]) == (True, "analyst-heron")
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", DURESS)
    code, _, err = run("vault", "check")
    assert code == 1 and "The passphrase is wrong" in err
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    code, _, err = run("vault", "check")
    assert code == 1 and "The passphrase is wrong" in err  # the data key is gone
