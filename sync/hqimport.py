"""HQ's import of field bundles: inbox, quarantine, every check, one transaction, receipts.

The order is BUNDLE.md "What HQ does", and each step exists for a threat in SECURITY.md:

1. The file is copied unchanged into `inbox/<sha256>.chmb` (write-once, read-only) and the
   copy is logged (hash, size, operator) in its own committed transaction before anything
   reads it: whatever happens next, HQ can show what it received and when.
2. A child process with resource limits decrypts it, reads the strict ustar stream and
   validates the bag into a fresh quarantine folder (`sync.quarantine`); any failure deletes
   the plaintext.
3. Here, in the parent: the signature.note is verified with the enrolled key of the device it
   names and no other key; `to` must name HQ's current primary recipient; the tag manifest
   hash must be the signed one; the payload is parsed with limits (`sync.payload`); the chain
   of sequence numbers is decided by `decide` (a pure function of the chain and the stored
   state); the device's audit log is checked against HQ's copy and the signed checkpoint;
   every record version is recomputed, found in that log, and validated by the domain rules.
4. Blobs go into HQ's evidence store (idempotent: named by content), then ONE transaction
   writes the versions with HQ's own audit leaves and projections, HQ's copy of the device
   log, the bundle rows, the device state, the inbox outcome and a `bundle_imported` event.
5. The receipt, signed by HQ's receipt key, is written as a `.chmr` file for the field.

A refusal at any step leaves the inbox copy and its row (status `rejected`, with the reason)
and changes nothing else; the one exception is equivocation (two different notes for one
seq), which freezes the device, because then its key signed two histories.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import errno
import hashlib
import itertools
import json
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldapp.domain.evidence import EvidenceItem, validate_evidence
from fieldapp.domain.model import Incident, Observation, from_dict
from fieldapp.domain.validation import validate_incident, validate_observation
from fieldapp.domain.witness import Statement, Witness, validate_statement, validate_witness
from fieldapp.errors import FieldIssue, IntegrityError, SyncError
from fieldapp.reflists import bundled_reflists
from fieldapp.store import auditlog, projection, records, tempfiles
from fieldapp.store.blobs import BlobStore
from fieldapp.store.checkpoint import CheckpointError, parse_checkpoint
from fieldapp.store.device import device_code
from fieldapp.store.merkle import Frontier, leaf_hash
from fieldapp.store.signednote import NoteError, Verifier, check_public_key, key_id, open_note
from fieldapp.store.vault import Vault
from sync import payload as bundle_payload
from sync import quarantine
from sync.enrollment import load_hq_keys
from sync.quarantine import Limits, QuarantineError
from sync.statements import (
    BundleNote,
    Receipt,
    StatementError,
    note_hash,
    open_bundle_note,
    open_device_certificate,
    recipient_fingerprint,
)

MAX_BUNDLE_SIZE = 16 * 1024**3  # A11: checked before a single byte is copied
RECEIPT_SUFFIX = ".chmr"
CLOCK_SKEW = timedelta(days=1)  # E11: versions dated further ahead than this are flagged
MAX_WARNINGS = 20  # a report lists the first few; a device with a wrong clock has many
_COPY_CHUNK = 1024 * 1024
INGEST_THREADS = 2  # originals stored at once (PERFORMANCE.md: two cores)
LEAF_BATCH = 1000  # HQ audit leaves written per batch: flat memory, one frontier write each
_DEVICE_LINE = re.compile(r"\ndevice ([0-9a-f]{32})\n")

Progress = Callable[[str], None]
Cancel = Callable[[], bool]


# --- errors ---------------------------------------------------------------------------------------
class ReceiveError(SyncError):
    """A bundle could not even be received (unreadable, too large, disk full); nothing changed."""


class BundleTooLarge(ReceiveError):
    """The file is over the size cap (SECURITY.md A11); it was not copied."""


class ImportCancelled(SyncError):
    """The operator cancelled; the inbox copy stays `received` and can be imported again."""


class Refused(SyncError):
    """The bundle was refused; the message is the reason recorded in the inbox."""

    def __init__(self, message: str, *, freeze: bool = False) -> None:
        super().__init__(message)
        self.freeze = freeze


# --- reports ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportReport:
    """The outcome of one file. `status`: imported, duplicate, held or rejected.

    `missing` is the inclusive range of seqs HQ still needs before a held bundle can go in.
    `retried` are held bundles of the same device that were imported (or covered) after it.
    """

    status: str
    file_name: str
    sha256: str
    size: int
    device_id: str = ""
    device_code: str = ""
    seq: int | None = None
    versions: int = 0
    skipped: int = 0
    log_entries: int = 0
    blobs: int = 0
    covered: tuple[int, ...] = ()
    missing: tuple[int, int] | None = None
    reason: str = ""
    receipt_path: Path | None = None
    warnings: tuple[str, ...] = ()
    retried: tuple[ImportReport, ...] = ()

    def summary(self) -> str:
        """One line a person can act on."""
        who = f"device {self.device_code} " if self.device_code else ""
        seq = f"seq {self.seq} " if self.seq is not None else ""
        if self.status == "imported":
            text = (
                f"{who}{seq}imported: {self.versions} new version(s), {self.skipped} already "
                f"held, {self.log_entries} log entries, {self.blobs} original(s)"
            )
            if self.covered:
                text += f"; also covers seq {_seqs(self.covered)}"
            return text
        if self.status == "duplicate":
            return f"{who}{seq}already imported: nothing changed; {self.reason}"
        if self.status == "held":
            return f"{who}{seq}held: {self.reason}"
        return f"{self.file_name}: refused: {self.reason}"


@dataclass(frozen=True)
class DeviceState:
    """One enrolled device as the devices view shows it."""

    device_id: str
    code: str
    analyst: str
    enrolled_at: str
    last_seq: int
    last_receipt_at: str | None
    held_seqs: tuple[int, ...]
    missing: tuple[int, int] | None
    trusted_up_to: int | None
    frozen_at: str | None
    frozen_reason: str

    @property
    def revoked(self) -> bool:
        return self.trusted_up_to is not None

    @property
    def frozen(self) -> bool:
        return self.frozen_at is not None


@dataclass(frozen=True)
class InboxRow:
    """One file HQ received, and what became of it."""

    sha256: str
    size: int
    file_name: str
    received_at: str
    operator: str
    status: str
    device_id: str | None
    seq: int | None
    report: str
    updated_at: str


@dataclass(frozen=True)
class VerifyReport:
    """What `verify_bundle` established about a bundle, for a third party without a vault."""

    device_id: str
    analyst: str
    code: str
    seq: int
    prev: str
    ack: int
    to: tuple[str, ...]
    note_hash: str
    log_size: int
    log_start: int
    log_checked: bool
    certificate_checked: bool
    versions: int
    evidence: int
    chain: tuple[int, ...]
    notes: tuple[str, ...] = ()


# --- the sequence decision (pure) -----------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """One signed bundle note of a chain: its seq, its own hash and the hash it follows."""

    seq: int
    hash: str
    prev: str


@dataclass(frozen=True)
class SeqState:
    """What HQ holds about a device's bundles (advanced only by a committed import)."""

    last_seq: int
    last_hash: str
    known: Mapping[int, str]  # seq -> note hash of every imported or covered bundle
    trusted_up_to: int | None = None
    frozen: bool = False


@dataclass(frozen=True)
class Decision:
    """`action`: import, duplicate, held, reject or equivocation (reject and freeze)."""

    action: str
    reason: str = ""
    missing: tuple[int, int] | None = None


def _seqs(values: Sequence[int]) -> str:
    if len(values) == 1:
        return str(values[0])
    return f"{values[0]}-{values[-1]}"


def decide(links: Sequence[Link], state: SeqState) -> Decision:
    """Apply BUNDLE.md's sequence table to a chain (earlier unacknowledged notes + this one).

    `links` must be contiguous and each `prev` the hash of the one before (checked when the
    notes are read). Every note at or below the last imported seq must be the very note HQ
    holds, otherwise the device signed two histories (equivocation). The first new note must
    follow the last imported one exactly; a chain starting further on is held, not imported.
    """
    if not links:
        raise ValueError("a chain has at least the bundle's own note")
    own = links[-1]
    if state.frozen:
        return Decision("reject", "the device is frozen (an earlier bundle equivocated)")
    if state.trusted_up_to is not None and own.seq > state.trusted_up_to:
        return Decision(
            "reject",
            f"the device is revoked: bundles are trusted up to seq {state.trusted_up_to}, "
            f"this one is seq {own.seq}",
        )
    last = state.last_seq
    for link in links:
        if link.seq > last:
            continue
        stored = state.known.get(link.seq)
        if stored is None:
            return Decision(
                "reject",
                f"seq {link.seq} is at or below the last imported seq {last} but HQ never saw "
                "it: rollback refused",
            )
        if stored != link.hash:
            return Decision(
                "equivocation",
                f"seq {link.seq} was already imported with another signed note: the device "
                "signed two different histories (equivocation); the device is frozen",
            )
    if own.seq <= last:
        return Decision("duplicate", f"seq {own.seq} was imported before")
    first = next(link for link in links if link.seq > last)
    if first.seq > last + 1:
        missing = (last + 1, first.seq - 1)
        return Decision(
            "held",
            f"seq {_seqs(list(missing)) if missing[0] != missing[1] else missing[0]} missing; "
            "held until it arrives",
            missing,
        )
    if first.prev != state.last_hash:
        return Decision(
            "reject",
            f"seq {first.seq} does not follow the last imported bundle (prev hash differs): "
            "chain break",
        )
    return Decision("import")


# --- step 1: the inbox --------------------------------------------------------------------------
def inbox_dir(vault: Vault) -> Path:
    """Where received files are kept as `<sha256>.chmb`: inside the vault folder, so erasing
    the vault removes them, and named by content, so one file is kept once."""
    return vault.path / "inbox"


_INBOX_TMP = ".*.tmp"
_RECEIPT_TMP = ".receipt-*.tmp"


def _copy_into_inbox(vault: Vault, source: Path, max_size: int) -> tuple[str, int, Path]:
    try:
        before = os.stat(source)
    except FileNotFoundError:
        raise ReceiveError(f"{source} does not exist") from None
    except OSError as exc:
        raise ReceiveError(f"{source} cannot be read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(before.st_mode):
        raise ReceiveError(f"{source} is not a regular file; bundles are .chmb files")
    if before.st_size > max_size:
        raise BundleTooLarge(
            f"{source.name} is {before.st_size:,} bytes; bundles over {max_size:,} bytes are "
            "refused and it was not copied"
        )
    folder = inbox_dir(vault)
    folder.mkdir(mode=0o700, exist_ok=True)
    # A copy a killed import left is a whole bundle: the next import removes it (`hold`).
    tempfiles.remove_dead(folder, _INBOX_TMP)
    tmp = folder / f".{secrets.token_hex(8)}.tmp"
    digest = hashlib.sha256()
    size = 0
    lock_fd: int | None = None
    try:
        with source.open("rb") as src, tmp.open("xb") as out:
            # Held on a descriptor of its own until the copy is linked and unlinked below.
            lock_fd = os.dup(out.fileno())
            tempfiles.hold(lock_fd)
            while chunk := src.read(_COPY_CHUNK):
                size += len(chunk)
                if size > max_size:  # the file grew while we copied it
                    raise BundleTooLarge(
                        f"{source.name} grew past {max_size:,} bytes while it was copied"
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o400)
        sha = digest.hexdigest()
        final = folder / f"{sha}.chmb"
        # Write-once: the first copy of these bytes stays; a later copy is the same bytes.
        with contextlib.suppress(FileExistsError):
            os.link(tmp, final)
        tmp.unlink()
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno == errno.ENOSPC:
            raise ReceiveError(
                f"the disk is full: {source.name} could not be copied into the inbox; nothing "
                "was recorded"
            ) from None
        raise ReceiveError(
            f"{source.name} could not be copied into the inbox: {exc.strerror or exc}"
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        if lock_fd is not None:
            os.close(lock_fd)
    return sha, size, final


def _receive(vault: Vault, source: Path, max_size: int) -> tuple[str, int, Path]:
    sha, size, final = _copy_into_inbox(vault, source, max_size)
    now = vault.now()
    with vault.writing() as conn:
        conn.execute(
            "INSERT INTO inbox (sha256, size, file_name, received_at, operator, status, "
            "updated_at) VALUES (?, ?, ?, ?, ?, 'received', ?) ON CONFLICT (sha256) DO NOTHING",
            (sha, size, source.name[:200], now, vault.user, now),
        )
        vault.log_event(
            {
                "type": "bundle_received",
                "sha256": sha,
                "size": size,
                "file_name": source.name[:200],
                "operator": vault.user,
            },
            now,
        )
    return sha, size, final


def _set_inbox(
    vault: Vault,
    sha: str,
    status: str,
    report: str,
    device_id: str | None = None,
    seq: int | None = None,
    conn: Any = None,
) -> None:
    """Record an outcome; an `imported` row stays imported (a re-import is a duplicate)."""
    sql = (
        "UPDATE inbox SET status = ?, report = ?, device_id = coalesce(?, device_id), "
        "seq = coalesce(?, seq), updated_at = ? WHERE sha256 = ? AND status != 'imported'"
    )
    args = (status, report[:2000], device_id, seq, vault.now(), sha)
    if conn is not None:
        conn.execute(sql, args)
        return
    with vault.writing() as own:
        own.execute(sql, args)


# --- step 3: reading the bundle -----------------------------------------------------------------
@dataclass
class _Device:
    device_id: str
    code: str
    public_key: bytes
    state: SeqState
    frontier: Frontier
    log_size: int

    @property
    def verifier(self) -> Verifier:
        return Verifier(
            name=self.device_id,
            key_id=key_id(self.device_id, self.public_key),
            public_key=self.public_key,
        )


def _claimed_device(note_text: str) -> str:
    """The device a note names, read before verification only to pick the key to verify with."""
    body = note_text.split("\n\n", 1)[0] + "\n"
    match = _DEVICE_LINE.search(body)
    if match is None:
        raise Refused("signature.note names no device (malformed note)")
    return match.group(1)


def _load_device(conn: Any, device_id: str) -> _Device:
    row = conn.execute(
        "SELECT public_key, code, trusted_up_to, frozen_at, last_seq, last_hash, log_frontier "
        "FROM devices WHERE device_id = ?",
        (device_id,),
    ).fetchone()
    if row is None:
        raise Refused(f"device {device_id} is not enrolled at this HQ")
    public_key, code, trusted, frozen_at, last_seq, last_hash, frontier_json = row
    known = {
        int(s): str(h)
        for s, h in conn.execute(
            "SELECT seq, note_hash FROM device_bundles WHERE device_id = ?", (device_id,)
        ).fetchall()
    }
    frontier = Frontier.from_json(frontier_json) if frontier_json else Frontier()
    (log_size,) = conn.execute(
        "SELECT count(*) FROM device_log WHERE device_id = ?", (device_id,)
    ).fetchone()
    if int(log_size) != frontier.size:
        raise IntegrityError(
            f"HQ's copy of the log of device {code} has {log_size} entries but its frontier "
            f"says {frontier.size}; run 'log verify'"
        )
    return _Device(
        device_id=device_id,
        code=str(code),
        public_key=bytes(public_key),
        state=SeqState(
            last_seq=int(last_seq),
            last_hash=str(last_hash),
            known=known,
            trusted_up_to=None if trusted is None else int(trusted),
            frozen=frozen_at is not None,
        ),
        frontier=frontier,
        log_size=int(log_size),
    )


def _open_note(text: str, device: _Device, what: str) -> BundleNote:
    try:
        note = open_bundle_note(text, [device.verifier])
    except StatementError as exc:
        raise Refused(f"{what}: {exc}") from None
    if note.device != device.device_id or note.origin != auditlog.origin(device.device_id):
        raise Refused(f"{what} is for another device or log ({note.origin}, {note.device})")
    return note


def _chain(
    notes: Sequence[tuple[int, str]], own: BundleNote, own_text: str, device: _Device
) -> list[tuple[Link, BundleNote, str]]:
    chain: list[tuple[Link, BundleNote, str]] = []
    for seq, text in notes:
        note = _open_note(text, device, f"data/chain/{seq}.note")
        if note.seq != seq:
            raise Refused(f"data/chain/{seq}.note is the note of seq {note.seq}")
        chain.append((Link(note.seq, note_hash(text), note.prev), note, text))
    chain.append((Link(own.seq, note_hash(own_text), own.prev), own, own_text))
    for before, after in itertools.pairwise(chain):
        if after[0].seq != before[0].seq + 1:
            raise Refused(
                f"the chain of earlier notes jumps from seq {before[0].seq} to {after[0].seq}"
            )
        if after[0].prev != before[0].hash:
            raise Refused(f"seq {after[0].seq} does not follow seq {before[0].seq} (prev differs)")
    return chain


@dataclass
class _Checked:
    """Everything verified about an importable bundle, ready for the one transaction."""

    payload: bundle_payload.Payload
    finals: dict[str, int]  # record id -> its newest version in the bundle
    new_versions: int
    skipped: int
    new_log: int
    frontier: Frontier
    log_size: int
    log_root: bytes
    blobs: dict[str, Path]
    warnings: list[str]
    held: dict[str, int]  # record id -> the version HQ held when checked (absent: new record)


def _model(kind: str) -> Any:
    return {
        "incident": Incident,
        "observation": Observation,
        "witness": Witness,
        "statement": Statement,
        "evidence": EvidenceItem,
    }[kind]


def _line_sha256(line: bundle_payload.RecordLine) -> str:
    """The version hash of a parsed line (`records.version_sha256`, from the body's bytes)."""
    return records.stored_version_sha256(
        record_id=line.record_id,
        kind=line.kind,
        version=line.version,
        author=line.author,
        device_id=line.device,
        at=line.at,
        reason=line.reason,
        deleted=line.deleted,
        body_bytes=line.body_bytes,
    )


def _version_leaf(line: bundle_payload.RecordLine, device_id: str) -> bytes:
    """The leaf hash the device's log must hold for this version line.

    Checked first: the line names the bundle's device and its sha256 is that of its content
    (E8 and the log check both rest on that hash).
    """
    label = f"{line.kind} {line.record_id} version {line.version}"
    if line.device != device_id:
        raise Refused(f"{label} names device {line.device}, not the bundle's device")
    if _line_sha256(line) != line.sha256:
        raise Refused(f"{label}: its sha256 does not match its content")
    return leaf_hash(_line_entry(line))


def _line_entry(line: bundle_payload.RecordLine) -> bytes:
    """The canonical audit-log entry of a version line (the device's leaf and HQ's own)."""
    return auditlog.version_entry_bytes(
        kind=line.kind,
        record_id=line.record_id,
        version=line.version,
        sha256=line.sha256,
        at=line.at,
        author=line.author,
        device=line.device,
    )


def _validate_body(line: bundle_payload.RecordLine) -> Any:
    """E10: the body must be the model's shape and pass the same rules as a local save."""
    label = f"{line.kind} {line.record_id} version {line.version}"
    try:
        record = from_dict(_model(line.kind), line.body)
    except ValueError as exc:
        raise Refused(f"{label}: {exc}") from None
    issues: list[FieldIssue]
    if isinstance(record, Incident):
        issues = validate_incident(record, bundled_reflists())
    elif isinstance(record, Observation):
        issues = validate_observation(record)
    elif isinstance(record, Witness):
        issues = validate_witness(record)
    elif isinstance(record, Statement):
        issues = validate_statement(record)
    else:
        issues = validate_evidence(record)
    if issues:
        raise Refused(f"{label}: {issues[0]}")
    if getattr(record, "id", line.record_id) != line.record_id:
        raise Refused(f"{label}: the body's id is {record.id}, not the record's id")
    return record


def _check_log(
    conn: Any, device: _Device, pl: bundle_payload.Payload, note: BundleNote
) -> tuple[int, Frontier, bytes, set[bytes]]:
    """D7/D8: the bundle's log must extend HQ's copy and hash to the signed checkpoint.

    Returns the number of new leaves, the new frontier, the root, and the leaf hashes of
    every version entry in the bundle (to find each record version in the signed log).
    """
    try:
        opened = open_note(pl.checkpoint, [device.verifier])
        cp = parse_checkpoint(opened.text)
    except (NoteError, CheckpointError) as exc:
        raise Refused(f"data/checkpoint.note does not verify with the device key: {exc}") from None
    if cp.origin != auditlog.origin(device.device_id):
        raise Refused(f"data/checkpoint.note is for another log ({cp.origin})")
    if cp.size != note.log_size or cp.root != note.log_root:
        raise Refused("data/checkpoint.note does not match the 'log' line of signature.note")
    if cp.size < device.log_size:
        raise Refused(
            f"the checkpoint (size {cp.size}) is smaller than HQ's copy of the device log "
            f"(size {device.log_size}): the log was rolled back"
        )
    frontier = device.frontier.copy()
    version_leaves: set[bytes] = set()
    start: int | None = None
    count = 0
    new = 0
    stored: dict[int, str] = {}
    for line in pl.log():
        if start is None:
            start = line.idx
            if start > device.log_size:
                raise Refused(
                    f"log entries {device.log_size}-{start - 1} are missing: the bundle's log "
                    f"starts at {start}, HQ holds {device.log_size}"
                )
            stored = {
                int(i): str(h)
                for i, h in conn.execute(
                    "SELECT idx, leaf_hash FROM device_log WHERE device_id = ? AND idx >= ?",
                    (device.device_id, start),
                ).fetchall()
            }
        count += 1
        digest = leaf_hash(line.data)
        if line.entry.get("type") == "version":
            version_leaves.add(digest)
        if line.idx < device.log_size:
            if stored.get(line.idx) != digest.hex():
                raise Refused(
                    f"log entry {line.idx} differs from HQ's copy of the device log: "
                    "history was rewritten"
                )
            continue
        frontier.append(digest)
        new += 1
    first = cp.size if start is None else start
    if first > device.log_size:
        raise Refused(f"log entries {device.log_size}-{first - 1} are missing from the bundle")
    if first + count != cp.size:
        raise Refused(
            f"the log entries end at {first + count} but the checkpoint says size {cp.size}"
        )
    if frontier.size != cp.size or frontier.root() != cp.root:
        raise Refused("the log entries do not hash to the root of the signed checkpoint")
    return new, frontier, cp.root, version_leaves


_HELD_BATCH = 500


def _with_held_versions(
    conn: Any,
    lines: Iterator[bundle_payload.RecordLine],
    held_top: dict[str, tuple[int, str]],
) -> Iterator[bundle_payload.RecordLine]:
    """`lines`, passed on in batches after one query each fills `held_top` with HQ's newest
    version and kind of every record of the batch HQ already holds (a query per version was
    100k round trips into SQLCipher for a 100k-version bundle). Records HQ lacks stay absent."""
    while batch := list(itertools.islice(lines, _HELD_BATCH)):
        unknown = sorted({line.record_id for line in batch} - held_top.keys())
        if unknown:
            for record_id, top, kind in conn.execute(
                "SELECT v.record_id, v.version, v.kind FROM versions v JOIN ("
                "SELECT record_id, max(version) AS top FROM versions "
                "WHERE record_id IN (SELECT value FROM json_each(?)) GROUP BY record_id) m "
                "ON v.record_id = m.record_id AND v.version = m.top",
                (json.dumps(unknown),),
            ):
                held_top[str(record_id)] = (int(top), str(kind))
        yield from batch


def _check_records(
    conn: Any,
    vault: Vault,
    device: _Device,
    pl: bundle_payload.Payload,
    leaves: set[bytes],
) -> tuple[int, int, dict[str, Path], list[str], dict[str, int], dict[str, int]]:
    """E8-E11 for every version, streamed: returns (new, skipped, blobs needed, warnings,
    the newest version of each record, the version HQ held of each record it knew).

    Only small facts are kept per record (its latest version and kind, HQ's version), so a
    bundle of 100,000 versions is checked in flat memory, with one query per record for what
    HQ holds and one per version only where HQ holds that version already.
    """
    store = vault.blob_store()
    latest: dict[str, tuple[int, str]] = {}
    held_top: dict[str, tuple[int, str]] = {}
    new = 0
    skipped = 0
    needed: set[str] = set()
    resent: set[str] = set()
    warnings: list[str] = []
    horizon = datetime.fromisoformat(vault.now().replace("Z", "+00:00")) + CLOCK_SKEW
    for line in _with_held_versions(conn, pl.records(), held_top):
        label = f"{line.kind} {line.record_id} version {line.version}"
        sha = line.sha256
        digest = _version_leaf(line, device.device_id)
        if digest not in leaves and (
            conn.execute(
                "SELECT 1 FROM device_log WHERE device_id = ? AND leaf_hash = ?",
                (device.device_id, digest.hex()),
            ).fetchone()
            is None
        ):
            raise Refused(f"{label} is not in the device's signed audit log")
        top, held_kind = held_top.setdefault(line.record_id, (0, line.kind))
        # Versions are never removed, so HQ holds this one exactly when it is <= HQ's newest.
        held = (
            conn.execute(
                "SELECT sha256 FROM versions WHERE record_id = ? AND version = ?",
                (line.record_id, line.version),
            ).fetchone()
            if line.version <= top
            else None
        )
        if held is not None:
            if str(held[0]) != sha:
                raise Refused(
                    f"{label} is already at HQ with other content: a record cannot be "
                    "rewritten, only given a new version"
                )
            skipped += 1
            if line.kind == "evidence" and not line.deleted:
                # A cumulative bundle sent again before its receipt arrived carries the
                # originals of versions HQ already has: named by a record, so not "extra".
                resent.add(str(line.body.get("sha256", "")))
            continue
        current = latest.get(line.record_id, (top, held_kind))
        if current[1] != line.kind:
            raise Refused(f"{label}: HQ holds {line.record_id} as a {current[1]}")
        if line.version != current[0] + 1:
            raise Refused(
                f"{label} is not the next version (HQ holds version {current[0]}); "
                "versions cannot be skipped"
            )
        latest[line.record_id] = (line.version, line.kind)
        if not line.deleted:
            record = _validate_body(line)
            if isinstance(record, EvidenceItem):
                needed.add(record.sha256)
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(line.at.replace("Z", "+00:00"))
            if moment.tzinfo is not None and moment > horizon and len(warnings) < MAX_WARNINGS:
                warnings.append(f"{label} is dated {line.at}: the device clock may be wrong")
        new += 1
    for sha in sorted(needed):
        if sha not in pl.evidence and not store.exists(sha):
            raise Refused(
                f"evidence original {sha} is referenced but is neither in the bundle nor at HQ"
            )
    extra = sorted(set(pl.evidence) - needed - resent)
    if extra:
        raise Refused(f"data/evidence/{extra[0]} is not referenced by any record in the bundle")
    blobs = {sha: path for sha, path in pl.evidence.items() if sha in needed}
    finals = {r: v for r, (v, _) in latest.items()}
    held = {r: v for r, (v, _) in held_top.items() if v > 0}
    return new, skipped, blobs, warnings, finals, held


# --- the import ---------------------------------------------------------------------------------
def _receipts_folder(vault: Vault, receipts_dir: Path | None) -> Path:
    folder = Path(receipts_dir) if receipts_dir is not None else vault.path / "outbox"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _write_receipt(folder: Path, receipt: str) -> Path:
    """Write a receipt atomically under a random name (nothing identifying outside it)."""
    final = folder / f"{secrets.token_hex(16)}{RECEIPT_SUFFIX}"
    tempfiles.remove_dead(folder, _RECEIPT_TMP)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".receipt-", suffix=".tmp")
    lock_fd = os.dup(fd)  # held until the rename, so no other import takes it for dead
    tempfiles.hold(lock_fd)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(receipt)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        os.close(lock_fd)
    return final


def _time(vault: Vault) -> datetime:
    return datetime.fromisoformat(vault.now().replace("Z", "+00:00")).astimezone(UTC)


def _step(progress: Progress | None, cancel: Cancel | None, stage: str) -> None:
    if cancel is not None and cancel():
        raise ImportCancelled("the import was cancelled; the bundle stays in the inbox")
    if progress is not None:
        progress(stage)


def _process(
    vault: Vault,
    sha: str,
    size: int,
    inbox_file: Path,
    file_name: str,
    receipts_dir: Path | None,
    progress: Progress | None,
    cancel: Cancel | None,
    limits: Limits | None,
) -> ImportReport:
    """Steps 2-6 for a file already in the inbox; a refusal becomes a `rejected` report."""
    device: _Device | None = None
    seq: int | None = None
    try:
        hq = load_hq_keys(vault)
        _step(progress, cancel, "decrypting")
        try:
            opened = quarantine.open_bundle(
                inbox_file,
                [str(identity) for identity in hq.identities],
                vault.path / "quarantine",
                limits,
            )
        except QuarantineError as exc:
            if exc.stage == "disk":
                # HQ's own disk failed, not the bundle: it stays `received`, to import again.
                raise
            raise Refused(str(exc)) from None
        try:
            _step(progress, cancel, "checking")
            note_path = opened.folder / "signature.note"
            if not note_path.is_file():
                raise Refused("the bundle has no signature.note")
            note_text = bundle_payload.read_note(note_path, "signature.note")
            device_id = _claimed_device(note_text)
            with vault.reading() as conn:
                device = _load_device(conn, device_id)
            note = _open_note(note_text, device, "signature.note")
            seq = note.seq
            primary = recipient_fingerprint(hq.recipients.primary)
            if primary not in note.to:
                raise Refused(
                    "the bundle is not addressed to this HQ: its 'to' line does not name HQ's "
                    f"current key {primary}"
                )
            if note.tagmanifest_sha256 != opened.tagmanifest_sha256:
                raise Refused(
                    "the tag manifest is not the one signature.note signs: the bag was changed "
                    "after signing"
                )
            pl = bundle_payload.read_payload(
                opened.folder,
                list(opened.payload),
                {name: digest for name, (_, digest) in opened.payload.items()},
            )
            chain = _chain(pl.chain, note, note_text, device)
            decision = decide([link for link, _, _ in chain], device.state)
            if decision.action == "equivocation":
                raise Refused(decision.reason, freeze=True)
            if decision.action == "reject":
                raise Refused(decision.reason)
            report = ImportReport(
                status=decision.action,
                file_name=file_name,
                sha256=sha,
                size=size,
                device_id=device.device_id,
                device_code=device.code,
                seq=note.seq,
                missing=decision.missing,
                reason=decision.reason,
            )
            if decision.action == "held":
                _set_inbox(vault, sha, "held", report.summary(), device.device_id, note.seq)
                return report
            if decision.action == "duplicate":
                return _duplicate(vault, report, receipts_dir)
            with vault.reading() as conn:
                new_log, frontier, root, leaves = _check_log(conn, device, pl, note)
                versions, skipped, blobs, warnings, finals, held = _check_records(
                    conn, vault, device, pl, leaves
                )
            _step(progress, cancel, "storing originals")
            _store_originals(vault.blob_store(), blobs)
            _step(progress, cancel, "importing")
            checked = _Checked(
                pl,
                finals,
                versions,
                skipped,
                new_log,
                frontier,
                note.log_size,
                root,
                blobs,
                warnings,
                held,
            )
            return _commit(vault, hq, device, chain, checked, report, receipts_dir)
        finally:
            quarantine.remove_folder(opened.folder)
    except (Refused, bundle_payload.PayloadError, StatementError) as exc:
        reason = str(exc)
        if isinstance(exc, Refused) and exc.freeze and device is not None:
            _freeze(vault, device, reason)
        _set_inbox(vault, sha, "rejected", reason, device.device_id if device else None, seq)
        return ImportReport(
            status="rejected",
            file_name=file_name,
            sha256=sha,
            size=size,
            device_id=device.device_id if device else "",
            device_code=device.code if device else "",
            seq=seq,
            reason=reason,
        )


def _store_originals(store: BlobStore, blobs: Mapping[str, Path]) -> None:
    """Originals from quarantine into HQ's evidence store, two at a time.

    Each is read, hashed, sealed, written, synced and read back to verify (`BlobStore.ingest`);
    hashing, the cipher and file I/O all release the GIL, so the second core halves the time a
    bundle of large originals spends here. Idempotent: what HQ holds already is skipped.
    """

    def put(item: tuple[str, Path]) -> None:
        blob_sha, path = item
        if store.ingest(path).sha256 != blob_sha:  # the bag check makes this impossible
            raise Refused(f"data/evidence/{blob_sha} does not match its name")

    missing = [(sha, path) for sha, path in blobs.items() if not store.exists(sha)]
    with ThreadPoolExecutor(max_workers=INGEST_THREADS, thread_name_prefix="hq-ingest") as pool:
        for _ in pool.map(put, missing):
            pass


def _freeze(vault: Vault, device: _Device, reason: str) -> None:
    with vault.writing() as conn:
        conn.execute(
            "UPDATE devices SET frozen_at = ?, frozen_reason = ? WHERE device_id = ? "
            "AND frozen_at IS NULL",
            (vault.now(), reason[:2000], device.device_id),
        )
        vault.log_event(
            {"type": "device_frozen", "device_id": device.device_id, "reason": reason[:2000]}
        )


def _duplicate(vault: Vault, report: ImportReport, receipts_dir: Path | None) -> ImportReport:
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT receipt, state FROM device_bundles WHERE device_id = ? AND seq = ?",
            (report.device_id, report.seq),
        ).fetchone()
    receipt_path = None
    reason = f"seq {report.seq} was imported before"
    if row is not None and row[0]:
        receipt_path = _write_receipt(_receipts_folder(vault, receipts_dir), str(row[0]))
        reason += "; its receipt was written again"
    else:
        reason += " (as part of a later bundle, whose receipt acknowledges it)"
    _set_inbox(vault, report.sha256, "duplicate", reason, report.device_id, report.seq)
    return ImportReport(
        status="duplicate",
        file_name=report.file_name,
        sha256=report.sha256,
        size=report.size,
        device_id=report.device_id,
        device_code=report.device_code,
        seq=report.seq,
        reason=reason,
        receipt_path=receipt_path,
    )


def _commit(
    vault: Vault,
    hq: Any,
    device: _Device,
    chain: Sequence[tuple[Link, BundleNote, str]],
    checked: _Checked,
    report: ImportReport,
    receipts_dir: Path | None,
) -> ImportReport:
    own_link, own_note, own_text = chain[-1]
    last = device.state.last_seq
    covered = [(link, text) for link, _, text in chain[:-1] if link.seq > last]
    now = vault.now()
    with vault.writing() as conn:
        # Another import of this device may have committed since the checks: start again.
        row = conn.execute(
            "SELECT last_seq, last_hash, frozen_at FROM devices WHERE device_id = ?",
            (device.device_id,),
        ).fetchone()
        if (int(row[0]), str(row[1]), row[2]) != (last, device.state.last_hash, None):
            raise Refused("the device's state changed during the import; import the file again")
        added = 0
        # HQ's own leaves, one per new version, appended in batches (in version order).
        leaves: list[tuple[bytes, str, str, int | None]] = []
        for line in checked.payload.records(trusted=True):
            # Only versions new to HQ are appended; the checks found which. Nothing else can
            # have added versions of these records since: the device state is unchanged (above)
            # and records of a device are never changed elsewhere (ForeignRecord).
            if line.version <= checked.held.get(line.record_id, 0):
                continue
            added += 1
            body_bytes = line.body_bytes
            version_seq, sha = records.append_version(
                conn,
                record_id=line.record_id,
                kind=line.kind,
                version=line.version,
                author=line.author,
                device_id=line.device,
                at=line.at,
                reason=line.reason,
                deleted=line.deleted,
                body=line.body,
                body_bytes=body_bytes,
            )
            if sha != line.sha256:  # recomputed in the checks; a mismatch is our own bug
                raise IntegrityError(f"version hash of {line.record_id} changed while storing")
            leaves.append((_line_entry(line), line.at, "version", version_seq))
            if len(leaves) >= LEAF_BATCH:
                auditlog.append_many(conn, leaves)
                leaves.clear()
            if checked.finals.get(line.record_id) == line.version:
                # The record's newest version: its current-state rows, from the body in hand.
                projection.apply(
                    conn,
                    line.kind,
                    line.record_id,
                    line.version,
                    line.deleted,
                    line.body,
                    line.at,
                    body_bytes,
                )
        auditlog.append_many(conn, leaves)
        if added != checked.new_versions:
            raise Refused("the records changed between the checks and the import; refused")
        conn.executemany(
            "INSERT INTO device_log (device_id, idx, leaf_hash, entry) VALUES (?, ?, ?, ?)",
            (
                (device.device_id, line.idx, leaf_hash(line.data).hex(), line.data)
                for line in checked.payload.log(trusted=True)
                if line.idx >= device.log_size
            ),
        )
        receipt = Receipt(
            origin=hq.origin,
            hq=hq.receipt_name,
            device=device.device_id,
            seq=own_note.seq,
            bundle=own_link.hash,
            log_size=checked.log_size,
            log_root=checked.log_root,
            time=_time(vault),
        ).sign(hq.receipt)
        conn.executemany(
            "INSERT INTO device_bundles (device_id, seq, note_hash, note, state, at) "
            "VALUES (?, ?, ?, ?, 'covered', ?)",
            [(device.device_id, link.seq, link.hash, text, now) for link, text in covered],
        )
        conn.execute(
            "INSERT INTO device_bundles (device_id, seq, note_hash, note, state, inbox_sha256, "
            "receipt, at) VALUES (?, ?, ?, ?, 'imported', ?, ?, ?)",
            (device.device_id, own_note.seq, own_link.hash, own_text, report.sha256, receipt, now),
        )
        conn.execute(
            "UPDATE devices SET last_seq = ?, last_hash = ?, log_frontier = ?, "
            "last_receipt_at = ? WHERE device_id = ?",
            (own_note.seq, own_link.hash, checked.frontier.to_json(), now, device.device_id),
        )
        result = ImportReport(
            status="imported",
            file_name=report.file_name,
            sha256=report.sha256,
            size=report.size,
            device_id=device.device_id,
            device_code=device.code,
            seq=own_note.seq,
            versions=checked.new_versions,
            skipped=checked.skipped,
            log_entries=checked.new_log,
            blobs=len(checked.blobs),
            covered=tuple(link.seq for link, _ in covered),
            warnings=tuple(checked.warnings),
        )
        _set_inbox(
            vault,
            report.sha256,
            "imported",
            result.summary(),
            device.device_id,
            own_note.seq,
            conn=conn,
        )
        vault.log_event(
            {
                "type": "bundle_imported",
                "device_id": device.device_id,
                "seq": own_note.seq,
                "bundle": own_link.hash,
                "inbox_sha256": report.sha256,
                "versions": checked.new_versions,
                "log_size": checked.log_size,
            },
            now,
        )
    path = _write_receipt(_receipts_folder(vault, receipts_dir), receipt)
    return replace(result, receipt_path=path)


def _retry_held(
    vault: Vault,
    device_id: str,
    receipts_dir: Path | None,
    limits: Limits | None,
) -> tuple[ImportReport, ...]:
    """Held bundles of this device, oldest seq first, until none goes in any more."""
    done: list[ImportReport] = []
    tried: set[str] = set()
    while True:
        with vault.reading() as conn:
            rows = conn.execute(
                "SELECT sha256, size, file_name FROM inbox WHERE device_id = ? AND "
                "status = 'held' ORDER BY seq",
                (device_id,),
            ).fetchall()
        pending = [r for r in rows if r[0] not in tried]
        if not pending:
            return tuple(done)
        sha, size, name = pending[0]
        tried.add(sha)
        path = inbox_dir(vault) / f"{sha}.chmb"
        outcome = _process(vault, sha, int(size), path, name, receipts_dir, None, None, limits)
        if outcome.status != "held":
            done.append(outcome)


def import_bundle(
    vault: Vault,
    path: Path,
    *,
    receipts_dir: Path | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    limits: Limits | None = None,
    max_size: int = MAX_BUNDLE_SIZE,
) -> ImportReport:
    """Import one bundle file (all or nothing) and return what happened to it.

    A refusal is a report with status `rejected` and its reason, not an exception, because
    the file was received (and kept in the inbox) even though its content was refused. Only
    a file that cannot be received at all (missing, over the size cap, disk full) raises, and
    so does a failure of HQ's own disk while decrypting (`QuarantineError` with stage "disk"),
    which leaves the file `received` so that it can be imported again.
    After a successful import, bundles of the same device held for a gap are retried.
    """
    vault.forbid_review("import bundles")
    path = Path(path)
    load_hq_keys(vault)  # not an HQ vault: refuse before anything is copied or logged
    quarantine.remove_stale(vault.path / "quarantine")
    _step(progress, cancel, "copying into the inbox")
    sha, size, inbox_file = _receive(vault, path, max_size)
    report = _process(
        vault, sha, size, inbox_file, path.name, receipts_dir, progress, cancel, limits
    )
    if report.status == "imported":
        retried = _retry_held(vault, report.device_id, receipts_dir, limits)
        if retried:
            report = replace(report, retried=retried)
    return report


# --- views --------------------------------------------------------------------------------------
def devices(vault: Vault) -> list[DeviceState]:
    """Every enrolled device with its sequence state, held bundles and the gap before them."""
    load_hq_keys(vault)  # a field vault has no devices to show: say so instead of "none"
    with vault.reading() as conn:
        rows = conn.execute(
            "SELECT device_id, code, analyst, enrolled_at, last_seq, last_receipt_at, "
            "trusted_up_to, frozen_at, frozen_reason FROM devices ORDER BY code"
        ).fetchall()
        held = {}
        for row in rows:
            held[row[0]] = tuple(
                int(s)
                for (s,) in conn.execute(
                    "SELECT DISTINCT seq FROM inbox WHERE device_id = ? AND status = 'held' "
                    "ORDER BY seq",
                    (row[0],),
                ).fetchall()
            )
    result = []
    for device_id, code, analyst, enrolled, last_seq, receipt_at, trusted, frozen, why in rows:
        seqs = held[device_id]
        missing = (int(last_seq) + 1, seqs[0] - 1) if seqs and seqs[0] > last_seq + 1 else None
        result.append(
            DeviceState(
                device_id=device_id,
                code=code,
                analyst=analyst,
                enrolled_at=enrolled,
                last_seq=int(last_seq),
                last_receipt_at=receipt_at,
                held_seqs=seqs,
                missing=missing,
                trusted_up_to=None if trusted is None else int(trusted),
                frozen_at=frozen,
                frozen_reason=why,
            )
        )
    return result


def inbox(vault: Vault) -> list[InboxRow]:
    """Every file received, newest first."""
    load_hq_keys(vault)
    with vault.reading() as conn:
        rows = conn.execute(
            "SELECT sha256, size, file_name, received_at, operator, status, device_id, seq, "
            "report, updated_at FROM inbox ORDER BY received_at DESC, sha256"
        ).fetchall()
    return [
        InboxRow(
            sha256=r[0],
            size=int(r[1]),
            file_name=r[2],
            received_at=r[3],
            operator=r[4],
            status=r[5],
            device_id=r[6],
            seq=None if r[7] is None else int(r[7]),
            report=r[8],
            updated_at=r[9],
        )
        for r in rows
    ]


# --- verification by a third party ------------------------------------------------------------
class BundleInvalid(SyncError):
    """`verify_bundle` found the bundle wrong; the message says which check failed."""


@dataclass(frozen=True)
class _CertFacts:
    device: str
    public_key: bytes
    analyst: str
    code: str


def _certificate_facts(text: str, root: Verifier | None) -> _CertFacts:
    """The device, key and analyst a certificate names; verified by `root` when given.

    Without a root key the certificate's own lines are read unverified (the report says so):
    a third party may hold the certificate but not HQ's key. The key is still checked to be
    a valid Ed25519 key, and the device code derived from it.
    """
    if root is not None:
        try:
            cert = open_device_certificate(text, [root])
        except StatementError as exc:
            raise BundleInvalid(f"the device certificate: {exc}") from None
        return _CertFacts(cert.device, cert.public_key, cert.analyst, cert.code)
    body = text.split("\n\n", 1)[0]
    values: dict[str, str] = {}
    for line in body.split("\n")[1:]:
        key, _, value = line.partition(" ")
        values.setdefault(key, value)
    device = values.get("device", "")
    if not re.fullmatch(r"[0-9a-f]{32}", device) or "key" not in values:
        raise BundleInvalid("the device certificate has no valid 'device' and 'key' lines")
    try:
        public_key = base64.b64decode(values["key"], validate=True)
        check_public_key(public_key)
    except (binascii.Error, ValueError, NoteError) as exc:
        raise BundleInvalid(f"the device certificate's key is not valid: {exc}") from None
    return _CertFacts(device, public_key, values.get("analyst", ""), device_code(public_key))


def verify_bundle(
    path: Path,
    identities: Sequence[str],
    certificate_text: str,
    root: Verifier | None = None,
    *,
    limits: Limits | None = None,
) -> VerifyReport:
    """Check a bundle without any vault: decrypt, strict tar and bag, the note against the
    device certificate (and that against HQ's root key when given), every record's hash, and
    the log against the signed checkpoint when the log starts at 0.

    This is what an auditor or a court expert can run with HQ's identity file and the
    device's certificate, independently of HQ's database.
    """
    notes: list[str] = []
    cert = _certificate_facts(certificate_text, root)
    if root is None:
        notes.append("certificate not checked against an HQ root key (none given)")
    with tempfile.TemporaryDirectory(prefix="fieldapp-verify-") as tmp:
        try:
            opened = quarantine.open_bundle(Path(path), identities, Path(tmp), limits)
        except QuarantineError as exc:
            raise BundleInvalid(str(exc)) from None
        device = _Device(
            device_id=cert.device,
            code=cert.code,
            public_key=cert.public_key,
            state=SeqState(0, "genesis", {}),
            frontier=Frontier(),
            log_size=0,
        )
        try:
            note_path = opened.folder / "signature.note"
            if not note_path.is_file():
                raise BundleInvalid("the bundle has no signature.note")
            note_text = bundle_payload.read_note(note_path, "signature.note")
            note = _open_note(note_text, device, "signature.note")
            if note.tagmanifest_sha256 != opened.tagmanifest_sha256:
                raise BundleInvalid("the tag manifest is not the one signature.note signs")
            pl = bundle_payload.read_payload(
                opened.folder,
                list(opened.payload),
                {name: digest for name, (_, digest) in opened.payload.items()},
            )
            chain = _chain(pl.chain, note, note_text, device)
            try:
                cp = parse_checkpoint(open_note(pl.checkpoint, [device.verifier]).text)
            except (NoteError, CheckpointError) as exc:
                raise BundleInvalid(f"data/checkpoint.note: {exc}") from None
            if cp.origin != auditlog.origin(cert.device):
                raise BundleInvalid(f"data/checkpoint.note is for another log ({cp.origin})")
            if (cp.size, cp.root) != (note.log_size, note.log_root):
                raise BundleInvalid("data/checkpoint.note does not match the note's log line")
            frontier = Frontier()
            leaves: set[bytes] = set()
            first: int | None = None
            count = 0
            for line in pl.log():
                first = line.idx if first is None else first
                count += 1
                digest = leaf_hash(line.data)
                frontier.append(digest)
                if line.entry.get("type") == "version":
                    leaves.add(digest)
            start = cp.size if first is None else first
            if start + count != cp.size:
                raise BundleInvalid("the log entries do not end at the checkpoint's size")
            log_checked = start == 0
            if log_checked:
                if frontier.root() != cp.root:
                    raise BundleInvalid("the log entries do not hash to the signed checkpoint")
            else:
                notes.append(
                    f"log starts at entry {start}: its root can only be checked against HQ's "
                    "copy of the earlier entries"
                )
            versions = 0
            for rec in pl.records():
                versions += 1
                digest = _version_leaf(rec, cert.device)  # device and hash: always checked
                if log_checked and digest not in leaves:
                    raise BundleInvalid(
                        f"{rec.kind} {rec.record_id} version {rec.version} is not in the "
                        "device's signed log"
                    )
        except Refused as exc:
            raise BundleInvalid(str(exc)) from None
        finally:
            quarantine.remove_folder(opened.folder)
    return VerifyReport(
        device_id=cert.device,
        analyst=cert.analyst,
        code=cert.code,
        seq=note.seq,
        prev=note.prev,
        ack=note.ack,
        to=note.to,
        note_hash=note_hash(note_text),
        log_size=cp.size,
        log_start=start,
        log_checked=log_checked,
        certificate_checked=root is not None,
        versions=versions,
        evidence=len(pl.evidence),
        chain=tuple(link.seq for link, _, _ in chain[:-1]),
        notes=tuple(notes),
    )
