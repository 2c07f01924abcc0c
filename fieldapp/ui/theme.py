"""Dark (night use) and light palettes on the Fusion style.

Fusion is used on every platform because it honours the palette fully; native styles ignore
parts of it, which would leave bright panels in the dark theme and spoil night vision.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from fieldapp.ui.settings import THEMES

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_DARK: dict[QPalette.ColorRole, str] = {
    Role.Window: "#1e2126",
    Role.WindowText: "#d8dce2",
    Role.Base: "#15171b",
    Role.AlternateBase: "#1c1f24",
    Role.ToolTipBase: "#2a2e35",
    Role.ToolTipText: "#e6e9ee",
    Role.PlaceholderText: "#7d848f",
    Role.Text: "#d8dce2",
    Role.Button: "#2a2e35",
    Role.ButtonText: "#d8dce2",
    Role.BrightText: "#ff6b6b",
    Role.Light: "#3a3f47",
    Role.Midlight: "#30353c",
    Role.Mid: "#25292f",
    Role.Dark: "#111316",
    Role.Shadow: "#000000",
    # A muted amber highlight: visible at night without the glare of saturated blue.
    Role.Highlight: "#8a6a2f",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#d9a75a",
    Role.LinkVisited: "#b98c4a",
}
_DARK_DISABLED: dict[QPalette.ColorRole, str] = {
    Role.WindowText: "#6b717b",
    Role.Text: "#6b717b",
    Role.ButtonText: "#6b717b",
    Role.Base: "#1a1d21",
    Role.Button: "#23272d",
    Role.Highlight: "#3a3f47",
    Role.HighlightedText: "#9aa0a8",
}

_LIGHT: dict[QPalette.ColorRole, str] = {
    Role.Window: "#f2f3f5",
    Role.WindowText: "#1b1d21",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f5f6f8",
    Role.ToolTipBase: "#ffffe1",
    Role.ToolTipText: "#1b1d21",
    Role.PlaceholderText: "#80868f",
    Role.Text: "#1b1d21",
    Role.Button: "#e6e8eb",
    Role.ButtonText: "#1b1d21",
    Role.BrightText: "#c62828",
    Role.Light: "#ffffff",
    Role.Midlight: "#eceef1",
    Role.Mid: "#c4c8ce",
    Role.Dark: "#a0a5ad",
    Role.Shadow: "#5a5f66",
    Role.Highlight: "#2f6db3",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#1f5ea8",
    Role.LinkVisited: "#6a3fa0",
}
_LIGHT_DISABLED: dict[QPalette.ColorRole, str] = {
    Role.WindowText: "#9aa0a8",
    Role.Text: "#9aa0a8",
    Role.ButtonText: "#9aa0a8",
    Role.Base: "#f0f1f3",
}

# Error and warning text colours that stay readable on each theme's base colour.
ERROR_COLOUR = {"dark": "#ff8a80", "light": "#b3261e"}
OK_COLOUR = {"dark": "#8fd694", "light": "#1e7b34"}
WARN_COLOUR = {"dark": "#ffcc80", "light": "#8a5300"}


def palette(name: str) -> QPalette:
    """The palette for theme `name` ("dark" or "light")."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of {', '.join(THEMES)}")
    normal, disabled = (_DARK, _DARK_DISABLED) if name == "dark" else (_LIGHT, _LIGHT_DISABLED)
    pal = QPalette()
    for role, colour in normal.items():
        pal.setColor(Group.All, role, QColor(colour))
    for role, colour in disabled.items():
        pal.setColor(Group.Disabled, role, QColor(colour))
    return pal


_current = "light"


def current_theme() -> str:
    return _current


def apply_theme(app: QApplication, name: str) -> None:
    """Switch the whole application; every widget repaints with the new palette."""
    global _current
    pal = palette(name)
    app.setStyle("Fusion")
    app.setPalette(pal)
    _current = name


def colour(kind: str) -> str:
    """A text colour for "error", "ok" or "warn" that suits the current theme."""
    table = {"error": ERROR_COLOUR, "ok": OK_COLOUR, "warn": WARN_COLOUR}[kind]
    return table[_current]
