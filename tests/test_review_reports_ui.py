"""The Reports dialog: both exports through the real review functions, errors, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldapp.store.vault import Vault
from fieldapp.ui.reports_dialog import MONTHLY, OPENDATA, ReportsDialog, previous_month
from fieldapp.ui.tasks import InlineRunner, TaskRunner
from tests.report_fixtures import build_report_vault


@pytest.fixture(scope="module")
def rvault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    vault, _ = build_report_vault(tmp_path_factory.mktemp("ui") / "vault")
    try:
        yield vault
    finally:
        vault.lock()


def _dialog(qtbot: QtBot, vault: Vault | None, runner: object, folder: Path) -> ReportsDialog:
    dialog = ReportsDialog(vault, runner, None)  # type: ignore[arg-type]  # both are Runners
    qtbot.addWidget(dialog)
    dialog.month.setDate(QDate(2026, 10, 1))
    dialog.folder.setText(str(folder))
    return dialog


def test_default_month_is_the_one_that_ended() -> None:
    assert previous_month(QDate(2026, 1, 15)) == QDate(2025, 12, 1)
    assert previous_month(QDate(2026, 11, 5)) == QDate(2026, 10, 1)


def test_monthly_export_writes_csv_and_pdf(qtbot: QtBot, rvault: Vault, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, rvault, InlineRunner(), tmp_path)
    dialog.area.setText("Anbar")
    before = rvault.log_size()
    with qtbot.waitSignal(dialog.finished_export) as blocker:
        dialog.export_button.click()
    result = blocker.args[0]
    names = [f.path.name for f in result.files]
    assert names[0] == "monthly-overview-2026-10-categories.csv"
    assert names[-1] == "monthly-overview-2026-10.pdf"
    assert result.info.filters == {"area": "Anbar"}
    assert (tmp_path / "monthly-overview-2026-10.pdf").read_bytes().startswith(b"%PDF-")
    assert "Wrote 6 file(s)" in dialog.status.text()
    assert "not released" in dialog.status.text()
    assert rvault.log_size() == before + 1
    assert not dialog.exporting and dialog.export_button.isEnabled()


def test_opendata_export_from_the_keyboard(qtbot: QtBot, rvault: Vault, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, rvault, InlineRunner(), tmp_path)
    dialog.kind.setCurrentIndex(dialog.kind.findData(OPENDATA))
    dialog.show()
    assert dialog.precision.isVisible() and not dialog.pdf_box.isVisible()
    dialog.precision.setCurrentText("0.5")
    dialog.party.setCurrentIndex(dialog.party.findData("own_forces"))
    with qtbot.waitSignal(dialog.finished_export) as blocker:
        QTest.keyClick(dialog, Qt.Key.Key_Return)  # Export is the default button
    result = blocker.args[0]
    assert result.precision_deg == "0.5"
    assert result.info.filters == {"party": "own_forces"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.path.name for f in result.files)


def test_errors_show_in_the_status_line(qtbot: QtBot, rvault: Vault, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, rvault, InlineRunner(), tmp_path / "missing")
    dialog.export()
    assert "does not exist" in dialog.status.text()
    dialog.folder.setText("")
    dialog.export()
    assert "Choose a folder" in dialog.status.text()
    dialog.folder.setText(str(tmp_path))
    dialog.kind.setCurrentIndex(dialog.kind.findData(OPENDATA))
    dialog.precision.setCurrentText("0")
    dialog.export()
    assert "between 0.001 and 10" in dialog.status.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData(MONTHLY))
    dialog.csv_box.setChecked(False)
    dialog.pdf_box.setChecked(False)
    dialog.export()
    assert "Unknown format" in dialog.status.text()
    assert list(tmp_path.iterdir()) == []


def test_cancel_leaves_nothing_and_logs_nothing(
    qtbot: QtBot, rvault: Vault, tmp_path: Path
) -> None:
    runner = TaskRunner()
    dialog = _dialog(qtbot, rvault, runner, tmp_path)
    before = rvault.log_size()
    # Holding the vault keeps the worker waiting at its first read, so Cancel comes first.
    with rvault.reading():
        dialog.export()
        assert dialog.exporting and dialog.cancel_button.isVisibleTo(dialog)
        QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Escape cancels, it does not close
    qtbot.waitUntil(lambda: not dialog.exporting)
    runner.wait()
    assert "Cancelled; nothing was written." in dialog.status.text()
    assert list(tmp_path.iterdir()) == []
    assert rvault.log_size() == before


def test_locked_vault_disables_export(qtbot: QtBot, rvault: Vault, tmp_path: Path) -> None:
    dialog = _dialog(qtbot, rvault, InlineRunner(), tmp_path)
    dialog.set_vault(None)
    assert not dialog.export_button.isEnabled()
    dialog.export()
    assert list(tmp_path.iterdir()) == []
    assert dialog.status.text() == "Locked."
