"""Passphrase strength: length AND a zxcvbn score, with feedback to show."""

from __future__ import annotations

from fieldapp.domain.passphrase import MIN_LENGTH, check_passphrase


def test_strong_long_passphrase_is_ok() -> None:
    result = check_passphrase("violet harbour quietly folds maps")
    assert result.ok
    assert result.score >= 3


def test_short_but_random_is_refused_for_length() -> None:
    result = check_passphrase("Xq7#vR9!pL")
    assert not result.ok
    assert result.warning == f"Use at least {MIN_LENGTH} characters (this has 10)."


def test_long_but_guessable_is_refused_with_feedback() -> None:
    result = check_passphrase("aaaaaaaaaaaaaaaa")
    assert not result.ok
    assert result.score < 3
    assert result.warning
    assert result.suggestions


def test_common_password_pattern_is_refused() -> None:
    result = check_passphrase("Password1234")
    assert not result.ok
    assert result.warning


def test_cell_name_and_pseudonym_are_penalised() -> None:
    candidate = "alphacell2026!"
    assert check_passphrase(candidate).ok
    penalised = check_passphrase(candidate, user_inputs=["Alpha Cell", "  "])
    assert not penalised.ok
    assert penalised.score < check_passphrase(candidate).score


def test_very_long_input_is_checked_quickly_and_accepted() -> None:
    # zxcvbn would be slow on megabytes; only the prefix is scored, and length still counts.
    result = check_passphrase("river lantern copper meadow " * 20000)
    assert result.ok
