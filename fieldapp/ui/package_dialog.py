"""The GUI action "Evidence package…": one incident's court package, with progress and Cancel.

Calls the same `review.package.build_package` as `fieldapp hq package`, off the GUI thread
(`ui/tasks.py`). Choosing to include witness identities needs a reason, which is logged; the
result line names the package hash HQ logged, and the folder can be copied as it is.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
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

from fieldapp.domain.model import Incident
from fieldapp.review.package import PackageCancelled, PackageResult, build_package
from fieldapp.store.vault import Vault
from fieldapp.ui.custody_pdf import write_custody_pdf
from fieldapp.ui.messages import message_for
from fieldapp.ui.register import isolate
from fieldapp.ui.sync_panel import FileDialogs, set_message
from fieldapp.ui.tasks import Progress, Runner, Task, submit_with_progress
from fieldapp.ui.widgets import plain_label
from fieldapp.ui.wrapping import pin_wrapped_labels


class PackageDialog(QDialog):
    """Make the evidence package of `incident_id` in a folder the user chooses.

    Keyboard: Ctrl+O (or Alt+F) chooses the folder, Ctrl+Return (or Alt+M) makes the package,
    Escape cancels a running build (or closes the dialog when idle); Alt+D, Alt+I and Alt+R
    reach the folder, identities and reason fields.
    """

    def __init__(
        self,
        vault: Vault,
        incident_id: str,
        runner: Runner,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("packageDialog")
        self.setWindowTitle(self.tr("Evidence package"))
        self._vault: Vault | None = vault
        self._incident_id = incident_id
        self._runner = runner
        self._cancel: threading.Event | None = None
        self._task: Task | None = None
        self.dialogs = FileDialogs()
        self.package: PackageResult | None = None

        intro = plain_label(
            self.tr(
                "A folder with the originals, every record version, the signed log proofs, "
                "the certificates, a chain-of-custody PDF and a verifier anyone can run. "
                "Witness identities are left out unless you include them with a reason."
            )
        )
        intro.setWordWrap(True)
        self.incident_label = plain_label(title or incident_id)
        self.incident_label.setObjectName("packageIncident")
        self.incident_label.setToolTip(incident_id)
        self._ref_code = ""
        self.folder = QLineEdit()
        self.folder.setObjectName("packageFolder")
        self.folder.setPlaceholderText(self.tr("A new folder for the package"))
        self.folder.textChanged.connect(self._update_enabled)
        self.choose_button = QPushButton(self.tr("&Folder…"))
        self.choose_button.setToolTip(self.tr("Choose where the package folder goes (Ctrl+O)"))
        self.choose_button.clicked.connect(self.choose_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        self.identities = QCheckBox(self.tr("Include witness &identities (logged)"))
        self.identities.setObjectName("packageIdentities")
        self.identities.toggled.connect(self._update_enabled)
        self.reason = QLineEdit()
        self.reason.setObjectName("packageReason")
        self.reason.setPlaceholderText(self.tr("Why identities are included (e.g. court order)"))
        self.reason.textChanged.connect(self._update_enabled)

        form = QFormLayout()
        form.addRow(self.tr("Incident:"), self.incident_label)
        label = QLabel(self.tr("Fol&der:"))
        label.setBuddy(self.folder)
        form.addRow(label, folder_row)
        form.addRow("", self.identities)
        reason_label = QLabel(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)

        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Package progress"))
        self.progress.hide()
        self.status = plain_label("")
        self.status.setObjectName("packageStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.make_button = QPushButton(self.tr("&Make package"))
        self.make_button.setObjectName("packageMake")
        self.make_button.setDefault(True)
        self.make_button.setToolTip(self.tr("Make the package (Ctrl+Return)"))
        self.make_button.clicked.connect(self.make_package)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop (Escape); nothing is left half-written"))
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 3)
        buttons.addStretch(1)  # buttons keep their size when the progress bar is hidden
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        for keys, slot in (
            (QKeySequence(Qt.Key.Key_Escape), self._escape),
            (QKeySequence("Ctrl+O"), self.choose_folder),
            (QKeySequence("Ctrl+Return"), self.make_package),
        ):
            QShortcut(keys, self).activated.connect(slot)
        self.resize(620, 0)
        self._update_enabled()
        # The main window hands over an id; the analyst knows the reference code and title,
        # and the package folder is named after the reference.
        runner.submit(
            lambda: vault.get_incident(incident_id)[0],
            self._show_incident,
            lambda _exc: None,  # the id stays shown; making the package says what is wrong
        )

    def _show_incident(self, incident: object) -> None:
        if isinstance(incident, Incident) and incident.ref_code:
            self._ref_code = incident.ref_code
            self.incident_label.setText(f"{incident.ref_code}  {isolate(incident.title)}")

    # --- state ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._cancel is not None

    def _update_enabled(self) -> None:
        running = self.running
        wants_reason = self.identities.isChecked()
        self.reason.setEnabled(wants_reason and not running)
        ready = bool(self.folder.text().strip()) and (
            not wants_reason or bool(self.reason.text().strip())
        )
        self.make_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)
        self.cancel_button.setVisible(running)
        for widget in (self.folder, self.choose_button, self.identities):
            widget.setEnabled(not running)
        self.close_button.setEnabled(not running)

    def _escape(self) -> None:
        if self.running:
            self.cancel()
        else:
            self.reject()

    def set_vault(self, vault: Vault | None) -> None:
        """The lock hands None to every panel: stop a running build and close."""
        if vault is None:
            self.cancel()
            self._vault = None
            self.close_button.setEnabled(True)
            self.reject()

    # --- actions --------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        if self.running:
            return
        start = Path(self.folder.text().strip() or Path.home())
        chosen = self.dialogs.folder(self, self.tr("Where the package folder goes"), start.parent)
        if chosen is not None:
            name = self._ref_code or self._incident_id[:8]
            self.folder.setText(str(chosen / f"package-{name}"))

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._say(self.tr("Cancelling…"), "warn")

    def make_package(self) -> None:
        """Build the package on a worker thread; the result or the error shows in the dialog."""
        if self.running or not self.make_button.isEnabled():
            return
        if self._vault is None:
            return
        dest = Path(self.folder.text().strip()).expanduser()
        include = self.identities.isChecked()
        reason = self.reason.text().strip() if include else ""
        vault, incident_id = self._vault, self._incident_id
        cancel = threading.Event()
        self._cancel = cancel
        self.package = None
        self.progress.setRange(0, 0)
        self.progress.show()
        self._say(self.tr("Making the package…"))
        self._update_enabled()

        def work(progress: Progress, _task: Task) -> PackageResult:
            return build_package(
                vault,
                incident_id,
                dest,
                progress,
                cancel.is_set,
                custody_writer=write_custody_pdf,
                include_identities=include,
                reason=reason,
            )

        def progressed(done: int, total: int) -> None:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

        def finished(result: Any) -> None:
            assert isinstance(result, PackageResult)
            self._done()
            self.package = result
            self._say(
                self.tr(
                    "Package written to {path}: {versions} record versions, {originals} "
                    "originals. Package hash (logged): {hash}"
                ).format(
                    path=str(result.path),
                    versions=result.record_versions,
                    originals=result.originals,
                    hash=result.tagmanifest_sha256,
                ),
                "ok",
            )

        def failed(exc: BaseException) -> None:
            self._done()
            if isinstance(exc, PackageCancelled):
                self._say(self.tr("Cancelled; nothing was written."), "warn")
            else:
                self._say(message_for(exc)[1], "error")

        self._task = submit_with_progress(
            self._runner, work, finished, failed, on_progress=progressed
        )

    def _say(self, text: str, kind: str = "") -> None:
        """Show a status line; the dialog grows with it (a result names the path and the hash
        over three lines) instead of squeezing the form rows over one another."""
        set_message(self.status, text, kind)
        pin_wrapped_labels(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        pin_wrapped_labels(self)  # the intro wraps to more lines in longer languages

    def _done(self) -> None:
        self._cancel = None
        self._task = None
        self.progress.hide()
        self._update_enabled()
