"""Guard the PySide6 pin: 6.12.0 on Python 3.11 drops a reference to None on every void call
and to True on every emit(), so a long session aborts the interpreter ("deallocating None").
If a future upgrade brings the bug back, this fails long before a user's session would."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


class _Pinger(QObject):
    ping = Signal()


def test_void_calls_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 20


def test_emit_keeps_true_alive() -> None:
    pinger = _Pinger()
    before = sys.getrefcount(True)
    for _ in range(200):
        pinger.ping.emit()
    assert sys.getrefcount(True) >= before - 20
