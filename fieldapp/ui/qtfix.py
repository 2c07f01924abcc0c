"""Work around a reference-count bug in `SignalInstance.emit` of PySide6 6.12 on Python 3.11.

`emit()` returns `True` without owning a reference to it, so every emit from Python code takes
one reference away from the `True` singleton. Python 3.11 still counts references on `True`;
after a few thousand emits (a long working session, or the test suite) it reaches zero and
the interpreter aborts with "bool_dealloc: deallocating True or False".

The patch wraps `emit` and gives the returned object its missing reference back. It is
installed only when a probe shows the bug, so a fixed PySide6 (or Python 3.12+, where `True`
is immortal) runs unpatched; were it ever applied needlessly, it would only keep an extra
reference on a singleton that is never freed anyway.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 16
_installed = False


class _Probe(QObject):
    ping = Signal()


def emit_loses_references() -> bool:
    """True when emitting a Python-defined signal takes a reference away from `True`."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost > 0:
        # Give back what the probe itself took, so the check is free.
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost >= _PROBES // 2


def ensure_emit_refcount_fix() -> bool:
    """Install the wrapper once, if this PySide6 needs it; True when it is installed."""
    global _installed
    if _installed:
        return True
    if not emit_loses_references():
        return False
    original = SignalInstance.emit

    def emit(self: SignalInstance, *args: Any) -> Any:
        result = original(self, *args)
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
        return result

    setattr(SignalInstance, "emit", emit)  # noqa: B010 - mypy cannot type a method swap
    _installed = True
    return True
