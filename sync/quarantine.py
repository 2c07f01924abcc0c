"""Open a bundle in a sandboxed child process: decrypt, strict ustar, full bag check.

Why a child: the bundle is the one file HQ receives from outside, and decrypting it and reading
its archive is where a hostile file strikes first (SECURITY.md A, B, C5-C11). The child runs
with limits on address space, CPU time and the size of any file it writes, so a crafted bundle
can at worst fail its own import; the parent adds a wall-clock timeout. The HQ age identities
go to the child over its stdin (never argv or the environment, which other local users and
crash reports can read). The answer comes back as one JSON line: the parent never unpickles.

The plaintext exists only inside a fresh `quarantine/<random>/` folder; any failure, in the
child or the parent, deletes that folder, so no part of a refused bundle stays on disk.
"""

from __future__ import annotations

import contextlib

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: stale folders are found by age instead
    fcntl = None  # type: ignore[assignment]
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fieldapp.errors import FieldappError, SyncError

# argv[1] that makes the frozen app's executable run this worker instead of the CLI.
WORKER_FLAG = "--fieldapp-sync-worker"
DEFAULT_MEMORY_MB = 1024
DEFAULT_CPU_S = 600
DEFAULT_TIMEOUT_S = 900.0
DEFAULT_MAX_MEMBERS = 200_000
DEFAULT_MAX_TOTAL_SIZE = 16 * 1024**3
_MAX_ANSWER = 64 * 1024 * 1024  # the file list of 200,000 members is ~20 MB of JSON
_PIPE_CHUNK = 64 * 1024


class QuarantineError(SyncError):
    """The bundle could not be opened: wrong key, damaged, not a valid bag, or over a limit.

    `stage` says which layer refused it ("age", "ustar", "bag", "limit", "disk", "worker").
    """

    def __init__(self, message: str, stage: str) -> None:
        super().__init__(message)
        self.stage = stage


@dataclass(frozen=True)
class OpenedBundle:
    """A bag extracted and fully validated in `folder` (plaintext: delete it when done)."""

    folder: Path
    tagmanifest_sha256: str
    payload: dict[str, tuple[int, str]]  # data/ path -> (size, sha256)
    plaintext_size: int


@dataclass(frozen=True)
class Limits:
    """What a bundle may cost the child; the defaults fit a large real bundle with room."""

    memory_mb: int = DEFAULT_MEMORY_MB
    cpu_s: int = DEFAULT_CPU_S
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_members: int = DEFAULT_MAX_MEMBERS
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE


# Each quarantine folder has a sibling `<name>.lock`, held with an exclusive flock by the
# process that uses the folder. The kernel drops the lock when that process dies, however it
# dies (SIGKILL, power cut), so the next import can tell a dead import's plaintext from a live
# one's and remove it at once. Where flock does not exist (Windows), the age rule below decides.
_HELD: dict[str, int] = {}
LOCK_SUFFIX = ".lock"


def _lock_path(folder: Path) -> Path:
    return folder.with_name(folder.name + LOCK_SUFFIX)


def _hold(folder: Path) -> None:
    """Take the folder's lock for this process (before the folder exists)."""
    if fcntl is None:
        return
    fd = os.open(_lock_path(folder), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _HELD[str(folder)] = fd


def remove_folder(folder: Path) -> None:
    """Delete a quarantine folder and everything in it, then its lock; missing is fine."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(folder)
    with contextlib.suppress(FileNotFoundError):
        _lock_path(folder).unlink()
    fd = _HELD.pop(str(folder), None)
    if fd is not None:
        os.close(fd)


def _dead(folder: Path, limit: float) -> bool:
    """True when no living process holds the folder (or, without flock, when it is old)."""
    if fcntl is None:
        return folder.stat().st_mtime < limit
    if str(folder) in _HELD:
        return False  # ours, in use
    try:
        fd = os.open(_lock_path(folder), os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return True  # made before its lock was taken, or its lock already removed: orphaned
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a living import holds it
    finally:
        os.close(fd)  # closing drops the lock we may have taken
    return True


def remove_stale(quarantine_root: Path, older_than_s: float = 2 * DEFAULT_TIMEOUT_S) -> int:
    """Delete quarantine folders left by a process that died mid-import (crash, power cut).

    A folder whose lock no living process holds is plaintext nobody will ever clean up
    otherwise (without flock: a folder older than twice the import timeout, which no live
    import reaches). Lock files left without a folder go too. Returns how many folders were
    removed.
    """
    import time

    if not quarantine_root.is_dir():
        return 0
    removed = 0
    limit = time.time() - older_than_s
    for entry in quarantine_root.iterdir():
        with contextlib.suppress(OSError):
            if entry.is_symlink():
                continue
            if entry.is_dir() and _dead(entry, limit):
                remove_folder(entry)
                removed += 1
            elif entry.name.endswith(LOCK_SUFFIX):
                folder = entry.with_name(entry.name[: -len(LOCK_SUFFIX)])
                if not folder.exists() and _dead(folder, limit):
                    entry.unlink()
    return removed


def _command() -> list[str]:
    if getattr(sys, "frozen", False):
        # The PyInstaller app has no `python -c`: its executable runs the worker when called
        # with WORKER_FLAG (fieldapp/__main__.py).
        return [sys.executable, WORKER_FLAG]
    # Isolated mode (-I): nothing in the current folder or PYTHON* variables reaches the
    # child's import path; our own package is put on it by hand, from where we imported it.
    root = str(Path(__file__).resolve().parent.parent)
    bootstrap = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); "
        "from sync.quarantine import worker_main; sys.exit(worker_main())"
    )
    return [sys.executable, "-I", "-c", bootstrap, root]


def open_bundle(
    bundle: Path,
    identities: Sequence[str],
    quarantine_root: Path,
    limits: Limits | None = None,
) -> OpenedBundle:
    """Decrypt and extract `bundle` into a new folder under `quarantine_root`, in a child.

    `identities` are age identity strings (AGE-SECRET-KEY-PQ-1...). Returns the validated
    bag; the caller checks the signed note against `tagmanifest_sha256` and must delete
    `folder` when done. Raises QuarantineError, with nothing left on disk, on any refusal.
    """
    limits = limits or Limits()
    if not identities:
        raise QuarantineError("no age identity to decrypt the bundle with", "age")
    quarantine_root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = quarantine_root / secrets.token_hex(16)
    _hold(folder)
    try:
        folder.mkdir(mode=0o700)
    except BaseException:
        remove_folder(folder)  # releases the lock taken for it
        raise
    request = {
        "bundle": str(Path(bundle).resolve()),
        "parent": os.getpid(),
        "folder": str(folder.resolve()),
        "identities": list(identities),
        "memory_mb": limits.memory_mb,
        "cpu_s": limits.cpu_s,
        "max_members": limits.max_members,
        "max_total_size": limits.max_total_size,
    }
    env = dict(os.environ)
    env["MALLOC_ARENA_MAX"] = "2"  # each thread's arena would otherwise eat the memory limit
    try:
        proc = subprocess.Popen(  # our own interpreter and module, no shell
            _command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
    except OSError as exc:
        remove_folder(folder)
        raise QuarantineError(f"the bundle worker could not start: {exc}", "worker") from None
    try:
        out, err = proc.communicate(json.dumps(request).encode("utf-8"), timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        remove_folder(folder)
        raise QuarantineError(
            f"opening the bundle took longer than {limits.timeout_s:.0f} s; refused",
            "limit",
        ) from None
    except BaseException:
        proc.kill()
        proc.communicate()
        remove_folder(folder)
        raise
    answer = _answer(out)
    if answer is None or proc.returncode != 0 or not answer.get("ok"):
        remove_folder(folder)
        if answer is not None and isinstance(answer.get("message"), str):
            raise QuarantineError(answer["message"], str(answer.get("stage", "worker")))
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise QuarantineError(
            f"the bundle worker stopped (exit {proc.returncode}, limits reached or crash): "
            f"{tail[0][:300]}",
            "limit",
        )
    try:
        payload = {
            str(name): (int(size), str(sha)) for name, (size, sha) in answer["payload"].items()
        }
        return OpenedBundle(
            folder=folder,
            tagmanifest_sha256=str(answer["tagmanifest_sha256"]),
            payload=payload,
            plaintext_size=int(answer["plaintext_size"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        remove_folder(folder)
        raise QuarantineError("the bundle worker gave a malformed answer", "worker") from None


def _answer(out: bytes) -> dict[str, Any] | None:
    if len(out) > _MAX_ANSWER:
        return None
    try:
        value = json.loads(out.decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# --- the child ----------------------------------------------------------------------------------
def _set_limits(memory_mb: int, cpu_s: int, max_file: int) -> None:
    import resource

    def lower(which: int, value: int) -> None:
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))

    lower(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    lower(resource.RLIMIT_CPU, max(1, cpu_s))
    # A write past the limit fails with EFBIG instead of killing us with SIGXFSZ, so the
    # answer can say what happened.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    lower(resource.RLIMIT_FSIZE, max_file)
    lower(resource.RLIMIT_CORE, 0)


class _PipeWriter:
    """The decrypting thread's end of the pipe into the ustar reader."""

    def __init__(self, fd: int) -> None:
        self._file = os.fdopen(fd, "wb", buffering=_PIPE_CHUNK)

    def write(self, data: bytes) -> int:
        self._file.write(data)
        return len(data)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()


def _stage(exc: BaseException) -> str:
    from sync.age import AgeError
    from sync.bag import BagError
    from sync.ustar import UstarError

    if isinstance(exc, AgeError):
        return "age"
    if isinstance(exc, UstarError):
        return "ustar"
    if isinstance(exc, BagError):
        return "bag"
    return "worker"


def _describe(exc: BaseException) -> tuple[str, str]:
    import errno

    if isinstance(exc, MemoryError):
        return "the bundle needs more memory than allowed; refused", "limit"
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full: the bundle could not be decrypted into quarantine", "disk"
        if exc.errno == errno.EFBIG:
            return "a file in the bundle is larger than allowed; refused", "limit"
        return f"the bundle could not be opened: {exc.strerror or exc}", "disk"
    if isinstance(exc, FieldappError):
        return str(exc), _stage(exc)
    return f"the bundle could not be opened: {type(exc).__name__}: {exc}"[:500], "worker"


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Do the work of one request in this process (the child); every failure is an answer."""
    from sync import age
    from sync.bag import extract_bag

    folder = Path(request["folder"])
    read_fd, write_fd = os.pipe()
    decrypt_error: list[BaseException] = []
    released = [0]
    writer = _PipeWriter(write_fd)

    def decrypt() -> None:
        try:
            with open(request["bundle"], "rb") as src:
                released[0] = age.decrypt(src, writer, request["identities"])  # type: ignore[arg-type]
        except BaseException as exc:  # reported below; the reader sees the end of the pipe
            decrypt_error.append(exc)
        finally:
            writer.close()

    thread = threading.Thread(target=decrypt, daemon=True)
    thread.start()
    result = None
    extract_error: BaseException | None = None
    with os.fdopen(read_fd, "rb") as reader:
        try:
            result = extract_bag(
                reader,
                folder,
                max_members=int(request["max_members"]),
                max_total_size=int(request["max_total_size"]),
            )
        except BaseException as exc:
            extract_error = exc
        finally:
            # Drain the pipe so the decrypting thread can finish and report its own verdict
            # (a damaged file must be reported as damaged, not as a short archive).
            with contextlib.suppress(OSError):
                while reader.read(_PIPE_CHUNK):
                    pass
    thread.join()
    # The decryption's verdict comes first: a truncated or altered file makes the archive
    # look short or broken, and "the payload is damaged" is the true reason.
    failure = decrypt_error[0] if decrypt_error else extract_error
    if failure is not None or result is None:
        remove_folder(folder)
        message, stage = _describe(failure or RuntimeError("no result"))
        return {"ok": False, "message": message, "stage": stage}
    return {
        "ok": True,
        "tagmanifest_sha256": result.tagmanifest_sha256,
        "payload": {name: [d.size, d.sha256] for name, d in result.payload.items()},
        "plaintext_size": released[0],
    }


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the importing process dies (Linux).

    Otherwise a killed import would leave its worker decrypting into a quarantine folder that
    the next import, seeing the folder's lock free, is already removing. Checked after asking,
    in case the parent died before.
    """
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        raise SystemExit(1)


def worker_main(stdin: IO[bytes] | None = None, stdout: IO[str] | None = None) -> int:
    """Entry point of the child: one JSON request on stdin, one JSON answer on stdout."""
    from fieldapp.hardening import harden_process

    harden_process()
    raw = (stdin or sys.stdin.buffer).read(16 * 1024 * 1024)
    out = stdout or sys.stdout
    try:
        request = json.loads(raw.decode("utf-8"))
        if not isinstance(request, dict):
            raise ValueError("the request is not an object")
        _die_with_parent(int(request["parent"]))
        _set_limits(
            int(request["memory_mb"]), int(request["cpu_s"]), int(request["max_total_size"])
        )
        answer = run(request)
    except (ValueError, KeyError, TypeError) as exc:
        answer = {"ok": False, "message": f"bad request to the bundle worker: {exc}"}
    except MemoryError:
        answer = {
            "ok": False,
            "message": "the bundle needs more memory than allowed; refused",
            "stage": "limit",
        }
    out.write(json.dumps(answer) + "\n")
    out.flush()
    return 0
