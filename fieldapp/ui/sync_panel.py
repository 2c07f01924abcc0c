"""The field device's "Sync" tab: enrolment with HQ, bundle export, receipts and the purge.

Every step that touches the vault or a file runs in the task runner; the widgets only show
results. Statements from HQ (certificate, recipient list, receipt) are read here and handed to
the store as text, so what is trusted is decided in one place (`sync.enrollment` and
`sync.fieldsync`), never by the GUI.

Decisions that cannot be undone (trusting HQ's root key, deleting originals) are asked in an
inline box rather than a modal dialog: the window stays usable, a lock drops the question with
everything else, and a test can answer it like a person would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import SyncError
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.messages import message_for, show_error
from fieldapp.ui.register import format_time
from fieldapp.ui.tasks import (
    CancelledError,
    Generation,
    Progress,
    Runner,
    Task,
    submit_with_progress,
)
from fieldapp.ui.widgets import plain_label
from sync import enrollment, fieldsync, receipt_policy, statements

# Statements are a few hundred bytes; anything this big is not one, and is not read whole.
MAX_STATEMENT_BYTES = 64 * 1024
# The export bar moves in thousandths: byte counts of large evidence exceed a QProgressBar int.
PROGRESS_SCALE = 1000


class StatementFileError(SyncError):
    """A file picked as a certificate, recipient list, request or receipt cannot be one."""


def read_statement(path: Path) -> str:
    """The text of a small signed statement file, refused clearly when it cannot be one."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_STATEMENT_BYTES + 1)
    except OSError as exc:
        raise StatementFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementFileError(
            f"{path.name} is larger than {MAX_STATEMENT_BYTES // 1024} KiB, so it is not a "
            "signed statement from fieldapp; nothing was changed."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StatementFileError(
            f"{path.name} is not UTF-8 text, so it is not a signed statement from fieldapp; "
            "nothing was changed."
        ) from exc


def write_new_text(path: Path, text: str) -> None:
    """Write `text` to a file that must not exist yet (a statement is never overwritten)."""
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise StatementFileError(f"{path} exists already; choose a new file name.") from exc
    except OSError as exc:
        raise StatementFileError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


def format_bytes(size: int) -> str:
    """Bytes in the unit a person reads at a glance (sizes here are informative only)."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size:,} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size:,} bytes"  # pragma: no cover - the loop always returns


class FileDialogs:
    """Where the sync panels ask for paths. Tests replace a panel's `dialogs` with a subclass
    that answers from a list, so every path through the panels runs without a native dialog."""

    def open_file(self, parent: QWidget, title: str, name_filter: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, "", name_filter)
        return Path(name) if name else None

    def open_files(self, parent: QWidget, title: str, name_filter: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(parent, title, "", name_filter)
        return [Path(n) for n in names]

    def save_file(self, parent: QWidget, title: str, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested))
        return Path(name) if name else None

    def folder(self, parent: QWidget, title: str, start: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title, str(start))
        return Path(name) if name else None


class ConfirmBox(QFrame):
    """An inline yes/no question; with `check_text`, the yes button waits for the tick.

    The tick is for confirmations that mean "I did something outside the app" (compared a
    fingerprint by phone): a button alone is clicked out of habit.
    """

    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = plain_label("", self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check = QCheckBox(self)
        # Room for a value the answer needs (HQ's revocation puts its seq box here).
        self.extra = QHBoxLayout()
        self.confirm_button = QPushButton(self)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.confirm_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.dismiss)
        self.check.toggled.connect(self._update)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(self.extra)
        layout.addWidget(self.check)
        layout.addLayout(buttons)
        self._on_confirm: Callable[[], None] | None = None
        self.hide()

    def ask(
        self,
        text: str,
        confirm_text: str,
        on_confirm: Callable[[], None],
        check_text: str = "",
    ) -> None:
        self.text.setText(text)
        self.confirm_button.setText(confirm_text)
        self.check.setText(check_text)
        self.check.setChecked(False)
        self.check.setVisible(bool(check_text))
        self._on_confirm = on_confirm
        self._update()
        self.show()
        (self.check if check_text else self.confirm_button).setFocus()

    def confirm(self) -> None:
        if self._on_confirm is None or not self.confirm_button.isEnabled():
            return
        callback, self._on_confirm = self._on_confirm, None
        self.hide()
        self.answered.emit(True)
        callback()

    def dismiss(self) -> None:
        was_open = self._on_confirm is not None
        self._on_confirm = None
        self.text.clear()
        self.hide()
        if was_open:
            self.answered.emit(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter presses the focused button, else answers yes (when yes is possible).

        Escape is the panel's: it also cancels a running export.
        """
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = QApplication.focusWidget()
            if isinstance(focused, QPushButton) and self.isAncestorOf(focused):
                focused.click()
            else:
                self.confirm()
            event.accept()
            return
        super().keyPressEvent(event)

    @property
    def is_open(self) -> bool:
        return self._on_confirm is not None

    def _update(self) -> None:
        self.confirm_button.setEnabled(not self.check.isVisibleTo(self) or self.check.isChecked())


def set_message(label: QLabel, text: str, kind: str = "") -> None:
    """Show a result line in the colour of its kind ("ok", "warn", "error" or plain)."""
    label.setText(text)
    label.setStyleSheet(f"color: {theme.colour(kind)};" if kind else "")


@dataclass(frozen=True)
class FieldState:
    """What the Sync tab shows, read in one task."""

    device_code: str
    device_fingerprint: str
    role: str
    enrolled: enrollment.FieldEnrollment | None
    status: fieldsync.SyncStatus | None


@dataclass(frozen=True)
class HqOffer:
    """The certificate and recipient list picked for acceptance, with what to compare."""

    certificate_text: str
    recipients_text: str
    origin: str
    root_fingerprint: str
    version: int


def read_offer(certificate: Path, recipients: Path) -> HqOffer:
    """Read both files and the root they name (self-signed only: the person confirms it)."""
    certificate_text = read_statement(certificate)
    recipients_text = read_statement(recipients)
    try:
        offered = statements.open_self_signed_recipient_list(recipients_text)
    except statements.StatementError as exc:
        raise StatementFileError(
            f"{recipients.name} is not a recipient list signed by HQ ({exc}); nothing was changed."
        ) from exc
    return HqOffer(
        certificate_text,
        recipients_text,
        offered.origin,
        enrollment.root_fingerprint(offered),
        offered.version,
    )


class SyncPanel(QWidget):
    """Field role: enrolment, outgoing bundles, receipts and purge of acknowledged originals."""

    refreshed = Signal()
    export_progress = Signal(int, int)  # (thousandths done, 1000)
    export_finished = Signal(object)  # ExportResult, or None when cancelled
    receipt_imported = Signal(object)  # ReceiptResult
    purged = Signal(object)  # PurgeResult
    enrolled = Signal()

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncPanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._state: FieldState | None = None
        self._cancel: threading.Event | None = None
        self.dialogs = FileDialogs()
        self._build()
        self.set_vault(None)

    # --- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        enrol_box = QGroupBox(self.tr("Enrolment with HQ"))
        self.enrolment_label = plain_label()
        self.enrolment_label.setObjectName("enrolmentState")
        self.enrolment_label.setWordWrap(True)
        self.enrolment_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request_button = QPushButton(self.tr("Write enrolment re&quest…"))
        self.request_button.clicked.connect(self.write_request)
        self.accept_button = QPushButton(self.tr("Accept e&nrolment…"))
        self.accept_button.clicked.connect(self.choose_enrolment)
        self.recipients_button = QPushButton(self.tr("Update recipient &list…"))
        self.recipients_button.clicked.connect(self.update_recipients)
        enrol_buttons = QHBoxLayout()
        for button in (self.request_button, self.accept_button, self.recipients_button):
            enrol_buttons.addWidget(button)
        enrol_buttons.addStretch(1)
        self.enrol_confirm = ConfirmBox()
        self.enrol_confirm.setObjectName("acceptEnrolment")
        self.enrol_result = plain_label()
        self.enrol_result.setObjectName("enrolmentResult")
        self.enrol_result.setWordWrap(True)
        self.enrol_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        enrol_layout = QVBoxLayout(enrol_box)
        enrol_layout.addWidget(self.enrolment_label)
        enrol_layout.addLayout(enrol_buttons)
        enrol_layout.addWidget(self.enrol_confirm)
        enrol_layout.addWidget(self.enrol_result)

        out_box = QGroupBox(self.tr("Outgoing bundles"))
        self.outgoing_label = plain_label()
        self.outgoing_label.setObjectName("outgoingState")
        self.outgoing_label.setWordWrap(True)
        self.export_button = QPushButton(self.tr("&Export bundle…"))
        self.export_button.clicked.connect(self.choose_export)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_SCALE)
        self.progress.setAccessibleName(self.tr("Export progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the export (Escape); nothing is written"))
        self.cancel_button.clicked.connect(self.cancel_export)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addWidget(self.progress, 1)
        export_row.addWidget(self.cancel_button)
        # Takes the room only while the bar is hidden, so the button keeps its size.
        export_row.addStretch(0)
        self.export_result = plain_label()
        self.export_result.setObjectName("exportResult")
        self.export_result.setWordWrap(True)
        self.export_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        out_layout = QVBoxLayout(out_box)
        out_layout.addWidget(self.outgoing_label)
        out_layout.addLayout(export_row)
        out_layout.addWidget(self.export_result)

        receipt_box = QGroupBox(self.tr("Receipts from HQ"))
        self.receipt_button = QPushButton(self.tr("Import rece&ipt…"))
        self.receipt_button.clicked.connect(self.choose_receipt)
        self.purge_check = QCheckBox(
            self.tr("&Purge acknowledged originals and witness identities after a receipt")
        )
        self.purge_check.setToolTip(
            self.tr(
                "After a receipt, delete from this device the originals and the witnesses' "
                "names, contacts and communities HQ has confirmed it holds (you are asked "
                "first). The records stay."
            )
        )
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt_button)
        receipt_row.addWidget(self.purge_check)
        receipt_row.addStretch(1)
        self.purge_confirm = ConfirmBox()
        self.purge_confirm.setObjectName("confirmPurge")
        self.receipt_result = plain_label()
        self.receipt_result.setObjectName("receiptResult")
        self.receipt_result.setWordWrap(True)
        self.receipt_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        receipt_layout = QVBoxLayout(receipt_box)
        receipt_layout.addLayout(receipt_row)
        receipt_layout.addWidget(self.purge_confirm)
        receipt_layout.addWidget(self.receipt_result)

        layout = QVBoxLayout(self)
        layout.addWidget(enrol_box)
        layout.addWidget(out_box)
        layout.addWidget(receipt_box)
        layout.addStretch(1)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.escape)

    # --- vault --------------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        """Show `vault`'s sync state; None (locked) drops every value shown and any question."""
        self._vault = vault
        self._generation.advance()
        self._state = None
        if self._cancel is not None:
            self._cancel.set()  # a locked vault cannot finish the export: stop it
        self._cancel = None
        self.enrol_confirm.dismiss()
        self.purge_confirm.dismiss()
        for label in (
            self.enrolment_label,
            self.outgoing_label,
            self.enrol_result,
            self.export_result,
            self.receipt_result,
        ):
            set_message(label, "")
        self.purge_check.setChecked(False)
        self._end_progress()
        if vault is None:
            self.enrolment_label.setText(self.tr("Locked."))
        self._update_enabled()
        if vault is not None:
            self.refresh()

    def refresh(self) -> None:
        """Read enrolment and sync status again (after every change, and on unlock)."""
        vault = self._vault
        if vault is None:
            return

        def work() -> FieldState:
            info = vault.device
            if info.role != "field":
                return FieldState(info.code, info.fingerprint, info.role, None, None)
            return FieldState(
                info.code,
                info.fingerprint,
                info.role,
                enrollment.field_enrollment(vault),
                fieldsync.sync_status(vault),
            )

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, FieldState)
            self._state = result
            self._show_state(result)
            self._update_enabled()
            self.refreshed.emit()

        self._runner.submit(work, done, self._generation.current(self._failed))

    @property
    def state(self) -> FieldState | None:
        return self._state

    def _show_state(self, state: FieldState) -> None:
        if state.role != "field":
            self.enrolment_label.setText(
                self.tr(
                    "This is an HQ vault: it receives bundles (Inbox and Devices tabs) and "
                    "does not send any."
                )
            )
            self.outgoing_label.clear()
            return
        enrolled = state.enrolled
        if enrolled is None:
            self.enrolment_label.setText(
                self.tr(
                    "Not enrolled with HQ: this device cannot send bundles yet. Write an "
                    "enrolment request for HQ and read them this device's code {code} and "
                    "fingerprint {fingerprint} by phone or in person."
                ).format(code=state.device_code, fingerprint=state.device_fingerprint)
            )
        else:
            self.enrolment_label.setText(
                self.tr(
                    "Enrolled with HQ {origin} (root fingerprint {root}) as device {code}; "
                    "recipient list version {version}."
                ).format(
                    origin=enrolled.hq_origin,
                    root=enrolled.root_fingerprint,
                    code=state.device_code,
                    version=enrolled.recipients.version,
                )
            )
        status = state.status
        if status is None:
            self.outgoing_label.clear()
            return
        lines = [
            self.tr("Last bundle: {seq}.").format(
                seq=self._seq_at(status.last_seq, status.last_export_at)
            )
            if status.last_seq
            else self.tr("No bundle exported yet."),
            self.tr("Last receipt from HQ: {seq}.").format(
                seq=self._seq_at(status.last_receipt_seq, status.last_receipt_at)
            )
            if status.last_receipt_seq
            else self.tr("No receipt from HQ yet."),
        ]
        if status.unacknowledged:
            lines.append(
                self.tr("Sent but not yet acknowledged: {seqs}.").format(
                    seqs=", ".join(str(s) for s in status.unacknowledged)
                )
            )
        lines.append(
            self.tr(
                "The next bundle carries {records} record versions, {log} audit-log entries "
                "and {blobs} evidence originals."
            ).format(
                records=f"{status.pending_records:,}",
                log=f"{status.pending_log_entries:,}",
                blobs=f"{status.pending_blobs:,}",
            )
        )
        if status.acknowledged_blobs:
            lines.append(
                self.tr(
                    "HQ holds {acked} originals of this device; {purged} of them purged here."
                ).format(acked=f"{status.acknowledged_blobs:,}", purged=f"{status.purged_blobs:,}")
            )
        self.outgoing_label.setText("\n".join(lines))

    def _seq_at(self, seq: int, at: str | None) -> str:
        if not at:
            return str(seq)
        return self.tr("seq {seq} ({at} UTC)").format(seq=seq, at=format_time(at))

    # --- enrolment ----------------------------------------------------------------------------
    def write_request(self) -> None:
        """Save this device's signed enrolment request where the analyst chooses."""
        vault = self._vault
        if vault is None:
            return
        suggested = Path.home() / f"enrolment-request-{vault.device.code}.txt"
        path = self.dialogs.save_file(self, self.tr("Save the enrolment request"), suggested)
        if path is None:
            return

        def work() -> Path:
            write_new_text(path, enrollment.enrollment_request(vault))
            return path

        @self._generation.current
        def done(_result: Any) -> None:
            set_message(
                self.enrol_result,
                self.tr(
                    "Enrolment request written to {path}. Give it to HQ, and read them the "
                    "device code {code} and fingerprint {fingerprint} by phone or in person."
                ).format(path=path, code=vault.device.code, fingerprint=vault.device.fingerprint),
                "ok",
            )

        self._runner.submit(work, done, self._generation.current(self._failed))

    def choose_enrolment(self) -> None:
        """Pick HQ's certificate and recipient list, then ask to confirm HQ's root fingerprint."""
        if self._vault is None:
            return
        certificate = self.dialogs.open_file(
            self, self.tr("Open the device certificate from HQ"), self.tr("All files (*)")
        )
        if certificate is None:
            return
        recipients = self.dialogs.open_file(
            self, self.tr("Open the recipient list from HQ"), self.tr("All files (*)")
        )
        if recipients is None:
            return

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, HqOffer)
            self._ask_accept(result)

        self._runner.submit(
            lambda: read_offer(certificate, recipients),
            done,
            self._generation.current(self._failed),
        )

    def _ask_accept(self, offer: HqOffer) -> None:
        self.enrol_confirm.ask(
            self.tr(
                "HQ {origin} (recipient list version {version}) has the root fingerprint:\n\n"
                "{root}\n\nCompare it with HQ by phone or in person, character by character. "
                "Accept only if it matches: from now on this device trusts this key alone for "
                "certificates, recipient lists and receipts."
            ).format(origin=offer.origin, version=offer.version, root=offer.root_fingerprint),
            self.tr("&Yes, accept enrolment"),
            lambda: self.accept_offer(offer),
            self.tr("I &compared this fingerprint with HQ and it matches"),
        )

    def accept_offer(self, offer: HqOffer) -> None:
        """Pin HQ's keys (called after the fingerprint was confirmed)."""
        vault = self._vault
        if vault is None:
            return

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, enrollment.FieldEnrollment)
            set_message(
                self.enrol_result,
                self.tr("Enrolled with HQ {origin}.").format(origin=result.hq_origin),
                "ok",
            )
            self.enrolled.emit()
            self.refresh()

        self._runner.submit(
            # expect_hq: the key pinned is the very one the person just confirmed.
            lambda: enrollment.accept_enrollment(
                vault,
                offer.certificate_text,
                offer.recipients_text,
                expect_hq=offer.root_fingerprint,
            ),
            done,
            self._generation.current(self._failed),
        )

    def update_recipients(self) -> None:
        """Accept a newer recipient list signed by the pinned HQ root."""
        vault = self._vault
        if vault is None:
            return
        path = self.dialogs.open_file(
            self, self.tr("Open the new recipient list from HQ"), self.tr("All files (*)")
        )
        if path is None:
            return

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, statements.RecipientList)
            set_message(
                self.enrol_result,
                self.tr("Recipient list version {version} accepted.").format(
                    version=result.version
                ),
                "ok",
            )
            self.refresh()

        self._runner.submit(
            lambda: enrollment.accept_recipients(vault, read_statement(path)),
            done,
            self._generation.current(self._failed),
        )

    # --- export -------------------------------------------------------------------------------
    def choose_export(self) -> None:
        vault = self._vault
        if vault is None:
            return
        folder = self.dialogs.folder(
            self, self.tr("Folder to write the bundle to"), vault.path / "outbox"
        )
        if folder is not None:
            self.export_to(folder)

    def export_to(self, folder: Path) -> None:
        """Write one bundle into `folder`, with progress and Cancel."""
        vault = self._vault
        if vault is None or self._cancel is not None:
            return
        cancel = threading.Event()
        self._cancel = cancel
        set_message(self.export_result, self.tr("Exporting…"))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self._update_enabled()

        def work(progress: Progress, _task: Task) -> fieldsync.ExportResult:
            return fieldsync.export_bundle(vault, folder, progress, cancel.is_set)

        @self._generation.current
        def progressed(done: int, total: int) -> None:
            value = (
                PROGRESS_SCALE
                if total <= 0
                else min(done * PROGRESS_SCALE // total, PROGRESS_SCALE)
            )
            self.progress.setValue(value)
            self.export_progress.emit(value, PROGRESS_SCALE)

        @self._generation.current
        def finished(result: Any) -> None:
            assert isinstance(result, fieldsync.ExportResult)
            self._cancel = None
            self._end_progress()
            set_message(
                self.export_result,
                self.tr(
                    "Bundle {seq} written: {path} ({size}; {records} record versions, {log} "
                    "audit-log entries, {blobs} evidence originals). Carry it to HQ."
                ).format(
                    seq=result.seq,
                    path=result.path,
                    size=format_bytes(result.size),
                    records=f"{result.records:,}",
                    log=f"{result.log_entries:,}",
                    blobs=f"{result.blobs:,}",
                ),
                "ok",
            )
            self._update_enabled()
            self.export_finished.emit(result)
            self.refresh()

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._cancel = None
            self._end_progress()
            self._update_enabled()
            if isinstance(exc, fieldsync.ExportCancelled | CancelledError):
                set_message(
                    self.export_result, self.tr("Export cancelled; nothing was written."), "warn"
                )
                self.export_finished.emit(None)
                return
            set_message(self.export_result, message_for(exc)[1], "error")
            show_error(self, exc)

        submit_with_progress(self._runner, work, finished, failed, on_progress=progressed)

    def cancel_export(self) -> None:
        """Stop the export at its next chunk; the partial file is deleted by the store."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            set_message(self.export_result, self.tr("Cancelling…"))

    @property
    def exporting(self) -> bool:
        return self._cancel is not None

    # --- receipts and purge -------------------------------------------------------------------
    def choose_receipt(self) -> None:
        if self._vault is None:
            return
        path = self.dialogs.open_file(
            self, self.tr("Open a receipt from HQ"), self.tr("Receipts (*.chmr);;All files (*)")
        )
        if path is not None:
            self.import_receipt(path)

    def import_receipt(self, path: Path) -> None:
        """Import one receipt; with the purge box ticked, then offer the purge."""
        vault = self._vault
        if vault is None:
            return
        purge = self.purge_check.isChecked()

        def work() -> tuple[receipt_policy.ReceiptOutcome, fieldsync.SyncStatus]:
            # The vault's purge-after-receipt policy (issue 6) purges here, without asking.
            outcome = receipt_policy.import_receipt(vault, read_statement(path))
            return outcome, fieldsync.sync_status(vault)

        @self._generation.current
        def done(result: Any) -> None:
            outcome, status = result
            assert isinstance(outcome, receipt_policy.ReceiptOutcome)
            assert isinstance(status, fieldsync.SyncStatus)
            receipt = outcome.receipt
            if receipt.duplicate:
                text = self.tr(
                    "The receipt for bundle {seq} was imported before; nothing changed."
                ).format(seq=receipt.seq)
            else:
                text = self.tr(
                    "Receipt imported: HQ ({hq}) acknowledged bundle {seq} and everything "
                    "before it at {time} UTC; {blobs} evidence originals are now held at HQ."
                ).format(
                    hq=receipt.hq,
                    seq=receipt.seq,
                    time=format_time(receipt.time),
                    blobs=f"{receipt.blobs_acknowledged:,}",
                )
            if outcome.purge is not None:
                text += "\n" + self.tr(
                    "This vault's security policy purges after every receipt: {blobs} evidence "
                    "originals ({size}) and the witness identities in {identities} versions were "
                    "deleted from this device."
                ).format(
                    blobs=f"{outcome.purge.blobs:,}",
                    size=format_bytes(outcome.purge.bytes),
                    identities=f"{outcome.purge.identities:,}",
                )
            set_message(self.receipt_result, text, "ok")
            self.receipt_imported.emit(receipt)
            if outcome.purge is not None:
                self.purged.emit(outcome.purge)
            self.refresh()
            if purge and outcome.purge is None:
                self._ask_purge(
                    status.acknowledged_blobs - status.purged_blobs, status.purgeable_identities
                )

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _ask_purge(self, count: int, identities: int) -> None:
        if count <= 0 and identities <= 0:
            self.receipt_result.setText(
                self.receipt_result.text()
                + "\n"
                + self.tr(
                    "No acknowledged originals or witness identities are left on this device "
                    "to purge."
                )
            )
            return
        self.purge_confirm.ask(
            self.tr(
                "Delete from this device the {count} evidence originals and the witness "
                "identities (names, contacts, communities in {identities} versions) HQ has "
                "acknowledged? This cannot be undone here: the records stay, but what is "
                "deleted will exist only at HQ."
            ).format(count=f"{count:,}", identities=f"{identities:,}"),
            self.tr("&Yes, purge"),
            self.purge,
        )

    def purge(self) -> None:
        """Delete the acknowledged originals (called after the confirmation)."""
        vault = self._vault
        if vault is None:
            return

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, fieldsync.PurgeResult)
            set_message(
                self.receipt_result,
                self.tr(
                    "Purged {blobs} evidence originals ({size}), {thumbs} thumbnails and the "
                    "witness identities in {identities} versions from this device."
                ).format(
                    blobs=f"{result.blobs:,}",
                    size=format_bytes(result.bytes),
                    thumbs=f"{result.thumbnails:,}",
                    identities=f"{result.identities:,}",
                ),
                "ok",
            )
            self.purged.emit(result)
            self.refresh()

        self._runner.submit(
            lambda: fieldsync.purge_acknowledged(vault),
            done,
            self._generation.current(self._failed),
        )

    # --- internals ----------------------------------------------------------------------------
    def escape(self) -> None:
        """Escape cancels a running export, else closes an open question."""
        if self._cancel is not None:
            self.cancel_export()
        else:
            self.enrol_confirm.dismiss()
            self.purge_confirm.dismiss()

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _end_progress(self) -> None:
        self.progress.reset()
        self.progress.hide()
        self.cancel_button.hide()

    def _update_enabled(self) -> None:
        state = self._state
        field = self._vault is not None and state is not None and state.role == "field"
        is_enrolled = field and state is not None and state.enrolled is not None
        idle = self._cancel is None
        self.request_button.setEnabled(field)
        self.accept_button.setEnabled(field and not is_enrolled)
        self.recipients_button.setEnabled(is_enrolled)
        self.export_button.setEnabled(is_enrolled and idle)
        self.receipt_button.setEnabled(is_enrolled)
        self.purge_check.setEnabled(is_enrolled)
