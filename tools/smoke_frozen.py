"""Smoke test of a fieldapp build: `python tools/smoke_frozen.py [COMMAND...]`.

Runs the packaged app (default `dist/fieldapp/fieldapp`, or any command given, e.g.
`.venv/bin/python -m fieldapp`) the way a user would, with no display (Qt's offscreen
platform): `--version`, creating a field and an HQ vault, enrolling, adding an incident,
exporting a bundle, importing it at HQ (which runs the quarantine worker through the frozen
executable), `log verify` on both, and a screenshot of the main window. Each step's output is
checked; the first failure stops the run with its output and exit status 1.

`make smoke` builds the app and runs this; `make test` (and so CI) runs `make smoke`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [str(ROOT / "dist" / "fieldapp" / "fieldapp")]
PASSPHRASE = "smoke test only: violet anchor gravel 1947"  # noqa: S105 (a throw-away vault)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class SmokeFailure(Exception):
    """A step did not do what it should; the message says which and shows its output."""


def run(app: list[str], args: list[str], env: dict[str, str], cwd: Path) -> str:
    """One app command; its stdout, or SmokeFailure with everything it printed."""
    done = subprocess.run(
        [*app, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise SmokeFailure(
            f"`fieldapp {shlex.join(args)}` exited with {done.returncode}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done.stdout


def run_json(app: list[str], args: list[str], env: dict[str, str], cwd: Path) -> Any:
    return json.loads(run(app, [*args, "--json"], env, cwd))


def smoke(app: list[str], work: Path) -> list[str]:
    """Every step in order; returns a line per step passed."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "FIELDAPP_PASSPHRASE": PASSPHRASE,
        # Cheap key derivation: this vault is thrown away, and Argon2id at full strength would
        # only measure the CI machine. The app announces this mode on stderr.
        "FIELDAPP_INSECURE_TEST_KDF": "1",
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "home" / ".config"),
    }
    (work / "home").mkdir()
    field, hq = ["--vault", str(work / "field")], ["--vault", str(work / "hq")]
    passed: list[str] = []

    version = run(app, ["--version"], env, work).strip()
    if not version.startswith("fieldapp "):
        raise SmokeFailure(f"--version printed {version!r}")
    passed.append(version)

    run(app, [*field, "init", "--cell", "Smoke Cell", "--analyst", "analyst-smoke"], env, work)
    hq_init = ["init", "--role", "hq", "--cell", "Smoke HQ", "--analyst", "hq-smoke"]
    run(app, [*hq, *hq_init], env, work)
    passed.append("field and HQ vaults created")

    run(app, [*hq, "hq", "keys", "export", "--out", "recipients.txt"], env, work)
    run(app, [*field, "enroll", "request", "--out", "request.txt"], env, work)
    run(app, [*hq, "hq", "enroll", "request.txt", "--out", "field.cert", "--yes"], env, work)
    run(app, [*field, "enroll", "accept", "field.cert", "recipients.txt"], env, work)
    passed.append("field vault enrolled with HQ")

    added = run_json(
        app,
        [*field, "incident", "add", "--title", "Smoke strike", "--start", "2026-11-01T08:00:00Z"],
        env,
        work,
    )
    ref_code = str(added.get("incident", {}).get("ref_code", ""))
    if not ref_code.startswith("CHM-"):
        raise SmokeFailure(f"incident add answered {added!r}")
    passed.append(f"incident {ref_code} added")

    (work / "usb").mkdir()
    exported = run_json(app, [*field, "bundle", "export", "--out", "usb"], env, work)
    bundle = Path(str(exported.get("path", "")))
    if not bundle.is_absolute():
        bundle = work / bundle
    if not bundle.is_file() or bundle.suffix != ".chmb":
        raise SmokeFailure(f"bundle export answered {exported!r}")
    passed.append(f"bundle exported ({bundle.stat().st_size:,} bytes)")

    imported = run_json(app, [*hq, "hq", "import", str(bundle)], env, work)
    reports = imported.get("imports", [])
    if not reports or reports[0].get("status") != "imported":
        raise SmokeFailure(f"hq import answered {imported!r}")
    passed.append("bundle imported at HQ through the quarantine worker")

    for vault in (field, hq):
        run(app, [*vault, "log", "verify"], env, work)
    passed.append("log verify passes on both vaults")

    shot = work / "main-window.png"
    run(app, [*field, "gui", "--screenshot", str(shot)], env, work)
    data = shot.read_bytes() if shot.is_file() else b""
    if not data.startswith(PNG_MAGIC) or len(data) < 10_000:
        raise SmokeFailure(f"the screenshot is missing or blank ({len(data)} bytes)")
    passed.append(f"main window drawn ({len(data):,} bytes of PNG)")
    return passed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    app = list(args or DEFAULT)
    if Path(app[0]).exists():  # the steps run in a scratch folder
        app[0] = str(Path(app[0]).absolute())
    if not args and not Path(DEFAULT[0]).is_file():
        print(f"smoke: no build at {DEFAULT[0]}; run `make dist` first", file=sys.stderr)
        return 1
    keep = os.environ.get("SMOKE_KEEP")
    with tempfile.TemporaryDirectory(prefix="fieldapp-smoke-") as scratch:
        work = Path(keep) if keep else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        try:
            for line in smoke(app, work):
                print(f"smoke: ok  {line}")
        except SmokeFailure as exc:
            print(f"smoke: FAILED  {exc}", file=sys.stderr)
            return 1
    print("smoke: the packaged app works")
    return 0


if __name__ == "__main__":
    sys.exit(main())
