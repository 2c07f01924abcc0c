"""The Release gate panel on a real vault: stage and check by keyboard, findings shown without
the personal data, a blocked release cannot be approved, a wrong approver passphrase is refused
and cleared, the second user approves, the release is published with a verifiable manifest, and
a lock clears everything shown and typed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from fieldapp.domain.model import Incident, Victim
from fieldapp.review import gate
from fieldapp.store.vault import Vault
from fieldapp.ui.release_gate import ReleaseGatePanel
from fieldapp.ui.tasks import InlineRunner
from tests.helpers import SECOND_PASSPHRASE, TEST_PASSPHRASE, make_vault
from tests.test_ui_sync import ScriptedDialogs, error_box

REVIEWER = "reviewer-osprey"


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = make_vault(tmp_path / "vault")
    try:
        v.add_slot(REVIEWER, SECOND_PASSPHRASE)
        inc = Incident(title="Strike", victims=[Victim(name="Omar Khalil")])
        inc.time.start = "2026-02-20T10:15:00Z"
        v.save_incident(inc, "first report")
        yield v
    finally:
        v.lock()


@pytest.fixture
def panel(qtbot: QtBot, vault: Vault) -> Iterator[ReleaseGatePanel]:
    p = ReleaseGatePanel(InlineRunner())
    qtbot.addWidget(p)
    p.set_vault(vault)
    with qtbot.waitActive(p):  # mnemonics (Alt+letter) need an active window
        p.show()
        p.activateWindow()
    yield p
    p.set_vault(None)


def column(table: object, col: int) -> list[str]:
    from PySide6.QtWidgets import QTableWidget

    assert isinstance(table, QTableWidget)
    return [
        (item.text() if (item := table.item(r, col)) is not None else "")
        for r in range(table.rowCount())
    ]


def stage(qtbot: QtBot, panel: ReleaseGatePanel, *paths: Path) -> None:
    panel.dialogs = ScriptedDialogs(list(paths))
    # A mnemonic "clicks" the button after a short animation: wait for its effect.
    QTest.keyClick(panel, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # Stage files
    qtbot.waitUntil(lambda: panel.staged == list(paths))
    with qtbot.waitSignal(panel.checked):
        QTest.keyClick(panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_check_approve_publish(
    qtbot: QtBot, panel: ReleaseGatePanel, vault: Vault, tmp_path: Path
) -> None:
    leaky = tmp_path / "leaky.csv"
    leaky.write_text("notes\nOmar Khalil was hit\n", encoding="utf-8")
    stage(qtbot, panel, leaky)
    assert column(panel.releases, 1) == ["blocked"]
    assert column(panel.findings, 3) == ["BLOCKING"]
    assert "Omar" not in " ".join(column(panel.findings, 4))
    assert "1 blocking finding" in panel.status.text()
    assert not panel.approve_button.isEnabled() and not panel.publish_button.isEnabled()

    panel.clear_staged()
    counts = tmp_path / "counts.csv"
    counts.write_text("gender,killed\nfemale,3\n", encoding="utf-8")
    stage(qtbot, panel, counts)
    assert column(panel.releases, 1)[0] == "awaiting approval"
    assert column(panel.findings, 3) == ["fixed: suppressed (<5)"]
    assert panel.approver.currentText() == REVIEWER  # never the preparer by default
    assert panel.approve_button.isEnabled() and not panel.publish_button.isEnabled()

    QTest.keyClicks(panel.passphrase, TEST_PASSPHRASE)
    QTest.keyClick(panel.passphrase, Qt.Key.Key_Return)
    box = error_box(panel)
    assert "passphrase is wrong for reviewer-osprey" in box.text()
    box.done(QMessageBox.StandardButton.Ok)
    box.deleteLater()
    with qtbot.waitActive(panel):  # the window manager's part once the message closes
        panel.activateWindow()
    assert panel.passphrase.text() == ""
    assert column(panel.releases, 1)[0] == "awaiting approval"

    QTest.keyClicks(panel.passphrase, SECOND_PASSPHRASE)
    with qtbot.waitSignal(panel.approved):
        QTest.keyClick(panel, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Approve
    assert panel.passphrase.text() == ""
    assert column(panel.releases, 1)[0] == "approved"
    assert panel.publish_button.isEnabled()

    out = tmp_path / "public"
    panel.dialogs = ScriptedDialogs(out)
    with qtbot.waitSignal(panel.published):
        QTest.keyClick(panel, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Publish
    assert column(panel.releases, 1)[0] == "published"
    assert str(out / gate.MANIFEST_NAME) in panel.status.text()
    assert gate.verify_release(out).ok
    assert (out / "counts.csv").read_bytes() == b"gender,killed\r\nfemale,<5\r\n"

    panel.set_vault(None)
    assert panel.releases.rowCount() == 0 and panel.findings.rowCount() == 0
    assert panel.status.text() == "Locked."
    assert not panel.check_button.isEnabled() and not panel.approve_button.isEnabled()
