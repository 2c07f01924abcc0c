"""Append-only record versions and the current-state tables projected from them.

Nothing is edited in place (ARCHITECTURE.md decision 1): a save appends a row to `versions` and,
in the same transaction, rewrites the record's current-state rows (`incidents`, `incident_harms`,
the FTS index, `observations`, `observation_links`). Those projections exist only to make the
register fast; `verify_log` checks that they equal the latest version of every record.

What a version's `sha256` covers (hex SHA-256 of the canonical JSON of this object)::

    {"record_id", "kind", "version", "author", "device_id", "at", "reason", "deleted", "body"}

i.e. every column of the row except `seq` (a local row number, which differs between devices
holding the same version). So the author, time and reason of a change cannot be rewritten
without changing its hash, and two devices that hold the same version agree on the hash.

These functions take an open connection inside a transaction the caller owns; they never commit.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fieldapp.domain import canonical
from fieldapp.domain.geo import from_e6, to_e6
from fieldapp.domain.model import (
    PUBLIC_CATEGORIES,
    WORKFLOW,
    Incident,
    Observation,
    from_dict,
    to_dict,
)
from fieldapp.errors import FieldIssue, RecordNotFound, ValidationError

KINDS = ("incident", "observation")


@dataclass(frozen=True)
class RecordVersion:
    """One stored version of a record, with who changed it, where, when and why."""

    record_id: str
    kind: str
    version: int
    author: str
    device_id: str
    at: str
    reason: str
    deleted: bool
    body: dict[str, Any]
    sha256: str


@dataclass(frozen=True)
class IncidentQuery:
    """One register view: filters, full-text search, sort and page."""

    text: str = ""
    workflow: str | None = None
    public_category: str | None = None
    harm_type: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    # HQ's register (issue 5): the device that recorded the incident (its version 1), the
    # month the incident started ("YYYY-MM"), text in its place name, and whether the category
    # (filter and column) is the effective one (HQ's assessment when there is one).
    device_id: str | None = None
    month: str | None = None
    place: str = ""
    effective_category: bool = False
    order_by: str = "updated_at"
    descending: bool = True
    limit: int = 200
    offset: int = 0


@dataclass(frozen=True)
class IncidentRow:
    """One register line: only the projected columns, so listing never parses record bodies."""

    id: str
    ref_code: str
    title: str
    start: str
    workflow: str
    public_category: str
    harm_types: tuple[str, ...]
    killed_min: int | None
    killed_max: int | None
    injured_min: int | None
    injured_max: int | None
    place: str
    updated_at: str
    version: int
    lat: str = ""  # decimal degrees, "" when the incident has no position (for the map)
    lon: str = ""


# ORDER BY can never come from user text: only these column names reach the SQL.
ORDER_COLUMNS = {
    "ref_code": "i.ref_code",
    "title": "i.title",
    "start": "i.start",
    "workflow": "i.workflow",
    "public_category": "i.public_category",
    "killed_max": "i.killed_max",
    "updated_at": "i.updated_at",
}
MAX_LIMIT = 10_000

_ID_RE = re.compile(r"[0-9a-f]{32}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
PLACE_QUERY_MAX = 200


# --- hashing --------------------------------------------------------------------------------------
def version_sha256(
    *,
    record_id: str,
    kind: str,
    version: int,
    author: str,
    device_id: str,
    at: str,
    reason: str,
    deleted: bool,
    body: dict[str, Any],
) -> str:
    """The identity of one version: hash of its metadata and body (see the module docstring).

    Defined once, by `stored_version_sha256`, over the body's canonical bytes.
    """
    return stored_version_sha256(
        record_id=record_id,
        kind=kind,
        version=version,
        author=author,
        device_id=device_id,
        at=at,
        reason=reason,
        deleted=deleted,
        body_bytes=canonical.dumps(body),
    )


# The object a version's hash covers: its metadata with the canonical body spliced in.
_VERSION_SHAPE = canonical.ObjectShape(
    "at", "author", "body", "deleted", "device_id", "kind", "reason", "record_id", "version"
)


def stored_version_preimage(
    *,
    record_id: str,
    kind: str,
    version: int,
    author: str,
    device_id: str,
    at: str,
    reason: str,
    deleted: bool,
    body_bytes: bytes,
) -> bytes:
    """The bytes a version's hash covers, from its body bytes as stored, without parsing them.

    The stored body is spliced into the canonical metadata where `version_sha256` puts the
    body. If their hash equals the stored one, the body bytes are exactly the canonical bytes
    hashed at save time, so this one hash proves the body both unaltered and canonical: checking
    100k versions costs a hash each instead of a parse and re-serialisation. A court package
    ships these bytes, so `sha256sum` of the file is the version's hash.
    """
    s = canonical.string
    return _VERSION_SHAPE.encode(
        s(at),
        s(author),
        body_bytes,
        canonical.boolean(deleted),
        s(device_id),
        s(kind),
        s(reason),
        s(record_id),
        canonical.integer(version),
    )


def stored_version_sha256(
    *,
    record_id: str,
    kind: str,
    version: int,
    author: str,
    device_id: str,
    at: str,
    reason: str,
    deleted: bool,
    body_bytes: bytes,
) -> str:
    """`version_sha256` of a stored row (see `stored_version_preimage`)."""
    return hashlib.sha256(
        stored_version_preimage(
            record_id=record_id,
            kind=kind,
            version=version,
            author=author,
            device_id=device_id,
            at=at,
            reason=reason,
            deleted=deleted,
            body_bytes=body_bytes,
        )
    ).hexdigest()


def is_record_id(text: str) -> bool:
    return bool(_ID_RE.fullmatch(text))


# --- versions -------------------------------------------------------------------------------------
def latest_version(conn: Any, record_id: str) -> tuple[int, bool, str] | None:
    """(version, deleted, kind) of the newest version of a record, or None if never stored."""
    row = conn.execute(
        "SELECT version, deleted, kind FROM versions WHERE record_id = ? "
        "ORDER BY version DESC LIMIT 1",
        (record_id,),
    ).fetchone()
    if row is None:
        return None
    return int(row[0]), bool(row[1]), str(row[2])


def append_version(
    conn: Any,
    *,
    record_id: str,
    kind: str,
    version: int,
    author: str,
    device_id: str,
    at: str,
    reason: str,
    deleted: bool,
    body: dict[str, Any],
    body_bytes: bytes | None = None,
) -> tuple[int, str]:
    """Insert one version row; returns (seq, sha256). The caller holds the transaction.

    `body_bytes` (the canonical bytes of `body`, when the caller already has them) saves
    serialising and checking a large body twice on every save.
    """
    data = canonical.dumps(body) if body_bytes is None else body_bytes
    # The hash of exactly the bytes stored (one definition for saving and checking).
    sha = stored_version_sha256(
        record_id=record_id,
        kind=kind,
        version=version,
        author=author,
        device_id=device_id,
        at=at,
        reason=reason,
        deleted=deleted,
        body_bytes=data,
    )
    cur = conn.execute(
        "INSERT INTO versions (record_id, kind, version, author, device_id, at, reason, "
        "deleted, body, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record_id, kind, version, author, device_id, at, reason, int(deleted), data, sha),
    )
    return int(cur.lastrowid), sha


def row_to_version(row: Any) -> RecordVersion:
    record_id, kind, version, author, device_id, at, reason, deleted, body, sha = row
    parsed = canonical.loads(bytes(body))
    if not isinstance(parsed, dict):
        raise ValueError(f"version {version} of {kind} {record_id}: body is not an object")
    return RecordVersion(
        record_id=record_id,
        kind=kind,
        version=int(version),
        author=author,
        device_id=device_id,
        at=at,
        reason=reason,
        deleted=bool(deleted),
        body=parsed,
        sha256=sha,
    )


VERSION_COLUMNS = "record_id, kind, version, author, device_id, at, reason, deleted, body, sha256"
STORED_VERSION_COLUMNS = f"seq, {VERSION_COLUMNS}"


@dataclass(frozen=True)
class StoredVersion:
    """A `versions` row exactly as stored: its seq and the body's bytes, unparsed.

    For what must prove rather than show a version (provenance, court packages): the hash is
    recomputed from these bytes, and they are what a package ships.
    """

    seq: int
    record_id: str
    kind: str
    version: int
    author: str
    device_id: str
    at: str
    reason: str
    deleted: bool
    body: bytes
    sha256: str

    def preimage(self) -> bytes:
        """The bytes the version's hash covers (`stored_version_preimage`)."""
        return stored_version_preimage(
            record_id=self.record_id,
            kind=self.kind,
            version=self.version,
            author=self.author,
            device_id=self.device_id,
            at=self.at,
            reason=self.reason,
            deleted=self.deleted,
            body_bytes=self.body,
        )


def stored_versions(conn: Any, record_id: str) -> list[StoredVersion]:
    """Every version of a record as stored, oldest first ([] for an unknown id)."""
    rows = conn.execute(
        f"SELECT {STORED_VERSION_COLUMNS} FROM versions WHERE record_id = ? "  # noqa: S608
        "ORDER BY version",
        (record_id,),
    )
    return [stored_version(row) for row in rows]


def stored_version(row: Any) -> StoredVersion:
    """A row selected with STORED_VERSION_COLUMNS."""
    seq, record_id, kind, version, author, device_id, at, reason, deleted, body, sha = row
    return StoredVersion(
        seq=int(seq),
        record_id=str(record_id),
        kind=str(kind),
        version=int(version),
        author=str(author),
        device_id=str(device_id),
        at=str(at),
        reason=str(reason),
        deleted=bool(deleted),
        body=bytes(body),
        sha256=str(sha),
    )


def history(conn: Any, record_id: str) -> list[RecordVersion]:
    """Every version of one record, oldest first, tombstones included."""
    rows = conn.execute(
        f"SELECT {VERSION_COLUMNS} FROM versions WHERE record_id = ? ORDER BY version",  # noqa: S608
        (record_id,),
    ).fetchall()
    if not rows:
        raise RecordNotFound(f"There is no record with id {record_id}.")
    return [row_to_version(r) for r in rows]


# --- text for the full-text index -----------------------------------------------------------------
def nfc(text: str) -> str:
    """NFC, so a name typed with combining accents (NFD) finds the same name precomposed."""
    return unicodedata.normalize("NFC", text)


def _join(parts: Iterable[str]) -> str:
    return nfc("\n".join(p for p in parts if p))


def incident_search_text(inc: Incident) -> str:
    """Everything searchable besides ref_code and title: the register's "find anything"."""
    parts: list[str] = [inc.summary]
    parts += [r.id for r in inc.external_refs]
    parts += [n.name for n in inc.place.names]
    parts += [inc.place.admin_area, inc.place.country, inc.place.notes, inc.casualties.notes]
    for v in inc.victims:
        parts += [v.name, v.family_group, v.notes]
    e = inc.engagement
    parts += [e.party_name, e.platform, e.munition, e.target_type, e.aar_ref]
    for s in inc.sources:
        parts += [s.type, s.reference, s.notes]
    parts += [inc.assessment.rationale]
    for c in inc.response.communications:
        parts += [c.summary, c.follow_up]
    parts += [inc.response.notes, inc.release.redaction_notes, inc.lessons]
    return _join(parts)


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query, or None when nothing is searchable.

    Every term becomes a quoted phrase with a prefix star (`"ali"*`), quotes doubled inside, so
    `"`, `*`, `OR`, `NEAR(`, `-`, `:` and SQL quotes are searched as text, never as syntax.
    Terms with no letter or digit are dropped: they hold no token and would match nothing.
    """
    terms = []
    for term in nfc(text).split():
        if not any(ch.isalnum() for ch in term):
            continue
        terms.append('"' + term.replace('"', '""') + '"*')
    return " ".join(terms) if terms else None


# --- incidents ------------------------------------------------------------------------------------
def _e6(decimal: str) -> int | None:
    if not decimal:
        return None
    try:
        return to_e6(decimal)
    except ValueError:
        return None  # validation accepted it; the register simply has no sortable position


def _place_label(inc: Incident) -> str:
    for name in inc.place.names:
        if name.name:
            return name.name
    return inc.place.admin_area


def harm_types(inc: Incident) -> tuple[str, ...]:
    return tuple(dict.fromkeys(h.type for h in inc.harms if h.type))


INCIDENT_COLUMNS = (
    "id",
    "ref_code",
    "title",
    "start",
    "workflow",
    "public_category",
    "harm_types",
    "killed_min",
    "killed_max",
    "injured_min",
    "injured_max",
    "lat_e6",
    "lon_e6",
    "place",
    "version",
)


def incident_columns(inc: Incident, version: int) -> tuple[Any, ...]:
    """The projected register columns of one incident version (in INCIDENT_COLUMNS order).

    One function for writing and for `verify_log`, so the check cannot drift from the writer.
    """
    killed = inc.casualties.killed.total()
    injured = inc.casualties.injured.total()
    return (
        inc.id,
        inc.ref_code,
        inc.title,
        inc.time.start,
        inc.assessment.workflow,
        inc.assessment.public_category,
        ",".join(harm_types(inc)),
        killed.min,
        killed.max,
        injured.min,
        injured.max,
        _e6(inc.place.lat),
        _e6(inc.place.lon),
        _place_label(inc),
        version,
    )


def project_incident(
    conn: Any,
    inc: Incident,
    version: int,
    created_at: str,
    updated_at: str,
) -> None:
    """Write the current-state rows of one incident (replacing any older projection).

    The row holds only the register's columns, not the body: the body is read from `versions`
    when an incident is opened. Small rows are what keep a filtered, sorted page of 100k
    incidents fast under SQLCipher (every page read is decrypted and authenticated).
    """
    remove_incident_projection(conn, inc.id)
    names = ", ".join((*INCIDENT_COLUMNS, "created_at", "updated_at"))
    marks = ", ".join("?" * (len(INCIDENT_COLUMNS) + 2))
    cur = conn.execute(
        f"INSERT INTO incidents ({names}) VALUES ({marks})",  # noqa: S608 - constant columns
        (*incident_columns(inc, version), created_at, updated_at),
    )
    n = int(cur.lastrowid)
    conn.executemany(
        "INSERT OR IGNORE INTO incident_harms (incident_n, harm_type, mode) VALUES (?, ?, ?)",
        [(n, h.type, h.mode) for h in inc.harms if h.type],
    )
    conn.execute(
        "INSERT INTO incidents_fts (rowid, ref_code, title, content) VALUES (?, ?, ?, ?)",
        (n, inc.ref_code, nfc(inc.title), incident_search_text(inc)),
    )


def remove_incident_projection(conn: Any, incident_id: str) -> None:
    row = conn.execute("SELECT n FROM incidents WHERE id = ?", (incident_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM incidents_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM incidents WHERE n = ?", (row[0],))  # harms go by cascade


def load_incident(conn: Any, incident_id: str) -> tuple[Incident, int, str]:
    """(incident, version, created_at) of a live incident; RecordNotFound otherwise."""
    row = conn.execute(
        "SELECT v.body, i.version, i.created_at FROM incidents i "
        "JOIN versions v ON v.record_id = i.id AND v.version = i.version WHERE i.id = ?",
        (incident_id,),
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no incident with id {incident_id} (or it was deleted).")
    return from_dict(Incident, canonical.loads(bytes(row[0]))), int(row[1]), str(row[2])


def next_ref_counter(conn: Any, year: int) -> int:
    """The next reference-code counter for `year`, persisted in the caller's transaction."""
    key = f"ref_counter:{year}"
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    counter = int(row[0]) + 1 if row else 1
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(counter)),
    )
    return counter


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _category_column(q: IncidentQuery) -> str:
    """The category the query filters and shows: the field's, or the effective one at HQ."""
    if not q.effective_category:
        return "i.public_category"
    from fieldapp.store.assessments import effective_category_sql

    return effective_category_sql("i")


def _next_day(date: str) -> str:
    return (_dt.date.fromisoformat(date) + _dt.timedelta(days=1)).isoformat()


def _check_query(q: IncidentQuery) -> None:
    issues: list[FieldIssue] = []
    if q.order_by not in ORDER_COLUMNS:
        issues.append(
            FieldIssue(
                "order_by", f"cannot sort by {q.order_by!r}; use one of " + ", ".join(ORDER_COLUMNS)
            )
        )
    if q.workflow is not None and q.workflow not in WORKFLOW:
        issues.append(FieldIssue("workflow", f"unknown workflow state {q.workflow!r}"))
    if q.public_category is not None and q.public_category not in PUBLIC_CATEGORIES:
        issues.append(
            FieldIssue("public_category", f"unknown public category {q.public_category!r}")
        )
    for name in ("date_from", "date_to"):
        value = getattr(q, name)
        if value is None:
            continue
        ok = bool(_DATE_RE.fullmatch(value))
        if ok:
            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                ok = False
        if not ok:
            issues.append(FieldIssue(name, f"{value!r} is not a date in the form YYYY-MM-DD"))
    if q.device_id is not None and not _ID_RE.fullmatch(q.device_id):
        issues.append(FieldIssue("device_id", f"{q.device_id!r} is not a device id (32 hex)"))
    if q.month is not None and not _MONTH_RE.fullmatch(q.month):
        issues.append(FieldIssue("month", f"{q.month!r} is not a month in the form YYYY-MM"))
    if len(q.place) > PLACE_QUERY_MAX:
        issues.append(FieldIssue("place", f"keep the place under {PLACE_QUERY_MAX} characters"))
    if not 0 <= q.limit <= MAX_LIMIT:
        issues.append(FieldIssue("limit", f"must be between 0 and {MAX_LIMIT}"))
    if q.offset < 0:
        issues.append(FieldIssue("offset", "must not be negative"))
    if issues:
        raise ValidationError(issues)


def _where(q: IncidentQuery) -> tuple[str, list[Any]]:
    """(WHERE clause, parameters) shared by the page query and the count."""
    params: list[Any] = []
    clauses: list[str] = []
    match = fts_query(q.text)
    if match is not None:
        clauses.append(f"i.n IN ({_FTS_ROWIDS})")
        params.append(match)
    elif q.text.strip():
        # Only punctuation was typed: nothing can contain it as a word, so nothing matches
        # (rather than silently ignoring the search and listing everything).
        clauses.append("0")
    if q.workflow is not None:
        clauses.append("i.workflow = ?")
        params.append(q.workflow)
    if q.public_category is not None:
        clauses.append(f"{_category_column(q)} = ?")
        params.append(q.public_category)
    if q.device_id is not None:
        # The device of a record is the one that wrote its version 1 (one index probe).
        clauses.append(
            "EXISTS (SELECT 1 FROM versions v WHERE v.record_id = i.id AND v.version = 1 "
            "AND v.device_id = ?)"
        )
        params.append(q.device_id)
    if q.month is not None:
        # start is ISO 8601 text: the month is the range [YYYY-MM, next month).
        clauses.append("i.start >= ? AND i.start < ?")
        params += [q.month, _next_month(q.month)]
    if q.place.strip():
        escaped = nfc(q.place.strip()).replace("\\", "\\\\").replace("%", "\\%")
        clauses.append("i.place LIKE ? ESCAPE '\\'")
        params.append("%" + escaped.replace("_", "\\_") + "%")
    if q.harm_type is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM incident_harms h WHERE h.incident_n = i.n AND h.harm_type = ?)"
        )
        params.append(q.harm_type)
    if q.date_from is not None:
        clauses.append("i.start >= ?")
        params.append(q.date_from)
    if q.date_to is not None:
        # start is ISO 8601 text, so "before the next day" includes the whole of date_to.
        clauses.append("i.start < ?")
        params.append(_next_day(q.date_to))
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return where, params


_FTS_ROWIDS = "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH ?"

# The index that yields each sort order directly (ref_code has its UNIQUE index; not forced).
_ORDER_INDEXES = {
    "title": "incidents_title",
    "start": "incidents_start",
    "workflow": "incidents_workflow",
    "public_category": "incidents_public_category",
    "killed_max": "incidents_killed_max",
    "updated_at": "incidents_updated_at",
}

# A search matching more rows than this walks the sort index and stops after one page, instead
# of fetching and sorting every match (a common word can match half the register).
BROAD_MATCH = 2000


def _fts_hits(conn: Any, match: str) -> int:
    (hits,) = conn.execute(f"SELECT count(*) FROM ({_FTS_ROWIDS})", (match,)).fetchone()  # noqa: S608
    return int(hits)


def query_incidents(conn: Any, q: IncidentQuery) -> list[IncidentRow]:
    """One page of the register; ties broken by insertion order so paging is stable."""
    _check_query(q)
    where, params = _where(q)
    direction = "DESC" if q.descending else "ASC"
    order = f"{ORDER_COLUMNS[q.order_by]} {direction}, i.n {direction}"
    source = "incidents i"
    match = fts_query(q.text)
    index = _ORDER_INDEXES.get(q.order_by)
    if match is not None and index is not None and _fts_hits(conn, match) > BROAD_MATCH:
        source = f"incidents i INDEXED BY {index}"
    # Only whitelisted names and "?" placeholders are formatted in; values are bound.
    sql = (
        f"SELECT i.id, i.ref_code, i.title, i.start, i.workflow, {_category_column(q)}, "  # noqa: S608
        "i.harm_types, "
        "i.killed_min, i.killed_max, i.injured_min, i.injured_max, i.place, i.updated_at, "
        f"i.version, i.lat_e6, i.lon_e6 FROM {source} {where} ORDER BY {order} LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*params, q.limit, q.offset]).fetchall()
    return [
        IncidentRow(
            id=r[0],
            ref_code=r[1],
            title=r[2],
            start=r[3],
            workflow=r[4],
            public_category=r[5],
            harm_types=tuple(t for t in r[6].split(",") if t),
            killed_min=r[7],
            killed_max=r[8],
            injured_min=r[9],
            injured_max=r[10],
            place=r[11],
            updated_at=r[12],
            version=int(r[13]),
            lat="" if r[14] is None or r[15] is None else from_e6(r[14]),
            lon="" if r[14] is None or r[15] is None else from_e6(r[15]),
        )
        for r in rows
    ]


def count_incidents(conn: Any, q: IncidentQuery) -> int:
    """How many incidents match, with exactly the filters of `query_incidents`."""
    _check_query(q)
    match = fts_query(q.text)
    filters: tuple[str | None, ...] = (q.workflow, q.public_category, q.harm_type)
    filters += (q.date_from, q.date_to, q.device_id, q.month, q.place.strip() or None)
    if match is not None and all(f is None for f in filters):
        # Text alone: every FTS row is one live incident, so the index can count by itself.
        return _fts_hits(conn, match)
    where, params = _where(q)
    sql = f"SELECT count(*) FROM incidents i {where}"  # noqa: S608 - placeholders only
    (count,) = conn.execute(sql, params).fetchone()
    return int(count)


# --- observations ---------------------------------------------------------------------------------
def observation_search_text(obs: Observation) -> str:
    return _join([obs.text])


def project_observation(
    conn: Any, obs: Observation, version: int, updated_at: str, body_bytes: bytes | None = None
) -> None:
    """Write the current-state rows of one observation (replacing any older projection)."""
    remove_observation_projection(conn, obs.id)
    cur = conn.execute(
        "INSERT INTO observations (id, at, category, lat_e6, lon_e6, updated_at, version, body) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            obs.id,
            obs.at,
            obs.category,
            _e6(obs.lat),
            _e6(obs.lon),
            updated_at,
            version,
            canonical.dumps(to_dict(obs)) if body_bytes is None else body_bytes,
        ),
    )
    n = int(cur.lastrowid)
    conn.executemany(
        "INSERT OR IGNORE INTO observation_links (observation_n, incident_id) VALUES (?, ?)",
        [(n, incident_id) for incident_id in obs.incident_ids],
    )
    conn.execute(
        "INSERT INTO observations_fts (rowid, category, text) VALUES (?, ?, ?)",
        (n, nfc(obs.category), observation_search_text(obs)),
    )


def remove_observation_projection(conn: Any, observation_id: str) -> None:
    row = conn.execute("SELECT n FROM observations WHERE id = ?", (observation_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM observations_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM observations WHERE n = ?", (row[0],))


def load_observation(conn: Any, observation_id: str) -> tuple[Observation, int]:
    row = conn.execute(
        "SELECT body, version FROM observations WHERE id = ?", (observation_id,)
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no observation with id {observation_id}.")
    return from_dict(Observation, canonical.loads(bytes(row[0]))), int(row[1])


def list_observations(
    conn: Any, incident_id: str | None, limit: int, offset: int
) -> list[Observation]:
    """Newest first; with `incident_id`, only those linked to that incident."""
    if limit < 0 or offset < 0:
        raise ValidationError([FieldIssue("limit", "limit and offset must not be negative")])
    if incident_id is None:
        rows = conn.execute(
            "SELECT body FROM observations ORDER BY at DESC, n DESC LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT o.body FROM observation_links l JOIN observations o ON o.n = l.observation_n "
            "WHERE l.incident_id = ? ORDER BY o.at DESC, o.n DESC LIMIT ? OFFSET ?",
            (incident_id, limit, offset),
        ).fetchall()
    return [from_dict(Observation, canonical.loads(bytes(r[0]))) for r in rows]
