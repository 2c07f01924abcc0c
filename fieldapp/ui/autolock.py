"""Idle watcher: lock the vault after a stretch without user input.

An application-wide event filter restarts a single-shot timer on every keyboard, mouse, wheel
or touch event, in any window of the app. Timer events and repaints do not count, so a
background refresh cannot keep an abandoned laptop unlocked.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QCoreApplication, QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtDBus import QDBusConnection

from fieldapp.ui.settings import DEFAULT_AUTOLOCK_MS

_log = logging.getLogger(__name__)

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


# --- suspend and desktop session lock (issue 6 §3) ---------------------------------------------
class SessionLockWatcher(QObject):
    """Emits `lock_requested(reason)` when the computer is about to sleep or the desktop
    session locks, so the vault locks before the screen does.

    Linux, through D-Bus (QtDBus, part of PySide6 Essentials):

    - system bus, `org.freedesktop.login1.Manager.PrepareForSleep(true)`: suspend or hibernate;
    - system bus, `org.freedesktop.login1.Session.Lock()`: `loginctl lock-session(s)`, which
      desktops send when the user locks the screen (any session's Lock is taken: locking too
      often is safe, too rarely is not);
    - session bus, `ActiveChanged(true)` of `org.freedesktop.ScreenSaver` (KDE, Xfce, …) and
      `org.gnome.ScreenSaver` (GNOME): the screen locker came up.

    Where there is no bus (CI, a minimal container) the watcher does nothing and says so in the
    debug log; the idle timer still locks. Qt's own `ApplicationSuspended` state is handled by
    the main window as before.

    Windows and macOS (not implemented, not testable here): Windows would register the window
    with `WTSRegisterSessionNotification` and lock on `WM_WTSSESSION_CHANGE` /
    `WTS_SESSION_LOCK`, and on `WM_POWERBROADCAST` / `PBT_APMSUSPEND` (a native event filter
    on the main window's HWND); macOS would observe `NSWorkspaceWillSleepNotification` and the
    distributed `com.apple.screenIsLocked` notification.
    """

    lock_requested = Signal(str)

    SUSPEND = "suspend"
    SESSION_LOCK = "session-lock"
    SCREENSAVER = "screensaver"

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        system_bus: QDBusConnection | None = None,
        session_bus: QDBusConnection | None = None,
    ) -> None:
        super().__init__(parent)
        self._system = system_bus
        self._session = session_bus
        self.connected: list[str] = []  # which signals are being watched, for tests and logs

    def start(self) -> bool:
        """Subscribe to every signal a bus offers; False when no bus could be reached."""
        system = self._system if self._system is not None else QDBusConnection.systemBus()
        session = self._session if self._session is not None else QDBusConnection.sessionBus()
        wanted = (
            (system, "org.freedesktop.login1.Manager", "PrepareForSleep", "_sleep(bool)"),
            (system, "org.freedesktop.login1.Session", "Lock", "_session_lock()"),
            (session, "org.freedesktop.ScreenSaver", "ActiveChanged", "_screensaver(bool)"),
            (session, "org.gnome.ScreenSaver", "ActiveChanged", "_screensaver(bool)"),
        )
        for bus, interface, name, slot in wanted:
            if not bus.isConnected():
                _log.debug("no D-Bus for %s.%s: %s", interface, name, bus.lastError().message())
                continue
            # Empty service and path: the signal from whoever sends it on this bus.
            # PySide6's stub types the slot as bytes; the binding wants SLOT()'s str.
            signature = SLOT(slot)
            if bus.connect("", "", interface, name, self, signature):  # type: ignore[call-overload]
                self.connected.append(f"{interface}.{name}")
            else:
                _log.debug("cannot watch %s.%s: %s", interface, name, bus.lastError().message())
        return bool(self.connected)

    @Slot(bool)
    def _sleep(self, starting: bool) -> None:
        if starting:  # false is the resume
            self.lock_requested.emit(self.SUSPEND)

    @Slot()
    def _session_lock(self) -> None:
        self.lock_requested.emit(self.SESSION_LOCK)

    @Slot(bool)
    def _screensaver(self, active: bool) -> None:
        if active:
            self.lock_requested.emit(self.SCREENSAVER)

    def reason_text(self, kind: str) -> str:
        """The sentence the locked window shows for each kind of event."""
        if kind == self.SUSPEND:
            return self.tr("Locked when the computer was suspended.")
        return self.tr("Locked when the desktop session was locked.")
