"""`python -m fieldapp.ui.screenshots OUTDIR`: the main windows as PNG files, no display needed.

Builds a throw-away vault under a temporary folder with invented sample incidents (fictional
places and people; cheap test-only key derivation, which is fine because the vault is deleted
afterwards) and grabs each window in the dark theme. Run with QT_QPA_PLATFORM=offscreen.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from fieldapp.domain.model import (
    Assessment,
    Breakdown,
    Casualties,
    Communication,
    Engagement,
    ExternalRef,
    Harm,
    Incident,
    Observation,
    Place,
    PlaceName,
    Range,
    Release,
    Response,
    Source,
    TimeWindow,
    Victim,
)
from fieldapp.domain.witness import ConsentEvent, Witness, WitnessIdentity
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault
from fieldapp.ui import i18n
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.register import select_row
from fieldapp.ui.settings import SettingsDialog, UiSettings
from fieldapp.ui.tasks import InlineRunner
from fieldapp.ui.theme import apply_theme
from fieldapp.ui.unlock import UnlockDialog
from fieldapp.ui.wizard import CreateVaultWizard

SAMPLE_PASSPHRASE = "lantern orbit cactus velvet 42"  # noqa: S105 - throw-away sample vault

# (title, start, lat, lon, place, harms, killed (min, max), injured, workflow, category)
_SAMPLES: tuple[
    tuple[str, str, str, str, str, tuple[str, ...], tuple[int, int], tuple[int, int], str, str], ...
] = (
    (
        "Market strike, Eastern Quarter",
        "2026-03-02T09:40:00Z",
        "34.512300",
        "41.902100",
        "Tell Amar",
        ("death", "injury", "damage_civilian_property"),
        (3, 5),
        (8, 12),
        "assessed",
        "confirmed",
    ),
    (
        "Water pumping station hit",
        "2026-03-04T22:10:00Z",
        "34.498000",
        "41.955500",
        "Qasr Nouri",
        ("damage_infrastructure", "disruption_water"),
        (0, 0),
        (1, 2),
        "under_assessment",
        "",
    ),
    (
        "Vehicle struck on the river road",
        "2026-03-06T14:05:00Z",
        "34.601200",
        "41.870400",
        "Jisr al-Wadi",
        ("death",),
        (2, 4),
        (0, 1),
        "assessed",
        "unconfirmed",
    ),
    (
        "Shelling near primary school",
        "2026-03-07T07:55:00Z",
        "34.533300",
        "41.911000",
        "Tell Amar",
        ("injury", "disruption_education", "psychological_harm"),
        (0, 0),
        (4, 6),
        "under_assessment",
        "",
    ),
    (
        "Displacement after night raids",
        "2026-03-09T01:30:00Z",
        "34.650000",
        "41.800000",
        "Beit Hanan",
        ("displacement", "loss_of_livelihood"),
        (0, 0),
        (0, 0),
        "reported",
        "",
    ),
    (
        "Clinic generator destroyed",
        "2026-03-11T16:20:00Z",
        "34.487700",
        "41.930900",
        "Qasr Nouri",
        ("disruption_health", "disruption_power"),
        (0, 0),
        (0, 0),
        "assessed",
        "unlikely",
    ),
    (
        "Farmland fire after strike",
        "2026-03-12T12:00:00Z",
        "34.700100",
        "41.760300",
        "Ain Sabra",
        ("environmental_harm", "loss_of_livelihood"),
        (0, 0),
        (0, 0),
        "reported",
        "",
    ),
    (
        "Residential block collapse",
        "2026-03-14T03:15:00Z",
        "34.520900",
        "41.899900",
        "Tell Amar",
        ("death", "injury", "displacement"),
        (6, 11),
        (9, 15),
        "under_assessment",
        "",
    ),
    (
        "Bridge strike, bus passengers hurt",
        "2026-03-15T08:25:00Z",
        "34.610000",
        "41.860000",
        "Jisr al-Wadi",
        ("injury", "damage_infrastructure"),
        (0, 1),
        (5, 7),
        "reported",
        "",
    ),
    (
        "Bakery queue hit by mortar",
        "2026-03-17T06:50:00Z",
        "34.515500",
        "41.905500",
        "Tell Amar",
        ("death", "injury", "disruption_food"),
        (1, 2),
        (6, 9),
        "assessed",
        "confirmed",
    ),
    (
        "Power line down after drone strike",
        "2026-03-18T19:45:00Z",
        "34.560000",
        "41.990000",
        "Kafr Dala",
        ("disruption_power",),
        (0, 0),
        (0, 0),
        "reported",
        "",
    ),
    (
        "Shepherd killed by unexploded ordnance",
        "2026-03-20T10:10:00Z",
        "34.720000",
        "41.740000",
        "Ain Sabra",
        ("death",),
        (1, 1),
        (0, 0),
        "under_assessment",
        "",
    ),
)


def _breakdown(low: int, high: int) -> Breakdown:
    """Spread a total over the groups the way early reports usually arrive: mostly unknown."""
    if high == 0:
        return Breakdown()
    women = min(1, low)
    return Breakdown(
        women=Range(women, min(1, high)),
        unknown=Range(low - women, high - min(1, high)),
    )


def sample_incident(index: int) -> Incident:
    title, start, lat, lon, place, harms, killed, injured, workflow, category = _SAMPLES[index]
    inc = Incident(
        title=title,
        summary=(
            f"Reports from residents of {place} describe {title.lower()}. Local medical staff "
            "and a monitor confirmed casualties; the cell is collecting imagery and statements."
        ),
        time=TimeWindow(
            start=start,
            utc_offset="+03:00",
            precision="hour" if index % 3 else "exact",
            first_reported_at=start,
            first_reported_by="local monitor",
        ),
        place=Place(
            lat=lat,
            lon=lon,
            names=[PlaceName("en", place)],
            admin_area="Northern district",
            country="Examplestan",
            precision="street" if index % 2 else "100m",
            method="witness" if index % 2 else "imagery",
        ),
        harms=[Harm(h, "indirect" if h.startswith("disruption") else "direct") for h in harms],
        casualties=Casualties(killed=_breakdown(*killed), injured=_breakdown(*injured)),
        engagement=Engagement(
            attribution="alleged",
            party="unknown",
            datetime=start,
            platform=("uav_armed", "artillery", "mortar", "fixed_wing")[index % 4],
            munition=("air_to_ground_missile", "artillery_shell", "mortar_round", "guided_bomb")[
                index % 4
            ],
            target_type="unknown",
            strikes=1 + index % 3,
        ),
        sources=[
            Source("witness", f"W-{index + 1:03d}", start[:10], "C", "3", "Phone interview"),
            Source("ngo_monitor", "Monitor daily brief", start[:10], "B", "2", ""),
        ],
        assessment=Assessment(
            workflow=workflow,
            public_category=category,
            internal_grade="fair" if category else "",
            rationale="Imagery and two independent witnesses agree." if category else "",
            assessor="analyst-07" if workflow == "assessed" else "",
            date="2026-03-21T12:00:00Z" if workflow == "assessed" else "",
        ),
    )
    if index == 0:
        inc.external_refs = [ExternalRef("Airwars", "EX-2026-0311")]
        inc.victims = [
            Victim(
                name="Mariam H.",
                age=34,
                age_band="30-44",
                gender="female",
                outcome="killed",
                family_group="H-1",
            ),
            Victim(
                name="Yusuf H.",
                age=9,
                age_band="5-11",
                gender="male",
                outcome="injured",
                family_group="H-1",
            ),
        ]
        inc.response = Response(
            recommended=["acknowledgement", "condolence_payment"],
            communications=[
                Communication(
                    "2026-03-05T10:00:00Z",
                    "phone",
                    "brother of M. H.",
                    "Explained the assessment process",
                    "call back in two weeks",
                )
            ],
        )
        inc.release = Release(partners=["time", "place", "harm"], public=["time"])
        inc.lessons = "Market days raise the civilian presence around noon; check pattern of life."
    return inc


def populate(vault: Vault) -> list[str]:
    """Fill `vault` with the sample incidents, a few edits (for history) and observations."""
    ids: list[str] = []
    for i in range(len(_SAMPLES)):
        stored, _version = vault.save_incident(sample_incident(i), "first report")
        ids.append(stored.id)
    first, version = vault.get_incident(ids[0])
    first.casualties.killed.unknown = Range(2, 4)
    first.assessment.rationale = "Imagery, two witnesses and the hospital list agree."
    vault.save_incident(first, "hospital list received", expected_version=version)
    third, version = vault.get_incident(ids[2])
    third.place.precision = "exact"
    vault.save_incident(third, "geolocated from imagery", expected_version=version)
    notes = (
        ("2026-03-01T18:00:00Z", "pattern_of_life", "Market in Tell Amar busy until dusk."),
        ("2026-03-02T10:05:00Z", "report", "Smoke seen over the Eastern Quarter."),
        ("2026-03-04T23:00:00Z", "infrastructure", "Water pressure dropped in Qasr Nouri."),
        ("2026-03-13T08:30:00Z", "media", "Local channel reports families leaving Beit Hanan."),
    )
    for k, (at, category, text) in enumerate(notes):
        obs = Observation(
            at=at,
            category=category,
            text=text,
            lat="34.512300" if k == 0 else "",
            lon="41.902100" if k == 0 else "",
            incident_ids=[ids[0]] if k < 2 else [],
        )
        vault.save_observation(obs, "observation")
    for name, scopes, withdrawn in (
        ("Invented Person A", ["cell_use", "share_hq", "investigation_court"], []),
        ("Invented Person B", ["cell_use", "share_hq"], ["share_hq"]),
    ):
        events = [
            ConsentEvent(
                action="given", date="2026-03-03", scopes=scopes, method="verbal", language="ar"
            )
        ]
        if withdrawn:
            events.append(ConsentEvent(action="withdrawn", date="2026-03-09", scopes=withdrawn))
        witness = Witness(
            identity=WitnessIdentity(name=name, age="40", gender="unknown"),
            consent=events,
            incident_ids=[ids[0]],
        )
        vault.save_witness(witness, "interview")
    return ids


def add_sample_photos(vault: Vault, incident_id: str, folder: Path) -> None:
    """Two invented photos (drawn here, no real imagery) and a PDF, imported as evidence."""
    from PIL import Image, ImageDraw

    for name, colour in (("IMG_0412.jpg", (170, 120, 60)), ("IMG_0413.jpg", (60, 110, 150))):
        image = Image.new("RGB", (1200, 900), colour)
        draw = ImageDraw.Draw(image)
        for k in range(0, 1200, 60):
            draw.line([(k, 0), (1200 - k, 900)], fill=(230, 230, 220), width=3)
        image.save(folder / name, "JPEG", quality=85)
        vault.add_evidence(folder / name, incident_ids=[incident_id], caption="market, east side")
    (folder / "hospital-list.pdf").write_bytes(b"%PDF-1.4\n% invented sample\n%%EOF\n")
    vault.add_evidence(folder / "hospital-list.pdf", incident_ids=[incident_id])


def _settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def _save(widget: QWidget, out: Path, name: str, app: QApplication) -> Path:
    _settle(app)
    path = out / name
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def _save_composite(
    window: QWidget, dialog: QWidget, out: Path, name: str, app: QApplication
) -> Path:
    """The window with a dialog drawn centred on it, as a screen would show both."""
    _settle(app)
    image = window.grab()
    painter = QPainter(image)
    shot = dialog.grab()
    x = (image.width() - shot.width()) // 2
    y = image.height() // 2 - shot.height() // 3
    painter.drawPixmap(x, y, shot)
    # Grabs carry no window frame; a thin outline shows where the dialog ends.
    painter.setPen(QColor("#6b717b"))
    painter.drawRect(x - 1, y - 1, shot.width() + 1, shot.height() + 1)
    painter.end()
    path = out / name
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def _sync_shots(
    window: MainWindow,
    field: Vault,
    root: Path,
    runner: InlineRunner,
    app: QApplication,
    out: Path,
    ids: list[str],
) -> list[Path]:
    """The field's Sync tab after an export, then an HQ window that imported that bundle."""
    from sync import enrollment, fieldsync

    hq = Vault.create(
        root / "hq",
        SAMPLE_PASSPHRASE,
        cell_name="CHM HQ",
        analyst="investigator-03",
        role="hq",
        kdf=KdfParams.TEST_ONLY,
    )
    enrollment.create_hq_keys(hq)
    _, certificate = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    enrollment.accept_enrollment(field, certificate, enrollment.load_hq_keys(hq).recipients_note)
    (root / "usb").mkdir()
    bundle = fieldsync.export_bundle(field, root / "usb")
    written = []
    assert window.sync is not None
    window.tabs.setCurrentIndex(window.sync_tab)
    window.sync.refresh()
    written.append(_save(window, out, "19-sync.png", app))

    settings = UiSettings(QSettings(str(root / "hq.ini"), QSettings.Format.IniFormat))
    hq_window = MainWindow(hq, runner, settings, ClipboardGuard())
    hq_window.resize(1500, 900)
    hq_window.show()
    assert hq_window.inbox is not None
    hq_window.tabs.setCurrentIndex(hq_window.inbox_tab)
    hq_window.inbox.import_paths([bundle.path])
    written.append(_save(hq_window, out, "20-hq-inbox.png", app))
    hq_window.tabs.setCurrentIndex(hq_window.devices_tab)
    written.append(_save(hq_window, out, "21-hq-devices.png", app))
    hq_window.tabs.setCurrentIndex(hq_window.register_tab)
    written.append(_save(hq_window, out, "22-hq-register.png", app))
    written.extend(_review_shots(hq_window, hq, root, app, out, ids))
    hq_window.shutdown()
    hq_window.close()
    window.tabs.setCurrentIndex(window.register_tab)
    return written


# An invented external list in the Airwars-style layout, rows placed near the sample incidents:
# two close to the market strike, one near the bridge, one far away, one without a position.
_EXTERNAL_CSV = """Code,Date,Location,Latitude,Longitude,Belligerent,Civilians killed (min),\
Civilians killed (max),Munition,URL,Summary
EX-2026-0311,2026-03-02,"Tell Amar, market",34.512900,41.903000,Unknown,3,5,Missile,\
https://example.org/ex-0311,"Invented row: strike on a market, three to five civilians killed."
EX-2026-0314,2026-03-03,Tell Amar east,34.530000,41.920000,Unknown,1,2,Mortar,\
https://example.org/ex-0314,Invented row: mortar fire a day later.
EX-2026-0322,2026-03-15,Jisr al-Wadi bridge,34.609000,41.861000,Unknown,0,1,Guided bomb,\
https://example.org/ex-0322,"Invented row: a bridge hit, passengers hurt."
EX-2026-0330,2026-03-28,Far valley,35.900000,43.100000,Unknown,,,,,\
Invented row: outside every window.
EX-2026-0331,2026-03-02,Unlocated village,,,Unknown,2,2,Missile,,Invented row without a position.
"""

# A release someone staged carelessly: a victim's name in a note (blocking), a small cell
# (suppressed) and coordinates finer than the policy allows (rounded).
_RELEASE_CSV = """ref,date,place,lat,lon,gender,age_band,killed,notes
{ref},2026-03-02,Tell Amar,34.512300,41.902100,female,adult,1,Mariam H. was at the stall
{ref},2026-03-02,Tell Amar,34.512300,41.902100,male,adult,7,
{ref},2026-03-02,Tell Amar,34.512300,41.902100,all,all,8,
"""


def _review_shots(
    window: MainWindow, hq: Vault, root: Path, app: QApplication, out: Path, ids: list[str]
) -> list[Path]:
    """HQ's review screens (issue 5) on the window that imported the field's bundle."""
    from fieldapp.domain.assessment import HqAssessment
    from fieldapp.ui.crash import CrashDialog
    from fieldapp.ui.messages import scrubbed_report

    written: list[Path] = []
    market = ids[0]
    first, version = hq.save_assessment(
        HqAssessment(
            incident_id=market,
            public_category="unconfirmed",
            internal_grade="fair",
            belligerent_view="not_yet_assessed",
            rationale="One witness and smoke on imagery; waiting for the hospital list.",
            assessor="investigator-03",
        ),
        "first look at HQ",
    )
    first.public_category = "confirmed"
    first.internal_grade = "confirmed"
    first.belligerent_view = "credible"
    first.rationale = (
        "Hospital list, imagery and two independent witnesses agree on time, place and harm."
    )
    hq.save_assessment(first, "hospital list received", expected_version=version)
    hq.add_slot("reviewer-osprey", SAMPLE_PASSPHRASE + " two", KdfParams.TEST_ONLY)

    window.tabs.setCurrentIndex(window.register_tab)
    window.register.refresh()
    # From no selection, so that selecting the row opens it even where the table's current
    # row already was that one (it is, in the pseudo-RTL run).
    window.register.clear_selection()
    window.register.select_incident(market)
    _settle(app)

    assess = window.show_assess()
    if assess is not None:
        written.append(_save(assess, out, "23-hq-assess.png", app))
        assess.close()

    provenance = window.show_provenance()
    if provenance is not None:
        provenance.verify()
        provenance.tabs.setCurrentIndex(3)
        written.append(_save(provenance, out, "24-provenance-verify.png", app))
        provenance.tabs.setCurrentIndex(1)
        written.append(_save(provenance, out, "25-provenance-versions.png", app))
        provenance.close()

    gate_panel = window.release_gate
    if gate_panel is not None:
        staged = root / "release" / "casualties-march.csv"
        staged.parent.mkdir()
        ref = hq.get_incident(market)[0].ref_code
        staged.write_text(_RELEASE_CSV.format(ref=ref), encoding="utf-8")
        window.tabs.setCurrentIndex(window.release_gate_tab)
        gate_panel.staged = [staged]
        gate_panel.staged_list.addItem(str(staged))
        gate_panel._update_enabled()
        gate_panel.check()
        written.append(_save(window, out, "26-release-gate.png", app))

    external = root / "external-march.csv"
    external.write_text(_EXTERNAL_CSV, encoding="utf-8")
    panel = window.deconflict
    window.tabs.setCurrentIndex(window.deconflict_tab)
    panel.tabs.setCurrentIndex(0)
    panel.source_name.setText("airwars")
    panel.set_file(external)
    panel.preview()
    panel.import_file()
    written.append(_save(window, out, "27-deconflict-sources.png", app))
    panel.set_incident(market)
    panel.find_candidates()
    panel.tabs.setCurrentIndex(1)
    if panel.match_table.rowCount():
        select_row(panel.match_table, 0)
    written.append(_save(window, out, "28-deconflict-matches.png", app))

    window.tabs.setCurrentIndex(window.register_tab)
    package = window.show_package()
    if package is not None:
        (root / "court").mkdir()
        package.folder.setText(str(root / "court" / "package-market"))
        package.identities.setChecked(True)
        written.append(_save(package, out, "29-package.png", app))
        package.reason.setText("Court order 2026/114")
        package.make_package()
        written.append(_save(package, out, "30-package-done.png", app))
        package.close()

    window.settings_action.trigger()
    _settle(app)
    settings_dialog = window.findChild(SettingsDialog, "settingsDialog")
    if settings_dialog is not None:
        if settings_dialog.tabs is not None:
            settings_dialog.tabs.setCurrentIndex(1)
        written.append(_save(settings_dialog, out, "31-settings-policies.png", app))
        settings_dialog.close()

    try:
        try:
            raise KeyError("sample")
        except KeyError as inner:
            raise RuntimeError("invented failure for the screenshot") from inner
    except RuntimeError as exc:
        crash = CrashDialog(scrubbed_report(exc), window)
    crash.show()
    written.append(_save(crash, out, "32-crash.png", app))
    crash.close()

    window.tabs.setCurrentIndex(window.register_tab)
    register = window.register
    for index in range(1, register.device_combo.count()):
        if register.device_combo.itemData(index) != hq.device.device_id:  # the field device
            register.device_combo.setCurrentIndex(index)
            break
    register.month_edit.setText("2026-03")
    register.place_edit.setText("Tell")
    register.refresh()
    written.append(_save(window, out, "33-hq-register-filters.png", app))

    reviewer = window.show_add_reviewer()
    if reviewer is not None:
        written.append(_save(reviewer, out, "34-add-reviewer.png", app))
        reviewer.close()
    return written


def render(out: Path, theme: str = "dark", variant: str = "en") -> list[Path]:
    """Write the screenshots into `out`; returns their paths.

    `variant`: "en", "nl", or `i18n.PSEUDO_RTL` (right to left, lengthened strings) to look at
    the layouts as a Dutch or an Arabic-script user would.
    """
    out.mkdir(parents=True, exist_ok=True)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    apply_theme(app, theme)
    i18n.install_variant(app, variant)
    runner = InlineRunner()
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fieldapp-shots-") as tmp:
        root = Path(tmp)
        settings = UiSettings(QSettings(str(root / "ui.ini"), QSettings.Format.IniFormat))
        settings.set_theme(theme)

        wizard = CreateVaultWizard(root / "wizard-vault", KdfParams.TEST_ONLY, runner)
        wizard.resize(620, 500)
        wizard.show()
        wizard.identity_page.cell_edit.setText("CHM Cell North")
        wizard.identity_page.analyst_edit.setText("analyst-07")
        written.append(_save(wizard, out, "01-wizard-identity.png", app))
        wizard.next()
        wizard.passphrase_page.passphrase_edit.setText("summer2026!")
        wizard.passphrase_page.repeat_edit.setText("summer2026!")
        wizard.next()  # refused: the page explains why
        written.append(_save(wizard, out, "02-wizard-passphrase.png", app))
        wizard.close()

        path = root / "vault"
        vault = Vault.create(
            path,
            SAMPLE_PASSPHRASE,
            cell_name="CHM Cell North",
            analyst="analyst-07",
            kdf=KdfParams.TEST_ONLY,
        )
        ids = populate(vault)
        add_sample_photos(vault, ids[0], root)
        vault.lock()

        unlock = UnlockDialog(path, runner)
        unlock.show()
        unlock.passphrase_edit.setText("not the passphrase")
        unlock.attempt()
        written.append(_save(unlock, out, "03-unlock.png", app))
        unlock.passphrase_edit.setText(SAMPLE_PASSPHRASE)
        opened: list[Vault] = []
        unlock.unlocked.connect(opened.append)
        unlock.attempt()
        if not opened:
            raise RuntimeError("the sample vault did not unlock")

        window = MainWindow(opened[0], runner, settings, ClipboardGuard())
        window.resize(1500, 900)
        window.show()
        window.register.select_incident(ids[0])
        written.append(_save(window, out, "04-main-register.png", app))
        written.append(_save(window.detail_tabs, out, "05-incident-editor.png", app))
        window.detail_tabs.setCurrentWidget(window.history)
        written.append(_save(window, out, "06-history.png", app))
        window.detail_tabs.setCurrentWidget(window.evidence)
        if window.evidence.model.entries:
            window.evidence.select(window.evidence.model.entries[0].item.id)
        written.append(_save(window, out, "18-evidence.png", app))
        window.tabs.setCurrentIndex(window.observations_tab)
        written.append(_save(window, out, "07-observations.png", app))
        window.tabs.setCurrentIndex(window.witnesses_tab)
        written.append(_save(window, out, "17-witnesses.png", app))
        window.tabs.setCurrentIndex(window.map_tab)
        written.append(_save(window, out, "16-map.png", app))
        written.extend(_sync_shots(window, opened[0], root, runner, app, out, ids))
        window.verify_log()
        written.append(_save(window, out, "08-audit-log.png", app))
        window.tabs.setCurrentIndex(window.register_tab)
        window.detail_tabs.setCurrentWidget(window.editor)
        dialog = window.show_device()
        if dialog is not None:
            written.append(_save(dialog, out, "09-device.png", app))
            dialog.close()
        window.settings_action.trigger()
        _settle(app)
        settings_dialog = window.findChild(QWidget, "settingsDialog")
        if settings_dialog is not None:
            written.append(_save(settings_dialog, out, "10-settings.png", app))
            settings_dialog.close()
        for name, show in (
            ("12-change-passphrase.png", window.show_change_passphrase),
            ("13-add-user.png", window.show_add_user),
            ("14-check.png", window.show_check),
            ("15-erase.png", window.show_erase),
        ):
            admin = show()
            if admin is not None:
                _settle(app)
                written.append(_save(admin, out, name, app))
                admin.close()
        window.lock()
        if window.unlock_dialog is not None:
            written.append(_save_composite(window, window.unlock_dialog, out, "11-locked.png", app))
            window.unlock_dialog.done(0)
        window.shutdown()
        window.close()
        _settle(app)
    i18n.remove_translators(app)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    variants = ("en", "nl", i18n.PSEUDO_RTL)
    if len(args) not in (1, 2) or (len(args) == 2 and args[1] not in variants):
        print(
            f"usage: python -m fieldapp.ui.screenshots OUTDIR [{'|'.join(variants)}]",
            file=sys.stderr,
        )
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for path in render(Path(args[0]), variant=args[1] if len(args) == 2 else "en"):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
