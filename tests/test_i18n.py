"""Languages: complete Dutch and English catalogues, placeholders kept, nothing shown untranslated,
the app really speaking Dutch, and layouts that hold under a right-to-left pseudo-locale."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMenu,
    QTabBar,
    QWidget,
)

from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui import i18n
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.device import DeviceDialog
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.settings import SettingsDialog, UiSettings
from fieldapp.ui.tasks import InlineRunner
from fieldapp.ui.unlock import UnlockDialog
from fieldapp.ui.vault_admin import AddUserDialog, ChangePassphraseDialog, CheckDialog, EraseDialog
from fieldapp.ui.wizard import CreateVaultWizard
from tests.helpers import make_vault

ROOT = Path(__file__).resolve().parent.parent
UI = ROOT / "fieldapp" / "ui"
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("nl", "en")


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


# --- catalogues ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translations: tuple[str, ...]  # one, or the plural forms
    unfinished: bool
    numerus: bool


def read_ts(path: Path) -> list[Message]:
    root = ET.parse(path).getroot()  # noqa: S314 - the project's own catalogue
    messages = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, f"{path.name}: a message without <translation>"
            forms = [f.text or "" for f in translation.iter("numerusform")]
            messages.append(
                Message(
                    context=name,
                    source=message.findtext("source") or "",
                    translations=tuple(forms) if forms else (translation.text or "",),
                    unfinished=translation.get("type") in {"unfinished", "vanished", "obsolete"},
                    numerus=message.get("numerus") == "yes",
                )
            )
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    messages = read_ts(I18N / f"fieldapp_{language}.ts")
    assert messages
    unfinished = [m.source for m in messages if m.unfinished or not all(m.translations)]
    assert unfinished == []


def test_dutch_has_two_plural_forms_and_english_only_the_plurals() -> None:
    dutch = read_ts(I18N / "fieldapp_nl.ts")
    english = read_ts(I18N / "fieldapp_en.ts")
    assert all(len(m.translations) == 2 for m in dutch if m.numerus)
    # English is the source language: its catalogue only adds the singular/plural forms.
    assert english and all(m.numerus and len(m.translations) == 2 for m in english)
    assert {m.source for m in english} == {m.source for m in dutch if m.numerus}


_BRACED = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_NUMBERED = re.compile(r"%(?:n|L?[1-9])")
_MNEMONIC = re.compile(r"&(?!&)(?=\S)")


def _without_escaped_ampersands(text: str) -> str:
    return text.replace("&&", "")


def placeholder_problems(source: str, translation: str) -> list[str]:
    """Why `translation` does not carry the placeholders of `source` ([] when it does)."""
    problems = []
    if Counter(_BRACED.findall(source)) != Counter(_BRACED.findall(translation)):
        problems.append(
            f"named placeholders {sorted(_BRACED.findall(source))} became "
            f"{sorted(_BRACED.findall(translation))}"
        )
    if Counter(_NUMBERED.findall(source)) != Counter(_NUMBERED.findall(translation)):
        problems.append(
            f"numbered placeholders {sorted(_NUMBERED.findall(source))} became "
            f"{sorted(_NUMBERED.findall(translation))}"
        )
    source_keys = len(_MNEMONIC.findall(_without_escaped_ampersands(source)))
    translated_keys = len(_MNEMONIC.findall(_without_escaped_ampersands(translation)))
    if source_keys != translated_keys:
        problems.append(f"{source_keys} mnemonic(s) in the source, {translated_keys} translated")
    if source.count("&&") != translation.count("&&"):
        problems.append("a literal '&&' was lost or added")
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_source(language: str) -> None:
    broken = [
        f"[{m.context}] {m.source!r} -> {form!r}: {'; '.join(problems)}"
        for m in read_ts(I18N / f"fieldapp_{language}.ts")
        for form in m.translations
        if (problems := placeholder_problems(m.source, form))
    ]
    assert broken == []


@pytest.mark.parametrize(
    ("source", "translation"),
    [
        ("Saved as version {version}.", "Opgeslagen als versie {versie}."),
        ("Saved as version {version}.", "Opgeslagen."),
        ("{a} of {b}", "{a} van {a}"),
        ("%n item(s)", "items"),
        ("Step %1 of %2", "Stap %1"),
        ("&Save", "Opslaan"),
        ("Save", "&Opslaan"),
        ("Witness && consent", "Getuige en toestemming"),
    ],
)
def test_placeholder_check_refuses_a_broken_translation(source: str, translation: str) -> None:
    assert placeholder_problems(source, translation) != []


def test_placeholder_check_lets_a_mnemonic_move() -> None:
    assert placeholder_problems("&Witnesses", "Ge&tuigen") == []
    assert placeholder_problems("Witness && consent", "Getuige && toestemming") == []
    assert placeholder_problems("{n} of {count}: {stage}…", "{stage}: {n} van {count}…") == []


def test_committed_qm_files_are_what_lrelease_makes_of_the_ts_files(tmp_path: Path) -> None:
    for qm in tool.release(tmp_path):
        committed = I18N / qm.name
        assert committed.read_bytes() == qm.read_bytes(), (
            f"{committed.name} is stale: run `python tools/i18n.py release` and commit it"
        )


def test_catalogues_hold_every_string_the_code_can_show(tmp_path: Path) -> None:
    """A string added to the UI without `tools/i18n.py update` (and a translation) fails here."""
    for language in LANGUAGES:
        shutil.copy(I18N / f"fieldapp_{language}.ts", tmp_path)
    tool.update(tmp_path)
    for language in LANGUAGES:
        committed = read_ts(I18N / f"fieldapp_{language}.ts")
        fresh = read_ts(tmp_path / f"fieldapp_{language}.ts")
        new = {(m.context, m.source) for m in fresh} - {(m.context, m.source) for m in committed}
        gone = {(m.context, m.source) for m in committed} - {(m.context, m.source) for m in fresh}
        assert (sorted(new), sorted(gone)) == ([], []), (
            "run `python tools/i18n.py update`, translate, then `python tools/i18n.py release`"
        )


# --- no visible string outside tr() --------------------------------------------------------------
# Qt calls whose string arguments are shown to people.
_SHOWN_ALL_ARGS = {
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setStatusTip",
    "setWhatsThis",
    "setPlaceholderText",
    "setTitle",
    "setSubTitle",
    "setLabelText",
    "setHeaderLabels",
    "setHorizontalHeaderLabels",
    "setVerticalHeaderLabels",
    "setSuffix",
    "setPrefix",
    "setSpecialValueText",
    "setFormat",
    "showMessage",
    "setInformativeText",
    "setButtonText",
    "setTabText",
    "setTabToolTip",
    "addTab",
    "insertTab",
    "addRow",
    "insertRow",
    "addAction",
    "addMenu",
    "setItemText",
    "setAccessibleName",
    "setAccessibleDescription",
    "addButton",
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QGroupBox",
    "QAction",
    "QToolButton",
    "QMenu",
    "QCommandLinkButton",
    "QMessageBox",
    "QProgressDialog",
    "QListWidgetItem",
    "QTableWidgetItem",
    "QStandardItem",
}
# Calls where only some positions are shown: Qt's own and the project's helpers.
_SHOWN_POSITIONS = {
    "addItem": (0,),
    "insertItem": (1,),
    "plain_label": (0,),
    "plain_tooltip": (0,),
    "Column": (1,),  # widgets.Column(name, header, ...)
    "_add": (2,),  # IncidentEditor._add(page, form, caption, ...)
    "_new_tab": (0,),
    "_add_range": (2,),
    "_hint_item": (0,),
    "_line": (1,),
    "IntEdit": (0,),
}
_SHOWN_KEYWORDS = {"text", "title", "toolTip", "placeholderText", "caption", "blank", "noun"}
_DIALOG_CLASSES = {"QMessageBox", "QInputDialog", "QFileDialog"}
_DIALOG_FUNCTIONS = {
    "warning",
    "information",
    "question",
    "critical",
    "about",
    "getText",
    "getItem",
    "getInt",
    "getOpenFileName",
    "getOpenFileNames",
    "getSaveFileName",
    "getExistingDirectory",
}
# (file, literal) pairs that are shown but are data, not interface text.
ALLOWED: set[tuple[str, str]] = {
    # Example entries the screenshot script types into fields, as a user would.
    ("screenshots.py", "CHM Cell North"),
    ("screenshots.py", "analyst-07"),
    ("screenshots.py", "summer2026!"),
    ("screenshots.py", "not the passphrase"),
    # The HQ review screenshots: a source name, a place filter and a reason typed in.
    ("screenshots.py", "airwars"),
    ("screenshots.py", "Tell"),
    ("screenshots.py", "Court order 2026/114"),
    # A sample evidence caption the screenshot script stores in its demo vault.
    ("screenshots.py", "market, east side"),
    # A coordinate example in two notations: the same in every language.
    ("widgets.py", "33.3128, 44.3615  or  38SMB 44361 84729"),
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _literals(node: ast.expr) -> Iterator[ast.expr]:
    """String literals with letters in `node` that reach the screen as they are."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if any(c.isalpha() for c in node.value):
            yield node
    elif isinstance(node, ast.JoinedStr):
        if any(
            isinstance(v, ast.Constant) and any(c.isalpha() for c in str(v.value))
            for v in node.values
        ):
            yield node
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            yield from _literals(element)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"format", "join"}
    ):
        # "...".format(...) shown without tr(): the template itself is the untranslated text.
        yield from _literals(node.func.value)


def untranslated_strings(source: str, filename: str) -> list[str]:
    """`file:line: text` of every literal passed straight to a call that shows it."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name in _SHOWN_ALL_ARGS or (
            name in _DIALOG_FUNCTIONS
            and isinstance(node.func, ast.Attribute)
            and _name(node.func.value) in _DIALOG_CLASSES
        ):
            args = list(node.args)
        elif name in _SHOWN_POSITIONS:
            args = [node.args[i] for i in _SHOWN_POSITIONS[name] if i < len(node.args)]
        else:
            args = []
        args += [k.value for k in node.keywords if k.arg in _SHOWN_KEYWORDS]
        for arg in args:
            for literal in _literals(arg):
                text = ast.unparse(literal)
                value = literal.value if isinstance(literal, ast.Constant) else text
                if (filename, value) not in ALLOWED:
                    found.append(f"{filename}:{literal.lineno}: {text}")
    return found


def test_no_string_shown_to_people_is_outside_tr() -> None:
    found = []
    for path in sorted(UI.glob("*.py")):
        found += untranslated_strings(path.read_text(encoding="utf-8"), path.name)
    assert found == []


@pytest.mark.parametrize(
    "code",
    [
        'label.setText("Saved")',
        'QPushButton("Save", self)',
        'self.status.setText(f"Saved as version {version}.")',
        'box.setTitle("Record consent" if given else "Record withdrawal")',
        'form.addRow("Caption", edit)',
        'QMessageBox.warning(self, "Careful", text)',
        'self.count.setText("{n} shown".format(n=n))',
        'VocabCombo([], blank="All incidents")',
        'label.setText(name or "unknown")',
    ],
)
def test_the_scan_finds_an_unwrapped_string(code: str) -> None:
    assert untranslated_strings(code, "example.py") != []


@pytest.mark.parametrize(
    "code",
    [
        'label.setText(self.tr("Saved"))',
        'self.status.setText(self.tr("Saved as version {v}.").format(v=version))',
        'label.setText(QCoreApplication.translate("evidence", "none"))',
        "label.setText(record.title)",
        'label.setText("")',
        'label.setText("—")',
        'combo.addItem(self.tr("Light"), "light")',
    ],
)
def test_the_scan_accepts_translated_text_and_data(code: str) -> None:
    assert untranslated_strings(code, "example.py") == []


# --- the running app -----------------------------------------------------------------------------
@pytest.fixture
def app(qtbot) -> Iterator[QApplication]:
    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    yield instance
    # Later tests expect the English source strings and a left-to-right layout.
    i18n.remove_translators(instance)


def _main_window(qtbot, vault: Vault, tmp_path: Path) -> MainWindow:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    window = MainWindow(vault, InlineRunner(), settings, ClipboardGuard())
    qtbot.addWidget(window)
    return window


@pytest.fixture
def dutch_window(app: QApplication, qtbot, vault: Vault, tmp_path: Path) -> Iterator[MainWindow]:
    i18n.install_language(app, "nl")
    window = _main_window(qtbot, vault, tmp_path)
    window.show()
    yield window
    window.shutdown()
    if window.unlock_dialog is not None:
        window.unlock_dialog.done(0)


def _tab_texts(bar: QTabBar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]


def test_main_window_speaks_dutch(dutch_window: MainWindow) -> None:
    assert i18n.current_language() == "nl"
    tabs = _tab_texts(dutch_window.tabs.tabBar())
    assert tabs[:6] == [
        "&Register",
        "&Waarnemingen",
        "Ge&tuigen",
        "&Kaart",
        "&Auditlog",
        "&Deconflictie",
    ]
    assert _tab_texts(dutch_window.detail_tabs.tabBar()) == [
        "&Editor",
        "&Geschiedenis",
        "&Bewijsstukken",
    ]
    editor = dutch_window.editor
    assert editor.save_button.text() == "Opslaan"
    assert editor.delete_button.text() == "Verwijderen…"
    assert editor.tabs.tabText(0).startswith("Identificatie")  # "(!)" marks a tab with issues
    # Labels built from the fixed vocabularies are translated too; stored codes are not.
    assert editor.workflow.itemText(editor.workflow.findData("under_assessment")) == (
        "In beoordeling"
    )
    # Reference lists carry their own Dutch labels, chosen by the installed language.
    boxes = [box.text() for box in editor.harms.findChildren(QCheckBox)]
    assert "Dood" in boxes and "Death" not in boxes


def _mnemonic_clashes(texts: list[str]) -> list[str]:
    keys = [m.group(1).lower() if (m := re.search(r"&(?!&)(\w)", t)) else "" for t in texts]
    missing = [t for t, k in zip(texts, keys, strict=True) if not k]
    clashes = [t for t, k in zip(texts, keys, strict=True) if k and keys.count(k) > 1]
    return missing + clashes


def test_mnemonics_of_the_dutch_tabs_and_menus_are_unique(dutch_window: MainWindow) -> None:
    tabs = _tab_texts(dutch_window.tabs.tabBar()) + _tab_texts(dutch_window.detail_tabs.tabBar())
    assert _mnemonic_clashes(tabs) == []
    assert _mnemonic_clashes([a.text() for a in dutch_window.menuBar().actions()]) == []
    menus = dutch_window.menuBar().findChildren(QMenu)
    assert len(menus) >= 2
    for menu in menus:
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert _mnemonic_clashes(texts) == [], menu.title()


def test_settings_dialog_offers_the_language_for_the_next_start(
    app: QApplication, qtbot, tmp_path: Path
) -> None:
    i18n.install_language(app, "nl")
    store = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    settings = UiSettings(store)
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Instellingen"
    combo = dialog.language_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "en", "nl"]
    assert [combo.itemText(i) for i in (1, 2)] == ["English", "Nederlands"]
    notes = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Een nieuwe taal wordt actief bij de volgende start van de app." in notes
    # Qt's own catalogue translates the standard buttons.
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel is not None and cancel.text() == "Annuleren"

    combo.setCurrentIndex(combo.findData("en"))
    dialog.accept()
    assert UiSettings(
        QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    ).language() == ("en")
    # Nothing changes until the next start.
    assert i18n.current_language() == "nl"


def test_language_preference_is_validated_and_resolved(tmp_path: Path) -> None:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    assert settings.language() == ""
    with pytest.raises(ValueError, match="unknown interface language 'fr'"):
        settings.set_language("fr")
    settings.store.setValue("ui/language", "klingon")  # a hand-edited file
    assert settings.language() == ""
    dutch = QLocale(QLocale.Language.Dutch, QLocale.Country.Belgium)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert i18n.resolve_language("", dutch) == "nl"
    assert i18n.resolve_language("", german) == "en"
    assert i18n.resolve_language("en", dutch) == "en"
    assert i18n.resolve_language("nl", german) == "nl"


def test_english_catalogue_gives_singular_and_plural(app: QApplication) -> None:
    i18n.install_language(app, "en")
    one = QCoreApplication.translate("HistoryPanel", "%n version(s), newest first.", "", 1)
    many = QCoreApplication.translate("HistoryPanel", "%n version(s), newest first.", "", 3)
    assert (one, many) == ("1 version, newest first.", "3 versions, newest first.")
    i18n.install_language(app, "nl")
    many = QCoreApplication.translate("HistoryPanel", "%n version(s), newest first.", "", 3)
    assert many == "3 versies, nieuwste eerst."


def test_an_unknown_language_is_refused(app: QApplication) -> None:
    i18n.install_language(app, "nl")
    with pytest.raises(ValueError, match="unknown interface language 'fr'"):
        i18n.install_language(app, "fr")
    # Refused before anything was removed: the interface keeps its language.
    assert i18n.current_language() == "nl"
    assert len(i18n.installed_translators(app)) == 2


# --- right to left -------------------------------------------------------------------------------
def shown_labels(root: QWidget) -> list[QLabel]:
    """Labels with text that would be on screen if `root` were (pictures are not text)."""
    return [
        label
        for label in root.findChildren(QLabel)
        if label.isVisibleTo(root) and label.text() and label.pixmap().isNull()
    ]


def clipped_labels(root: QWidget) -> list[str]:
    """Visible labels whose text does not fit the space the layout gave them."""
    clipped = []
    for label in shown_labels(root):
        name = repr(label.objectName() or label.text()[:40])
        if label.wordWrap():
            needed_height = label.heightForWidth(label.width())
            if needed_height > label.height():
                clipped.append(f"{name}: wraps to {needed_height} px, has {label.height()} px")
        elif label.minimumSizeHint().width() > label.width():
            clipped.append(
                f"{name}: needs {label.minimumSizeHint().width()} px, has {label.width()} px"
            )
    return clipped


def test_the_clipping_check_finds_a_squeezed_label(app: QApplication, qtbot) -> None:
    i18n.install_pseudo_rtl(app)
    box = QWidget()
    qtbot.addWidget(box)
    layout = QFormLayout(box)
    squeezed = QLabel(QCoreApplication.translate("test", "A label given too little room"))
    squeezed.setFixedWidth(60)
    wrapped = QLabel(QCoreApplication.translate("test", "A long note that wraps " * 6))
    wrapped.setWordWrap(True)
    wrapped.setFixedSize(120, 20)
    layout.addRow(squeezed)
    layout.addRow(wrapped)
    box.show()
    qtbot.waitExposed(box)
    problems = clipped_labels(box)
    assert len(problems) == 2 and "needs" in problems[0] and "wraps" in problems[1]


@pytest.fixture
def rtl_window(app: QApplication, qtbot, vault: Vault, tmp_path: Path) -> Iterator[MainWindow]:
    i18n.install_pseudo_rtl(app)
    window = _main_window(qtbot, vault, tmp_path)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.shutdown()
    if window.unlock_dialog is not None:
        window.unlock_dialog.done(0)


def test_pseudo_rtl_locale_mirrors_and_lengthens_every_string(rtl_window: MainWindow) -> None:
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert rtl_window.isRightToLeft()
    save = rtl_window.editor.save_button.text()
    assert save.startswith("Save ") and i18n.PseudoRtlTranslator.FILLER in save
    # Mirrored: the first tab sits right of the second.
    bar = rtl_window.tabs.tabBar()
    assert bar.tabRect(0).center().x() > bar.tabRect(1).center().x()


def test_main_window_tabs_lay_out_without_clipping_right_to_left(
    rtl_window: MainWindow, qtbot
) -> None:
    problems = []
    for index in range(rtl_window.tabs.count()):
        rtl_window.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        assert shown_labels(rtl_window), rtl_window.tabs.tabText(index)
        problems += [f"{rtl_window.tabs.tabText(index)}: {p}" for p in clipped_labels(rtl_window)]
    rtl_window.tabs.setCurrentIndex(rtl_window.register_tab)
    for index in range(rtl_window.detail_tabs.count()):
        rtl_window.detail_tabs.setCurrentIndex(index)
        QApplication.processEvents()
        title = rtl_window.detail_tabs.tabText(index)
        problems += [f"{title}: {p}" for p in clipped_labels(rtl_window)]
    assert problems == []


def test_incident_editor_lays_out_without_clipping_right_to_left(
    rtl_window: MainWindow, qtbot
) -> None:
    rtl_window.tabs.setCurrentIndex(rtl_window.register_tab)
    editor = rtl_window.editor
    rtl_window.detail_tabs.setCurrentWidget(editor)
    problems = []
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        assert shown_labels(editor), editor.tabs.tabText(index)
        problems += [f"{editor.tabs.tabText(index)}: {p}" for p in clipped_labels(editor)]
    assert problems == []
    # Form labels sit right of their fields in a right-to-left layout.
    editor.tabs.setCurrentIndex(0)
    qtbot.wait(1)
    field = editor.title_edit.parentWidget()  # the field's box: the edit above its issue line
    assert field is not None
    forms = [f for f in editor.findChildren(QFormLayout) if f.labelForField(field)]
    assert len(forms) == 1
    label = forms[0].labelForField(field)
    assert (
        label.mapTo(rtl_window, label.rect().topLeft()).x()
        > field.mapTo(rtl_window, field.rect().topLeft()).x()
    )


def test_dutch_main_window_and_editor_lay_out_without_clipping(
    dutch_window: MainWindow, qtbot
) -> None:
    dutch_window.resize(1280, 860)
    problems = []
    for index in range(dutch_window.tabs.count()):
        dutch_window.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        problems += [
            f"{dutch_window.tabs.tabText(index)}: {p}" for p in clipped_labels(dutch_window)
        ]
    dutch_window.tabs.setCurrentIndex(dutch_window.register_tab)
    for index in range(dutch_window.detail_tabs.count()):
        dutch_window.detail_tabs.setCurrentIndex(index)
        QApplication.processEvents()
        title = dutch_window.detail_tabs.tabText(index)
        problems += [f"{title}: {p}" for p in clipped_labels(dutch_window)]
    dutch_window.detail_tabs.setCurrentIndex(0)
    editor = dutch_window.editor
    for index in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        problems += [f"{editor.tabs.tabText(index)}: {p}" for p in clipped_labels(editor)]
    assert problems == []


def _dialogs(vault: Vault, tmp_path: Path) -> Iterator[tuple[str, QWidget]]:
    """Every dialog of the field app, shown as a user first sees it."""
    runner = InlineRunner()
    unlock = UnlockDialog(vault.path, runner)
    unlock.show()
    yield "unlock", unlock
    wizard = CreateVaultWizard(tmp_path / "new-vault", KdfParams.TEST_ONLY, runner)
    wizard.show()
    yield "wizard: identity", wizard
    wizard.identity_page.cell_edit.setText("Cel Noord")
    wizard.identity_page.analyst_edit.setText("analist-07")
    wizard.next()
    yield "wizard: passphrase", wizard
    settings = SettingsDialog(
        UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    )
    settings.show()
    yield "settings", settings
    device = DeviceDialog(vault.device, ClipboardGuard())
    device.show()
    yield "device", device
    for cls in (ChangePassphraseDialog, AddUserDialog, CheckDialog, EraseDialog):
        admin = cls(runner)
        admin.open_for(vault)
        yield cls.__name__, admin


@pytest.mark.parametrize("variant", ["nl", i18n.PSEUDO_RTL])
def test_dialogs_lay_out_without_clipping(
    app: QApplication, qtbot, vault: Vault, tmp_path: Path, variant: str
) -> None:
    i18n.install_variant(app, variant)
    assert app.isRightToLeft() == (variant == i18n.PSEUDO_RTL)
    problems = []
    shown = 0
    for name, dialog in _dialogs(vault, tmp_path):
        if dialog.objectName() != "createVaultWizard" or name.endswith("identity"):
            qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        QApplication.processEvents()  # let a page switched to lay itself out
        shown += 1
        assert shown_labels(dialog), name
        problems += [f"{name}: {p}" for p in clipped_labels(dialog)]
    assert shown == 9
    assert problems == []


@pytest.mark.parametrize("variant", ["nl", i18n.PSEUDO_RTL])
def test_hq_main_window_lays_out_without_clipping(
    app: QApplication, qtbot, tmp_path: Path, variant: str
) -> None:
    i18n.install_variant(app, variant)
    hq = make_vault(tmp_path / "hq", role="hq")
    window = _main_window(qtbot, hq, tmp_path)
    window.resize(1280, 860)
    window.show()
    qtbot.waitExposed(window)
    try:
        texts = []
        problems = []
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            QApplication.processEvents()
            texts.append(window.tabs.tabText(index))
            assert shown_labels(window), window.tabs.tabText(index)
            problems += [f"{window.tabs.tabText(index)}: {p}" for p in clipped_labels(window)]
        assert problems == []
        if variant == "nl":
            # Every role has Deconfliction; HQ adds its Inbox, Devices and the Release gate.
            assert texts[-4:] == ["&Deconflictie", "&Inbox", "A&pparaten", "Vrijgave&controle"]
            assert _mnemonic_clashes(texts) == []
    finally:
        window.shutdown()
        if window.unlock_dialog is not None:
            window.unlock_dialog.done(0)


def test_counts_follow_the_interface_language(app: QApplication) -> None:
    i18n.install_language(app, "en")
    assert i18n.format_count(1234567) == "1,234,567"
    i18n.install_language(app, "nl")
    # A Dutch reader takes "1,234" for one and a quarter.
    assert i18n.format_count(1234567) == "1.234.567"


def test_status_command_reports_complete_catalogues(capsys: pytest.CaptureFixture[str]) -> None:
    assert tool.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "fieldapp_nl.ts:" in out and "0 unfinished" in out
