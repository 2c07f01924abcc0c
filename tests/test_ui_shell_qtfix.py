"""The emit() reference-count workaround keeps `True` alive through many emits."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from fieldapp.ui.qtfix import emit_loses_references, ensure_emit_refcount_fix


class _Sender(QObject):
    changed = Signal(bool)
    plain = Signal()


def test_many_emits_do_not_use_up_references_to_true():
    ensure_emit_refcount_fix()
    sender = _Sender()
    seen: list[bool] = []
    sender.changed.connect(seen.append)
    before = sys.getrefcount(True)
    for i in range(2000):
        sender.changed.emit(i % 2 == 0)
        sender.plain.emit()
    assert len(seen) == 2000
    # Without the fix this drops by 4000 and a long session ends in "bool_dealloc".
    assert sys.getrefcount(True) >= before - 10
    assert not emit_loses_references()
