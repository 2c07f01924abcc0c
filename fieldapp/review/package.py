"""Court-ready evidence package of one incident: a BagIt bag anyone can check without fieldapp.

Why it looks the way it does (issue 5 section 5): a prosecutor's expert must be able to show,
years later and with nothing but Python and `cryptography`, that every original and every record
version in the package is exactly what the field device recorded, that the device's signed log
committed to it, that the device key was certified by HQ's root key, and who held each original
when. So the package carries its own proof material, not references into a vault:

- `data/originals/<sha256>`: the evidence originals, named by their hash;
- `data/records/<record id>/<version>.json`: the exact bytes a version's sha256 is computed over
  (`records.stored_version_sha256`: metadata with the stored canonical body spliced in), so
  `sha256sum` of the file is the version hash in the log. A witness version whose identity
  fields are withheld (the default) is `<version>.withheld.json` instead: its hash is still
  proven in the log, but its content cannot be recomputed without the withheld fields;
- `data/log/<device id>/entries.jsonl`: each relevant leaf of the device's audit log with its
  RFC 6962 inclusion proof against `checkpoint.note`, the device-signed bundle note whose `log`
  line is the device's signed tree head (HQ keeps the notes it verified at import, and they
  commit to exactly the log HQ holds); `data/log/hq/`: the same for HQ's own log (its version
  leaves and the receive/import events) against HQ's newest signed checkpoint;
- `data/certificates/`: HQ's root verifier key (the one trust anchor, compared out of band),
  the root-signed recipient list (it names the receipt key), each device certificate, and a
  root-signed statement naming the key that signs HQ's own log;
- `data/receipts/`, `data/provenance.json`, `data/custody.pdf` (drawn by the caller's writer:
  Qt lives in `fieldapp/ui/`), `VERIFY.txt`, `tools/verify_package.py`.

The folder is written beside its destination under a temporary name and renamed only after the
audit event naming the package hash (the tag manifest's SHA-256) committed, so a cancel or a
failure leaves nothing that looks like a package.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.domain import canonical
from fieldapp.errors import FieldappError, IntegrityError, RecordNotFound
from fieldapp.store import auditlog, records, signednote
from fieldapp.store.checkpoint import CheckpointError, parse_checkpoint
from fieldapp.store.device import device_code
from fieldapp.store.merkle import Frontier, leaf_hash, node_hash
from fieldapp.store.vault import Vault
from sync.bag import BAGIT_TXT, encode_path
from sync.enrollment import HqKeys, load_hq_keys
from sync.statements import (
    StatementError,
    open_bundle_note,
    open_device_certificate,
    open_receipt,
)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

PACKAGE_FORMAT = "fieldapp-evidence-package/1"
HQ_LOG_KEY_KIND = "log-key"
VERIFIER_NAME = "verify_package.py"
_LINKED_KINDS = (
    ("observation", "observation_links", "observations", "observation_n"),
    ("witness", "witness_links", "witnesses", "witness_n"),
    ("statement", "statement_links", "statements", "statement_n"),
    ("evidence", "evidence_links", "evidence_items", "evidence_n"),
)
_COPY_CHUNK = 1024 * 1024


# --- errors ---------------------------------------------------------------------------------------
class PackageError(FieldappError):
    """An evidence package could not be made; nothing was written at the destination."""


class PackageCancelled(PackageError):
    """The operator cancelled; the partial folder was removed."""


class PackageDestinationError(PackageError):
    """The destination folder exists and is not empty, or its parent cannot be written."""


class PackageWriteError(PackageError):
    """The disk refused a write (full, removed, read-only); the message says what is left."""


class IdentityReasonMissing(PackageError):
    """Witness identities were asked for without a reason to record in the audit log."""


# --- results and the custody report ---------------------------------------------------------------
@dataclass(frozen=True)
class CustodyEvent:
    """One hand-over or handling of an original: when, what, by whom, where, with which hash."""

    at: str
    stage: str
    actor: str
    place: str
    detail: str
    sha256: str = ""


@dataclass(frozen=True)
class CustodyItem:
    """One evidence original and its chain of custody, oldest event first."""

    evidence_id: str
    original_name: str
    sha256: str
    size: int
    media_type: str
    events: tuple[CustodyEvent, ...]


@dataclass(frozen=True)
class RecordSummary:
    """One record version in the package, for the custody report's record table."""

    kind: str
    record_id: str
    version: int
    at: str
    author: str
    device: str
    sha256: str
    withheld: bool


@dataclass(frozen=True)
class CustodyReport:
    """What the chain-of-custody PDF shows; built here, drawn by `fieldapp.ui.custody_pdf`."""

    incident_id: str
    ref_code: str
    title: str
    cell_name: str
    hq_origin: str
    root_vkey: str
    created_at: str
    created_by: str
    identities_included: bool
    items: tuple[CustodyItem, ...]
    records: tuple[RecordSummary, ...]


CustodyWriter = Callable[[CustodyReport, Path], None]


@dataclass(frozen=True)
class PackageResult:
    """The finished package: where, its hash (as logged), and what it holds."""

    path: Path
    tagmanifest_sha256: str
    record_versions: int
    withheld_versions: int
    originals: int
    payload_bytes: int
    payload_files: int
    devices: tuple[str, ...]
    identities_included: bool


# --- gathering --------------------------------------------------------------------------------
_Version = records.StoredVersion


@dataclass
class _Bundle:
    seq: int
    note: str
    state: str
    inbox_sha256: str | None
    receipt: str | None
    at: str
    log_size: int
    log_root: bytes


@dataclass
class _DeviceLog:
    device_id: str
    code: str
    analyst: str
    certificate: str
    leaves: list[bytes]
    entries: list[bytes]
    by_hash: dict[bytes, int]
    bundles: list[_Bundle]
    head: _Bundle | None = None
    chosen: set[int] = field(default_factory=set)


@dataclass
class _Gathered:
    incident: _Version
    versions: list[_Version]
    redacted: set[int]
    devices: dict[str, _DeviceLog]
    hq_leaves: list[bytes]
    hq_entries: dict[int, bytes]
    hq_version_leaf: dict[int, int]
    hq_events: list[tuple[int, dict[str, Any]]]
    hq_checkpoint: tuple[int, str]
    inbox: dict[str, tuple[str, str, str, int]]


def _linked_ids(conn: Any, incident_id: str) -> list[str]:
    ids: list[str] = []
    for _, links, table, column in _LINKED_KINDS:
        # Table and column names come from the constant above, never from input.
        rows = conn.execute(
            f"SELECT t.id FROM {links} l JOIN {table} t ON t.n = l.{column} "  # noqa: S608
            "WHERE l.incident_id = ? ORDER BY t.n",
            (incident_id,),
        ).fetchall()
        ids.extend(str(r[0]) for r in rows if str(r[0]) not in ids)
    return ids


def _parse_log_line(note_text: str) -> tuple[int, bytes]:
    """(size, root) from a bundle note's `log` line; the note was verified at import."""
    for line in note_text.split("\n\n", 1)[0].split("\n"):
        if line.startswith("log "):
            size_text, root_text = line[4:].split(" ", 1)
            return int(size_text), base64.b64decode(root_text)
    raise IntegrityError("a stored bundle note has no 'log' line; run 'log verify'")


def _load_device(conn: Any, device_id: str) -> _DeviceLog:
    row = conn.execute(
        "SELECT code, analyst, certificate FROM devices WHERE device_id = ?", (device_id,)
    ).fetchone()
    if row is None:
        raise IntegrityError(
            f"records of device {device_id} are held, but the device is not enrolled here"
        )
    leaves: list[bytes] = []
    entries: list[bytes] = []
    by_hash: dict[bytes, int] = {}
    for position, (idx, digest, entry) in enumerate(
        conn.execute(
            "SELECT idx, leaf_hash, entry FROM device_log WHERE device_id = ? ORDER BY idx",
            (device_id,),
        )
    ):
        if int(idx) != position:
            raise IntegrityError(f"HQ's copy of the log of device {row[0]} misses entry {position}")
        raw = bytes.fromhex(str(digest))
        leaves.append(raw)
        entries.append(bytes(entry))
        by_hash.setdefault(raw, position)
    bundles = []
    for seq, note, state, inbox_sha, receipt, at in conn.execute(
        "SELECT seq, note, state, inbox_sha256, receipt, at FROM device_bundles "
        "WHERE device_id = ? ORDER BY seq",
        (device_id,),
    ):
        size, root = _parse_log_line(str(note))
        bundles.append(
            _Bundle(
                seq=int(seq),
                note=str(note),
                state=str(state),
                inbox_sha256=None if inbox_sha is None else str(inbox_sha),
                receipt=None if receipt is None else str(receipt),
                at=str(at),
                log_size=size,
                log_root=root,
            )
        )
    return _DeviceLog(
        device_id=device_id,
        code=str(row[0]),
        analyst=str(row[1]),
        certificate=str(row[2]),
        leaves=leaves,
        entries=entries,
        by_hash=by_hash,
        bundles=bundles,
    )


def _statement_references(versions: Sequence[_Version]) -> list[str]:
    found: list[str] = []
    for v in versions:
        if v.kind != "statement":
            continue
        body = canonical.loads(v.body)
        if not isinstance(body, dict):
            continue
        refs = [body.get("witness_id"), *(body.get("attachment_ids") or [])]
        found.extend(r for r in refs if isinstance(r, str) and r and r not in found)
    return found


def _gather(vault: Vault, incident_id: str) -> _Gathered:
    hq_id = vault.device.device_id
    with vault.reading() as conn:
        incident_rows = [
            v for v in records.stored_versions(conn, incident_id) if v.kind == "incident"
        ]
        if not incident_rows:
            raise RecordNotFound(f"There is no incident with id {incident_id}.")
        ids = [incident_id, *_linked_ids(conn, incident_id)]
        versions: list[_Version] = []
        for record_id in ids:
            versions.extend(records.stored_versions(conn, record_id))
        # A statement's witness and its attachments (audio, the consent form) belong with it
        # even when they are not linked to the incident themselves.
        for extra in _statement_references(versions):
            if extra not in ids:
                ids.append(extra)
                versions.extend(records.stored_versions(conn, extra))
        redacted = {
            int(r[0])
            for r in conn.execute("SELECT seq FROM redactions").fetchall()
            if int(r[0]) in {v.seq for v in versions}
        }
        devices = {
            device_id: _load_device(conn, device_id)
            for device_id in sorted({v.device_id for v in versions} - {hq_id})
        }
        hq_leaves: list[bytes] = []
        for position, (idx, digest) in enumerate(
            conn.execute("SELECT idx, leaf_hash FROM audit_leaves ORDER BY idx")
        ):
            if int(idx) != position:
                raise IntegrityError(f"HQ's audit log misses leaf {position}; run 'log verify'")
            hq_leaves.append(bytes.fromhex(str(digest)))
        seqs = [v.seq for v in versions]
        hq_version_leaf: dict[int, int] = {}
        hq_entries: dict[int, bytes] = {}
        for idx, entry, version_seq in conn.execute(
            "SELECT idx, entry, version_seq FROM audit_leaves WHERE version_seq IN "  # noqa: S608
            f"({','.join('?' * len(seqs))})",  # placeholders only
            seqs,
        ):
            hq_version_leaf[int(version_seq)] = int(idx)
            hq_entries[int(idx)] = bytes(entry)
        hq_events: list[tuple[int, dict[str, Any]]] = []
        for idx, entry in conn.execute(
            "SELECT idx, entry FROM audit_leaves WHERE kind IN ('bundle_received', "
            "'bundle_imported', 'device_enrolled') ORDER BY idx"
        ):
            parsed = canonical.loads(bytes(entry))
            if isinstance(parsed, dict):
                hq_events.append((int(idx), parsed))
                hq_entries.setdefault(int(idx), bytes(entry))
        cp = conn.execute(
            "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"
        ).fetchone()
        inbox = {
            str(r[0]): (str(r[1]), str(r[2]), str(r[3]), int(r[4]))
            for r in conn.execute(
                "SELECT sha256, received_at, operator, file_name, size FROM inbox"
            )
        }
    if cp is None or int(cp[0]) != len(hq_leaves):
        raise IntegrityError("HQ's newest signed checkpoint does not cover its whole audit log")
    return _Gathered(
        incident=incident_rows[-1],
        versions=versions,
        redacted=redacted,
        devices=devices,
        hq_leaves=hq_leaves,
        hq_entries=hq_entries,
        hq_version_leaf=hq_version_leaf,
        hq_events=hq_events,
        hq_checkpoint=(int(cp[0]), str(cp[1])),
        inbox=inbox,
    )


# --- checks on what was gathered ---------------------------------------------------------------
def _check_device_head(dev: _DeviceLog, keys: HqKeys) -> None:
    """The newest bundle note HQ verified is the device's signed head of the log HQ holds."""
    root = signednote.verifier_for(keys.root_name, keys.root)
    try:
        cert = open_device_certificate(dev.certificate, [root])
    except StatementError as exc:
        raise IntegrityError(
            f"the certificate of device {dev.code} does not verify: {exc}"
        ) from exc
    if not dev.bundles:
        raise IntegrityError(f"no bundle of device {dev.code} was imported")
    head = max(dev.bundles, key=lambda b: b.log_size)
    try:
        note = open_bundle_note(head.note, [cert.verifier(dev.device_id)])
    except StatementError as exc:
        raise IntegrityError(f"bundle {head.seq} of device {dev.code}: {exc}") from exc
    if note.log_size > len(dev.leaves):
        raise IntegrityError(f"HQ's copy of the log of device {dev.code} is shorter than signed")
    if Frontier.from_leaves(dev.leaves[: note.log_size]).root() != note.log_root:
        raise IntegrityError(
            f"HQ's copy of the log of device {dev.code} does not hash to its signed root"
        )
    head.log_size, head.log_root = note.log_size, note.log_root
    dev.head = head


def _check_hq_checkpoint(vault: Vault, g: _Gathered) -> None:
    size, note = g.hq_checkpoint
    verifier = signednote.Verifier(
        name=vault.device.device_id,
        key_id=signednote.key_id(vault.device.device_id, vault.device.public_key),
        public_key=vault.device.public_key,
    )
    try:
        cp = parse_checkpoint(signednote.open_note(note, [verifier]).text)
    except (signednote.NoteError, CheckpointError) as exc:
        raise IntegrityError(f"HQ's newest checkpoint does not verify: {exc}") from exc
    if cp.size != size or Frontier.from_leaves(g.hq_leaves).root() != cp.root:
        raise IntegrityError("HQ's audit log does not hash to its newest signed checkpoint")


def _check_versions(g: _Gathered) -> None:
    for v in g.versions:
        if v.seq in g.redacted:
            continue
        try:
            fresh = hashlib.sha256(v.preimage()).hexdigest()
        except canonical.CanonicalJSONError:
            fresh = ""
        if fresh != v.sha256:
            raise IntegrityError(
                f"version {v.version} of {v.kind} {v.record_id} does not match its hash; "
                "run 'log verify'"
            )


# --- writing ----------------------------------------------------------------------------------
class _BagFolder:
    """A BagIt 1.0 bag written file by file into a folder (sync.bag writes into a tar stream).

    Every payload file is hashed while written and fsynced, so the manifest is made from the
    bytes that reached the disk, in one pass.
    """

    def __init__(self, root: Path, check: Callable[[], None] = lambda: None) -> None:
        self.root = root
        self.manifest: dict[str, str] = {}
        self.octets = 0
        self._check = check  # raises to stop (cancel) between chunks of a large original

    def _target(self, path: str) -> Path:
        target = self.root.joinpath(*path.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add_bytes(self, path: str, data: bytes) -> str:
        return self.add_stream(path, iter((data,)))

    def add_stream(self, path: str, chunks: Iterable[bytes]) -> str:
        digest = hashlib.sha256()
        size = 0
        with self._target(path).open("xb") as out:
            for chunk in chunks:
                self._check()
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if path.startswith("data/"):
            self.manifest[path] = digest.hexdigest()
            self.octets += size
        return digest.hexdigest()

    def add_file(self, path: str) -> None:
        """Account for a payload file written by someone else (the custody PDF)."""
        digest = hashlib.sha256()
        full = self._target(path)
        with full.open("rb") as f:
            while chunk := f.read(_COPY_CHUNK):
                digest.update(chunk)
                self.octets += len(chunk)
            os.fsync(f.fileno())
        self.manifest[path] = digest.hexdigest()

    def finish(self, bag_info: Sequence[tuple[str, str]], tag_files: Sequence[str]) -> str:
        """Write the manifests and bag-info; return the tag manifest's SHA-256."""
        info = [*bag_info, ("Payload-Oxum", f"{self.octets}.{len(self.manifest)}")]
        for label, value in info:
            if "\n" in value or "\r" in value or value != value.strip():
                raise PackageError(f"bag-info value of {label} is not one trimmed line")
        manifest = "".join(
            f"{digest}  {encode_path(path)}\n" for path, digest in sorted(self.manifest.items())
        ).encode("utf-8")
        tags: dict[str, bytes] = {
            "bagit.txt": BAGIT_TXT,
            "bag-info.txt": "".join(f"{k}: {v}\n" for k, v in info).encode("utf-8"),
            "manifest-sha256.txt": manifest,
        }
        lines = []
        for name, data in tags.items():
            lines.append(f"{self.add_bytes(name, data)}  {name}\n")
        for name in tag_files:
            lines.append(f"{_sha256_file(self.root / name)}  {encode_path(name)}\n")
        tagmanifest = "".join(lines).encode("utf-8")
        return self.add_bytes("tagmanifest-sha256.txt", tagmanifest)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def verifier_source() -> Path:
    """The standalone verifier copied into every package (`tools/verify_package.py`).

    From a checkout it is beside the package; the frozen app carries it under `tools/`.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    base = Path(frozen_root) if frozen_root else Path(__file__).resolve().parents[2]
    path = base / "tools" / VERIFIER_NAME
    if not path.is_file():
        raise PackageError(f"the standalone verifier {path} is missing from this installation")
    return path


def _jsonl(lines: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(
        json.dumps(line, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
        for line in lines
    )


def _pretty(value: Any) -> bytes:
    return (json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class ProofMaker:
    """RFC 6962 inclusion proofs for many leaves of one tree, each subtree hashed once.

    `merkle.inclusion_proof` rehashes the whole tree for every proof (0.3 s at 100k leaves);
    a package proves dozens of entries of the same log, so the subtree hashes are kept. The
    proofs are the same as `merkle.inclusion_proof` gives (a test holds them equal).
    """

    def __init__(self, leaves: Sequence[bytes], size: int) -> None:
        if not 0 <= size <= len(leaves):
            raise ValueError(f"tree size {size} is outside the {len(leaves)} leaves given")
        self._leaves = leaves
        self.size = size
        self._memo: dict[tuple[int, int], bytes] = {}

    def _hash(self, lo: int, hi: int) -> bytes:
        # Iterative post-order walk: no recursion limit, every range computed once.
        stack = [(lo, hi)]
        while stack:
            a, b = stack[-1]
            if (a, b) in self._memo:
                stack.pop()
                continue
            if b - a == 1:
                self._memo[(a, b)] = self._leaves[a]
                stack.pop()
                continue
            k = 1 << ((b - a - 1).bit_length() - 1)
            left, right = (a, a + k), (a + k, b)
            missing = [r for r in (left, right) if r not in self._memo]
            if missing:
                stack.extend(missing)
                continue
            self._memo[(a, b)] = node_hash(self._memo[left], self._memo[right])
            stack.pop()
        return self._memo[(lo, hi)]

    def proof(self, index: int) -> list[bytes]:
        """The audit path of leaf `index`, deepest sibling first (RFC 6962 PATH)."""
        if not 0 <= index < self.size:
            raise ValueError(f"leaf index {index} is outside a tree of size {self.size}")
        path: list[bytes] = []
        lo, hi, m = 0, self.size, index
        while hi - lo > 1:
            k = 1 << ((hi - lo - 1).bit_length() - 1)
            if m < k:
                path.append(self._hash(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._hash(lo, lo + k))
                lo, m = lo + k, m - k
        path.reverse()
        return path


def _proof_line(idx: int, entry: bytes, maker: ProofMaker) -> dict[str, Any]:
    return {
        "idx": idx,
        "entry": entry.decode("utf-8"),
        "leaf_hash": leaf_hash(entry).hex(),
        "tree_size": maker.size,
        "proof": [p.hex() for p in maker.proof(idx)],
    }


def _hq_log_key_statement(vault: Vault, keys: HqKeys, at: str) -> str:
    """HQ's root key vouching for the key that signs HQ's own log (not otherwise certified)."""
    public_key = vault.device.public_key
    text = (
        f"{keys.origin}/{HQ_LOG_KEY_KIND}/v1\n"
        f"log {auditlog.origin(vault.device.device_id)}\n"
        f"key {base64.b64encode(public_key).decode('ascii')}\n"
        f"code {device_code(public_key)}\n"
        f"issued {at}\n"
    )
    return signednote.sign(text, keys.root_name, keys.root)


def _withheld_file(v: _Version, redacted: bool) -> bytes:
    body = canonical.loads(v.body)
    assert isinstance(body, dict)
    shown = {k: val for k, val in body.items() if k != "identity"}
    why = (
        "This version's stored body was redacted in this vault (see its redactions table)."
        if redacted
        else "The witness's identity fields are withheld from this package."
    )
    return _pretty(
        {
            "withheld": ["body" if redacted else "body.identity"],
            "why": (
                f"{why} The version's sha256 below is proven in the signed log; its content "
                "cannot be recomputed without what was withheld."
            ),
            "sha256": v.sha256,
            "kind": v.kind,
            "record_id": v.record_id,
            "version": v.version,
            "author": v.author,
            "device_id": v.device_id,
            "at": v.at,
            "reason": v.reason,
            "deleted": v.deleted,
            "body_without_identity": shown,
        }
    )


def _carrying_bundle(dev: _DeviceLog, idx: int) -> _Bundle | None:
    """The first bundle whose log covers leaf `idx`: the one that first carried it to HQ."""
    for bundle in sorted(dev.bundles, key=lambda b: b.seq):
        if bundle.log_size > idx:
            return bundle
    return None


def _importing_bundle(dev: _DeviceLog, carrying: _Bundle) -> _Bundle | None:
    """The imported bundle that brought a carrying bundle's content (itself, unless covered)."""
    for bundle in sorted(dev.bundles, key=lambda b: b.seq):
        if bundle.seq >= carrying.seq and bundle.state == "imported":
            return bundle
    return None


def _device_events(dev: _DeviceLog) -> dict[int, tuple[int, dict[str, Any]]]:
    """bundle seq -> (leaf idx, entry) of the device's own `bundle_exported` events."""
    found: dict[int, tuple[int, dict[str, Any]]] = {}
    for idx, entry in enumerate(dev.entries):
        if b'"bundle_exported"' not in entry:
            continue
        parsed = canonical.loads(entry)
        if isinstance(parsed, dict) and parsed.get("type") == "bundle_exported":
            found[int(parsed.get("seq", 0))] = (idx, parsed)
    return found


@dataclass
class _Plan:
    """Everything decided before the first byte is written."""

    record_files: list[tuple[str, bytes, _Version, bool]]
    originals: list[tuple[str, dict[str, Any]]]
    device_lines: dict[str, list[dict[str, Any]]]
    hq_lines: list[dict[str, Any]]
    receipts: dict[str, dict[int, str]]
    provenance: dict[str, Any]
    custody: CustodyReport


def _receipt_time(receipt: str | None, keys: HqKeys) -> str:
    if not receipt:
        return ""
    try:
        opened = open_receipt(receipt, [keys.recipients.receipt_verifier()])
    except StatementError:
        return ""
    return opened.time.strftime("%Y-%m-%dT%H:%M:%SZ")


def _plan(
    vault: Vault,
    g: _Gathered,
    keys: HqKeys,
    include_identities: bool,
    now: str,
) -> _Plan:
    hq_size = g.hq_checkpoint[0]
    record_files: list[tuple[str, bytes, _Version, bool]] = []
    device_idx: dict[str, set[int]] = {d: set() for d in g.devices}
    hq_idx: set[int] = set()
    version_facts: list[dict[str, Any]] = []
    leaf_of: dict[int, tuple[str, int]] = {}
    for v in g.versions:
        withheld = v.seq in g.redacted or (v.kind == "witness" and not include_identities)
        if withheld:
            data = _withheld_file(v, v.seq in g.redacted)
            name = f"data/records/{v.record_id}/{v.version}.withheld.json"
        else:
            data = v.preimage()
            name = f"data/records/{v.record_id}/{v.version}.json"
        record_files.append((name, data, v, withheld))
        facts: dict[str, Any] = {
            "file": name,
            "kind": v.kind,
            "record_id": v.record_id,
            "version": v.version,
            "sha256": v.sha256,
            "author": v.author,
            "device_id": v.device_id,
            "at": v.at,
            "reason": v.reason,
            "deleted": v.deleted,
            "content_withheld": withheld,
        }
        dev = g.devices.get(v.device_id)
        if dev is not None:
            idx = dev.by_hash.get(leaf_hash(auditlog.stored_version_entry(v)))
            assert dev.head is not None
            if idx is None or idx >= dev.head.log_size:
                raise IntegrityError(
                    f"version {v.version} of {v.kind} {v.record_id} is not in the signed log "
                    f"of device {dev.code}"
                )
            device_idx[v.device_id].add(idx)
            leaf_of[v.seq] = (v.device_id, idx)
            carrying = _carrying_bundle(dev, idx)
            facts["device_log"] = {"device_id": v.device_id, "idx": idx}
            if carrying is not None:
                facts["bundle_seq"] = carrying.seq
                dev.chosen.add(carrying.seq)
                importing = _importing_bundle(dev, carrying)
                if importing is not None:
                    dev.chosen.add(importing.seq)
        hq_leaf = g.hq_version_leaf.get(v.seq)
        if hq_leaf is not None and hq_leaf < hq_size:
            hq_idx.add(hq_leaf)
            facts["hq_log"] = {"idx": hq_leaf}
        version_facts.append(facts)

    # Device events: the export of each chosen bundle, when HQ already holds its log entry.
    # The bundle whose note is the signed head is chosen too: its receipt and import matter.
    exported: dict[str, dict[int, tuple[int, dict[str, Any]]]] = {}
    for device_id, dev in g.devices.items():
        assert dev.head is not None
        dev.chosen.add(dev.head.seq)
        events = _device_events(dev)
        exported[device_id] = events
        for seq in dev.chosen:
            if seq in events and events[seq][0] < dev.head.log_size:
                device_idx[device_id].add(events[seq][0])

    # HQ events: the receipt into the inbox and the import of each chosen bundle.
    chosen_inbox = {
        b.inbox_sha256
        for dev in g.devices.values()
        for b in dev.bundles
        if b.seq in dev.chosen and b.inbox_sha256
    }
    received: dict[str, tuple[int, dict[str, Any]]] = {}
    imported: dict[str, tuple[int, dict[str, Any]]] = {}
    for idx, entry in g.hq_events:
        sha = str(entry.get("sha256") or entry.get("inbox_sha256") or "")
        if not sha or sha not in chosen_inbox or idx >= hq_size:
            continue
        if entry.get("type") == "bundle_received":
            received.setdefault(sha, (idx, entry))
            hq_idx.add(idx)
        elif entry.get("type") == "bundle_imported":
            imported[sha] = (idx, entry)
            hq_idx.add(idx)
    for idx, entry in g.hq_events:
        # When HQ certified each device: the certificate's hash, in HQ's own signed log.
        if (
            entry.get("type") == "device_enrolled"
            and entry.get("device_id") in g.devices
            and idx < hq_size
        ):
            hq_idx.add(idx)

    device_lines: dict[str, list[dict[str, Any]]] = {}
    for device_id, dev in g.devices.items():
        assert dev.head is not None
        maker = ProofMaker(dev.leaves, dev.head.log_size)
        device_lines[device_id] = [
            _proof_line(i, dev.entries[i], maker) for i in sorted(device_idx[device_id])
        ]
    hq_maker = ProofMaker(g.hq_leaves, hq_size)
    hq_lines = [_proof_line(i, g.hq_entries[i], hq_maker) for i in sorted(hq_idx)]
    receipts = {
        device_id: {b.seq: b.receipt for b in dev.bundles if b.seq in dev.chosen and b.receipt}
        for device_id, dev in g.devices.items()
    }

    # Originals: every evidence item's content hash, from its newest version.
    latest: dict[str, _Version] = {}
    for v in g.versions:
        if v.kind == "evidence":
            latest[v.record_id] = v
    originals: list[tuple[str, dict[str, Any]]] = []
    seen_sha: set[str] = set()
    items: list[CustodyItem] = []
    first_version = {
        v.record_id: v for v in reversed(g.versions) if v.kind == "evidence" and v.version == 1
    }
    for record_id, v in latest.items():
        body = canonical.loads(v.body)
        if not isinstance(body, dict) or v.deleted:
            continue
        sha = str(body.get("sha256", ""))
        if sha not in seen_sha:
            seen_sha.add(sha)
            originals.append((sha, body))
        items.append(
            _custody_item(
                vault,
                g,
                keys,
                record_id,
                body,
                first_version.get(record_id, v),
                leaf_of,
                exported,
                received,
                imported,
                now,
            )
        )

    incident_body = canonical.loads(g.incident.body)
    assert isinstance(incident_body, dict)
    summaries = tuple(
        RecordSummary(
            kind=v.kind,
            record_id=v.record_id,
            version=v.version,
            at=v.at,
            author=v.author,
            device=g.devices[v.device_id].code if v.device_id in g.devices else "HQ",
            sha256=v.sha256,
            withheld=withheld,
        )
        for _, _, v, withheld in record_files
    )
    custody = CustodyReport(
        incident_id=g.incident.record_id,
        ref_code=str(incident_body.get("ref_code", "")),
        title=str(incident_body.get("title", "")),
        cell_name=vault.device.cell_name,
        hq_origin=keys.origin,
        root_vkey=keys.recipients.root,
        created_at=now,
        created_by=vault.user,
        identities_included=include_identities,
        items=tuple(items),
        records=summaries,
    )
    provenance = {
        "format": PACKAGE_FORMAT,
        "incident": {
            "id": g.incident.record_id,
            "ref_code": custody.ref_code,
            "title": custody.title,
        },
        "created": {"at": now, "by": vault.user, "hq": keys.origin},
        "trust_anchor": {"hq_root_vkey": keys.recipients.root},
        "identities_included": include_identities,
        "versions": version_facts,
        "devices": [
            {
                "device_id": dev.device_id,
                "code": dev.code,
                "analyst": dev.analyst,
                "signed_log_size": dev.head.log_size if dev.head else 0,
                "signed_by_bundle": dev.head.seq if dev.head else 0,
                "bundles": [
                    {"seq": b.seq, "state": b.state, "inbox_sha256": b.inbox_sha256, "at": b.at}
                    for b in dev.bundles
                    if b.seq in dev.chosen
                ],
            }
            for dev in g.devices.values()
        ],
        "hq_log": {"size": hq_size},
        "originals": [
            {
                "sha256": sha,
                "size": body.get("size"),
                "media_type": body.get("media_type"),
                "original_name": body.get("original_name"),
            }
            for sha, body in originals
        ],
        "custody": [
            {
                "evidence_id": item.evidence_id,
                "sha256": item.sha256,
                "events": [
                    {
                        "at": e.at,
                        "stage": e.stage,
                        "actor": e.actor,
                        "place": e.place,
                        "detail": e.detail,
                        "sha256": e.sha256,
                    }
                    for e in item.events
                ],
            }
            for item in items
        ],
    }
    return _Plan(record_files, originals, device_lines, hq_lines, receipts, provenance, custody)


def _custody_item(
    vault: Vault,
    g: _Gathered,
    keys: HqKeys,
    record_id: str,
    body: dict[str, Any],
    first: _Version,
    leaf_of: dict[int, tuple[str, int]],
    exported: dict[str, dict[int, tuple[int, dict[str, Any]]]],
    received: dict[str, tuple[int, dict[str, Any]]],
    imported: dict[str, tuple[int, dict[str, Any]]],
    now: str,
) -> CustodyItem:
    sha = str(body.get("sha256", ""))
    events: list[CustodyEvent] = []
    dev = g.devices.get(first.device_id)
    place = f"field device {dev.code}" if dev else "HQ"
    if body.get("capture_time"):
        events.append(
            CustodyEvent(
                at=str(body["capture_time"]),
                stage="capture",
                actor=f"{body.get('make', '')} {body.get('model', '')}".strip() or "camera",
                place="device that took it (its own clock, from the file's metadata)",
                detail=f"original file {body.get('original_name', '')}",
            )
        )
    events.append(
        CustodyEvent(
            at=first.at,
            stage="ingest",
            actor=first.author,
            place=place,
            detail="original hashed and sealed in the encrypted vault; record version 1 logged",
            sha256=sha,
        )
    )
    located = leaf_of.get(first.seq)
    if dev is not None and located is not None:
        carrying = _carrying_bundle(dev, located[1])
        if carrying is not None:
            event = exported.get(dev.device_id, {}).get(carrying.seq)
            events.append(
                CustodyEvent(
                    at=str(event[1].get("at", "")) if event else "",
                    stage="bundle export",
                    actor=str(event[1].get("author", dev.analyst)) if event else dev.analyst,
                    place=place,
                    detail=(
                        f"encrypted bundle {carrying.seq} signed by the device"
                        + ("" if event else "; its export time travels with a later bundle")
                    ),
                    sha256=hashlib.sha256(carrying.note.encode("utf-8")).hexdigest(),
                )
            )
            importing = _importing_bundle(dev, carrying)
            if importing is not None and importing.inbox_sha256:
                inbox = g.inbox.get(importing.inbox_sha256)
                if inbox is not None:
                    events.append(
                        CustodyEvent(
                            at=inbox[0],
                            stage="HQ inbox",
                            actor=inbox[1],
                            place="HQ",
                            detail=f"bundle file {inbox[2]} ({inbox[3]} bytes) received unchanged",
                            sha256=importing.inbox_sha256,
                        )
                    )
                imp = imported.get(importing.inbox_sha256)
                events.append(
                    CustodyEvent(
                        at=str(imp[1].get("at", importing.at)) if imp else importing.at,
                        stage="import",
                        actor=str(imp[1].get("author", "")) if imp else "",
                        place="HQ",
                        detail=(
                            f"bundle {importing.seq} verified and imported; original stored in "
                            "HQ's encrypted evidence store"
                        ),
                        sha256=sha,
                    )
                )
                if importing.receipt:
                    events.append(
                        CustodyEvent(
                            at=_receipt_time(importing.receipt, keys),
                            stage="receipt",
                            actor=keys.receipt_name,
                            place="HQ",
                            detail=f"signed receipt for bundle {importing.seq} issued to device",
                            sha256=hashlib.sha256(importing.receipt.encode("utf-8")).hexdigest(),
                        )
                    )
    events.append(
        CustodyEvent(
            at=now,
            stage="package",
            actor=vault.user,
            place="HQ",
            detail="copied into this evidence package from HQ's evidence store",
            sha256=sha,
        )
    )
    return CustodyItem(
        evidence_id=record_id,
        original_name=str(body.get("original_name", "")),
        sha256=sha,
        size=int(body.get("size", 0) or 0),
        media_type=str(body.get("media_type", "")),
        events=tuple(events),
    )


# --- VERIFY.txt -----------------------------------------------------------------------------------
def verify_text(plan: _Plan, keys: HqKeys, vault: Vault) -> str:
    """The plain-language instructions that travel with every package."""
    custody = plan.custody
    n_versions = len(plan.record_files)
    n_withheld = sum(1 for *_, w in plan.record_files if w)
    return f"""EVIDENCE PACKAGE - HOW TO CHECK IT
==================================

Incident:   {custody.ref_code} {custody.title}
            (id {custody.incident_id})
Made by:    {custody.created_by} at {custody.hq_origin}, {custody.created_at}
Cell:       {custody.cell_name}

WHAT IS IN THIS FOLDER
----------------------
This folder is a BagIt bag (RFC 8493). Everything under data/ is listed with its SHA-256
in manifest-sha256.txt; the other files (this one, the verifier, the manifests) are listed in
tagmanifest-sha256.txt. The SHA-256 of tagmanifest-sha256.txt is the package hash that HQ
wrote in its signed audit log when it made this package.

  data/originals/<sha256>        {len(plan.originals)} evidence original(s), named by SHA-256
  data/records/<id>/<n>.json     {n_versions} record version(s) (incident and linked records); each
                                 file is exactly the bytes whose SHA-256 is the version hash
  data/records/<id>/<n>.withheld.json
                                 {n_withheld} version(s) with the witness identity withheld: the
                                 hash is proven in the log, the content cannot be recomputed
  data/log/<device>/entries.jsonl  the field device's log entries for these versions, each with
                                 an RFC 6962 inclusion proof against checkpoint.note (the
                                 device-signed bundle note whose "log" line is its tree head)
  data/log/hq/entries.jsonl      HQ's own log entries (versions, bundle received and imported)
                                 with proofs against HQ's signed checkpoint.note
  data/certificates/             hq-root.vkey (HQ's root key: the one key you must trust),
                                 recipients.note, hq-log-key.note and devices/<device>.note,
                                 all signed by that root key
  data/receipts/                 HQ's signed receipts for the bundles that carried the items
  data/provenance.json           who recorded each version, where, when and why
  data/custody.pdf               chain of custody of each original, with hashes
  tools/verify_package.py        the standalone verifier

FIRST: CONFIRM THE ROOT KEY
---------------------------
Everything below rests on HQ's root key. Confirm with HQ, by a channel you trust (phone,
letter, in person), that its root key is:

  {keys.recipients.root}

CHECK WITH THE VERIFIER (Python 3.10+ and the "cryptography" package only)
-------------------------------------------------------------------------
  python3 -m pip install cryptography
  python3 tools/verify_package.py .   (run inside this folder, or give its path)
  python3 tools/verify_package.py . --root-vkey '{keys.recipients.root}'

It prints every check and ends with "RESULT: PASS" (exit code 0) or "RESULT: FAIL" and the
failures (exit code 1). It checks the BagIt manifests; the SHA-256 of every original and every
record version; that every original belongs to a proven evidence record; each log entry's
leaf hash and inclusion proof against its checkpoint; each checkpoint's Ed25519 signature
with the key in the device certificate (or HQ's log-key statement); each certificate's
signature by the root key; and that every record version's hash is in a proven log entry.

The copy of the verifier in tools/ is covered by the tag manifest, but whoever could change
the package could change it too: an independent expert should read it (one file, about 600
lines) or use a copy obtained separately, and may prefer the steps below.

CHECK BY HAND (without the verifier)
------------------------------------
1. Files:   cd into this folder, then   sha256sum -c manifest-sha256.txt
            and                         sha256sum -c tagmanifest-sha256.txt
            Every line must say OK.
2. Package hash:  sha256sum tagmanifest-sha256.txt   must equal the package_created entry
            in HQ's audit log for this package (ask HQ for it).
3. Originals:  sha256sum data/originals/*   each hash must equal the file's name, and the
            "sha256" in the body of an evidence record in data/records/.
4. Records:  sha256sum data/records/*/*.json   (not the .withheld.json files): each hash is
            the version hash; find it as "sha256" in an entry of data/log/*/entries.jsonl.
5. Log:     for an entry, the leaf hash is SHA-256 of one 0x00 byte followed by the "entry"
            text (UTF-8). Combine it with each "proof" hash as RFC 9162 section 2.1.3.2
            says (node = SHA-256(0x01 || left || right)); the result must be the root in
            checkpoint.note (base64: the third line of a checkpoint, or the second word of
            the "log" line of a bundle note, whose first word is the tree size).
6. Signatures: each note is C2SP signed-note text; the last line "<em dash> <name> <base64>"
            holds a 4-byte key id and an Ed25519 signature over the text above the blank
            line. Device notes verify with the "key" in data/certificates/devices/<device>.note;
            certificates and hq-log-key.note verify with the root key above.

Package format: {PACKAGE_FORMAT}. Made by fieldapp on vault {vault.device.code}.
"""


# --- the entry point ------------------------------------------------------------------------------
def incident_id_for(vault: Vault, key: str) -> str:
    """An incident's id from its id or its reference code (what people quote in court papers)."""
    key = key.strip()
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT id FROM incidents WHERE id = ? OR ref_code = ?", (key, key.upper())
        ).fetchone()
        if row is None:
            # A deleted incident has no register row, but its versions are still evidence.
            row = conn.execute(
                "SELECT record_id FROM versions WHERE record_id = ? AND kind = 'incident' LIMIT 1",
                (key,),
            ).fetchone()
    if row is None:
        raise RecordNotFound(f"There is no incident with id or reference code {key!r}.")
    return str(row[0])


def _check_destination(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise PackageDestinationError(
            f"{out_dir} already exists and is not an empty folder; choose a new folder name."
        )
    if not out_dir.parent.is_dir():
        raise PackageDestinationError(f"The folder {out_dir.parent} does not exist.")


def _stream_original(vault: Vault, sha: str) -> Iterator[bytes]:
    return vault.blob_store().open_plaintext(sha)


def build_package(
    vault: Vault,
    incident_id: str,
    out_dir: Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    custody_writer: CustodyWriter,
    include_identities: bool = False,
    reason: str = "",
) -> PackageResult:
    """Write the court package of one incident to `out_dir` (which must not exist or be empty).

    Everything is checked before it goes in (each version's hash from its stored bytes, each
    device log against its signed head, HQ's log against its checkpoint, each original as it
    streams), because a package that fails its own verifier in court is worse than none.
    Witness identities go in only with `include_identities` and a `reason`, both logged.
    """
    out_dir = Path(out_dir)
    reason = reason.strip()
    if include_identities and not reason:
        raise IdentityReasonMissing(
            "Including witness identities needs a reason; it is recorded in the audit log."
        )
    vault.forbid_review("make evidence packages")
    if vault.device.role != "hq":
        raise PackageError(
            "Evidence packages are made at HQ, which holds the device certificates and logs; "
            "this is a field vault."
        )
    _check_destination(out_dir)
    keys = load_hq_keys(vault)
    g = _gather(vault, incident_id)
    _check_versions(g)
    for dev in g.devices.values():
        _check_device_head(dev, keys)
    _check_hq_checkpoint(vault, g)
    now = vault.now()
    plan = _plan(vault, g, keys, include_identities, now)

    total = len(plan.record_files) + len(plan.originals) + 4
    done = 0

    def check() -> None:
        if cancel is not None and cancel():
            raise PackageCancelled("Making the package was cancelled; nothing was written.")

    def step() -> None:
        nonlocal done
        check()
        done += 1
        if progress is not None:
            progress(min(done, total), total)

    tmp = out_dir.parent / f".{out_dir.name}.partial-{secrets.token_hex(4)}"
    try:
        tmp.mkdir(mode=0o700)
    except OSError as exc:
        raise PackageDestinationError(
            f"Cannot write in {out_dir.parent}: {exc.strerror or exc}."
        ) from exc
    try:
        bag = _BagFolder(tmp, check)
        step()
        for sha, _ in plan.originals:
            bag.add_stream(f"data/originals/{sha}", _stream_original(vault, sha))
            step()
        for name, data, _, _ in plan.record_files:
            bag.add_bytes(name, data)
            step()
        for device_id, lines in plan.device_lines.items():
            dev = g.devices[device_id]
            assert dev.head is not None
            bag.add_bytes(f"data/log/{device_id}/entries.jsonl", _jsonl(lines))
            bag.add_bytes(f"data/log/{device_id}/checkpoint.note", dev.head.note.encode("utf-8"))
            bag.add_bytes(
                f"data/certificates/devices/{device_id}.note", dev.certificate.encode("utf-8")
            )
            for seq, receipt in sorted(plan.receipts[device_id].items()):
                bag.add_bytes(f"data/receipts/{device_id}/{seq}.note", receipt.encode("utf-8"))
        bag.add_bytes("data/log/hq/entries.jsonl", _jsonl(plan.hq_lines))
        bag.add_bytes("data/log/hq/checkpoint.note", g.hq_checkpoint[1].encode("utf-8"))
        bag.add_bytes("data/certificates/hq-root.vkey", (keys.recipients.root + "\n").encode())
        bag.add_bytes("data/certificates/recipients.note", keys.recipients_note.encode("utf-8"))
        bag.add_bytes(
            "data/certificates/hq-log-key.note",
            _hq_log_key_statement(vault, keys, now).encode("utf-8"),
        )
        bag.add_bytes("data/provenance.json", _pretty(plan.provenance))
        step()
        custody_path = tmp / "data" / "custody.pdf"
        custody_writer(plan.custody, custody_path)
        bag.add_file("data/custody.pdf")
        step()
        bag.add_bytes("VERIFY.txt", verify_text(plan, keys, vault).encode("utf-8"))
        bag.add_stream(f"tools/{VERIFIER_NAME}", iter((verifier_source().read_bytes(),)))
        tagmanifest_sha256 = bag.finish(
            [
                ("Source-Organization", _one_line(vault.device.cell_name)),
                ("HQ-Origin", _one_line(keys.origin)),
                ("External-Identifier", _one_line(plan.custody.ref_code or incident_id)),
                ("External-Description", _one_line(f"Evidence package of {plan.custody.title}")),
                ("Bagging-Date", now[:10]),
                ("Bag-Software-Agent", "fieldapp"),
                ("Package-Format", PACKAGE_FORMAT),
            ],
            ["VERIFY.txt", f"tools/{VERIFIER_NAME}"],
        )
        _fsync_tree(tmp)
        step()
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PackageWriteError(
            f"The package could not be written in {out_dir.parent}: {exc.strerror or exc}. "
            "Nothing was left there."
        ) from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        with vault.writing():
            vault.log_event(
                {
                    "type": "package_created",
                    "incident_id": incident_id,
                    "package_sha256": tagmanifest_sha256,
                    "folder": out_dir.name[:200],
                    "record_versions": len(plan.record_files),
                    "originals": len(plan.originals),
                    "identities_included": include_identities,
                    "reason": reason[:2000],
                },
                now,
            )
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # Logged first, then renamed (as a bundle export): a crash in between leaves a logged
    # package under its temporary name, never an unlogged one at the destination.
    try:
        if out_dir.exists():
            out_dir.rmdir()  # empty (checked above); rename cannot replace a folder otherwise
        os.replace(tmp, out_dir)
    except OSError as exc:
        raise PackageWriteError(
            f"The package (hash {tagmanifest_sha256}, logged) was written as {tmp} but could "
            f"not be renamed to {out_dir}: {exc.strerror or exc}. Rename it by hand."
        ) from exc
    _fsync_dir(out_dir.parent)
    return PackageResult(
        path=out_dir,
        tagmanifest_sha256=tagmanifest_sha256,
        record_versions=len(plan.record_files),
        withheld_versions=sum(1 for *_, w in plan.record_files if w),
        originals=len(plan.originals),
        payload_bytes=bag.octets,
        payload_files=len(bag.manifest),
        devices=tuple(dev.code for dev in g.devices.values()),
        identities_included=include_identities,
    )


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500] or "-"


__all__ = [
    "CustodyEvent",
    "CustodyItem",
    "CustodyReport",
    "CustodyWriter",
    "IdentityReasonMissing",
    "PackageCancelled",
    "PackageDestinationError",
    "PackageError",
    "PackageResult",
    "PackageWriteError",
    "RecordSummary",
    "build_package",
    "incident_id_for",
    "verifier_source",
]
