"""Schema v1 -> v2 on the committed v1 fixture: the copy is taken, every row and hash survives
the rebuild of `versions`, the audit log still verifies, and the result equals a fresh v2."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldapp.domain.witness import ConsentEvent, Witness
from fieldapp.store import schema
from fieldapp.store.vault import Vault
from tests.helpers import TEST_PASSPHRASE, raw_connection

FIXTURE = Path(__file__).parent / "data" / "vault-v1"
VERSION_ROWS = (
    "SELECT seq, record_id, kind, version, author, device_id, at, reason, deleted, body, sha256 "
    "FROM versions ORDER BY seq"
)


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "vault-v1"
    shutil.copytree(FIXTURE, target)
    return target


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return [
        tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in conn.execute(sql)
    ]


def _master(conn: Any) -> list[tuple[str, str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
    ).fetchall()
    return sorted((r[0], r[1], r[2], r[3] or "") for r in rows)


def _key_of(path: Path) -> str:
    # Unlocking migrates, so read the key from a throw-away copy of the still-v1 folder.
    scratch = path.parent / "key-scratch"
    shutil.copytree(path, scratch)
    v = Vault.unlock(scratch, TEST_PASSPHRASE)
    try:
        return v._raw_key_hex()
    finally:
        v.lock()


def test_v1_fixture_migrates_to_current_keeping_every_row(v1_copy: Path) -> None:
    key_hex = _key_of(v1_copy)
    before = raw_connection(v1_copy, key_hex)
    try:
        assert schema.user_version(before) == 1
        versions_before = _rows(before, VERSION_ROWS)
        leaves_before = _rows(before, "SELECT * FROM audit_leaves ORDER BY idx")
        checkpoints_before = _rows(before, "SELECT * FROM checkpoints ORDER BY size")
    finally:
        before.close()

    v = Vault.unlock(v1_copy, TEST_PASSPHRASE)
    try:
        report = v.verify_log()
        assert report.ok, report.problems
        assert report.size == len(leaves_before)
        assert v.check().ok
    finally:
        v.lock()

    backup = v1_copy / schema.backup_name(schema.SCHEMA_VERSION)
    assert backup.is_file() and backup.read_bytes()[:16] != b"SQLite format 3\x00"
    after = raw_connection(v1_copy, key_hex)
    try:
        assert schema.user_version(after) == schema.SCHEMA_VERSION
        assert _rows(after, VERSION_ROWS) == versions_before  # same seq, bodies and hashes
        assert _rows(after, "SELECT * FROM audit_leaves ORDER BY idx") == leaves_before
        assert _rows(after, "SELECT * FROM checkpoints ORDER BY size") == checkpoints_before
        assert after.execute("PRAGMA foreign_key_check").fetchall() == []
        fresh = sqlite3.connect(":memory:", isolation_level=None)
        schema.create_schema(fresh)
        assert _master(after) == _master(fresh)
        # The rebuilt table is still append-only.
        with pytest.raises(Exception, match="append-only"):
            after.execute("UPDATE versions SET reason = 'rewritten' WHERE seq = 1")
        with pytest.raises(Exception, match="append-only"):
            after.execute("DELETE FROM versions WHERE seq = 1")
    finally:
        after.close()

    # The backup is the untouched v1 database.
    shutil.copy(backup, v1_copy / "vault.db")
    for leftover in v1_copy.glob("vault.db-*"):
        leftover.unlink()
    old = raw_connection(v1_copy, key_hex)
    try:
        assert schema.user_version(old) == 1
        assert _rows(old, VERSION_ROWS) == versions_before
    finally:
        old.close()


def test_v2_kinds_are_refused_by_v1_and_accepted_after_migration(v1_copy: Path) -> None:
    v = Vault.unlock(v1_copy, TEST_PASSPHRASE)
    try:
        witness = Witness(
            consent=[
                ConsentEvent(date="2026-03-02", scopes=["cell_use"], method="verbal", language="ar")
            ]
        )
        stored, version = v.save_witness(witness, "met at the clinic")
        assert version == 1 and stored.code.startswith(f"W-{v.device.code}-")
        assert v.verify_log().ok
    finally:
        v.lock()


def test_fresh_v2_has_the_widened_kind_check() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.create_schema(conn)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'versions'").fetchone()
    for kind in ("incident", "observation", "witness", "statement", "evidence"):
        assert f"'{kind}'" in sql
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO versions (record_id, kind, version, author, device_id, at, reason, "
            "deleted, body, sha256) VALUES ('x', 'other', 1, 'a', 'd', 't', 'r', 0, x'7b7d', 's')"
        )


FIXTURE_V2 = Path(__file__).parent / "data" / "vault-v2"


@pytest.fixture
def v2_copy(tmp_path: Path) -> Path:
    target = tmp_path / "vault-v2"
    shutil.copytree(FIXTURE_V2, target)
    return target


def test_v2_fixture_opens_and_reads_back(v2_copy: Path) -> None:
    from fieldapp.domain.witness import HIDDEN, current_scopes, withdrawn_scopes

    v = Vault.unlock(v2_copy, TEST_PASSPHRASE)
    try:
        # Only the steps after v2 ran: the copy is taken before them.
        assert [b.name for b in v2_copy.glob("vault.db.before-*")] == [
            schema.backup_name(schema.SCHEMA_VERSION)
        ]
        report = v.verify_log()
        assert report.ok, report.problems
        # vault, incident, evidence, witness x2, statement, reveal
        assert report.size == 7
        [(witness, version)] = v.list_witnesses()
        assert version == 2 and witness.identity.name == HIDDEN
        assert current_scopes(witness) == ("cell_use", "recontact")
        assert withdrawn_scopes(witness) == ("share_hq",)
        revealed, _ = v.get_witness(witness.id, reveal=True, reason="fixture test")
        assert revealed.identity.name == "Huda Karim"
        [(statement, _)] = v.list_statements(text="smoke")
        assert statement.witness_id == witness.id
        [item] = v.list_evidence()
        assert statement.attachment_ids == [item.id]
        assert item.caption == "consent form, page 1" and item.source_medium == "scanner"
        original = v.read_evidence(item.id, max_size=1_000_000)
        assert original[:3] == b"\xff\xd8\xff" and len(original) == item.size
        assert v.evidence_thumbnail(item.id) is not None
        key_hex = v._raw_key_hex()
    finally:
        v.lock()
    conn = raw_connection(v2_copy, key_hex)
    try:
        fresh = sqlite3.connect(":memory:", isolation_level=None)
        schema.create_schema(fresh)
        assert _master(conn) == _master(fresh)
    finally:
        conn.close()
