"""A tiny raster MBTiles pack made in the test, per the MBTiles 1.3 spec (TMS row order)."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from PIL import Image

from fieldapp.mapdata import TILE_SIZE


def tile_colour(zoom: int, column: int, row: int) -> tuple[int, int, int]:
    """A colour unique to each tile (XYZ row), so a test can tell which tile was drawn where."""
    return (40 + 50 * column) % 256, (40 + 50 * row) % 256, (60 + 40 * zoom) % 256


def png_tile(
    colour: tuple[int, int, int], size: int = TILE_SIZE, image_format: str = "PNG"
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(buffer, format=image_format)
    return buffer.getvalue()


def make_mbtiles(
    path: Path,
    zooms: Iterable[int] = (0, 1, 2),
    *,
    skip: Iterable[tuple[int, int, int]] = (),
    metadata: dict[str, str] | None = None,
    replace: dict[tuple[int, int, int], bytes] | None = None,
) -> Path:
    """Every tile of `zooms`, each a solid `tile_colour`, except the XYZ keys in `skip`.

    `replace` gives other bytes for some XYZ keys (hostile or odd tiles).
    """
    replaced = replace or {}
    skipped = set(skip)
    meta = {"name": "Test pack", "format": "png", "minzoom": "0", "maxzoom": str(max(zooms))}
    if metadata is not None:
        meta = metadata
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE metadata (name text, value text)")
        conn.execute(
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, "
            "tile_data blob)"
        )
        conn.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        conn.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(meta.items()))
        for zoom in zooms:
            for column in range(1 << zoom):
                for row in range(1 << zoom):
                    if (zoom, column, row) in skipped:
                        continue
                    # Written out here, not taken from mapdata, so the reader's flip is tested:
                    # MBTiles counts rows from the south (TMS), the screen from the north.
                    tms = (1 << zoom) - 1 - row
                    conn.execute(
                        "INSERT INTO tiles VALUES (?, ?, ?, ?)",
                        (
                            zoom,
                            column,
                            tms,
                            replaced.get((zoom, column, row))
                            or png_tile(tile_colour(zoom, column, row)),
                        ),
                    )
        conn.commit()
    finally:
        conn.close()
    return path
