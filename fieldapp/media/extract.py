"""The analysis of one file, as the worker process runs it (never call this in the GUI process).

Decoders for hostile images are where memory blow-ups and hangs happen, so this code runs only in
`fieldapp.media.worker`, under resource limits, and the parent enforces a wall-clock timeout.
Every failure here becomes a flag on the result; nothing is raised to the caller.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pillow_heif
from PIL import Image, ImageFile

from fieldapp.media.exifdata import ExifFacts, facts_from_pillow, read_exif
from fieldapp.media.model import MediaInfo, MediaResult, with_flags
from fieldapp.media.sniff import IMAGE_FORMATS, opaque_info, sniff_file
from fieldapp.media.trailing import has_trailing_data

THUMBNAIL_PX = 256
THUMBNAIL_QUALITY = 80
# EXIF orientation -> the transpose that shows the picture upright (as ImageOps.exif_transpose).
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def configure_decoders() -> None:
    """Make Pillow strict: bomb warnings are errors (F1, F2), truncated files fail (F3)."""
    pillow_heif.register_heif_opener()
    Image.init()  # load every plugin now, not while the first file's timeout is running
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def analyse(path: Path, *, thumbnail: bool = True) -> MediaResult:
    """Facts and (for a whitelisted image that decodes) a clean thumbnail of one file."""
    media_type = sniff_file(path)
    pil_format = IMAGE_FORMATS.get(media_type)
    if pil_format is None:
        return MediaResult(opaque_info(media_type), None)
    extra: list[str] = []
    try:
        if has_trailing_data(path, media_type):
            extra.append("trailing_data")
    except (OSError, ValueError):
        pass  # an unreadable tail is for the decoder below to report
    facts = read_exif(path)
    try:
        image = Image.open(path, formats=[pil_format])
    except Exception:  # bomb, broken header, a whitelisted name on a foreign body: unrenderable
        return MediaResult(with_flags(_info(media_type, facts), *extra, "unrenderable"), None)
    with image:
        pillow_exif = _pillow_exif(image)
        if (facts.failed or not facts.found) and pillow_exif is not None:
            # Cross-check with Pillow's reader before calling the metadata missing.
            pillow_facts = facts_from_pillow(pillow_exif)
            if pillow_facts.found and not pillow_facts.failed:
                facts = pillow_facts
        if pil_format == "HEIF" and not _heif_exif_offsets_sane(image):
            extra.append("metadata_unavailable")
            facts = ExifFacts(found=True)  # a broken pointer: none of that EXIF is believable
        info = _info(media_type, facts)
        orientation = _orientation(pillow_exif, pil_format, facts)
        info = replace(
            info,
            image_format=image.format,
            width=image.width,
            height=image.height,
            orientation=orientation,
        )
        info = with_flags(info, *extra)
        try:
            if thumbnail:
                return MediaResult(info, _thumbnail(image, orientation))
            image.load()  # verify() passes truncated files (F3); only a decode proves pixels
        except Exception:  # MemoryError, truncated data, a decoder error, a bomb warning
            return MediaResult(with_flags(info, "unrenderable"), None)
    return MediaResult(info, None)


def _info(media_type: str, facts: ExifFacts) -> MediaInfo:
    flags: list[str] = []
    if facts.failed:
        flags.append("metadata_unavailable")
    elif not facts.found:
        flags.append("no_exif")
    if facts.gps_invalid:
        flags.append("gps_invalid")
    info = MediaInfo(
        media_type=media_type,
        capture_time=facts.capture_time,
        capture_offset=facts.capture_offset,
        gps_lat=facts.gps_lat,
        gps_lon=facts.gps_lon,
        gps_alt_m=facts.gps_alt_m,
        gps_direction=facts.gps_direction,
        make=facts.make,
        model=facts.model,
        orientation=facts.orientation,
    )
    return with_flags(info, *flags)


def _pillow_exif(image: Image.Image) -> Image.Exif | None:
    """Pillow's view of the EXIF without decoding pixels (None when Pillow cannot parse it)."""
    try:
        if image.format == "PNG":
            # PngImageFile.getexif() decodes the whole image to look for a late eXIf chunk:
            # that would bypass draft mode and the thumbnail's error handling. exifread has
            # already read late chunks; here only the header's copy counts.
            exif = Image.Exif()
            raw = image.info.get("exif")
            if isinstance(raw, bytes):
                exif.load(raw)
            return exif
        return image.getexif()
    except Exception:  # a broken EXIF block in Pillow is no reason to drop the picture
        return None


def _orientation(exif: Image.Exif | None, pil_format: str, facts: ExifFacts) -> int | None:
    """The orientation the thumbnail applies, so the reported value matches the preview."""
    value = exif.get(0x0112) if exif is not None else None
    if type(value) is int and 1 <= value <= 8:
        return value
    if pil_format == "HEIF":
        # libheif applies the container's rotation while decoding; pillow-heif resets the EXIF
        # orientation to match, so there is nothing left to apply.
        return 1 if facts.orientation is not None else None
    return facts.orientation


def _heif_exif_offsets_sane(image: Image.Image) -> bool:
    """False when a HEIF Exif item's TIFF-header offset points outside the item (F11).

    pillow-heif quietly guesses past such an offset; we would rather flag the item. The raw
    blocks are only reachable on pillow-heif's C image, so a version without it skips the check.
    """
    heif = getattr(image, "_heif_file", None)
    blocks: Any = None
    try:
        c_image = heif[0]._c_image if heif is not None else None
        blocks = getattr(c_image, "metadata", None)
    except Exception:
        return True
    if not isinstance(blocks, list):
        return True
    for block in blocks:
        if not isinstance(block, dict) or block.get("type") != "Exif":
            continue
        data = block.get("data")
        if not isinstance(data, bytes) or len(data) < 4:
            return False
        offset = int.from_bytes(data[:4], "big")
        if 4 + offset + 8 > len(data):  # no room for even a TIFF header after the offset
            return False
    return True


def _thumbnail(image: Image.Image, orientation: int | None) -> bytes:
    if image.format == "JPEG":
        # Draft decoding scales in the JPEG decoder (2-3x faster); it must come before any
        # transpose, which is why orientation is applied to the small image afterwards.
        image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))
    image.load()
    small: Image.Image = image
    try:
        # Shrink first, in the image's own mode: converting 12 MP to RGBA first costs more.
        small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    except ValueError:  # a mode the resampler does not take (some 16-bit and float scans)
        small = _to_rgb(image)
        small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    if small.mode not in ("RGB", "L"):
        small = _to_rgb(small)
    method = _TRANSPOSE.get(orientation or 1)
    if method is not None:
        small = small.transpose(method)
    # A fresh image carries no EXIF, XMP, ICC or comment of the original into the preview.
    clean = Image.new("RGB", small.size)
    clean.paste(small.convert("RGB"))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def _to_rgb(image: Image.Image) -> Image.Image:
    if "A" in image.getbands() or image.mode == "P":
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    try:
        return image.convert("RGB")
    except ValueError:  # no direct conversion (e.g. I;16): through grey
        return image.convert("L").convert("RGB")
