"""Public copies of photos: rebuilt from pixels in a sandboxed worker, then verified clean.

Why rebuild instead of stripping tags: a photo carries identifying data in many places (EXIF
with GPS and serial numbers, XMP, IPTC, ICC profiles naming a device, comments, maker notes,
embedded thumbnails that keep the uncropped picture, bytes after the end of the image). Removing
the known ones leaves the unknown ones. Decoding to pixels and encoding a new file from those
pixels alone carries nothing else over by construction. The decoding happens in a media worker
(`worker.py`, job `public_copy`) under the same memory and CPU limits as every other parse of an
untrusted file.

Then the written file is checked by our own small parser (`metadata_problems`): a JPEG may hold
only SOI, APP0 JFIF, the coding segments and EOI; a PNG only the chunks that describe pixels.
It parses our own output, so it can be strict: anything else is a problem, never a guess.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from fieldapp.media.sandbox import _parse, _Worker
from fieldapp.media.sniff import IMAGE_FORMATS, sniff_file

JPEG_QUALITY = 90
# Chunks of a PNG that carry only the picture. iCCP, eXIf, tEXt, zTXt, iTXt, tIME are not here.
PNG_PIXEL_CHUNKS = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD"}
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG markers without a length field: TEM, RSTn, SOI, EOI.
_STANDALONE = {0x01, *range(0xD0, 0xD8), 0xD8, 0xD9}
# Coding segments a baseline or progressive JPEG needs; everything else (APPn but a JFIF APP0,
# COM, JPG extensions) can carry metadata.
_CODING = {
    *range(0xC0, 0xC4),
    *range(0xC5, 0xC8),
    *range(0xC9, 0xCC),
    *range(0xCD, 0xD0),
    0xC4,  # DHT
    0xCC,  # DAC
    0xDA,  # SOS
    0xDB,  # DQT
    0xDD,  # DRI
}
_MARKER_NAMES = {0xE1: "APP1 (EXIF or XMP)", 0xE2: "APP2 (ICC profile)", 0xED: "APP13 (IPTC)"}


# --- in the worker ------------------------------------------------------------------------------
def rebuild(source: Path, dest: Path) -> dict[str, Any]:
    """Decode `source` (a whitelisted image format) and write a new file of its pixels alone.

    PNG stays PNG (lossless, may keep transparency); every other format becomes JPEG. EXIF
    orientation is applied to the pixels first, since the tag that said how to turn the picture
    does not survive. Runs inside a media worker: `source` is untrusted.
    """
    from PIL import Image, ImageOps

    media_type = sniff_file(source)
    pil_format = IMAGE_FORMATS.get(media_type)
    if pil_format is None:
        raise ValueError(f"not an image the gate can rebuild ({media_type})")
    with Image.open(source, formats=[pil_format]) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        png = pil_format == "PNG"
        wanted = "RGBA" if png and ("A" in upright.getbands() or upright.mode == "P") else "RGB"
        if upright.mode == "L" and not png:
            wanted = "L"
        try:
            pixels = upright.convert(wanted)
        except ValueError:  # no direct conversion (e.g. I;16): through grey
            pixels = upright.convert("L").convert(wanted)
    # A new image from the raw pixel bytes: no `info`, no EXIF, no palette metadata.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    with dest.open("wb") as out:
        if png:
            clean.save(out, "PNG", optimize=False)
        else:
            clean.save(out, "JPEG", quality=JPEG_QUALITY)
        out.flush()
        os.fsync(out.fileno())
    return {"format": "PNG" if png else "JPEG", "width": clean.size[0], "height": clean.size[1]}


def handle_job(request: dict[str, Any]) -> dict[str, Any]:
    """The worker's answer to a `public_copy` request; failures become an `error` answer."""
    ident = request.get("id")
    source, dest = request.get("path"), request.get("out")
    if not isinstance(source, str) or not isinstance(dest, str):
        return {"id": ident, "error": "a public_copy request needs path and out strings"}
    try:
        facts = rebuild(Path(source), Path(dest))
    except MemoryError:
        return {"id": ident, "error": "out of memory"}
    except Exception as exc:  # a hostile or broken file: the parent reports it, we keep serving
        return {"id": ident, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return {"id": ident, "public_copy": facts}


# --- the check of our own output ----------------------------------------------------------------
def metadata_problems(data: bytes) -> list[str]:
    """What in a rebuilt JPEG or PNG could carry metadata; empty means verified clean."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg_problems(data)
    if data.startswith(_PNG_SIGNATURE):
        return _png_problems(data)
    return ["the file is neither JPEG nor PNG"]


def _jpeg_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    pos = 2
    in_scan = False
    while True:
        if in_scan:
            # Entropy-coded data: 0xFF 0x00 is a stuffed byte, RSTn are markers inside the scan.
            nxt = data.find(b"\xff", pos)
            while nxt != -1 and nxt + 1 < len(data) and data[nxt + 1] in (0x00, *range(0xD0, 0xD8)):
                nxt = data.find(b"\xff", nxt + 2)
            if nxt == -1 or nxt + 1 >= len(data):
                return [*problems, "the JPEG ends inside its image data (no end marker)"]
            pos = nxt
            in_scan = False
        if pos + 2 > len(data) or data[pos] != 0xFF:
            return [*problems, f"the JPEG is not well formed at byte {pos}"]
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            if pos + 2 != len(data):
                problems.append(f"{len(data) - pos - 2} bytes follow the end of the JPEG")
            return problems
        if marker in _STANDALONE:
            pos += 2
            continue
        if pos + 4 > len(data):
            return [*problems, "the JPEG ends inside a segment header"]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            return [*problems, f"a JPEG segment at byte {pos} has a bad length"]
        body = data[pos + 4 : pos + 2 + length]
        if marker == 0xE0 and body.startswith(b"JFIF\x00"):
            pass
        elif marker == 0xFE:
            problems.append("a COM (comment) segment")
        elif marker not in _CODING:
            problems.append(f"an {_MARKER_NAMES.get(marker, f'0xFF{marker:02X}')} segment")
        pos += 2 + length
        in_scan = marker == 0xDA


def _png_problems(data: bytes) -> list[str]:
    problems: list[str] = []
    pos = len(_PNG_SIGNATURE)
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return [*problems, f"a PNG chunk at byte {pos} runs past the end of the file"]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(data[pos + 4 : end - 4]) != crc:
            problems.append(f"the PNG chunk {kind!r} at byte {pos} has a wrong checksum")
        if kind not in PNG_PIXEL_CHUNKS:
            problems.append(f"a PNG {kind.decode('latin-1')} chunk")
        pos = end
        if kind == b"IEND":
            if pos != len(data):
                problems.append(f"{len(data) - pos} bytes follow the end of the PNG")
            return problems
    return [*problems, "the PNG has no IEND chunk"]


# --- in the parent --------------------------------------------------------------------------------
class PublicCopyError(RuntimeError):
    """The photo could not be rebuilt (a hostile or broken file, or a worker that died)."""


@dataclass(frozen=True)
class PublicCopy:
    """A rebuilt photo: where it was written, its format, and what the check found in it."""

    path: Path
    format: str
    width: int
    height: int
    problems: tuple[str, ...]


class _CopyWorker(_Worker):
    """A media worker asked for `public_copy` jobs (same process, limits and start-up)."""

    def ask_copy(self, source: Path, dest: Path, timeout_s: float) -> dict[str, Any] | None:
        assert self.proc is not None and self.proc.stdin is not None
        self.next_id += 1
        request = {
            "id": self.next_id,
            "job": "public_copy",
            "path": os.path.abspath(source),
            "out": os.path.abspath(dest),
            "cpu_s": math.ceil(timeout_s) + 1,
        }
        try:
            self.proc.stdin.write(_json_line(request))
            self.proc.stdin.flush()
        except (OSError, ValueError):
            self.kill()
            return None
        line = self._next_line(timeout_s)
        answer = _parse(line) if line else {}
        if answer.get("id") != self.next_id:
            self.kill()  # hung or died: the next photo gets a fresh process
            return None
        return answer


def _json_line(value: dict[str, Any]) -> bytes:
    return json.dumps(value).encode("utf-8") + b"\n"


class PhotoRebuilder:
    """One sandboxed worker that rebuilds photos; use as a context manager."""

    # 1 GiB of address space, as for imports: a 50-megapixel photo (measured) rebuilds within it,
    # and Pillow refuses anything much larger as a decompression bomb anyway.
    def __init__(self, timeout_s: float = 60.0, memory_mb: int = 1024) -> None:
        self.timeout_s = timeout_s
        self._worker = _CopyWorker(memory_mb)
        self._worker.start()

    def __enter__(self) -> PhotoRebuilder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._worker.stop()

    def rebuild(self, source: Path, dest_dir: Path, stem: str) -> PublicCopy:
        """Rebuild `source` into `dest_dir/<stem>.jpg|.png` and verify the result.

        Raises PublicCopyError when the worker could not decode the file; a rebuilt file that
        still carries a metadata segment comes back with its `problems` listed.
        """
        tmp = dest_dir / f".{stem}.rebuilt"
        self._worker.ensure_ready()
        answer = self._worker.ask_copy(Path(source), tmp, self.timeout_s)
        if answer is None:
            tmp.unlink(missing_ok=True)
            raise PublicCopyError("the photo could not be decoded in time (worker stopped)")
        facts = answer.get("public_copy")
        if not isinstance(facts, dict):
            self._worker.kill()  # an error answer: the next photo starts on a clean process
            tmp.unlink(missing_ok=True)
            raise PublicCopyError(f"the photo could not be decoded: {answer.get('error')}")
        fmt = "PNG" if facts.get("format") == "PNG" else "JPEG"
        final = dest_dir / (stem + (".png" if fmt == "PNG" else ".jpg"))
        os.replace(tmp, final)
        problems = tuple(metadata_problems(final.read_bytes()))
        return PublicCopy(
            final, fmt, int(facts.get("width", 0)), int(facts.get("height", 0)), problems
        )
