"""Main window: lock by shortcut and by idle timer, clipboard on lock, device dialog, settings."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPixmap
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QMessageBox, QWidget

from fieldapp.domain.model import Harm, Incident, TimeWindow
from fieldapp.errors import VaultLocked
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import LogReport, Vault
from fieldapp.ui import auditlog_view
from fieldapp.ui.app import start_gui
from fieldapp.ui.autolock import IdleWatcher
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.device import qr_payload, qr_png
from fieldapp.ui.i18n import remove_translators
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.settings import DEFAULT_AUTOLOCK_MS, SettingsDialog, UiSettings
from fieldapp.ui.tasks import InlineRunner, TaskRunner
from tests.helpers import TEST_PASSPHRASE


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def incident_ids(vault: Vault) -> list[str]:
    ids = []
    for i, title in enumerate(("Market strike", "Water station hit")):
        inc = Incident(
            title=title,
            time=TimeWindow(start=f"2026-03-0{i + 1}T09:00:00Z"),
            harms=[Harm("death", "direct")],
        )
        ids.append(vault.save_incident(inc, "first report")[0].id)
    return ids


@pytest.fixture
def window(qtbot, vault: Vault, incident_ids, ui_settings) -> Iterator[MainWindow]:
    w = MainWindow(vault, InlineRunner(), ui_settings, ClipboardGuard())
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.shutdown()
    if w.unlock_dialog is not None:
        w.unlock_dialog.done(0)


def _unlock(qtbot, w: MainWindow) -> None:
    dialog = w.unlock_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.passphrase_edit.setText(TEST_PASSPHRASE)
    with qtbot.waitSignal(w.unlocked):
        dialog.unlock_button.click()


def _assert_locked(w: MainWindow, old: Vault) -> None:
    assert old.is_locked
    assert w.vault is None and w.is_locked
    assert w.register.model.rowCount() == 0
    assert w.audit.model.rowCount() == 0
    assert not w.editor.has_unsaved_changes()
    assert w.stack.currentWidget() is w.locked_page
    assert not w.new_action.isEnabled()
    with pytest.raises(VaultLocked):
        old.query_incidents(w.register.query())


def test_main_window_shows_register_and_status(window, vault, incident_ids):
    assert sorted(window.register.ids()) == sorted(incident_ids)
    assert vault.device.cell_name in window.cell_label.text()
    assert vault.user in window.user_label.text()
    assert vault.device.code in window.device_label.text()
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "&Register",
        "&Observations",
        "&Witnesses",
        "&Map",
        "&Audit log",
        "De&confliction",
        "&Sync",  # a field vault; an HQ vault has In&box and &Devices instead
    ]


def test_selecting_a_row_loads_the_editor_and_history(qtbot, window, incident_ids):
    with qtbot.waitSignal(window.editor.loaded) as loaded:
        window.register.select_incident(incident_ids[1])
    assert loaded.args == [incident_ids[1]]
    assert window.editor.incident().title == "Water station hit"


def test_ctrl_l_locks_and_unlock_hands_over_a_new_vault(qtbot, window, vault, incident_ids):
    window.register.select_incident(incident_ids[0])
    with qtbot.waitSignal(window.locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    _assert_locked(window, vault)
    assert window.editor.incident().title == ""  # decrypted fields left the editor
    _unlock(qtbot, window)
    assert window.vault is not None and window.vault is not vault
    assert not window.vault.is_locked
    assert sorted(window.register.ids()) == sorted(incident_ids)
    assert window.stack.currentWidget() is window.tabs
    assert window.new_action.isEnabled()


def test_auto_lock_after_idle(qtbot, window, vault, ui_settings):
    assert window.idle.timeout_ms == DEFAULT_AUTOLOCK_MS
    with qtbot.waitSignal(window.locked, timeout=10000):
        ui_settings.set_autolock_ms(50)
    _assert_locked(window, vault)
    assert "without input" in window.locked_page.message.text()
    assert not window.idle.running  # the unlock dialog does not restart the timer
    _unlock(qtbot, window)
    assert window.idle.running and window.idle.timeout_ms == 50


def test_auto_lock_discards_unsaved_editor_changes(qtbot, window, vault, incident_ids):
    with qtbot.waitSignal(window.editor.loaded):
        window.register.select_incident(incident_ids[0])
    window.editor.title_edit.setText("Market strike, edited but not saved")
    assert window.editor.has_unsaved_changes()
    with qtbot.waitSignal(window.locked, timeout=10000):
        window.settings.set_autolock_ms(50)
    assert window.prompt is None  # locking never waits for a question to be answered
    _assert_locked(window, vault)
    _unlock(qtbot, window)
    stored, _version = window.vault.get_incident(incident_ids[0])
    assert stored.title == "Market strike"


def test_user_input_restarts_the_idle_timer_and_nothing_else_does(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    watcher = IdleWatcher(60000)
    watcher.start()
    try:
        qtbot.keyClick(edit, Qt.Key.Key_A)
        qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
        after_input = watcher.restarts
        assert after_input >= 3  # key press + release, mouse press (+ release)
        edit.update()
        edit.repaint()
        QCoreApplication.processEvents()
        assert watcher.restarts == after_input  # repaints and timers keep nobody unlocked
        assert watcher.running
    finally:
        watcher.stop()
    qtbot.keyClick(edit, Qt.Key.Key_B)
    assert watcher.restarts == after_input  # stopped: the filter is gone
    assert not watcher.running


def test_clipboard_is_cleared_on_lock_only_if_it_still_holds_our_text(qtbot, window, vault):
    board = QGuiApplication.clipboard()
    window.clipboard.copy(vault.device.fingerprint)
    assert board.text() == vault.device.fingerprint
    with qtbot.waitSignal(window.locked):
        window.lock_action.trigger()
    assert board.text() == ""

    _unlock(qtbot, window)
    window.clipboard.copy("CHM reference")
    board.setText("something the user copied from another program")
    with qtbot.waitSignal(window.locked):
        window.lock()
    assert board.text() == "something the user copied from another program"


def test_device_dialog_shows_fingerprint_and_qr(qtbot, window, vault):
    dialog = window.show_device()
    assert dialog is not None and dialog.isVisible()
    shown = dialog.fingerprint_label.text()
    assert shown.split() == vault.device.fingerprint.split()
    assert len(shown.split()) == 8
    assert dialog.code_label.text() == vault.device.code
    assert not dialog.qr_label.pixmap().isNull()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == vault.device.fingerprint
    # The copied fingerprint is app-set text: a lock removes it.
    dialog.close()
    with qtbot.waitSignal(window.locked):
        window.lock()
    assert QGuiApplication.clipboard().text() == ""


def test_qr_payload_carries_identity_and_key(vault):
    payload = qr_payload(vault.device)
    fields = dict(part.split("=", 1) for part in payload.split(";")[1:])
    assert payload.startswith("fieldapp-device:1;")
    assert fields["id"] == vault.device.device_id
    assert fields["code"] == vault.device.code
    padded = fields["ed25519"] + "=" * (-len(fields["ed25519"]) % 4)
    assert base64.urlsafe_b64decode(padded) == vault.device.public_key
    png = qr_png(payload)
    pixmap = QPixmap()
    assert pixmap.loadFromData(png, "PNG") and pixmap.width() == pixmap.height()


def test_audit_tab_lists_entries_and_verifies(qtbot, window, vault):
    window.tabs.setCurrentIndex(window.audit_tab)
    assert window.audit.model.rowCount() == vault.log_size()
    first = window.audit.model.entry_at(0)
    assert first.index == vault.log_size() - 1  # newest first
    with qtbot.waitSignal(window.audit.verified) as verified:
        window.verify_action.trigger()
    report = verified.args[0]
    assert report.ok and report.size == vault.log_size()
    assert window.audit.result_label.text().startswith("✓ Log verified")


def test_new_incident_shortcut_clears_the_editor(qtbot, window, incident_ids):
    with qtbot.waitSignal(window.editor.loaded):
        window.register.select_incident(incident_ids[0])
    with qtbot.waitSignal(window.editor.loaded) as loaded:
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert loaded.args == [""]
    assert window.register.selected_id() == ""
    assert window.editor.incident().title == ""


def test_switching_rows_with_unsaved_changes_asks_first(qtbot, window, incident_ids):
    with qtbot.waitSignal(window.editor.loaded):
        window.register.select_incident(incident_ids[0])
    window.editor.title_edit.setText("changed")
    window.register.select_incident(incident_ids[1])
    prompt = window.prompt
    assert prompt is not None and prompt.isVisible()
    prompt.button(QMessageBox.StandardButton.Cancel).click()
    # Cancel: the edited incident stays, and so does its row selection.
    assert window.editor.incident().title == "changed"
    assert window.register.selected_id() == incident_ids[0]

    window.register.select_incident(incident_ids[1])
    assert window.prompt is not None
    with qtbot.waitSignal(window.editor.loaded) as loaded:
        window.prompt.button(QMessageBox.StandardButton.Discard).click()
    assert loaded.args == [incident_ids[1]]


def test_saving_refreshes_the_register_and_selects_the_new_row(qtbot, window, vault):
    window.new_incident()
    window.editor.title_edit.setText("Bakery queue hit")
    window.editor.start_edit.setText("2026-03-17T06:50:00Z")
    with qtbot.waitSignal(window.editor.saved) as saved:
        window.save_action.trigger()
    new_id = saved.args[0]
    assert new_id in window.register.ids()
    assert window.register.selected_id() == new_id
    assert window.register.count_label.text() == "3 incidents"


def test_settings_dialog_changes_auto_lock_and_theme(qtbot, window, ui_settings):
    dialog = window.show_settings()
    assert isinstance(dialog, SettingsDialog)
    assert dialog.autolock_spin.value() == 5
    dialog.autolock_spin.setValue(12)
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("light"))
    with qtbot.waitSignal(ui_settings.theme_changed) as changed:
        dialog.accept()
    assert changed.args == ["light"]
    assert ui_settings.autolock_ms() == 12 * 60000
    assert window.idle.timeout_ms == 12 * 60000
    # Stored: a fresh settings object over the same file sees the same values.
    again = UiSettings(QSettings(ui_settings.store.fileName(), QSettings.Format.IniFormat))
    assert again.theme() == "light" and again.autolock_ms() == 12 * 60000


def test_settings_refuse_bad_values_with_a_reason(ui_settings):
    with pytest.raises(ValueError, match="between"):
        ui_settings.set_autolock_ms(0)
    with pytest.raises(ValueError, match="unknown theme"):
        ui_settings.set_theme("purple")
    ui_settings.store.setValue("security/autolock_ms", "soon")
    assert ui_settings.autolock_ms() == DEFAULT_AUTOLOCK_MS  # damaged value: safe default


def test_window_geometry_is_saved_on_close(qtbot, vault, incident_ids, ui_settings):
    w = MainWindow(vault, InlineRunner(), ui_settings)
    qtbot.addWidget(w)
    w.show()
    w.resize(1111, 777)
    w.close()
    assert vault.is_locked  # closing the window closes the vault
    keys = ui_settings.store.allKeys()
    assert "window/geometry" in keys and "window/state" in keys
    # Only layout is stored in QSettings: no titles or other case data.
    text = Path(ui_settings.store.fileName()).read_bytes()
    assert b"Market" not in text and b"Water" not in text


def test_quit_from_the_unlock_dialog_closes_the_window(qtbot, window, vault):
    with qtbot.waitSignal(window.locked):
        window.lock()
    assert window.unlock_dialog is not None
    window.unlock_dialog.quit_button.click()
    assert not window.isVisible()


def test_lock_closes_open_dialogs(qtbot, window):
    device = window.show_device()
    settings = window.show_settings()
    assert device is not None and device.isVisible() and settings.isVisible()
    with qtbot.waitSignal(window.locked):
        window.lock()
    assert not device.isVisible() and not settings.isVisible()
    assert window.unlock_dialog is not None and window.unlock_dialog.isVisible()


def test_audit_log_pages_newest_first(qtbot, monkeypatch, window, vault):
    monkeypatch.setattr(auditlog_view, "PAGE_SIZE", 2)
    size = vault.log_size()
    assert size >= 3
    window.audit.set_vault(vault)
    assert [window.audit.model.entry_at(i).index for i in range(2)] == [size - 1, size - 2]
    assert not window.audit.newer_button.isEnabled() and window.audit.older_button.isEnabled()
    window.audit.older_button.click()
    assert window.audit.model.entry_at(0).index == size - 3
    assert window.audit.newer_button.isEnabled()
    assert window.audit.page_label.text() == f"Entries 3–{min(4, size)} of {size}, newest first"
    window.audit.newer_button.click()
    assert window.audit.model.entry_at(0).index == size - 1


def test_a_failed_verification_lists_every_problem(qtbot, window):
    window.audit.show_report(
        LogReport(ok=False, size=5, checkpoints=2, problems=["leaf 3 altered", "root differs"])
    )
    text = window.audit.result_label.text()
    assert text.startswith("✗ Log verification FAILED (2 problems)")
    assert "• leaf 3 altered" in text and "• root differs" in text


def test_busy_indicator_follows_background_work(qtbot, vault, incident_ids, ui_settings):
    runner = TaskRunner()
    w = MainWindow(vault, runner, ui_settings)
    qtbot.addWidget(w)
    w.show()
    try:
        with qtbot.waitSignal(w.register.refreshed, timeout=10000):
            w.register.refresh()
            # Submitted to the pool; the answer can only arrive through the event loop.
            assert w.busy_bar.isVisibleTo(w)
        qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
        assert not w.busy_bar.isVisibleTo(w)
        assert sorted(w.register.ids()) == sorted(incident_ids)
    finally:
        runner.wait()
        w.shutdown()
        runner.wait()


def test_start_gui_opens_the_wizard_on_first_run(qtbot, tmp_path, monkeypatch):
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    palette, style = app.palette(), app.style().name()
    # The real QSettings location and the global excepthook: point both elsewhere.
    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config")
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    try:
        shell, runner = start_gui(app, tmp_path / "vault", KdfParams.TEST_ONLY)
        wizard = shell.wizard
        assert wizard is not None and wizard.isVisible()
        assert shell.unlock_dialog is None
        assert sys.excepthook is not sys.__excepthook__
        assert app.style().name().lower() == "fusion"
        wizard.reject()
        shell.shutdown()
        assert runner.wait()
    finally:
        app.setStyle(style)
        app.setPalette(palette)
        # start_gui installed the system language's catalogue; later tests expect English.
        remove_translators(app)
    assert not Vault.exists(tmp_path / "vault")


def test_suspend_locks_the_vault(qtbot, window, vault):
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    with qtbot.waitSignal(window.locked):
        app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationSuspended)
    _assert_locked(window, vault)
    assert "suspended" in window.locked_page.message.text()


def test_every_menu_action_has_a_mnemonic_and_the_main_shortcuts(window):
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        assert "&" in menu_action.text()
        keys = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text().split("\t")[0]
            assert "&" in text, text
            keys.append(text[text.index("&") + 1].lower())
        assert len(keys) == len(set(keys)), f"mnemonics clash in {menu_action.text()}"
    assert window.new_action.shortcut() == QKeySequence(QKeySequence.StandardKey.New)
    assert window.lock_action.shortcut() == QKeySequence("Ctrl+L")
    assert window.quit_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Quit)


def test_tab_order_runs_through_the_filter_bar_to_the_table(qtbot, window):
    reg = window.register

    def owner(widget: QWidget) -> QWidget:
        # A date edit takes focus through its inner line edit.
        parent = widget.parentWidget()
        return parent if isinstance(parent, QAbstractSpinBox) else widget

    chain = [reg.search_edit]
    widget = reg.search_edit.nextInFocusChain()
    while len(chain) < 8:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and owner(widget) is not chain[-1]:
            chain.append(owner(widget))
        widget = widget.nextInFocusChain()
    assert chain == [
        reg.search_edit,
        reg.workflow_combo,
        reg.category_combo,
        reg.harm_combo,
        reg.date_from,
        reg.date_to,
        reg.reset_button,
        reg.table,
    ]


def test_enter_on_a_row_moves_to_the_editor(qtbot, window, incident_ids):
    window.detail_tabs.setCurrentWidget(window.history)
    with qtbot.waitSignal(window.editor.loaded):
        window.register.select_incident(incident_ids[0])
    window.register.table.setFocus()
    with qtbot.waitSignal(window.register.table.activated):
        qtbot.keyClick(window.register.table, Qt.Key.Key_Return)
    assert window.detail_tabs.currentWidget() is window.editor
