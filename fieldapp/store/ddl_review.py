"""Tables of schema v4 for HQ review
(issue 5): the projection of HQ's assessment records and what else the review needs.

Part of migration step 3 (`schema._step_3_v4`); the step runs these statements in order. Like
every migration step, this is frozen once a vault with schema 4 exists outside development.
"""

from __future__ import annotations

DDL: tuple[str, ...] = ()
