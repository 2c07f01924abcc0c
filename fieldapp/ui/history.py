"""The history panel: every stored version of one record, and what each version changed.

Versions are append-only in the vault, so this panel only reads. The diff is computed on the GUI
side from two bodies (`diff_records`), shown in the editor's field names (`place.lat`,
`victims[0].name`); the whole version can be read as pretty JSON. Every value is shown as plain
text (table items and a plain-text viewer), never interpreted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.diff import Change, diff_records
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP
from fieldapp.ui.messages import show_error
from fieldapp.ui.register import select_row
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import plain_label, plain_tooltip

if TYPE_CHECKING:
    from fieldapp.store.vault import RecordVersion, Vault

VERSION_COLUMNS = (
    QT_TRANSLATE_NOOP("HistoryPanel", "Version"),
    QT_TRANSLATE_NOOP("HistoryPanel", "Time (UTC)"),
    QT_TRANSLATE_NOOP("HistoryPanel", "Author"),
    QT_TRANSLATE_NOOP("HistoryPanel", "Device"),
    QT_TRANSLATE_NOOP("HistoryPanel", "Reason"),
    QT_TRANSLATE_NOOP("HistoryPanel", "Deleted"),
)
DIFF_COLUMNS = (
    QT_TRANSLATE_NOOP("HistoryPanel", "Field"),
    QT_TRANSLATE_NOOP("HistoryPanel", "Old"),
    QT_TRANSLATE_NOOP("HistoryPanel", "New"),
)
LONG_VALUE = 60


@dataclass(frozen=True)
class _Loaded:
    record_id: str
    versions: list[RecordVersion]
    device_codes: dict[str, str]


def format_value(value: Any) -> str:
    """One cell of the diff: text as typed, groups and lists as compact JSON, absence as —."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def version_json(version: RecordVersion) -> str:
    """The whole version (metadata and body) as indented JSON, for reading, not for hashing."""
    data = {
        "record_id": version.record_id,
        "kind": version.kind,
        "version": version.version,
        "author": version.author,
        "device_id": version.device_id,
        "at": version.at,
        "reason": version.reason,
        "deleted": version.deleted,
        "sha256": version.sha256,
        "body": version.body,
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2)


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if len(text) > LONG_VALUE or "\n" in text:
        item.setToolTip(plain_tooltip(text))  # the whole value, shown literally
    return item


class HistoryPanel(QWidget):
    """Versions of one record (newest first) and the diff of the selected one."""

    loaded = Signal(str)  # record id, once its versions are shown

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._record_id = ""
        self._versions: list[RecordVersion] = []
        self._devices: dict[str, str] = {}

        self.heading = plain_label(self.tr("No record selected."), self)
        self.versions = QTableWidget(0, len(VERSION_COLUMNS), self)
        self.versions.setHorizontalHeaderLabels([self.tr(c) for c in VERSION_COLUMNS])
        self.versions.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.versions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions.verticalHeader().setVisible(False)
        self.versions.setAccessibleName(self.tr("versions"))
        self.versions.itemSelectionChanged.connect(self._on_selected)

        self.changes = QTableWidget(0, len(DIFF_COLUMNS), self)
        self.changes.setHorizontalHeaderLabels([self.tr(c) for c in DIFF_COLUMNS])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.verticalHeader().setVisible(False)
        self.changes.setWordWrap(False)
        header = self.changes.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.changes.setAccessibleName(self.tr("changes in the selected version"))

        self.json_view = QPlainTextEdit(self)
        self.json_view.setReadOnly(True)
        self.json_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.json_view.setAccessibleName(self.tr("whole version as JSON"))

        self.detail = QTabWidget(self)
        self.detail.addTab(self.changes, self.tr("Changes from previous version"))
        self.detail.addTab(self.json_view, self.tr("Whole version (JSON)"))

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.versions)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)

    # ------------------------------------------------------------------ public API
    def set_vault(self, vault: Vault | None) -> None:
        """Attach the vault, or drop it (lock): every shown value is cleared."""
        self._vault = vault
        self.show_record(None)

    def show_record(self, record_id: str | None) -> None:
        """Load and show the history of `record_id`; None clears the panel."""
        self._generation.advance()
        self._clear()
        if record_id is None or self._vault is None:
            self.heading.setText(self.tr("No record selected."))
            return
        vault = self._vault
        self.heading.setText(self.tr("Loading history…"))

        def work() -> _Loaded:
            versions = vault.history(record_id)
            # Versions name the device by id; the short code is what people recognise.
            codes = {vault.device.device_id: vault.device.code}
            return _Loaded(record_id, versions, codes)

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, _Loaded)
            self._show(result)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self.heading.setText(self.tr("History could not be loaded."))
            show_error(self, exc)

        self._runner.submit(work, done, failed)

    def version_count(self) -> int:
        return len(self._versions)

    def select_version(self, version: int) -> None:
        """Select the row of version number `version` (1 = first)."""
        for row in range(self.versions.rowCount()):
            item = self.versions.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == version:
                select_row(self.versions, row)
                return
        raise KeyError(version)

    def current_changes(self) -> list[Change]:
        """The changes shown for the selected version."""
        version = self._selected()
        return [] if version is None else self._changes_for(version)

    # ------------------------------------------------------------------ internals
    def _clear(self) -> None:
        self._record_id = ""
        self._versions = []
        self._devices = {}
        self.versions.setRowCount(0)
        self.changes.setRowCount(0)
        self.json_view.clear()

    def _show(self, loaded: _Loaded) -> None:
        self._record_id = loaded.record_id
        self._versions = sorted(loaded.versions, key=lambda v: v.version)
        self._devices = loaded.device_codes
        count = len(self._versions)
        self.heading.setText(self.tr("%n version(s), newest first.", "", count))
        self.versions.setRowCount(count)
        for row, version in enumerate(reversed(self._versions)):
            device = self._devices.get(version.device_id, version.device_id[:8])
            cells = (
                str(version.version),
                version.at,
                version.author,
                device,
                version.reason,
                "deleted" if version.deleted else "",
            )
            for col, text in enumerate(cells):
                item = _item(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, version.version)
                self.versions.setItem(row, col, item)
        self.versions.resizeColumnsToContents()
        # The reason is the free text worth the spare width.
        self.versions.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        if count:
            select_row(self.versions, 0)
        self.loaded.emit(loaded.record_id)

    def _selected(self) -> RecordVersion | None:
        rows = {i.row() for i in self.versions.selectedIndexes()}
        if not rows:
            return None
        item = self.versions.item(min(rows), 0)
        if item is None:
            return None
        number = item.data(Qt.ItemDataRole.UserRole)
        return next((v for v in self._versions if v.version == number), None)

    def _changes_for(self, version: RecordVersion) -> list[Change]:
        index = self._versions.index(version)
        previous = self._versions[index - 1].body if index > 0 else None
        # A tombstone has an empty body: every field reads as removed.
        return diff_records(previous, None if version.deleted else version.body)

    def _on_selected(self) -> None:
        version = self._selected()
        self.changes.setRowCount(0)
        if version is None:
            self.json_view.clear()
            return
        changes = self._changes_for(version)
        self.changes.setRowCount(len(changes))
        for row, change in enumerate(changes):
            self.changes.setItem(row, 0, _item(change.path))
            self.changes.setItem(row, 1, _item(format_value(change.old)))
            self.changes.setItem(row, 2, _item(format_value(change.new)))
        self.json_view.setPlainText(version_json(version))
