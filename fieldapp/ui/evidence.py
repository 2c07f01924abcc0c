"""The evidence tab of an incident: a gallery, imports with progress, details and actions.

Everything slow (copying and sealing originals, parsing them in the media sandbox, decrypting a
thumbnail or an original) runs in the task runner; the widgets only show results. One media
sandbox is kept open for a whole batch, because starting its workers costs more than a photo.
Text that comes from a file (its name, EXIF make and model, a caption) is shown as plain text
only: a file named `<img src=…>` must not become markup.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QFont, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.evidence import Consistency, EvidenceItem, format_delta
from fieldapp.domain.geo import to_mgrs
from fieldapp.errors import FieldappError, VaultLocked
from fieldapp.store.vault import Vault
from fieldapp.ui.evidence_viewer import EvidenceViewer
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP, format_count, interface_locale
from fieldapp.ui.messages import message_for, show_error
from fieldapp.ui.tasks import Generation, Progress, Runner, Task, submit_with_progress
from fieldapp.ui.widgets import plain_label, plain_tooltip, vocab_label

THUMB_SIZE = 128
# Each file is this many steps of the progress bar, so a long file moves the bar as it is read.
PROGRESS_STEPS = 100
GALLERY_LIMIT = 500  # one page; an incident with more photos is rare enough to say so

FLAG_LABELS = {
    "no_exif": QT_TRANSLATE_NOOP("evidence", "no EXIF metadata"),
    "gps_invalid": QT_TRANSLATE_NOOP("evidence", "GPS position invalid"),
    "metadata_unavailable": QT_TRANSLATE_NOOP("evidence", "metadata unavailable"),
    "unrenderable": QT_TRANSLATE_NOOP("evidence", "cannot be rendered"),
    "trailing_data": QT_TRANSLATE_NOOP("evidence", "data after the end of the image"),
    "timeout": QT_TRANSLATE_NOOP("evidence", "reading it timed out"),
}
EXPORT_WARNING = QT_TRANSLATE_NOOP(
    "evidence",
    "The copy is plain, unencrypted data outside the vault: the vault no longer protects it. "
    "Keep it on an encrypted drive and delete it when done. The export is written to the "
    "audit log with your reason.",
)


def flag_texts(item: EvidenceItem) -> list[str]:
    """What is unusual about an item, in words (a duplicate is a flag for the analyst too)."""
    texts = [
        QCoreApplication.translate("evidence", FLAG_LABELS[flag]) if flag in FLAG_LABELS else flag
        for flag in item.flags
    ]
    if item.duplicate_of:
        texts.append(
            QCoreApplication.translate(
                "evidence", "duplicate of evidence {id} (same bytes)"
            ).format(id=item.duplicate_of[:8])
        )
    return texts


def needs_attention(item: EvidenceItem) -> bool:
    """Badge-worthy: a flag other than `no_exif`, or a duplicate.

    No EXIF is common (messaging apps strip it) and is listed in the details and tooltip; a
    badge on most forwarded photos would teach the analyst to ignore the badge.
    """
    return bool(item.duplicate_of) or any(flag != "no_exif" for flag in item.flags)


def sha256_groups(digest: str) -> str:
    """A hash in groups of eight, so it can be read out and compared by eye."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Every entry to import from `paths`, folders walked recursively, symlinks not followed.

    A symlink, FIFO or device found in a folder is still listed: the store refuses it with a
    message naming it, and the summary reports it, rather than it vanishing silently.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found.extend(_walk(path))
        else:
            found.append(path)
    return found


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.is_dir(follow_symlinks=False):
                found.extend(_walk(Path(entry.path)))
            else:
                found.append(Path(entry.path))
    return found


@dataclass
class ImportSummary:
    """The outcome of one batch: what was stored, what was refused and why, and a cancel."""

    total: int = 0
    imported: list[EvidenceItem] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (name, message)
    cancelled: bool = False

    def text(self) -> str:
        head = QCoreApplication.translate("evidence", "{done} of {total} imported").format(
            done=len(self.imported), total=self.total
        )
        if self.cancelled:
            head = QCoreApplication.translate("evidence", "{summary}, cancelled").format(
                summary=head
            )
        if self.failures:
            head = QCoreApplication.translate("evidence", "{summary}, {failed} failed").format(
                summary=head, failed=len(self.failures)
            )
        lines = [head]
        duplicates = [i for i in self.imported if i.duplicate_of]
        if duplicates:
            lines.append(
                QCoreApplication.translate(
                    "evidence",
                    "{count} already in the vault (stored once, linked again; "
                    "flagged as duplicate)",
                ).format(count=len(duplicates))
            )
        flagged = [i for i in self.imported if needs_attention(i)]
        for item in flagged:
            lines.append(
                QCoreApplication.translate("evidence", "{name}: {flags}").format(
                    name=item.original_name, flags=", ".join(flag_texts(item))
                )
            )
        for name, message in self.failures:
            lines.append(
                QCoreApplication.translate("evidence", "NOT imported: {name}: {reason}").format(
                    name=name, reason=message
                )
            )
        return "\n".join(lines)


def import_batch(
    vault: Vault,
    paths: Sequence[Path],
    incident_ids: Sequence[str],
    progress: Progress,
    cancel: threading.Event,
) -> ImportSummary:
    """Import `paths` one by one (runs in the task runner, off the GUI thread).

    A refused file is reported and the batch goes on; a cancel stops before the next file, so
    whatever was stored stays stored and whole.
    """
    from fieldapp.media import MediaSandbox  # Pillow and its decoders only once needed

    files = collect_files(paths)
    summary = ImportSummary(total=len(files))
    if not files:
        return summary
    total = len(files) * PROGRESS_STEPS
    with MediaSandbox(workers=min(2, len(files))) as sandbox:
        for done, path in enumerate(files):
            if cancel.is_set():
                summary.cancelled = True
                break
            progress(done * PROGRESS_STEPS, total)
            try:
                item = vault.add_evidence(
                    path,
                    incident_ids=incident_ids,
                    sandbox=sandbox,
                    progress=_within_file(progress, done, total),
                )
            except VaultLocked:
                summary.cancelled = True  # locked mid-batch: nothing more can be stored
                break
            except (FieldappError, OSError) as exc:
                summary.failures.append((path.name, message_for(exc)[1]))
            else:
                summary.imported.append(item)
        else:
            progress(total, total)
    return summary


def _within_file(progress: Progress, index: int, total: int) -> Progress:
    """Byte progress of file `index` as steps of the batch, reported only when a step changes
    (a large video would otherwise queue a signal per 64 KiB)."""
    last = -1

    def report(done: int, size: int) -> None:
        nonlocal last
        step = done * (PROGRESS_STEPS - 1) // size if size else 0
        if step != last:
            last = step
            progress(index * PROGRESS_STEPS + step, total)

    return report


def _placeholder(item: EvidenceItem) -> QPixmap:
    """A grey tile naming the file type, for files without a thumbnail."""
    pixmap = QPixmap(THUMB_SIZE, THUMB_SIZE)
    pixmap.fill(QColor("#d8dbe0"))
    kind = Path(item.original_name).suffix.lstrip(".").upper()[:6] or (
        item.media_type.rsplit("/", 1)[-1][:10] or "FILE"
    )
    painter = QPainter(pixmap)
    painter.setPen(QColor("#3c4350"))
    font = QFont()
    font.setPointSize(16)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, kind)  # plain text
    painter.end()
    return pixmap


def _tile(pixmap: QPixmap, badge: bool) -> QPixmap:
    """`pixmap` fitted and centred on a square tile (so the grid lines up), maybe badged.

    The stored thumbnails are larger than a gallery cell; a list view would draw them at full
    size over their neighbours and names.
    """
    if pixmap.width() > THUMB_SIZE or pixmap.height() > THUMB_SIZE:
        pixmap = pixmap.scaled(
            THUMB_SIZE,
            THUMB_SIZE,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    tile = QPixmap(THUMB_SIZE, THUMB_SIZE)
    tile.fill(QColor(0, 0, 0, 0))
    painter = QPainter(tile)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.drawPixmap(
        (THUMB_SIZE - pixmap.width()) // 2, (THUMB_SIZE - pixmap.height()) // 2, pixmap
    )
    if badge:
        painter.setBrush(QColor("#c62828"))
        painter.setPen(QColor("white"))
        painter.drawEllipse(THUMB_SIZE - 30, 4, 26, 26)
        font = QFont()
        font.setBold(True)
        font.setPointSize(13)
        painter.setFont(font)
        painter.drawText(THUMB_SIZE - 30, 4, 26, 26, Qt.AlignmentFlag.AlignCenter, "!")
    painter.end()
    return tile


@dataclass
class GalleryEntry:
    item: EvidenceItem
    pixmap: QPixmap
    has_thumbnail: bool


class GalleryModel(QAbstractListModel):
    """The items of one incident with their decrypted thumbnails (dropped on lock)."""

    ItemRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[GalleryEntry] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.item.original_name  # a list view draws display text as plain text
        if role == Qt.ItemDataRole.DecorationRole:
            return entry.pixmap
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [entry.item.original_name]
            if entry.item.caption:
                lines.append(entry.item.caption)
            lines.extend(flag_texts(entry.item))
            return plain_tooltip("\n".join(lines))
        if role == self.ItemRole:
            return entry.item
        return None

    def set_items(self, items: list[EvidenceItem], thumbnails: dict[str, bytes | None]) -> None:
        entries = []
        for item in items:
            pixmap = QPixmap()
            data = thumbnails.get(item.id)
            has_thumbnail = bool(data) and pixmap.loadFromData(data or b"", "JPEG")
            if not has_thumbnail:
                pixmap = _placeholder(item)
            entries.append(GalleryEntry(item, _tile(pixmap, needs_attention(item)), has_thumbnail))
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.entries = []
        self.endResetModel()

    def row_of(self, evidence_id: str) -> int:
        for row, entry in enumerate(self.entries):
            if entry.item.id == evidence_id:
                return row
        return -1


@dataclass(frozen=True)
class _Details:
    item: EvidenceItem
    version: int
    consistency: Consistency | None


def describe_consistency(result: Consistency | None) -> str:
    """One sentence on place and time against the incident, for the details pane."""
    if result is None:
        return QCoreApplication.translate("evidence", "No incident to compare with.")
    parts = []
    if result.distance_km is not None:
        parts.append(
            QCoreApplication.translate("evidence", "{km} km from the incident's place").format(
                km=interface_locale().toString(result.distance_km, "f", 2)
            )
        )
    else:
        parts.append(
            QCoreApplication.translate("evidence", "distance unknown (no GPS position on one side)")
        )
    delta = result.time_difference
    if delta is None:
        parts.append(QCoreApplication.translate("evidence", "time difference unknown"))
    elif delta == timedelta(0):
        parts.append(QCoreApplication.translate("evidence", "taken within the incident's time"))
    elif delta > timedelta(0):
        parts.append(
            QCoreApplication.translate(
                "evidence", "taken {delta} after the incident's time"
            ).format(delta=format_delta(delta))
        )
    else:
        parts.append(
            QCoreApplication.translate(
                "evidence", "taken {delta} before the incident's time"
            ).format(delta=format_delta(delta))
        )
    return QCoreApplication.translate("evidence", "{parts}.").format(parts="; ".join(parts))


class EvidencePanel(QWidget):
    """The evidence tab: gallery of one incident, import, viewer, details and actions."""

    incident_changed = Signal(str)  # "use place/time" saved a new incident version
    gallery_loaded = Signal()
    import_progress = Signal(int, int)
    import_finished = Signal(object)  # ImportSummary
    details_shown = Signal()
    caption_saved = Signal(str)
    exported = Signal(str)  # the path written

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidencePanel")
        self._runner = runner
        self._vault: Vault | None = None
        self._incident_id: str | None = None
        self._generation = (
            Generation()
        )  # results of work started before a lock or switch are dropped
        self._cancel: threading.Event | None = None
        self._task: Task | None = None
        self._details: _Details | None = None
        self.viewer: EvidenceViewer | None = None
        self.model = GalleryModel(self)
        self.setAcceptDrops(True)
        self._build()
        self._update_enabled()

    # --- public API -------------------------------------------------------------------------------
    def set_vault(self, vault: Vault | None) -> None:
        """Attach a vault; None (lock) drops thumbnails, the viewer and every decrypted byte."""
        self._generation.advance()
        if self._cancel is not None:
            self._cancel.set()  # an import in flight stops at its next file
        self._cancel = None
        self._vault = vault
        self._incident_id = None
        self.model.clear()
        self._clear_details()
        self.summary.clear()
        self.summary.hide()
        self._end_progress()
        self._update_enabled()

    def show_incident(self, incident_id: str | None) -> None:
        """Show the gallery of `incident_id` (None: empty)."""
        self._generation.advance()
        self._incident_id = incident_id
        self.model.clear()
        self._clear_details()
        self._update_enabled()
        if incident_id is not None and self._vault is not None:
            self.reload()

    def reload(self, select_id: str | None = None) -> None:
        vault, incident_id = self._vault, self._incident_id
        if vault is None or incident_id is None:
            return

        def work() -> tuple[list[EvidenceItem], dict[str, bytes | None]]:
            items = vault.list_evidence(incident_id, limit=GALLERY_LIMIT)
            return items, {i.id: vault.evidence_thumbnail(i.id) for i in items}

        @self._generation.current
        def done(result: Any) -> None:
            items, thumbnails = result
            # A reset loses the current row; the item whose details are shown stays selected.
            keep = select_id or (self._details.item.id if self._details is not None else None)
            self.model.set_items(items, thumbnails)
            self.count_label.setText(
                self.tr("%n item(s)", "", len(items))
                if len(items) < GALLERY_LIMIT
                else self.tr("%n item(s) (first {limit} shown)", "", len(items)).format(
                    limit=GALLERY_LIMIT
                )
            )
            if keep is not None and (row := self.model.row_of(keep)) >= 0:
                self.gallery.setCurrentIndex(self.model.index(row))
            elif keep is not None:
                self._clear_details()
            self.gallery_loaded.emit()

        self._runner.submit(work, done, self._generation.current(self._failed))

    def import_paths(self, paths: Sequence[Path]) -> None:
        """Import files and folders (recursively) into the shown incident, in the runner."""
        vault, incident_id = self._vault, self._incident_id
        if vault is None or incident_id is None or self._cancel is not None or not paths:
            return
        cancel = threading.Event()
        self._cancel = cancel
        self.summary.hide()
        self.progress.setRange(0, 0)  # busy until the folders are walked
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.status.setText(self.tr("Importing…"))
        self._update_enabled()
        chosen = list(paths)

        def work(progress: Progress, _task: Task) -> ImportSummary:
            return import_batch(vault, chosen, [incident_id], progress, cancel)

        current = -1

        @self._generation.current
        def progressed(done: int, total: int) -> None:
            nonlocal current
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            index, count = done // PROGRESS_STEPS, total // PROGRESS_STEPS
            if index != current:  # import_progress speaks in files, once per file
                current = index
                self.status.setText(
                    self.tr("Importing {number} of {count}…").format(
                        number=min(index + 1, count), count=count
                    )
                )
                self.import_progress.emit(index, count)

        @self._generation.current
        def finished(result: Any) -> None:
            assert isinstance(result, ImportSummary)
            self._cancel = None
            self._end_progress()
            self.status.setText("")
            self.summary.setPlainText(result.text())
            self.summary.show()
            self._update_enabled()
            self.reload()
            self.import_finished.emit(result)

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self._cancel = None
            self._end_progress()
            self.status.setText("")
            self._update_enabled()
            self.reload()  # whatever was stored before the failure stays and is shown
            show_error(self, exc)

        submit_with_progress(self._runner, work, finished, failed, on_progress=progressed)

    def cancel_import(self) -> None:
        """Stop after the file being imported; the ones stored stay."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText(self.tr("Cancelling after the current file…"))

    def current_item(self) -> EvidenceItem | None:
        return self._details.item if self._details is not None else None

    def select(self, evidence_id: str) -> None:
        row = self.model.row_of(evidence_id)
        if row >= 0:
            self.gallery.setCurrentIndex(self.model.index(row))

    def open_viewer(self) -> EvidenceViewer | None:
        """Show the selected original, decrypted in memory, in a non-modal viewer."""
        if self._vault is None or self._details is None:
            return None
        if self.viewer is not None:
            self.viewer.close()
        viewer = EvidenceViewer(self._runner, self._vault, self._details.item, self)
        viewer.destroyed.connect(lambda *_: self._forget_viewer(viewer))
        self.viewer = viewer
        viewer.show()
        return viewer

    def open_provenance(self) -> QDialog | None:
        """The selected item's provenance and its verification, in a non-modal dialog."""
        from fieldapp.ui.provenance import open_provenance

        if self._vault is None or self._details is None:
            return None
        return open_provenance(self, self._vault, self._details.item.id, self._runner)

    def save_caption(self) -> None:
        vault, details = self._vault, self._details
        if vault is None or details is None:
            return
        edited = copy.deepcopy(details.item)
        edited.caption = self.caption_edit.text().strip()
        if edited.caption == details.item.caption:
            return

        @self._generation.current
        def done(result: Any) -> None:
            item, _version = result
            self.caption_saved.emit(item.id)
            self.reload(select_id=item.id)

        self._runner.submit(
            lambda: vault.update_evidence(edited, "caption edited", details.version),
            done,
            self._generation.current(self._failed),
        )

    def apply_place_time(self) -> None:
        """Save the incident again with the photo's place/time, with the reason typed."""
        vault, details = self._vault, self._details
        incident_id = self._incident_id
        if vault is None or details is None or incident_id is None:
            return
        reason = self.apply_reason.text()
        evidence_id = details.item.id

        @self._generation.current
        def done(_result: Any) -> None:
            self.apply_reason.clear()
            self.apply_box.hide()
            self.incident_changed.emit(incident_id)
            self._load_details(evidence_id)

        self._runner.submit(
            lambda: vault.apply_photo_place_time(incident_id, evidence_id, reason),
            done,
            self._generation.current(self._failed),
        )

    def save_copy(self) -> None:
        """Write the original out to the chosen file, with the reason typed (logged)."""
        vault, details = self._vault, self._details
        if vault is None or details is None:
            return
        text = self.export_path.text().strip()
        if not text:
            self.export_issue.setText(self.tr("Choose where to save the copy."))
            return
        dest = Path(text)
        if dest.exists():
            # A file dialog asked already; a typed name must not overwrite anything unasked.
            self.export_issue.setText(
                self.tr("{path} exists; choose a new file name.").format(path=dest)
            )
            return
        reason = self.export_reason.text()
        evidence_id = details.item.id

        @self._generation.current
        def done(_result: Any) -> None:
            self.export_reason.clear()
            self.export_path.clear()
            self.export_issue.setText("")
            self.export_box.hide()
            self.status.setText(self.tr("Copy saved outside the vault: {path}").format(path=dest))
            self.exported.emit(str(dest))

        @self._generation.current
        def failed(exc: BaseException) -> None:
            self.export_issue.setText(message_for(exc)[1])

        self._runner.submit(lambda: vault.export_evidence(evidence_id, dest, reason), done, failed)

    # --- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.add_files_button = QPushButton(self.tr("Add files…"))
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button = QPushButton(self.tr("Add folder…"))
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.count_label = plain_label("")
        bar.addWidget(self.add_files_button)
        bar.addWidget(self.add_folder_button)
        bar.addWidget(plain_label(self.tr("or drop files and folders here")))
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        outer.addLayout(bar)

        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_import)
        self.status = plain_label("")
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        outer.addLayout(progress_row)
        outer.addWidget(self.status)
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("importSummary")
        self.summary.setReadOnly(True)
        self.summary.setMaximumHeight(90)
        outer.addWidget(self.summary)

        splitter = QSplitter()
        self.gallery = QListView()
        self.gallery.setObjectName("evidenceGallery")
        self.gallery.setViewMode(QListView.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.gallery.setGridSize(QSize(THUMB_SIZE + 24, THUMB_SIZE + 40))
        self.gallery.setResizeMode(QListView.ResizeMode.Adjust)
        self.gallery.setMovement(QListView.Movement.Static)
        self.gallery.setWordWrap(True)
        self.gallery.setUniformItemSizes(True)
        self.gallery.setModel(self.model)
        self.gallery.selectionModel().currentChanged.connect(self._current_changed)
        # Enter or a double click (as the platform has it) opens the viewer.
        self.gallery.activated.connect(lambda *_: self.open_viewer())
        splitter.addWidget(self.gallery)
        splitter.addWidget(self._build_details())
        # The details (hashes, consistency, actions) need the room; thumbnails wrap in any width.
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        outer.addWidget(splitter, 1)
        self._end_progress()
        self.summary.hide()

    def _build_details(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        form = QFormLayout()
        self.facts: dict[str, QLabel] = {}
        for key, title in (
            ("name", self.tr("File")),
            ("media", self.tr("Type")),
            ("size", self.tr("Size")),
            ("sha256", self.tr("SHA-256")),
            ("image", self.tr("Image")),
            ("captured", self.tr("Captured")),
            ("gps", self.tr("GPS")),
            ("camera", self.tr("Camera")),
            ("flags", self.tr("Flags")),
            ("imported", self.tr("Imported")),
            ("source", self.tr("Source")),
            ("sensitivity", self.tr("Sensitivity")),
            ("incidents", self.tr("Incidents")),
        ):
            label = plain_label()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[key] = label
            form.addRow(title, label)
        caption_row = QHBoxLayout()
        self.caption_edit = QLineEdit()
        self.caption_edit.setPlaceholderText(self.tr("What the photo shows"))
        self.caption_button = QPushButton(self.tr("Save caption"))
        self.caption_button.clicked.connect(self.save_caption)
        self.caption_edit.returnPressed.connect(self.save_caption)
        caption_row.addWidget(self.caption_edit, 1)
        caption_row.addWidget(self.caption_button)
        form.addRow(self.tr("Caption"), caption_row)
        layout.addLayout(form)

        self.consistency_label = plain_label()
        self.consistency_label.setWordWrap(True)
        self.warnings_label = plain_label()
        self.warnings_label.setObjectName("consistencyWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #b71c1c; font-weight: bold;")
        layout.addWidget(self.consistency_label)
        layout.addWidget(self.warnings_label)

        actions = QHBoxLayout()
        self.view_button = QPushButton(self.tr("View"))
        self.view_button.clicked.connect(self.open_viewer)
        self.apply_button = QPushButton(self.tr("Use this photo's place/time for the incident…"))
        self.apply_button.clicked.connect(self._show_apply_box)
        self.export_button = QPushButton(self.tr("Save a copy…"))
        self.export_button.clicked.connect(self._show_export_box)
        self.provenance_button = QPushButton(self.tr("&Provenance…"))
        self.provenance_button.setToolTip(
            self.tr("Where this item came from, and a check of its hash, versions and log")
        )
        self.provenance_button.clicked.connect(self.open_provenance)
        actions.addWidget(self.view_button)
        actions.addWidget(self.export_button)
        actions.addWidget(self.provenance_button)
        actions.addStretch(1)
        layout.addLayout(actions)
        # On its own row: the longest label, and the action that changes the incident.
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply_button)
        apply_row.addStretch(1)
        layout.addLayout(apply_row)

        # Inline boxes, not nested dialogs: the window stays usable and a lock can drop them.
        self.apply_box = QFrame()
        self.apply_box.setFrameShape(QFrame.Shape.StyledPanel)
        apply_layout = QVBoxLayout(self.apply_box)
        hint = plain_label(
            self.tr(
                "The incident is saved again with this photo's GPS position (method: photo EXIF) "
                "and its capture time when the camera recorded a time zone. Say why:"
            )
        )
        hint.setWordWrap(True)
        apply_layout.addWidget(hint)
        self.apply_reason = QLineEdit()
        self.apply_reason.setPlaceholderText(self.tr("Reason (required, goes to the audit log)"))
        apply_layout.addWidget(self.apply_reason)
        apply_buttons = QHBoxLayout()
        self.apply_confirm = QPushButton(self.tr("Use place/time"))
        self.apply_confirm.clicked.connect(self.apply_place_time)
        apply_cancel = QPushButton(self.tr("Cancel"))
        apply_cancel.clicked.connect(self.apply_box.hide)
        apply_buttons.addStretch(1)
        apply_buttons.addWidget(self.apply_confirm)
        apply_buttons.addWidget(apply_cancel)
        apply_layout.addLayout(apply_buttons)
        layout.addWidget(self.apply_box)

        self.export_box = QFrame()
        self.export_box.setFrameShape(QFrame.Shape.StyledPanel)
        export_layout = QVBoxLayout(self.export_box)
        warning = plain_label(QCoreApplication.translate("evidence", EXPORT_WARNING))
        warning.setObjectName("exportWarning")
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
        export_layout.addWidget(warning)
        path_row = QHBoxLayout()
        self.export_path = QLineEdit()
        self.export_path.setPlaceholderText(self.tr("File to write"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_export_path)
        path_row.addWidget(self.export_path, 1)
        path_row.addWidget(browse)
        export_layout.addLayout(path_row)
        self.export_reason = QLineEdit()
        self.export_reason.setPlaceholderText(self.tr("Reason (required, goes to the audit log)"))
        export_layout.addWidget(self.export_reason)
        self.export_issue = plain_label()
        self.export_issue.setWordWrap(True)
        self.export_issue.setStyleSheet("color: #b71c1c;")
        export_layout.addWidget(self.export_issue)
        export_buttons = QHBoxLayout()
        self.export_confirm = QPushButton(self.tr("Save copy"))
        self.export_confirm.clicked.connect(self.save_copy)
        export_cancel = QPushButton(self.tr("Cancel"))
        export_cancel.clicked.connect(self.export_box.hide)
        export_buttons.addStretch(1)
        export_buttons.addWidget(self.export_confirm)
        export_buttons.addWidget(export_cancel)
        export_layout.addLayout(export_buttons)
        layout.addWidget(self.export_box)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(box)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(340)
        return scroll

    # --- internals ----------------------------------------------------------------------------
    def _update_enabled(self) -> None:
        can_import = (
            self._vault is not None and self._incident_id is not None and self._cancel is None
        )
        self.add_files_button.setEnabled(can_import)
        self.add_folder_button.setEnabled(can_import)
        has_item = self._details is not None and self._vault is not None
        for widget in (
            self.view_button,
            self.apply_button,
            self.export_button,
            self.provenance_button,
            self.caption_edit,
            self.caption_button,
        ):
            widget.setEnabled(has_item)

    def _end_progress(self) -> None:
        self.progress.reset()
        self.progress.hide()
        self.cancel_button.hide()

    def _clear_details(self) -> None:
        self._details = None
        for label in self.facts.values():
            label.clear()
        self.caption_edit.clear()
        self.consistency_label.clear()
        self.warnings_label.clear()
        for line in (self.apply_reason, self.export_reason, self.export_path):
            line.clear()
        self.export_issue.clear()
        self.apply_box.hide()
        self.export_box.hide()
        if self.viewer is not None:
            self.viewer.close()
            self.viewer = None
        self._update_enabled()

    def _forget_viewer(self, viewer: EvidenceViewer) -> None:
        if self.viewer is viewer:
            self.viewer = None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.data(current, GalleryModel.ItemRole)
        if isinstance(item, EvidenceItem):
            self._load_details(item.id)
        else:
            self._clear_details()

    def _load_details(self, evidence_id: str) -> None:
        vault, incident_id = self._vault, self._incident_id
        if vault is None:
            return

        def work() -> _Details:
            item, version = vault.get_evidence(evidence_id)
            check = (
                vault.evidence_consistency(evidence_id, incident_id)
                if incident_id is not None
                else None
            )
            return _Details(item, version, check)

        @self._generation.current
        def done(result: Any) -> None:
            assert isinstance(result, _Details)
            self._show_details(result)

        self._runner.submit(work, done, self._generation.current(self._failed))

    def _show_details(self, details: _Details) -> None:
        self._details = details
        item = details.item
        facts = self.facts
        facts["name"].setText(item.original_name)
        facts["media"].setText(item.media_type or self.tr("unknown"))
        facts["size"].setText(self.tr("{size} bytes").format(size=format_count(item.size)))
        facts["sha256"].setText(sha256_groups(item.sha256))
        facts["image"].setText(
            self.tr("{format} {width} × {height} px").format(
                format=item.image_format, width=item.width, height=item.height
            )
            + (
                self.tr(", orientation {value}").format(value=item.orientation)
                if item.orientation
                else ""
            )
            if item.width is not None
            else "—"
        )
        captured = item.capture_time
        if item.capture_offset and not captured.endswith(item.capture_offset):
            captured += f" {item.capture_offset}"
        facts["captured"].setText(captured or self.tr("not recorded"))
        if item.gps_lat and item.gps_lon:
            gps = f"{item.gps_lat}, {item.gps_lon}\nMGRS {to_mgrs(item.gps_lat, item.gps_lon)}"
            if item.gps_alt_m:
                gps += "\n" + self.tr("altitude {metres} m").format(metres=item.gps_alt_m)
            if item.gps_direction:
                gps += self.tr(", facing {degrees}°").format(degrees=item.gps_direction)
            facts["gps"].setText(gps)
        else:
            facts["gps"].setText(self.tr("none"))
        facts["camera"].setText(f"{item.make} {item.model}".strip() or self.tr("unknown"))
        facts["flags"].setText(", ".join(flag_texts(item)) or self.tr("none"))
        facts["imported"].setText(
            self.tr("{time} by {user}").format(time=item.imported_at, user=item.imported_by)
        )
        facts["source"].setText(
            f"{vocab_label(item.source_medium)}, {vocab_label(item.acquisition)}"
        )
        facts["sensitivity"].setText(vocab_label(item.sensitivity))
        facts["incidents"].setText(
            self.tr("linked to {count}").format(count=len(item.incident_ids))
        )
        self.caption_edit.setText(item.caption)
        self.consistency_label.setText(describe_consistency(details.consistency))
        warnings = details.consistency.warnings if details.consistency else ()
        self.warnings_label.setText(
            "\n".join(self.tr("Warning: {text}").format(text=w) for w in warnings)
        )
        self._update_enabled()
        self.details_shown.emit()

    def _show_apply_box(self) -> None:
        self.export_box.hide()
        self.apply_box.show()
        self.apply_reason.setFocus()

    def _show_export_box(self) -> None:
        self.apply_box.hide()
        self.export_issue.clear()
        self.export_box.show()
        self.export_path.setFocus()

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Add evidence files"))
        self.import_paths([Path(n) for n in names])

    def _choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Add a folder of evidence"))
        if name:
            self.import_paths([Path(name)])

    def _choose_export_path(self) -> None:
        suggested = self._details.item.original_name if self._details else ""
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save a copy outside the vault"), suggested
        )
        if name:
            self.export_path.setText(name)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    # --- drag and drop --------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() for u in urls) and self.add_files_button.isEnabled():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        if paths and self.add_files_button.isEnabled():
            event.acceptProposedAction()
            self.import_paths(paths)
        else:
            event.ignore()
