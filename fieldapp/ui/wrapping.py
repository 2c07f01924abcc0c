"""Dialogs whose word-wrapped labels keep the height they need, in every language.

`widgets.fit_wrapped_text` grows a window to the height its layout asks for at its width. Where
wrapped labels sit in nested layouts (a group box, a form), the top-level layout hands the
extra height out by size hints instead: the Settings dialog in the pseudo right-to-left run
gave it to the gap above "Security policies" and drew the policy notes over the next rows,
and the package dialog squeezed its form rows together. Pinning each wrapped label's minimum
height to what it needs at its current width makes the layout's minimum honest, so the window
grows and nothing overlaps.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


def pin_wrapped_labels(window: QWidget) -> None:
    """Give every visible word-wrapped label of `window` its height for its width, then grow
    `window` to its layout's minimum. Call it after showing and after a label's text changes;
    it only ever grows the window, so calling it from a resize cannot loop."""
    layout = window.layout()
    if layout is None or not window.isVisible():
        return
    labels = [
        label
        for label in window.findChildren(QLabel)
        if label.wordWrap() and label.isVisibleTo(window)
    ]
    for label in labels:
        label.setMinimumHeight(0)  # widths first, from the layout as it is
    layout.activate()
    for label in labels:
        height = label.heightForWidth(label.width()) if label.width() > 0 else -1
        if height > 0:  # -1: an empty label, nothing to keep room for
            label.setMinimumHeight(height)
    layout.activate()
    needed = layout.minimumSize().height()
    if needed > window.height():
        window.resize(window.width(), needed)
