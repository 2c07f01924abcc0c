"""`fieldapp hq provenance` and `fieldapp hq verify` end to end, text and --json, on a real HQ
vault with imported bundles; `verify` exits 1 when a check fails."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from tests.helpers import TEST_PASSPHRASE, raw_connection
from tests.provenance_world import World, build_world, copy_vault, open_vault


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    monkeypatch.setenv("FIELDAPP_VAULT", str(world.hq))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> tuple[int, Any]:
    code, out, _ = run(*argv, "--json")
    return code, json.loads(out)


def test_provenance_text_and_json(world: World) -> None:
    code, out, err = run("hq", "provenance", world.incident)
    assert code == 0, err
    assert f"device: {world.a_code} ({world.a_device}), analyst analyst-kestrel" in out
    assert "bundle 1 (imported)" in out and "bundle 2 (imported)" in out
    assert "receipt seq 2" in out

    code, data = run_json("hq", "provenance", world.evidence_a)
    assert code == 0
    assert (data["kind"], data["device_id"]) == ("evidence", world.a_device)
    assert data["capture_time"] == "2024-05-01T10:20:30+03:00"
    (version,) = data["versions"]
    assert version["bundle_seq"] == 2 and version["device_entry"]["log"] == "device"
    (bundle,) = data["bundles"]
    assert bundle["file_sha256"] == world.bundle_files[(world.a_device, 2)]
    assert bundle["receipt"]["seq"] == 2


def test_verify_passes_with_exit_0(world: World) -> None:
    code, out, err = run("hq", "verify", world.incident)
    assert code == 0, err
    assert "all checks passed" in out and "FAIL" not in out
    # What people quote works too: the reference code.
    code, listed = run_json("hq", "register")
    assert code == 0
    (ref_code,) = [r["ref_code"] for r in listed["incidents"] if r["id"] == world.incident]
    code, by_ref = run_json("hq", "provenance", ref_code)
    assert code == 0 and by_ref["record_id"] == world.incident
    code, data = run_json("hq", "verify", world.evidence_b)
    assert code == 0 and data["ok"] is True
    assert all(check["ok"] for check in data["checks"])
    assert any(c["name"].startswith("Evidence original") for c in data["checks"])


def test_verify_exits_1_naming_the_failed_check(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = copy_vault(world.hq, tmp_path / "hq")
    vault = open_vault(copy)
    try:
        conn = raw_connection(copy, vault._raw_key_hex())
        conn.execute("DROP TRIGGER versions_no_update")
        conn.execute(
            "UPDATE versions SET body = CAST(replace(CAST(body AS TEXT), 'three houses', "
            "'nine houses') AS BLOB) WHERE record_id = ? AND version = 2",
            (world.incident,),
        )
        conn.close()
    finally:
        vault.lock()
    monkeypatch.setenv("FIELDAPP_VAULT", str(copy))
    code, out, _ = run("hq", "verify", world.incident)
    assert code == 1
    assert "FAIL  Version 2 hash" in out and "1 of 12 checks FAILED" in out
    code, data = run_json("hq", "verify", world.incident)
    assert code == 1 and data["ok"] is False
    assert [c["name"] for c in data["checks"] if not c["ok"]] == ["Version 2 hash"]


def test_a_bad_id_is_a_clear_error(world: World) -> None:
    code, _, err = run("hq", "verify", "not-an-id")
    assert code == 1 and "no incident with id or reference code 'not-an-id'" in err
    code, _, err = run("hq", "provenance", "W-ZZZZZZ-0001")
    assert code == 1 and "no witness" in err
    code, data = run_json("hq", "provenance", "f" * 32)
    assert code == 1 and data["error"] == "RecordNotFound"
