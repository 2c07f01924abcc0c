"""UI preferences in QSettings: window geometry and state, theme, language, auto-lock delay.

Only presentation lives here, never case data: QSettings is a plain, unencrypted file (or the
registry), so anything written through it survives a lock and a crypto-erase. Keys are listed
in one place so a reviewer can check that rule at a glance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMainWindow,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.ui.i18n import LANGUAGES, default_language
from fieldapp.ui.widgets import fit_wrapped_text
from fieldapp.ui.wrapping import pin_wrapped_labels

if TYPE_CHECKING:
    from fieldapp.store.vault import Vault
    from fieldapp.ui.security_policies import SecurityPoliciesGroup
    from fieldapp.ui.tasks import Runner

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
_KEY_LANGUAGE = "ui/language"
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

    # --- language --------------------------------------------------------------------------
    def language(self) -> str:
        """The chosen interface language, or "" to follow the system (`i18n.resolve_language`)."""
        value = str(self._store.value(_KEY_LANGUAGE, ""))
        # A damaged preference falls back to the system's language rather than failing to start.
        return value if value in LANGUAGES else ""

    def set_language(self, code: str) -> None:
        """Store the language for the next start ("" = the system's): open widgets keep theirs."""
        if code and code not in LANGUAGES:
            raise ValueError(
                f"unknown interface language {code!r}; choose one of {', '.join(LANGUAGES)} "
                "or '' for the system language"
            )
        self._store.setValue(_KEY_LANGUAGE, code)
        self._store.sync()

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


class SettingsDialog(QDialog):
    """Auto-lock delay, theme and language; applied through `UiSettings` on OK.

    Given the open vault and a runner, it also shows the vault's "Security policies" section
    (`ui/security_policies.py`), which applies its own changes with the user's passphrase.
    """

    def __init__(
        self,
        settings: UiSettings,
        parent: QWidget | None = None,
        *,
        vault: Vault | None = None,
        runner: Runner | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings

        self.autolock_spin = QSpinBox()
        self.autolock_spin.setObjectName("autolockMinutes")
        self.autolock_spin.setRange(1, MAX_AUTOLOCK_MS // 60000)
        self.autolock_spin.setSuffix(self.tr(" min"))
        # A test may have set a sub-minute delay through the API; the dialog shows at least 1.
        self.autolock_spin.setValue(max(1, round(settings.autolock_ms() / 60000)))
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("theme")
        self.theme_combo.addItem(self.tr("Dark (night use)"), "dark")
        self.theme_combo.addItem(self.tr("Light"), "light")
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(settings.theme())))

        note = QLabel(
            self.tr(
                "After this long without keyboard or mouse input the vault locks itself: the "
                "database closes and every decrypted value leaves the screen and memory. "
                "Unsaved changes in the incident editor are lost when that happens, by design; "
                "save before you step away."
            )
        )
        note.setWordWrap(True)

        form = QFormLayout()
        lock_label = QLabel(self.tr("&Lock after idle:"))
        lock_label.setBuddy(self.autolock_spin)
        theme_label = QLabel(self.tr("&Theme:"))
        theme_label.setBuddy(self.theme_combo)
        form.addRow(lock_label, self.autolock_spin)
        form.addRow("", note)
        form.addRow(theme_label, self.theme_combo)

        self.language_combo = QComboBox()
        self.language_combo.setObjectName("language")
        system = LANGUAGES[default_language()]
        self.language_combo.addItem(
            self.tr("System language ({language})").format(language=system), ""
        )
        for code, name in LANGUAGES.items():
            # Each language in its own name: found even by someone who cannot read this one.
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(settings.language()))
        )
        language_label = QLabel(self.tr("L&anguage:"))
        language_label.setBuddy(self.language_combo)
        language_note = QLabel(self.tr("A new language takes effect the next time the app starts."))
        language_note.setWordWrap(True)
        form.addRow(language_label, self.language_combo)
        form.addRow("", language_note)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.policies: SecurityPoliciesGroup | None = None
        self.tabs: QTabWidget | None = None
        if vault is not None and runner is not None:
            from fieldapp.ui.security_policies import SecurityPoliciesGroup

            # Two tabs: with the policies' explanations below the preferences the dialog was
            # taller than a 768-pixel laptop screen in English, and far taller translated.
            self.policies = SecurityPoliciesGroup(vault, runner, self)
            self.policies.setTitle("")  # the tab names it
            general = QWidget()
            general_layout = QVBoxLayout(general)
            general_layout.addLayout(form)
            general_layout.addStretch(1)
            self.tabs = QTabWidget()
            self.tabs.setObjectName("settingsTabs")
            self.tabs.addTab(general, self.tr("&General"))
            self.tabs.addTab(self.policies, self.tr("Se&curity policies"))
            # Labels on a tab shown for the first time wrap only then.
            self.tabs.currentChanged.connect(lambda _index: pin_wrapped_labels(self))
            layout.addWidget(self.tabs)
        else:
            layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The auto-lock note wraps to more lines in longer languages than the layout reserves;
        # so do the policy notes, nested in their group box and tab.
        fit_wrapped_text(self)
        pin_wrapped_labels(self)

    def accept(self) -> None:
        minutes = self.autolock_spin.value()
        if minutes * 60000 != self._settings.autolock_ms():
            self._settings.set_autolock_ms(minutes * 60000)
        theme = str(self.theme_combo.currentData())
        if theme != self._settings.theme():
            self._settings.set_theme(theme)
        language = str(self.language_combo.currentData())
        if language != self._settings.language():
            self._settings.set_language(language)
        super().accept()
