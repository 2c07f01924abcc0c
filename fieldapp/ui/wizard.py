"""First-run wizard: cell name, analyst pseudonym, passphrase twice, then create the vault.

Strength feedback is live, from the same `check_passphrase` the store enforces, so the user
learns why a passphrase is refused before pressing a button. Creating runs the slow key
derivation through the runner while the page shows a busy bar and every button is disabled,
so a second click cannot start a second vault.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from fieldapp.domain.passphrase import Strength
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.messages import message_for
from fieldapp.ui.passphrase_fields import NewPassphraseFields
from fieldapp.ui.tasks import Runner

MAX_NAME_LENGTH = 80


def _intro(text: str) -> QLabel:
    """The page's opening sentence, wrapped to the page's width."""
    label = QLabel(text)
    label.setObjectName("pageIntro")
    label.setWordWrap(True)
    return label


class IdentityPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Create a vault"))
        # In the page, not the wizard's header: the header does not grow for a subtitle that
        # wraps to more lines (longer translations), the page's layout does.
        intro = _intro(
            self.tr(
                "Everything this app records is kept in an encrypted vault on this computer. "
                "Name the cell and choose the pseudonym your records will carry."
            )
        )
        self.cell_edit = QLineEdit()
        self.cell_edit.setObjectName("cellName")
        self.cell_edit.setMaxLength(MAX_NAME_LENGTH)
        self.cell_edit.setPlaceholderText(self.tr("e.g. CHM Cell North"))
        self.analyst_edit = QLineEdit()
        self.analyst_edit.setObjectName("analyst")
        self.analyst_edit.setMaxLength(MAX_NAME_LENGTH)
        self.analyst_edit.setPlaceholderText(self.tr("e.g. analyst-07 (not your real name)"))
        hint = QLabel(
            self.tr(
                "The pseudonym is written into every record version and travels to HQ. Use a "
                "call sign or number, not a name that identifies you if the laptop is lost."
            )
        )
        hint.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("identityError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form = QFormLayout()
        cell_label = QLabel(self.tr("&Cell name:"))
        cell_label.setBuddy(self.cell_edit)
        analyst_label = QLabel(self.tr("&Analyst pseudonym:"))
        analyst_label.setBuddy(self.analyst_edit)
        form.addRow(cell_label, self.cell_edit)
        form.addRow(analyst_label, self.analyst_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        self.cell_edit.textChanged.connect(self.completeChanged)
        self.analyst_edit.textChanged.connect(self.completeChanged)

    def cell_name(self) -> str:
        return " ".join(self.cell_edit.text().split())

    def analyst(self) -> str:
        return " ".join(self.analyst_edit.text().split())

    def isComplete(self) -> bool:
        return bool(self.cell_name() and self.analyst())

    def validatePage(self) -> bool:
        problems = []
        if not self.cell_name():
            problems.append(self.tr("Give the cell a name."))
        if not self.analyst():
            problems.append(self.tr("Choose an analyst pseudonym."))
        if any(not ch.isprintable() for ch in self.cell_name() + self.analyst()):
            problems.append(self.tr("Names cannot contain control or invisible characters."))
        if problems:
            self.error_label.setText(" ".join(problems))
            self.error_label.setStyleSheet(f"color: {theme.colour('error')};")
            self.error_label.show()
            return False
        self.error_label.hide()
        return True


class PassphrasePage(QWizardPage):
    def __init__(self, owner: CreateVaultWizard) -> None:
        super().__init__(owner)
        self._owner = owner
        self._busy = False
        self.setTitle(self.tr("Choose a passphrase"))
        intro = _intro(
            self.tr(
                "The passphrase is the only way into the vault: nobody can recover it. Use at "
                "least 12 characters; several unrelated words are strong and easy to type."
            )
        )
        # The fields and their live feedback are shared with the vault-admin dialogs.
        self.fields = NewPassphraseFields(self._user_inputs, self)
        self.passphrase_edit = self.fields.passphrase_edit
        self.repeat_edit = self.fields.repeat_edit
        self.strength_bar = self.fields.strength_bar
        self.feedback_label = self.fields.feedback_label
        self.match_label = self.fields.match_label
        self.error_label = QLabel()
        self.error_label.setObjectName("passphraseError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.busy_label = QLabel(
            self.tr("Creating the vault… deriving the key takes a few seconds.")
        )
        self.busy_label.setObjectName("createBusy")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_label.hide()
        self.busy_bar.hide()

        form = QFormLayout()
        self.fields.add_rows(form, self.tr("&Passphrase:"), self.tr("&Repeat:"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)

        self.passphrase_edit.textChanged.connect(self.error_label.hide)
        self.fields.changed.connect(self.completeChanged)

    # --- live feedback ---------------------------------------------------------------------
    def _user_inputs(self) -> list[str]:
        identity = self._owner.identity_page
        return [identity.cell_name(), identity.analyst()]

    def strength(self) -> Strength | None:
        return self.fields.strength()

    # --- QWizardPage -----------------------------------------------------------------------
    def isComplete(self) -> bool:
        return (
            not self._busy and bool(self.passphrase_edit.text()) and bool(self.repeat_edit.text())
        )

    def validatePage(self) -> bool:
        if self._owner.vault is not None:
            return True
        if self._busy:
            return False
        passphrase = self.passphrase_edit.text()
        problem = self.fields.problem()
        if problem:
            self.show_error(problem)
            if not self.fields.matches():
                # The wrong repeat is cleared for a new try.
                self.repeat_edit.clear()
                self.repeat_edit.setFocus()
            return False
        self.error_label.hide()
        self._owner.start_create(passphrase)
        # With an inline runner the vault exists already; otherwise `created` moves us on.
        return self._owner.vault is not None

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setStyleSheet(f"color: {theme.colour('error')};")
        self.error_label.show()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.passphrase_edit.setEnabled(not busy)
        self.repeat_edit.setEnabled(not busy)
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        self.completeChanged.emit()


class DonePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Vault created"))
        intro = _intro(self.tr("Keep the passphrase safe. Below is this device's identity for HQ."))
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.code_label = QLabel()
        self.code_label.setObjectName("deviceCode")
        self.code_label.setFont(mono)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setObjectName("deviceFingerprint")
        self.fingerprint_label.setFont(mono)
        self.fingerprint_label.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(intro)
        form.addRow(self.tr("Device code:"), self.code_label)
        form.addRow(self.tr("Fingerprint:"), self.fingerprint_label)
        hint = QLabel(
            self.tr(
                "The fingerprint is also under Vault ▸ Device… Press Finish to open the "
                "incident register."
            )
        )
        hint.setWordWrap(True)
        form.addRow(hint)

    def show_vault(self, vault: Vault) -> None:
        self.code_label.setText(vault.device.code)
        self.fingerprint_label.setText(vault.device.fingerprint)
        font = QFont(self.code_label.font())
        font.setBold(True)
        self.code_label.setFont(font)


class CreateVaultWizard(QWizard):
    """Emits `created(vault)` once the vault exists (unlocked); the caller takes it over."""

    created = Signal(object)

    def __init__(
        self,
        vault_path: Path,
        kdf: KdfParams,
        runner: Runner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createVaultWizard")
        self.setWindowTitle(self.tr("fieldapp: new vault"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(560, 460)
        self._path = vault_path
        self._kdf = kdf
        self._runner = runner
        self._vault: Vault | None = None
        self._creating = False
        self._inline = False

        self.identity_page = IdentityPage(self)
        self.passphrase_page = PassphrasePage(self)
        self.done_page = DonePage(self)
        self.addPage(self.identity_page)
        self.addPage(self.passphrase_page)
        self.addPage(self.done_page)

    @property
    def vault(self) -> Vault | None:
        return self._vault

    @property
    def creating(self) -> bool:
        return self._creating

    def start_create(self, passphrase: str) -> None:
        if self._creating or self._vault is not None:
            return
        self._creating = True
        self.passphrase_page.set_busy(True)
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(False)
        path, kdf = self._path, self._kdf
        cell, analyst = self.identity_page.cell_name(), self.identity_page.analyst()
        self._inline = True

        def work() -> Vault:
            return Vault.create(path, passphrase, cell_name=cell, analyst=analyst, kdf=kdf)

        self._runner.submit(work, self._created, self._failed)
        self._inline = False

    def _finish_busy(self) -> None:
        self._creating = False
        self.passphrase_page.set_busy(False)
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(True)

    def _created(self, vault: Vault) -> None:
        self._vault = vault
        self._finish_busy()
        self.done_page.show_vault(vault)
        self.created.emit(vault)
        if not self._inline:
            # Background creation finished after validatePage returned False: move on now.
            self.next()

    def _failed(self, exc: BaseException) -> None:
        self._finish_busy()
        title, text = message_for(exc)
        self.passphrase_page.show_error(f"{title}: {text}")

    def reject(self) -> None:
        if not self._creating:
            super().reject()
