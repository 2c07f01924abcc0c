"""Evidence-item records: their current-state rows, thumbnails, queries and projection checks.

The original bytes are in the blob store (`blobs.py`); the record about them is a versioned
record like an incident, and these functions keep its current-state row in step, inside the
caller's transaction. Thumbnails are derived from the original, so they live in their own table
keyed by the content's SHA-256 (shared by every item that links the same bytes), outside the
hashed version body.
"""

from __future__ import annotations

from typing import Any

from fieldapp.domain import canonical
from fieldapp.domain.evidence import EvidenceItem
from fieldapp.domain.geo import to_e6
from fieldapp.domain.model import from_dict
from fieldapp.errors import FieldIssue, RecordNotFound, ValidationError

KIND = "evidence"
# A thumbnail is a 256 px JPEG, a few tens of KB; anything far larger is not one.
MAX_THUMBNAIL = 512 * 1024


def _e6(decimal: str) -> int | None:
    if not decimal:
        return None
    try:
        return to_e6(decimal)
    except ValueError:
        return None


def evidence_columns(item: EvidenceItem, version: int) -> tuple[Any, ...]:
    """The projected columns of one version: one function for the writer and the check."""
    return (
        item.sha256,
        item.size,
        item.media_type,
        item.original_name,
        item.imported_at,
        item.capture_time,
        _e6(item.gps_lat),
        _e6(item.gps_lon),
        ",".join(item.flags),
        item.duplicate_of,
        version,
    )


_COLUMNS = (
    "sha256, size, media_type, original_name, imported_at, capture_time, lat_e6, lon_e6, "
    "flags, duplicate_of, version"
)


def project_evidence(conn: Any, item: EvidenceItem, version: int, updated_at: str) -> None:
    """Write the current-state rows of one evidence item (replacing any older projection)."""
    remove_evidence_projection(conn, item.id)
    cur = conn.execute(
        f"INSERT INTO evidence_items (id, {_COLUMNS}, updated_at) "  # noqa: S608 - constant
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (item.id, *evidence_columns(item, version), updated_at),
    )
    n = int(cur.lastrowid)
    conn.executemany(
        "INSERT OR IGNORE INTO evidence_links (evidence_n, incident_id) VALUES (?, ?)",
        [(n, incident_id) for incident_id in item.incident_ids],
    )


def remove_evidence_projection(conn: Any, evidence_id: str) -> None:
    conn.execute("DELETE FROM evidence_items WHERE id = ?", (evidence_id,))  # links by cascade


def first_with_sha256(conn: Any, sha256: str) -> str | None:
    """The earliest live item holding these bytes: what a new import is a duplicate of."""
    row = conn.execute(
        "SELECT id FROM evidence_items WHERE sha256 = ? ORDER BY n LIMIT 1", (sha256,)
    ).fetchone()
    return None if row is None else str(row[0])


_BODY = (
    "SELECT v.body, e.version FROM evidence_items e "
    "JOIN versions v ON v.record_id = e.id AND v.version = e.version"
)


def load_evidence(conn: Any, evidence_id: str) -> tuple[EvidenceItem, int]:
    row = conn.execute(f"{_BODY} WHERE e.id = ?", (evidence_id,)).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no evidence item with id {evidence_id}.")
    return from_dict(EvidenceItem, canonical.loads(bytes(row[0]))), int(row[1])


def list_evidence(
    conn: Any, incident_id: str | None, limit: int, offset: int
) -> list[EvidenceItem]:
    """Newest import first; with `incident_id`, only the items linked to that incident."""
    if limit < 0 or offset < 0:
        raise ValidationError([FieldIssue("limit", "limit and offset must not be negative")])
    if incident_id is None:
        rows = conn.execute(
            f"{_BODY} ORDER BY e.imported_at DESC, e.n DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
    else:
        rows = conn.execute(
            f"{_BODY} JOIN evidence_links l ON l.evidence_n = e.n WHERE l.incident_id = ? "
            "ORDER BY e.imported_at DESC, e.n DESC LIMIT ? OFFSET ?",
            (incident_id, limit, offset),
        ).fetchall()
    return [from_dict(EvidenceItem, canonical.loads(bytes(r[0]))) for r in rows]


def put_thumbnail(conn: Any, sha256: str, jpeg: bytes) -> None:
    """Keep the first thumbnail made for these bytes (the same bytes give the same picture)."""
    if len(jpeg) > MAX_THUMBNAIL:
        return  # not a thumbnail; the viewer will decode the original instead
    conn.execute(
        "INSERT OR IGNORE INTO evidence_thumbnails (sha256, jpeg) VALUES (?, ?)", (sha256, jpeg)
    )


def get_thumbnail(conn: Any, sha256: str) -> bytes | None:
    row = conn.execute(
        "SELECT jpeg FROM evidence_thumbnails WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return None if row is None else bytes(row[0])


def check_projections(conn: Any, latest: list[Any], problems: list[str]) -> None:
    """Evidence rows must equal the latest version of each item (for `verify_log`)."""
    live: set[str] = set()
    for record_id, kind, version, deleted, body in latest:
        if kind != KIND:
            continue
        label = f"evidence item {record_id}"
        row = conn.execute(
            f"SELECT n, {_COLUMNS} FROM evidence_items WHERE id = ?",  # noqa: S608 - constant
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
            item = from_dict(EvidenceItem, canonical.loads(bytes(body)))
        except ValueError as exc:
            problems.append(f"version {version} of {label}: body cannot be read ({exc})")
            continue
        links = {
            str(r[0])
            for r in conn.execute(
                "SELECT incident_id FROM evidence_links WHERE evidence_n = ?", (row[0],)
            ).fetchall()
        }
        if tuple(row[1:]) != evidence_columns(item, int(version)) or links != set(
            item.incident_ids
        ):
            problems.append(f"{label}: the current row does not match its latest version {version}")
    for (record_id,) in conn.execute("SELECT id FROM evidence_items").fetchall():
        if record_id not in live:
            problems.append(f"evidence item {record_id} is listed but has no live version")
