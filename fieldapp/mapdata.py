"""The offline map's data and maths, without Qt: projection, tiles, outlines, grid, scale, clusters.

The map widget (`fieldapp/ui/mapview.py`) only draws; every number it draws comes from here so
it can be tested without a display. Positions are Web Mercator "world pixels": at zoom `z` the
world is a square of `256 * 2**z` pixels, x to the east from 180°W, y to the south from the
85.05°N edge. That is the frame MBTiles raster packs are cut in, so a tile sits at
`(column * 256, row * 256)` with no resampling.

Nothing here touches the network: base layers are the bundled Natural Earth files or an MBTiles
file the analyst chose.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from fieldapp.domain.evidence import EvidenceItem
from fieldapp.domain.geo import normalise_decimal, to_mgrs
from fieldapp.domain.model import Observation
from fieldapp.errors import InvalidMBTiles, MapDataError

TILE_SIZE = 256
# Web Mercator stops where the square world ends: atan(sinh(pi)) in degrees.
MAX_LATITUDE = 85.0511287798066
MIN_ZOOM = 0
# Zoom 19 is about 0.3 m per pixel at the equator, finer than any field position; it also keeps
# the world (2**27 px) inside the 32-bit range Qt's scroll bars can address.
MAX_ZOOM = 19
# WGS84 semi-major axis: the sphere Web Mercator projects from, so ground distances at a
# latitude come out the same as the tile packs' own scale.
EARTH_RADIUS_M = 6_378_137.0

MARKER_KINDS = ("incident", "photo", "observation")


# --- projection -----------------------------------------------------------------------------------
def world_size(zoom: int) -> int:
    """Edge of the square world in pixels at `zoom`: the whole map's coordinate range."""
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ValueError(f"zoom must be between {MIN_ZOOM} and {MAX_ZOOM} (got {zoom})")
    return TILE_SIZE << zoom


def clamp_latitude(lat: float) -> float:
    """Web Mercator cannot show the poles; points beyond its edge are drawn on the edge."""
    return max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))


def latlon_to_world(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """World pixel of a position, so markers, outlines and tiles share one frame."""
    size = world_size(zoom)
    lat_r = math.radians(clamp_latitude(lat))
    x = (lon + 180.0) / 360.0 * size
    y = (1.0 - math.log(math.tan(lat_r) + 1.0 / math.cos(lat_r)) / math.pi) / 2.0 * size
    return x, y


def world_to_latlon(x: float, y: float, zoom: int) -> tuple[float, float]:
    """Position of a world pixel (the cursor readout), clamped to the map's edges."""
    size = world_size(zoom)
    x = max(0.0, min(float(size), x))
    y = max(0.0, min(float(size), y))
    lon = x / size * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / size))))
    return lat, lon


def normalised_mercator(lat: float, lon: float) -> tuple[float, float]:
    """Position in a world of size 1: outlines are projected once and scaled per zoom."""
    x, y = latlon_to_world(lat, lon, 0)
    return x / TILE_SIZE, y / TILE_SIZE


def metres_per_pixel(lat: float, zoom: int) -> float:
    """Ground length of one pixel: Mercator stretches east-west by 1/cos(latitude)."""
    circumference = 2.0 * math.pi * EARTH_RADIUS_M
    return circumference * math.cos(math.radians(clamp_latitude(lat))) / world_size(zoom)


# --- tiles ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TileKey:
    """One tile in XYZ order (row 0 at the north), the order the screen uses."""

    zoom: int
    column: int
    row: int


def tms_row(zoom: int, row: int) -> int:
    """MBTiles stores rows in TMS order (row 0 at the south); this flips between the two."""
    return (1 << zoom) - 1 - row


def visible_tiles(left: float, top: float, right: float, bottom: float, zoom: int) -> list[TileKey]:
    """The tiles a world-pixel rectangle touches, clipped to the world.

    Only these are read from the MBTiles file, so panning a country-sized pack costs a few
    dozen small reads, not the whole file.
    """
    count = 1 << zoom
    first_col = max(0, math.floor(left / TILE_SIZE))
    last_col = min(count - 1, math.floor(max(left, right - 1e-9) / TILE_SIZE))
    first_row = max(0, math.floor(top / TILE_SIZE))
    last_row = min(count - 1, math.floor(max(top, bottom - 1e-9) / TILE_SIZE))
    return [
        TileKey(zoom, col, row)
        for row in range(first_row, last_row + 1)
        for col in range(first_col, last_col + 1)
    ]


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRUCache(Generic[K, V]):
    """A bounded cache that forgets what was used longest ago.

    Tiles are decoded once and kept, so panning back and forth never re-reads the file; the bound
    keeps a long session's memory flat.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"cache capacity must be at least 1 (got {capacity})")
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        """The cached value (now the most recently used), or None."""
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def put(self, key: K, value: V) -> None:
        """Store a value, dropping the least recently used one past the capacity."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (a new base layer makes every tile stale)."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_RASTER_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}
# A raster tile is a few tens of KiB; a huge blob in a hostile pack is refused unread.
MAX_TILE_BYTES = 4 * 1024 * 1024


class MBTiles:
    """A raster MBTiles 1.3 pack opened read-only.

    Packs come from outside the cell (GIS offices, shared drives), so the file is checked before
    use: it must be SQLite, with `metadata` and `tiles` tables of the spec's columns and a raster
    tile format. Anything else is an `InvalidMBTiles` that names the problem.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InvalidMBTiles(f"{self.path} is not a file, so it cannot be a map pack")
        # Read-only URI: the map never writes to a pack, and a read-only open cannot create a
        # journal or modify a file on a shared or read-only medium.
        # as_uri percent-encodes "?", "#" and "%" in names and gives Windows paths the
        # file:///C:/ form SQLite expects.
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            self._conn = sqlite3.connect(uri, uri=True)
        except sqlite3.Error as exc:
            raise InvalidMBTiles(f"{self.path.name} cannot be opened as a map pack: {exc}") from exc
        try:
            self.metadata = self._check()
        except InvalidMBTiles:
            self._conn.close()
            raise
        except sqlite3.Error as exc:
            self._conn.close()
            raise InvalidMBTiles(
                f"{self.path.name} is not an MBTiles map pack (not an SQLite database: {exc})"
            ) from exc
        fmt = self.metadata.get("format", "").strip().lower()
        self.image_format = _RASTER_FORMATS[fmt]
        # Shown in the toolbar: one line, of a length that fits.
        self.name = " ".join(self.metadata.get("name", "").split())[:80] or self.path.stem
        self.min_zoom, self.max_zoom = self._zoom_range()

    def _check(self) -> dict[str, str]:
        objects = {
            str(row[0])
            for row in self._conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        for table, columns in (
            ("metadata", {"name", "value"}),
            ("tiles", {"zoom_level", "tile_column", "tile_row", "tile_data"}),
        ):
            if table not in objects:
                raise InvalidMBTiles(
                    f"{self.path.name} is not an MBTiles map pack: it has no {table!r} table"
                )
            found = {str(r[1]) for r in self._conn.execute(f"PRAGMA table_info({table})")}
            missing = sorted(columns - found)
            if missing:
                raise InvalidMBTiles(
                    f"{self.path.name} is not an MBTiles map pack: table {table!r} lacks "
                    f"column(s) {', '.join(missing)}"
                )
        metadata: dict[str, str] = {}
        # Bounded: metadata is a handful of short rows in a real pack, anything in a hostile one.
        rows = self._conn.execute(
            "SELECT substr(name, 1, 100), substr(value, 1, 1000) FROM metadata LIMIT 1000"
        )
        for name, value in rows:
            if isinstance(name, str) and isinstance(value, str | int | float):
                metadata[name] = str(value)
        fmt = metadata.get("format", "").strip().lower()
        if not fmt:
            raise InvalidMBTiles(
                f"{self.path.name} is not an MBTiles map pack: its metadata has no 'format'"
            )
        if fmt not in _RASTER_FORMATS:
            raise InvalidMBTiles(
                f"{self.path.name} holds {fmt!r} tiles; only raster packs "
                "(png, jpg, webp) can be shown"
            )
        return metadata

    def _zoom_range(self) -> tuple[int, int]:
        def meta_int(key: str) -> int | None:
            try:
                return int(self.metadata[key])
            except (KeyError, ValueError):
                return None

        low, high = meta_int("minzoom"), meta_int("maxzoom")
        if low is None or high is None:
            # Optional in the spec; the tiles table's (usually indexed) extremes say the same.
            row = self._conn.execute(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles"
            ).fetchone()
            low = low if low is not None else int(row[0] or 0)
            high = high if high is not None else int(row[1] or 0)
        return max(MIN_ZOOM, low), min(MAX_ZOOM, high)

    def tile(self, key: TileKey) -> bytes | None:
        """The encoded image of one tile, or None where there is nothing to draw (blank).

        None also covers a tile over `MAX_TILE_BYTES` (its length is checked in SQL, so it is
        never read into memory) and a damaged page: one bad tile must not stop the map.
        """
        try:
            row = self._conn.execute(
                "SELECT CASE WHEN length(tile_data) <= ? THEN tile_data END FROM tiles "
                "WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (MAX_TILE_BYTES, key.zoom, key.column, tms_row(key.zoom, key.row)),
            ).fetchone()
        except sqlite3.DatabaseError:
            return None
        if row is None or not isinstance(row[0], bytes):
            return None
        data: bytes = row[0]
        return data

    def close(self) -> None:
        """Release the file (switching base layers must not keep the old pack open)."""
        self._conn.close()

    def __enter__(self) -> MBTiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- bundled outlines (GeoJSON) -------------------------------------------------------------------
Ring = list[tuple[float, float]]  # (x, y) in the normalised Mercator square


@dataclass(frozen=True)
class Place:
    """A populated place from the bundled data: a faint orientation label at higher zoom."""

    name: str
    lat: float
    lon: float
    rank: int  # Natural Earth scalerank: 0 = capitals and megacities, larger = smaller places


def _features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MapDataError(f"map outline {path.name} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise MapDataError(f"map outline {path.name} is not a GeoJSON FeatureCollection")
    features = data.get("features")
    if not isinstance(features, list):
        raise MapDataError(f"map outline {path.name} has no list of features")
    return [f for f in features if isinstance(f, dict)]


def _project_line(coords: Any, source: str) -> Ring:
    if not isinstance(coords, list):
        raise MapDataError(f"map outline {source} has a line that is not a list of positions")
    ring: Ring = []
    for pos in coords:
        if (
            not isinstance(pos, list)
            or len(pos) < 2
            or not all(isinstance(v, int | float) for v in pos[:2])
        ):
            raise MapDataError(f"map outline {source} has a malformed position: {pos!r}")
        ring.append(normalised_mercator(float(pos[1]), float(pos[0])))
    return ring


def load_lines(path: Path) -> list[Ring]:
    """Every polygon ring and line of a GeoJSON file, projected once to the unit square.

    Land polygons and boundary lines are both drawn as outlines (polygons also filled), so one
    flat list of rings is all the widget needs; it scales them to the zoom shown.
    """
    rings: list[Ring] = []
    for feature in _features(path):
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict):
            continue
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        if kind == "LineString":
            lines = [coords]
        elif kind in ("MultiLineString", "Polygon"):
            lines = coords if isinstance(coords, list) else []
        elif kind == "MultiPolygon":
            lines = [r for p in coords if isinstance(p, list) for r in p] if coords else []
        else:
            continue
        rings.extend(_project_line(line, path.name) for line in lines)
    return rings


def load_places(path: Path) -> list[Place]:
    """Named points of a GeoJSON file (the bundled populated places), most important first."""
    places: list[Place] = []
    for feature in _features(path):
        geometry = feature.get("geometry")
        props = feature.get("properties")
        if not isinstance(geometry, dict) or not isinstance(props, dict):
            continue
        coords = geometry.get("coordinates")
        name = props.get("name")
        if (
            geometry.get("type") != "Point"
            or not isinstance(name, str)
            or not isinstance(coords, list)
            or len(coords) < 2
            or not all(isinstance(v, int | float) for v in coords[:2])
        ):
            continue
        rank = props.get("scalerank")
        places.append(
            Place(name, float(coords[1]), float(coords[0]), rank if isinstance(rank, int) else 10)
        )
    places.sort(key=lambda p: (p.rank, p.name))
    return places


# --- graticule and scale bar ----------------------------------------------------------------------
# Steps in degrees, coarse to fine; every one divides 180 so lines meet at the equator and the
# antimeridian. The finest (0.0001° ≈ 11 m) keeps a grid on screen at zoom 19.
_GRID_STEPS = (
    *(30.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01),
    *(0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001),
)


def graticule_step(zoom: int, min_spacing_px: float = 90.0) -> float:
    """The grid spacing in degrees: the finest step whose lines stay `min_spacing_px` apart.

    Spacing is measured along a parallel (degrees of longitude are even on screen), so the grid
    thickens as one zooms in and never turns into a grey wash.
    """
    px_per_degree = world_size(zoom) / 360.0
    chosen = _GRID_STEPS[0]
    for step in _GRID_STEPS:
        if step * px_per_degree >= min_spacing_px:
            chosen = step
        else:
            break
    return chosen


def grid_values(low: float, high: float, step: float, limit: float) -> list[float]:
    """The multiples of `step` between `low` and `high`, within ±limit (where grid lines go)."""
    low, high = max(low, -limit), min(high, limit)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 6) for i in range(first, last + 1)]


def format_degrees(value: float, axis: str) -> str:
    """A grid label like 33.5°N or 44°E: hemisphere letters, no sign, no float noise."""
    text = f"{abs(value):.4f}".rstrip("0").rstrip(".")
    if value == 0 or text == "0":
        return "0°"
    letters = ("N", "S") if axis == "lat" else ("E", "W")
    return f"{text}°{letters[0] if value > 0 else letters[1]}"


@dataclass(frozen=True)
class ScaleBar:
    """A round ground length and its length on screen at the latitude shown."""

    metres: int
    pixels: float
    label: str


def scale_bar(lat: float, zoom: int, max_pixels: float = 120.0) -> ScaleBar:
    """The longest 1-2-5 length that fits in `max_pixels` at this latitude and zoom.

    Mercator's scale changes with latitude (a pixel at 60°N covers half the ground it covers at
    the equator), so the bar is computed for the latitude in view, not once per zoom.
    """
    mpp = metres_per_pixel(lat, zoom)
    limit = mpp * max_pixels
    best = 1
    magnitude = 1
    while magnitude <= limit:
        for factor in (1, 2, 5):
            candidate = factor * magnitude
            if candidate <= limit:
                best = candidate
        magnitude *= 10
    label = f"{best // 1000} km" if best >= 1000 else f"{best} m"
    return ScaleBar(best, best / mpp, label)


# --- the cursor readout ---------------------------------------------------------------------------
def format_mgrs(compact: str) -> str:
    """'38SMB4099486410' as '38SMB 40994 86410': grid square, then easting and northing."""
    digits_at = len(compact.rstrip("0123456789"))
    square, digits = compact[:digits_at], compact[digits_at:]
    half = len(digits) // 2
    if not digits:
        return square
    return f"{square} {digits[:half]} {digits[half:]}"


def position_text(lat: float, lon: float) -> str:
    """The readout under the cursor: decimal degrees as stored in records, then MGRS.

    MGRS is left out where it does not exist (it is undefined beyond 84°N and 80°S in UTM, and
    the library refuses some edge cases) rather than showing something wrong.
    """
    lat_s = normalise_decimal(f"{clamp_latitude(lat):.6f}", "lat")
    lon_s = normalise_decimal(f"{max(-180.0, min(180.0, lon)):.6f}", "lon")
    try:
        grid = format_mgrs(to_mgrs(lat_s, lon_s))
    except ValueError:
        return f"{lat_s}, {lon_s}"
    return f"{lat_s}, {lon_s}  ·  {grid}"


# --- markers and clustering -----------------------------------------------------------------------
@dataclass(frozen=True)
class MapMarker:
    """One record on the map. Coordinates stay decimal strings, as in the records."""

    kind: str  # "incident" | "photo" | "observation"
    record_id: str
    lat: str
    lon: str
    label: str


@dataclass(frozen=True)
class Cluster:
    """Markers drawn as one symbol at `zoom`; one member is simply a marker."""

    x: float
    y: float
    members: tuple[MapMarker, ...]

    @property
    def count(self) -> int:
        return len(self.members)


def marker_position(marker: MapMarker) -> tuple[float, float] | None:
    """The marker's position as floats, or None when it has no valid place (it is not drawn)."""
    try:
        lat = float(normalise_decimal(marker.lat, "lat"))
        lon = float(normalise_decimal(marker.lon, "lon"))
    except ValueError:
        return None
    return lat, lon


@dataclass(frozen=True)
class PlacedMarker:
    """A marker with its position projected once (unit square), so re-clustering on every zoom
    or pan does not re-parse thousands of decimal strings."""

    marker: MapMarker
    x: float
    y: float


def place_markers(markers: Iterable[MapMarker]) -> list[PlacedMarker]:
    """The markers that have a valid place, projected; the others cannot be drawn."""
    placed = []
    for marker in markers:
        pos = marker_position(marker)
        if pos is not None:
            x, y = normalised_mercator(*pos)
            placed.append(PlacedMarker(marker, x, y))
    return placed


def cluster_placed(
    placed: Iterable[PlacedMarker],
    zoom: int,
    cell_px: float = 48.0,
    bounds: tuple[float, float, float, float] | None = None,
) -> list[Cluster]:
    """Group markers that share a `cell_px` square of the screen at this zoom.

    Grid clustering is linear in the number of markers and stable (the same markers give the
    same groups), which matters more for a register of thousands than optimal placement. A
    cluster sits at its members' mean position. `bounds` (left, top, right, bottom in world
    pixels) keeps only the cells that touch it: whole cells, so a cluster's count never depends
    on where the view happens to be.
    """
    if cell_px <= 0:
        raise ValueError(f"cluster cell size must be positive (got {cell_px})")
    size = world_size(zoom)
    if bounds is not None:
        first_col, first_row = math.floor(bounds[0] / cell_px), math.floor(bounds[1] / cell_px)
        last_col, last_row = math.floor(bounds[2] / cell_px), math.floor(bounds[3] / cell_px)
    cells: dict[tuple[int, int], list[tuple[float, float, MapMarker]]] = {}
    for p in placed:
        x, y = p.x * size, p.y * size
        cell = (math.floor(x / cell_px), math.floor(y / cell_px))
        if bounds is not None and not (
            first_col <= cell[0] <= last_col and first_row <= cell[1] <= last_row
        ):
            continue
        cells.setdefault(cell, []).append((x, y, p.marker))
    clusters = []
    for cell in sorted(cells):
        entries = cells[cell]
        clusters.append(
            Cluster(
                sum(e[0] for e in entries) / len(entries),
                sum(e[1] for e in entries) / len(entries),
                tuple(e[2] for e in entries),
            )
        )
    return clusters


def cluster_markers(
    markers: Iterable[MapMarker], zoom: int, cell_px: float = 48.0
) -> list[Cluster]:
    """Clusters of all markers with a valid place at this zoom (see `cluster_placed`)."""
    return cluster_placed(place_markers(markers), zoom, cell_px)


class LocatedIncident(Protocol):
    """What the map needs of a register row (`store.records.IncidentRow` has it all): id,
    names, and place as decimal strings ("" when unknown)."""

    @property
    def id(self) -> str: ...
    @property
    def ref_code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lat(self) -> str: ...
    @property
    def lon(self) -> str: ...


def markers_from(
    rows: Sequence[LocatedIncident],
    observations: Sequence[Observation],
    photos: Sequence[EvidenceItem] = (),
) -> list[MapMarker]:
    """Map markers for register rows, observations and photos that have a place.

    Records without one are skipped (they cannot be drawn). The label is what the analyst
    recognises in a tooltip: the reference code and title of an incident, the time and category
    of an observation, the file name and caption of a photo (its EXIF position).
    """
    markers: list[MapMarker] = []
    for row in rows:
        if row.lat.strip() and row.lon.strip():
            label = f"{row.ref_code} {row.title}".strip()
            markers.append(MapMarker("incident", row.id, row.lat, row.lon, label))
    for obs in observations:
        if obs.lat.strip() and obs.lon.strip():
            label = " ".join(p for p in (obs.at, obs.category) if p)
            markers.append(MapMarker("observation", obs.id, obs.lat, obs.lon, label))
    for item in photos:
        if item.gps_lat.strip() and item.gps_lon.strip():
            label = " ".join(p for p in (item.original_name, item.caption) if p)
            markers.append(MapMarker("photo", item.id, item.gps_lat, item.gps_lon, label))
    return [m for m in markers if marker_position(m) is not None]


def fit_view(
    markers: Sequence[MapMarker], width_px: int, height_px: int, max_zoom: int = 15
) -> tuple[str, str, int] | None:
    """Centre and the deepest zoom (≤ max_zoom) at which every marker fits in the view.

    None when there is nothing to show. A single place opens at `max_zoom`, close enough to
    see the street, not so close that the outline base layer is empty.
    """
    if not markers or width_px <= 0 or height_px <= 0:
        return None
    lats = [float(m.lat) for m in markers]
    lons = [float(m.lon) for m in markers]
    centre_lat = (min(lats) + max(lats)) / 2
    centre_lon = (min(lons) + max(lons)) / 2
    zoom = max_zoom
    while zoom > MIN_ZOOM:
        x0, y0 = latlon_to_world(max(lats), min(lons), zoom)
        x1, y1 = latlon_to_world(min(lats), max(lons), zoom)
        if x1 - x0 <= width_px * 0.9 and y1 - y0 <= height_px * 0.9:
            break
        zoom -= 1
    return f"{centre_lat:.6f}", f"{centre_lon:.6f}", zoom
