"""The layers of ARCHITECTURE.md, enforced: imports only point down, Qt only in fieldapp/ui/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for d in ("fieldapp", "sync") for p in (ROOT / d).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-local imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_sources_are_found() -> None:
    assert any(rel(p) == "fieldapp/cli.py" for p in SOURCES)
    assert any(rel(p).startswith("fieldapp/ui/") for p in SOURCES)


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if not rel(p).startswith("fieldapp/ui/")], ids=rel
)
def test_no_qt_outside_ui(path: Path) -> None:
    qt = {
        m
        for m in imported_modules(path)
        if m.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
    }
    assert not qt, f"{rel(path)} imports {sorted(qt)}: Qt belongs in fieldapp/ui/ only"


# (layer prefix, prefixes it must not import); the domain's stricter rule is below
FORBIDDEN = [
    ("fieldapp/store/", ("fieldapp.ui", "fieldapp.cli", "fieldapp.review", "sync")),
    ("fieldapp/media/", ("fieldapp.ui", "fieldapp.cli", "fieldapp.review", "sync")),
    ("sync/", ("fieldapp.ui", "fieldapp.cli", "fieldapp.review")),
    ("fieldapp/review/", ("fieldapp.ui", "fieldapp.cli")),
]


@pytest.mark.parametrize("path", SOURCES, ids=rel)
def test_imports_point_down(path: Path) -> None:
    for layer, banned in FORBIDDEN:
        if rel(path).startswith(layer):
            bad = {m for m in imported_modules(path) if m.startswith(banned)}
            assert not bad, f"{rel(path)} ({layer}) imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", [p for p in SOURCES if rel(p).startswith("fieldapp/domain/")], ids=rel
)
def test_domain_imports_only_domain_and_errors(path: Path) -> None:
    ours = {m for m in imported_modules(path) if m.split(".")[0] in {"fieldapp", "sync"}}
    bad = {m for m in ours if m != "fieldapp.errors" and not m.startswith("fieldapp.domain")}
    assert not bad, f"{rel(path)} imports {sorted(bad)}: the domain imports nothing of ours"


def test_the_checker_catches_a_violation(tmp_path: Path) -> None:
    """Guard against a checker that silently sees nothing."""
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from PySide6.QtWidgets import QWidget\n    return QWidget\n")
    assert "PySide6.QtWidgets" in imported_modules(sample)
