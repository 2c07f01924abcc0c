"""The HQ review dialogs laid out right to left with lengthened strings (the pseudo-RTL variant
of the screenshots): no label is drawn in less room than its text needs.

The screenshots showed the Settings dialog drawing the policy notes over the next rows (the
extra height went to a gap above the section) and the package dialog squeezing its form rows
together once its result line wrapped; `wrapping.pin_wrapped_labels` fixes both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from fieldapp.ui import i18n
from fieldapp.ui.crash import CrashDialog
from fieldapp.ui.package_dialog import PackageDialog
from fieldapp.ui.review_assess import AddReviewerDialog
from fieldapp.ui.settings import SettingsDialog, UiSettings
from fieldapp.ui.tasks import InlineRunner
from tests.review_helpers import Hq, build_hq
from tests.test_i18n import clipped_labels, shown_labels


@pytest.fixture
def rtl(qtbot: QtBot) -> Iterator[QApplication]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    i18n.install_variant(app, i18n.PSEUDO_RTL)
    yield app
    i18n.remove_translators(app)  # later tests expect English, left to right


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[Hq]:
    made = build_hq(tmp_path)
    try:
        yield made
    finally:
        for vault in (made.hq, made.a, made.b):
            vault.lock()


def _check(qtbot: QtBot, dialog: QWidget) -> list[str]:
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    assert shown_labels(dialog), dialog.objectName()
    return [f"{dialog.objectName()}: {p}" for p in clipped_labels(dialog)]


def test_settings_with_the_policies_fit_right_to_left(
    rtl: QApplication, qtbot: QtBot, hq: Hq, tmp_path: Path
) -> None:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    dialog = SettingsDialog(settings, vault=hq.hq, runner=InlineRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tabs is not None and dialog.policies is not None
    problems = _check(qtbot, dialog)
    dialog.tabs.setCurrentIndex(1)
    problems += _check(qtbot, dialog)
    # A refusal wraps over more lines: the dialog makes room for it too.
    dialog.policies.wipe_check.setChecked(True)
    dialog.policies.apply()  # no passphrase typed
    assert dialog.policies.status_label.text()
    problems += _check(qtbot, dialog)
    assert problems == []


def test_package_dialog_fits_its_result_right_to_left(
    rtl: QApplication, qtbot: QtBot, hq: Hq
) -> None:
    dialog = PackageDialog(hq.hq, hq.ids["Market strike"], InlineRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    problems = _check(qtbot, dialog)
    dialog.folder.setText(str(hq.tmp / "package"))
    dialog.make_package()
    assert dialog.package is not None  # the result names the path and hash: three lines
    problems += _check(qtbot, dialog)
    dialog.folder.setText(str(hq.tmp / "no such folder" / "package"))
    dialog.make_package()  # refused: the parent folder does not exist
    assert "does not exist" in dialog.status.text()
    problems += _check(qtbot, dialog)
    assert problems == []


def test_crash_dialog_fits_right_to_left(rtl: QApplication, qtbot: QtBot) -> None:
    dialog = CrashDialog("builtins.RuntimeError\n  screenshots.py:1 in render")
    qtbot.addWidget(dialog)
    dialog.show()
    assert _check(qtbot, dialog) == []


def test_add_reviewer_says_once_what_a_reviewer_may_do(qtbot: QtBot, hq: Hq) -> None:
    dialog = AddReviewerDialog(InlineRunner())
    qtbot.addWidget(dialog)
    dialog.open_for(hq.hq)
    texts = [label.text() for label in shown_labels(dialog) if label.wordWrap()]
    # "Add user"'s introduction ("everything they change…") gave way to the reviewer's own.
    assert not any("Everything they change" in t for t in texts)
    assert sum("refused to them" in t for t in texts) == 1
