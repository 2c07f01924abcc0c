"""The map widget driven like an analyst would: real Qt, real MBTiles file, real bundled outline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem, QMenu, QMessageBox

from fieldapp import mapdata
from fieldapp.errors import InvalidMBTiles
from fieldapp.mapdata import MapMarker, TileKey
from fieldapp.ui import mapview
from fieldapp.ui.mapview import MapView
from tests.map_helpers import make_mbtiles, png_tile, tile_colour

BAGHDAD = MapMarker("incident", "a" * 32, "33.315200", "44.366100", "INC-1 Market strike")
BASRA = MapMarker("photo", "b" * 32, "30.508500", "47.780400", "IMG_0001.HEIC")
MOSUL = MapMarker("observation", "c" * 32, "36.340000", "43.130000", "Sighting")
# Within ~120 m of BAGHDAD: one cluster until zoomed in close.
NEAR = [
    MapMarker("photo", "d" * 32, "33.316000", "44.367000", "IMG_0002.JPG"),
    MapMarker("observation", "e" * 32, "33.314500", "44.365500", "Smoke seen"),
]


@pytest.fixture
def view(qtbot) -> Iterator[MapView]:
    widget = MapView()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.close_base_layer()


def pixel(view: MapView, point: QPoint) -> QColor:
    image: QImage = view.canvas.viewport().grab().toImage()
    return image.pixelColor(point)


def visible_place_names(view: MapView) -> set[str]:
    return {
        item.text()
        for item in view.canvas.scene().items()
        if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible()
    }


def send_wheel(view: MapView, point: QPoint, delta: int) -> None:
    viewport = view.canvas.viewport()
    event = QWheelEvent(
        QPointF(point),
        QPointF(viewport.mapToGlobal(point)),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def send_move(view: MapView, point: QPoint) -> None:
    viewport = view.canvas.viewport()
    event = QMouseEvent(
        QMouseEvent.Type.MouseMove,
        QPointF(point),
        QPointF(viewport.mapToGlobal(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_markers_are_drawn_with_their_kind_colour(view: MapView) -> None:
    view.center_on("33.5", "45.0", 6)
    view.set_markers([BAGHDAD, BASRA, MOSUL])
    clusters = view.visible_clusters()
    assert sorted(c.count for c in clusters) == [1, 1, 1]
    for marker in (BAGHDAD, BASRA, MOSUL):
        colour = pixel(view, view.view_point(marker.lat, marker.lon))
        assert colour.name() == mapview.KIND_STYLE[marker.kind][0]


def test_dense_markers_cluster_and_a_cluster_click_zooms_in(qtbot, view: MapView) -> None:
    view.center_on("33.3152", "44.3661", 8)
    view.set_markers([BAGHDAD, *NEAR, BASRA])
    assert sorted(c.count for c in view.visible_clusters()) == [1, 3]
    cluster = next(c for c in view.visible_clusters() if c.count == 3)
    point = view.canvas.mapFromScene(QPointF(cluster.x, cluster.y))
    emitted: list[tuple[str, str]] = []
    view.marker_activated.connect(lambda kind, rid: emitted.append((kind, rid)))
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.zoom > 8
    assert emitted == []
    # Zoomed in far enough that the three come apart, and still in view.
    near_ids = {BAGHDAD.record_id, *(m.record_id for m in NEAR)}
    shown = [c for c in view.visible_clusters() if c.members[0].record_id in near_ids]
    assert sorted(c.count for c in shown) == [1, 1, 1]
    for marker in (BAGHDAD, *NEAR):
        assert view.canvas.viewport().rect().contains(view.view_point(marker.lat, marker.lon))


def test_clicking_a_marker_emits_its_kind_and_id(qtbot, view: MapView) -> None:
    view.center_on("33.3152", "44.3661", 7)
    view.set_markers([BAGHDAD, BASRA])
    point = view.view_point(BASRA.lat, BASRA.lon)
    with qtbot.waitSignal(view.marker_activated) as blocker:
        qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["photo", BASRA.record_id]
    # Enter opens the selected marker again.
    with qtbot.waitSignal(view.marker_activated) as blocker:
        qtbot.keyClick(view.canvas, Qt.Key.Key_Return)
    assert blocker.args == ["photo", BASRA.record_id]


def test_a_click_on_empty_map_emits_nothing(qtbot, view: MapView) -> None:
    view.center_on("33.3152", "44.3661", 7)
    view.set_markers([BAGHDAD])
    emitted: list[tuple[str, str]] = []
    view.marker_activated.connect(lambda kind, rid: emitted.append((kind, rid)))
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert emitted == []
    # Nothing selected and no marker near the centre: Enter opens nothing.
    view.center_on("0", "0", 7)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Return)
    assert emitted == []
    # With nothing selected, Enter opens the marker at the centre of the view.
    view.center_on(BAGHDAD.lat, BAGHDAD.lon)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Return)
    assert emitted == [("incident", BAGHDAD.record_id)]


def test_keyboard_steps_through_markers(qtbot, view: MapView) -> None:
    view.center_on("0", "0", 6)
    view.set_markers([BAGHDAD, BASRA, MOSUL])
    qtbot.keyClick(view.canvas, Qt.Key.Key_N)
    lat, lon = view.center_latlon()
    assert (lat, lon) == pytest.approx((33.3152, 44.3661), abs=0.05)
    qtbot.keyClick(view.canvas, Qt.Key.Key_N)
    with qtbot.waitSignal(view.marker_activated) as blocker:
        qtbot.keyClick(view.canvas, Qt.Key.Key_Enter)
    assert blocker.args == ["photo", BASRA.record_id]


def test_cursor_position_reports_latlon_and_mgrs(qtbot, view: MapView) -> None:
    view.center_on("33.3152", "44.3661", 14)
    point = view.view_point("33.3152", "44.3661")
    with qtbot.waitSignal(view.cursor_position) as blocker:
        send_move(view, point)
    text = blocker.args[0]
    lat_text, rest = text.split(", ", 1)
    lon_text, grid = rest.split("  ·  ")
    # One pixel at zoom 14 is under 10 m: the readout is the place under the cursor.
    assert float(lat_text) == pytest.approx(33.3152, abs=1e-4)
    assert float(lon_text) == pytest.approx(44.3661, abs=1e-4)
    assert grid.startswith("38SMB ")
    assert view.position_label.text() == text


def test_wheel_zooms_about_the_cursor(view: MapView) -> None:
    view.center_on("33.0", "44.0", 5)
    point = QPoint(600, 150)
    before = view.canvas.mapToScene(point)
    lat, lon = mapdata.world_to_latlon(before.x(), before.y(), 5)
    send_wheel(view, point, 120)
    assert view.zoom == 6
    after = view.canvas.mapToScene(point)
    lat2, lon2 = mapdata.world_to_latlon(after.x(), after.y(), 6)
    # Within a pixel or two at zoom 6 (about 2.5 km per pixel).
    assert (lat2, lon2) == pytest.approx((lat, lon), abs=0.05)
    send_wheel(view, point, -240)
    assert view.zoom == 4


def test_keys_and_buttons_zoom_and_pan(qtbot, view: MapView) -> None:
    view.center_on("33.0", "44.0", 5)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Plus)
    assert view.zoom == 6
    qtbot.keyClick(view.canvas, Qt.Key.Key_Minus)
    assert view.zoom == 5
    qtbot.mouseClick(view.zoom_in_button, Qt.MouseButton.LeftButton)
    assert view.zoom == 6
    qtbot.mouseClick(view.zoom_out_button, Qt.MouseButton.LeftButton)
    assert view.zoom == 5
    lat, lon = view.center_latlon()
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Up)
    lat2, lon2 = view.center_latlon()
    assert lon2 > lon and lat2 > lat
    view.center_on("0", "0", mapdata.MAX_ZOOM)
    assert not view.zoom_in_button.isEnabled()
    view.center_on("0", "0", 0)
    assert not view.zoom_out_button.isEnabled()


def test_mbtiles_base_layer_and_switching_back(tmp_path: Path, view: MapView) -> None:
    pack = make_mbtiles(tmp_path / "city.mbtiles", zooms=(0, 1, 2), skip=[(2, 1, 1)])
    assert "Natural Earth" in view.base_layer_name()
    view.set_base_layer(pack)
    assert view.base_layer_name() == "Test pack (city.mbtiles)"
    assert "Test pack" in view.layer_label.text()
    view.center_on("0", "0", 2)
    shown = view.displayed_tiles()
    assert TileKey(2, 2, 1) in shown
    assert TileKey(2, 1, 1) not in shown  # missing in the pack: drawn blank
    # The middle of tile (2, 2, 1) shows that tile's colour; the missing tile's middle is blank.
    for (column, row), expected in (
        ((2, 1), QColor(*tile_colour(2, 2, 1))),
        ((1, 1), mapview.BLANK_COLOUR),
    ):
        centre = view.canvas.mapFromScene(QPointF(column * 256 + 100, row * 256 + 100))
        assert pixel(view, centre).name() == expected.name()
    view.center_on("33.3", "44.4", 6)
    assert visible_place_names(view) == set()  # the pack's own names are not doubled
    view.set_base_layer(None)
    assert view.displayed_tiles() == []
    assert "Natural Earth" in view.base_layer_name()
    assert "Baghdad" in visible_place_names(view)


def test_only_visible_tiles_are_read_and_then_cached(tmp_path: Path, view: MapView) -> None:
    pack_path = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0, 1, 2, 3, 4))
    view.set_base_layer(pack_path)
    view.center_on("33.0", "44.0", 4)
    assert view._pack is not None
    reads: list[str] = []
    view._pack._conn.set_trace_callback(reads.append)
    visible = set(view.displayed_tiles())
    assert 0 < len(visible) < 16 * 16  # only the view's tiles, not the whole zoom level
    view.pan_by(800, 0)
    first = len(reads)
    assert first > 0
    view.pan_by(-800, 0)
    view.pan_by(800, 0)
    assert len(reads) == first  # panning back and forth is served from the cache
    assert set(view.displayed_tiles()) != visible


def test_an_invalid_pack_is_refused_and_the_layer_kept(tmp_path: Path, view: MapView) -> None:
    bad = tmp_path / "holiday.mbtiles"
    bad.write_bytes(b"\x89PNG not a database")
    with pytest.raises(InvalidMBTiles, match=r"holiday\.mbtiles"):
        view.set_base_layer(bad)
    assert "Natural Earth" in view.base_layer_name()
    good = make_mbtiles(tmp_path / "good.mbtiles", zooms=(0, 1))
    view.set_base_layer(good)
    with pytest.raises(InvalidMBTiles):
        view.set_base_layer(bad)
    assert view.base_layer_name() == "Test pack (good.mbtiles)"


def test_empty_markers_clear_the_map(view: MapView) -> None:
    view.center_on("33.3152", "44.3661", 7)
    view.set_markers([BAGHDAD, BASRA])
    view.canvas.setFocus()
    assert len(view.visible_clusters()) == 2
    view.set_markers([])
    assert view.visible_clusters() == []
    assert not any(isinstance(item, mapview._MarkerItem) for item in view.canvas.scene().items())


def test_marker_labels_are_plain_text(view: MapView) -> None:
    hostile = MapMarker("incident", "f" * 32, "33.3", "44.3", "<img src=x> <b>bold</b>")
    view.center_on("33.3", "44.3", 7)
    view.set_markers([hostile])
    (item,) = [i for i in view.canvas.scene().items() if isinstance(i, mapview._MarkerItem)]
    assert "&lt;img src=x&gt; &lt;b&gt;bold&lt;/b&gt;" in item.toolTip()
    assert "<img" not in item.toolTip()


def test_markers_without_a_place_are_not_drawn(view: MapView) -> None:
    view.set_markers([MapMarker("incident", "9" * 32, "", "", "no place"), BAGHDAD])
    assert [c.members[0].record_id for c in view.visible_clusters()] == [BAGHDAD.record_id]


def test_center_on_refuses_bad_coordinates(view: MapView) -> None:
    with pytest.raises(ValueError, match="latitude must be between"):
        view.center_on("95", "10")


def tile_centre(view: MapView, column: int, row: int) -> QPoint:
    # Off the exact centre: at zoom 1 the 90° grid lines run through tile centres.
    return view.canvas.mapFromScene(QPointF(column * 256 + 100, row * 256 + 110))


def test_hostile_tiles_are_blank_and_the_rest_still_drawn(tmp_path: Path, view: MapView) -> None:
    bomb = png_tile((255, 0, 0), size=6000)  # a few KiB that would decode to 100 MiB
    assert len(bomb) < 200_000
    pack = make_mbtiles(
        tmp_path / "odd.mbtiles",
        zooms=(0, 1),
        replace={
            (1, 0, 0): bomb,
            (1, 1, 0): png_tile((0, 0, 255), image_format="JPEG"),  # not the pack's format
            (1, 0, 1): b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # truncated PNG
            (1, 1, 1): png_tile((10, 200, 30), size=512),  # a high-resolution tile
        },
    )
    view.set_base_layer(pack)
    view.center_on("0", "0", 1)
    assert view.displayed_tiles() == [TileKey(1, 1, 1)]
    assert pixel(view, tile_centre(view, 1, 1)).name() == QColor(10, 200, 30).name()
    for column, row in ((0, 0), (1, 0), (0, 1)):
        assert pixel(view, tile_centre(view, column, row)).name() == mapview.BLANK_COLOUR.name()


def test_past_the_deepest_zoom_tiles_are_magnified(tmp_path: Path, view: MapView) -> None:
    pack = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0, 1, 2))
    view.set_base_layer(pack)
    view.center_on("10.0", "100.0", 4)
    shown = view.displayed_tiles()
    assert shown and all(k.zoom == 4 for k in shown)
    viewport = view.canvas.viewport().rect()
    key = next(k for k in shown if viewport.contains(tile_centre(view, k.column, k.row)))
    parent = tile_colour(2, key.column >> 2, key.row >> 2)
    assert pixel(view, tile_centre(view, key.column, key.row)).name() == QColor(*parent).name()
    view.center_on("10.0", "100.0", 2 + mapview.MAX_OVERZOOM + 1)
    assert view.displayed_tiles() == []


def test_far_markers_get_items_once_the_view_reaches_them(view: MapView) -> None:
    view.center_on(BAGHDAD.lat, BAGHDAD.lon, 12)
    view.set_markers([BAGHDAD, BASRA])
    ids = {c.members[0].record_id for c in view.visible_clusters()}
    assert ids == {BAGHDAD.record_id}  # Basra is 450 km away: no item yet
    view.center_on(BASRA.lat, BASRA.lon)
    ids = {c.members[0].record_id for c in view.visible_clusters()}
    assert ids == {BASRA.record_id}
    assert view.canvas.viewport().rect().contains(view.view_point(BASRA.lat, BASRA.lon))


def send_mouse(view: MapView, kind: QMouseEvent.Type, point: QPoint, held: bool) -> None:
    viewport = view.canvas.viewport()
    button = Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind,
        QPointF(point),
        QPointF(viewport.mapToGlobal(point)),
        Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else button,
        button if held else Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_dragging_pans_and_a_drag_from_a_marker_opens_nothing(view: MapView) -> None:
    view.center_on(BAGHDAD.lat, BAGHDAD.lon, 8)
    view.set_markers([BAGHDAD])
    emitted: list[tuple[str, str]] = []
    view.marker_activated.connect(lambda kind, rid: emitted.append((kind, rid)))
    start = view.view_point(BAGHDAD.lat, BAGHDAD.lon)
    send_mouse(view, QMouseEvent.Type.MouseButtonPress, start, held=True)
    for step in range(1, 11):
        send_mouse(view, QMouseEvent.Type.MouseMove, start + QPoint(15 * step, 10 * step), True)
    end = start + QPoint(150, 100)
    send_mouse(view, QMouseEvent.Type.MouseButtonRelease, end, held=False)
    assert emitted == []
    # The map moved with the hand: the marker is now under the point where the drag ended.
    moved = view.view_point(BAGHDAD.lat, BAGHDAD.lon)
    assert abs(moved.x() - end.x()) <= 2 and abs(moved.y() - end.y()) <= 2


def test_scale_bar_follows_the_latitude_in_view(view: MapView) -> None:
    view.center_on("0", "20", 8)
    equator = view.scale_bar()
    view.center_on("60", "20", 8)
    north = view.scale_bar()
    # The same ground length is twice as long on screen at 60°N (Mercator, cos 60° = 1/2).
    # (The centre is placed to a whole pixel, so the latitude is 60° to within a few metres.)
    ratio = (north.pixels / north.metres) / (equator.pixels / equator.metres)
    assert ratio == pytest.approx(2.0, rel=1e-3)
    assert (equator.label, north.label) == ("50 km", "20 km")


def test_an_unusable_pick_is_explained_and_the_map_kept(
    qtbot, tmp_path: Path, view: MapView
) -> None:
    bad = tmp_path / "roads.mbtiles"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)  # the magic, then garbage
    changes: list[str] = []
    view.base_layer_changed.connect(changes.append)
    assert not view.load_base_layer(bad)
    box = view.findChild(QMessageBox, "errorMessage")
    assert box is not None and box.isVisible()
    assert "roads.mbtiles is not an MBTiles map pack" in box.text()
    box.close()
    assert "Natural Earth" in view.base_layer_name()
    assert changes == []
    assert not view.outline_button.isEnabled()
    good = make_mbtiles(tmp_path / "good.mbtiles", zooms=(0,))
    assert view.load_base_layer(good)
    assert view.outline_button.isEnabled()
    qtbot.mouseClick(view.outline_button, Qt.MouseButton.LeftButton)
    assert changes == [str(good), ""]
    assert "Natural Earth" in view.base_layer_name()


def test_records_at_one_spot_are_listed_not_zoomed(qtbot, view: MapView) -> None:
    same_spot = MapMarker("photo", "7" * 32, BAGHDAD.lat, BAGHDAD.lon, "IMG & co <b>")
    view.center_on(BAGHDAD.lat, BAGHDAD.lon, 10)
    view.set_markers([BAGHDAD, same_spot])
    (cluster,) = view.visible_clusters()
    assert cluster.count == 2
    point = view.canvas.mapFromScene(QPointF(cluster.x, cluster.y))
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.zoom == 10  # zooming would never split them
    menu = view.findChild(QMenu, "markerMenu")
    assert menu is not None
    texts = [action.text() for action in menu.actions()]
    assert texts == ["Incident: INC-1 Market strike", "Photo: IMG && co <b>"]
    with qtbot.waitSignal(view.marker_activated) as blocker:
        menu.actions()[1].trigger()
    assert blocker.args == ["photo", same_spot.record_id]
    menu.close()
