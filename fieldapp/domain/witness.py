"""Witnesses, their consent, and their statements (DATA_MODEL.md, "Witness and statement").

A witness is known everywhere by a pseudonymous code (`W-<device code>-<counter>`); the identity
fields are sensitive and kept in the record only so that the cell can re-contact the person, which
is why the store masks them unless a reveal is asked for (and logged). Consent is a lifecycle, not
a checkbox: a list of events, each giving or withdrawing scopes, from which the scopes in force
now are derived, so a withdrawal carries through to everything that later reads the witness.

Plain dataclasses with JSON-ready values only, like `model.py`: they are stored as record versions
(canonical JSON, hashed and signed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from fieldapp.domain.model import GENDERS
from fieldapp.domain.refcode import CROCKFORD_ALPHABET, DEVICE_CODE_LENGTH
from fieldapp.domain.validation import (
    AGE_MAX,
    ID_RE,
    LANG_RE,
    Issues,
    check_text,
    timestamp,
)
from fieldapp.errors import FieldIssue

# --- vocabularies ---------------------------------------------------------------------------------
CONSENT_SCOPES = (
    "cell_use",
    "share_hq",
    "share_partners",
    "investigation_court",
    "anonymised_publication",
    "recontact",
)
CONSENT_METHODS = ("written", "verbal", "recorded")
CONSENT_ACTIONS = ("given", "withdrawn")
STATEMENT_TYPES = ("eyewitness", "hearsay", "expert", "victim", "relative")
ADULT_AGE = 18

# What a masked identity field shows instead of its value.
HIDDEN = "(hidden)"
# What an identity field holds once its value was purged from a field vault after HQ's receipt.
# A later version written in the field carries it too; it means "unchanged, HQ holds the value",
# and HQ resolves it from the newest earlier version that still has one (`resolve_purged`).
PURGED = "(purged after HQ's receipt)"
# The fields a purge removes: the ones that name or reach the person. Age and gender stay: they
# decide the consent rules for minors and feed the gender/age statistics, and the projection
# (which derives `minor` from the age) stays true.
PURGED_FIELDS = ("name", "contact", "community")

WITNESS_PREFIX = "W"
_COUNTER_MIN_DIGITS = 4
_CODE_RE = re.compile(
    f"{WITNESS_PREFIX}-([{CROCKFORD_ALPHABET}]{{{DEVICE_CODE_LENGTH}}})-(\\d{{{_COUNTER_MIN_DIGITS},}})"
)


# --- records --------------------------------------------------------------------------------------
@dataclass
class WitnessIdentity:
    """Who the witness is. Sensitive: masked by the store unless revealed on purpose.

    All text, so a masked identity reads the same field by field (`HIDDEN`); `age` holds whole
    years as digits ("34") or nothing.
    """

    name: str = ""
    contact: str = ""
    age: str = ""
    gender: str = "unknown"
    community: str = ""


@dataclass
class ConsentEvent:
    """One step of the consent lifecycle: consent given for scopes, or withdrawn from them.

    A withdrawal with no scopes withdraws every scope. `guardian` is required when consent is
    given for a minor.
    """

    action: str = "given"
    date: str = ""
    scopes: list[str] = field(default_factory=list)
    method: str = ""
    language: str = ""
    interpreter: str = ""
    guardian: str = ""
    notes: str = ""


@dataclass
class Witness:
    """A person who gave or may give a statement; `id` and `code` are assigned on first save."""

    id: str = ""
    code: str = ""
    identity: WitnessIdentity = field(default_factory=WitnessIdentity)
    minor: bool = False
    protection_concerns: str = ""
    consent: list[ConsentEvent] = field(default_factory=list)
    incident_ids: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class Statement:
    """What a witness said in one interview, with the interview's circumstances.

    `attachment_ids` are evidence items (audio of the interview, the scanned consent form).
    """

    id: str = ""
    witness_id: str = ""
    incident_ids: list[str] = field(default_factory=list)
    type: str = "eyewitness"
    interview_date: str = ""
    interview_place: str = ""
    interviewer: str = ""
    interpreter: str = ""
    language: str = ""
    original_text: str = ""
    translation: str = ""
    attachment_ids: list[str] = field(default_factory=list)


# --- codes ----------------------------------------------------------------------------------------
def format_witness_code(device_code: str, counter: int) -> str:
    """The code a witness is known by in every document, e.g. "W-7F3AKQ-0007".

    It carries the device code for the same reason reference codes do: devices assign codes
    offline for weeks, and two devices must never hand out the same one.
    """
    code = f"{WITNESS_PREFIX}-{device_code}-{counter:0{_COUNTER_MIN_DIGITS}d}"
    if isinstance(counter, bool) or counter < 1 or not _CODE_RE.fullmatch(code):
        raise ValueError(f"cannot make a witness code from {device_code!r} and {counter!r}")
    return code


def parse_witness_code(text: str) -> tuple[str, int]:
    """(device code, counter) of a witness code; only the exact written form is accepted."""
    match = _CODE_RE.fullmatch(text)
    if not match or format_witness_code(match.group(1), int(match.group(2))) != text:
        raise ValueError(f"not a witness code: {text!r} (expected e.g. W-7F3AKQ-0007)")
    return match.group(1), int(match.group(2))


# --- consent --------------------------------------------------------------------------------------
def current_scopes(witness: Witness) -> tuple[str, ...]:
    """The consent scopes in force after every event, in the fixed CONSENT_SCOPES order.

    Events apply in list order (validation keeps them in date order), so consent given again
    after a withdrawal is in force again; that is the person's latest word.
    """
    active: set[str] = set()
    for event in witness.consent:
        if event.action == "given":
            active.update(event.scopes)
        elif event.action == "withdrawn":
            active.difference_update(event.scopes or CONSENT_SCOPES)
    return tuple(s for s in CONSENT_SCOPES if s in active)


def withdrawn_scopes(witness: Witness) -> tuple[str, ...]:
    """Scopes once given and no longer in force: what every screen and export must honour."""
    given = {s for e in witness.consent if e.action == "given" for s in e.scopes}
    active = set(current_scopes(witness))
    return tuple(s for s in CONSENT_SCOPES if s in given and s not in active)


def is_minor(witness: Witness) -> bool:
    """A minor by the flag or by the recorded age: either one requires a guardian's consent."""
    age = witness.identity.age
    return witness.minor or (age.isdigit() and int(age) < ADULT_AGE)


# --- masking --------------------------------------------------------------------------------------
def _mask(value: str) -> str:
    # A purged field shows that it was purged: there is nothing left to hide.
    return value if value in ("", PURGED) else HIDDEN


def mask_identity(identity: WitnessIdentity) -> WitnessIdentity:
    """Every filled identity field replaced by HIDDEN, so a screen shows that it exists only."""
    return WitnessIdentity(
        name=_mask(identity.name),
        contact=_mask(identity.contact),
        age=_mask(identity.age),
        gender=HIDDEN if identity.gender not in ("", "unknown") else identity.gender,
        community=_mask(identity.community),
    )


def redact_identity(body: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A witness version body with its PURGED_FIELDS replaced by PURGED, and the fields changed.

    Works on the stored body (a dict from canonical JSON), not on the dataclass, so every other
    key stays exactly as signed; a body with nothing left to purge comes back unchanged with no
    fields (a tombstone, or an identity already purged or never given).
    """
    identity = body.get("identity")
    if not isinstance(identity, dict):
        return body, ()
    changed = tuple(name for name in PURGED_FIELDS if identity.get(name) not in (None, "", PURGED))
    if not changed:
        return body, ()
    return {**body, "identity": {**identity, **dict.fromkeys(changed, PURGED)}}, changed


def resolve_purged(identity: WitnessIdentity, earlier: list[WitnessIdentity]) -> WitnessIdentity:
    """Each PURGED field taken from the newest earlier identity (newest first) that holds a value.

    At HQ, a version written in the field after a purge carries PURGED for what HQ already
    holds; this turns it back into the value HQ received. A field no version holds stays PURGED.
    """
    values = {name: getattr(identity, name) for name in PURGED_FIELDS}
    for name in PURGED_FIELDS:
        if values[name] != PURGED:
            continue
        for older in earlier:
            value = getattr(older, name)
            if value != PURGED:
                values[name] = value
                break
    return replace(identity, **values)


def unmask_identity(edited: WitnessIdentity, stored: WitnessIdentity) -> WitnessIdentity:
    """Fields still showing HIDDEN keep their stored value, so saving a masked witness (after
    editing only its consent or notes) never overwrites the identity with the mask."""
    return WitnessIdentity(
        name=stored.name if edited.name == HIDDEN else edited.name,
        contact=stored.contact if edited.contact == HIDDEN else edited.contact,
        age=stored.age if edited.age == HIDDEN else edited.age,
        gender=stored.gender if edited.gender == HIDDEN else edited.gender,
        community=stored.community if edited.community == HIDDEN else edited.community,
    )


# --- validation -----------------------------------------------------------------------------------
def _check_ids(issues: Issues, path: str, ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if not ID_RE.fullmatch(value):
            issues.add(
                f"{path}[{i}]", f"{what} id must be 32 lower-case hex characters (got {value!r})"
            )
        elif value in seen:
            issues.add(f"{path}[{i}]", f"{what} is linked twice")
        seen.add(value)


def _check_language(issues: Issues, path: str, value: str) -> None:
    if value and not LANG_RE.fullmatch(value):
        issues.add(path, f"language must be a code such as en, ar or nl (got {value!r})")


def _check_consent(issues: Issues, witness: Witness) -> None:
    minor = is_minor(witness)
    active: set[str] = set()
    previous = None
    for i, event in enumerate(witness.consent):
        path = f"consent[{i}]"
        issues.one_of(f"{path}.action", event.action, CONSENT_ACTIONS, "consent action")
        moment = timestamp(issues, f"{path}.date", event.date, required=True)
        if moment is not None and previous is not None and moment < previous:
            issues.add(f"{path}.date", "consent events must be in date order")
        previous = moment or previous
        for j, scope in enumerate(event.scopes):
            issues.one_of(f"{path}.scopes[{j}]", scope, CONSENT_SCOPES, "consent scope")
        if len(set(event.scopes)) != len(event.scopes):
            issues.add(f"{path}.scopes", "a scope is listed twice")
        _check_language(issues, f"{path}.language", event.language)
        if event.action == "given":
            if not event.scopes:
                issues.add(f"{path}.scopes", "name at least one scope the witness consents to")
            if not event.method:
                issues.add(
                    f"{path}.method", "say how consent was given: written, verbal or recorded"
                )
            else:
                issues.one_of(f"{path}.method", event.method, CONSENT_METHODS, "consent method")
            if minor and not event.guardian.strip():
                issues.add(f"{path}.guardian", "the witness is a minor: name the guardian")
            active.update(event.scopes)
        elif event.action == "withdrawn":
            never = [s for s in event.scopes if s in CONSENT_SCOPES and s not in active]
            if never:
                issues.add(
                    f"{path}.scopes",
                    f"cannot withdraw consent that is not in force: {', '.join(never)}",
                )
            if event.method or event.guardian:
                issues.add(f"{path}.method", "a withdrawal has no method or guardian")
            active.difference_update(event.scopes or CONSENT_SCOPES)


def validate_witness(witness: Witness) -> list[FieldIssue]:
    """Every rule a witness breaks; empty means it may be stored.

    The identity must be unmasked first (`unmask_identity`): a HIDDEN marker is never stored.
    """
    issues = Issues()
    if witness.id and not ID_RE.fullmatch(witness.id):
        issues.add("id", f"id must be 32 lower-case hex characters (got {witness.id!r})")
    if witness.code:
        try:
            parse_witness_code(witness.code)
        except ValueError as exc:
            issues.add("code", str(exc))
    ident = witness.identity
    for name in ("name", "contact", "age", "gender", "community"):
        if getattr(ident, name) == HIDDEN:
            issues.add(f"identity.{name}", "the hidden value was not restored before saving")
    if ident.age and ident.age != HIDDEN:
        if not ident.age.isdigit() or int(ident.age) > AGE_MAX:
            issues.add("identity.age", f"age must be whole years from 0 to {AGE_MAX}")
        elif int(ident.age) < ADULT_AGE and not witness.minor:
            issues.add("minor", f"age {ident.age} is under {ADULT_AGE}: mark the witness a minor")
    if ident.gender != HIDDEN:
        issues.one_of("identity.gender", ident.gender, GENDERS, "gender")
    if "\n" in ident.name:
        issues.add("identity.name", "name must be a single line")
    _check_consent(issues, witness)
    _check_ids(issues, "incident_ids", witness.incident_ids, "incident")
    check_text(issues, witness)
    return issues.items


def validate_statement(statement: Statement) -> list[FieldIssue]:
    """Every rule a statement breaks; it needs a witness, a date, an interviewer and text."""
    issues = Issues()
    if statement.id and not ID_RE.fullmatch(statement.id):
        issues.add("id", f"id must be 32 lower-case hex characters (got {statement.id!r})")
    if not statement.witness_id:
        issues.add("witness_id", "name the witness who gave the statement")
    elif not ID_RE.fullmatch(statement.witness_id):
        issues.add(
            "witness_id",
            f"witness id must be 32 lower-case hex characters (got {statement.witness_id!r})",
        )
    issues.one_of("type", statement.type, STATEMENT_TYPES, "statement type")
    timestamp(issues, "interview_date", statement.interview_date, required=True)
    if not statement.interviewer.strip():
        issues.add("interviewer", "name the interviewer")
    _check_language(issues, "language", statement.language)
    if not statement.original_text.strip():
        issues.add("original_text", "the statement text is required")
    _check_ids(issues, "incident_ids", statement.incident_ids, "incident")
    _check_ids(issues, "attachment_ids", statement.attachment_ids, "evidence item")
    check_text(issues, statement)
    return issues.items
