"""The "Release gate" panel (issue 5 §3): check staged files, approve as a second user, publish.

Keyboard: Alt+F stage files, Alt+L clear, Alt+N extra names list, Alt+K or Ctrl+Return check,
Alt+U/Alt+H the second user and their passphrase (Return approves), Alt+E approve, Alt+S
publish; the policy fields have Alt+X, Z, Y, T, P. The letters avoid the HQ main window's tab
and menu mnemonics (R O W M A C B D G, V I): a letter used twice only moves the focus, or
switches to the other tab, instead of pressing the button.

Every decision is `fieldapp.review.gate`'s; this panel only feeds it files and a policy, shows
the findings (which never quote the personal data found), takes the second user's passphrase
for the approval, and asks for the folder to publish into. Vault work (the scan, the photo
rebuild, the approver's key derivation, writing the files) runs in the task runner, off the GUI
thread.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.review import gate
from fieldapp.store import keyfile
from fieldapp.store.vault import Vault
from fieldapp.ui import theme
from fieldapp.ui.messages import message_for, show_error
from fieldapp.ui.register import format_time, isolate, select_row
from fieldapp.ui.sync_panel import FileDialogs, set_message
from fieldapp.ui.tables import read_only_table, text_cell
from fieldapp.ui.tasks import Generation, Runner
from fieldapp.ui.widgets import plain_label


def _cell(text: str) -> QTableWidgetItem:
    return text_cell(text)


def _table(headers: Sequence[str], parent: QWidget, name: str) -> QTableWidget:
    return read_only_table(headers, parent, name)


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], widest: int = 320) -> None:
    table.setRowCount(0)
    for values in rows:
        row = table.rowCount()
        table.insertRow(row)
        for col, value in enumerate(values):
            table.setItem(row, col, _cell(value))
    # Columns as wide as their text (a cut-off time or location hides what was found), capped
    # so a long file name cannot push the detail out of view; the last column stretches.
    for col in range(table.columnCount() - 1):  # resizing the last would stop its stretch
        table.resizeColumnToContents(col)
        table.setColumnWidth(col, min(table.columnWidth(col), widest))


class ReleaseGatePanel(QWidget):
    """Stage files, check them, approve a release as a second user, publish it."""

    checked = Signal(object)  # GateReport
    approved = Signal(object)  # GateReport
    published = Signal(object)  # Path of the manifest

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("releaseGatePanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._generation = Generation()
        self._busy = False
        self.dialogs = FileDialogs()
        self.staged: list[Path] = []
        self.names_file: Path | None = None
        self.reports: list[gate.GateReport] = []

        # Staging and policy.
        self.stage_button = QPushButton(self.tr("Stage &files…"))
        self.stage_button.clicked.connect(self.choose_files)
        self.clear_button = QPushButton(self.tr("C&lear"))
        self.clear_button.clicked.connect(self.clear_staged)
        self.staged_list = QListWidget()
        self.staged_list.setObjectName("stagedFiles")
        self.staged_list.setAccessibleName(self.tr("Staged files"))
        self.staged_list.setMaximumHeight(90)
        self.decimals = QSpinBox()
        self.decimals.setRange(0, 6)
        self.decimals.setValue(2)
        self.grid = QLineEdit()
        self.grid.setPlaceholderText(self.tr("e.g. 0.05 (optional)"))
        self.coarsen = QCheckBox(self.tr("Round finer coordinates (else the&y block)"))
        self.coarsen.setChecked(True)
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 100)
        self.threshold.setValue(5)
        self.public_fields = QLineEdit()
        self.public_fields.setPlaceholderText(self.tr("all fields (or: ref,date,killed,…)"))
        self.names_button = QPushButton(self.tr("Extra &names list…"))
        self.names_button.clicked.connect(self.choose_names)
        self.check_button = QPushButton(self.tr("Chec&k"))
        self.check_button.setToolTip(self.tr("Check the staged files (Ctrl+Return)"))
        self.check_button.clicked.connect(self.check)
        policy_box = QGroupBox(self.tr("Policy"))
        form = QFormLayout(policy_box)
        form.addRow(self.tr("Coordinate decimals (ma&x):"), self.decimals)
        form.addRow(self.tr("Coordinate grid si&ze (degrees):"), self.grid)
        form.addRow("", self.coarsen)
        form.addRow(self.tr("Small-cell &threshold:"), self.threshold)
        form.addRow(self.tr("&Public fields:"), self.public_fields)
        for label, buddy in (
            (form.labelForField(self.decimals), self.decimals),
            (form.labelForField(self.grid), self.grid),
            (form.labelForField(self.threshold), self.threshold),
            (form.labelForField(self.public_fields), self.public_fields),
        ):
            if isinstance(label, QLabel):
                label.setBuddy(buddy)
        stage_bar = QHBoxLayout()
        stage_bar.addWidget(self.stage_button)
        stage_bar.addWidget(self.clear_button)
        stage_bar.addWidget(self.names_button)
        stage_bar.addStretch(1)
        stage_bar.addWidget(self.check_button)

        # Releases and findings.
        self.releases = _table(
            [self.tr("Prepared (UTC)"), self.tr("Status"), self.tr("Files"), self.tr("Release")],
            self,
            "releasesTable",
        )
        self.releases.setAccessibleName(self.tr("Releases"))
        self.releases.itemSelectionChanged.connect(self._show_selected)
        self.findings = _table(
            [
                self.tr("File"),
                self.tr("Location"),
                self.tr("Kind"),
                self.tr("Fixed or blocking"),
                self.tr("Detail"),
            ],
            self,
            "findingsTable",
        )
        self.findings.setAccessibleName(self.tr("Findings"))
        self.summary = self._label("releaseSummary")

        # Approval and publication.
        self.approver = QComboBox()
        self.approver.setObjectName("approverCombo")
        self.approver.setMinimumWidth(220)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("approverPassphrase")
        self.passphrase.setMinimumWidth(220)
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.approve)
        self.approve_button = QPushButton(self.tr("Approv&e"))
        self.approve_button.setToolTip(
            self.tr("The second user approves with their own passphrase (Return in the field)")
        )
        self.approve_button.clicked.connect(self.approve)
        self.publish_button = QPushButton(self.tr("Publi&sh…"))
        self.publish_button.clicked.connect(self.publish)
        approve_box = QGroupBox(self.tr("Second user"))
        approve_form = QFormLayout(approve_box)
        # A user name and a passphrase need no 1400 pixels: the fields keep their own width.
        approve_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        approve_form.addRow(self.tr("Second &user:"), self.approver)
        approve_form.addRow(self.tr("T&heir passphrase:"), self.passphrase)
        for field in (self.approver, self.passphrase):
            label = approve_form.labelForField(field)
            if isinstance(label, QLabel):
                label.setBuddy(field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.publish_button)
        buttons.addStretch(1)
        approve_form.addRow(buttons)

        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Working"))
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = self._label("releaseStatus")

        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(stage_bar)
        left.addWidget(self.staged_list)
        top.addLayout(left, 2)
        top.addWidget(policy_box, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.releases, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.findings, 2)
        layout.addWidget(approve_box)

        # Tab follows the work: stage and check, the policy, the results, then the approval
        # (the tables were made first, so by default Tab visited them before anything else).
        order = [
            self.stage_button,
            self.clear_button,
            self.names_button,
            self.check_button,
            self.staged_list,
            self.decimals,
            self.grid,
            self.coarsen,
            self.threshold,
            self.public_fields,
            self.releases,
            self.findings,
            self.approver,
            self.passphrase,
            self.approve_button,
            self.publish_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.check)
        self.set_vault(None)

    def _label(self, name: str) -> QLabel:
        label = plain_label("")
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # --- vault ------------------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        """Show `vault`'s releases; None (locked) drops everything shown and typed."""
        self._vault = vault
        self._generation.advance()
        self._busy = False
        self.progress.hide()
        self.passphrase.clear()
        self.reports = []
        self.releases.setRowCount(0)
        self.findings.setRowCount(0)
        self.summary.clear()
        self.approver.clear()
        set_message(self.status, "" if vault is not None else self.tr("Locked."))
        if vault is not None:
            self.refresh()
        self._update_enabled()

    def refresh(self, select: str = "") -> None:
        vault = self._vault
        if vault is None:
            return

        def work() -> tuple[list[gate.GateReport], list[str]]:
            slots = vault.slots()
            labels = [s.label for s in slots if s.kind in keyfile.UNLOCKING_KINDS]
            return gate.list_releases(vault), labels

        @self._generation.current
        def done(result: Any) -> None:
            reports, labels = result
            self.reports = list(reports)
            current = select or self.selected_id()
            _fill(
                self.releases,
                [
                    (format_time(r.prepared_at), self._status(r), str(len(r.files)), r.release_id)
                    for r in self.reports
                ],
            )
            self.approver.clear()
            self.approver.addItems(labels)
            for row, report in enumerate(self.reports):
                if report.release_id == current:
                    select_row(self.releases, row)
            if self.selected() is None and self.reports:
                select_row(self.releases, 0)
            self._show_selected()

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _status(self, report: gate.GateReport) -> str:
        return {
            "blocked": self.tr("blocked"),
            "awaiting approval": self.tr("awaiting approval"),
            "approved": self.tr("approved"),
            "published": self.tr("published"),
        }.get(report.status, report.status)

    def _kind(self, kind: str) -> str:
        """The finding's kind in words (`--json` of the CLI keeps the code)."""
        return {
            gate.NAME: self.tr("Personal name"),
            gate.CONSENT: self.tr("Consent"),
            gate.COORDINATES: self.tr("Coordinates"),
            gate.SMALL_CELL: self.tr("Small cell"),
            gate.FIELD: self.tr("Field not public"),
            gate.PHOTO: self.tr("Photo metadata"),
            gate.UNSUPPORTED: self.tr("Unsupported file"),
        }.get(kind, kind)

    def selected(self) -> gate.GateReport | None:
        rows = self.releases.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.reports):
            return None
        return self.reports[rows[0].row()]

    def selected_id(self) -> str:
        report = self.selected()
        return report.release_id if report else ""

    def _show_selected(self) -> None:
        report = self.selected()
        if report is None:
            self.findings.setRowCount(0)
            self.summary.clear()
            self._update_enabled()
            return
        _fill(
            self.findings,
            [
                (
                    f.file,
                    f.location,
                    self._kind(f.kind),
                    self.tr("fixed: {fix}").format(fix=f.fix) if f.fix else self.tr("BLOCKING"),
                    f.detail,
                )
                for f in report.findings
            ],
        )
        blocking = QColor(theme.colour("error"))
        for row, finding in enumerate(report.findings):
            if not finding.fix:
                for col in range(self.findings.columnCount()):
                    if (item := self.findings.item(row, col)) is not None:
                        item.setForeground(blocking)
        # Plural forms through %n, so a translation (and English) can say "1 file".
        text = self.tr("Prepared by {who}; {files}, {findings}, {blocking}.").format(
            who=report.prepared_by,
            files=self.tr("%n file(s)", "", len(report.files)),
            findings=self.tr("%n finding(s)", "", len(report.findings)),
            blocking=self.tr("%n blocking", "", len(report.blocking)),
        )
        if report.approved_by:
            text += " " + self.tr("Approved by {who}.").format(who=report.approved_by)
        # Preselect someone other than the preparer: they cannot approve their own release.
        for index in range(self.approver.count()):
            if self.approver.itemText(index).casefold() != report.prepared_by.casefold():
                self.approver.setCurrentIndex(index)
                break
        if report.blocking:
            text += " " + self.tr("Fix the staged files and check again.")
        self.summary.setText(text)
        self._update_enabled()

    # --- staging and checking ---------------------------------------------------------------------
    def choose_files(self) -> None:
        paths = self.dialogs.open_files(
            self,
            self.tr("Stage files for release"),
            self.tr(
                "Release files (*.csv *.geojson *.json *.txt *.md *.jpg *.jpeg *.png);;"
                "All files (*)"
            ),
        )
        self.stage(paths)

    def stage(self, paths: Sequence[Path]) -> None:
        """Add files to the next check (from the file picker, or a report just exported)."""
        for path in paths:
            if path not in self.staged:
                self.staged.append(path)
                self.staged_list.addItem(isolate(str(path)))
        self._update_enabled()

    def clear_staged(self) -> None:
        self.staged = []
        self.staged_list.clear()
        self._update_enabled()

    def choose_names(self) -> None:
        path = self.dialogs.open_file(
            self, self.tr("Extra names list"), self.tr("Text (*.txt);;All files (*)")
        )
        self.names_file = path
        self.names_button.setText(
            self.tr("Names: {name}").format(name=path.name)
            if path
            else self.tr("Extra &names list…")
        )

    def policy(self) -> gate.GatePolicy:
        fields = tuple(f.strip() for f in self.public_fields.text().split(",") if f.strip())
        return gate.GatePolicy(
            coordinate_decimals=self.decimals.value(),
            coordinate_grid=self.grid.text().strip(),
            coarsen_coordinates=self.coarsen.isChecked(),
            small_cell_threshold=self.threshold.value(),
            public_fields=fields,
        )

    def check(self) -> None:
        vault = self._vault
        if vault is None or self._busy or not self.staged:
            return
        try:
            policy = self.policy()
            names = gate.load_names_file(self.names_file) if self.names_file else []
        except gate.GateError as exc:
            set_message(self.status, message_for(exc)[1], "error")
            return
        staged = list(self.staged)

        def work() -> gate.GateReport:
            return gate.review(vault, staged, policy, extra_names=names)

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, gate.GateReport)
            self._end()
            if result.blocking:
                set_message(
                    self.status,
                    self.tr(
                        "%n blocking finding(s): this release cannot be approved.",
                        "",
                        len(result.blocking),
                    ),
                    "error",
                )
            else:
                set_message(
                    self.status,
                    self.tr("Checked: nothing blocks. A second user must approve it."),
                    "ok",
                )
            self.refresh(result.release_id)
            self.checked.emit(result)

        self._start(self.tr("Checking the staged files…"))
        self._runner.submit(work, done, self._generation.current(self._failed))

    # --- approval and publication -----------------------------------------------------------------
    def approve(self) -> None:
        vault, report = self._vault, self.selected()
        if vault is None or report is None or self._busy:
            return
        label = self.approver.currentText()
        passphrase = self.passphrase.text()
        self.passphrase.clear()  # never kept in the widget, whatever the outcome

        def work() -> gate.GateReport:
            return gate.approve(vault, report, label, passphrase)

        @self._generation.current
        def done(result: Any) -> None:
            self._end()
            set_message(
                self.status,
                self.tr("Approved by {who}; it can be published.").format(who=label),
                "ok",
            )
            self.refresh(report.release_id)
            self.approved.emit(result)

        self._start(self.tr("Checking the approver's passphrase…"))
        self._runner.submit(work, done, self._generation.current(self._failed))

    def publish(self) -> None:
        vault, report = self._vault, self.selected()
        if vault is None or report is None or self._busy:
            return
        folder = self.dialogs.folder(self, self.tr("Publish into an empty folder"), Path.home())
        if folder is None:
            return

        def work() -> Path:
            return gate.release(vault, report, folder)

        @self._generation.current
        def done(result: Any) -> None:
            self._end()
            set_message(
                self.status,
                self.tr("Published with its signed manifest: {path}").format(path=str(result)),
                "ok",
            )
            self.refresh(report.release_id)
            self.published.emit(result)

        self._start(self.tr("Publishing…"))
        self._runner.submit(work, done, self._generation.current(self._failed))

    # --- state ------------------------------------------------------------------------------------
    def _start(self, text: str) -> None:
        self._busy = True
        self.progress.show()
        set_message(self.status, text)
        self._update_enabled()

    def _end(self) -> None:
        self._busy = False
        self.progress.hide()
        self._update_enabled()

    def _failed(self, exc: BaseException) -> None:
        self._end()
        set_message(self.status, message_for(exc)[1], "error")
        show_error(self, exc)

    def _update_enabled(self) -> None:
        ready = self._vault is not None and not self._busy
        report = self.selected()
        for widget in (self.stage_button, self.names_button, self.clear_button):
            widget.setEnabled(ready)
        self.check_button.setEnabled(ready and bool(self.staged))
        can_approve = ready and report is not None and report.status == "awaiting approval"
        for field in (self.approver, self.passphrase, self.approve_button):
            field.setEnabled(can_approve)
        self.publish_button.setEnabled(
            ready and report is not None and report.status in ("approved", "published")
        )
