"""The witness panel on a real vault: codes, masked identity, logged reveal, consent, statements."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from fieldapp.domain.model import Incident
from fieldapp.domain.witness import HIDDEN, ConsentEvent, Witness, WitnessIdentity
from fieldapp.store.vault import Vault
from fieldapp.ui.tasks import InlineRunner
from fieldapp.ui.witnesses import PDI, WitnessPanel, consent_summary, isolate

CODE = re.compile(r"W-[0-9A-Z]{6}-\d{4}")
ARABIC_NAME = "ليلى حداد"
ACCENTED = "Zoë Müller"


@pytest.fixture
def panel(qtbot, vault: Vault) -> Iterator[WitnessPanel]:
    widget = WitnessPanel(InlineRunner())
    qtbot.addWidget(widget)
    widget.resize(1300, 900)
    widget.show()  # laid out, so clicks land on real buttons
    widget.set_vault(vault)
    yield widget
    widget.set_vault(None)


def cells(table: QTableWidget) -> list[list[str]]:
    rows = []
    for r in range(table.rowCount()):
        row = []
        for c in range(table.columnCount()):
            item = table.item(r, c)
            row.append(item.text() if item is not None else "")
        rows.append(row)
    return rows


def reveal_entries(vault: Vault) -> list[dict[str, object]]:
    return [e.entry for e in vault.audit_entries() if e.entry.get("type") == "identity_revealed"]


def given(date: str, *scopes: str) -> ConsentEvent:
    return ConsentEvent(action="given", date=date, scopes=list(scopes), method="verbal")


def add_witness_in_form(
    qtbot, panel: WitnessPanel, name: str = ARABIC_NAME, incident_ids: tuple[str, ...] = ()
) -> str:
    panel.new_witness()
    for incident_id in incident_ids:
        panel.check_link(panel.incident_list, incident_id)
    panel.name_edit.setText(name)  # QTest types Latin-1 only; the name is Arabic script
    qtbot.keyClicks(panel.contact_edit, "+964 770 000 0000")
    qtbot.keyClicks(panel.age_edit, "34")
    panel.gender_combo.set_code("female")
    qtbot.keyClicks(panel.community_edit, "Al-Rashid")
    panel.protection_edit.setPlainText("Fears reprisals from the local militia.")
    with qtbot.waitSignal(panel.witness_saved) as saved:
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    return str(saved.args[0])


def test_add_witness_shows_code_and_hides_identity(qtbot, vault: Vault, panel: WitnessPanel):
    incident, _ = vault.save_incident(Incident(title="Market strike"), "created")
    panel.refresh()
    witness_id = add_witness_in_form(qtbot, panel, incident_ids=(incident.id,))

    stored, _ = vault.get_witness(witness_id, reveal=True, reason="test checks the stored record")
    assert stored.identity == WitnessIdentity(
        ARABIC_NAME, "+964 770 000 0000", "34", "female", "Al-Rashid"
    )
    assert stored.incident_ids == [incident.id]
    assert CODE.fullmatch(stored.code)
    # The form shows the code and the mask; the mask cannot be edited.
    assert panel.code_label.text() == stored.code
    assert panel.rendered_identity() == {
        "name": HIDDEN,
        "contact": HIDDEN,
        "age": HIDDEN,
        "gender": HIDDEN,
        "community": HIDDEN,
    }
    assert panel.name_edit.isReadOnly() and not panel.gender_combo.isEnabled()
    # The list shows the code, no consent yet, the protection marker and the incident.
    assert cells(panel.table) == [
        [stored.code, "none", "", "⚠ protection", incident.ref_code],
    ]
    assert all(ARABIC_NAME not in text for row in cells(panel.table) for text in row)


def test_reveal_needs_a_reason_and_is_logged(qtbot, vault: Vault, panel: WitnessPanel):
    witness_id = add_witness_in_form(qtbot, panel)
    other, _ = vault.save_witness(Witness(identity=WitnessIdentity(name="Other")), "created")
    panel.refresh()
    before = len(reveal_entries(vault))

    qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert panel.reveal_box.isVisibleTo(panel)
    qtbot.mouseClick(panel.reveal_confirm, Qt.MouseButton.LeftButton)
    assert panel.reveal_issue.text() == "say why the witness's identity must be revealed"
    assert panel.name_edit.text() == HIDDEN
    assert len(reveal_entries(vault)) == before

    qtbot.keyClicks(panel.reveal_reason, "re-contact for follow-up interview")
    with qtbot.waitSignal(panel.revealed) as shown:
        qtbot.mouseClick(panel.reveal_confirm, Qt.MouseButton.LeftButton)
    assert shown.args == [witness_id]
    assert panel.name_edit.text() == ARABIC_NAME
    assert panel.age_edit.text() == "34"
    assert panel.gender_combo.code() == "female"
    assert not panel.name_edit.isReadOnly()
    assert panel.revealed_banner.isVisibleTo(panel)
    assert panel.reveal_button.text() == "Hide identity"
    [entry] = reveal_entries(vault)[before:]
    assert entry["witness_id"] == witness_id
    assert entry["reason"] == "re-contact for follow-up interview"

    # Editing the revealed identity stores it; the form hides it again afterwards.
    panel.contact_edit.setText("+964 771 111 1111")
    with qtbot.waitSignal(panel.witness_saved):
        qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.contact_edit.text() == HIDDEN
    revealed, _ = vault.get_witness(witness_id, reveal=True, reason="test reads it back")
    assert revealed.identity.contact == "+964 771 111 1111"
    assert revealed.identity.name == ARABIC_NAME

    # "Hide identity" masks it again at once.
    panel.reveal("second look")
    assert panel.name_edit.text() == ARABIC_NAME
    with qtbot.waitSignal(panel.witness_loaded):
        qtbot.mouseClick(panel.reveal_button, Qt.MouseButton.LeftButton)
    assert panel.name_edit.text() == HIDDEN
    assert not panel.revealed_banner.isVisibleTo(panel)

    # Selecting another witness hides the identity (no reveal carried over).
    panel.reveal("second look")
    assert panel.name_edit.text() == ARABIC_NAME
    with qtbot.waitSignal(panel.witness_loaded):
        panel.select_witness(other.id)
    assert panel.name_edit.text() == HIDDEN
    assert panel.code_label.text() == other.code


def test_consent_then_withdrawal_updates_the_list(qtbot, vault: Vault, panel: WitnessPanel):
    witness_id = add_witness_in_form(qtbot, panel)
    assert not panel.withdraw_button.isEnabled()

    qtbot.mouseClick(panel.consent_button, Qt.MouseButton.LeftButton)
    panel.consent_date.setText("2026-03-01T10:00:00Z")
    qtbot.mouseClick(panel.consent_record, Qt.MouseButton.LeftButton)  # nothing chosen
    assert "name at least one scope" in panel._issue_labels["c.scopes"][1].text()
    assert "say how consent was given" in panel._issue_labels["c.method"][1].text()
    assert vault.get_witness(witness_id)[0].consent == []

    for scope in ("cell_use", "share_hq", "recontact"):
        panel.consent_scope_boxes[scope].setChecked(True)
    panel.consent_method.set_code("written")
    panel.consent_language.setText("ar")
    panel.consent_interpreter.setText("Interpreter 2")
    with qtbot.waitSignal(panel.witness_saved):
        qtbot.mouseClick(panel.consent_record, Qt.MouseButton.LeftButton)
    code = panel.code_label.text()
    assert cells(panel.table)[0][:3] == [code, "cell · HQ · recontact", ""]
    assert panel.consent_banner.text() == (
        "Consent in force: use by the cell, share with HQ, recontact"
    )
    assert not panel.consent_box.isVisibleTo(panel)

    qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    assert not panel.consent_method.isVisibleTo(panel)
    assert not panel.consent_scope_boxes["share_partners"].isEnabled()
    panel.consent_date.setText("2026-03-05T10:00:00Z")
    panel.consent_scope_boxes["share_hq"].setChecked(True)
    with qtbot.waitSignal(panel.witness_saved):
        qtbot.mouseClick(panel.consent_record, Qt.MouseButton.LeftButton)

    assert cells(panel.table)[0][:3] == [code, "cell · recontact", "WITHDRAWN: HQ"]
    assert panel.consent_banner.text() == (
        "Consent in force: use by the cell, recontact. WITHDRAWN: share with HQ"
    )
    assert cells(panel.consent_table) == [
        [
            "2026-03-01T10:00:00Z",
            "given",
            "use by the cell, share with HQ, recontact",
            "written",
            "ar",
            "Interpreter 2",
            "",
            "",
        ],
        ["2026-03-05T10:00:00Z", "withdrawn", "share with HQ", "", "", "", "", ""],
    ]
    stored, _ = vault.get_witness(witness_id)
    assert [e.action for e in stored.consent] == ["given", "withdrawn"]
    # The identity was never revealed for any of this.
    assert panel.name_edit.text() == HIDDEN
    assert reveal_entries(vault) == []


def test_minor_consent_needs_a_guardian(qtbot, vault: Vault, panel: WitnessPanel):
    minor, _ = vault.save_witness(
        Witness(identity=WitnessIdentity(name="Child", age="12"), minor=True), "created"
    )
    panel.refresh()
    with qtbot.waitSignal(panel.witness_loaded):
        panel.select_witness(minor.id)
    panel.ask_consent("given")
    panel.consent_scope_boxes["cell_use"].setChecked(True)
    panel.consent_method.set_code("verbal")
    panel.record_consent()
    assert (
        panel._issue_labels["c.guardian"][1].text() == "the witness is a minor: name the guardian"
    )
    panel.consent_guardian.setText("Mother")
    with qtbot.waitSignal(panel.witness_saved):
        panel.record_consent()
    assert cells(panel.consent_table)[0][6] == "Mother"


def audio_file(tmp_path: Path) -> Path:
    path = tmp_path / "interview-0001.mp3"
    path.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 8)
    return path


def test_statement_with_translation_attachment_and_search(
    qtbot, vault: Vault, panel: WitnessPanel, tmp_path: Path
):
    incident, _ = vault.save_incident(Incident(title="سوق الخضار"), "created")
    audio = vault.add_evidence(audio_file(tmp_path), caption="interview audio")
    witness, _ = vault.save_witness(
        Witness(consent=[given("2026-03-01T10:00:00Z", "cell_use")]), "created"
    )
    panel.refresh()
    with qtbot.waitSignal(panel.witness_loaded):
        panel.select_witness(witness.id)

    # Required fields are reported inline, nothing is stored.
    panel.new_statement()
    panel.save_statement()
    assert panel._issue_labels["interviewer"][1].text() == "name the interviewer"
    assert panel._issue_labels["original_text"][1].text() == "the statement text is required"
    assert vault.list_statements() == []

    nfd_text = unicodedata.normalize(
        "NFD", f"{ACCENTED} saw {ARABIC_NAME} at the market. رأيت الضربة"
    )
    panel.statement_date.setText("2026-03-02T09:00:00Z")
    panel.statement_place.setText("Field office")
    panel.statement_interviewer.setText("Analyst 1")
    panel.statement_interpreter.setText("Interpreter 2")
    panel.statement_language.setText("ar")
    panel.statement_type.set_code("eyewitness")
    panel.original_edit.setPlainText(nfd_text)
    panel.translation_edit.setPlainText("Two strikes hit the vegetable market at noon.")
    panel.check_link(panel.statement_incidents, incident.id)
    panel.check_link(panel.attachment_list, audio.id)
    assert panel.attachment_list.item(0).text().startswith(isolate("interview audio"))
    with qtbot.waitSignal(panel.statement_saved) as saved:
        qtbot.mouseClick(panel.save_statement_button, Qt.MouseButton.LeftButton)

    stored, version = vault.get_statement(str(saved.args[0]))
    assert version == 1
    assert stored.witness_id == witness.id
    assert stored.attachment_ids == [audio.id]
    assert stored.incident_ids == [incident.id]
    assert stored.translation == "Two strikes hit the vegetable market at noon."
    assert cells(panel.statement_table) == [
        [
            "2026-03-02T09:00:00Z",
            f"{witness.code} [cell]",
            "Eyewitness",
            "ar",
            " ".join(nfd_text.split()),
        ]
    ]

    # Full-text search over every statement: translation words, and names in either form.
    for query in (
        "vegetable",
        unicodedata.normalize("NFC", "Zoë"),
        unicodedata.normalize("NFD", "Müller"),
        ARABIC_NAME.split()[0],
        unicodedata.normalize("NFD", "رأيت"),  # alef with hamza above decomposes
        unicodedata.normalize("NFC", "رأيت"),
    ):
        with qtbot.waitSignal(panel.statements_shown):
            panel.search_statements(query)
        assert [s.id for s in panel.statements()] == [stored.id], query
    with qtbot.waitSignal(panel.statements_shown):
        panel.search_statements("absent")
    assert panel.statements() == []

    # Another witness selected: the form is emptied, the search still reaches every statement.
    other, _ = vault.save_witness(Witness(), "created")
    panel.refresh()
    with qtbot.waitSignal(panel.witness_loaded):
        panel.select_witness(other.id)
    assert panel.original_edit.toPlainText() == ""
    assert panel._linked(panel.attachment_list) == []
    with qtbot.waitSignal(panel.statements_shown):
        panel.search_statements("vegetable")
    assert [s.id for s in panel.statements()] == [stored.id]

    # Selecting the found statement fills the form again, with the links ticked.
    assert panel.statement_witness.text() == f"{other.code} [none]"
    panel.statement_table.selectRow(0)
    assert panel.statement_witness.text() == f"{witness.code} [cell]"
    assert panel.translation_edit.toPlainText() == stored.translation
    assert panel._linked(panel.attachment_list) == [audio.id]
    assert panel._linked(panel.statement_incidents) == [incident.id]


def test_statement_refused_without_consent_shows_why(qtbot, vault: Vault, panel: WitnessPanel):
    witness_id = add_witness_in_form(qtbot, panel)
    panel.new_statement()
    panel.statement_interviewer.setText("Analyst 1")
    panel.original_edit.setPlainText("Text.")
    panel.save_statement()
    assert "has not consented to use by the cell" in panel.statement_issue.text()
    assert vault.list_statements(witness_id=witness_id) == []


def test_witness_validation_is_inline(qtbot, vault: Vault, panel: WitnessPanel):
    panel.new_witness()
    panel.age_edit.setText("15")
    panel.save_witness()
    assert panel._issue_labels["minor"][1].text() == "age 15 is under 18: mark the witness a minor"
    assert panel.age_edit.property("invalid") is not True  # the rule is about the flag
    panel.age_edit.setText("many")
    panel.save_witness()
    assert panel._issue_labels["age"][1].text() == "age must be whole years from 0 to 130"
    assert panel.age_edit.property("invalid") is True
    assert vault.list_witnesses() == []


def test_lock_clears_revealed_identity_and_everything(qtbot, vault: Vault, panel: WitnessPanel):
    witness, _ = vault.save_witness(
        Witness(
            identity=WitnessIdentity(name=ACCENTED, contact="x@example.org"),
            protection_concerns="Lives near the checkpoint.",
            consent=[given("2026-03-01T10:00:00Z", "cell_use")],
        ),
        "created",
    )
    panel.refresh()
    with qtbot.waitSignal(panel.witness_loaded):
        panel.select_witness(witness.id)
    panel.ask_reveal()
    panel.reveal("verify spelling of the name")
    assert panel.name_edit.text() == ACCENTED
    panel.statement_interviewer.setText("Analyst 1")
    panel.search_edit.setText("market")

    panel.set_vault(None)
    assert panel.rendered_identity()["name"] == ""
    assert panel.rendered_identity()["contact"] == ""
    assert panel._current.witness.identity == WitnessIdentity()
    assert panel.table.rowCount() == 0
    assert panel.consent_table.rowCount() == 0
    assert panel.statement_table.rowCount() == 0
    assert panel.protection_edit.toPlainText() == ""
    assert panel.statement_interviewer.text() == ""
    assert panel.search_edit.text() == ""
    assert witness.code not in panel.code_label.text()
    assert not panel.isEnabled()


def test_filter_by_text_and_incident(qtbot, vault: Vault, panel: WitnessPanel):
    incident, _ = vault.save_incident(Incident(title="Bridge"), "created")
    linked, _ = vault.save_witness(Witness(incident_ids=[incident.id]), "created")
    alone, _ = vault.save_witness(Witness(protection_concerns="at risk"), "created")
    panel.refresh()
    assert [w.code for w in panel.witnesses()] == [linked.code, alone.code]
    panel.filter_edit.setText("at risk")
    assert [w.code for w in panel.witnesses()] == [alone.code]
    panel.filter_edit.setText("")
    panel.incident_filter.setCurrentIndex(panel.incident_filter.findData(incident.id))
    with qtbot.waitSignal(panel.refreshed):
        panel.refresh()
    assert [w.code for w in panel.witnesses()] == [linked.code]


def test_summary_and_isolation_helpers() -> None:
    assert isolate(ARABIC_NAME) == f"\u2068{ARABIC_NAME}{PDI}"
    assert isolate("") == ""
    assert consent_summary(Witness()) == "No consent recorded yet"
    gone = Witness(
        consent=[
            given("2026-03-01T10:00:00Z", "cell_use"),
            ConsentEvent(action="withdrawn", date="2026-03-02T10:00:00Z"),
        ]
    )
    assert consent_summary(gone) == "NO CONSENT IN FORCE. WITHDRAWN: use by the cell"


def test_threaded_runner_reveal_then_lock_before_it_lands(qtbot, vault: Vault) -> None:
    """With the real thread-pool runner: results arrive on the GUI thread, and a reveal that
    lands after the lock shows nothing (its generation is gone)."""
    from PySide6.QtCore import QCoreApplication, QThreadPool

    from fieldapp.ui.tasks import TaskRunner

    witness, _ = vault.save_witness(Witness(identity=WitnessIdentity(name=ACCENTED)), "created")
    pool = QThreadPool()
    panel = WitnessPanel(TaskRunner(pool=pool))
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.refreshed):
        panel.set_vault(vault)
    assert [w.code for w in panel.witnesses()] == [witness.code]
    with qtbot.waitSignal(panel.witness_loaded):
        panel.select_witness(witness.id)
    with qtbot.waitSignal(panel.revealed):
        panel.reveal("check the spelling")
    assert panel.name_edit.text() == ACCENTED

    shown: list[str] = []
    panel.revealed.connect(shown.append)
    panel.reveal("second look")  # in flight while the vault is dropped
    panel.set_vault(None)
    pool.waitForDone()  # the reveal has run on its thread ...
    QCoreApplication.processEvents()  # ... and its queued result has been delivered
    assert shown == []
    assert panel.name_edit.text() == ""
