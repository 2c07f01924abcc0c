"""Idle watcher: lock the vault after a stretch without user input.

An application-wide event filter restarts a single-shot timer on every keyboard, mouse, wheel
or touch event, in any window of the app. Timer events and repaints do not count, so a
background refresh cannot keep an abandoned laptop unlocked.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from fieldapp.ui.settings import DEFAULT_AUTOLOCK_MS

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.Shortcut,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` once after `timeout_ms` without user input while running."""

    idle = Signal()

    def __init__(
        self, timeout_ms: int = DEFAULT_AUTOLOCK_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._expired)
        self._installed = False
        # How many input events restarted the timer: lets tests (and a debugger) see that
        # input counts without measuring time.
        self.restarts = 0

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._timer.start()

    def stop(self) -> None:
        # The filter stays away while locked: the unlock dialog must not restart a timer that
        # would then lock an already locked vault.
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def poke(self) -> None:
        """Count as user activity (for input that does not reach the event filter)."""
        if self._timer.isActive():
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self._timer.isActive():
            self._timer.start()
            self.restarts += 1
        return False

    def _expired(self) -> None:
        self.stop()
        self.idle.emit()
