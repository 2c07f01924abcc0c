"""The domain layer stays pure: no Qt, no store, no file-layout knowledge, no slow imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import fieldapp.domain

DOMAIN_DIR = Path(fieldapp.domain.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_imports_only_domain_and_errors() -> None:
    files = sorted(DOMAIN_DIR.glob("*.py"))
    assert len(files) >= 8
    for path in files:
        for module in _imported_modules(path):
            if module.split(".")[0] == "fieldapp":
                assert module == "fieldapp.errors" or module.startswith("fieldapp.domain"), (
                    f"{path.name} imports {module}"
                )
            assert not module.startswith("PySide6"), f"{path.name} imports {module}"


def test_passphrase_module_does_not_import_zxcvbn_until_used() -> None:
    code = (
        "import sys, fieldapp.domain.passphrase as p; "
        "assert 'zxcvbn' not in sys.modules; "
        "p.check_passphrase('violet harbour quietly folds maps'); "
        "assert 'zxcvbn' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
