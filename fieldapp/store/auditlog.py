"""The tamper-evident audit log: one RFC 6962 Merkle leaf per change, signed checkpoints.

Every change appends a leaf in the same transaction as the change itself. A leaf's `entry` is
canonical JSON; for a record version it is exactly::

    {"type": "version", "kind", "record_id", "version", "sha256", "at", "author", "device"}

(`sha256` is the version's hash, see `records`), so the log commits to every version's body and
metadata without holding any case data. Other changes (vault created, passphrase changed, slot
added) have their own `type` and never carry a secret.

At the end of each transaction the device signs a C2SP tlog-checkpoint (origin
`fieldapp/<device_id>`, size, root) as a signed note. `verify` recomputes everything from the
rows, so a row altered under the app (by anyone holding the database key) is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import canonical
from fieldapp.domain.model import Incident, Observation, from_dict
from fieldapp.store import assessments, evidence_items, records, witnesses
from fieldapp.store.checkpoint import CheckpointError, format_checkpoint, parse_checkpoint
from fieldapp.store.merkle import Frontier, leaf_hash
from fieldapp.store.signednote import NoteError, Verifier, key_id, open_note, sign

ORIGIN_PREFIX = "fieldapp/"


@dataclass(frozen=True)
class AuditEntry:
    """One leaf as shown in the audit view; `index` is the 0-based RFC 6962 leaf index."""

    index: int
    at: str
    kind: str
    summary: str
    leaf_hash: str
    entry: dict[str, Any]


@dataclass(frozen=True)
class LogReport:
    """Outcome of `verify`: every problem found, each a sentence naming the row."""

    ok: bool
    size: int
    checkpoints: int
    problems: list[str]


def origin(device_id: str) -> str:
    """The log's name in its checkpoints: one log per device."""
    return ORIGIN_PREFIX + device_id


def version_entry(
    *, kind: str, record_id: str, version: int, sha256: str, at: str, author: str, device: str
) -> dict[str, Any]:
    """The leaf entry of one record version (see the module docstring)."""
    return {
        "type": "version",
        "kind": kind,
        "record_id": record_id,
        "version": version,
        "sha256": sha256,
        "at": at,
        "author": author,
        "device": device,
    }


def stored_version_entry(version: records.StoredVersion) -> bytes:
    """The leaf entry a stored version must have, in every log that holds it."""
    return version_entry_bytes(
        kind=version.kind,
        record_id=version.record_id,
        version=version.version,
        sha256=version.sha256,
        at=version.at,
        author=version.author,
        device=version.device_id,
    )


def load_frontier(conn: Any) -> Frontier:
    row = conn.execute("SELECT frontier FROM audit_frontier WHERE one = 1").fetchone()
    return Frontier() if row is None else Frontier.from_json(row[0])


_VERSION_ENTRY = canonical.ObjectShape(
    "at", "author", "device", "kind", "record_id", "sha256", "type", "version"
)


def version_entry_bytes(
    *, kind: str, record_id: str, version: int, sha256: str, at: str, author: str, device: str
) -> bytes:
    """`canonical.dumps(version_entry(...))`, written key by key (a test holds them equal).

    An HQ import makes one for each of up to 100k versions, twice (check, then store).
    """
    s = canonical.string
    return _VERSION_ENTRY.encode(
        s(at),
        s(author),
        s(device),
        s(kind),
        s(record_id),
        s(sha256),
        b'"version"',
        canonical.integer(version),
    )


def append(conn: Any, entry: dict[str, Any], *, version_seq: int | None = None) -> int:
    """Append one leaf and advance the stored frontier; returns the leaf index.

    Runs inside the caller's transaction, so the leaf exists iff the change exists.
    """
    leaf = (canonical.dumps(entry), str(entry.get("at", "")), str(entry["type"]), version_seq)
    return append_many(conn, [leaf]) - 1


def append_many(conn: Any, leaves: Iterable[tuple[bytes, str, str, int | None]]) -> int:
    """Append leaves (canonical entry bytes, at, type, version seq) in order; returns the
    log size after them.

    The frontier is read and written once for the lot: an HQ import appends a leaf for each
    of up to 100k versions in one transaction.
    """
    frontier = load_frontier(conn)
    rows = []
    for data, at, kind, version_seq in leaves:
        digest = leaf_hash(data)
        rows.append((frontier.size, at, kind, data, digest.hex(), version_seq))
        frontier.append(digest)
    conn.executemany(
        "INSERT INTO audit_leaves (idx, at, kind, entry, leaf_hash, version_seq) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute(
        "INSERT INTO audit_frontier (one, frontier) VALUES (1, ?) "
        "ON CONFLICT (one) DO UPDATE SET frontier = excluded.frontier",
        (frontier.to_json(),),
    )
    return frontier.size


def add_checkpoint(
    conn: Any, device_id: str, private_key: Ed25519PrivateKey, at: str
) -> str | None:
    """Sign the current tree head; called once at the end of every changing transaction."""
    frontier = load_frontier(conn)
    if frontier.size == 0:
        return None
    root = frontier.root()
    text = format_checkpoint(origin(device_id), frontier.size, root)
    note = sign(text, device_id, private_key)
    conn.execute(
        "INSERT OR REPLACE INTO checkpoints (size, root, note, at) VALUES (?, ?, ?, ?)",
        (frontier.size, root.hex(), note, at),
    )
    return note


def latest_checkpoint(conn: Any) -> str:
    row = conn.execute("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").fetchone()
    return "" if row is None else str(row[0])


def size(conn: Any) -> int:
    return load_frontier(conn).size


def _summary(entry: dict[str, Any], reason: str | None, deleted: bool | None) -> str:
    kind = entry.get("type", "?")
    if kind == "version":
        what = "deleted" if deleted else ("created" if entry.get("version") == 1 else "edited")
        text = (
            f"{entry.get('kind')} {entry.get('record_id')} version {entry.get('version')} "
            f"{what} by {entry.get('author')}"
        )
        return f"{text}: {reason}" if reason else text
    if kind == "vault_created":
        return f"vault created for {entry.get('cell_name')} by {entry.get('author')}"
    if kind == "passphrase_changed":
        return f"passphrase changed by {entry.get('author')}"
    if kind == "slot_added":
        return f"key slot for {entry.get('label')} added by {entry.get('author')}"
    if kind == "identity_revealed":
        return (
            f"identity of {entry.get('witness')} revealed by {entry.get('author')}: "
            f"{entry.get('reason')}"
        )
    if kind == "evidence_exported":
        return (
            f"copy of evidence {entry.get('evidence_id')} saved by {entry.get('author')}: "
            f"{entry.get('reason')}"
        )
    enrolment = _enrollment_summary(kind, entry)
    if enrolment is not None:
        return enrolment
    return str(kind).replace("_", " ")


def _enrollment_summary(kind: Any, entry: dict[str, Any]) -> str | None:
    """One line per enrolment event (sync/enrollment.py, Vault.recover)."""
    by = entry.get("author")
    lines = {
        "hq_keys_created": f"HQ keys created for {entry.get('origin')} by {by}",
        "escrow_exported": (
            f"escrow identity {entry.get('recipient')} exported"
            + (" and removed" if entry.get("removed") else "")
            + f" by {by}"
        ),
        "recipients_rotated": f"recipient list version {entry.get('version')} signed by {by}",
        "enrollment_requested": f"enrolment request made by {by}",
        "device_enrolled": (
            f"device {entry.get('code')} ({entry.get('analyst')}) enrolled by {by}"
        ),
        "device_revoked": (
            f"device {entry.get('device_id')} trusted only up to bundle "
            f"{entry.get('after_seq')}, by {by}"
        ),
        "enrolled": f"enrolled with {entry.get('hq_origin')} by {by}",
        "recipients_accepted": (f"recipient list version {entry.get('version')} accepted by {by}"),
        "vault_recovered": f"vault recovered with HQ's escrow identity for {by}",
    }
    return lines.get(str(kind))


def entries(conn: Any, offset: int, limit: int) -> list[AuditEntry]:
    """Newest first, with a one-line summary for the audit view."""
    rows = conn.execute(
        "SELECT l.idx, l.at, l.kind, l.entry, l.leaf_hash, v.reason, v.deleted "
        "FROM audit_leaves l LEFT JOIN versions v ON v.seq = l.version_seq "
        "ORDER BY l.idx DESC LIMIT ? OFFSET ?",
        (limit, offset),
    ).fetchall()
    result = []
    for idx, at, kind, data, digest, reason, deleted in rows:
        try:
            entry = canonical.loads(bytes(data))
        except canonical.CanonicalJSONError:
            entry = {}
        if not isinstance(entry, dict):
            entry = {}
        summary = _summary(entry, reason, None if deleted is None else bool(deleted))
        result.append(AuditEntry(int(idx), at, kind, summary, digest, entry))
    return result


# --- verification ---------------------------------------------------------------------------------
def _check_versions(conn: Any, problems: list[str], after_seq: int = 0) -> dict[int, bytes]:
    """Check each version (seq > after_seq) against its sha256; return its expected leaf entry.

    The fast path hashes the stored bytes as they are (`records.stored_version_sha256`); only a
    version that fails it is parsed, to say whether its body is not JSON, not canonical, or
    canonical but altered. Rows are read one at a time and only each entry's canonical bytes
    are kept, so checking 100k versions before an export stays in tens of megabytes.
    """
    expected: dict[int, bytes] = {}
    # A body purged after HQ's receipt hashes to the value its redaction row recorded; the
    # stored sha256 (what the leaf commits to) is the original's, and stays.
    redacted = {
        int(seq): str(digest)
        for seq, digest in conn.execute(
            "SELECT seq, redacted_sha256 FROM redactions WHERE seq > ?", (after_seq,)
        )
    }
    rows = conn.execute(
        "SELECT seq, record_id, kind, version, author, device_id, at, reason, deleted, body, "
        "sha256 FROM versions WHERE seq > ? ORDER BY seq",
        (after_seq,),
    )
    for seq, record_id, kind, version, author, device_id, at, reason, deleted, body, sha in rows:
        meta = {
            "record_id": record_id,
            "kind": kind,
            "version": int(version),
            "author": author,
            "device_id": device_id,
            "at": at,
            "reason": reason,
            "deleted": bool(deleted),
        }
        try:
            fast = records.stored_version_sha256(**meta, body_bytes=bytes(body))
        except canonical.CanonicalJSONError:
            fast = ""
        if int(seq) in redacted:
            if fast != redacted[int(seq)]:
                label = f"version {meta['version']} of {meta['kind']} {meta['record_id']}"
                problems.append(f"{label}: its redacted body was changed after the redaction")
        elif fast != sha:
            problems.append(_version_problem(meta, bytes(body), sha))
        expected[int(seq)] = version_entry_bytes(
            kind=kind,
            record_id=record_id,
            version=int(version),
            sha256=sha,
            at=at,
            author=author,
            device=device_id,
        )
    return expected


def _entry_label(entry: bytes) -> str:
    """ "version 3 of incident <id>", from a version entry's canonical bytes (for a message)."""
    parsed = canonical.loads(entry)
    assert isinstance(parsed, dict)
    return f"version {parsed['version']} of {parsed['kind']} {parsed['record_id']}"


def _version_problem(meta: dict[str, Any], body: bytes, sha: str) -> str:
    """Why a stored version does not hash to its sha256, in words."""
    label = f"version {meta['version']} of {meta['kind']} {meta['record_id']}"
    try:
        parsed = canonical.loads(body)
    except canonical.CanonicalJSONError as exc:
        return f"{label}: body is not valid canonical JSON ({exc})"
    if not isinstance(parsed, dict):
        return f"{label}: body is not a JSON object"
    if canonical.dumps(parsed) != body:
        return f"{label}: body is not in canonical form"
    if records.version_sha256(**meta, body=parsed) != sha:
        return f"{label}: body does not match its sha256"
    return f"{label}: its stored hash cannot be recomputed"


def _check_projection(conn: Any, problems: list[str]) -> None:
    """The current-state tables must equal the latest version of every record."""
    latest = conn.execute(
        "SELECT v.record_id, v.kind, v.version, v.deleted, v.body FROM versions v "
        "JOIN (SELECT record_id, max(version) AS top FROM versions GROUP BY record_id) m "
        "ON m.record_id = v.record_id AND m.top = v.version ORDER BY v.seq"
    ).fetchall()
    live_incidents: set[str] = set()
    live_observations: set[str] = set()
    names = ", ".join(records.INCIDENT_COLUMNS)
    # Witnesses, statements and evidence items (schema v2) are checked by their own modules.
    witnesses.check_projections(conn, latest, problems)
    evidence_items.check_projections(conn, latest, problems)
    assessments.check_projections(conn, latest, problems)
    latest = [row for row in latest if row[1] in records.KINDS]
    for record_id, kind, version, deleted, body in latest:
        table = "incidents" if kind == "incident" else "observations"
        label = f"{kind} {record_id}"
        if deleted:
            # `table` is one of two literal names chosen above, never input.
            sql = f"SELECT 1 FROM {table} WHERE id = ?"  # noqa: S608
            if conn.execute(sql, (record_id,)).fetchone():
                problems.append(f"{label} was deleted in version {version} but is still listed")
            continue
        (live_incidents if kind == "incident" else live_observations).add(record_id)
        try:
            parsed = canonical.loads(bytes(body))
            record: Incident | Observation = (
                from_dict(Incident, parsed)
                if kind == "incident"
                else from_dict(Observation, parsed)
            )
        except ValueError as exc:
            problems.append(f"version {version} of {label}: body cannot be read ({exc})")
            continue
        if isinstance(record, Incident):
            row = conn.execute(
                f"SELECT {names} FROM incidents WHERE id = ?",  # noqa: S608 - constant columns
                (record_id,),
            ).fetchone()
            want = records.incident_columns(record, int(version))
            if row is None:
                problems.append(f"{label} is missing from the register (version {version})")
            elif tuple(bytes(v) if isinstance(v, bytes | memoryview) else v for v in row) != want:
                problems.append(
                    f"{label}: the register row does not match its latest version {version}"
                )
        else:
            row = conn.execute(
                "SELECT version, body FROM observations WHERE id = ?", (record_id,)
            ).fetchone()
            if row is None:
                problems.append(f"{label} is missing from the observation log")
            elif int(row[0]) != int(version) or bytes(row[1]) != bytes(body):
                problems.append(
                    f"{label}: the current row does not match its latest version {version}"
                )
    for table, live, kind in (
        ("incidents", live_incidents, "incident"),
        ("observations", live_observations, "observation"),
    ):
        for (record_id,) in conn.execute(f"SELECT id FROM {table}").fetchall():  # noqa: S608
            if record_id not in live:
                problems.append(f"{kind} {record_id} is listed but has no live version")


def verify(
    conn: Any, device_id: str, public_key: bytes, *, since: int = 0, full: bool = True
) -> LogReport:
    """Recompute everything from the rows and report every discrepancy found.

    Versions against their sha256, leaves against their entries, each version against exactly
    one leaf, the root at every checkpoint, every checkpoint's signature, the stored frontier,
    and the current-state tables against the latest versions.

    `since` and `full=False` make the check an export needs: leaves below `since` (already
    acknowledged by HQ, which holds their copy) count by their stored hashes, only the versions
    of later leaves are rehashed, only the newest checkpoint's signature is verified (it is the
    one the bundle carries) and the projections are left out (the bundle does not contain them).
    """
    problems: list[str] = []
    before = conn.execute(
        "SELECT max(version_seq) FROM audit_leaves WHERE idx < ?", (since,)
    ).fetchone()
    after_seq = int(before[0]) if before and before[0] is not None else 0
    expected_entries = _check_versions(conn, problems, after_seq)

    # Without `full` only the newest note is read: one per transaction adds up to 100k notes.
    newest_size = conn.execute("SELECT max(size) FROM checkpoints").fetchone()[0]
    checkpoints = conn.execute(
        "SELECT size, root, CASE WHEN ? OR size = ? THEN note END FROM checkpoints ORDER BY size",
        (full, newest_size),
    ).fetchall()
    by_size = {int(s): (root, note) for s, root, note in checkpoints}
    verifier = Verifier(name=device_id, key_id=key_id(device_id, public_key), public_key=public_key)

    frontier = Frontier()
    for position, (idx, stored_hash) in enumerate(
        conn.execute("SELECT idx, leaf_hash FROM audit_leaves WHERE idx < ? ORDER BY idx", (since,))
    ):
        if idx != position:
            problems.append(f"audit leaf {position} is missing (next leaf is {idx})")
            break
        frontier.append(bytes.fromhex(stored_hash))
    seen_versions: set[int] = set()
    leaves = conn.execute(
        "SELECT idx, entry, leaf_hash, version_seq FROM audit_leaves WHERE idx >= ? ORDER BY idx",
        (since,),
    )
    for position, (idx, data, stored_hash, version_seq) in enumerate(leaves, frontier.size):
        if idx != position:
            problems.append(f"audit leaf {position} is missing (next leaf is {idx})")
            break
        digest = leaf_hash(bytes(data))
        if digest.hex() != stored_hash:
            problems.append(f"audit leaf {idx}: its entry does not match its leaf hash")
        if version_seq is not None:
            want = expected_entries.get(int(version_seq))
            if want is None:
                problems.append(f"audit leaf {idx}: names a record version that does not exist")
            elif want != bytes(data):
                problems.append(f"audit leaf {idx}: entry does not match {_entry_label(want)}")
            seen_versions.add(int(version_seq))
        else:
            try:
                entry = canonical.loads(bytes(data))
            except canonical.CanonicalJSONError as exc:
                problems.append(f"audit leaf {idx}: entry is not valid canonical JSON ({exc})")
                entry = None
            if isinstance(entry, dict) and entry.get("type") == "version":
                problems.append(f"audit leaf {idx}: a version entry not linked to any version")
        frontier.append(digest)
        if frontier.size in by_size:
            root_hex, _ = by_size[frontier.size]
            if frontier.root().hex() != root_hex:
                problems.append(
                    f"checkpoint at size {frontier.size}: its root does not match the log"
                )

    for seq, want in expected_entries.items():
        if seq not in seen_versions:
            problems.append(f"{_entry_label(want)} has no audit-log leaf")

    for cp_size, (root_hex, note) in by_size.items():
        label = f"checkpoint at size {cp_size}"
        if cp_size > frontier.size:
            problems.append(f"{label}: the log has only {frontier.size} leaves")
        if note is None:
            continue  # not read: only the newest is verified without `full`
        try:
            opened = open_note(note, [verifier])
            cp = parse_checkpoint(opened.text)
        except (NoteError, CheckpointError) as exc:
            problems.append(f"{label}: the signed note does not verify ({exc})")
            continue
        if cp.origin != origin(device_id):
            problems.append(f"{label}: the note names another log ({cp.origin})")
        if cp.size != cp_size or cp.root.hex() != root_hex:
            problems.append(f"{label}: the signed note does not match the stored size and root")

    try:
        stored = load_frontier(conn)
    except ValueError as exc:
        problems.append(f"the stored log frontier is damaged ({exc})")
    else:
        if stored != frontier:
            problems.append(
                f"the stored log frontier (size {stored.size}) does not match the leaves "
                f"(size {frontier.size})"
            )

    if full:
        _check_projection(conn, problems)
    return LogReport(
        ok=not problems, size=frontier.size, checkpoints=len(by_size), problems=problems
    )
