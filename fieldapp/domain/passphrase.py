"""Passphrase strength: the vault is only as strong as the passphrase that wraps its key.

zxcvbn estimates how many guesses an attacker needs, which catches what length rules miss
(keyboard walks, dates, leetspeak, the cell's own name). It is slow to import, so it is imported
only when a passphrase is actually checked, keeping start-up fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_LENGTH = 12
MIN_SCORE = 3
# zxcvbn refuses more than 72 characters (its matching grows quickly with length); the first 72
# say all it can tell us, and beyond that length itself is the strength.
_ZXCVBN_MAX_CHARS = 72


@dataclass(frozen=True)
class Strength:
    """Verdict plus zxcvbn's feedback, ready to show next to the passphrase field."""

    ok: bool
    score: int
    warning: str
    suggestions: tuple[str, ...]


def _expand_user_inputs(user_inputs: Sequence[str]) -> list[str]:
    # Penalise the whole cell name and each of its words: "Alpha Cell 3" must not help a
    # passphrase like "alphacell3!!" look random.
    words: list[str] = []
    for item in user_inputs:
        item = item.strip()
        if not item:
            continue
        parts = [w.lower() for w in re.split(r"[\W_]+", item) if w]
        words.append(item.lower())
        words.append("".join(parts))  # "Alpha Cell" is typed as "alphacell" too
        words.extend(w for w in parts if len(w) >= 3)
    return list(dict.fromkeys(words))


def check_passphrase(passphrase: str, user_inputs: Sequence[str] = ()) -> Strength:
    """Whether a passphrase may protect a vault: at least 12 characters AND zxcvbn score ≥ 3.

    Both rules, because length alone admits "aaaaaaaaaaaa" and a score alone admits short but
    odd strings that a GPU cracks offline anyway. `user_inputs` (cell name, pseudonym) are
    known to an attacker who has the device, so zxcvbn counts them as guessable.
    """
    from zxcvbn import zxcvbn  # lazy: importing zxcvbn loads large dictionaries

    result: dict[str, Any] = zxcvbn(
        passphrase[:_ZXCVBN_MAX_CHARS], user_inputs=_expand_user_inputs(user_inputs)
    )
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    warning = str(feedback.get("warning") or "")
    suggestions = tuple(str(s) for s in feedback.get("suggestions") or ())
    length = len(passphrase)
    if length < MIN_LENGTH:
        warning = f"Use at least {MIN_LENGTH} characters (this has {length})."
    elif score < MIN_SCORE and not warning:
        warning = "This passphrase would be too easy to guess."
    if score < MIN_SCORE and not suggestions:
        suggestions = ("Add a few more uncommon words.",)
    return Strength(
        ok=length >= MIN_LENGTH and score >= MIN_SCORE,
        score=score,
        warning=warning,
        suggestions=suggestions,
    )
