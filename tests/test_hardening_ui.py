"""The hardening policies in the GUI: the Security policies section of Settings, the unlock
dialog at the wipe limit, and the purge policy on the Sync tab's receipt import. Real vaults,
real widgets, the inline runner."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldapp.store import policy
from fieldapp.store.vault import Vault
from fieldapp.ui.security_policies import SecurityPoliciesGroup
from fieldapp.ui.settings import SettingsDialog, UiSettings
from fieldapp.ui.tasks import InlineRunner
from fieldapp.ui.unlock import UnlockDialog
from sync import fieldsync
from tests.helpers import TEST_PASSPHRASE, make_vault
from tests.sync_helpers import enroll
from tests.test_ui_sync import Field, add_incident, add_original, receipt_for
from tests.test_ui_sync import field as field  # the fixture, re-exported

DURESS = "orchid tractor biscuit glacier 19"


def _group(qtbot: QtBot, vault: Vault) -> SecurityPoliciesGroup:
    group = SecurityPoliciesGroup(vault, InlineRunner())
    qtbot.addWidget(group)
    return group


def _events(vault: Vault) -> list[dict[str, object]]:
    return [e.entry for e in vault.audit_entries(limit=100) if e.kind == "policy_changed"]


def test_all_off_by_default_and_explained(qtbot: QtBot, vault: Vault) -> None:
    group = _group(qtbot, vault)
    assert group.current == policy.Policies(None, False, None, False)
    assert not group.wipe_check.isChecked() and not group.wipe_spin.isEnabled()
    assert not group.duress_check.isChecked() and not group.duress_edit.isEnabled()
    assert not group.purge_check.isChecked()
    text = " ".join(label.text() for label in group.findChildren(type(group.status_label)))
    assert "irreversible" in text and "for everyone" in text and "exist only at HQ" in text
    for check in (group.wipe_check, group.duress_check, group.purge_check):
        assert "&" in check.text()  # reachable by keyboard


def test_a_change_needs_the_passphrase_and_is_logged(qtbot: QtBot, vault: Vault) -> None:
    group = _group(qtbot, vault)
    group.wipe_check.setChecked(True)
    group.wipe_spin.setValue(3)
    group.apply_button.click()
    assert "Type your passphrase" in group.status_label.text()
    group.passphrase_edit.setText("not my passphrase at all 7")
    group.apply_button.click()
    assert "no policy was changed" in group.status_label.text()
    assert policy.policies(vault).wipe_after is None
    assert group.passphrase_edit.text() == ""

    changed: list[object] = []
    group.changed.connect(changed.append)
    group.wipe_check.setChecked(True)
    group.wipe_spin.setValue(3)
    group.purge_check.setChecked(True)
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    QTest.keyClick(group.passphrase_edit, Qt.Key.Key_Return)  # Enter applies
    assert policy.policies(vault) == policy.Policies(3, False, None, True)
    assert changed == [policy.policies(vault)]
    assert "applied" in group.status_label.text()
    assert {str(e["policy"]) for e in _events(vault)} == {"wipe_after", "purge_after_receipt"}
    assert (vault.path / policy.GUARD_NAME).exists()

    group.wipe_check.setChecked(False)
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    group.apply_button.click()
    assert policy.policies(vault).wipe_after is None
    assert not (vault.path / policy.GUARD_NAME).exists()


def test_duress_from_the_form(qtbot: QtBot, vault: Vault) -> None:
    group = _group(qtbot, vault)
    group.duress_check.setChecked(True)
    group.duress_label_edit.setText("analyst-heron")
    group.duress_edit.setText(DURESS)
    group.duress_repeat.setText(DURESS + "x")
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    group.apply_button.click()
    assert "differ" in group.status_label.text()
    assert group.duress_edit.text() == "" and group.passphrase_edit.text() == ""
    assert not policy.policies(vault).duress

    group.duress_edit.setText(DURESS)
    group.duress_repeat.setText(DURESS)
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    group.apply_button.click()
    assert policy.policies(vault).duress_label == "analyst-heron"
    # Nothing typed, nothing to change: the existing duress slot stays.
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    group.apply_button.click()
    assert "Nothing to change" in group.status_label.text()
    group.duress_check.setChecked(False)
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    group.apply_button.click()
    assert not policy.policies(vault).duress


def test_lock_clears_and_disables_the_section(qtbot: QtBot, vault: Vault) -> None:
    group = _group(qtbot, vault)
    group.passphrase_edit.setText(TEST_PASSPHRASE)
    group.set_vault(None)
    assert not group.isEnabled() and group.passphrase_edit.text() == ""


def test_settings_shows_the_section_only_with_a_vault(
    qtbot: QtBot, vault: Vault, tmp_path: Path
) -> None:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    plain = SettingsDialog(settings)
    qtbot.addWidget(plain)
    assert plain.policies is None
    full = SettingsDialog(settings, vault=vault, runner=InlineRunner())
    qtbot.addWidget(full)
    assert full.policies is not None and full.policies.current is not None


def test_the_unlock_dialog_says_the_vault_was_erased(qtbot: QtBot, vault_dir: Path) -> None:
    v = make_vault(vault_dir)
    policy.set_wipe_after(v, TEST_PASSPHRASE, 3)
    v.lock()
    dialog = UnlockDialog(vault_dir, InlineRunner())
    qtbot.addWidget(dialog)
    wiped: list[object] = []
    dialog.wiped.connect(wiped.append)
    for left in ("2 more wrong passphrases", "1 more wrong passphrase"):
        dialog.passphrase_edit.setText("a wrong guess entirely 5")
        dialog.unlock_button.click()
        assert left in dialog.error_label.text()
    dialog.passphrase_edit.setText("a wrong guess entirely 5")
    dialog.unlock_button.click()
    assert "The vault was erased" in dialog.error_label.text()
    assert wiped == [vault_dir]
    assert not dialog.unlock_button.isEnabled() and not dialog.passphrase_edit.isEnabled()
    assert not Vault.exists(vault_dir)


def _exported_with_original(field: Field) -> Path:
    enroll(field.vault, field.hq)
    add_incident(field.vault)
    add_original(field.vault, field.tmp, 4096)
    out = field.tmp / "out"
    out.mkdir()
    field.panel.refresh()
    field.panel.export_to(out)
    receipt = field.tmp / "r.chmr"
    receipt.write_text(receipt_for(field, 1))
    return receipt


def test_sync_tab_purge_policy_on_purges_without_asking(field: Field) -> None:
    receipt = _exported_with_original(field)
    policy.set_purge_after_receipt(field.vault, TEST_PASSPHRASE, True)
    purged: list[object] = []
    field.panel.purged.connect(purged.append)
    field.panel.import_receipt(receipt)  # the manual purge box is not ticked
    assert not field.panel.purge_confirm.is_open
    assert "security policy purges after every receipt" in field.panel.receipt_result.text()
    assert fieldsync.sync_status(field.vault).purged_blobs == 1
    assert len(purged) == 1
    kinds = [e.kind for e in field.vault.audit_entries(limit=10)]
    assert "policy_purge" in kinds and "evidence_purged" in kinds


def test_sync_tab_purge_policy_off_keeps_originals(field: Field) -> None:
    receipt = _exported_with_original(field)
    field.panel.import_receipt(receipt)
    assert "security policy" not in field.panel.receipt_result.text()
    assert fieldsync.sync_status(field.vault).purged_blobs == 0
