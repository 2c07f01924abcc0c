"""Rebuild a record's current-state rows from its stored versions.

The local editors write a projection straight from the object they just saved. HQ's import
has no such object: it appends versions made elsewhere, so it rebuilds each touched record's
rows from the latest version in `versions`, with the same projection functions the editors
use. That way `verify_log` (which compares the rows with the latest versions) holds for
imported records exactly as for local ones.
"""

from __future__ import annotations

from typing import Any

from fieldapp.domain import canonical
from fieldapp.domain.assessment import HqAssessment
from fieldapp.domain.evidence import EvidenceItem
from fieldapp.domain.model import Incident, Observation, from_dict
from fieldapp.domain.witness import Statement, Witness
from fieldapp.errors import RecordNotFound
from fieldapp.store import assessments, evidence_items, records, witnesses

KINDS = ("incident", "observation", "witness", "statement", "evidence", "assessment")


def _removers() -> dict[str, Any]:
    return {
        "incident": records.remove_incident_projection,
        "observation": records.remove_observation_projection,
        "witness": witnesses.remove_witness_projection,
        "statement": witnesses.remove_statement_projection,
        "evidence": evidence_items.remove_evidence_projection,
        "assessment": assessments.remove_assessment_projection,
    }


def rebuild(conn: Any, record_id: str) -> None:
    """Make the record's current-state rows equal its latest version (inside a transaction).

    A tombstone removes the rows. `created_at` is the time of version 1 and `updated_at`
    that of the latest version, as the local save paths write them.
    """
    latest = conn.execute(
        "SELECT kind, version, deleted, body, at FROM versions WHERE record_id = ? "
        "ORDER BY version DESC LIMIT 1",
        (record_id,),
    ).fetchone()
    if latest is None:
        raise RecordNotFound(f"There is no record with id {record_id}.")
    kind, version, deleted, body, updated_at = latest
    data = bytes(body)
    apply(
        conn, str(kind), record_id, int(version), bool(deleted), canonical.loads(data), updated_at
    )


def apply(
    conn: Any,
    kind: str,
    record_id: str,
    version: int,
    deleted: bool,
    body: Any,
    updated_at: str,
    body_bytes: bytes | None = None,
) -> None:
    """Project one version that is the record's latest, from its already parsed body.

    The importer calls this with the body it has in hand, which spares reading and parsing
    every imported record a second time; `rebuild` is the same from the stored row.
    `body_bytes` are the stored canonical bytes (an observation's row keeps them verbatim).
    """
    if kind not in KINDS:
        raise ValueError(f"record {record_id} has unknown kind {kind!r}")
    if deleted:
        _removers()[kind](conn, record_id)
        return
    if kind == "incident":
        records.project_incident(
            conn, from_dict(Incident, body), version, _created_at(conn, record_id), updated_at
        )
    elif kind == "observation":
        records.project_observation(
            conn, from_dict(Observation, body), version, updated_at, body_bytes
        )
    elif kind == "witness":
        witnesses.project_witness(
            conn, from_dict(Witness, body), version, _created_at(conn, record_id), updated_at
        )
    elif kind == "statement":
        witnesses.project_statement(conn, from_dict(Statement, body), version, updated_at)
    elif kind == "assessment":
        assessments.project_assessment(conn, from_dict(HqAssessment, body), version, updated_at)
    else:
        evidence_items.project_evidence(conn, from_dict(EvidenceItem, body), version, updated_at)


def _created_at(conn: Any, record_id: str) -> str:
    first = conn.execute(
        "SELECT at FROM versions WHERE record_id = ? ORDER BY version LIMIT 1", (record_id,)
    ).fetchone()
    return str(first[0])
