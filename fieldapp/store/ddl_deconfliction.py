"""Tables of schema v4 for deconfliction
(issue 5): external datasets, their column mappings, candidate decisions.

Part of migration step 3 (`schema._step_3_v4`); the step runs these statements in order. Like
every migration step, this is frozen once a vault with schema 4 exists outside development.

External records are not case records: they are copies of someone else's published rows,
refreshed by re-importing the source, so they live in plain tables (no versions); what the
analyst decides about them (links, rejections) is logged in the audit log.
"""

from __future__ import annotations

DDL: tuple[str, ...] = (
    # One row per external dataset; `mapping` is the JSON column mapping used for its last import.
    """CREATE TABLE external_sources (
        name TEXT PRIMARY KEY,
        preset TEXT NOT NULL,
        mapping TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    # One row per external record; `day` is the proleptic Gregorian ordinal of its UTC date, so a
    # time window is an integer range on the `external_records_day` index.
    """CREATE TABLE external_records (
        n INTEGER PRIMARY KEY,
        source TEXT NOT NULL REFERENCES external_sources (name) ON DELETE CASCADE,
        external_id TEXT NOT NULL,
        at TEXT NOT NULL,
        day INTEGER NOT NULL,
        lat_e6 INTEGER,
        lon_e6 INTEGER,
        place TEXT NOT NULL,
        belligerent TEXT NOT NULL,
        munition TEXT NOT NULL,
        killed_min INTEGER,
        killed_max INTEGER,
        url TEXT NOT NULL,
        raw TEXT NOT NULL,
        digest TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (source, external_id)
    )""",
    "CREATE INDEX external_records_day ON external_records (day, n)",
    # Accepted matches: HQ's own link from an incident (possibly imported from a field device,
    # which HQ must not edit) to an external record.
    """CREATE TABLE external_links (
        incident_id TEXT NOT NULL,
        source TEXT NOT NULL,
        external_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (incident_id, source, external_id)
    )""",
    "CREATE INDEX external_links_external ON external_links (source, external_id)",
    # Rejected pairs, remembered so they are never proposed again.
    """CREATE TABLE match_rejections (
        incident_id TEXT NOT NULL,
        source TEXT NOT NULL,
        external_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (incident_id, source, external_id)
    )""",
)
