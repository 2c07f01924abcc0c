"""The incident editor on a real vault, driven through its widgets with pytest-qt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from fieldapp.domain import geo
from fieldapp.domain.model import (
    Assessment,
    Breakdown,
    Casualties,
    Communication,
    Engagement,
    ExternalRef,
    Harm,
    Incident,
    Place,
    PlaceName,
    Range,
    Release,
    Response,
    Source,
    TimeWindow,
    Victim,
)
from fieldapp.errors import RecordNotFound
from fieldapp.store.vault import IncidentQuery, Vault
from fieldapp.ui.incident_editor import IncidentEditor
from fieldapp.ui.tasks import InlineRunner

MGRS_REF = "38SMB4041684728"
UNTRUSTED = "<b>bold</b> <img src=x> Zaynab علي"


@pytest.fixture
def editor(qtbot, vault: Vault) -> Iterator[IncidentEditor]:
    widget = IncidentEditor(InlineRunner())
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.set_vault(vault)
    widget.load(None)
    yield widget
    widget.set_vault(None)


def set_range(editor_range: object, low: int | None, high: int | None) -> None:
    from fieldapp.ui.widgets import RangeEdit

    assert isinstance(editor_range, RangeEdit)
    editor_range.min_edit.setText("" if low is None else str(low))
    editor_range.max_edit.setText("" if high is None else str(high))


def fill_every_group(qtbot, e: IncidentEditor) -> None:
    """Enter a full incident the way an analyst would: typing, picking, ticking, adding rows."""
    # identity
    qtbot.keyClicks(e.title_edit, "Strike on market, Al-Hamra")
    e.summary_edit.setPlainText("Two strikes hit the market at noon.\nShops destroyed.")
    qtbot.mouseClick(e.external_refs.add_button, Qt.MouseButton.LeftButton)
    e.external_refs.set_cell(0, "system", "Airwars")
    e.external_refs.set_cell(0, "id", "CI-1234")
    # time
    qtbot.keyClicks(e.start_edit, "2026-03-01T09:00:00Z")
    e.end_edit.setText("2026-03-01T09:30:00Z")
    e.offset_edit.setText("+03:00")
    e.time_precision.set_code("hour")
    e.reported_at_edit.setText("2026-03-01T12:00:00Z")
    e.reported_by_edit.setText("local council")
    # place
    e.position.set_text("33.3128, 44.3615")
    e.place_names.add_row()
    e.place_names.set_cell(0, "lang", "ar")
    e.place_names.set_cell(0, "name", "سوق الحمراء")
    e.place_names.add_row({"lang": "en", "name": "Al-Hamra market"})
    e.admin_area_edit.setText("Karkh")
    e.country_edit.setText("IQ")
    e.geo_precision.set_code("street")
    e.geo_method.set_code("imagery")
    e.place_notes.setPlainText("Matched on satellite imagery.")
    # harm
    death_box, _ = e.harms.row("death")
    death_box.setChecked(True)
    damage_box, damage_mode = e.harms.row("damage_civilian_property")
    damage_box.setChecked(True)
    damage_mode.set_code("indirect")
    # casualties
    set_range(e.breakdown.ranges[("killed", "women")], 1, 2)
    set_range(e.breakdown.ranges[("killed", "men")], 3, 4)
    set_range(e.breakdown.ranges[("killed", "girls")], 0, 1)
    set_range(e.breakdown.ranges[("injured", "boys")], 2, 5)
    set_range(e.breakdown.ranges[("injured", "unknown")], None, 7)
    set_range(e.combatants_killed, 1, 1)
    set_range(e.combatants_injured, 0, 2)
    e.casualty_notes.setPlainText("Hospital figures.")
    # victims (sensitive)
    row = e.victims.add_row()
    e.victims.set_cell(row, "name", "Zaynab علي")
    e.victims.set_cell(row, "age", "34")
    e.victims.combo(row, "age_band").set_code("30-44")
    e.victims.combo(row, "gender").set_code("female")
    e.victims.combo(row, "outcome").set_code("killed")
    e.victims.combo(row, "status").set_code("civilian")
    e.victims.set_cell(row, "family_group", "F1")
    e.victims.set_cell(row, "external_list_id", "UN-77")
    e.victims.set_cell(row, "notes", "stallholder")
    # engagement
    e.attribution.set_code("declared")
    e.party.set_code("coalition_partner")
    e.party_name_edit.setText("Task Force East")
    e.engagement_time_edit.setText("2026-03-01T09:05:00Z")
    e.platform.set_code("fixed_wing")
    e.munition.set_code("guided_bomb")
    e.target_type.set_code("vehicle")
    e.strikes_edit.setText("2")
    e.aar_edit.setText("AAR-2026-0301-A")
    # sources
    row = e.sources.add_row()
    e.sources.combo(row, "type").set_code("witness")
    e.sources.set_cell(row, "reference", "interview 12")
    e.sources.set_cell(row, "date", "2026-03-02")
    e.sources.combo(row, "reliability").set_code("B")
    e.sources.combo(row, "credibility").set_code("2")
    e.sources.set_cell(row, "notes", "shop owner")
    # assessment
    e.workflow.set_code("assessed")
    e.public_category.set_code("confirmed")
    e.internal_grade.set_code("fair")
    e.belligerent_view.set_code("credible")
    e.rationale_edit.setPlainText("Imagery and two witnesses agree.")
    e.assessor_edit.setText("heron")
    e.assessment_date_edit.setText("2026-03-10")
    # response
    e.responses.box("acknowledgement", "recommended").setChecked(True)
    e.responses.box("condolence_payment", "recommended").setChecked(True)
    e.responses.box("acknowledgement", "given").setChecked(True)
    row = e.communications.add_row()
    e.communications.set_cell(row, "date", "2026-03-12")
    e.communications.set_cell(row, "channel", "phone")
    e.communications.set_cell(row, "who", "brother")
    e.communications.set_cell(row, "summary", "condolences offered")
    e.communications.set_cell(row, "follow_up", "visit in April")
    e.response_notes.setPlainText("Payment pending approval.")
    # release
    e.release.box("time", "partners").setChecked(True)
    e.release.box("place", "partners").setChecked(True)
    e.release.box("time", "public").setChecked(True)
    e.redaction_edit.setPlainText("Remove shop names.")
    # lessons
    e.lessons_edit.setPlainText("Check market hours before approving strikes.")


def expected_incident() -> Incident:
    return Incident(
        title="Strike on market, Al-Hamra",
        summary="Two strikes hit the market at noon.\nShops destroyed.",
        external_refs=[ExternalRef("Airwars", "CI-1234")],
        time=TimeWindow(
            start="2026-03-01T09:00:00Z",
            end="2026-03-01T09:30:00Z",
            utc_offset="+03:00",
            precision="hour",
            first_reported_at="2026-03-01T12:00:00Z",
            first_reported_by="local council",
        ),
        place=Place(
            lat="33.312800",
            lon="44.361500",
            names=[PlaceName("ar", "سوق الحمراء"), PlaceName("en", "Al-Hamra market")],
            admin_area="Karkh",
            country="IQ",
            precision="street",
            method="imagery",
            notes="Matched on satellite imagery.",
        ),
        harms=[Harm("death", "direct"), Harm("damage_civilian_property", "indirect")],
        casualties=Casualties(
            killed=Breakdown(women=Range(1, 2), men=Range(3, 4), girls=Range(0, 1)),
            injured=Breakdown(boys=Range(2, 5), unknown=Range(None, 7)),
            combatants_killed=Range(1, 1),
            combatants_injured=Range(0, 2),
            notes="Hospital figures.",
        ),
        victims=[
            Victim(
                name="Zaynab علي",
                age=34,
                age_band="30-44",
                gender="female",
                outcome="killed",
                status="civilian",
                family_group="F1",
                external_list_id="UN-77",
                notes="stallholder",
            )
        ],
        engagement=Engagement(
            attribution="declared",
            party="coalition_partner",
            party_name="Task Force East",
            datetime="2026-03-01T09:05:00Z",
            platform="fixed_wing",
            munition="guided_bomb",
            target_type="vehicle",
            strikes=2,
            aar_ref="AAR-2026-0301-A",
        ),
        sources=[Source("witness", "interview 12", "2026-03-02", "B", "2", "shop owner")],
        assessment=Assessment(
            workflow="assessed",
            public_category="confirmed",
            internal_grade="fair",
            belligerent_view="credible",
            rationale="Imagery and two witnesses agree.",
            assessor="heron",
            date="2026-03-10",
        ),
        response=Response(
            recommended=["acknowledgement", "condolence_payment"],
            given=["acknowledgement"],
            communications=[
                Communication(
                    "2026-03-12", "phone", "brother", "condolences offered", "visit in April"
                )
            ],
            notes="Payment pending approval.",
        ),
        release=Release(
            partners=["time", "place"], public=["time"], redaction_notes="Remove shop names."
        ),
        lessons="Check market hours before approving strikes.",
    )


def save(qtbot, e: IncidentEditor) -> str:
    e.validate_now()  # what the debounce timer does once typing pauses
    assert e.save_button.isEnabled(), e.issues()
    with qtbot.waitSignal(e.saved) as blocker:
        qtbot.mouseClick(e.save_button, Qt.MouseButton.LeftButton)
    incident_id = blocker.args[0]
    assert isinstance(incident_id, str)
    return incident_id


def test_reference_lists_offer_the_codes_the_test_uses(editor: IncidentEditor) -> None:
    # Guards the fixture data of the other tests against a renamed reference-list code.
    for combo, code in (
        (editor.platform, "fixed_wing"),
        (editor.munition, "guided_bomb"),
        (editor.target_type, "vehicle"),
    ):
        assert code in combo.codes()


def test_every_group_entered_through_widgets_is_stored_exactly(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    fill_every_group(qtbot, editor)
    with qtbot.waitSignal(editor.validated, timeout=5000) as blocker:
        qtbot.keyClicks(editor.title_edit, "!")  # the debounced check runs after typing
    assert blocker.args[0] == []
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Backspace)
    assert editor.has_unsaved_changes()

    incident_id = save(qtbot, editor)

    stored, version = vault.get_incident(incident_id)
    assert version == 1
    expected = expected_incident()
    expected.id, expected.ref_code = stored.id, stored.ref_code
    assert stored == expected
    assert stored.ref_code.startswith("CHM-")
    assert editor.ref_code.text() == stored.ref_code
    assert not editor.has_unsaved_changes()
    assert not editor.save_button.isEnabled()  # nothing new to save


def test_loading_shows_the_stored_incident(qtbot, editor: IncidentEditor, vault: Vault) -> None:
    stored, _ = vault.save_incident(expected_incident(), "created")
    with qtbot.waitSignal(editor.loaded):
        editor.load(stored.id)
    assert editor.incident() == stored
    assert not editor.has_unsaved_changes()
    assert editor.victims.cell_text(0, "name") == "Zaynab علي"
    assert "MGRS: 38SMB" in editor.position.display.text()


def test_edit_and_save_again_makes_a_second_version(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    fill_every_group(qtbot, editor)
    incident_id = save(qtbot, editor)
    editor.title_edit.setText("Strike on Al-Hamra market")
    set_range(editor.breakdown.ranges[("killed", "men")], 3, 5)
    editor.reason_edit.setText("hospital list received")
    editor.validate_now()
    save(qtbot, editor)
    stored, version = vault.get_incident(incident_id)
    assert version == 2
    assert stored.title == "Strike on Al-Hamra market"
    assert stored.casualties.killed.men == Range(3, 5)
    assert [v.reason for v in vault.history(incident_id)] == ["edited", "hospital list received"]
    assert editor.reason_edit.text() == "edited"  # back to the default for the next save


def test_latitude_out_of_range_is_shown_at_the_position_and_blocks_saving(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    editor.title_edit.setText("Bad position")
    with qtbot.waitSignal(editor.validated, timeout=5000):
        qtbot.keyClicks(editor.position.entry, "95, 44.36")
    issue = editor._targets["place.lat"].label
    assert not issue.isHidden()
    assert "latitude must be between -90 and 90" in issue.text()
    assert editor.position.entry.property("invalid") is True
    assert "latitude must be between -90 and 90" in editor.position.entry.toolTip()
    assert not editor.save_button.isEnabled()
    editor.save()  # Ctrl+S path: refused as well
    assert vault.count_incidents(IncidentQuery()) == 0
    assert "Not saved" in editor.status.text()
    assert "(!)" in editor.tabs.tabText(2)


def test_min_greater_than_max_is_marked_on_both_boxes(qtbot, editor: IncidentEditor) -> None:
    editor.title_edit.setText("Counts")
    women = editor.breakdown.ranges[("killed", "women")]
    women.min_edit.setText("5")
    with qtbot.waitSignal(editor.validated, timeout=5000) as blocker:
        qtbot.keyClicks(women.max_edit, "3")
    paths = [i.path for i in blocker.args[0]]
    assert paths == ["casualties.killed.women"]
    assert women.min_edit.property("invalid") is True
    assert women.max_edit.property("invalid") is True
    label = editor._targets["casualties.killed.women"].label
    assert label.text() == "killed, women: minimum 5 is greater than maximum 3"
    assert not editor.save_button.isEnabled()
    qtbot.keyClick(women.max_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(women.max_edit, "8")
    editor.validate_now()
    assert women.max_edit.property("invalid") is False
    assert editor.save_button.isEnabled()


def test_end_before_start_is_shown_at_the_end_field(editor: IncidentEditor, vault: Vault) -> None:
    editor.title_edit.setText("Times")
    editor.start_edit.setText("2026-03-02T10:00:00Z")
    editor.end_edit.setText("2026-03-01T10:00:00Z")
    issues = editor.validate_now()
    assert [(i.path, i.message) for i in issues] == [("time.end", "end is before start")]
    assert editor._targets["time.end"].label.text() == "end is before start"
    assert editor.end_edit.property("invalid") is True
    assert editor.start_edit.property("invalid") is not True
    assert editor.issue_list.count() == 1
    assert editor.issue_list.item(0).text() == "Time › End (UTC): end is before start"
    assert not editor.save_button.isEnabled()
    editor.save()
    assert vault.count_incidents(IncidentQuery()) == 0


def test_issue_list_jumps_to_the_field(qtbot, editor: IncidentEditor) -> None:
    with qtbot.waitExposed(editor):
        editor.show()
    editor.title_edit.setText("Jump")
    editor.end_edit.setText("2026-03-01T10:00:00Z")
    editor.start_edit.setText("2026-03-02T10:00:00Z")
    editor.validate_now()
    editor.tabs.setCurrentIndex(0)
    editor._jump_to_issue(editor.issue_list.item(0))
    assert editor.tabs.currentIndex() == 1
    assert editor.focusWidget() is editor.end_edit


def test_mgrs_entry_converts_and_is_stored_as_decimal_degrees(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    editor.title_edit.setText("MGRS entry")
    qtbot.keyClicks(editor.position.entry, MGRS_REF)
    lat, lon = geo.from_mgrs(MGRS_REF)
    assert editor.position.position() == (lat, lon)
    shown = editor.position.display.text()
    assert f"Lat/Lon: {lat}, {lon}" in shown
    assert f"MGRS: {MGRS_REF}" in shown
    incident_id = save(qtbot, editor)
    stored, _ = vault.get_incident(incident_id)
    assert (stored.place.lat, stored.place.lon) == (lat, lon)
    assert stored.place.lat.startswith("33.")


def test_unreadable_position_is_explained(qtbot, editor: IncidentEditor) -> None:
    editor.title_edit.setText("Typo")
    qtbot.keyClicks(editor.position.entry, "somewhere near the bridge")
    issues = editor.validate_now()
    assert [i.path for i in issues] == ["place.position"]
    assert "cannot read position" in editor._targets["place.position"].label.text()
    assert not editor.save_button.isEnabled()


def test_bad_number_in_victims_table_is_marked_in_its_cell(editor: IncidentEditor) -> None:
    editor.title_edit.setText("Victim age")
    row = editor.victims.add_row({"name": "A"})
    editor.victims.set_cell(row, "age", "150")
    issues = editor.validate_now()
    assert [i.path for i in issues] == ["victims[0].age"]
    item = editor.victims.table.item(0, editor.victims.column_index("age"))
    assert item is not None
    assert "age must be between 0 and 130" in item.toolTip()
    label = editor._targets["victims"].label
    assert label.text() == "row 1, age: age must be between 0 and 130 (got 150)"
    editor.victims.set_cell(row, "age", "old")
    issues = editor.validate_now()
    assert [(i.path, i.message) for i in issues] == [("victims[0].age", "must be a whole number")]


def test_reason_is_required_and_typed_in_the_editor(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    editor.title_edit.setText("Needs a reason")
    editor.reason_edit.clear()
    editor.save()
    assert vault.count_incidents(IncidentQuery()) == 0
    assert editor.reason_edit.property("invalid") is True
    assert "reason" in editor.status.text()
    qtbot.keyClicks(editor.reason_edit, "first report from patrol")
    with qtbot.waitSignal(editor.saved) as blocker:
        qtbot.keyClick(editor.reason_edit, Qt.Key.Key_Return)
    assert vault.history(blocker.args[0])[0].reason == "first report from patrol"


def test_ctrl_s_saves(qtbot, editor: IncidentEditor, vault: Vault) -> None:
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    editor.title_edit.setFocus()
    qtbot.keyClicks(editor.title_edit, "Saved by keyboard")
    with qtbot.waitSignal(editor.saved):
        qtbot.keyClick(editor.title_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [r.title for r in vault.query_incidents(IncidentQuery())] == ["Saved by keyboard"]


def test_stale_version_offers_a_reload(qtbot, vault: Vault) -> None:
    stored, _ = vault.save_incident(Incident(title="Original"), "created")
    first, second = IncidentEditor(InlineRunner()), IncidentEditor(InlineRunner())
    for e in (first, second):
        qtbot.addWidget(e)
        e.set_vault(vault)
        e.load(stored.id)
    first.title_edit.setText("Changed by first")
    save(qtbot, first)
    second.title_edit.setText("Changed by second")
    second.validate_now()
    with qtbot.assertNotEmitted(second.saved):
        second.save()
    assert not second.stale_bar.isHidden()
    assert "saved elsewhere" in second.stale_label.text()
    assert vault.get_incident(stored.id)[0].title == "Changed by first"
    with qtbot.waitSignal(second.loaded):
        qtbot.mouseClick(second.reload_button, Qt.MouseButton.LeftButton)
    assert second.title_edit.text() == "Changed by first"
    assert second.stale_bar.isHidden()
    assert not second.has_unsaved_changes()


def test_delete_needs_confirmation_and_a_reason(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    stored, _ = vault.save_incident(Incident(title="To delete"), "created")
    editor.load(stored.id)
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert not editor.delete_bar.isHidden()
    assert not editor.confirm_delete_button.isEnabled()
    editor.confirm_delete()  # without a reason nothing happens
    assert vault.get_incident(stored.id)[0].title == "To delete"
    qtbot.mouseClick(editor.cancel_delete_button, Qt.MouseButton.LeftButton)
    assert editor.delete_bar.isHidden()

    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.delete_reason, "duplicate of another report")
    with qtbot.waitSignal(editor.deleted) as blocker:
        qtbot.mouseClick(editor.confirm_delete_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [stored.id]
    with pytest.raises(RecordNotFound):
        vault.get_incident(stored.id)
    last = vault.history(stored.id)[-1]
    assert last.deleted and last.reason == "duplicate of another report"
    assert editor.title_edit.text() == ""


def test_lock_clears_every_field(qtbot, editor: IncidentEditor, vault: Vault) -> None:
    stored, _ = vault.save_incident(expected_incident(), "created")
    editor.load(stored.id)
    assert editor.title_edit.text()
    editor.reason_edit.setText("call from Zaynab's brother")
    editor.set_vault(None)
    assert editor.reason_edit.text() == "edited"
    assert editor.incident() == Incident()
    assert editor.ref_code.text() == ""
    assert editor.victims.table.rowCount() == 0
    assert editor.position.display.text() == "Lat/Lon: —    MGRS: —"
    assert not editor.has_unsaved_changes()
    assert not editor.save_button.isEnabled()
    assert not editor.tabs.isEnabled()
    editor.save()  # nothing to save into
    assert vault.count_incidents(IncidentQuery()) == 1


def test_unknown_stored_codes_are_kept_not_lost(
    qtbot, editor: IncidentEditor, vault: Vault
) -> None:
    # A stored code that the list no longer offers must survive load and save untouched.
    stored, _ = vault.save_incident(Incident(title="Old list"), "created")
    editor.load(stored.id)
    editor.party.set_code("own_forces")
    editor.validate_now()
    incident_id = save(qtbot, editor)
    assert vault.get_incident(incident_id)[0].engagement.party == "own_forces"
    editor.platform.set_code("retired_platform_code")
    assert editor.platform.currentText() == "retired_platform_code (not in list)"
    assert editor.incident().engagement.platform == "retired_platform_code"


def test_untrusted_text_is_never_interpreted(qtbot, editor: IncidentEditor, vault: Vault) -> None:
    editor.title_edit.setText(UNTRUSTED)
    editor.offset_edit.setText("<i>x</i>")
    editor.validate_now()
    labels = editor.findChildren(QLabel)
    assert labels
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    # The message echoes what was typed; the tooltip must show it, not render it.
    assert "<i>x</i>" in editor._targets["time.utc_offset"].label.text()
    tooltip = editor.offset_edit.toolTip()
    assert "<i>" not in tooltip and "&lt;i&gt;x&lt;/i&gt;" in tooltip
    editor.set_vault(vault)
    stored, _ = vault.save_incident(Incident(title=UNTRUSTED), "created")
    editor.load(stored.id)
    assert editor.title_edit.text() == UNTRUSTED


def test_buttons_are_reachable_by_keyboard(editor: IncidentEditor) -> None:
    buttons = editor.findChildren(QPushButton)
    assert buttons
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in buttons)
    assert editor.summary_edit.tabChangesFocus()


def test_keyboard_moves_through_fields_and_tabs(qtbot, editor: IncidentEditor) -> None:
    with qtbot.waitActive(editor):
        editor.show()
        editor.activateWindow()
    editor.title_edit.setFocus()
    qtbot.keyClick(editor.title_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.summary_edit  # Tab leaves the text box
    qtbot.keyClick(editor.summary_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.external_refs.table
    qtbot.keyClick(editor.external_refs.table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 1


def test_a_new_incident_opens_without_errors_and_shows_them_from_the_first_edit(
    qtbot, editor: IncidentEditor
) -> None:
    title = editor._targets["title"].label
    assert editor.issue_list.count() == 0 and title.isHidden()
    assert "(!)" not in editor.tabs.tabText(0)
    assert not editor.save_button.isEnabled()  # nothing to save yet
    with qtbot.waitSignal(editor.validated, timeout=5000):
        qtbot.keyClicks(editor.summary_edit, "two houses")
    assert not title.isHidden() and "title is required" in title.text()
    assert "(!)" in editor.tabs.tabText(0)
