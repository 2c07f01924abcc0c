"""Build sync bundles by hand for the HQ import tests, hostile ones included.

The real exporter (`sync.fieldsync`) makes only well-formed bundles; these tests also
need a bundle whose note, log, records or archive is wrong in one precise way. So this builder
reads a real field vault's rows and writes the BUNDLE.md layout itself, with hooks to change any
file or the note before signing, using the project's own BagWriter, age and statements.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import canonical
from fieldapp.store import auditlog, records, signednote
from fieldapp.store.checkpoint import format_checkpoint, parse_checkpoint
from fieldapp.store.merkle import Frontier, leaf_hash
from fieldapp.store.vault import Vault
from sync import age
from sync.bag import BagWriter
from sync.statements import GENESIS, BundleNote, note_hash

Files = dict[str, bytes]


def bag_bytes(files: Files, sign: Callable[[str], bytes] | None) -> bytes:
    """A ustar stream holding a bag of `files`; `sign(tagmanifest_sha256)` gives the note."""
    out = io.BytesIO()
    writer = BagWriter(out)
    for path, data in files.items():
        writer.add_payload_bytes(path, data)
    tagmanifest = writer.finish()
    writer.close(sign(tagmanifest) if sign is not None else None)
    return out.getvalue()


def encrypt(plaintext: bytes, recipients: Sequence[age.HybridRecipient | str]) -> bytes:
    out = io.BytesIO()
    age.encrypt(io.BytesIO(plaintext), out, recipients)
    return out.getvalue()


def write_bundle(folder: Path, data: bytes) -> Path:
    """Save bundle bytes under a random name, as the field does."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.chmb"
    path.write_bytes(data)
    return path


@dataclass
class Sent:
    """What a built bundle carried: its bytes and its signed note."""

    data: bytes
    note: str
    seq: int
    version_seq: int = 0  # the field's highest versions.seq when it was built
    log_size: int = 0

    @property
    def hash(self) -> str:
        return note_hash(self.note)


@dataclass
class FieldSide:
    """A field vault plus the export state the builder keeps for it (like `bundles_out`)."""

    vault: Vault
    recipients: tuple[str, ...]  # age recipient strings: primary, escrow
    to: tuple[str, ...]  # their fingerprints as the note's `to`
    sent: list[Sent] = field(default_factory=list)
    acked_version_seq: int = 0
    acked_log_size: int = 0
    ack: int = 0

    @property
    def device_id(self) -> str:
        return self.vault.device.device_id

    def files(self) -> Files:
        """records.jsonl, auditlog.jsonl, checkpoint.note and evidence, cumulative since ack."""
        with self.vault.reading() as conn:
            rows = conn.execute(
                "SELECT record_id, kind, version, author, device_id, at, reason, deleted, body, "
                "sha256 FROM versions WHERE seq > ? ORDER BY seq",
                (self.acked_version_seq,),
            ).fetchall()
            leaves = conn.execute(
                "SELECT idx, entry FROM audit_leaves WHERE idx >= ? ORDER BY idx",
                (self.acked_log_size,),
            ).fetchall()
            checkpoint = auditlog.latest_checkpoint(conn)
        lines = []
        blobs: list[str] = []
        for record_id, kind, version, author, device, at, reason, deleted, body, sha in rows:
            parsed = canonical.loads(bytes(body))
            lines.append(
                canonical.dumps(
                    {
                        "at": at,
                        "author": author,
                        "body": parsed,
                        "deleted": bool(deleted),
                        "device": device,
                        "kind": kind,
                        "reason": reason,
                        "record_id": record_id,
                        "sha256": sha,
                        "version": int(version),
                    }
                )
            )
            if kind == "evidence" and not deleted:
                blobs.append(str(parsed["sha256"]))
        log = [
            canonical.dumps({"entry": canonical.loads(bytes(entry)), "idx": int(idx)})
            for idx, entry in leaves
        ]
        files: Files = {
            "data/records.jsonl": b"".join(line + b"\n" for line in lines),
            "data/auditlog.jsonl": b"".join(line + b"\n" for line in log),
            "data/checkpoint.note": checkpoint.encode("utf-8"),
        }
        store = self.vault.blob_store()
        for sha in sorted(set(blobs)):
            files[f"data/evidence/{sha}"] = b"".join(store.open_plaintext(sha))
        for sent in self.sent:
            if sent.seq > self.ack:
                files[f"data/chain/{sent.seq}.note"] = sent.note.encode("utf-8")
        return files

    def note(self, tagmanifest: str, checkpoint: str, **changes: Any) -> BundleNote:
        """The note the next bundle would carry; `changes` override any field.

        Its `log` line is read from `checkpoint` (the bundle's own data/checkpoint.note), so a
        test that re-signs the checkpoint gets a consistent note without more work.
        """
        cp = parse_checkpoint(checkpoint.split("\n\n", 1)[0] + "\n")
        seq = len(self.sent) + 1
        base = BundleNote(
            origin=auditlog.origin(self.device_id),
            device=self.device_id,
            seq=seq,
            prev=self.sent[-1].hash if self.sent else GENESIS,
            to=self.to,
            tagmanifest_sha256=tagmanifest,
            log_size=cp.size,
            log_root=cp.root,
            ack=self.ack,
        )
        return replace(base, **changes)

    def bundle(
        self,
        *,
        files_hook: Callable[[Files], None] | None = None,
        note_hook: Callable[[BundleNote], BundleNote] | None = None,
        text_hook: Callable[[str], str] | None = None,
        key: Ed25519PrivateKey | None = None,
        recipients: Sequence[str] | None = None,
        remember: bool = True,
    ) -> Sent:
        """Build the next bundle; hooks make it hostile. `remember` advances the seq."""
        with self.vault.reading() as conn:
            (top,) = conn.execute("SELECT coalesce(max(seq), 0) FROM versions").fetchone()
        files = self.files()
        if files_hook is not None:
            files_hook(files)
        signed: list[str] = []

        def sign(tagmanifest: str) -> bytes:
            note = self.note(tagmanifest, files["data/checkpoint.note"].decode("utf-8"))
            if note_hook is not None:
                note = note_hook(note)
            body = note.format() if text_hook is None else text_hook(note.format())
            text = signednote.sign(body, self.device_id, key or self.vault.signing_key)
            signed.append(text)
            return text.encode("utf-8")

        plain = bag_bytes(files, sign)
        data = encrypt(plain, list(recipients or self.recipients))
        seq, log_size = note_numbers(signed[0])
        sent = Sent(data, signed[0], seq, int(top), log_size)
        if remember:
            self.sent.append(sent)
        return sent

    def acknowledge(self, seq: int) -> None:
        """What importing HQ's receipt for `seq` does on the field side (cumulative start)."""
        sent = next(s for s in self.sent if s.seq == seq)
        self.acked_log_size = sent.log_size
        self.acked_version_seq = sent.version_seq
        self.ack = seq


def note_numbers(note_text: str) -> tuple[int, int]:
    """(seq, log size) of a signed bundle note, unverified: the builder made it itself."""
    values = dict(line.split(" ", 1) for line in note_text.split("\n\n")[0].split("\n")[1:])
    return int(values["seq"]), int(values["log"].split(" ")[0])


# --- forging with the device key: what a stolen or compromised device could send --------------
def _jsonl(data: bytes) -> list[dict[str, Any]]:
    return [canonical.loads(line) for line in data.split(b"\n") if line]


def _dump(values: list[dict[str, Any]]) -> bytes:
    return b"".join(canonical.dumps(v) + b"\n" for v in values)


def resign_log(files: Files, side: FieldSide) -> None:
    """Recompute the root over data/auditlog.jsonl (which must start at 0) and sign it."""
    log = _jsonl(files["data/auditlog.jsonl"])
    assert not log or log[0]["idx"] == 0, "resign_log needs the whole log"
    frontier = Frontier()
    for line in log:
        frontier.append(leaf_hash(canonical.dumps(line["entry"])))
    text = format_checkpoint(auditlog.origin(side.device_id), frontier.size, frontier.root())
    note = signednote.sign(text, side.device_id, side.vault.signing_key)
    files["data/checkpoint.note"] = note.encode("utf-8")


def forge_version(files: Files, side: FieldSide, index: int, **changes: Any) -> dict[str, Any]:
    """Change record line `index` (body keys in `body`, other fields directly), give it its
    true hash, rewrite its log leaf to match and re-sign the checkpoint: a version the device
    key really vouches for. Returns the new line."""
    lines = _jsonl(files["data/records.jsonl"])
    line = dict(lines[index])
    old = (line["record_id"], line["version"])
    body = changes.pop("body", None)
    if body is not None:
        line["body"] = {**line["body"], **body}
    line.update(changes)
    line["sha256"] = records.version_sha256(
        record_id=line["record_id"],
        kind=line["kind"],
        version=line["version"],
        author=line["author"],
        device_id=line["device"],
        at=line["at"],
        reason=line["reason"],
        deleted=line["deleted"],
        body=line["body"],
    )
    lines[index] = line
    files["data/records.jsonl"] = _dump(lines)
    log = _jsonl(files["data/auditlog.jsonl"])
    for leaf in log:
        entry = leaf["entry"]
        if entry.get("type") == "version" and (entry["record_id"], entry["version"]) == old:
            leaf["entry"] = auditlog.version_entry(
                kind=line["kind"],
                record_id=line["record_id"],
                version=line["version"],
                sha256=line["sha256"],
                at=line["at"],
                author=line["author"],
                device=line["device"],
            )
    files["data/auditlog.jsonl"] = _dump(log)
    resign_log(files, side)
    return line
