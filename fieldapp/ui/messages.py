"""The one place that turns core errors into messages a person can act on.

Core code raises typed errors (`fieldapp.errors`); widgets never format exceptions themselves.
Unexpected exceptions get a copyable report with case data scrubbed: only the exception type and
the code locations, never the message text or local values, which may hold names or places.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fieldapp import errors
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP

_TITLES: dict[type[errors.FieldappError], str] = {
    errors.WrongPassphrase: QT_TRANSLATE_NOOP("messages", "Wrong passphrase"),
    errors.DamagedKeyfile: QT_TRANSLATE_NOOP("messages", "Damaged key file"),
    errors.NotAVault: QT_TRANSLATE_NOOP("messages", "Not a vault"),
    errors.NoVault: QT_TRANSLATE_NOOP("messages", "No vault"),
    errors.VaultExists: QT_TRANSLATE_NOOP("messages", "Vault already exists"),
    errors.VaultTooNew: QT_TRANSLATE_NOOP("messages", "Vault is newer than this app"),
    errors.WeakPassphrase: QT_TRANSLATE_NOOP("messages", "Passphrase too weak"),
    errors.VaultLocked: QT_TRANSLATE_NOOP("messages", "Vault locked"),
    errors.MigrationError: QT_TRANSLATE_NOOP("messages", "Upgrade failed"),
    errors.IntegrityError: QT_TRANSLATE_NOOP("messages", "Integrity check failed"),
    errors.RecordNotFound: QT_TRANSLATE_NOOP("messages", "Not found"),
    errors.StaleVersion: QT_TRANSLATE_NOOP("messages", "Changed elsewhere"),
    errors.ForeignRecord: QT_TRANSLATE_NOOP("messages", "Recorded on another device"),
    errors.ValidationError: QT_TRANSLATE_NOOP("messages", "Please correct the record"),
    errors.MapDataError: QT_TRANSLATE_NOOP("messages", "Map pack unusable"),
    errors.EvidenceError: QT_TRANSLATE_NOOP("messages", "Evidence not stored"),
    errors.PartOfVault: QT_TRANSLATE_NOOP("messages", "Part of the vault"),
    errors.NotARegularFile: QT_TRANSLATE_NOOP("messages", "Not a regular file"),
    errors.SourceChanged: QT_TRANSLATE_NOOP("messages", "File changed while importing"),
    errors.SourceUnreadable: QT_TRANSLATE_NOOP("messages", "File cannot be read"),
    errors.BlobCorrupt: QT_TRANSLATE_NOOP("messages", "Evidence original damaged"),
    errors.EvidenceNotFound: QT_TRANSLATE_NOOP("messages", "Evidence original missing"),
    errors.EvidenceTooLarge: QT_TRANSLATE_NOOP("messages", "Too large to open here"),
    # Sync: one base title; the sync modules' own subclasses inherit it, the common ones differ.
    errors.SyncError: QT_TRANSLATE_NOOP("messages", "Sync refused"),
    errors.NotEnrolled: QT_TRANSLATE_NOOP("messages", "Not enrolled with HQ"),
    errors.NoHqKeys: QT_TRANSLATE_NOOP("messages", "Not an HQ vault"),
    errors.EnrollmentRefused: QT_TRANSLATE_NOOP("messages", "Enrolment refused"),
    errors.RecoveryError: QT_TRANSLATE_NOOP("messages", "Recovery failed"),
}


def tr(text: str) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP("messages", ...) (the titles above)."""
    return QCoreApplication.translate("messages", text)


def message_for(exc: BaseException) -> tuple[str, str]:
    """(title, text) for an exception; expected errors carry their own sentence."""
    if isinstance(exc, errors.FieldappError):
        for cls in type(exc).__mro__:
            if cls in _TITLES:
                return tr(_TITLES[cls]), str(exc)
        return QCoreApplication.translate("messages", "Error"), str(exc)
    if isinstance(exc, OSError):
        return QCoreApplication.translate("messages", "File error"), f"{exc.strerror or exc}" + (
            f": {exc.filename}" if exc.filename else ""
        )
    return QCoreApplication.translate("messages", "Unexpected error"), QCoreApplication.translate(
        "messages",
        "Something went wrong that the app did not expect. Your data is safe: nothing was "
        "saved half-way. Copy the report below for the developers; it holds no case data.",
    )


def scrubbed_report(exc: BaseException) -> str:
    """Exception type and code locations only: messages and values may hold case data."""
    from fieldapp import __version__

    lines = [f"fieldapp {__version__} on Python {sys.version.split()[0]}", type(exc).__qualname__]
    for frame in traceback.extract_tb(exc.__traceback__):
        lines.append(f"  {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}")
    return "\n".join(lines)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user about `exc`, non-blocking (open(), not exec())."""
    title, text = message_for(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    if not isinstance(exc, errors.FieldappError | OSError):
        box.setDetailedText(scrubbed_report(exc))
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote user text: never as HTML
    box.setObjectName("errorMessage")
    box.open()


def report_unexpected(exc: BaseException) -> None:
    """Default error sink for background tasks without an explicit handler."""
    show_error(QApplication.activeWindow(), exc)


def install_excepthook() -> None:
    """Show unexpected exceptions instead of crashing silently (case data scrubbed)."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.__excepthook__(kind, exc, tb)
        if QApplication.instance() is not None:
            report_unexpected(exc)

    sys.excepthook = hook
