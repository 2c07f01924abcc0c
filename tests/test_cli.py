"""The CLI end to end on real vaults: every command, text and --json, errors and exit codes."""

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
    vault = tmp_path / "vault"
    monkeypatch.setenv("FIELDAPP_VAULT", str(vault))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    return vault


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> Any:
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def initialised(env: Path) -> Path:
    code, _, err = run("init", "--cell", "Cell North", "--analyst", "kestrel")
    assert code == 0, err
    return env


def test_init_creates_vault_and_shows_device(env: Path) -> None:
    data = run_json("init", "--cell", "Cell North", "--analyst", "kestrel")
    assert (env / "vault.key").exists() and (env / "vault.db").exists()
    assert len(data["code"]) == 6
    shown = run_json("device", "show")
    assert shown["fingerprint"] == data["fingerprint"]
    assert shown["cell_name"] == "Cell North"


def test_init_warns_about_test_kdf(env: Path) -> None:
    code, _, err = run("init", "--cell", "C", "--analyst", "a")
    assert code == 0
    assert "insecure test key-derivation" in err


def test_init_refuses_weak_passphrase(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", "password1")
    code, _, err = run("init", "--cell", "C", "--analyst", "a")
    assert code == 1
    assert "too weak" in err
    assert not (env / "vault.key").exists()


def test_init_refuses_existing_vault(initialised: Path) -> None:
    code, _, err = run("init", "--cell", "C", "--analyst", "a")
    assert code == 1
    assert "exist" in err.lower()


def test_incident_add_list_show_edit_history(initialised: Path) -> None:
    added = run_json(
        "incident",
        "add",
        "--title",
        "Market strike",
        "--start",
        "2026-03-14T09:30:00Z",
        "--position",
        "38SMB4484184012",
        "--harm",
        "death:direct",
        "--harm",
        "displacement:indirect",
        "--set",
        "casualties.killed.women.min=2",
        "--set",
        "casualties.killed.women.max=4",
    )
    inc = added["incident"]
    ref = inc["ref_code"]
    assert ref.startswith("CHM-")
    assert inc["place"]["lat"].startswith("33.")
    assert inc["casualties"]["killed"]["women"] == {"min": 2, "max": 4}

    listed = run_json("incident", "list", "--text", "market")
    assert [i["ref_code"] for i in listed["incidents"]] == [ref]
    assert run_json("incident", "list", "--harm", "displacement")["total"] == 1
    assert run_json("incident", "list", "--harm", "injury")["total"] == 0

    edited = run_json(
        "incident", "edit", ref, "--set", "title=Market strike (revised)", "--reason", "witness"
    )
    assert edited["version"] == 2

    shown = run_json("incident", "show", ref, "--history")
    assert shown["incident"]["title"] == "Market strike (revised)"
    assert [v["reason"] for v in shown["history"]] == ["created", "witness"]

    code, text, _ = run("incident", "show", ref, "--history")
    assert code == 0
    assert "title: 'Market strike' -> 'Market strike (revised)'" in text


def test_incident_validation_error_is_specific(initialised: Path) -> None:
    code, _, err = run(
        "incident", "add", "--title", "X", "--set", "place.lat=95", "--set", "place.lon=44"
    )
    assert code == 1
    assert "place.lat" in err and "90" in err
    assert run_json("incident", "list")["total"] == 0


def test_bad_position_and_unknown_field(initialised: Path) -> None:
    code, _, err = run("incident", "add", "--title", "X", "--position", "not a place")
    assert code == 2 and "--position" in err
    code, _, err = run("incident", "add", "--title", "X", "--set", "nosuch.field=1")
    assert code == 2 and "unknown field 'nosuch.field'" in err


def test_incident_delete_keeps_history(initialised: Path) -> None:
    ref = run_json("incident", "add", "--title", "To delete")["incident"]["ref_code"]
    incident_id = run_json("incident", "show", ref)["incident"]["id"]
    assert run("incident", "delete", ref, "--reason", "duplicate")[0] == 0
    assert run_json("incident", "list")["total"] == 0
    code, _, err = run("incident", "show", incident_id)
    assert code == 1
    assert "not found" in err.lower() or "no incident" in err.lower()


def test_observations_add_link_list(initialised: Path) -> None:
    ref = run_json("incident", "add", "--title", "Bridge")["incident"]["ref_code"]
    obs = run_json(
        "observation", "add", "--text", "Smoke seen to the north", "--category", "sighting"
    )
    obs_id = obs["observation"]["id"]
    assert run_json("observation", "list", "--incident", ref)["observations"] == []
    run_json("observation", "link", obs_id, ref)
    linked = run_json("observation", "list", "--incident", ref)["observations"]
    assert [o["id"] for o in linked] == [obs_id]


def test_log_verify_and_show(initialised: Path) -> None:
    run_json("incident", "add", "--title", "Logged")
    report = run_json("log", "verify")
    assert report["ok"] is True and report["size"] >= 2
    shown = run_json("log", "show")
    assert shown["checkpoint"].startswith("fieldapp/")
    code, text, _ = run("log", "verify")
    assert code == 0 and "audit log OK" in text


def test_vault_check(initialised: Path) -> None:
    assert run_json("vault", "check")["ok"] is True


def test_passwd_then_old_passphrase_fails(
    initialised: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIELDAPP_NEW_PASSPHRASE", NEW_PASSPHRASE)
    assert run("vault", "passwd")[0] == 0
    code, _, err = run("device", "show")
    assert code == 1 and "passphrase" in err.lower()
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", NEW_PASSPHRASE)
    assert run("device", "show")[0] == 0


def test_add_user_and_author(initialised: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDAPP_NEW_PASSPHRASE", NEW_PASSPHRASE)
    assert run("vault", "add-user", "osprey")[0] == 0
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", NEW_PASSPHRASE)
    ref = run_json("incident", "add", "--title", "By osprey")["incident"]["ref_code"]
    history = run_json("incident", "show", ref, "--history")["history"]
    assert history[0]["author"] == "osprey"


def test_wrong_passphrase(initialised: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", "not the passphrase at all")
    code, out, err = run("incident", "list", "--json")
    assert "passphrase" in err.lower()
    assert code == 1
    assert json.loads(out)["error"] == "WrongPassphrase"


def test_erase_needs_confirmation(initialised: Path) -> None:
    code, _, err = run("vault", "erase")
    assert code == 2 and "--yes" in err
    assert (initialised / "vault.key").exists()
    assert run("vault", "erase", "--yes")[0] == 0
    assert not initialised.exists()
    code, _, err = run("device", "show")
    assert code == 1


def test_no_vault_message(env: Path) -> None:
    code, _, err = run("incident", "list")
    assert code == 1
    assert str(env) in err or "no vault" in err.lower()


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("fieldapp ")


def test_global_options_before_or_after_the_command(tmp_path: Path, env: Path) -> None:
    before = tmp_path / "before"
    after = tmp_path / "after"
    assert run("--vault", str(before), "init", "--cell", "C", "--analyst", "a")[0] == 0
    assert run("init", "--cell", "C", "--analyst", "a", "--vault", str(after))[0] == 0
    assert (before / "vault.key").exists() and (after / "vault.key").exists()
    assert not env.exists()
    code, out, _ = run("--json", "--vault", str(before), "device", "show")
    assert code == 0 and json.loads(out)["cell_name"] == "C"


def test_cli_turns_off_core_dumps(env: Path) -> None:
    import resource

    run("device", "show")
    assert resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)


def test_observation_link_unknown_ids_are_named(initialised: Path) -> None:
    ref = run_json("incident", "add", "--title", "Bridge")["incident"]["ref_code"]
    code, _, err = run("observation", "link", "0" * 32, ref)
    assert code == 1 and "There is no observation with id" in err
    code, _, err = run("observation", "link", "0" * 32, "CHM-2026-XXXXXX-0001")
    assert code == 1 and "There is no incident with id or reference code" in err
