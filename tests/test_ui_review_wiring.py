"""The HQ review screens as the main window offers them: menus, shortcuts, the selection they
act on, the lock, and reports staged in the release gate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.provenance import ProvenanceDialog
from fieldapp.ui.settings import UiSettings
from fieldapp.ui.tasks import InlineRunner
from tests.review_helpers import Hq, build_hq


@pytest.fixture
def hq_site(tmp_path: Path) -> Iterator[Hq]:
    site = build_hq(tmp_path)
    yield site
    for vault in (site.hq, site.a, site.b):
        vault.lock()


@pytest.fixture
def window(qtbot, hq_site: Hq, tmp_path: Path) -> Iterator[MainWindow]:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    w = MainWindow(hq_site.hq, InlineRunner(), settings, ClipboardGuard())
    qtbot.addWidget(w)
    yield w
    w.shutdown()


def menu_texts(window: MainWindow) -> list[str]:
    assert window.review_menu is not None
    return [a.text() for a in window.review_menu.actions() if not a.isSeparator()]


def test_hq_has_the_review_menu_and_tabs(window: MainWindow) -> None:
    assert menu_texts(window) == [
        "&Assess incident…",
        "Evidence &package…",
        "&Reports and open data…",
    ]
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Release &gate" in titles and "De&confliction" in titles
    assert window.assess_action.shortcut().toString() == "Ctrl+Shift+A"
    assert window.provenance_action.shortcut().toString() == "Ctrl+Shift+V"


def test_review_actions_need_a_selected_incident(window: MainWindow, hq_site: Hq) -> None:
    assert window.show_provenance() is None and window.show_assess() is None
    assert "Select an incident" in window.statusBar().currentMessage()
    window._open_incident(hq_site.ids["Market strike"])
    dialog = window.show_provenance()
    assert isinstance(dialog, ProvenanceDialog)
    assert dialog.provenance is not None
    assert dialog.provenance.record_id == hq_site.ids["Market strike"]
    assess = window.show_assess()
    assert assess is not None and assess.isVisible()
    window.lock(ask_unlock=False)
    # The lock took every review dialog down with the data it showed.
    assert not dialog.isVisible() and not assess.isVisible()
    assert not window.assess_action.isEnabled() and not window.reports_action.isEnabled()


def test_an_exported_report_is_staged_in_the_release_gate(
    window: MainWindow,
    hq_site: Hq,
    tmp_path: Path,
) -> None:
    from fieldapp.review.reports import build_monthly

    dialog = window.show_reports()
    assert dialog is not None
    (tmp_path / "april").mkdir()
    made = build_monthly(hq_site.hq, "2026-04", tmp_path / "april")
    dialog.finished_export.emit(made)
    assert window.release_gate is not None
    assert window.release_gate.staged == [f.path for f in made.files]
    assert len(window.release_gate.staged) >= 4  # the CSV tables and their metadata
    assert "Release gate" in window.statusBar().currentMessage()


def test_an_imported_incident_is_read_only_at_hq_and_hqs_own_is_not(
    window: MainWindow,
    hq_site: Hq,
) -> None:
    from fieldapp.domain.model import Incident

    editor = window.editor
    window._open_incident(hq_site.ids["Market strike"])
    assert editor.title_edit.isReadOnly() and not editor.save_button.isEnabled()
    assert not editor.delete_button.isEnabled() and not editor.reason_edit.isEnabled()
    assert hq_site.a.device.code in editor.status.text()
    assert "read only" in editor.status.text()
    editor.title_edit.setText("changed at HQ")  # programmatic: the field is read-only to users
    assert not editor.has_unsaved_changes()  # nothing to lose when moving on

    own, _ = hq_site.hq.save_incident(Incident(title="HQ desk note"), "desk report")
    window._open_incident(own.id)
    assert not editor.title_edit.isReadOnly() and editor.reason_edit.isEnabled()
    assert editor.delete_button.isEnabled()
    assert "read only" not in editor.status.text()
    assert hq_site.hq.recorded_elsewhere(own.id) == ""
    assert hq_site.hq.recorded_elsewhere(hq_site.ids["Market strike"]) == hq_site.a.device.code
