"""Provenance of one record or evidence item, and "verify": every hash and signature behind it.

A court or a reviewer asks of a record: who made it, on which device, when, how it reached HQ,
and whether anything changed since. `record_provenance` answers the first questions from what
the vault already holds (the versions, HQ's copy of each device's signed log, the bundle rows,
the receipts HQ signed, HQ's own audit log). `verify_record` then recomputes each link instead
of trusting a stored flag:

- the evidence original's SHA-256, from the encrypted file, streamed in chunks;
- each version's hash, from the stored bytes;
- each version's entry in the device's log, with an RFC 6962 inclusion proof against the root
  the device signed (the newest bundle note HQ holds), checked with the enrolled device key;
- each receipt HQ signed for a bundle that brought a version, with HQ's receipt key;
- HQ's own leaves (each version and each `bundle_imported` event) under HQ's newest signed
  checkpoint, with inclusion proofs;
- a version whose body the field's purge redacted: against the hash recorded at the redaction,
  and the redaction against its logged `identities_purged` event.

A record made on this vault has no bundle: its versions are proved against this vault's own
log, and the provenance says so. Nothing here changes a record; a verification run is itself
logged (who verified what, and the outcome), because it is part of the chain of custody.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fieldapp.domain import canonical
from fieldapp.errors import (
    BlobCorrupt,
    EvidenceNotFound,
    FieldappError,
    NoHqKeys,
    RecordNotFound,
)
from fieldapp.store import auditlog, records
from fieldapp.store.checkpoint import CheckpointError, parse_checkpoint
from fieldapp.store.merkle import leaf_hash, node_hash, verify_inclusion
from fieldapp.store.signednote import NoteError, Verifier, key_id, open_note
from fieldapp.store.vault import Vault
from sync.enrollment import load_hq_keys
from sync.statements import (
    BundleNote,
    StatementError,
    note_hash,
    open_bundle_note,
    open_receipt,
)

Progress = Callable[[int, int], None]

# The steps `verify_record` reports through `progress(done, STEPS)`.
STEPS = 5


class InvalidRecordId(FieldappError):
    """The text given is not a record id (32 lower-case hexadecimal characters)."""


# --- what provenance shows --------------------------------------------------------------------
@dataclass(frozen=True)
class ReceiptInfo:
    """The receipt HQ signed for a bundle: its seq, the SHA-256 of the note, its time line."""

    seq: int
    sha256: str
    time: str
    hq_key: str


@dataclass(frozen=True)
class BundleInfo:
    """A bundle that brought versions of the record to this vault."""

    device_id: str
    seq: int
    note_hash: str
    state: str  # imported, or covered by a later bundle carrying its signed note
    file_sha256: str  # the .chmb file as received (inbox/<sha256>.chmb); "" if covered
    file_name: str
    imported_at: str
    log_size: int  # the device's log size its signed note names
    receipt: ReceiptInfo | None


@dataclass(frozen=True)
class LogEntry:
    """One leaf of an audit log that concerns the record.

    `log` is "device" (HQ's copy of the field device's signed log) or "vault" (this vault's
    own log: HQ's at HQ, the device's own on a field vault).
    """

    log: str
    device_id: str
    index: int
    leaf_hash: str
    at: str
    type: str
    summary: str


@dataclass(frozen=True)
class VersionInfo:
    """One version and every place it is recorded."""

    seq: int
    version: int
    at: str
    author: str
    device_id: str
    reason: str
    deleted: bool
    sha256: str
    redacted: bool
    bundle_seq: int | None  # the imported bundle that brought it; None: made on this vault
    device_entry: LogEntry | None  # its leaf in the device's log (HQ's copy)
    vault_entry: LogEntry | None  # its leaf in this vault's own log
    import_entry: LogEntry | None  # the `bundle_imported` leaf of the bundle that brought it


@dataclass(frozen=True)
class Provenance:
    """Where a record comes from. `local`: every version was made on this vault."""

    record_id: str
    kind: str
    device_id: str
    device_code: str
    analyst: str
    local: bool
    capture_time: str
    capture_source: str  # "exif" (evidence), "first version", or "" when unknown
    ingest_time: str  # evidence: when the original was imported on the device
    evidence_sha256: str
    evidence_size: int | None
    original_name: str
    versions: tuple[VersionInfo, ...]
    bundles: tuple[BundleInfo, ...]
    log_entries: tuple[LogEntry, ...]
    notes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (`hq provenance --json`)."""
        data: dict[str, Any] = _json(self)
        return data


@dataclass(frozen=True)
class Check:
    """One line of a verification: what was checked, whether it held, and the specifics."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class VerifyResult:
    record_id: str
    kind: str
    at: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.ok)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values with the verdict (`hq verify --json`)."""
        return {**_json(self), "ok": self.ok}


def _json(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {name: _json(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    return value


# --- reading what the vault holds -------------------------------------------------------------
_Row = records.StoredVersion


@dataclass(frozen=True)
class _Leaf:
    index: int
    at: str
    type: str
    entry: bytes
    leaf_hash: str


@dataclass(frozen=True)
class _Redaction:
    """A `redactions` row: the body was replaced after HQ's receipt (the field's purge)."""

    fields: str
    sha256: str  # the hash of the version with its redacted body
    at: str
    receipt_seq: int


@dataclass(frozen=True)
class _BundleRow:
    """A `device_bundles` row (and the inbox file name) as stored."""

    note: str
    note_hash: str
    state: str
    receipt: str | None
    at: str
    file_sha256: str
    file_name: str


@dataclass
class _Loaded:
    rows: list[_Row]
    redacted: dict[int, _Redaction]  # version seq -> its redaction
    redaction_leaves: dict[int, _Leaf]  # version seq -> the logged event that redacted it
    devices: dict[str, tuple[bytes, str, str]]  # device id -> (public key, code, analyst)
    device_leaves: dict[str, dict[int, _Leaf]]  # device id -> version number -> its leaf
    device_other: list[LogEntry]  # other device-log leaves naming the record
    vault_leaves: dict[int, _Leaf]  # version seq -> this vault's leaf
    import_leaves: dict[int, _Leaf]  # version seq -> the `bundle_imported` leaf after it
    other_leaves: list[_Leaf]  # this vault's other leaves naming the record
    bundles: dict[tuple[str, int], _BundleRow]
    purged: dict[str, int]  # evidence sha256 -> receipt seq, for originals purged here


def _check_id(record_id: str) -> str:
    record_id = record_id.strip()
    if not records.is_record_id(record_id):
        raise InvalidRecordId(
            f"{record_id[:80]!r} is not a record id: ids are 32 lower-case hexadecimal "
            "characters (the History and Provenance views show them)"
        )
    return record_id


def _versions(conn: Any, record_id: str) -> list[_Row]:
    rows = records.stored_versions(conn, record_id)
    if not rows:
        raise RecordNotFound(f"There is no record with id {record_id} in this vault.")
    return rows


def _parse(data: bytes) -> dict[str, Any]:
    try:
        value = canonical.loads(data)
    except canonical.CanonicalJSONError:
        return {}
    return value if isinstance(value, dict) else {}


def _load(conn: Any, vault: Vault, record_id: str) -> _Loaded:
    rows = _versions(conn, record_id)
    seqs = [row.seq for row in rows]
    marks = ", ".join("?" for _ in seqs)
    redacted = {
        int(seq): _Redaction(str(fields), str(digest), str(at), int(receipt_seq))
        for seq, fields, digest, at, receipt_seq in conn.execute(
            "SELECT seq, fields, redacted_sha256, at, receipt_seq FROM redactions "  # noqa: S608
            f"WHERE seq IN ({marks})",
            seqs,
        ).fetchall()
    }
    redaction_leaves: dict[int, _Leaf] = {}
    if redacted:
        for idx, at, kind, data, digest in conn.execute(
            "SELECT idx, at, kind, entry, leaf_hash FROM audit_leaves "
            "WHERE kind = 'identities_purged' ORDER BY idx"
        ).fetchall():
            named = _parse(bytes(data)).get("versions")
            for item in named if isinstance(named, list) else []:
                seq = item.get("seq") if isinstance(item, dict) else None
                if seq in redacted and seq not in redaction_leaves:
                    leaf = _Leaf(int(idx), str(at), str(kind), bytes(data), str(digest))
                    redaction_leaves[seq] = leaf
    own = vault.device.device_id
    foreign = sorted({row.device_id for row in rows if row.device_id != own})
    devices: dict[str, tuple[bytes, str, str]] = {}
    device_leaves: dict[str, dict[int, _Leaf]] = {}
    device_other: list[LogEntry] = []
    needle = f'"record_id":{json.dumps(record_id)}'.encode()
    for device_id in foreign:
        found = conn.execute(
            "SELECT public_key, code, analyst FROM devices WHERE device_id = ?", (device_id,)
        ).fetchone()
        if found is not None:
            devices[device_id] = (bytes(found[0]), str(found[1]), str(found[2]))
        by_version: dict[int, _Leaf] = {}
        for idx, digest, data in conn.execute(
            "SELECT idx, leaf_hash, entry FROM device_log WHERE device_id = ? "
            "AND instr(entry, ?) > 0 ORDER BY idx",
            (device_id, needle),
        ).fetchall():
            entry = _parse(bytes(data))
            leaf = _Leaf(
                int(idx),
                str(entry.get("at", "")),
                str(entry.get("type", "")),
                bytes(data),
                str(digest),
            )
            version = entry.get("version")
            if (
                entry.get("type") == "version"
                and entry.get("record_id") == record_id
                and isinstance(version, int)
                and version not in by_version
            ):
                by_version[version] = leaf
            else:
                device_other.append(_log_entry("device", device_id, leaf))
        device_leaves[device_id] = by_version
    vault_leaves: dict[int, _Leaf] = {}
    for idx, at, kind, data, digest, version_seq in conn.execute(
        f"SELECT idx, at, kind, entry, leaf_hash, version_seq FROM audit_leaves "  # noqa: S608
        f"WHERE version_seq IN ({marks}) ORDER BY idx",
        seqs,
    ).fetchall():
        vault_leaves[int(version_seq)] = _Leaf(
            int(idx), str(at), str(kind), bytes(data), str(digest)
        )
    import_leaves: dict[int, _Leaf] = {}
    for row in rows:
        version_leaf = vault_leaves.get(row.seq)
        if row.device_id == own or version_leaf is None:
            continue
        # The import transaction writes the versions' leaves, then its `bundle_imported`
        # event: the first such event after a version's leaf is the import that brought it.
        found = conn.execute(
            "SELECT idx, at, kind, entry, leaf_hash FROM audit_leaves WHERE idx > ? "
            "AND kind = 'bundle_imported' ORDER BY idx LIMIT 1",
            (version_leaf.index,),
        ).fetchone()
        if found is not None:
            import_leaves[row.seq] = _Leaf(
                int(found[0]), str(found[1]), str(found[2]), bytes(found[3]), str(found[4])
            )
    needles = [record_id.encode()]
    blob_shas = _evidence_shas(rows)
    needles += [sha.encode() for sha in blob_shas]
    taken = {leaf.index for leaf in vault_leaves.values()}
    other_leaves: list[_Leaf] = []
    clause = " OR ".join("instr(entry, ?) > 0" for _ in needles)
    for idx, at, kind, data, digest in conn.execute(
        f"SELECT idx, at, kind, entry, leaf_hash FROM audit_leaves WHERE {clause} "  # noqa: S608
        "ORDER BY idx",
        needles,
    ).fetchall():
        if int(idx) not in taken:
            other_leaves.append(_Leaf(int(idx), str(at), str(kind), bytes(data), str(digest)))
    bundles: dict[tuple[str, int], _BundleRow] = {}
    for import_leaf in import_leaves.values():
        entry = _parse(import_leaf.entry)
        bundle_device, seq = entry.get("device_id"), entry.get("seq")
        if not isinstance(bundle_device, str) or not isinstance(seq, int):
            continue
        found = conn.execute(
            "SELECT b.note, b.note_hash, b.state, b.receipt, b.at, "
            "coalesce(b.inbox_sha256, ''), coalesce(i.file_name, '') FROM device_bundles b "
            "LEFT JOIN inbox i ON i.sha256 = b.inbox_sha256 WHERE b.device_id = ? AND b.seq = ?",
            (bundle_device, seq),
        ).fetchone()
        if found is not None:
            note, digest, state, receipt, at, inbox_sha, file_name = found
            bundles[(bundle_device, seq)] = _BundleRow(
                note=str(note),
                note_hash=str(digest),
                state=str(state),
                receipt=None if receipt is None else str(receipt),
                at=str(at),
                file_sha256=str(inbox_sha),
                file_name=str(file_name),
            )
    purged = {
        str(sha): int(seq)
        for sha, seq in conn.execute(
            "SELECT sha256, seq FROM acked_blobs WHERE purged_at IS NOT NULL"
        ).fetchall()
        if str(sha) in blob_shas
    }
    return _Loaded(
        rows=rows,
        redacted=redacted,
        redaction_leaves=redaction_leaves,
        devices=devices,
        device_leaves=device_leaves,
        device_other=device_other,
        vault_leaves=vault_leaves,
        import_leaves=import_leaves,
        other_leaves=other_leaves,
        bundles=bundles,
        purged=purged,
    )


def _evidence_shas(rows: Sequence[_Row]) -> list[str]:
    """The originals the record's live versions name, oldest first, each once."""
    shas: list[str] = []
    for row in rows:
        if row.kind != "evidence" or row.deleted:
            continue
        sha = _parse(row.body).get("sha256")
        if isinstance(sha, str) and sha not in shas:
            shas.append(sha)
    return shas


def _summary(entry: dict[str, Any], fallback: str) -> str:
    kind = entry.get("type", fallback)
    if kind == "version":
        return (
            f"{entry.get('kind')} {entry.get('record_id')} version {entry.get('version')} "
            f"by {entry.get('author')} (sha256 {str(entry.get('sha256', ''))[:16]}…)"
        )
    if kind == "bundle_imported":
        return (
            f"bundle seq {entry.get('seq')} of device {entry.get('device_id')} imported by "
            f"{entry.get('author')}: {entry.get('versions')} new version(s), file "
            f"{str(entry.get('inbox_sha256', ''))[:16]}…"
        )
    shown = {
        k: v
        for k, v in entry.items()
        if k not in ("type", "at", "device") and isinstance(v, str | int | bool)
    }
    details = ", ".join(f"{k} {str(v)[:40]}" for k, v in sorted(shown.items()))
    return f"{str(kind).replace('_', ' ')}" + (f": {details}" if details else "")


def _log_entry(log: str, device_id: str, leaf: _Leaf) -> LogEntry:
    return LogEntry(
        log=log,
        device_id=device_id,
        index=leaf.index,
        leaf_hash=leaf.leaf_hash,
        at=leaf.at,
        type=leaf.type,
        summary=_summary(_parse(leaf.entry), leaf.type),
    )


def _receipt_info(text: str | None) -> ReceiptInfo | None:
    """The receipt's lines as stored (read without verifying: `verify_record` checks it)."""
    if not text:
        return None
    values: dict[str, str] = {}
    for line in text.split("\n\n", 1)[0].split("\n")[1:]:
        key, _, value = line.partition(" ")
        values.setdefault(key, value)
    seq = values.get("seq", "")
    return ReceiptInfo(
        seq=int(seq) if seq.isdigit() else 0,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        time=values.get("time", ""),
        hq_key=values.get("hq", ""),
    )


def _note_log(note: str) -> tuple[int, str]:
    """The (size, base64 root) of a bundle note's `log` line, read as stored."""
    for line in note.split("\n\n", 1)[0].split("\n"):
        if line.startswith("log "):
            size, _, root = line[4:].partition(" ")
            return (int(size) if size.isdigit() else 0), root
    return 0, ""


def _note_log_size(note: str) -> int:
    return _note_log(note)[0]


def record_provenance(vault: Vault, record_id: str) -> Provenance:
    """Everything the vault knows about where a record (or evidence item) came from.

    Read-only and cheap enough for a dialog: it shows what is stored, and `verify_record`
    is the step that recomputes it. A witness's identity is never part of it (only version
    metadata and hashes are shown).
    """
    record_id = _check_id(record_id)
    with vault.reading() as conn:
        loaded = _load(conn, vault, record_id)
    rows = loaded.rows
    own = vault.device.device_id
    first = rows[0]
    local = all(row.device_id == own for row in rows)
    if first.device_id == own:
        code, analyst = vault.device.code, first.author
    else:
        _, code, analyst = loaded.devices.get(first.device_id, (b"", "", first.author))
    versions: list[VersionInfo] = []
    entries: list[LogEntry] = []
    bundle_keys: list[tuple[str, int]] = []
    for row in rows:
        device_leaf = loaded.device_leaves.get(row.device_id, {}).get(row.version)
        vault_leaf = loaded.vault_leaves.get(row.seq)
        import_leaf = loaded.import_leaves.get(row.seq)
        bundle_seq = None
        if import_leaf is not None:
            seq = _parse(import_leaf.entry).get("seq")
            bundle_seq = seq if isinstance(seq, int) else None
            if bundle_seq is not None and (row.device_id, bundle_seq) not in bundle_keys:
                bundle_keys.append((row.device_id, bundle_seq))
        device_entry = (
            None if device_leaf is None else _log_entry("device", row.device_id, device_leaf)
        )
        vault_entry = None if vault_leaf is None else _log_entry("vault", own, vault_leaf)
        import_entry = None if import_leaf is None else _log_entry("vault", own, import_leaf)
        versions.append(
            VersionInfo(
                seq=row.seq,
                version=row.version,
                at=row.at,
                author=row.author,
                device_id=row.device_id,
                reason=row.reason,
                deleted=row.deleted,
                sha256=row.sha256,
                redacted=row.seq in loaded.redacted,
                bundle_seq=bundle_seq,
                device_entry=device_entry,
                vault_entry=vault_entry,
                import_entry=import_entry,
            )
        )
        for entry in (device_entry, vault_entry, import_entry):
            if entry is not None and entry not in entries:
                entries.append(entry)
    entries += loaded.device_other
    entries += [_log_entry("vault", own, leaf) for leaf in loaded.other_leaves]
    entries.sort(key=lambda e: (e.log != "device", e.device_id, e.index))
    bundles = []
    for key in bundle_keys:
        stored = loaded.bundles.get(key)
        if stored is None:
            continue
        bundles.append(
            BundleInfo(
                device_id=key[0],
                seq=key[1],
                note_hash=stored.note_hash,
                state=stored.state,
                file_sha256=stored.file_sha256,
                file_name=stored.file_name,
                imported_at=stored.at,
                log_size=_note_log_size(stored.note),
                receipt=_receipt_info(stored.receipt),
            )
        )
    notes: list[str] = []
    if local:
        notes.append(
            "made on this vault: no bundle brought it; its versions are proved against this "
            "vault's own signed log"
        )
    elif vault.device.role == "hq" and len(bundles) < len({k for k in bundle_keys}):
        notes.append("a bundle named by HQ's log is not in HQ's bundle table")
    body = _parse(rows[-1].body) if not rows[-1].deleted else {}
    if first.kind == "evidence":
        live = next((_parse(r.body) for r in reversed(rows) if not r.deleted), {})
        body = live
        capture = str(body.get("capture_time", ""))
        offset = str(body.get("capture_offset", ""))
        capture_time = capture if not offset or capture.endswith(offset) else capture + offset
        capture_source = "exif" if capture else ""
        if not capture:
            notes.append("the original carries no EXIF capture time")
        size = body.get("size")
        evidence_size = size if isinstance(size, int) else None
        return Provenance(
            record_id=record_id,
            kind=first.kind,
            device_id=first.device_id,
            device_code=code,
            analyst=analyst,
            local=local,
            capture_time=capture_time,
            capture_source=capture_source,
            ingest_time=str(body.get("imported_at", "")),
            evidence_sha256=str(body.get("sha256", "")),
            evidence_size=evidence_size,
            original_name=str(body.get("original_name", "")),
            versions=tuple(versions),
            bundles=tuple(bundles),
            log_entries=tuple(entries),
            notes=tuple(notes),
        )
    return Provenance(
        record_id=record_id,
        kind=first.kind,
        device_id=first.device_id,
        device_code=code,
        analyst=analyst,
        local=local,
        capture_time=first.at,
        capture_source="first version",
        ingest_time="",
        evidence_sha256="",
        evidence_size=None,
        original_name="",
        versions=tuple(versions),
        bundles=tuple(bundles),
        log_entries=tuple(entries),
        notes=tuple(notes),
    )


# --- verification -----------------------------------------------------------------------------
class _Tree:
    """Every level of the RFC 6962 tree over stored leaf hashes, built once, bottom up.

    RFC 6962's tree is the one where, level by level, aligned pairs are hashed and an odd last
    node moves up unchanged; so all the proofs of one log come from one pass of n - 1 node
    hashes (in list comprehensions: 50k leaves in a fraction of a second), instead of one
    recursive pass per proof. The proofs are then checked by `merkle.verify_inclusion`.
    """

    def __init__(self, leaves: Sequence[bytes]) -> None:
        levels = [list(leaves)]
        while len(levels[-1]) > 1:
            below = levels[-1]
            level = [node_hash(a, b) for a, b in zip(below[0::2], below[1::2], strict=False)]
            if len(below) % 2:
                level.append(below[-1])
            levels.append(level)
        self._levels = levels

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def proof(self, index: int) -> list[bytes]:
        """The audit path of leaf `index` (RFC 6962 PATH), leaf level first."""
        path: list[bytes] = []
        for level in self._levels[:-1]:
            sibling = index ^ 1
            if sibling < len(level):  # else this node moved up alone: no hash at this level
                path.append(level[sibling])
            index >>= 1
        return path


@dataclass(frozen=True)
class _SignedLog:
    """A log's stored leaf hashes up to a signed size, and the root that was signed."""

    name: str
    size: int
    root: bytes
    tree: _Tree


def _inclusion(log: _SignedLog, index: int, entry: bytes, stored_hash: str, what: str) -> Check:
    """One leaf: its entry hashes to the stored leaf hash, and it is under the signed root."""
    digest = leaf_hash(entry)
    if digest.hex() != stored_hash:
        return Check(
            what,
            False,
            f"entry {index} does not hash to its stored leaf hash: the entry or its hash was "
            "changed after it was logged",
        )
    if index >= log.size:
        return Check(what, False, f"entry {index} is beyond the signed size {log.size}")
    proof = log.tree.proof(index)
    if not verify_inclusion(index, log.size, digest, proof, log.root):
        return Check(
            what,
            False,
            f"entry {index} is not under the signed root of {log.name} (size {log.size}): "
            "other entries of the log were changed after they were signed",
        )
    return Check(
        what,
        True,
        f"entry {index}, leaf {digest.hex()[:16]}…, proved under {log.name} "
        f"(size {log.size}) with {len(proof)} proof hash(es)",
    )


def _version_check(row: _Row, redacted: dict[int, _Redaction]) -> Check:
    name = f"Version {row.version} hash"
    try:
        again = records.stored_version_sha256(
            record_id=row.record_id,
            kind=row.kind,
            version=row.version,
            author=row.author,
            device_id=row.device_id,
            at=row.at,
            reason=row.reason,
            deleted=row.deleted,
            body_bytes=row.body,
        )
    except canonical.CanonicalJSONError:
        again = ""
    if again == row.sha256:
        return Check(name, True, f"sha256 {row.sha256} recomputed from the stored bytes")
    redaction = redacted.get(row.seq)
    if redaction is not None:
        if again == redaction.sha256:
            return Check(
                name,
                True,
                f"body redacted on {redaction.at} (fields: {redaction.fields}) after HQ's "
                f"receipt for bundle {redaction.receipt_seq}: its hash {again[:16]}… "
                f"recomputed; the signed logs still name the original {row.sha256[:16]}…",
            )
        return Check(
            name,
            False,
            f"the redacted body hashes to {again[:16] or 'nothing'}…, not to "
            f"{redaction.sha256[:16]}… recorded at its redaction: changed since",
        )
    try:
        parsed = canonical.loads(row.body)
    except canonical.CanonicalJSONError as exc:
        why = f"the stored body is not valid canonical JSON ({exc})"
    else:
        if not isinstance(parsed, dict):
            why = "the stored body is not a JSON object"
        elif canonical.dumps(parsed) != row.body:
            why = "the stored body is not in canonical form"
        else:
            why = "the stored body or its metadata was changed after it was signed"
    return Check(
        name,
        False,
        f"recomputed {again[:16] or 'nothing'}…, stored {row.sha256[:16]}…: {why}",
    )


def _evidence_check(
    vault: Vault, sha: str, size: int | None, purged: dict[str, int], tick: Callable[[], None]
) -> Check:
    name = f"Evidence original {sha[:12]}…"
    digest = hashlib.sha256()
    count = 0
    try:
        for chunk in vault.blob_store().open_plaintext(sha):
            digest.update(chunk)
            count += len(chunk)
            tick()
    except EvidenceNotFound:
        if sha in purged:
            return Check(
                name,
                True,
                f"not held here: purged after HQ's receipt for bundle {purged[sha]} "
                "(HQ holds the original); not recomputed",
            )
        return Check(name, False, "the original is missing from this vault's evidence store")
    except BlobCorrupt as exc:
        return Check(name, False, f"{exc} (after {count:,} bytes)")
    if digest.hexdigest() != sha:
        return Check(name, False, f"the stored original hashes to {digest.hexdigest()}")
    if size is not None and count != size:
        return Check(name, False, f"the original has {count:,} bytes; its record says {size:,}")
    return Check(name, True, f"sha256 recomputed from the stored original ({count:,} bytes)")


def _device_log(
    conn: Any, device_id: str, key: bytes, code: str
) -> tuple[Check, _SignedLog | None, BundleNote | None]:
    """The device's newest signed note HQ holds, verified with the enrolled key only."""
    name = f"Device {code} signed checkpoint"
    row = conn.execute(
        "SELECT seq, note FROM device_bundles WHERE device_id = ? ORDER BY seq DESC LIMIT 1",
        (device_id,),
    ).fetchone()
    if row is None:
        return Check(name, False, "HQ holds no signed note of this device"), None, None
    seq, text = int(row[0]), str(row[1])
    try:
        verifier = Verifier(name=device_id, key_id=key_id(device_id, key), public_key=key)
        note = open_bundle_note(text, [verifier])
    except (StatementError, NoteError) as exc:
        return Check(name, False, f"the note of bundle {seq} does not verify: {exc}"), None, None
    if note.device != device_id or note.origin != auditlog.origin(device_id):
        return Check(name, False, f"the note of bundle {seq} names another device"), None, None
    hashes = [
        bytes.fromhex(str(h))
        for (h,) in conn.execute(
            "SELECT leaf_hash FROM device_log WHERE device_id = ? AND idx < ? ORDER BY idx",
            (device_id, note.log_size),
        ).fetchall()
    ]
    log = _SignedLog(
        f"device {code}'s note of bundle {seq}", note.log_size, note.log_root, _Tree(hashes)
    )
    if len(hashes) != note.log_size:
        return (
            Check(
                name, False, f"HQ's copy has {len(hashes)} entries; the note signs {note.log_size}"
            ),
            None,
            note,
        )
    return (
        Check(
            name,
            True,
            f"note of bundle {seq} verified with the enrolled key of device {code}: log size "
            f"{note.log_size}",
        ),
        log,
        note,
    )


def _own_log(conn: Any, vault: Vault, label: str) -> tuple[Check, _SignedLog | None]:
    """This vault's newest signed checkpoint, verified with its own device key."""
    name = f"{label} signed checkpoint"
    row = conn.execute(
        "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return Check(name, False, "the vault has no signed checkpoint"), None
    size, root_hex, note = int(row[0]), str(row[1]), str(row[2])
    device = vault.device
    try:
        verifier = Verifier(
            name=device.device_id,
            key_id=key_id(device.device_id, device.public_key),
            public_key=device.public_key,
        )
        cp = parse_checkpoint(open_note(note, [verifier]).text)
    except (NoteError, CheckpointError) as exc:
        return Check(name, False, f"the checkpoint at size {size} does not verify: {exc}"), None
    if cp.origin != auditlog.origin(device.device_id):
        return Check(name, False, f"the checkpoint names another log ({cp.origin})"), None
    if cp.size != size or cp.root.hex() != root_hex:
        return Check(
            name, False, "the signed checkpoint differs from its stored size and root"
        ), None
    hashes = [
        bytes.fromhex(str(h))
        for (h,) in conn.execute(
            "SELECT leaf_hash FROM audit_leaves WHERE idx < ? ORDER BY idx", (size,)
        ).fetchall()
    ]
    if len(hashes) != size:
        return Check(name, False, f"the log has {len(hashes)} of the {size} signed entries"), None
    owner = "HQ's" if label == "HQ" else "this vault's"
    log = _SignedLog(f"{owner} checkpoint", size, cp.root, _Tree(hashes))
    return (
        Check(name, True, f"size {size}, signed by device {device.code} ({device.role} key)"),
        log,
    )


def _receipt_check(
    verifier: Verifier | None, device_id: str, seq: int, stored: _BundleRow, code: str
) -> Check:
    note, digest, state, receipt = stored.note, stored.note_hash, stored.state, stored.receipt
    name = f"HQ receipt for bundle {seq} of device {code}"
    if verifier is None:
        return Check(name, False, "this vault has no HQ receipt key to check it with")
    if not receipt:
        return Check(name, False, f"HQ holds no receipt for bundle {seq} (state {state})")
    try:
        opened = open_receipt(receipt, [verifier])
    except StatementError as exc:
        return Check(name, False, f"the receipt does not verify with HQ's receipt key: {exc}")
    if (opened.device, opened.seq) != (device_id, seq):
        return Check(name, False, f"the receipt is for device {opened.device} seq {opened.seq}")
    if opened.bundle != digest or note_hash(note) != digest:
        return Check(name, False, "the receipt names another bundle note than the one HQ holds")
    size, root = _note_log(note)
    if opened.log_size != size:
        return Check(
            name, False, f"the receipt acknowledges log size {opened.log_size}, the note {size}"
        )
    if base64.b64encode(opened.log_root).decode("ascii") != root:
        return Check(name, False, "the receipt acknowledges another log root than the note's")
    return Check(
        name,
        True,
        f"signed by {opened.hq} at {opened.time.strftime('%Y-%m-%dT%H:%M:%SZ')}; names bundle "
        f"note {digest[:16]}… and log size {opened.log_size}",
    )


def _import_check(
    log: _SignedLog | None,
    leaf: _Leaf,
    device_id: str,
    seq: int,
    stored: _BundleRow | None,
    what: str,
) -> Check:
    entry = _parse(leaf.entry)
    if (entry.get("device_id"), entry.get("seq")) != (device_id, seq):
        return Check(what, False, f"entry {leaf.index} names another bundle")
    if stored is not None:
        if entry.get("bundle") != stored.note_hash:
            return Check(what, False, f"entry {leaf.index} names another bundle note than HQ holds")
        if entry.get("inbox_sha256") != stored.file_sha256:
            return Check(what, False, f"entry {leaf.index} names another bundle file")
    if log is None:
        return Check(what, False, "no verified signed checkpoint to prove it against")
    return _inclusion(log, leaf.index, leaf.entry, leaf.leaf_hash, what)


def _redaction_check(row: _Row, loaded: _Loaded, log: _SignedLog | None, label: str) -> Check:
    """A redaction must be the logged one: an `identities_purged` event in the signed log names
    the version and the hash of its redacted body."""
    name = f"{label}: redaction of version {row.version}"
    redaction = loaded.redacted[row.seq]
    leaf = loaded.redaction_leaves.get(row.seq)
    if leaf is None:
        return Check(name, False, "no logged purge event names this redaction")
    named = _parse(leaf.entry).get("versions")
    items = [i for i in named if isinstance(i, dict)] if isinstance(named, list) else []
    if not any(i.get("seq") == row.seq and i.get("sha256") == redaction.sha256 for i in items):
        return Check(
            name, False, f"the purge event at entry {leaf.index} names another redacted hash"
        )
    if log is None:
        return Check(name, False, "no verified signed checkpoint to prove it against")
    return _inclusion(log, leaf.index, leaf.entry, leaf.leaf_hash, name)


def verify_record(vault: Vault, record_id: str, progress: Progress | None = None) -> VerifyResult:
    """Recompute every hash and signature a record's provenance rests on; one Check each.

    Nothing stored is taken as proof of itself: hashes are recomputed from the bytes, log
    entries are proved against roots that the device or HQ signed, and signatures are checked
    with the enrolled device key and HQ's own keys only. The run is logged in the audit log.
    """
    record_id = _check_id(record_id)

    def step(done: int) -> None:
        if progress is not None:
            progress(done, STEPS)

    step(0)
    hq = vault.device.role == "hq"
    label = "HQ log" if hq else "Vault log"
    receipt_verifier: Verifier | None = None
    if hq:
        try:
            receipt_verifier = load_hq_keys(vault).recipients.receipt_verifier()
        except (NoHqKeys, StatementError, NoteError):
            receipt_verifier = None
    checks: list[Check] = []
    with vault.reading() as conn:
        loaded = _load(conn, vault, record_id)
        rows = loaded.rows
        version_checks = [_version_check(row, loaded.redacted) for row in rows]
        step(1)
        device_logs: dict[str, _SignedLog | None] = {}
        for device_id in sorted(
            {r.device_id for r in rows if r.device_id != vault.device.device_id}
        ):
            if device_id not in loaded.devices:
                checks.append(
                    Check(
                        f"Device {device_id[:8]}",
                        False,
                        "the device that made it is not enrolled at this vault",
                    )
                )
                device_logs[device_id] = None
                continue
            key, code, _ = loaded.devices[device_id]
            check, log, _ = _device_log(conn, device_id, key, code)
            checks.append(check)
            device_logs[device_id] = log
        own_check, own_log = _own_log(conn, vault, label.removesuffix(" log"))
    step(2)
    blob_checks: list[Check] = []
    for sha in _evidence_shas(rows):
        size = next(
            (
                s
                for r in reversed(rows)
                if not r.deleted
                and _parse(r.body).get("sha256") == sha
                and isinstance(s := _parse(r.body).get("size"), int)
            ),
            None,
        )
        blob_checks.append(_evidence_check(vault, sha, size, loaded.purged, lambda: step(2)))
    checks = version_checks + blob_checks + checks
    step(3)
    for row in rows:
        if row.device_id == vault.device.device_id:
            continue
        name = f"Device log: version {row.version}"
        code = loaded.devices.get(row.device_id, (b"", row.device_id[:8], ""))[1]
        leaf = loaded.device_leaves.get(row.device_id, {}).get(row.version)
        if leaf is None:
            checks.append(
                Check(
                    name, False, f"HQ's copy of device {code}'s log has no entry for this version"
                )
            )
            continue
        if leaf.entry != auditlog.stored_version_entry(row):
            theirs = _parse(leaf.entry).get("sha256", "")
            checks.append(
                Check(
                    name,
                    False,
                    f"entry {leaf.index} names sha256 {str(theirs)[:16]}…"
                    f" and other metadata than the stored version "
                    f"({row.sha256[:16]}…)"
                    if theirs != row.sha256
                    else f"entry {leaf.index} differs from the stored version's metadata",
                )
            )
            continue
        log = device_logs.get(row.device_id)
        if log is None:
            checks.append(Check(name, False, "no verified device checkpoint to prove it against"))
            continue
        checks.append(_inclusion(log, leaf.index, leaf.entry, leaf.leaf_hash, name))
    step(4)
    checks.append(own_check)
    bundles_seen: list[tuple[str, int]] = []
    for row in rows:
        name = f"{label}: version {row.version}"
        leaf = loaded.vault_leaves.get(row.seq)
        if leaf is None:
            checks.append(Check(name, False, "this vault's log has no entry for this version"))
        elif leaf.entry != auditlog.stored_version_entry(row):
            checks.append(
                Check(
                    name,
                    False,
                    f"entry {leaf.index} does not match the stored "
                    "version (its sha256 or metadata differ)",
                )
            )
        elif own_log is None:
            checks.append(Check(name, False, "no verified signed checkpoint to prove it against"))
        else:
            checks.append(_inclusion(own_log, leaf.index, leaf.entry, leaf.leaf_hash, name))
        if row.seq in loaded.redacted:
            checks.append(_redaction_check(row, loaded, own_log, label))
        if row.device_id == vault.device.device_id:
            continue
        imported = loaded.import_leaves.get(row.seq)
        if imported is None:
            checks.append(
                Check(
                    f"{label}: import of version {row.version}",
                    False,
                    "no bundle_imported entry follows this version's entry",
                )
            )
            continue
        entry = _parse(imported.entry)
        seq = entry.get("seq")
        bundle_key = (row.device_id, seq if isinstance(seq, int) else -1)
        if bundle_key in bundles_seen:
            continue
        bundles_seen.append(bundle_key)
        code = loaded.devices.get(row.device_id, (b"", row.device_id[:8], ""))[1]
        stored = loaded.bundles.get(bundle_key)
        checks.append(
            _import_check(
                own_log,
                imported,
                row.device_id,
                bundle_key[1],
                stored,
                f"{label}: import of bundle {bundle_key[1]} of device {code}",
            )
        )
        if stored is None:
            checks.append(
                Check(
                    f"HQ receipt for bundle {bundle_key[1]} of device {code}",
                    False,
                    "HQ's bundle table has no row for this bundle",
                )
            )
        else:
            checks.append(
                _receipt_check(receipt_verifier, row.device_id, bundle_key[1], stored, code)
            )
    step(5)
    result = VerifyResult(
        record_id=record_id, kind=rows[0].kind, at=vault.now(), checks=tuple(checks)
    )
    with vault.writing():
        vault.log_event(
            {
                "type": "record_verified",
                "record_id": record_id,
                "kind": result.kind,
                "ok": result.ok,
                "checks": len(result.checks),
                "failed": [c.name for c in result.failures][:20],
            },
            result.at,
        )
    return result


# --- text reports (CLI and the GUI's "Copy report") -------------------------------------------
def provenance_text(p: Provenance) -> str:
    """A plain-text report of the provenance, for the terminal and the clipboard."""
    lines = [
        f"{p.kind} {p.record_id}",
        f"  device: {p.device_code} ({p.device_id}), analyst {p.analyst}",
        f"  capture time: {p.capture_time or 'unknown'}"
        + (f" ({p.capture_source})" if p.capture_source else ""),
    ]
    if p.kind == "evidence":
        lines.append(f"  ingest time: {p.ingest_time or 'unknown'}")
        size = "" if p.evidence_size is None else f", {p.evidence_size:,} bytes"
        lines.append(f"  original: {p.evidence_sha256}{size} ({p.original_name})")
    lines += [f"  note: {n}" for n in p.notes]
    lines.append("  versions:")
    for v in p.versions:
        how = f"bundle {v.bundle_seq}" if v.bundle_seq is not None else "made here"
        lines.append(
            f"    v{v.version} seq {v.seq} {v.at} by {v.author}"
            + (" (deleted)" if v.deleted else "")
            + (" (redacted)" if v.redacted else "")
            + f": {v.reason}"
        )
        lines.append(f"      sha256 {v.sha256}; {how}")
        if v.device_entry is not None:
            lines.append(
                f"      device log entry {v.device_entry.index} ({v.device_entry.leaf_hash[:16]}…)"
            )
        if v.vault_entry is not None:
            lines.append(
                f"      vault log entry {v.vault_entry.index} ({v.vault_entry.leaf_hash[:16]}…)"
            )
        if v.import_entry is not None:
            lines.append(f"      import logged at entry {v.import_entry.index}")
    for b in p.bundles:
        lines.append(
            f"  bundle {b.seq} ({b.state}) imported {b.imported_at}: file {b.file_sha256 or '-'}"
            f" {b.file_name}, note {b.note_hash}, device log size {b.log_size}"
        )
        if b.receipt is not None:
            lines.append(
                f"    receipt seq {b.receipt.seq} at {b.receipt.time} by {b.receipt.hq_key}: "
                f"{b.receipt.sha256}"
            )
    lines.append("  log entries:")
    for e in p.log_entries:
        where = "device" if e.log == "device" else "vault"
        lines.append(f"    {where} #{e.index} {e.at} {e.summary}")
    return "\n".join(lines)


def verify_text(result: VerifyResult) -> str:
    """One line per check, PASS or FAIL first, then the verdict."""
    lines = [f"verify {result.kind} {result.record_id} at {result.at}"]
    lines += [f"  {'PASS' if c.ok else 'FAIL'}  {c.name}: {c.detail}" for c in result.checks]
    failed = len(result.failures)
    lines.append(
        "all checks passed" if not failed else f"{failed} of {len(result.checks)} checks FAILED"
    )
    return "\n".join(lines)
