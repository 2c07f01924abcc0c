"""The "Add reviewer…" dialog: a real HQ vault gets a review slot whose user reads and assesses
only; a field vault refuses it inline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from fieldapp.errors import RoleRefused
from fieldapp.store.vault import Vault
from fieldapp.ui.review_assess import AddReviewerDialog
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


def fill(dialog: AddReviewerDialog, label: str) -> None:
    dialog.pseudonym_edit.setText(label)
    dialog.fields.passphrase_edit.setText(SECOND_PASSPHRASE)
    dialog.fields.repeat_edit.setText(SECOND_PASSPHRASE)


def test_add_reviewer_makes_a_review_slot(qtbot: QtBot, site: Hq) -> None:
    dialog = AddReviewerDialog(InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open_for(site.hq)
    assert dialog.windowTitle() == "Add reviewer"
    fill(dialog, "reviewer-ibis")
    with qtbot.waitSignal(dialog.added) as added:
        QTest.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert (added.args[0].label, added.args[0].kind) == ("reviewer-ibis", "review")
    reviewer = Vault.unlock(site.hq.path, SECOND_PASSPHRASE)
    try:
        assert reviewer.role == "review"
        with pytest.raises(RoleRefused):
            add_incident(reviewer, "not allowed")
    finally:
        reviewer.lock()


def test_add_reviewer_on_a_field_vault_is_refused_inline(qtbot: QtBot, site: Hq) -> None:
    dialog = AddReviewerDialog(InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open_for(site.a)
    fill(dialog, "reviewer-ibis")
    dialog.attempt()
    assert "field vault" in dialog.error_label.text()
    assert [s.kind for s in site.a.slots()] == ["passphrase"]
    # An empty pseudonym is explained, as in "Add user".
    dialog.pseudonym_edit.clear()
    dialog.attempt()
    assert "pseudonym" in dialog.error_label.text()
