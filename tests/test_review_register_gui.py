"""The register's HQ filters (device, month, place) with real widgets over a real HQ vault
holding incidents from two devices; a field vault never shows them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QWidget
from pytestqt.qtbot import QtBot

from fieldapp.domain.assessment import HqAssessment
from fieldapp.ui.register import RegisterPanel
from fieldapp.ui.tasks import InlineRunner
from tests.review_helpers import Hq, build_hq


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Hq]:
    built = build_hq(tmp_path)
    try:
        yield built
    finally:
        for vault in (built.hq, built.a, built.b):
            vault.lock()


def titles(panel: RegisterPanel) -> list[str]:
    return sorted(panel.model.row_at(i).title for i in range(panel.model.loaded))


def test_hq_filters_by_device_month_and_place(qtbot: QtBot, site: Hq) -> None:
    panel = RegisterPanel(InlineRunner())
    qtbot.addWidget(panel)
    panel.set_vault(site.hq)
    assert not panel.hq_filters.isHidden()
    devices = [panel.device_combo.itemData(i) for i in range(panel.device_combo.count())]
    assert devices[:2] == [None, site.hq.device.device_id]
    assert set(devices[2:]) == {site.a.device.device_id, site.b.device.device_id}
    assert len(titles(panel)) == 3

    with qtbot.waitSignal(panel.refreshed):
        panel.device_combo.setCurrentIndex(panel.device_combo.findData(site.b.device.device_id))
    assert titles(panel) == ["Clinic shelling"]
    with qtbot.waitSignal(panel.refreshed):
        panel.device_combo.setCurrentIndex(panel.device_combo.findData(site.a.device.device_id))
    assert titles(panel) == ["Bridge collapse", "Market strike"]

    # A half-typed month is no filter yet; a whole one is (debounced like the search).
    QTest.keyClicks(panel.month_edit, "2026-0")
    panel.refresh()
    assert titles(panel) == ["Bridge collapse", "Market strike"]
    with qtbot.waitSignal(panel.refreshed):
        QTest.keyClicks(panel.month_edit, "5")
    assert titles(panel) == []
    with qtbot.waitSignal(panel.refreshed):
        panel.device_combo.setCurrentIndex(0)
    assert titles(panel) == ["Clinic shelling"]
    panel.month_edit.clear()
    with qtbot.waitSignal(panel.refreshed):
        QTest.keyClicks(panel.place_edit, "hamra")
    assert titles(panel) == ["Clinic shelling", "Market strike"]

    with qtbot.waitSignal(panel.refreshed):
        panel.reset_filters()
    assert panel.month_edit.text() == panel.place_edit.text() == ""
    assert len(titles(panel)) == 3


def test_hq_register_shows_and_filters_the_effective_category(qtbot: QtBot, site: Hq) -> None:
    market = site.ids["Market strike"]
    site.hq.save_assessment(
        HqAssessment(
            incident_id=market,
            public_category="unlikely",
            internal_grade="weak",
            belligerent_view="not_credible",
            rationale="crater predates the day",
        )
    )
    panel = RegisterPanel(InlineRunner())
    qtbot.addWidget(panel)
    panel.set_vault(site.hq)
    row = panel.model.row_at(panel.model.row_of(market))
    assert row.public_category == "unlikely"
    with qtbot.waitSignal(panel.refreshed):
        panel.category_combo.setCurrentIndex(panel.category_combo.findData("unlikely"))
    assert titles(panel) == ["Market strike"]


def test_a_field_vault_has_no_hq_filters_and_lock_empties_them(qtbot: QtBot, site: Hq) -> None:
    panel = RegisterPanel(InlineRunner())
    qtbot.addWidget(panel)
    panel.set_vault(site.a)
    assert panel.hq_filters.isHidden()
    assert panel.query().device_id is None and not panel.query().effective_category
    panel.set_vault(site.hq)
    panel.place_edit.setText("market")
    panel.set_vault(None)
    assert panel.hq_filters.isHidden()
    assert panel.place_edit.text() == ""
    assert panel.device_combo.count() == 1


def test_hq_filters_sit_between_the_dates_and_reset_in_the_tab_chain(
    qtbot: QtBot, site: Hq
) -> None:
    panel = RegisterPanel(InlineRunner())
    qtbot.addWidget(panel)
    panel.set_vault(site.hq)

    def owner(widget: QWidget) -> QWidget:
        parent = widget.parentWidget()  # a date edit takes focus through its line edit
        return parent if isinstance(parent, QAbstractSpinBox) else widget

    chain: list[QWidget] = [panel.search_edit]
    widget = panel.search_edit.nextInFocusChain()
    while len(chain) < 11:
        assert widget is not None
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and owner(widget) is not chain[-1]:
            chain.append(owner(widget))
        widget = widget.nextInFocusChain()
    assert chain == [
        panel.search_edit,
        panel.workflow_combo,
        panel.category_combo,
        panel.harm_combo,
        panel.date_from,
        panel.date_to,
        panel.device_combo,
        panel.month_edit,
        panel.place_edit,
        panel.reset_button,
        panel.table,
    ]
