"""Witnesses, their consent and their statements (issue 3, section 3).

A witness is shown everywhere by the pseudonymous code only. The identity fields stay masked
("(hidden)") until someone reveals them on purpose with a stated reason: the vault logs every
reveal, and the panel hides the identity again as soon as another witness is selected or the
vault is locked, so a name is on screen only while someone meant it to be.

Consent is a lifecycle: the history lists every event and the scopes in force now are shown
prominently, in the list and above the statements, because every later use of a statement
depends on them. Statements carry the interview's circumstances, the original text and its
translation, and attachments chosen from the vault's evidence items.

All text from the vault is shown as plain text; names and excerpts that may be in Arabic script
are isolated (U+2068 … U+2069) where they sit inside a sentence, so they cannot reorder it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.model import GENDERS
from fieldapp.domain.witness import (
    CONSENT_METHODS,
    CONSENT_SCOPES,
    HIDDEN,
    STATEMENT_TYPES,
    ConsentEvent,
    Statement,
    Witness,
    WitnessIdentity,
    current_scopes,
    withdrawn_scopes,
)
from fieldapp.errors import FieldIssue, RecordNotFound, ValidationError
from fieldapp.store.vault import IncidentQuery
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP, format_count
from fieldapp.ui.messages import show_error
from fieldapp.ui.observations import excerpt, now_utc
from fieldapp.ui.register import select_row
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import (
    INVALID_STYLE,
    IssueLabel,
    VocabCombo,
    plain_label,
    plain_tooltip,
    set_invalid,
    vocab_choices,
    vocab_label,
)

if TYPE_CHECKING:
    from fieldapp.domain.evidence import EvidenceItem
    from fieldapp.store.records import IncidentRow
    from fieldapp.store.vault import Vault

WITNESS_COLUMNS = (
    QT_TRANSLATE_NOOP("WitnessPanel", "Code"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Consent in force"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Withdrawn"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Protection"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Incidents"),
)
STATEMENT_COLUMNS = (
    QT_TRANSLATE_NOOP("WitnessPanel", "Interview (UTC)"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Witness"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Type"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Language"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Text"),
)
CONSENT_COLUMNS = (
    QT_TRANSLATE_NOOP("WitnessPanel", "Date (UTC)"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Action"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Scopes"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Method"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Language"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Interpreter"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Guardian"),
    QT_TRANSLATE_NOOP("WitnessPanel", "Notes"),
)
INCIDENT_LIMIT = 2000
EVIDENCE_LIMIT = 2000

# Short names of the consent scopes for the list, where space is scarce.
SCOPE_CHIPS: dict[str, str] = {
    "cell_use": QT_TRANSLATE_NOOP("scopes", "cell"),
    "share_hq": QT_TRANSLATE_NOOP("scopes", "HQ"),
    "share_partners": QT_TRANSLATE_NOOP("scopes", "partners"),
    "investigation_court": QT_TRANSLATE_NOOP("scopes", "court"),
    "anonymised_publication": QT_TRANSLATE_NOOP("scopes", "publication"),
    "recontact": QT_TRANSLATE_NOOP("scopes", "recontact"),
}
SCOPE_LABELS: dict[str, str] = {
    "cell_use": QT_TRANSLATE_NOOP("scopes", "use by the cell"),
    "share_hq": QT_TRANSLATE_NOOP("scopes", "share with HQ"),
    "share_partners": QT_TRANSLATE_NOOP("scopes", "share with partners"),
    "investigation_court": QT_TRANSLATE_NOOP("scopes", "investigation / court"),
    "anonymised_publication": QT_TRANSLATE_NOOP("scopes", "anonymised publication"),
    "recontact": QT_TRANSLATE_NOOP("scopes", "recontact"),
}
PROTECTION_MARK = QT_TRANSLATE_NOOP("WitnessPanel", "⚠ protection")
WITHDRAWN_COLOUR = QColor("#c9302c")

LRI, PDI = "\u2068", "\u2069"  # first-strong isolate … pop directional isolate


def isolate(text: str) -> str:
    """`text` wrapped in a bidi isolate, for embedding names or excerpts inside a sentence."""
    return f"{LRI}{text}{PDI}" if text else ""


def scope_chips(scopes: Sequence[str]) -> str:
    """Short form of scopes for the list: "cell · HQ"; "none" when there are none."""
    chips = (QCoreApplication.translate("scopes", SCOPE_CHIPS.get(s, s)) for s in scopes)
    return " · ".join(chips) or QCoreApplication.translate("scopes", "none")


def scope_label(scope: str) -> str:
    """The scope's name in a sentence, in the interface language (unknown codes as they are)."""
    return (
        QCoreApplication.translate("scopes", SCOPE_LABELS[scope])
        if scope in SCOPE_LABELS
        else scope
    )


def consent_summary(witness: Witness) -> str:
    """The sentence shown wherever the witness appears: what may be done with their word now."""
    scopes = current_scopes(witness)
    gone = withdrawn_scopes(witness)
    if scopes:
        text = QCoreApplication.translate("scopes", "Consent in force: {scopes}").format(
            scopes=", ".join(scope_label(s) for s in scopes)
        )
    elif witness.consent:
        text = QCoreApplication.translate("scopes", "NO CONSENT IN FORCE")
    else:
        text = QCoreApplication.translate("scopes", "No consent recorded yet")
    if gone:
        text = QCoreApplication.translate("scopes", "{summary}. WITHDRAWN: {scopes}").format(
            summary=text, scopes=", ".join(scope_label(s) for s in gone)
        )
    return text


@dataclass(frozen=True)
class _Data:
    witnesses: list[tuple[Witness, int]]
    incidents: list[IncidentRow]
    evidence: list[EvidenceItem]


@dataclass
class _Current:
    """The witness in the form: masked unless `revealed`; `version` 0 for a new one."""

    witness: Witness = field(default_factory=Witness)
    version: int = 0
    revealed: bool = False


def _issue_key(path: str) -> str:
    """`incident_ids[2]` -> `incident_ids`; `consent[3].scopes[0]` -> `scopes`."""
    last = path.rsplit(".", 1)[-1]
    return last.split("[", 1)[0]


class WitnessPanel(QWidget):
    """Witness list, witness form with consent lifecycle, and the witness's statements."""

    refreshed = Signal()  # the witness list shows the vault's current witnesses
    witness_loaded = Signal(str)  # witness id now in the form
    witness_saved = Signal(str)  # witness id, after a save or a consent event
    revealed = Signal(str)  # witness id whose identity is now shown
    statements_shown = Signal()  # the statement list was (re)filled
    statement_saved = Signal(str)  # statement id

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("witnessPanel")
        self.setStyleSheet(
            INVALID_STYLE + "QLabel#consentBanner { font-weight: bold; padding: 4px; "
            "border: 1px solid palette(mid); border-radius: 3px; }"
        )
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._witnesses: list[tuple[Witness, int]] = []
        self._shown: list[Witness] = []
        self._incidents: list[IncidentRow] = []
        self._evidence: list[EvidenceItem] = []
        self._current = _Current()
        self._statements: list[tuple[Statement, int]] = []
        self._statement: tuple[Statement, int] | None = None
        self._statement_witnesses: dict[str, str] = {}  # witness id -> "code [consent]"
        self._issue_labels: dict[str, tuple[QWidget, IssueLabel]] = {}
        self._build()
        self.set_vault(None)

    # ------------------------------------------------------------------ public API
    def set_vault(self, vault: Vault | None) -> None:
        """Attach the vault, or drop it (lock): every decrypted value goes, identity first."""
        self._hide_identity()
        self._vault = vault
        self._generation.advance()
        self._current = _Current()
        self._witnesses, self._shown, self._incidents, self._evidence = [], [], [], []
        self._statements, self._statement = [], None
        self._statement_witnesses = {}
        self.table.setRowCount(0)
        self.filter_edit.clear()
        self._fill_incident_filter()
        self._clear_witness_form()
        self._clear_statement_form()
        self.statement_table.setRowCount(0)
        self.search_edit.clear()
        self.status.setText("")
        self.setEnabled(vault is not None)
        if vault is not None:
            self.refresh()

    def refresh(self) -> None:
        """Reload witnesses, incidents and evidence items from the vault."""
        if self._vault is None:
            return
        vault = self._vault
        incident_id = self.incident_filter.code() or None

        def work() -> _Data:
            return _Data(
                vault.list_witnesses(incident_id=incident_id, limit=INCIDENT_LIMIT),
                vault.query_incidents(IncidentQuery(limit=INCIDENT_LIMIT)),
                vault.list_evidence(limit=EVIDENCE_LIMIT),
            )

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, _Data)
            self._show_data(result)
            self.refreshed.emit()

        self._runner.submit(work, done, self._generation.current(self._failed))

    def witnesses(self) -> list[Witness]:
        """The witnesses as listed now (masked, after the text filter)."""
        return list(self._shown)

    def select_witness(self, witness_id: str) -> None:
        """Load a witness into the form, masked (a new selection always hides the identity)."""
        self._hide_identity()
        if self._vault is None:
            return
        vault = self._vault

        @self._generation.current
        def done(result: Any) -> None:
            witness, version = result
            self._load_witness(witness, version, revealed=False)
            if self._statement is None or self._statement[0].witness_id != witness.id:
                self.new_statement()  # never leave another witness's statement in the form
            self.witness_loaded.emit(witness.id)
            self.load_statements()

        self._runner.submit(
            lambda: vault.get_witness(witness_id), done, self._generation.current(self._failed)
        )

    def new_witness(self) -> None:
        """An empty form: identity fields are editable because the user is typing them."""
        self._hide_identity()
        self.table.clearSelection()
        self._clear_witness_form()
        self._clear_statement_form()
        self.statement_table.setRowCount(0)
        self.status.setText(self.tr("New witness: the code is assigned when it is saved."))

    def ask_reveal(self) -> None:
        """Show the inline reason box ("Reveal identity…")."""
        if not self._current.witness.id:
            return
        self.reveal_box.show()
        self.reveal_reason.setFocus()

    def reveal(self, reason: str | None = None) -> None:
        """Reveal the identity of the witness in the form for `reason` (logged by the vault)."""
        if reason is not None:
            self.reveal_reason.setText(reason)
        if self._vault is None or not self._current.witness.id:
            return
        reason_text = self.reveal_reason.text().strip()
        if not reason_text:
            self._show_reveal_issue([self.tr("say why the witness's identity must be revealed")])
            return
        vault = self._vault
        witness_id = self._current.witness.id

        @self._generation.current
        def done(result: Any) -> None:
            if self._current.witness.id != witness_id:
                return  # the selection moved on: do not show a name nobody is looking at
            witness, version = result
            self._load_witness(witness, version, revealed=True)
            self.status.setText(
                self.tr("Identity of {code} revealed (logged).").format(code=witness.code)
            )
            self.revealed.emit(witness.id)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._show_reveal_issue([i.message for i in exc.issues])
            else:
                show_error(self, exc)

        self._runner.submit(
            lambda: vault.get_witness(witness_id, reveal=True, reason=reason_text), done, failed
        )

    def save_witness(self) -> None:
        """Store the form as a new witness or a new version of the one loaded."""
        if self._vault is None:
            return
        witness = self._collect_witness()
        current = self._current
        vault = self._vault
        expected = current.version or None
        reason = "witness edited" if witness.id else "witness recorded"

        @self._generation.current
        def done(result: Any) -> None:
            stored, version = result
            self._hide_identity()
            self._load_witness(stored, version, revealed=False)
            self.status.setText(self.tr("Witness {code} saved.").format(code=stored.code))
            self.witness_saved.emit(stored.id)
            self.refresh()

        self._runner.submit(
            lambda: vault.save_witness(witness, reason, expected_version=expected),
            done,
            self._form_failed(self._show_witness_issues),
        )

    def ask_consent(self, action: str) -> None:
        """Open the inline consent form for "given" (Record consent…) or "withdrawn"."""
        if not self._current.witness.id:
            self.status.setText(self.tr("Save the witness first, then record consent."))
            return
        self._consent_action = action
        given = action == "given"
        self.consent_box.setTitle(
            self.tr("Record consent") if given else self.tr("Record withdrawal")
        )
        self.consent_date.setText(now_utc())
        # Each event is recorded afresh: nothing carries over from the last one.
        for edit in (self.consent_language, self.consent_interpreter, self.consent_guardian):
            edit.clear()
        self.consent_notes.clear()
        self.consent_method.setCurrentIndex(0)
        active = set(current_scopes(self._current.witness))
        for scope, box in self.consent_scope_boxes.items():
            box.setChecked(False)
            box.setEnabled(given or scope in active)
        for widget in (self.consent_method, self.consent_guardian):
            widget.setVisible(given)
        for label in (self._method_label, self._guardian_label):
            label.setVisible(given)
        self.consent_hint.setText(
            ""
            if given
            else self.tr("Tick the scopes withdrawn; none ticked withdraws every scope.")
        )
        self._show_consent_issues([])
        self.consent_box.show()

    def record_consent(self) -> None:
        """Append the consent event in the inline form to the witness's lifecycle."""
        if self._vault is None or not self._current.witness.id:
            return
        given = self._consent_action == "given"
        event = ConsentEvent(
            action=self._consent_action,
            date=self.consent_date.text().strip(),
            scopes=[s for s, box in self.consent_scope_boxes.items() if box.isChecked()],
            method=self.consent_method.code() if given else "",
            language=self.consent_language.text().strip(),
            interpreter=self.consent_interpreter.text().strip(),
            guardian=self.consent_guardian.text().strip() if given else "",
            notes=self.consent_notes.toPlainText(),
        )
        vault = self._vault
        witness_id = self._current.witness.id
        reason = "consent given" if given else "consent withdrawn"

        @self._generation.current
        def done(result: Any) -> None:
            stored, version = result
            self._hide_identity()
            self._load_witness(stored, version, revealed=False)
            self.consent_box.hide()
            self.status.setText(
                (
                    self.tr("Consent recorded for {code}.")
                    if given
                    else self.tr("Withdrawal recorded for {code}.")
                ).format(code=stored.code)
            )
            self.witness_saved.emit(stored.id)
            self.refresh()

        self._runner.submit(
            lambda: vault.record_consent(witness_id, event, reason),
            done,
            self._form_failed(self._show_consent_issues),
        )

    def load_statements(self) -> None:
        """List the statements: the search box searches all of them, else this witness's."""
        if self._vault is None:
            return
        vault = self._vault
        text = self.search_edit.text()
        witness_id = self._current.witness.id
        if not text.strip() and not witness_id:
            self._show_statements([], {})
            return

        known = {w.id: w for w, _ in self._witnesses}

        def work() -> tuple[list[tuple[Statement, int]], dict[str, Witness]]:
            if text.strip():
                rows = vault.list_statements(text=text)
            else:
                rows = vault.list_statements(witness_id=witness_id)
            # The witness of each row, masked, for its code and consent (the list may be
            # filtered by incident, so a search can reach witnesses it does not show).
            witnesses = dict(known)
            for statement, _ in rows:
                if statement.witness_id not in witnesses:
                    try:
                        witnesses[statement.witness_id] = vault.get_witness(statement.witness_id)[0]
                    except RecordNotFound:
                        continue  # the row shows the bare id
            return rows, witnesses

        @self._generation.current
        def done(result: Any) -> None:
            rows, witnesses = result
            self._show_statements(rows, witnesses)

        self._runner.submit(work, done, self._generation.current(self._failed))

    def search_statements(self, text: str) -> None:
        self.search_edit.setText(text)
        self.load_statements()

    def statements(self) -> list[Statement]:
        return [s for s, _ in self._statements]

    def select_statement(self, row: int) -> None:
        if not 0 <= row < len(self._statements):
            return
        statement, version = self._statements[row]
        self._statement = (statement, version)
        self._fill_statement_form(statement)
        self.statement_witness.setText(
            self._statement_witnesses.get(statement.witness_id, statement.witness_id)
        )

    def new_statement(self) -> None:
        self._clear_statement_form()
        self.statement_date.setText(now_utc())
        witness = self._current.witness
        if witness.id:
            self.statement_witness.setText(
                f"{witness.code} [{scope_chips(current_scopes(witness))}]"
            )

    def save_statement(self) -> None:
        """Store the statement form (new, or a new version of the one selected)."""
        if self._vault is None:
            return
        statement = self._collect_statement()
        if not statement.witness_id:
            self._show_statement_issues(
                [FieldIssue("witness_id", self.tr("select or save a witness first"))]
            )
            return
        vault = self._vault
        expected = self._statement[1] if self._statement else None
        reason = "statement edited" if statement.id else "statement recorded"

        @self._generation.current
        def done(result: Any) -> None:
            stored, version = result
            self._statement = (stored, version)
            self._show_statement_issues([])
            self.status.setText(self.tr("Statement saved."))
            self.statement_saved.emit(stored.id)
            self.load_statements()

        self._runner.submit(
            lambda: vault.save_statement(statement, reason, expected_version=expected),
            done,
            self._form_failed(self._show_statement_issues),
        )

    def rendered_identity(self) -> dict[str, str]:
        """What the identity fields show now (for tests and for the lock check)."""
        return {
            "name": self.name_edit.text(),
            "contact": self.contact_edit.text(),
            "age": self.age_edit.text(),
            "gender": self.gender_combo.currentText(),
            "community": self.community_edit.text(),
        }

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        # --- the list
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.filter_edit = QLineEdit(left)
        self.filter_edit.setPlaceholderText(self.tr("filter: code, scope, protection"))
        self.filter_edit.setAccessibleName(self.tr("filter witnesses"))
        self.filter_edit.textChanged.connect(lambda _t: self._apply_filter())
        self.incident_filter = VocabCombo([], blank=self.tr("All incidents"), parent=left)
        self.incident_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.incident_filter.setMinimumContentsLength(16)
        self.incident_filter.setAccessibleName(self.tr("witnesses of incident"))
        self.incident_filter.activated.connect(lambda _i: self.refresh())
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.incident_filter)
        left_layout.addLayout(filters)
        self.table = QTableWidget(0, len(WITNESS_COLUMNS), left)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in WITNESS_COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("witnesses"))
        for col, width in enumerate((125, 120, 120, 95)):
            self.table.setColumnWidth(col, width)
        self.table.itemSelectionChanged.connect(self._on_selection)
        left_layout.addWidget(self.table, 1)
        self.new_button = QPushButton(self.tr("New witness"), left)
        self.new_button.clicked.connect(self.new_witness)
        left_layout.addWidget(self.new_button)

        # --- the tabs
        self.tabs = QTabWidget(self)
        self.tabs.addTab(_scrolled(self._build_witness_tab()), self.tr("Witness && consent"))
        self.tabs.addTab(self._build_statement_tab(), self.tr("Statements"))

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([560, 840])
        self.status = plain_label("", self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)

    def _build_witness_tab(self) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        self.code_label = plain_label("", page)
        font = QFont(self.code_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.code_label.setFont(font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAccessibleName(self.tr("witness code"))
        column.addWidget(self.code_label)
        self.consent_banner = plain_label("", page)
        self.consent_banner.setObjectName("consentBanner")
        self.consent_banner.setWordWrap(True)
        self.consent_banner.setAccessibleName(self.tr("consent in force"))
        column.addWidget(self.consent_banner)

        ident_box = QGroupBox(self.tr("Identity (sensitive)"), page)
        ident = QFormLayout(ident_box)
        self.name_edit = QLineEdit(ident_box)
        self.contact_edit = QLineEdit(ident_box)
        self.age_edit = QLineEdit(ident_box)
        self.age_edit.setPlaceholderText(self.tr("whole years"))
        self.gender_combo = VocabCombo(vocab_choices(GENDERS), parent=ident_box)
        self.community_edit = QLineEdit(ident_box)
        for label, key, widget in (
            (self.tr("Name"), "name", self.name_edit),
            (self.tr("Contact"), "contact", self.contact_edit),
            (self.tr("Age"), "age", self.age_edit),
            (self.tr("Gender"), "gender", self.gender_combo),
            (self.tr("Community"), "community", self.community_edit),
        ):
            widget.setAccessibleName(label)
            ident.addRow(plain_label(label, ident_box), self._with_issue(ident_box, key, widget))
        reveal_row = QHBoxLayout()
        self.reveal_button = QPushButton(self.tr("Reveal identity…"), ident_box)
        self.reveal_button.setToolTip(
            plain_tooltip(
                self.tr("Shows the identity after you give a reason; every reveal is logged.")
            )
        )
        self.reveal_button.clicked.connect(self._on_reveal_button)
        reveal_row.addWidget(self.reveal_button)
        self.revealed_banner = plain_label(
            self.tr(
                "Identity shown (logged). It is hidden again when you select another witness, "
                "save, or lock."
            ),
            ident_box,
        )
        self.revealed_banner.setObjectName("sensitiveBanner")
        self.revealed_banner.setWordWrap(True)
        self.revealed_banner.hide()
        reveal_row.addWidget(self.revealed_banner, 1)
        reveal_row.addStretch(1)
        ident.addRow(reveal_row)
        self.reveal_box = QWidget(ident_box)
        reveal_form = QHBoxLayout(self.reveal_box)
        reveal_form.setContentsMargins(0, 0, 0, 0)
        self.reveal_reason = QLineEdit(self.reveal_box)
        self.reveal_reason.setPlaceholderText(self.tr("reason for revealing (logged)"))
        self.reveal_reason.setAccessibleName(self.tr("reason for revealing the identity"))
        self.reveal_reason.returnPressed.connect(lambda: self.reveal())
        self.reveal_confirm = QPushButton(self.tr("Reveal"), self.reveal_box)
        self.reveal_confirm.clicked.connect(lambda: self.reveal())
        self.reveal_cancel = QPushButton(self.tr("Cancel"), self.reveal_box)
        self.reveal_cancel.clicked.connect(self._cancel_reveal)
        reveal_form.addWidget(self.reveal_reason, 1)
        reveal_form.addWidget(self.reveal_confirm)
        reveal_form.addWidget(self.reveal_cancel)
        self.reveal_issue = IssueLabel(ident_box)
        ident.addRow(self.reveal_box)
        ident.addRow(self.reveal_issue)
        column.addWidget(ident_box)

        other = QFormLayout()
        self.minor_box = QCheckBox(self.tr("Minor (consent needs a guardian)"), page)
        other.addRow(plain_label("", page), self._with_issue(page, "minor", self.minor_box))
        self.protection_edit = QPlainTextEdit(page)
        self.protection_edit.setTabChangesFocus(True)
        self.protection_edit.setMaximumHeight(60)
        self.protection_edit.setAccessibleName(self.tr("protection concerns"))
        other.addRow(
            plain_label(self.tr("Protection concerns"), page),
            self._with_issue(page, "protection_concerns", self.protection_edit),
        )
        self.incident_list = QListWidget(page)
        self.incident_list.setAccessibleName(self.tr("linked incidents"))
        self.incident_list.setMaximumHeight(90)
        other.addRow(
            plain_label(self.tr("Linked incidents"), page),
            self._with_issue(page, "incident_ids", self.incident_list),
        )
        self.notes_edit = QPlainTextEdit(page)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMaximumHeight(60)
        other.addRow(
            plain_label(self.tr("Notes"), page), self._with_issue(page, "notes", self.notes_edit)
        )
        column.addLayout(other)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        self.save_button = QPushButton(self.tr("Save witness"), page)
        self.save_button.clicked.connect(self.save_witness)
        save_row.addWidget(self.save_button)
        column.addLayout(save_row)

        # --- consent lifecycle
        consent_group = QGroupBox(self.tr("Consent history"), page)
        consent_layout = QVBoxLayout(consent_group)
        self.consent_table = QTableWidget(0, len(CONSENT_COLUMNS), consent_group)
        self.consent_table.setHorizontalHeaderLabels([self.tr(c) for c in CONSENT_COLUMNS])
        self.consent_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.consent_table.verticalHeader().setVisible(False)
        self.consent_table.horizontalHeader().setStretchLastSection(True)
        self.consent_table.setAccessibleName(self.tr("consent history"))
        self.consent_table.setMinimumHeight(100)
        self.consent_table.setMaximumHeight(160)
        consent_layout.addWidget(self.consent_table)
        buttons = QHBoxLayout()
        self.consent_button = QPushButton(self.tr("Record consent…"), consent_group)
        self.consent_button.clicked.connect(lambda: self.ask_consent("given"))
        self.withdraw_button = QPushButton(self.tr("Record withdrawal…"), consent_group)
        self.withdraw_button.clicked.connect(lambda: self.ask_consent("withdrawn"))
        buttons.addWidget(self.consent_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        consent_layout.addLayout(buttons)
        self.consent_box = QGroupBox(self.tr("Record consent"), consent_group)
        self._consent_action = "given"
        cform = QFormLayout(self.consent_box)
        self.consent_hint = plain_label("", self.consent_box)
        cform.addRow(self.consent_hint)
        self.consent_date = QLineEdit(self.consent_box)
        self.consent_date.setPlaceholderText(self.tr("YYYY-MM-DDTHH:MM:SSZ (UTC)"))
        self.consent_date.setAccessibleName(self.tr("consent date"))
        cform.addRow(
            plain_label(self.tr("Date (UTC)"), self.consent_box),
            self._with_issue(self.consent_box, "c.date", self.consent_date),
        )
        scopes = QWidget(self.consent_box)
        scope_grid = QVBoxLayout(scopes)
        scope_grid.setContentsMargins(0, 0, 0, 0)
        self.consent_scope_boxes: dict[str, QCheckBox] = {}
        for scope in CONSENT_SCOPES:
            box = QCheckBox(
                scope_label(scope) if scope in SCOPE_LABELS else vocab_label(scope), scopes
            )
            self.consent_scope_boxes[scope] = box
            scope_grid.addWidget(box)
        cform.addRow(
            plain_label(self.tr("Scopes"), self.consent_box),
            self._with_issue(self.consent_box, "c.scopes", scopes),
        )
        self.consent_method = VocabCombo.for_vocab(CONSENT_METHODS, blank="—")
        self._method_label = plain_label(self.tr("Method"), self.consent_box)
        cform.addRow(
            self._method_label, self._with_issue(self.consent_box, "c.method", self.consent_method)
        )
        self.consent_language = QLineEdit(self.consent_box)
        self.consent_language.setPlaceholderText(self.tr("e.g. ar, en"))
        cform.addRow(
            plain_label(self.tr("Language"), self.consent_box),
            self._with_issue(self.consent_box, "c.language", self.consent_language),
        )
        self.consent_interpreter = QLineEdit(self.consent_box)
        cform.addRow(
            plain_label(self.tr("Interpreter"), self.consent_box), self.consent_interpreter
        )
        self.consent_guardian = QLineEdit(self.consent_box)
        self._guardian_label = plain_label(self.tr("Guardian"), self.consent_box)
        cform.addRow(
            self._guardian_label,
            self._with_issue(self.consent_box, "c.guardian", self.consent_guardian),
        )
        self.consent_notes = QPlainTextEdit(self.consent_box)
        self.consent_notes.setMaximumHeight(50)
        self.consent_notes.setTabChangesFocus(True)
        cform.addRow(plain_label(self.tr("Notes"), self.consent_box), self.consent_notes)
        crow = QHBoxLayout()
        crow.addStretch(1)
        self.consent_cancel = QPushButton(self.tr("Cancel"), self.consent_box)
        self.consent_cancel.clicked.connect(self.consent_box.hide)
        self.consent_record = QPushButton(self.tr("Record"), self.consent_box)
        self.consent_record.clicked.connect(self.record_consent)
        crow.addWidget(self.consent_cancel)
        crow.addWidget(self.consent_record)
        cform.addRow(crow)
        self.consent_issue = IssueLabel(self.consent_box)
        cform.addRow(self.consent_issue)
        consent_layout.addWidget(self.consent_box)
        column.addWidget(consent_group)
        column.addStretch(1)
        return page

    def _build_statement_tab(self) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        self.statement_banner = plain_label("", page)
        self.statement_banner.setObjectName("consentBanner")
        self.statement_banner.setWordWrap(True)
        column.addWidget(self.statement_banner)
        search_row = QHBoxLayout()
        self.search_edit = QLineEdit(page)
        self.search_edit.setPlaceholderText(self.tr("search the text of every statement"))
        self.search_edit.setAccessibleName(self.tr("search statements"))
        self.search_edit.returnPressed.connect(self.load_statements)
        self.search_button = QPushButton(self.tr("Search"), page)
        self.search_button.clicked.connect(self.load_statements)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_button)
        column.addLayout(search_row)
        self.statement_table = QTableWidget(0, len(STATEMENT_COLUMNS), page)
        self.statement_table.setHorizontalHeaderLabels([self.tr(c) for c in STATEMENT_COLUMNS])
        self.statement_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.statement_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.statement_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.statement_table.verticalHeader().setVisible(False)
        self.statement_table.horizontalHeader().setStretchLastSection(True)
        self.statement_table.setAccessibleName(self.tr("statements"))
        self.statement_table.setMaximumHeight(150)
        self.statement_table.itemSelectionChanged.connect(self._on_statement_selection)
        column.addWidget(self.statement_table)

        form_page = QWidget(page)
        form = QFormLayout(form_page)
        self.statement_date = QLineEdit(form_page)
        self.statement_date.setPlaceholderText(self.tr("YYYY-MM-DDTHH:MM:SSZ (UTC)"))
        self.statement_place = QLineEdit(form_page)
        self.statement_interviewer = QLineEdit(form_page)
        self.statement_interpreter = QLineEdit(form_page)
        self.statement_language = QLineEdit(form_page)
        self.statement_language.setPlaceholderText(self.tr("e.g. ar, en"))
        self.statement_type = VocabCombo.for_vocab(STATEMENT_TYPES, parent=form_page)
        self.original_edit = QPlainTextEdit(form_page)
        self.original_edit.setTabChangesFocus(True)
        self.translation_edit = QPlainTextEdit(form_page)
        self.translation_edit.setTabChangesFocus(True)
        self.statement_incidents = QListWidget(form_page)
        self.statement_incidents.setMaximumHeight(80)
        self.attachment_list = QListWidget(form_page)
        self.attachment_list.setMaximumHeight(80)
        self.statement_witness = plain_label("", form_page)
        self.statement_witness.setAccessibleName(self.tr("statement given by"))
        form.addRow(plain_label(self.tr("Given by"), form_page), self.statement_witness)
        for label, key, widget in (
            (self.tr("Interview date (UTC)"), "interview_date", self.statement_date),
            (self.tr("Place"), "interview_place", self.statement_place),
            (self.tr("Interviewer"), "interviewer", self.statement_interviewer),
            (self.tr("Interpreter"), "interpreter", self.statement_interpreter),
            (self.tr("Language"), "language", self.statement_language),
            (self.tr("Type"), "type", self.statement_type),
            (self.tr("Original text"), "original_text", self.original_edit),
            (self.tr("Translation"), "translation", self.translation_edit),
            (self.tr("Incidents"), "s.incident_ids", self.statement_incidents),
            (self.tr("Attachments"), "attachment_ids", self.attachment_list),
        ):
            widget.setAccessibleName(label)
            form.addRow(plain_label(label, form_page), self._with_issue(form_page, key, widget))
        self.statement_issue = IssueLabel(form_page)
        form.addRow(self.statement_issue)
        column.addWidget(_scrolled(form_page), 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.new_statement_button = QPushButton(self.tr("New statement"), page)
        self.new_statement_button.clicked.connect(self.new_statement)
        self.save_statement_button = QPushButton(self.tr("Save statement"), page)
        self.save_statement_button.clicked.connect(self.save_statement)
        row.addWidget(self.new_statement_button)
        row.addWidget(self.save_statement_button)
        column.addLayout(row)
        return page

    def _with_issue(self, parent: QWidget, key: str, widget: QWidget) -> QWidget:
        label = IssueLabel(parent)
        self._issue_labels[key] = (widget, label)
        box = QWidget(parent)
        col = QVBoxLayout(box)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        col.addWidget(widget)
        col.addWidget(label)
        return box

    # ------------------------------------------------------------------ witness list
    def _show_data(self, data: _Data) -> None:
        self._witnesses = list(data.witnesses)
        self._incidents = list(data.incidents)
        self._evidence = list(data.evidence)
        self._fill_incident_filter()
        self._apply_filter()
        if self._current.witness.id:
            self._fill_incident_links(self.incident_list, self._current.witness.incident_ids)
        else:
            self._fill_incident_links(self.incident_list, self._linked(self.incident_list))
        statement = self._statement[0] if self._statement else None
        self._fill_incident_links(
            self.statement_incidents,
            statement.incident_ids if statement else self._linked(self.statement_incidents),
        )
        self._fill_attachments(
            statement.attachment_ids if statement else self._linked(self.attachment_list)
        )

    def _fill_incident_filter(self) -> None:
        chosen = self.incident_filter.code()
        self.incident_filter.blockSignals(True)
        self.incident_filter.clear()
        self.incident_filter.addItem(self.tr("All incidents"), "")
        for row in self._incidents:
            self.incident_filter.addItem(_incident_label(row), row.id)
        index = self.incident_filter.findData(chosen)
        self.incident_filter.setCurrentIndex(max(index, 0))
        self.incident_filter.blockSignals(False)

    def _apply_filter(self) -> None:
        needle = self.filter_edit.text().strip().casefold()
        codes = {row.id: row.ref_code for row in self._incidents}
        shown = []
        for witness, _version in self._witnesses:
            haystack = " ".join(
                [
                    witness.code,
                    scope_chips(current_scopes(witness)),
                    scope_chips(withdrawn_scopes(witness)),
                    witness.protection_concerns,
                    " ".join(codes.get(i, "") for i in witness.incident_ids),
                ]
            ).casefold()
            if needle in haystack:
                shown.append(witness)
        self._shown = shown
        selected = self._current.witness.id
        self.table.blockSignals(True)
        self.table.setRowCount(len(shown))
        for row, witness in enumerate(shown):
            gone = withdrawn_scopes(witness)
            cells = (
                witness.code,
                scope_chips(current_scopes(witness)),
                self.tr("WITHDRAWN: {scopes}").format(scopes=scope_chips(gone)) if gone else "",
                self.tr(PROTECTION_MARK) if witness.protection_concerns.strip() else "",
                ", ".join(codes.get(i, i[:8] + "…") for i in witness.incident_ids),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, witness.id)
                if col == 2 and gone:
                    item.setForeground(QBrush(WITHDRAWN_COLOUR))
                    bold = QFont(item.font())
                    bold.setBold(True)
                    item.setFont(bold)
                self.table.setItem(row, col, item)
            if witness.id == selected:
                select_row(self.table, row)
        self.table.blockSignals(False)

    def _on_selection(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        if not rows or rows[0] >= len(self._shown):
            return
        witness = self._shown[rows[0]]
        if witness.id != self._current.witness.id:
            self.select_witness(witness.id)

    # ------------------------------------------------------------------ witness form
    def _hide_identity(self) -> None:
        """Forget a revealed identity: the values leave the widgets and the kept record."""
        if self._current.revealed:
            self._current.witness.identity = WitnessIdentity()
            self._current.revealed = False
        for edit in (self.name_edit, self.contact_edit, self.age_edit, self.community_edit):
            edit.clear()
        self.gender_combo.setCurrentIndex(0)
        self.reveal_reason.clear()
        self.reveal_box.hide()
        self.revealed_banner.hide()
        self.reveal_button.setText(self.tr("Reveal identity…"))
        self._show_reveal_issue([])

    def _clear_witness_form(self) -> None:
        self._current = _Current()
        self._hide_identity()
        self._set_identity_editable(True)
        hidden_at = self.gender_combo.findData(HIDDEN)
        if hidden_at >= 0:
            self.gender_combo.removeItem(hidden_at)
        self.gender_combo.set_code("unknown")
        self.code_label.setText(self.tr("New witness (code assigned on save)"))
        self.consent_banner.setText(self.tr("No consent recorded yet"))
        self.statement_banner.setText(self.tr("Select a witness to see and add statements."))
        self.minor_box.setChecked(False)
        self.protection_edit.clear()
        self.notes_edit.clear()
        self._fill_incident_links(self.incident_list, [])
        self.consent_table.setRowCount(0)
        self.consent_box.hide()
        self.reveal_button.setEnabled(False)
        self.consent_button.setEnabled(False)
        self.withdraw_button.setEnabled(False)
        self._show_witness_issues([])

    def _load_witness(self, witness: Witness, version: int, *, revealed: bool) -> None:
        self._current = _Current(copy.deepcopy(witness), version, revealed)
        ident = witness.identity
        self.code_label.setText(witness.code)
        self.name_edit.setText(ident.name)
        self.contact_edit.setText(ident.contact)
        self.age_edit.setText(ident.age)
        self.community_edit.setText(ident.community)
        if ident.gender == HIDDEN:
            if self.gender_combo.findData(HIDDEN) < 0:
                self.gender_combo.addItem(HIDDEN, HIDDEN)
            self.gender_combo.setCurrentIndex(self.gender_combo.findData(HIDDEN))
        else:
            hidden_at = self.gender_combo.findData(HIDDEN)
            if hidden_at >= 0:
                self.gender_combo.removeItem(hidden_at)
            self.gender_combo.set_code(ident.gender or "unknown")
        self._set_identity_editable(revealed)
        self.reveal_button.setEnabled(True)
        self.reveal_button.setText(
            self.tr("Hide identity") if revealed else self.tr("Reveal identity…")
        )
        self.revealed_banner.setVisible(revealed)
        self.reveal_box.hide()
        self.minor_box.setChecked(witness.minor)
        self.protection_edit.setPlainText(witness.protection_concerns)
        self.notes_edit.setPlainText(witness.notes)
        self._fill_incident_links(self.incident_list, witness.incident_ids)
        self._fill_consent(witness)
        summary = consent_summary(witness)
        self.consent_banner.setText(summary)
        self.statement_banner.setText(
            self.tr("Statements of {code}. {summary}").format(code=witness.code, summary=summary)
        )
        self.consent_button.setEnabled(True)
        self.withdraw_button.setEnabled(bool(current_scopes(witness)))
        self._show_witness_issues([])

    def _set_identity_editable(self, editable: bool) -> None:
        # A saved witness's identity can only be edited once revealed: an edit must start from
        # the real values, never from the mask.
        for edit in (self.name_edit, self.contact_edit, self.age_edit, self.community_edit):
            edit.setReadOnly(not editable)
        self.gender_combo.setEnabled(editable)

    def _on_reveal_button(self) -> None:
        if self._current.revealed:
            self.select_witness(self._current.witness.id)  # reload masked
        else:
            self.ask_reveal()

    def _cancel_reveal(self) -> None:
        self.reveal_reason.clear()
        self.reveal_box.hide()
        self._show_reveal_issue([])

    def _show_reveal_issue(self, messages: list[str]) -> None:
        set_invalid(self.reveal_reason, messages)
        self.reveal_issue.set_messages(messages)

    def _fill_consent(self, witness: Witness) -> None:
        self.consent_table.setRowCount(len(witness.consent))
        for row, event in enumerate(witness.consent):
            cells = (
                event.date,
                event.action,
                ", ".join(scope_label(s) for s in event.scopes)
                or (self.tr("every scope") if event.action == "withdrawn" else ""),
                event.method,
                event.language,
                event.interpreter,
                event.guardian,
                excerpt(event.notes),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if event.action == "withdrawn":
                    item.setForeground(QBrush(WITHDRAWN_COLOUR))
                self.consent_table.setItem(row, col, item)
        self.consent_table.resizeColumnsToContents()

    def _collect_witness(self) -> Witness:
        current = self._current.witness
        return Witness(
            id=current.id,
            code=current.code,
            identity=WitnessIdentity(
                name=self.name_edit.text().strip(),
                contact=self.contact_edit.text().strip(),
                age=self.age_edit.text().strip(),
                gender=self.gender_combo.code(),
                community=self.community_edit.text().strip(),
            ),
            minor=self.minor_box.isChecked(),
            protection_concerns=self.protection_edit.toPlainText().strip(),
            consent=copy.deepcopy(current.consent),
            incident_ids=self._linked(self.incident_list),
            notes=self.notes_edit.toPlainText(),
        )

    def _show_witness_issues(self, issues: list[FieldIssue]) -> None:
        keys: tuple[str, ...] = ("name", "contact", "age", "gender", "community", "minor")
        keys += ("protection_concerns", "incident_ids", "notes")
        self._route_issues(issues, keys, "")

    def _show_consent_issues(self, issues: list[FieldIssue]) -> None:
        mine = [i for i in issues if i.path.startswith("consent[")]
        self._route_issues(
            mine, ("c.date", "c.scopes", "c.method", "c.language", "c.guardian"), "c."
        )
        other = [str(i) for i in issues if not i.path.startswith("consent[")]
        self.consent_issue.set_messages(other)

    def _show_statement_issues(self, issues: list[FieldIssue]) -> None:
        keys: tuple[str, ...] = ("interview_date", "interview_place", "interviewer")
        keys += ("interpreter", "language")
        keys += ("type", "original_text", "translation", "s.incident_ids", "attachment_ids")
        rest = self._route_issues(issues, keys, "", alias={"incident_ids": "s.incident_ids"})
        self.statement_issue.set_messages(rest)

    def _route_issues(
        self,
        issues: list[FieldIssue],
        keys: Sequence[str],
        prefix: str,
        alias: dict[str, str] | None = None,
    ) -> list[str]:
        """Show each issue under its field; returns the messages that belong to no field."""
        by_key: dict[str, list[str]] = {k: [] for k in keys}
        rest: list[str] = []
        for issue in issues:
            key = prefix + _issue_key(issue.path)
            key = (alias or {}).get(key, key)
            if key in by_key:
                by_key[key].append(issue.message)
            else:
                rest.append(str(issue))
        for key, messages in by_key.items():
            widget, label = self._issue_labels[key]
            set_invalid(widget, messages)
            label.set_messages(messages)
        if rest and not prefix and alias is None:
            self.status.setText("; ".join(rest))
        return rest

    # ------------------------------------------------------------------ statements
    def _show_statements(
        self, rows: list[tuple[Statement, int]], witnesses: dict[str, Witness]
    ) -> None:
        self._statements = list(rows)
        # The witness column carries the consent in force, as everywhere the witness appears.
        codes = {w.id: f"{w.code} [{scope_chips(current_scopes(w))}]" for w in witnesses.values()}
        self._statement_witnesses = codes
        self.statement_table.blockSignals(True)
        self.statement_table.setRowCount(len(rows))
        for row, (statement, _version) in enumerate(rows):
            cells = (
                statement.interview_date,
                codes.get(statement.witness_id, statement.witness_id[:8] + "…"),
                vocab_label(statement.type),
                statement.language,
                excerpt(statement.original_text),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 4:
                    item.setToolTip(plain_tooltip(excerpt(statement.translation)))
                self.statement_table.setItem(row, col, item)
        self.statement_table.resizeColumnsToContents()
        self.statement_table.horizontalHeader().setStretchLastSection(True)
        self.statement_table.blockSignals(False)
        self.statements_shown.emit()

    def _on_statement_selection(self) -> None:
        rows = sorted({i.row() for i in self.statement_table.selectedIndexes()})
        if rows:
            self.select_statement(rows[0])

    def _clear_statement_form(self) -> None:
        self._statement = None
        self.statement_witness.setText("")
        for edit in (
            self.statement_date,
            self.statement_place,
            self.statement_interviewer,
            self.statement_interpreter,
            self.statement_language,
        ):
            edit.clear()
        self.statement_type.setCurrentIndex(0)
        self.original_edit.clear()
        self.translation_edit.clear()
        self._fill_incident_links(self.statement_incidents, [])
        self._fill_attachments([])
        self._show_statement_issues([])

    def _fill_statement_form(self, statement: Statement) -> None:
        self.statement_date.setText(statement.interview_date)
        self.statement_place.setText(statement.interview_place)
        self.statement_interviewer.setText(statement.interviewer)
        self.statement_interpreter.setText(statement.interpreter)
        self.statement_language.setText(statement.language)
        self.statement_type.set_code(statement.type)
        self.original_edit.setPlainText(statement.original_text)
        self.translation_edit.setPlainText(statement.translation)
        self._fill_incident_links(self.statement_incidents, statement.incident_ids)
        self._fill_attachments(statement.attachment_ids)
        self._show_statement_issues([])

    def _collect_statement(self) -> Statement:
        existing = self._statement[0] if self._statement else None
        return Statement(
            id=existing.id if existing else "",
            witness_id=existing.witness_id if existing else self._current.witness.id,
            incident_ids=self._linked(self.statement_incidents),
            type=self.statement_type.code(),
            interview_date=self.statement_date.text().strip(),
            interview_place=self.statement_place.text().strip(),
            interviewer=self.statement_interviewer.text().strip(),
            interpreter=self.statement_interpreter.text().strip(),
            language=self.statement_language.text().strip(),
            original_text=self.original_edit.toPlainText(),
            translation=self.translation_edit.toPlainText(),
            attachment_ids=self._linked(self.attachment_list),
        )

    # ------------------------------------------------------------------ checkable link lists
    def _fill_incident_links(self, target: QListWidget, chosen: Sequence[str]) -> None:
        choices = [(row.id, _incident_label(row)) for row in self._incidents]
        self._fill_checkable(target, choices, chosen)

    def _fill_attachments(self, chosen: Sequence[str]) -> None:
        choices = [(item.id, _evidence_label(item)) for item in self._evidence]
        self._fill_checkable(self.attachment_list, choices, chosen)

    @staticmethod
    def _fill_checkable(
        target: QListWidget, choices: Sequence[tuple[str, str]], chosen: Sequence[str]
    ) -> None:
        wanted = list(chosen)
        known = {record_id for record_id, _ in choices}
        target.clear()
        unlisted = QCoreApplication.translate("WitnessPanel", "{id}… (not listed)")
        rows = list(choices) + [(i, unlisted.format(id=i[:8])) for i in wanted if i not in known]
        for record_id, label in rows:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, record_id)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsSelectable
            )
            checked = record_id in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            target.addItem(item)

    @staticmethod
    def _linked(target: QListWidget) -> list[str]:
        ids = []
        for i in range(target.count()):
            item = target.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def check_link(self, target: QListWidget, record_id: str, checked: bool = True) -> None:
        """Tick (or untick) the entry of `record_id` in one of the link lists."""
        for i in range(target.count()):
            item = target.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == record_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                return
        raise KeyError(record_id)

    # ------------------------------------------------------------------ errors
    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _form_failed(
        self, show: Callable[[list[FieldIssue]], None]
    ) -> Callable[[BaseException], None]:
        """An error callback for a form's save, wrapped when the save is submitted."""

        @self._generation.current
        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                show(exc.issues)
                self.status.setText(self.tr("Not saved: correct the marked fields."))
            else:
                show_error(self, exc)

        return failed


def _incident_label(row: IncidentRow) -> str:
    return f"{row.ref_code} — {isolate(row.title)}" if row.title else row.ref_code


def _evidence_label(item: EvidenceItem) -> str:
    name = isolate(item.caption or item.original_name or item.id[:8])
    return QCoreApplication.translate("WitnessPanel", "{name} ({type}, {size} bytes)").format(
        name=name,
        type=item.media_type or QCoreApplication.translate("WitnessPanel", "file"),
        size=format_count(item.size),
    )


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


__all__ = ["WitnessPanel", "consent_summary", "isolate", "scope_chips"]
