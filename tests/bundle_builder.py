"""Build sync bundles by hand for the HQ import tests, hostile ones included.

The real exporter (`fieldapp.store.fieldsync`) makes only well-formed bundles; these tests also
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
from fieldapp.store import auditlog
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

    def note(self, tagmanifest: str, **changes: Any) -> BundleNote:
        """The note the next bundle would carry; `changes` override any field."""
        from fieldapp.store.checkpoint import parse_checkpoint
        from fieldapp.store.signednote import open_note, verifier_for

        with self.vault.reading() as conn:
            text = auditlog.latest_checkpoint(conn)
        opened = open_note(text, [verifier_for(self.device_id, self.vault.signing_key)])
        cp = parse_checkpoint(opened.text)
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
            note = self.note(tagmanifest)
            if note_hook is not None:
                note = note_hook(note)
            text = note.sign(self.device_id, key or self.vault.signing_key)
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
