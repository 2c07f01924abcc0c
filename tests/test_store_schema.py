"""Schema and migrations: the real v1 fixture opens, a fresh schema equals a migrated one,
each step copies first and runs in one transaction, newer schemas are refused."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from fieldapp.domain.model import Incident
from fieldapp.errors import MigrationError
from fieldapp.store import schema
from fieldapp.store.vault import IncidentQuery, Vault
from tests.helpers import TEST_PASSPHRASE, make_vault, raw_connection

FIXTURE = Path(__file__).parent / "data" / "vault-v1"


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    """A private copy of the committed v1 vault (the fixture itself is never opened)."""
    target = tmp_path / "vault-v1"
    shutil.copytree(FIXTURE, target)
    return target


def master(conn: Any) -> list[tuple[str, str, str, str]]:
    # sqlite_stat* are planner statistics SQLite keeps by itself, not part of our schema.
    rows = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"
    ).fetchall()
    return sorted((r[0], r[1], r[2], r[3] or "") for r in rows)


def test_create_schema_works_on_plain_sqlite() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    schema.create_schema(conn)
    assert schema.user_version(conn) == schema.SCHEMA_VERSION
    names = {row[1] for row in master(conn)}
    assert {"versions", "incidents", "incidents_fts", "audit_leaves", "checkpoints"} <= names
    with pytest.raises(ValueError, match="empty database"):
        schema.create_schema(conn)


def test_fixture_is_a_real_encrypted_v1_vault() -> None:
    head = (FIXTURE / "vault.db").read_bytes()[:16]
    assert head != b"SQLite format 3\x00"
    assert sorted(p.name for p in FIXTURE.iterdir()) == ["vault.db", "vault.key"]


def test_v1_fixture_opens_and_reads_back(v1_copy: Path) -> None:
    v = Vault.unlock(v1_copy, TEST_PASSPHRASE)
    try:
        assert v.user == "analyst-osprey"
        assert v.device.cell_name == "Fixture Cell"
        rows = v.query_incidents(IncidentQuery(order_by="title", descending=False))
        assert [r.title for r in rows] == ["Bridge damaged", "Market strike"]
        market_row = rows[1]
        assert market_row.workflow == "under_assessment"
        assert market_row.harm_types == ("death", "damage_civilian_property")
        assert (market_row.killed_min, market_row.killed_max) == (1, 2)
        market, version = v.get_incident(market_row.id)
        assert version == 2 and market.place.lat == "36.340000"
        assert [h.reason for h in v.history(market.id)] == ["first report", "assessment started"]
        # The victim's name was stored in NFD; search finds it in NFC.
        hits = v.query_incidents(IncidentQuery(text=unicodedata.normalize("NFC", "Zoë")))
        assert [r.id for r in hits] == [market.id]
        observations = v.list_observations()
        assert [o.text for o in observations] == [
            "Crater on the bridge road",
            "Smoke seen over the old market",
        ]
        assert [o.text for o in v.list_observations(incident_id=rows[0].id)] == [
            "Crater on the bridge road"
        ]
        # 1 vault_created + 2 market + 1 bridge + 2 duplicate (saved, deleted) + 2 observations
        assert v.log_size() == 8
        assert v.check().ok
        # Still a working vault: it takes new records.
        new = Incident(title="After the upgrade")
        new.time.start = "2026-06-01T00:00:00Z"
        stored, _ = v.save_incident(new, "first")
        assert stored.ref_code.endswith("-0004")
        assert v.verify_log().ok
    finally:
        v.lock()


def test_fresh_schema_equals_schema_of_the_fixture(v1_copy: Path, tmp_path: Path) -> None:
    fresh = sqlite3.connect(":memory:", isolation_level=None)
    schema.create_schema(fresh)
    v = Vault.unlock(v1_copy, TEST_PASSPHRASE)
    key_hex = v._raw_key_hex()
    v.lock()
    old = raw_connection(v1_copy, key_hex)
    try:
        assert master(old) == master(fresh)
        assert schema.user_version(old) == schema.user_version(fresh) == schema.SCHEMA_VERSION
    finally:
        old.close()


@pytest.fixture
def current_vault(tmp_path: Path) -> Path:
    """A vault at the current schema version (the v1 fixture would migrate on unlock)."""
    target = tmp_path / "vault-current"
    make_vault(target).lock()
    return target


def test_current_vault_is_not_copied_or_migrated(current_vault: Path) -> None:
    Vault.unlock(current_vault, TEST_PASSPHRASE).lock()
    assert not list(current_vault.glob("vault.db.before-*"))


def _extra_step(conn: Any) -> None:
    conn.execute("CREATE TABLE extra_next (x INTEGER)")


def _failing_step(conn: Any) -> None:
    conn.execute("CREATE TABLE half_done (x INTEGER)")
    raise RuntimeError("disk said no")


def test_migration_copies_first_then_upgrades(
    current_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _extra_step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    v = Vault.unlock(current_vault, TEST_PASSPHRASE)
    key_hex = v._raw_key_hex()
    v.lock()
    backup = current_vault / f"vault.db.before-v{now + 1}"
    assert backup.is_file()
    assert backup.read_bytes()[:16] != b"SQLite format 3\x00"  # still encrypted
    upgraded = raw_connection(current_vault, key_hex)
    try:
        assert schema.user_version(upgraded) == now + 1
        assert upgraded.execute("SELECT count(*) FROM extra_next").fetchone() == (0,)
    finally:
        upgraded.close()
    # The copy is the untouched database: it opens at the old version with the same key.
    shutil.copy(backup, current_vault / "vault.db")
    for leftover in current_vault.glob("vault.db-*"):
        leftover.unlink()
    old = raw_connection(current_vault, key_hex)
    try:
        assert schema.user_version(old) == now
    finally:
        old.close()


def test_failed_migration_step_rolls_back(
    current_vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = schema.SCHEMA_VERSION
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _failing_step])
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    with pytest.raises(
        MigrationError, match=f"from schema version {now} to {now + 1} failed"
    ) as info:
        Vault.unlock(current_vault, TEST_PASSPHRASE)
    assert f"vault.db.before-v{now + 1}" in str(info.value)
    monkeypatch.undo()
    v = Vault.unlock(current_vault, TEST_PASSPHRASE)
    key_hex = v._raw_key_hex()
    v.lock()
    conn = raw_connection(current_vault, key_hex)
    try:
        assert schema.user_version(conn) == now
        names = {row[1] for row in master(conn)}
        assert "half_done" not in names
    finally:
        conn.close()
