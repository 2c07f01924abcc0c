"""The history panel on a real vault: versions, per-field diffs, the whole version as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from fieldapp.domain.model import Incident, PlaceName, Range, Victim
from fieldapp.store.vault import Vault
from fieldapp.ui.history import HistoryPanel, format_value
from fieldapp.ui.incident_editor import IncidentEditor
from fieldapp.ui.tasks import InlineRunner
from tests.helpers import ANALYST


@pytest.fixture
def panel(qtbot, vault: Vault) -> Iterator[HistoryPanel]:
    widget = HistoryPanel(InlineRunner())
    qtbot.addWidget(widget)
    widget.set_vault(vault)
    yield widget
    widget.set_vault(None)


def cells(panel: HistoryPanel, table_name: str) -> list[list[str]]:
    table = getattr(panel, table_name)
    rows = []
    for row in range(table.rowCount()):
        rows.append([table.item(row, col).text() for col in range(table.columnCount())])
    return rows


def test_edit_in_editor_then_history_shows_two_versions_and_the_changed_fields(
    qtbot, vault: Vault, panel: HistoryPanel
) -> None:
    editor = IncidentEditor(InlineRunner())
    qtbot.addWidget(editor)
    editor.set_vault(vault)
    editor.load(None)
    qtbot.keyClicks(editor.title_edit, "Shelling near the school")
    editor.breakdown.ranges[("injured", "girls")].max_edit.setText("3")
    editor.validate_now()
    with qtbot.waitSignal(editor.saved) as first:
        editor.save()
    incident_id = first.args[0]

    editor.title_edit.setText("Shelling near the girls' school")
    editor.breakdown.ranges[("injured", "girls")].min_edit.setText("2")
    editor.reason_edit.setText("second witness")
    editor.validate_now()
    with qtbot.waitSignal(editor.saved):
        editor.save()

    with qtbot.waitSignal(panel.loaded):
        panel.show_record(incident_id)
    assert panel.version_count() == 2
    rows = cells(panel, "versions")
    assert [r[0] for r in rows] == ["2", "1"]  # newest first
    assert [r[4] for r in rows] == ["second witness", "edited"]
    assert {r[2] for r in rows} == {ANALYST}
    assert {r[3] for r in rows} == {vault.device.code}
    assert all(r[1].endswith("Z") for r in rows)
    assert all(r[5] == "" for r in rows)

    # The newest version is selected: its diff names exactly the changed fields.
    assert cells(panel, "changes") == [
        ["casualties.injured.girls.min", "—", "2"],
        ["title", "Shelling near the school", "Shelling near the girls' school"],
    ]
    assert [c.path for c in panel.current_changes()] == [
        "casualties.injured.girls.min",
        "title",
    ]
    shown = json.loads(panel.json_view.toPlainText())
    assert shown["version"] == 2
    assert shown["reason"] == "second witness"
    assert shown["body"]["title"] == "Shelling near the girls' school"


def test_first_version_diff_lists_every_entered_field(
    qtbot, vault: Vault, panel: HistoryPanel
) -> None:
    stored, _ = vault.save_incident(Incident(title="T", victims=[Victim(name="Ahmad")]), "created")
    panel.show_record(stored.id)
    panel.select_version(1)
    paths = [row[0] for row in cells(panel, "changes")]
    assert "title" in paths
    assert "victims[0]" in paths
    victim = next(r for r in cells(panel, "changes") if r[0] == "victims[0]")
    assert victim[1] == "—"
    assert json.loads(victim[2])["name"] == "Ahmad"


def test_deletion_is_listed_and_its_diff_shows_removal(
    qtbot, vault: Vault, panel: HistoryPanel
) -> None:
    stored, _ = vault.save_incident(Incident(title="Short-lived"), "created")
    vault.delete_incident(stored.id, "entered twice")
    panel.show_record(stored.id)
    rows = cells(panel, "versions")
    assert rows[0][0] == "2" and rows[0][5] == "deleted" and rows[0][4] == "entered twice"
    title = next(r for r in cells(panel, "changes") if r[0] == "title")
    assert title[1:] == ["Short-lived", "—"]
    assert json.loads(panel.json_view.toPlainText())["deleted"] is True


def test_selecting_an_older_version_shows_its_own_diff(
    qtbot, vault: Vault, panel: HistoryPanel
) -> None:
    stored, _ = vault.save_incident(Incident(title="A"), "created")
    stored.place.names = [PlaceName("en", "Old Town")]
    stored, _ = vault.save_incident(stored, "named", expected_version=1)
    stored.casualties.killed.boys = Range(1, 2)
    vault.save_incident(stored, "counted", expected_version=2)
    panel.show_record(stored.id)
    panel.select_version(2)
    assert [r[0] for r in cells(panel, "changes")] == ["place.names[0]"]
    assert json.loads(panel.json_view.toPlainText())["version"] == 2
    panel.select_version(3)
    assert [r[0] for r in cells(panel, "changes")] == [
        "casualties.killed.boys.max",
        "casualties.killed.boys.min",
    ]


def test_lock_and_none_clear_the_panel(qtbot, vault: Vault, panel: HistoryPanel) -> None:
    stored, _ = vault.save_incident(Incident(title="Secret place"), "created")
    panel.show_record(stored.id)
    assert panel.versions.rowCount() == 1
    panel.show_record(None)
    assert panel.versions.rowCount() == 0 and panel.changes.rowCount() == 0
    panel.show_record(stored.id)
    panel.set_vault(None)
    assert panel.versions.rowCount() == 0
    assert panel.json_view.toPlainText() == ""
    assert panel.version_count() == 0


def test_unknown_record_reports_an_error_not_a_crash(
    qtbot, vault: Vault, panel: HistoryPanel
) -> None:
    panel.show_record("0" * 32)
    assert panel.versions.rowCount() == 0
    assert panel.heading.text() == "History could not be loaded."
    box = panel.findChild(QMessageBox, "errorMessage")
    assert box is not None
    assert box.windowTitle() == "Not found"
    assert "0" * 32 in box.text()


def test_values_are_shown_as_plain_text(qtbot, vault: Vault, panel: HistoryPanel) -> None:
    stored, _ = vault.save_incident(Incident(title="<b>x</b> & <img src=y>"), "created")
    panel.show_record(stored.id)
    title = next(r for r in cells(panel, "changes") if r[0] == "title")
    assert title[2] == "<b>x</b> & <img src=y>"
    assert all(lbl.textFormat() == Qt.TextFormat.PlainText for lbl in panel.findChildren(QLabel))


def test_format_value() -> None:
    assert format_value(None) == "—"
    assert format_value("text") == "text"
    assert format_value(3) == "3"
    assert format_value(True) == "true"
    assert format_value(["time", "place"]) == '["time", "place"]'
    assert format_value({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}'
