"""Incident register: filters, full-text search, sorting and paging over a real vault."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt

from fieldapp.domain.model import Assessment, Harm, Incident, Place, PlaceName, TimeWindow
from fieldapp.store.vault import Vault
from fieldapp.ui import register as register_module
from fieldapp.ui.register import RegisterPanel, format_range, isolate, label_for
from fieldapp.ui.tasks import InlineRunner


def _incident(
    title: str, start: str, workflow: str, category: str, harm: str, place: str
) -> Incident:
    return Incident(
        title=title,
        summary=f"{title} reported by residents of {place}.",
        time=TimeWindow(start=start),
        place=Place(names=[PlaceName("en", place)]),
        harms=[Harm(harm, "direct")],
        assessment=Assessment(workflow=workflow, public_category=category),
    )


@pytest.fixture
def filled(vault: Vault) -> dict[str, str]:
    """Three incidents that differ in every filtered column; returns title -> id."""
    ids = {}
    for inc in (
        _incident(
            "Market strike", "2026-03-02T09:40:00Z", "assessed", "confirmed", "death", "Tell Amar"
        ),
        _incident(
            "Water station hit",
            "2026-03-04T22:10:00Z",
            "under_assessment",
            "",
            "disruption_water",
            "Qasr Nouri",
        ),
        _incident("School shelling", "2026-03-20T07:55:00Z", "reported", "", "injury", "Ain Sabra"),
    ):
        stored, _ = vault.save_incident(inc, "first report")
        ids[stored.title] = stored.id
    return ids


@pytest.fixture
def panel(qtbot, vault: Vault, filled: dict[str, str]) -> Iterator[RegisterPanel]:
    p = RegisterPanel(InlineRunner())
    qtbot.addWidget(p)
    p.show()
    with qtbot.waitSignal(p.refreshed):
        p.set_vault(vault)
    yield p
    p.set_vault(None)


def _titles(panel: RegisterPanel) -> list[str]:
    return [panel.model.row_at(i).title for i in range(panel.model.loaded)]


def _choose(combo, code: str) -> None:
    index = combo.findData(code)
    assert index > 0, code
    combo.setCurrentIndex(index)


def test_lists_every_incident_with_a_count(panel, filled):
    assert sorted(panel.ids()) == sorted(filled.values())
    assert panel.count_label.text() == "3 incidents"
    row = panel.model.row_of(filled["Market strike"])
    cells = [panel.model.index(row, c).data() for c in range(panel.model.columnCount())]
    assert cells[1] == "Market strike"
    assert cells[2] == "2026-03-02 09:40"
    assert cells[3] == "Assessed"
    assert cells[4] == "Confirmed"
    assert cells[5] == "Death"
    assert panel.model.index(row, 0).data(Qt.ItemDataRole.UserRole) == filled["Market strike"]


def test_text_search_is_debounced_and_uses_the_store(qtbot, panel, filled):
    with qtbot.waitSignal(panel.refreshed) as done:
        panel.search_edit.setText("water")
    assert done.args == [1]
    assert _titles(panel) == ["Water station hit"]
    assert panel.count_label.text() == "1 incident"
    # Text in the summary counts too, and FTS syntax is searched as plain text.
    with qtbot.waitSignal(panel.refreshed):
        panel.search_edit.setText('Amar "OR')
    assert _titles(panel) == []
    with qtbot.waitSignal(panel.refreshed):
        panel.search_edit.setText("Amar")
    assert _titles(panel) == ["Market strike"]


def test_typing_fast_runs_one_query(qtbot, panel):
    seen: list[int] = []
    panel.refreshed.connect(seen.append)
    with qtbot.waitSignal(panel.refreshed):
        for prefix in ("s", "sc", "sch", "scho"):
            panel.search_edit.setText(prefix)
    assert seen == [1]
    assert _titles(panel) == ["School shelling"]


def test_filter_by_workflow_category_and_harm(qtbot, panel):
    with qtbot.waitSignal(panel.refreshed):
        _choose(panel.workflow_combo, "under_assessment")
    assert _titles(panel) == ["Water station hit"]
    with qtbot.waitSignal(panel.refreshed):
        panel.workflow_combo.setCurrentIndex(0)
    with qtbot.waitSignal(panel.refreshed):
        _choose(panel.harm_combo, "injury")
    assert _titles(panel) == ["School shelling"]
    with qtbot.waitSignal(panel.refreshed):
        _choose(panel.category_combo, "confirmed")
    assert _titles(panel) == []  # both filters at once: no confirmed injury
    assert panel.count_label.text() == "0 incidents"
    with qtbot.waitSignal(panel.refreshed):
        panel.reset_filters()
    assert len(_titles(panel)) == 3
    assert panel.query().harm_type is None and panel.query().public_category is None


def test_filter_by_date_range(qtbot, panel):
    with qtbot.waitSignal(panel.refreshed):
        panel.date_from.setDate(QDate(2026, 3, 3))
    assert sorted(_titles(panel)) == ["School shelling", "Water station hit"]
    with qtbot.waitSignal(panel.refreshed):
        panel.date_to.setDate(QDate(2026, 3, 10))
    assert _titles(panel) == ["Water station hit"]
    assert panel.query().date_from == "2026-03-03"
    assert panel.query().date_to == "2026-03-10"
    with qtbot.waitSignal(panel.refreshed):
        panel.date_to.setDate(QDate(2026, 3, 1))
    assert "before" in panel.count_label.text()


def test_header_sort_maps_to_the_store_order(qtbot, panel):
    with qtbot.waitSignal(panel.refreshed):
        panel.sort_by("title", descending=False)
    assert panel.query().order_by == "title" and not panel.query().descending
    assert _titles(panel) == ["Market strike", "School shelling", "Water station hit"]
    with qtbot.waitSignal(panel.refreshed):
        panel.sort_by("start", descending=True)
    assert _titles(panel) == ["School shelling", "Water station hit", "Market strike"]
    # A column the store cannot sort by leaves the order alone.
    before = panel.query()
    with qtbot.assertNotEmitted(panel.refreshed):
        panel.model.sort(
            register_module.COLUMNS.index(
                next(c for c in register_module.COLUMNS if c.order_by is None)
            ),
            Qt.SortOrder.AscendingOrder,
        )
    assert panel.query() == before


def test_pages_are_fetched_on_demand(qtbot, monkeypatch, vault, filled):
    monkeypatch.setattr(register_module, "PAGE_SIZE", 2)
    p = RegisterPanel(InlineRunner())
    qtbot.addWidget(p)
    with qtbot.waitSignal(p.refreshed):
        p.set_vault(vault)
    assert p.model.loaded == 2 and p.model.total == 3
    assert p.count_label.text() == "Showing 2 of 3 incidents"
    root = p.model.index(-1, -1)
    assert p.model.canFetchMore(root)
    p.model.fetchMore(root)
    assert p.model.loaded == 3
    assert not p.model.canFetchMore(root)
    assert sorted(p.ids()) == sorted(filled.values())
    assert p.count_label.text() == "3 incidents"


def test_selection_is_reported_and_kept_across_refresh(qtbot, panel, filled):
    target = filled["Water station hit"]
    with qtbot.waitSignal(panel.incident_selected) as chosen:
        assert panel.select_incident(target)
    assert chosen.args == [target]
    with qtbot.assertNotEmitted(panel.incident_selected), qtbot.waitSignal(panel.refreshed):
        panel.refresh()
    assert panel.selected_id() == target
    assert panel.table.selectionModel().selectedRows()[0].row() == panel.model.row_of(target)


def test_lock_drops_rows_and_search_text(qtbot, panel):
    with qtbot.waitSignal(panel.refreshed):
        panel.search_edit.setText("market")
    panel.set_vault(None)
    assert panel.model.rowCount() == 0 and panel.model.total == 0
    assert panel.search_edit.text() == ""
    assert panel.count_label.text() == "Locked"
    panel.refresh()  # nothing to query while locked, and no error either
    assert panel.model.rowCount() == 0


def test_results_of_a_query_overtaken_by_a_lock_are_dropped(qtbot, vault, filled):
    # A runner that holds work back, like a busy thread pool would.
    class HeldRunner(InlineRunner):
        def __init__(self) -> None:
            self.held: list[tuple[Any, Any]] = []

        def submit(self, fn, on_success, on_error=None, **kw):
            self.held.append((fn, on_success))
            return None

    runner = HeldRunner()
    p = RegisterPanel(runner)
    qtbot.addWidget(p)
    p.set_vault(vault)
    fn, on_success = runner.held.pop()
    result = fn()
    p.set_vault(None)
    on_success(result)  # arrives after the lock
    assert p.model.rowCount() == 0


def test_cell_formatting_helpers():
    assert format_range(None, None) == ""
    assert format_range(2, 2) == "2"
    assert format_range(2, 5) == "2–5"
    assert format_range(None, 4) == "≤4"
    assert format_range(3, None) == "≥3"
    assert label_for("under_assessment") == "Under assessment"
    assert isolate("plain") == "plain"
    assert isolate("abc\u202edef") == "\u2068abc\u202edef\u2069"
