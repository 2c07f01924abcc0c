"""The one place that turns core errors into messages a person can act on.

Core code raises typed errors (`fieldapp.errors`); widgets never format exceptions themselves.
Unexpected exceptions get a copyable report with case data scrubbed: only the exception type and
the code locations, never the message text or local values, which may hold names or places.
"""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from fieldapp import errors
from fieldapp.review.deconflict import DeconflictError
from fieldapp.review.gate import GateError, WrongApprover
from fieldapp.review.package import PackageError
from fieldapp.review.reports import ReportError
from fieldapp.store.policy import VaultWiped
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP

_TITLES: dict[type[errors.FieldappError], str] = {
    errors.WrongPassphrase: QT_TRANSLATE_NOOP("messages", "Wrong passphrase"),
    VaultWiped: QT_TRANSLATE_NOOP("messages", "Vault erased"),
    errors.DamagedKeyfile: QT_TRANSLATE_NOOP("messages", "Damaged key file"),
    errors.NotAVault: QT_TRANSLATE_NOOP("messages", "Not a vault"),
    errors.NoVault: QT_TRANSLATE_NOOP("messages", "No vault"),
    errors.VaultExists: QT_TRANSLATE_NOOP("messages", "Vault already exists"),
    errors.VaultTooNew: QT_TRANSLATE_NOOP("messages", "Vault is newer than this app"),
    errors.WeakPassphrase: QT_TRANSLATE_NOOP("messages", "Passphrase too weak"),
    errors.VaultLocked: QT_TRANSLATE_NOOP("messages", "Vault locked"),
    errors.MigrationError: QT_TRANSLATE_NOOP("messages", "Upgrade failed"),
    errors.DiskError: QT_TRANSLATE_NOOP("messages", "Disk full or failing"),
    errors.RoleRefused: QT_TRANSLATE_NOOP("messages", "Not allowed for reviewers"),
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
    # HQ review (issue 5)
    DeconflictError: QT_TRANSLATE_NOOP("messages", "External data refused"),
    GateError: QT_TRANSLATE_NOOP("messages", "Release refused"),
    WrongApprover: QT_TRANSLATE_NOOP("messages", "Approval refused"),
    PackageError: QT_TRANSLATE_NOOP("messages", "Evidence package not made"),
    ReportError: QT_TRANSLATE_NOOP("messages", "Report not made"),
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
    """Exception types and code locations only: messages and values may hold case data.

    The chain of causes is followed (a store error raised from a database error tells more
    than either alone), each link named by its type and frames, never by its text.
    """
    import platform

    from fieldapp import __version__

    lines = [
        f"fieldapp {__version__} on Python {sys.version.split()[0]}, "
        f"{platform.system() or sys.platform} {platform.machine()}"
    ]
    seen: set[int] = set()
    link: BaseException | None = exc
    first = True
    while link is not None and id(link) not in seen and len(seen) < 8:
        seen.add(id(link))
        if not first:
            lines.append("which was raised while handling (or from):")
        first = False
        lines.append(f"{type(link).__module__}.{type(link).__qualname__}")
        for frame in traceback.extract_tb(link.__traceback__):
            name = frame.filename.replace("\\", "/").rsplit("/", 1)[-1]
            lines.append(f"  {name}:{frame.lineno} in {frame.name}")
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)
    return "\n".join(lines)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user about `exc`, non-blocking (open(), not exec()).

    Expected errors get a message box with their own sentence; anything else the crash
    dialog (`ui/crash.py`) with the scrubbed report and a Copy button.
    """
    if not isinstance(exc, errors.FieldappError | OSError):
        from fieldapp.ui.crash import CrashDialog

        dialog = CrashDialog(scrubbed_report(exc), parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return
    title, text = message_for(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote user text: never as HTML
    box.setObjectName("errorMessage")
    box.open()


def report_unexpected(exc: BaseException) -> None:
    """Default error sink for background tasks without an explicit handler."""
    show_error(QApplication.activeWindow(), exc)


def install_excepthook() -> None:
    """Show unexpected exceptions instead of crashing silently (case data scrubbed): on the GUI
    thread and in Qt slots, in Python threads, and (faulthandler) hard crashes, whose log is
    shown at the next start. See `ui/crash.py`."""
    from fieldapp.ui.crash import install_crash_reporter

    install_crash_reporter()
