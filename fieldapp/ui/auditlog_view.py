"""Audit-log tab: the Merkle log's entries, newest first, and a background "Verify log".

Verification recomputes every leaf and checkpoint, which takes a while on a big log, so it runs
through the runner and the result is shown in place, in words, with each problem listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.store.vault import AuditEntry, LogReport, Vault
from fieldapp.ui import theme
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP, format_count
from fieldapp.ui.messages import message_for, show_error
from fieldapp.ui.register import format_time, isolate
from fieldapp.ui.tasks import Generation, Runner

PAGE_SIZE = 200

ModelIndex = QModelIndex | QPersistentModelIndex

_HEADERS = (
    "#",
    QT_TRANSLATE_NOOP("AuditEntryModel", "Time (UTC)"),
    QT_TRANSLATE_NOOP("AuditEntryModel", "Kind"),
    QT_TRANSLATE_NOOP("AuditEntryModel", "Summary"),
    QT_TRANSLATE_NOOP("AuditEntryModel", "Leaf hash"),
)


class AuditEntryModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: list[AuditEntry] = []

    def set_entries(self, entries: Sequence[AuditEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry_at(self, row: int) -> AuditEntry:
        return self._entries[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(_HEADERS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                str(entry.index),
                format_time(entry.at),
                entry.kind,
                isolate(entry.summary),
                entry.leaf_hash[:16] + "…",
            )[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 4:
                return entry.leaf_hash
            if col == 3:
                return isolate(entry.summary)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AuditLogView(QWidget):
    verified = Signal(object)  # LogReport, after a verification finished
    refreshed = Signal(int)  # log size, after a page was loaded

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditLog")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._offset = 0
        self._size = 0
        self.last_report: LogReport | None = None

        self.model = AuditEntryModel(self)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for i, width in enumerate((60, 130, 150, 420, 160)):
            header.resizeSection(i, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.newer_button = QPushButton(self.tr("◀ N&ewer"))
        self.older_button = QPushButton(self.tr("O&lder ▶"))
        self.newer_button.clicked.connect(self.newer_page)
        self.older_button.clicked.connect(self.older_page)
        self.page_label = QLabel()
        self.page_label.setObjectName("auditPage")

        self.verify_button = QPushButton(self.tr("Verif&y log"))
        self.verify_button.setObjectName("verifyLog")
        self.verify_button.setToolTip(
            self.tr("Recompute every entry and checkpoint of the tamper-evident log")
        )
        self.verify_button.clicked.connect(self.verify)
        self.verify_busy = QProgressBar()
        self.verify_busy.setRange(0, 0)
        self.verify_busy.setMaximumWidth(120)
        self.verify_busy.setTextVisible(False)
        self.verify_busy.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("verifyResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        paging = QHBoxLayout()
        paging.addWidget(self.newer_button)
        paging.addWidget(self.older_button)
        paging.addWidget(self.page_label, 1)
        paging.addWidget(self.verify_busy)
        paging.addWidget(self.verify_button)

        layout = QVBoxLayout(self)
        layout.addLayout(paging)
        layout.addWidget(self.result_label)
        layout.addWidget(self.table, 1)
        self._update_paging()

    def set_vault(self, vault: Vault | None) -> None:
        self._vault = vault
        self._generation.advance()
        self._offset = 0
        self._size = 0
        self.last_report = None
        self.model.set_entries([])
        self.result_label.clear()
        self.verify_busy.hide()
        self.verify_button.setEnabled(vault is not None)
        self._update_paging()
        if vault is not None:
            self.refresh()

    def refresh(self) -> None:
        vault = self._vault
        if vault is None:
            return
        self._generation.advance()
        offset = self._offset

        def work() -> tuple[list[AuditEntry], int]:
            return vault.audit_entries(offset=offset, limit=PAGE_SIZE), vault.log_size()

        @self._generation.current
        def done(result: tuple[list[AuditEntry], int]) -> None:
            entries, size = result
            self._size = size
            self.model.set_entries(entries)
            self._update_paging()
            self.refreshed.emit(size)

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def newer_page(self) -> None:
        if self._offset > 0:
            self._offset = max(0, self._offset - PAGE_SIZE)
            self.refresh()

    def older_page(self) -> None:
        if self._offset + PAGE_SIZE < self._size:
            self._offset += PAGE_SIZE
            self.refresh()

    def _update_paging(self) -> None:
        self.newer_button.setEnabled(self._offset > 0)
        self.older_button.setEnabled(self._offset + PAGE_SIZE < self._size)
        if self._vault is None:
            self.page_label.setText(self.tr("Locked"))
        elif self._size == 0:
            self.page_label.setText(self.tr("The log is empty"))
        else:
            last = min(self._offset + PAGE_SIZE, self._size)
            self.page_label.setText(
                self.tr("Entries {first}–{last} of {size}, newest first").format(
                    first=format_count(self._offset + 1),
                    last=format_count(last),
                    size=format_count(self._size),
                )
            )

    def verify(self) -> None:
        vault = self._vault
        if vault is None:
            return
        self.verify_button.setEnabled(False)
        self.verify_busy.show()
        self.result_label.setText(self.tr("Verifying the log…"))
        self.result_label.setStyleSheet("")

        @self._generation.current
        def done(report: LogReport) -> None:
            self.verify_busy.hide()
            self.verify_button.setEnabled(True)
            self.show_report(report)
            self.verified.emit(report)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self.verify_busy.hide()
            self.verify_button.setEnabled(True)
            title, text = message_for(exc)
            self.result_label.setText(
                self.tr("{title}: {message}").format(title=title, message=text)
            )
            self.result_label.setStyleSheet(f"color: {theme.colour('error')};")

        self._runner.submit(vault.verify_log, done, failed)

    def show_report(self, report: LogReport) -> None:
        self.last_report = report
        if report.ok:
            self.result_label.setText(
                self.tr(
                    "✓ Log verified: {size} entries and {checkpoints} signed checkpoints "
                    "recomputed, no problems."
                ).format(
                    size=format_count(report.size), checkpoints=format_count(report.checkpoints)
                )
            )
            self.result_label.setStyleSheet(f"color: {theme.colour('ok')};")
        else:
            lines = "\n".join(f"• {p}" for p in report.problems)
            self.result_label.setText(
                self.tr("✗ Log verification FAILED ({count} problems):").format(
                    count=len(report.problems)
                )
                + "\n"
                + lines
            )
            self.result_label.setStyleSheet(f"color: {theme.colour('error')};")
