"""The domain layer stays cheap to import (its import rules are in test_architecture.py)."""

from __future__ import annotations

import subprocess
import sys


def test_passphrase_module_does_not_import_zxcvbn_until_used() -> None:
    code = (
        "import sys, fieldapp.domain.passphrase as p; "
        "assert 'zxcvbn' not in sys.modules; "
        "p.check_passphrase('violet harbour quietly folds maps'); "
        "assert 'zxcvbn' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
