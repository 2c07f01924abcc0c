"""Deconfliction panel (issue 5 §4): import external datasets, then for an incident (or all of
them) the ranked external records that may describe it, with the reasons, and Accept / Reject.

Everything decided lives in `fieldapp.review.deconflict`; this panel only feeds it and shows
what it answers. External rows are someone else's text, so every cell is plain text (isolated
against bidi reordering), never HTML, and URLs are shown, not opened.

Keyboard: Ctrl+O choose a file, Ctrl+R preview, Ctrl+Shift+I import (Alt mnemonics on
every button as well), Ctrl+F to the incident field (Enter finds), Ctrl+Shift+F all
incidents, Ctrl+Return accept the selected candidate, Ctrl+Delete reject it. The Alt letters
(U, H for the two tabs; N F Y L P T on Sources; T N K F L E P J on Matches) avoid the main
window's tabs and menus (R O W M A C B D G S V I): a letter used twice only moves the focus,
or switches to the other tab, instead of pressing the button.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from fieldapp.review import deconflict
from fieldapp.store.vault import Vault
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP
from fieldapp.ui.messages import message_for, show_error
from fieldapp.ui.register import format_time, select_row
from fieldapp.ui.sync_panel import FileDialogs, set_message
from fieldapp.ui.tables import read_only_table, text_cell
from fieldapp.ui.tasks import Generation, Progress, Runner, Task, submit_with_progress
from fieldapp.ui.widgets import plain_label


def _cell(text: str, numeric: bool = False) -> QTableWidgetItem:
    return text_cell(text, numeric=numeric)


def _table(headers: Sequence[str], parent: QWidget) -> QTableWidget:
    return read_only_table(headers, parent)


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], numeric: int = -1) -> None:
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for col, value in enumerate(values):
            table.setItem(row, col, _cell(value, col == numeric))


def _fit_columns(table: QTableWidget, widest: int = 260) -> None:
    """Columns as wide as their text (headers included), none wider than `widest`; the last
    column keeps stretching over the rest, so nothing is cut off that need not be."""
    for col in range(table.columnCount() - 1):  # resizing the last would stop its stretch
        table.resizeColumnToContents(col)
        table.setColumnWidth(col, min(table.columnWidth(col), widest))


def _shortcut(parent: QWidget, keys: QKeySequence | str, slot: Any) -> QShortcut:
    shortcut = QShortcut(QKeySequence(keys), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


@dataclass(frozen=True)
class MatchView:
    """What the Matches tab shows after a search: one incident, or all of them (batch)."""

    incident_id: str  # "" for the batch
    heading: str
    links: tuple[deconflict.Link, ...]
    candidates: tuple[deconflict.Candidate, ...]
    ref_code: str = ""  # shown in the incident field instead of the id it was found by


class DeconflictPanel(QWidget):
    """Two tabs: "Sources" (import with a mapping and a preview) and "Matches"."""

    sources_changed = Signal()
    matches_shown = Signal()
    decided = Signal(str, str)  # ("accepted" | "rejected", incident id)

    # Marked for lupdate (a plain tuple of strings would never reach the catalogues);
    # `self.tr(h)` translates them in this class's context.
    SOURCE_HEADERS = (
        QT_TRANSLATE_NOOP("DeconflictPanel", "Source"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Records"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Mapping"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Updated (UTC)"),
    )
    PREVIEW_HEADERS = (
        QT_TRANSLATE_NOOP("DeconflictPanel", "Line"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Id"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Date"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Position"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Belligerent"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Munition"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Problem"),
    )
    MATCH_HEADERS = (
        QT_TRANSLATE_NOOP("DeconflictPanel", "Score"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Incident"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Source"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Id"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Date"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Place"),
        QT_TRANSLATE_NOOP("DeconflictPanel", "Reasons"),
    )

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deconflictPanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._file: Path | None = None
        self.dialogs = FileDialogs()
        self.sources: tuple[deconflict.SourceInfo, ...] = ()
        self.view: MatchView | None = None
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._sources_tab(), self.tr("So&urces"))
        self.tabs.addTab(self._matches_tab(), self.tr("Matc&hes"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.set_vault(None)

    # --- building -------------------------------------------------------------------------------
    def _sources_tab(self) -> QWidget:
        tab = QWidget(self)
        self.sources_table = _table([self.tr(h) for h in self.SOURCE_HEADERS], tab)
        self.sources_table.setObjectName("sourcesTable")
        self.sources_table.itemSelectionChanged.connect(self._source_selected)
        self.source_name = QLineEdit(tab)
        self.source_name.setObjectName("sourceName")
        self.source_name.setPlaceholderText(self.tr("e.g. airwars"))
        self.file_button = QPushButton(self.tr("Choose &file…"), tab)
        self.file_button.setToolTip(self.tr("Choose the CSV file (Ctrl+O)"))
        self.file_button.clicked.connect(self.choose_file)
        self.file_label = plain_label(self.tr("No file chosen."), tab)
        self.file_label.setObjectName("fileLabel")
        self.preset = QComboBox(tab)
        self.preset.setObjectName("presetCombo")
        self.preset.addItem(self.tr("Airwars-style (not an official format)"), "airwars")
        self.preset.addItem(self.tr("Custom mapping"), "")
        self.preset.activated.connect(self._preset_chosen)
        self.mapping_edit = QPlainTextEdit(tab)
        self.mapping_edit.setObjectName("mappingEdit")
        self.mapping_edit.setTabChangesFocus(True)
        self.mapping_edit.setFont(QFont("monospace"))
        self.mapping_edit.setAccessibleName(self.tr("Column mapping (JSON)"))
        self.mapping_edit.setToolTip(
            self.tr(
                "Which CSV column holds each field, and how dates are written (ISO, "
                "DD/MM/YYYY, ...). Saved with the source and used again at its next import."
            )
        )
        self.preview_button = QPushButton(self.tr("&Preview"), tab)
        self.preview_button.setToolTip(self.tr("Read the first rows with this mapping (Ctrl+R)"))
        self.preview_button.clicked.connect(self.preview)
        self.import_button = QPushButton(self.tr("Impor&t"), tab)
        self.import_button.setToolTip(
            self.tr("Import all rows, or none if one is wrong (Ctrl+Shift+I)")
        )
        self.import_button.clicked.connect(self.import_file)
        self.progress = QProgressBar(tab)
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.progress.hide()
        self.source_status = plain_label("", tab)
        self.source_status.setObjectName("sourceStatus")
        self.source_status.setWordWrap(True)
        self.source_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_table = _table([self.tr(h) for h in self.PREVIEW_HEADERS], tab)
        self.preview_table.setObjectName("previewTable")

        form = QFormLayout()
        name_label = QLabel(self.tr("Source &name:"), tab)
        name_label.setBuddy(self.source_name)
        form.addRow(name_label, self.source_name)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_button)
        file_row.addWidget(self.file_label, 1)
        form.addRow(self.tr("File:"), file_row)
        preset_label = QLabel(self.tr("La&yout:"), tab)
        preset_label.setBuddy(self.preset)
        form.addRow(preset_label, self.preset)
        mapping_label = QLabel(self.tr("Co&lumn mapping:"), tab)
        mapping_label.setBuddy(self.mapping_edit)
        form.addRow(mapping_label, self.mapping_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)

        left = QWidget(tab)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(plain_label(self.tr("Imported sources"), left))
        left_layout.addWidget(self.sources_table)
        right = QWidget(tab)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form)
        right_layout.addLayout(buttons)
        right_layout.addWidget(self.source_status)
        right_layout.addWidget(self.preview_table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, tab)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(tab)
        layout.addWidget(splitter)
        _shortcut(tab, "Ctrl+O", self.choose_file)
        _shortcut(tab, "Ctrl+R", self.preview)
        _shortcut(tab, "Ctrl+Shift+I", self.import_file)
        self._preset_chosen(0)
        return tab

    def _matches_tab(self) -> QWidget:
        tab = QWidget(self)
        self.incident_edit = QLineEdit(tab)
        self.incident_edit.setObjectName("incidentEdit")
        self.incident_edit.setPlaceholderText(self.tr("Reference code or id"))
        self.incident_edit.returnPressed.connect(lambda: self.find_candidates())
        self.window_days = QSpinBox(tab)
        self.window_days.setRange(0, deconflict.MAX_WINDOW_DAYS)
        self.window_days.setValue(3)
        self.window_days.setSuffix(self.tr(" days"))
        self.window_days.setAccessibleName(self.tr("Time window"))
        self.radius_km = QDoubleSpinBox(tab)
        self.radius_km.setRange(0.1, deconflict.MAX_RADIUS_KM)
        self.radius_km.setDecimals(1)
        self.radius_km.setValue(10.0)
        self.radius_km.setAccessibleName(self.tr("Radius"))
        self.find_button = QPushButton(self.tr("&Find candidates"), tab)
        self.find_button.setToolTip(
            self.tr("Candidates for this incident (Enter in the incident field; Ctrl+F goes there)")
        )
        self.find_button.clicked.connect(lambda: self.find_candidates())
        self.all_button = QPushButton(self.tr("A&ll incidents"), tab)
        self.all_button.setToolTip(self.tr("Candidates for every incident (Ctrl+Shift+F)"))
        self.all_button.clicked.connect(lambda: self.find_all())
        self.heading = plain_label("", tab)
        self.heading.setObjectName("matchHeading")
        self.heading.setWordWrap(True)
        self.links_view = QPlainTextEdit(tab)
        self.links_view.setObjectName("linksView")
        self.links_view.setReadOnly(True)
        self.links_view.setMaximumHeight(64)
        self.links_view.setTabChangesFocus(True)
        self.links_view.setPlaceholderText(self.tr("No external reference or accepted match yet."))
        self.links_view.setAccessibleName(self.tr("Linked external records"))
        self.match_table = _table([self.tr(h) for h in self.MATCH_HEADERS], tab)
        self.match_table.setObjectName("matchTable")
        for col, width in enumerate((50, 150, 90, 90, 90, 160)):
            self.match_table.setColumnWidth(col, width)
        self.match_table.itemSelectionChanged.connect(self._candidate_selected)
        self.details = QPlainTextEdit(tab)
        self.details.setObjectName("candidateDetails")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(130)
        self.details.setTabChangesFocus(True)
        self.details.setAccessibleName(self.tr("Selected candidate"))
        self.reason_edit = QLineEdit(tab)
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText(self.tr("Why (kept in the audit log)"))
        self.reason_edit.textChanged.connect(self._update_enabled)
        self.accept_button = QPushButton(self.tr("Acce&pt match"), tab)
        self.accept_button.setToolTip(
            self.tr("The external record describes this incident (Ctrl+Return)")
        )
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button = QPushButton(self.tr("Re&ject"), tab)
        self.reject_button.setToolTip(
            self.tr("Not this incident; never proposed again (Ctrl+Delete)")
        )
        self.reject_button.clicked.connect(self.reject_selected)
        self.match_status = plain_label("", tab)
        self.match_status.setObjectName("matchStatus")
        self.match_status.setWordWrap(True)
        self.match_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        search = QHBoxLayout()
        incident_label = QLabel(self.tr("Inciden&t:"), tab)
        incident_label.setBuddy(self.incident_edit)
        search.addWidget(incident_label)
        search.addWidget(self.incident_edit, 1)
        window_label = QLabel(self.tr("Wi&ndow:"), tab)
        window_label.setBuddy(self.window_days)
        search.addWidget(window_label)
        search.addWidget(self.window_days)
        radius_label = QLabel(self.tr("Radius (&km):"), tab)
        radius_label.setBuddy(self.radius_km)
        search.addWidget(radius_label)
        search.addWidget(self.radius_km)
        search.addWidget(self.find_button)
        search.addWidget(self.all_button)
        decide = QHBoxLayout()
        reason_label = QLabel(self.tr("R&eason:"), tab)
        reason_label.setBuddy(self.reason_edit)
        decide.addWidget(reason_label)
        decide.addWidget(self.reason_edit, 1)
        decide.addWidget(self.accept_button)
        decide.addWidget(self.reject_button)
        layout = QVBoxLayout(tab)
        layout.addLayout(search)
        layout.addWidget(self.heading)
        layout.addWidget(self.links_view)
        layout.addWidget(self.match_table, 1)
        layout.addWidget(self.details)
        layout.addLayout(decide)
        layout.addWidget(self.match_status)
        _shortcut(tab, "Ctrl+F", self._focus_incident)
        _shortcut(tab, "Ctrl+Shift+F", lambda: self.find_all())
        _shortcut(tab, "Ctrl+Return", self.accept_selected)
        _shortcut(tab, "Ctrl+Delete", self.reject_selected)
        return tab

    # --- vault ----------------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        """Show `vault`'s sources; None (locked) drops everything shown."""
        self._vault = vault
        self._generation.advance()
        self.sources = ()
        self.view = None
        self.sources_table.setRowCount(0)
        self.preview_table.setRowCount(0)
        self.match_table.setRowCount(0)
        self.links_view.clear()
        self.details.clear()
        self.heading.clear()
        self.reason_edit.clear()
        self.incident_edit.clear()
        self.progress.hide()
        set_message(self.source_status, "" if vault else self.tr("Locked."))
        set_message(self.match_status, "")
        self._update_enabled()
        if vault is not None:
            self.refresh_sources()

    def set_incident(self, incident_id: str | None) -> None:
        """Show the candidates of this incident (the register's selection, when wired to it)."""
        if not incident_id or self._vault is None:
            return
        self.incident_edit.setText(incident_id)
        self.find_candidates()

    def _failed(self, label: QLabel) -> Any:
        @self._generation.current
        def failed(exc: BaseException) -> None:
            self.progress.hide()
            set_message(label, message_for(exc)[1], "error")
            self._update_enabled()
            if not isinstance(exc, FieldappError | OSError):
                show_error(self, exc)

        return failed

    # --- sources --------------------------------------------------------------------------------
    def refresh_sources(self) -> None:
        vault = self._vault
        if vault is None:
            return

        @self._generation.current
        def done(result: Any) -> None:
            self.sources = tuple(result)
            _fill(
                self.sources_table,
                [
                    (
                        s.name,
                        str(s.records),
                        s.preset or self.tr("custom"),
                        format_time(s.updated_at),
                    )
                    for s in self.sources
                ],
                numeric=1,
            )
            _fit_columns(self.sources_table, 160)
            self.sources_changed.emit()

        self._runner.submit(
            lambda: deconflict.list_sources(vault), done, self._failed(self.source_status)
        )

    def _source_selected(self) -> None:
        """Picking an imported source fills its name and saved mapping, for a refresh."""
        rows = self.sources_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.sources):
            return
        source = self.sources[rows[0].row()]
        self.source_name.setText(source.name)
        index = self.preset.findData(source.preset) if source.preset else -1
        self.preset.setCurrentIndex(index if index >= 0 else self.preset.findData(""))
        self._set_mapping(source.mapping)

    def _set_mapping(self, mapping: deconflict.Mapping) -> None:
        self.mapping_edit.setPlainText(
            json.dumps(mapping.to_json(), indent=2, ensure_ascii=False, sort_keys=False)
        )

    def _preset_chosen(self, index: int) -> None:
        name = self.preset.itemData(index)
        if name:
            self._set_mapping(deconflict.load_preset(str(name)))
        elif not self.mapping_edit.toPlainText().strip():
            template = {
                "date_format": "ISO",
                "columns": dict.fromkeys(deconflict.FIELDS, ""),
            }
            self.mapping_edit.setPlainText(json.dumps(template, indent=2))

    def choose_file(self) -> None:
        if self._vault is None:
            return
        path = self.dialogs.open_file(
            self, self.tr("External dataset"), self.tr("CSV files (*.csv);;All files (*)")
        )
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        """Use `path` for the next preview and import (and preview it at once)."""
        self._file = path
        self.file_label.setText(str(path))
        if not self.source_name.text().strip():
            self.source_name.setText(str(self.preset.currentData() or ""))
        self._update_enabled()
        self.preview()

    def _mapping(self) -> deconflict.Mapping | None:
        try:
            return deconflict.parse_mapping(self.mapping_edit.toPlainText())
        except deconflict.MappingError as exc:
            set_message(self.source_status, str(exc), "error")
            return None

    def preview(self) -> None:
        path, mapping = self._file, self._mapping()
        if path is None or mapping is None or self._vault is None:
            return

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, deconflict.Preview)
            rows = []
            for r in result.rows:
                rec = r.record
                rows.append(
                    (
                        str(r.line),
                        rec.external_id if rec else "",
                        rec.at if rec else "",
                        f"{rec.lat}, {rec.lon}" if rec and rec.lat else "",
                        rec.belligerent if rec else "",
                        rec.munition if rec else "",
                        r.error,
                    )
                )
            _fill(self.preview_table, rows)
            _fit_columns(self.preview_table)
            if result.error:
                set_message(self.source_status, result.error, "error")
            elif any(r.error for r in result.rows):
                set_message(
                    self.source_status,
                    self.tr("Some rows would be refused; the import takes all rows or none."),
                    "warn",
                )
            else:
                set_message(
                    self.source_status,
                    self.tr("Columns: {columns}").format(columns=", ".join(result.header)),
                )

        self._runner.submit(
            lambda: deconflict.preview(path, mapping), done, self._failed(self.source_status)
        )

    def import_file(self) -> None:
        vault, path, mapping = self._vault, self._file, self._mapping()
        if vault is None or path is None or mapping is None:
            return
        name = self.source_name.text()

        def work(progress: Progress, _task: Task) -> deconflict.ImportResult:
            return deconflict.import_external(vault, name, path, mapping=mapping, progress=progress)

        @self._generation.current
        def progressed(done: int, total: int) -> None:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)

        @self._generation.current
        def finished(result: Any) -> None:
            assert isinstance(result, deconflict.ImportResult)
            self.progress.hide()
            set_message(self.source_status, result.summary(), "ok")
            self._update_enabled()
            self.refresh_sources()

        self.progress.setRange(0, 0)
        self.progress.show()
        set_message(self.source_status, self.tr("Importing…"))
        self.import_button.setEnabled(False)
        submit_with_progress(
            self._runner, work, finished, self._failed(self.source_status), on_progress=progressed
        )

    # --- matches --------------------------------------------------------------------------------
    def _focus_incident(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.incident_edit.setFocus()
        self.incident_edit.selectAll()

    def find_candidates(self, message: str = "") -> None:
        vault = self._vault
        text = self.incident_edit.text().strip()
        if vault is None or not text:
            return
        window, radius = self.window_days.value(), self.radius_km.value()

        def work() -> MatchView:
            found = deconflict.candidates(vault, text, window, radius)
            links = deconflict.links(vault, text)
            with vault.reading() as conn:
                row = deconflict.resolve_incident(conn, text)
            inc, _ = vault.get_incident(str(row[0]))
            return MatchView(
                str(row[0]),
                f"{inc.ref_code}  {inc.title}",
                tuple(links),
                tuple(found),
                inc.ref_code,
            )

        self._show(work, message)

    def find_all(self, message: str = "") -> None:
        vault = self._vault
        if vault is None:
            return
        window, radius = self.window_days.value(), self.radius_km.value()

        def work() -> MatchView:
            found = deconflict.all_candidates(vault, window, radius)
            return MatchView("", "", (), tuple(found))

        self._show(work, message)

    def _show(self, work: Any, message: str) -> None:
        """Run `work` (a MatchView), show it, then `message` (the decision just made) or
        whether anything was found."""

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, MatchView)
            self.view = result
            self.tabs.setCurrentIndex(1)
            if result.incident_id:
                self.heading.setText(result.heading)
                if result.ref_code:
                    # The register hands over an id; analysts know incidents by reference.
                    self.incident_edit.setText(result.ref_code)
            else:
                self.heading.setText(
                    self.tr("All incidents: %n candidate(s)", "", len(result.candidates))
                )
            self.links_view.setPlainText("\n".join(self._link_text(k) for k in result.links))
            _fill(
                self.match_table,
                [
                    (
                        str(c.score),
                        c.ref_code,
                        c.source,
                        c.external_id,
                        c.at,
                        c.place,
                        "; ".join(c.reasons),
                    )
                    for c in result.candidates
                ],
                numeric=0,
            )
            self.match_table.setColumnHidden(1, bool(result.incident_id))
            _fit_columns(self.match_table)
            self.details.clear()
            if result.candidates:
                select_row(self.match_table, 0)
            if message:
                set_message(self.match_status, message, "ok")
            elif result.candidates:
                set_message(self.match_status, "")
            else:
                set_message(self.match_status, self.tr("No candidate in this window and radius."))
            self._update_enabled()
            self.matches_shown.emit()

        self._runner.submit(work, done, self._failed(self.match_status))

    def _link_text(self, link: deconflict.Link) -> str:
        if link.origin == "incident":
            return self.tr("{system} {id} (in the incident record)").format(
                system=link.system, id=link.external_id
            )
        return self.tr("{system} {id} accepted by {who} {at}: {reason}").format(
            system=link.system,
            id=link.external_id,
            who=link.author,
            at=format_time(link.at),
            reason=link.reason,
        )

    def _candidate_selected(self) -> None:
        """The selected candidate in full: every reason on its own line, what the source says."""
        chosen = self.selected_candidate()
        self._update_enabled()
        if chosen is None:
            self.details.clear()
            return
        killed = (
            deconflict.format_range(chosen.killed_min, chosen.killed_max)
            if chosen.killed_min is not None or chosen.killed_max is not None
            else "—"
        )
        lines = [
            self.tr("{source} {id}: {date}, {place}").format(
                source=chosen.source, id=chosen.external_id, date=chosen.at, place=chosen.place
            ),
            self.tr("Belligerent: {b}; munition: {m}; civilians killed: {k}").format(
                b=chosen.belligerent or "—", m=chosen.munition or "—", k=killed
            ),
        ]
        lines += [f"• {reason}" for reason in chosen.reasons]
        if chosen.url:
            lines.append(chosen.url)
        self.details.setPlainText("\n".join(lines))

    def selected_candidate(self) -> deconflict.Candidate | None:
        if self.view is None:
            return None
        rows = self.match_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.view.candidates):
            return None
        return self.view.candidates[rows[0].row()]

    def accept_selected(self) -> None:
        self._decide("accepted")

    def reject_selected(self) -> None:
        self._decide("rejected")

    def _decide(self, decision: str) -> None:
        vault, chosen = self._vault, self.selected_candidate()
        if vault is None or chosen is None:
            return
        reason = self.reason_edit.text()
        if not reason.strip():
            set_message(self.match_status, self.tr("Say why first (the reason is logged)."), "warn")
            self.reason_edit.setFocus()
            return
        decide = deconflict.accept if decision == "accepted" else deconflict.reject
        batch = self.view is not None and not self.view.incident_id

        def work() -> str:
            return decide(vault, chosen.incident_id, chosen.source, chosen.external_id, reason)

        @self._generation.current
        def done(incident_id: Any) -> None:
            self.reason_edit.clear()
            text = (
                self.tr("{source} {id} accepted for {ref}.")
                if decision == "accepted"
                else self.tr("{source} {id} rejected for {ref}; it will not be proposed again.")
            )
            message = text.format(source=chosen.source, id=chosen.external_id, ref=chosen.ref_code)
            self.decided.emit(decision, str(incident_id))
            if batch:
                self.find_all(message)
            else:
                self.find_candidates(message)

        self._runner.submit(work, done, self._failed(self.match_status))

    def _update_enabled(self) -> None:
        unlocked = self._vault is not None
        for widget in (self.file_button, self.find_button, self.all_button, self.mapping_edit):
            widget.setEnabled(unlocked)
        has_file = unlocked and self._file is not None
        self.preview_button.setEnabled(has_file)
        self.import_button.setEnabled(has_file)
        chosen = unlocked and self.selected_candidate() is not None
        self.accept_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)
