"""The entry point the frozen app uses for media workers (it has no `python -c` to run them)."""

from __future__ import annotations

import json
import subprocess
import sys

from fieldapp.media.sandbox import MEDIA_WORKER_FLAG


def test_entry_point_runs_a_media_worker_when_asked() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", MEDIA_WORKER_FLAG, "--memory-mb", "512"],
        input=b"",
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout.splitlines()[0]) == {"ready": True}


def test_entry_point_is_the_cli_otherwise() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp", "--version"], capture_output=True, timeout=60, check=True
    )
    assert done.stdout.decode().startswith("fieldapp ")
