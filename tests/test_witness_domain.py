"""Witness, consent lifecycle and statement rules in the domain: codes, scopes, masking and
every validation message."""

from __future__ import annotations

import pytest

from fieldapp.domain.model import from_dict, to_dict
from fieldapp.domain.witness import (
    HIDDEN,
    ConsentEvent,
    Statement,
    Witness,
    WitnessIdentity,
    current_scopes,
    format_witness_code,
    is_minor,
    mask_identity,
    parse_witness_code,
    unmask_identity,
    validate_statement,
    validate_witness,
    withdrawn_scopes,
)
from fieldapp.errors import FieldIssue

ID = "0123456789abcdef0123456789abcdef"


def given(date: str, *scopes: str, **kw: str) -> ConsentEvent:
    return ConsentEvent(action="given", date=date, scopes=list(scopes), method="written", **kw)


def withdrawn(date: str, *scopes: str) -> ConsentEvent:
    return ConsentEvent(action="withdrawn", date=date, scopes=list(scopes))


def messages(issues: list[FieldIssue]) -> list[str]:
    return [str(i) for i in issues]


def test_witness_code_round_trip_and_strictness() -> None:
    assert format_witness_code("7F3AKQ", 7) == "W-7F3AKQ-0007"
    assert format_witness_code("7F3AKQ", 12345) == "W-7F3AKQ-12345"
    assert parse_witness_code("W-7F3AKQ-0007") == ("7F3AKQ", 7)
    for bad in ("W-7F3AKQ-007", "w-7F3AKQ-0007", "W-7F3AKQ-00007", "W-7F3IKQ-0007", "W-7F3AKQ"):
        with pytest.raises(ValueError, match="not a witness code"):
            parse_witness_code(bad)
    with pytest.raises(ValueError):
        format_witness_code("7F3AKQ", 0)


def test_consent_lifecycle_gives_withdraws_and_gives_again() -> None:
    w = Witness(
        consent=[
            given("2026-03-01", "cell_use", "share_hq", "recontact"),
            withdrawn("2026-03-05", "share_hq"),
        ]
    )
    assert current_scopes(w) == ("cell_use", "recontact")
    assert withdrawn_scopes(w) == ("share_hq",)
    w.consent.append(withdrawn("2026-03-06"))  # no scopes: everything
    assert current_scopes(w) == ()
    assert withdrawn_scopes(w) == ("cell_use", "share_hq", "recontact")
    w.consent.append(given("2026-03-09", "cell_use"))
    assert current_scopes(w) == ("cell_use",)
    assert validate_witness(w) == []


def test_consent_rules_each_have_a_message() -> None:
    w = Witness(
        consent=[
            ConsentEvent(action="given", date="2026-03-05", scopes=[]),
            ConsentEvent(action="given", date="yesterday", scopes=["court"], method="sms"),
            given("2026-03-01", "cell_use", "cell_use", language="Arabic"),
            withdrawn("2026-03-07", "share_partners"),
            ConsentEvent(action="maybe", date="2026-03-08"),
        ]
    )
    text = messages(validate_witness(w))
    assert "consent[0].scopes: name at least one scope the witness consents to" in text
    assert any(m.startswith("consent[0].method: say how consent was given") for m in text)
    assert any(m.startswith("consent[4].action: unknown consent action 'maybe'") for m in text)
    assert any(m.startswith("consent[1].date: date must be ISO 8601") for m in text)
    assert any(m.startswith("consent[1].scopes[0]: unknown consent scope 'court'") for m in text)
    assert any(m.startswith("consent[1].method: unknown consent method 'sms'") for m in text)
    assert "consent[2].date: consent events must be in date order" in text
    assert "consent[2].scopes: a scope is listed twice" in text
    assert any(m.startswith("consent[2].language: language must be a code") for m in text)
    assert "consent[3].scopes: cannot withdraw consent that is not in force: share_partners" in text


def test_minor_needs_guardian_and_age_marks_minor() -> None:
    w = Witness(identity=WitnessIdentity(age="15"), consent=[given("2026-03-01", "cell_use")])
    assert is_minor(w)
    text = messages(validate_witness(w))
    assert "minor: age 15 is under 18: mark the witness a minor" in text
    assert "consent[0].guardian: the witness is a minor: name the guardian" in text
    w.minor = True
    w.consent[0].guardian = "mother (Um Ali)"
    assert validate_witness(w) == []


def test_identity_rules() -> None:
    w = Witness(identity=WitnessIdentity(age="forty", gender="x", name="a\nb"))
    text = messages(validate_witness(w))
    assert "identity.age: age must be whole years from 0 to 130" in text
    assert any(m.startswith("identity.gender: unknown gender 'x'") for m in text)
    assert "identity.name: name must be a single line" in text
    w = Witness(identity=WitnessIdentity(name="Ali\x00"), incident_ids=["nope", ID, ID])
    text = messages(validate_witness(w))
    assert any("control character (U+0000)" in m for m in text)
    assert any(m.startswith("incident_ids[0]: incident id must be 32") for m in text)
    assert "incident_ids[2]: incident is linked twice" in text


def test_masking_hides_every_filled_field_and_unmasking_restores() -> None:
    ident = WitnessIdentity(name="Ali Hassan", contact="+964 770 000", age="34", gender="male")
    masked = mask_identity(ident)
    assert masked == WitnessIdentity(
        name=HIDDEN, contact=HIDDEN, age=HIDDEN, gender=HIDDEN, community=""
    )
    assert mask_identity(WitnessIdentity()).gender == "unknown"
    edited = WitnessIdentity(**{**to_dict(masked), "community": "Old Market"})
    restored = unmask_identity(edited, ident)
    assert restored == WitnessIdentity(
        name="Ali Hassan", contact="+964 770 000", age="34", gender="male", community="Old Market"
    )
    text = messages(validate_witness(Witness(identity=masked)))
    assert "identity.name: the hidden value was not restored before saving" in text


def test_witness_and_statement_round_trip_through_dicts() -> None:
    w = Witness(
        identity=WitnessIdentity(name="Zoë"),
        consent=[given("2026-03-01", "cell_use")],
        incident_ids=[ID],
        protection_concerns="lives next to a checkpoint",
    )
    assert from_dict(Witness, to_dict(w)) == w
    s = Statement(witness_id=ID, original_text="I saw it", attachment_ids=[ID])
    assert from_dict(Statement, to_dict(s)) == s


def test_statement_rules_each_have_a_message() -> None:
    assert messages(validate_statement(Statement())) == [
        "witness_id: name the witness who gave the statement",
        "interview_date: required; date must be ISO 8601, e.g. 2026-03-14T09:30:00Z",
        "interviewer: name the interviewer",
        "original_text: the statement text is required",
    ]
    s = Statement(
        witness_id="W-1",
        type="rumour",
        interview_date="2026-03-14T09:30:00",
        interviewer="kestrel",
        language="Kurdish",
        original_text="…",
        attachment_ids=["abc"],
    )
    text = messages(validate_statement(s))
    assert any(m.startswith("witness_id: witness id must be 32") for m in text)
    assert any(m.startswith("type: unknown statement type 'rumour'") for m in text)
    assert any(m.startswith("interview_date: time has no time zone") for m in text)
    assert any(m.startswith("language: language must be a code") for m in text)
    assert any(m.startswith("attachment_ids[0]: evidence item id must be 32") for m in text)
    ok = Statement(
        witness_id=ID,
        interview_date="2026-03-14T09:30:00Z",
        interviewer="kestrel",
        language="ar",
        original_text="رأيت الدخان",
        translation="I saw the smoke",
    )
    assert validate_statement(ok) == []
