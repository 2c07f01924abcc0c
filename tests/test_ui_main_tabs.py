"""Tabs of the main window fed from the vault (map, witnesses): filled on show, emptied on lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from fieldapp.domain.model import Incident, Observation
from fieldapp.store.vault import Vault
from fieldapp.ui.clipboard import ClipboardGuard
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.map_panel import BASE_LAYER_KEY
from fieldapp.ui.settings import UiSettings
from fieldapp.ui.tasks import InlineRunner


def _placed(vault: Vault, title: str, lat: str, lon: str) -> str:
    inc = Incident(title=title)
    inc.place.lat, inc.place.lon = lat, lon
    return vault.save_incident(inc, "seed")[0].id


@pytest.fixture
def window(qtbot, vault: Vault, tmp_path: Path) -> Iterator[MainWindow]:
    settings = UiSettings(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    w = MainWindow(vault, InlineRunner(), settings, ClipboardGuard())
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()
    if w.unlock_dialog is not None:
        w.unlock_dialog.done(0)


def _marker_ids(w: MainWindow) -> set[tuple[str, str]]:
    return {(m.kind, m.record_id) for m in w.map_panel.map._markers}


def test_map_tab_shows_placed_records_only(window: MainWindow, vault: Vault) -> None:
    market = _placed(vault, "Market strike", "33.315200", "44.366100")
    vault.save_incident(Incident(title="No position yet"), "seed")
    obs, _ = vault.save_observation(
        Observation(at="2026-03-01T10:00:00Z", text="Smoke", lat="33.300000", lon="44.400000"),
        "seed",
    )
    window.tabs.setCurrentIndex(window.map_tab)
    assert _marker_ids(window) == {("incident", market), ("observation", obs.id)}
    assert window.map_panel.note.text().startswith("2 places shown")


def test_activating_an_incident_marker_opens_it_in_the_editor(
    window: MainWindow, vault: Vault
) -> None:
    market = _placed(vault, "Market strike", "33.315200", "44.366100")
    window.register.refresh()
    window.tabs.setCurrentIndex(window.map_tab)
    window.map_panel.map.marker_activated.emit("incident", market)
    assert window.tabs.currentIndex() == window.register_tab
    assert window.editor.incident().id == market


def test_lock_empties_the_map(window: MainWindow, vault: Vault) -> None:
    _placed(vault, "Market strike", "33.315200", "44.366100")
    window.tabs.setCurrentIndex(window.map_tab)
    assert _marker_ids(window)
    window.lock()
    assert _marker_ids(window) == set()
    assert window.map_panel.note.text() == ""


def test_a_missing_map_pack_in_settings_is_ignored(qtbot, vault: Vault, tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    store.setValue(BASE_LAYER_KEY, str(tmp_path / "gone.mbtiles"))
    w = MainWindow(vault, InlineRunner(), UiSettings(store), ClipboardGuard())
    qtbot.addWidget(w)
    assert w.map_panel.map.base_layer_name() == "World outline (Natural Earth)"
    w.shutdown()


def test_witnesses_tab_lists_witnesses_and_lock_empties_it(
    window: MainWindow, vault: Vault
) -> None:
    from tests.test_witness_store import new_witness

    witness = new_witness(vault)
    window.tabs.setCurrentIndex(window.witnesses_tab)
    assert [w.code for w in window.witnesses.witnesses()] == [witness.code]
    window.lock()
    assert window.witnesses.witnesses() == []


def test_evidence_tab_follows_the_incident_and_place_time_reloads_the_editor(
    window: MainWindow, vault: Vault, tmp_path: Path
) -> None:
    import tests.media_samples as samples

    market = vault.save_incident(Incident(title="Market strike"), "seed")[0].id
    other = vault.save_incident(Incident(title="Other"), "seed")[0].id
    shot = tmp_path / "gps.jpg"
    shot.write_bytes(samples.gps_photo())
    item = vault.add_evidence(shot, incident_ids=[market])
    window.register.refresh()
    window.register.select_incident(market)
    assert [e.item.id for e in window.evidence.model.entries] == [item.id]
    window.register.select_incident(other)
    assert window.evidence.model.entries == []

    window.register.select_incident(market)
    window.evidence.select(item.id)
    window.evidence.apply_reason.setText("photo has GPS")
    window.evidence.apply_place_time()
    assert vault.get_incident(market)[1] == 2
    assert window.editor.incident().place.method == "photo_exif"
    assert window.editor.incident().place.lat == "33.315200"


def test_map_widget_is_built_only_when_the_map_tab_is_first_used(window: MainWindow) -> None:
    assert window.map_panel._map is None  # start-up does not project the world outline
    window.tabs.setCurrentIndex(window.map_tab)
    assert window.map_panel._map is not None


def test_first_show_frames_the_markers_closely(window: MainWindow, vault: Vault) -> None:
    window.resize(1200, 800)
    _placed(vault, "A", "33.300000", "44.300000")
    _placed(vault, "B", "33.400000", "44.500000")
    window.tabs.setCurrentIndex(window.map_tab)
    # 0.2 degrees across fits at zoom 10 in this window; the whole region (zoom ~5) is too far.
    assert window.map_panel.map.zoom >= 9
    lat, lon = window.map_panel.map.center_latlon()
    assert abs(lat - 33.35) < 0.05 and abs(lon - 44.4) < 0.05


def test_a_field_vault_has_the_sync_tab_and_no_hq_tabs(window: MainWindow) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "&Sync" in titles and "In&box" not in titles and "&Devices" not in titles
    assert window.sync is not None and window.inbox is None and window.devices is None
    window.tabs.setCurrentIndex(window.sync_tab)
    assert "not enrolled" in window.sync.enrolment_label.text().lower()
    window.lock()
    assert window.sync.enrolment_label.text() == "Locked."


def test_an_hq_vault_has_inbox_and_devices_and_they_follow_imports(
    qtbot, tmp_path: Path, vault: Vault
) -> None:
    from sync import fieldsync
    from tests.sync_helpers import enroll, make_hq_vault

    hq = make_hq_vault(tmp_path / "hq")
    enroll(vault, hq)
    vault.save_incident(Incident(title="Market strike"), "first report")
    bundle = fieldsync.export_bundle(vault, tmp_path)
    settings = UiSettings(QSettings(str(tmp_path / "hq.ini"), QSettings.Format.IniFormat))
    w = MainWindow(hq, InlineRunner(), settings, ClipboardGuard())
    qtbot.addWidget(w)
    try:
        titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
        assert "In&box" in titles and "&Devices" in titles and "&Sync" not in titles
        assert w.inbox is not None and w.devices is not None
        w.tabs.setCurrentIndex(w.devices_tab)
        assert w.devices.table.rowCount() == 1
        assert w.register.model.rowCount() == 0
        w.inbox.import_paths([bundle.path])
        # The import refreshed the register (the field's incident is now at HQ) and devices.
        assert w.register.model.rowCount() == 1
        last_seq = w.devices.table.item(0, 2)
        assert last_seq is not None and last_seq.text() == "1"
    finally:
        w.shutdown()
        hq.lock()
