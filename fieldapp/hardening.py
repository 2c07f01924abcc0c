"""Process-level hardening applied at start-up by both front ends (no Qt here)."""

from __future__ import annotations

import contextlib
import ctypes
import sys

# glibc's mallopt parameter for the size from which an allocation is its own mapping.
_M_MMAP_THRESHOLD = -3
_LARGE_BUFFER = 1 << 20


def _return_large_buffers() -> None:
    """Make every allocation of 1 MiB or more its own mapping, returned to the system when freed.

    Exports, imports and ingest move 4 MiB buffers through several threads. glibc raises its
    mapping threshold after the first such buffer is freed, so later ones land in per-thread
    heaps that keep their pages: a 1 GB + 100k-version export peaked at 308 MB instead of 149 MB
    (benchmarks/sync_bundle.py). A fixed threshold keeps memory flat for any bundle size. No
    effect, and no error, where the C library is not glibc.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, _LARGE_BUFFER)


def harden_process() -> None:
    """Refuse core dumps: a crash while the vault is open would otherwise write decrypted
    pages and the data key to disk, outside the vault, where crypto-erase cannot reach them.
    Also keeps memory flat under large transfers (`_return_large_buffers`)."""
    _return_large_buffers()
    try:
        import resource
    except ImportError:  # Windows: no core dumps by default
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
