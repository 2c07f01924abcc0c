"""The crash dialog: a scrubbed, copyable report for exceptions on the GUI thread, in Qt slots,
in Python threads, and for a hard crash of the previous run (faulthandler)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from fieldapp.domain.model import Incident
from fieldapp.store.vault import Vault
from fieldapp.ui.crash import CRASH_LOG, CrashDialog, CrashReporter, scrub_fault_log
from fieldapp.ui.messages import scrubbed_report, show_error

TITLE = "Shelling of Al-Zahra market"
WITNESS = "Fatima al-Hassan"


def _fail_with_case_data(incident: Incident) -> None:
    witness_name = WITNESS  # a local the report must not show
    try:
        known: dict[str, str] = {}
        _ = known[witness_name]  # a KeyError whose message is the name
    except KeyError as exc:
        raise RuntimeError(f"could not file {incident.title} for {witness_name}") from exc


def _planted(vault: Vault) -> BaseException:
    incident, _ = vault.save_incident(Incident(title=TITLE, summary=WITNESS), "first report")
    try:
        _fail_with_case_data(incident)
    except RuntimeError as exc:
        return exc
    raise AssertionError("no exception")


def _no_case_data(text: str) -> None:
    for secret in (TITLE, WITNESS, "Fatima", "Zahra"):
        assert secret not in text


@pytest.fixture
def reporter(tmp_path: Path) -> Iterator[CrashReporter]:
    r = CrashReporter()
    r.install(tmp_path / "state")
    try:
        yield r
    finally:
        r.uninstall()
        if r.dialog is not None:
            r.dialog.close()


def test_the_report_names_types_and_places_never_messages_or_values(vault: Vault) -> None:
    exc = _planted(vault)
    report = scrubbed_report(exc)
    _no_case_data(report)
    assert "builtins.RuntimeError" in report and "builtins.KeyError" in report  # the chain
    assert "test_ui_crash.py" in report and "_fail_with_case_data" in report
    assert "/" not in report.split("\n", 1)[1]  # file names only, no folders


def test_the_dialog_shows_the_report_and_copy_puts_it_on_the_clipboard(
    qtbot: QtBot, vault: Vault
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    show_error(parent, _planted(vault))
    dialog = parent.findChild(CrashDialog, "crashDialog")
    assert dialog is not None and dialog.isVisible()
    _no_case_data(dialog.report)
    assert "RuntimeError" in dialog.report
    QGuiApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report
    assert dialog.copied_label.isVisibleTo(dialog)
    dialog.close()


def _wait_dialog(qtbot: QtBot, reporter: CrashReporter) -> CrashDialog:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    return reporter.dialog


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_qt_slot_opens_the_dialog(
    qtbot: QtBot, vault: Vault, reporter: CrashReporter
) -> None:
    incident, _ = vault.save_incident(Incident(title=TITLE), "first report")
    QTimer.singleShot(0, lambda: _fail_with_case_data(incident))
    dialog = _wait_dialog(qtbot, reporter)
    _no_case_data(dialog.report)
    assert "_fail_with_case_data" in dialog.report


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_thread_opens_the_dialog_on_the_gui_thread(
    qtbot: QtBot, vault: Vault, reporter: CrashReporter
) -> None:
    incident, _ = vault.save_incident(Incident(title=TITLE), "first report")
    worker = threading.Thread(target=_fail_with_case_data, args=(incident,))
    worker.start()
    worker.join()
    dialog = _wait_dialog(qtbot, reporter)
    app = QApplication.instance()
    assert app is not None and dialog.thread() is app.thread()
    assert dialog.report.splitlines()[0] == "in a background thread"
    _no_case_data(dialog.report)
    # A second failure while the dialog is open is appended, not a second dialog.
    reporter.report_exception(ValueError(WITNESS))
    qtbot.waitUntil(lambda: dialog.report.count("builtins.ValueError") == 1)
    assert reporter.dialog is dialog
    _no_case_data(dialog.report)


_HARD_CRASH = """
import faulthandler, sys
from pathlib import Path
from fieldapp.hardening import harden_process
from fieldapp.ui.crash import CrashReporter
harden_process()  # no core file from this deliberate crash
CrashReporter().enable_faulthandler(Path(sys.argv[1]))
def file_statement(witness_name="Fatima al-Hassan", title="Shelling of Al-Zahra market"):
    faulthandler._sigsegv()
file_statement()
"""


def test_a_hard_crash_is_shown_scrubbed_at_the_next_start(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "state"
    proc = subprocess.run(
        [sys.executable, "-c", _HARD_CRASH, str(folder)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == -signal.SIGSEGV, proc.stderr
    raw = (folder / CRASH_LOG).read_text("utf-8")
    assert "Fatal Python error: Segmentation fault" in raw
    _no_case_data(raw)  # faulthandler writes code locations only

    r = CrashReporter()
    r.install(folder)
    try:
        dialog = _wait_dialog(qtbot, r)
        assert "the last time it ran" in dialog.intro.text()
        assert "Fatal Python error: Segmentation fault" in dialog.report
        assert "<string>:9 in file_statement" in dialog.report
        assert str(tmp_path) not in dialog.report
        _no_case_data(dialog.report)
        dialog.close()
    finally:
        r.uninstall()
    # Shown once: this run's log starts empty.
    assert (folder / CRASH_LOG).read_text("utf-8") == ""


def test_the_fault_log_scrubber_keeps_only_faulthandler_lines() -> None:
    text = (
        "Fatal Python error: Aborted\n\n"
        "Current thread 0x00007f12 (most recent call first):\n"
        '  File "/home/analyst/cases/Fatima al-Hassan/x.py", line 3 in run\n'
        "witness Fatima al-Hassan\n"
    )
    assert scrub_fault_log(text) == (
        "Fatal Python error: Aborted\n"
        "Current thread 0x00007f12 (most recent call first):\n"
        "  x.py:3 in run"
    )
