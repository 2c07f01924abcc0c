"""Strict parsing of a bundle's payload files: records.jsonl, auditlog.jsonl, chain notes.

These bytes come from outside (a field device, or someone who took one), so every reader here
refuses rather than repairs (SECURITY.md section E): a line over 1 MiB, too many lines, a
duplicate key, NaN or Infinity, a float, an integer too long to be a real value, nesting deeper
than canonical JSON allows, a lone surrogate or invalid UTF-8, and a line that is not in
canonical form (two spellings of one version would hash differently at HQ and on the device).
Every refusal names the file and the line. What the records *mean* (domain validation, the log,
the sequence) is checked by the importer; this module only guarantees their shape.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from fieldapp.domain import canonical
from fieldapp.errors import SyncError

RECORDS = "data/records.jsonl"
AUDITLOG = "data/auditlog.jsonl"
CHECKPOINT = "data/checkpoint.note"
CHAIN_PREFIX = "data/chain/"
EVIDENCE_PREFIX = "data/evidence/"

MAX_LINE = 1024 * 1024  # one record version; a statement of 100 pages is ~300 KB
MAX_RECORDS = 200_000  # versions in one bundle
MAX_LOG_ENTRIES = 1_000_000  # leaves in one bundle (a version is one leaf, events are more)
MAX_NOTE = 64 * 1024  # a signed note is a few hundred bytes
MAX_CHAIN = 10_000  # unacknowledged earlier bundles carried in one bundle
MAX_INT = 2**63 - 1

KINDS = ("incident", "observation", "witness", "statement", "evidence")
RECORD_KEYS = (
    "at",
    "author",
    "body",
    "deleted",
    "device",
    "kind",
    "reason",
    "record_id",
    "sha256",
    "version",
)
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_CHAIN_NAME = re.compile(r"data/chain/([1-9][0-9]{0,18})\.note")
_EVIDENCE_NAME = re.compile(r"data/evidence/([0-9a-f]{64})")
_MAX_TEXT = 4096  # author, reason, at: metadata lines, never prose pages


class PayloadError(SyncError):
    """A payload file of the bundle is malformed or over a limit; the message names the line."""


@dataclass(frozen=True)
class RecordLine:
    """One record version as the device stored it (`sha256` is the device's claim)."""

    record_id: str
    kind: str
    version: int
    author: str
    device: str
    at: str
    reason: str
    deleted: bool
    body: dict[str, Any]
    sha256: str
    # The body's canonical bytes, cut from the line (see `_body_bytes`): what the version hash
    # covers and what HQ stores, without serialising the body again.
    body_bytes: bytes


@dataclass(frozen=True)
class LogLine:
    """One leaf of the device's audit log: its index and its canonical entry bytes."""

    idx: int
    entry: dict[str, Any]
    data: bytes


class _HashingReader:
    """Hashes what is read, so a file can be proved the one the bag check hashed."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()

    def readline(self, limit: int = -1) -> bytes:
        line = self._raw.readline(limit)
        self.digest.update(line)
        return line

    def rest(self) -> None:
        while chunk := self._raw.read(1024 * 1024):
            self.digest.update(chunk)


@dataclass(frozen=True)
class Payload:
    """The bag's data/ folder: notes read, the two JSONL files streamed on demand.

    records.jsonl and auditlog.jsonl can be hundreds of megabytes, so they are never held
    in memory: `records()` and `log()` parse them line by line, each time from the file.
    When the bag check's SHA-256 of a file is known, every pass re-hashes what it read and
    refuses a file that changed since, so two passes always see the same bytes.
    """

    folder: Path
    checkpoint: str
    chain: tuple[tuple[int, str], ...]  # (seq, signed note text), ascending
    evidence: dict[str, Path]
    digests: dict[str, str]

    def _stream(self, name: str, parse: Any, trusted: bool) -> Iterator[Any]:
        if trusted and name not in self.digests:
            raise PayloadError(f"{name} has no checked hash; it cannot be read as trusted")
        with (self.folder / name).open("rb") as raw:
            reader = _HashingReader(raw)
            yield from parse(reader, name, trusted)
            reader.rest()
        expected = self.digests.get(name)
        if expected is not None and reader.digest.hexdigest() != expected:
            raise PayloadError(f"{name} changed after the bag was checked; refused")

    def records(self, trusted: bool = False) -> Iterator[RecordLine]:
        """Every record version, in file order (one parsing pass over the file).

        `trusted` skips the strict JSON checks for a pass after a strict one; the file's hash
        is still compared at the end, so a changed file raises (inside the caller's
        transaction, which then rolls back).
        """
        return self._stream(RECORDS, iter_records, trusted)

    def log(self, trusted: bool = False) -> Iterator[LogLine]:
        """Every audit-log leaf, in file order (see `records`)."""
        return self._stream(AUDITLOG, iter_auditlog, trusted)


def _lines(stream: BinaryIO, name: str, max_lines: int) -> Iterator[tuple[int, bytes]]:
    """Lines without their LF; the last line must end with LF too (a cut file is refused)."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE + 2)
        if not line:
            return
        number += 1
        if number > max_lines:
            raise PayloadError(f"{name} has more than {max_lines:,} lines; refused")
        if not line.endswith(b"\n"):
            if len(line) > MAX_LINE:
                raise PayloadError(f"{name} line {number} is longer than {MAX_LINE:,} bytes")
            raise PayloadError(f"{name} line {number} does not end with a newline (cut off?)")
        body = line[:-1]
        if len(body) > MAX_LINE:
            raise PayloadError(f"{name} line {number} is longer than {MAX_LINE:,} bytes")
        yield number, body


def _object(data: bytes, name: str, number: int, trusted: bool = False) -> dict[str, Any]:
    where = f"{name} line {number}"
    if not data:
        raise PayloadError(f"{where} is empty")
    if trusted:
        # A later pass over bytes the strict pass accepted (the file hash proves it).
        value = json.loads(data)
        if not isinstance(value, dict):
            raise PayloadError(f"{where} is not a JSON object")
        return value
    try:
        value = canonical.loads(data)
    except canonical.CanonicalJSONError as exc:
        raise PayloadError(f"{where}: {exc}") from None
    if not isinstance(value, dict):
        raise PayloadError(f"{where} is not a JSON object")
    if canonical.dumps(value) != data:
        raise PayloadError(f"{where} is not canonical JSON (sorted keys, no spaces)")
    return value


def _text(value: Any, where: str, key: str, allow_empty: bool = True) -> str:
    if not isinstance(value, str):
        raise PayloadError(f"{where}: '{key}' must be text")
    if not value and not allow_empty:
        raise PayloadError(f"{where}: '{key}' is empty")
    if len(value) > _MAX_TEXT:
        raise PayloadError(f"{where}: '{key}' is longer than {_MAX_TEXT} characters")
    return value


def _uint(value: Any, where: str, key: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayloadError(f"{where}: '{key}' must be a whole number")
    if not minimum <= value <= MAX_INT:
        raise PayloadError(f"{where}: '{key}' must be between {minimum} and 2^63-1 ({value})")
    return value


def parse_records(stream: BinaryIO, name: str = RECORDS) -> tuple[RecordLine, ...]:
    """Every version line of a small file, checked for shape (see `iter_records`)."""
    return tuple(iter_records(stream, name))


def iter_records(
    stream: BinaryIO, name: str = RECORDS, trusted: bool = False
) -> Iterator[RecordLine]:
    """Every version line, checked for shape, in file order, one at a time (flat memory).

    A (record_id, version) pair twice in one bundle is refused (E7): the two lines could
    differ, and which one HQ kept would then depend on the order of reading. Versions of one
    record must ascend, so a new version always follows the one it replaces.
    """
    top: dict[str, int] = {}
    for number, data in _lines(stream, name, MAX_RECORDS):
        value = _object(data, name, number, trusted)
        where = f"{name} line {number}"
        keys = tuple(sorted(value))
        if keys != RECORD_KEYS:
            missing = sorted(set(RECORD_KEYS) - set(value))
            extra = sorted(set(value) - set(RECORD_KEYS))
            detail = f"unknown key {extra[0]!r}" if extra else f"no {missing[0]!r}"
            raise PayloadError(f"{where}: {detail}")
        record_id = _text(value["record_id"], where, "record_id")
        if not _HEX32.fullmatch(record_id):
            raise PayloadError(f"{where}: record_id {record_id!r:.40} is not 32 lowercase hex")
        kind = _text(value["kind"], where, "kind")
        if kind not in KINDS:
            raise PayloadError(f"{where}: unknown record kind {kind!r:.40}")
        version = _uint(value["version"], where, "version", 1)
        device = _text(value["device"], where, "device")
        if not _HEX32.fullmatch(device):
            raise PayloadError(f"{where}: device {device!r:.40} is not 32 lowercase hex")
        sha = _text(value["sha256"], where, "sha256")
        if not _HEX64.fullmatch(sha):
            raise PayloadError(f"{where}: sha256 is not 64 lowercase hex")
        deleted = value["deleted"]
        if not isinstance(deleted, bool):
            raise PayloadError(f"{where}: 'deleted' must be true or false")
        body = value["body"]
        if not isinstance(body, dict):
            raise PayloadError(f"{where}: 'body' must be an object")
        if deleted and body:
            raise PayloadError(f"{where}: a deleted version (tombstone) must have an empty body")
        if record_id in top:
            if version == top[record_id]:
                raise PayloadError(
                    f"{where}: version {version} of {record_id} appears twice in this bundle"
                )
            if version < top[record_id]:
                raise PayloadError(
                    f"{where}: version {version} of {record_id} follows version "
                    f"{top[record_id]}; versions must ascend"
                )
        top[record_id] = version
        yield (
            RecordLine(
                record_id=record_id,
                kind=kind,
                version=version,
                author=_text(value["author"], where, "author", allow_empty=False),
                device=device,
                at=_text(value["at"], where, "at", allow_empty=False),
                reason=_text(value["reason"], where, "reason"),
                deleted=deleted,
                body=body,
                sha256=sha,
                body_bytes=_body_bytes(data),
            )
        )


_BODY_KEY = b',"body":'
_DELETED_KEY = b',"deleted":'


def _body_bytes(line: bytes) -> bytes:
    """The bytes of the line's "body" value, exactly as `canonical.dumps(body)` would write them.

    The line is canonical (checked by the strict pass, and the file hash proves a later pass
    reads the same bytes), so its keys are sorted and compact: "body" follows "at" and "author"
    and precedes "deleted", "device", "kind", "reason", "record_id", "sha256", "version". A
    quote inside a JSON string is always escaped, so the first `,"body":` is the top-level key
    (only strings come before it) and the last `,"deleted":` is too (only strings, hex and a
    number come after it); a nested key of the same name sits between the two.
    """
    return line[line.index(_BODY_KEY) + len(_BODY_KEY) : line.rindex(_DELETED_KEY)]


_ENTRY_HEAD = b'{"entry":'
_IDX_KEY = b',"idx":'


def parse_auditlog(stream: BinaryIO, name: str = AUDITLOG) -> tuple[LogLine, ...]:
    """Every line of a small log file (see `iter_auditlog`)."""
    return tuple(iter_auditlog(stream, name))


def iter_auditlog(
    stream: BinaryIO, name: str = AUDITLOG, trusted: bool = False
) -> Iterator[LogLine]:
    """Every `{"entry": {...}, "idx": n}` line; indexes must be contiguous and ascending."""
    previous: int | None = None
    for number, data in _lines(stream, name, MAX_LOG_ENTRIES):
        value = _object(data, name, number, trusted)
        where = f"{name} line {number}"
        if sorted(value) != ["entry", "idx"]:
            raise PayloadError(f"{where}: must hold exactly 'entry' and 'idx'")
        idx = _uint(value["idx"], where, "idx", 0)
        entry = value["entry"]
        if not isinstance(entry, dict):
            raise PayloadError(f"{where}: 'entry' must be an object")
        if not isinstance(entry.get("type"), str):
            raise PayloadError(f"{where}: the entry has no 'type'")
        if previous is not None and idx != previous + 1:
            raise PayloadError(f"{where}: leaf {idx} follows leaf {previous}; not contiguous")
        previous = idx
        # The line is canonical (checked in the strict pass, proven the same bytes by the file
        # hash in a trusted one), so the entry's canonical bytes are its slice of the line: the
        # outer ',"idx":' is the last one (only digits and '}' follow it).
        yield LogLine(idx, entry, data[len(_ENTRY_HEAD) : data.rindex(_IDX_KEY)])


def read_note(path: Path, name: str) -> str:
    """A signed note file: at most 64 KiB of UTF-8 (the note parser does the rest)."""
    with path.open("rb") as f:
        data = f.read(MAX_NOTE + 1)
    if len(data) > MAX_NOTE:
        raise PayloadError(f"{name} is larger than {MAX_NOTE:,} bytes; no note is that long")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PayloadError(f"{name} is not valid UTF-8 (byte {exc.start})") from None


def chain_seq(name: str) -> int | None:
    """The seq of a `data/chain/<seq>.note` name, or None when the name is not one."""
    match = _CHAIN_NAME.fullmatch(name)
    if match is None:
        return None
    seq = int(match.group(1))
    return seq if seq <= MAX_INT else None


def read_payload(
    folder: Path, names: list[str], digests: Mapping[str, str] | None = None
) -> Payload:
    """The data/ files of a validated bag in `folder`; `names` is every payload path and
    `digests` their SHA-256 from the bag check (to prove later passes read the same bytes).

    Only the known layout is accepted: an unexpected file under data/ is refused, because an
    importer that ignored it would leave part of what the device signed unexamined. The two
    JSONL files are parsed later, by the passes that use them (`records()`, `log()`).
    """
    for required in (RECORDS, AUDITLOG, CHECKPOINT):
        if required not in names:
            raise PayloadError(f"the bundle has no {required}")
    chain: list[tuple[int, str]] = []
    evidence: dict[str, Path] = {}
    for name in names:
        if name in (RECORDS, AUDITLOG, CHECKPOINT):
            continue
        if name.startswith(CHAIN_PREFIX):
            seq = chain_seq(name)
            if seq is None:
                raise PayloadError(f"{name} is not named data/chain/<seq>.note")
            if len(chain) >= MAX_CHAIN:
                raise PayloadError(f"the bundle carries more than {MAX_CHAIN:,} earlier notes")
            chain.append((seq, read_note(folder / name, name)))
            continue
        match = _EVIDENCE_NAME.fullmatch(name)
        if match is None:
            raise PayloadError(f"the bundle holds an unexpected file {name!r}")
        evidence[match.group(1)] = folder / name
    payload = Payload(
        folder=folder,
        checkpoint=read_note(folder / CHECKPOINT, CHECKPOINT),
        chain=tuple(sorted(chain)),
        evidence=evidence,
        digests=dict(digests or {}),
    )
    return payload
