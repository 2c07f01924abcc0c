"""The main window: register, editor, history, observations and audit log over one vault.

The window owns the lock. Locking (shortcut, menu, idle timer, suspend) takes every decrypted
value out of the widgets first, then clears the clipboard if it still holds the app's text,
then closes the vault, and only then shows the unlock dialog. Unlocking hands a new `Vault`
to every panel; no panel keeps a reference to the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import RoleRefused
from fieldapp.store.vault import Vault
from fieldapp.ui.auditlog_view import AuditLogView
from fieldapp.ui.autolock import IdleWatcher, SessionLockWatcher
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.deconflict import DeconflictPanel
from fieldapp.ui.device import DeviceDialog
from fieldapp.ui.evidence import EvidencePanel
from fieldapp.ui.history import HistoryPanel
from fieldapp.ui.hq_panels import DevicesPanel, InboxPanel
from fieldapp.ui.incident_editor import IncidentEditor
from fieldapp.ui.map_panel import MapPanel
from fieldapp.ui.messages import message_for
from fieldapp.ui.observations import ObservationLog
from fieldapp.ui.package_dialog import PackageDialog
from fieldapp.ui.provenance import ProvenanceDialog, lock_all, open_provenance
from fieldapp.ui.register import RegisterPanel
from fieldapp.ui.release_gate import ReleaseGatePanel
from fieldapp.ui.reports_dialog import ReportsDialog, open_reports_dialog
from fieldapp.ui.review_assess import AddReviewerDialog, AssessDialog
from fieldapp.ui.settings import SettingsDialog, UiSettings
from fieldapp.ui.sync_panel import SyncPanel
from fieldapp.ui.tasks import Runner
from fieldapp.ui.unlock import UnlockDialog
from fieldapp.ui.vault_admin import (
    AddUserDialog,
    AdminDialog,
    ChangePassphraseDialog,
    CheckDialog,
    EraseDialog,
)
from fieldapp.ui.witnesses import WitnessPanel

_Admin = TypeVar("_Admin", bound=AdminDialog)


class _VaultPanel(Protocol):
    def set_vault(self, vault: Vault | None) -> None: ...


class _LockedPage(QWidget):
    """What the window shows while locked: no case data, just where we are."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = QLabel()
        self.message.setObjectName("lockedMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # reasons may quote error text
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.message.setFont(font)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addStretch(2)


class MainWindow(QMainWindow):
    locked = Signal()
    unlocked = Signal()
    # The vault at this path was crypto-erased; the window is locked for good and the shell
    # takes over (it shows the create-vault wizard again).
    erased = Signal(object)

    def __init__(
        self,
        vault: Vault,
        runner: Runner,
        settings: UiSettings,
        clipboard: ClipboardGuard | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self._vault: Vault | None = vault
        self._vault_path = vault.path
        self._runner = runner
        self.settings = settings
        self.clipboard = clipboard or ClipboardGuard()
        self.clipboard.watch()
        self._current_id = ""
        self._closing = False
        self.unlock_dialog: UnlockDialog | None = None
        self.prompt: QMessageBox | None = None
        # Vault administration dialogs, made on first use and reused; emptied on every lock.
        self.passphrase_dialog: ChangePassphraseDialog | None = None
        self.add_user_dialog: AddUserDialog | None = None
        self.check_dialog: CheckDialog | None = None
        self.erase_dialog: EraseDialog | None = None
        self.assess_dialog: AssessDialog | None = None
        self.add_reviewer_dialog: AddReviewerDialog | None = None
        self._erasing = False

        self.register = RegisterPanel(runner)
        self.editor = IncidentEditor(runner)
        self.history = HistoryPanel(runner)
        self.evidence = EvidencePanel(runner)
        self.observations = ObservationLog(runner)
        self.audit = AuditLogView(runner)
        self.map_panel = MapPanel(runner, settings)
        self.witnesses = WitnessPanel(runner)
        # Sync screens by role: a field vault sends bundles, an HQ vault receives them. The
        # role is fixed when a vault is made, so the tabs are chosen once.
        self.role = vault.device.role
        self.sync: SyncPanel | None = SyncPanel(runner) if self.role == "field" else None
        self.inbox: InboxPanel | None = InboxPanel(runner) if self.role == "hq" else None
        self.devices: DevicesPanel | None = DevicesPanel(runner) if self.role == "hq" else None
        # HQ review (issue 5): what is published goes through the release gate first.
        hq = self.role == "hq"
        self.release_gate: ReleaseGatePanel | None = ReleaseGatePanel(runner) if hq else None
        # Every role: analysts deconflict with UN and monitor lists in the field as well.
        self.deconflict = DeconflictPanel(runner)
        self._panels: list[_VaultPanel] = [
            self.register,
            self.editor,
            self.history,
            self.evidence,
            self.observations,
            self.audit,
            self.map_panel,
            self.witnesses,
            self.deconflict,
            *(
                panel
                for panel in (self.sync, self.inbox, self.devices, self.release_gate)
                if panel is not None
            ),
        ]

        self._build_layout()
        self._build_actions()
        self._build_status_bar()
        self._connect()

        self.idle = IdleWatcher(settings.autolock_ms(), self)
        self.idle.idle.connect(self._idle_lock)
        settings.autolock_changed.connect(self.idle.set_timeout_ms)
        # Suspend and the desktop's own screen lock lock the vault too, where the platform
        # reports them (D-Bus on Linux; nothing is lost where it does not).
        self.session_watcher = SessionLockWatcher(self)
        self.session_watcher.lock_requested.connect(
            lambda kind: self.lock(self.session_watcher.reason_text(kind))
        )
        self.session_watcher.start()

        self.setWindowTitle(self.tr("fieldapp"))
        if not settings.restore_window(self):
            self.resize(1400, 860)
        settings.restore_splitter("register", self.splitter)
        self._attach(vault)

    # --- construction ----------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("detailTabs")
        self.detail_tabs.addTab(self.editor, self.tr("&Editor"))
        self.detail_tabs.addTab(self.history, self.tr("Histor&y"))
        self.detail_tabs.addTab(self.evidence, self.tr("E&vidence"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("registerSplitter")
        self.splitter.addWidget(self.register)
        self.splitter.addWidget(self.detail_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.register_tab = self.tabs.addTab(self.splitter, self.tr("&Register"))
        self.observations_tab = self.tabs.addTab(self.observations, self.tr("&Observations"))
        self.witnesses_tab = self.tabs.addTab(self.witnesses, self.tr("&Witnesses"))
        self.map_tab = self.tabs.addTab(self.map_panel, self.tr("&Map"))
        self.audit_tab = self.tabs.addTab(self.audit, self.tr("&Audit log"))
        self.deconflict_tab = self.tabs.addTab(self.deconflict, self.tr("De&confliction"))
        self.sync_tab = self.inbox_tab = self.devices_tab = -1
        if self.sync is not None:
            self.sync_tab = self.tabs.addTab(self.sync, self.tr("&Sync"))
        if self.inbox is not None:
            self.inbox_tab = self.tabs.addTab(self.inbox, self.tr("In&box"))
        if self.devices is not None:
            self.devices_tab = self.tabs.addTab(self.devices, self.tr("&Devices"))
        self.release_gate_tab = -1
        if self.release_gate is not None:
            self.release_gate_tab = self.tabs.addTab(self.release_gate, self.tr("Release &gate"))

        self.locked_page = _LockedPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.locked_page)
        self.setCentralWidget(self.stack)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # Window-wide, so the shortcut works whichever panel has the focus.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            self.tr("&New incident"),
            self.new_incident,
            QKeySequence.StandardKey.New,
            self.tr("Start a new, empty incident (Ctrl+N)"),
        )
        # Ctrl+S itself belongs to the editor (its own shortcut, scoped to it); a second
        # window-wide Ctrl+S would make both ambiguous, so the menu only names the key.
        self.save_action = self._action(
            self.tr("&Save incident") + "\tCtrl+S",
            self.save_incident,
            tip=self.tr("Save the incident in the editor as a new version"),
        )
        self.lock_action = self._action(
            self.tr("&Lock"),
            self.lock,
            "Ctrl+L",
            self.tr("Lock the vault now (Ctrl+L)"),
        )
        self.device_action = self._action(
            self.tr("&Device…"), self.show_device, tip=self.tr("This device's code and fingerprint")
        )
        self.settings_action = self._action(
            self.tr("Se&ttings…"),
            self.show_settings,
            tip=self.tr("Auto-lock delay, theme and language"),
        )
        self.verify_action = self._action(
            self.tr("&Verify log"),
            self.verify_log,
            tip=self.tr("Recompute the tamper-evident audit log"),
        )
        self.passphrase_action = self._action(
            self.tr("Change &passphrase…"),
            self.show_change_passphrase,
            tip=self.tr("Choose a new passphrase for the current user"),
        )
        self.add_user_action = self._action(
            self.tr("Add &user…"),
            self.show_add_user,
            tip=self.tr("Let another analyst open this vault with their own passphrase"),
        )
        self.check_action = self._action(
            self.tr("&Check integrity…"),
            self.show_check,
            tip=self.tr("Check the encrypted pages, the database and the audit log"),
        )
        self.erase_action = self._action(
            self.tr("&Erase vault…"),
            self.show_erase,
            tip=self.tr("Destroy this vault and everything in it for good"),
        )
        self.provenance_action = self._action(
            self.tr("&Provenance and verify…"),
            self.show_provenance,
            "Ctrl+Shift+V",
            self.tr(
                "Where the selected incident came from, every version and log entry, and a "
                "check of all their hashes and signatures (Ctrl+Shift+V)"
            ),
        )
        self.assess_action = self._action(
            self.tr("&Assess incident…"),
            self.show_assess,
            "Ctrl+Shift+A",
            self.tr(
                "HQ's assessment of the selected incident: public category, internal grade, "
                "belligerent view, rationale; the field's record is not changed (Ctrl+Shift+A)"
            ),
        )
        self.add_reviewer_action = self._action(
            self.tr("Add &reviewer…"),
            self.show_add_reviewer,
            tip=self.tr("A user who can read and assess, but not import, export or erase"),
        )
        self.reports_action = self._action(
            self.tr("&Reports and open data…"),
            self.show_reports,
            "Ctrl+Shift+R",
            self.tr(
                "The monthly overview (PDF, CSV) and the weapon-release open data; files for "
                "the public go through the release gate (Ctrl+Shift+R)"
            ),
        )
        self.package_action = self._action(
            self.tr("Evidence &package…"),
            self.show_package,
            "Ctrl+Shift+P",
            self.tr(
                "A court-ready evidence package of the selected incident, with a standalone "
                "verifier (Ctrl+Shift+P)"
            ),
        )
        self.quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        vault_menu = self.menuBar().addMenu(self.tr("&Vault"))
        vault_menu.addAction(self.lock_action)
        vault_menu.addSeparator()
        vault_menu.addAction(self.device_action)
        vault_menu.addAction(self.verify_action)
        vault_menu.addAction(self.check_action)
        vault_menu.addAction(self.settings_action)
        vault_menu.addSeparator()
        vault_menu.addAction(self.passphrase_action)
        vault_menu.addAction(self.add_user_action)
        vault_menu.addSeparator()
        vault_menu.addAction(self.erase_action)
        vault_menu.addSeparator()
        vault_menu.addAction(self.quit_action)
        incident_menu = self.menuBar().addMenu(self.tr("&Incident"))
        incident_menu.addAction(self.new_action)
        incident_menu.addAction(self.save_action)
        incident_menu.addSeparator()
        incident_menu.addAction(self.provenance_action)
        self.review_menu = None
        if self.role == "hq":
            self.review_menu = self.menuBar().addMenu(self.tr("H&Q review"))
            self.review_menu.addAction(self.assess_action)
            self.review_menu.addAction(self.package_action)
            self.review_menu.addSeparator()
            self.review_menu.addAction(self.reports_action)
            vault_menu.insertAction(self.check_action, self.add_reviewer_action)

        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.new_action, self.lock_action, self.device_action, self.verify_action):
            toolbar.addAction(action)
        self.addToolBar(toolbar)
        self._vault_actions = [
            self.new_action,
            self.save_action,
            self.device_action,
            self.verify_action,
            self.lock_action,
            self.passphrase_action,
            self.add_user_action,
            self.check_action,
            self.erase_action,
            self.provenance_action,
            self.assess_action,
            self.add_reviewer_action,
            self.package_action,
            self.reports_action,
        ]

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.cell_label = QLabel()
        self.cell_label.setObjectName("statusCell")
        self.user_label = QLabel()
        self.user_label.setObjectName("statusUser")
        self.device_label = QLabel()
        self.device_label.setObjectName("statusDevice")
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyIndicator")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumWidth(100)
        self.busy_bar.setMaximumHeight(12)
        self.busy_bar.hide()
        for widget in (self.busy_bar, self.cell_label, self.user_label, self.device_label):
            widget.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(widget)
        busy_changed = getattr(self._runner, "busy_changed", None)
        if busy_changed is not None:
            busy_changed.connect(self.busy_bar.setVisible)

    def _connect(self) -> None:
        self.register.incident_selected.connect(self._incident_selected)
        # Enter (or a double click) on a row goes on to edit it, so the keyboard never has to
        # tab through the whole filter bar and table to reach the editor.
        self.register.table.activated.connect(lambda _index: self.focus_editor())
        self.editor.saved.connect(self._incident_saved)
        self.editor.deleted.connect(self._incident_deleted)
        self.evidence.incident_changed.connect(self._incident_changed_elsewhere)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.map_panel.record_activated.connect(self.open_record)
        if self.inbox is not None and self.devices is not None:
            self.inbox.imported.connect(self._bundles_imported)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state)

    # --- vault attach / lock ---------------------------------------------------------------
    @property
    def vault(self) -> Vault | None:
        return self._vault

    @property
    def is_locked(self) -> bool:
        return self._vault is None

    def _attach(self, vault: Vault) -> None:
        self._vault = vault
        self._vault_path = vault.path
        self._current_id = ""
        for panel in self._panels:
            panel.set_vault(vault)
        self.history.show_record(None)
        device = vault.device
        self.cell_label.setText(self.tr("Cell: {name}").format(name=device.cell_name))
        self.user_label.setText(self.tr("User: {user}").format(user=vault.user))
        self.device_label.setText(self.tr("Device: {code}").format(code=device.code))
        self.setWindowTitle(self.tr("fieldapp: {cell}").format(cell=device.cell_name))
        for action in self._vault_actions:
            action.setEnabled(True)
        self.stack.setCurrentWidget(self.tabs)
        self.idle.set_timeout_ms(self.settings.autolock_ms())
        self.idle.start()

    def lock(self, reason: str = "", *, ask_unlock: bool = True) -> None:
        """Lock now: drop decrypted data, clear our clipboard, close the vault, ask to unlock.

        `ask_unlock=False` skips the unlock dialog (erase: there is nothing left to unlock).
        """
        vault = self._vault
        if vault is None:
            return
        self.idle.stop()
        self._close_prompt()
        # Passphrases typed into an admin dialog go now, even if its work is still running.
        for admin in self._admin_dialogs():
            admin.discard()
        # Any open dialog (device, settings, a panel's own confirmation) may show vault data
        # or act on the vault being closed: none survives the lock.
        lock_all(self)
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        # Stop input first, so nothing can start a new query against the vault being closed.
        self.stack.setCurrentWidget(self.locked_page)
        self.locked_page.message.setText(reason or self.tr("The vault is locked."))
        for action in self._vault_actions:
            action.setEnabled(False)
        self._vault = None
        self._current_id = ""
        for panel in self._panels:
            panel.set_vault(None)
        self.clipboard.clear_if_ours()
        self.user_label.clear()
        self.setWindowTitle(self.tr("fieldapp (locked)"))
        # Waits for a query in flight (the vault serialises access), then closes the database.
        vault.lock()
        self.locked.emit()
        if ask_unlock and not self._closing:
            self._show_unlock(reason)

    def _idle_lock(self) -> None:
        minutes = max(1, round(self.idle.timeout_ms / 60000))
        self.lock(
            self.tr(
                "Locked after {minutes} min without input. Unsaved changes were discarded."
            ).format(minutes=minutes)
        )

    def _application_state(self, state: Qt.ApplicationState) -> None:
        # Suspend is the closest signal Qt gives for "the laptop lid closed".
        if state == Qt.ApplicationState.ApplicationSuspended and not self.is_locked:
            self.lock(self.tr("Locked when the computer was suspended."))

    def _show_unlock(self, reason: str) -> None:
        dialog = UnlockDialog(self._vault_path, self._runner, self, reason=reason)
        dialog.unlocked.connect(self._unlocked)
        dialog.rejected.connect(self._unlock_rejected)
        # The wipe-after-N-failures policy erased the vault: the dialog says so; closing it
        # closes the app, and the next start offers to create a vault.
        dialog.wiped.connect(
            lambda _path: self.locked_page.message.setText(self.tr("The vault was erased."))
        )
        self.unlock_dialog = dialog
        dialog.open()

    def _unlocked(self, vault: Vault) -> None:
        self.unlock_dialog = None
        self._attach(vault)
        self.unlocked.emit()

    def _unlock_rejected(self) -> None:
        self.unlock_dialog = None
        self.close()

    # --- prompts (replaceable: tests answer them through `prompt`) --------------------------
    def confirm_discard(self, then: Callable[[], None], otherwise: Callable[[], None]) -> None:
        """Ask whether unsaved editor changes may go; call `then` or `otherwise`."""
        self._close_prompt()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Unsaved changes"),
            self.tr("The incident in the editor has unsaved changes. Discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("discardPrompt")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished(_result: int) -> None:
            self.prompt = None
            if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
                then()
            else:
                otherwise()

        box.finished.connect(finished)
        self.prompt = box
        box.open()

    def _close_prompt(self) -> None:
        if self.prompt is not None:
            prompt, self.prompt = self.prompt, None
            prompt.finished.disconnect()
            prompt.close()

    # --- incidents -------------------------------------------------------------------------
    def _incident_selected(self, incident_id: str) -> None:
        if self.is_locked or incident_id == self._current_id:
            return
        if self.editor.has_unsaved_changes():
            previous = self._current_id
            self.confirm_discard(
                lambda: self._open_incident(incident_id),
                lambda: self._restore_selection(previous),
            )
        else:
            self._open_incident(incident_id)

    def _open_incident(self, incident_id: str) -> None:
        self._current_id = incident_id
        self.editor.load(incident_id or None)
        self.history.show_record(incident_id or None)
        self.evidence.show_incident(incident_id or None)

    def _incident_changed_elsewhere(self, incident_id: str) -> None:
        """A panel (evidence: "use this photo's place/time") saved a new incident version."""
        if incident_id == self._current_id:
            self.editor.load(incident_id)
            self.history.show_record(incident_id)
        self.register.refresh()

    def _restore_selection(self, incident_id: str) -> None:
        self._current_id = incident_id
        if not incident_id or not self.register.select_incident(incident_id):
            self.register.clear_selection()

    def new_incident(self) -> None:
        if self.is_locked:
            return

        def start() -> None:
            self.register.clear_selection()
            self._open_incident("")
            self.tabs.setCurrentIndex(self.register_tab)
            self.focus_editor()

        if self.editor.has_unsaved_changes():
            self.confirm_discard(start, lambda: None)
        else:
            start()

    def focus_editor(self) -> None:
        self.detail_tabs.setCurrentWidget(self.editor)
        self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.editor.focusNextChild()

    def save_incident(self) -> None:
        self.tabs.setCurrentIndex(self.register_tab)
        self.detail_tabs.setCurrentWidget(self.editor)
        self.editor.save()

    def _incident_saved(self, incident_id: str) -> None:
        self._current_id = incident_id
        self.evidence.show_incident(incident_id)
        self.register.remember_selection(incident_id)
        self.register.refresh()
        self.history.show_record(incident_id)

    def _incident_deleted(self, _incident_id: str) -> None:
        self._current_id = ""
        self.register.clear_selection()
        self.register.refresh()
        self.history.show_record(None)
        self.evidence.show_incident(None)

    # --- other actions ---------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if self.is_locked:
            return
        if index == self.observations_tab:
            self.observations.refresh()
        elif index == self.audit_tab:
            self.audit.refresh()
        elif index == self.map_tab:
            self.map_panel.refresh()
        elif index == self.witnesses_tab:
            self.witnesses.refresh()
        elif self.sync is not None and index == self.sync_tab:
            self.sync.refresh()  # saves since the last look change what is pending
        elif self.devices is not None and index == self.devices_tab:
            self.devices.refresh()
        elif index == self.deconflict_tab:
            self.deconflict.set_incident(self._current_id)

    def _bundles_imported(self) -> None:
        """New versions from the field: the device states and every list may have changed."""
        assert self.devices is not None
        self.devices.refresh()
        self.register.refresh()

    def open_record(self, kind: str, record_id: str) -> None:
        """Open what a map marker stands for: an incident in the editor, else its tab."""
        if self.is_locked:
            return
        if kind == "incident":
            self.tabs.setCurrentIndex(self.register_tab)
            if not self.register.select_incident(record_id):
                self._incident_selected(record_id)  # not on the loaded page: open it anyway
        elif kind == "observation":
            self.tabs.setCurrentIndex(self.observations_tab)

    def show_device(self) -> DeviceDialog | None:
        if self._vault is None:
            return None
        dialog = DeviceDialog(self._vault.device, self.clipboard, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _selected_incident(self) -> str:
        """The incident the register shows in the editor, or "" with a message in the status
        bar (the review actions work on one incident)."""
        if not self._current_id:
            self.statusBar().showMessage(self.tr("Select an incident in the register first."), 5000)
        return self._current_id

    def show_provenance(self) -> ProvenanceDialog | None:
        vault, incident_id = self._vault, self._selected_incident()
        if vault is None or not incident_id:
            return None
        return open_provenance(self, vault, incident_id, self._runner, self.clipboard)

    def show_assess(self) -> AssessDialog | None:
        vault, incident_id = self._vault, self._selected_incident()
        if vault is None or not incident_id or self.role != "hq":
            return None
        if self.assess_dialog is None:
            self.assess_dialog = AssessDialog(self._runner, self)
            self.assess_dialog.saved.connect(lambda _id: self.register.refresh())
        self.assess_dialog.open_for_incident(vault, incident_id)
        return self.assess_dialog

    def show_add_reviewer(self) -> AddReviewerDialog | None:
        vault = self._vault
        if vault is None or self.role != "hq" or not self._allowed("add users"):
            return None
        if self.add_reviewer_dialog is None:
            self.add_reviewer_dialog = AddReviewerDialog(self._runner, self)
        self.add_reviewer_dialog.open_for(vault)
        return self.add_reviewer_dialog

    def _allowed(self, action: str) -> bool:
        """False, with the refusal shown, when the review role may not do `action`."""
        vault = self._vault
        try:
            if vault is not None:
                vault.forbid_review(action)
        except RoleRefused as exc:
            title, text = message_for(exc)
            QMessageBox.information(self, title, text)
            return False
        return True

    def show_reports(self) -> ReportsDialog | None:
        vault = self._vault
        if vault is None or self.role != "hq":
            return None
        dialog = open_reports_dialog(vault, self._runner, self)
        dialog.finished_export.connect(self._stage_for_release)
        return dialog

    def _stage_for_release(self, result: object) -> None:
        """A report just written is staged in the release gate: public files pass it first."""
        files = getattr(result, "files", ())
        if self.release_gate is None or not files:
            return
        self.release_gate.stage([f.path for f in files])
        self.statusBar().showMessage(
            self.tr(
                "The files are staged in the Release gate tab; check them there before "
                "anything is published."
            ),
            10000,
        )

    def show_package(self) -> PackageDialog | None:
        vault, incident_id = self._vault, self._selected_incident()
        if vault is None or not incident_id or self.role != "hq":
            return None
        if not self._allowed("make evidence packages"):
            return None
        dialog = PackageDialog(vault, incident_id, self._runner, parent=self)
        dialog.open()
        return dialog

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self, vault=self._vault, runner=self._runner)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def verify_log(self) -> None:
        if self.is_locked:
            return
        self.tabs.setCurrentIndex(self.audit_tab)
        self.audit.verify()

    # --- vault administration --------------------------------------------------------------
    def _admin_dialogs(self) -> list[AdminDialog]:
        made = (
            self.passphrase_dialog,
            self.add_user_dialog,
            self.check_dialog,
            self.erase_dialog,
            self.assess_dialog,
            self.add_reviewer_dialog,
        )
        return [d for d in made if d is not None]

    def _open_admin(self, dialog: _Admin) -> _Admin | None:
        if self._vault is None:
            return None
        dialog.open_for(self._vault)
        return dialog

    def show_change_passphrase(self) -> ChangePassphraseDialog | None:
        if self.passphrase_dialog is None:
            self.passphrase_dialog = ChangePassphraseDialog(self._runner, self)
        return self._open_admin(self.passphrase_dialog)

    def show_add_user(self) -> AddUserDialog | None:
        if self.add_user_dialog is None:
            self.add_user_dialog = AddUserDialog(self._runner, self)
        return self._open_admin(self.add_user_dialog)

    def show_check(self) -> CheckDialog | None:
        if self.check_dialog is None:
            self.check_dialog = CheckDialog(self._runner, self)
        return self._open_admin(self.check_dialog)

    def show_erase(self) -> EraseDialog | None:
        if not self._allowed("erase the vault"):
            return None
        if self.erase_dialog is None:
            self.erase_dialog = EraseDialog(self._runner, self)
            self.erase_dialog.confirmed.connect(self.erase_vault)
        return self._open_admin(self.erase_dialog)

    def erase_vault(self) -> None:
        """Lock (every panel emptied, vault closed), crypto-erase, then emit `erased`.

        The window stays locked with no unlock dialog: the shell decides what comes next.
        """
        if self._vault is None or self._erasing:
            return
        self._erasing = True
        path = self._vault_path
        self.lock(self.tr("Erasing the vault…"), ask_unlock=False)
        self._runner.submit(
            lambda: Vault.erase(path),
            lambda _result: self._erased(path),
            lambda exc: self._erase_failed(path, exc),
        )

    def _erased(self, path: Path) -> None:
        self._erasing = False
        self.locked_page.message.setText(self.tr("The vault was erased."))
        self.erased.emit(path)

    def _erase_failed(self, path: Path, exc: BaseException) -> None:
        self._erasing = False
        title, text = message_for(exc)
        if Vault.exists(path):
            # The key file is still there, so nothing was destroyed: the vault can be opened.
            self._show_unlock(
                self.tr("The vault was not erased. {title}: {text}").format(title=title, text=text)
            )
        else:
            # vault.key went first, so the data is unreadable; only leftover files remain.
            self.locked_page.message.setText(
                self.tr(
                    "The vault's key was destroyed, so its data can no longer be read, but some "
                    "files could not be removed. {title}: {text}"
                ).format(title=title, text=text)
            )
            self.erased.emit(path)

    # --- closing ---------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing and not self.is_locked and self.editor.has_unsaved_changes():
            event.ignore()
            self.confirm_discard(self._close_now, lambda: None)
            return
        self._close_now_state()
        event.accept()

    def _close_now(self) -> None:
        self._closing = True
        self.close()

    def _close_now_state(self) -> None:
        self._closing = True
        self.settings.save_window(self)
        self.settings.save_splitter("register", self.splitter)
        if not self.is_locked:
            self.lock()
        else:
            self.clipboard.clear_if_ours()
        dialog, self.unlock_dialog = self.unlock_dialog, None
        if dialog is not None:
            dialog.rejected.disconnect(self._unlock_rejected)
            dialog.done(0)

    def shutdown(self) -> None:
        """Close the vault without asking (application quit)."""
        self._closing = True
        if not self.is_locked:
            self.lock()
