"""The map's maths and data without Qt: projection, tiles, MBTiles, outlines, scale, clusters."""

from __future__ import annotations

import io
import itertools
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from fieldapp import mapdata
from fieldapp.domain.evidence import EvidenceItem
from fieldapp.domain.model import Incident, Observation
from fieldapp.errors import InvalidMBTiles, MapDataError
from fieldapp.mapdata import MapMarker, TileKey
from fieldapp.resources import resource
from fieldapp.store.vault import IncidentQuery, Vault
from tests.map_helpers import make_mbtiles, tile_colour


# --- projection -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lat", "lon"),
    [(0.0, 0.0), (33.3152, 44.3661), (-33.9, 18.4), (60.0, -150.0), (85.0, 179.9), (-85.0, -180.0)],
)
@pytest.mark.parametrize("zoom", [0, 5, 12, 19])
def test_latlon_world_round_trip(lat: float, lon: float, zoom: int) -> None:
    x, y = mapdata.latlon_to_world(lat, lon, zoom)
    back_lat, back_lon = mapdata.world_to_latlon(x, y, zoom)
    assert back_lat == pytest.approx(lat, abs=1e-9)
    assert back_lon == pytest.approx(lon, abs=1e-9)


def test_known_world_pixels() -> None:
    assert mapdata.latlon_to_world(0.0, 0.0, 0) == pytest.approx((128.0, 128.0))
    assert mapdata.latlon_to_world(0.0, -180.0, 1) == pytest.approx((0.0, 256.0))
    # The Mercator edge is the top of the world; beyond it points are drawn on the edge.
    assert mapdata.latlon_to_world(mapdata.MAX_LATITUDE, 0.0, 2)[1] == pytest.approx(0.0, abs=1e-6)
    assert mapdata.latlon_to_world(89.9, 0.0, 2)[1] == pytest.approx(0.0, abs=1e-6)
    assert mapdata.world_to_latlon(-50.0, -50.0, 0) == pytest.approx((mapdata.MAX_LATITUDE, -180.0))


def test_zoom_outside_range_is_refused() -> None:
    with pytest.raises(ValueError, match="zoom must be between 0 and 19"):
        mapdata.world_size(20)


def test_tile_of_a_pixel_round_trips() -> None:
    x, y = mapdata.latlon_to_world(33.3152, 44.3661, 10)
    (key,) = mapdata.visible_tiles(x, y, x + 1, y + 1, 10)
    assert (key.column, key.row) == (int(x // 256), int(y // 256))
    assert mapdata.tms_row(10, key.row) == 1023 - key.row
    assert mapdata.tms_row(10, mapdata.tms_row(10, key.row)) == key.row


def test_visible_tiles_cover_the_view_and_stay_in_the_world() -> None:
    keys = mapdata.visible_tiles(300, 10, 800, 300, 2)
    assert {(k.column, k.row) for k in keys} == {(c, r) for c in (1, 2, 3) for r in (0, 1)}
    # A view larger than the world at zoom 1 asks only for the world's four tiles.
    assert len(mapdata.visible_tiles(-1000, -1000, 5000, 5000, 1)) == 4
    # A rectangle ending exactly on a tile edge does not touch the next tile.
    assert mapdata.visible_tiles(0, 0, 256, 256, 3) == [TileKey(3, 0, 0)]


def test_lru_cache_forgets_the_least_recently_used() -> None:
    cache: mapdata.LRUCache[str, int] = mapdata.LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2
    cache.clear()
    assert cache.get("a") is None
    with pytest.raises(ValueError, match="at least 1"):
        mapdata.LRUCache(0)


# --- scale bar and graticule ----------------------------------------------------------------------
def test_scale_bar_at_the_equator_and_60_north() -> None:
    equator = mapdata.scale_bar(0.0, 10, max_pixels=120)
    north = mapdata.scale_bar(60.0, 10, max_pixels=120)
    # Zoom 10: 152.87 m per pixel at the equator, half that at 60°N (cos 60° = 0.5).
    assert mapdata.metres_per_pixel(0.0, 10) == pytest.approx(152.874, rel=1e-4)
    assert mapdata.metres_per_pixel(60.0, 10) == pytest.approx(152.874 / 2, rel=1e-4)
    assert (equator.metres, equator.label) == (10_000, "10 km")
    assert equator.pixels == pytest.approx(10_000 / 152.874, rel=1e-4)
    assert (north.metres, north.label) == (5_000, "5 km")
    assert north.pixels == pytest.approx(5_000 / 76.437, rel=1e-4)


@pytest.mark.parametrize("zoom", range(0, 20))
@pytest.mark.parametrize("lat", [0.0, 45.0, 70.0])
def test_scale_bar_is_round_and_fits(zoom: int, lat: float) -> None:
    bar = mapdata.scale_bar(lat, zoom, max_pixels=120)
    digits = str(bar.metres).rstrip("0")
    assert digits in {"1", "2", "5"}
    assert bar.pixels <= 120
    # The next round length would not fit: the bar is as long as it can be.
    assert bar.pixels > 120 / 2.5
    assert bar.label.endswith(" km") == (bar.metres >= 1000)


def test_scale_bar_short_lengths_are_in_metres() -> None:
    assert mapdata.scale_bar(0.0, 19, max_pixels=100).label == "20 m"


def test_graticule_step_adapts_to_zoom() -> None:
    steps = [mapdata.graticule_step(z) for z in range(0, 20)]
    assert steps[0] == 30.0
    assert steps[19] == 0.0005
    assert all(a >= b for a, b in itertools.pairwise(steps))
    for zoom, step in enumerate(steps):
        spacing = step * mapdata.world_size(zoom) / 360.0
        # Lines at least 90 px apart, except where even the coarsest step is closer (zoom 0-1).
        assert spacing >= 90 or step == 30.0
        assert step == 30.0 or spacing < 90 * 3  # and not needlessly sparse


def test_grid_values_and_labels() -> None:
    assert mapdata.grid_values(-12.0, 31.0, 10.0, 180.0) == [-10.0, 0.0, 10.0, 20.0, 30.0]
    assert mapdata.grid_values(80.0, 100.0, 5.0, 85.0) == [80.0, 85.0]
    assert mapdata.grid_values(33.26, 33.41, 0.05, 90.0) == [33.3, 33.35, 33.4]
    assert mapdata.format_degrees(33.5, "lat") == "33.5°N"
    assert mapdata.format_degrees(-44.0, "lon") == "44°W"
    assert mapdata.format_degrees(0.0, "lon") == "0°"


# --- cursor readout -------------------------------------------------------------------------------
def test_position_text_has_decimal_degrees_and_mgrs() -> None:
    text = mapdata.position_text(33.3152, 44.3661)
    assert text.startswith("33.315200, 44.366100  ·  38S")
    grid = text.split("  ·  ")[1]
    square, easting, northing = grid.split(" ")
    assert square == "38SMB" and len(easting) == 5 and len(northing) == 5
    assert mapdata.format_mgrs("38SMB4099486410") == "38SMB 40994 86410"
    assert mapdata.format_mgrs("38SMB") == "38SMB"


# --- clustering and markers -----------------------------------------------------------------------
def _marker(i: int, lat: str, lon: str, kind: str = "incident") -> MapMarker:
    return MapMarker(kind, f"id{i}", lat, lon, f"marker {i}")


def test_clustering_groups_close_markers_and_splits_when_zoomed_in() -> None:
    # Three markers within ~100 m of each other in Baghdad, one in Basra.
    markers = [
        _marker(1, "33.3152", "44.3661"),
        _marker(2, "33.3160", "44.3670", "photo"),
        _marker(3, "33.3145", "44.3655", "observation"),
        _marker(4, "30.5085", "47.7804"),
    ]
    far = mapdata.cluster_markers(markers, 6)
    assert sorted(c.count for c in far) == [1, 3]
    near = mapdata.cluster_markers(markers, 19)
    assert sorted(c.count for c in near) == [1, 1, 1, 1]
    group = next(c for c in far if c.count == 3)
    xs = [mapdata.latlon_to_world(float(m.lat), float(m.lon), 6)[0] for m in group.members]
    assert group.x == pytest.approx(sum(xs) / 3)


def test_clustering_counts_every_marker_once() -> None:
    markers = [
        _marker(i, f"{30 + (i % 17) * 0.37:.4f}", f"{40 + (i % 23) * 0.41:.4f}") for i in range(500)
    ]
    for zoom in (0, 4, 8, 12):
        clusters = mapdata.cluster_markers(markers, zoom)
        assert sum(c.count for c in clusters) == 500
        ids = [m.record_id for c in clusters for m in c.members]
        assert len(set(ids)) == 500
    assert len(mapdata.cluster_markers(markers, 0)) < len(mapdata.cluster_markers(markers, 12))


def test_markers_without_a_valid_place_are_left_out() -> None:
    markers = [
        _marker(1, "", ""),
        _marker(2, "95", "10"),
        _marker(3, "abc", "1"),
        _marker(4, "1", "2"),
    ]
    clusters = mapdata.cluster_markers(markers, 3)
    assert [m.record_id for c in clusters for m in c.members] == ["id4"]


@dataclass(frozen=True)
class RegisterRow:
    """Only what LocatedIncident asks for: any row type with these fields will do."""

    id: str
    ref_code: str
    title: str
    lat: str
    lon: str


def test_markers_from_rows_and_observations() -> None:
    rows = [
        RegisterRow("a" * 32, "INC-1", "Market strike", "33.3152", "44.3661"),
        RegisterRow("b" * 32, "INC-2", "No place yet", "", ""),
    ]
    observations = [
        Observation(
            id="c" * 32, at="2026-03-01T10:00:00Z", category="sighting", lat="30.5", lon="47.8"
        ),
        Observation(id="d" * 32, at="2026-03-02T10:00:00Z", text="no place"),
    ]
    photos = [
        EvidenceItem(id="e" * 32, original_name="IMG_0001.HEIC", gps_lat="33.3", gps_lon="44.4"),
        EvidenceItem(id="f" * 32, original_name="scan.pdf"),
    ]
    markers = mapdata.markers_from(rows, observations, photos)
    assert markers == [
        MapMarker("incident", "a" * 32, "33.3152", "44.3661", "INC-1 Market strike"),
        MapMarker("observation", "c" * 32, "30.5", "47.8", "2026-03-01T10:00:00Z sighting"),
        MapMarker("photo", "e" * 32, "33.3", "44.4", "IMG_0001.HEIC"),
    ]
    assert mapdata.markers_from(rows, []) == markers[:1]


# --- MBTiles --------------------------------------------------------------------------------------
def test_mbtiles_reads_tiles_in_xyz_order(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0, 1, 2))
    with mapdata.MBTiles(path) as pack:
        assert (pack.name, pack.image_format) == ("Test pack", "PNG")
        assert (pack.min_zoom, pack.max_zoom) == (0, 2)
        data = pack.tile(TileKey(2, 1, 0))  # XYZ row 0 is the northern row
        assert data is not None
        image = Image.open(io.BytesIO(data))
        assert image.getpixel((5, 5)) == tile_colour(2, 1, 0)


def test_mbtiles_missing_tile_is_none(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0, 1), skip=[(1, 1, 1)])
    with mapdata.MBTiles(path) as pack:
        assert pack.tile(TileKey(1, 1, 1)) is None
        assert pack.tile(TileKey(1, 0, 1)) is not None
        assert pack.tile(TileKey(5, 3, 3)) is None


def test_mbtiles_zoom_range_from_tiles_when_metadata_lacks_it(tmp_path: Path) -> None:
    path = make_mbtiles(
        tmp_path / "pack.mbtiles", zooms=(1, 2), metadata={"name": "x", "format": "jpg"}
    )
    with mapdata.MBTiles(path) as pack:
        assert (pack.min_zoom, pack.max_zoom, pack.image_format) == (1, 2, "JPEG")


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.mbtiles"
    path.write_bytes(b"this is a text file, not SQLite\n" * 100)
    with pytest.raises(InvalidMBTiles, match=r"notes\.mbtiles is not an MBTiles map pack"):
        mapdata.MBTiles(path)


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidMBTiles, match="is not a file"):
        mapdata.MBTiles(tmp_path / "absent.mbtiles")
    with pytest.raises(InvalidMBTiles, match="is not a file"):
        mapdata.MBTiles(tmp_path)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("CREATE TABLE metadata (name text, value text)", "has no 'tiles' table"),
        (
            "CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data)",
            "no 'metadata' table",
        ),
        (
            "CREATE TABLE metadata (name text, value text);"
            "CREATE TABLE tiles (zoom_level, tile_column, tile_data)",
            "lacks column\\(s\\) tile_row",
        ),
    ],
)
def test_missing_tables_are_refused(tmp_path: Path, schema: str, message: str) -> None:
    path = tmp_path / "bad.mbtiles"
    conn = sqlite3.connect(path)
    conn.executescript(schema)
    conn.close()
    with pytest.raises(InvalidMBTiles, match=message):
        mapdata.MBTiles(path)


@pytest.mark.parametrize(
    ("metadata", "message"),
    [({"name": "v"}, "has no 'format'"), ({"name": "v", "format": "pbf"}, "'pbf' tiles")],
)
def test_non_raster_packs_are_refused(
    tmp_path: Path, metadata: dict[str, str], message: str
) -> None:
    path = make_mbtiles(tmp_path / "v.mbtiles", zooms=(0,), metadata=metadata)
    with pytest.raises(InvalidMBTiles, match=message):
        mapdata.MBTiles(path)


def test_opening_a_pack_does_not_change_it(tmp_path: Path) -> None:
    path = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0, 1))
    before = path.read_bytes()
    with mapdata.MBTiles(path) as pack:
        pack.tile(TileKey(1, 0, 0))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.mbtiles"]


# --- bundled outlines -----------------------------------------------------------------------------
def test_bundled_natural_earth_loads() -> None:
    land = mapdata.load_lines(resource("naturalearth", "ne_110m_land.geojson"))
    borders = mapdata.load_lines(
        resource("naturalearth", "ne_110m_admin_0_boundary_lines_land.geojson")
    )
    places = mapdata.load_places(
        resource("naturalearth", "ne_110m_populated_places_simple.geojson")
    )
    assert len(land) >= 127 and len(borders) >= 331
    for ring in land + borders:
        assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in ring)
    baghdad = next(p for p in places if p.name == "Baghdad")
    assert baghdad.lat == pytest.approx(33.3, abs=0.2)
    assert places[0].rank <= places[-1].rank


def test_geojson_geometries_are_projected(tmp_path: Path) -> None:
    path = tmp_path / "shapes.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "properties": {}, "geometry": {"type": "MultiPolygon", '
        '"coordinates": [[[[0, 0], [90, 0], [90, 45], [0, 0]]], '
        "[[[-10, -10], [-5, -5], [-10, -10]]]]}},"
        '{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", '
        '"coordinates": [[-180, 0], [180, 0]]}},'
        '{"type": "Feature", "properties": {}, '
        '"geometry": {"type": "Point", "coordinates": [1, 2]}}'
        "]}"
    )
    rings = mapdata.load_lines(path)
    assert len(rings) == 3
    assert rings[0][1] == pytest.approx((0.75, 0.5))
    assert rings[2] == [pytest.approx((0.0, 0.5)), pytest.approx((1.0, 0.5))]
    assert math.isclose(rings[0][2][1], mapdata.normalised_mercator(45.0, 90.0)[1])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "cannot be read"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (
            '{"type": "FeatureCollection", "features": [{"geometry": '
            '{"type": "LineString", "coordinates": [[1, "x"]]}}]}',
            "malformed position",
        ),
    ],
)
def test_broken_geojson_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text(text)
    with pytest.raises(MapDataError, match=message):
        mapdata.load_lines(path)


def test_clustering_within_bounds_keeps_whole_cells() -> None:
    markers = [
        _marker(i, f"{33 + (i % 10) * 0.001:.4f}", f"{44 + (i // 10) * 0.3:.4f}") for i in range(60)
    ]
    placed = mapdata.place_markers(markers)
    everything = mapdata.cluster_placed(placed, 8)
    x, y = mapdata.latlon_to_world(33.0, 44.0, 8)
    # A rectangle that cuts through the first cell still returns that cell's whole cluster.
    some = mapdata.cluster_placed(placed, 8, bounds=(x + 1, y - 5, x + 2, y + 5))
    assert len(some) == 1
    assert some[0] in everything
    assert some[0].count == 10
    assert mapdata.cluster_placed(placed, 8, bounds=(0, 0, 10, 10)) == []
    assert mapdata.cluster_markers(markers, 8) == everything


def test_a_pack_with_an_awkward_name_opens(tmp_path: Path) -> None:
    folder = tmp_path / "maps 100% #2"
    folder.mkdir()
    path = make_mbtiles(folder / "city?v=1 #a.mbtiles", zooms=(0,))
    with mapdata.MBTiles(path) as pack:
        assert pack.tile(TileKey(0, 0, 0)) is not None


def test_an_oversized_tile_is_not_read(tmp_path: Path) -> None:
    huge = b"\x89PNG" + bytes(mapdata.MAX_TILE_BYTES)
    path = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0, 1), replace={(1, 0, 0): huge})
    with mapdata.MBTiles(path) as pack:
        assert pack.tile(TileKey(1, 0, 0)) is None
        assert pack.tile(TileKey(1, 1, 0)) is not None


def test_pack_name_is_one_short_line(tmp_path: Path) -> None:
    metadata = {"name": "City\nstreets\t" + "x" * 500, "format": "png"}
    path = make_mbtiles(tmp_path / "pack.mbtiles", zooms=(0,), metadata=metadata)
    with mapdata.MBTiles(path) as pack:
        assert pack.name == ("City streets " + "x" * 500)[:80]
    unnamed = make_mbtiles(tmp_path / "unnamed.mbtiles", zooms=(0,), metadata={"format": "png"})
    with mapdata.MBTiles(unnamed) as pack:
        assert pack.name == "unnamed"


def test_markers_from_real_register_rows(vault: Vault) -> None:
    placed = Incident(title="Market strike")
    placed.time.start = "2026-05-01T12:00:00Z"
    placed.place.lat, placed.place.lon = "33.3152", "44.3661"
    unplaced = Incident(title="Reported, place unknown")
    unplaced.time.start = "2026-05-02T12:00:00Z"
    stored, _ = vault.save_incident(placed, "seed")
    vault.save_incident(unplaced, "seed")
    rows = vault.query_incidents(IncidentQuery())
    assert len(rows) == 2
    (marker,) = mapdata.markers_from(rows, [])
    assert (marker.kind, marker.record_id) == ("incident", stored.id)
    assert (marker.lat, marker.lon) == ("33.315200", "44.366100")
    assert marker.label == f"{stored.ref_code} Market strike"


def test_fit_view_frames_all_markers_or_nothing() -> None:
    near = [
        mapdata.MapMarker("incident", "a", "33.300000", "44.300000", "A"),
        mapdata.MapMarker("incident", "b", "33.400000", "44.500000", "B"),
    ]
    lat, lon, zoom = mapdata.fit_view(near, 800, 600) or ("", "", -1)
    assert (lat, lon) == ("33.350000", "44.400000")
    x0, y0 = mapdata.latlon_to_world(33.4, 44.3, zoom)
    x1, y1 = mapdata.latlon_to_world(33.3, 44.5, zoom)
    assert x1 - x0 <= 720 and y1 - y0 <= 540
    wider = (
        mapdata.latlon_to_world(33.3, 44.5, zoom + 1)[0]
        - mapdata.latlon_to_world(33.4, 44.3, zoom + 1)[0]
    )
    assert wider > 720  # one level deeper would not fit: the deepest fitting zoom was chosen
    assert mapdata.fit_view(near[:1], 800, 600) == ("33.300000", "44.300000", 15)
    assert mapdata.fit_view([], 800, 600) is None
