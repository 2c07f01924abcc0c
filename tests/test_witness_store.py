"""Witnesses and statements in a real vault: codes, masking, logged reveals, the consent
lifecycle, statement rules and full-text search, history, and the audit log."""

from __future__ import annotations

import unicodedata

import pytest

from fieldapp.domain.model import Incident
from fieldapp.domain.witness import (
    HIDDEN,
    ConsentEvent,
    Statement,
    Witness,
    WitnessIdentity,
    current_scopes,
)
from fieldapp.errors import RecordNotFound, StaleVersion, ValidationError
from fieldapp.store.vault import Vault
from tests.helpers import raw_connection


def consent(*scopes: str, date: str = "2026-03-01", **kw: str) -> ConsentEvent:
    return ConsentEvent(
        action="given", date=date, scopes=list(scopes), method="verbal", language="ar", **kw
    )


def new_witness(vault: Vault, name: str = "Ali Hassan", **kw: object) -> Witness:
    w = Witness(
        identity=WitnessIdentity(name=name, contact="+964 770 123 4567", age="41", gender="male"),
        consent=[consent("cell_use", "share_hq")],
        protection_concerns="works at the checkpoint",
        **kw,  # type: ignore[arg-type]
    )
    stored, _ = vault.save_witness(w, "met at the clinic")
    return stored


def incident(vault: Vault) -> Incident:
    inc = Incident(title="Market strike")
    inc.time.start = "2026-02-20T10:15:00Z"
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def test_first_save_assigns_code_and_returns_masked(vault: Vault) -> None:
    first = new_witness(vault)
    second = new_witness(vault, name="Sara")
    assert first.code == f"W-{vault.device.code}-0001"
    assert second.code == f"W-{vault.device.code}-0002"
    assert first.identity == WitnessIdentity(
        name=HIDDEN, contact=HIDDEN, age=HIDDEN, gender=HIDDEN, community=""
    )
    got, version = vault.get_witness(first.id)
    assert version == 1 and got.identity.name == HIDDEN
    assert got.protection_concerns == "works at the checkpoint"
    assert vault.find_witness(first.code) == first.id
    assert vault.find_witness(first.code.lower()) == first.id
    with pytest.raises(RecordNotFound, match="no witness with id or code 'W-NOPE'"):
        vault.find_witness("W-NOPE")


def test_identity_never_reaches_a_projection_or_index(vault: Vault) -> None:
    w = new_witness(vault, name="Zainab Qasim")
    conn = raw_connection(vault.path, vault._raw_key_hex())
    try:
        for table in ("witnesses", "witness_links"):
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
            assert "Zainab" not in repr(rows)
        (body,) = conn.execute("SELECT body FROM versions WHERE record_id = ?", (w.id,)).fetchone()
        assert b"Zainab Qasim" in bytes(body)  # kept in the record, inside the encrypted DB
    finally:
        conn.close()


def test_reveal_needs_a_reason_and_is_logged(vault: Vault) -> None:
    w = new_witness(vault)
    size = vault.log_size()
    with pytest.raises(ValidationError, match="say why the witness's identity must be revealed"):
        vault.get_witness(w.id, reveal=True)
    assert vault.log_size() == size
    revealed, _ = vault.get_witness(w.id, reveal=True, reason="re-contact for follow-up")
    assert revealed.identity.name == "Ali Hassan"
    assert revealed.identity.contact == "+964 770 123 4567"
    assert vault.log_size() == size + 1
    entry = vault.audit_entries(limit=1)[0]
    assert entry.kind == "identity_revealed"
    assert entry.summary == (
        f"identity of {w.code} revealed by {vault.user}: re-contact for follow-up"
    )
    assert "Ali" not in repr(entry.entry)  # the log names the code, never the person
    assert vault.verify_log().ok


def test_saving_a_masked_witness_keeps_the_identity(vault: Vault) -> None:
    w = new_witness(vault)
    masked, version = vault.get_witness(w.id)
    masked.notes = "prefers to meet at the clinic"
    masked.identity.community = "Old Market"
    saved, new_version = vault.save_witness(masked, "notes", expected_version=version)
    assert new_version == 2 and saved.identity.name == HIDDEN
    revealed, _ = vault.get_witness(w.id, reveal=True, reason="check the merge")
    assert revealed.identity.name == "Ali Hassan"
    assert revealed.identity.community == "Old Market"
    assert revealed.notes == "prefers to meet at the clinic"
    with pytest.raises(StaleVersion, match=f"Witness {w.code} was saved again"):
        vault.save_witness(masked, "late", expected_version=1)
    unchanged, same = vault.save_witness(saved, "nothing new")
    assert same == 2 and unchanged.code == w.code
    saved.code = "W-000000-0001"
    with pytest.raises(ValidationError, match="the witness code cannot be changed"):
        vault.save_witness(saved, "rename")


def test_consent_withdrawal_is_a_new_version_and_shows(vault: Vault) -> None:
    w = new_witness(vault)
    withdrawal = ConsentEvent(action="withdrawn", date="2026-03-10", scopes=["share_hq"])
    after, version = vault.record_consent(w.id, withdrawal, "withdrew by phone")
    assert version == 2
    assert current_scopes(after) == ("cell_use",)
    listed = dict((x.code, x) for x, _ in vault.list_witnesses())
    assert current_scopes(listed[w.code]) == ("cell_use",)
    history = vault.history(w.id)
    assert [v.reason for v in history] == ["met at the clinic", "withdrew by phone"]
    assert [len(v.body["consent"]) for v in history] == [1, 2]
    bad = ConsentEvent(action="withdrawn", date="2026-03-01", scopes=["recontact"])
    with pytest.raises(ValidationError) as info:
        vault.record_consent(w.id, bad, "typo")
    text = str(info.value)
    assert "consent[2].date: consent events must be in date order" in text
    assert "cannot withdraw consent that is not in force: recontact" in text
    assert vault.verify_log().ok


def test_witness_rules_checked_by_the_store(vault: Vault) -> None:
    minor = Witness(identity=WitnessIdentity(age="12"), consent=[consent("cell_use")])
    with pytest.raises(ValidationError) as info:
        vault.save_witness(minor, "interview")
    assert "minor: age 12 is under 18: mark the witness a minor" in str(info.value)
    assert "consent[0].guardian: the witness is a minor: name the guardian" in str(info.value)
    linked = Witness(incident_ids=["f" * 32])
    with pytest.raises(ValidationError, match=r"incident_ids\[0\]: there is no incident"):
        vault.save_witness(linked, "link")
    with pytest.raises(ValidationError, match="reason: say why"):
        vault.save_witness(Witness(), "  ")
    with pytest.raises(ValidationError, match="assigned when the witness is first saved"):
        vault.save_witness(Witness(code="W-7F3AKQ-0001"), "typed a code")
    assert vault.list_witnesses() == []


def test_witness_linked_to_incident_is_listed_for_it(vault: Vault) -> None:
    inc = incident(vault)
    w = new_witness(vault, incident_ids=[inc.id])
    new_witness(vault, name="Other")
    assert [x.code for x, _ in vault.list_witnesses(incident_id=inc.id)] == [w.code]


def statement(witness: Witness, **kw: object) -> Statement:
    base: dict[str, object] = {
        "witness_id": witness.id,
        "interview_date": "2026-03-02T09:00:00Z",
        "interview_place": "field clinic",
        "interviewer": "analyst-kestrel",
        "language": "ar",
        "original_text": "رأيت الدخان فوق السوق القديم",
        "translation": "I saw smoke over the old market",
    }
    base.update(kw)
    return Statement(**base)  # type: ignore[arg-type]


def test_statement_round_trip_and_search(vault: Vault) -> None:
    inc = incident(vault)
    w = new_witness(vault)
    stored, version = vault.save_statement(statement(w, incident_ids=[inc.id]), "interview")
    assert version == 1 and len(stored.id) == 32
    got, _ = vault.get_statement(stored.id)
    assert got == stored
    assert [s.id for s, _ in vault.list_statements(witness_id=w.id)] == [stored.id]
    assert [s.id for s, _ in vault.list_statements(incident_id=inc.id)] == [stored.id]
    assert [s.id for s, _ in vault.list_statements(text="smoke")] == [stored.id]
    assert [s.id for s, _ in vault.list_statements(text="الدخان")] == [stored.id]
    assert vault.list_statements(text="tanks") == []
    # FTS syntax is searched as text, never run (E12).
    for hostile in ('"', "smoke OR", "NEAR(smoke", "*", "'; DROP TABLE statements; --"):
        vault.list_statements(text=hostile)
    got.translation = "I saw black smoke over the old market"
    edited, v2 = vault.save_statement(got, "better translation", expected_version=1)
    assert v2 == 2
    assert [s.id for s, _ in vault.list_statements(text="black")] == [edited.id]
    assert vault.verify_log().ok


def test_statement_search_matches_nfc_and_nfd(vault: Vault) -> None:
    w = new_witness(vault)
    nfd = unicodedata.normalize("NFD", "Zoë saw the crater")
    stored, _ = vault.save_statement(statement(w, original_text=nfd), "interview")
    hits = vault.list_statements(text=unicodedata.normalize("NFC", "Zoë"))
    assert [s.id for s, _ in hits] == [stored.id]


def test_statement_needs_consent_and_existing_links(vault: Vault) -> None:
    w = new_witness(vault)
    with pytest.raises(ValidationError, match="there is no witness with id"):
        vault.save_statement(statement(w, witness_id="e" * 32), "interview")
    with pytest.raises(ValidationError, match=r"attachment_ids\[0\]: there is no evidence item"):
        vault.save_statement(statement(w, attachment_ids=["d" * 32]), "interview")
    vault.record_consent(
        w.id, ConsentEvent(action="withdrawn", date="2026-03-05"), "withdrew everything"
    )
    with pytest.raises(ValidationError, match="has not consented to use by the cell"):
        vault.save_statement(statement(w), "interview")
    with pytest.raises(ValidationError) as info:
        vault.save_statement(Statement(), "interview")
    assert "original_text: the statement text is required" in str(info.value)
    assert vault.list_statements() == []


def test_tampered_witness_projection_is_reported(vault: Vault) -> None:
    w = new_witness(vault)
    vault.record_consent(
        w.id, ConsentEvent(action="withdrawn", date="2026-03-05", scopes=["share_hq"]), "phone"
    )
    conn = raw_connection(vault.path, vault._raw_key_hex())
    try:
        # Someone holding the key puts the withdrawn scope back in the current-state row.
        conn.execute("UPDATE witnesses SET scopes = 'cell_use,share_hq' WHERE id = ?", (w.id,))
    finally:
        conn.close()
    problems = vault.verify_log().problems
    assert problems == [f"witness {w.id}: the current row does not match its latest version 2"]


def test_history_masks_identity_and_diffs_consent(vault: Vault) -> None:
    from fieldapp.domain.diff import diff_records

    w = new_witness(vault)
    vault.record_consent(
        w.id, ConsentEvent(action="withdrawn", date="2026-03-05", scopes=["share_hq"]), "phone"
    )
    history = vault.history(w.id)
    assert [v.body["identity"]["name"] for v in history] == [HIDDEN, HIDDEN]
    assert "Ali" not in repr(history)
    [change] = diff_records(history[0].body, history[1].body)
    assert change.path == "consent[1]" and change.old is None
    assert change.new["action"] == "withdrawn" and change.new["scopes"] == ["share_hq"]
    assert vault.verify_log().ok  # the stored versions are untouched
