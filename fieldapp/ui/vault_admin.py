"""Vault administration dialogs: change passphrase, add a user, check integrity, erase.

They call the same `Vault` methods as `fieldapp vault passwd|add-user|check|erase`, so the GUI
and the CLI cannot disagree about what each operation does. Key derivation takes about a second
on purpose, so every vault call goes through the runner while the dialog shows a busy bar and
disables its fields and buttons (a second click cannot start a second re-wrap).

Passphrases live in the fields only as long as needed: they are read into the task and the
fields are emptied before the work starts, and `discard()` (called when the vault locks) empties
and closes the dialog even while work is in flight. Results of work that finishes after a
discard are dropped: the dialog they were for is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import errors
from fieldapp.store.vault import CheckReport, SlotInfo, Vault
from fieldapp.ui import theme
from fieldapp.ui.messages import message_for
from fieldapp.ui.passphrase_fields import NewPassphraseFields
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import fit_wrapped_text

MAX_NAME_LENGTH = 80
# Red, but readable on both themes; a destructive button must never look like the usual one.
# The padding applies in every state, so enabling the button does not change its size.
DESTRUCTIVE_STYLE = """
QPushButton#eraseButton { border: 1px solid palette(mid); border-radius: 3px; padding: 4px 14px; }
QPushButton#eraseButton:enabled { background: #b3261e; color: #ffffff; border-color: #7f1b15; }
QPushButton#eraseButton:enabled:focus { border: 2px solid #ffcc80; }
"""


def _plain(text: str = "", name: str = "") -> QLabel:
    """A word-wrapped label that never renders HTML (it may show pseudonyms or cell names)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def error_text(exc: BaseException) -> str:
    """One line for an inline error: the title and sentence from messages.py.

    Validation errors name the store's field path ("label: …"), which means nothing in these
    dialogs; their messages alone say what to change.
    """
    if isinstance(exc, errors.ValidationError) and exc.issues:
        return " ".join(
            issue.message[:1].upper() + issue.message[1:].rstrip(".") + "." for issue in exc.issues
        )
    title, text = message_for(exc)
    return f"{title}: {text}"


class AdminDialog(QDialog):
    """Busy state, inline error and result lines, and the lock-time discard shared by all four."""

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._vault: Vault | None = None
        self._busy = False
        # Bumped by discard(): work that finishes for an older generation is ignored.
        self._generation = Generation()

        self.error_label = _plain(name="adminError")
        self.error_label.hide()
        self.result_label = _plain(name="adminResult")
        self.result_label.hide()
        self.busy_label = _plain(name="adminBusy")
        self.busy_label.hide()
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("adminBusyBar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.hide()
        self.buttons = QDialogButtonBox()

    @property
    def busy(self) -> bool:
        return self._busy

    @property
    def vault(self) -> Vault | None:
        return self._vault

    def open_for(self, vault: Vault) -> None:
        """Show the dialog, empty, for `vault` (non-blocking: `open()`, never `exec()`)."""
        self._vault = vault
        self.reset()
        self.open()

    def reset(self) -> None:
        """Empty every field and message; subclasses add their own fields."""
        self.error_label.clear()
        self.error_label.hide()
        self.result_label.clear()
        self.result_label.hide()

    def discard(self) -> None:
        """The vault locked: forget it, empty every field and close, even while busy."""
        self._generation.advance()
        self._vault = None
        self._set_busy(False)
        self.reset()
        if self.isVisible():
            super().done(QDialog.DialogCode.Rejected)

    def done(self, result: int) -> None:
        # Closing mid-operation would hide whether the change happened; wait for the answer.
        if self._busy:
            return
        self.reset()
        super().done(result)

    # --- work ------------------------------------------------------------------------------
    def _run(
        self,
        busy_text: str,
        work: Callable[[Vault], Any],
        on_success: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        vault = self._vault
        if vault is None or self._busy:
            return

        @self._generation.current
        def succeeded(result: Any) -> None:
            self._set_busy(False)
            on_success(result)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            (on_error or self.show_error)(exc)

        self.error_label.hide()
        self.result_label.hide()
        self.busy_label.setText(busy_text)
        self._set_busy(True)
        self._runner.submit(lambda: work(vault), succeeded, failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        for button in self.buttons.buttons():
            button.setEnabled(not busy)
        self._set_inputs_enabled(not busy)
        if not busy:
            self._update_buttons()
        self._fit()

    def _set_inputs_enabled(self, enabled: bool) -> None:
        """Subclasses enable or disable their fields."""

    def _update_buttons(self) -> None:
        """Subclasses re-apply their own enabling rules once not busy."""

    def _fit(self) -> None:
        """Grow to fit text that appeared after opening (advice, errors, problems)."""
        fit_wrapped_text(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The opening text may need more lines than the layout's minimum (translations).
        self._fit()

    def show_error(self, exc_or_text: BaseException | str) -> None:
        text = exc_or_text if isinstance(exc_or_text, str) else error_text(exc_or_text)
        self.result_label.hide()
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {theme.colour('error')};")
        self.error_label.show()
        self._fit()

    def show_result(self, text: str) -> None:
        self.error_label.hide()
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {theme.colour('ok')};")
        self.result_label.show()
        self._fit()

    def _finish_layout(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.error_label)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.buttons)


class ChangePassphraseDialog(AdminDialog):
    """Re-wrap the data key under a new passphrase for the user who unlocked the vault."""

    changed = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("changePassphraseDialog")
        self.setWindowTitle(self.tr("Change passphrase"))
        self.setMinimumWidth(500)

        self.intro = _plain(name="passwdIntro")
        self.current_edit = QLineEdit()
        self.current_edit.setObjectName("currentPassphrase")
        self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields = NewPassphraseFields(self._user_inputs, self)

        self.change_button = QPushButton(self.tr("&Change passphrase"))
        self.change_button.setObjectName("changeButton")
        self.change_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.buttons.addButton(self.change_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.change_button.clicked.connect(self.attempt)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        current_label = QLabel(self.tr("C&urrent passphrase:"))
        current_label.setBuddy(self.current_edit)
        form.addRow(current_label, self.current_edit)
        self.fields.add_rows(form, self.tr("&New passphrase:"), self.tr("&Repeat new:"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        self._finish_layout(layout)

        self.current_edit.textChanged.connect(self.error_label.hide)
        self.fields.changed.connect(self.error_label.hide)
        self.fields.changed.connect(self._fit)

    def _user_inputs(self) -> list[str]:
        vault = self._vault
        return [vault.device.cell_name, vault.user] if vault is not None else []

    def open_for(self, vault: Vault) -> None:
        super().open_for(vault)
        self.intro.setText(
            self.tr(
                "New passphrase for {user}. The vault's data stays as it is; from now on only "
                "the new passphrase opens it for {user}. Other users keep their own."
            ).format(user=vault.user)
        )
        self._fit()
        self.current_edit.setFocus()

    def reset(self) -> None:
        super().reset()
        self.current_edit.clear()
        self.fields.clear()

    def attempt(self) -> None:
        """Check the fields, then re-wrap in the background (button and Enter land here)."""
        if self._busy or self._vault is None:
            return
        old = self.current_edit.text()
        new = self.fields.passphrase()
        if not old:
            self.show_error(self.tr("Type your current passphrase."))
            self.current_edit.setFocus()
            return
        problem = self.fields.problem()
        if problem:
            self.show_error(problem)
            self.fields.passphrase_edit.setFocus()
            return
        if new == old:
            self.show_error(self.tr("The new passphrase is the same as the current one."))
            self.fields.passphrase_edit.setFocus()
            return
        # Out of the widgets before the slow part: nothing to read off the screen meanwhile.
        self.current_edit.clear()
        self.fields.clear()
        self._run(
            self.tr("Changing the passphrase… deriving the new key takes a few seconds."),
            lambda vault: vault.change_passphrase(old, new),
            self._changed,
            self._failed,
        )

    def _changed(self, _result: object) -> None:
        user = self._vault.user if self._vault is not None else ""
        self.show_result(
            self.tr("Passphrase changed for {user}. Use the new one from now on.").format(user=user)
        )
        self.close_button.setFocus()
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.show_error(exc)
        self.current_edit.setFocus()

    def _set_inputs_enabled(self, enabled: bool) -> None:
        self.current_edit.setEnabled(enabled)
        self.fields.set_enabled(enabled)


class AddUserDialog(AdminDialog):
    """Give another analyst their own key slot (own passphrase, own pseudonym on changes)."""

    added = Signal(object)  # SlotInfo

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("addUserDialog")
        self.setWindowTitle(self.tr("Add user"))
        self.setMinimumWidth(500)

        intro = _plain(
            self.tr(
                "The new user opens this same vault with their own passphrase. Everything they "
                "change carries their pseudonym. Let them type the passphrase themselves."
            )
        )
        self.pseudonym_edit = QLineEdit()
        self.pseudonym_edit.setObjectName("pseudonym")
        self.pseudonym_edit.setMaxLength(MAX_NAME_LENGTH)
        self.pseudonym_edit.setPlaceholderText(self.tr("e.g. analyst-12 (not a real name)"))
        self.fields = NewPassphraseFields(self._user_inputs, self)

        self.add_button = QPushButton(self.tr("&Add user"))
        self.add_button.setObjectName("addButton")
        self.add_button.setDefault(True)
        self.close_button = QPushButton(self.tr("Close"))
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.add_button.clicked.connect(self.attempt)
        self.close_button.clicked.connect(self.reject)

        form = QFormLayout()
        name_label = QLabel(self.tr("Analyst &pseudonym:"))
        name_label.setBuddy(self.pseudonym_edit)
        form.addRow(name_label, self.pseudonym_edit)
        self.fields.add_rows(form, self.tr("&Their passphrase:"), self.tr("&Repeat:"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        self._finish_layout(layout)

        # A pseudonym inside the passphrase makes it guessable: re-judge when either changes.
        self.pseudonym_edit.textChanged.connect(self.fields.refresh)
        self.pseudonym_edit.textChanged.connect(self.error_label.hide)
        self.fields.changed.connect(self.error_label.hide)
        self.fields.changed.connect(self._fit)

    def pseudonym(self) -> str:
        return " ".join(self.pseudonym_edit.text().split())

    def _user_inputs(self) -> list[str]:
        vault = self._vault
        cell = vault.device.cell_name if vault is not None else ""
        return [cell, self.pseudonym()]

    def open_for(self, vault: Vault) -> None:
        super().open_for(vault)
        self.pseudonym_edit.setFocus()

    def reset(self) -> None:
        super().reset()
        self.pseudonym_edit.clear()
        self.fields.clear()

    def attempt(self) -> None:
        if self._busy or self._vault is None:
            return
        label = self.pseudonym()
        if not label:
            self.show_error(self.tr("Give the new user's analyst pseudonym."))
            self.pseudonym_edit.setFocus()
            return
        if any(not ch.isprintable() for ch in label):
            self.show_error(
                self.tr("The pseudonym cannot contain control or invisible characters.")
            )
            self.pseudonym_edit.setFocus()
            return
        problem = self.fields.problem()
        if problem:
            self.show_error(problem)
            self.fields.passphrase_edit.setFocus()
            return
        passphrase = self.fields.passphrase()
        self.fields.clear()
        self._run(
            self.tr("Adding {user}… deriving their key takes a few seconds.").format(user=label),
            lambda vault: vault.add_slot(label, passphrase),
            self._added,
        )

    def _added(self, slot: SlotInfo) -> None:
        self.pseudonym_edit.clear()
        self.show_result(
            self.tr(
                "Added {user}. They can now unlock this vault with their own passphrase."
            ).format(user=slot.label)
        )
        self.close_button.setFocus()
        self.added.emit(slot)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        self.pseudonym_edit.setEnabled(enabled)
        self.fields.set_enabled(enabled)


class CheckDialog(AdminDialog):
    """The full integrity check (page MACs, SQLite structure, audit log), started on open."""

    checked = Signal(object)  # CheckReport

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("checkDialog")
        self.setWindowTitle(self.tr("Check integrity"))
        self.setMinimumWidth(520)

        intro = _plain(
            self.tr(
                "Checks every encrypted page, the database structure and the tamper-evident "
                "audit log. Run it before exporting to HQ."
            )
        )
        self.status_label = _plain(name="checkStatus")
        font = self.status_label.font()
        font.setBold(True)
        self.status_label.setFont(font)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("checkProblems")
        self.problem_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problem_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.problem_list.setWordWrap(True)
        self.problem_list.hide()

        self.again_button = QPushButton(self.tr("Check &again"))
        self.again_button.setObjectName("checkAgain")
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setDefault(True)
        self.buttons.addButton(self.again_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.again_button.clicked.connect(self.start)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.status_label)
        layout.addWidget(self.problem_list, 1)
        self._finish_layout(layout)

    def open_for(self, vault: Vault) -> None:
        super().open_for(vault)
        self.start()

    def reset(self) -> None:
        super().reset()
        self.status_label.clear()
        self.problem_list.clear()
        self.problem_list.hide()

    def start(self) -> None:
        self.status_label.setText(self.tr("Checking…"))
        self.status_label.setStyleSheet("")
        self.problem_list.clear()
        self.problem_list.hide()
        self._run(
            self.tr("Checking the vault… this reads the whole database."),
            lambda vault: vault.check(),
            self._show_report,
            self._failed,
        )

    def _show_report(self, report: CheckReport) -> None:
        if report.ok:
            self.status_label.setText(self.tr("Vault OK: no problems found."))
            self.status_label.setStyleSheet(f"color: {theme.colour('ok')};")
        else:
            self.status_label.setText(
                self.tr("Problems found: {n}. Do not export; tell HQ.").format(
                    n=len(report.problems)
                )
            )
            self.status_label.setStyleSheet(f"color: {theme.colour('error')};")
            # QListWidgetItem text is never interpreted as HTML.
            self.problem_list.addItems(report.problems)
            self.problem_list.show()
            self._fit()
        self.close_button.setFocus()
        self.checked.emit(report)

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(self.tr("The check could not run."))
        self.status_label.setStyleSheet(f"color: {theme.colour('error')};")
        self.show_error(exc)

    def problems(self) -> list[str]:
        return [self.problem_list.item(i).text() for i in range(self.problem_list.count())]


class EraseDialog(AdminDialog):
    """Confirm a crypto-erase: typing the cell name exactly is the only way to enable Erase.

    The dialog itself erases nothing: it emits `confirmed`, and the main window locks, erases
    and tells the shell, because only the window can first take the data out of every panel.
    """

    confirmed = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("eraseDialog")
        self.setWindowTitle(self.tr("Erase vault"))
        self.setMinimumWidth(520)
        self.setStyleSheet(DESTRUCTIVE_STYLE)
        self._cell_name = ""

        heading = _plain(self.tr("This destroys the vault for good."), "eraseHeading")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        heading.setStyleSheet(f"color: {theme.colour('error')};")
        self.explanation = _plain(name="eraseExplanation")
        self.path_label = _plain(name="erasePath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setEnabled(False)  # secondary information, drawn muted
        prompt = _plain(self.tr("To confirm, type the cell name exactly as shown here:"))
        # The name is user text: its own plain label, never a buddy label (where an "&" in
        # the name would turn into a mnemonic).
        self.name_label = _plain(name="eraseCellName")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setBold(True)
        self.name_label.setFont(mono)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("eraseConfirm")
        confirm_label = QLabel(self.tr("&Cell name:"))
        confirm_label.setBuddy(self.confirm_edit)
        confirm_form = QFormLayout()
        confirm_form.addRow(confirm_label, self.confirm_edit)

        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setDefault(True)
        self.erase_button = QPushButton(self.tr("&Erase vault"))
        self.erase_button.setObjectName("eraseButton")
        bold = self.erase_button.font()
        bold.setBold(True)
        self.erase_button.setFont(bold)  # the font, not the style sheet: size hints see it
        # Enter in the confirmation field must never erase: only a deliberate click or Alt+E.
        self.erase_button.setAutoDefault(False)
        self.erase_button.setEnabled(False)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel_button.clicked.connect(self.reject)
        self.erase_button.clicked.connect(self.confirm)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.path_label)
        layout.addSpacing(8)
        layout.addWidget(prompt)
        layout.addWidget(self.name_label)
        layout.addLayout(confirm_form)
        self._finish_layout(layout)
        self.confirm_edit.textChanged.connect(self._update_buttons)

    @property
    def cell_name(self) -> str:
        return self._cell_name

    def open_for(self, vault: Vault) -> None:
        self._cell_name = vault.device.cell_name
        self.explanation.setText(
            self.tr(
                "Everything in this vault will be destroyed: every incident and observation, "
                "their whole history, the audit log, all evidence files and this device's "
                "identity. The key is destroyed first, so nothing can be recovered, not even "
                "from a backup of the database. There is no undo. Export anything HQ still "
                "needs before you erase."
            )
        )
        self.path_label.setText(self.tr("Vault folder: {path}").format(path=vault.path))
        self.name_label.setText(self._cell_name)
        super().open_for(vault)
        self.confirm_edit.setFocus()

    def reset(self) -> None:
        super().reset()
        self.confirm_edit.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.erase_button.setEnabled(
            bool(self._cell_name) and self.confirm_edit.text() == self._cell_name
        )

    def _set_inputs_enabled(self, enabled: bool) -> None:
        self.confirm_edit.setEnabled(enabled)

    def confirm(self) -> None:
        """Erase was pressed with the cell name typed: close and hand over to the window."""
        if self._vault is None or self.confirm_edit.text() != self._cell_name:
            return
        self.accept()
        self.confirmed.emit()
