"""The evidence viewer: an original decrypted in memory and shown, never written to disk.

The bytes come from `Vault.read_evidence` with a size cap (a 10 GB video is refused before it
fills memory). An image is decoded by Qt from those bytes and turned by the orientation the
sandbox measured, not by Qt's own reading of the EXIF, so the picture shown matches the facts
listed next to it. Closing the viewer or locking the vault drops the bytes and the picture.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap, QTransform
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.evidence import EvidenceItem
from fieldapp.store.vault import Vault
from fieldapp.ui.messages import message_for
from fieldapp.ui.tasks import Runner
from fieldapp.ui.widgets import plain_label

# Enough for any photo a phone or camera takes; larger originals are saved as a copy instead.
MAX_VIEW_BYTES = 200 * 1024 * 1024
VIEW_SIZE = 900  # longest side of the shown picture, in pixels
UNSAFE_FLAGS = frozenset(("unrenderable", "timeout", "metadata_unavailable"))
# Qt refuses to allocate a decoded picture above this (its default is 256 MB; said explicitly
# so a change of default cannot let a decompression bomb through).
ALLOCATION_LIMIT_MB = 512


def oriented(image: QImage, orientation: int | None) -> QImage:
    """`image` turned the way EXIF orientation 1-8 says (anything else: as stored).

    Qt rotates clockwise for a positive angle (y points down). 5 and 7 are the two mirrored
    quarter turns: a quarter turn clockwise, then a flip.
    """
    quarter = QTransform().rotate(90)
    if orientation == 2:
        return image.transformed(QTransform().scale(-1, 1))
    if orientation == 3:
        return image.transformed(QTransform().rotate(180))
    if orientation == 4:
        return image.transformed(QTransform().scale(1, -1))
    if orientation == 5:
        return image.transformed(quarter).transformed(QTransform().scale(-1, 1))
    if orientation == 6:
        return image.transformed(quarter)
    if orientation == 7:
        return image.transformed(quarter).transformed(QTransform().scale(1, -1))
    if orientation == 8:
        return image.transformed(QTransform().rotate(270))
    return image


def decode_image(data: bytes) -> QImage:
    """Decode `data` without Qt's own EXIF turn (the item's measured orientation is applied)."""
    array = QByteArray(data)
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(False)
    reader.setAllocationLimit(ALLOCATION_LIMIT_MB)
    image = reader.read()
    buffer.close()
    return image


class EvidenceViewer(QDialog):
    """Shows one item; non-modal (`show()`), so the rest of the window stays usable."""

    loaded = Signal()  # the original was read and shown (or its failure explained)

    def __init__(
        self, runner: Runner, vault: Vault, item: EvidenceItem, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceViewer")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Plain text: a file name is data from outside, never markup.
        self.setWindowTitle(self.tr("Evidence — {name}").format(name=item.original_name))
        self.item = item
        self._runner = runner
        self.image: QImage | None = None
        self._closed = False
        layout = QVBoxLayout(self)
        self.status = plain_label(self.tr("Decrypting the original in memory…"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(VIEW_SIZE + 60, VIEW_SIZE * 3 // 4 + 120)
        # Only a picture the sandbox decoded within its limits is decoded again here, in
        # process: a file that failed there (a bomb, a hang) must not get a second chance.
        if item.media_type.startswith("image/") and not UNSAFE_FLAGS & set(item.flags):
            self._load(vault)
        else:
            self.status.setText(
                self.tr(
                    "{type} is not shown here; its facts are in the details next to the "
                    "gallery. Use “Save a copy…” to open it elsewhere."
                ).format(type=item.media_type)
                if item.media_type
                else self.tr(
                    "This file is not shown here; its facts are in the details next to the "
                    "gallery. Use “Save a copy…” to open it elsewhere."
                )
            )

    def _load(self, vault: Vault) -> None:
        evidence_id, orientation = self.item.id, self.item.orientation

        def work() -> QImage:
            # Decrypting and decoding both run off the GUI thread (QImage, unlike QPixmap, may
            # be made there); the bytes go out of scope here, only the picture comes back.
            image = decode_image(vault.read_evidence(evidence_id, MAX_VIEW_BYTES))
            return oriented(image, orientation) if not image.isNull() else image

        def done(result: Any) -> None:
            assert isinstance(result, QImage)
            if self._closed:
                return  # closed (or the vault locked) while decrypting: show nothing
            if result.isNull():
                self.status.setText(self.tr("The original could not be decoded as a picture here."))
            else:
                self.image = result
                shown = result
                if max(shown.width(), shown.height()) > VIEW_SIZE:  # shrink, never enlarge
                    shown = shown.scaled(
                        VIEW_SIZE,
                        VIEW_SIZE,
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                self.picture.setPixmap(QPixmap.fromImage(shown))
                self.status.setText(
                    self.tr("{width} × {height} px, decrypted in memory only").format(
                        width=result.width(), height=result.height()
                    )
                )
            self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if self._closed:
                return
            self.status.setText(message_for(exc)[1])
            self.loaded.emit()

        self._runner.submit(work, done, failed)

    def drop(self) -> None:
        """Forget the decrypted picture (lock, or closing)."""
        self._closed = True
        self.image = None
        self.picture.clear()

    def closeEvent(self, event: Any) -> None:
        self.drop()
        super().closeEvent(event)
