"""Process-level hardening applied at start-up by both front ends (no Qt here)."""

from __future__ import annotations

import contextlib


def harden_process() -> None:
    """Refuse core dumps: a crash while the vault is open would otherwise write decrypted
    pages and the data key to disk, outside the vault, where crypto-erase cannot reach them."""
    try:
        import resource
    except ImportError:  # Windows: no core dumps by default
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
