"""The incident register: filter bar, a sortable table over `IncidentRow`s, and a count.

Every query runs in the background through the runner; the store does the filtering, sorting
(FTS5 for text) and paging, so the model never holds more than the pages the user scrolled to.
Results of a query that was overtaken by a newer one, or that arrive after a lock, are dropped
by a generation counter, so a slow search can never repaint decrypted rows into a locked window.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSignalBlocker,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.model import PUBLIC_CATEGORIES, WORKFLOW
from fieldapp.store.assessments import DeviceChoice
from fieldapp.store.vault import IncidentQuery, IncidentRow, Vault
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP, current_language, format_count
from fieldapp.ui.messages import show_error
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import vocab_label

PAGE_SIZE = 200
SEARCH_DEBOUNCE_MS = 300
_NO_DATE = QDate(1900, 1, 1)
# HQ's month filter takes effect once a whole month is typed (a half-typed one is no filter).
_MONTH_RE = QRegularExpression(r"^\d{4}-(0[1-9]|1[0-2])$")

_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

ModelIndex = QModelIndex | QPersistentModelIndex


def label_for(code: str) -> str:
    """A readable label for a vocabulary code: "under_assessment" -> "Under assessment",
    in the interface language (the editor's labels, so both views name a code alike)."""
    return vocab_label(code) if code else ""


def select_row(table: QAbstractItemView, row: int) -> None:
    """Make `row` the current, selected row of `table`, right to left as well.

    `QTableView.selectRow` picks the column under the view's far edge in a right-to-left
    layout; when the columns do not fill the view there is none, and nothing is selected
    (Arabic users' register, release and candidate lists stayed unselected).
    """
    model = table.model()
    if model is None or not 0 <= row < model.rowCount():
        return
    table.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    table.scrollTo(model.index(row, 0))


def isolate(text: str) -> str:
    """Wrap text holding bidi controls in an isolate, so it cannot reorder the rest of the row."""
    if any(ch in _BIDI_CONTROLS for ch in text):
        return "\u2068" + text + "\u2069"
    return text


def left_to_right(text: str) -> str:
    """Keep a left-to-right value (English reasons, codes, "1 day apart") in order in a
    right-to-left interface.

    An item is painted in the layout's direction, and Qt does not honour the isolate
    `isolate` adds, so a leading number or a trailing quote of an English sentence landed on
    the wrong side ("day apart … 1"). Marks on both sides make its ends strong. Nothing changes
    in a left-to-right interface or for text that starts right to left.
    """
    if QGuiApplication.layoutDirection() != Qt.LayoutDirection.RightToLeft:
        return text
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "\u200e" + text + "\u200e"
        if kind in ("R", "AL"):
            return text
    return text


def format_range(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return ""
    if low is None:
        return f"≤{high}"
    if high is None:
        return f"≥{low}"
    return str(low) if low == high else f"{low}–{high}"


def format_time(iso: str) -> str:
    """'2026-03-14T08:30:00Z' -> '2026-03-14 08:30' (the register column is narrow)."""
    if len(iso) >= 16 and iso[10] == "T":
        return iso[:10] + " " + iso[11:16]
    return iso


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    order_by: str | None  # the IncidentQuery.order_by it sorts by, or None if not sortable
    numeric: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("ref_code", QT_TRANSLATE_NOOP("IncidentTableModel", "Reference"), "ref_code"),
    Column("title", QT_TRANSLATE_NOOP("IncidentTableModel", "Title"), "title"),
    Column("start", QT_TRANSLATE_NOOP("IncidentTableModel", "Start (UTC)"), "start"),
    Column("workflow", QT_TRANSLATE_NOOP("IncidentTableModel", "Workflow"), "workflow"),
    Column(
        "public_category",
        QT_TRANSLATE_NOOP("IncidentTableModel", "Public category"),
        "public_category",
    ),
    Column("harm_types", QT_TRANSLATE_NOOP("IncidentTableModel", "Harm"), None),
    Column("killed", QT_TRANSLATE_NOOP("IncidentTableModel", "Killed"), "killed_max", numeric=True),
    Column("injured", QT_TRANSLATE_NOOP("IncidentTableModel", "Injured"), None, numeric=True),
    Column("place", QT_TRANSLATE_NOOP("IncidentTableModel", "Place"), None),
    Column("updated_at", QT_TRANSLATE_NOOP("IncidentTableModel", "Updated (UTC)"), "updated_at"),
)
SORT_COLUMN = {c.order_by: i for i, c in enumerate(COLUMNS) if c.order_by}


class IncidentTableModel(QAbstractTableModel):
    """List-backed model: `set_rows()` replaces everything, `append_rows()` adds a page.

    Sorting and further pages are requested from the panel through signals, because only the
    store can sort and page 100k encrypted rows efficiently.
    """

    sort_requested = Signal(str, bool)  # order_by, descending
    more_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[IncidentRow] = []
        self._total = 0
        self._fetching = False
        self._harm_labels: dict[str, str] = {}

    # --- content ---------------------------------------------------------------------------
    def set_harm_labels(self, labels: dict[str, str]) -> None:
        self._harm_labels = dict(labels)

    def set_rows(self, rows: Sequence[IncidentRow], total: int | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._total = len(self._rows) if total is None else max(total, len(self._rows))
        self._fetching = False
        self.endResetModel()

    def append_rows(self, rows: Sequence[IncidentRow]) -> None:
        self._fetching = False
        if not rows:
            # The store had fewer rows than counted (a delete in between): stop asking.
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def clear(self) -> None:
        """Drop every decrypted row (lock)."""
        self.set_rows([], 0)

    @property
    def total(self) -> int:
        return self._total

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> IncidentRow:
        return self._rows[row]

    def row_of(self, incident_id: str) -> int:
        for i, item in enumerate(self._rows):
            if item.id == incident_id:
                return i
        return -1

    # --- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section].title)
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column.key)
        if role == Qt.ItemDataRole.ToolTipRole and column.key in ("title", "place", "harm_types"):
            return self._display(item, column.key)
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, item: IncidentRow, key: str) -> str:
        if key == "title":
            return isolate(item.title)
        if key == "place":
            return isolate(item.place)
        if key == "start":
            return format_time(item.start)
        if key == "updated_at":
            return format_time(item.updated_at)
        if key in ("workflow", "public_category"):
            return label_for(str(getattr(item, key)))
        if key == "harm_types":
            return ", ".join(self._harm_labels.get(h, h) for h in item.harm_types)
        if key == "killed":
            return format_range(item.killed_min, item.killed_max)
        if key == "injured":
            return format_range(item.injured_min, item.injured_max)
        return str(getattr(item, key))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        order_by = COLUMNS[column].order_by
        if order_by is not None:
            self.sort_requested.emit(order_by, order == Qt.SortOrder.DescendingOrder)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: ModelIndex) -> None:
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_requested.emit()


class RegisterPanel(QWidget):
    """Filter bar + incident table + count label, over one vault (or none while locked)."""

    incident_selected = Signal(str)  # "" when the selection is cleared
    refreshed = Signal(int)  # total number of matching incidents, after each completed query

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("register")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._query = IncidentQuery(limit=PAGE_SIZE)
        self._selected_id = ""

        self.model = IncidentTableModel(self)
        self.model.sort_requested.connect(self._sort)
        self.model.more_requested.connect(self._fetch_more)

        # --- filter bar ---
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("registerSearch")
        self.search_edit.setPlaceholderText(self.tr("Search title, summary, place, sources…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip(self.tr("Full-text search (Ctrl+F); words match by prefix"))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.search_edit.returnPressed.connect(self._search_now)

        self.workflow_combo = self._combo(self.tr("Any status"), WORKFLOW)
        self.category_combo = self._combo(self.tr("Any category"), PUBLIC_CATEGORIES)
        self.harm_combo = QComboBox()
        self.harm_combo.addItem(self.tr("Any harm"), None)
        self._load_harm_types()
        self.harm_combo.currentIndexChanged.connect(self.refresh)
        self.date_from = self._date_edit(self.tr("from: any"))
        self.date_to = self._date_edit(self.tr("to: any"))
        self.reset_button = QPushButton(self.tr("Rese&t"))
        self.reset_button.setToolTip(self.tr("Clear every filter"))
        self.reset_button.clicked.connect(self.reset_filters)

        for widget, name in (
            (self.workflow_combo, self.tr("Filter by workflow status")),
            (self.category_combo, self.tr("Filter by public category")),
            (self.harm_combo, self.tr("Filter by harm type")),
            (self.date_from, self.tr("Incidents starting on or after this date")),
            (self.date_to, self.tr("Incidents starting on or before this date")),
        ):
            widget.setToolTip(name)
            widget.setAccessibleName(name)

        search_label = QLabel(self.tr("&Find:"))
        search_label.setBuddy(self.search_edit)
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search_edit, 1)
        filters = QHBoxLayout()
        filters.addWidget(self.workflow_combo)
        filters.addWidget(self.category_combo)
        filters.addWidget(self.harm_combo, 1)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        dates.addStretch(1)
        dates.addWidget(self.reset_button)

        # --- table ---
        self.table = QTableView()
        self.table.setObjectName("registerTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        widths = (165, 220, 120, 120, 110, 150, 64, 64, 110, 120)
        for i, width in enumerate(widths):
            header.resizeSection(i, width)
        header.setSortIndicatorShown(True)
        with QSignalBlocker(header):
            header.setSortIndicator(SORT_COLUMN["updated_at"], Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.count_label = QLabel()
        self.count_label.setObjectName("registerCount")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(dates)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self._focus_search)

        self.setTabOrder(self.search_edit, self.workflow_combo)
        self.setTabOrder(self.workflow_combo, self.category_combo)
        self.setTabOrder(self.category_combo, self.harm_combo)
        self.setTabOrder(self.harm_combo, self.date_from)
        self.setTabOrder(self.date_from, self.date_to)
        self.setTabOrder(self.date_to, self.reset_button)
        self.setTabOrder(self.reset_button, self.table)
        self._build_hq_filters(layout)
        self._show_count()

    # --- HQ's filters (issue 5): device, month, place; shown for HQ and review vaults ---------
    def _build_hq_filters(self, layout: QVBoxLayout) -> None:
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("registerDevice")
        self.device_combo.addItem(self.tr("Any device"), None)
        self.device_combo.currentIndexChanged.connect(self.refresh)
        self.month_edit = QLineEdit()
        self.month_edit.setObjectName("registerMonth")
        self.month_edit.setPlaceholderText(self.tr("YYYY-MM"))
        self.month_edit.setMaxLength(7)
        self.month_edit.setClearButtonEnabled(True)
        self.month_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.place_edit = QLineEdit()
        self.place_edit.setObjectName("registerPlace")
        self.place_edit.setPlaceholderText(self.tr("any part of the name"))
        self.place_edit.setMaxLength(200)
        self.place_edit.setClearButtonEnabled(True)
        self.place_edit.textChanged.connect(lambda _text: self._debounce.start())
        for widget, name in (
            (self.device_combo, self.tr("Filter by the device that recorded the incident")),
            (self.month_edit, self.tr("Incidents starting in this month (YYYY-MM)")),
            (self.place_edit, self.tr("Incidents whose place name contains this text")),
        ):
            widget.setToolTip(name)
            widget.setAccessibleName(name)
        self.hq_filters = QWidget()
        self.hq_filters.setObjectName("registerHqFilters")
        row = QHBoxLayout(self.hq_filters)
        row.setContentsMargins(0, 0, 0, 0)
        # Labelled, because a filled-in "2026-03" or "Tell" no longer shows its placeholder;
        # the letters (N, H, P) are the ones the window's tabs, menus and editor leave free.
        for text, widget, stretch in (
            (self.tr("Recorded o&n:"), self.device_combo, 1),
            (self.tr("Mont&h:"), self.month_edit, 0),
            (self.tr("&Place:"), self.place_edit, 1),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget, stretch)
        layout.insertWidget(layout.indexOf(self.table), self.hq_filters)
        self.hq_filters.hide()

    def _is_hq(self) -> bool:
        vault = self._vault
        return vault is not None and vault.role in ("hq", "review")

    def _show_hq_filters(self) -> None:
        """HQ and its reviewers filter by device, month and place; a field vault never sees it."""
        blockers = [
            QSignalBlocker(w) for w in (self.device_combo, self.month_edit, self.place_edit)
        ]
        while self.device_combo.count() > 1:
            self.device_combo.removeItem(1)
        self.device_combo.setCurrentIndex(0)
        self.month_edit.clear()
        self.place_edit.clear()
        del blockers
        vault = self._vault
        self.hq_filters.setVisible(self._is_hq())
        if vault is None or not self._is_hq():
            return
        # Into the tab chain only once shown: a field vault's chain stays exactly as it was.
        self.setTabOrder(self.date_to, self.device_combo)
        self.setTabOrder(self.device_combo, self.month_edit)
        self.setTabOrder(self.month_edit, self.place_edit)
        self.setTabOrder(self.place_edit, self.reset_button)

        def work() -> list[DeviceChoice]:
            from fieldapp.store import assessments

            with vault.reading() as conn:
                return assessments.devices(conn)

        # Not tied to the query generation: the first refresh() right after would drop it.
        def loaded(choices: list[DeviceChoice]) -> None:
            if self._vault is not vault:
                return  # locked or swapped since
            with QSignalBlocker(self.device_combo):
                for choice in choices:
                    self.device_combo.addItem(
                        f"{choice.code}  {isolate(choice.label)}", choice.device_id
                    )

        def failed(exc: BaseException) -> None:
            if self._vault is vault:
                show_error(self, exc)

        self._runner.submit(work, loaded, failed)

    def _hq_query(self, query: IncidentQuery) -> IncidentQuery:
        if not self._is_hq():
            return query
        month = self.month_edit.text().strip()
        return dataclasses.replace(
            query,
            device_id=self.device_combo.currentData(),
            month=month if _MONTH_RE.match(month).hasMatch() else None,
            place=self.place_edit.text().strip(),
            effective_category=True,
        )

    # --- construction helpers --------------------------------------------------------------
    def _combo(self, any_label: str, codes: Sequence[str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(any_label, None)
        for code in codes:
            combo.addItem(label_for(code), code)
        combo.currentIndexChanged.connect(self.refresh)
        return combo

    def _date_edit(self, empty_text: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setCalendarPopup(True)
        # QDateEdit cannot be empty; its minimum date shown as special text stands for "any".
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText(empty_text)
        edit.setDate(_NO_DATE)
        edit.dateChanged.connect(self.refresh)
        return edit

    def _load_harm_types(self) -> None:
        from fieldapp.reflists import bundled_reflists

        labels: dict[str, str] = {}
        for item in bundled_reflists().harm_types.items:
            label = item.label(current_language())
            labels[item.code] = label
            self.harm_combo.addItem(label, item.code)
        self.model.set_harm_labels(labels)

    # --- state -----------------------------------------------------------------------------
    @property
    def vault(self) -> Vault | None:
        return self._vault

    def set_vault(self, vault: Vault | None) -> None:
        """Hand in a freshly unlocked vault, or None to drop every decrypted row (lock)."""
        self._vault = vault
        self._generation.advance()  # anything still in flight belongs to the old vault
        self._debounce.stop()
        self._selected_id = ""
        self.model.clear()
        self._show_hq_filters()
        if vault is None:
            # Search text is case data too; the filter bar must not show it while locked.
            with QSignalBlocker(self.search_edit):
                self.search_edit.clear()
            self._show_count()
        else:
            self.refresh()

    def query(self) -> IncidentQuery:
        """The query the filter bar and the sort header describe (first page)."""

        def date(edit: QDateEdit) -> str | None:
            value = edit.date()
            return None if value == _NO_DATE else value.toString("yyyy-MM-dd")

        return self._hq_query(
            dataclasses.replace(
                self._query,
                text=self.search_edit.text().strip(),
                workflow=self.workflow_combo.currentData(),
                public_category=self.category_combo.currentData(),
                harm_type=self.harm_combo.currentData(),
                date_from=date(self.date_from),
                date_to=date(self.date_to),
                limit=PAGE_SIZE,
                offset=0,
            )
        )

    def reset_filters(self) -> None:
        blockers = [
            QSignalBlocker(w)
            for w in (
                self.search_edit,
                self.workflow_combo,
                self.category_combo,
                self.harm_combo,
                self.date_from,
                self.date_to,
                self.device_combo,
                self.month_edit,
                self.place_edit,
            )
        ]
        self.search_edit.clear()
        self.device_combo.setCurrentIndex(0)
        self.month_edit.clear()
        self.place_edit.clear()
        for combo in (self.workflow_combo, self.category_combo, self.harm_combo):
            combo.setCurrentIndex(0)
        self.date_from.setDate(_NO_DATE)
        self.date_to.setDate(_NO_DATE)
        del blockers
        self.refresh()

    # --- querying --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-run the current query from the first page; keeps the selection if still listed."""
        self._debounce.stop()
        vault = self._vault
        if vault is None:
            return
        self._generation.advance()
        query = self.query()
        self._query = query

        def work() -> tuple[list[IncidentRow], int]:
            return vault.query_incidents(query), vault.count_incidents(query)

        self._runner.submit(
            work, self._generation.current(self._loaded), self._generation.current(self._failed)
        )

    def _loaded(self, result: tuple[list[IncidentRow], int]) -> None:
        rows, total = result
        selected = self._selected_id
        self.model.set_rows(rows, total)
        self._show_count()
        if selected:
            row = self.model.row_of(selected)
            if row >= 0:
                with QSignalBlocker(self.table.selectionModel()):
                    select_row(self.table, row)
            else:
                # Filtered out: the editor keeps what it shows, the table just has no row for it.
                self._selected_id = ""
        self.refreshed.emit(total)

    def _fetch_more(self) -> None:
        vault = self._vault
        if vault is None:
            return
        query = dataclasses.replace(self._query, offset=self.model.loaded)

        def work() -> list[IncidentRow]:
            return vault.query_incidents(query)

        @self._generation.current
        def done(rows: list[IncidentRow]) -> None:
            self.model.append_rows(rows)
            self._show_count()

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _failed(self, exc: BaseException) -> None:
        # Only called while current: a query of a vault locked since has nothing to tell.
        self.model.clear()
        self._show_count()
        show_error(self, exc)

    def _sort(self, order_by: str, descending: bool) -> None:
        self._query = dataclasses.replace(self._query, order_by=order_by, descending=descending)
        self.refresh()

    def sort_by(self, order_by: str, descending: bool = True) -> None:
        """Sort like a click on the column header would (also moves the indicator)."""
        column = SORT_COLUMN[order_by]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.sortByColumn(column, order)

    def _search_now(self) -> None:
        self.refresh()

    def _focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _show_count(self) -> None:
        total = self.model.total
        if self._vault is None:
            self.count_label.setText(self.tr("Locked"))
        elif self.model.loaded < total:
            self.count_label.setText(
                self.tr("Showing {shown} of {total} incidents").format(
                    shown=format_count(self.model.loaded), total=format_count(total)
                )
            )
        elif total == 1:
            self.count_label.setText(self.tr("1 incident"))
        else:
            self.count_label.setText(self.tr("{total} incidents").format(total=format_count(total)))
        query = self._query
        if query.date_from and query.date_to and query.date_from > query.date_to:
            # Say why the list is empty instead of leaving the user to guess.
            self.count_label.setText(
                self.tr("No incidents: the “to” date is before the “from” date")
            )

    # --- selection -------------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        incident_id = self.model.row_at(current.row()).id if current.isValid() else ""
        if incident_id != self._selected_id:
            self._selected_id = incident_id
            self.incident_selected.emit(incident_id)

    def selected_id(self) -> str:
        return self._selected_id

    def select_incident(self, incident_id: str) -> bool:
        """Select the row of `incident_id` if it is loaded; True when it was found."""
        row = self.model.row_of(incident_id)
        if row < 0:
            return False
        select_row(self.table, row)
        return True

    def remember_selection(self, incident_id: str) -> None:
        """Select `incident_id` after the next refresh (a new incident gets its row then)."""
        self._selected_id = incident_id

    def clear_selection(self, notify: bool = False) -> None:
        with QSignalBlocker(self.table.selectionModel()):
            self.table.clearSelection()
            self.table.setCurrentIndex(QModelIndex())
        self._selected_id = ""
        if notify:
            self.incident_selected.emit("")

    def ids(self) -> list[str]:
        """Ids of the loaded rows, in display order (tests and keyboard navigation)."""
        return [self.model.row_at(i).id for i in range(self.model.loaded)]
