"""Leftover temporary files: a dead writer's are removed, a live writer's are kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fieldapp.store import tempfiles

HOLDER = """
import os, sys, time
from fieldapp.store import tempfiles
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
tempfiles.hold(fd)
print("held", flush=True)
time.sleep(60)
"""


def test_only_files_no_living_process_holds_are_removed(tmp_path: Path) -> None:
    live, dead, other = tmp_path / ".a.tmp", tmp_path / ".b.tmp", tmp_path / "keep.chmb"
    dead.write_bytes(b"half a bundle")  # its writer is gone: nobody holds it
    other.write_bytes(b"not matched")
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(live)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        assert tempfiles.remove_dead(tmp_path, ".*.tmp") == 1
        assert live.exists() and not dead.exists() and other.exists()
    finally:
        child.kill()
        child.wait()
    # Killed: the kernel dropped its lock, so its file is now a dead one.
    assert tempfiles.remove_dead(tmp_path, ".*.tmp") == 1
    assert not live.exists() and other.exists()


def test_a_file_this_process_holds_is_kept(tmp_path: Path) -> None:
    path = tmp_path / ".mine.tmp"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        tempfiles.hold(fd)
        assert tempfiles.remove_dead(tmp_path, ".*.tmp") == 0
        assert path.exists()
    finally:
        os.close(fd)
    assert tempfiles.remove_dead(tmp_path / "missing", ".*.tmp") == 0
