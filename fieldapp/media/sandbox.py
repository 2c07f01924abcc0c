"""A small pool of long-lived worker processes that parse photos for us, with limits.

Why a subprocess: image decoders and EXIF parsers are where hostile files strike (bombs, hangs,
crashes in C code). A worker runs under memory and CPU limits; here the parent adds a wall-clock
timeout, kills a worker that hangs or dies, starts a fresh one, and hands back a result flagged
`timeout` / `metadata_unavailable` / `unrenderable`. So a file's content can fail only its own
facts, never the import that holds it. Workers live across files because starting Python and
Pillow costs about 100 ms, longer than parsing a photo.
"""

from __future__ import annotations

import base64
import binascii
import collections
import contextlib
import json
import math
import os
import queue
import stat
import subprocess
import sys
import threading
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import fieldapp
from fieldapp.media.model import MediaInfo, MediaResult, with_flags
from fieldapp.media.sniff import IMAGE_FORMATS, opaque_info, sniff_file

# Start-up (interpreter + Pillow + pillow-heif) is ~0.1 s, but a busy laptop can be far slower;
# this is a limit on our own code, not on a file's content.
STARTUP_TIMEOUT_S = 60.0
# argv[1] that makes the frozen app's executable run a media worker instead of the CLI.
MEDIA_WORKER_FLAG = "--fieldapp-media-worker"
_MAX_LINE = 16 * 1024 * 1024  # a 256 px JPEG in base64 is ~30 KB; anything huge is a broken worker


class MediaWorkerError(RuntimeError):
    """The worker program itself cannot start (a broken installation, not a hostile file)."""


class _Worker:
    """One child process with a reader thread for its answers and a drain for its stderr."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen[bytes] | None = None
        self.lines: queue.Queue[bytes] = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self.ready = False
        self.next_id = 0
        self.answered = 0  # files this slot has answered for, across restarts
        self.timed_out = False  # the last `ask` gave up waiting (rather than seeing a death)
        self.since_start = 0  # files answered by the current process

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def start(self) -> None:
        # Isolated mode (-I): neither the current directory nor PYTHON* variables reach the
        # worker's import path. Otherwise `python -m` run from an evidence folder holding an
        # `exifread.py` or `PIL/` would import and run it. Our package is put on the path by
        # hand, from where the parent imported it (a checkout or an installed copy).
        root = str(Path(fieldapp.__file__).resolve().parent.parent)
        bootstrap = (
            "import sys; sys.path.insert(0, sys.argv.pop(1)); "
            "from fieldapp.media.worker import main; sys.exit(main())"
        )
        env = dict(os.environ)
        # Few malloc arenas: each thread's 64 MiB arena would otherwise eat the address-space limit.
        env["MALLOC_ARENA_MAX"] = "2"
        if getattr(sys, "frozen", False):
            # The PyInstaller app has no `python -c`: its own executable runs the worker when
            # called with MEDIA_WORKER_FLAG (see fieldapp/__main__.py); no import path to guard.
            command = [sys.executable, MEDIA_WORKER_FLAG]
        else:
            command = [sys.executable, "-I", "-c", bootstrap, root]
        self.proc = subprocess.Popen(
            [*command, "--memory-mb", str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self.lines = queue.Queue()
        self.ready = False
        self.since_start = 0
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(
            target=self._read, args=(self.proc.stdout, self.lines), daemon=True
        ).start()
        threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True).start()

    @staticmethod
    def _read(stream: IO[bytes], lines: queue.Queue[bytes]) -> None:
        try:
            for line in iter(lambda: stream.readline(_MAX_LINE), b""):
                lines.put(line)
        except (OSError, ValueError):
            pass
        finally:
            lines.put(b"")  # end of stream: the worker died or was killed

    def _drain(self, stream: IO[bytes]) -> None:
        # Always read stderr, or a chatty decoder would fill the pipe and block the worker.
        try:
            for line in iter(stream.readline, b""):
                self.stderr_tail.append(line.decode("utf-8", "replace").rstrip()[:300])
        except (OSError, ValueError):
            pass

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_ready(self) -> None:
        # Two tries: a worker killed before it said "ready" (or not yet reaped after a kill)
        # deserves a fresh start; only a freshly started worker that fails means a broken install.
        for _attempt in range(2):
            if not self.alive():
                self.kill()
                self.start()
            if self.ready:
                return
            line = self._next_line(STARTUP_TIMEOUT_S)
            if line and _parse(line).get("ready") is True:
                self.ready = True
                return
            self.kill()
        tail = "; ".join(self.stderr_tail) or "no output"
        raise MediaWorkerError(f"the media worker did not start ({tail})")

    def _next_line(self, timeout_s: float) -> bytes | None:
        """The next line; b"" when the worker's output ended, None when none came in time."""
        try:
            return self.lines.get(timeout=timeout_s)
        except queue.Empty:
            return None

    def ask(self, path: Path, thumbnail: bool, timeout_s: float) -> dict[str, Any] | None:
        """The worker's answer, or None when it hung past `timeout_s` or died (then killed)."""
        assert self.proc is not None and self.proc.stdin is not None
        self.next_id += 1
        self.timed_out = False
        request = {
            "id": self.next_id,
            "path": os.path.abspath(path),  # the worker need not share our idea of "here"
            "thumbnail": thumbnail,
            "cpu_s": math.ceil(timeout_s) + 1,
        }
        try:
            self.proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except (OSError, ValueError):  # a dead worker's pipe (ValueError: closed meanwhile)
            self.kill()
            return None
        line = self._next_line(timeout_s)
        self.timed_out = line is None
        answer = _parse(line) if line else {}
        if answer.get("id") != self.next_id:
            self.kill()
            return None
        self.answered += 1
        self.since_start += 1
        return answer

    def kill(self) -> None:
        proc, self.proc, self.ready = self.proc, None, False
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def interrupt(self) -> None:
        """Kill the process from another thread; the owning thread sees the end of its output."""
        proc = self.proc
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()

    def stop(self) -> None:
        """Ask politely (end of input), then kill if the worker does not leave promptly."""
        proc = self.proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()


def _parse(line: bytes) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _regular_file(path: Path) -> None:
    mode = os.stat(path).st_mode  # FileNotFoundError / PermissionError say what is wrong
    if not stat.S_ISREG(mode):
        raise (
            IsADirectoryError(f"{path} is not a regular file")
            if stat.S_ISDIR(mode)
            else OSError(f"{path} is not a regular file (a device, FIFO or socket)")
        )


def _failed(media_type: str, *extra: str) -> MediaResult:
    info = MediaInfo(media_type=media_type)
    flags = ["metadata_unavailable", *extra]
    if media_type.startswith("image/"):
        flags.append("unrenderable")
    return MediaResult(with_flags(info, *flags), None)


class MediaSandbox:
    """Parse files in `workers` sandboxed processes; thread-safe; use as a context manager."""

    def __init__(
        self,
        workers: int = 2,
        timeout_s: float = 20.0,
        memory_mb: int = 1024,
        *,
        recycle_after: int = 500,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1 (got {workers})")
        if not timeout_s > 0:
            raise ValueError(f"timeout_s must be positive (got {timeout_s})")
        if memory_mb < 256:
            raise ValueError(
                f"memory_mb must be at least 256: Python and Pillow need it ({memory_mb})"
            )
        if recycle_after < 1:
            raise ValueError(f"recycle_after must be at least 1 (got {recycle_after})")
        # Public and mutable: a caller may give one slow batch more time.
        self.timeout_s = timeout_s
        # A worker is replaced after this many files, so a slow leak in a C decoder (or heap
        # fragmentation after many large photos) cannot creep up to the memory limit.
        self._recycle_after = recycle_after
        self._workers = [_Worker(memory_mb) for _ in range(workers)]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._busy: list[_Worker] = []
        self._closed = False
        for worker in self._workers:
            worker.start()  # all start in parallel; each is awaited on first use
            self._idle.put(worker)

    def __enter__(self) -> MediaSandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (for diagnostics and tests)."""
        return [pid for w in self._workers if w.alive() and (pid := w.pid) is not None]

    @property
    def answered_per_worker(self) -> list[int]:
        """How many files each worker slot has answered (shows that the load is spread)."""
        return [w.answered for w in self._workers]

    def close(self) -> None:
        """Stop every worker; safe to call twice, and from another thread while files are in
        flight (a cancelled import): their workers are killed and those calls raise
        RuntimeError instead of waiting for the file to finish."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            busy = list(self._busy)
        for worker in self._workers:
            if any(worker is b for b in busy):
                worker.interrupt()  # its own thread cleans up when it sees the death
            else:
                worker.stop()

    def process(self, path: Path, *, thumbnail: bool = True) -> MediaResult:
        """Facts (and a thumbnail) for one file; never raises because of what the file holds.

        Raises OSError only when `path` is not a readable regular file, which is the caller's
        business (the import refuses those before it gets here).
        """
        if self._closed:
            raise RuntimeError("this media sandbox is closed")
        path = Path(path)
        _regular_file(path)
        media_type = sniff_file(path)
        if media_type not in IMAGE_FORMATS:
            # Only the first bytes were read; an opaque file never reaches a decoder (F15).
            return MediaResult(opaque_info(media_type), None)
        worker = self._idle.get()
        with self._lock:
            if self._closed:
                self._idle.put(worker)
                raise RuntimeError("this media sandbox is closed")
            self._busy.append(worker)
        try:
            # A worker found dead mid-request may have died idle (killed from outside, out of
            # memory after the last file): one retry on a fresh process tells the two apart.
            for _attempt in range(2):
                if self._closed:  # closed from another thread (a cancelled import)
                    raise RuntimeError("this media sandbox is closed")
                worker.ensure_ready()
                answer = worker.ask(path, thumbnail, self.timeout_s)
                if answer is not None:
                    break
                if worker.timed_out:
                    return _failed(media_type, "timeout")
            else:
                return _failed(media_type)
            result = _result(answer)
            if result is None:
                worker.kill()  # an error answer: start clean rather than trust its state
                return _failed(media_type)
            if worker.since_start >= self._recycle_after:
                worker.stop()  # the next file starts a fresh process
            return result
        finally:
            with self._lock:
                self._busy.remove(worker)
                closed = self._closed
            if closed:
                worker.kill()
            self._idle.put(worker)  # always back: another caller may be waiting for one

    def process_many(
        self, paths: Iterable[Path], *, thumbnail: bool = True
    ) -> Generator[tuple[Path, MediaResult], None, None]:
        """Process `paths` on every worker at once, yielding in the order given.

        Only a few files are in flight at a time, so a caller that stops iterating (a cancelled
        import) waits for at most those. A path that is not a regular file yields a
        `metadata_unavailable` result rather than stopping the batch.
        """
        window = 2 * len(self._workers)
        pool = ThreadPoolExecutor(max_workers=len(self._workers), thread_name_prefix="media")
        pending: collections.deque[tuple[Path, Future[MediaResult]]] = collections.deque()
        try:
            for path in paths:
                pending.append((path, pool.submit(self._process_or_flag, Path(path), thumbnail)))
                if len(pending) >= window:
                    done_path, future = pending.popleft()
                    yield done_path, future.result()
            while pending:
                done_path, future = pending.popleft()
                yield done_path, future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _process_or_flag(self, path: Path, thumbnail: bool) -> MediaResult:
        try:
            return self.process(path, thumbnail=thumbnail)
        except OSError:
            return _failed("application/octet-stream")


def _result(answer: dict[str, Any]) -> MediaResult | None:
    if "info" not in answer:
        return None
    try:
        info = MediaInfo.from_dict(answer["info"])
        encoded = answer.get("thumbnail")
        thumb = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else None
    except (ValueError, TypeError, binascii.Error):
        return None
    return MediaResult(info, thumb)


def inspect_file(path: Path) -> MediaResult:
    """One file through its own one-worker sandbox (for the CLI; imports keep a pool open)."""
    with MediaSandbox(workers=1) as sandbox:
        return sandbox.process(Path(path))


def inspect_json(path: Path) -> str:
    """What `fieldapp evidence inspect FILE --json` prints: the facts, sorted, no thumbnail."""
    result = inspect_file(Path(path))
    data = {"path": str(path), **result.info.to_dict()}
    data["thumbnail_bytes"] = len(result.thumbnail_jpeg) if result.thumbnail_jpeg else 0
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
