"""Tables of schema v4 for HQ review
(issue 5): the projection of HQ's assessment records and what else the review needs.

Part of migration step 3 (`schema._step_3_v4`); the step runs these statements in order. Like
every migration step, this is frozen once a vault with schema 4 exists outside development.
"""

from __future__ import annotations

DDL: tuple[str, ...] = (
    # HQ's current assessment of each incident (one assessment record per incident; a
    # re-assessment is a new version of that record). Projected from `versions` like every
    # current-state table and checked by `log verify`. Reports read an incident's effective
    # public category from here when a row exists (`assessments.effective_category_sql`).
    """CREATE TABLE assessments (
        n INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        incident_id TEXT NOT NULL UNIQUE,
        public_category TEXT NOT NULL,
        internal_grade TEXT NOT NULL,
        belligerent_view TEXT NOT NULL,
        assessor TEXT NOT NULL,
        date TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        version INTEGER NOT NULL
    )""",
    "CREATE INDEX assessments_category ON assessments (public_category, incident_id)",
)
