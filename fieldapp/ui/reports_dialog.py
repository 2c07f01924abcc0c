"""HQ's "Reports…" dialog: the monthly overview (CSV, PDF) and weapon-release open data.

The same functions as `fieldapp hq report monthly` and `fieldapp hq opendata`
(`fieldapp.review.reports.build_monthly`, `fieldapp.review.opendata.build_opendata`), run on the
task runner with progress and Cancel. A cancelled or failed export leaves nothing behind and
logs nothing (the review layer stages its files). What it writes is for internal use: the
dialog says that publishing goes through the public-release gate.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.model import PARTIES
from fieldapp.review import opendata, reports
from fieldapp.review.reports import MonthlyOverview, ReportFiles, ReportFilters
from fieldapp.store.vault import Vault
from fieldapp.ui.messages import message_for
from fieldapp.ui.report_pdf import write_monthly_pdf
from fieldapp.ui.sync_panel import FileDialogs, set_message
from fieldapp.ui.tasks import CancelledError, Progress, Runner, Task, submit_with_progress
from fieldapp.ui.widgets import plain_label

MONTHLY = "monthly"
OPENDATA = "opendata"
PRECISIONS = ("0.01", "0.05", "0.1", "0.25", "0.5", "1")


def previous_month(today: QDate) -> QDate:
    """The month a report is usually made for: the one that just ended."""
    return QDate(today.year(), today.month(), 1).addMonths(-1)


class ReportsDialog(QDialog):
    """Month, report, filters, folder; Export runs off the GUI thread; Escape cancels."""

    finished_export = Signal(object)  # the ReportFiles, for whoever wants to pass them on

    def __init__(
        self,
        vault: Vault | None,
        runner: Runner,
        parent: QWidget | None = None,
        default_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportsDialog")
        self.setWindowTitle(self.tr("Reports"))
        self._vault = vault
        self._runner = runner
        self._task: Task | None = None
        self._running = False
        self.dialogs = FileDialogs()
        self.result_files: ReportFiles | None = None

        self.kind = QComboBox()
        self.kind.addItem(self.tr("Monthly overview"), MONTHLY)
        self.kind.addItem(self.tr("Weapon-release open data"), OPENDATA)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.month = QDateEdit(previous_month(QDate.currentDate()))
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        self.month.setAccessibleName(self.tr("Month"))
        self.csv_box = QCheckBox(self.tr("&CSV"))
        self.csv_box.setChecked(True)
        self.pdf_box = QCheckBox(self.tr("&PDF"))
        self.pdf_box.setChecked(True)
        formats = QHBoxLayout()
        formats.addWidget(self.csv_box)
        formats.addWidget(self.pdf_box)
        formats.addStretch(1)
        self.formats = QWidget()
        self.formats.setLayout(formats)
        formats.setContentsMargins(0, 0, 0, 0)
        self.precision = QComboBox()
        self.precision.setEditable(True)
        self.precision.addItems(list(PRECISIONS))
        self.precision.setCurrentText(opendata.DEFAULT_PRECISION)
        self.precision.setToolTip(self.tr("Grid cell size in degrees: 0.1° is about 11 km"))
        self.area = QLineEdit()
        self.area.setPlaceholderText(self.tr("any area"))
        self.country = QLineEdit()
        self.country.setPlaceholderText(self.tr("any country"))
        self.party = QComboBox()
        self.party.addItem(self.tr("any party"), "")
        party_names = {
            "own_forces": self.tr("Own forces"),
            "coalition_partner": self.tr("Coalition partner"),
            "adversary": self.tr("Adversary"),
            "unknown": self.tr("Unknown"),
        }
        for party in PARTIES:
            self.party.addItem(party_names.get(party, party), party)
        self.category = QComboBox()
        self.category.addItem(self.tr("any category"), "")
        category_names = {
            "confirmed": self.tr("Confirmed"),
            "unconfirmed": self.tr("Unconfirmed"),
            "unlikely": self.tr("Unlikely"),
            "none": self.tr("Not yet categorised"),
        }
        for key in reports.CATEGORY_KEYS:
            self.category.addItem(category_names.get(key, key), key)
        self.folder = QLineEdit(str(default_folder) if default_folder else "")
        self.folder.setAccessibleName(self.tr("Output folder"))
        self.choose_button = QPushButton(self.tr("C&hoose…"))
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)

        form = QFormLayout()
        form.addRow(self._buddy(self.tr("&Report:"), self.kind), self.kind)
        form.addRow(self._buddy(self.tr("&Month:"), self.month), self.month)
        self._formats_label = self._buddy(self.tr("Formats:"), self.csv_box)
        form.addRow(self._formats_label, self.formats)
        self._precision_label = self._buddy(self.tr("&Grid (degrees):"), self.precision)
        form.addRow(self._precision_label, self.precision)
        form.addRow(self._buddy(self.tr("&Area:"), self.area), self.area)
        form.addRow(self._buddy(self.tr("C&ountry:"), self.country), self.country)
        form.addRow(self._buddy(self.tr("Pa&rty:"), self.party), self.party)
        form.addRow(self._buddy(self.tr("Ca&tegory:"), self.category), self.category)
        form.addRow(self._buddy(self.tr("&Folder:"), self.folder), folder_row)

        self.note = plain_label(
            self.tr(
                "For internal use: these files are not released. Anything public goes "
                "through the release gate first."
            )
        )
        self.note.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Export progress"))
        self.progress.hide()
        self.status = plain_label("")
        self.status.setObjectName("reportsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(self.tr("&Export"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the export (Escape); nothing is written"))
        self.cancel_button.clicked.connect(self.cancel_export)
        self.cancel_button.hide()
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(0)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        run = QShortcut(QKeySequence("Ctrl+Return"), self)
        run.activated.connect(self.export)
        self._kind_changed()
        self.set_vault(vault)

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    # --- state ------------------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        """None (locked) cancels a running export and disables the dialog."""
        self._vault = vault
        if vault is None:
            self.cancel_export()
            set_message(self.status, self.tr("Locked."))
        self._update_enabled()

    @property
    def exporting(self) -> bool:
        return self._running

    def _kind_changed(self) -> None:
        monthly = self.kind.currentData() == MONTHLY
        for widget in (self.formats, self._formats_label):
            widget.setVisible(monthly)
        for widget in (self.precision, self._precision_label):
            widget.setVisible(not monthly)

    def _update_enabled(self) -> None:
        idle = not self._running
        ready = self._vault is not None and idle
        for widget in (
            self.kind, self.month, self.csv_box, self.pdf_box, self.precision, self.area,
            self.country, self.party, self.category, self.folder, self.choose_button,
            self.export_button,
        ):  # fmt: skip
            widget.setEnabled(ready)
        self.cancel_button.setVisible(not idle)
        self.close_button.setEnabled(idle)

    def filters(self) -> ReportFilters:
        return ReportFilters(
            area=self.area.text().strip(),
            country=self.country.text().strip(),
            party=str(self.party.currentData() or ""),
            category=str(self.category.currentData() or ""),
        )

    def month_text(self) -> str:
        date = self.month.date()
        return f"{date.year():04d}-{date.month():02d}"

    def choose_folder(self) -> None:
        start = Path(self.folder.text()) if self.folder.text() else Path.home()
        chosen = self.dialogs.folder(self, self.tr("Folder for the report"), start)
        if chosen is not None:
            self.folder.setText(str(chosen))

    # --- the export -------------------------------------------------------------------------------
    def export(self) -> None:
        """Start the chosen export; the result or the error shows in the status line."""
        vault = self._vault
        if vault is None or self._running:
            return
        if not self.folder.text().strip():
            set_message(self.status, self.tr("Choose a folder for the files first."), "error")
            self.folder.setFocus()
            return
        out = Path(self.folder.text().strip()).expanduser()
        month = self.month_text()
        filters = self.filters()
        kind = self.kind.currentData()
        formats = [
            f for f, box in (("csv", self.csv_box), ("pdf", self.pdf_box)) if box.isChecked()
        ]
        precision = self.precision.currentText().strip()

        def work(progress: Progress, task: Task) -> ReportFiles:
            if kind == OPENDATA:
                return opendata.build_opendata(
                    vault, month, out, precision, filters, progress=progress
                )

            def pdf(overview: MonthlyOverview, path: Path) -> int:
                return write_monthly_pdf(overview, path, check=task.check)

            return reports.build_monthly(
                vault, month, out, filters, formats=formats, pdf_writer=pdf, progress=progress
            )

        self.progress.setRange(0, 0)  # busy until the first report of progress
        self.progress.show()
        set_message(self.status, self.tr("Exporting…"))
        self._running = True
        self._update_enabled()
        task = submit_with_progress(
            self._runner, work, self._finished, self._failed, on_progress=self._progressed
        )
        if self._running:  # an inline runner has finished already
            self._task = task

    def _progressed(self, done: int, total: int) -> None:
        if not self._running:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finished(self, result: ReportFiles) -> None:
        self._task = None
        self._running = False
        self.progress.hide()
        self.result_files = result
        names = ", ".join(f.path.name for f in result.files)
        set_message(
            self.status,
            self.tr(
                "Wrote {n} file(s) to {folder}: {names}. Internal use only: not released."
            ).format(n=len(result.files), folder=str(result.out_dir), names=names),
            "ok",
        )
        self._update_enabled()
        self.finished_export.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._running = False
        self.progress.hide()
        if isinstance(exc, CancelledError):
            set_message(self.status, self.tr("Cancelled; nothing was written."), "warn")
        else:
            set_message(self.status, message_for(exc)[1], "error")
        self._update_enabled()

    def cancel_export(self) -> None:
        """Stop at the next progress report or PDF page; nothing is kept."""
        if self._task is not None:
            self._task.cancel()
            self.cancel_button.setEnabled(False)
            set_message(self.status, self.tr("Cancelling…"))

    def reject(self) -> None:
        """Escape cancels a running export instead of closing over it."""
        if self._running:
            self.cancel_export()
            return
        super().reject()


def open_reports_dialog(
    vault: Vault | None, runner: Runner, parent: QWidget | None = None
) -> ReportsDialog:
    """Show the dialog window-modal (the main window's panels stay as they are); returns it."""
    dialog = ReportsDialog(vault, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
