"""Photo and file metadata, read in sandboxed worker processes (no Qt, no database).

Give a plaintext path, get facts (`MediaInfo`) and a clean thumbnail. See `sandbox.py` for why
parsing happens in another process.
"""

from __future__ import annotations

from fieldapp.media.model import FLAGS, MediaInfo, MediaResult
from fieldapp.media.sandbox import MediaSandbox, MediaWorkerError, inspect_file, inspect_json

__all__ = [
    "FLAGS",
    "MediaInfo",
    "MediaResult",
    "MediaSandbox",
    "MediaWorkerError",
    "inspect_file",
    "inspect_json",
]
