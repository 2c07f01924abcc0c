"""`hq import`, `hq devices`, `hq inbox` and `bundle verify` end to end, text and --json."""

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
from fieldapp.store import signednote
from fieldapp.store.signednote import vkey
from fieldapp.store.vault import Vault
from sync import enrollment, fieldsync
from tests.helpers import TEST_PASSPHRASE, make_vault
from tests.sync_helpers import enroll, make_hq_vault


@dataclass
class Setup:
    hq_path: Path
    bundle: Path
    escrow: Path
    certificate: Path
    root_vkey: str
    code: str
    tmp: Path


@pytest.fixture
def setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Setup]:
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    enroll(field, hq)
    inc = Incident(title="Market strike", summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    field.save_incident(inc, "first report")
    out = tmp_path / "out"
    out.mkdir()
    bundle = fieldsync.export_bundle(field, out).path
    keys = enrollment.load_hq_keys(hq)
    escrow = tmp_path / "escrow.txt"
    enrollment.export_escrow_identity(hq, escrow)
    enrolled = enrollment.field_enrollment(field)
    assert enrolled is not None
    certificate = tmp_path / "device.cert"
    certificate.write_text(enrolled.certificate_note)
    root = signednote.verifier_for(keys.root_name, keys.root)
    setup = Setup(
        hq.path,
        bundle,
        escrow,
        certificate,
        vkey(root.name, root.public_key),
        field.device.code,
        tmp_path,
    )
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


def run_json(*argv: str) -> Any:
    code, out, _ = run(*argv, "--json")
    return code, json.loads(out)


def test_import_devices_inbox(setup: Setup) -> None:
    receipts = setup.tmp / "receipts"
    code, out, err = run("hq", "import", str(setup.bundle), "--receipts", str(receipts))
    assert code == 0, err
    assert f"device {setup.code} seq 1 imported: 1 new version(s)" in out
    assert "receipt: " + str(receipts) in out
    assert len(list(receipts.glob("*.chmr"))) == 1

    code, data = run_json("hq", "import", str(setup.bundle), "--receipts", str(receipts))
    assert code == 0
    (again,) = data["imports"]
    assert again["status"] == "duplicate" and again["seq"] == 1 and again["receipt"]

    code, data = run_json("hq", "devices")
    assert code == 0
    (device,) = data["devices"]
    assert (device["code"], device["last_seq"], device["frozen_at"]) == (setup.code, 1, None)
    code, out, _ = run("hq", "devices")
    assert setup.code in out and "seq 1" in out

    code, data = run_json("hq", "inbox")
    assert [r["status"] for r in data["inbox"]] == ["imported"]
    code, out, _ = run("hq", "inbox")
    assert "imported" in out


def test_a_refused_file_exits_1_with_its_reason(setup: Setup) -> None:
    junk = setup.tmp / "junk.chmb"
    junk.write_bytes(b"not age at all\n")
    code, out, _ = run("hq", "import", str(junk), str(setup.bundle))
    assert code == 1
    assert "junk.chmb: refused: " in out and "not an age v1 file" in out
    assert "seq 1 imported" in out  # the next file still went in
    code, data = run_json("hq", "import", str(setup.tmp / "missing.chmb"))
    assert code == 1
    assert data["imports"][0]["status"] == "not received"
    assert "does not exist" in data["imports"][0]["reason"]


def test_bundle_verify_with_escrow_identity_and_root(setup: Setup) -> None:
    code, out, err = run(
        "bundle",
        "verify",
        str(setup.bundle),
        "--identity",
        str(setup.escrow),
        "--certificate",
        str(setup.certificate),
        "--hq-root",
        setup.root_vkey,
    )
    assert code == 0, err
    assert f"bundle OK: device {setup.code}" in out
    assert "root equals the signed checkpoint" in out
    assert "signed by the given HQ root" in out

    code, data = run_json(
        "bundle",
        "verify",
        str(setup.bundle),
        "--identity",
        str(setup.escrow),
        "--certificate",
        str(setup.certificate),
    )
    assert code == 0
    assert data["ok"] and data["seq"] == 1 and data["log_checked"]
    assert data["certificate_checked"] is False and data["versions"] == 1


def test_bundle_verify_refuses_a_wrong_root_and_a_wrong_identity(setup: Setup) -> None:
    other_hq = make_hq_vault(setup.tmp / "other-hq")
    try:
        keys = enrollment.load_hq_keys(other_hq)
        other_root = signednote.verifier_for(keys.root_name, keys.root)
        other_escrow = setup.tmp / "other-escrow.txt"
        enrollment.export_escrow_identity(other_hq, other_escrow)
    finally:
        other_hq.lock()
    base = ["bundle", "verify", str(setup.bundle), "--certificate", str(setup.certificate)]
    code, _, err = run(
        *base,
        "--identity",
        str(setup.escrow),
        "--hq-root",
        vkey(other_root.name, other_root.public_key),
    )
    assert code == 1 and "device certificate" in err
    code, _, err = run(*base, "--identity", str(other_escrow))
    assert code == 1 and "none of the" in err
    code, _, err = run(*base, "--identity", str(setup.certificate))
    assert code == 1 and "identity 1 is not valid" in err


def test_vault_open_elsewhere_is_not_needed(setup: Setup) -> None:
    """`hq import` opens and locks the vault itself; afterwards the register shows the data."""
    assert run("hq", "import", str(setup.bundle))[0] == 0
    hq = Vault.unlock(setup.hq_path, TEST_PASSPHRASE)
    try:
        from fieldapp.store.records import IncidentQuery

        assert [r.title for r in hq.query_incidents(IncidentQuery())] == ["Market strike"]
        assert hq.verify_log().ok
        assert list((setup.hq_path / "outbox").glob("*.chmr"))
    finally:
        hq.lock()
