"""Device dialog: the code and fingerprint HQ compares when it enrolls this laptop.

The QR code carries the device id, code and public key, so HQ can scan instead of typing 64
characters; the fingerprint in groups is for reading aloud over a phone line.
"""

from __future__ import annotations

import base64
import io

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.store.vault import DeviceInfo
from fieldapp.ui.clipboard import ClipboardGuard


def qr_payload(device: DeviceInfo) -> str:
    """What the QR code says: versioned, ASCII only, and free of any case data."""
    key = base64.urlsafe_b64encode(device.public_key).decode("ascii").rstrip("=")
    return f"fieldapp-device:1;id={device.device_id};code={device.code};ed25519={key}"


def qr_png(text: str, scale: int = 6) -> bytes:
    """The QR code of `text` as PNG bytes (dark modules on white, with a quiet zone)."""
    out = io.BytesIO()
    # Error correction M survives a smudged screen; the payload is small enough for it.
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_pixmap(text: str, scale: int = 6) -> QPixmap:
    pixmap = QPixmap()
    if not pixmap.loadFromData(qr_png(text, scale), "PNG"):
        raise ValueError("could not render the QR code")
    return pixmap


def _mono() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    return font


class DeviceDialog(QDialog):
    def __init__(
        self, device: DeviceInfo, clipboard: ClipboardGuard, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deviceDialog")
        self.setWindowTitle(self.tr("This device"))
        self._device = device
        self._clipboard = clipboard

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.cell_label = QLabel(device.cell_name)
        self.role_label = QLabel(
            self.tr("Field device") if device.role == "field" else self.tr("HQ")
        )
        self.code_label = QLabel(device.code)
        self.code_label.setFont(_mono())
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint_label = QLabel(self._fingerprint_lines())
        self.fingerprint_label.setObjectName("fingerprint")
        self.fingerprint_label.setFont(_mono())
        self.fingerprint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Cell:"), self.cell_label)
        form.addRow(self.tr("Role:"), self.role_label)
        form.addRow(self.tr("Device code:"), self.code_label)
        form.addRow(self.tr("Fingerprint:"), self.fingerprint_label)

        self.qr_label = QLabel()
        self.qr_label.setObjectName("qrCode")
        self.qr_label.setPixmap(qr_pixmap(qr_payload(device)))
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setToolTip(self.tr("Device id, code and public key, for HQ to scan"))

        hint = QLabel(
            self.tr(
                "HQ compares this fingerprint when it enrolls the device. Read it out over a "
                "separate channel (phone, in person); never only over the link the bundles use."
            )
        )
        hint.setWordWrap(True)

        self.copy_button = QPushButton(self.tr("&Copy fingerprint"))
        self.copy_button.clicked.connect(self.copy_fingerprint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)

        top = QHBoxLayout()
        top.addLayout(form, 1)
        top.addWidget(self.qr_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def _fingerprint_lines(self) -> str:
        # Two lines of four groups read more reliably aloud than one long line.
        groups = self._device.fingerprint.split()
        half = (len(groups) + 1) // 2
        return " ".join(groups[:half]) + "\n" + " ".join(groups[half:])

    def copy_fingerprint(self) -> None:
        self._clipboard.copy(self._device.fingerprint)
