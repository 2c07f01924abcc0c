"""Copying to the clipboard without leaving case data there after a lock.

The app remembers only a SHA-256 digest of what it put on the clipboard, not the text, so no
decrypted value stays in memory after the lock. On lock the clipboard is cleared only when it
still holds the app's text: anything the user copied from elsewhere since then is theirs.
"""

from __future__ import annotations

import hashlib

from PySide6.QtGui import QClipboard, QGuiApplication


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class ClipboardGuard:
    """The app's one way to copy text; `clear_if_ours()` is called on every lock."""

    def __init__(self, clipboard: QClipboard | None = None) -> None:
        self._clipboard = clipboard
        self._ours: dict[QClipboard.Mode, bytes] = {}
        self._watching = False

    def _board(self) -> QClipboard:
        if self._clipboard is None:
            self._clipboard = QGuiApplication.clipboard()
        if not self._watching:
            # Ctrl+C in any line edit or table of the app also puts case data there; the
            # platform tells us when the clipboard's content is ours (X11, Windows, macOS; the
            # offscreen test platform never claims ownership).
            self._clipboard.dataChanged.connect(self._changed)
            self._watching = True
        return self._clipboard

    def watch(self) -> None:
        """Start noticing copies made by the app's own widgets (Ctrl+C, context menus)."""
        self._board()

    def _changed(self) -> None:
        board = self._board()
        if board.ownsClipboard():
            text = board.text(QClipboard.Mode.Clipboard)
            if text:
                self._ours[QClipboard.Mode.Clipboard] = _digest(text)

    def _modes(self) -> list[QClipboard.Mode]:
        board = self._board()
        modes = [QClipboard.Mode.Clipboard]
        # X11 also has the middle-click selection; a copy there would outlive the lock too.
        if board.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        return modes

    def copy(self, text: str) -> None:
        board = self._board()
        for mode in self._modes():
            board.setText(text, mode)
            self._ours[mode] = _digest(text)

    def holds_ours(self) -> bool:
        board = self._board()
        return any(
            board.text(mode) and _digest(board.text(mode)) == digest
            for mode, digest in self._ours.items()
        )

    def clear_if_ours(self) -> bool:
        """Clear each clipboard that still holds text the app set; True if one was cleared."""
        board = self._board()
        cleared = False
        for mode, digest in list(self._ours.items()):
            current = board.text(mode)
            if current and _digest(current) == digest:
                board.clear(mode)
                cleared = True
        self._ours.clear()
        return cleared
