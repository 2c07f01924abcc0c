"""Temporary files that a killed process must not leave behind forever.

Every durable write in fieldapp goes to a temporary name, is synced, then renamed. A process
killed before its rename leaves the temporary file: a sealed prefix of an original, a copy of
a bundle, old key slots that a revoked passphrase would still open. The writer holds an flock
on its temporary file for as long as it writes (`hold`); the kernel drops the lock when the
process dies, so the next writer of the same kind can tell a dead file from a live one and
remove it (`remove_dead`). Without flock (Windows) the two cannot be told apart and leftovers
are kept: losing a live file would be worse than keeping a dead one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def hold(fd: int) -> None:
    """Mark the temporary file open on `fd` as live until `fd` is closed (or the process dies).

    Hold it on a descriptor that stays open until the rename or removal: closing any
    descriptor of the file in this process may drop the lock (flock locks belong to the open
    file description, which `os.dup` shares).
    """
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def remove_dead(folder: Path, pattern: str) -> int:
    """Delete the files in `folder` matching `pattern` that no living process holds; how many."""
    if fcntl is None or not folder.is_dir():
        return 0
    removed = 0
    for leftover in folder.glob(pattern):
        try:
            fd = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue  # gone already, or not ours to open
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live writer holds it
        else:
            # Removed while this process holds the lock, so no new writer can be using it.
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed += 1
        finally:
            os.close(fd)
    return removed
