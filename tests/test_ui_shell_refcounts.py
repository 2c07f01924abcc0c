"""The shell survives a long session: PySide6 6.12 on Python 3.11 drops a reference to
None on every void call and to True on every emit; the guard the shell installs keeps them."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

import fieldapp.ui.main_window  # noqa: F401 - importing the shell installs the guard


class _Sender(QObject):
    changed = Signal(bool)


def test_thousands_of_calls_and_emits_leave_the_singletons_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    sender = _Sender()
    seen: list[bool] = []
    sender.changed.connect(seen.append)
    for i in range(5000):
        label.setText(str(i))
        sender.changed.emit(i % 2 == 0)
    assert len(seen) == 5000
    # An unguarded Python 3.11 starts with a few thousand references and would be at zero.
    assert sys.getrefcount(None) > 1_000_000
    assert sys.getrefcount(True) > 1_000_000
    assert sys.getrefcount(False) > 1_000_000
