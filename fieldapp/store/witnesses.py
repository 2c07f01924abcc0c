"""Witness and statement records: their current-state rows, queries and projection checks.

Like `records` for incidents: a save appends a version (by `Vault`), then these functions rewrite
the record's current-state rows in the same transaction. The witness row holds the code and the
consent scopes in force, never an identity field: names stay in the version body only, so no
index, FTS table or projection ever holds one. Statements are searchable through their own FTS
table, NFC-normalised and queried with the same escaping as the register (`records.fts_query`).

These functions take an open connection inside a transaction the caller owns; they never commit.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fieldapp.domain import canonical
from fieldapp.domain.model import from_dict
from fieldapp.domain.witness import (
    PURGED,
    PURGED_FIELDS,
    Statement,
    Witness,
    WitnessIdentity,
    current_scopes,
    redact_identity,
    resolve_purged,
)
from fieldapp.errors import FieldIssue, RecordNotFound, ValidationError
from fieldapp.store.records import fts_query, nfc, stored_version_sha256

KINDS = ("witness", "statement")
_COUNTER_KEY = "witness_counter"


def _check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValidationError([FieldIssue("limit", "limit and offset must not be negative")])


# --- witnesses ------------------------------------------------------------------------------------
def next_witness_counter(conn: Any) -> int:
    """The next witness-code counter of this device, persisted in the caller's transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_COUNTER_KEY,)).fetchone()
    counter = int(row[0]) + 1 if row else 1
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_COUNTER_KEY, str(counter)),
    )
    return counter


def witness_columns(witness: Witness, version: int) -> tuple[Any, ...]:
    """(code, minor, scopes, version): written by `project_witness`, compared by the check."""
    return (witness.code, int(witness.minor), ",".join(current_scopes(witness)), version)


def project_witness(
    conn: Any, witness: Witness, version: int, created_at: str, updated_at: str
) -> None:
    """Write the current-state rows of one witness (replacing any older projection)."""
    remove_witness_projection(conn, witness.id)
    code, minor, scopes, _ = witness_columns(witness, version)
    cur = conn.execute(
        "INSERT INTO witnesses (id, code, minor, scopes, created_at, updated_at, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (witness.id, code, minor, scopes, created_at, updated_at, version),
    )
    n = int(cur.lastrowid)
    conn.executemany(
        "INSERT OR IGNORE INTO witness_links (witness_n, incident_id) VALUES (?, ?)",
        [(n, incident_id) for incident_id in witness.incident_ids],
    )


def remove_witness_projection(conn: Any, witness_id: str) -> None:
    conn.execute("DELETE FROM witnesses WHERE id = ?", (witness_id,))  # links go by cascade


def load_witness(conn: Any, witness_id: str) -> tuple[Witness, int, str]:
    """(witness with its identity, version, created_at); RecordNotFound unless live."""
    row = conn.execute(
        "SELECT v.body, w.version, w.created_at FROM witnesses w "
        "JOIN versions v ON v.record_id = w.id AND v.version = w.version WHERE w.id = ?",
        (witness_id,),
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no witness with id {witness_id} (or it was deleted).")
    return from_dict(Witness, canonical.loads(bytes(row[0]))), int(row[1]), str(row[2])


def with_purged_resolved(conn: Any, witness: Witness, version: int) -> Witness:
    """`witness` with each PURGED identity field filled from the newest earlier version holding
    a value: what a reveal at HQ must show when the field purged its copy and then edited the
    witness (the new version says "unchanged" rather than repeating the name)."""
    if not any(getattr(witness.identity, name) == PURGED for name in PURGED_FIELDS):
        return witness
    rows = conn.execute(
        "SELECT body FROM versions WHERE record_id = ? AND version < ? AND deleted = 0 "
        "ORDER BY version DESC",
        (witness.id, version),
    ).fetchall()
    earlier: list[WitnessIdentity] = []
    for (body,) in rows:
        identity = canonical.loads(bytes(body)).get("identity")
        if isinstance(identity, dict):
            earlier.append(from_dict(WitnessIdentity, identity))
    resolved = resolve_purged(witness.identity, earlier)
    return dataclasses.replace(witness, identity=resolved)


def _unredacted_witness_versions(conn: Any, upto_seq: int) -> list[Any]:
    return list(
        conn.execute(
            "SELECT seq, record_id, kind, version, author, device_id, at, reason, deleted, body "
            "FROM versions WHERE kind = 'witness' AND seq <= ? AND deleted = 0 "
            "AND seq NOT IN (SELECT seq FROM redactions) ORDER BY seq",
            (upto_seq,),
        )
    )


def purgeable_identities(conn: Any, upto_seq: int) -> int:
    """How many witness versions up to `upto_seq` still hold a name, contact or community: what
    a purge after HQ's receipt would redact (shown before the analyst confirms it)."""
    return sum(
        1
        for row in _unredacted_witness_versions(conn, upto_seq)
        if redact_identity(canonical.loads(bytes(row[9])))[1]
    )


def redact_identities(conn: Any, upto_seq: int, at: str, receipt_seq: int) -> list[dict[str, Any]]:
    """Replace the names and contacts in every witness version up to `upto_seq` by PURGED.

    Only for versions HQ acknowledged with a verified receipt (the caller passes the receipt's
    version seq), so HQ holds every value removed here. Each version keeps its seq, metadata and
    stored sha256 (its audit-log leaf stays valid); a `redactions` row, which the schema requires
    before it lets a body change, records the fields and the hash of the redacted version, so
    `log verify` still detects any later change. Returns one entry per redacted version for the
    caller's audit event. Runs inside the caller's transaction.
    """
    done: list[dict[str, Any]] = []
    for row in _unredacted_witness_versions(conn, upto_seq):
        seq, record_id, kind, version, author, device_id, v_at, reason, deleted, body = row
        parsed = canonical.loads(bytes(body))
        redacted, fields = redact_identity(parsed)
        if not fields:
            continue
        new_body = canonical.dumps(redacted)
        digest = stored_version_sha256(
            record_id=record_id,
            kind=kind,
            version=int(version),
            author=author,
            device_id=device_id,
            at=v_at,
            reason=reason,
            deleted=bool(deleted),
            body_bytes=new_body,
        )
        conn.execute(
            "INSERT INTO redactions (seq, fields, redacted_sha256, at, receipt_seq) "
            "VALUES (?, ?, ?, ?, ?)",
            (int(seq), ",".join(fields), digest, at, receipt_seq),
        )
        conn.execute("UPDATE versions SET body = ? WHERE seq = ?", (new_body, int(seq)))
        done.append({"seq": int(seq), "fields": list(fields), "sha256": digest})
    return done


def witness_id_for(conn: Any, key: str) -> str:
    """The id of a live witness given its id or its code (what people actually quote)."""
    row = conn.execute(
        "SELECT id FROM witnesses WHERE id = ? OR code = ?", (key.strip(), key.strip().upper())
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no witness with id or code {key!r}.")
    return str(row[0])


def list_witnesses(
    conn: Any, incident_id: str | None, limit: int, offset: int
) -> list[tuple[Witness, int]]:
    """Witnesses by code; with `incident_id`, only those linked to that incident."""
    _check_page(limit, offset)
    if incident_id is None:
        rows = conn.execute(
            "SELECT v.body, w.version FROM witnesses w JOIN versions v "
            "ON v.record_id = w.id AND v.version = w.version ORDER BY w.code LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
    else:
        rows = conn.execute(
            "SELECT v.body, w.version FROM witness_links l JOIN witnesses w ON w.n = l.witness_n "
            "JOIN versions v ON v.record_id = w.id AND v.version = w.version "
            "WHERE l.incident_id = ? ORDER BY w.code LIMIT ? OFFSET ?",
            (incident_id, limit, offset),
        ).fetchall()
    return [(from_dict(Witness, canonical.loads(bytes(r[0]))), int(r[1])) for r in rows]


# --- statements -----------------------------------------------------------------------------------
def statement_search_text(statement: Statement) -> tuple[str, str, str]:
    """(original text, translation, interview place), NFC, as they go into the FTS index."""
    return (
        nfc(statement.original_text),
        nfc(statement.translation),
        nfc(statement.interview_place),
    )


def statement_columns(statement: Statement, version: int) -> tuple[Any, ...]:
    return (
        statement.witness_id,
        statement.type,
        statement.interview_date,
        statement.language,
        version,
    )


def project_statement(conn: Any, statement: Statement, version: int, updated_at: str) -> None:
    """Write the current-state rows of one statement (replacing any older projection)."""
    remove_statement_projection(conn, statement.id)
    cur = conn.execute(
        "INSERT INTO statements (id, witness_id, type, interview_date, language, version, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (statement.id, *statement_columns(statement, version), updated_at),
    )
    n = int(cur.lastrowid)
    conn.executemany(
        "INSERT OR IGNORE INTO statement_links (statement_n, incident_id) VALUES (?, ?)",
        [(n, incident_id) for incident_id in statement.incident_ids],
    )
    conn.execute(
        "INSERT INTO statements_fts (rowid, original_text, translation, place) VALUES (?, ?, ?, ?)",
        (n, *statement_search_text(statement)),
    )


def remove_statement_projection(conn: Any, statement_id: str) -> None:
    row = conn.execute("SELECT n FROM statements WHERE id = ?", (statement_id,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM statements_fts WHERE rowid = ?", (row[0],))
    conn.execute("DELETE FROM statements WHERE n = ?", (row[0],))


_STATEMENT_BODY = (
    "SELECT v.body, s.version FROM statements s "
    "JOIN versions v ON v.record_id = s.id AND v.version = s.version"
)


def _statements(rows: list[Any]) -> list[tuple[Statement, int]]:
    return [(from_dict(Statement, canonical.loads(bytes(r[0]))), int(r[1])) for r in rows]


def load_statement(conn: Any, statement_id: str) -> tuple[Statement, int]:
    rows = conn.execute(f"{_STATEMENT_BODY} WHERE s.id = ?", (statement_id,)).fetchall()
    if not rows:
        raise RecordNotFound(f"There is no statement with id {statement_id} (or it was deleted).")
    return _statements(rows)[0]


def list_statements(
    conn: Any,
    *,
    witness_id: str | None,
    incident_id: str | None,
    text: str,
    limit: int,
    offset: int,
) -> list[tuple[Statement, int]]:
    """Statements newest interview first, filtered by witness, incident and full text.

    Text is matched like the register's search: every term a quoted prefix phrase, so FTS
    syntax typed by a person is searched as text, never run as a query.
    """
    _check_page(limit, offset)
    clauses: list[str] = []
    params: list[Any] = []
    if witness_id is not None:
        clauses.append("s.witness_id = ?")
        params.append(witness_id)
    if incident_id is not None:
        clauses.append(
            "EXISTS (SELECT 1 FROM statement_links l WHERE l.statement_n = s.n "
            "AND l.incident_id = ?)"
        )
        params.append(incident_id)
    if text.strip():
        match = fts_query(text)
        if match is None:
            return []  # only punctuation: nothing can contain it as a word
        clauses.append("s.n IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?)")
        params.append(match)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = conn.execute(
        f"{_STATEMENT_BODY} {where} ORDER BY s.interview_date DESC, s.n DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return _statements(rows)


# --- verification ---------------------------------------------------------------------------------
def _links(conn: Any, table: str, column: str, n: int) -> set[str]:
    rows = conn.execute(
        f"SELECT incident_id FROM {table} WHERE {column} = ?",  # noqa: S608 - constant names
        (n,),
    ).fetchall()
    return {str(r[0]) for r in rows}


def check_projections(conn: Any, latest: list[Any], problems: list[str]) -> None:
    """Witness and statement rows must equal the latest version of each (for `verify_log`).

    `latest` holds (record_id, kind, version, deleted, body) of every record's newest version.
    """
    live: dict[str, set[str]] = {"witness": set(), "statement": set()}
    for record_id, kind, version, deleted, body in latest:
        if kind not in KINDS:
            continue
        table = "witnesses" if kind == "witness" else "statements"
        label = f"{kind} {record_id}"
        row = conn.execute(f"SELECT n FROM {table} WHERE id = ?", (record_id,)).fetchone()  # noqa: S608
        if deleted:
            if row is not None:
                problems.append(f"{label} was deleted in version {version} but is still listed")
            continue
        live[kind].add(record_id)
        if row is None:
            problems.append(f"{label} is missing from its table (version {version})")
            continue
        n = int(row[0])
        try:
            parsed = canonical.loads(bytes(body))
            record: Witness | Statement = (
                from_dict(Witness, parsed) if kind == "witness" else from_dict(Statement, parsed)
            )
        except ValueError as exc:
            problems.append(f"version {version} of {label}: body cannot be read ({exc})")
            continue
        if isinstance(record, Witness):
            got = conn.execute(
                "SELECT code, minor, scopes, version FROM witnesses WHERE n = ?", (n,)
            ).fetchone()
            want = witness_columns(record, int(version))
            links = _links(conn, "witness_links", "witness_n", n)
            fts_ok = True
        else:
            got = conn.execute(
                "SELECT witness_id, type, interview_date, language, version FROM statements "
                "WHERE n = ?",
                (n,),
            ).fetchone()
            want = statement_columns(record, int(version))
            links = _links(conn, "statement_links", "statement_n", n)
            fts = conn.execute(
                "SELECT original_text, translation, place FROM statements_fts WHERE rowid = ?",
                (n,),
            ).fetchone()
            fts_ok = fts is not None and tuple(fts) == statement_search_text(record)
        if tuple(got) != want or links != set(record.incident_ids) or not fts_ok:
            problems.append(f"{label}: the current row does not match its latest version {version}")
    for kind, table in (("witness", "witnesses"), ("statement", "statements")):
        for (record_id,) in conn.execute(f"SELECT id FROM {table}").fetchall():  # noqa: S608
            if record_id not in live[kind]:
                problems.append(f"{kind} {record_id} is listed but has no live version")
