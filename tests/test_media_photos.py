"""Well-formed photos: every fact read exactly, and a thumbnail that is small, upright and clean."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from fieldapp.media import MediaSandbox
from tests import media_samples as m


@pytest.fixture(scope="module")
def sandbox() -> Iterator[MediaSandbox]:
    with MediaSandbox(workers=2, timeout_s=30.0) as pool:
        yield pool


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_camera_jpeg_facts(sandbox: MediaSandbox, tmp_path: Path) -> None:
    result = sandbox.process(_write(tmp_path, "a.jpg", m.gps_photo()))
    info = result.info
    assert info.to_dict() == {
        "media_type": "image/jpeg",
        "image_format": "JPEG",
        "width": 64,
        "height": 48,
        "capture_time": "2024-05-01T10:20:30+03:00",
        "capture_offset": "+03:00",
        "gps_lat": "33.315200",
        "gps_lon": "44.366944",
        "gps_alt_m": "345.5",
        "gps_direction": "180.5",
        "make": "Canon",
        "model": "EOS R6",
        "orientation": 1,
        "flags": [],
    }


def test_south_west_and_below_sea_level(sandbox: MediaSandbox, tmp_path: Path) -> None:
    gps = [
        *m.gps_tags(
            lat=((12, 1), (30, 1), (0, 1)),
            lat_ref="S",
            lon=((77, 1), (15, 1), (36, 1)),
            lon_ref="W",
        ),
        m.Tag(5, m.BYTE, b"\x01"),
        m.rational_tag(6, (12, 1)),
    ]
    info = sandbox.process(_write(tmp_path, "sw.jpg", m.jpeg_with_tags([], None, gps))).info
    assert (info.gps_lat, info.gps_lon, info.gps_alt_m) == ("-12.500000", "-77.260000", "-12.0")
    assert info.flags == ()


def test_capture_time_without_offset_is_naive(sandbox: MediaSandbox, tmp_path: Path) -> None:
    exif = [m.ascii_tag(m.TAG_DATETIME_ORIGINAL, "2023:12:31 23:59:58")]
    info = sandbox.process(_write(tmp_path, "t.jpg", m.jpeg_with_tags(m.camera_ifd0(), exif))).info
    assert (info.capture_time, info.capture_offset) == ("2023-12-31T23:59:58", None)


@pytest.mark.parametrize("stamp", ["0000:00:00 00:00:00", "2024:13:01 10:00:00", "yesterday"])
def test_impossible_capture_time_is_dropped(
    sandbox: MediaSandbox, tmp_path: Path, stamp: str
) -> None:
    exif = m.capture_exif(when=stamp)
    info = sandbox.process(_write(tmp_path, "t.jpg", m.jpeg_with_tags(m.camera_ifd0(), exif))).info
    assert (info.capture_time, info.capture_offset) == (None, None)
    assert info.make == "Canon"


def test_photo_without_exif(sandbox: MediaSandbox, tmp_path: Path) -> None:
    result = sandbox.process(_write(tmp_path, "p.jpg", m.plain_jpeg()))
    assert result.info.flags == ("no_exif",)
    assert result.thumbnail_jpeg is not None


def test_heic_sample(sandbox: MediaSandbox, tmp_path: Path) -> None:
    result = sandbox.process(_write(tmp_path, "IMG_0001.HEIC", m.SAMPLE_HEIC.read_bytes()))
    info = result.info
    assert (info.media_type, info.image_format) == ("image/heic", "HEIF")
    assert (info.width, info.height) == (96, 64)
    assert (info.make, info.model) == ("Apple", "iPhone 15")
    assert (info.gps_lat, info.gps_lon) == ("33.315200", "44.366944")
    assert info.capture_time == "2024-05-01T10:20:30+03:00"
    assert info.flags == ()
    assert result.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        assert thumb.size == (96, 64)
        left = thumb.convert("RGB").getpixel((10, 32))
        assert isinstance(left, tuple) and left[0] > 200 and left[2] < 60


def test_webp_and_png_exif(sandbox: MediaSandbox, tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[m.TAG_MAKE] = "Google"
    gps = exif.get_ifd(m.TAG_GPS_IFD)
    gps.update(
        {
            1: "N",
            2: (IFDRational(10), IFDRational(30), IFDRational(0)),
            3: "E",
            4: (IFDRational(20), IFDRational(0), IFDRational(0)),
        }
    )
    for fmt, name in (("WEBP", "x.webp"), ("PNG", "x.png")):
        out = io.BytesIO()
        Image.new("RGB", (300, 200), "white").save(out, fmt, exif=exif.tobytes())
        result = sandbox.process(_write(tmp_path, name, out.getvalue()))
        assert result.info.image_format == fmt
        assert result.info.make == "Google"
        assert (result.info.gps_lat, result.info.gps_lon) == ("10.500000", "20.000000")
        assert result.info.flags == ()


def test_thumbnail_is_small_and_carries_no_metadata(sandbox: MediaSandbox, tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[m.TAG_MAKE] = "Canon"
    icc = b"\x00" * 128  # opaque to us; only its absence in the thumbnail matters
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), "navy").save(
        out, "JPEG", exif=exif.tobytes(), icc_profile=icc, comment=b"secret location"
    )
    result = sandbox.process(_write(tmp_path, "big.jpg", out.getvalue()))
    thumb_bytes = result.thumbnail_jpeg
    assert thumb_bytes is not None
    assert b"Exif\x00\x00" not in thumb_bytes and b"secret location" not in thumb_bytes
    with Image.open(io.BytesIO(thumb_bytes)) as thumb:
        assert thumb.size == (256, 192)
        assert not thumb.getexif()
        assert {"exif", "icc_profile", "comment"}.isdisjoint(thumb.info)


def test_transparent_png_renders_on_white(sandbox: MediaSandbox, tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    result = sandbox.process(_write(tmp_path, "alpha.png", out.getvalue()))
    assert result.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        pixel = thumb.convert("RGB").getpixel((25, 25))
        assert isinstance(pixel, tuple) and min(pixel) > 240


def test_without_thumbnail_the_facts_still_come(sandbox: MediaSandbox, tmp_path: Path) -> None:
    result = sandbox.process(_write(tmp_path, "a.jpg", m.gps_photo()), thumbnail=False)
    assert result.thumbnail_jpeg is None
    assert result.info.gps_lat == "33.315200"
    truncated = sandbox.process(_write(tmp_path, "t.jpg", m.noise_jpeg()[:20_000]), thumbnail=False)
    assert truncated.info.has("unrenderable")  # pixels are still decoded to prove the image


def test_embedded_exif_thumbnail_is_never_used(sandbox: MediaSandbox, tmp_path: Path) -> None:
    result = sandbox.process(_write(tmp_path, "two.jpg", m.jpeg_with_exif_thumbnail("red", "lime")))
    assert result.info.flags == ()
    assert result.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        assert thumb.size == (256, 192)  # made from the 640x480 pixels, not the 32x24 preview
        pixel = thumb.convert("RGB").getpixel((128, 96))
    assert isinstance(pixel, tuple) and pixel[0] > 200 and pixel[1] < 60


def test_tiff_structure_alone_is_not_exif(sandbox: MediaSandbox, tmp_path: Path) -> None:
    bare = sandbox.process(_write(tmp_path, "scan.tif", m.tiff_image())).info
    assert bare.flags == ("no_exif",)  # width, strips, compression: every TIFF has those
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "TIFF", tiffinfo={m.TAG_MAKE: "Nikon"})
    camera = sandbox.process(_write(tmp_path, "camera.tif", out.getvalue())).info
    assert camera.flags == ()
    assert camera.make == "Nikon"


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("I;16", "PNG"),
        ("F", "TIFF"),
        ("CMYK", "JPEG"),
        ("LA", "PNG"),
        ("P", "PNG"),
        ("1", "PNG"),
        ("RGBA", "WEBP"),
    ],
)
def test_every_common_pixel_mode_gets_a_thumbnail(
    sandbox: MediaSandbox, tmp_path: Path, mode: str, fmt: str
) -> None:
    out = io.BytesIO()
    Image.new(mode, (600, 400)).save(out, fmt)
    result = sandbox.process(_write(tmp_path, f"mode.{fmt.lower()}", out.getvalue()))
    assert not result.info.has("unrenderable")
    assert result.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        assert (thumb.mode, thumb.size) == ("RGB", (256, 171))


def test_rotated_heic_is_upright_once(sandbox: MediaSandbox, tmp_path: Path) -> None:
    """HEIF rotates in the container (irot), which libheif applies on decode; the EXIF
    orientation must not be applied a second time."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (96, 64), (255, 0, 0))
    image.paste((0, 0, 255), (48, 0, 96, 64))  # left red, right blue
    exif = Image.Exif()
    exif[m.TAG_ORIENTATION] = 6
    path = tmp_path / "portrait.heic"
    image.save(path, format="HEIF", exif=exif.tobytes(), quality=90)
    result = sandbox.process(path)
    assert (result.info.width, result.info.height) == (64, 96)  # as decoded: already upright
    assert result.info.orientation == 1
    assert result.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        assert thumb.size == (64, 96)
        top = thumb.convert("RGB").getpixel((32, 10))
    assert isinstance(top, tuple) and top[0] > 200 and top[2] < 60  # rotated once, not twice
