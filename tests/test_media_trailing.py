"""Trailing data (SECURITY.md F5) is found by walking the image's own structure, so bytes that
merely look like an end marker (inside EXIF, between restart intervals) do not fool it."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from fieldapp.media.trailing import has_trailing_data
from tests import media_samples as m


def _jpeg(**options: object) -> bytes:
    # noisy pixels, so the scan data is full of 0xFF bytes that must be told apart from markers
    out = io.BytesIO()
    pixels = random.Random(5).randbytes(96 * 64 * 3)
    Image.frombytes("RGB", (96, 64), pixels).save(out, "JPEG", **options)
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "teal").save(out, "WEBP")
    return out.getvalue()


EMBEDDED_JPEG_IN_EXIF = m.jpeg_with_tags(
    [m.Tag(0xC4A5, m.UNDEFINED, m.plain_jpeg((16, 16)))]  # a whole JPEG, FFD9 included
)

CLEAN = [
    ("baseline JPEG", _jpeg(), "image/jpeg"),
    ("progressive JPEG", _jpeg(progressive=True), "image/jpeg"),
    ("JPEG with restart markers", _jpeg(restart_marker_blocks=1), "image/jpeg"),
    ("JPEG with an end marker inside EXIF", EMBEDDED_JPEG_IN_EXIF, "image/jpeg"),
    ("PNG", m.flat_png(20, 20), "image/png"),
    ("WebP", _webp(), "image/webp"),
]


@pytest.mark.parametrize(("data", "media_type"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_clean_images_are_not_flagged(tmp_path: Path, data: bytes, media_type: str) -> None:
    path = tmp_path / "clean"
    path.write_bytes(data)
    assert not has_trailing_data(path, media_type)


@pytest.mark.parametrize(("data", "media_type"), [c[1:] for c in CLEAN], ids=[c[0] for c in CLEAN])
@pytest.mark.parametrize(
    "tail", [m.zip_bytes(), b"\x00", b"\xff\xd9"], ids=["zip", "one byte", "EOI"]
)
def test_anything_after_the_end_is_flagged(
    tmp_path: Path, data: bytes, media_type: str, tail: bytes
) -> None:
    path = tmp_path / "tailed"
    path.write_bytes(data + tail)
    assert has_trailing_data(path, media_type)


def test_other_types_and_empty_files_are_not_walked(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert not has_trailing_data(empty, "image/jpeg")
    tiff = tmp_path / "t.tif"
    tiff.write_bytes(m.tiff_image() + m.zip_bytes())
    assert not has_trailing_data(tiff, "image/tiff")  # TIFF has no end marker to check against


def test_truncated_jpeg_is_not_called_trailing(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(_jpeg()[:-200])
    assert not has_trailing_data(path, "image/jpeg")  # missing end: the decoder reports that
