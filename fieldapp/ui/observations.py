"""The observation log: time-stamped notes, added quickly and linked to incidents now or later.

An observation often comes before any incident exists ("smoke seen north of the bridge"), so the
form needs only a time and some text. Links are chosen by searching the register (reference code
or any text) and can be added to an existing observation later, which stores a new version of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.model import Observation
from fieldapp.domain.validation import validate_observation
from fieldapp.errors import FieldIssue, RecordNotFound, ValidationError
from fieldapp.store.vault import IncidentQuery
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP
from fieldapp.ui.messages import show_error
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import (
    INVALID_STYLE,
    IssueLabel,
    PositionField,
    plain_label,
    set_invalid,
)

if TYPE_CHECKING:
    from fieldapp.store.vault import IncidentRow, Vault

LOG_COLUMNS = (
    QT_TRANSLATE_NOOP("ObservationLog", "Time (UTC)"),
    QT_TRANSLATE_NOOP("ObservationLog", "Category"),
    QT_TRANSLATE_NOOP("ObservationLog", "Text"),
    QT_TRANSLATE_NOOP("ObservationLog", "Linked incidents"),
)
EXCERPT_CHARS = 120
SEARCH_LIMIT = 50
LINK_REASON = "linked to incident"


def now_utc() -> str:
    """The current time as stored in records: UTC, whole seconds, with Z."""
    return datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """First line-ish of a note for the table: newlines folded, long text cut with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class _Log:
    observations: list[Observation]
    ref_codes: dict[str, str]  # incident id -> reference code (or a note that it is gone)


@dataclass(frozen=True)
class IncidentChoice:
    """An incident as offered for linking: enough to recognise it."""

    id: str
    ref_code: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.ref_code} — {self.title}" if self.title else self.ref_code


class ObservationLog(QWidget):
    """List of observations and a form to add one and to link observations to incidents."""

    refreshed = Signal()  # the list shows the vault's current observations
    saved = Signal(str)  # observation id, after it was stored (new or newly linked)
    searched = Signal()  # incident search results are shown

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("observationLog")
        self.setStyleSheet(INVALID_STYLE)
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._observations: list[Observation] = []
        self._busy = False
        self._build()
        self.set_vault(None)

    # ------------------------------------------------------------------ public API
    def set_vault(self, vault: Vault | None) -> None:
        """Attach the vault, or drop it (lock): the list, the form and the links are cleared."""
        self._vault = vault
        self._generation.advance()
        self._busy = False
        self._observations = []
        self.table.setRowCount(0)
        self.results.clear()
        self.linked.clear()
        self.text_edit.clear()
        self.category_edit.clear()
        self.search_edit.clear()
        self.position.set_position("", "")
        self.time_edit.setText(now_utc() if vault is not None else "")
        self._categories.setStringList([])
        self._show_form_issues([])
        self.status.setText("")
        self.setEnabled(vault is not None)
        if vault is not None:
            self.refresh()

    def refresh(self) -> None:
        """Reload the list from the vault."""
        if self._vault is None:
            return
        vault = self._vault

        def work() -> _Log:
            observations = vault.list_observations()
            codes: dict[str, str] = {}
            for obs in observations:
                for incident_id in obs.incident_ids:
                    if incident_id in codes:
                        continue
                    try:
                        codes[incident_id] = vault.get_incident(incident_id)[0].ref_code
                    except RecordNotFound:
                        codes[incident_id] = QCoreApplication.translate(
                            "ObservationLog", "{id}… (deleted)"
                        ).format(id=incident_id[:8])
            return _Log(observations, codes)

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, _Log)
            self._show_log(result)
            self.refreshed.emit()

        self._runner.submit(work, done, self._generation.current(self._failed))

    def observations(self) -> list[Observation]:
        """The observations as listed (newest first, as the vault returns them)."""
        return list(self._observations)

    def search_incidents(self, text: str | None = None) -> None:
        """Find incidents to link, by reference code or any text in them."""
        if text is not None:
            self.search_edit.setText(text)
        if self._vault is None:
            return
        vault = self._vault
        query = IncidentQuery(text=self.search_edit.text().strip(), limit=SEARCH_LIMIT)

        @self._generation.current
        def done(result: Any) -> None:
            rows: list[IncidentRow] = result
            self.results.clear()
            for row in rows:
                self._add_choice(self.results, IncidentChoice(row.id, row.ref_code, row.title))
            if not rows:
                self.results.addItem(_hint_item(self.tr("No incident matches.")))
            self.searched.emit()

        self._runner.submit(
            lambda: vault.query_incidents(query), done, self._generation.current(self._failed)
        )

    def choose_result(self, row: int = -1) -> None:
        """Move a search result (the current one by default) into the links of the form."""
        item = self.results.item(row) if row >= 0 else self.results.currentItem()
        choice = _choice_of(item)
        if choice is None:
            return
        if choice.id not in {c.id for c in self.linked_choices()}:
            self._add_choice(self.linked, choice)

    def unchoose(self) -> None:
        for item in self.linked.selectedItems():
            self.linked.takeItem(self.linked.row(item))

    def linked_choices(self) -> list[IncidentChoice]:
        choices = []
        for i in range(self.linked.count()):
            choice = _choice_of(self.linked.item(i))
            if choice is not None:
                choices.append(choice)
        return choices

    def add_observation(self) -> None:
        """Store the observation in the form (with the chosen links) as a new record."""
        if self._vault is None or self._busy:
            return
        obs, issues = self._collect()
        if issues:
            self._show_form_issues(issues)
            self.status.setText(self.tr("Not saved: correct the marked fields."))
            return
        self._show_form_issues([])
        self._store(obs, "created", clear_form=True)

    def link_selected(self) -> None:
        """Add the chosen incidents to the observation selected in the list (a new version)."""
        if self._vault is None or self._busy:
            return
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows:
            self.status.setText(self.tr("Select an observation in the list first."))
            return
        chosen = [c.id for c in self.linked_choices()]
        if not chosen:
            self.status.setText(self.tr("Choose one or more incidents to link first."))
            return
        current = self._observations[rows[0]]
        ids = list(current.incident_ids) + [i for i in chosen if i not in current.incident_ids]
        if ids == current.incident_ids:
            self.status.setText(self.tr("The observation is already linked to those incidents."))
            return
        self._store(replace(current, incident_ids=ids), LINK_REASON, clear_form=False)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.table = QTableWidget(0, len(LOG_COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in LOG_COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("observations"))
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(2, 360)

        form_box = QGroupBox(self.tr("New observation"), self)
        form = QFormLayout(form_box)
        time_row = QHBoxLayout()
        self.time_edit = QLineEdit(form_box)
        self.time_edit.setPlaceholderText(self.tr("YYYY-MM-DDTHH:MM:SSZ (UTC)"))
        self.time_edit.setAccessibleName(self.tr("time of the observation (UTC)"))
        self.now_button = QPushButton(self.tr("Now"), form_box)
        self.now_button.clicked.connect(lambda: self.time_edit.setText(now_utc()))
        time_row.addWidget(self.time_edit, 1)
        time_row.addWidget(self.now_button)
        self.time_issue = IssueLabel(form_box)
        form.addRow(
            plain_label(self.tr("Time (UTC)"), form_box),
            _stack(form_box, time_row, self.time_issue),
        )
        self.category_edit = QLineEdit(form_box)
        self.category_edit.setPlaceholderText(self.tr("e.g. strike, movement, media report"))
        self._categories = QStringListModel(self)
        completer = QCompleter(self._categories, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.category_edit.setCompleter(completer)
        form.addRow(plain_label(self.tr("Category"), form_box), self.category_edit)
        self.text_edit = QPlainTextEdit(form_box)
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(70)  # and it takes the form's spare height
        self.text_issue = IssueLabel(form_box)
        form.addRow(
            plain_label(self.tr("Text"), form_box),
            _stack(form_box, self.text_edit, self.text_issue),
        )
        self.position = PositionField(form_box)
        self.position_issue = IssueLabel(form_box)
        form.addRow(
            plain_label(self.tr("Position (optional)"), form_box),
            _stack(form_box, self.position, self.position_issue),
        )

        link_box = QGroupBox(self.tr("Link to incidents"), self)
        links = QVBoxLayout(link_box)
        search_row = QHBoxLayout()
        self.search_edit = QLineEdit(link_box)
        self.search_edit.setPlaceholderText(self.tr("reference code or any text"))
        self.search_edit.setAccessibleName(self.tr("search incidents to link"))
        self.search_edit.returnPressed.connect(lambda: self.search_incidents())
        self.search_button = QPushButton(self.tr("Find"), link_box)
        self.search_button.clicked.connect(lambda: self.search_incidents())
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_button)
        links.addLayout(search_row)
        self.results = QListWidget(link_box)
        self.results.setAccessibleName(self.tr("matching incidents"))
        self.results.itemActivated.connect(lambda item: self.choose_result(self.results.row(item)))
        links.addWidget(self.results, 1)
        pick_row = QHBoxLayout()
        self.choose_button = QPushButton(self.tr("Link ↓"), link_box)
        self.choose_button.setToolTip(self.tr("Add the selected incident to the links"))
        self.choose_button.clicked.connect(lambda: self.choose_result())
        self.unchoose_button = QPushButton(self.tr("Remove link"), link_box)
        self.unchoose_button.clicked.connect(self.unchoose)
        pick_row.addWidget(self.choose_button)
        pick_row.addWidget(self.unchoose_button)
        pick_row.addStretch(1)
        links.addLayout(pick_row)
        links.addWidget(plain_label(self.tr("Chosen incidents:"), link_box))
        self.linked = QListWidget(link_box)
        self.linked.setAccessibleName(self.tr("chosen incidents"))
        self.linked.setMaximumHeight(90)
        links.addWidget(self.linked)

        actions = QHBoxLayout()
        self.status = plain_label("", self)
        self.status.setWordWrap(True)
        self.add_button = QPushButton(self.tr("Add observation"), self)
        self.add_button.clicked.connect(self.add_observation)
        self.link_button = QPushButton(
            self.tr("Link chosen incidents to selected observation"), self
        )
        self.link_button.clicked.connect(self.link_selected)
        actions.addWidget(self.status, 1)
        actions.addWidget(self.link_button)
        actions.addWidget(self.add_button)

        lower = QWidget(self)
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(form_box, 3)
        lower_layout.addWidget(link_box, 2)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)

    # ------------------------------------------------------------------ internals
    def _collect(self) -> tuple[Observation, list[FieldIssue]]:
        lat, lon = self.position.position()
        obs = Observation(
            at=self.time_edit.text().strip(),
            category=self.category_edit.text().strip(),
            text=self.text_edit.toPlainText(),
            lat=lat,
            lon=lon,
            incident_ids=[c.id for c in self.linked_choices()],
        )
        issues = []
        if self.position.error():
            issues.append(FieldIssue("position", self.position.error()))
        issues += validate_observation(obs)
        return obs, issues

    def _show_form_issues(self, issues: list[FieldIssue]) -> None:
        by_field: dict[str, list[str]] = {"at": [], "text": [], "position": []}
        other: list[str] = []
        for issue in issues:
            key = "position" if issue.path in ("lat", "lon", "position") else issue.path
            if key in by_field:
                by_field[key].append(issue.message)
            else:
                other.append(str(issue))
        for key, widget, label in (
            ("at", self.time_edit, self.time_issue),
            ("text", self.text_edit, self.text_issue),
            ("position", self.position.entry, self.position_issue),
        ):
            set_invalid(widget, by_field[key])
            label.set_messages(by_field[key])
        if other:
            self.status.setText("; ".join(other))

    def _store(self, obs: Observation, reason: str, *, clear_form: bool) -> None:
        assert self._vault is not None
        vault = self._vault
        self._set_busy(True)

        @self._generation.current
        def done(result: Any) -> None:
            self._set_busy(False)
            stored, _version = result
            if clear_form:
                self.text_edit.clear()
                self.position.set_position("", "")
                self.linked.clear()
                self.time_edit.setText(now_utc())
                self.status.setText(self.tr("Observation added."))
            else:
                self.status.setText(self.tr("Observation linked."))
            self.saved.emit(stored.id)
            self.refresh()

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            if isinstance(exc, ValidationError):
                self._show_form_issues(exc.issues)
                self.status.setText(self.tr("Not saved: correct the marked fields."))
            else:
                show_error(self, exc)

        self._runner.submit(lambda: vault.save_observation(obs, reason), done, failed)

    def _show_log(self, log: _Log) -> None:
        self._observations = list(log.observations)
        self.table.setRowCount(len(self._observations))
        for row, obs in enumerate(self._observations):
            linked = ", ".join(log.ref_codes.get(i, i[:8]) for i in obs.incident_ids)
            cells = (obs.at, obs.category, excerpt(obs.text), linked)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, obs.id)
                self.table.setItem(row, col, item)
        categories = sorted({o.category for o in self._observations if o.category})
        self._categories.setStringList(categories)

    def _add_choice(self, target: QListWidget, choice: IncidentChoice) -> None:
        item = QListWidgetItem(choice.label)
        item.setData(Qt.ItemDataRole.UserRole, choice)
        target.addItem(item)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.add_button.setEnabled(not busy)
        self.link_button.setEnabled(not busy)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)


def _stack(parent: QWidget, top: QWidget | QHBoxLayout, issue: IssueLabel) -> QWidget:
    box = QWidget(parent)
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(top, QWidget):
        column.addWidget(top)
    else:
        column.addLayout(top)
    column.addWidget(issue)
    return box


def _hint_item(text: str) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    return item


def _choice_of(item: QListWidgetItem | None) -> IncidentChoice | None:
    if item is None:
        return None
    data = item.data(Qt.ItemDataRole.UserRole)
    return data if isinstance(data, IncidentChoice) else None
