"""The database schema and its forward-only migrations.

`MIGRATIONS[i]` takes a database from `PRAGMA user_version` i to i + 1; step 0 creates the v1
schema on an empty file, so a new vault and an upgraded old vault run the very same code, and a
test checks that a fresh schema equals a migrated one. Steps are never edited once released: a
change is a new step.

Works on a `sqlcipher3` connection and on a plain stdlib `sqlite3` connection (the benchmark
compares the two), because it only issues standard SQL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldapp.errors import MigrationError, VaultTooNew
from fieldapp.store import db
from fieldapp.store.keyfile import fsync_dir

SCHEMA_VERSION = 4

# --- version 1 ----------------------------------------------------------------------------------
_V1: tuple[str, ...] = (
    # Small key/value facts about the vault (vault id, creation time, ref-code counters).
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    # The device identity: its Ed25519 private key never leaves the encrypted database.
    """CREATE TABLE device (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        device_id TEXT NOT NULL,
        private_key BLOB NOT NULL,
        public_key BLOB NOT NULL,
        cell_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('field', 'hq')),
        created_at TEXT NOT NULL
    )""",
    # Append-only record versions: the source of truth; everything else is a projection.
    """CREATE TABLE versions (
        seq INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('incident', 'observation')),
        version INTEGER NOT NULL CHECK (version >= 1),
        author TEXT NOT NULL,
        device_id TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL,
        deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        body BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        UNIQUE (record_id, version)
    )""",
    # Guards against our own bugs; someone holding the key can drop them, which is what the
    # audit log is there to reveal.
    """CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
        BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END""",
    """CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
        BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END""",
    # Current state of each live incident, with the register's columns.
    """CREATE TABLE incidents (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ref_code TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        start TEXT NOT NULL,
        workflow TEXT NOT NULL,
        public_category TEXT NOT NULL,
        harm_types TEXT NOT NULL,
        killed_min INTEGER,
        killed_max INTEGER,
        injured_min INTEGER,
        injured_max INTEGER,
        lat_e6 INTEGER,
        lon_e6 INTEGER,
        place TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX incidents_title ON incidents (title, n)",
    "CREATE INDEX incidents_start ON incidents (start, n)",
    "CREATE INDEX incidents_workflow ON incidents (workflow, n)",
    "CREATE INDEX incidents_public_category ON incidents (public_category, n)",
    "CREATE INDEX incidents_killed_max ON incidents (killed_max, n)",
    "CREATE INDEX incidents_updated_at ON incidents (updated_at, n)",
    # The register's default view is "newest first" filtered by status or category: these
    # give that page straight from the index instead of sorting a third of the register.
    "CREATE INDEX incidents_workflow_updated ON incidents (workflow, updated_at, n)",
    "CREATE INDEX incidents_category_updated ON incidents (public_category, updated_at, n)",
    # One row per harm type of an incident, for the harm filter.
    """CREATE TABLE incident_harms (
        incident_n INTEGER NOT NULL REFERENCES incidents (n) ON DELETE CASCADE,
        harm_type TEXT NOT NULL,
        mode TEXT NOT NULL,
        PRIMARY KEY (incident_n, harm_type, mode)
    )""",
    "CREATE INDEX incident_harms_type ON incident_harms (harm_type, incident_n)",
    # Full-text index; rowid = incidents.n. Text is NFC-normalised before it goes in.
    """CREATE VIRTUAL TABLE incidents_fts USING fts5 (
        ref_code, title, content, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """CREATE TABLE observations (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        at TEXT NOT NULL,
        category TEXT NOT NULL,
        lat_e6 INTEGER,
        lon_e6 INTEGER,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL,
        body BLOB NOT NULL
    )""",
    "CREATE INDEX observations_at ON observations (at, n)",
    # Links stay when an incident is deleted: the observation still names it in its history.
    """CREATE TABLE observation_links (
        observation_n INTEGER NOT NULL REFERENCES observations (n) ON DELETE CASCADE,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (observation_n, incident_id)
    )""",
    "CREATE INDEX observation_links_incident ON observation_links (incident_id, observation_n)",
    """CREATE VIRTUAL TABLE observations_fts USING fts5 (
        category, text, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    # The Merkle audit log: one leaf per change, `idx` 0-based as in RFC 6962.
    """CREATE TABLE audit_leaves (
        idx INTEGER PRIMARY KEY CHECK (idx >= 0),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        entry BLOB NOT NULL,
        leaf_hash TEXT NOT NULL,
        version_seq INTEGER UNIQUE REFERENCES versions (seq)
    )""",
    """CREATE TRIGGER audit_leaves_no_update BEFORE UPDATE ON audit_leaves
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_leaves_no_delete BEFORE DELETE ON audit_leaves
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    # The right edge of the tree (merkle.Frontier as JSON), so appending never re-reads the log.
    """CREATE TABLE audit_frontier (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        frontier TEXT NOT NULL
    )""",
    # Signed checkpoints (C2SP tlog-checkpoint in a signed note), one per transaction.
    """CREATE TABLE checkpoints (
        size INTEGER PRIMARY KEY CHECK (size >= 1),
        root TEXT NOT NULL,
        note TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    """CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END""",
)


def _step_0_create_v1(conn: Any) -> None:
    for statement in _V1:
        conn.execute(statement)


# --- version 2: witnesses, statements, evidence items (issue 3) ---------------------------------
# The v1 `versions` table only allows two kinds, and SQLite cannot change a CHECK constraint in
# place: the table is rebuilt (SQLite's documented 12-step procedure) with the same rows and seq
# numbers, so every version hash and audit-log leaf stays valid, and its triggers are recreated.
_V2_VERSIONS = """CREATE TABLE versions_v2 (
        seq INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (
            kind IN ('incident', 'observation', 'witness', 'statement', 'evidence')
        ),
        version INTEGER NOT NULL CHECK (version >= 1),
        author TEXT NOT NULL,
        device_id TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL,
        deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        body BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        UNIQUE (record_id, version)
    )"""

_V2: tuple[str, ...] = (
    # Current state of each live witness: the code and consent only, never identity fields, so
    # no index or projection holds a name; the body is read from `versions`.
    """CREATE TABLE witnesses (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        code TEXT NOT NULL UNIQUE,
        minor INTEGER NOT NULL CHECK (minor IN (0, 1)),
        scopes TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    """CREATE TABLE witness_links (
        witness_n INTEGER NOT NULL REFERENCES witnesses (n) ON DELETE CASCADE,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (witness_n, incident_id)
    )""",
    "CREATE INDEX witness_links_incident ON witness_links (incident_id, witness_n)",
    """CREATE TABLE statements (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        witness_id TEXT NOT NULL,
        type TEXT NOT NULL,
        interview_date TEXT NOT NULL,
        language TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX statements_witness ON statements (witness_id, interview_date, n)",
    """CREATE TABLE statement_links (
        statement_n INTEGER NOT NULL REFERENCES statements (n) ON DELETE CASCADE,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (statement_n, incident_id)
    )""",
    "CREATE INDEX statement_links_incident ON statement_links (incident_id, statement_n)",
    # rowid = statements.n; text NFC-normalised before it goes in, as for incidents.
    """CREATE VIRTUAL TABLE statements_fts USING fts5 (
        original_text, translation, place, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """CREATE TABLE evidence_items (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        original_name TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        capture_time TEXT NOT NULL,
        lat_e6 INTEGER,
        lon_e6 INTEGER,
        flags TEXT NOT NULL,
        duplicate_of TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    # Finding an earlier import of the same bytes is one index probe.
    "CREATE INDEX evidence_items_sha256 ON evidence_items (sha256, n)",
    "CREATE INDEX evidence_items_imported ON evidence_items (imported_at, n)",
    """CREATE TABLE evidence_links (
        evidence_n INTEGER NOT NULL REFERENCES evidence_items (n) ON DELETE CASCADE,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (evidence_n, incident_id)
    )""",
    "CREATE INDEX evidence_links_incident ON evidence_links (incident_id, evidence_n)",
    # Thumbnails are derived data (re-creatable from the original), so they stay out of the
    # hashed version body; one per blob, shared by every item that links the same bytes.
    """CREATE TABLE evidence_thumbnails (
        sha256 TEXT PRIMARY KEY,
        jpeg BLOB NOT NULL
    )""",
)


def _step_1_v2(conn: Any) -> None:
    conn.execute(_V2_VERSIONS)
    conn.execute(
        "INSERT INTO versions_v2 (seq, record_id, kind, version, author, device_id, at, reason, "
        "deleted, body, sha256) SELECT seq, record_id, kind, version, author, device_id, at, "
        "reason, deleted, body, sha256 FROM versions ORDER BY seq"
    )
    conn.execute("DROP TABLE versions")  # its triggers go with it
    conn.execute("ALTER TABLE versions_v2 RENAME TO versions")
    conn.execute(
        """CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
        BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END"""
    )
    conn.execute(
        """CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
        BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END"""
    )
    for statement in _V2:
        conn.execute(statement)


# --- version 3: sync (issue 4) ------------------------------------------------------------------
# One schema for both roles: a field vault fills the enrolment and outgoing-bundle tables, an
# HQ vault its keys, devices and inbox. Empty tables cost nothing and keep one migration path.
_V3: tuple[str, ...] = (
    # HQ only: its signing keys and age identities. The escrow identity may be taken out of the
    # vault (kept offline); its recipient stays so that lists can still name it.
    """CREATE TABLE hq_keys (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        origin TEXT NOT NULL,
        root_name TEXT NOT NULL,
        root_private BLOB NOT NULL,
        receipt_name TEXT NOT NULL,
        receipt_private BLOB NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # Every age identity HQ has used: old ones stay so that older bundles still open.
    """CREATE TABLE hq_identities (
        n INTEGER PRIMARY KEY,
        purpose TEXT NOT NULL CHECK (purpose IN ('primary', 'escrow')),
        recipient TEXT NOT NULL UNIQUE,
        identity TEXT,
        created_at TEXT NOT NULL,
        retired_at TEXT
    )""",
    # Every recipient list HQ signed (HQ) or accepted (field); the highest version is current.
    """CREATE TABLE recipient_lists (
        version INTEGER PRIMARY KEY CHECK (version >= 1),
        note TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    # Field only: what enrolment pinned. HQ's root and receipt keys as C2SP verifier keys.
    """CREATE TABLE enrollment (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        hq_origin TEXT NOT NULL,
        root_vkey TEXT NOT NULL,
        receipt_vkey TEXT NOT NULL,
        certificate TEXT NOT NULL,
        enrolled_at TEXT NOT NULL
    )""",
    # Field only: each bundle this device signed. `version_seq` and `log_size` say how far it
    # reached, so the next export knows where cumulative content starts after a receipt.
    """CREATE TABLE bundles_out (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        note TEXT NOT NULL,
        note_hash TEXT NOT NULL,
        version_seq INTEGER NOT NULL,
        log_size INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at TEXT NOT NULL
    )""",
    # Field only: receipts imported (one per acknowledged bundle seq).
    """CREATE TABLE receipts_in (
        seq INTEGER PRIMARY KEY CHECK (seq >= 1),
        note TEXT NOT NULL,
        imported_at TEXT NOT NULL
    )""",
    # Field only: evidence blobs HQ has acknowledged, and whether policy purged them since.
    """CREATE TABLE acked_blobs (
        sha256 TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        purged_at TEXT
    )""",
    # HQ only: enrolled devices and their sequence state (advanced only by a committed import).
    """CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        public_key BLOB NOT NULL,
        analyst TEXT NOT NULL,
        code TEXT NOT NULL,
        certificate TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        trusted_up_to INTEGER,
        frozen_at TEXT,
        frozen_reason TEXT NOT NULL DEFAULT '',
        last_seq INTEGER NOT NULL DEFAULT 0,
        last_hash TEXT NOT NULL DEFAULT 'genesis',
        log_frontier TEXT NOT NULL DEFAULT '',
        last_receipt_at TEXT
    )""",
    # HQ only: every bundle seq of every device HQ has verified: imported itself, or covered by
    # a later cumulative bundle that carried its signed note.
    """CREATE TABLE device_bundles (
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        seq INTEGER NOT NULL CHECK (seq >= 1),
        note_hash TEXT NOT NULL,
        note TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('imported', 'covered')),
        inbox_sha256 TEXT,
        receipt TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (device_id, seq)
    )""",
    # HQ only: HQ's copy of each device's audit log, to check every later checkpoint against.
    """CREATE TABLE device_log (
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        idx INTEGER NOT NULL CHECK (idx >= 0),
        leaf_hash TEXT NOT NULL,
        entry BLOB NOT NULL,
        PRIMARY KEY (device_id, idx)
    )""",
    # HQ only: every file received (write-once copy in inbox/<sha256>.chmb) and its outcome.
    """CREATE TABLE inbox (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        received_at TEXT NOT NULL,
        operator TEXT NOT NULL,
        status TEXT NOT NULL CHECK (
            status IN ('received', 'imported', 'duplicate', 'held', 'rejected')
        ),
        device_id TEXT,
        seq INTEGER,
        report TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX inbox_device ON inbox (device_id, status, seq)",
)


def _step_2_v3(conn: Any) -> None:
    for statement in _V3:
        conn.execute(statement)


# --- version 4: HQ review (issue 5) and purge of acknowledged identities (issue 4) ---------------
# `versions` is rebuilt once more (the same 12-step procedure as v2, same rows and seq numbers):
# HQ's own judgements are records of kind 'assessment', and a version body may be replaced by a
# redacted one, only when a `redactions` row for that seq exists (written in the same
# transaction, logged). The stored sha256 never changes, so every audit leaf stays valid; the
# verifier takes a redacted body's hash from the redaction row instead of recomputing it.
_V4_VERSIONS = """CREATE TABLE versions_v4 (
        seq INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (
            kind IN ('incident', 'observation', 'witness', 'statement', 'evidence', 'assessment')
        ),
        version INTEGER NOT NULL CHECK (version >= 1),
        author TEXT NOT NULL,
        device_id TEXT NOT NULL,
        at TEXT NOT NULL,
        reason TEXT NOT NULL,
        deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
        body BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        UNIQUE (record_id, version)
    )"""

_V4_REDACTIONS: tuple[str, ...] = (
    # One row per version body replaced after HQ acknowledged it: which fields went, the hash
    # the version has with its redacted body (so `log verify` still detects any later change),
    # when, and the receipt that allowed it. Rows are never changed or removed.
    """CREATE TABLE redactions (
        seq INTEGER PRIMARY KEY REFERENCES versions (seq),
        fields TEXT NOT NULL,
        redacted_sha256 TEXT NOT NULL,
        at TEXT NOT NULL,
        receipt_seq INTEGER NOT NULL
    )""",
    """CREATE TRIGGER redactions_no_update BEFORE UPDATE ON redactions
        BEGIN SELECT RAISE(ABORT, 'redactions are append-only'); END""",
    """CREATE TRIGGER redactions_no_delete BEFORE DELETE ON redactions
        BEGIN SELECT RAISE(ABORT, 'redactions are append-only'); END""",
    # Only the body may change, and only once a redaction row names the seq.
    """CREATE TRIGGER versions_no_update BEFORE UPDATE ON versions
        WHEN NEW.seq IS NOT OLD.seq OR NEW.record_id IS NOT OLD.record_id
          OR NEW.kind IS NOT OLD.kind OR NEW.version IS NOT OLD.version
          OR NEW.author IS NOT OLD.author OR NEW.device_id IS NOT OLD.device_id
          OR NEW.at IS NOT OLD.at OR NEW.reason IS NOT OLD.reason
          OR NEW.deleted IS NOT OLD.deleted OR NEW.sha256 IS NOT OLD.sha256
          OR NOT EXISTS (SELECT 1 FROM redactions WHERE seq = OLD.seq)
        BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END""",
    """CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions
        BEGIN SELECT RAISE(ABORT, 'record versions are append-only'); END""",
)


def _step_3_v4(conn: Any) -> None:
    from fieldapp.store import ddl_deconfliction, ddl_release, ddl_review

    conn.execute(_V4_VERSIONS)
    conn.execute(
        "INSERT INTO versions_v4 (seq, record_id, kind, version, author, device_id, at, reason, "
        "deleted, body, sha256) SELECT seq, record_id, kind, version, author, device_id, at, "
        "reason, deleted, body, sha256 FROM versions ORDER BY seq"
    )
    conn.execute("DROP TABLE versions")  # its triggers go with it
    conn.execute("ALTER TABLE versions_v4 RENAME TO versions")
    for statement in _V4_REDACTIONS + ddl_review.DDL + ddl_deconfliction.DDL + ddl_release.DDL:
        conn.execute(statement)


Migration = Callable[[Any], None]

# MIGRATIONS[i]: user_version i -> i + 1. Append only; never edit a released step.
MIGRATIONS: list[Migration] = [_step_0_create_v1, _step_1_v2, _step_2_v3, _step_3_v4]

assert len(MIGRATIONS) == SCHEMA_VERSION


def user_version(conn: Any) -> int:
    (value,) = conn.execute("PRAGMA user_version").fetchone()
    return int(value)


def _run_step(conn: Any, index: int) -> None:
    # One transaction per step: a failed step leaves the database at the previous version.
    # Foreign keys are off during a step (they cannot be switched inside a transaction) so a
    # step can rebuild a table that others reference; the whole database is checked before
    # the commit instead, as SQLite's documented table-rebuild procedure does.
    (foreign_keys,) = conn.execute("PRAGMA foreign_keys").fetchone()
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[index](conn)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"the step leaves {len(broken)} broken reference(s)")
            # PRAGMA cannot take a bound parameter; `index` is our own integer.
            conn.execute(f"PRAGMA user_version = {int(index) + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        if foreign_keys:
            conn.execute("PRAGMA foreign_keys = ON")


def create_schema(conn: Any) -> None:
    """Create the current schema on an empty database (sqlcipher3 or stdlib sqlite3).

    The connection must be in autocommit mode (`isolation_level=None`), as every vault
    connection is, because each step manages its own transaction.
    """
    if user_version(conn) != 0:
        raise ValueError("create_schema needs an empty database")
    for index in range(SCHEMA_VERSION):
        _run_step(conn, index)


def backup_name(target_version: int) -> str:
    return f"vault.db.before-v{target_version}"


def _take_backup(db_path: Path, backup: Path) -> None:
    """Copy the database to `backup` durably, unless an earlier attempt already did.

    The copy is written under a temporary name, synced, then renamed, so a file under the
    backup's name is always complete. An existing one is kept: it is the earliest state, and
    an upgrade killed after some steps committed must not replace the copy of the untouched
    vault with one of a half-upgraded vault.
    """
    if backup.is_file():
        return
    tmp = backup.with_name(f".{backup.name}.tmp")  # a killed attempt's is truncated and reused
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with db_path.open("rb") as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(tmp, backup)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(db_path.parent)


def migrate(conn: Any, db_path: Path) -> Path | None:
    """Bring an existing vault up to SCHEMA_VERSION; returns the pre-migration copy, if any.

    Before the first step the WAL is checkpointed into the main file and that file is copied to
    `vault.db.before-v<SCHEMA_VERSION>` (still encrypted), so a failed upgrade loses nothing.
    Without room for that copy nothing is upgraded.
    """
    current = user_version(conn)
    if current > SCHEMA_VERSION:
        raise VaultTooNew(
            f"This vault has schema version {current}; this fieldapp knows up to "
            f"version {SCHEMA_VERSION}. The vault was not changed."
        )
    if current == SCHEMA_VERSION:
        return None
    backup = db_path.with_name(backup_name(SCHEMA_VERSION))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _take_backup(db_path, backup)
    except Exception as exc:
        if not isinstance(exc, OSError) and not db.is_database_error(exc):
            raise
        raise MigrationError(
            f"The vault was not upgraded to schema version {SCHEMA_VERSION}: a copy of it "
            f"could not be written first ({exc}). Nothing was changed; make room on the disk "
            "and open the vault again."
        ) from exc
    for index in range(current, SCHEMA_VERSION):
        try:
            _run_step(conn, index)
        except Exception as exc:
            raise MigrationError(
                f"Upgrading the vault from schema version {index} to {index + 1} failed "
                f"({exc}); the database is still at version {index}, and a copy taken before "
                f"the upgrade is in {backup}."
            ) from exc
    return backup
