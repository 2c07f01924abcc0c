"""Reusable form widgets for record editors.

Every widget here shows untrusted text (names in any script, notes typed at HQ or in the field)
as plain text only: labels are forced to `Qt.TextFormat.PlainText`, tooltips are HTML-escaped,
because a name such as `<img src=...>` must be shown, never interpreted.

Widgets report edits with a `changed` signal and expose plain values (strings, ints, `Range`,
lists of dicts) so the editors can rebuild the domain model and validate it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QRegularExpression, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain import geo
from fieldapp.domain.model import AGE_SEX_GROUPS, Breakdown, Harm, Range
from fieldapp.domain.reflists import RefList
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP, current_language

# A dynamic property drives the red border, so the look stays in one style sheet and any theme
# the main window applies keeps working for valid fields.
INVALID_STYLE = """
*[invalid="true"] { border: 2px solid #d9534f; border-radius: 3px; }
QLabel#fieldIssue { color: #d9534f; }
QLabel#sensitiveBanner { background: #6b1d1d; color: #ffffff; padding: 4px; border-radius: 3px; }
"""

# Invalid table cells (background, text): light and dark variants, so the night theme stays dark.
_INVALID_CELL = {
    False: (QColor("#f2c7c5"), QColor("#000000")),
    True: (QColor("#6b1d1d"), QColor("#ffffff")),
}

# Labels of the fixed vocabularies (domain/model.py, evidence.py, witness.py), listed in full so
# lupdate sees every one; shown translated, stored as codes.
VOCAB_LABELS: dict[str, str] = {
    # TIME_PRECISIONS
    "exact": QT_TRANSLATE_NOOP("vocab", "Exact"),
    "hour": QT_TRANSLATE_NOOP("vocab", "Hour"),
    "day": QT_TRANSLATE_NOOP("vocab", "Day"),
    "week": QT_TRANSLATE_NOOP("vocab", "Week"),
    "month": QT_TRANSLATE_NOOP("vocab", "Month"),
    # GEO_PRECISIONS
    "100m": QT_TRANSLATE_NOOP("vocab", "≤ 100 m"),
    "street": QT_TRANSLATE_NOOP("vocab", "Street"),
    "neighbourhood": QT_TRANSLATE_NOOP("vocab", "Neighbourhood"),
    "village_town": QT_TRANSLATE_NOOP("vocab", "Village / town"),
    "district": QT_TRANSLATE_NOOP("vocab", "District"),
    "province": QT_TRANSLATE_NOOP("vocab", "Province"),
    "unknown": QT_TRANSLATE_NOOP("vocab", "Unknown"),
    # GEO_METHODS
    "gps": QT_TRANSLATE_NOOP("vocab", "GPS"),
    "photo_exif": QT_TRANSLATE_NOOP("vocab", "Photo EXIF"),
    "witness": QT_TRANSLATE_NOOP("vocab", "Witness"),
    "imagery": QT_TRANSLATE_NOOP("vocab", "Imagery"),
    "report": QT_TRANSLATE_NOOP("vocab", "Report"),
    # HARM_MODES
    "direct": QT_TRANSLATE_NOOP("vocab", "Direct"),
    "indirect": QT_TRANSLATE_NOOP("vocab", "Indirect"),
    # AGE_SEX_GROUPS
    "women": QT_TRANSLATE_NOOP("vocab", "Women"),
    "men": QT_TRANSLATE_NOOP("vocab", "Men"),
    "girls": QT_TRANSLATE_NOOP("vocab", "Girls"),
    "boys": QT_TRANSLATE_NOOP("vocab", "Boys"),
    # VICTIM_OUTCOMES
    "killed": QT_TRANSLATE_NOOP("vocab", "Killed"),
    "injured": QT_TRANSLATE_NOOP("vocab", "Injured"),
    # GENDERS
    "female": QT_TRANSLATE_NOOP("vocab", "Female"),
    "male": QT_TRANSLATE_NOOP("vocab", "Male"),
    "other": QT_TRANSLATE_NOOP("vocab", "Other"),
    # AGE_BANDS
    "0-4": QT_TRANSLATE_NOOP("vocab", "0-4"),
    "5-11": QT_TRANSLATE_NOOP("vocab", "5-11"),
    "12-17": QT_TRANSLATE_NOOP("vocab", "12-17"),
    "18-29": QT_TRANSLATE_NOOP("vocab", "18-29"),
    "30-44": QT_TRANSLATE_NOOP("vocab", "30-44"),
    "45-59": QT_TRANSLATE_NOOP("vocab", "45-59"),
    "60+": QT_TRANSLATE_NOOP("vocab", "60+"),
    # ATTRIBUTIONS
    "declared": QT_TRANSLATE_NOOP("vocab", "Declared"),
    "alleged": QT_TRANSLATE_NOOP("vocab", "Alleged"),
    # PARTIES
    "own_forces": QT_TRANSLATE_NOOP("vocab", "Own forces"),
    "coalition_partner": QT_TRANSLATE_NOOP("vocab", "Coalition partner"),
    "adversary": QT_TRANSLATE_NOOP("vocab", "Adversary"),
    # RELIABILITY
    "A": QT_TRANSLATE_NOOP("vocab", "A – completely reliable"),
    "B": QT_TRANSLATE_NOOP("vocab", "B – usually reliable"),
    "C": QT_TRANSLATE_NOOP("vocab", "C – fairly reliable"),
    "D": QT_TRANSLATE_NOOP("vocab", "D – not usually reliable"),
    "E": QT_TRANSLATE_NOOP("vocab", "E – unreliable"),
    "F": QT_TRANSLATE_NOOP("vocab", "F – reliability cannot be judged"),
    # CREDIBILITY
    "1": QT_TRANSLATE_NOOP("vocab", "1 – confirmed by other sources"),
    "2": QT_TRANSLATE_NOOP("vocab", "2 – probably true"),
    "3": QT_TRANSLATE_NOOP("vocab", "3 – possibly true"),
    "4": QT_TRANSLATE_NOOP("vocab", "4 – doubtful"),
    "5": QT_TRANSLATE_NOOP("vocab", "5 – improbable"),
    "6": QT_TRANSLATE_NOOP("vocab", "6 – truth cannot be judged"),
    # WORKFLOW
    "reported": QT_TRANSLATE_NOOP("vocab", "Reported"),
    "under_assessment": QT_TRANSLATE_NOOP("vocab", "Under assessment"),
    "assessed": QT_TRANSLATE_NOOP("vocab", "Assessed"),
    # PUBLIC_CATEGORIES
    "confirmed": QT_TRANSLATE_NOOP("vocab", "Confirmed"),
    "unconfirmed": QT_TRANSLATE_NOOP("vocab", "Unconfirmed"),
    "unlikely": QT_TRANSLATE_NOOP("vocab", "Unlikely"),
    # INTERNAL_GRADES
    "fair": QT_TRANSLATE_NOOP("vocab", "Fair"),
    "weak": QT_TRANSLATE_NOOP("vocab", "Weak"),
    "contested": QT_TRANSLATE_NOOP("vocab", "Contested"),
    "discounted": QT_TRANSLATE_NOOP("vocab", "Discounted"),
    # BELLIGERENT_VIEWS
    "not_yet_assessed": QT_TRANSLATE_NOOP("vocab", "Not yet assessed"),
    "credible": QT_TRANSLATE_NOOP("vocab", "Credible"),
    "not_credible": QT_TRANSLATE_NOOP("vocab", "Not credible"),
    "duplicate": QT_TRANSLATE_NOOP("vocab", "Duplicate"),
    # RESPONSE_TYPES
    "acknowledgement": QT_TRANSLATE_NOOP("vocab", "Acknowledgement"),
    "condolence_payment": QT_TRANSLATE_NOOP("vocab", "Condolence payment"),
    "ex_gratia_payment": QT_TRANSLATE_NOOP("vocab", "Ex gratia payment"),
    "medical_assistance": QT_TRANSLATE_NOOP("vocab", "Medical assistance"),
    "other_assistance": QT_TRANSLATE_NOOP("vocab", "Other assistance"),
    "repair": QT_TRANSLATE_NOOP("vocab", "Repair"),
    "referral": QT_TRANSLATE_NOOP("vocab", "Referral"),
    # RELEASE_GROUPS
    "time": QT_TRANSLATE_NOOP("vocab", "Time"),
    "place": QT_TRANSLATE_NOOP("vocab", "Place"),
    "harm": QT_TRANSLATE_NOOP("vocab", "Harm"),
    "casualties": QT_TRANSLATE_NOOP("vocab", "Casualties"),
    "engagement": QT_TRANSLATE_NOOP("vocab", "Engagement"),
    "sources": QT_TRANSLATE_NOOP("vocab", "Sources"),
    "assessment": QT_TRANSLATE_NOOP("vocab", "Assessment"),
    "response": QT_TRANSLATE_NOOP("vocab", "Response"),
    "lessons": QT_TRANSLATE_NOOP("vocab", "Lessons"),
    # COMBATANT_STATUS
    "civilian": QT_TRANSLATE_NOOP("vocab", "Civilian"),
    "combatant": QT_TRANSLATE_NOOP("vocab", "Combatant"),
    "dph": QT_TRANSLATE_NOOP("vocab", "DPH (direct participation in hostilities)"),
    # SOURCE_MEDIA
    "camera": QT_TRANSLATE_NOOP("vocab", "Camera"),
    "phone": QT_TRANSLATE_NOOP("vocab", "Phone"),
    "sd_card": QT_TRANSLATE_NOOP("vocab", "SD card"),
    "usb_drive": QT_TRANSLATE_NOOP("vocab", "USB drive"),
    "email": QT_TRANSLATE_NOOP("vocab", "Email"),
    "messaging_app": QT_TRANSLATE_NOOP("vocab", "Messaging app"),
    "web": QT_TRANSLATE_NOOP("vocab", "Web"),
    "scanner": QT_TRANSLATE_NOOP("vocab", "Scanner"),
    # ACQUISITION_METHODS
    "taken_by_analyst": QT_TRANSLATE_NOOP("vocab", "Taken by analyst"),
    "handed_over": QT_TRANSLATE_NOOP("vocab", "Handed over"),
    "copied_from_device": QT_TRANSLATE_NOOP("vocab", "Copied from device"),
    "downloaded": QT_TRANSLATE_NOOP("vocab", "Downloaded"),
    "received": QT_TRANSLATE_NOOP("vocab", "Received"),
    # SENSITIVITIES
    "normal": QT_TRANSLATE_NOOP("vocab", "Normal"),
    "identifiable_people": QT_TRANSLATE_NOOP("vocab", "Identifiable people"),
    "graphic": QT_TRANSLATE_NOOP("vocab", "Graphic"),
    # CONSENT_METHODS
    "written": QT_TRANSLATE_NOOP("vocab", "Written"),
    "verbal": QT_TRANSLATE_NOOP("vocab", "Verbal"),
    "recorded": QT_TRANSLATE_NOOP("vocab", "Recorded"),
    # CONSENT_ACTIONS
    "given": QT_TRANSLATE_NOOP("vocab", "Given"),
    "withdrawn": QT_TRANSLATE_NOOP("vocab", "Withdrawn"),
    # STATEMENT_TYPES
    "eyewitness": QT_TRANSLATE_NOOP("vocab", "Eyewitness"),
    "hearsay": QT_TRANSLATE_NOOP("vocab", "Hearsay"),
    "expert": QT_TRANSLATE_NOOP("vocab", "Expert"),
    "victim": QT_TRANSLATE_NOOP("vocab", "Victim"),
    "relative": QT_TRANSLATE_NOOP("vocab", "Relative"),
}


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that never interprets its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def fit_wrapped_text(window: QWidget) -> None:
    """Grow a shown top-level `window` to the height its word-wrapped labels need.

    A top-level window's minimum size ignores word-wrapped labels' height-for-width, so
    without this a three-line message is drawn squashed into one line's space. Longer
    translations (Dutch, Arabic) make that likely where the English happened to fit.
    """
    layout = window.layout()
    if layout is None or not window.isVisible():
        return
    layout.activate()
    needed = max(
        layout.heightForWidth(window.width())
        if layout.hasHeightForWidth()
        else layout.sizeHint().height(),
        layout.minimumSize().height(),
    )
    if needed > window.height():
        window.resize(window.width(), needed)


def plain_tooltip(text: str) -> str:
    """Tooltip markup that shows `text` literally (Qt guesses rich text for tooltips)."""
    if not text:
        return ""
    body = html.escape(text).replace("\n", "<br>")
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def set_invalid(widget: QWidget, messages: Sequence[str]) -> None:
    """Red border and tooltip on `widget` while it has `messages`; both cleared when empty."""
    if isinstance(widget, RangeEdit):
        # A range is two boxes; the border belongs on both, the container draws none.
        set_invalid(widget.min_edit, messages)
        set_invalid(widget.max_edit, messages)
        return
    invalid = bool(messages)
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        # A changed dynamic property only restyles after a re-polish.
        widget.style().unpolish(widget)
        widget.style().polish(widget)
    widget.setToolTip(plain_tooltip("\n".join(messages)))


def vocab_label(code: str) -> str:
    """Readable label of a fixed-vocabulary code (`own_forces` -> `own forces`)."""
    if code in VOCAB_LABELS:
        return QCoreApplication.translate("vocab", VOCAB_LABELS[code])
    # A code from a newer app version: still readable, though untranslated.
    label = code.replace("_", " ")
    return label[:1].upper() + label[1:]


def vocab_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    return [(c, vocab_label(c)) for c in codes]


def reflist_choices(reflist: RefList, lang: str | None = None) -> list[tuple[str, str]]:
    """(code, label) pairs to offer for new input: retired items are left out (a stored retired
    code is still shown, see `VocabCombo.set_code`). Labels in the interface language: the
    reference lists carry their own translations."""
    chosen = lang if lang is not None else current_language()
    return [(item.code, item.label(chosen)) for item in reflist.active()]


class IssueLabel(QLabel):
    """The message shown under a field; hidden while the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldIssue")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.hide()

    def set_messages(self, messages: Sequence[str]) -> None:
        self.setText("\n".join(messages))
        self.setVisible(bool(messages))


_UINT_RE = QRegularExpression(r"^\d{0,7}$")


def optional_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


class IntEdit(QLineEdit):
    """A whole number or nothing (nothing = not known)."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(QRegularExpressionValidator(_UINT_RE, self))
        self.setPlaceholderText(placeholder)
        self.setMaximumWidth(90)

    def value(self) -> int | None:
        return optional_int(self.text())

    def set_value(self, value: int | None) -> None:
        self.setText("" if value is None else str(value))


class RangeEdit(QWidget):
    """A count as minimum – maximum; an empty box means not known."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.min_edit = IntEdit(self.tr("min"), self)
        self.max_edit = IntEdit(self.tr("max"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.min_edit)
        layout.addWidget(plain_label("–", self))
        layout.addWidget(self.max_edit)
        layout.addStretch(1)
        self.min_edit.textChanged.connect(self.changed)
        self.max_edit.textChanged.connect(self.changed)

    def value(self) -> Range:
        return Range(self.min_edit.value(), self.max_edit.value())

    def set_value(self, value: Range) -> None:
        self.min_edit.set_value(value.min)
        self.max_edit.set_value(value.max)


class BreakdownGrid(QWidget):
    """Killed and injured, each min–max, by women / men / girls / boys / unknown, with totals."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(plain_label(self.tr("Killed (min – max)"), self), 0, 1)
        grid.addWidget(plain_label(self.tr("Injured (min – max)"), self), 0, 2)
        self.ranges: dict[tuple[str, str], RangeEdit] = {}
        for row, group in enumerate(AGE_SEX_GROUPS, start=1):
            caption = self.tr("Unknown age/sex") if group == "unknown" else vocab_label(group)
            grid.addWidget(plain_label(caption, self), row, 0)
            for col, outcome in enumerate(("killed", "injured"), start=1):
                edit = RangeEdit(self)
                names = {"outcome": vocab_label(outcome), "group": vocab_label(group)}
                edit.min_edit.setAccessibleName(
                    self.tr("{outcome}, {group}: minimum").format(**names)
                )
                edit.max_edit.setAccessibleName(
                    self.tr("{outcome}, {group}: maximum").format(**names)
                )
                edit.changed.connect(self._on_changed)
                self.ranges[(outcome, group)] = edit
                grid.addWidget(edit, row, col)
        total_row = len(AGE_SEX_GROUPS) + 1
        grid.addWidget(plain_label(self.tr("Total"), self), total_row, 0)
        self.totals = {
            "killed": plain_label("", self),
            "injured": plain_label("", self),
        }
        grid.addWidget(self.totals["killed"], total_row, 1)
        grid.addWidget(self.totals["injured"], total_row, 2)
        grid.setColumnStretch(3, 1)
        self._update_totals()

    def breakdown(self, outcome: str) -> Breakdown:
        return Breakdown(**{g: self.ranges[(outcome, g)].value() for g in AGE_SEX_GROUPS})

    def set_breakdown(self, outcome: str, value: Breakdown) -> None:
        for group in AGE_SEX_GROUPS:
            self.ranges[(outcome, group)].set_value(getattr(value, group))

    def field_widgets(self, prefix: str) -> dict[str, QWidget]:
        """Issue path -> widget, e.g. `casualties.killed.women.min` -> that box."""
        result: dict[str, QWidget] = {}
        for (outcome, group), edit in self.ranges.items():
            base = f"{prefix}.{outcome}.{group}"
            result[base] = edit
            result[f"{base}.min"] = edit.min_edit
            result[f"{base}.max"] = edit.max_edit
        return result

    def _on_changed(self) -> None:
        self._update_totals()
        self.changed.emit()

    def _update_totals(self) -> None:
        for outcome, label in self.totals.items():
            total = self.breakdown(outcome).total()
            low = "?" if total.min is None else str(total.min)
            high = "?" if total.max is None else str(total.max)
            label.setText(f"{low} – {high}")


class VocabCombo(QComboBox):
    """Choose one code of a vocabulary; an unknown stored code is kept, marked, never lost."""

    changed = Signal()

    def __init__(
        self,
        choices: Sequence[tuple[str, str]],
        *,
        blank: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        if blank is not None:
            self.addItem(blank, "")
        for code, label in choices:
            self.addItem(label, code)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    @classmethod
    def for_reflist(
        cls, reflist: RefList, *, blank: str | None = "—", parent: QWidget | None = None
    ) -> VocabCombo:
        return cls(reflist_choices(reflist), blank=blank, parent=parent)

    @classmethod
    def for_vocab(
        cls, codes: Sequence[str], *, blank: str | None = None, parent: QWidget | None = None
    ) -> VocabCombo:
        return cls(vocab_choices(codes), blank=blank, parent=parent)

    def code(self) -> str:
        data = self.currentData()
        return data if isinstance(data, str) else ""

    def codes(self) -> list[str]:
        return [self.itemData(i) for i in range(self.count())]

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        if index < 0:
            # A code from a newer reference list (or an old one since removed): keep it.
            self.addItem(self.tr("{code} (not in list)").format(code=code), code)
            index = self.count() - 1
        self.setCurrentIndex(index)


class PositionField(QWidget):
    """Position typed as `lat, lon` or as MGRS; shows decimal degrees and MGRS together."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = QLineEdit(self)
        self.entry.setPlaceholderText(self.tr("33.3128, 44.3615  or  38SMB 44361 84729"))
        self.entry.setAccessibleName(self.tr("position (latitude, longitude or MGRS)"))
        self.display = plain_label("", self)
        self.display.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.entry)
        layout.addWidget(self.display)
        self._lat = ""
        self._lon = ""
        self._error = ""
        self.entry.textEdited.connect(self._on_edited)
        self._show()

    def position(self) -> tuple[str, str]:
        """(lat, lon) as decimal strings; ("", "") when empty or not understood."""
        return self._lat, self._lon

    def error(self) -> str:
        """Why the typed text is not a position, or "" when it is (or is empty)."""
        return self._error

    def set_position(self, lat: str, lon: str) -> None:
        # Stored strings are shown as they are, so loading never changes the record.
        self._lat, self._lon, self._error = lat, lon, ""
        self.entry.setText(f"{lat}, {lon}" if lat or lon else "")
        self._show()

    def set_text(self, text: str) -> None:
        """Type `text` as a person would (used by tests and paste)."""
        self.entry.setText(text)
        self._on_edited(text)

    def _on_edited(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._lat, self._lon, self._error = "", "", ""
        else:
            try:
                self._lat, self._lon = geo.parse_position(text)
                self._error = ""
            except ValueError as exc:
                self._lat, self._lon, self._error = "", "", str(exc)
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        if self._error or not (self._lat or self._lon):
            self.display.setText(self.tr("Lat/Lon: —    MGRS: —"))
            return
        try:
            mgrs_text = geo.to_mgrs(self._lat, self._lon)
        except ValueError:
            mgrs_text = self.tr("not available for this position")
        self.display.setText(
            self.tr("Lat/Lon: {lat}, {lon}    MGRS: {mgrs}").format(
                lat=self._lat, lon=self._lon, mgrs=mgrs_text
            )
        )


class HarmPicker(QWidget):
    """Multi-select of harm types, each marked direct or indirect."""

    changed = Signal()

    def __init__(self, choices: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._rows: dict[str, tuple[QCheckBox, VocabCombo]] = {}
        for code, label in choices:
            self._add_row(code, label)
        self._grid.setColumnStretch(2, 1)

    def _add_row(self, code: str, label: str) -> None:
        row = len(self._rows)
        box = QCheckBox(label, self)
        mode = VocabCombo.for_vocab(("direct", "indirect"), parent=self)
        mode.setEnabled(False)
        mode.setAccessibleName(self.tr("{label}: direct or indirect").format(label=label))
        box.toggled.connect(mode.setEnabled)
        box.toggled.connect(lambda _on: self.changed.emit())
        mode.changed.connect(self.changed)
        self._grid.addWidget(box, row, 0)
        self._grid.addWidget(mode, row, 1)
        self._rows[code] = (box, mode)

    def row(self, code: str) -> tuple[QCheckBox, VocabCombo]:
        return self._rows[code]

    def value(self) -> list[Harm]:
        return [
            Harm(type=code, mode=mode.code())
            for code, (box, mode) in self._rows.items()
            if box.isChecked()
        ]

    def set_value(self, harms: Sequence[Harm]) -> None:
        for box, mode in self._rows.values():
            box.setChecked(False)
            mode.set_code("direct")
        for harm in harms:
            if harm.type not in self._rows:
                self._add_row(harm.type, self.tr("{code} (not in list)").format(code=harm.type))
            box, mode = self._rows[harm.type]
            box.setChecked(True)
            mode.set_code(harm.mode)


class CheckMatrix(QWidget):
    """Rows of codes × columns of lists: e.g. release groups × (partners, public)."""

    changed = Signal()

    def __init__(
        self,
        rows: Sequence[tuple[str, str]],
        columns: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._columns = [c for c, _ in columns]
        self._boxes: dict[tuple[str, str], QCheckBox] = {}
        self._row_codes: list[str] = []
        centre = Qt.AlignmentFlag.AlignHCenter
        for col, (_code, label) in enumerate(columns, start=1):
            self._grid.addWidget(plain_label(label, self), 0, col, alignment=centre)
        for code, label in rows:
            self._add_row(code, label)
        self._grid.setColumnStretch(len(columns) + 1, 1)

    def _add_row(self, code: str, label: str) -> None:
        row = len(self._row_codes) + 1
        self._row_codes.append(code)
        self._grid.addWidget(plain_label(label, self), row, 0)
        for col, column in enumerate(self._columns, start=1):
            box = QCheckBox(self)
            box.setAccessibleName(f"{label}: {column}")
            box.toggled.connect(lambda _on: self.changed.emit())
            self._boxes[(code, column)] = box
            self._grid.addWidget(box, row, col, alignment=Qt.AlignmentFlag.AlignHCenter)

    def box(self, row: str, column: str) -> QCheckBox:
        return self._boxes[(row, column)]

    def checked(self, column: str) -> list[str]:
        return [r for r in self._row_codes if self._boxes[(r, column)].isChecked()]

    def set_checked(self, column: str, codes: Sequence[str]) -> None:
        for code in codes:
            if code not in self._row_codes:
                self._add_row(code, self.tr("{code} (not in list)").format(code=code))
        wanted = set(codes)
        for code in self._row_codes:
            self._boxes[(code, column)].setChecked(code in wanted)


@dataclass(frozen=True)
class Column:
    """One column of a RecordTable: a dataclass field shown as text, a number or a choice."""

    name: str
    header: str
    kind: str = "text"  # "text" | "int" | "choice"
    choices: Sequence[tuple[str, str]] = ()
    width: int = 0


class RecordTable(QWidget):
    """Edit a list of small records (victims, sources, ...) as table rows with add/remove.

    Rows go in and out as dicts keyed by column name, so the editor builds the dataclasses with
    `from_dict` and stays the one place that knows the model.
    """

    changed = Signal()

    def __init__(
        self,
        columns: Sequence[Column],
        defaults: dict[str, Any],
        *,
        noun: str = "row",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._defaults = dict(defaults)
        self._extra: list[dict[str, Any]] = []  # fields not shown as columns, kept per row
        self.table = QTableWidget(0, len(self.columns), self)
        self.table.setHorizontalHeaderLabels([c.header for c in self.columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(True)
        self.table.setMinimumHeight(140)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for index, column in enumerate(self.columns):
            if column.width:
                self.table.setColumnWidth(index, column.width)
        self.table.itemChanged.connect(self._on_item_changed)
        self.add_button = QPushButton(self.tr("Add {noun}").format(noun=noun), self)
        self.remove_button = QPushButton(self.tr("Remove selected"), self)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._cell_issues: dict[tuple[int, int], list[str]] = {}

    # --- rows in and out ---
    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        with QSignalBlocker(self.table):
            self.table.setRowCount(0)
            self._extra = []
            for row in rows:
                self._append(row)
        self._cell_issues = {}
        self.changed.emit()

    def add_row(self, values: dict[str, Any] | None = None) -> int:
        """Append a row (defaults merged with `values`); returns its index."""
        row = dict(self._defaults)
        row.update(values or {})
        with QSignalBlocker(self.table):
            self._append(row)
        self.changed.emit()
        return self.table.rowCount() - 1

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
            del self._extra[row]
        if rows:
            self.changed.emit()

    def rows(self) -> list[dict[str, Any]]:
        """Rows as dicts; a number cell that is not a whole number gives None (see issues)."""
        result: list[dict[str, Any]] = []
        for row in range(self.table.rowCount()):
            values = dict(self._extra[row])
            for column in self.columns:
                text = self.cell_text(row, column.name)
                if column.kind == "int":
                    values[column.name] = _int_or_none(text)
                else:
                    values[column.name] = text
            result.append(values)
        return result

    def parse_issues(self) -> list[tuple[int, str, str]]:
        """(row, column name, message) for cells whose text cannot be stored."""
        issues: list[tuple[int, str, str]] = []
        for row in range(self.table.rowCount()):
            for column in self.columns:
                text = self.cell_text(row, column.name).strip()
                if column.kind == "int" and text and _int_or_none(text) is None:
                    issues.append((row, column.name, self.tr("must be a whole number")))
        return issues

    # --- cells ---
    def column_index(self, name: str) -> int:
        for index, column in enumerate(self.columns):
            if column.name == name:
                return index
        raise KeyError(name)

    def cell_text(self, row: int, name: str) -> str:
        col = self.column_index(name)
        widget = self.table.cellWidget(row, col)
        if isinstance(widget, VocabCombo):
            return widget.code()
        item = self.table.item(row, col)
        return item.text() if item is not None else ""

    def set_cell(self, row: int, name: str, value: str) -> None:
        """Set one cell as if typed or chosen (used by paste and tests)."""
        col = self.column_index(name)
        widget = self.table.cellWidget(row, col)
        if isinstance(widget, VocabCombo):
            widget.set_code(value)
        else:
            item = self.table.item(row, col)
            assert item is not None
            item.setText(value)

    def combo(self, row: int, name: str) -> VocabCombo:
        widget = self.table.cellWidget(row, self.column_index(name))
        assert isinstance(widget, VocabCombo)
        return widget

    def set_cell_issues(self, issues: dict[tuple[int, str], list[str]]) -> None:
        """Mark the cells named in `issues` (row, column) red with their messages as tooltip."""
        wanted: dict[tuple[int, int], list[str]] = {}
        for (row, name), messages in issues.items():
            try:
                col = self.column_index(name)
            except KeyError:
                continue
            if 0 <= row < self.table.rowCount():
                wanted[(row, col)] = list(messages)
        dark = self.table.palette().color(QPalette.ColorRole.Base).lightness() < 128
        background, foreground = _INVALID_CELL[dark]
        with QSignalBlocker(self.table):
            for row, col in set(self._cell_issues) | set(wanted):
                if row >= self.table.rowCount():
                    continue
                messages = wanted.get((row, col), [])
                widget = self.table.cellWidget(row, col)
                if widget is not None:
                    set_invalid(widget, messages)
                    continue
                item = self.table.item(row, col)
                if item is None:
                    continue
                if messages:
                    item.setBackground(background)
                    item.setForeground(foreground)
                else:
                    item.setData(Qt.ItemDataRole.ForegroundRole, None)
                    item.setData(Qt.ItemDataRole.BackgroundRole, None)
                item.setToolTip(plain_tooltip("\n".join(messages)))
        self._cell_issues = wanted

    def _append(self, values: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        shown = {c.name for c in self.columns}
        self._extra.append({k: v for k, v in values.items() if k not in shown})
        for col, column in enumerate(self.columns):
            value = values.get(column.name, self._defaults.get(column.name, ""))
            if column.kind == "choice":
                combo = VocabCombo(column.choices, parent=self.table)
                combo.setAccessibleName(column.header)
                combo.set_code("" if value is None else str(value))
                combo.changed.connect(self.changed)
                self.table.setCellWidget(row, col, combo)
            else:
                self.table.setItem(row, col, QTableWidgetItem("" if value is None else str(value)))

    def _on_item_changed(self, _item: QTableWidgetItem) -> None:
        self.changed.emit()

    def _on_add(self) -> None:
        row = self.add_row()
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value
