"""The field "Sync" tab on real vaults: enrolment through the panel, a real bundle export with
progress, a cancel that leaves nothing, a receipt signed by HQ's real receipt key, the purge
after confirmation, and a lock that clears everything shown."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from fieldapp.domain.model import Incident
from fieldapp.media import MediaSandbox
from fieldapp.store.vault import Vault
from fieldapp.ui.sync_panel import FileDialogs, SyncPanel, read_statement
from fieldapp.ui.tasks import InlineRunner
from sync import enrollment, fieldsync
from sync.statements import Receipt, note_hash, open_bundle_note
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault


class ScriptedDialogs(FileDialogs):
    """Answers every path question from a list, in order, and records the questions."""

    def __init__(self, *answers: Path | list[Path] | None) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []
        self.starts: list[Path] = []  # where a save or folder question started

    def _next(self, title: str) -> Path | list[Path] | None:
        self.asked.append(title)
        assert self.answers, f"unexpected question: {title}"
        return self.answers.pop(0)

    def open_file(self, parent: QWidget, title: str, name_filter: str) -> Path | None:
        answer = self._next(title)
        assert not isinstance(answer, list)
        return answer

    def open_files(self, parent: QWidget, title: str, name_filter: str) -> list[Path]:
        answer = self._next(title)
        assert isinstance(answer, list)
        return answer

    def save_file(self, parent: QWidget, title: str, suggested: Path) -> Path | None:
        self.starts.append(suggested)
        answer = self._next(title)
        assert not isinstance(answer, list)
        return answer

    def folder(self, parent: QWidget, title: str, start: Path) -> Path | None:
        self.starts.append(start)
        answer = self._next(title)
        assert not isinstance(answer, list)
        return answer


@dataclass
class Field:
    vault: Vault
    hq: Vault
    panel: SyncPanel
    tmp: Path


@pytest.fixture
def field(qtbot: QtBot, tmp_path: Path) -> Iterator[Field]:
    hq = make_hq_vault(tmp_path / "hq")
    vault = make_vault(tmp_path / "field")
    panel = SyncPanel(InlineRunner())
    qtbot.addWidget(panel)
    panel.set_vault(vault)
    try:
        yield Field(vault, hq, panel, tmp_path)
    finally:
        panel.set_vault(None)
        vault.lock()
        hq.lock()


def add_incident(vault: Vault) -> None:
    inc = Incident(title="Market strike", summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    vault.save_incident(inc, "first report")


def add_original(vault: Vault, folder: Path, size: int) -> None:
    path = folder / "video.bin"
    path.write_bytes(os.urandom(size))
    with MediaSandbox(workers=1) as sandbox:
        vault.add_evidence(path, sandbox=sandbox)


def error_box(panel: QWidget) -> QMessageBox:
    box = panel.findChild(QMessageBox, "errorMessage")
    assert isinstance(box, QMessageBox), "no error was shown"
    return box


def receipt_for(f: Field, seq: int, hq: Vault | None = None) -> str:
    """A receipt signed with HQ's real receipt key (or `hq`'s) for bundle `seq` of the field."""
    keys = enrollment.load_hq_keys(hq or f.hq)
    with f.vault.reading() as conn:
        (note,) = conn.execute("SELECT note FROM bundles_out WHERE seq = ?", (seq,)).fetchone()
    pinned = enrollment.field_enrollment(f.vault)
    assert pinned is not None
    parsed = open_bundle_note(note, [pinned.certificate.verifier(f.vault.device.device_id)])
    return Receipt(
        origin=keys.origin,
        hq=keys.receipt_name,
        device=f.vault.device.device_id,
        seq=seq,
        bundle=note_hash(note),
        log_size=parsed.log_size,
        log_root=parsed.log_root,
        time=datetime(2026, 11, 22, 13, 0, tzinfo=UTC),
    ).sign(keys.receipt)


# --- enrolment ------------------------------------------------------------------------------------
def test_not_enrolled_shows_the_device_code_and_only_enrolment(field: Field) -> None:
    panel = field.panel
    text = panel.enrolment_label.text()
    assert "Not enrolled" in text
    assert field.vault.device.code in text
    assert field.vault.device.fingerprint in text
    assert panel.request_button.isEnabled() and panel.accept_button.isEnabled()
    assert not panel.export_button.isEnabled()
    assert not panel.receipt_button.isEnabled()
    assert not panel.recipients_button.isEnabled()


def test_enrol_through_the_panel(field: Field) -> None:
    panel, tmp = field.panel, field.tmp
    request = tmp / "request.txt"
    panel.dialogs = ScriptedDialogs(request)
    panel.request_button.click()
    assert enrollment.read_request(request.read_text()).device == field.vault.device.device_id
    assert str(request) in panel.enrol_result.text()

    # HQ certifies the request the analyst carried over.
    _, certificate = enrollment.issue_certificate(field.hq, request.read_text())
    keys = enrollment.load_hq_keys(field.hq)
    (tmp / "cert.txt").write_text(certificate)
    (tmp / "recipients.txt").write_text(keys.recipients_note)
    panel.dialogs = ScriptedDialogs(tmp / "cert.txt", tmp / "recipients.txt")
    panel.accept_button.click()

    box = panel.enrol_confirm
    assert box.isVisibleTo(panel)
    expected = enrollment.root_fingerprint(keys.recipients)
    assert expected in box.text.text()
    assert keys.origin in box.text.text()
    # Not before the person says the fingerprint was compared.
    assert not box.confirm_button.isEnabled()
    box.confirm()
    assert enrollment.field_enrollment(field.vault) is None
    box.check.setChecked(True)
    box.confirm_button.click()

    pinned = enrollment.field_enrollment(field.vault)
    assert pinned is not None and pinned.root_fingerprint == expected
    text = panel.enrolment_label.text()
    assert f"Enrolled with HQ {keys.origin}" in text
    assert expected in text
    assert field.vault.device.code in text
    assert "recipient list version 1" in text
    assert panel.export_button.isEnabled() and not panel.accept_button.isEnabled()


def test_the_fingerprint_question_by_keyboard(field: Field, qtbot: QtBot) -> None:
    panel, tmp = field.panel, field.tmp
    _, certificate = enrollment.issue_certificate(
        field.hq, enrollment.enrollment_request(field.vault)
    )
    (tmp / "cert.txt").write_text(certificate)
    (tmp / "recipients.txt").write_text(enrollment.load_hq_keys(field.hq).recipients_note)
    with qtbot.waitActive(panel):
        panel.show()
        panel.activateWindow()
    box = panel.enrol_confirm

    def ask() -> None:
        panel.dialogs = ScriptedDialogs(tmp / "cert.txt", tmp / "recipients.txt")
        panel.accept_button.click()
        assert box.is_open and box.check.hasFocus()

    # Escape closes the question; Enter on Cancel cancels; Enter before the tick does nothing.
    ask()
    QTest.keyClick(box.check, Qt.Key.Key_Escape)
    assert not box.is_open and not box.isVisible()
    ask()
    QTest.keyClick(box.check, Qt.Key.Key_Return)
    assert box.is_open
    box.cancel_button.setFocus()
    QTest.keyClick(box.cancel_button, Qt.Key.Key_Return)
    assert not box.is_open
    assert enrollment.field_enrollment(field.vault) is None
    # Space ticks, Enter accepts.
    ask()
    QTest.keyClick(box.check, Qt.Key.Key_Space)
    assert box.check.isChecked()
    QTest.keyClick(box.check, Qt.Key.Key_Return)
    assert enrollment.field_enrollment(field.vault) is not None
    assert "Enrolled with HQ" in panel.enrolment_label.text()


def test_a_list_that_is_not_one_is_refused_before_any_question(field: Field) -> None:
    panel, tmp = field.panel, field.tmp
    (tmp / "cert.txt").write_text("not a certificate\n")
    (tmp / "recipients.txt").write_bytes(b"\xff\xfe binary")
    panel.dialogs = ScriptedDialogs(tmp / "cert.txt", tmp / "recipients.txt")
    panel.accept_button.click()
    assert not panel.enrol_confirm.is_open
    assert "recipients.txt is not UTF-8 text" in error_box(panel).text()


def test_a_certificate_for_another_device_is_refused_after_confirmation(
    field: Field, tmp_path: Path
) -> None:
    other = make_vault(tmp_path / "other")
    try:
        _, certificate = enrollment.issue_certificate(
            field.hq, enrollment.enrollment_request(other)
        )
    finally:
        other.lock()
    (tmp_path / "cert.txt").write_text(certificate)
    (tmp_path / "recipients.txt").write_text(enrollment.load_hq_keys(field.hq).recipients_note)
    panel = field.panel
    panel.dialogs = ScriptedDialogs(tmp_path / "cert.txt", tmp_path / "recipients.txt")
    panel.accept_button.click()
    panel.enrol_confirm.check.setChecked(True)
    panel.enrol_confirm.confirm()
    assert enrollment.field_enrollment(field.vault) is None
    assert error_box(panel).windowTitle() == "Enrolment refused"
    assert "Not enrolled" in panel.enrolment_label.text()


def test_a_newer_recipient_list_is_accepted_and_the_same_one_refused(field: Field) -> None:
    enroll(field.vault, field.hq)
    panel = field.panel
    panel.refresh()
    newer = enrollment.rotate_recipients(field.hq)
    path = field.tmp / "recipients-v2.txt"
    path.write_text(enrollment.load_hq_keys(field.hq).recipients_note)
    panel.dialogs = ScriptedDialogs(path, path)
    panel.recipients_button.click()
    assert f"Recipient list version {newer.version} accepted" in panel.enrol_result.text()
    assert f"recipient list version {newer.version}" in panel.enrolment_label.text()
    panel.recipients_button.click()
    assert "not newer" in error_box(panel).text()


# --- export -------------------------------------------------------------------------------------
def test_export_a_bundle_with_progress(field: Field, qtbot: QtBot) -> None:
    enroll(field.vault, field.hq)
    add_incident(field.vault)
    panel = field.panel
    panel.refresh()
    assert "1 record versions" in panel.outgoing_label.text()
    assert "No bundle exported yet" in panel.outgoing_label.text()
    out = field.tmp / "out"
    out.mkdir()
    seen: list[int] = []
    panel.export_progress.connect(lambda done, _total: seen.append(done))
    dialogs = ScriptedDialogs(out)
    panel.dialogs = dialogs
    with qtbot.waitSignal(panel.export_finished) as finished:
        panel.export_button.click()
    assert dialogs.starts == [field.vault.path / "outbox"]  # the vault's outbox is offered
    result = finished.args[0]
    assert isinstance(result, fieldsync.ExportResult)
    assert result.seq == 1 and result.path.parent == out and result.path.exists()
    assert seen and seen[-1] == 1000 and seen == sorted(seen)
    text = panel.export_result.text()
    assert "Bundle 1 written" in text and str(result.path) in text
    assert "Last bundle: seq 1" in panel.outgoing_label.text()
    assert "Sent but not yet acknowledged: 1" in panel.outgoing_label.text()
    assert not panel.progress.isVisibleTo(panel) and not panel.cancel_button.isVisibleTo(panel)
    assert panel.export_button.isEnabled()


def test_cancel_leaves_no_file(field: Field, qtbot: QtBot) -> None:
    enroll(field.vault, field.hq)
    add_incident(field.vault)
    add_original(field.vault, field.tmp, 2 * 1024 * 1024)
    panel = field.panel
    panel.refresh()
    out = field.tmp / "out"
    out.mkdir()
    clicked: list[bool] = []

    def cancel_once(done: int, total: int) -> None:
        # The button is on screen while the export runs; clicking it is what a person does.
        if not clicked and 0 < done < total:
            assert panel.cancel_button.isVisibleTo(panel)
            clicked.append(True)
            panel.cancel_button.click()

    panel.export_progress.connect(cancel_once)
    with qtbot.waitSignal(panel.export_finished) as finished:
        panel.export_to(out)
    assert clicked
    assert finished.args[0] is None
    assert panel.export_result.text() == "Export cancelled; nothing was written."
    assert os.listdir(out) == []
    assert fieldsync.sync_status(field.vault).last_seq == 0
    assert not panel.exporting and panel.export_button.isEnabled()


def test_export_into_a_missing_folder_says_so(field: Field) -> None:
    enroll(field.vault, field.hq)
    panel = field.panel
    panel.refresh()
    panel.export_to(field.tmp / "nowhere")
    assert "does not exist" in panel.export_result.text()
    assert error_box(panel).windowTitle() == "Sync refused"
    assert fieldsync.sync_status(field.vault).last_seq == 0


# --- receipts and purge -------------------------------------------------------------------------
def test_receipt_then_confirmed_purge(field: Field) -> None:
    enroll(field.vault, field.hq)
    add_incident(field.vault)
    add_original(field.vault, field.tmp, 4096)
    panel = field.panel
    panel.refresh()
    out = field.tmp / "out"
    out.mkdir()
    panel.export_to(out)
    receipt = field.tmp / "r.chmr"
    receipt.write_text(receipt_for(field, 1))
    panel.purge_check.setChecked(True)
    panel.dialogs = ScriptedDialogs(receipt)
    panel.receipt_button.click()
    assert "acknowledged bundle 1" in panel.receipt_result.text()
    assert "1 evidence originals are now held at HQ" in panel.receipt_result.text()
    assert "Last receipt from HQ: seq 1" in panel.outgoing_label.text()

    box = panel.purge_confirm
    assert box.is_open and "cannot be undone" in box.text.text()
    assert fieldsync.sync_status(field.vault).purged_blobs == 0
    box.confirm_button.click()
    assert "Purged 1 evidence originals (4.0 KiB)" in panel.receipt_result.text()
    assert fieldsync.sync_status(field.vault).purged_blobs == 1

    # The same receipt again changes nothing, and no purge is offered for nothing.
    panel.dialogs = ScriptedDialogs(receipt)
    panel.receipt_button.click()
    assert "imported before; nothing changed" in panel.receipt_result.text()
    assert "No acknowledged originals or witness identities are left" in (
        panel.receipt_result.text()
    )
    assert not box.is_open


def test_purge_declined_keeps_the_originals(field: Field) -> None:
    enroll(field.vault, field.hq)
    add_original(field.vault, field.tmp, 4096)
    panel = field.panel
    panel.refresh()
    out = field.tmp / "out"
    out.mkdir()
    panel.export_to(out)
    receipt = field.tmp / "r.chmr"
    receipt.write_text(receipt_for(field, 1))
    panel.purge_check.setChecked(True)
    panel.import_receipt(receipt)
    assert panel.purge_confirm.is_open
    panel.purge_confirm.cancel_button.click()
    assert not panel.purge_confirm.is_open
    assert fieldsync.sync_status(field.vault).purged_blobs == 0


def test_a_forged_receipt_is_refused(field: Field, tmp_path: Path) -> None:
    enroll(field.vault, field.hq)
    panel = field.panel
    panel.refresh()
    out = field.tmp / "out"
    out.mkdir()
    panel.export_to(out)
    other = make_hq_vault(tmp_path / "other-hq")
    try:
        forged = receipt_for(field, 1, hq=other)  # right bundle, another HQ's key
    finally:
        other.lock()
    path = field.tmp / "forged.chmr"
    path.write_text(forged)
    panel.import_receipt(path)
    assert "not accepted" in error_box(panel).text()
    assert fieldsync.sync_status(field.vault).last_receipt_seq == 0


def test_read_statement_refuses_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (65 * 1024))
    with pytest.raises(Exception, match="larger than 64 KiB"):
        read_statement(path)


# --- lock ---------------------------------------------------------------------------------------
def test_lock_clears_everything_shown(field: Field) -> None:
    enroll(field.vault, field.hq)
    panel = field.panel
    panel.refresh()
    out = field.tmp / "out"
    out.mkdir()
    panel.export_to(out)
    panel.purge_confirm.ask("question", "Yes", lambda: None)
    assert panel.export_result.text() and panel.outgoing_label.text()
    panel.set_vault(None)
    assert panel.enrolment_label.text() == "Locked."
    for label in (panel.outgoing_label, panel.export_result, panel.enrol_result):
        assert label.text() == ""
    assert panel.state is None
    assert not panel.purge_confirm.is_open
    for button in (panel.request_button, panel.accept_button, panel.export_button):
        assert not button.isEnabled()


def test_an_hq_vault_is_told_it_sends_nothing(qtbot: QtBot, field: Field) -> None:
    panel = SyncPanel(InlineRunner())
    qtbot.addWidget(panel)
    panel.set_vault(field.hq)
    assert "This is an HQ vault" in panel.enrolment_label.text()
    assert not panel.request_button.isEnabled() and not panel.export_button.isEnabled()
    panel.set_vault(None)
