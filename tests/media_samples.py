"""Photos and hostile files for the media tests, made here from code (SECURITY.md section F).

EXIF blocks are assembled byte by byte with `struct`, because the hostile cases (a MakerNote
count of two billion, an IFD that points at itself, a zero denominator) are exactly what
well-behaved writers such as Pillow refuse to produce.

Run `python -m tests.media_samples` once to regenerate `tests/data/sample.heic`.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PIL.TiffImagePlugin import IFDRational

DATA = Path(__file__).resolve().parent / "data"
SAMPLE_HEIC = DATA / "sample.heic"

BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7
_SIZES = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1}

TAG_MAKE, TAG_MODEL, TAG_ORIENTATION = 0x010F, 0x0110, 0x0112
TAG_EXIF_IFD, TAG_GPS_IFD = 0x8769, 0x8825
TAG_DATETIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL, TAG_MAKERNOTE = 0x9003, 0x9011, 0x927C


@dataclass(frozen=True)
class Tag:
    """One IFD entry. `count` may lie about `data` (that is the point of some samples);
    `offset` forces the value pointer instead of laying the data out."""

    tag: int
    type: int
    data: bytes
    count: int | None = None
    offset: int | None = None


def ascii_tag(tag: int, text: str) -> Tag:
    raw = text.encode("ascii") + b"\x00"
    return Tag(tag, ASCII, raw)


def short_tag(tag: int, value: int) -> Tag:
    return Tag(tag, SHORT, struct.pack(">H", value))


def rational_tag(tag: int, *pairs: tuple[int, int]) -> Tag:
    return Tag(tag, RATIONAL, b"".join(struct.pack(">II", n, d) for n, d in pairs))


def gps_tags(
    lat: tuple[tuple[int, int], ...] = ((33, 1), (18, 1), (5472, 100)),
    lat_ref: str = "N",
    lon: tuple[tuple[int, int], ...] = ((44, 1), (22, 1), (1, 1)),
    lon_ref: str = "E",
) -> list[Tag]:
    """A GPS IFD; defaults are Baghdad-ish: 33.315200 N, 44.366944 E."""
    return [
        ascii_tag(1, lat_ref),
        rational_tag(2, *lat),
        ascii_tag(3, lon_ref),
        rational_tag(4, *lon),
    ]


def _ifd_size(tags: list[Tag]) -> int:
    return 2 + 12 * len(tags) + 4


def build_tiff(
    ifd0: list[Tag],
    exif: list[Tag] | None = None,
    gps: list[Tag] | None = None,
    *,
    next_ifd: int = 0,
    exif_pointer: int | None = None,
) -> bytes:
    """A big-endian TIFF/EXIF structure: IFD0, then the EXIF and GPS IFDs, then value data."""
    ifd0 = list(ifd0)
    if exif is not None:
        ifd0.append(Tag(TAG_EXIF_IFD, LONG, b"\x00" * 4))
    if gps is not None:
        ifd0.append(Tag(TAG_GPS_IFD, LONG, b"\x00" * 4))
    off0 = 8
    off_exif = off0 + _ifd_size(ifd0)
    off_gps = off_exif + (_ifd_size(exif) if exif is not None else 0)
    data_at = off_gps + (_ifd_size(gps) if gps is not None else 0)
    pointers = {TAG_EXIF_IFD: off_exif if exif_pointer is None else exif_pointer}
    pointers[TAG_GPS_IFD] = off_gps
    ifd0 = [
        Tag(t.tag, LONG, struct.pack(">I", pointers[t.tag]))
        if t.tag in pointers and t.type == LONG
        else t
        for t in ifd0
    ]
    data = bytearray()
    parts = []
    for tags, nxt in ((ifd0, next_ifd), (exif, 0), (gps, 0)):
        if tags is None:
            continue
        body = bytearray(struct.pack(">H", len(tags)))
        for entry in sorted(tags, key=lambda t: t.tag):
            count = entry.count
            if count is None:
                count = len(entry.data) // _SIZES[entry.type]
            if entry.offset is not None:
                value = struct.pack(">I", entry.offset)
                if entry.data:
                    data.extend(entry.data)
            elif len(entry.data) <= 4:
                value = entry.data.ljust(4, b"\x00")
            else:
                if len(data) % 2:
                    data.append(0)
                value = struct.pack(">I", data_at + len(data))
                data.extend(entry.data)
            body.extend(struct.pack(">HHI", entry.tag, entry.type, count) + value)
        body.extend(struct.pack(">I", nxt))
        parts.append(bytes(body))
    return b"MM\x00*" + struct.pack(">I", off0) + b"".join(parts) + bytes(data)


def with_exif_segment(jpeg: bytes, tiff: bytes) -> bytes:
    """`jpeg` with an APP1 Exif segment inserted right after SOI."""
    payload = b"Exif\x00\x00" + tiff
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def plain_jpeg(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return out.getvalue()


def noise_jpeg(size: tuple[int, int] = (512, 384)) -> bytes:
    """A JPEG whose scan data is large (random pixels), so cutting it loses real pixels."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, _pseudo_random(size[0] * size[1] * 3)).save(out, "JPEG")
    return out.getvalue()


def _pseudo_random(n: int) -> bytes:
    return random.Random(3).randbytes(n)  # seeded: the same file in every run


def jpeg_with_tags(
    ifd0: list[Tag],
    exif: list[Tag] | None = None,
    gps: list[Tag] | None = None,
    **kwargs: int,
) -> bytes:
    return with_exif_segment(plain_jpeg(), build_tiff(ifd0, exif, gps, **kwargs))


def camera_ifd0() -> list[Tag]:
    return [
        ascii_tag(TAG_MAKE, "Canon"),
        ascii_tag(TAG_MODEL, "EOS R6"),
        short_tag(TAG_ORIENTATION, 1),
    ]


def capture_exif(when: str = "2024:05:01 10:20:30", offset: str = "+03:00") -> list[Tag]:
    return [ascii_tag(TAG_DATETIME_ORIGINAL, when), ascii_tag(TAG_OFFSET_TIME_ORIGINAL, offset)]


def gps_photo() -> bytes:
    """A well-formed camera JPEG with GPS, altitude, direction and capture time."""
    gps = [
        *gps_tags(),
        Tag(5, BYTE, b"\x00"),
        rational_tag(6, (3455, 10)),
        rational_tag(0x11, (1805, 10)),
    ]
    return jpeg_with_tags(camera_ifd0(), capture_exif(), gps)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bilevel_png(width: int, height: int) -> bytes:
    """A 1-bit PNG of `width` x `height` zeros: a few KB that inflate to width*height/8 bytes
    and, decoded, to width*height pixels (the decompression-bomb shape, F1/F2)."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def flat_png(width: int, height: int, *, rgb: bool = False) -> bytes:
    """An 8-bit grey (or RGB) PNG of zeros: small on disk, large once decoded (legitimately:
    below the pixel limit), for the timeout and memory-limit tests."""
    channels = 3 if rgb else 1
    row = b"\x00" + b"\x00" * (width * channels)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2 if rgb else 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", body)
        + _png_chunk(b"IEND", b"")
    )


def tiff_image() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(out, "TIFF")
    return out.getvalue()


def psd_image(width: int = 8, height: int = 6) -> bytes:
    """A minimal valid Photoshop file (RGB, raw): Pillow would decode it if we let it (F4)."""
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    sections = struct.pack(">III", 0, 0, 0)  # colour mode data, image resources, layers
    pixels = struct.pack(">H", 0) + b"\x80" * (3 * width * height)
    return header + sections + pixels


def fits_image(width: int = 8, height: int = 6) -> bytes:
    """A minimal FITS file, another format Pillow would otherwise open behind a .jpg name."""
    cards = [
        "SIMPLE  =                    T",
        "BITPIX  =                    8",
        "NAXIS   =                    2",
        f"NAXIS1  = {width:20d}",
        f"NAXIS2  = {height:20d}",
        "END",
    ]
    header = "".join(c.ljust(80) for c in cards).encode("ascii")
    header = header.ljust(2880, b" ")
    data = (b"\x40" * (width * height)).ljust(2880, b"\x00")
    return header + data


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.txt", "hidden after the picture")
    return out.getvalue()


def oriented_jpeg(orientation: int = 6) -> bytes:
    """64x32: left half red, right half blue, with an EXIF orientation tag."""
    image = Image.new("RGB", (64, 32), (255, 0, 0))
    image.paste((0, 0, 255), (32, 0, 64, 32))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    tiff = build_tiff([short_tag(TAG_ORIENTATION, orientation)])
    return with_exif_segment(out.getvalue(), tiff)


def make_sample_heic(path: Path = SAMPLE_HEIC) -> None:
    """The committed HEIC sample: a phone-like photo with make, model, time and GPS."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (96, 64), (255, 0, 0))
    image.paste((0, 0, 255), (48, 0, 96, 64))
    exif = Image.Exif()
    exif[TAG_MAKE] = "Apple"
    exif[TAG_MODEL] = "iPhone 15"
    sub = exif.get_ifd(TAG_EXIF_IFD)
    sub[TAG_DATETIME_ORIGINAL] = "2024:05:01 10:20:30"
    sub[TAG_OFFSET_TIME_ORIGINAL] = "+03:00"
    gps = exif.get_ifd(TAG_GPS_IFD)
    gps[1] = "N"
    gps[2] = (IFDRational(33), IFDRational(18), IFDRational(5472, 100))
    gps[3] = "E"
    gps[4] = (IFDRational(44), IFDRational(22), IFDRational(1))
    image.save(path, format="HEIF", exif=exif.tobytes(), quality=60)


def heic_with_huge_exif_offset(sample: bytes) -> bytes:
    """The HEIC sample with its Exif item's TIFF-header offset set to ~4 GB (F11)."""
    tiff_at = sample.find(b"MM\x00*")
    if tiff_at < 10 or sample[tiff_at - 6 : tiff_at] != b"Exif\x00\x00":
        raise ValueError("sample.heic has no Exif item in the expected layout")
    data = bytearray(sample)
    data[tiff_at - 10 : tiff_at - 6] = struct.pack(">I", 0xFFFFFF00)
    return bytes(data)


if __name__ == "__main__":
    make_sample_heic()
    print(f"wrote {SAMPLE_HEIC} ({SAMPLE_HEIC.stat().st_size} bytes)")


def jpeg_with_exif_thumbnail(main_color: str = "red", thumb_color: str = "lime") -> bytes:
    """A photo whose EXIF IFD1 carries a thumbnail of a *different* picture: previews must come
    from the real pixels, never from this (it survives many edits of the main image)."""
    thumb = plain_jpeg((32, 24), thumb_color)
    ifd0 = [ascii_tag(TAG_MAKE, "Canon")]
    first = build_tiff(ifd0, next_ifd=0)
    ifd1_at = len(first)
    tiff = build_tiff(ifd0, next_ifd=ifd1_at)
    thumb_at = ifd1_at + 2 + 2 * 12 + 4
    ifd1 = (
        struct.pack(">H", 2)
        + struct.pack(">HHII", 0x0201, LONG, 1, thumb_at)
        + struct.pack(">HHII", 0x0202, LONG, 1, len(thumb))
        + struct.pack(">I", 0)
    )
    return with_exif_segment(plain_jpeg((640, 480), main_color), tiff + ifd1 + thumb)
