"""UI preferences in QSettings: window geometry and state, theme, auto-lock delay.

Only presentation lives here, never case data: QSettings is a plain, unencrypted file (or the
registry), so anything written through it survives a lock and a crypto-erase. Keys are listed
in one place so a reviewer can check that rule at a glance.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal
from PySide6.QtWidgets import QMainWindow, QSplitter

ORGANISATION = "fieldapp"
APPLICATION = "fieldapp"

THEMES = ("dark", "light")
DEFAULT_THEME = "dark"

DEFAULT_AUTOLOCK_MS = 5 * 60 * 1000
# The dialog offers whole minutes; the API accepts any delay down to this floor so tests can
# use a tiny one. Below it, ordinary typing pauses would lock the app.
MIN_AUTOLOCK_MS = 10
MAX_AUTOLOCK_MS = 4 * 60 * 60 * 1000

_KEY_AUTOLOCK = "security/autolock_ms"
_KEY_THEME = "ui/theme"
_KEY_GEOMETRY = "window/geometry"
_KEY_STATE = "window/state"
_SPLITTER_PREFIX = "window/splitter/"


def _to_bytes(value: object) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None


class UiSettings(QObject):
    """Typed access to the UI preferences, with change signals the main window follows."""

    autolock_changed = Signal(int)
    theme_changed = Signal(str)

    def __init__(self, store: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Tests hand in an INI file under tmp_path so they never touch the user's preferences.
        self._store = store if store is not None else QSettings(ORGANISATION, APPLICATION)

    @property
    def store(self) -> QSettings:
        return self._store

    # --- auto-lock -------------------------------------------------------------------------
    def autolock_ms(self) -> int:
        raw = self._store.value(_KEY_AUTOLOCK, DEFAULT_AUTOLOCK_MS)
        try:
            value = int(str(raw))
        except ValueError:
            # A hand-edited or damaged preference must not disable the auto-lock.
            return DEFAULT_AUTOLOCK_MS
        return min(max(value, MIN_AUTOLOCK_MS), MAX_AUTOLOCK_MS)

    def set_autolock_ms(self, value: int) -> None:
        if not MIN_AUTOLOCK_MS <= value <= MAX_AUTOLOCK_MS:
            raise ValueError(
                f"the auto-lock delay must be between {MIN_AUTOLOCK_MS} ms and "
                f"{MAX_AUTOLOCK_MS // 60000} minutes, not {value} ms"
            )
        self._store.setValue(_KEY_AUTOLOCK, value)
        self._store.sync()
        self.autolock_changed.emit(value)

    # --- theme -----------------------------------------------------------------------------
    def theme(self) -> str:
        value = str(self._store.value(_KEY_THEME, DEFAULT_THEME))
        return value if value in THEMES else DEFAULT_THEME

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}")
        self._store.setValue(_KEY_THEME, name)
        self._store.sync()
        self.theme_changed.emit(name)

    # --- window layout ---------------------------------------------------------------------
    def save_window(self, window: QMainWindow) -> None:
        self._store.setValue(_KEY_GEOMETRY, window.saveGeometry())
        self._store.setValue(_KEY_STATE, window.saveState())
        self._store.sync()

    def restore_window(self, window: QMainWindow) -> bool:
        """Restore geometry and toolbar state; False when nothing (valid) was stored."""
        geometry = _to_bytes(self._store.value(_KEY_GEOMETRY))
        state = _to_bytes(self._store.value(_KEY_STATE))
        restored = geometry is not None and window.restoreGeometry(geometry)
        if state is not None:
            window.restoreState(state)
        return bool(restored)

    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        self._store.setValue(_SPLITTER_PREFIX + name, splitter.saveState())

    def restore_splitter(self, name: str, splitter: QSplitter) -> bool:
        state = _to_bytes(self._store.value(_SPLITTER_PREFIX + name))
        return state is not None and splitter.restoreState(state)
