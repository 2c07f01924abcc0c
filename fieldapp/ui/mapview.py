"""The offline map: incidents, photos and observations over a raster pack or a world outline.

The scene is laid out in Web Mercator world pixels of the current (integer) zoom, so a tile is
drawn 1:1 at `(column * 256, row * 256)` and markers, labels and the grid keep their pixel size.
Changing zoom re-lays the scene; the outline paths are built once in a unit square and only
rescaled. Every number (projection, tiles, grid, scale bar, clusters) comes from
`fieldapp.mapdata`, which is tested without Qt.

No network, ever: the base layer is an MBTiles file the analyst chose (only the visible tiles are
read, and decoded tiles are kept in an LRU cache) or the bundled Natural Earth outline.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QImageReader,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QMenu,
    QStyleOptionGraphicsItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp import mapdata
from fieldapp.domain.geo import normalise_decimal
from fieldapp.errors import MapDataError
from fieldapp.mapdata import Cluster, MapMarker, TileKey
from fieldapp.resources import resource
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP
from fieldapp.ui.messages import show_error
from fieldapp.ui.widgets import plain_label, plain_tooltip

__all__ = ["MapMarker", "MapView"]

# Distinct colour *and* shape per kind, so the legend still works for colour-blind analysts.
KIND_STYLE: dict[str, tuple[str, str]] = {
    "incident": ("#c62828", "circle"),
    "photo": ("#1565c0", "square"),
    "observation": ("#2e7d32", "triangle"),
}
KIND_TITLES = {
    "incident": QT_TRANSLATE_NOOP("MapView", "Incident"),
    "photo": QT_TRANSLATE_NOOP("MapView", "Photo"),
    "observation": QT_TRANSLATE_NOOP("MapView", "Observation"),
}


def kind_title(kind: str) -> str:
    """A marker kind's name in the interface language (an unknown kind as itself)."""
    return QCoreApplication.translate("MapView", KIND_TITLES[kind]) if kind in KIND_TITLES else kind


CLUSTER_COLOUR = "#37474f"
SEA_COLOUR = QColor("#dbe9f4")
LAND_COLOUR = QColor("#f3efe2")
COAST_COLOUR = QColor("#8d8a7c")
BORDER_COLOUR = QColor("#a07a8a")
BLANK_COLOUR = QColor("#e6e6e6")  # where a pack has no tile
OUTSIDE_COLOUR = QColor("#bdbdbd")  # beyond the edge of the world
GRID_COLOUR = QColor(60, 60, 90, 90)
MARKER_RADIUS = 7.0
CLUSTER_CELL_PX = 48.0
PAN_STEP_PX = 96
MENU_LIMIT = 40  # records listed for a cluster that cannot split
SCALE_BAR_PX = 120
CLICK_SLOP_PX = 4
TILE_CACHE_SIZE = 512  # ~256 KiB each decoded: about 128 MiB at worst, flat over a session
MAX_TILE_EDGE = 1024  # a tile is 256 px (512 for high-resolution packs); larger is refused
MAX_OVERZOOM = 5  # beyond the pack's deepest zoom, magnify its tiles up to 32x
PLACES_FROM_ZOOM = 3  # below this the world outline alone is clearer than city names


def _kind_path(kind: str, radius: float) -> QPainterPath:
    """The symbol of one marker kind, centred on (0, 0)."""
    shape = KIND_STYLE.get(kind, ("", "circle"))[1]
    path = QPainterPath()
    if shape == "square":
        side = radius * 1.7
        path.addRect(QRectF(-side / 2, -side / 2, side, side))
    elif shape == "triangle":
        r = radius * 1.25
        path.addPolygon(QPolygonF([QPointF(0, -r), QPointF(r, r * 0.8), QPointF(-r, r * 0.8)]))
        path.closeSubpath()
    else:
        path.addEllipse(QPointF(0, 0), radius, radius)
    return path


class _MarkerItem(QGraphicsItem):
    """One marker, or a cluster of them drawn as a disc with its count."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__()
        self.cluster = cluster
        self.setPos(cluster.x, cluster.y)
        self.setZValue(10 + (1 if cluster.count > 1 else 0))
        if cluster.count == 1:
            marker = cluster.members[0]
            self._radius = MARKER_RADIUS
            self._path = _kind_path(marker.kind, self._radius)
            title = kind_title(marker.kind)
            self.setToolTip(
                plain_tooltip(
                    QCoreApplication.translate("MapView", "{kind}: {label}").format(
                        kind=title, label=marker.label
                    )
                )
            )
        else:
            # Bigger discs for bigger clusters, within reason.
            self._radius = min(20.0, 10.0 + 2.0 * len(str(cluster.count)) + cluster.count**0.25)
            self._path = QPainterPath()
            self._path.addEllipse(QPointF(0, 0), self._radius, self._radius)
            kinds = Counter(m.kind for m in cluster.members)
            part = QCoreApplication.translate("MapView", "{kind}: {count}")
            parts = ", ".join(
                part.format(kind=kind_title(k), count=n) for k, n in sorted(kinds.items())
            )
            self.setToolTip(
                plain_tooltip(
                    QCoreApplication.translate(
                        "MapView", "{count} records ({parts}); click to zoom in"
                    ).format(count=cluster.count, parts=parts)
                )
            )

    @property
    def is_cluster(self) -> bool:
        return self.cluster.count > 1

    def boundingRect(self) -> QRectF:
        r = self._radius * 1.3 + 2
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        return self._path

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("white"), 1.5))
        if self.is_cluster:
            painter.setBrush(QBrush(QColor(CLUSTER_COLOUR)))
            painter.drawPath(self._path)
            font = QFont(painter.font())
            font.setBold(True)
            font.setPixelSize(11)
            painter.setFont(font)
            painter.setPen(QColor("white"))
            painter.drawText(
                QRectF(-self._radius, -self._radius, 2 * self._radius, 2 * self._radius),
                Qt.AlignmentFlag.AlignCenter,
                str(self.cluster.count),
            )
        else:
            kind = self.cluster.members[0].kind
            painter.setBrush(QBrush(QColor(KIND_STYLE.get(kind, ("#6a1b9a", ""))[0])))
            painter.drawPath(self._path)


class _Canvas(QGraphicsView):
    """The view: owns input (drag, wheel, keys, clicks) and the overlays painted over the scene."""

    def __init__(self, owner: MapView) -> None:
        super().__init__(owner)
        self._owner = owner
        self._press: QPoint | None = None
        self._wheel_accum = 0
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # Overlays (grid, scale bar, legend) move with the view: repaint all, not scrolled pixels.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # --- input ------------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        # Trackpads send many small deltas; one zoom level per notch (120) of a wheel.
        self._wheel_accum += event.angleDelta().y()
        steps = int(self._wheel_accum / 120)
        if steps:
            self._wheel_accum -= steps * 120
            self._owner.zoom_by(steps, event.position().toPoint())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        point = event.position().toPoint()
        if (point - press).manhattanLength() > CLICK_SLOP_PX:
            return  # that was a drag (a pan), not a click
        item = self._owner.marker_item_at(point)
        if item is not None:
            self._owner.activate_item(item, point)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self._owner.report_cursor(event.position().toPoint())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        centre = self.viewport().rect().center()
        moves = {
            Qt.Key.Key_Left: (-PAN_STEP_PX, 0),
            Qt.Key.Key_Right: (PAN_STEP_PX, 0),
            Qt.Key.Key_Up: (0, -PAN_STEP_PX),
            Qt.Key.Key_Down: (0, PAN_STEP_PX),
        }
        if key in moves:
            self._owner.pan_by(*moves[Qt.Key(key)])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self._owner.zoom_by(1, centre)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self._owner.zoom_by(-1, centre)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._owner.activate_current()
        elif key == Qt.Key.Key_N:
            self._owner.step_marker(1)
        elif key == Qt.Key.Key_P:
            self._owner.step_marker(-1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._owner.view_moved()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self._owner.view_moved()

    # --- painting ---------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)
        painter.fillRect(rect, OUTSIDE_COLOUR)
        world = self.sceneRect()
        painter.fillRect(rect.intersected(world), self._owner.background_colour())

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        painter.save()
        painter.resetTransform()  # overlays are drawn in viewport pixels
        self._owner.paint_grid(painter)
        self._owner.paint_overlays(painter)
        painter.restore()


class MapView(QWidget):
    """Map of records with pan, zoom, grid, scale bar, cursor readout, clusters and a legend.

    Self-contained: the caller hands it markers (and optionally an MBTiles path) and listens to
    `marker_activated`. `set_markers([])` drops every record it shows (used on lock).
    """

    marker_activated = Signal(str, str)  # (kind, record_id)
    cursor_position = Signal(str)  # "33.315200, 44.366100  ·  38SMB 40994 86410"
    base_layer_changed = Signal(str)  # the MBTiles path now shown, "" for the world outline

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zoom = 2
        self._markers: list[MapMarker] = []
        self._placed: list[mapdata.PlacedMarker] = []
        # The scene area (world pixels) whose markers have items; None after a zoom change.
        self._marker_area: QRectF | None = None
        self._marker_items: list[_MarkerItem] = []
        self._current: MapMarker | None = None
        self._pack: mapdata.MBTiles | None = None
        self._tile_items: dict[TileKey, QGraphicsPixmapItem] = {}
        # Decoded tiles are cached as QImage, not QPixmap: a pixmap outliving the application
        # (a widget collected at interpreter exit) crashes Qt, an image does not.
        self._tiles: mapdata.LRUCache[TileKey, QImage | None] = mapdata.LRUCache(TILE_CACHE_SIZE)

        self.canvas = _Canvas(self)
        # The scene is the canvas's child, so it is deleted after the view lets go of it: a scene
        # deleted first makes the dying view reset its scroll bars into Python overrides (crash).
        self._scene = QGraphicsScene(self.canvas)
        self.canvas.setScene(self._scene)
        self._outline_items = self._build_outline()
        self._places = mapdata.load_places(
            resource("naturalearth", "ne_110m_populated_places_simple.geojson")
        )
        self._place_items: list[QGraphicsSimpleTextItem] = []

        self.zoom_in_button = QToolButton(self)
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(self.tr("Zoom in (+)"))
        self.zoom_in_button.clicked.connect(lambda: self.zoom_by(1))
        self.zoom_out_button = QToolButton(self)
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(self.tr("Zoom out (-)"))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_by(-1))
        self.pack_button = QToolButton(self)
        self.pack_button.setText(self.tr("Map pack…"))
        self.pack_button.setToolTip(self.tr("Show an offline map pack (MBTiles) under the records"))
        self.pack_button.clicked.connect(self.choose_base_layer)
        self.outline_button = QToolButton(self)
        self.outline_button.setText(self.tr("World outline"))
        self.outline_button.setToolTip(
            self.tr("Show the bundled world outline instead of a map pack")
        )
        self.outline_button.clicked.connect(lambda: self.load_base_layer(None))
        self.layer_label = plain_label("", self)
        self.zoom_label = plain_label("", self)
        self.position_label = plain_label("", self)
        self.position_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.position_label.setToolTip(
            self.tr("Position under the cursor: latitude, longitude · MGRS")
        )
        self.canvas.setAccessibleName(self.tr("Map"))
        self.zoom_in_button.setAccessibleName(self.tr("Zoom in"))
        self.zoom_out_button.setAccessibleName(self.tr("Zoom out"))

        top = QHBoxLayout()
        top.addWidget(self.zoom_out_button)
        top.addWidget(self.zoom_in_button)
        top.addWidget(self.zoom_label)
        top.addStretch(1)
        top.addWidget(self.layer_label)
        top.addWidget(self.pack_button)
        top.addWidget(self.outline_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.position_label)
        self.setFocusProxy(self.canvas)

        self._apply_base_layer_label()
        self._relayout()
        self.canvas.centerOn(self._scene.sceneRect().center())
        self.view_moved()

    # --- public API -------------------------------------------------------------------------------
    @property
    def zoom(self) -> int:
        return self._zoom

    def set_markers(self, markers: Sequence[MapMarker]) -> None:
        """Show these records (replacing any shown); an empty list drops them all."""
        self._markers = list(markers)
        self._placed = mapdata.place_markers(self._markers)
        if self._current is not None and self._current not in self._markers:
            self._current = None
        self._rebuild_markers()

    def set_base_layer(self, mbtiles: Path | None) -> None:
        """Draw raster tiles from an MBTiles pack, or the bundled outline when None.

        An unusable file raises `InvalidMBTiles` and leaves the current layer in place, so a
        wrong pick never blanks the map.
        """
        pack = mapdata.MBTiles(mbtiles) if mbtiles is not None else None
        if self._pack is not None:
            self._pack.close()
        self._pack = pack
        self._tiles.clear()
        self._clear_tiles()
        for item in self._outline_items:
            item.setVisible(pack is None)
        for text_item in self._place_items:
            text_item.setVisible(pack is None)
        self._apply_base_layer_label()
        self.refresh_tiles()
        self.canvas.viewport().update()

    def load_base_layer(self, mbtiles: Path | None) -> bool:
        """`set_base_layer` for the analyst's own pick: an unusable file is explained in a
        (non-blocking) message and the map stays as it was."""
        try:
            self.set_base_layer(mbtiles)
        except MapDataError as exc:
            show_error(self, exc)
            return False
        self.base_layer_changed.emit(str(mbtiles) if mbtiles is not None else "")
        return True

    def choose_base_layer(self) -> None:
        """Ask for an MBTiles file (the map packs GIS cells hand out) and show it."""
        start = str(self._pack.path.parent) if self._pack is not None else ""
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open map pack"),
            start,
            self.tr("MBTiles map packs (*.mbtiles);;All files (*)"),
        )
        if path:
            self.load_base_layer(Path(path))

    def base_layer_name(self) -> str:
        """What the map draws under the markers, as shown to the analyst."""
        if self._pack is None:
            return self.tr("World outline (Natural Earth)")
        return f"{self._pack.name} ({self._pack.path.name})"

    def center_on(self, lat: str, lon: str, zoom: int | None = None) -> None:
        """Put a place at the centre, optionally at a zoom; bad coordinates raise ValueError."""
        lat_f = float(normalise_decimal(lat, "lat"))
        lon_f = float(normalise_decimal(lon, "lon"))
        if zoom is not None:
            self._zoom = max(mapdata.MIN_ZOOM, min(mapdata.MAX_ZOOM, zoom))
            self._relayout()
        x, y = mapdata.latlon_to_world(lat_f, lon_f, self._zoom)
        self.canvas.centerOn(QPointF(x, y))
        self.view_moved()

    def visible_clusters(self) -> list[Cluster]:
        """The symbols drawn in and around the view (a marker is a cluster of one)."""
        return [item.cluster for item in self._marker_items]

    def view_point(self, lat: str, lon: str) -> QPoint:
        """Where a place is in the canvas viewport (for the caller's and tests' pointing)."""
        x, y = mapdata.latlon_to_world(
            float(normalise_decimal(lat, "lat")), float(normalise_decimal(lon, "lon")), self._zoom
        )
        return self.canvas.mapFromScene(QPointF(x, y))

    def center_latlon(self) -> tuple[float, float]:
        """The position at the centre of the view."""
        centre = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        return mapdata.world_to_latlon(centre.x(), centre.y(), self._zoom)

    def scale_bar(self) -> mapdata.ScaleBar:
        """The scale bar shown: for the latitude at the centre of the view, not the equator."""
        return mapdata.scale_bar(self.center_latlon()[0], self._zoom, max_pixels=SCALE_BAR_PX)

    # --- navigation -------------------------------------------------------------------------------
    def zoom_by(self, steps: int, anchor: QPoint | None = None) -> None:
        """Zoom in (+) or out (-) keeping the place under `anchor` (the cursor) where it is."""
        new_zoom = max(mapdata.MIN_ZOOM, min(mapdata.MAX_ZOOM, self._zoom + steps))
        if new_zoom == self._zoom:
            return
        viewport = self.canvas.viewport().rect()
        anchor = anchor if anchor is not None else viewport.center()
        old = self.canvas.mapToScene(anchor)
        lat, lon = mapdata.world_to_latlon(old.x(), old.y(), self._zoom)
        self._zoom = new_zoom
        self._relayout()
        x, y = mapdata.latlon_to_world(lat, lon, new_zoom)
        # The view is 1:1 with the scene, so the new centre is the anchor's place shifted by the
        # anchor's offset from the viewport centre.
        offset = QPointF(viewport.center() - anchor)
        self.canvas.centerOn(QPointF(x, y) + offset)
        self.view_moved()

    def pan_by(self, dx: int, dy: int) -> None:
        """Move the view by screen pixels (arrow keys)."""
        h, v = self.canvas.horizontalScrollBar(), self.canvas.verticalScrollBar()
        h.setValue(h.value() + dx)
        v.setValue(v.value() + dy)

    # --- markers ----------------------------------------------------------------------------------
    def marker_item_at(self, point: QPoint) -> _MarkerItem | None:
        for item in self.canvas.items(point):
            if isinstance(item, _MarkerItem):
                return item
        return None

    def activate_item(self, item: _MarkerItem, point: QPoint | None = None) -> None:
        """A click on a marker opens its record; on a cluster it zooms in to split it.

        Records at one spot (photos taken where the incident happened) never split, and nor
        does anything at the deepest zoom: those clusters list their records in a menu instead.
        """
        if item.is_cluster:
            self._current = None
            anchor = point if point is not None else self.canvas.mapFromScene(item.pos())
            places = {(p.x, p.y) for p in mapdata.place_markers(item.cluster.members)}
            if self._zoom >= mapdata.MAX_ZOOM or len(places) == 1:
                self._show_member_menu(item.cluster, anchor)
                return
            # Enough levels to spread the cluster's extent over the view, at least one.
            self.zoom_by(max(1, self._levels_to_split(item.cluster)), anchor)
            return
        marker = item.cluster.members[0]
        self._current = marker
        self.canvas.viewport().update()
        self.marker_activated.emit(marker.kind, marker.record_id)

    def _show_member_menu(self, cluster: Cluster, anchor: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName("markerMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        members = sorted(cluster.members, key=lambda m: (m.kind, m.label, m.record_id))
        for marker in members[:MENU_LIMIT]:
            text = self.tr("{kind}: {label}").format(
                kind=kind_title(marker.kind), label=" ".join(marker.label.split())
            )
            if len(text) > 80:
                text = text[:79] + "…"
            # Menu text is plain, except that "&" marks a shortcut: double it to show it.
            action = menu.addAction(text.replace("&", "&&"))
            action.triggered.connect(
                lambda _=False, m=marker: self.marker_activated.emit(m.kind, m.record_id)
            )
        if len(members) > MENU_LIMIT:
            more = menu.addAction(
                self.tr("… and {count} more (zoom in or filter)").format(
                    count=len(members) - MENU_LIMIT
                )
            )
            more.setEnabled(False)
        menu.popup(self.canvas.viewport().mapToGlobal(anchor))

    def activate_current(self) -> None:
        """Enter: open the selected marker, else the symbol nearest the centre of the view."""
        if self._current is not None:
            self.marker_activated.emit(self._current.kind, self._current.record_id)
            return
        centre = self.canvas.mapToScene(self.canvas.viewport().rect().center())
        nearest = min(
            self._marker_items,
            key=lambda i: (i.pos() - centre).manhattanLength(),
            default=None,
        )
        if (
            nearest is not None
            and (nearest.pos() - centre).manhattanLength() <= 2 * CLUSTER_CELL_PX
        ):
            self.activate_item(nearest)

    def step_marker(self, step: int) -> None:
        """N / P: select the next or previous record and bring it to the centre (keyboard use)."""
        placed = [p.marker for p in self._placed]
        if not placed:
            return
        index = placed.index(self._current) + step if self._current in placed else 0
        self._current = placed[index % len(placed)]
        self.center_on(self._current.lat, self._current.lon)
        self.canvas.viewport().update()

    def _levels_to_split(self, cluster: Cluster) -> int:
        points = [mapdata.marker_position(m) for m in cluster.members]
        xs, ys = [], []
        for pos in points:
            if pos is not None:
                x, y = mapdata.latlon_to_world(pos[0], pos[1], self._zoom)
                xs.append(x)
                ys.append(y)
        extent = max(max(xs) - min(xs), max(ys) - min(ys), 1e-6)
        levels = 0
        # Grow until the members span a few cluster cells (or the zoom runs out).
        while extent * 2**levels < 2 * CLUSTER_CELL_PX and self._zoom + levels < mapdata.MAX_ZOOM:
            levels += 1
        return levels

    def _visible_scene_rect(self) -> QRectF:
        return self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()

    def view_moved(self) -> None:
        """After a scroll, resize or zoom: new tiles, and markers once the view leaves the
        area whose markers have items."""
        self.refresh_tiles()
        if self._marker_area is None or not self._marker_area.contains(self._visible_scene_rect()):
            self._rebuild_markers()

    def _rebuild_markers(self) -> None:
        """Items for the clusters in and around the view (one view-size margin each side).

        Only that area gets items: 20,000 records as items cost a second per zoom, the few
        hundred near the view a few milliseconds; panning past the margin rebuilds.
        """
        for item in self._marker_items:
            self._scene.removeItem(item)
        self._marker_items = []
        visible = self._visible_scene_rect()
        area = visible.adjusted(
            -visible.width(), -visible.height(), visible.width(), visible.height()
        )
        self._marker_area = area
        bounds = (area.left(), area.top(), area.right(), area.bottom())
        for cluster in mapdata.cluster_placed(self._placed, self._zoom, CLUSTER_CELL_PX, bounds):
            item = _MarkerItem(cluster)
            self._scene.addItem(item)
            self._marker_items.append(item)
        self.canvas.viewport().update()

    # --- base layers ------------------------------------------------------------------------------
    def _build_outline(self) -> list[QGraphicsPathItem]:
        items = []
        for name, fill, colour, z in (
            ("ne_110m_land.geojson", True, COAST_COLOUR, 1.0),
            ("ne_110m_admin_0_boundary_lines_land.geojson", False, BORDER_COLOUR, 2.0),
        ):
            path = QPainterPath()
            for ring in mapdata.load_lines(resource("naturalearth", name)):
                path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
            item = QGraphicsPathItem(path)
            pen = QPen(colour, 1.0 if fill else 0.8)
            pen.setCosmetic(True)  # one pixel wide at every zoom, although the path is scaled
            if not fill:
                pen.setStyle(Qt.PenStyle.DashLine)
            item.setPen(pen)
            item.setBrush(QBrush(LAND_COLOUR) if fill else QBrush(Qt.BrushStyle.NoBrush))
            item.setZValue(z)
            self._scene.addItem(item)
            items.append(item)
        return items

    def background_colour(self) -> QColor:
        return SEA_COLOUR if self._pack is None else BLANK_COLOUR

    def _apply_base_layer_label(self) -> None:
        self.layer_label.setText(self.tr("Base layer: {name}").format(name=self.base_layer_name()))
        self.outline_button.setEnabled(self._pack is not None)

    def _clear_tiles(self) -> None:
        for item in self._tile_items.values():
            self._scene.removeItem(item)
        self._tile_items.clear()

    def _decode_tile(self, data: bytes, image_format: str) -> QImage | None:
        """A tile image, or None for one that must not be drawn.

        Packs come from outside, so a tile is hostile input: only the pack's own format is
        decoded (no guessing from content), its size is read from the header and anything
        larger than `MAX_TILE_EDGE` is refused before decoding (a bomb of small bytes), and a
        tile that does not decode is simply blank; one bad tile must not stop the map.
        """
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        reader = QImageReader(buffer, image_format.lower().encode("ascii"))
        reader.setAutoDetectImageFormat(False)
        size = reader.size()
        if not size.isValid() or not 0 < size.width() <= MAX_TILE_EDGE:
            return None
        if not 0 < size.height() <= MAX_TILE_EDGE:
            return None
        image = reader.read()
        if image.isNull():
            return None
        if image.width() != mapdata.TILE_SIZE or image.height() != mapdata.TILE_SIZE:
            # High-resolution (512 px) packs: shown at the same place, scaled to the grid.
            image = image.scaled(
                mapdata.TILE_SIZE,
                mapdata.TILE_SIZE,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        return image

    def _stored_tile(self, key: TileKey) -> QImage | None:
        if key in self._tiles:
            return self._tiles.get(key)
        assert self._pack is not None
        data = self._pack.tile(key)
        image = self._decode_tile(data, self._pack.image_format) if data is not None else None
        self._tiles.put(key, image)
        return image

    def _tile_image(self, key: TileKey) -> QImage | None:
        """The image for a tile; past the pack's deepest zoom, a magnified part of its parent.

        Packs often stop at zoom 14-16 while analysts look closer; a blurred street map is
        more use than a blank one, up to `MAX_OVERZOOM` levels.
        """
        assert self._pack is not None
        levels = key.zoom - self._pack.max_zoom
        if levels <= 0:
            return self._stored_tile(key)
        if levels > MAX_OVERZOOM:
            return None
        if key in self._tiles:
            return self._tiles.get(key)
        parent = TileKey(self._pack.max_zoom, key.column >> levels, key.row >> levels)
        source = self._stored_tile(parent)
        image: QImage | None = None
        if source is not None:
            part = mapdata.TILE_SIZE >> levels
            left = (key.column - (parent.column << levels)) * part
            top = (key.row - (parent.row << levels)) * part
            image = source.copy(QRect(left, top, part, part)).scaled(
                mapdata.TILE_SIZE,
                mapdata.TILE_SIZE,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self._tiles.put(key, image)
        return image

    def refresh_tiles(self) -> None:
        """Place the tiles the view shows now; read only those not already cached."""
        if self._pack is None:
            return
        visible = self.canvas.mapToScene(self.canvas.viewport().rect()).boundingRect()
        keys = set(
            mapdata.visible_tiles(
                visible.left(), visible.top(), visible.right(), visible.bottom(), self._zoom
            )
        )
        for key in [k for k in self._tile_items if k not in keys]:
            self._scene.removeItem(self._tile_items.pop(key))
        for key in keys - self._tile_items.keys():
            image = self._tile_image(key)
            if image is None:
                continue
            item = QGraphicsPixmapItem(QPixmap.fromImage(image))
            item.setPos(key.column * mapdata.TILE_SIZE, key.row * mapdata.TILE_SIZE)
            item.setZValue(0)
            self._scene.addItem(item)
            self._tile_items[key] = item

    def displayed_tiles(self) -> list[TileKey]:
        """The tiles on screen now (a missing tile is not among them)."""
        return sorted(self._tile_items, key=lambda k: (k.zoom, k.row, k.column))

    # --- layout per zoom --------------------------------------------------------------------------
    def _relayout(self) -> None:
        size = mapdata.world_size(self._zoom)
        self._scene.setSceneRect(0, 0, size, size)
        for outline in self._outline_items:
            outline.setScale(size)
        self._clear_tiles()
        self._layout_places()
        # Markers are re-clustered once the view sits at its new place (view_moved).
        for marker_item in self._marker_items:
            self._scene.removeItem(marker_item)
        self._marker_items = []
        self._marker_area = None
        self.zoom_label.setText(self.tr("Zoom {level}").format(level=self._zoom))
        self.zoom_in_button.setEnabled(self._zoom < mapdata.MAX_ZOOM)
        self.zoom_out_button.setEnabled(self._zoom > mapdata.MIN_ZOOM)

    def _layout_places(self) -> None:
        for text_item in self._place_items:
            self._scene.removeItem(text_item)
        self._place_items = []
        if self._zoom < PLACES_FROM_ZOOM:
            return
        # More places as one zooms in: capitals first, every place from zoom 6.
        max_rank = 2 * (self._zoom - PLACES_FROM_ZOOM) + 1
        font = QFont(self.font())
        font.setPixelSize(10)
        for place in self._places:
            if place.rank > max_rank:
                continue
            x, y = mapdata.latlon_to_world(place.lat, place.lon, self._zoom)
            text_item = QGraphicsSimpleTextItem(place.name)  # plain text, never markup
            text_item.setFont(font)
            text_item.setBrush(QBrush(QColor(90, 90, 90, 170)))
            text_item.setPos(x + 3, y - 6)
            text_item.setZValue(3)
            # Raster packs carry their own names; the bundled ones would only be doubled.
            text_item.setVisible(self._pack is None)
            dot = QGraphicsPathItem()
            dot_path = QPainterPath()
            dot_path.addEllipse(QPointF(-3, 6), 1.5, 1.5)
            dot.setPath(dot_path)
            dot.setBrush(QBrush(QColor(90, 90, 90, 170)))
            dot.setPen(QPen(Qt.PenStyle.NoPen))
            dot.setParentItem(text_item)
            self._scene.addItem(text_item)
            self._place_items.append(text_item)

    # --- cursor readout ---------------------------------------------------------------------------
    def report_cursor(self, point: QPoint) -> None:
        """Show (and signal) the lat/lon and MGRS under the cursor, inside the world only."""
        scene = self.canvas.mapToScene(point)
        if not self._scene.sceneRect().contains(scene):
            return
        lat, lon = mapdata.world_to_latlon(scene.x(), scene.y(), self._zoom)
        text = mapdata.position_text(lat, lon)
        self.position_label.setText(text)
        self.cursor_position.emit(text)

    # --- overlays ---------------------------------------------------------------------------------
    def paint_grid(self, painter: QPainter) -> None:
        """Lat/lon lines every `graticule_step` degrees, labelled at the view's edges.

        Drawn in viewport pixels: at high zoom scene coordinates reach 10^8, beyond what Qt's
        rasteriser draws text at.
        """
        canvas = self.canvas
        view = QRectF(canvas.viewport().rect())
        world = QRectF(canvas.mapFromScene(self._scene.sceneRect()).boundingRect())
        area = view.intersected(world)
        if area.isEmpty():
            return
        top_left = canvas.mapToScene(area.topLeft().toPoint())
        bottom_right = canvas.mapToScene(area.bottomRight().toPoint())
        step = mapdata.graticule_step(self._zoom)
        north, west = mapdata.world_to_latlon(top_left.x(), top_left.y(), self._zoom)
        south, east = mapdata.world_to_latlon(bottom_right.x(), bottom_right.y(), self._zoom)
        pen = QPen(GRID_COLOUR, 1.0)
        font = QFont(painter.font())
        font.setPixelSize(10)
        painter.setFont(font)
        labels: list[tuple[QPointF, str]] = []
        painter.setPen(pen)
        for lon in mapdata.grid_values(west, east, step, 180.0):
            x = canvas.mapFromScene(
                QPointF(mapdata.latlon_to_world(0.0, lon, self._zoom)[0], 0.0)
            ).x()
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
            labels.append((QPointF(x + 3, area.top() + 12), mapdata.format_degrees(lon, "lon")))
        for lat in mapdata.grid_values(south, north, step, mapdata.MAX_LATITUDE):
            y = canvas.mapFromScene(
                QPointF(0.0, mapdata.latlon_to_world(lat, 0.0, self._zoom)[1])
            ).y()
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            labels.append((QPointF(area.left() + 3, y - 3), mapdata.format_degrees(lat, "lat")))
        metrics = painter.fontMetrics()
        drawn: list[QRectF] = []
        for point, text in labels:
            # A pale backing keeps labels readable over dark raster tiles.
            box = QRectF(metrics.boundingRect(text)).translated(point).adjusted(-1, 0, 1, 0)
            if any(box.adjusted(-3, -1, 3, 1).intersects(other) for other in drawn):
                continue  # zoomed far out the coarsest grid is denser than its labels
            drawn.append(box)
            painter.fillRect(box, QColor(255, 255, 255, 150))
            painter.setPen(QColor(40, 40, 70, 200))
            painter.drawText(point, text)

    def paint_overlays(self, painter: QPainter) -> None:
        """Scale bar (bottom left) and legend (bottom right), in viewport pixels."""
        rect = self.canvas.viewport().rect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(painter.font())
        font.setPixelSize(11)
        painter.setFont(font)
        bar = self.scale_bar()
        x0, y0 = 12.0, rect.bottom() - 14.0
        text_width = painter.fontMetrics().horizontalAdvance(bar.label)
        panel = QRectF(x0 - 6, y0 - 22, max(bar.pixels, text_width) + 12, 30)
        painter.fillRect(panel, QColor(255, 255, 255, 200))
        painter.setPen(QPen(QColor("#222222"), 2))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + bar.pixels, y0))
        painter.drawLine(QPointF(x0, y0 - 5), QPointF(x0, y0))
        painter.drawLine(QPointF(x0 + bar.pixels, y0 - 5), QPointF(x0 + bar.pixels, y0))
        painter.drawText(QPointF(x0, y0 - 8), bar.label)
        # Legend: one row per kind with its symbol, and the cluster disc.
        rows = [*KIND_STYLE, "cluster"]
        width, height = 118.0, 18.0 * len(rows) + 8
        legend = QRectF(rect.right() - width - 10, rect.bottom() - height - 10, width, height)
        painter.fillRect(legend, QColor(255, 255, 255, 210))
        for i, kind in enumerate(rows):
            cy = legend.top() + 13 + 18 * i
            painter.save()
            painter.translate(legend.left() + 14, cy)
            painter.setPen(QPen(QColor("white"), 1.2))
            if kind == "cluster":
                painter.setBrush(QColor(CLUSTER_COLOUR))
                painter.drawEllipse(QPointF(0, 0), 6.5, 6.5)
            else:
                painter.setBrush(QColor(KIND_STYLE[kind][0]))
                painter.drawPath(_kind_path(kind, 5.5))
            painter.restore()
            painter.setPen(QColor("#222222"))
            title = self.tr("Cluster (count)") if kind == "cluster" else kind_title(kind)
            painter.drawText(QPointF(legend.left() + 28, cy + 4), title)
        if self._current is not None:
            # A ring around the selected marker, so Enter's target is visible.
            pos = self.view_point(self._current.lat, self._current.lon)
            painter.setPen(QPen(QColor("#ff6f00"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(pos), MARKER_RADIUS + 5, MARKER_RADIUS + 5)

    # --- teardown ---------------------------------------------------------------------------------
    def close_base_layer(self) -> None:
        """Release the MBTiles file (the window closes it when the map goes away)."""
        if self._pack is not None:
            self._pack.close()
            self._pack = None
