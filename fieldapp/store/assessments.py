"""HQ's assessment records: their projection, history, and the cross-device register.

An assessment is a record of kind 'assessment' written by the HQ device (`Vault.save_assessment`):
one record per incident, a re-assessment being its next version. The `assessments` table
(`ddl_review.DDL`) is its current-state projection, rebuilt like every other one and compared
with the latest versions by `verify_log`, so a report that reads it reads what the signed log says.

The register at HQ lists incidents of every device. An incident's device is the device that
wrote its version 1 (`versions.device_id`), and its *effective* public category is HQ's when HQ
assessed it, else the field's (`effective_category_sql`).

These functions take an open connection; the writers run inside the caller's transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fieldapp.domain import canonical
from fieldapp.domain.assessment import KIND, HqAssessment
from fieldapp.domain.diff import Change, diff_records
from fieldapp.domain.model import from_dict, to_dict
from fieldapp.errors import FieldIssue, RecordNotFound, ValidationError
from fieldapp.store import records

COLUMNS = (
    "id",
    "incident_id",
    "public_category",
    "internal_grade",
    "belligerent_view",
    "assessor",
    "date",
    "version",
)

# Fields that identify the record rather than judge the incident: never shown as "changes".
_IDENTITY_FIELDS = frozenset(("id", "incident_id"))


def effective_category_sql(incident: str = "i") -> str:
    """The SQL expression of an incident's effective public category, for reports and filters.

    HQ's category when HQ assessed the incident, else the one recorded in the field. `incident`
    is the alias (or table name) of `incidents` in the caller's query; it must be an SQL
    identifier, never user text.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", incident):
        raise ValueError(f"not an SQL identifier: {incident!r}")
    # `incident` was just checked to be an identifier (callers pass a constant alias).
    return (
        "COALESCE((SELECT a.public_category FROM assessments a "  # noqa: S608
        f"WHERE a.incident_id = {incident}.id), {incident}.public_category)"
    )


# --- projection ---------------------------------------------------------------------------------
def assessment_columns(a: HqAssessment, version: int) -> tuple[Any, ...]:
    """The projected columns (in COLUMNS order): one function for the writer and the check."""
    return (
        a.id,
        a.incident_id,
        a.public_category,
        a.internal_grade,
        a.belligerent_view,
        a.assessor,
        a.date,
        version,
    )


def project_assessment(conn: Any, a: HqAssessment, version: int, updated_at: str) -> None:
    """Write the current row of one assessment record (replacing an older one)."""
    remove_assessment_projection(conn, a.id)
    names = ", ".join((*COLUMNS, "updated_at"))
    marks = ", ".join("?" * (len(COLUMNS) + 1))
    conn.execute(
        f"INSERT INTO assessments ({names}) VALUES ({marks})",  # noqa: S608 - constant columns
        (*assessment_columns(a, version), updated_at),
    )


def remove_assessment_projection(conn: Any, record_id: str) -> None:
    conn.execute("DELETE FROM assessments WHERE id = ?", (record_id,))


def current(conn: Any, incident_id: str) -> tuple[str, int] | None:
    """(record id, version) of HQ's assessment of an incident, or None if never assessed."""
    row = conn.execute(
        "SELECT id, version FROM assessments WHERE incident_id = ?", (incident_id,)
    ).fetchone()
    return None if row is None else (str(row[0]), int(row[1]))


def load(conn: Any, incident_id: str) -> tuple[HqAssessment, int] | None:
    """HQ's current assessment of an incident and its version, or None if never assessed."""
    row = conn.execute(
        "SELECT v.body, a.version FROM assessments a "
        "JOIN versions v ON v.record_id = a.id AND v.version = a.version "
        "WHERE a.incident_id = ?",
        (incident_id,),
    ).fetchone()
    if row is None:
        return None
    return from_dict(HqAssessment, canonical.loads(bytes(row[0]))), int(row[1])


def check_projections(conn: Any, latest: list[Any], problems: list[str]) -> None:
    """The assessments table must equal the latest version of each assessment (`verify_log`)."""
    live: set[str] = set()
    names = ", ".join(COLUMNS)
    for record_id, kind, version, deleted, body in latest:
        if kind != KIND:
            continue
        label = f"assessment {record_id}"
        row = conn.execute(
            f"SELECT {names} FROM assessments WHERE id = ?",  # noqa: S608 - constant columns
            (record_id,),
        ).fetchone()
        if deleted:
            if row is not None:
                problems.append(f"{label} was deleted in version {version} but is still listed")
            continue
        live.add(record_id)
        if row is None:
            problems.append(f"{label} is missing from its table (version {version})")
            continue
        try:
            item = from_dict(HqAssessment, canonical.loads(bytes(body)))
        except ValueError as exc:
            problems.append(f"version {version} of {label}: body cannot be read ({exc})")
            continue
        if tuple(row) != assessment_columns(item, int(version)):
            problems.append(f"{label}: the current row does not match its latest version {version}")
    for (record_id,) in conn.execute("SELECT id FROM assessments").fetchall():
        if record_id not in live:
            problems.append(f"assessment {record_id} is listed but has no live version")


# --- history ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AssessmentVersion:
    """One assessment of an incident as it was saved: who, when, what, and what changed."""

    version: int
    at: str
    author: str
    reason: str
    assessment: HqAssessment
    changes: tuple[Change, ...]


def history(conn: Any, incident_id: str) -> list[AssessmentVersion]:
    """Every assessment HQ made of an incident, oldest first (empty when never assessed).

    Read from `versions`, so it is exactly what the audit log signs; each entry carries the
    fields changed since the one before, which is what a reviewer asks ("who downgraded it?").
    """
    found = current(conn, incident_id)
    if found is None:
        return []
    result: list[AssessmentVersion] = []
    previous: dict[str, Any] | None = None
    for v in records.history(conn, found[0]):
        if v.deleted:
            continue
        body = {k: val for k, val in v.body.items() if k not in _IDENTITY_FIELDS}
        changes = tuple(diff_records(previous, body)) if previous is not None else ()
        result.append(
            AssessmentVersion(
                version=v.version,
                at=v.at,
                author=v.author,
                reason=v.reason,
                assessment=from_dict(HqAssessment, v.body),
                changes=changes,
            )
        )
        previous = body
    return result


def same_judgement(a: HqAssessment, b: HqAssessment) -> bool:
    """True when saving `a` over `b` would store nothing new (the date aside)."""
    left, right = to_dict(a), to_dict(b)
    left.pop("date")
    right.pop("date")
    return bool(left == right)


def require_incident(conn: Any, incident_id: str) -> None:
    """An assessment references a live incident: refuse one for an id HQ does not hold."""
    if conn.execute("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone() is None:
        raise ValidationError(
            [
                FieldIssue(
                    "incident_id",
                    f"there is no incident with id {incident_id} in this vault (or it was "
                    "deleted); nothing was assessed",
                )
            ]
        )


# --- the cross-device register --------------------------------------------------------------------
@dataclass(frozen=True)
class RegisterRow:
    """One line of HQ's register: the incident, the device that recorded it, both categories."""

    incident: records.IncidentRow  # public_category here is the effective one
    device_id: str
    device_code: str
    field_category: str  # as recorded on the device ("" when none was given)
    assessed: bool


@dataclass(frozen=True)
class DeviceChoice:
    """A device whose incidents the register can list (HQ itself included)."""

    device_id: str
    code: str
    label: str


def devices(conn: Any) -> list[DeviceChoice]:
    """This vault's own device and every enrolled device, for the register's device filter."""
    own = conn.execute("SELECT device_id, public_key, cell_name FROM device").fetchone()
    from fieldapp.store.device import device_code

    result = [DeviceChoice(str(own[0]), device_code(bytes(own[1])), str(own[2]))]
    for device_id, code, analyst in conn.execute(
        "SELECT device_id, code, analyst FROM devices ORDER BY code"
    ).fetchall():
        result.append(DeviceChoice(str(device_id), str(code), str(analyst)))
    return result


def resolve_device(conn: Any, key: str) -> str:
    """The device id for what a person typed: a device id or its 6-character code."""
    wanted = key.strip()
    for choice in devices(conn):
        if wanted in (choice.device_id, choice.code) or wanted.upper() == choice.code:
            return choice.device_id
    raise ValidationError(
        [FieldIssue("device", f"no device with id or code {wanted!r} is known to this vault")]
    )


def register_rows(conn: Any, q: records.IncidentQuery) -> list[RegisterRow]:
    """One page of the register with each incident's device and effective category.

    The page itself is `records.query_incidents` (same filters, sort and paging as the GUI's
    register), asked for effective categories; the device and the field's category of the
    page's incidents are then read in one more query, not one per row.
    """
    from dataclasses import replace

    rows = records.query_incidents(conn, replace(q, effective_category=True))
    codes = {c.device_id: c.code for c in devices(conn)}
    facts: dict[str, tuple[str, str, bool]] = {}
    ids = [r.id for r in rows]
    for chunk in _chunks(ids, 500):
        marks = ", ".join("?" * len(chunk))
        for incident_id, device_id, field_category, assessed in conn.execute(
            "SELECT i.id, v.device_id, i.public_category, a.id IS NOT NULL FROM incidents i "  # noqa: S608
            "JOIN versions v ON v.record_id = i.id AND v.version = 1 "
            f"LEFT JOIN assessments a ON a.incident_id = i.id WHERE i.id IN ({marks})",
            chunk,
        ).fetchall():
            facts[str(incident_id)] = (str(device_id), str(field_category), bool(assessed))
    result = []
    for row in rows:
        device_id, field_category, assessed = facts[row.id]
        result.append(
            RegisterRow(
                incident=row,
                device_id=device_id,
                device_code=codes.get(device_id, device_id[:6]),
                field_category=field_category,
                assessed=assessed,
            )
        )
    return result


def register_count(conn: Any, q: records.IncidentQuery) -> int:
    """How many incidents `register_rows` pages through: the same filters, effective category."""
    from dataclasses import replace

    return records.count_incidents(conn, replace(q, effective_category=True))


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def resolve_incident(conn: Any, key: str) -> str:
    """The id of a live incident from its id or its reference code (what people quote)."""
    wanted = key.strip()
    row = conn.execute(
        "SELECT id FROM incidents WHERE id = ? OR ref_code = ?", (wanted, wanted.upper())
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no incident with id or reference code {wanted!r}.")
    return str(row[0])
