"""Enrolment through the CLI on real vaults: `init --role hq`, `hq keys`, `hq enroll`,
`hq revoke`, `enroll request|accept|status|recipients|recover`, text and --json."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from tests.helpers import TEST_PASSPHRASE

NEW_PASSPHRASE = "violet lantern orbit seventeen"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    monkeypatch.delenv("FIELDAPP_VAULT", raising=False)
    return tmp_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> Any:
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def vaults(env: Path) -> tuple[Path, Path, dict[str, Any]]:
    hq, field = env / "hq", env / "field"
    made = run_json(
        "init", "--vault", str(hq), "--cell", "HQ", "--analyst", "heron", "--role", "hq"
    )
    run_json("init", "--vault", str(field), "--cell", "North", "--analyst", "kestrel")
    return hq, field, made


def enrol(env: Path, hq: Path, field: Path, root: str) -> None:
    assert run("enroll", "request", "--vault", str(field), "--out", str(env / "req.note"))[0] == 0
    code, _, err = run(
        "hq",
        "enroll",
        str(env / "req.note"),
        "--vault",
        str(hq),
        "--yes",
        "--out",
        str(env / "cert.note"),
    )
    assert code == 0, err
    assert run("hq", "keys", "export", "--vault", str(hq), "--out", str(env / "list.note"))[0] == 0
    code, out, err = run(
        "enroll",
        "accept",
        str(env / "cert.note"),
        str(env / "list.note"),
        "--vault",
        str(field),
        "--expect-hq",
        root,
    )
    assert code == 0, err
    assert root in out


def test_smoke(env: Path, vaults: tuple[Path, Path, dict[str, Any]]) -> None:
    hq, field, made = vaults
    enrol(env, hq, field, made["root_fingerprint"])
    status = run_json("enroll", "status", "--vault", str(field))
    assert status["enrolled"] and status["root_fingerprint"] == made["root_fingerprint"]
