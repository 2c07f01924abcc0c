"""The worker pool: limits are real, a hung or dead worker is replaced, and the caller always
gets a result for a file's content (errors only for a path that is not a file)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.media import MediaResult, MediaSandbox, inspect_file, inspect_json
from tests import media_samples as m

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def big_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """81 megapixels of grey: legitimate (under the pixel limit), but slow and large to decode."""
    path = tmp_path_factory.mktemp("big") / "big.png"
    path.write_bytes(m.flat_png(9000, 9000))
    return path


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(m.gps_photo())
    return path


@pytest.fixture(scope="module")
def sandbox() -> Iterator[MediaSandbox]:
    with MediaSandbox(workers=2, timeout_s=30.0) as pool:
        yield pool


def _limits(pid: int) -> dict[str, str]:
    rows = Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]
    return {row[:26].strip(): row[26:47].strip() for row in rows}


def test_worker_runs_under_memory_cpu_and_core_limits(photo: Path) -> None:
    with MediaSandbox(workers=1, memory_mb=512) as pool:
        pool.process(photo)
        (pid,) = pool.worker_pids
        limits = _limits(pid)
    assert limits["Max address space"] == str(512 * 1024 * 1024)
    assert limits["Max cpu time"] != "unlimited"
    assert limits["Max core file size"] == "0"


def test_hung_worker_is_killed_and_replaced(big_png: Path, photo: Path) -> None:
    with MediaSandbox(workers=1, timeout_s=30.0) as pool:
        pool.process(photo)  # started and warm: what times out below is the decode itself
        (first_pid,) = pool.worker_pids
        pool.timeout_s = 0.01
        result = pool.process(big_png)
        assert result.info.media_type == "image/png"
        assert result.info.flags == ("metadata_unavailable", "unrenderable", "timeout")
        assert result.thumbnail_jpeg is None
        assert pool.worker_pids == []  # killed, not left running in the background
        with pytest.raises(ProcessLookupError):
            os.kill(first_pid, 0)
        pool.timeout_s = 30.0
        again = pool.process(photo)
        assert again.info.gps_lat == "33.315200"
        assert pool.worker_pids != [first_pid]


def test_memory_limit_fails_only_the_picture(tmp_path: Path, photo: Path) -> None:
    huge = tmp_path / "huge.png"
    huge.write_bytes(m.flat_png(9000, 9000, rgb=True))  # 243 MB decoded
    with MediaSandbox(workers=1, memory_mb=256) as pool:
        result = pool.process(huge)
        assert result.info.flags == ("no_exif", "unrenderable")
        assert (result.info.width, result.info.height) == (9000, 9000)  # header facts kept
        assert pool.process(photo).info.gps_lon == "44.366944"


def test_dead_worker_is_restarted(sandbox: MediaSandbox, photo: Path) -> None:
    sandbox.process(photo)
    for pid in sandbox.worker_pids:
        os.kill(pid, signal.SIGKILL)
    results = [sandbox.process(photo) for _ in range(3)]
    assert all(r.info.gps_lat == "33.315200" for r in results)
    assert len(sandbox.worker_pids) == 2


def test_process_many_keeps_order_and_uses_every_worker(
    sandbox: MediaSandbox, tmp_path: Path
) -> None:
    paths = []
    for i in range(8):
        path = tmp_path / f"p{i}.jpg"
        path.write_bytes(m.gps_photo() if i % 2 else m.plain_jpeg())
        paths.append(path)
    missing = tmp_path / "gone.jpg"
    paths.insert(3, missing)
    before = sandbox.answered_per_worker
    results = list(sandbox.process_many(paths))
    assert [p for p, _ in results] == paths
    flags = {p.name: r.info.flags for p, r in results}
    assert flags["gone.jpg"] == ("metadata_unavailable",)
    assert flags["p0.jpg"] == ("no_exif",) and flags["p1.jpg"] == ()
    served = [b - a for a, b in zip(before, sandbox.answered_per_worker, strict=True)]
    assert sum(served) == 8
    assert all(n > 0 for n in served)


def test_paths_that_are_not_files_raise(sandbox: MediaSandbox, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        sandbox.process(tmp_path / "nothing.jpg")
    with pytest.raises(IsADirectoryError, match="not a regular file"):
        sandbox.process(tmp_path)
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO"):
        sandbox.process(fifo)  # refused without opening it (opening would block)


def test_arguments_and_closed_sandbox(photo: Path) -> None:
    with pytest.raises(ValueError, match="workers"):
        MediaSandbox(workers=0)
    with pytest.raises(ValueError, match="timeout"):
        MediaSandbox(timeout_s=0)
    with pytest.raises(ValueError, match="memory_mb"):
        MediaSandbox(memory_mb=64)
    pool = MediaSandbox(workers=1)
    pids = pool.worker_pids
    pool.close()
    pool.close()
    assert pool.worker_pids == []
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(RuntimeError, match="closed"):
        pool.process(photo)


def test_inspect_file_and_json(photo: Path) -> None:
    assert inspect_file(photo).info.make == "Canon"
    data = json.loads(inspect_json(photo))
    assert data["path"] == str(photo)
    assert data["gps_lat"] == "33.315200" and data["capture_offset"] == "+03:00"
    assert data["flags"] == []
    assert data["thumbnail_bytes"] > 0


def test_module_entry_point(photo: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ok = subprocess.run(
        [sys.executable, "-m", "fieldapp.media", str(photo)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["make"] == "Canon"
    bad = subprocess.run(
        [sys.executable, "-m", "fieldapp.media", str(tmp_path / "missing.jpg")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 1
    assert "missing.jpg" in bad.stderr and "No such file" in bad.stderr


def test_worker_answers_garbage_with_errors_and_keeps_serving(photo: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    lines = [
        "this is not json",
        json.dumps({"id": "seven"}),
        json.dumps({"id": 2}),
        json.dumps({"id": 3, "path": str(photo), "thumbnail": False, "cpu_s": 10}),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "fieldapp.media.worker", "--memory-mb", "512"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert answers[0] == {"ready": True}
    assert "not JSON" in answers[1]["error"]
    assert "integer id" in answers[2]["error"]
    assert answers[3] == {"id": 2, "error": "request needs a path string"}
    assert answers[4]["id"] == 3 and answers[4]["info"]["make"] == "Canon"
    assert answers[4]["thumbnail"] is None


def test_process_many_can_be_abandoned(sandbox: MediaSandbox, tmp_path: Path) -> None:
    paths = []
    for i in range(20):
        path = tmp_path / f"q{i}.jpg"
        path.write_bytes(m.plain_jpeg())
        paths.append(path)
    batch = sandbox.process_many(p for p in paths)  # any iterable, consumed lazily
    first_path, first = next(batch)
    batch.close()  # a cancelled import
    assert first_path == paths[0] and first.info.flags == ("no_exif",)
    served_before = sum(sandbox.answered_per_worker)
    assert sandbox.process(paths[-1]).info.flags == ("no_exif",)
    assert sum(sandbox.answered_per_worker) == served_before + 1  # nothing left running behind


def test_worker_imports_nothing_from_the_evidence_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import folder with `exifread.py` or `PIL/` in it must not run them in the worker."""
    folder = tmp_path / "import-me"
    (folder / "PIL").mkdir(parents=True)
    marker = tmp_path / "ran"
    payload = f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
    (folder / "exifread.py").write_text(payload)
    (folder / "PIL" / "__init__.py").write_text(payload)
    photo = folder / "photo.jpg"
    photo.write_bytes(m.gps_photo())
    monkeypatch.chdir(folder)
    monkeypatch.setenv("PYTHONPATH", str(folder))
    with MediaSandbox(workers=1) as pool:
        result = pool.process(Path("photo.jpg"))  # relative to the folder, as a CLI user types
    assert result.info.gps_lat == "33.315200"
    assert not marker.exists()


def test_workers_are_recycled(photo: Path) -> None:
    with pytest.raises(ValueError, match="recycle_after"):
        MediaSandbox(recycle_after=0)
    with MediaSandbox(workers=1, recycle_after=2) as pool:
        pool.process(photo)
        (first,) = pool.worker_pids
        pool.process(photo)
        assert pool.worker_pids == []  # stopped after its second file
        assert pool.process(photo).info.make == "Canon"
        (second,) = pool.worker_pids
    assert second != first


def test_close_from_another_thread_stops_work_in_flight(big_png: Path, photo: Path) -> None:
    pool = MediaSandbox(workers=1, timeout_s=120.0)
    pool.process(photo)  # warm
    (pid,) = pool.worker_pids
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(pool.process(big_png))
        except RuntimeError as exc:
            outcome.append(exc)

    worker_thread = threading.Thread(target=run)
    worker_thread.start()
    while not pool._busy and worker_thread.is_alive():  # wait until the file is in flight
        time.sleep(0.001)
    pool.close()
    worker_thread.join(timeout=60)
    assert not worker_thread.is_alive()
    (result,) = outcome
    # normally the decode is cut short; on a very slow machine it may have just finished
    assert isinstance(result, RuntimeError | MediaResult)
    if isinstance(result, RuntimeError):
        assert "closed" in str(result)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert pool.worker_pids == []
    with pytest.raises(RuntimeError, match="closed"):
        pool.process(photo)
