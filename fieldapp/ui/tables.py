"""The read-only tables of the review and sync screens: one look, one behaviour.

Every cell is text from the vault or from a file someone sent, so it is shown as plain text
(`isolate`, never rich text), its whole value is the tooltip (a long reason is cut in the
cell), and it keeps its order in a right-to-left interface (`left_to_right`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from fieldapp.ui.register import isolate, left_to_right
from fieldapp.ui.widgets import plain_tooltip


def read_only_table(headers: Sequence[str], parent: QWidget, name: str = "") -> QTableWidget:
    """A table of whole rows, one selected at a time, no editing, columns the user can resize."""
    table = QTableWidget(0, len(headers), parent)
    if name:
        table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def text_cell(text: str, tooltip: str = "", *, numeric: bool = False) -> QTableWidgetItem:
    """A read-only cell showing `text` as plain text; numbers are right-aligned."""
    item = QTableWidgetItem(left_to_right(isolate(text)))
    item.setToolTip(plain_tooltip(tooltip or text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if numeric:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item
