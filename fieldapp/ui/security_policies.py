"""The "Security policies" section of Settings (issue 6 §3): wipe after failed unlocks, a
duress passphrase, purge after each HQ receipt. All off by default; each explained with its
risk; any change takes the user's passphrase and is logged (`fieldapp.store.policy`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from fieldapp.store import policy
from fieldapp.store.policy import Policies
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.messages import message_for
from fieldapp.ui.tasks import Runner
from fieldapp.ui.wrapping import pin_wrapped_labels

DEFAULT_WIPE_AFTER = 10


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setEnabled(False)  # drawn muted: an explanation, not a control
    return label


def _password(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SecurityPoliciesGroup(QGroupBox):
    """Shows the vault's policies and applies changes with the passphrase typed here."""

    changed = Signal(object)  # Policies, after a change was applied
    failed = Signal(str)

    def __init__(self, vault: Vault | None, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("securityPolicies")
        self.setTitle(self.tr("Security policies"))
        self._vault = vault
        self._runner = runner
        self._current: Policies | None = None
        self._busy = False

        intro = _note(
            self.tr(
                "These protect the vault if this computer is taken. All are off unless you turn "
                "them on; every change asks for your passphrase and is written to the audit log."
            )
        )

        self.wipe_check = QCheckBox(self.tr("&Erase the vault after too many wrong passphrases"))
        self.wipe_check.setObjectName("wipePolicy")
        self.wipe_spin = QSpinBox()
        self.wipe_spin.setObjectName("wipeAfter")
        self.wipe_spin.setRange(policy.MIN_WIPE_AFTER, policy.MAX_WIPE_AFTER)
        self.wipe_spin.setValue(DEFAULT_WIPE_AFTER)
        wipe_label = QLabel(self.tr("&Number of wrong passphrases in a row:"))
        wipe_label.setBuddy(self.wipe_spin)
        wipe_note = _note(
            self.tr(
                "After this many wrong passphrases in a row, the vault destroys its key and "
                "with it every record and all evidence on this device. This is irreversible: "
                "what HQ has not received is lost, also when it was only someone mistyping. It "
                "stops guessing through the app on a seized laptop, even if the app is killed "
                "between guesses; it does not stop someone who copied the disk first."
            )
        )

        self.duress_check = QCheckBox(self.tr("&Duress passphrase"))
        self.duress_check.setObjectName("duressPolicy")
        self.duress_label_edit = QLineEdit()
        self.duress_label_edit.setObjectName("duressLabel")
        duress_label_label = QLabel(self.tr("Slot la&bel:"))
        duress_label_label.setBuddy(self.duress_label_edit)
        self.duress_edit = _password("duressPassphrase")
        duress_edit_label = QLabel(self.tr("Duress &passphrase:"))
        duress_edit_label.setBuddy(self.duress_edit)
        self.duress_repeat = _password("duressRepeat")
        duress_repeat_label = QLabel(self.tr("&Repeat it:"))
        duress_repeat_label.setBuddy(self.duress_repeat)
        duress_note = _note(
            self.tr(
                "A second passphrase for when you are forced to open the vault. Typed at the "
                "unlock prompt, it destroys the vault's key for everyone, this device's users "
                "and HQ's escrow alike, and then looks exactly like a wrong passphrase; so does "
                "every later attempt. Nothing on disk shows that a duress passphrase exists, "
                "but its slot label is visible: choose one that looks like a user's pseudonym. "
                "Whatever HQ has not received is lost."
            )
        )

        self.purge_check = QCheckBox(self.tr("P&urge acknowledged plaintext after each HQ receipt"))
        self.purge_check.setObjectName("purgePolicy")
        purge_note = _note(
            self.tr(
                "When a receipt from HQ is imported, the evidence originals and witness "
                "identities HQ has confirmed it holds are deleted from this device at once, "
                "without asking. The records stay. Less is lost if the laptop is taken, but the "
                "originals then exist only at HQ."
            )
        )

        self.passphrase_edit = _password("policyPassphrase")
        passphrase_label = QLabel(self.tr("Your pa&ssphrase, to confirm:"))
        passphrase_label.setBuddy(self.passphrase_edit)
        self.apply_button = QPushButton(self.tr("Appl&y security policies"))
        self.apply_button.setObjectName("applyPolicies")
        self.apply_button.clicked.connect(self.apply)
        # Enter in any field of this section applies it. A line edit passes Enter on to its
        # dialog as well, which pressed Settings' OK: the dialog closed over the result, and
        # from the duress fields it closed without applying anything.
        for edit in (
            self.duress_label_edit,
            self.duress_edit,
            self.duress_repeat,
            self.passphrase_edit,
        ):
            edit.installEventFilter(self)
        self.status_label = QLabel()
        self.status_label.setObjectName("policyStatus")
        self.status_label.setWordWrap(True)

        duress_form = QFormLayout()
        duress_form.addRow(duress_label_label, self.duress_label_edit)
        duress_form.addRow(duress_edit_label, self.duress_edit)
        duress_form.addRow(duress_repeat_label, self.duress_repeat)
        wipe_row = QHBoxLayout()
        wipe_row.addWidget(wipe_label)
        wipe_row.addWidget(self.wipe_spin)
        wipe_row.addStretch(1)
        confirm = QFormLayout()
        confirm.addRow(passphrase_label, self.passphrase_edit)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.wipe_check)
        layout.addLayout(wipe_row)
        layout.addWidget(wipe_note)
        layout.addWidget(self.duress_check)
        layout.addLayout(duress_form)
        layout.addWidget(duress_note)
        layout.addWidget(self.purge_check)
        layout.addWidget(purge_note)
        # HQ receives receipts' counterparts, never a receipt: the purge cannot apply there.
        at_hq = vault is not None and vault.device.role == "hq"
        self.purge_check.setVisible(not at_hq)
        purge_note.setVisible(not at_hq)
        layout.addLayout(confirm)
        layout.addWidget(self.apply_button)
        layout.addWidget(self.status_label)

        self.wipe_check.toggled.connect(self._sync_enabled)
        self.duress_check.toggled.connect(self._sync_enabled)
        self._sync_enabled()
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        enter = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in enter
            and isinstance(watched, QLineEdit)
        ):
            self.apply()
            return True  # not on to the dialog's default button
        return super().eventFilter(watched, event)

    # --- state ---------------------------------------------------------------------------------
    @property
    def current(self) -> Policies | None:
        return self._current

    @property
    def busy(self) -> bool:
        return self._busy

    def set_vault(self, vault: Vault | None) -> None:
        """None on lock: every field is cleared and the section disabled."""
        self._vault = vault
        self._current = None
        self._clear_secrets()
        self.refresh()

    def refresh(self) -> None:
        vault = self._vault
        self.setEnabled(vault is not None)
        if vault is None:
            return
        self._runner.submit(lambda: policy.policies(vault), self._show, self._read_failed)

    def _show(self, current: Policies) -> None:
        self._current = current
        self.wipe_check.setChecked(current.wipe_after is not None)
        if current.wipe_after is not None:
            self.wipe_spin.setValue(current.wipe_after)
        self.duress_check.setChecked(current.duress)
        self.duress_label_edit.setText(current.duress_label or "")
        self.purge_check.setChecked(current.purge_after_receipt)
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        self.wipe_spin.setEnabled(self.wipe_check.isChecked())
        for edit in (self.duress_label_edit, self.duress_edit, self.duress_repeat):
            edit.setEnabled(self.duress_check.isChecked())

    def _clear_secrets(self) -> None:
        for edit in (self.passphrase_edit, self.duress_edit, self.duress_repeat):
            edit.clear()

    # --- applying ------------------------------------------------------------------------------
    def _changes(self, passphrase: str) -> list[Callable[[Vault], Policies]] | str:
        """The policy calls the form asks for, or a sentence saying why it cannot be applied."""
        current = self._current
        if current is None:
            return self.tr("The policies are still being read; try again in a moment.")
        calls: list[Callable[[Vault], Policies]] = []
        wipe = self.wipe_spin.value() if self.wipe_check.isChecked() else None
        if wipe != current.wipe_after:
            calls.append(lambda v: policy.set_wipe_after(v, passphrase, wipe))
        purge = self.purge_check.isChecked()
        if purge != current.purge_after_receipt:
            calls.append(lambda v: policy.set_purge_after_receipt(v, passphrase, purge))
        code, repeat = self.duress_edit.text(), self.duress_repeat.text()
        label = self.duress_label_edit.text()
        if self.duress_check.isChecked() and (code or not current.duress):
            if not code:
                return self.tr("Type the duress passphrase twice.")
            if code != repeat:
                return self.tr("The two duress passphrases differ.")
            calls.append(lambda v: policy.set_duress(v, passphrase, code, label))
        elif not self.duress_check.isChecked() and current.duress:
            calls.append(lambda v: policy.set_duress(v, passphrase, None))
        if not calls:
            return self.tr("Nothing to change: the policies are as shown.")
        return calls

    def apply(self) -> None:
        """Apply what the form shows (the button and Enter in the passphrase field)."""
        vault = self._vault
        if vault is None or self._busy:
            return
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self._say(self.tr("Type your passphrase to confirm the change."), "error")
            return
        changes = self._changes(passphrase)
        self._clear_secrets()
        if isinstance(changes, str):
            self._say(changes, "error")
            return

        def work() -> Policies:
            result = policy.policies(vault)
            for call in changes:
                result = call(vault)
            return result

        self._busy = True
        self.apply_button.setEnabled(False)
        self._say(self.tr("Applying…"), "")
        self._runner.submit(work, self._applied, self._error)

    def _applied(self, result: Policies) -> None:
        self._busy = False
        self.apply_button.setEnabled(True)
        self._show(result)
        self._say(self.tr("Security policies applied and logged."), "ok")
        self.changed.emit(result)

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.apply_button.setEnabled(True)
        title, text = message_for(exc)
        self._say(f"{title}: {text}", "error")
        self.failed.emit(text)
        self.refresh()  # a change may have gone through before a later one failed

    def _read_failed(self, exc: BaseException) -> None:
        title, text = message_for(exc)
        self._say(f"{title}: {text}", "error")

    def _say(self, text: str, kind: str) -> None:
        self.status_label.setText(text)
        pin_wrapped_labels(self.window())  # a long error wraps over more lines
        colour = {"ok": theme.colour("ok"), "error": theme.colour("error")}.get(kind)
        self.status_label.setStyleSheet(f"color: {colour};" if colour else "")
