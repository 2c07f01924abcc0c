"""`hq external` and `hq match` end to end at a real HQ vault holding an incident imported from
a field device (which HQ may not edit), text and --json."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from fieldapp.domain.model import Incident
from fieldapp.store.vault import Vault
from sync import fieldsync
from sync.hqimport import import_bundle
from tests.helpers import TEST_PASSPHRASE, make_vault
from tests.sync_helpers import enroll, make_hq_vault

AIRWARS = Path(__file__).parent / "data" / "deconfliction" / "airwars_small.csv"


@dataclass
class Setup:
    hq_path: Path
    incident_id: str
    ref_code: str
    tmp: Path


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Setup]:
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    enroll(field, hq)
    inc = Incident(title="House strike")
    inc.time.start = "2024-03-05T09:00:00Z"
    inc.place.lat, inc.place.lon = "33.316000", "44.367000"
    inc.engagement.party, inc.engagement.munition = "coalition_partner", "guided_bomb"
    stored, _ = field.save_incident(inc, "first report")
    out = tmp_path / "out"
    out.mkdir()
    assert import_bundle(hq, fieldsync.export_bundle(field, out).path).status == "imported"
    setup = Setup(hq.path, stored.id, stored.ref_code, tmp_path)
    field.lock()
    hq.lock()
    monkeypatch.setenv("FIELDAPP_VAULT", str(hq.path))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    yield setup


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> tuple[int, Any]:
    code, out, _ = run(*argv, "--json")
    return code, json.loads(out)


def test_import_list_match_accept_reject(setup: Setup) -> None:
    code, data = run_json(
        "hq", "external", "import", "airwars", str(AIRWARS), "--preset", "airwars"
    )
    assert code == 0 and (data["rows"], data["added"]) == (5, 5)
    code, out, _ = run("hq", "external", "import", "airwars", str(AIRWARS))
    assert code == 0 and "0 added, 0 updated, 5 unchanged" in out
    code, data = run_json("hq", "external", "list")
    (source,) = data["sources"]
    assert (source["name"], source["records"], source["preset"]) == ("airwars", 5, "airwars")

    code, data = run_json("hq", "match", setup.ref_code)
    assert code == 0 and data["incident_id"] == setup.incident_id
    ranked = [c["external_id"] for c in data["candidates"]]
    assert ranked == ["XS001", "XS005", "XS002", "XS003"]
    assert data["candidates"][0]["reasons"][:2] == ["same day", "0.1 km apart"]
    assert data["candidates"][0]["distance_m"] == 122
    code, out, _ = run("hq", "match", setup.incident_id, "--window-days", "0")
    assert code == 0 and "XS002" not in out and "belligerent matches: coalition" in out

    # HQ may not edit the field's incident, but it may link it: an HQ-owned row.
    code, data = run_json(
        "hq", "match", "accept", setup.ref_code, "airwars", "XS001", "--reason", "same house"
    )
    assert code == 0 and data["decision"] == "accepted"
    code, out, _ = run(
        "hq", "match", "reject", setup.incident_id, "airwars", "XS002", "--reason", "other party"
    )
    assert code == 0 and "XS002 rejected" in out
    code, data = run_json("hq", "match", setup.incident_id)
    assert [c["external_id"] for c in data["candidates"]] == ["XS005", "XS003"]
    (link,) = data["links"]
    assert (link["external_id"], link["origin"], link["reason"]) == (
        "XS001",
        "accepted",
        "same house",
    )
    code, out, _ = run("hq", "match", setup.incident_id)
    assert "airwars XS001 (accepted by hq-operator-heron" in out

    code, data = run_json("hq", "match", "all", "--min-score", "20")
    assert [c["external_id"] for c in data["candidates"]] == ["XS005", "XS003"]
    code, out, _ = run("log", "verify")
    assert code == 0, out


def test_refusals_are_specific(setup: Setup) -> None:
    bad = setup.tmp / "bad.csv"
    bad.write_text(AIRWARS.read_text("utf-8").replace("Latitude", "Lat"), "utf-8")
    code, data = run_json("hq", "external", "import", "airwars", str(bad), "--preset", "airwars")
    assert code == 1 and data["error"] == "ExternalFileError"
    assert "the header has no column 'Latitude'" in data["message"]
    code, _, err = run("hq", "external", "import", "airwars", str(AIRWARS))
    assert code == 1 and "the source 'airwars' is new" in err
    code, _, err = run("hq", "match", "accept", setup.incident_id, "airwars", "XS001")
    assert code == 2 and "needs --reason" in err
    code, _, err = run("hq", "match", "no-such-incident")
    assert code == 1 and "There is no incident 'no-such-incident'" in err
    code, _, err = run("hq", "match", "a", "b")
    assert code == 2 and "hq match takes one incident" in err


def test_preview_with_a_mapping_file(setup: Setup) -> None:
    mapping = setup.tmp / "mapping.json"
    mapping.write_text(
        json.dumps(
            {"date_format": "DD/MM/YYYY", "columns": {"external_id": "Ref", "date": "When"}}
        ),
        "utf-8",
    )
    data_file = setup.tmp / "partner.csv"
    data_file.write_text("Ref,When\nP1,05/03/2024\nP2,32/03/2024\n", "utf-8")
    code, data = run_json("hq", "external", "preview", str(data_file), "--mapping", str(mapping))
    assert code == 0
    assert data["rows"][0]["date"] == "2024-03-05"
    assert "is not a real date (DD/MM/YYYY)" in data["rows"][1]["error"]
    code, data = run_json(
        "hq", "external", "import", "partner", str(data_file), "--mapping", str(mapping)
    )
    assert code == 1 and "line 3: the date '32/03/2024' is not a real date" in data["message"]


def test_works_on_a_field_vault(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    vault: Vault = make_vault(tmp_path / "field")
    vault.lock()
    monkeypatch.setenv("FIELDAPP_VAULT", str(tmp_path / "field"))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    code, data = run_json(
        "hq", "external", "import", "airwars", str(AIRWARS), "--preset", "airwars"
    )
    assert code == 0 and data["added"] == 5
    code, data = run_json("hq", "match", "all")
    assert code == 0 and data["candidates"] == []
