"""The deconfliction panel on a real vault: import through the file picker with the preset and a
preview, a refused file shown with its line, candidates ranked with reasons, Accept and Reject
by keyboard (logged, remembered), the batch view, and a lock that clears everything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from fieldapp.domain.model import Incident
from fieldapp.review import deconflict
from fieldapp.store.vault import Vault
from fieldapp.ui.deconflict import DeconflictPanel
from fieldapp.ui.tasks import InlineRunner
from tests.test_ui_sync import ScriptedDialogs

AIRWARS = Path(__file__).parent / "data" / "deconfliction" / "airwars_small.csv"


@pytest.fixture
def panel(qtbot: QtBot, vault: Vault) -> Iterator[DeconflictPanel]:
    widget = DeconflictPanel(InlineRunner())
    qtbot.addWidget(widget)
    widget.set_vault(vault)
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()
    yield widget
    widget.set_vault(None)


def seed(vault: Vault) -> Incident:
    inc = Incident(title="House strike")
    inc.time.start = "2024-03-05T09:00:00Z"
    inc.place.lat, inc.place.lon = "33.316000", "44.367000"
    inc.engagement.party, inc.engagement.munition = "coalition_partner", "guided_bomb"
    stored, _ = vault.save_incident(inc, "seed")
    return stored


def text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def cells(panel: DeconflictPanel, column: int) -> list[str]:
    return [text(panel.match_table, row, column) for row in range(panel.match_table.rowCount())]


def import_fixture(panel: DeconflictPanel) -> None:
    panel.dialogs = ScriptedDialogs(AIRWARS)
    panel.source_name.setFocus()
    QTest.keyClick(panel.source_name, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert panel.source_name.text() == "airwars"  # the preset's name, until typed otherwise
    assert panel.preview_table.rowCount() == 5
    assert panel.source_status.text().startswith("Columns: Code, Date, Location")
    panel.import_button.click()
    assert "5 added" in panel.source_status.text()


def test_import_with_preview_then_accept_and_reject_by_keyboard(
    panel: DeconflictPanel, vault: Vault
) -> None:
    inc = seed(vault)
    import_fixture(panel)
    assert panel.sources_table.rowCount() == 1
    assert text(panel.sources_table, 0, 1) == "5"

    panel.incident_edit.setText(inc.ref_code)
    QTest.keyClick(panel.incident_edit, Qt.Key.Key_Return)
    assert panel.tabs.currentIndex() == 1
    assert cells(panel, 3) == ["XS001", "XS005", "XS002", "XS003"]
    assert cells(panel, 0)[0] == "100"
    assert cells(panel, 6)[0].startswith("same day; 0.1 km apart; belligerent matches: coalition")
    assert panel.heading.text() == f"{inc.ref_code}  House strike"
    assert panel.details.toPlainText().splitlines() == [
        "airwars XS001: 2024-03-05, Al-Qasr, north district",
        "Belligerent: Coalition; munition: Guided bomb; civilians killed: 3-5",
        "• same day",
        "• 0.1 km apart",
        "• belligerent matches: coalition",
        "• munition matches: guided bomb",
        "https://example.org/xs001",
    ]

    # No reason yet: nothing is decided, the reason field is asked for.
    panel.match_table.setFocus()
    QTest.keyClick(panel.match_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "Say why first" in panel.match_status.text()
    assert deconflict.links(vault, inc.id) == []

    panel.reason_edit.setText("same house, same day")
    QTest.keyClick(panel.match_table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.match_status.text() == f"airwars XS001 accepted for {inc.ref_code}."
    assert cells(panel, 3) == ["XS005", "XS002", "XS003"]
    assert "airwars XS001 accepted by analyst-kestrel" in panel.links_view.toPlainText()
    (link,) = deconflict.links(vault, inc.id)
    assert (link.external_id, link.reason) == ("XS001", "same house, same day")

    panel.match_table.selectRow(1)  # XS002: other party, other weapon
    panel.reason_edit.setText("Russian artillery, not ours")
    QTest.keyClick(panel.match_table, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert "XS002 rejected" in panel.match_status.text()
    assert cells(panel, 3) == ["XS005", "XS003"]
    (rejected,) = deconflict.rejections(vault, inc.id)
    assert rejected.reason == "Russian artillery, not ours"
    kinds = [e.kind for e in vault.audit_entries(0, 100)]
    assert "external_match_accepted" in kinds and "external_match_rejected" in kinds
    assert vault.verify_log().ok

    # The batch view shows the same remaining pairs, with the incident's code.
    QTest.keyClick(
        panel.match_table,
        Qt.Key.Key_F,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert cells(panel, 3) == ["XS005", "XS003"]
    assert cells(panel, 1) == [inc.ref_code, inc.ref_code]
    assert panel.heading.text() == "All incidents: 2 candidate(s)"
    panel.reason_edit.setText("different village")
    panel.reject_button.click()
    assert cells(panel, 3) == ["XS003"]


def test_a_refused_file_is_shown_with_its_line_and_nothing_is_stored(
    panel: DeconflictPanel, vault: Vault, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    lines = AIRWARS.read_text("utf-8").splitlines()
    lines[3] = lines[3].replace("2024-03-08", "2024-13-08")
    bad.write_text("\n".join(lines) + "\n", "utf-8")
    panel.dialogs = ScriptedDialogs(bad)
    panel.file_button.click()
    assert text(panel.preview_table, 2, 6).startswith("the date is not ISO 8601")
    assert "Some rows would be refused" in panel.source_status.text()
    panel.import_button.click()
    assert panel.source_status.text().startswith("line 4: the date is not ISO 8601")
    assert deconflict.list_sources(vault) == []
    # A broken mapping is refused before any file is read.
    panel.mapping_edit.setPlainText('{"columns": {"external_id": "Code"}}')
    panel.import_button.click()
    assert "must name the column for 'date'" in panel.source_status.text()


def test_custom_mapping_and_saved_mapping_on_reselect(
    panel: DeconflictPanel, vault: Vault, tmp_path: Path
) -> None:
    data = tmp_path / "partner.csv"
    data.write_text("Ref,When\nP1,05/03/2024\n", "utf-8")
    panel.preset.setCurrentIndex(panel.preset.findData(""))
    panel.source_name.setText("partner")
    panel.mapping_edit.setPlainText(
        '{"date_format": "DD/MM/YYYY", "columns": {"external_id": "Ref", "date": "When"}}'
    )
    panel.set_file(data)
    assert text(panel.preview_table, 0, 2) == "2024-03-05"
    # Edit the mapping, preview again (Ctrl+R), import (Ctrl+Shift+I): all by keyboard.
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    iso = '{"columns": {"external_id": "Ref", "date": "When"}}'
    panel.mapping_edit.setPlainText(iso)
    panel.mapping_edit.setFocus()
    QTest.keyClick(panel.mapping_edit, Qt.Key.Key_R, ctrl)
    assert text(panel.preview_table, 0, 6).startswith("the date is not ISO 8601")
    panel.mapping_edit.setPlainText(
        '{"date_format": "DD/MM/YYYY", "columns": {"external_id": "Ref", "date": "When"}}'
    )
    QTest.keyClick(panel.mapping_edit, Qt.Key.Key_R, ctrl)
    assert text(panel.preview_table, 0, 6) == ""
    QTest.keyClick(panel.mapping_edit, Qt.Key.Key_I, ctrl | shift)
    assert "1 added" in panel.source_status.text()
    panel.mapping_edit.clear()
    panel.source_name.clear()
    panel.sources_table.selectRow(0)
    assert panel.source_name.text() == "partner"
    assert '"date_format": "DD/MM/YYYY"' in panel.mapping_edit.toPlainText()


def test_lock_clears_everything(panel: DeconflictPanel, vault: Vault) -> None:
    inc = seed(vault)
    import_fixture(panel)
    panel.set_incident(inc.id)
    assert panel.match_table.rowCount() == 4
    panel.set_vault(None)
    assert panel.match_table.rowCount() == 0
    assert panel.sources_table.rowCount() == 0
    assert panel.links_view.toPlainText() == ""
    assert not panel.accept_button.isEnabled() and not panel.import_button.isEnabled()
    assert panel.source_status.text() == "Locked."
