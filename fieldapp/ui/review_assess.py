"""The "Assess…" dialog: HQ's assessment of the selected incident, with its history.

It calls the same store functions as `fieldapp hq assess` / `hq assessments`
(`Vault.save_assessment`, `Vault.assessment_history`): the assessment is HQ's own record
referencing the incident, so the incident itself is never edited here. Work runs through the
runner like every vault call of the GUI; the dialog is non-modal (`open()`), and `discard()`
empties and closes it when the vault locks.

What is shown comes partly from field devices (titles) and from other users (rationales), so
every text is plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.assessment import HqAssessment
from fieldapp.domain.model import BELLIGERENT_VIEWS, INTERNAL_GRADES, PUBLIC_CATEGORIES
from fieldapp.store.assessments import AssessmentVersion
from fieldapp.store.vault import Vault
from fieldapp.ui.register import format_time, isolate
from fieldapp.ui.tasks import Runner
from fieldapp.ui.vault_admin import AddUserDialog, AdminDialog
from fieldapp.ui.widgets import plain_label, plain_tooltip, vocab_label

_VOCAB_FIELDS = ("public_category", "internal_grade", "belligerent_view")


@dataclass(frozen=True)
class AssessState:
    """What the dialog shows for one incident, read in one piece off the GUI thread."""

    incident_id: str
    ref_code: str
    title: str
    field_category: str
    current: HqAssessment | None
    version: int | None
    history: tuple[AssessmentVersion, ...]


def load_state(vault: Vault, incident_id: str) -> AssessState:
    """The incident's label, HQ's current assessment and its history (runs on a worker)."""
    incident, _ = vault.get_incident(incident_id)
    found = vault.get_assessment(incident_id)
    return AssessState(
        incident_id=incident_id,
        ref_code=incident.ref_code,
        title=incident.title,
        field_category=incident.assessment.public_category,
        current=found[0] if found else None,
        version=found[1] if found else None,
        history=tuple(vault.assessment_history(incident_id)),
    )


class AssessDialog(AdminDialog):
    """Assess one incident at HQ: category, grade, belligerent view, rationale, assessor."""

    saved = Signal(str)  # incident id, after an assessment was stored

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("assessDialog")
        self.setWindowTitle(self.tr("Assess incident"))
        self._state: AssessState | None = None

        self.incident_label = plain_label()
        self.incident_label.setObjectName("assessIncident")
        self.incident_label.setWordWrap(True)
        self.field_label = plain_label()
        self.field_label.setObjectName("assessFieldCategory")

        self.category_combo = self._combo(PUBLIC_CATEGORIES)
        self.grade_combo = self._combo(INTERNAL_GRADES)
        self.belligerent_combo = self._combo(BELLIGERENT_VIEWS)
        self.rationale_edit = QPlainTextEdit()
        self.rationale_edit.setObjectName("assessRationale")
        self.rationale_edit.setTabChangesFocus(True)
        self.rationale_edit.setPlaceholderText(
            self.tr("Why: sources, imagery, what was ruled out…")
        )
        self.rationale_edit.setMinimumHeight(90)
        self.rationale_edit.setMaximumHeight(140)
        self.rationale_edit.textChanged.connect(self._update_buttons)
        self.assessor_edit = QLineEdit()
        self.assessor_edit.setObjectName("assessAssessor")
        self.assessor_edit.setMaxLength(200)
        self.assessor_edit.textChanged.connect(self._update_buttons)

        form = QFormLayout()
        for text, widget in (
            (self.tr("Public &category:"), self.category_combo),
            (self.tr("Internal &grade:"), self.grade_combo),
            (self.tr("&Belligerent view:"), self.belligerent_combo),
            (self.tr("&Rationale:"), self.rationale_edit),
            (self.tr("&Assessor:"), self.assessor_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", "").rstrip(":"))
            form.addRow(label, widget)

        history_label = QLabel(self.tr("&History of HQ's assessments:"))
        self.history_list = QListWidget()
        self.history_list.setObjectName("assessHistory")
        self.history_list.setWordWrap(True)
        self.history_list.setMinimumHeight(160)
        self.history_list.setSpacing(3)
        self.history_list.setAlternatingRowColors(True)
        history_label.setBuddy(self.history_list)
        self.history_list.setAccessibleName(self.tr("History of HQ's assessments"))

        self.save_button = QPushButton(self.tr("&Save assessment"))
        self.save_button.setObjectName("assessSave")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(self.tr("Store this assessment (Ctrl+Return)"))
        self.save_button.clicked.connect(self.save)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.reject)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.activated.connect(self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(self.incident_label)
        layout.addWidget(self.field_label)
        layout.addLayout(form)
        layout.addWidget(history_label)
        layout.addWidget(self.history_list, 4)
        self._finish_layout(layout)
        self.resize(560, 620)
        self._update_buttons()

    def _combo(self, codes: tuple[str, ...]) -> QComboBox:
        combo = QComboBox()
        for code in codes:
            combo.addItem(vocab_label(code), code)
        return combo

    # --- opening ---------------------------------------------------------------------------
    def open_for_incident(self, vault: Vault, incident_id: str) -> None:
        """Show the dialog for one incident and load its assessment and history."""
        self.open_for(vault)
        self._state = None
        self.incident_label.setText(self.tr("Loading…"))
        self._run(
            self.tr("Loading the assessment…"),
            lambda v: load_state(v, incident_id),
            self._show_state,
        )

    def reset(self) -> None:
        super().reset()
        self.incident_label.clear()
        self.field_label.clear()
        self.rationale_edit.clear()
        self.assessor_edit.clear()
        self.history_list.clear()
        for combo in (self.category_combo, self.grade_combo, self.belligerent_combo):
            combo.setCurrentIndex(0)

    @property
    def state(self) -> AssessState | None:
        return self._state

    def _show_state(self, state: object) -> None:
        assert isinstance(state, AssessState)
        self._state = state
        self.incident_label.setText(f"{state.ref_code}  {isolate(state.title)}")
        self.field_label.setText(
            self.tr("Category recorded in the field: {category}").format(
                category=vocab_label(state.field_category) if state.field_category else "–"
            )
        )
        current = state.current
        vault = self.vault
        if current is not None:
            self._select(self.category_combo, current.public_category)
            self._select(self.grade_combo, current.internal_grade)
            self._select(self.belligerent_combo, current.belligerent_view)
            self.rationale_edit.setPlainText(current.rationale)
            self.assessor_edit.setText(current.assessor)
        else:
            if state.field_category:
                self._select(self.category_combo, state.field_category)
            self.assessor_edit.setText(vault.user if vault is not None else "")
        self._show_history(state.history)
        self._update_buttons()

    def _show_history(self, history: tuple[AssessmentVersion, ...]) -> None:
        self.history_list.clear()
        if not history:
            self.history_list.addItem(self.tr("Not assessed at HQ yet."))
            return
        for step in reversed(history):  # newest first
            a = step.assessment
            if a.assessor.casefold() == step.author.casefold():
                head = self.tr("v{version} · {at} · {assessor}").format(
                    version=step.version, at=format_time(step.at), assessor=isolate(a.assessor)
                )
            else:  # someone saved a panel's or a colleague's assessment
                head = self.tr("v{version} · {at} · {assessor} (saved by {author})").format(
                    version=step.version,
                    at=format_time(step.at),
                    assessor=isolate(a.assessor),
                    author=isolate(step.author),
                )
            # Named, because "Confirmed / Confirmed / Credible" left the reader to guess which
            # value was the category and which the grade.
            judged = self.tr(
                "Category {category} · grade {grade} · belligerent view {view}"
            ).format(
                category=vocab_label(a.public_category),
                grade=vocab_label(a.internal_grade),
                view=vocab_label(a.belligerent_view),
            )
            lines = [head, judged]
            for change in step.changes:
                lines.append(
                    "  "
                    + self.tr("{field}: {old} → {new}").format(
                        field=self._field_name(change.path),
                        old=self._value(change.path, change.old),
                        new=self._value(change.path, change.new),
                    )
                )
            item = QListWidgetItem("\n".join(lines))
            item.setToolTip(plain_tooltip(a.rationale))
            self.history_list.addItem(item)

    def _field_name(self, path: str) -> str:
        names = {
            "public_category": self.tr("Public category"),
            "internal_grade": self.tr("Internal grade"),
            "belligerent_view": self.tr("Belligerent view"),
            "rationale": self.tr("Rationale"),
            "assessor": self.tr("Assessor"),
            "date": self.tr("Date"),
        }
        return names.get(path, path)

    @staticmethod
    def _value(path: str, value: object) -> str:
        text = "" if value is None else str(value)
        if path in _VOCAB_FIELDS and text:
            return vocab_label(text)
        if len(text) > 60:
            text = text[:59] + "…"
        return isolate(text.replace("\n", " "))

    @staticmethod
    def _select(combo: QComboBox, code: str) -> None:
        index = combo.findData(code)
        if index >= 0:
            combo.setCurrentIndex(index)

    # --- saving ----------------------------------------------------------------------------
    def assessment(self) -> HqAssessment | None:
        """What the form holds, or None before the incident is loaded."""
        state = self._state
        if state is None:
            return None
        return HqAssessment(
            incident_id=state.incident_id,
            public_category=str(self.category_combo.currentData()),
            internal_grade=str(self.grade_combo.currentData()),
            belligerent_view=str(self.belligerent_combo.currentData()),
            rationale=self.rationale_edit.toPlainText().strip(),
            assessor=self.assessor_edit.text().strip(),
        )

    def save(self) -> None:
        state = self._state
        record = self.assessment()
        if state is None or record is None or self.busy or not self.save_button.isEnabled():
            return
        expected = state.version

        def work(vault: Vault) -> AssessState:
            vault.save_assessment(record, expected_version=expected)
            return load_state(vault, state.incident_id)

        def stored(result: object) -> None:
            self._show_state(result)
            assert isinstance(result, AssessState)
            self.show_result(
                self.tr("Assessment saved as version {version}.").format(version=result.version)
            )
            self.saved.emit(result.incident_id)

        self._run(self.tr("Saving the assessment…"), work, stored)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for widget in (
            self.category_combo,
            self.grade_combo,
            self.belligerent_combo,
            self.rationale_edit,
            self.assessor_edit,
        ):
            widget.setEnabled(enabled)

    def _update_buttons(self) -> None:
        ready = (
            self._state is not None
            and bool(self.rationale_edit.toPlainText().strip())
            and bool(self.assessor_edit.text().strip())
            and not self.busy
        )
        self.save_button.setEnabled(ready)
        if self._state is None:
            self.save_button.setToolTip(self.tr("Loading the incident…"))
        elif not ready:
            self.save_button.setToolTip(self.tr("Give a rationale and an assessor first"))
        else:
            self.save_button.setToolTip(self.tr("Store this assessment (Ctrl+Return)"))


__all__ = ["AddReviewerDialog", "AssessDialog", "AssessState", "load_state"]


class AddReviewerDialog(AddUserDialog):
    """Add a review-role key slot (HQ): that user reads everything and assesses, nothing else.

    The same form and checks as "Add user"; the slot is made by `Vault.add_slot(review=True)`,
    the function `fieldapp hq reviewer add` calls.
    """

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("addReviewerDialog")
        self.setWindowTitle(self.tr("Add reviewer"))
        self.add_button.setText(self.tr("&Add reviewer"))
        text = self.tr(
            "A reviewer opens this HQ vault with their own passphrase: they read every record "
            "and save assessments under their pseudonym. Importing bundles, erasing, editing "
            "records, managing keys and enrolling devices are refused to them. Let them type "
            "the passphrase themselves."
        )
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        item = layout.itemAt(0)
        first = item.widget() if item is not None else None
        if isinstance(first, QLabel):
            # In place of "Add user"'s introduction, which said "everything they change"
            # above a second paragraph saying what a reviewer may not change.
            first.setText(text)
            first.setObjectName("reviewerNote")
        else:
            note = plain_label(text)
            note.setWordWrap(True)
            note.setObjectName("reviewerNote")
            layout.insertWidget(1, note)

    def attempt(self) -> None:
        if self._busy or self._vault is None:
            return
        label = self.pseudonym()
        if not label or any(not ch.isprintable() for ch in label):
            super().attempt()  # says what is wrong with the pseudonym
            return
        problem = self.fields.problem()
        if problem:
            self.show_error(problem)
            self.fields.passphrase_edit.setFocus()
            return
        passphrase = self.fields.passphrase()
        self.fields.clear()
        self._run(
            self.tr("Adding reviewer {user}… deriving their key takes a few seconds.").format(
                user=label
            ),
            lambda vault: vault.add_slot(label, passphrase, review=True),
            self._added,
        )
