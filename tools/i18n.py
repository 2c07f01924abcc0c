"""Refresh the Qt Linguist catalogues without make: `update` (lupdate) and `release` (lrelease).

    python tools/i18n.py update    # fieldapp/ui/**/*.py -> resources/i18n/fieldapp_<lang>.ts
    python tools/i18n.py release   # resources/i18n/*.ts -> resources/i18n/*.qm
    python tools/i18n.py status    # how many messages are still unfinished, per catalogue

Translate in Qt Linguist (`pyside6-linguist resources/i18n/fieldapp_nl.ts`) between the two.
English is the source language: its catalogue holds only the plural forms (`-pluralonly`),
every other English string is the source text itself. Obsolete messages are dropped so the
catalogues list exactly what the code can show.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "fieldapp" / "ui"
I18N = ROOT / "resources" / "i18n"
CATALOGUE = "fieldapp"
# language -> extra lupdate options
LANGUAGES: dict[str, list[str]] = {"nl": [], "en": ["-pluralonly"]}


def tool(name: str) -> str:
    """The Qt tool beside the running interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found beside {sys.executable} or on PATH; install PySide6")
    return found


def ts_path(language: str, folder: Path = I18N) -> Path:
    return folder / f"{CATALOGUE}_{language}.ts"


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))


def update(folder: Path = I18N) -> None:
    """Merge the strings of the code into the catalogues in `folder` (a copy, in the tests)."""
    folder.mkdir(parents=True, exist_ok=True)
    for language, extra in LANGUAGES.items():
        command = [
            tool("pyside6-lupdate"),
            *sources(),
            "-no-obsolete",
            "-locations",
            "relative",
            "-source-language",
            "en",
            "-target-language",
            language,
            *extra,
            "-ts",
            str(ts_path(language, folder)),
        ]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=folder != I18N)


def release(out_dir: Path | None = None) -> list[Path]:
    """Compile every catalogue; into `out_dir` when given (the tests compare with the committed)."""
    written = []
    for language in LANGUAGES:
        ts = ts_path(language)
        qm = (out_dir or I18N) / ts.with_suffix(".qm").name
        subprocess.run(
            [tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True
        )
        written.append(qm)
    return written


def status() -> int:
    unfinished_total = 0
    for language in LANGUAGES:
        root = ET.parse(ts_path(language)).getroot()  # noqa: S314 - our own committed file
        messages = root.findall("./context/message")
        unfinished = [m for m in messages if m.find("translation[@type='unfinished']") is not None]
        unfinished_total += len(unfinished)
        print(f"{ts_path(language).name}: {len(messages)} messages, {len(unfinished)} unfinished")
    return 1 if unfinished_total else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", choices=("update", "release", "status"))
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
        return status()
    if args.command == "release":
        release()
        return 0
    return status()


if __name__ == "__main__":
    sys.exit(main())
