"""The "Assess…" dialog with a real HQ vault and real widgets: form, keyboard save, history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui.review_assess import AssessDialog
from fieldapp.ui.tasks import InlineRunner
from tests.helpers import SECOND_PASSPHRASE
from tests.review_helpers import Hq, add_incident, build_hq


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Hq]:
    built = build_hq(tmp_path)
    try:
        yield built
    finally:
        for vault in (built.hq, built.a, built.b):
            vault.lock()


def dialog_for(qtbot: QtBot, vault: Vault, incident_id: str) -> AssessDialog:
    dialog = AssessDialog(InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open_for_incident(vault, incident_id)
    return dialog


def history_texts(dialog: AssessDialog) -> list[str]:
    return [dialog.history_list.item(i).text() for i in range(dialog.history_list.count())]


def test_first_assessment_starts_from_the_field_category_and_saves_by_keyboard(
    qtbot: QtBot, site: Hq
) -> None:
    market = site.ids["Market strike"]
    dialog = dialog_for(qtbot, site.hq, market)
    assert dialog.state is not None
    assert "Market strike" in dialog.incident_label.text()
    assert "Unconfirmed" in dialog.field_label.text()
    assert dialog.category_combo.currentData() == "unconfirmed"
    assert dialog.assessor_edit.text() == site.hq.user
    assert history_texts(dialog) == ["Not assessed at HQ yet."]
    assert not dialog.save_button.isEnabled()  # no rationale yet

    dialog.grade_combo.setCurrentIndex(dialog.grade_combo.findData("weak"))
    QTest.keyClicks(dialog.rationale_edit, "one source, no imagery")
    assert dialog.save_button.isEnabled()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    dialog.rationale_edit.setFocus()
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.keyClick(
            dialog.rationale_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert saved.args == [market]
    stored = site.hq.get_assessment(market)
    assert stored is not None
    assessment, version = stored
    assert (assessment.public_category, assessment.internal_grade, version) == (
        "unconfirmed",
        "weak",
        1,
    )
    assert assessment.rationale == "one source, no imagery"
    assert "version 1" in dialog.result_label.text()
    (only,) = history_texts(dialog)
    assert "v1 · " in only and "Category Unconfirmed · grade Weak" in only


def test_reassessment_shows_the_changes_newest_first(qtbot: QtBot, site: Hq) -> None:
    market = site.ids["Market strike"]
    dialog = dialog_for(qtbot, site.hq, market)
    dialog.rationale_edit.setPlainText("first look")
    dialog.save()
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData("confirmed"))
    dialog.assessor_edit.setText("panel B")
    dialog.save()
    newest, oldest = history_texts(dialog)
    assert newest.startswith("v2 · ") and oldest.startswith("v1 · ")
    assert "panel B" in newest
    assert "Public category: Unconfirmed → Confirmed" in newest
    assert "Assessor: " in newest
    # Reopening shows HQ's current assessment, not the field's category.
    again = dialog_for(qtbot, site.hq, market)
    assert again.category_combo.currentData() == "confirmed"
    assert again.assessor_edit.text() == "panel B"
    assert len(history_texts(again)) == 2
    assert site.hq.verify_log().ok


def test_errors_show_inline_and_a_reviewer_can_assess(qtbot: QtBot, site: Hq) -> None:
    # A field vault: the store refuses, the dialog says why and stays open.
    own = add_incident(site.a, "Own report")
    field_dialog = dialog_for(qtbot, site.a, own.id)
    field_dialog.rationale_edit.setPlainText("x")
    field_dialog.save()
    assert field_dialog.error_label.isVisibleTo(field_dialog)
    assert "field vault" in field_dialog.error_label.text()
    assert site.a.get_assessment(own.id) is None

    site.hq.add_slot("reviewer-ibis", SECOND_PASSPHRASE, KdfParams.TEST_ONLY, review=True)
    reviewer = Vault.unlock(site.hq.path, SECOND_PASSPHRASE)
    try:
        dialog = dialog_for(qtbot, reviewer, site.ids["Clinic shelling"])
        assert dialog.assessor_edit.text() == "reviewer-ibis"
        dialog.rationale_edit.setPlainText("hospital records")
        dialog.save()
        assert not dialog.error_label.isVisibleTo(dialog)
        found = reviewer.get_assessment(site.ids["Clinic shelling"])
        assert found is not None and found[0].assessor == "reviewer-ibis"
    finally:
        reviewer.lock()


def test_discard_on_lock_empties_the_dialog(qtbot: QtBot, site: Hq) -> None:
    dialog = dialog_for(qtbot, site.hq, site.ids["Market strike"])
    dialog.rationale_edit.setPlainText("draft")
    dialog.discard()
    assert dialog.vault is None
    assert dialog.rationale_edit.toPlainText() == ""
    assert dialog.history_list.count() == 0
    assert dialog.incident_label.text() == ""
    assert not dialog.isVisible()
