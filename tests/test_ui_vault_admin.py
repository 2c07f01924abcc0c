"""Vault administration from the GUI: passphrase change, second user, integrity check, erase.

Real vaults (test-only KDF), real Qt widgets driven through pytest-qt; InlineRunner except where
the busy state of background work is the point.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView

from fieldapp.domain import canonical
from fieldapp.domain.passphrase import Strength, check_passphrase
from fieldapp.errors import WrongPassphrase
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui.app import Shell
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.passphrase_fields import NewPassphraseFields
from fieldapp.ui.settings import UiSettings
from fieldapp.ui.tasks import InlineRunner, Runner, TaskRunner
from fieldapp.ui.vault_admin import (
    AddUserDialog,
    ChangePassphraseDialog,
    CheckDialog,
    EraseDialog,
)
from fieldapp.ui.wizard import CreateVaultWizard
from tests.helpers import (
    ANALYST,
    CELL_NAME,
    SECOND_PASSPHRASE,
    TEST_PASSPHRASE,
    make_vault,
    raw_connection,
)

NEW_PASSPHRASE = "quiet harbour lantern orchard 19"


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


def _window(qtbot, vault: Vault, runner: Runner, ui_settings: UiSettings) -> MainWindow:
    w = MainWindow(vault, runner, ui_settings, ClipboardGuard())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def _close(w: MainWindow) -> None:
    w.shutdown()
    if w.unlock_dialog is not None:
        w.unlock_dialog.done(0)


@pytest.fixture
def window(qtbot, vault: Vault, ui_settings: UiSettings) -> Iterator[MainWindow]:
    w = _window(qtbot, vault, InlineRunner(), ui_settings)
    yield w
    _close(w)


def _passwd(window: MainWindow) -> ChangePassphraseDialog:
    window.passphrase_action.trigger()
    dialog = window.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _fill_passwd(dialog: ChangePassphraseDialog, current: str, new: str, repeat: str) -> None:
    dialog.current_edit.setText(current)
    dialog.fields.passphrase_edit.setText(new)
    dialog.fields.repeat_edit.setText(repeat)


def _verdict(fields: NewPassphraseFields) -> Strength:
    strength = fields.strength()
    assert strength is not None
    return strength


def _fields_empty(*edits) -> bool:
    return all(edit.text() == "" for edit in edits)


# --- change passphrase ---------------------------------------------------------------------------
def test_change_passphrase_rewraps_so_only_the_new_one_unlocks(qtbot, window, vault_dir):
    dialog = _passwd(window)
    assert dialog.isModal() and ANALYST in dialog.intro.text()
    _fill_passwd(dialog, TEST_PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    assert dialog.fields.feedback_label.text() == "Strong enough."
    assert dialog.fields.match_label.text() == "The passphrases match."
    with qtbot.waitSignal(dialog.changed):
        qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.isVisibleTo(dialog)
    assert f"Passphrase changed for {ANALYST}" in dialog.result_label.text()
    assert not dialog.error_label.isVisibleTo(dialog)
    # Nothing typed stays in the widgets after use.
    assert _fields_empty(
        dialog.current_edit, dialog.fields.passphrase_edit, dialog.fields.repeat_edit
    )

    window.lock()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_dir, TEST_PASSPHRASE)
    again = Vault.unlock(vault_dir, NEW_PASSPHRASE)
    assert again.user == ANALYST
    again.lock()


def test_weak_new_passphrase_is_refused_with_live_feedback(qtbot, window, vault_dir):
    dialog = _passwd(window)
    _fill_passwd(dialog, TEST_PASSPHRASE, "password123", "password123")
    # Feedback while typing, from the same helper as the create-vault wizard.
    assert not _verdict(dialog.fields).ok
    assert dialog.fields.strength_bar.value() < 3
    assert "not enough" in dialog.fields.strength_bar.format()
    assert "at least 12 characters" in dialog.fields.feedback_label.text()
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.isVisibleTo(dialog)
    assert "too weak" in dialog.error_label.text()
    assert dialog.isVisible()
    # The cell name and the user's pseudonym make a passphrase guessable, as in the store.
    assert check_passphrase("testcellnorthkestrel").ok
    dialog.fields.passphrase_edit.setText("testcellnorthkestrel")
    assert not _verdict(dialog.fields).ok
    window.lock()
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()  # unchanged


def test_mismatched_or_unchanged_new_passphrase_is_refused(qtbot, window, vault_dir):
    dialog = _passwd(window)
    _fill_passwd(dialog, TEST_PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE + "!")
    assert dialog.fields.match_label.text() == "The passphrases differ."
    dialog.attempt()
    assert "differ" in dialog.error_label.text()
    _fill_passwd(dialog, TEST_PASSPHRASE, TEST_PASSPHRASE, TEST_PASSPHRASE)
    dialog.attempt()
    assert dialog.error_label.text() == "The new passphrase is the same as the current one."
    _fill_passwd(dialog, "", NEW_PASSPHRASE, NEW_PASSPHRASE)
    dialog.attempt()
    assert dialog.error_label.text() == "Type your current passphrase."
    window.lock()
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()


def test_wrong_current_passphrase_is_shown_inline(qtbot, window, vault_dir):
    dialog = _passwd(window)
    _fill_passwd(dialog, "not my passphrase at all", NEW_PASSPHRASE, NEW_PASSPHRASE)
    qtbot.keyClick(dialog.fields.repeat_edit, Qt.Key.Key_Return)  # Enter submits too
    assert dialog.error_label.isVisibleTo(dialog)
    assert dialog.error_label.text() == (
        "Wrong passphrase: The current passphrase is wrong; nothing was changed."
    )
    assert dialog.error_label.textFormat() == Qt.TextFormat.PlainText
    assert not dialog.result_label.isVisibleTo(dialog)
    assert dialog.isVisible() and not dialog.busy
    assert _fields_empty(
        dialog.current_edit, dialog.fields.passphrase_edit, dialog.fields.repeat_edit
    )
    window.lock()
    Vault.unlock(vault_dir, TEST_PASSPHRASE).lock()


def test_change_runs_in_the_background_with_a_busy_state(qtbot, vault, ui_settings, vault_dir):
    runner = TaskRunner()
    w = _window(qtbot, vault, runner, ui_settings)
    try:
        dialog = _passwd(w)
        _fill_passwd(dialog, TEST_PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
        with qtbot.waitSignal(dialog.changed, timeout=30000):
            dialog.attempt()
            # While the key is derived: busy bar, nothing clickable, Escape does not close.
            assert dialog.busy
            assert dialog.busy_bar.isVisibleTo(dialog)
            assert "Changing the passphrase" in dialog.busy_label.text()
            assert not dialog.change_button.isEnabled()
            assert not dialog.close_button.isEnabled()
            assert not dialog.current_edit.isEnabled()
            dialog.reject()
            assert dialog.isVisible()
        assert not dialog.busy and dialog.change_button.isEnabled()
        assert not dialog.busy_bar.isVisibleTo(dialog)
    finally:
        runner.wait()
        _close(w)
    Vault.unlock(vault_dir, NEW_PASSPHRASE).lock()


def test_lock_empties_and_closes_admin_dialogs(qtbot, window):
    dialog = _passwd(window)
    _fill_passwd(dialog, TEST_PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    window.lock()
    assert not dialog.isVisible()
    assert dialog.vault is None
    assert _fields_empty(
        dialog.current_edit, dialog.fields.passphrase_edit, dialog.fields.repeat_edit
    )
    assert dialog.fields.strength() is None
    assert not window.passphrase_action.isEnabled()
    assert not window.add_user_action.isEnabled()
    assert not window.erase_action.isEnabled()


def test_lock_while_busy_discards_the_dialog(qtbot, vault, ui_settings, vault_dir):
    runner = TaskRunner()
    w = _window(qtbot, vault, runner, ui_settings)
    try:
        w.add_user_action.trigger()
        dialog = w.add_user_dialog
        assert dialog is not None
        dialog.pseudonym_edit.setText("analyst-heron")
        dialog.fields.passphrase_edit.setText(SECOND_PASSPHRASE)
        dialog.fields.repeat_edit.setText(SECOND_PASSPHRASE)
        dialog.attempt()
        assert dialog.busy
        # The lock waits for the vault call in flight, then closes the dialog regardless.
        w.lock()
        assert not dialog.isVisible() and not dialog.busy
        assert _fields_empty(dialog.pseudonym_edit, dialog.fields.passphrase_edit)
        runner.wait()
        # The late result is for a dialog that is gone: nothing shows up in it.
        qtbot.waitUntil(lambda: not runner.busy)
        assert not dialog.result_label.isVisibleTo(dialog)
        assert dialog.result_label.text() == ""
    finally:
        runner.wait()
        _close(w)


# --- add user ------------------------------------------------------------------------------------
def _add_user(window: MainWindow) -> AddUserDialog:
    window.add_user_action.trigger()
    dialog = window.add_user_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_add_user_then_that_user_unlocks_under_their_pseudonym(qtbot, window, vault_dir):
    dialog = _add_user(window)
    dialog.pseudonym_edit.setText("  analyst-heron ")
    dialog.fields.passphrase_edit.setText(SECOND_PASSPHRASE)
    dialog.fields.repeat_edit.setText(SECOND_PASSPHRASE)
    assert dialog.fields.feedback_label.text() == "Strong enough."
    with qtbot.waitSignal(dialog.added) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert added.args[0].label == "analyst-heron"
    assert dialog.result_label.text().startswith("Added analyst-heron.")
    assert _fields_empty(
        dialog.pseudonym_edit, dialog.fields.passphrase_edit, dialog.fields.repeat_edit
    )
    window.lock()
    heron = Vault.unlock(vault_dir, SECOND_PASSPHRASE)
    try:
        assert heron.user == "analyst-heron"
    finally:
        heron.lock()
    first = Vault.unlock(vault_dir, TEST_PASSPHRASE)  # the first user is unaffected
    assert first.user == ANALYST
    first.lock()


def test_add_user_refuses_weak_duplicate_and_empty(qtbot, window):
    dialog = _add_user(window)
    dialog.fields.passphrase_edit.setText(SECOND_PASSPHRASE)
    dialog.fields.repeat_edit.setText(SECOND_PASSPHRASE)
    dialog.attempt()
    assert dialog.error_label.text() == "Give the new user's analyst pseudonym."

    # The pseudonym counts against the passphrase as soon as it is typed.
    dialog.fields.passphrase_edit.setText("zephyrquokka2931")
    dialog.fields.repeat_edit.setText("zephyrquokka2931")
    assert _verdict(dialog.fields).ok
    dialog.pseudonym_edit.setText("zephyrquokka")
    assert not _verdict(dialog.fields).ok
    dialog.attempt()
    assert "too weak" in dialog.error_label.text()

    dialog.pseudonym_edit.setText(ANALYST.upper())
    dialog.fields.passphrase_edit.setText(SECOND_PASSPHRASE)
    dialog.fields.repeat_edit.setText(SECOND_PASSPHRASE)
    dialog.attempt()
    assert dialog.error_label.text() == f"There is already a key slot for {ANALYST.upper()!r}."
    assert [s.label for s in window.vault.slots()] == [ANALYST]


# --- check ---------------------------------------------------------------------------------------
def test_check_shows_ok_on_a_fresh_vault(qtbot, window):
    window.check_action.trigger()
    dialog = window.check_dialog
    assert isinstance(dialog, CheckDialog) and dialog.isVisible()
    assert dialog.status_label.text() == "Vault OK: no problems found."
    assert not dialog.problem_list.isVisibleTo(dialog)
    assert dialog.problems() == []


def test_check_lists_every_problem_after_tampering(qtbot, window, vault):
    conn = raw_connection(vault.path, vault._raw_key_hex())
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_leaves_no_update")
        forged = {"type": "vault_created", "cell_name": "someone else"}
        conn.execute("UPDATE audit_leaves SET entry = ? WHERE idx = 0", (canonical.dumps(forged),))
    finally:
        conn.close()
    window.check_action.trigger()
    dialog = window.check_dialog
    assert dialog is not None
    problems = dialog.problems()
    assert "audit leaf 0: its entry does not match its leaf hash" in problems
    assert problems == vault.check().problems
    assert dialog.problem_list.isVisibleTo(dialog)
    assert dialog.problem_list.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert f"Problems found: {len(problems)}." in dialog.status_label.text()


def test_check_runs_in_the_background_with_a_busy_indicator(qtbot, vault, ui_settings):
    runner = TaskRunner()
    w = _window(qtbot, vault, runner, ui_settings)
    try:
        w.show_check()
        dialog = w.check_dialog
        assert dialog is not None
        with qtbot.waitSignal(dialog.checked, timeout=30000) as checked:
            assert dialog.busy and dialog.busy_bar.isVisibleTo(dialog)
            assert dialog.status_label.text() == "Checking…"
            assert not dialog.again_button.isEnabled()
        assert checked.args[0].ok
        assert not dialog.busy and dialog.again_button.isEnabled()
        assert dialog.status_label.text() == "Vault OK: no problems found."
    finally:
        runner.wait()
        _close(w)


# --- erase ---------------------------------------------------------------------------------------
@pytest.fixture
def shell(qtbot, vault_dir: Path, ui_settings: UiSettings) -> Iterator[Shell]:
    s = Shell(vault_dir, KdfParams.TEST_ONLY, InlineRunner(), ui_settings)
    yield s
    s.shutdown()
    for widget in (s.main_window, s.wizard, s.unlock_dialog):
        if widget is not None:
            widget.close()


def _unlocked_shell(qtbot, shell: Shell, vault_dir: Path, **kw) -> MainWindow:
    make_vault(vault_dir, **kw).lock()
    shell.start()
    assert shell.unlock_dialog is not None
    shell.unlock_dialog.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(shell.main_window_opened) as opened:
        shell.unlock_dialog.attempt()
    window = opened.args[0]
    assert isinstance(window, MainWindow)
    return window


def test_erase_needs_the_exact_cell_name_then_the_shell_shows_the_wizard(qtbot, shell, vault_dir):
    window = _unlocked_shell(qtbot, shell, vault_dir)
    window.erase_action.trigger()
    dialog = window.erase_dialog
    assert isinstance(dialog, EraseDialog) and dialog.isVisible()
    text = dialog.explanation.text()
    for words in ("destroyed", "audit log", "evidence", "no undo"):
        assert words in text
    assert dialog.name_label.text() == CELL_NAME
    assert not dialog.erase_button.isEnabled()
    # The destructive button is never the one Enter presses.
    assert dialog.cancel_button.isDefault()
    assert not dialog.erase_button.isDefault() and not dialog.erase_button.autoDefault()
    for near_miss in (CELL_NAME.lower(), CELL_NAME[:-1], CELL_NAME + " ", ""):
        dialog.confirm_edit.setText(near_miss)
        assert not dialog.erase_button.isEnabled(), near_miss
    qtbot.keyClicks(dialog.confirm_edit, CELL_NAME)
    assert dialog.erase_button.isEnabled()
    assert Vault.exists(vault_dir)

    with qtbot.waitSignal(window.erased):
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert not vault_dir.exists()
    assert window.is_locked and window.unlock_dialog is None
    assert shell.main_window is None
    assert isinstance(shell.wizard, CreateVaultWizard) and shell.wizard.isVisible()
    assert not window.isVisible()


def test_enter_in_the_erase_dialog_cancels_and_keeps_the_vault(qtbot, shell, vault_dir):
    window = _unlocked_shell(qtbot, shell, vault_dir)
    dialog = window.show_erase()
    assert dialog is not None
    qtbot.keyClicks(dialog.confirm_edit, CELL_NAME)
    qtbot.keyClick(dialog.confirm_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert dialog.confirm_edit.text() == ""  # reopened later, it starts empty again
    assert Vault.exists(vault_dir) and not window.is_locked
    assert shell.main_window is window


def test_erase_dialog_shows_the_cell_name_as_plain_text(qtbot, shell, vault_dir):
    cell = "R&D <b>North</b>"
    window = _unlocked_shell(qtbot, shell, vault_dir, cell_name=cell)
    dialog = window.show_erase()
    assert dialog is not None
    assert dialog.name_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.name_label.text() == cell
    dialog.confirm_edit.setText(cell)
    assert dialog.erase_button.isEnabled()
    dialog.reject()
