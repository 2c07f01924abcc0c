"""The field's sync commands on real vaults: `bundle export`, `bundle status`, `receipt import
[--purge]`, `receipt purge`, text and --json. The field vault is enrolled with a real HQ vault;
receipts are signed with HQ's real receipt key."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from fieldapp.store.vault import Vault
from sync import age, enrollment
from sync.statements import Receipt, note_hash, open_bundle_note
from tests.helpers import TEST_PASSPHRASE, make_vault
from tests.sync_helpers import enroll, make_hq_vault


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An enrolled field vault at tmp/field (FIELDAPP_VAULT) and its HQ at tmp/hq."""
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    enroll(field, hq)
    field.lock()
    hq.lock()
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    monkeypatch.setenv("FIELDAPP_VAULT", str(tmp_path / "field"))
    (tmp_path / "out").mkdir()
    yield tmp_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def run_json(*argv: str) -> Any:
    code, out, err = run(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def add_incident(title: str) -> None:
    run_json("incident", "add", "--title", title, "--start", "2024-05-01T06:00:00Z")


def write_receipt(env: Path, seq: int) -> Path:
    """HQ's receipt for bundle `seq` of the field vault, as a .chmr file."""
    hq = Vault.unlock(env / "hq", TEST_PASSPHRASE)
    field = Vault.unlock(env / "field", TEST_PASSPHRASE)
    try:
        keys = enrollment.load_hq_keys(hq)
        with field.reading() as conn:
            (note,) = conn.execute("SELECT note FROM bundles_out WHERE seq = ?", (seq,)).fetchone()
        enrolled = enrollment.field_enrollment(field)
        assert enrolled is not None
        device = field.device.device_id
        parsed = open_bundle_note(note, [enrolled.certificate.verifier(device)])
        text = Receipt(
            origin=keys.origin,
            hq=keys.receipt_name,
            device=device,
            seq=seq,
            bundle=note_hash(note),
            log_size=parsed.log_size,
            log_root=parsed.log_root,
            time=datetime(2026, 11, 22, 13, 30, tzinfo=UTC),
        ).sign(keys.receipt)
    finally:
        hq.lock()
        field.lock()
    path = env / f"receipt-{seq}.chmr"
    path.write_text(text, encoding="utf-8")
    return path


def test_export_json_and_text(env: Path) -> None:
    add_incident("Market strike")
    data = run_json("bundle", "export", "--out", str(env / "out"))
    path = Path(data["path"])
    assert path.parent == env / "out"
    assert re.fullmatch(r"[0-9a-f]{32}\.chmb", path.name)
    assert (data["seq"], data["records"], data["blobs"], data["chain"]) == (1, 1, 0, 0)
    assert data["size"] == path.stat().st_size
    # HQ's identity opens it.
    hq = Vault.unlock(env / "hq", TEST_PASSPHRASE)
    try:
        identities = enrollment.load_hq_keys(hq).identities
    finally:
        hq.lock()
    assert age.decrypt_bytes(path.read_bytes(), list(identities))

    code, out, _ = run("bundle", "export", "--out", str(env / "out"))
    assert code == 0
    assert "bundle 2 written to" in out
    assert "signed notes of 1 earlier bundle HQ has not acknowledged" in out
    assert len(os.listdir(env / "out")) == 2


def test_export_defaults_to_the_current_folder(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(env / "out")
    data = run_json("bundle", "export")
    assert Path(data["path"]).parent == env / "out"


def test_export_refused_when_not_enrolled(env: Path, tmp_path: Path) -> None:
    plain = make_vault(tmp_path / "plain")
    plain.lock()
    code, out, err = run("bundle", "export", "--vault", str(tmp_path / "plain"), "--json")
    assert code == 1
    assert json.loads(out)["error"] == "NotEnrolled"
    assert "not enrolled with HQ" in err
    code, _, err = run("bundle", "export", "--vault", str(tmp_path / "plain"))
    assert code == 1 and "fieldapp enroll request" in err


def test_export_into_a_missing_folder_is_an_error(env: Path) -> None:
    code, _, err = run("bundle", "export", "--out", str(env / "nowhere"))
    assert code == 1
    assert "does not exist" in err


def test_status_receipt_and_purge(env: Path) -> None:
    photo = env / "photo.bin"
    photo.write_bytes(os.urandom(100_000))
    add_incident("Market strike")
    evidence_id = run_json("evidence", "add", str(photo))["evidence"][0]["id"]
    status = run_json("bundle", "status")
    assert status["enrolled"] and status["last_seq"] == 0
    assert (status["pending_records"], status["pending_blobs"]) == (2, 1)
    code, out, _ = run("bundle", "status")
    assert code == 0 and "no bundle exported yet" in out and "1 evidence original" in out

    run_json("bundle", "export", "--out", str(env / "out"))
    receipt = write_receipt(env, 1)
    data = run_json("receipt", "import", str(receipt), "--purge")
    assert (data["seq"], data["duplicate"], data["blobs_acknowledged"]) == (1, False, 1)
    assert data["purge"]["blobs"] == 1 and data["purge"]["bytes"] == 100_000

    status = run_json("bundle", "status")
    assert (status["last_seq"], status["last_receipt_seq"], status["unacknowledged"]) == (1, 1, [])
    assert (status["acknowledged_blobs"], status["purged_blobs"]) == (1, 1)

    code, out, _ = run("receipt", "import", str(receipt))
    assert code == 0 and "already imported; nothing changed" in out
    code, out, _ = run("receipt", "purge")
    assert code == 0 and "nothing to purge" in out

    # The purged original says why it is gone.
    code, _, err = run(
        "evidence", "export", evidence_id, str(env / "copy.bin"), "--reason", "court request"
    )
    assert code == 1 and "purged from this device" in err


def test_bad_receipt_files(env: Path) -> None:
    missing = env / "missing.chmr"
    code, _, err = run("receipt", "import", str(missing))
    assert code == 2 and "cannot read the receipt" in err
    huge = env / "huge.chmr"
    huge.write_bytes(b"x" * (65 * 1024))
    code, _, err = run("receipt", "import", str(huge))
    assert code == 1 and "far too large" in err
    binary = env / "binary.chmr"
    binary.write_bytes(b"\xff\xfe receipt")
    code, _, err = run("receipt", "import", str(binary))
    assert code == 1 and "not UTF-8" in err
    forged = env / "forged.chmr"
    forged.write_text("fieldapp-hq/x/receipt/v1\nhq x\n\n— x AAAA\n", encoding="utf-8")
    code, out, err = run("receipt", "import", str(forged), "--json")
    assert code == 1 and json.loads(out)["error"] == "ReceiptRefused"
    assert "nothing was changed" in err.lower()
