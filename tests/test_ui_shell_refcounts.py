"""A long session must not wear out Python's singletons.

PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void call and to True on
every emit, so the app aborted ("none_dealloc" / "bool_dealloc") after a few thousand
actions. This fails on any Qt binding that does that again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Sender(QObject):
    changed = Signal(bool)


def test_thousands_of_calls_and_emits_keep_their_references(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    sender = _Sender()
    seen: list[bool] = []
    sender.changed.connect(seen.append)
    before = {name: sys.getrefcount(obj) for name, obj in (("None", None), ("True", True))}
    for i in range(5000):
        label.setText(str(i))
        sender.changed.emit(True)
    assert len(seen) == 5000
    after = {name: sys.getrefcount(obj) for name, obj in (("None", None), ("True", True))}
    # A few references may come and go with caches; thousands lost is the bug.
    assert after["None"] >= before["None"] - 50
    assert after["True"] >= before["True"] - 50
