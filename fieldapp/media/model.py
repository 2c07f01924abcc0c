"""What the media worker found in one file: plain facts, no Qt, no database.

The worker runs in another process, so these values cross a pipe as JSON; `from_dict` is strict
because a worker that was fed a hostile file is exactly the process we trust least.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

# Every flag a file can earn. They mark an evidence item; none of them ever stops an import.
FLAGS = (
    "no_exif",
    "gps_invalid",
    "metadata_unavailable",
    "unrenderable",
    "trailing_data",
    "timeout",
)

OCTET_STREAM = "application/octet-stream"

_MEDIA_TYPE_RE = re.compile(r"[a-z]+/[a-z0-9.+-]+")
_OFFSET_RE = re.compile(r"[+-](?:[01]\d|2[0-3]):[0-5]\d")
_STR_FIELDS = (
    "image_format",
    "capture_time",
    "capture_offset",
    "gps_lat",
    "gps_lon",
    "gps_alt_m",
    "gps_direction",
    "make",
    "model",
)
_INT_FIELDS = ("width", "height", "orientation")
# Text read from EXIF is attacker-chosen; a camera make is never longer than this.
MAX_TEXT = 200


@dataclass(frozen=True)
class MediaInfo:
    """Metadata of one file, as far as it could be read safely.

    Every field but `media_type` and `flags` may be None: a photo without GPS, a PDF, or a file
    whose parsing failed (then a flag says so) all give partial facts rather than an error.
    """

    media_type: str
    image_format: str | None = None
    width: int | None = None
    height: int | None = None
    capture_time: str | None = None
    capture_offset: str | None = None
    gps_lat: str | None = None
    gps_lon: str | None = None
    gps_alt_m: str | None = None
    gps_direction: str | None = None
    make: str | None = None
    model: str | None = None
    orientation: int | None = None
    flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [f for f in self.flags if f not in FLAGS]
        if unknown:
            raise ValueError(f"unknown media flag(s) {unknown}; known: {', '.join(FLAGS)}")
        if len(set(self.flags)) != len(self.flags):
            raise ValueError(f"media flags repeat: {list(self.flags)}")
        if not _MEDIA_TYPE_RE.fullmatch(self.media_type):
            raise ValueError(f"media type must look like 'image/jpeg' (got {self.media_type!r})")
        if self.capture_offset is not None and not _OFFSET_RE.fullmatch(self.capture_offset):
            raise ValueError(
                f"capture offset must look like '+03:00' (got {self.capture_offset!r})"
            )

    def has(self, flag: str) -> bool:
        """True when `flag` was raised; refuses unknown names so a typo cannot read as 'no'."""
        if flag not in FLAGS:
            raise ValueError(f"unknown media flag {flag!r}; known: {', '.join(FLAGS)}")
        return flag in self.flags

    def to_dict(self) -> dict[str, Any]:
        """Strings, integers, None and a list of flags: fits canonical JSON (no floats)."""
        data = asdict(self)
        data["flags"] = list(self.flags)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> MediaInfo:
        """Rebuild from `to_dict` output, refusing anything else (unknown keys, wrong types)."""
        if not isinstance(data, dict):
            raise ValueError(f"media info must be an object (got {type(data).__name__})")
        names = {f.name for f in fields(cls)}
        extra = sorted(set(data) - names)
        if extra:
            raise ValueError(f"media info has unknown key(s) {extra}")
        if not isinstance(data.get("media_type"), str):
            raise ValueError("media info needs a media_type string")
        for name in _STR_FIELDS:
            value = data.get(name)
            if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
                raise ValueError(f"media info {name} must be a short string or null")
        for name in _INT_FIELDS:
            value = data.get(name)
            if value is not None and (type(value) is not int or value < 0):
                raise ValueError(f"media info {name} must be a non-negative integer or null")
        flags = data.get("flags", [])
        if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
            raise ValueError("media info flags must be a list of strings")
        kwargs = {k: v for k, v in data.items() if k != "flags"}
        return cls(**kwargs, flags=tuple(flags))


@dataclass(frozen=True)
class MediaResult:
    """The facts plus a small JPEG preview (at most 256 px, orientation applied, no metadata)."""

    info: MediaInfo
    thumbnail_jpeg: bytes | None = None


def with_flags(info: MediaInfo, *extra: str) -> MediaInfo:
    """`info` with more flags, kept in the order of FLAGS so equal facts compare equal."""
    wanted = set(info.flags) | set(extra)
    return replace(info, flags=tuple(f for f in FLAGS if f in wanted))
