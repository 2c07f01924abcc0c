"""The "Provenance" dialog of a record or an evidence item, with "Verify".

Shows what `fieldapp.review.provenance.record_provenance` found (device, analyst, capture and
ingest time, each version with the bundle, receipt and log entries behind it) and runs
`verify_record` off the GUI thread on request, one row per check with a pass or fail icon and
its detail. "Copy report" puts both as plain text on the clipboard (through the app's
`ClipboardGuard`, so a lock clears it). Everything shown was written by field devices (analyst
pseudonyms, reasons, file names): plain text only, never HTML.

Keyboard: Alt+V (or F5) verifies, Ctrl+Shift+C copies the report, Ctrl+Tab / Ctrl+Shift+Tab
or Alt+1..4 switch tabs, Escape closes (and cancels a running verification).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from fieldapp.review.provenance import (
    Provenance,
    VerifyResult,
    provenance_text,
    record_provenance,
    verify_record,
    verify_text,
)
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.messages import message_for
from fieldapp.ui.register import format_time, isolate
from fieldapp.ui.sync_panel import set_message
from fieldapp.ui.tables import read_only_table, text_cell
from fieldapp.ui.tasks import Generation, Progress, Runner, Task, submit_with_progress
from fieldapp.ui.widgets import plain_label


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    return text_cell(text, tooltip)


def _table(headers: Sequence[str], name: str, parent: QWidget) -> QTableWidget:
    return read_only_table(headers, parent, name)


def _short(digest: str) -> str:
    return f"{digest[:16]}…" if len(digest) > 16 else digest


class ProvenanceDialog(QDialog):
    """Provenance of one record or evidence item in `vault`; "Verify" recomputes it.

    Non-modal: open it with `show()`. `set_vault(None)` (the app locking) drops everything
    shown and closes the dialog.
    """

    loaded = Signal(object)  # Provenance
    verified = Signal(object)  # VerifyResult
    failed = Signal(str)  # the message shown

    def __init__(
        self,
        vault: Vault,
        record_id: str,
        runner: Runner,
        clipboard: ClipboardGuard | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("provenanceDialog")
        self.setWindowTitle(self.tr("Provenance"))
        self.resize(980, 640)
        self._vault: Vault | None = vault
        self._own_log = self.tr("HQ") if vault.device.role == "hq" else self.tr("this vault")
        self._record_id = record_id
        self._runner = runner
        self._clipboard = clipboard
        self._generation = Generation()
        self._task: Task | None = None
        self.provenance: Provenance | None = None
        self._label = ""  # reference code and title, for an incident
        self.verification: VerifyResult | None = None

        self.heading = plain_label("")
        self.heading.setObjectName("provenanceHeading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QWidget(self)
        form = QFormLayout(self.summary)
        self._summary_form = form
        self._fields: dict[str, QLabel] = {}
        for key, title in (  # with colons, like every other form of the app
            ("device", self.tr("Device:")),
            ("analyst", self.tr("Analyst:")),
            ("capture", self.tr("Capture time:")),
            ("ingest", self.tr("Ingest time:")),
            ("original", self.tr("Original:")),
            ("origin", self.tr("Origin:")),
        ):
            value = plain_label("")
            value.setObjectName(f"provenance_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, value)
            self._fields[key] = value

        self.versions = _table(
            [
                self.tr("Version"),
                self.tr("Seq"),
                self.tr("Time (UTC)"),
                self.tr("Author"),
                self.tr("Reason"),
                self.tr("SHA-256"),
                self.tr("Bundle"),
                self.tr("Bundle file"),
                self.tr("Imported (UTC)"),
                self.tr("Receipt"),
                self.tr("Device log entry"),
                self.tr("Vault log entry"),
            ],
            "provenanceVersions",
            self,
        )
        self.entries = _table(
            [
                self.tr("Log"),
                self.tr("Index"),
                self.tr("Time (UTC)"),
                self.tr("Type"),
                self.tr("Leaf hash"),
                self.tr("Entry"),
            ],
            "provenanceLogEntries",
            self,
        )
        self.checks = _table(
            [self.tr("Result"), self.tr("Check"), self.tr("Detail")], "provenanceChecks", self
        )
        self.checks.setColumnWidth(0, 80)
        self.checks.setColumnWidth(1, 300)
        self.checks.currentCellChanged.connect(self._show_check_detail)
        # The whole detail of the selected check (a cell shows only its start).
        self.check_detail = plain_label("")
        self.check_detail.setObjectName("provenanceCheckDetail")
        self.check_detail.setWordWrap(True)
        self.check_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        verification = QWidget(self)
        box = QVBoxLayout(verification)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.checks, 1)
        box.addWidget(self.check_detail)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("provenanceTabs")
        self.tabs.addTab(self.summary, self.tr("&1 Summary"))
        self.tabs.addTab(self.versions, self.tr("&2 Versions"))
        self.tabs.addTab(self.entries, self.tr("&3 Log entries"))
        self.tabs.addTab(verification, self.tr("&4 Verification"))

        self.status = plain_label("")
        self.status.setObjectName("provenanceStatus")
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setAccessibleName(self.tr("Verification progress"))
        self.progress.hide()
        self.verify_button = QPushButton(self.tr("&Verify"))
        self.verify_button.setObjectName("provenanceVerify")
        self.verify_button.setToolTip(
            self.tr(
                "Recompute every hash, log proof and signature behind this record (F5); "
                "the run is recorded in the audit log"
            )
        )
        self.verify_button.clicked.connect(self.verify)
        self.copy_button = QPushButton(self.tr("&Copy report"))
        self.copy_button.setObjectName("provenanceCopy")
        self.copy_button.setToolTip(
            self.tr("Copy the provenance and checks as text (Ctrl+Shift+C)")
        )
        self.copy_button.clicked.connect(self.copy_report)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        for keys, slot in (
            (QKeySequence(Qt.Key.Key_F5), self.verify),
            (QKeySequence("Ctrl+Shift+C"), self.copy_report),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.activated.connect(slot)
        self._update_enabled()
        self.load()

    # --- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        """Read the provenance (off the GUI thread) and fill the form and tables."""
        vault = self._vault
        if vault is None:
            return
        record_id = self._record_id
        self.heading.setText(self.tr("Record {id}").format(id=record_id))
        set_message(self.status, self.tr("Reading the provenance…"))

        def work() -> tuple[Provenance, str]:
            found = record_provenance(vault, record_id)
            return found, _record_label(vault, found)

        @self._generation.current
        def done(loaded: Any) -> None:
            result, label = loaded
            assert isinstance(result, Provenance)
            self._label = label
            self._show(result)
            set_message(self.status, "")
            self._update_enabled()
            self.loaded.emit(result)

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _show(self, p: Provenance) -> None:
        self.provenance = p
        kind = {
            "incident": self.tr("Incident"),
            "observation": self.tr("Observation"),
            "witness": self.tr("Witness"),
            "statement": self.tr("Statement"),
            "evidence": self.tr("Evidence item"),
            "assessment": self.tr("Assessment"),
        }.get(p.kind, p.kind)
        if self._label:
            # Analysts know an incident by its reference and title; the id is for the CLI.
            self.heading.setText(
                self.tr("{kind} {label}   (id {id})").format(
                    kind=kind, label=self._label, id=p.record_id
                )
            )
        else:
            self.heading.setText(self.tr("{kind} {id}").format(kind=kind, id=p.record_id))
        self.setWindowTitle(self.tr("Provenance — {kind}").format(kind=kind))
        f = self._fields
        f["device"].setText(f"{p.device_code} ({p.device_id})")
        f["analyst"].setText(p.analyst)
        capture = p.capture_time or self.tr("unknown")
        if p.capture_source == "exif":
            capture = self.tr("{time} (EXIF)").format(time=capture)
        elif p.capture_source:
            capture = self.tr("{time} (first version)").format(time=capture)
        f["capture"].setText(capture)
        f["ingest"].setText(p.ingest_time or "—")
        if p.evidence_sha256:
            size = "" if p.evidence_size is None else f", {p.evidence_size:,} B"
            f["original"].setText(f"{p.original_name}{size}\n{p.evidence_sha256}")
        else:
            f["original"].setText("—")
        # An import time and an original file belong to evidence; for a record they were two
        # rows of dashes.
        for key in ("ingest", "original"):
            self._summary_form.setRowVisible(f[key], p.kind == "evidence")
        if p.local:
            origin = self.tr("Made on this vault: no bundle brought it.")
        else:
            origin = self.tr("Imported in bundle(s) {seqs}.").format(
                seqs=", ".join(str(b.seq) for b in p.bundles) or "—"
            )
        f["origin"].setText("\n".join([origin, *p.notes]))

        bundles = {(b.device_id, b.seq): b for b in p.bundles}
        self.versions.setRowCount(0)
        for v in p.versions:
            b = bundles.get((v.device_id, v.bundle_seq or -1))
            receipt = b.receipt if b is not None else None
            values = (
                (str(v.version) + (" †" if v.deleted else ""), ""),
                (str(v.seq), ""),
                (format_time(v.at), v.at),
                (v.author, ""),
                (v.reason, ""),
                (_short(v.sha256), v.sha256),
                ("—" if v.bundle_seq is None else str(v.bundle_seq), ""),
                ("—" if b is None else _short(b.file_sha256), "" if b is None else b.file_name),
                ("—" if b is None else format_time(b.imported_at), ""),
                (
                    "—" if receipt is None else f"{receipt.seq} · {format_time(receipt.time)}",
                    "" if receipt is None else receipt.sha256,
                ),
                ("—" if v.device_entry is None else str(v.device_entry.index), ""),
                ("—" if v.vault_entry is None else str(v.vault_entry.index), ""),
            )
            row = self.versions.rowCount()
            self.versions.insertRow(row)
            for col, (text, tip) in enumerate(values):
                self.versions.setItem(row, col, _cell(text, tip))
        self.versions.resizeColumnsToContents()

        self.entries.setRowCount(0)
        for e in p.log_entries:
            log = (
                self.tr("device {code}").format(code=p.device_code)
                if e.log == "device"
                else self._own_log
            )
            row = self.entries.rowCount()
            self.entries.insertRow(row)
            values2 = (
                (log, e.device_id),
                (str(e.index), ""),
                (format_time(e.at), e.at),
                (e.type, ""),
                (_short(e.leaf_hash), e.leaf_hash),
                (e.summary, ""),
            )
            for col, (text, tip) in enumerate(values2):
                self.entries.setItem(row, col, _cell(text, tip))
        self.entries.resizeColumnsToContents()

    # --- verify -------------------------------------------------------------------------------
    def verify(self) -> None:
        """Run `verify_record` off the GUI thread, with progress; Escape cancels."""
        vault = self._vault
        if vault is None or self._task is not None:
            return
        record_id = self._record_id
        self.checks.setRowCount(0)
        self.verification = None
        self.progress.setRange(0, 0)
        self.progress.show()
        set_message(self.status, self.tr("Verifying…"))
        self.tabs.setCurrentIndex(3)

        def work(progress: Progress, _task: Task) -> VerifyResult:
            return verify_record(vault, record_id, progress)

        @self._generation.current
        def progressed(done: int, total: int) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

        @self._generation.current
        def finished(result: Any) -> None:
            assert isinstance(result, VerifyResult)
            self._task = None
            self.progress.hide()
            self._show_checks(result)
            self._update_enabled()
            self.verified.emit(result)

        def failed(exc: BaseException) -> None:
            self._task = None
            self.progress.hide()
            self._update_enabled()
            self._failed(exc)

        task = submit_with_progress(
            self._runner, work, finished, self._generation.current(failed), on_progress=progressed
        )
        # An inline runner has already finished (and cleared the running task) by now.
        self._task = None if task.done else task
        self._update_enabled()

    def _show_checks(self, result: VerifyResult) -> None:
        self.verification = result
        style = self.style()
        passed = style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
        failed = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        self.checks.setRowCount(0)
        for check in result.checks:
            row = self.checks.rowCount()
            self.checks.insertRow(row)
            mark = _cell(self.tr("Pass") if check.ok else self.tr("FAIL"))
            mark.setIcon(QIcon(passed if check.ok else failed))
            cells = (mark, _cell(check.name), _cell(check.detail))
            for col, cell in enumerate(cells):
                if not check.ok:
                    cell.setForeground(QBrush(QColor(theme.colour("error"))))
                self.checks.setItem(row, col, cell)
        failing = [row for row, check in enumerate(result.checks) if not check.ok]
        if result.checks:
            self.checks.setCurrentCell(failing[0] if failing else 0, 1)
        count = len(result.failures)
        if count:
            set_message(
                self.status,
                self.tr("{n} of {total} checks failed: see the red rows.").format(
                    n=count, total=len(result.checks)
                ),
                "error",
            )
        else:
            set_message(
                self.status,
                self.tr("All {total} checks passed.").format(total=len(result.checks)),
                "ok",
            )

    def _show_check_detail(self, row: int, *_: int) -> None:
        result = self.verification
        if result is None or not 0 <= row < len(result.checks):
            self.check_detail.clear()
            return
        check = result.checks[row]
        verdict = self.tr("Pass") if check.ok else self.tr("FAIL")
        self.check_detail.setText(f"{verdict} · {check.name}: {check.detail}")

    # --- copy, lock, close ----------------------------------------------------------------------
    def report(self) -> str:
        """The plain-text report: the provenance, then the last verification (if any)."""
        parts = []
        if self.provenance is not None:
            parts.append(provenance_text(self.provenance))
        if self.verification is not None:
            parts.append(verify_text(self.verification))
        return "\n\n".join(parts)

    def copy_report(self) -> None:
        text = self.report()
        if not text:
            return
        if self._clipboard is not None:
            self._clipboard.copy(text)
        else:
            QGuiApplication.clipboard().setText(text)
        set_message(self.status, self.tr("Report copied to the clipboard."), "ok")

    def set_vault(self, vault: Vault | None) -> None:
        """None (the app locked): drop what is shown, cancel a verification, and close."""
        if vault is not None:
            return
        self._vault = None
        self._generation.advance()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.provenance = None
        self.verification = None
        for table in (self.versions, self.entries, self.checks):
            table.setRowCount(0)
        for label in (*self._fields.values(), self.check_detail):
            label.clear()
        self.heading.clear()
        self._update_enabled()
        self.close()

    def reject(self) -> None:
        """Escape or Close: a running verification is cancelled (nothing is logged then)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._generation.advance()
        super().reject()

    def _failed(self, exc: BaseException) -> None:
        text = message_for(exc)[1]
        set_message(self.status, text, "error")
        self.failed.emit(text)

    def _update_enabled(self) -> None:
        ready = self._vault is not None and self.provenance is not None
        self.verify_button.setEnabled(ready and self._task is None)
        self.copy_button.setEnabled(self.provenance is not None)


def _record_label(vault: Vault, p: Provenance) -> str:
    """An incident's reference code and title (runs on the worker, with the provenance)."""
    if p.kind != "incident":
        return ""
    try:
        incident, _ = vault.get_incident(p.record_id)
    except FieldappError:  # deleted (a tombstone) or purged: the id is all there is
        return ""
    return f"{incident.ref_code}  {isolate(incident.title)}"


def open_provenance(
    parent: QWidget | None,
    vault: Vault,
    record_id: str,
    runner: Runner,
    clipboard: ClipboardGuard | None = None,
) -> ProvenanceDialog:
    """Show a non-modal Provenance dialog (deleted when closed) and return it."""
    dialog = ProvenanceDialog(vault, record_id, runner, clipboard, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def lock_all(window: QWidget) -> None:
    """On lock: every open Provenance dialog under `window` drops what it shows and closes."""
    for dialog in window.findChildren(ProvenanceDialog):
        dialog.set_vault(None)
