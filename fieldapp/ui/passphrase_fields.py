"""A new passphrase typed twice, with live strength feedback: shared by every place that sets one.

The create-vault wizard, "Change passphrase…" and "Add user…" all ask for a new passphrase. They
use this one helper so the advice, the colours and the rule (the domain's `check_passphrase`,
the same check the store enforces) cannot drift apart between them.

It is a QObject that owns the widgets rather than a widget with its own layout: callers add its
rows to their own QFormLayout, so its labels line up with the fields around them (the current
passphrase, the new user's pseudonym).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar

from fieldapp.domain.passphrase import Strength, check_passphrase
from fieldapp.ui import theme
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP

_SCORE_WORDS = (
    QT_TRANSLATE_NOOP("NewPassphraseFields", "very weak"),
    QT_TRANSLATE_NOOP("NewPassphraseFields", "weak"),
    QT_TRANSLATE_NOOP("NewPassphraseFields", "fair"),
    QT_TRANSLATE_NOOP("NewPassphraseFields", "strong"),
    QT_TRANSLATE_NOOP("NewPassphraseFields", "very strong"),
)


class NewPassphraseFields(QObject):
    """Passphrase + repeat fields, strength bar, advice and match labels.

    `user_inputs` returns what an attacker holding the device knows (cell name, pseudonym); it is
    asked on every keystroke so a pseudonym typed after the passphrase still counts: call
    `refresh()` when those inputs change.
    """

    changed = Signal()

    def __init__(self, user_inputs: Callable[[], list[str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._user_inputs = user_inputs
        self._strength: Strength | None = None

        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setObjectName("passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setObjectName("passphraseRepeat")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.strength_bar = QProgressBar()
        self.strength_bar.setObjectName("strengthBar")
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setValue(0)
        self.strength_bar.setTextVisible(True)
        self.strength_bar.setFormat(self.tr("Strength: none"))
        self.feedback_label = QLabel()
        self.feedback_label.setObjectName("strengthFeedback")
        self.feedback_label.setTextFormat(Qt.TextFormat.PlainText)
        self.feedback_label.setWordWrap(True)
        self.match_label = QLabel()
        self.match_label.setObjectName("matchFeedback")
        self.match_label.setTextFormat(Qt.TextFormat.PlainText)

        self.passphrase_edit.textChanged.connect(self.refresh)
        self.repeat_edit.textChanged.connect(self._update_match)
        self.passphrase_edit.textChanged.connect(self.changed)
        self.repeat_edit.textChanged.connect(self.changed)

    def add_rows(self, form: QFormLayout, first: str, second: str) -> None:
        """Add the fields to `form` under the labels `first` and `second` (with mnemonics)."""
        first_label = QLabel(first)
        first_label.setBuddy(self.passphrase_edit)
        second_label = QLabel(second)
        second_label.setBuddy(self.repeat_edit)
        form.addRow(first_label, self.passphrase_edit)
        form.addRow("", self.strength_bar)
        form.addRow("", self.feedback_label)
        form.addRow(second_label, self.repeat_edit)
        form.addRow("", self.match_label)

    # --- values ----------------------------------------------------------------------------
    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def strength(self) -> Strength | None:
        """The verdict on the text now in the field; None while it is empty."""
        return self._strength

    def matches(self) -> bool:
        return self.repeat_edit.text() == self.passphrase_edit.text()

    def problem(self) -> str:
        """Why the typed pair cannot be used yet, or "" when it can: the message on submit."""
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            return self.tr("Type the new passphrase.")
        if not check_passphrase(passphrase, self._user_inputs()).ok:
            return self.tr(
                "This passphrase is too weak to protect the vault; see the advice above."
            )
        if not self.matches():
            return self.tr("The two passphrases differ. Type the same one twice.")
        return ""

    def clear(self) -> None:
        """Empty both fields (and with them the feedback), so no passphrase stays in a widget."""
        self.passphrase_edit.clear()
        self.repeat_edit.clear()

    def set_enabled(self, enabled: bool) -> None:
        self.passphrase_edit.setEnabled(enabled)
        self.repeat_edit.setEnabled(enabled)

    # --- live feedback ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute strength and match for the current text and user inputs."""
        text = self.passphrase_edit.text()
        self._update_match()
        if not text:
            self._strength = None
            self.strength_bar.setValue(0)
            self.strength_bar.setFormat(self.tr("Strength: none"))
            self.feedback_label.clear()
            return
        strength = check_passphrase(text, self._user_inputs())
        self._strength = strength
        self.strength_bar.setValue(strength.score)
        word = self.tr(_SCORE_WORDS[strength.score])
        self.strength_bar.setFormat(
            self.tr("Strength: {word}").format(word=word)
            if strength.ok
            else self.tr("Strength: {word} (not enough)").format(word=word)
        )
        if strength.ok:
            self.feedback_label.setText(self.tr("Strong enough."))
            self.feedback_label.setStyleSheet(f"color: {theme.colour('ok')};")
        else:
            self.feedback_label.setText(self.weak_text(strength))
            self.feedback_label.setStyleSheet(f"color: {theme.colour('warn')};")

    def weak_text(self, strength: Strength) -> str:
        # The domain check already words the length rule and zxcvbn's advice.
        parts = [strength.warning, *strength.suggestions] if strength.warning else []
        if not parts:
            parts = [self.tr("Too easy to guess: add more unrelated words."), *strength.suggestions]
        return " ".join(p if p.endswith(".") else p + "." for p in parts)

    def _update_match(self) -> None:
        repeat = self.repeat_edit.text()
        if not repeat:
            self.match_label.clear()
        elif repeat == self.passphrase_edit.text():
            self.match_label.setText(self.tr("The passphrases match."))
            self.match_label.setStyleSheet(f"color: {theme.colour('ok')};")
        else:
            self.match_label.setText(self.tr("The passphrases differ."))
            self.match_label.setStyleSheet(f"color: {theme.colour('warn')};")
