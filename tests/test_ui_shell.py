"""GUI shell: create-vault wizard, unlock dialog, and the start-up flow (real vaults, real Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui.app import Shell
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.settings import UiSettings
from fieldapp.ui.tasks import InlineRunner, TaskRunner
from fieldapp.ui.unlock import UnlockDialog
from fieldapp.ui.wizard import CreateVaultWizard
from tests.helpers import ANALYST, CELL_NAME, TEST_PASSPHRASE, make_vault


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def shell(qtbot, vault_dir: Path, ui_settings: UiSettings):
    s = Shell(vault_dir, KdfParams.TEST_ONLY, InlineRunner(), ui_settings)
    yield s
    s.shutdown()
    for widget in (s.main_window, s.wizard, s.unlock_dialog):
        if widget is not None:
            widget.close()


def _fill_identity(wizard: CreateVaultWizard) -> None:
    wizard.identity_page.cell_edit.setText(CELL_NAME)
    wizard.identity_page.analyst_edit.setText(ANALYST)
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase_page


def test_first_run_opens_the_wizard_not_the_unlock_dialog(shell, vault_dir):
    shell.start()
    assert shell.wizard is not None and shell.wizard.isVisible()
    assert shell.unlock_dialog is None
    assert not Vault.exists(vault_dir)


def test_wizard_refuses_empty_identity(qtbot, shell):
    shell.start()
    wizard = shell.wizard
    wizard.identity_page.cell_edit.setText("   ")
    wizard.identity_page.analyst_edit.setText(ANALYST)
    # Whitespace only is no name: Next stays disabled and the page does not move.
    assert not wizard.identity_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.identity_page


def test_wizard_refuses_weak_passphrase_with_live_feedback(qtbot, shell, vault_dir):
    shell.start()
    wizard = shell.wizard
    _fill_identity(wizard)
    page = wizard.passphrase_page
    page.passphrase_edit.setText("password123")
    # Live feedback while typing, before any button is pressed.
    assert page.strength() is not None and not page.strength().ok
    assert page.strength_bar.value() < 3
    assert "at least 12 characters" in page.feedback_label.text()
    page.repeat_edit.setText("password123")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.error_label.isVisibleTo(wizard)
    assert "too weak" in page.error_label.text()
    assert shell.main_window is None
    assert not Vault.exists(vault_dir)


def test_wizard_refuses_mismatched_passphrases(qtbot, shell, vault_dir):
    shell.start()
    wizard = shell.wizard
    _fill_identity(wizard)
    page = wizard.passphrase_page
    page.passphrase_edit.setText(TEST_PASSPHRASE)
    page.repeat_edit.setText(TEST_PASSPHRASE + "!")
    assert page.match_label.text() == "The passphrases differ."
    wizard.next()
    assert wizard.currentPage() is page
    assert "differ" in page.error_label.text()
    assert page.repeat_edit.text() == ""  # the wrong repeat is cleared for a new try
    assert not Vault.exists(vault_dir)


def test_wizard_creates_the_vault_and_opens_the_main_window(qtbot, shell, vault_dir):
    shell.start()
    wizard = shell.wizard
    _fill_identity(wizard)
    page = wizard.passphrase_page
    page.passphrase_edit.setText(TEST_PASSPHRASE)
    page.repeat_edit.setText(TEST_PASSPHRASE)
    assert page.feedback_label.text() == "Strong enough."
    with qtbot.waitSignal(shell.main_window_opened) as opened:
        wizard.next()
    window = opened.args[0]
    assert isinstance(window, MainWindow) and window.isVisible()
    assert wizard.currentPage() is wizard.done_page
    assert Vault.exists(vault_dir)
    vault = window.vault
    assert vault is not None and vault.user == ANALYST
    assert vault.device.cell_name == CELL_NAME
    assert wizard.done_page.code_label.text() == vault.device.code
    assert CELL_NAME in window.cell_label.text()
    assert vault.device.code in window.device_label.text()
    # The passphrase really protects it: unlock a second handle with it.
    again = Vault.unlock(vault_dir, TEST_PASSPHRASE)
    again.lock()


def test_wizard_creates_in_the_background_with_a_busy_state(qtbot, vault_dir, ui_settings):
    runner = TaskRunner()
    wizard = CreateVaultWizard(vault_dir, KdfParams.TEST_ONLY, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_identity(wizard)
    page = wizard.passphrase_page
    page.passphrase_edit.setText(TEST_PASSPHRASE)
    page.repeat_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(wizard.created, timeout=20000) as created:
        wizard.next()
        # The result comes back through the event loop, so right now the work is in flight.
        assert wizard.creating
        assert page.busy_bar.isVisibleTo(wizard)
        assert not page.passphrase_edit.isEnabled()
        assert not page.isComplete()  # Next cannot start a second vault
    vault = created.args[0]
    try:
        assert wizard.currentPage() is wizard.done_page
        assert not page.busy_bar.isVisibleTo(wizard)
        assert not wizard.creating
    finally:
        vault.lock()
        runner.wait()


def test_wizard_reports_a_store_refusal_in_place(qtbot, vault_dir):
    # Another vault appeared at the path after the wizard opened: the store refuses, the
    # wizard says why and stays on the page.
    make_vault(vault_dir).lock()
    wizard = CreateVaultWizard(vault_dir, KdfParams.TEST_ONLY, InlineRunner())
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_identity(wizard)
    wizard.passphrase_page.passphrase_edit.setText(TEST_PASSPHRASE)
    wizard.passphrase_page.repeat_edit.setText(TEST_PASSPHRASE)
    wizard.next()
    assert wizard.currentPage() is wizard.passphrase_page
    assert wizard.vault is None
    assert wizard.passphrase_page.error_label.text().startswith("Vault already exists")


# --- unlock ------------------------------------------------------------------------------------
@pytest.fixture
def locked_vault(vault_dir: Path) -> Path:
    make_vault(vault_dir).lock()
    return vault_dir


def test_existing_vault_opens_the_unlock_dialog(qtbot, shell, locked_vault):
    shell.start()
    assert shell.wizard is None
    assert shell.unlock_dialog is not None and shell.unlock_dialog.isVisible()


def test_unlock_wrong_passphrase_then_success(qtbot, shell, locked_vault):
    shell.start()
    dialog = shell.unlock_dialog
    dialog.passphrase_edit.setText("not the right passphrase")
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.unlock_button.click()
    assert failed.args[0].startswith("Wrong passphrase:")
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.passphrase_edit.text() == ""  # never left in the widget
    assert dialog.isVisible() and shell.main_window is None

    dialog.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(shell.main_window_opened) as opened:
        dialog.unlock_button.click()
    window = opened.args[0]
    assert window.vault is not None and not window.vault.is_locked
    assert not dialog.isVisible()


def test_enter_in_the_passphrase_field_tries_once(qtbot, locked_vault):
    dialog = UnlockDialog(locked_vault, InlineRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.passphrase_edit.setText("not the right passphrase")
    failures: list[str] = []
    dialog.failed.connect(failures.append)
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    assert len(failures) == 1
    assert failures[0].startswith("Wrong passphrase:")


def test_unlock_empty_passphrase_is_refused_without_trying(qtbot, locked_vault):
    dialog = UnlockDialog(locked_vault, InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.attempt()
    assert failed.args[0] == "Type the passphrase first."


def test_unlock_damaged_key_file_has_its_own_message(qtbot, locked_vault):
    key = locked_vault / "vault.key"
    key.write_bytes(key.read_bytes()[:40])
    dialog = UnlockDialog(locked_vault, InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.attempt()
    assert failed.args[0].startswith("Damaged key file:")


def test_unlock_shows_busy_state_while_deriving_the_key(qtbot, locked_vault):
    runner = TaskRunner()
    dialog = UnlockDialog(locked_vault, runner)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=20000) as unlocked:
        dialog.attempt()
        assert dialog.busy
        assert dialog.busy_label.isVisibleTo(dialog)
        assert dialog.busy_label.text() == "Unlocking…"
        assert not dialog.unlock_button.isEnabled()
        dialog.reject()  # refused while the key is derived: the vault must have an owner
        assert dialog.isVisible()
    unlocked.args[0].lock()
    runner.wait()
    assert not dialog.busy


def test_unlock_dialog_shows_the_reason_for_a_lock(qtbot, locked_vault):
    dialog = UnlockDialog(locked_vault, InlineRunner(), reason="Locked after 5 min.")
    qtbot.addWidget(dialog)
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Locked after 5 min." in texts


def test_unlock_where_there_is_no_vault_says_so(qtbot, tmp_path):
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    dialog = UnlockDialog(empty, InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(dialog.failed) as failed:
        dialog.attempt()
    assert failed.args[0].startswith("No vault: There is no vault at")
    assert list(empty.iterdir()) == []  # nothing was created by trying
