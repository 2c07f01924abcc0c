"""The media worker: `python -m fieldapp.media.worker`, driven by `MediaSandbox` over pipes.

(`MediaSandbox` starts it in isolated mode, `python -I`, so nothing in the current folder or
the environment can shadow the libraries it imports.)

Protocol, one JSON object per line. The worker first writes `{"ready": true}`. Then for each
request `{"id": n, "path": "...", "thumbnail": true, "cpu_s": 21}` on stdin it writes
`{"id": n, "info": {...}, "thumbnail": "<base64 JPEG>" | null}` or `{"id": n, "error": "..."}`
on stdout. It exits at the end of stdin. Anything a library prints goes to stderr, which the
parent drains, so stray output can never corrupt the protocol.

Limits are set before any file is parsed: address space (a decompression bomb hits MemoryError
instead of the machine's swap), CPU time per file (a decoder loop is killed by SIGXCPU), no core
dumps (a crash must not write photo data to disk).
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import resource
import sys
from pathlib import Path
from typing import IO, Any

from fieldapp.hardening import harden_process
from fieldapp.media.extract import analyse, configure_decoders


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _limit_cpu(seconds: int) -> None:
    """Allow `seconds` more CPU time from now (RLIMIT_CPU counts the whole process life)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(usage.ru_utime + usage.ru_stime) + 1
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = spent + max(1, seconds)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def handle(request: Any) -> dict[str, Any]:
    """Answer one request; every failure becomes an `error` answer, never an exception."""
    if not isinstance(request, dict) or type(request.get("id")) is not int:
        return {"id": None, "error": "request must be an object with an integer id"}
    ident = request["id"]
    if request.get("job") == "public_copy":  # the release gate's pixel rebuild (public_copy.py)
        from fieldapp.media.public_copy import handle_job

        cpu = request.get("cpu_s", 60)
        _limit_cpu(cpu if type(cpu) is int else 60)
        return handle_job(request)
    path = request.get("path")
    if not isinstance(path, str):
        return {"id": ident, "error": "request needs a path string"}
    cpu_s = request.get("cpu_s", 30)
    _limit_cpu(cpu_s if type(cpu_s) is int else 30)
    try:
        result = analyse(Path(path), thumbnail=request.get("thumbnail") is not False)
    except MemoryError:
        return {"id": ident, "error": "out of memory"}
    except Exception as exc:  # the parent turns this into flags; the worker must keep serving
        return {"id": ident, "error": f"{type(exc).__name__}: {exc}"[:500]}
    thumb = result.thumbnail_jpeg
    return {
        "id": ident,
        "info": result.info.to_dict(),
        "thumbnail": base64.b64encode(thumb).decode("ascii") if thumb is not None else None,
    }


def _protocol_stream() -> IO[str]:
    """A private copy of stdout for the protocol; fd 1 itself is pointed at stderr."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fieldapp.media.worker")
    parser.add_argument("--memory-mb", type=int, default=1024)
    args = parser.parse_args(argv)
    harden_process()
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    out = _protocol_stream()
    configure_decoders()
    _limit_memory(args.memory_mb)
    out.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin.buffer:
        try:
            request = json.loads(line)
        except ValueError:
            answer: dict[str, Any] = {"id": None, "error": "request is not JSON"}
        else:
            answer = handle(request)
        out.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
