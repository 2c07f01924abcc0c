"""Enrolment through the CLI on real vaults: `init --role hq`, `hq keys`, `hq enroll`,
`hq revoke`, `enroll request|accept|status|recipients|recover`, text and --json."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from tests.helpers import TEST_PASSPHRASE
from tests.sync_helpers import small_order_request

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


def prepare(env: Path, hq: Path, field: Path) -> None:
    """The request, HQ's certificate and HQ's recipient list, as files in `env`."""
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


def enrol(env: Path, hq: Path, field: Path, root: str) -> None:
    prepare(env, hq, field)
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


def test_init_hq_makes_the_hq_keys(env: Path, vaults: tuple[Path, Path, dict[str, Any]]) -> None:
    hq, _, made = vaults
    assert made["hq_origin"] == f"fieldapp-hq/{made['device_id']}"
    assert len(made["root_fingerprint"].split()) == 8
    exported = run_json("hq", "keys", "export", "--vault", str(hq))
    assert exported["root_fingerprint"] == made["root_fingerprint"]
    assert exported["version"] == 1
    assert exported["note"].startswith(f"{made['hq_origin']}/recipients/v1\n")
    code, out, err = run(
        "init", "--vault", str(env / "hq2"), "--cell", "H", "--analyst", "a", "--role", "hq"
    )
    assert code == 0 and "HQ root fingerprint" in out, err


def test_enrolment_end_to_end_in_text(env: Path, vaults: tuple[Path, Path, dict[str, Any]]) -> None:
    hq, field, made = vaults
    assert run_json("enroll", "status", "--vault", str(field)) == {"enrolled": False}
    device = run_json("device", "show", "--vault", str(field))
    code, out, err = run("enroll", "request", "--vault", str(field))
    assert code == 0, err
    assert out.startswith(f"fieldapp/{device['device_id']}/enrollment-request/v1\n")
    assert device["fingerprint"] in err and device["code"] in err
    (env / "req.note").write_text(out, encoding="utf-8")
    code, cert, err = run("hq", "enroll", str(env / "req.note"), "--vault", str(hq), "--yes")
    assert code == 0, err
    # HQ is shown what to compare out of band: the same fingerprint and code.
    assert device["fingerprint"] in err and device["code"] in err
    assert "/device-certificate/v1\n" in cert
    (env / "cert.note").write_text(cert, encoding="utf-8")
    code, listing, _ = run("hq", "keys", "export", "--vault", str(hq))
    (env / "list.note").write_text(listing, encoding="utf-8")
    code, out, err = run(
        "enroll", "accept", str(env / "cert.note"), str(env / "list.note"), "--vault", str(field)
    )
    assert code == 0, err
    assert made["root_fingerprint"] in out and "compare it" in out
    code, out, _ = run("enroll", "status", "--vault", str(field))
    assert code == 0 and made["hq_origin"] in out and "version 1" in out


def test_hq_enroll_needs_a_confirmation(
    env: Path, vaults: tuple[Path, Path, dict[str, Any]]
) -> None:
    hq, field, _ = vaults
    run("enroll", "request", "--vault", str(field), "--out", str(env / "req.note"))
    code, out, err = run("hq", "enroll", str(env / "req.note"), "--vault", str(hq))
    assert code == 2
    assert "confirm with --yes" in err
    assert out == ""
    # Nothing was enrolled: HQ knows no such device.
    device = run_json("device", "show", "--vault", str(field))
    code, _, err = run("hq", "revoke", device["device_id"], "--after-seq", "1", "--vault", str(hq))
    assert code == 1 and "No enrolled device" in err


def test_wrong_expected_hq_is_refused(env: Path, vaults: tuple[Path, Path, dict[str, Any]]) -> None:
    hq, field, made = vaults
    prepare(env, hq, field)
    code, _, err = run(
        "enroll",
        "accept",
        str(env / "cert.note"),
        str(env / "list.note"),
        "--vault",
        str(field),
        "--expect-hq",
        "AAAA BBBB",
    )
    assert code == 1
    assert f"signed by root key {made['root_fingerprint']}, not the expected HQ AAAA BBBB" in err
    assert run_json("enroll", "status", "--vault", str(field)) == {"enrolled": False}


def test_small_order_request_is_refused_by_the_cli(
    env: Path, vaults: tuple[Path, Path, dict[str, Any]]
) -> None:
    hq, _, _ = vaults
    (env / "evil.note").write_text(small_order_request("cd" * 16), encoding="utf-8")
    code, out, err = run("hq", "enroll", str(env / "evil.note"), "--vault", str(hq), "--yes")
    assert code == 1
    assert "the Ed25519 public key is a point of small order" in err
    assert out == ""
    data = json.loads(
        run("hq", "enroll", str(env / "evil.note"), "--vault", str(hq), "--yes", "--json")[1]
    )
    assert data["error"] == "EnrollmentRefused"


def test_unreadable_inputs_get_clear_errors(
    env: Path, vaults: tuple[Path, Path, dict[str, Any]]
) -> None:
    hq, field, _ = vaults
    code, _, err = run("hq", "enroll", str(env / "missing.note"), "--vault", str(hq), "--yes")
    assert code == 2 and "cannot read the enrolment request" in err
    (env / "big.note").write_bytes(b"x" * 70_000)
    code, _, err = run("enroll", "recipients", str(env / "big.note"), "--vault", str(field))
    assert code == 1 and "far too large to be a recipient list" in err
    (env / "bin.note").write_bytes(b"\xff\xfe")
    code, _, err = run("enroll", "recipients", str(env / "bin.note"), "--vault", str(field))
    assert code == 1 and "not UTF-8 text" in err


def test_newer_list_rotation_and_rollback(
    env: Path, vaults: tuple[Path, Path, dict[str, Any]]
) -> None:
    hq, field, made = vaults
    enrol(env, hq, field, made["root_fingerprint"])
    assert run_json("hq", "keys", "rotate", "--vault", str(hq))["version"] == 2
    run("hq", "keys", "export", "--vault", str(hq), "--out", str(env / "list2.note"))
    assert (
        run_json("enroll", "recipients", str(env / "list2.note"), "--vault", str(field))["version"]
        == 2
    )
    code, _, err = run("enroll", "recipients", str(env / "list.note"), "--vault", str(field))
    assert code == 1
    assert "version 1 is not newer than the current version 2: refused as a rollback" in err
    assert run_json("enroll", "status", "--vault", str(field))["recipients_version"] == 2


def test_revoke(env: Path, vaults: tuple[Path, Path, dict[str, Any]]) -> None:
    hq, field, made = vaults
    code, _, err = run("hq", "revoke", "nobody", "--after-seq", "3", "--vault", str(hq))
    assert code == 1 and "No enrolled device 'nobody'" in err
    enrol(env, hq, field, made["root_fingerprint"])
    device = run_json("device", "show", "--vault", str(field))
    data = run_json("hq", "revoke", device["code"], "--after-seq", "3", "--vault", str(hq))
    assert data["device_id"] == device["device_id"] and data["trusted_up_to"] == 3
    assert "trusted-up-to 3\n" in data["certificate"]


def test_escrow_export_and_recovery(
    env: Path, vaults: tuple[Path, Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    hq, field, made = vaults
    enrol(env, hq, field, made["root_fingerprint"])
    added = run_json(
        "incident",
        "add",
        "--vault",
        str(field),
        "--title",
        "Market strike",
        "--start",
        "2026-03-14T09:30:00Z",
        "--reason",
        "first report",
    )
    code, out, err = run(
        "hq", "keys", "escrow", "--vault", str(hq), "--out", str(env / "escrow.txt"), "--remove"
    )
    assert code == 0, err
    assert "removed from this vault" in out
    assert stat.S_IMODE((env / "escrow.txt").stat().st_mode) == 0o600
    code, _, err = run("hq", "keys", "escrow", "--vault", str(hq), "--out", str(env / "e2.txt"))
    assert code == 1 and "no longer holds an escrow identity" in err
    # The analyst forgot the passphrase: recover with HQ's escrow identity.
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", "not the passphrase at all")
    monkeypatch.setenv("FIELDAPP_NEW_PASSPHRASE", NEW_PASSPHRASE)
    assert run("incident", "list", "--vault", str(field))[0] == 1
    code, out, err = run(
        "enroll", "recover", "--vault", str(field), "--identity", str(env / "escrow.txt")
    )
    assert code == 0, err
    assert "kestrel has a new passphrase" in out
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", NEW_PASSPHRASE)
    shown = run_json("incident", "show", added["incident"]["id"], "--vault", str(field))
    assert shown["incident"]["title"] == "Market strike"
    assert run_json("log", "verify", "--vault", str(field))["ok"] is True


def test_recover_with_a_wrong_identity_file(
    env: Path, vaults: tuple[Path, Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    hq, field, made = vaults
    enrol(env, hq, field, made["root_fingerprint"])
    (env / "junk.txt").write_text("# nothing here\n")
    monkeypatch.setenv("FIELDAPP_NEW_PASSPHRASE", NEW_PASSPHRASE)
    code, _, err = run(
        "enroll", "recover", "--vault", str(field), "--identity", str(env / "junk.txt")
    )
    assert code == 1 and "exactly one AGE-SECRET-KEY-PQ-1" in err
