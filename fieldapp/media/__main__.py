"""`python -m fieldapp.media FILE...`: print what the sandbox finds, as JSON (like the CLI)."""

from __future__ import annotations

import sys
from pathlib import Path

from fieldapp.media.sandbox import inspect_json


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m fieldapp.media FILE...", file=sys.stderr)
        return 2
    status = 0
    for name in args:
        try:
            print(inspect_json(Path(name)))
        except OSError as exc:
            print(f"{name}: {exc.strerror or exc}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
