"""The Provenance dialog with real Qt widgets (pytest-qt) on a real HQ vault with imported
bundles: summary, versions and log entries, Verify (passing, and a tampered copy failing with
its red row), the report copied, keyboard access, and what a lock leaves behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
from pytestqt.qtbot import QtBot

from fieldapp.review.provenance import VerifyResult
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.provenance import ProvenanceDialog
from fieldapp.ui.tasks import InlineRunner
from tests.helpers import raw_connection
from tests.provenance_world import World, build_world, copy_vault, open_vault


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture
def hq(world: World) -> Iterator[Vault]:
    vault = open_vault(world.hq)
    try:
        yield vault
    finally:
        vault.lock()


def dialog_for(
    qtbot: QtBot, vault: Vault, record_id: str, clipboard: ClipboardGuard | None = None
) -> ProvenanceDialog:
    dialog = ProvenanceDialog(vault, record_id, InlineRunner(), clipboard)
    qtbot.addWidget(dialog)
    return dialog


def cell(table: QTableWidget, row: int, col: int) -> QTableWidgetItem:
    item = table.item(row, col)
    assert item is not None, (row, col)
    return item


def column(table: QTableWidget, col: int) -> list[str]:
    return [cell(table, row, col).text() for row in range(table.rowCount())]


def test_summary_versions_and_log_entries(qtbot: QtBot, world: World, hq: Vault) -> None:
    dialog = dialog_for(qtbot, hq, world.incident)
    assert dialog.provenance is not None
    assert world.a_code in dialog._fields["device"].text()
    assert dialog._fields["analyst"].text() == "analyst-kestrel"
    assert "bundle(s) 1, 2" in dialog._fields["origin"].text()
    # An incident has no imported original: those rows are hidden, not two dashes.
    assert not dialog._fields["ingest"].isVisibleTo(dialog)
    assert not dialog._fields["original"].isVisibleTo(dialog)
    ref_code = hq.get_incident(world.incident)[0].ref_code
    assert dialog.heading.text().startswith(f"Incident {ref_code}")  # the reference, not the id
    assert dialog.windowTitle() == "Provenance — Incident"
    assert column(dialog.versions, 0) == ["1", "2"]
    assert column(dialog.versions, 6) == ["1", "2"]
    assert all(cell.startswith(("1 ·", "2 ·")) for cell in column(dialog.versions, 9))
    assert set(column(dialog.entries, 0)) == {f"device {world.a_code}", "HQ"}
    types = column(dialog.entries, 3)
    assert types.count("version") == 4 and types.count("bundle_imported") == 2
    assert dialog.verify_button.isEnabled() and dialog.copy_button.isEnabled()


def test_evidence_item_shows_exif_capture_and_ingest(qtbot: QtBot, world: World, hq: Vault) -> None:
    dialog = dialog_for(qtbot, hq, world.evidence_a)
    assert dialog.windowTitle() == "Provenance — Evidence item"
    assert dialog._fields["capture"].text() == "2024-05-01T10:20:30+03:00 (EXIF)"
    item, _ = hq.get_evidence(world.evidence_a)
    assert dialog._fields["ingest"].text() == item.imported_at
    assert item.sha256 in dialog._fields["original"].text()
    assert dialog._fields["original"].isVisibleTo(dialog)


def test_verify_button_shows_every_check_passing(qtbot: QtBot, world: World, hq: Vault) -> None:
    dialog = dialog_for(qtbot, hq, world.incident)
    with qtbot.waitSignal(dialog.verified) as blocker:
        QTest.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    result = blocker.args[0]
    assert isinstance(result, VerifyResult) and result.ok
    assert dialog.checks.rowCount() == len(result.checks) == 12
    assert set(column(dialog.checks, 0)) == {"Pass"}
    assert not cell(dialog.checks, 0, 0).icon().isNull()
    assert dialog.status.text() == "All 12 checks passed."
    assert dialog.tabs.currentIndex() == 3 and dialog.checks.isVisibleTo(dialog.tabs)
    assert dialog.check_detail.text().startswith("Pass · Version 1 hash: sha256 ")
    dialog.checks.setCurrentCell(5, 0)
    assert dialog.check_detail.text() == f"Pass · {result.checks[5].name}: " + (
        result.checks[5].detail
    )


def test_a_tampered_version_shows_a_red_failing_row_and_the_report_is_copied(
    qtbot: QtBot, world: World, tmp_path: Path
) -> None:
    copy = open_vault(copy_vault(world.hq, tmp_path / "hq"))
    try:
        conn = raw_connection(copy.path, copy._raw_key_hex())
        conn.execute("DROP TRIGGER versions_no_update")
        conn.execute(
            "UPDATE versions SET body = CAST(replace(CAST(body AS TEXT), 'two houses', "
            "'ten houses') AS BLOB) WHERE record_id = ? AND version = 1",
            (world.incident,),
        )
        conn.close()
        board = QGuiApplication.clipboard()
        dialog = dialog_for(qtbot, copy, world.incident, clipboard=ClipboardGuard(board))
        with qtbot.waitSignal(dialog.verified):
            dialog.verify()
        marks = column(dialog.checks, 0)
        assert marks.count("FAIL") == 1
        row = marks.index("FAIL")
        assert cell(dialog.checks, row, 1).text() == "Version 1 hash"
        assert "changed after it was signed" in cell(dialog.checks, row, 2).text()
        red = QColor(theme.colour("error"))
        assert cell(dialog.checks, row, 2).foreground().color() == red
        assert cell(dialog.checks, 0 if row else 1, 2).foreground().color() != red
        assert dialog.status.text() == "1 of 12 checks failed: see the red rows."
        assert dialog.checks.currentRow() == row
        assert dialog.check_detail.text().startswith("FAIL · Version 1 hash: recomputed ")
        dialog.copy_report()
        text = board.text()
        assert f"incident {world.incident}" in text and "FAIL  Version 1 hash" in text
        assert text == dialog.report()
    finally:
        copy.lock()


def test_keyboard_verify_copy_and_tabs(qtbot: QtBot, world: World, hq: Vault) -> None:
    dialog = dialog_for(qtbot, hq, world.local)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    with qtbot.waitSignal(dialog.verified):
        QTest.keyClick(dialog, Qt.Key.Key_F5)
    assert set(column(dialog.checks, 0)) == {"Pass"}
    QTest.keyClick(dialog, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentWidget() is dialog.versions
    QGuiApplication.clipboard().clear()
    QTest.keyClick(
        dialog,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert "made on this vault" in QGuiApplication.clipboard().text()
    with qtbot.waitSignal(dialog.verified):
        QTest.keyClick(dialog, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_lock_drops_everything_shown(qtbot: QtBot, world: World, hq: Vault) -> None:
    dialog = dialog_for(qtbot, hq, world.witness)
    dialog.show()
    dialog.verify()
    assert dialog.checks.rowCount() > 0
    dialog.set_vault(None)
    assert dialog.provenance is None and dialog.verification is None
    assert (dialog.versions.rowCount(), dialog.entries.rowCount(), dialog.checks.rowCount()) == (
        0,
        0,
        0,
    )
    assert dialog._fields["device"].text() == "" and not dialog.isVisible()
    assert dialog.check_detail.text() == ""
    assert not dialog.verify_button.isEnabled() and dialog.report() == ""


def test_an_unknown_record_says_so(qtbot: QtBot, hq: Vault) -> None:
    dialog = dialog_for(qtbot, hq, "0" * 32)
    assert "no record with id" in dialog.status.text()
    assert not dialog.verify_button.isEnabled()


def test_lock_all_closes_every_open_dialog(qtbot: QtBot, world: World, hq: Vault) -> None:
    from PySide6.QtWidgets import QWidget

    from fieldapp.ui.provenance import lock_all, open_provenance

    window = QWidget()
    qtbot.addWidget(window)
    first = open_provenance(window, hq, world.incident, InlineRunner())
    second = open_provenance(window, hq, world.evidence_b, InlineRunner())
    assert first.isVisible() and second.isVisible() and second.provenance is not None
    lock_all(window)
    for dialog in (first, second):
        assert not dialog.isVisible() and dialog.provenance is None
