"""SECURITY.md section F, parsing cases: each hostile file gets a result with the right flags,
and the worker pool still serves the next photo afterwards."""

from __future__ import annotations

import hashlib
import io
import random
import warnings
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from fieldapp.media import MediaResult, MediaSandbox
from fieldapp.media.sniff import IMAGE_FORMATS, sniff_file
from tests import media_samples as m


@pytest.fixture(scope="module")
def sandbox() -> Iterator[MediaSandbox]:
    with MediaSandbox(workers=2, timeout_s=30.0) as pool:
        yield pool


def _wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x01" * 8000)
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    suffix: str
    media_type: str
    flags: tuple[str, ...]
    renders: bool


CASES = [
    Case(
        "F1 PNG bomb 20000x10000",
        lambda: m.bilevel_png(20_000, 10_000),
        ".png",
        "image/png",
        ("no_exif", "unrenderable"),
        False,
    ),
    Case(
        "F2 between 1x and 2x the pixel limit",
        lambda: m.bilevel_png(10_000, 10_000),
        ".png",
        "image/png",
        ("no_exif", "unrenderable"),
        False,
    ),
    Case(
        "F3 truncated JPEG",
        lambda: m.noise_jpeg()[:20_000],
        ".jpg",
        "image/jpeg",
        ("no_exif", "unrenderable"),
        False,
    ),
    Case("F4 TIFF named .jpg", m.tiff_image, ".jpg", "image/tiff", ("no_exif",), True),
    Case(
        "F4 PSD named .jpg",
        m.psd_image,
        ".jpg",
        "image/vnd.adobe.photoshop",
        ("unrenderable",),
        False,
    ),
    Case("F4 FITS named .jpg", m.fits_image, ".jpg", "image/fits", ("unrenderable",), False),
    Case(
        "F5 JPEG with a ZIP appended",
        lambda: m.gps_photo() + m.zip_bytes(),
        ".jpg",
        "image/jpeg",
        ("trailing_data",),
        True,
    ),
    Case(
        "F5 PNG with a ZIP appended",
        lambda: m.flat_png(32, 32) + m.zip_bytes(),
        ".png",
        "image/png",
        ("no_exif", "trailing_data"),
        True,
    ),
    Case(
        "F6 MakerNote with a huge count",
        lambda: m.jpeg_with_tags(
            m.camera_ifd0(),
            [
                m.Tag(
                    m.TAG_MAKERNOTE,
                    m.UNDEFINED,
                    b"Nikon\x00\x02\x10\x00\x00MM\x00*\x00\x00\x00\x08",
                    count=0x7FFFFFF0,
                )
            ],
            m.gps_tags(),
        ),
        ".jpg",
        "image/jpeg",
        (),
        True,
    ),
    Case(
        "F7 IFD cycle",
        lambda: m.jpeg_with_tags(
            m.camera_ifd0(), m.capture_exif(), m.gps_tags(), next_ifd=8, exif_pointer=8
        ),
        ".jpg",
        "image/jpeg",
        (),
        True,
    ),
    Case(
        "F8 ASCII count 0x7FFFFFFF",
        lambda: m.jpeg_with_tags(
            [m.Tag(m.TAG_MAKE, m.ASCII, b"Canon\x00", count=0x7FFFFFFF)], None, m.gps_tags()
        ),
        ".jpg",
        "image/jpeg",
        (),
        True,
    ),
    Case(
        "F9 GPS denominator 0",
        lambda: m.jpeg_with_tags(m.camera_ifd0(), None, m.gps_tags(lat=((33, 0), (18, 1), (0, 1)))),
        ".jpg",
        "image/jpeg",
        ("gps_invalid",),
        True,
    ),
    Case(
        "F10 latitude 95",
        lambda: m.jpeg_with_tags(m.camera_ifd0(), None, m.gps_tags(lat=((95, 1), (0, 1), (0, 1)))),
        ".jpg",
        "image/jpeg",
        ("gps_invalid",),
        True,
    ),
    Case(
        "F10 longitude 181",
        lambda: m.jpeg_with_tags(m.camera_ifd0(), None, m.gps_tags(lon=((181, 1), (0, 1), (0, 1)))),
        ".jpg",
        "image/jpeg",
        ("gps_invalid",),
        True,
    ),
    Case(
        "F10 reference X",
        lambda: m.jpeg_with_tags(m.camera_ifd0(), None, m.gps_tags(lat_ref="X")),
        ".jpg",
        "image/jpeg",
        ("gps_invalid",),
        True,
    ),
    Case(
        "F10 minutes 60",
        lambda: m.jpeg_with_tags(m.camera_ifd0(), None, m.gps_tags(lat=((33, 1), (60, 1), (0, 1)))),
        ".jpg",
        "image/jpeg",
        ("gps_invalid",),
        True,
    ),
    Case(
        "F10 seconds 61",
        lambda: m.jpeg_with_tags(m.camera_ifd0(), None, m.gps_tags(lon=((44, 1), (1, 1), (61, 1)))),
        ".jpg",
        "image/jpeg",
        ("gps_invalid",),
        True,
    ),
    Case(
        "F11 HEIC with a huge EXIF offset",
        lambda: m.heic_with_huge_exif_offset(m.SAMPLE_HEIC.read_bytes()),
        ".heic",
        "image/heic",
        ("metadata_unavailable",),
        True,
    ),
    Case("F14 orientation 6", lambda: m.oriented_jpeg(6), ".jpg", "image/jpeg", (), True),
    Case(
        "F15 PDF",
        lambda: b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 5000,
        ".pdf",
        "application/pdf",
        (),
        False,
    ),
    Case(
        "F15 MP4",
        lambda: b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 5000,
        ".mp4",
        "video/mp4",
        (),
        False,
    ),
    Case("F15 WAV", _wav, ".wav", "audio/wav", (), False),
    Case(
        "F15 random bytes",
        lambda: bytes(range(256)) * 40,
        ".jpg",
        "application/octet-stream",
        (),
        False,
    ),
]


def _assert_pool_healthy(sandbox: MediaSandbox, tmp_path: Path) -> None:
    good = tmp_path / "after.jpg"
    good.write_bytes(m.gps_photo())
    result = sandbox.process(good)
    assert result.info.flags == ()
    assert (result.info.gps_lat, result.info.gps_lon) == ("33.315200", "44.366944")
    assert result.thumbnail_jpeg is not None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_gets_flags_not_errors(
    sandbox: MediaSandbox, tmp_path: Path, case: Case
) -> None:
    path = tmp_path / f"evidence{case.suffix}"
    path.write_bytes(case.make())
    before = hashlib.sha256(path.read_bytes()).hexdigest()

    result = sandbox.process(path)

    assert isinstance(result, MediaResult)
    assert result.info.media_type == case.media_type
    assert result.info.flags == case.flags
    assert (result.thumbnail_jpeg is not None) == case.renders
    if result.thumbnail_jpeg is not None:
        with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
            assert thumb.format == "JPEG"
            assert max(thumb.size) <= 256
    # the original is never touched, whatever happened to its parsing
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    _assert_pool_healthy(sandbox, tmp_path)


def test_gps_rejection_keeps_the_other_facts(sandbox: MediaSandbox, tmp_path: Path) -> None:
    path = tmp_path / "bad-gps.jpg"
    path.write_bytes(
        m.jpeg_with_tags(
            m.camera_ifd0(), m.capture_exif(), m.gps_tags(lat=((95, 1), (0, 1), (0, 1)))
        )
    )
    info = sandbox.process(path).info
    assert info.flags == ("gps_invalid",)
    assert (info.gps_lat, info.gps_lon) == (None, None)
    assert (info.make, info.model) == ("Canon", "EOS R6")
    assert info.capture_time == "2024-05-01T10:20:30+03:00"


def test_hostile_exif_values_are_dropped_not_trusted(sandbox: MediaSandbox, tmp_path: Path) -> None:
    cycle = tmp_path / "cycle.jpg"
    cycle.write_bytes(
        m.jpeg_with_tags(
            m.camera_ifd0(), m.capture_exif(), m.gps_tags(), next_ifd=8, exif_pointer=8
        )
    )
    huge_ascii = tmp_path / "ascii.jpg"
    huge_ascii.write_bytes(
        m.jpeg_with_tags(
            [m.Tag(m.TAG_MAKE, m.ASCII, b"Canon\x00", count=0x7FFFFFFF)], None, m.gps_tags()
        )
    )
    looped = sandbox.process(cycle).info
    assert looped.make == "Canon"  # IFD0 itself is fine; the loop is not followed forever
    assert looped.gps_lat == "33.315200"
    ascii_info = sandbox.process(huge_ascii).info
    assert ascii_info.make is None  # a count past the end of the file yields nothing
    assert ascii_info.gps_lon == "44.366944"


def test_f2_only_warns_in_plain_pillow(tmp_path: Path) -> None:
    """Why the warning filter matters: without it Pillow opens an F2 image."""
    data = m.bilevel_png(10_000, 10_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (10_000, 10_000)


def test_f3_verify_passes_a_truncated_jpeg() -> None:
    """Why the worker calls load(): verify() accepts the truncated file."""
    with Image.open(io.BytesIO(m.noise_jpeg()[:20_000])) as image:
        image.verify()
    with Image.open(io.BytesIO(m.noise_jpeg()[:20_000])) as image, pytest.raises(OSError):
        image.load()


def test_f4_plain_pillow_would_decode_psd_and_fits() -> None:
    """Why formats are whitelisted: Pillow alone happily opens these behind a .jpg name."""
    for data, fmt in ((m.psd_image(), "PSD"), (m.fits_image(), "FITS")):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == fmt


def test_f14_orientation_rotates_the_thumbnail_only(sandbox: MediaSandbox, tmp_path: Path) -> None:
    path = tmp_path / "rotated.jpg"
    path.write_bytes(m.oriented_jpeg(6))
    original = path.read_bytes()
    result = sandbox.process(path)
    assert result.info.orientation == 6
    assert (result.info.width, result.info.height) == (64, 32)  # as stored
    assert result.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(result.thumbnail_jpeg)) as thumb:
        assert thumb.size == (32, 64)  # upright: portrait
        top = thumb.convert("RGB").getpixel((16, 8))
        bottom = thumb.convert("RGB").getpixel((16, 56))
    # orientation 6 means "rotate 90 degrees clockwise to view": the left (red) half goes on top
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    assert path.read_bytes() == original


def _bytes_read_by_this_process() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def test_f15_a_huge_video_is_not_read(sandbox: MediaSandbox, tmp_path: Path) -> None:
    video = tmp_path / "drone.mp4"
    with video.open("wb") as handle:
        handle.write(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
        handle.truncate(10 * 1024**3)  # 10 GB, sparse
    before = _bytes_read_by_this_process()
    result = sandbox.process(video)
    read = _bytes_read_by_this_process() - before
    assert result.info.media_type == "video/mp4"
    assert result.info.flags == ()
    assert result.thumbnail_jpeg is None
    assert read < 1024 * 1024  # the first bytes only, not 10 GB


def test_mutated_photos_never_break_the_pool(tmp_path: Path) -> None:
    """Byte flips in real samples (JPEG with EXIF, HEIC, PNG, TIFF): every file gets a result
    from a live worker, none hangs, and the pool is healthy afterwards."""
    seeds = [m.gps_photo(), m.jpeg_with_exif_thumbnail(), m.SAMPLE_HEIC.read_bytes()]
    seeds += [m.flat_png(64, 64), m.tiff_image(), m.oriented_jpeg()]
    rnd = random.Random(20240501)
    paths = []
    for i in range(300):
        data = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        path = tmp_path / f"mutant{i}.jpg"
        path.write_bytes(bytes(data))
        paths.append(path)
    images = [p for p in paths if sniff_file(p) in IMAGE_FORMATS]
    with MediaSandbox(workers=2, timeout_s=30.0) as pool:
        results = list(pool.process_many(paths))
        assert len(results) == len(paths)
        assert not any(r.info.has("timeout") for _, r in results)
        # one answer per image file: no worker died on any of them (a death has no answer)
        assert sum(pool.answered_per_worker) == len(images)
        assert any(r.thumbnail_jpeg is not None for _, r in results)
        assert any(r.info.has("unrenderable") for _, r in results)
        _assert_pool_healthy(pool, tmp_path)
