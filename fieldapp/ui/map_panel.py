"""The main window's Map tab: the offline map fed from the open vault.

It holds decrypted positions only while the vault is open: `set_vault(None)` empties the map.
The chosen map pack (an MBTiles path) is a UI preference, kept in QSettings; it is not case data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from fieldapp.domain.model import Observation
from fieldapp.mapdata import fit_view, markers_from
from fieldapp.store.records import MAX_LIMIT, IncidentRow
from fieldapp.store.vault import IncidentQuery, Vault
from fieldapp.ui.mapview import MapView
from fieldapp.ui.messages import show_error
from fieldapp.ui.settings import UiSettings
from fieldapp.ui.tasks import Runner

BASE_LAYER_KEY = "map/base_layer"


@dataclass(frozen=True)
class _Loaded:
    vault: Vault
    rows: list[IncidentRow]
    observations: list[Observation]
    total: int


class MapPanel(QWidget):
    """Incidents and observations with a place, newest first, on the offline map."""

    record_activated = Signal(str, str)  # (kind, record id): the window opens the record

    def __init__(self, runner: Runner, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapPanel")
        self._runner = runner
        self._settings = settings
        self._vault: Vault | None = None
        self._fitted = False  # the first load after unlock frames the markers; later ones don't
        self._map: MapView | None = None
        self.note = QLabel()
        self.note.setObjectName("mapNote")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addWidget(self.note)

    @property
    def map(self) -> MapView:
        """The map widget, built on first use: projecting the world outline costs ~0.1 s, which
        the window's start-up should not pay for a tab that may never be opened."""
        if self._map is None:
            self._map = MapView()
            self._layout.insertWidget(0, self._map, 1)
            self._map.marker_activated.connect(self.record_activated)
            self._map.base_layer_changed.connect(self._remember_base_layer)
            saved = str(self._settings.store.value(BASE_LAYER_KEY, "") or "")
            if saved and Path(saved).is_file():
                self._map.load_base_layer(Path(saved))
        return self._map

    def set_vault(self, vault: Vault | None) -> None:
        self._vault = vault
        self._fitted = False
        if vault is None:
            if self._map is not None:
                self._map.set_markers([])
            self.note.clear()

    def refresh(self) -> None:
        """Reload markers in the background (the register may hold 100k incidents)."""
        vault = self._vault
        if vault is None:
            return

        def load() -> _Loaded:
            query = IncidentQuery(limit=MAX_LIMIT)
            rows = vault.query_incidents(query)
            return _Loaded(vault, rows, vault.list_observations(limit=MAX_LIMIT), len(rows))

        self._runner.submit(load, self._loaded, lambda exc: show_error(self, exc))

    def _loaded(self, loaded: _Loaded) -> None:
        if loaded.vault is not self._vault:
            return  # locked (or another vault) since the request: drop the result
        markers = markers_from(loaded.rows, loaded.observations)
        self.map.set_markers(markers)
        if not self._fitted:
            # The panel's own size: a map built just now has not been laid out yet.
            height = self.height() - self.note.sizeHint().height()
            frame = fit_view(markers, self.width(), height)
            if frame is not None:
                self.map.center_on(frame[0], frame[1], zoom=frame[2])
                self._fitted = True
        self.note.setText(
            self.tr("{shown} places shown (incidents and observations with a position).").format(
                shown=len(markers)
            )
            + (
                self.tr(" Only the {limit} most recently changed incidents are drawn.").format(
                    limit=MAX_LIMIT
                )
                if loaded.total >= MAX_LIMIT
                else ""
            )
        )

    def _remember_base_layer(self, path: str) -> None:
        self._settings.store.setValue(BASE_LAYER_KEY, path)
