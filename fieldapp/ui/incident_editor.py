"""The incident editor: every group of an Incident, inline validation, save with a reason.

The widgets are the only copy of the edited record: `_collect()` rebuilds an `Incident` from them
whenever needed, so validation, "unsaved changes" and saving all look at exactly what is on the
screen. Validation runs debounced after each edit and maps each `FieldIssue.path` to the widget
that holds it (red border, message under the field, tooltip) plus a summary list that jumps to
the field. Vault work goes through the runner; results for a vault or record that is no longer
shown are dropped (a generation counter), so a late result can never repaint a locked editor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.model import (
    AGE_BANDS,
    ATTRIBUTIONS,
    BELLIGERENT_VIEWS,
    COMBATANT_STATUS,
    CREDIBILITY,
    GENDERS,
    GEO_METHODS,
    GEO_PRECISIONS,
    INTERNAL_GRADES,
    PARTIES,
    PUBLIC_CATEGORIES,
    RELEASE_GROUPS,
    RELIABILITY,
    RESPONSE_TYPES,
    TIME_PRECISIONS,
    VICTIM_OUTCOMES,
    WORKFLOW,
    Assessment,
    Casualties,
    Communication,
    Engagement,
    ExternalRef,
    Incident,
    Place,
    PlaceName,
    Release,
    Response,
    Source,
    TimeWindow,
    Victim,
    from_dict,
    to_dict,
)
from fieldapp.domain.validation import validate_incident
from fieldapp.errors import FieldIssue, StaleVersion, ValidationError
from fieldapp.reflists import bundled_reflists
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP
from fieldapp.ui.messages import show_error
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import (
    INVALID_STYLE,
    BreakdownGrid,
    CheckMatrix,
    Column,
    HarmPicker,
    IntEdit,
    IssueLabel,
    PositionField,
    RangeEdit,
    RecordTable,
    VocabCombo,
    plain_label,
    reflist_choices,
    set_invalid,
    vocab_choices,
)

if TYPE_CHECKING:
    from fieldapp.store.vault import Vault

VALIDATE_DELAY_MS = 300
"""Debounce: validate once typing pauses, not on every key."""

DEFAULT_REASON = "edited"
TIME_HINT = QT_TRANSLATE_NOOP("IncidentEditor", "YYYY-MM-DDTHH:MM:SSZ (UTC)")
DATE_HINT = QT_TRANSLATE_NOOP("IncidentEditor", "YYYY-MM-DD")

_LAST_PART = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")
_ROW_PART = re.compile(r"^\[(\d+)\](?:\.([A-Za-z_]\w*))?")


@dataclass
class _Target:
    """Where the issues of one field path are shown."""

    widget: QWidget
    label: IssueLabel
    caption: str
    tab: int
    prefix: str = ""  # put before the message when several fields share one label
    table: RecordTable | None = None


@dataclass
class _Marks:
    widgets: dict[int, tuple[QWidget, list[str]]] = field(default_factory=dict)
    labels: dict[int, tuple[IssueLabel, list[str]]] = field(default_factory=dict)
    cells: dict[int, tuple[RecordTable, dict[tuple[int, str], list[str]]]] = field(
        default_factory=dict
    )


def _text_edit(parent: QWidget, height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit(parent)
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setMinimumHeight(height)
    edit.setMaximumHeight(height * 2)
    return edit


def _line(parent: QWidget, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    return edit


def _leaves(widget: QWidget) -> list[QWidget]:
    """The widgets that draw a border for `widget` (a range is two boxes)."""
    if isinstance(widget, RangeEdit):
        return [widget.min_edit, widget.max_edit]
    return [widget]


def _blank(choices: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class IncidentEditor(QWidget):
    """Edit one incident; `saved(id)` after a successful save, `deleted(id)` after deletion."""

    saved = Signal(str)
    deleted = Signal(str)
    validated = Signal(object)  # list[FieldIssue], after each validation run
    loaded = Signal(str)  # incident id ("" for a new one) once its fields are filled

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentEditor")
        self.setStyleSheet(INVALID_STYLE)
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._id = ""
        self._ref_code = ""
        self._version: int | None = None
        self._baseline: dict[str, Any] = {}
        self._issues: list[FieldIssue] = []
        self._busy = False
        self._filling = False
        # A record imported from another device: shown, never saved here (ForeignRecord).
        self._foreign = ""
        self._undo_read_only: list[Callable[[], object]] = []
        self._targets: dict[str, _Target] = {}
        self._tab_titles: list[str] = []
        self._lists = bundled_reflists()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(VALIDATE_DELAY_MS)
        self._timer.timeout.connect(self.validate_now)

        self._build()
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save)
        self._fill(Incident(), None)
        self._set_enabled(False)

    # ------------------------------------------------------------------ public API
    def set_vault(self, vault: Vault | None) -> None:
        """Attach the unlocked vault, or drop it (lock): every decrypted value leaves."""
        self._vault = vault
        self._generation.advance()
        self._busy = False
        self._id, self._ref_code, self._version = "", "", None
        self._fill(Incident(), None)
        self._hide_bars()
        self.status.setText("")
        self.reason_edit.setText(DEFAULT_REASON)  # a typed reason can hold case detail too
        set_invalid(self.reason_edit, [])
        self._set_enabled(vault is not None)

    def load(self, incident_id: str | None) -> None:
        """Show an existing incident, or a new empty one when `incident_id` is None."""
        self._generation.advance()
        self._hide_bars()
        if incident_id is None or self._vault is None:
            self._id, self._ref_code = "", ""
            self._set_foreign("")
            self._fill(Incident(), None)
            self.status.setText(self.tr("New incident (not saved yet).") if self._vault else "")
            self.loaded.emit("")
            return
        vault = self._vault
        self.status.setText(self.tr("Loading…"))

        @self._generation.current
        def done(result: Any) -> None:
            (incident, version), owner = result
            self._fill(incident, version)
            self._set_foreign(owner)
            if owner:
                self.status.setText(
                    self.tr(
                        "Version {version}, recorded on device {device} and imported: read "
                        "only here. HQ's judgement goes in an assessment (Review menu)."
                    ).format(version=version, device=owner)
                )
            else:
                self.status.setText(self.tr("Version {version}.").format(version=version))
            self.loaded.emit(incident.id)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self.status.setText("")
            show_error(self, exc)

        self._runner.submit(
            lambda: (vault.get_incident(incident_id), vault.recorded_elsewhere(incident_id)),
            done,
            failed,
        )

    def _set_foreign(self, owner: str) -> None:
        """Read-only for a record another device owns; editable again for this vault's own."""
        for undo in self._undo_read_only:
            undo()
        self._undo_read_only = []
        self._foreign = owner
        if owner:
            for widget in self.tabs.findChildren(QWidget):
                if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
                    if not widget.isReadOnly():
                        widget.setReadOnly(True)
                        self._undo_read_only.append(partial(widget.setReadOnly, False))
                elif isinstance(widget, QAbstractButton | QComboBox | QAbstractSpinBox):
                    if widget.isEnabled() and not isinstance(widget, QTabBar):
                        widget.setEnabled(False)
                        self._undo_read_only.append(partial(widget.setEnabled, True))
                elif isinstance(widget, QAbstractItemView):
                    self._undo_read_only.append(
                        partial(widget.setEditTriggers, widget.editTriggers())
                    )
                    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.reason_edit.setEnabled(not owner)
        self._update_buttons()

    def has_unsaved_changes(self) -> bool:
        if self._vault is None or self._foreign:
            return False
        incident, local = self._collect()
        return bool(local) or to_dict(incident) != self._baseline

    def incident(self) -> Incident:
        """The record as currently entered (what Save would store)."""
        return self._collect()[0]

    def issues(self) -> list[FieldIssue]:
        return list(self._issues)

    def save(self) -> None:
        """Validate, then store a new version with the reason typed beside the Save button."""
        if self._vault is None or self._busy:
            return
        self.validate_now()
        if self._issues:
            self.status.setText(
                self.tr(
                    "Not saved: %n problem(s) to correct first (listed below).",
                    "",
                    len(self._issues),
                )
            )
            return
        reason = self.reason_edit.text().strip()
        if not reason:
            set_invalid(self.reason_edit, [self.tr("Say briefly why you change this record.")])
            self.status.setText(self.tr("Not saved: a reason for the change is needed."))
            self.reason_edit.setFocus()
            return
        set_invalid(self.reason_edit, [])
        incident = self.incident()
        vault, expected = self._vault, self._version
        self._set_busy(True)
        self.status.setText(self.tr("Saving…"))

        @self._generation.current
        def done(result: Any) -> None:
            self._set_busy(False)
            stored, version = result
            self._fill(stored, version)
            self.reason_edit.setText(DEFAULT_REASON)
            self.status.setText(self.tr("Saved as version {version}.").format(version=version))
            self.saved.emit(stored.id)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            self.status.setText("")
            if isinstance(exc, StaleVersion):
                self._show_stale()
            elif isinstance(exc, ValidationError):
                reason_issues = [i.message for i in exc.issues if i.path == "reason"]
                set_invalid(self.reason_edit, reason_issues)
                self._show_issues([i for i in exc.issues if i.path != "reason"])
                self.status.setText(self.tr("Not saved: the vault found problems (listed below)."))
            else:
                show_error(self, exc)

        self._runner.submit(lambda: vault.save_incident(incident, reason, expected), done, failed)

    def request_delete(self) -> None:
        """Ask for confirmation and a reason in the editor itself (no modal dialog)."""
        if self._vault is None or not self._id:
            return
        self.delete_reason.clear()
        self.delete_bar.show()
        self.delete_reason.setFocus()

    def confirm_delete(self) -> None:
        reason = self.delete_reason.text().strip()
        if self._vault is None or not self._id or not reason or self._busy:
            return
        vault, incident_id = self._vault, self._id
        self._set_busy(True)

        @self._generation.current
        def done(_result: Any) -> None:
            self._set_busy(False)
            self.delete_bar.hide()
            self.load(None)
            self.status.setText(self.tr("Incident deleted; its history is kept."))
            self.deleted.emit(incident_id)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            show_error(self, exc)

        self._runner.submit(lambda: vault.delete_incident(incident_id, reason), done, failed)

    def reload(self) -> None:
        """Discard local edits and show the latest stored version."""
        if self._id:
            self.load(self._id)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        header = QHBoxLayout()
        header.addWidget(plain_label(self.tr("Reference:"), self))
        self.ref_code = QLineEdit(self)
        self.ref_code.setReadOnly(True)
        self.ref_code.setPlaceholderText(self.tr("assigned on first save"))
        self.ref_code.setAccessibleName(self.tr("reference code"))
        self.ref_code.setMinimumWidth(220)
        # Selectable for copying, but not a Tab stop: keyboard users start at the fields.
        self.ref_code.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        header.addWidget(self.ref_code)
        self.version_label = plain_label("", self)
        header.addWidget(self.version_label)
        header.addStretch(1)
        outer.addLayout(header)

        self.stale_bar = QWidget(self)
        stale = QHBoxLayout(self.stale_bar)
        stale.setContentsMargins(0, 0, 0, 0)
        self.stale_label = plain_label("", self.stale_bar)
        self.stale_label.setObjectName("fieldIssue")
        self.stale_label.setWordWrap(True)
        self.reload_button = QPushButton(self.tr("Reload latest version"), self.stale_bar)
        self.reload_button.clicked.connect(self.reload)
        stale.addWidget(self.stale_label, 1)
        stale.addWidget(self.reload_button)
        self.stale_bar.hide()
        outer.addWidget(self.stale_bar)

        self.tabs = QTabWidget(self)
        self.tabs.setUsesScrollButtons(True)
        outer.addWidget(self.tabs, 1)
        self._build_identity()
        self._build_time()
        self._build_place()
        self._build_harm()
        self._build_casualties()
        self._build_victims()
        self._build_engagement()
        self._build_sources()
        self._build_assessment()
        self._build_response()
        self._build_release()
        self._build_lessons()

        self.summary = plain_label("", self)
        self.summary.setObjectName("fieldIssue")
        outer.addWidget(self.summary)
        self.issue_list = QListWidget(self)
        self.issue_list.setMaximumHeight(90)
        self.issue_list.setAccessibleName(self.tr("problems to correct"))
        self.issue_list.itemActivated.connect(self._jump_to_issue)
        self.issue_list.itemClicked.connect(self._jump_to_issue)
        self.issue_list.hide()
        outer.addWidget(self.issue_list)

        self.delete_bar = QWidget(self)
        bar = QHBoxLayout(self.delete_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(
            plain_label(
                self.tr("Delete this incident? Its history is kept. Reason:"), self.delete_bar
            )
        )
        self.delete_reason = QLineEdit(self.delete_bar)
        self.delete_reason.setPlaceholderText(self.tr("why it is deleted (required)"))
        self.delete_reason.setAccessibleName(self.tr("reason for deleting"))
        self.confirm_delete_button = QPushButton(self.tr("Delete incident"), self.delete_bar)
        self.confirm_delete_button.setEnabled(False)
        self.cancel_delete_button = QPushButton(self.tr("Cancel"), self.delete_bar)
        self.delete_reason.textChanged.connect(
            lambda text: self.confirm_delete_button.setEnabled(bool(text.strip()))
        )
        self.delete_reason.returnPressed.connect(self.confirm_delete)
        self.confirm_delete_button.clicked.connect(self.confirm_delete)
        self.cancel_delete_button.clicked.connect(self.delete_bar.hide)
        bar.addWidget(self.delete_reason, 1)
        bar.addWidget(self.confirm_delete_button)
        bar.addWidget(self.cancel_delete_button)
        self.delete_bar.hide()
        outer.addWidget(self.delete_bar)

        footer = QHBoxLayout()
        self.status = plain_label("", self)
        self.status.setWordWrap(True)
        footer.addWidget(self.status, 1)
        footer.addWidget(plain_label(self.tr("Reason for this change:"), self))
        self.reason_edit = QLineEdit(DEFAULT_REASON, self)
        self.reason_edit.setAccessibleName(self.tr("reason for this change"))
        self.reason_edit.setMaximumWidth(260)
        self.reason_edit.returnPressed.connect(self.save)
        footer.addWidget(self.reason_edit)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setToolTip(self.tr("Save a new version (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete…"), self)
        self.delete_button.clicked.connect(self.request_delete)
        footer.addWidget(self.save_button)
        footer.addWidget(self.delete_button)
        outer.addLayout(footer)

    def _new_tab(self, title: str) -> tuple[QWidget, QFormLayout]:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)  # rows keep their natural height; spare space goes below
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        scroll = QScrollArea(self.tabs)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.tabs.addTab(scroll, title)
        self.tabs.setTabToolTip(self.tabs.count() - 1, title)
        self._tab_titles.append(title)
        return page, form

    def _add(
        self,
        page: QWidget,
        form: QFormLayout,
        caption: str,
        widget: QWidget,
        paths: Sequence[str],
        *,
        signal: Any = None,
        mark: QWidget | None = None,
        label: IssueLabel | None = None,
    ) -> IssueLabel:
        """Put `widget` in the form with a message line under it and register its paths."""
        box = QWidget(page)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        issue = label or IssueLabel(box)
        if label is None:
            column.addWidget(issue)
        form.addRow(plain_label(caption, page), box)
        tab = self.tabs.count() - 1
        table = widget if isinstance(widget, RecordTable) else None
        for path in paths:
            self._targets[path] = _Target(mark or widget, issue, caption, tab, table=table)
        self._watch(widget, signal)
        return issue

    def _watch(self, widget: QWidget, signal: Any = None) -> None:
        if signal is None:
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                signal = widget.textChanged
            else:
                signal = widget.changed  # type: ignore[attr-defined]
        signal.connect(self._on_edited)

    def _build_identity(self) -> None:
        page, form = self._new_tab(self.tr("Identity"))
        self.title_edit = _line(page, self.tr("short title"))
        self._add(page, form, self.tr("Title"), self.title_edit, ["title"])
        self.summary_edit = _text_edit(page, 90)
        self._add(page, form, self.tr("Summary"), self.summary_edit, ["summary"])
        self.external_refs = RecordTable(
            [Column("system", self.tr("System"), width=160), Column("id", self.tr("Id"))],
            to_dict(ExternalRef()),
            noun=self.tr("reference"),
            parent=page,
        )
        self._add(page, form, self.tr("External references"), self.external_refs, ["external_refs"])

    def _build_time(self) -> None:
        page, form = self._new_tab(self.tr("Time"))
        self.start_edit = _line(page, self.tr(TIME_HINT))
        self._add(page, form, self.tr("Start (UTC)"), self.start_edit, ["time.start"])
        self.end_edit = _line(page, self.tr(TIME_HINT))
        self._add(page, form, self.tr("End (UTC)"), self.end_edit, ["time.end"])
        self.offset_edit = _line(page, "+03:00")
        self.offset_edit.setMaximumWidth(100)
        self._add(page, form, self.tr("Local UTC offset"), self.offset_edit, ["time.utc_offset"])
        self.time_precision = VocabCombo.for_vocab(TIME_PRECISIONS, parent=page)
        self._add(page, form, self.tr("Precision"), self.time_precision, ["time.precision"])
        self.reported_at_edit = _line(page, self.tr(TIME_HINT))
        self._add(
            page,
            form,
            self.tr("First reported at"),
            self.reported_at_edit,
            ["time.first_reported_at"],
        )
        self.reported_by_edit = _line(page, self.tr("who reported it first"))
        self._add(
            page,
            form,
            self.tr("First reported by"),
            self.reported_by_edit,
            ["time.first_reported_by"],
        )
        self._targets["time"] = self._targets["time.start"]

    def _build_place(self) -> None:
        page, form = self._new_tab(self.tr("Place"))
        self.position = PositionField(page)
        self._add(
            page,
            form,
            self.tr("Position"),
            self.position,
            ["place.position", "place.lat", "place.lon", "place"],
            mark=self.position.entry,
        )
        self.place_names = RecordTable(
            [Column("lang", self.tr("Language"), width=90), Column("name", self.tr("Name"))],
            to_dict(PlaceName()),
            noun=self.tr("name"),
            parent=page,
        )
        self._add(page, form, self.tr("Place names"), self.place_names, ["place.names"])
        self.admin_area_edit = _line(page, self.tr("district / province"))
        self._add(page, form, self.tr("Admin area"), self.admin_area_edit, ["place.admin_area"])
        self.country_edit = _line(page, self.tr("ISO 3166 code, e.g. IQ"))
        self.country_edit.setMaximumWidth(160)
        self._add(page, form, self.tr("Country"), self.country_edit, ["place.country"])
        self.geo_precision = VocabCombo.for_vocab(GEO_PRECISIONS, parent=page)
        self._add(
            page, form, self.tr("Geolocation precision"), self.geo_precision, ["place.precision"]
        )
        self.geo_method = VocabCombo.for_vocab(GEO_METHODS, parent=page)
        self._add(page, form, self.tr("Geolocation method"), self.geo_method, ["place.method"])
        self.place_notes = _text_edit(page)
        self._add(page, form, self.tr("Notes"), self.place_notes, ["place.notes"])

    def _build_harm(self) -> None:
        page, form = self._new_tab(self.tr("Harm"))
        self.harms = HarmPicker(reflist_choices(self._lists.harm_types), page)
        self._add(page, form, self.tr("Harm types"), self.harms, ["harms"])

    def _build_casualties(self) -> None:
        page, form = self._new_tab(self.tr("Casualties"))
        self.breakdown = BreakdownGrid(page)
        civilians = self.tr("Civilians")
        grid_label = self._add(page, form, civilians, self.breakdown, ["casualties"])
        tab = self.tabs.count() - 1
        for path, widget in self.breakdown.field_widgets("casualties").items():
            parts = path.split(".")[1:]
            # Codes, as in the (English) validation messages they introduce.
            prefix = f"{parts[0]}, {parts[1]}: "
            self._targets[path] = _Target(widget, grid_label, civilians, tab, prefix=prefix)
        for outcome in ("killed", "injured"):
            self._targets[f"casualties.{outcome}"] = _Target(
                self.breakdown,
                grid_label,
                civilians,
                tab,
                prefix=f"{outcome}: ",
            )
        self.combatants_killed = RangeEdit(page)
        self._add_range(
            page, form, self.tr("Combatants / DPH killed"), self.combatants_killed, "killed"
        )
        self.combatants_injured = RangeEdit(page)
        self._add_range(
            page, form, self.tr("Combatants / DPH injured"), self.combatants_injured, "injured"
        )
        self.casualty_notes = _text_edit(page)
        self._add(page, form, self.tr("Notes"), self.casualty_notes, ["casualties.notes"])

    def _add_range(
        self, page: QWidget, form: QFormLayout, caption: str, edit: RangeEdit, outcome: str
    ) -> None:
        base = f"casualties.combatants_{outcome}"
        label = self._add(page, form, caption, edit, [base])
        tab = self.tabs.count() - 1
        self._targets[f"{base}.min"] = _Target(edit.min_edit, label, caption, tab)
        self._targets[f"{base}.max"] = _Target(edit.max_edit, label, caption, tab)

    def _build_victims(self) -> None:
        page, form = self._new_tab(self.tr("Victims"))
        banner = plain_label(
            self.tr(
                "Sensitive: victims' details are never released to partners or the public and "
                "never appear in public outputs."
            ),
            page,
        )
        self.tabs.setTabToolTip(
            self.tabs.count() - 1, self.tr("Victims: sensitive, never released or published")
        )
        banner.setObjectName("sensitiveBanner")
        banner.setWordWrap(True)
        form.addRow(banner)
        self.victims = RecordTable(
            [
                Column("name", self.tr("Name"), width=170),
                Column("age", self.tr("Age"), kind="int", width=50),
                Column("age_band", self.tr("Age band"), "choice", vocab_choices(AGE_BANDS)),
                Column("gender", self.tr("Gender"), "choice", vocab_choices(GENDERS)),
                Column("outcome", self.tr("Outcome"), "choice", vocab_choices(VICTIM_OUTCOMES)),
                Column("status", self.tr("Status"), "choice", vocab_choices(COMBATANT_STATUS)),
                Column("family_group", self.tr("Family group"), width=100),
                Column("external_list_id", self.tr("External list id"), width=110),
                Column("notes", self.tr("Notes")),
            ],
            to_dict(Victim()),
            noun=self.tr("victim"),
            parent=page,
        )
        self.victims.table.setMinimumHeight(260)
        self._add(page, form, self.tr("Victims"), self.victims, ["victims"])

    def _build_engagement(self) -> None:
        page, form = self._new_tab(self.tr("Engagement"))
        self.attribution = VocabCombo.for_vocab(ATTRIBUTIONS, parent=page)
        self._add(page, form, self.tr("Attribution"), self.attribution, ["engagement.attribution"])
        self.party = VocabCombo.for_vocab(PARTIES, parent=page)
        self._add(page, form, self.tr("Party"), self.party, ["engagement.party"])
        self.party_name_edit = _line(page, self.tr("which force or partner"))
        self._add(
            page, form, self.tr("Party name"), self.party_name_edit, ["engagement.party_name"]
        )
        self.engagement_time_edit = _line(page, self.tr(TIME_HINT))
        self._add(
            page, form, self.tr("Date and time"), self.engagement_time_edit, ["engagement.datetime"]
        )
        self.platform = VocabCombo.for_reflist(self._lists.platforms, parent=page)
        self._add(page, form, self.tr("Weapon platform"), self.platform, ["engagement.platform"])
        self.munition = VocabCombo.for_reflist(self._lists.munitions, parent=page)
        self._add(page, form, self.tr("Munition"), self.munition, ["engagement.munition"])
        self.target_type = VocabCombo.for_reflist(self._lists.target_types, parent=page)
        self._add(page, form, self.tr("Target type"), self.target_type, ["engagement.target_type"])
        self.strikes_edit = IntEdit(self.tr("number"), page)
        self._add(
            page, form, self.tr("Number of strikes"), self.strikes_edit, ["engagement.strikes"]
        )
        self.aar_edit = _line(page, self.tr("strike or After Action Report reference"))
        self._add(page, form, self.tr("AAR reference"), self.aar_edit, ["engagement.aar_ref"])

    def _build_sources(self) -> None:
        page, form = self._new_tab(self.tr("Sources"))
        self.sources = RecordTable(
            [
                Column(
                    "type",
                    self.tr("Type"),
                    "choice",
                    _blank(reflist_choices(self._lists.source_types)),
                ),
                Column("reference", self.tr("Reference"), width=160),
                Column("date", self.tr("Date"), width=100),
                Column(
                    "reliability", self.tr("Reliability"), "choice", vocab_choices(RELIABILITY), 230
                ),
                Column(
                    "credibility", self.tr("Credibility"), "choice", vocab_choices(CREDIBILITY), 230
                ),
                Column("notes", self.tr("Notes")),
            ],
            to_dict(Source()),
            noun=self.tr("source"),
            parent=page,
        )
        self.sources.table.setMinimumHeight(220)
        self._add(page, form, self.tr("Sources (Admiralty grading)"), self.sources, ["sources"])

    def _build_assessment(self) -> None:
        page, form = self._new_tab(self.tr("Assessment"))
        self.workflow = VocabCombo.for_vocab(WORKFLOW, parent=page)
        self._add(page, form, self.tr("Workflow"), self.workflow, ["assessment.workflow"])
        self.public_category = VocabCombo.for_vocab(PUBLIC_CATEGORIES, blank="—", parent=page)
        self._add(
            page,
            form,
            self.tr("Public category"),
            self.public_category,
            ["assessment.public_category"],
        )
        self.internal_grade = VocabCombo.for_vocab(INTERNAL_GRADES, blank="—", parent=page)
        self._add(
            page,
            form,
            self.tr("Internal grade"),
            self.internal_grade,
            ["assessment.internal_grade"],
        )
        self.belligerent_view = VocabCombo.for_vocab(BELLIGERENT_VIEWS, parent=page)
        self._add(
            page,
            form,
            self.tr("Belligerent self-assessment"),
            self.belligerent_view,
            ["assessment.belligerent_view"],
        )
        self.rationale_edit = _text_edit(page, 90)
        self._add(page, form, self.tr("Rationale"), self.rationale_edit, ["assessment.rationale"])
        self.assessor_edit = _line(page, self.tr("pseudonym"))
        self._add(page, form, self.tr("Assessor"), self.assessor_edit, ["assessment.assessor"])
        self.assessment_date_edit = _line(page, self.tr(DATE_HINT))
        self._add(page, form, self.tr("Date"), self.assessment_date_edit, ["assessment.date"])
        self._targets["assessment"] = self._targets["assessment.workflow"]

    def _build_response(self) -> None:
        page, form = self._new_tab(self.tr("Response"))
        self.responses = CheckMatrix(
            vocab_choices(RESPONSE_TYPES),
            [("recommended", self.tr("Recommended")), ("given", self.tr("Given"))],
            page,
        )
        self._add(
            page,
            form,
            self.tr("Responses"),
            self.responses,
            ["response.recommended", "response.given", "response"],
        )
        self.communications = RecordTable(
            [
                Column("date", self.tr("Date"), width=100),
                Column("channel", self.tr("Channel"), width=100),
                Column("who", self.tr("Who"), width=120),
                Column("summary", self.tr("Summary"), width=200),
                Column("follow_up", self.tr("Follow-up")),
            ],
            to_dict(Communication()),
            noun=self.tr("contact"),
            parent=page,
        )
        self._add(
            page,
            form,
            self.tr("Communication log"),
            self.communications,
            ["response.communications"],
        )
        self.response_notes = _text_edit(page)
        self._add(page, form, self.tr("Notes"), self.response_notes, ["response.notes"])

    def _build_release(self) -> None:
        page, form = self._new_tab(self.tr("Release"))
        self.release = CheckMatrix(
            vocab_choices(RELEASE_GROUPS),
            [("partners", self.tr("Partners")), ("public", self.tr("Public"))],
            page,
        )
        self._add(
            page,
            form,
            self.tr("Releasable groups"),
            self.release,
            ["release.partners", "release.public", "release"],
        )
        self.redaction_edit = _text_edit(page)
        self._add(
            page, form, self.tr("Redaction notes"), self.redaction_edit, ["release.redaction_notes"]
        )

    def _build_lessons(self) -> None:
        page, form = self._new_tab(self.tr("Lessons"))
        self.lessons_edit = _text_edit(page, 140)
        self._add(page, form, self.tr("What should change"), self.lessons_edit, ["lessons"])

    # ------------------------------------------------------------------ widgets <-> model
    def _fill(self, inc: Incident, version: int | None) -> None:
        """Show `inc` in the widgets; what is then collected becomes the unchanged state."""
        self._filling = True
        try:
            self._id, self._ref_code, self._version = inc.id, inc.ref_code, version
            self.ref_code.setText(inc.ref_code)
            self.version_label.setText(
                self.tr("version {version}").format(version=version)
                if version
                else self.tr("not saved yet")
            )
            self.title_edit.setText(inc.title)
            self.summary_edit.setPlainText(inc.summary)
            self.external_refs.set_rows([to_dict(r) for r in inc.external_refs])
            t = inc.time
            self.start_edit.setText(t.start)
            self.end_edit.setText(t.end)
            self.offset_edit.setText(t.utc_offset)
            self.time_precision.set_code(t.precision)
            self.reported_at_edit.setText(t.first_reported_at)
            self.reported_by_edit.setText(t.first_reported_by)
            p = inc.place
            self.position.set_position(p.lat, p.lon)
            self.place_names.set_rows([to_dict(n) for n in p.names])
            self.admin_area_edit.setText(p.admin_area)
            self.country_edit.setText(p.country)
            self.geo_precision.set_code(p.precision)
            self.geo_method.set_code(p.method)
            self.place_notes.setPlainText(p.notes)
            self.harms.set_value(inc.harms)
            c = inc.casualties
            self.breakdown.set_breakdown("killed", c.killed)
            self.breakdown.set_breakdown("injured", c.injured)
            self.combatants_killed.set_value(c.combatants_killed)
            self.combatants_injured.set_value(c.combatants_injured)
            self.casualty_notes.setPlainText(c.notes)
            self.victims.set_rows([to_dict(v) for v in inc.victims])
            e = inc.engagement
            self.attribution.set_code(e.attribution)
            self.party.set_code(e.party)
            self.party_name_edit.setText(e.party_name)
            self.engagement_time_edit.setText(e.datetime)
            self.platform.set_code(e.platform)
            self.munition.set_code(e.munition)
            self.target_type.set_code(e.target_type)
            self.strikes_edit.set_value(e.strikes)
            self.aar_edit.setText(e.aar_ref)
            self.sources.set_rows([to_dict(s) for s in inc.sources])
            a = inc.assessment
            self.workflow.set_code(a.workflow)
            self.public_category.set_code(a.public_category)
            self.internal_grade.set_code(a.internal_grade)
            self.belligerent_view.set_code(a.belligerent_view)
            self.rationale_edit.setPlainText(a.rationale)
            self.assessor_edit.setText(a.assessor)
            self.assessment_date_edit.setText(a.date)
            r = inc.response
            self.responses.set_checked("recommended", r.recommended)
            self.responses.set_checked("given", r.given)
            self.communications.set_rows([to_dict(m) for m in r.communications])
            self.response_notes.setPlainText(r.notes)
            self.release.set_checked("partners", inc.release.partners)
            self.release.set_checked("public", inc.release.public)
            self.redaction_edit.setPlainText(inc.release.redaction_notes)
            self.lessons_edit.setPlainText(inc.lessons)
        finally:
            self._filling = False
        self._baseline = to_dict(self._collect()[0])
        self.delete_button.setEnabled(bool(self._id) and self._vault is not None)
        self._timer.stop()
        if self._vault is None:
            # Locked: nothing to validate, and no message may echo a decrypted value.
            self._issues = []
            self._show_issues([])
        elif not self._id:
            # A new incident: nothing is wrong before anything was typed, and a form that opens
            # in red says otherwise. Problems are known (Save stays off) but shown from the
            # first edit, or a save attempt.
            self._show_issues([])
            incident, local = self._collect()
            self._issues = local + list(validate_incident(incident, self._lists))
            self._update_buttons()
        else:
            self.validate_now()

    def _collect(self) -> tuple[Incident, list[FieldIssue]]:
        """The incident as on screen, plus issues that stop it being built (bad number, MGRS)."""
        local: list[FieldIssue] = []
        lat, lon = self.position.position()
        if self.position.error():
            local.append(FieldIssue("place.position", self.position.error()))

        def rows(table: RecordTable, path: str) -> list[dict[str, Any]]:
            for row, name, message in table.parse_issues():
                local.append(FieldIssue(f"{path}[{row}].{name}", message))
            return table.rows()

        incident = Incident(
            id=self._id,
            ref_code=self._ref_code,
            title=self.title_edit.text(),
            summary=self.summary_edit.toPlainText(),
            external_refs=[
                from_dict(ExternalRef, r) for r in rows(self.external_refs, "external_refs")
            ],
            time=TimeWindow(
                start=self.start_edit.text().strip(),
                end=self.end_edit.text().strip(),
                utc_offset=self.offset_edit.text().strip(),
                precision=self.time_precision.code(),
                first_reported_at=self.reported_at_edit.text().strip(),
                first_reported_by=self.reported_by_edit.text(),
            ),
            place=Place(
                lat=lat,
                lon=lon,
                names=[from_dict(PlaceName, r) for r in rows(self.place_names, "place.names")],
                admin_area=self.admin_area_edit.text(),
                country=self.country_edit.text().strip(),
                precision=self.geo_precision.code(),
                method=self.geo_method.code(),
                notes=self.place_notes.toPlainText(),
            ),
            harms=self.harms.value(),
            casualties=Casualties(
                killed=self.breakdown.breakdown("killed"),
                injured=self.breakdown.breakdown("injured"),
                combatants_killed=self.combatants_killed.value(),
                combatants_injured=self.combatants_injured.value(),
                notes=self.casualty_notes.toPlainText(),
            ),
            victims=[from_dict(Victim, r) for r in rows(self.victims, "victims")],
            engagement=Engagement(
                attribution=self.attribution.code(),
                party=self.party.code(),
                party_name=self.party_name_edit.text(),
                datetime=self.engagement_time_edit.text().strip(),
                platform=self.platform.code(),
                munition=self.munition.code(),
                target_type=self.target_type.code(),
                strikes=self.strikes_edit.value(),
                aar_ref=self.aar_edit.text(),
            ),
            sources=[from_dict(Source, r) for r in rows(self.sources, "sources")],
            assessment=Assessment(
                workflow=self.workflow.code(),
                public_category=self.public_category.code(),
                internal_grade=self.internal_grade.code(),
                belligerent_view=self.belligerent_view.code(),
                rationale=self.rationale_edit.toPlainText(),
                assessor=self.assessor_edit.text(),
                date=self.assessment_date_edit.text().strip(),
            ),
            response=Response(
                recommended=self.responses.checked("recommended"),
                given=self.responses.checked("given"),
                communications=[
                    from_dict(Communication, r)
                    for r in rows(self.communications, "response.communications")
                ],
                notes=self.response_notes.toPlainText(),
            ),
            release=Release(
                partners=self.release.checked("partners"),
                public=self.release.checked("public"),
                redaction_notes=self.redaction_edit.toPlainText(),
            ),
            lessons=self.lessons_edit.toPlainText(),
        )
        return incident, local

    # ------------------------------------------------------------------ validation display
    def _on_edited(self, *_args: object) -> None:
        if self._filling or self._vault is None:
            return
        self._timer.start()
        self._update_buttons()

    def validate_now(self) -> list[FieldIssue]:
        """Validate what is on screen now and show every issue at its field."""
        self._timer.stop()
        incident, local = self._collect()
        issues = local + list(validate_incident(incident, self._lists))
        self._show_issues(issues)
        self.validated.emit(list(issues))
        return issues

    def _resolve(self, path: str) -> tuple[_Target, str] | None:
        probe = path
        while probe:
            target = self._targets.get(probe)
            if target is not None:
                return target, path[len(probe) :]
            shorter = _LAST_PART.sub("", probe)
            if shorter == probe:
                break
            probe = shorter
        return None

    def _show_issues(self, issues: Sequence[FieldIssue]) -> None:
        self._issues = list(issues)
        marks = _Marks()
        for target in self._targets.values():
            for leaf in _leaves(target.widget):
                marks.widgets[id(leaf)] = (leaf, [])
            marks.labels[id(target.label)] = (target.label, [])
            if target.table is not None:
                marks.cells[id(target.table)] = (target.table, {})
        bad_tabs: set[int] = set()
        self.issue_list.clear()
        for issue in self._issues:
            where = self._resolve(issue.path)
            text = issue.message
            caption = issue.path
            if where is not None:
                target, rest = where
                bad_tabs.add(target.tab)
                tab_title = self._tab_titles[target.tab]
                caption = (
                    tab_title
                    if target.caption == tab_title
                    else self.tr("{tab} › {field}").format(tab=tab_title, field=target.caption)
                )
                row = _ROW_PART.match(rest)
                if target.table is not None and row is not None:
                    index, column = int(row.group(1)), row.group(2) or ""
                    text = (
                        self.tr("row {row}, {column}: {message}")
                        if column
                        else self.tr("row {row}: {message}")
                    ).format(row=index + 1, column=column, message=text)
                    cells = marks.cells[id(target.table)][1]
                    names = [column] if column else [c.name for c in target.table.columns]
                    for name in names:
                        cells.setdefault((index, name), []).append(issue.message)
                else:
                    text = target.prefix + text
                    for leaf in _leaves(target.widget):
                        marks.widgets[id(leaf)][1].append(text)
                marks.labels[id(target.label)][1].append(text)
            item = QListWidgetItem(
                self.tr("{field}: {message}").format(field=caption, message=text)
            )
            item.setData(Qt.ItemDataRole.UserRole, issue.path)
            self.issue_list.addItem(item)
        for widget, messages in marks.widgets.values():
            set_invalid(widget, messages)
        for label, messages in marks.labels.values():
            label.set_messages(messages)
        for table, cells in marks.cells.values():
            table.set_cell_issues(cells)
        bar = self.tabs.tabBar()
        for index, title in enumerate(self._tab_titles):
            bad = index in bad_tabs
            self.tabs.setTabText(index, self.tr("{tab} (!)").format(tab=title) if bad else title)
            bar.setTabTextColor(index, QColor("#d9534f") if bad else QColor())
        count = len(self._issues)
        self.summary.setText(
            "" if not count else self.tr("%n problem(s) to correct before saving:", "", count)
        )
        self.issue_list.setVisible(bool(count))
        self._update_buttons()

    def _jump_to_issue(self, item: QListWidgetItem) -> None:
        where = self._resolve(str(item.data(Qt.ItemDataRole.UserRole)))
        if where is None:
            return
        target = where[0]
        self.tabs.setCurrentIndex(target.tab)
        focus = target.table.table if target.table is not None else target.widget
        focus.setFocus()
        scroll = self.tabs.widget(target.tab)
        if isinstance(scroll, QScrollArea):
            scroll.ensureWidgetVisible(target.widget)

    # ------------------------------------------------------------------ small state helpers
    def _update_buttons(self) -> None:
        ready = self._vault is not None and not self._busy and not self._foreign
        dirty = not self._id or self.has_unsaved_changes()
        self.save_button.setEnabled(ready and not self._issues and dirty)
        self.delete_button.setEnabled(ready and bool(self._id))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.tabs, self.reason_edit, self.ref_code):
            widget.setEnabled(enabled)
        self._update_buttons()

    def _hide_bars(self) -> None:
        self.stale_bar.hide()
        self.delete_bar.hide()
        self.delete_reason.clear()

    def _show_stale(self) -> None:
        self.stale_label.setText(
            self.tr(
                "Not saved: this incident was saved elsewhere after you opened it. Reload the "
                "latest version (your unsaved edits here will be lost), then make them again."
            )
        )
        self.stale_bar.show()
        self.reload_button.setFocus()
