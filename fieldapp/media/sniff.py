"""The media type of a file from its first bytes, never from its name.

A `.jpg` that is really a TIFF, a PSD or a ZIP must be treated as what it is (SECURITY.md F4), and
a 10 GB video must not be read to learn that it is a video (F15): only `HEAD_BYTES` are looked at.
"""

from __future__ import annotations

from pathlib import Path

from fieldapp.media.model import OCTET_STREAM, MediaInfo

HEAD_BYTES = 4096

# The media types we hand to an image decoder, with the one Pillow format each may be opened as.
# Nothing else ever reaches a decoder: a PSD, FITS or FPX behind a .jpg name stays opaque (F4).
IMAGE_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}

# ISO base media (ftyp) brands; HEIF still images first, then the video/audio families.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}
_QUICKTIME_BRANDS = {b"qt  "}
_AUDIO_MP4_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_3GP_PREFIX = b"3g"

# (prefix, media type) for formats recognised by a fixed signature at offset 0.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"8BPS", "image/vnd.adobe.photoshop"),
    (b"SIMPLE  =", "image/fits"),
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"PK\x05\x06", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
    (b"ID3", "audio/mpeg"),
    (b"#!AMR", "audio/amr"),
    (b"\x1aE\xdf\xa3", "video/x-matroska"),
)


def sniff_bytes(head: bytes) -> str:
    """The media type the leading bytes prove, or application/octet-stream.

    Only signatures are trusted; anything unrecognised is opaque rather than guessed, because a
    wrong "image/…" would send the file to an image decoder it was never meant for.
    """
    if head[4:8] == b"ftyp":
        return _sniff_ftyp(head)
    if head[:4] == b"RIFF" and len(head) >= 12:
        kind = head[8:12]
        if kind == b"WEBP":
            return "image/webp"
        if kind == b"WAVE":
            return "audio/wav"
        if kind == b"AVI ":
            return "video/x-msvideo"
        return OCTET_STREAM
    for prefix, media_type in _SIGNATURES:
        if head.startswith(prefix):
            return media_type
    # MPEG audio frame sync without an ID3 tag (11 set bits, layer bits not 00).
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "audio/mpeg"
    return OCTET_STREAM


def _sniff_ftyp(head: bytes) -> str:
    size = int.from_bytes(head[:4], "big")
    box = head[8 : max(16, min(size, len(head)))]
    major = box[:4]
    # compatible brands follow the 4-byte minor version
    brands = {major} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _AVIF_BRANDS:
        return "image/avif"
    if brands & _HEIF_BRANDS:
        return "image/heif"
    if major in _QUICKTIME_BRANDS:
        return "video/quicktime"
    if major in _AUDIO_MP4_BRANDS:
        return "audio/mp4"
    if major.startswith(_3GP_PREFIX):
        return "video/3gpp"
    return "video/mp4"


def sniff_file(path: Path) -> str:
    """Sniff a file by reading only its first few kilobytes (a large video stays unread)."""
    with path.open("rb") as handle:
        return sniff_bytes(handle.read(HEAD_BYTES))


def opaque_info(media_type: str) -> MediaInfo:
    """Facts for a file we do not decode: its type only (an unsupported image is unrenderable)."""
    flags = ("unrenderable",) if media_type.startswith("image/") else ()
    return MediaInfo(media_type=media_type, flags=flags)
