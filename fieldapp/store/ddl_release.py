"""Tables of schema v4 for the public-release gate (issue 5): a release as the gate prepared it
(its cleaned files, findings and policy), its approval by a second user, and its publications.

Every table is append-only (triggers): a release is prepared once, approved once, and each
publication is a new row, so what was approved is byte for byte what gets published, and the
history of who released what can never be rewritten. The status of a release is derived from
which rows exist, never stored twice.

Part of migration step 3 (`schema._step_3_v4`); the step runs these statements in order. Like
every migration step, this is frozen once a vault with schema 4 exists outside development.
"""

from __future__ import annotations


def _append_only(table: str) -> tuple[str, str]:
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END",
    )


DDL: tuple[str, ...] = (
    # One release as reviewed: the policy it was checked against and every finding (canonical
    # JSON), how many findings still block it.
    """CREATE TABLE releases (
        id TEXT PRIMARY KEY,
        prepared_by TEXT NOT NULL,
        prepared_at TEXT NOT NULL,
        policy BLOB NOT NULL,
        findings BLOB NOT NULL,
        blocking INTEGER NOT NULL CHECK (blocking >= 0)
    )""",
    # The cleaned files (automatic fixes applied), kept inside the encrypted vault until they
    # are published: the staging folder may change after the review, these bytes cannot.
    """CREATE TABLE release_files (
        release_id TEXT NOT NULL REFERENCES releases (id),
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        content BLOB NOT NULL,
        PRIMARY KEY (release_id, name)
    )""",
    # The second user's approval: one per release, never by the user who prepared it.
    """CREATE TABLE release_approvals (
        release_id TEXT PRIMARY KEY REFERENCES releases (id),
        approver TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    """CREATE TABLE release_publications (
        n INTEGER PRIMARY KEY,
        release_id TEXT NOT NULL REFERENCES release_approvals (release_id),
        at TEXT NOT NULL,
        out_dir TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL
    )""",
    "CREATE INDEX release_publications_release ON release_publications (release_id)",
    *_append_only("releases"),
    *_append_only("release_files"),
    *_append_only("release_approvals"),
    *_append_only("release_publications"),
)
