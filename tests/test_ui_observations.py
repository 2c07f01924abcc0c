"""The observation log on a real vault: add, find incidents by reference code, link later."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from fieldapp.domain.model import Incident, Observation
from fieldapp.store.vault import Vault
from fieldapp.ui.observations import ObservationLog, excerpt, now_utc
from fieldapp.ui.tasks import InlineRunner

ISO_Z = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@pytest.fixture
def log(qtbot, vault: Vault) -> Iterator[ObservationLog]:
    widget = ObservationLog(InlineRunner())
    qtbot.addWidget(widget)
    widget.set_vault(vault)
    yield widget
    widget.set_vault(None)


def table_rows(log: ObservationLog) -> list[list[str]]:
    rows = []
    for r in range(log.table.rowCount()):
        row = []
        for c in range(log.table.columnCount()):
            item = log.table.item(r, c)
            assert item is not None
            row.append(item.text())
        rows.append(row)
    return rows


def test_time_defaults_to_now_in_utc(log: ObservationLog) -> None:
    assert ISO_Z.fullmatch(log.time_edit.text())


def test_add_observation_linked_to_an_incident_found_by_ref_code(
    qtbot, vault: Vault, log: ObservationLog
) -> None:
    market, _ = vault.save_incident(Incident(title="Market strike"), "created")
    vault.save_incident(Incident(title="Bridge damage"), "created")
    log.time_edit.setText("2026-03-01T09:10:00Z")
    qtbot.keyClicks(log.category_edit, "strike")
    log.text_edit.setPlainText("Two explosions heard\nnear the market.")
    log.position.set_text("33.3128 44.3615")

    with qtbot.waitSignal(log.searched):
        log.search_incidents(market.ref_code)
    assert log.results.count() == 1
    assert log.results.item(0).text() == f"{market.ref_code} — Market strike"
    log.results.setCurrentRow(0)
    qtbot.mouseClick(log.choose_button, Qt.MouseButton.LeftButton)
    log.choose_result(0)  # choosing twice links once
    assert [c.id for c in log.linked_choices()] == [market.id]

    with qtbot.waitSignal(log.saved) as saved:
        qtbot.mouseClick(log.add_button, Qt.MouseButton.LeftButton)
    [stored] = vault.list_observations(market.id)
    assert saved.args == [stored.id]
    assert stored == Observation(
        id=stored.id,
        at="2026-03-01T09:10:00Z",
        category="strike",
        text="Two explosions heard\nnear the market.",
        lat="33.312800",
        lon="44.361500",
        incident_ids=[market.id],
    )
    assert table_rows(log) == [
        [
            "2026-03-01T09:10:00Z",
            "strike",
            "Two explosions heard near the market.",
            market.ref_code,
        ]
    ]
    # The form is ready for the next note; the category is kept (notes come in runs).
    assert log.text_edit.toPlainText() == ""
    assert log.category_edit.text() == "strike"
    assert log.linked.count() == 0
    assert log.status.text() == "Observation added."


def test_search_by_text_and_no_match(qtbot, vault: Vault, log: ObservationLog) -> None:
    vault.save_incident(Incident(title="Market strike"), "created")
    vault.save_incident(Incident(title="Bridge damage"), "created")
    log.search_incidents("bridge")
    assert [log.results.item(i).text().split(" — ")[1] for i in range(log.results.count())] == [
        "Bridge damage"
    ]
    log.search_incidents("nothing-like-this")
    assert log.results.count() == 1
    assert log.results.item(0).text() == "No incident matches."
    log.choose_result(0)  # the hint row cannot be linked
    assert log.linked.count() == 0


def test_link_an_existing_observation_later(qtbot, vault: Vault, log: ObservationLog) -> None:
    log.text_edit.setPlainText("Smoke seen north of the bridge.")
    with qtbot.waitSignal(log.saved):
        log.add_observation()
    [obs] = vault.list_observations()
    assert obs.incident_ids == []

    incident, _ = vault.save_incident(Incident(title="Bridge strike"), "created")
    with qtbot.waitSignal(log.refreshed):
        log.refresh()
    log.table.selectRow(0)
    log.search_incidents(incident.ref_code)
    log.choose_result(0)
    with qtbot.waitSignal(log.saved) as saved:
        qtbot.mouseClick(log.link_button, Qt.MouseButton.LeftButton)
    assert saved.args == [obs.id]
    [linked] = vault.list_observations(incident.id)
    assert linked.id == obs.id and linked.text == obs.text
    assert [v.reason for v in vault.history(obs.id)] == ["created", "linked to incident"]
    assert table_rows(log)[0][3] == incident.ref_code
    assert log.status.text() == "Observation linked."


def test_link_needs_a_selection_and_a_choice(qtbot, vault: Vault, log: ObservationLog) -> None:
    vault.save_observation(Observation(at="2026-03-01T10:00:00Z", text="note"), "created")
    log.refresh()
    log.link_selected()
    assert log.status.text() == "Select an observation in the list first."
    log.table.selectRow(0)
    log.link_selected()
    assert log.status.text() == "Choose one or more incidents to link first."
    assert len(vault.history(vault.list_observations()[0].id)) == 1


def test_invalid_observation_is_explained_and_not_stored(
    qtbot, vault: Vault, log: ObservationLog
) -> None:
    log.time_edit.setText("yesterday")
    log.position.set_text("95, 10")
    with qtbot.assertNotEmitted(log.saved):
        log.add_observation()
    assert vault.list_observations() == []
    assert log.text_issue.text() == "text is required"
    assert log.text_edit.property("invalid") is True
    assert "date must be ISO 8601" in log.time_issue.text()
    assert "latitude must be between -90 and 90" in log.position_issue.text()
    assert log.status.text() == "Not saved: correct the marked fields."


def test_deleted_incident_link_is_shown_as_deleted(
    qtbot, vault: Vault, log: ObservationLog
) -> None:
    incident, _ = vault.save_incident(Incident(title="Gone"), "created")
    vault.save_observation(
        Observation(at="2026-03-01T10:00:00Z", text="note", incident_ids=[incident.id]), "created"
    )
    vault.delete_incident(incident.id, "duplicate")
    log.refresh()
    assert table_rows(log)[0][3] == f"{incident.id[:8]}… (deleted)"


def test_lock_clears_list_and_form(qtbot, vault: Vault, log: ObservationLog) -> None:
    vault.save_observation(Observation(at="2026-03-01T10:00:00Z", text="secret"), "created")
    log.refresh()
    log.text_edit.setPlainText("half typed")
    assert log.table.rowCount() == 1
    log.set_vault(None)
    assert log.table.rowCount() == 0
    assert log.text_edit.toPlainText() == ""
    assert log.observations() == []
    assert not log.isEnabled()
    assert all(lbl.textFormat() == Qt.TextFormat.PlainText for lbl in log.findChildren(QLabel))


def test_excerpt_and_now() -> None:
    assert excerpt("a\n b   c") == "a b c"
    long = "x" * 300
    assert excerpt(long) == "x" * 119 + "…"
    assert ISO_Z.fullmatch(now_utc())
