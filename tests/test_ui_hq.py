"""HQ's Inbox and Devices tabs with the field's Sync tab, on real vaults: a device enrolled
through both panels, a real bundle imported with progress, the device row and the inbox row
advancing, the receipt going back to the field, refusals and a cancel reported per bundle,
revocation, the recipient list export, and a lock that clears everything shown."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from fieldapp.store.vault import Vault
from fieldapp.ui.hq_panels import (
    DevicesPanel,
    InboxBatch,
    InboxPanel,
    device_state_text,
    held_text,
)
from fieldapp.ui.sync_panel import SyncPanel
from fieldapp.ui.tasks import InlineRunner, TaskRunner
from sync import enrollment, fieldsync, hqimport
from tests.helpers import ANALYST, make_vault
from tests.sync_helpers import enroll, make_hq_vault
from tests.test_ui_sync import ScriptedDialogs, add_incident, error_box


@dataclass
class Sites:
    field: Vault
    hq: Vault
    sync: SyncPanel
    inbox: InboxPanel
    devices: DevicesPanel
    tmp: Path


@pytest.fixture
def sites(qtbot: QtBot, tmp_path: Path) -> Iterator[Sites]:
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    sync, inbox, devices = (
        SyncPanel(InlineRunner()),
        InboxPanel(InlineRunner()),
        DevicesPanel(InlineRunner()),
    )
    for panel in (sync, inbox, devices):
        qtbot.addWidget(panel)
    sync.set_vault(field)
    inbox.set_vault(hq)
    devices.set_vault(hq)
    inbox.imported.connect(devices.refresh)  # as the main window wires them
    try:
        yield Sites(field, hq, sync, inbox, devices, tmp_path)
    finally:
        for panel in (sync, inbox, devices):
            panel.set_vault(None)
        field.lock()
        hq.lock()


def export(s: Sites) -> Path:
    out = s.tmp / "out"
    out.mkdir(exist_ok=True)
    result = fieldsync.export_bundle(s.field, out)
    return result.path


def cells(panel: InboxPanel | DevicesPanel, row: int) -> list[str]:
    table = panel.table
    values = []
    for col in range(table.columnCount()):
        item = table.item(row, col)
        values.append(item.text() if item is not None else "")
    return values


def test_the_whole_round_trip_through_the_panels(sites: Sites, qtbot: QtBot) -> None:
    s = sites
    # 1. The field writes its request.
    request = s.tmp / "request.txt"
    s.sync.dialogs = ScriptedDialogs(request)
    s.sync.request_button.click()

    # 2. HQ opens it, sees the code and fingerprint, confirms and saves the two files.
    cert = s.tmp / "cert.txt"
    s.devices.dialogs = ScriptedDialogs(request, cert)
    s.devices.enrol_button.click()
    box = s.devices.confirm
    assert box.is_open
    assert s.field.device.code in box.text.text()
    assert s.field.device.fingerprint in box.text.text()
    assert ANALYST in box.text.text()
    assert not box.confirm_button.isEnabled()
    box.check.setChecked(True)
    with qtbot.waitSignal(s.devices.enrolled) as enrolled:
        box.confirm_button.click()
    cert_path, list_path = enrolled.args[0]
    assert cert_path == cert and list_path == s.tmp / "cert-recipients.txt"
    assert list_path.read_text() == enrollment.load_hq_keys(s.hq).recipients_note
    assert "Device " + s.field.device.code + " enrolled" in s.devices.status.text()
    assert cells(s.devices, 0) == [s.field.device.code, ANALYST, "0", "—", "none", "active"]

    # 3. The field accepts both, after confirming HQ's root fingerprint.
    s.sync.dialogs = ScriptedDialogs(cert_path, list_path)
    s.sync.accept_button.click()
    s.sync.enrol_confirm.check.setChecked(True)
    s.sync.enrol_confirm.confirm_button.click()
    assert "Enrolled with HQ" in s.sync.enrolment_label.text()

    # 4. The field exports a real bundle through its panel.
    add_incident(s.field)
    s.sync.refresh()
    out = s.tmp / "out"
    out.mkdir()
    with qtbot.waitSignal(s.sync.export_finished) as exported:
        s.sync.export_to(out)
    bundle = exported.args[0].path

    # 5. HQ imports it with progress; one line says what happened and where the receipt is.
    steps: list[int] = []
    s.inbox.import_progress.connect(lambda done, _total: steps.append(done))
    receipts = s.hq.path / "outbox"
    s.inbox.dialogs = ScriptedDialogs([bundle])
    with qtbot.waitSignal(s.inbox.import_finished) as finished:
        s.inbox.import_button.click()
    batch = finished.args[0]
    assert isinstance(batch, InboxBatch) and not batch.cancelled
    (outcome,) = batch.outcomes
    assert outcome.status == "imported"
    assert outcome.receipt_path is not None and outcome.receipt_path.parent == receipts
    line = s.inbox.results.toPlainText()
    assert f"device {s.field.device.code} seq 1 imported: 1 new version(s)" in line
    assert f"receipt written to {outcome.receipt_path}" in line
    assert steps == sorted(steps) and steps[-1] == 5 and len(set(steps)) > 2
    assert s.inbox.status.text() == "Import finished: 1 imported."
    row = cells(s.inbox, 0)
    assert row[1:5] == ["imported", s.field.device.code, "1", bundle.name]
    # The Devices tab advanced with it.
    assert cells(s.devices, 0)[2] == "1"
    assert cells(s.devices, 0)[3] != "—"
    assert s.hq.verify_log().ok

    # 6. The receipt goes back to the field.
    s.sync.import_receipt(outcome.receipt_path)
    assert "acknowledged bundle 1" in s.sync.receipt_result.text()
    assert fieldsync.sync_status(s.field).last_receipt_seq == 1

    # 7. The same bundle again is a duplicate, said so, and nothing changes.
    s.inbox.import_paths([bundle])
    assert "already imported: nothing changed" in s.inbox.results.toPlainText()
    assert len(s.inbox.rows) == 1


def test_a_refused_file_and_a_good_one_each_get_their_line(sites: Sites) -> None:
    s = sites
    enroll(s.field, s.hq)
    add_incident(s.field)
    good = export(s)
    junk = s.tmp / "junk.chmb"
    junk.write_bytes(b"this is not an age file\n" * 10)
    missing = s.tmp / "gone.chmb"
    s.inbox.import_paths([junk, missing, good])
    lines = s.inbox.results.toPlainText().splitlines()
    assert lines[0].startswith("junk.chmb: refused: ")
    assert lines[1].startswith("gone.chmb: not received: ")
    assert "seq 1 imported" in lines[2]
    assert s.inbox.status.text() == "Import finished: 1 rejected, 1 not received, 1 imported."
    statuses = sorted(r.status for r in s.inbox.rows)
    assert statuses == ["imported", "rejected"]
    rejected = next(r for r in s.inbox.rows if r.status == "rejected")
    assert rejected.report and rejected.report in lines[0]


def test_cancel_keeps_the_bundle_received_and_importable(sites: Sites) -> None:
    s = sites
    enroll(s.field, s.hq)
    add_incident(s.field)
    bundle = export(s)

    def cancel_at_decrypting(done: int, _total: int) -> None:
        if done == 1:
            s.inbox.cancel_button.click()

    s.inbox.import_progress.connect(cancel_at_decrypting)
    s.inbox.import_paths([bundle])
    s.inbox.import_progress.disconnect(cancel_at_decrypting)
    assert "cancelled; it stays in the inbox as received" in s.inbox.results.toPlainText()
    assert s.inbox.status.text().startswith("Import cancelled")
    assert [r.status for r in hqimport.inbox(s.hq)] == ["received"]
    assert hqimport.devices(s.hq)[0].last_seq == 0
    assert not s.inbox.importing and s.inbox.import_button.isEnabled()
    s.inbox.import_paths([bundle])
    assert [r.status for r in hqimport.inbox(s.hq)] == ["imported"]


def test_dropped_bundles_are_imported_and_other_files_refused(sites: Sites) -> None:
    s = sites
    enroll(s.field, s.hq)
    add_incident(s.field)
    bundle = export(s)

    def drop(*paths: Path) -> QDropEvent:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        event = QDropEvent(
            QPointF(10, 10),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        s.inbox.dropEvent(event)
        return event

    other = s.tmp / "photo.jpg"
    other.write_bytes(b"jpeg")
    assert not drop(bundle, other).isAccepted()
    assert s.inbox.table.rowCount() == 0
    assert drop(bundle).isAccepted()
    assert [r.status for r in s.inbox.rows] == ["imported"]


def test_revoke_after_the_last_seq(sites: Sites) -> None:
    s = sites
    enroll(s.field, s.hq)
    add_incident(s.field)
    s.inbox.import_paths([export(s)])
    s.devices.refresh()
    assert not s.devices.revoke_button.isEnabled()
    s.devices.select(s.field.device.code)
    assert s.devices.revoke_button.isEnabled()
    s.devices.revoke_button.click()
    assert s.devices.confirm.is_open and s.devices.after_seq.isVisibleTo(s.devices)
    assert s.devices.after_seq.value() == 1
    assert "cannot be undone" in s.devices.confirm.text.text()
    s.devices.confirm.confirm_button.click()
    assert "its bundles after seq 1 are refused" in s.devices.status.text()
    assert cells(s.devices, 0)[5] == "revoked after seq 1"

    # The next bundle is refused, with the reason on its line.
    add_incident(s.field)
    s.inbox.import_paths([export(s)])
    assert "the device is revoked" in s.inbox.results.toPlainText()


def test_revoke_below_an_imported_seq_is_refused(sites: Sites) -> None:
    s = sites
    enroll(s.field, s.hq)
    add_incident(s.field)
    s.inbox.import_paths([export(s)])
    s.devices.refresh()
    s.devices.select(s.field.device.code)
    s.devices.revoke_button.click()
    s.devices.after_seq.setValue(0)
    s.devices.confirm.confirm_button.click()
    assert "already imported bundle 1" in error_box(s.devices).text()
    assert cells(s.devices, 0)[5] == "active"


def test_enrolment_not_confirmed_signs_nothing(sites: Sites) -> None:
    s = sites
    request = s.tmp / "request.txt"
    request.write_text(enrollment.enrollment_request(s.field))
    s.devices.dialogs = ScriptedDialogs(request)
    s.devices.enrol_button.click()
    s.devices.confirm.cancel_button.click()
    assert hqimport.devices(s.hq) == []
    assert s.devices.table.rowCount() == 0


def test_an_edited_request_is_refused_before_any_question(sites: Sites) -> None:
    s = sites
    request = s.tmp / "request.txt"
    text = enrollment.enrollment_request(s.field)
    request.write_text(text.replace(s.field.user, "someone-else"))
    s.devices.dialogs = ScriptedDialogs(request)
    s.devices.enrol_button.click()
    assert not s.devices.confirm.is_open
    assert error_box(s.devices).windowTitle() == "Enrolment refused"


def test_an_existing_certificate_file_is_never_overwritten(sites: Sites) -> None:
    s = sites
    request = s.tmp / "request.txt"
    request.write_text(enrollment.enrollment_request(s.field))
    cert = s.tmp / "cert.txt"
    cert.write_text("keep me")
    s.devices.dialogs = ScriptedDialogs(request, cert)
    s.devices.enrol_button.click()
    s.devices.confirm.check.setChecked(True)
    s.devices.confirm.confirm_button.click()
    assert cert.read_text() == "keep me"
    assert "exists already" in s.devices.status.text()
    assert hqimport.devices(s.hq) == []


def test_export_the_recipient_list(sites: Sites) -> None:
    s = sites
    path = s.tmp / "recipients.txt"
    s.devices.dialogs = ScriptedDialogs(path)
    s.devices.recipients_button.click()
    assert path.read_text() == enrollment.load_hq_keys(s.hq).recipients_note
    assert "Recipient list version 1 written" in s.devices.status.text()


def test_state_and_gap_texts() -> None:
    base = hqimport.DeviceState(
        device_id="d" * 32,
        code="7F3AKQ",
        analyst="a",
        enrolled_at="2026-11-22T12:00:00Z",
        last_seq=42,
        last_receipt_at=None,
        held_seqs=(),
        missing=None,
        trusted_up_to=None,
        frozen_at=None,
        frozen_reason="",
    )
    assert device_state_text(base) == "active" and held_text(base) == "none"
    held = hqimport.DeviceState(**{**base.__dict__, "held_seqs": (45, 46), "missing": (43, 44)})
    assert held_text(held) == "held 45, 46; missing 43–44"
    one = hqimport.DeviceState(**{**base.__dict__, "held_seqs": (44,), "missing": (43, 43)})
    assert held_text(one) == "held 44; missing 43"
    both = hqimport.DeviceState(
        **{
            **base.__dict__,
            "trusted_up_to": 40,
            "frozen_at": "2026-11-22T12:00:00Z",
            "frozen_reason": "equivocation at seq 41",
        }
    )
    assert device_state_text(both) == "frozen (equivocation at seq 41); revoked after seq 40"


def test_lock_clears_both_tabs(sites: Sites) -> None:
    s = sites
    enroll(s.field, s.hq)
    add_incident(s.field)
    s.inbox.import_paths([export(s)])
    s.devices.refresh()
    assert s.inbox.table.rowCount() == 1 and s.devices.table.rowCount() == 1
    s.devices.select(s.field.device.code)
    s.devices.revoke_button.click()
    s.inbox.set_vault(None)
    s.devices.set_vault(None)
    assert s.inbox.table.rowCount() == 0 and s.inbox.results.toPlainText() == ""
    assert s.inbox.rows == () and s.devices.devices == ()
    assert s.devices.table.rowCount() == 0 and not s.devices.confirm.is_open
    assert s.inbox.status.text() == "Locked." and s.devices.status.text() == "Locked."
    for button in (
        s.inbox.import_button,
        s.devices.enrol_button,
        s.devices.revoke_button,
        s.devices.recipients_button,
    ):
        assert not button.isEnabled()


def test_a_field_vault_has_no_inbox(sites: Sites) -> None:
    s = sites
    s.inbox.set_vault(s.field)
    s.devices.set_vault(s.field)
    assert "field vault" in s.inbox.status.text() and "field vault" in s.devices.status.text()
    assert not s.inbox.import_button.isEnabled() and not s.devices.enrol_button.isEnabled()


def test_export_and_import_on_worker_threads(qtbot: QtBot, tmp_path: Path) -> None:
    """The real runner: vault work off the GUI thread, progress and results queued back."""
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    runner = TaskRunner()
    sync, inbox = SyncPanel(runner), InboxPanel(runner)
    for panel in (sync, inbox):
        qtbot.addWidget(panel)
    try:
        enroll(field, hq)
        add_incident(field)
        with qtbot.waitSignal(sync.refreshed, timeout=30_000):
            sync.set_vault(field)
        with qtbot.waitSignal(inbox.refreshed, timeout=30_000):
            inbox.set_vault(hq)
        assert sync.export_button.isEnabled()
        out = tmp_path / "out"
        out.mkdir()
        progress: list[int] = []
        sync.export_progress.connect(lambda done, _total: progress.append(done))
        with qtbot.waitSignal(sync.export_finished, timeout=60_000) as exported:
            sync.export_to(out)
            assert not sync.export_button.isEnabled()  # one export at a time
        result = exported.args[0]
        assert isinstance(result, fieldsync.ExportResult) and result.path.exists()
        assert progress and progress[-1] == 1000
        with qtbot.waitSignal(inbox.refreshed, timeout=60_000):
            inbox.import_paths([result.path])
        assert [r.status for r in inbox.rows] == ["imported"]
        assert "seq 1 imported" in inbox.results.toPlainText()
    finally:
        sync.set_vault(None)
        inbox.set_vault(None)
        runner.wait()
        field.lock()
        hq.lock()


def test_names_from_files_are_shown_as_text_never_markup(sites: Sites) -> None:
    s = sites
    hostile = s.tmp / "<img src=x onerror=alert(1)>.chmb"
    hostile.write_bytes(b"not a bundle\n")
    s.inbox.import_paths([hostile])
    assert s.inbox.results.toPlainText().startswith("<img src=x onerror=alert(1)>.chmb: refused")
    file_cell = s.inbox.table.item(0, 4)
    assert file_cell is not None and file_cell.text() == hostile.name
    assert "<img" not in file_cell.toolTip() and "&lt;img" in file_cell.toolTip()


def test_a_result_arriving_after_a_lock_is_dropped(qtbot: QtBot, tmp_path: Path) -> None:
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    runner = TaskRunner()
    sync = SyncPanel(runner)
    qtbot.addWidget(sync)
    try:
        enroll(field, hq)
        add_incident(field)
        with qtbot.waitSignal(sync.refreshed, timeout=30_000):
            sync.set_vault(field)
        out = tmp_path / "out"
        out.mkdir()
        finished: list[object] = []
        sync.export_finished.connect(finished.append)
        sync.export_to(out)
        sync.set_vault(None)  # locked while the export runs
        assert runner.wait()
        QApplication.processEvents()  # deliver whatever the worker queued
        assert finished == []
        assert sync.export_result.text() == "" and sync.outgoing_label.text() == ""
        assert sync.enrolment_label.text() == "Locked."
    finally:
        sync.set_vault(None)
        runner.wait()
        field.lock()
        hq.lock()
