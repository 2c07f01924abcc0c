"""`fieldapp hq release ...`: the whole flow from the command line on a real vault (check with
a blocking and a clean release, refused self-approval, approval by the second user's passphrase,
publish, verify, tamper detection)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from fieldapp.domain.model import Incident, Victim
from tests.helpers import ANALYST, SECOND_PASSPHRASE, TEST_PASSPHRASE, make_vault

REVIEWER = "reviewer-osprey"


@pytest.fixture
def vault_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    vault = make_vault(tmp_path / "vault")
    try:
        vault.add_slot(REVIEWER, SECOND_PASSPHRASE)
        inc = Incident(title="Strike", victims=[Victim(name="Omar Khalil")])
        inc.time.start = "2026-02-20T10:15:00Z"
        vault.save_incident(inc, "first report")
    finally:
        vault.lock()
    monkeypatch.setenv("FIELDAPP_VAULT", str(tmp_path / "vault"))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    return tmp_path / "vault"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> tuple[int, Any]:
    code, out, _ = run(*argv, "--json")
    return code, json.loads(out)


def test_release_flow(vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    leaky = tmp_path / "leaky.csv"
    leaky.write_text("notes\nOmar Khalil was hit\n", encoding="utf-8")
    code, out, _ = run("hq", "release", "check", str(leaky))
    assert code == 1
    assert "[BLOCKING] leaky.csv, row 2, column 'notes': personal_name" in out
    assert "Omar" not in out and "1 blocking finding(s)" in out

    staged = tmp_path / "counts.csv"
    staged.write_text("gender,killed,lat\nfemale,3,33.312805\n", encoding="utf-8")
    code, data = run_json("hq", "release", "check", str(staged), "--threshold", "4")
    assert code == 0 and data["status"] == "awaiting approval"
    assert [f["fix"] for f in data["findings"]] == ["suppressed (<4)", "coarsened"]
    release_id = data["release"]

    code, out, err = run("hq", "release", "publish", release_id, "--out", str(tmp_path / "o"))
    assert code == 1 and "not been approved" in err

    monkeypatch.setenv("FIELDAPP_APPROVER_PASSPHRASE", TEST_PASSPHRASE)
    code, _, err = run("hq", "release", "approve", release_id, "--approver", ANALYST)
    assert code == 1 and "cannot also approve it" in err
    code, _, err = run("hq", "release", "approve", release_id, "--approver", REVIEWER)
    assert code == 1 and "passphrase is wrong for reviewer-osprey" in err
    monkeypatch.setenv("FIELDAPP_APPROVER_PASSPHRASE", SECOND_PASSPHRASE)
    code, data = run_json("hq", "release", "approve", release_id, "--approver", REVIEWER)
    assert code == 0 and data["approved_by"] == REVIEWER

    out_dir = tmp_path / "public"
    code, out, _ = run("hq", "release", "publish", release_id, "--out", str(out_dir))
    assert code == 0 and f"release {release_id} published" in out
    assert (out_dir / "counts.csv").read_bytes() == b"gender,killed,lat\r\nfemale,<4,33.31\r\n"

    code, data = run_json("hq", "release", "verify", str(out_dir))
    assert code == 0 and data["ok"] and data["release"] == release_id
    (out_dir / "counts.csv").write_bytes(b"gender,killed,lat\r\nfemale,3,33.312805\r\n")
    code, out, _ = run("hq", "release", "verify", str(out_dir))
    assert code == 1
    assert "counts.csv is not the file that was released" in out

    code, data = run_json("hq", "release", "list")
    assert [r["status"] for r in data["releases"]] == ["published", "blocked"]
    code, out, _ = run("hq", "release", "show", release_id)
    assert code == 0 and f"approved by {REVIEWER}" in out
