"""The evidence, witness and statement commands end to end on a real vault, text and --json."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from fieldapp.cli import main
from tests.helpers import TEST_PASSPHRASE
from tests.media_samples import gps_photo


@pytest.fixture
def vault_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    monkeypatch.setenv("FIELDAPP_VAULT", str(vault))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    code, _, err = run("init", "--cell", "Cell North", "--analyst", "kestrel")
    assert code == 0, err
    return vault


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> Any:
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def jpeg(path: Path) -> Path:
    Image.new("RGB", (320, 240), "blue").save(path, "JPEG")
    return path


def add_incident() -> dict[str, Any]:
    data = run_json(
        "incident",
        "add",
        "--title",
        "Market strike",
        "--start",
        "2024-05-01T06:00:00Z",
        "--position",
        "36.34, 43.13",
    )
    incident: dict[str, Any] = data["incident"]
    return incident


def test_evidence_add_list_show_export(vault_env: Path, tmp_path: Path) -> None:
    inc = add_incident()
    photo = jpeg(tmp_path / "scene.jpg")
    gps = tmp_path / "gps.jpg"
    gps.write_bytes(gps_photo())
    added = run_json(
        "evidence",
        "add",
        str(photo),
        str(gps),
        "--incident",
        inc["ref_code"],
        "--source-medium",
        "phone",
        "--caption",
        "after the strike",
    )["evidence"]
    assert [e["original_name"] for e in added] == ["scene.jpg", "gps.jpg"]
    assert all(e["incident_ids"] == [inc["id"]] for e in added)
    listed = run_json("evidence", "list", "--incident", inc["ref_code"])["evidence"]
    assert {e["id"] for e in listed} == {e["id"] for e in added}

    shown = run_json("evidence", "show", added[1]["id"])
    assert shown["thumbnail_bytes"] > 0
    check = shown["consistency"][inc["id"]]
    assert 350 < check["distance_km"] < 360
    assert check["warnings"][0].startswith("the photo was taken 35")
    code, out, _ = run("evidence", "show", added[1]["id"])
    assert code == 0 and "WARNING: the photo was taken" in out and "gps:" in out

    dest = tmp_path / "copy.jpg"
    code, out, err = run("evidence", "export", added[0]["id"], str(dest), "--reason", "court")
    assert code == 0 and dest.read_bytes() == photo.read_bytes()
    assert "unencrypted" in err
    code, _, err = run("evidence", "export", added[0]["id"], str(dest), "--reason", "again")
    assert code == 2 and "exists" in err
    log = run_json("log", "show", "--limit", "1")["entries"][0]
    assert log["summary"] == f"copy of evidence {added[0]['id']} saved by kestrel: court"

    applied = run_json("evidence", "apply", added[1]["id"], inc["ref_code"], "--reason", "photo")
    assert applied["version"] == 2 and applied["incident"]["place"]["method"] == "photo_exif"
    assert run_json("log", "verify")["ok"]


def test_evidence_inspect_stores_nothing(tmp_path: Path) -> None:
    gps = tmp_path / "gps.jpg"
    gps.write_bytes(gps_photo())
    data = run_json("evidence", "inspect", str(gps))
    assert data["media_type"] == "image/jpeg" and data["gps_lat"].startswith("33.3152")
    assert data["capture_offset"] == "+03:00" and data["thumbnail_bytes"] > 0
    code, out, _ = run("evidence", "inspect", str(gps))
    assert code == 0 and "make: Canon" in out
    code, _, err = run("evidence", "inspect", str(tmp_path / "missing.jpg"))
    assert code == 2 and "not a regular file" in err


def test_evidence_errors(vault_env: Path, tmp_path: Path) -> None:
    code, out, _ = run("evidence", "show", "f" * 32, "--json")
    assert code == 1 and json.loads(out)["error"] == "RecordNotFound"
    link = tmp_path / "link.jpg"
    link.symlink_to(jpeg(tmp_path / "real.jpg"))
    code, _, err = run("evidence", "add", str(link))
    assert code == 1 and "symbolic link" in err


def test_witness_add_show_consent_reveal(vault_env: Path) -> None:
    inc = add_incident()
    added = run_json(
        "witness",
        "add",
        "--name",
        "Ali Hassan",
        "--contact",
        "+964 770 123 4567",
        "--age",
        "41",
        "--incident",
        inc["ref_code"],
        "--scope",
        "cell_use",
        "--scope",
        "share_hq",
        "--method",
        "verbal",
        "--date",
        "2026-03-01",
        "--language",
        "ar",
    )
    code = added["witness"]["code"]
    assert code.startswith("W-") and added["witness"]["identity"]["name"] == "(hidden)"
    assert added["current_scopes"] == ["cell_use", "share_hq"]

    withdrawn = run_json(
        "witness", "consent", code, "--withdraw", "--scope", "share_hq", "--date", "2026-03-05"
    )
    assert withdrawn["current_scopes"] == ["cell_use"]
    assert withdrawn["withdrawn_scopes"] == ["share_hq"]
    status, out, _ = run("witness", "show", code)
    assert status == 0
    assert "consent now: cell_use" in out and "WITHDRAWN:   share_hq" in out
    assert "Ali" not in out and "(hidden)" in out

    status, _, err = run("witness", "reveal", code, "--reason", " ")
    assert status == 1 and "say why" in err
    revealed = run_json("witness", "reveal", code, "--reason", "follow-up visit")
    assert revealed["witness"]["identity"]["name"] == "Ali Hassan"
    entry = run_json("log", "show", "--limit", "1")["entries"][0]
    assert entry["summary"] == f"identity of {code} revealed by kestrel: follow-up visit"
    listed = run_json("witness", "list", "--incident", inc["ref_code"])["witnesses"]
    assert [w["witness"]["code"] for w in listed] == [code]


def test_witness_validation_messages(vault_env: Path) -> None:
    status, out, err = run("witness", "add", "--age", "12", "--scope", "cell_use", "--json")
    assert status == 1
    details = json.loads(out)["details"]
    assert "minor: age 12 is under 18: mark the witness a minor" in details
    assert any(d.startswith("consent[0].method: say how consent was given") for d in details)
    assert "the record was not saved" in err


def test_statement_add_show_and_search(vault_env: Path, tmp_path: Path) -> None:
    code = run_json(
        "witness", "add", "--scope", "cell_use", "--method", "written", "--date", "2026-03-01"
    )["witness"]["code"]
    text_file = tmp_path / "statement.txt"
    text_file.write_text("رأيت الدخان فوق السوق", encoding="utf-8")
    evidence = run_json("evidence", "add", str(jpeg(tmp_path / "form.jpg")))["evidence"][0]
    added = run_json(
        "statement",
        "add",
        "--witness",
        code,
        "--type",
        "eyewitness",
        "--date",
        "2026-03-02T09:00:00Z",
        "--language",
        "ar",
        "--text-file",
        str(text_file),
        "--translation",
        "I saw smoke over the market",
        "--attach",
        evidence["id"],
    )["statement"]
    assert added["interviewer"] == "kestrel" and added["attachment_ids"] == [evidence["id"]]
    shown = run_json("statement", "show", added["id"])["statement"]
    assert shown["original_text"] == "رأيت الدخان فوق السوق"
    status, out, _ = run("statement", "show", added["id"])
    assert status == 0 and "I saw smoke over the market" in out
    hits = run_json("statement", "list", "--text", "smoke")["statements"]
    assert [s["id"] for s in hits] == [added["id"]]
    assert run_json("statement", "list", "--text", 'smoke" OR "x')["statements"] == []

    run_json("witness", "consent", code, "--withdraw", "--date", "2026-03-03")
    after = run_json("statement", "show", added["id"])
    assert after["witness_code"] == code
    assert (after["current_scopes"], after["withdrawn_scopes"]) == ([], ["cell_use"])
    status, out, _ = run("statement", "show", added["id"])
    assert "consent now: NONE in force; WITHDRAWN: cell_use" in out
    status, out, _ = run(
        "statement", "add", "--witness", code, "--text", "more", "--date", "2026-03-04", "--json"
    )
    assert status == 1 and "has not consented to use by the cell" in json.loads(out)["message"]
    status, _, err = run("statement", "add", "--witness", code, "--text", "a", "--text-file", "b")
    assert status == 2 and "not both" in err


def test_evidence_add_reports_a_bad_file_and_imports_the_rest(
    vault_env: Path, tmp_path: Path
) -> None:
    good = [jpeg(tmp_path / f"IMG_{i}.jpg") for i in range(3)]
    (tmp_path / "folder").mkdir()
    code, out, err = run(
        "evidence",
        "add",
        str(good[0]),
        str(tmp_path / "folder"),
        str(good[1]),
        str(good[2]),
        "--json",
    )
    assert code == 1
    data = json.loads(out)
    assert sorted(e["original_name"] for e in data["evidence"]) == [
        "IMG_0.jpg",
        "IMG_1.jpg",
        "IMG_2.jpg",
    ]
    assert len(data["failed"]) == 1 and "folder" in data["failed"][0]
    assert "not imported" in err
    assert len(run_json("evidence", "list")["evidence"]) == 3
