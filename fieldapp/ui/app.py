"""GUI entry point: application, language, theme, excepthook, then the wizard or unlock dialog.

`Shell` holds the start-up flow so tests can drive it with an inline runner and a settings
file of their own; `run_gui` only adds the real QApplication and its event loop.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.i18n import install_language, resolve_language
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.messages import install_excepthook
from fieldapp.ui.settings import APPLICATION, ORGANISATION, UiSettings
from fieldapp.ui.tasks import Runner, TaskRunner
from fieldapp.ui.theme import apply_theme
from fieldapp.ui.unlock import UnlockDialog
from fieldapp.ui.wizard import CreateVaultWizard


class Shell(QObject):
    """First run: the create-vault wizard; later: the unlock dialog; then the main window."""

    main_window_opened = Signal(object)

    def __init__(
        self,
        vault_path: Path,
        kdf: KdfParams,
        runner: Runner,
        settings: UiSettings,
        clipboard: ClipboardGuard | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault_path = vault_path
        self.kdf = kdf
        self.runner = runner
        self.settings = settings
        self.clipboard = clipboard or ClipboardGuard()
        self.wizard: CreateVaultWizard | None = None
        self.unlock_dialog: UnlockDialog | None = None
        self.main_window: MainWindow | None = None

    def start(self) -> None:
        if Vault.exists(self.vault_path):
            dialog = UnlockDialog(self.vault_path, self.runner)
            dialog.unlocked.connect(self.open_main_window)
            self.unlock_dialog = dialog
            dialog.open()
        else:
            wizard = CreateVaultWizard(self.vault_path, self.kdf, self.runner)
            wizard.created.connect(self.open_main_window)
            self.wizard = wizard
            wizard.open()

    def open_main_window(self, vault: Vault) -> None:
        window = MainWindow(vault, self.runner, self.settings, self.clipboard)
        window.erased.connect(self._vault_erased)
        self.main_window = window
        window.show()
        if self.wizard is not None and self.wizard.isVisible():
            # Keep the "vault created" page (device fingerprint) in front until Finish.
            self.wizard.raise_()
        self.main_window_opened.emit(window)

    def _vault_erased(self, _path: object) -> None:
        """The vault is gone: start over as on a first run, then close its (locked) window."""
        window, self.main_window = self.main_window, None
        if self.wizard is not None:
            # The first run's wizard still holds the erased vault's (locked) handle.
            self.wizard.deleteLater()
            self.wizard = None
        self.unlock_dialog = None
        # The wizard is shown before the window closes: closing the last visible window first
        # would end the application.
        self.start()
        if window is not None:
            window.erased.disconnect(self._vault_erased)
            window.close()
            window.deleteLater()

    def shutdown(self) -> None:
        """Close the vault if it is still open (the event loop ended some other way)."""
        if self.main_window is not None:
            self.main_window.shutdown()
        if self.wizard is not None and self.wizard.vault is not None:
            vault = self.wizard.vault
            if not vault.is_locked and self.main_window is None:
                vault.lock()
        self.clipboard.clear_if_ours()


def start_gui(app: QApplication, vault_path: Path, kdf: KdfParams) -> tuple[Shell, TaskRunner]:
    """Everything `run_gui` does before the event loop (tests stop here: a finished
    `QApplication.exec()` cannot be run again in the same process)."""
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("fieldapp")
    settings = UiSettings(parent=app)
    # Before any window exists: widgets translate their text when they are built.
    install_language(app, resolve_language(settings.language()))
    apply_theme(app, settings.theme())
    settings.theme_changed.connect(lambda name: apply_theme(app, name))
    install_excepthook()
    runner = TaskRunner(app)
    shell = Shell(vault_path, kdf, runner, settings, parent=app)
    shell.start()
    return shell, runner


def run_gui(vault_path: Path, kdf: KdfParams) -> int:
    """Start the desktop app on `vault_path`; returns the exit status."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    shell, runner = start_gui(app, vault_path, kdf)
    try:
        return app.exec()
    finally:
        # Work still in flight must finish before the vault it uses is closed.
        runner.wait()
        shell.shutdown()


def screenshot_main_window(vault_path: Path, passphrase: str, out: Path) -> Path:
    """Open the vault, show the main window, save it as PNG to `out`, close everything.

    For the packaged app's smoke test (`fieldapp gui --screenshot FILE`): it proves the frozen
    build finds its Qt plugins, fonts, translations and resources, and draws a real window.
    """
    from fieldapp.ui.tasks import InlineRunner

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    settings = UiSettings(parent=app)
    install_language(app, resolve_language(settings.language()))
    apply_theme(app, settings.theme())
    vault = Vault.unlock(vault_path, passphrase)
    window = MainWindow(vault, InlineRunner(), settings, ClipboardGuard())
    try:
        window.resize(1280, 800)
        window.show()
        for _ in range(10):
            app.processEvents()
        if not window.grab().save(str(out), "PNG"):
            raise OSError(f"could not write the screenshot to {out}")
    finally:
        window.shutdown()
        window.close()
    return out
