"""The crash dialog and the hooks that feed it (issue 6 §3).

Three ways the app can fail unexpectedly, one scrubbed report for each:

- an exception on the GUI thread, including one raised in a Qt slot or timer (PySide6 hands
  those to `sys.excepthook`);
- an exception that ends a Python thread (`threading.excepthook`), marshalled to the GUI thread
  through a queued signal;
- a hard crash (segfault, abort) that kills the interpreter: `faulthandler` writes the Python
  tracebacks of every thread to `crash.log` in the app's state folder, and the next start shows
  that file, scrubbed, then removes it.

The report (`messages.scrubbed_report`) holds the exception types, file names, line numbers and
function names, never a message or a value: exception messages and locals are where names and
places of a case would be. faulthandler writes only tracebacks (no values) by construction, and
`scrub_fault_log` keeps only the line shapes faulthandler writes, with folders cut away.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import os
import re
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import platformdirs
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.messages import scrubbed_report

log = logging.getLogger(__name__)

CRASH_LOG = "crash.log"
_MAX_FAULT_LOG = 256 * 1024


STATE_DIR_ENV = "FIELDAPP_STATE_DIR"


def state_dir() -> Path:
    """Where the hard-crash log lives: the per-user state folder, never the vault folder
    (`$FIELDAPP_STATE_DIR` overrides it, for tests and portable installs)."""
    override = os.environ.get(STATE_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_state_dir("fieldapp", appauthor=False))


# faulthandler output, line by line: anything else is dropped from what is shown.
_FAULT_LINES = (
    re.compile(r"^Fatal Python error: [A-Za-z ]{1,60}$"),
    re.compile(
        r"^(Current thread|Thread) 0x[0-9a-f]+( \[[^\]]{0,40}\])? \(most recent call first\):$"
    ),
    re.compile(r"^Extension modules: [A-Za-z0-9_., ]{0,2000}( \(total: \d+\))?$"),
    re.compile(r"^  <no Python frame>$"),
    re.compile(r"^  \.\.\.$"),
)
_FAULT_FRAME = re.compile(
    r'^  File "(?P<path>[^"]{1,1000})", line (?P<line>\d+) in (?P<name>[\w<>.]{1,200})$'
)


def scrub_fault_log(text: str) -> str:
    """faulthandler's output with folders cut to file names and every unknown line dropped."""
    kept: list[str] = []
    for line in text.splitlines():
        frame = _FAULT_FRAME.match(line)
        if frame:
            name = frame["path"].replace("\\", "/").rsplit("/", 1)[-1]
            kept.append(f"  {name}:{frame['line']} in {frame['name']}")
        elif any(p.match(line) for p in _FAULT_LINES):
            kept.append(line)
    return "\n".join(kept)


class CrashDialog(QDialog):
    """The report in a read-only box with a Copy button; more reports are appended to it."""

    def __init__(
        self,
        report: str,
        parent: QWidget | None = None,
        *,
        clipboard: ClipboardGuard | None = None,
        previous_run: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Unexpected error"))
        self.setMinimumWidth(520)
        self._clipboard = clipboard
        if previous_run:
            intro = self.tr(
                "fieldapp stopped unexpectedly the last time it ran. Nothing was saved half-way: "
                "the vault keeps only completed changes. The report below holds code locations "
                "only, no case data; please copy it for the developers."
            )
        else:
            intro = self.tr(
                "Something went wrong that the app did not expect. Your data is safe: nothing "
                "was saved half-way. The report below holds code locations only, no case data; "
                "please copy it for the developers."
            )
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.report_view = QPlainTextEdit(report)
        self.report_view.setObjectName("crashReport")
        self.report_view.setReadOnly(True)
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        label = QLabel(self.tr("&Report:"))
        label.setBuddy(self.report_view)

        self.copy_button = QPushButton(self.tr("&Copy report"))
        self.copy_button.setObjectName("copyReport")
        self.copy_button.clicked.connect(self.copy_report)
        self.copied_label = QLabel(self.tr("Copied."))
        self.copied_label.setObjectName("reportCopied")
        self.copied_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(label)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(self.copied_label)
        layout.addWidget(buttons)
        self.copy_button.setFocus()

    @property
    def report(self) -> str:
        return self.report_view.toPlainText()

    def add_report(self, report: str) -> None:
        """A further failure while the dialog is open: appended, not a second dialog."""
        self.report_view.setPlainText(f"{self.report}\n\n{report}")

    def copy_report(self) -> None:
        if self._clipboard is not None:
            self._clipboard.copy(self.report)
        else:
            QGuiApplication.clipboard().setText(self.report)
        self.copied_label.show()


class CrashReporter(QObject):
    """Installs the hooks and shows one CrashDialog at a time on the GUI thread."""

    _reported = Signal(str, bool)

    def __init__(
        self, parent: QObject | None = None, *, clipboard: ClipboardGuard | None = None
    ) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self.dialog: CrashDialog | None = None
        # Queued: a worker thread's exception is shown by the GUI thread.
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._fault_file: IO[str] | None = None

    # --- hooks ---------------------------------------------------------------------------------
    def install(self, folder: Path | None = None) -> None:
        """sys.excepthook (GUI thread and Qt slots), threading.excepthook, faulthandler."""
        sys.excepthook = self._excepthook
        threading.excepthook = self._thread_hook
        self.enable_faulthandler(state_dir() if folder is None else folder)

    def uninstall(self) -> None:
        if sys.excepthook == self._excepthook:
            sys.excepthook = sys.__excepthook__
        if threading.excepthook == self._thread_hook:
            threading.excepthook = threading.__excepthook__
        if self._fault_file is not None:
            faulthandler.disable()
            self._fault_file.close()
            self._fault_file = None

    def _excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        sys.__excepthook__(kind, exc, tb)  # the full text goes to the terminal only
        self.report_exception(exc)

    def _thread_hook(self, args: Any) -> None:
        threading.__excepthook__(args)
        if args.exc_value is not None:
            self.report_exception(args.exc_value, thread=True)

    def report_exception(self, exc: BaseException, *, thread: bool = False) -> None:
        """Queue a scrubbed report of `exc` for the dialog (safe from any thread)."""
        report = scrubbed_report(exc)
        if thread:
            report = "in a background thread\n" + report
        self._reported.emit(report, False)

    # --- hard crashes --------------------------------------------------------------------------
    def enable_faulthandler(self, folder: Path) -> None:
        """Show what the last run's faulthandler wrote, then arm it for this run."""
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / CRASH_LOG
            previous = ""
            if path.is_file():
                with path.open("r", encoding="utf-8", errors="replace") as fh:
                    previous = fh.read(_MAX_FAULT_LOG)
            self._fault_file = path.open("w", encoding="utf-8")
        except OSError as exc:
            log.debug("no crash log in %s: %s", folder, exc.strerror or exc)
            return
        faulthandler.enable(file=self._fault_file, all_threads=True)
        scrubbed = scrub_fault_log(previous)
        if scrubbed:
            self._reported.emit(scrubbed, True)

    # --- the dialog ----------------------------------------------------------------------------
    @Slot(str, bool)
    def _show(self, report: str, previous_run: bool) -> None:
        if QApplication.instance() is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_report(report)
            return
        parent = QApplication.activeWindow()
        dialog = CrashDialog(report, parent, clipboard=self._clipboard, previous_run=previous_run)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._forget)
        self.dialog = dialog
        # After the current event: a slot that raised may be half-way through a layout.
        QTimer.singleShot(0, dialog.open)

    def _forget(self) -> None:
        self.dialog = None


_reporter: CrashReporter | None = None


def install_crash_reporter(
    folder: Path | None = None, *, clipboard: ClipboardGuard | None = None
) -> CrashReporter:
    """The app's one reporter (installing twice replaces the first)."""
    global _reporter
    if _reporter is not None:
        with contextlib.suppress(RuntimeError):
            _reporter.uninstall()
    _reporter = CrashReporter(QApplication.instance(), clipboard=clipboard)
    _reporter.install(folder)
    return _reporter
