"""Keyboard access to the HQ review screens inside the real main window (and two things the
pseudo right-to-left screenshots showed: rows chosen by the program, and English values).

The panels' own tests drive them standalone, where every Alt+letter is theirs. In the window
the tabs and menus own letters too, and a letter used twice is ambiguous: Qt then only moves
the focus to a button (it is not pressed) or switches to the other tab. These tests press the
keys in the window itself, look for duplicated letters on every review page and dialog, and
walk the tab order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from fieldapp.domain.assessment import HqAssessment
from fieldapp.store import policy
from fieldapp.store.vault import Vault
from fieldapp.ui import i18n
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.crash import CrashDialog
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.register import left_to_right
from fieldapp.ui.settings import SettingsDialog, UiSettings
from fieldapp.ui.tasks import InlineRunner
from tests.helpers import TEST_PASSPHRASE, make_vault
from tests.review_helpers import Hq, build_hq
from tests.test_ui_sync import ScriptedDialogs

_MNEMONIC = re.compile(r"&(?!&)(\w)")


def _letter(text: str) -> str:
    found = _MNEMONIC.search(text)
    return found.group(1).casefold() if found else ""


def mnemonics(top: QWidget) -> list[tuple[str, str, QWidget]]:
    """(letter, text, widget) of every Alt+letter live in `top` as it is shown now."""
    found: list[tuple[str, str, QWidget]] = []
    for child in top.findChildren(QWidget):
        if not child.isVisibleTo(top):
            continue
        texts: list[str] = []
        if isinstance(child, QAbstractButton | QLabel):
            # A label's letter focuses its buddy; one without a buddy has none.
            if not isinstance(child, QLabel) or child.buddy() is not None:
                texts = [child.text()]
        elif isinstance(child, QGroupBox):
            texts = [child.title()]
        elif isinstance(child, QTabBar):
            texts = [child.tabText(i) for i in range(child.count())]
        found.extend((_letter(t), t, child) for t in texts if _letter(t))
    if isinstance(top, QMainWindow):
        found.extend(
            (_letter(a.text()), a.text(), top.menuBar())
            for a in top.menuBar().actions()
            if _letter(a.text())
        )
    return found


def clashes(top: QWidget, page: QWidget) -> list[str]:
    """Texts sharing a letter with another, for the letters `page`'s own widgets use."""
    keys = mnemonics(top)
    own = {letter for letter, _, w in keys if w is page or page.isAncestorOf(w)}
    letters = [letter for letter, _, _ in keys]
    return sorted(t for letter, t, _ in keys if letter in own and letters.count(letter) > 1)


def window_for(qtbot: QtBot, vault: Vault, tmp_path: Path, name: str) -> MainWindow:
    settings = UiSettings(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    w = MainWindow(vault, InlineRunner(), settings, ClipboardGuard())
    qtbot.addWidget(w)
    with qtbot.waitActive(w):  # mnemonics (Alt+letter) need an active window
        w.show()
        w.activateWindow()
    return w


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[Hq]:
    made = build_hq(tmp_path)
    try:
        yield made
    finally:
        for vault in (made.hq, made.a, made.b):
            vault.lock()


@pytest.fixture
def window(qtbot: QtBot, hq: Hq, tmp_path: Path) -> Iterator[MainWindow]:
    w = window_for(qtbot, hq.hq, tmp_path, "hq")
    yield w
    w.shutdown()


def _review_page_clashes(window: MainWindow, hq: Hq) -> list[str]:
    gate = window.release_gate
    assert gate is not None
    window.tabs.setCurrentIndex(window.release_gate_tab)
    found = clashes(window, gate)
    window.tabs.setCurrentIndex(window.deconflict_tab)
    for sub in range(window.deconflict.tabs.count()):
        window.deconflict.tabs.setCurrentIndex(sub)
        found += clashes(window, window.deconflict)
    window.tabs.setCurrentIndex(window.register_tab)
    window.register.select_incident(hq.ids["Market strike"])  # the editor's letters count too
    return found + clashes(window, window.register.hq_filters)


def test_review_pages_share_no_alt_letter_with_the_window_at_hq(window: MainWindow, hq: Hq) -> None:
    assert _review_page_clashes(window, hq) == []


def test_review_pages_share_no_alt_letter_in_dutch_either(
    qtbot: QtBot, hq: Hq, tmp_path: Path
) -> None:
    """A translation chooses its own letters: the Dutch ones must not clash either."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    i18n.install_variant(app, "nl")
    try:
        w = window_for(qtbot, hq.hq, tmp_path, "nl")
        try:
            assert w.tabs.tabText(w.observations_tab) != "&Observations"  # Dutch indeed
            assert _review_page_clashes(w, hq) == []
        finally:
            w.shutdown()
    finally:
        i18n.remove_translators(app)


def test_register_filters_of_hq_by_keyboard(qtbot: QtBot, window: MainWindow, hq: Hq) -> None:
    window.tabs.setCurrentIndex(window.register_tab)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # Month
    qtbot.waitUntil(window.register.month_edit.hasFocus)
    QTest.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # Place
    qtbot.waitUntil(window.register.place_edit.hasFocus)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Recorded on
    qtbot.waitUntil(window.register.device_combo.hasFocus)


def test_deconfliction_shares_no_alt_letter_with_the_field_window(
    qtbot: QtBot, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path / "field")  # a field window has a Sync tab (Alt+S)
    w = window_for(qtbot, vault, tmp_path, "field")
    try:
        w.tabs.setCurrentIndex(w.deconflict_tab)
        for sub in range(w.deconflict.tabs.count()):
            w.deconflict.tabs.setCurrentIndex(sub)
            assert clashes(w, w.deconflict) == [], sub
    finally:
        w.shutdown()


def test_review_dialogs_have_unique_alt_letters(qtbot: QtBot, window: MainWindow, hq: Hq) -> None:
    window.register.select_incident(hq.ids["Market strike"])
    assess = window.show_assess()
    provenance = window.show_provenance()
    package = window.show_package()
    reviewer = window.show_add_reviewer()
    crash = CrashDialog("builtins.RuntimeError", window)
    crash.show()
    window.settings_action.trigger()
    settings = window.findChild(QWidget, "settingsDialog")
    dialogs = [assess, provenance, package, reviewer, crash, settings]
    for dialog in dialogs:
        assert dialog is not None
        keys = [letter for letter, _, _ in mnemonics(dialog)]
        assert keys, dialog.objectName()
        assert len(keys) == len(set(keys)), (dialog.objectName(), clashes(dialog, dialog))
        dialog.close()


def test_release_gate_check_by_alt_k_in_the_window(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    gate = window.release_gate
    assert gate is not None
    staged = tmp_path / "counts.csv"
    staged.write_text("month,killed\n2026-04,12\n", encoding="utf-8")
    window.tabs.setCurrentIndex(window.release_gate_tab)
    gate.dialogs = ScriptedDialogs([staged])
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # Stage files
    qtbot.waitUntil(lambda: gate.staged == [staged])
    # Alt+C was the Check button's letter and the Deconfliction tab's: it only moved the focus.
    with qtbot.waitSignal(gate.checked):
        QTest.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == window.release_gate_tab
    assert gate.releases.rowCount() == 1


def test_deconfliction_keys_in_the_window(qtbot: QtBot, window: MainWindow, hq: Hq) -> None:
    panel = window.deconflict
    window.tabs.setCurrentIndex(window.deconflict_tab)
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # Matches
    qtbot.waitUntil(lambda: panel.tabs.currentIndex() == 1)
    QTest.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # Incident field
    qtbot.waitUntil(lambda: panel.incident_edit.hasFocus())
    # The register hands an id over; the field then shows the reference analysts know.
    panel.set_incident(hq.ids["Market strike"])
    ref_code = hq.hq.get_incident(hq.ids["Market strike"])[0].ref_code
    assert panel.incident_edit.text() == ref_code
    with qtbot.waitSignal(panel.matches_shown):
        QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # All incidents
    assert panel.heading.text().startswith("All incidents")
    # Alt+A was Accept's letter and the Audit log tab's: it switched tabs instead.
    assert window.tabs.currentIndex() == window.deconflict_tab
    QTest.keyClick(window, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # Sources
    qtbot.waitUntil(lambda: panel.tabs.currentIndex() == 0)


def _chain(top: QWidget, limit: int = 60) -> list[QWidget]:
    """The widgets Tab visits in `top`, in order (a spin box counted once)."""
    out: list[QWidget] = []
    widget: QWidget | None = top.nextInFocusChain()
    while widget is not None and widget is not top and len(out) < limit:
        parent = widget.parentWidget()
        owner = parent if isinstance(parent, QAbstractSpinBox) else widget
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and widget.isVisibleTo(top) and (not out or out[-1] is not owner):
            out.append(owner)
        widget = widget.nextInFocusChain()
    return out


def test_release_gate_tab_order_follows_the_work(window: MainWindow) -> None:
    gate = window.release_gate
    assert gate is not None
    window.tabs.setCurrentIndex(window.release_gate_tab)
    order = _chain(gate)
    expected = [
        gate.stage_button,
        gate.clear_button,
        gate.names_button,
        gate.check_button,
        gate.staged_list,
        gate.decimals,
        gate.grid,
        gate.coarsen,
        gate.threshold,
        gate.public_fields,
        gate.releases,
        gate.findings,
        gate.approver,
        gate.passphrase,
        gate.approve_button,
        gate.publish_button,
    ]
    assert [w for w in order if w in expected] == expected


def test_assessment_save_and_escape_by_keyboard(qtbot: QtBot, window: MainWindow, hq: Hq) -> None:
    window.register.select_incident(hq.ids["Market strike"])
    dialog = window.show_assess()
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert QApplication.focusWidget() is dialog.category_combo  # the first judgement
    dialog.rationale_edit.setPlainText("Two witnesses agree.")
    with qtbot.waitSignal(dialog.saved):
        QTest.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Save
    found = hq.hq.get_assessment(hq.ids["Market strike"])
    assert found is not None and isinstance(found[0], HqAssessment)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_enter_in_the_policy_passphrase_applies_and_keeps_settings_open(
    qtbot: QtBot, tmp_path: Path
) -> None:
    vault = make_vault(tmp_path / "field")
    try:
        settings = UiSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        dialog = SettingsDialog(settings, vault=vault, runner=InlineRunner())
        qtbot.addWidget(dialog)
        with qtbot.waitActive(dialog):
            dialog.show()
            dialog.activateWindow()
        group = dialog.policies
        assert group is not None
        group.wipe_check.setChecked(True)
        group.passphrase_edit.setFocus()
        QTest.keyClicks(group.passphrase_edit, TEST_PASSPHRASE)
        # Enter belongs to the field it was typed in: it applies the policies, and the dialog
        # stays to show the result (it used to press OK as well and close over it).
        QTest.keyClick(group.passphrase_edit, Qt.Key.Key_Return)
        assert policy.policies(vault).wipe_after is not None
        assert dialog.isVisible() and "applied" in group.status_label.text()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
    finally:
        vault.lock()


def test_rows_are_selected_right_to_left(qtbot: QtBot, window: MainWindow, hq: Hq) -> None:
    """`selectRow` takes the column at the view's far edge right to left; where the columns
    do not fill the view there is none and nothing was selected: the HQ register did not
    open an incident, the release gate showed no findings (the pseudo-RTL screenshots)."""
    window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    window.resize(2400, 800)  # wider than the columns
    qtbot.waitUntil(lambda: window.register.table.viewport().width() > 1000)
    market = hq.ids["Market strike"]
    opened: list[str] = []
    window.register.incident_selected.connect(opened.append)
    assert window.register.select_incident(market)
    assert opened == [market]
    assert window.register.selected_id() == market

    gate = window.release_gate
    assert gate is not None
    window.tabs.setCurrentIndex(window.release_gate_tab)
    staged = hq.tmp / "counts.csv"
    staged.write_text("gender,killed\nfemale,3\n", encoding="utf-8")
    gate.staged = [staged]
    gate.check()
    report = gate.selected()
    assert report is not None and report.findings  # the small cell, suppressed
    assert gate.findings.rowCount() == len(report.findings)


def test_left_to_right_values_keep_their_order_right_to_left(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    reason = "1 day apart; 2.6 km apart"
    assert left_to_right(reason) == reason  # a left-to-right interface: untouched
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        assert left_to_right(reason) == "\u200e" + reason + "\u200e"
        assert left_to_right("row 2, column 'notes'").endswith("'\u200e")
        arabic = "\u0633\u0648\u0642 3"  # starts right to left: its order is already right
        assert left_to_right(arabic) == arabic
        assert left_to_right("42") == "42"  # no strong character: nothing to anchor
    finally:
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
