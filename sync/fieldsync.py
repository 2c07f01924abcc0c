"""The field side of sync: bundle export, HQ receipts, and the purge of acknowledged originals.

A bundle is cumulative: it carries every record version, audit-log entry and evidence original
HQ has not acknowledged with a receipt, plus the signed notes of earlier bundles that were not
acknowledged either (`data/chain/`). So a bundle lost on the way costs nothing: the next one
covers its content and proves the chain of sequence numbers to HQ. The layout is BUNDLE.md and
the sync design (ARCHITECTURE.md).

Export streams with flat memory: records and log entries are read from the database in
batches (twice: once to learn each file's size for its tar header, once to write it, so no
plaintext ever touches the disk), originals are decrypted chunk by chunk from the blob store,
and everything flows through the BagIt writer and the strict ustar writer into an age
encrypting writer and a temporary file in the destination folder. The bundle's row and its
audit event are committed before the file gets its final name: a sequence number, once
signed, is never reused for other content, even after a crash.
"""

from __future__ import annotations

import os
import queue
import re
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import canonical
from fieldapp.errors import EvidenceError, IntegrityError, NotEnrolled, SyncError
from fieldapp.store import auditlog, records, signednote, tempfiles, witnesses
from fieldapp.store.blobs import BlobStore
from fieldapp.store.keyfile import fsync_dir
from fieldapp.store.merkle import leaf_hash
from fieldapp.store.stream import decrypt_chunks, encrypt_stream
from fieldapp.store.vault import Vault
from sync import age, enrollment, statements
from sync.bag import BagError, BagWriter
from sync.ustar import Readable, UstarError

BUNDLE_SUFFIX = ".chmb"
PARTIAL_PREFIX = ".partial-"
PARTIAL_SUFFIX = ".tmp"
RECORDS = "data/records.jsonl"
AUDITLOG = "data/auditlog.jsonl"
CHECKPOINT = "data/checkpoint.note"
CHAIN_DIR = "data/chain/"
EVIDENCE_DIR = "data/evidence/"
# Rows per read of the versions and audit tables: small enough that the vault lock is held
# only briefly (the GUI stays responsive during a long export), large enough to be fast.
BATCH_ROWS = 500
# The background writer syncs to disk every this many bytes (see _BackgroundFile).
SYNC_BYTES = 64 * 1024 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


# --- errors -----------------------------------------------------------------------------------
class ExportRefused(SyncError):
    """No bundle could be written (folder, missing original, disk); nothing was recorded."""


class ExportCancelled(SyncError):
    """The export was cancelled; the partial file is deleted and nothing was recorded."""


class ReceiptRefused(SyncError):
    """A receipt is not for this device, not for a bundle it sent, or not signed by HQ's pinned
    receipt key; nothing was changed."""


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportResult:
    """One written bundle: where, which sequence number, and what it carries."""

    path: Path
    seq: int
    size: int
    records: int
    log_entries: int
    blobs: int
    chain: int
    note_hash: str


@dataclass(frozen=True)
class ReceiptResult:
    """An imported receipt. `duplicate`: it (or another one for the same bundle) was imported
    before, and nothing changed."""

    seq: int
    note_hash: str
    hq: str
    time: str
    duplicate: bool
    blobs_acknowledged: int


@dataclass(frozen=True)
class PurgeResult:
    """What a purge removed: originals (count and plaintext bytes), their thumbnails, and the
    witness versions whose identity fields were redacted."""

    blobs: int
    bytes: int
    thumbnails: int
    identities: int = 0


@dataclass(frozen=True)
class SyncStatus:
    """Where this field vault stands with HQ: for `bundle status` and the GUI."""

    enrolled: bool
    hq_origin: str
    device_id: str
    last_seq: int
    last_export_at: str | None
    last_receipt_seq: int
    last_receipt_at: str | None
    unacknowledged: tuple[int, ...]
    pending_records: int
    pending_log_entries: int
    pending_blobs: int
    acknowledged_blobs: int
    purged_blobs: int
    # witness versions HQ acknowledged that still hold a name, contact or community here
    purgeable_identities: int = 0


# --- what is pending ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Base:
    """The newest acknowledged bundle: cumulative content starts after it."""

    ack: int
    version_seq: int
    log_size: int


@dataclass(frozen=True)
class _Plan:
    """Everything one export will carry, fixed under the vault lock before any writing."""

    seq: int
    prev: str
    base: _Base
    version_hi: int
    records: int
    log_size: int
    log_root: bytes
    checkpoint_note: str
    chain: tuple[tuple[int, str], ...]
    blobs: tuple[tuple[str, int], ...]


def _base(conn: Any) -> _Base:
    row = conn.execute(
        "SELECT b.seq, b.version_seq, b.log_size FROM receipts_in r "
        "JOIN bundles_out b ON b.seq = r.seq ORDER BY r.seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return _Base(0, 0, 0)
    return _Base(int(row[0]), int(row[1]), int(row[2]))


def _evidence_blobs(conn: Any, lo: int, hi: int) -> dict[str, int]:
    """SHA-256 -> size of every original named by an evidence version with seq in (lo, hi].

    Read from the versions themselves (not the current evidence rows), because a bundle
    carries versions and HQ needs the bytes every one of them names.
    """
    blobs: dict[str, int] = {}
    rows = conn.execute(
        "SELECT record_id, version, body FROM versions "
        "WHERE kind = 'evidence' AND seq > ? AND seq <= ? ORDER BY seq",
        (lo, hi),
    ).fetchall()
    for record_id, version, body in rows:
        parsed = canonical.loads(bytes(body))
        if not isinstance(parsed, dict) or "sha256" not in parsed:
            continue  # a tombstone names no original
        sha256, size = parsed.get("sha256"), parsed.get("size")
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ExportRefused(
                f"Version {version} of evidence item {record_id} names no valid SHA-256; "
                "no bundle was written. Run `fieldapp log verify`."
            )
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ExportRefused(
                f"Version {version} of evidence item {record_id} has no valid size; "
                "no bundle was written. Run `fieldapp log verify`."
            )
        blobs.setdefault(sha256, size)
    return blobs


def _pending_blobs(conn: Any, lo: int, hi: int) -> list[tuple[str, int]]:
    """The originals of versions in (lo, hi] that HQ has not acknowledged, in hash order."""
    acked = {str(r[0]) for r in conn.execute("SELECT sha256 FROM acked_blobs").fetchall()}
    return sorted((s, n) for s, n in _evidence_blobs(conn, lo, hi).items() if s not in acked)


def _version_hi(conn: Any) -> int:
    (value,) = conn.execute("SELECT coalesce(max(seq), 0) FROM versions").fetchone()
    return int(value)


def _plan(vault: Vault) -> _Plan:
    with vault.reading() as conn:
        last = conn.execute(
            "SELECT seq, note FROM bundles_out ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq = 1 if last is None else int(last[0]) + 1
        prev = statements.GENESIS if last is None else statements.note_hash(str(last[1]))
        base = _base(conn)
        version_hi = _version_hi(conn)
        (records,) = conn.execute(
            "SELECT count(*) FROM versions WHERE seq > ? AND seq <= ?",
            (base.version_seq, version_hi),
        ).fetchone()
        log_size = auditlog.size(conn)
        checkpoint = conn.execute(
            "SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1"
        ).fetchone()
        if checkpoint is None or int(checkpoint[0]) != log_size:
            signed = 0 if checkpoint is None else int(checkpoint[0])
            raise IntegrityError(
                f"The audit log has {log_size} entries but its newest signed checkpoint covers "
                f"{signed}; no bundle was written. Run `fieldapp log verify`."
            )
        chain = tuple(
            (int(s), str(n))
            for s, n in conn.execute(
                "SELECT seq, note FROM bundles_out WHERE seq > ? ORDER BY seq", (base.ack,)
            ).fetchall()
        )
        blobs = _pending_blobs(conn, base.version_seq, version_hi)
    return _Plan(
        seq=seq,
        prev=prev,
        base=base,
        version_hi=version_hi,
        records=int(records),
        log_size=log_size,
        log_root=bytes.fromhex(str(checkpoint[1])),
        checkpoint_note=str(checkpoint[2]),
        chain=chain,
        blobs=tuple(blobs),
    )


# --- payload streams --------------------------------------------------------------------------
_RECORD_LINE = canonical.ObjectShape(
    "at", "author", "body", "deleted", "device", "kind", "reason", "record_id", "sha256", "version"
)


def _record_line(row: Any) -> bytes:
    """One line of records.jsonl: canonical JSON with the stored body spliced in.

    The stored row is checked against its own hash first (`records.stored_version_sha256`: one
    hash proves the body canonical and unaltered), so splicing its bytes gives exactly
    `canonical.dumps` of the whole object without parsing and re-serialising every body, and a
    device never signs a version it cannot vouch for.
    """
    _, record_id, kind, version, author, device_id, at, reason, deleted, body, sha256 = row
    body = bytes(body)
    stored = records.stored_version_sha256(
        record_id=record_id,
        kind=kind,
        version=int(version),
        author=author,
        device_id=device_id,
        at=at,
        reason=reason,
        deleted=bool(deleted),
        body_bytes=body,
    )
    if stored != sha256:
        raise _integrity_failure(
            [f"version {version} of {kind} {record_id}: body does not match its sha256"]
        )
    s = canonical.string
    line = _RECORD_LINE.encode(
        s(at),
        s(author),
        body,
        canonical.boolean(bool(deleted)),
        s(device_id),
        s(kind),
        s(reason),
        s(record_id),
        s(sha256),
        canonical.integer(int(version)),
    )
    return line + b"\n"


def _log_line(row: Any) -> bytes:
    """One line of auditlog.jsonl: `{"entry": <the stored leaf entry>, "idx": n}`, canonical.

    The entry must hash to its stored leaf hash; the leaf hashes themselves were checked
    against the signed root by the integrity check, so every exported entry is the signed one.
    """
    idx, entry, stored_hash = row
    entry = bytes(entry)
    if leaf_hash(entry).hex() != stored_hash:
        raise _integrity_failure([f"audit leaf {idx}: its entry does not match its leaf hash"])
    return b'{"entry":' + entry + b',"idx":' + str(int(idx)).encode("ascii") + b"}\n"


class _Spool:
    """One payload file made of lines, made (and checked) once: its size before its bytes.

    A tar header needs the size before the data. The lines go into an anonymous temporary file
    sealed with a one-time key (age STREAM, `fieldapp.store.stream`), so memory stays flat for
    any bundle, no plaintext touches the disk, and the write reads back exactly the bytes that
    were checked instead of querying and rebuilding 100k lines a second time.
    """

    def __init__(self, lines: Iterator[bytes], folder: Path) -> None:
        self._key = secrets.token_bytes(32)
        # Closed by close(): the spool lives across the whole export.
        self._file = tempfile.TemporaryFile(dir=folder, prefix=PARTIAL_PREFIX)  # noqa: SIM115
        try:
            self.size = encrypt_stream(self._key, _ChunkReader(lines), self._file)
        except BaseException:
            self._file.close()
            raise

    def chunks(self) -> Iterator[bytes]:
        self._file.seek(0)
        return decrypt_chunks(self._key, self._file)

    def close(self) -> None:
        self._file.close()


def _batched(vault: Vault, sql: str, lo: int, hi: int) -> Iterator[Any]:
    """Rows with key in (lo, hi], in key order, a batch per brief hold of the vault lock.

    Safe without one long transaction because both tables are append-only: the rows at or
    below `hi` cannot change between batches.
    """
    after = lo
    while True:
        with vault.reading() as conn:
            rows = conn.execute(sql, (after, hi, BATCH_ROWS)).fetchall()
        if not rows:
            return
        yield from rows
        after = int(rows[-1][0])


_RECORD_SQL = (
    "SELECT seq, record_id, kind, version, author, device_id, at, reason, deleted, body, sha256 "
    "FROM versions WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
)
# Leaf indices are 0-based; the batching key is exclusive, hence `idx > start - 1`.
_LOG_SQL = (
    "SELECT idx, entry, leaf_hash FROM audit_leaves WHERE idx > ? AND idx <= ? ORDER BY idx LIMIT ?"
)


def _record_lines(vault: Vault, plan: _Plan) -> Iterator[bytes]:
    return (
        _record_line(r)
        for r in _batched(vault, _RECORD_SQL, plan.base.version_seq, plan.version_hi)
    )


def _log_lines(vault: Vault, plan: _Plan) -> Iterator[bytes]:
    rows = _batched(vault, _LOG_SQL, plan.base.log_size - 1, plan.log_size - 1)
    return (_log_line(r) for r in rows)


class _ChunkReader:
    """`read(n)` over an iterator of byte strings, holding about one chunk at a time."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = bytearray()

    def read(self, size: int = -1, /) -> bytes:
        if not self._buffer and size > 0:
            # The common case for originals: the tar writer asks for exactly the 64 KiB chunk
            # the blob store yields, so hand it over without copying.
            first = next(self._chunks, b"")
            if len(first) >= size:
                self._buffer += first[size:]
                return first if len(first) == size else first[:size]
            self._buffer += first
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            size = len(self._buffer)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class _Prefetched:
    """An iterator of chunks produced by a helper thread, a few chunks ahead of the consumer.

    Decrypting and checking an original (the evidence store) then runs on the second core
    while this thread tars and encrypts the previous chunks; both release the GIL in the
    cryptography library and hashlib. The queue is short, so memory stays flat. An exception
    of the producer (a damaged original) reaches the consumer at the point it occurred.
    """

    _END = object()

    def __init__(self, chunks: Iterator[bytes], depth: int = 8) -> None:
        self._chunks = chunks
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="export-prefetch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for chunk in self._chunks:
                if not self._put(chunk):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)
            return
        self._put(self._END)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item

    def close(self) -> None:
        """Stop the producer (after a cancel or an error downstream) and wait for it."""
        self._stop.set()
        self._thread.join()
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()


class _BackgroundFile:
    """File writes on a helper thread, with a data sync every `SYNC_BYTES`.

    Writing and flushing to disk are the slowest steps of an export (PERFORMANCE.md: fsync'd
    writes at about 560 MiB/s); on their own thread they overlap with the encryption, and the
    periodic `fdatasync` spreads the final flush over the export instead of adding it at the
    end. `close()` waits for everything, syncs, and raises the first write error.
    """

    _END = object()

    def __init__(self, raw: BinaryIO, depth: int = 16) -> None:
        self._raw = raw
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="export-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        unsynced = 0
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if self._error is not None:
                continue  # drain: the producer learns of the error at its next write
            assert isinstance(item, bytes)
            try:
                self._raw.write(item)
                unsynced += len(item)
                if unsynced >= SYNC_BYTES:
                    self._raw.flush()
                    os.fdatasync(self._raw.fileno())
                    unsynced = 0
            except BaseException as exc:
                self._error = exc

    def write(self, data: bytes, /) -> int:
        if self._error is not None:
            raise self._error
        self._queue.put(bytes(data))
        return len(data)

    def close(self) -> None:
        """Wait for every queued write, then flush and fsync; raise a write error if any."""
        self._queue.put(self._END)
        self._thread.join()
        if self._error is not None:
            raise self._error
        self._raw.flush()
        os.fsync(self._raw.fileno())

    def abandon(self) -> None:
        """After an error upstream: stop the thread without syncing."""
        self._error = self._error or ExportCancelled("abandoned")
        self._queue.put(self._END)
        self._thread.join()


class _Meter:
    """Progress in payload bytes and the cancel check, once per chunk read."""

    def __init__(self, total: int, progress: Progress | None, cancel: Cancel | None) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancel = cancel

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise ExportCancelled("The export was cancelled; no bundle was written.")

    def advance(self, n: int) -> None:
        self.done += n
        if self._progress is not None:
            self._progress(self.done, self.total)

    def wrap(self, source: Readable) -> _Metered:
        return _Metered(source, self)


class _Metered:
    """A payload source that asks about cancel before, and reports progress after, each read."""

    def __init__(self, source: Readable, meter: _Meter) -> None:
        self._source = source
        self._meter = meter

    def read(self, size: int = -1, /) -> bytes:
        self._meter.check()
        data = self._source.read(size)
        if data:
            self._meter.advance(len(data))
        return data


# --- export ---------------------------------------------------------------------------------
def _require_enrollment(vault: Vault) -> enrollment.FieldEnrollment:
    enrolled = enrollment.field_enrollment(vault)
    if enrolled is None:
        raise NotEnrolled(
            "This vault is not enrolled with HQ, so it has no HQ keys to encrypt a bundle to or "
            "check a receipt with. Enrol it first (`fieldapp enroll request`, then "
            "`fieldapp enroll accept`)."
        )
    return enrolled


def _check_folder(out_dir: Path) -> None:
    if not out_dir.exists():
        raise ExportRefused(f"The folder {out_dir} does not exist; no bundle was written.")
    if not out_dir.is_dir():
        raise ExportRefused(f"{out_dir} is not a folder; no bundle was written.")
    _remove_dead_partials(out_dir)


def _remove_dead_partials(out_dir: Path) -> None:
    """Delete `.partial-*.tmp` files of exports that died (killed, power cut) in `out_dir`.

    They hold ciphertext without a final chunk, which no reader accepts, but they fill a USB
    stick. A live export holds its own (`tempfiles.hold`), so only dead ones go.
    """
    tempfiles.remove_dead(out_dir, f"{PARTIAL_PREFIX}*{PARTIAL_SUFFIX}")


class _IntegrityCheck:
    """The vault check before signing, run on a helper thread while the originals stream.

    Every page and the structure; the whole log's leaf hashes against every stored root and
    the newest signed checkpoint (`Vault.check(full=False)`). The rows the bundle carries are
    checked one by one as they are read (`_record_line`, `_log_line`). The check needs the
    database and the originals do not, so the two overlap; `wait()` before signing and
    recording raises if the check failed, and the bundle is then discarded.
    """

    def __init__(self, vault: Vault, plan: _Plan) -> None:
        self._problems: list[str] = []
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._problems = vault.check(since=plan.log_size, full=False).problems
            except BaseException as exc:  # raised by wait(), on the export's thread
                self._error = exc

        self._thread = threading.Thread(target=run, name="export-check", daemon=True)
        self._thread.start()

    def join(self) -> None:
        self._thread.join()

    def wait(self) -> None:
        """Wait for the check; raise `IntegrityError` (or its own error) if it failed."""
        self.join()
        if self._error is not None:
            raise self._error
        if self._problems:
            raise _integrity_failure(self._problems)


def _integrity_failure(problems: list[str]) -> IntegrityError:
    shown = "; ".join(problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return IntegrityError(
        f"The vault failed its integrity check, so no bundle was written: {shown}{more}. "
        "Run `fieldapp log verify` for the full report."
    )


def export_bundle(
    vault: Vault,
    out_dir: Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportResult:
    """Write one bundle of everything HQ has not acknowledged into `out_dir`.

    Refused when the vault is not enrolled or fails its full integrity check: a bundle signs
    what it carries, and a device must never sign content it cannot vouch for. `progress(done,
    total)` counts payload bytes; `cancel()` is asked before every chunk and, when it returns
    True, the export stops with `ExportCancelled`. On any failure or cancel the partial file is
    deleted, no sequence number is used and nothing is logged.
    """
    enrolled = _require_enrollment(vault)
    recipients = (enrolled.recipients.primary, enrolled.recipients.escrow)
    return _export(vault, Path(out_dir), recipients, progress, cancel)


def _export(
    vault: Vault,
    out_dir: Path,
    recipients: tuple[str, str],
    progress: Progress | None,
    cancel: Cancel | None,
) -> ExportResult:
    _check_folder(out_dir)
    plan = _plan(vault)
    store = vault.blob_store()
    signing_key = vault.signing_key
    for sha256, _ in plan.blobs:
        if not store.exists(sha256):
            raise ExportRefused(
                f"The evidence original with SHA-256 {sha256} is missing from this vault's "
                "evidence store, and HQ has not acknowledged it; no bundle was written. "
                "Run `fieldapp log verify`."
            )
    lines: list[tuple[str, _Spool]] = []
    try:
        for name, made in ((RECORDS, _record_lines), (AUDITLOG, _log_lines)):
            lines.append((name, _Spool(made(vault, plan), out_dir)))
        check = _IntegrityCheck(vault, plan)  # from here on, only originals are read
        try:
            parts = _Parts(store, signing_key, tuple(lines), check)
            return _write_and_record(vault, out_dir, plan, recipients, parts, progress, cancel)
        finally:
            check.join()  # never leave it holding the vault after a failure
    except OSError as exc:
        raise ExportRefused(
            f"Writing in {out_dir} failed ({exc.strerror or exc}); no bundle was written."
        ) from exc
    finally:
        for _, spool in lines:
            spool.close()


@dataclass(frozen=True)
class _Parts:
    """What the writing needs, all taken before the integrity check holds the vault."""

    store: BlobStore
    signing_key: Ed25519PrivateKey
    lines: tuple[tuple[str, _Spool], ...]
    check: _IntegrityCheck


def _write_and_record(
    vault: Vault,
    out_dir: Path,
    plan: _Plan,
    recipients: tuple[str, str],
    parts: _Parts,
    progress: Progress | None,
    cancel: Cancel | None,
) -> ExportResult:
    lines = parts.lines
    chain_bytes = sum(len(note.encode("utf-8")) for seq, note in plan.chain)
    total = (
        sum(made.size for _, made in lines)
        + len(plan.checkpoint_note.encode("utf-8"))
        + chain_bytes
        + sum(size for _, size in plan.blobs)
    )
    meter = _Meter(total, progress, cancel)
    meter.check()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, dir=out_dir)
    except OSError as exc:
        raise ExportRefused(
            f"Cannot write in {out_dir}: {exc.strerror or exc}; no bundle was written."
        ) from exc
    tmp = Path(tmp_name)
    # Held while this export writes; a crashed export's lock is gone, and the next export
    # removes its leftover (`_remove_dead_partials`).
    tempfiles.hold(fd)
    try:
        with os.fdopen(fd, "wb") as raw:
            background = _BackgroundFile(raw)
            try:
                note = _write_bundle(vault, plan, background, recipients, parts, meter)
            except BaseException:
                background.abandon()
                raise
            background.close()
            size = os.fstat(raw.fileno()).st_size
        meter.check()
        name = secrets.token_hex(16) + BUNDLE_SUFFIX
        result = ExportResult(
            path=out_dir / name,
            seq=plan.seq,
            size=size,
            records=plan.records,
            log_entries=plan.log_size - plan.base.log_size,
            blobs=len(plan.blobs),
            chain=len(plan.chain),
            note_hash=statements.note_hash(note),
        )
        _record_export(vault, plan, note, result)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportRefused(
            f"Writing the bundle in {out_dir} failed ({exc.strerror or exc}); "
            "no bundle was written."
        ) from exc
    except (UstarError, BagError) as exc:
        tmp.unlink(missing_ok=True)
        raise ExportRefused(
            f"The bundle could not be built: {exc}; no bundle was written."
        ) from exc
    except EvidenceError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportRefused(
            f"An evidence original cannot be read back intact ({exc}); no bundle was written. "
            "Run `fieldapp vault check`."
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        os.replace(tmp, result.path)
        fsync_dir(out_dir)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportRefused(
            f"Bundle {plan.seq} was signed and recorded, but could not be saved as "
            f"{result.path} ({exc.strerror or exc}). Export again: the next bundle carries "
            "its content and its signed note."
        ) from exc
    return result


def _write_bundle(
    vault: Vault,
    plan: _Plan,
    out: _BackgroundFile,
    recipients: tuple[str, str],
    parts: _Parts,
    meter: _Meter,
) -> str:
    """Stream the whole bag through age into `out`; return the signed note it ends with.

    The note is signed only once the integrity check has passed (`parts.check.wait()`): a
    device never signs content it cannot vouch for.
    """
    store = parts.store
    to = tuple(sorted(statements.recipient_fingerprint(r) for r in recipients))
    with age.encrypting_writer(out, list(recipients)) as encrypted:
        bag = BagWriter(encrypted)
        for path, made in parts.lines:
            bag.add_payload(path, made.size, meter.wrap(_ChunkReader(made.chunks())))
        _add_text(bag, meter, CHECKPOINT, plan.checkpoint_note)
        for seq, note in plan.chain:
            _add_text(bag, meter, f"{CHAIN_DIR}{seq}.note", note)
        for sha256, size in plan.blobs:
            # The store checks the original against its SHA-256 as it is read (and raises
            # before the tar writer's final read), so the manifest need not hash it again.
            chunks = _Prefetched(store.open_plaintext(sha256))
            try:
                bag.add_payload(
                    EVIDENCE_DIR + sha256,
                    size,
                    meter.wrap(_ChunkReader(chunks)),
                    verified_sha256=sha256,
                )
            finally:
                chunks.close()
        tagmanifest = bag.finish()
        parts.check.wait()
        note = statements.BundleNote(
            origin=auditlog.origin(vault.device.device_id),
            device=vault.device.device_id,
            seq=plan.seq,
            prev=plan.prev,
            to=to,
            tagmanifest_sha256=tagmanifest,
            log_size=plan.log_size,
            log_root=plan.log_root,
            ack=plan.base.ack,
        ).sign(vault.device.device_id, parts.signing_key)
        bag.close(note.encode("utf-8"))
    return note


def _add_text(bag: BagWriter, meter: _Meter, path: str, text: str) -> None:
    data = text.encode("utf-8")
    bag.add_payload(path, len(data), meter.wrap(_ChunkReader([data])))


def _record_export(vault: Vault, plan: _Plan, note: str, result: ExportResult) -> None:
    """The bundle row and its audit event, in one transaction, before the file is renamed."""
    with vault.writing() as conn:
        (current,) = conn.execute("SELECT coalesce(max(seq), 0) FROM bundles_out").fetchone()
        if int(current) != plan.seq - 1:
            raise ExportRefused(
                f"Another export recorded bundle {int(current)} while this one was written; "
                "this one was discarded. Export again."
            )
        conn.execute(
            "INSERT INTO bundles_out (seq, note, note_hash, version_seq, log_size, file_name, "
            "size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                plan.seq,
                note,
                result.note_hash,
                plan.version_hi,
                plan.log_size,
                result.path.name,
                result.size,
                vault.now(),
            ),
        )
        vault.log_event(
            {
                "type": "bundle_exported",
                "seq": plan.seq,
                "bundle": result.note_hash,
                "records": result.records,
                "log_entries": result.log_entries,
                "blobs": result.blobs,
                "size": result.size,
            }
        )


# --- receipts -------------------------------------------------------------------------------
def import_receipt(vault: Vault, text: str) -> ReceiptResult:
    """Mark a bundle (and everything before it) acknowledged by HQ.

    Only HQ's receipt key pinned at enrolment counts, and the receipt must name this device,
    a bundle it actually signed (same note hash) and that bundle's audit-log size and root:
    a receipt is what allows purging originals, so a forged or misdirected one must change
    nothing. Importing the same receipt again is a no-op.
    """
    enrolled = _require_enrollment(vault)
    return _import_receipt(vault, text, enrolled.receipt, enrolled.hq_origin)


def _device_verifier(vault: Vault) -> signednote.Verifier:
    device_id = vault.device.device_id
    public_key = vault.device.public_key
    return signednote.Verifier(device_id, signednote.key_id(device_id, public_key), public_key)


def _import_receipt(
    vault: Vault, text: str, verifier: signednote.Verifier, hq_origin: str
) -> ReceiptResult:
    try:
        receipt = statements.open_receipt(text, [verifier])
    except statements.StatementError as exc:
        raise ReceiptRefused(
            f"This receipt is not accepted ({exc}); only receipts signed by the HQ receipt key "
            "pinned at enrolment count. Nothing was changed."
        ) from exc
    if receipt.origin != hq_origin:
        raise ReceiptRefused(
            f"This receipt comes from {receipt.origin}, not from {hq_origin}, the HQ this vault "
            "is enrolled with. Nothing was changed."
        )
    device_id = vault.device.device_id
    if receipt.device != device_id:
        raise ReceiptRefused(
            f"This receipt is for device {receipt.device}, not this device ({device_id}). "
            "Nothing was changed."
        )
    time = receipt.time.strftime("%Y-%m-%dT%H:%M:%SZ")
    with vault.writing() as conn:
        row = conn.execute(
            "SELECT note, note_hash, version_seq FROM bundles_out WHERE seq = ?", (receipt.seq,)
        ).fetchone()
        if row is None:
            (last,) = conn.execute("SELECT coalesce(max(seq), 0) FROM bundles_out").fetchone()
            raise ReceiptRefused(
                f"This receipt acknowledges bundle {receipt.seq}, which this device never "
                f"exported (its last bundle is {int(last)}). Nothing was changed."
            )
        note, note_hash, version_seq = str(row[0]), str(row[1]), int(row[2])
        if receipt.bundle != note_hash:
            raise ReceiptRefused(
                f"This receipt names bundle hash {receipt.bundle} for bundle {receipt.seq}, but "
                f"this device's bundle {receipt.seq} has hash {note_hash}. Nothing was changed."
            )
        sent = statements.open_bundle_note(note, [_device_verifier(vault)])
        if (receipt.log_size, receipt.log_root) != (sent.log_size, sent.log_root):
            raise ReceiptRefused(
                f"This receipt states audit-log size {receipt.log_size} with another root than "
                f"bundle {receipt.seq} carried (size {sent.log_size}). Nothing was changed."
            )
        seen = conn.execute("SELECT 1 FROM receipts_in WHERE seq = ?", (receipt.seq,)).fetchone()
        if seen is not None:
            return ReceiptResult(receipt.seq, note_hash, receipt.hq, time, True, 0)
        conn.execute(
            "INSERT INTO receipts_in (seq, note, imported_at) VALUES (?, ?, ?)",
            (receipt.seq, text, vault.now()),
        )
        acknowledged = 0
        for sha256, _ in _pending_blobs(conn, 0, version_seq):
            conn.execute(
                "INSERT INTO acked_blobs (sha256, seq, purged_at) VALUES (?, ?, NULL)",
                (sha256, receipt.seq),
            )
            acknowledged += 1
        vault.log_event(
            {
                "type": "receipt_imported",
                "seq": receipt.seq,
                "bundle": note_hash,
                "hq": receipt.hq,
                "blobs": acknowledged,
            }
        )
    return ReceiptResult(receipt.seq, note_hash, receipt.hq, time, False, acknowledged)


# --- purge ------------------------------------------------------------------------------------
def purge_acknowledged(vault: Vault) -> PurgeResult:
    """Delete what HQ has acknowledged and a seized laptop should not hold: the originals (and
    thumbnails), and witnesses' names, contacts and communities.

    Only material covered by a receipt verified with HQ's pinned key is touched, so HQ holds
    every byte removed. The records stay (the analyst keeps working with them): a purged
    original says why it is gone when read, a purged identity field reads "purged after HQ's
    receipt", and a later edit carries that marker, which HQ resolves from the version it holds.
    Identity bodies are redacted in the same transaction that marks the blobs and logs both;
    the blob files are deleted after the commit, so after a crash in between the next purge
    deletes what is left.
    """
    store = vault.blob_store()
    with vault.writing() as conn:
        base = _base(conn)
        acked = [str(r[0]) for r in conn.execute("SELECT sha256 FROM acked_blobs ORDER BY sha256")]
        present = [sha for sha in acked if store.exists(sha)]
        now = vault.now()
        redacted = witnesses.redact_identities(conn, base.version_seq, now, base.ack)
        if redacted:
            vault.log_event(
                {"type": "identities_purged", "receipt_seq": base.ack, "versions": redacted}, now
            )
        if not present:
            return PurgeResult(0, 0, 0, len(redacted))
        sizes = _evidence_blobs(conn, 0, _version_hi(conn))
        thumbnails = 0
        for sha256 in present:
            thumbnails += conn.execute(
                "DELETE FROM evidence_thumbnails WHERE sha256 = ?", (sha256,)
            ).rowcount
            conn.execute(
                "UPDATE acked_blobs SET purged_at = coalesce(purged_at, ?) WHERE sha256 = ?",
                (now, sha256),
            )
        vault.log_event({"type": "evidence_purged", "blobs": len(present)}, now)
    for sha256 in present:
        try:
            store.remove(sha256)
        except EvidenceError as exc:
            raise SyncError(
                f"The purge was recorded, but an original could not be deleted ({exc}); "
                "run the purge again."
            ) from exc
    return PurgeResult(
        len(present), sum(sizes.get(s, 0) for s in present), thumbnails, len(redacted)
    )


# --- status ---------------------------------------------------------------------------------
def sync_status(vault: Vault) -> SyncStatus:
    """What was sent, what HQ acknowledged, and what the next bundle would carry."""
    enrolled = enrollment.field_enrollment(vault)
    with vault.reading() as conn:
        last = conn.execute(
            "SELECT seq, created_at FROM bundles_out ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        receipt = conn.execute(
            "SELECT seq, imported_at FROM receipts_in ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        base = _base(conn)
        unacknowledged = tuple(
            int(r[0])
            for r in conn.execute(
                "SELECT seq FROM bundles_out WHERE seq > ? ORDER BY seq", (base.ack,)
            )
        )
        (records,) = conn.execute(
            "SELECT count(*) FROM versions WHERE seq > ?", (base.version_seq,)
        ).fetchone()
        blobs = _pending_blobs(conn, base.version_seq, _version_hi(conn))
        (acknowledged, purged) = conn.execute(
            "SELECT count(*), count(purged_at) FROM acked_blobs"
        ).fetchone()
        log_size = auditlog.size(conn)
        identities = witnesses.purgeable_identities(conn, base.version_seq)
    return SyncStatus(
        enrolled=enrolled is not None,
        hq_origin="" if enrolled is None else enrolled.hq_origin,
        device_id=vault.device.device_id,
        last_seq=0 if last is None else int(last[0]),
        last_export_at=None if last is None else str(last[1]),
        last_receipt_seq=0 if receipt is None else int(receipt[0]),
        last_receipt_at=None if receipt is None else str(receipt[1]),
        unacknowledged=unacknowledged,
        pending_records=int(records),
        pending_log_entries=log_size - base.log_size,
        pending_blobs=len(blobs),
        acknowledged_blobs=int(acknowledged),
        purged_blobs=int(purged),
        purgeable_identities=identities,
    )


__all__ = [
    "ExportCancelled",
    "ExportRefused",
    "ExportResult",
    "PurgeResult",
    "ReceiptRefused",
    "ReceiptResult",
    "SyncStatus",
    "export_bundle",
    "import_receipt",
    "purge_acknowledged",
    "sync_status",
]
