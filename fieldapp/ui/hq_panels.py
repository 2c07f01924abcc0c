"""HQ's sync tabs: the "Inbox" (import bundles, see every file received) and "Devices".

What a bundle may change is decided by `sync.hqimport` alone; the inbox only feeds it
files and reports, one line per bundle, what became of each: imported, duplicate, held for a
missing seq, or refused with the reason the store gave. Enrolment and revocation go through
`sync.enrollment`; the tab shows the request's fingerprint and asks the operator to
confirm it was compared with the analyst out of band before anything is signed.

Everything shown comes from field devices (file names, analyst pseudonyms, reasons quoting
them), so it is shown as plain text only.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from fieldapp.store.device import fingerprint
from fieldapp.store.vault import Vault
from fieldapp.ui.messages import message_for, show_error
from fieldapp.ui.register import format_time, isolate, select_row
from fieldapp.ui.sync_panel import (
    ConfirmBox,
    FileDialogs,
    StatementFileError,
    read_statement,
    set_message,
    write_new_text,
)
from fieldapp.ui.tables import read_only_table, text_cell
from fieldapp.ui.tasks import Generation, Progress, Runner, Task, submit_with_progress
from fieldapp.ui.widgets import plain_label
from sync import enrollment, hqimport
from sync.statements import EnrollmentRequest

BUNDLE_SUFFIX = ".chmb"
# The stages hqimport reports for one bundle, in order: each is one step of the progress bar.
STAGES = ("copying into the inbox", "decrypting", "checking", "storing originals", "importing")


def _cell(text: str) -> QTableWidgetItem:
    return text_cell(text)


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for col, value in enumerate(values):
            table.setItem(row, col, _cell(value))


def _table(headers: Sequence[str], parent: QWidget) -> QTableWidget:
    return read_only_table(headers, parent)


def is_hq(vault: Vault | None) -> bool:
    return vault is not None and vault.device.role == "hq"


# --- inbox ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BundleOutcome:
    """What became of one file picked for import, in words, and where its receipt went."""

    file_name: str
    # imported, duplicate, held, rejected (kept in the inbox), not received (never copied
    # in: missing, too large, disk full), or cancelled (stays in the inbox as "received")
    status: str
    text: str
    receipt_path: Path | None = None


@dataclass(frozen=True)
class InboxBatch:
    outcomes: tuple[BundleOutcome, ...]
    cancelled: bool


def describe(report: hqimport.ImportReport) -> list[BundleOutcome]:
    """One outcome per bundle: this one, then each held bundle it let in."""
    text = report.summary()
    if report.receipt_path is not None:
        text += f"; receipt written to {report.receipt_path}"
    for warning in report.warnings:
        text += f"\n    warning: {warning}"
    outcomes = [BundleOutcome(report.file_name, report.status, text, report.receipt_path)]
    for retried in report.retried:
        for outcome in describe(retried):
            outcomes.append(
                BundleOutcome(
                    outcome.file_name,
                    outcome.status,
                    f"{outcome.file_name} (held before): {outcome.text}",
                    outcome.receipt_path,
                )
            )
    return outcomes


def import_files(
    vault: Vault, paths: Sequence[Path], progress: Progress, cancel: threading.Event
) -> InboxBatch:
    """Import `paths` one by one (runs in the task runner, off the GUI thread).

    Each bundle is all or nothing in the store, so a cancel stops between stages without
    leaving anything half-imported; the bundle being imported stays in the inbox as received.
    """
    outcomes: list[BundleOutcome] = []
    total = len(paths) * len(STAGES)
    for index, path in enumerate(paths):
        if cancel.is_set():
            return InboxBatch(tuple(outcomes), True)
        base = index * len(STAGES)

        def stage(name: str, base: int = base) -> None:
            step = STAGES.index(name) if name in STAGES else 0
            progress(base + step, total)

        try:
            report = hqimport.import_bundle(vault, path, progress=stage, cancel=cancel.is_set)
        except hqimport.ImportCancelled:
            outcomes.append(
                BundleOutcome(
                    path.name,
                    "cancelled",
                    f"{path.name}: cancelled; it stays in the inbox as received and can be "
                    "imported again",
                )
            )
            return InboxBatch(tuple(outcomes), True)
        except (FieldappError, OSError) as exc:
            outcomes.append(
                BundleOutcome(
                    path.name, "not received", f"{path.name}: not received: {message_for(exc)[1]}"
                )
            )
        else:
            outcomes.extend(describe(report))
    progress(total, total)
    return InboxBatch(tuple(outcomes), False)


@dataclass(frozen=True)
class InboxView:
    rows: tuple[hqimport.InboxRow, ...]
    codes: dict[str, str]  # device id -> device code


class InboxPanel(QWidget):
    """HQ role: import bundles (picked or dropped), then every file received, newest first."""

    refreshed = Signal()
    import_progress = Signal(int, int)  # (stage steps done, total)
    import_finished = Signal(object)  # InboxBatch
    imported = Signal()  # something may have changed: the Devices tab refreshes on it

    HEADERS = ("Received (UTC)", "Status", "Device", "Seq", "File", "Report")

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxPanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._cancel: threading.Event | None = None
        self.rows: tuple[hqimport.InboxRow, ...] = ()
        self.dialogs = FileDialogs()
        self.setAcceptDrops(True)

        self.import_button = QPushButton(self.tr("&Import bundles…"))
        self.import_button.clicked.connect(self.choose_bundles)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(
            self.tr("Stop before the next step (Escape); no bundle is half-imported")
        )
        self.cancel_button.clicked.connect(self.cancel_import)
        self.status = self._label("inboxStatus")
        bar = QHBoxLayout()
        bar.addWidget(self.import_button)
        bar.addWidget(self._label("", self.tr("or drop .chmb files here")))
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        bar.addStretch(0)  # takes the room only while the bar is hidden
        self.results = QPlainTextEdit()
        self.results.setObjectName("importResults")
        self.results.setReadOnly(True)
        self.results.setMaximumHeight(140)
        self.results.setPlaceholderText(self.tr("One line per bundle after an import."))
        self.table = _table([self.tr(h) for h in self.HEADERS], self)
        self.table.setObjectName("inboxTable")
        for col, width in enumerate((130, 90, 80, 50, 200)):
            self.table.setColumnWidth(col, width)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        layout.addWidget(self.table, 1)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_import)
        self.set_vault(None)

    def _label(self, name: str, text: str = "") -> QLabel:
        label = plain_label(text)
        if name:
            label.setObjectName(name)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def set_vault(self, vault: Vault | None) -> None:
        """Show `vault`'s inbox; None (locked) drops the rows and the last results."""
        self._vault = vault
        self._generation.advance()
        if self._cancel is not None:
            self._cancel.set()
        self._cancel = None
        self.rows = ()
        self.table.setRowCount(0)
        self.results.clear()
        set_message(self.status, "")
        self._end_progress()
        if vault is None:
            self.status.setText(self.tr("Locked."))
        elif not is_hq(vault):
            self.status.setText(self.tr("This is a field vault: it has no inbox."))
        self._update_enabled()
        if is_hq(vault):
            self.refresh()

    def refresh(self) -> None:
        vault = self._vault
        if not is_hq(vault):
            return
        assert vault is not None

        def work() -> InboxView:
            codes = {d.device_id: d.code for d in hqimport.devices(vault)}
            return InboxView(tuple(hqimport.inbox(vault)), codes)

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, InboxView)
            self.rows = result.rows
            _fill(
                self.table,
                [
                    (
                        format_time(r.received_at),
                        r.status,
                        result.codes.get(r.device_id or "", "—"),
                        "" if r.seq is None else str(r.seq),
                        r.file_name,
                        r.report,
                    )
                    for r in result.rows
                ],
            )
            self.refreshed.emit()

        self._runner.submit(work, done, self._generation.current(self._failed))

    def choose_bundles(self) -> None:
        if not is_hq(self._vault):
            return
        paths = self.dialogs.open_files(
            self, self.tr("Import bundles"), self.tr("Bundles (*.chmb);;All files (*)")
        )
        if paths:
            self.import_paths(paths)

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import the files in order, with progress and Cancel; one result line each."""
        vault = self._vault
        if not is_hq(vault) or self._cancel is not None or not paths:
            return
        assert vault is not None
        cancel = threading.Event()
        self._cancel = cancel
        chosen = list(paths)
        self.results.clear()
        self.progress.setRange(0, len(chosen) * len(STAGES))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        set_message(self.status, self.tr("Importing…"))
        self._update_enabled()

        def work(progress: Progress, _task: Task) -> InboxBatch:
            return import_files(vault, chosen, progress, cancel)

        @self._generation.current
        def progressed(done: int, total: int) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            if done < total:
                index, step = divmod(done, len(STAGES))
                self.status.setText(
                    self.tr("Bundle {n} of {count}: {stage}…").format(
                        n=index + 1, count=len(chosen), stage=STAGES[step]
                    )
                )
            self.import_progress.emit(done, total)

        @self._generation.current
        def finished(result: Any) -> None:
            assert isinstance(result, InboxBatch)
            self._cancel = None
            self._end_progress()
            self.results.setPlainText("\n".join(o.text for o in result.outcomes))
            counts: dict[str, int] = {}
            for outcome in result.outcomes:
                counts[outcome.status] = counts.get(outcome.status, 0) + 1
            summary = ", ".join(f"{n} {status}" for status, n in counts.items()) or "nothing"
            if result.cancelled:
                set_message(
                    self.status, self.tr("Import cancelled: {s}.").format(s=summary), "warn"
                )
            else:
                kind = "error" if counts.get("rejected") or counts.get("not received") else "ok"
                set_message(self.status, self.tr("Import finished: {s}.").format(s=summary), kind)
            self._update_enabled()
            self.refresh()
            self.import_finished.emit(result)
            self.imported.emit()

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._cancel = None
            self._end_progress()
            set_message(self.status, message_for(exc)[1], "error")
            self._update_enabled()
            self.refresh()
            self.imported.emit()
            show_error(self, exc)

        submit_with_progress(self._runner, work, finished, failed, on_progress=progressed)

    def cancel_import(self) -> None:
        """Stop at the next stage; a bundle is never half-imported."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("Cancelling…"))

    @property
    def importing(self) -> bool:
        return self._cancel is not None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)
        else:
            event.ignore()

    def _dropped(self, urls: Sequence[Any]) -> list[Path]:
        """The dropped bundles, or nothing if anything else is among them (say so)."""
        if not urls or not self.import_button.isEnabled():
            return []
        if all(u.isLocalFile() and u.toLocalFile().endswith(BUNDLE_SUFFIX) for u in urls):
            return [Path(u.toLocalFile()) for u in urls]
        return []

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _end_progress(self) -> None:
        self.progress.reset()
        self.progress.hide()
        self.cancel_button.hide()

    def _update_enabled(self) -> None:
        self.import_button.setEnabled(is_hq(self._vault) and self._cancel is None)


# --- devices --------------------------------------------------------------------------------------
def device_state_text(device: hqimport.DeviceState) -> str:
    """active / frozen (reason) / revoked after seq N, both when both apply."""
    parts = []
    if device.frozen:
        parts.append(f"frozen ({device.frozen_reason})" if device.frozen_reason else "frozen")
    if device.revoked:
        parts.append(f"revoked after seq {device.trusted_up_to}")
    return "; ".join(parts) or "active"


def held_text(device: hqimport.DeviceState) -> str:
    if not device.held_seqs:
        return "none"
    text = "held " + ", ".join(str(s) for s in device.held_seqs)
    if device.missing is not None:
        low, high = device.missing
        text += f"; missing {low}" if low == high else f"; missing {low}–{high}"
    return text


@dataclass(frozen=True)
class EnrolmentOffer:
    request_text: str
    request: EnrollmentRequest


class DevicesPanel(QWidget):
    """HQ role: the enrolled devices; enrol, revoke, export the recipient list."""

    refreshed = Signal()
    enrolled = Signal(object)  # (certificate path, recipient list path)
    revoked = Signal(str)  # device id

    HEADERS = ("Device", "Analyst", "Last seq", "Last receipt", "Held / gaps", "State")

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("devicesPanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self.devices: tuple[hqimport.DeviceState, ...] = ()
        self.dialogs = FileDialogs()

        self.enrol_button = QPushButton(self.tr("&Enrol device…"))
        self.enrol_button.clicked.connect(self.choose_request)
        self.revoke_button = QPushButton(self.tr("Re&voke…"))
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.recipients_button = QPushButton(self.tr("Export recipient &list…"))
        self.recipients_button.clicked.connect(self.export_recipients)
        bar = QHBoxLayout()
        for button in (self.enrol_button, self.revoke_button, self.recipients_button):
            bar.addWidget(button)
        bar.addStretch(1)
        self.status = plain_label()
        self.status.setObjectName("devicesStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm = ConfirmBox()
        self.confirm.setObjectName("devicesConfirm")
        self.after_seq = QSpinBox()
        self.after_seq.setObjectName("revokeAfterSeq")
        self.after_seq.setRange(0, 2**31 - 1)
        self.after_seq.setPrefix(self.tr("trust bundles up to seq "))
        self.after_seq.setAccessibleName(self.tr("Trust bundles up to seq"))
        self.after_seq.hide()
        self.confirm.extra.addWidget(self.after_seq)
        self.confirm.extra.addStretch(1)
        self.table = _table([self.tr(h) for h in self.HEADERS], self)
        self.table.setObjectName("devicesTable")
        for col, width in enumerate((80, 160, 70, 130, 150)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._update_enabled)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.confirm)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.confirm.dismiss)
        self.confirm.answered.connect(lambda _yes: self.after_seq.hide())
        self.set_vault(None)

    def set_vault(self, vault: Vault | None) -> None:
        """Show `vault`'s devices; None (locked) drops the rows and any open question."""
        self._vault = vault
        self._generation.advance()
        self.devices = ()
        self.table.setRowCount(0)
        self.confirm.dismiss()
        self.after_seq.hide()
        set_message(self.status, "")
        if vault is None:
            self.status.setText(self.tr("Locked."))
        elif not is_hq(vault):
            self.status.setText(self.tr("This is a field vault: devices are enrolled at HQ."))
        self._update_enabled()
        if is_hq(vault):
            self.refresh()

    def refresh(self) -> None:
        vault = self._vault
        if not is_hq(vault):
            return
        assert vault is not None

        @self._generation.current
        def done(result: Any) -> None:
            self.devices = tuple(result)
            _fill(
                self.table,
                [
                    (
                        d.code,
                        d.analyst,
                        str(d.last_seq),
                        format_time(d.last_receipt_at) if d.last_receipt_at else "—",
                        held_text(d),
                        device_state_text(d),
                    )
                    for d in self.devices
                ],
            )
            self._update_enabled()
            self.refreshed.emit()

        self._runner.submit(
            lambda: hqimport.devices(vault), done, self._generation.current(self._failed)
        )

    def selected(self) -> hqimport.DeviceState | None:
        row = self.table.currentRow()
        rows = {i.row() for i in self.table.selectedItems()}
        if row in rows and 0 <= row < len(self.devices):
            return self.devices[row]
        return None

    def select(self, code: str) -> None:
        for row, device in enumerate(self.devices):
            if device.code == code:
                select_row(self.table, row)
                return

    # --- enrol ------------------------------------------------------------------------------
    def choose_request(self) -> None:
        """Pick a request file and show its fingerprint for the out-of-band comparison."""
        if not is_hq(self._vault):
            return
        path = self.dialogs.open_file(
            self, self.tr("Open an enrolment request"), self.tr("All files (*)")
        )
        if path is None:
            return

        def work() -> EnrolmentOffer:
            text = read_statement(path)
            return EnrolmentOffer(text, enrollment.read_request(text))

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, EnrolmentOffer)
            self._ask_enrol(result)

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _ask_enrol(self, offer: EnrolmentOffer) -> None:
        request = offer.request
        self.after_seq.hide()
        self.confirm.ask(
            self.tr(
                "Enrolment request from analyst {analyst}, device code {code}.\n\n"
                "Fingerprint:\n{fingerprint}\n\nCompare the code and fingerprint with the "
                "analyst's device by phone or in person, not through the channel that brought "
                "this file. Enrol only if they match."
            ).format(
                analyst=isolate(request.analyst),
                code=request.code,
                fingerprint=fingerprint(request.public_key),
            ),
            self.tr("&Yes, enrol and save the certificate…"),
            lambda: self.enrol(offer),
            self.tr("I &compared the code and fingerprint with the analyst and they match"),
        )

    def enrol(self, offer: EnrolmentOffer) -> None:
        """Sign the certificate and save it with the current recipient list next to it."""
        vault = self._vault
        if not is_hq(vault):
            return
        assert vault is not None
        code = offer.request.code
        cert_path = self.dialogs.save_file(
            self,
            self.tr("Save the device certificate"),
            vault.path / "outbox" / f"certificate-{code}.txt",
        )
        if cert_path is None:
            set_message(self.status, self.tr("Not enrolled: no file was chosen."), "warn")
            return
        list_path = cert_path.with_name(f"{cert_path.stem}-recipients.txt")

        def work() -> tuple[Path, Path, str]:
            for path in (cert_path, list_path):
                if path.exists():  # checked before anything is signed
                    raise StatementFileError(
                        f"{path} exists already; choose a new file name. Nothing was signed."
                    )
            _, certificate = enrollment.issue_certificate(vault, offer.request_text)
            keys = enrollment.load_hq_keys(vault)
            write_new_text(cert_path, certificate)
            write_new_text(list_path, keys.recipients_note)
            return cert_path, list_path, enrollment.root_fingerprint(keys.recipients)

        @self._generation.current
        def done(result: Any) -> None:
            cert, listing, root = result
            set_message(
                self.status,
                self.tr(
                    "Device {code} enrolled. Give the analyst both files: the certificate "
                    "{cert} and the recipient list {listing}, and read them HQ's root "
                    "fingerprint {root}."
                ).format(code=code, cert=cert, listing=listing, root=root),
                "ok",
            )
            self.enrolled.emit((cert, listing))
            self.refresh()

        self._runner.submit(work, done, self._generation.current(self._failed))

    # --- revoke -----------------------------------------------------------------------------
    def ask_revoke(self) -> None:
        device = self.selected()
        if device is None:
            return
        self.after_seq.setValue(device.last_seq)
        self.after_seq.show()
        self.confirm.ask(
            self.tr(
                "Revoke device {code} (analyst {analyst})? HQ will refuse every bundle of "
                "this device after the seq below ({last} is the last imported). Trust only "
                "ever narrows: this cannot be undone."
            ).format(code=device.code, analyst=isolate(device.analyst), last=device.last_seq),
            self.tr("&Yes, revoke the device"),
            lambda: self.revoke(device.device_id, self.after_seq.value()),
        )
        self.after_seq.setFocus()

    def revoke(self, device_id: str, after_seq: int) -> None:
        vault = self._vault
        if not is_hq(vault):
            return
        assert vault is not None

        @self._generation.current
        def done(_result: Any) -> None:
            code = next((d.code for d in self.devices if d.device_id == device_id), device_id)
            set_message(
                self.status,
                self.tr("Device {code} revoked: its bundles after seq {seq} are refused.").format(
                    code=code, seq=after_seq
                ),
                "ok",
            )
            self.revoked.emit(device_id)
            self.refresh()

        self._runner.submit(
            lambda: enrollment.revoke(vault, device_id, after_seq),
            done,
            self._generation.current(self._failed),
        )

    # --- recipient list ---------------------------------------------------------------------
    def export_recipients(self) -> None:
        """Save HQ's current signed recipient list (for devices to update theirs)."""
        vault = self._vault
        if not is_hq(vault):
            return
        assert vault is not None
        path = self.dialogs.save_file(
            self, self.tr("Save the recipient list"), vault.path / "outbox" / "recipients.txt"
        )
        if path is None:
            return

        def work() -> int:
            vault.forbid_review("export HQ's recipient list")
            keys = enrollment.load_hq_keys(vault)
            write_new_text(path, keys.recipients_note)
            return keys.recipients.version

        @self._generation.current
        def done(result: Any) -> None:
            set_message(
                self.status,
                self.tr("Recipient list version {version} written to {path}.").format(
                    version=result, path=path
                ),
                "ok",
            )

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _failed(self, exc: BaseException) -> None:
        set_message(self.status, message_for(exc)[1], "error")
        show_error(self, exc)

    def _update_enabled(self) -> None:
        hq = is_hq(self._vault)
        self.enrol_button.setEnabled(hq)
        self.recipients_button.setEnabled(hq)
        self.revoke_button.setEnabled(hq and self.selected() is not None)
