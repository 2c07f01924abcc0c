"""Which language the interface speaks, and the translators that make it so.

The English source strings live in the code (wrapped in `tr()`); Qt Linguist files in
`resources/i18n/` carry the Dutch (and an explicit English, for plural forms). The language is
a UI preference, chosen once at start-up: retranslating every open widget on the fly would touch
every panel for a choice made once per deployment, so a change takes effect at the next start.

Only interface text is translated. Record values, reference codes, ids and the sentences of
errors raised below the UI (`fieldapp.errors`, the store) are shown as they are.

`install_pseudo_rtl` is a test and screenshot aid: right-to-left layout plus every string
lengthened with Arabic letters, so clipping and mirroring problems show before real Arabic
consent texts and names do.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from fieldapp.resources import resources_dir

# Each language named in itself: someone who cannot read the current language must still find
# their own in the list.
LANGUAGES: dict[str, str] = {"en": "English", "nl": "Nederlands"}
DEFAULT_LANGUAGE = "en"
CATALOGUE = "fieldapp"

# Qt's own catalogue holds the standard buttons (OK, Cancel, Yes, ...) and dialog texts.
_QT_CATALOGUE = "qtbase"
_INSTALLED_PROPERTY = "fieldappTranslators"

# The language installed last; reference-list labels (which carry their own translations) follow it.
_current = DEFAULT_LANGUAGE


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark `text` for lupdate without translating it yet.

    For strings defined at import time (table headers in module constants): the translator
    is installed later, so they are translated where shown, with the same `context`. PySide6's
    own version is typed as returning `object`; this one keeps `str`.
    """
    return text


def current_language() -> str:
    """The interface language installed by `install_language` (English before any)."""
    return _current


def interface_locale() -> QLocale:
    """The locale of the interface language, for numbers: "1,234" in English is "1.234" in Dutch,
    and a Dutch reader takes "1,234" for one and a quarter."""
    return QLocale(QLocale.Language.Dutch if _current == "nl" else QLocale.Language.English)


def format_count(value: int) -> str:
    """A count with the interface language's digit grouping."""
    return interface_locale().toString(value)


def translations_dir() -> Path:
    """The folder with the compiled catalogues (`fieldapp_<lang>.qm`), checkout or frozen app."""
    return resources_dir() / "i18n"


def default_language(locale: QLocale | None = None) -> str:
    """Dutch when the system speaks Dutch, otherwise English (the cell's working language)."""
    chosen = locale if locale is not None else QLocale.system()
    return "nl" if chosen.language() == QLocale.Language.Dutch else DEFAULT_LANGUAGE


def resolve_language(preference: str, locale: QLocale | None = None) -> str:
    """The language to use for a stored preference ("" = follow the system)."""
    if preference in LANGUAGES:
        return preference
    return default_language(locale)


def remove_translators(app: QCoreApplication) -> None:
    """Back to the English source strings (tests share one application between languages)."""
    global _current
    _current = DEFAULT_LANGUAGE
    previous = app.findChildren(QTranslator, _INSTALLED_PROPERTY)
    for translator in previous:
        app.removeTranslator(translator)
        translator.setParent(None)
        translator.deleteLater()
    if isinstance(app, QApplication):
        app.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def _keep(app: QCoreApplication, translator: QTranslator) -> None:
    # Parented to the application so Python does not collect it while Qt still uses it, and
    # named so a later call can find and replace it.
    translator.setParent(app)
    translator.setObjectName(_INSTALLED_PROPERTY)
    app.installTranslator(translator)


def install_language(app: QCoreApplication, language: str) -> str:
    """Install the catalogues for `language`, replacing any installed before; returns it.

    Must run before the first window is built: widgets translate their text when created.
    A language without a compiled catalogue is refused with a clear error rather than showing
    a half-English interface without a word of explanation.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"unknown interface language {language!r}; choose one of {', '.join(LANGUAGES)}"
        )
    remove_translators(app)
    ours = QTranslator()
    qm = translations_dir() / f"{CATALOGUE}_{language}.qm"
    if not ours.load(str(qm)):
        raise FileNotFoundError(f"translation catalogue missing or unreadable: {qm}")
    _keep(app, ours)
    if language != DEFAULT_LANGUAGE:
        qt_own = QTranslator()
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        # Qt's catalogue only translates the standard buttons; without it they stay English,
        # which is untidy but not worth refusing to start over.
        if qt_own.load(f"{_QT_CATALOGUE}_{language}", qt_dir):
            _keep(app, qt_own)
    global _current  # one interface language per process
    _current = language
    return language


class PseudoRtlTranslator(QTranslator):
    """Every string a third longer, with Arabic letters, placeholders and mnemonics kept."""

    FILLER = "\u0634"  # ARABIC LETTER SHEEN: a wide, joining letter

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        if not source_text:
            return source_text
        # In words of five letters, as real text: one long unbreakable run would measure the
        # pseudo-locale, not the layout.
        filler = self.FILLER * max(2, len(source_text) // 3)
        return " ".join([source_text, *(filler[i : i + 5] for i in range(0, len(filler), 5))])

    def isEmpty(self) -> bool:
        return False


def install_pseudo_rtl(app: QApplication) -> None:
    """Right-to-left layout and lengthened Arabic-script strings, for layout checks."""
    remove_translators(app)
    _keep(app, PseudoRtlTranslator())
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)


PSEUDO_RTL = "pseudo-rtl"


def install_variant(app: QApplication, variant: str) -> None:
    """One switch for screenshots and layout checks: a language code, or `PSEUDO_RTL`."""
    if variant == PSEUDO_RTL:
        install_pseudo_rtl(app)
    else:
        install_language(app, variant)


def installed_translators(app: QObject) -> list[QTranslator]:
    """The translators this module installed (for tests and the about box)."""
    return list(app.findChildren(QTranslator, _INSTALLED_PROPERTY))
