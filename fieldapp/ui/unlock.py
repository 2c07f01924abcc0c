"""Unlock dialog: one passphrase field, a clear message per failure, a busy state.

The key derivation takes about a second by design, so it runs through the runner while the
dialog shows "Unlocking…"; the passphrase field is cleared after every attempt so the text
does not linger in a widget longer than needed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.store.policy import VaultWiped
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.messages import message_for
from fieldapp.ui.tasks import Runner


class UnlockDialog(QDialog):
    """Emits `unlocked(vault)` and accepts on success; rejecting means "quit" to the caller."""

    unlocked = Signal(object)
    failed = Signal(str)  # the message shown, after each failed attempt
    # The failed-unlock limit of the vault's wipe policy was reached: the vault is gone. The
    # dialog stays open with nothing left to try; the caller starts over (first run).
    wiped = Signal(object)  # the vault's Path

    def __init__(
        self,
        vault_path: Path,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        reason: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("unlockDialog")
        self.setWindowTitle(self.tr("Unlock vault"))
        self.setMinimumWidth(420)
        self._path = vault_path
        self._runner = runner
        self._busy = False

        intro = QLabel(reason or self.tr("Enter the passphrase of this vault to open it."))
        intro.setWordWrap(True)
        where = QLabel(str(vault_path))
        where.setObjectName("vaultPath")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setEnabled(False)  # secondary information, drawn muted

        label = QLabel(self.tr("&Passphrase:"))
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setObjectName("passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        label.setBuddy(self.passphrase_edit)

        self.error_label = QLabel()
        self.error_label.setObjectName("unlockError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.hide()
        self.busy_label = QLabel(self.tr("Unlocking…"))
        self.busy_label.setObjectName("unlockBusy")
        self.busy_label.hide()

        self.buttons = QDialogButtonBox()
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.unlock_button.setDefault(True)
        self.quit_button = QPushButton(self.tr("&Quit"))
        self.buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.unlock_button.clicked.connect(self.attempt)
        self.quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addSpacing(6)
        layout.addWidget(label)
        layout.addWidget(self.passphrase_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.passphrase_edit.setFocus()

    @property
    def busy(self) -> bool:
        return self._busy

    def attempt(self) -> None:
        """Try the passphrase in the field (the Unlock button and Enter both land here)."""
        if self._busy:
            return
        passphrase = self.passphrase_edit.text()
        self.passphrase_edit.clear()
        if not passphrase:
            self._show_error(self.tr("Type the passphrase first."))
            return
        self._set_busy(True)
        path = self._path
        self._runner.submit(lambda: Vault.unlock(path, passphrase), self._done, self._error)

    def _done(self, vault: Vault) -> None:
        self._set_busy(False)
        self.error_label.hide()
        self.unlocked.emit(vault)
        self.accept()

    def _error(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, VaultWiped):
            self._show_error(
                self.tr(
                    "The vault was erased: that was the last wrong passphrase its security "
                    "policy allows. Its data cannot be recovered from this device."
                )
            )
            self.passphrase_edit.setEnabled(False)
            self.unlock_button.setEnabled(False)
            self.quit_button.setText(self.tr("&Close"))
            self.quit_button.setFocus()
            self.wiped.emit(self._path)
            return
        # Each failure type (wrong passphrase, damaged key file, not a vault, too new) has its
        # own title and sentence in messages.py; the dialog stays open for another try.
        title, text = message_for(exc)
        self._show_error(f"{title}: {text}")
        self.passphrase_edit.setFocus()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {theme.colour('error')};")
        self.error_label.show()
        self.failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.passphrase_edit.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)
        if busy:
            self.error_label.hide()

    def reject(self) -> None:
        # Closing while the key is being derived would leave an unlocked vault nobody owns.
        if not self._busy:
            super().reject()
