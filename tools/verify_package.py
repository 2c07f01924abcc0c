#!/usr/bin/env python3
"""Standalone verifier of a fieldapp evidence package (one file: Python 3.10+, `cryptography`).

Usage:  python3 verify_package.py PACKAGE_DIR [--root-vkey VKEY]

Checks, and prints one line per check:
  1. the BagIt manifests: every file under data/ listed and matching its SHA-256, nothing
     unlisted, the tag manifest, Payload-Oxum;
  2. the certificates: each device certificate and HQ's log-key statement signed by HQ's root key
     (data/certificates/hq-root.vkey, or the one given with --root-vkey, which must match it);
  3. each checkpoint's Ed25519 signature with the key its certificate names;
  4. each log entry's leaf hash (RFC 6962: SHA-256(0x00 || entry)) and inclusion proof
     (RFC 9162 section 2.1.3.2) against its checkpoint's root;
  5. each record version file's SHA-256, and that the hash is in a proven log entry for that
     record and version (withheld versions: the declared hash must be proven);
  6. each original's SHA-256 against its name and against a proven evidence record;
  7. HQ's receipts, signed by the receipt key of the root-signed recipient list.
Exit status 0 when every check passes, 1 otherwise.

It imports nothing from fieldapp on purpose: an expert can read this one file and check a
package without trusting the program that made it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
SIG_PREFIX = "\u2014 "
HASH_RE = re.compile(r"[0-9a-f]{64}")
LINE_RE = re.compile(r"([0-9a-f]{64})  ([^\r\n]+)")
CHUNK = 1024 * 1024


# --- report -----------------------------------------------------------------------------------
@dataclass
class Report:
    """Every check's outcome, in the order made."""

    failures: list[str] = field(default_factory=list)
    passed: int = 0
    notes: list[str] = field(default_factory=list)
    quiet: bool = False

    def ok(self, text: str) -> None:
        self.passed += 1
        if not self.quiet:
            print(f"  ok    {text}")

    def fail(self, text: str) -> None:
        self.failures.append(text)
        print(f"  FAIL  {text}")

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note  {text}")


def section(title: str) -> None:
    print(f"\n{title}")


# --- hashing and Merkle proofs (RFC 6962 / RFC 9162) ------------------------------------------
def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size or len(leaf) != 32 or len(root) != 32:
        return False
    if any(len(p) != 32 for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- signed notes (C2SP signed-note, Ed25519) -------------------------------------------------
@dataclass(frozen=True)
class Key:
    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        data = self.name.encode("utf-8") + b"\n\x01" + self.public_key
        return hashlib.sha256(data).digest()[:4]


class NoteProblem(Exception):
    """A note is malformed or its signature does not verify."""


def b64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise NoteProblem(f"{what} is not valid base64") from None
    if base64.b64encode(raw).decode("ascii") != text:
        raise NoteProblem(f"{what} is not canonical base64")
    return raw


def parse_vkey(text: str) -> Key:
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteProblem("a verifier key must be <name>+<key id>+<key>")
    name, hex_id, encoded = parts
    raw = b64(encoded, "the verifier key")
    if len(raw) != 33 or raw[0] != 1:
        raise NoteProblem("the verifier key is not an Ed25519 key")
    key = Key(name, raw[1:])
    if key.key_id.hex() != hex_id:
        raise NoteProblem("the verifier key's id does not match its name and key")
    return key


def open_note(note: str, key: Key) -> str:
    """The note's text, if `key` signed it; raises NoteProblem otherwise."""
    if not note.endswith("\n"):
        raise NoteProblem("the note does not end with a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteProblem("the note has no signature block")
    text, block = note[: split + 1], note[split + 2 :]
    signed = False
    for line in block[:-1].split("\n"):
        if not line.startswith(SIG_PREFIX):
            raise NoteProblem("a signature line does not start with an em dash")
        name, _, encoded = line[len(SIG_PREFIX) :].partition(" ")
        raw = b64(encoded, f"the signature by {name}")
        if name != key.name or raw[:4] != key.key_id:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(raw[4:], text.encode("utf-8"))
        except (InvalidSignature, ValueError):
            raise NoteProblem(f"the signature by {name} does not verify") from None
        signed = True
    if not signed:
        raise NoteProblem(f"the note carries no signature by {key.name}")
    return text


def statement_lines(text: str) -> tuple[str, dict[str, str]]:
    """(first line, {key: value}) of a fieldapp statement body."""
    lines = text[:-1].split("\n")
    values: dict[str, str] = {}
    for line in lines[1:]:
        k, _, v = line.partition(" ")
        values[k] = v
    return lines[0], values


# --- 1. the bag -------------------------------------------------------------------------------
def decode_path(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def read_manifest(path: Path, report: Report) -> dict[str, str]:
    entries: dict[str, str] = {}
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.fail(f"{path.name} cannot be read ({exc})")
        return entries
    for number, line in enumerate(text.splitlines(), 1):
        m = LINE_RE.fullmatch(line)
        if m is None:
            report.fail(f"{path.name} line {number} is not '<sha256>  <path>'")
            continue
        name = decode_path(m.group(2))
        if name.startswith("/") or ".." in name.split("/"):
            report.fail(f"{path.name} line {number}: path {name!r} leads outside the package")
            continue
        if name in entries:
            report.fail(f"{path.name} lists {name!r} twice")
        entries[name] = m.group(1)
    return entries


def check_bag(root: Path, report: Report) -> None:
    section("1. BagIt manifests")
    bagit = root / "bagit.txt"
    if not bagit.is_file() or bagit.read_bytes() != BAGIT_TXT:
        report.fail("bagit.txt is missing or is not the BagIt 1.0 declaration")
    else:
        report.ok("bagit.txt declares BagIt 1.0")
    on_disk: set[str] = set()
    for folder, dirs, names in os.walk(root):
        for entry in [*dirs, *names]:
            if Path(folder, entry).is_symlink():
                report.fail(f"{Path(folder, entry).relative_to(root)} is a symbolic link")
        for name in names:
            on_disk.add(Path(folder, name).relative_to(root).as_posix())
    manifest = read_manifest(root / "manifest-sha256.txt", report)
    tagmanifest = read_manifest(root / "tagmanifest-sha256.txt", report)
    bad = 0
    octets = 0
    for name, digest in sorted(manifest.items()):
        path = root / name
        if not name.startswith("data/"):
            report.fail(f"manifest-sha256.txt lists {name}, which is outside data/")
        elif not path.is_file():
            report.fail(f"{name} is listed in manifest-sha256.txt but missing")
            bad += 1
        elif sha256_file(path) != digest:
            report.fail(f"{name} does not match its SHA-256 in manifest-sha256.txt")
            bad += 1
        else:
            octets += path.stat().st_size
    if manifest and not bad:
        report.ok(f"{len(manifest)} payload files match manifest-sha256.txt")
    for name in sorted(on_disk):
        if name.startswith("data/") and name not in manifest:
            report.fail(f"{name} is in data/ but in no manifest")
        elif (
            not name.startswith("data/")
            and name not in tagmanifest
            and name not in ("tagmanifest-sha256.txt",)
        ):
            report.fail(f"{name} is a file no manifest lists")
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt"):
        if name not in tagmanifest:
            report.fail(f"tagmanifest-sha256.txt does not list {name}")
    tag_bad = 0
    for name, digest in sorted(tagmanifest.items()):
        path = root / name
        if not path.is_file() or sha256_file(path) != digest:
            report.fail(f"{name} does not match its SHA-256 in tagmanifest-sha256.txt")
            tag_bad += 1
    if tagmanifest and not tag_bad:
        report.ok(f"{len(tagmanifest)} tag files match tagmanifest-sha256.txt")
    info = (root / "bag-info.txt").read_text("utf-8") if (root / "bag-info.txt").is_file() else ""
    oxum = re.search(r"^Payload-Oxum: (\d+)\.(\d+)$", info, re.MULTILINE)
    if oxum is None:
        report.fail("bag-info.txt has no Payload-Oxum")
    elif not bad and (int(oxum.group(1)), int(oxum.group(2))) != (octets, len(manifest)):
        report.fail(f"Payload-Oxum {oxum.group(1)}.{oxum.group(2)} differs from the payload")
    elif not bad:
        report.ok(f"Payload-Oxum {oxum.group(1)}.{oxum.group(2)} matches the payload")
    if (root / "tagmanifest-sha256.txt").is_file():
        package_hash = sha256_file(root / "tagmanifest-sha256.txt")
        print(f"  package hash (SHA-256 of tagmanifest-sha256.txt): {package_hash}")


# --- 2. certificates ------------------------------------------------------------------------------
@dataclass
class Trust:
    root: Key | None = None
    receipt: Key | None = None
    hq_log: tuple[str, Key] | None = None  # (log origin, key)
    devices: dict[str, Key] = field(default_factory=dict)


def check_certificates(root: Path, report: Report, given_root: str | None) -> Trust:
    section("2. Certificates (signed by HQ's root key)")
    trust = Trust()
    certs = root / "data" / "certificates"
    try:
        stored = (certs / "hq-root.vkey").read_text("utf-8").strip()
        trust.root = parse_vkey(stored)
    except (OSError, UnicodeDecodeError, NoteProblem) as exc:
        report.fail(f"data/certificates/hq-root.vkey cannot be used ({exc})")
        return trust
    if given_root is not None and given_root.strip() != stored:
        report.fail("the root key in the package is not the one given with --root-vkey")
        trust.root = None
        return trust
    if given_root is not None:
        report.ok(f"HQ root key is the one given: {stored}")
    else:
        report.note(f"HQ root key (confirm it with HQ out of band): {stored}")
    try:
        text = open_note((certs / "recipients.note").read_text("utf-8"), trust.root)
        _, values = statement_lines(text)
        if values.get("root", "").strip() != stored:
            raise NoteProblem("it names another root key")
        trust.receipt = parse_vkey(values.get("receipts", ""))
        report.ok("recipient list signed by the root (names the receipt key)")
    except (OSError, UnicodeDecodeError, NoteProblem) as exc:
        report.fail(f"data/certificates/recipients.note does not verify ({exc})")
    try:
        text = open_note((certs / "hq-log-key.note").read_text("utf-8"), trust.root)
        header, values = statement_lines(text)
        if not header.endswith("/log-key/v1"):
            raise NoteProblem("it is not a log-key statement")
        origin = values.get("log", "")
        key = Key(origin.removeprefix("fieldapp/"), b64(values.get("key", ""), "the log key"))
        if len(key.public_key) != 32:
            raise NoteProblem("the log key is not 32 bytes")
        trust.hq_log = (origin, key)
        report.ok(f"HQ log key for {origin} signed by the root")
    except (OSError, UnicodeDecodeError, NoteProblem) as exc:
        report.fail(f"data/certificates/hq-log-key.note does not verify ({exc})")
    folder = certs / "devices"
    for path in sorted(folder.glob("*.note")) if folder.is_dir() else []:
        label = f"data/certificates/devices/{path.name}"
        try:
            text = open_note(path.read_text("utf-8"), trust.root)
            header, values = statement_lines(text)
            if not header.endswith("/device-certificate/v1"):
                raise NoteProblem("it is not a device certificate")
            device = values.get("device", "")
            if device != path.stem:
                raise NoteProblem(f"it certifies device {device}, not {path.stem}")
            key = Key(device, b64(values.get("key", ""), "the device key"))
            if len(key.public_key) != 32:
                raise NoteProblem("the device key is not 32 bytes")
            trust.devices[device] = key
            report.ok(
                f"device {values.get('code', '?')} ({values.get('analyst', '?')}) certificate "
                "signed by the root"
            )
        except (OSError, UnicodeDecodeError, NoteProblem) as exc:
            report.fail(f"{label} does not verify ({exc})")
    return trust


# --- 3 and 4. checkpoints and log entries -----------------------------------------------------
def read_head(path: Path, key: Key, hq_origin: str | None) -> tuple[int, bytes]:
    """(size, root) of a signed tree head: a C2SP checkpoint or a bundle note's `log` line."""
    text = open_note(path.read_text("utf-8"), key)
    header, values = statement_lines(text)
    if header.endswith("/bundle/v1"):
        if values.get("device") != key.name:
            raise NoteProblem(f"the bundle note is for device {values.get('device')}")
        size_text, _, root_text = values.get("log", "").partition(" ")
    else:
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise NoteProblem("the checkpoint has fewer than three lines")
        if hq_origin is not None and lines[0] != hq_origin:
            raise NoteProblem(f"the checkpoint is for log {lines[0]}, not {hq_origin}")
        size_text, root_text = lines[1], lines[2]
    if not size_text.isdigit():
        raise NoteProblem("the tree size is not a number")
    root = b64(root_text, "the root hash")
    if len(root) != 32:
        raise NoteProblem("the root hash is not 32 bytes")
    return int(size_text), root


def check_logs(root: Path, report: Report, trust: Trust) -> list[tuple[str, dict[str, Any]]]:
    """Proven entries as (log name, parsed entry)."""
    section("3-4. Signed checkpoints, log entries and inclusion proofs")
    proven: list[tuple[str, dict[str, Any]]] = []
    logs = root / "data" / "log"
    for folder in sorted(p for p in logs.iterdir() if p.is_dir()) if logs.is_dir() else []:
        name = folder.name
        label = f"data/log/{name}"
        if name == "hq":
            if trust.hq_log is None:
                report.fail(f"{label}: HQ's log key is not certified; its entries are unproven")
                continue
            origin, key = trust.hq_log
        elif name in trust.devices:
            origin, key = "", trust.devices[name]
        else:
            report.fail(f"{label}: no certificate for device {name}; its entries are unproven")
            continue
        try:
            size, tree_root = read_head(folder / "checkpoint.note", key, origin or None)
            report.ok(f"{label}/checkpoint.note signed by {key.name} (tree size {size})")
        except (OSError, UnicodeDecodeError, NoteProblem) as exc:
            report.fail(f"{label}/checkpoint.note does not verify ({exc})")
            continue
        good = 0
        try:
            lines = (folder / "entries.jsonl").read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            report.fail(f"{label}/entries.jsonl cannot be read ({exc})")
            continue
        for number, line in enumerate(lines, 1):
            where = f"{label}/entries.jsonl line {number}"
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise TypeError("the line is not a JSON object")
                entry = item["entry"].encode("utf-8")
                idx, tree_size = int(item["idx"]), int(item["tree_size"])
                proof = [bytes.fromhex(h) for h in item["proof"]]
                stated = bytes.fromhex(item["leaf_hash"])
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                report.fail(f"{where} is malformed ({exc})")
                continue
            digest = leaf_hash(entry)
            if digest != stated:
                report.fail(f"{where}: leaf hash does not match the entry (entry {idx})")
                continue
            if tree_size != size:
                report.fail(f"{where}: proof is for tree size {tree_size}, checkpoint is {size}")
                continue
            if not verify_inclusion(idx, size, digest, proof, tree_root):
                report.fail(f"{where}: inclusion proof of entry {idx} fails against the root")
                continue
            try:
                parsed = json.loads(entry)
            except ValueError:
                report.fail(f"{where}: entry {idx} is not JSON")
                continue
            if (
                name != "hq"
                and isinstance(parsed, dict)
                and parsed.get("type") == "version"
                and parsed.get("device") != name
            ):
                report.fail(f"{where}: a version entry of another device in {name}'s log")
                continue
            if not isinstance(parsed, dict):
                report.fail(f"{where}: entry {idx} is not a JSON object")
                continue
            proven.append((name, parsed))
            good += 1
        if good == len(lines):
            report.ok(f"{label}: {good} entries, each proven in the signed tree")
    return proven


# --- 5 and 6. records and originals -----------------------------------------------------------
def check_records(root: Path, report: Report, proven: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """Returns the content hashes named by hash-verified evidence records."""
    section("5. Record versions")
    by_version: dict[tuple[str, int], set[str]] = {}
    for _, entry in proven:
        if entry.get("type") == "version":
            key = (str(entry.get("record_id")), int(entry.get("version", 0)))
            by_version.setdefault(key, set()).add(str(entry.get("sha256")))
    evidence: set[str] = set()
    folder = root / "data" / "records"
    files = sorted(folder.glob("*/*.json")) if folder.is_dir() else []
    checked = withheld = 0
    for path in files:
        label = path.relative_to(root).as_posix()
        record_id = path.parent.name
        is_withheld = path.name.endswith(".withheld.json")
        stem = path.name.removesuffix(".withheld.json").removesuffix(".json")
        if not stem.isdigit():
            report.fail(f"{label}: the file name is not a version number")
            continue
        data = path.read_bytes()
        try:
            parsed = json.loads(data)
        except ValueError:
            report.fail(f"{label} is not JSON")
            continue
        if not isinstance(parsed, dict):
            report.fail(f"{label} is not a JSON object")
            continue
        if is_withheld:
            claimed = str(parsed.get("sha256", ""))
            if parsed.get("record_id") != record_id or parsed.get("version") != int(stem):
                report.fail(f"{label} names another record or version")
            elif claimed not in by_version.get((record_id, int(stem)), set()):
                report.fail(f"{label}: its declared hash is in no proven log entry")
            else:
                withheld += 1
            continue
        digest = hashlib.sha256(data).hexdigest()
        if parsed.get("record_id") != record_id or parsed.get("version") != int(stem):
            report.fail(f"{label} names another record or version")
            continue
        if digest not in by_version.get((record_id, int(stem)), set()):
            report.fail(
                f"{label}: its SHA-256 {digest[:16]}... is in no proven log entry for "
                f"{record_id} version {stem} (the record was altered or is unproven)"
            )
            continue
        checked += 1
        body = parsed.get("body")
        if parsed.get("kind") == "evidence" and isinstance(body, dict):
            evidence.add(str(body.get("sha256", "")))
    if checked:
        report.ok(f"{checked} record versions hash to a version hash in a proven log entry")
    if withheld:
        report.note(
            f"{withheld} witness version(s) withheld (identity): hashes proven in the log, "
            "content not recomputable"
        )
    if not files:
        report.fail("the package holds no record versions")
    return evidence


def check_originals(root: Path, report: Report, evidence: set[str]) -> None:
    section("6. Evidence originals")
    folder = root / "data" / "originals"
    good = 0
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in files:
        label = path.relative_to(root).as_posix()
        if not HASH_RE.fullmatch(path.name):
            report.fail(f"{label} is not named by a SHA-256")
            continue
        if sha256_file(path) != path.name:
            report.fail(f"{label}: its SHA-256 is not its name (the original was altered)")
            continue
        if path.name not in evidence:
            report.fail(f"{label} belongs to no proven evidence record")
            continue
        good += 1
    if good and good == len(files):
        report.ok(f"{good} originals hash to their names and belong to proven evidence records")
    elif not files:
        report.note("the package holds no evidence originals")


def check_index(root: Path, report: Report) -> None:
    """data/provenance.json lists every version and original: each must be here, and nothing
    else (a file quietly left out would otherwise go unnoticed)."""
    section("8. Completeness against data/provenance.json")
    try:
        index = json.loads((root / "data" / "provenance.json").read_text("utf-8"))
        versions = index["versions"]
        originals = index["originals"]
        if not isinstance(versions, list) or not isinstance(originals, list):
            raise TypeError("versions and originals must be lists")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        report.fail(f"data/provenance.json cannot be read ({exc})")
        return
    listed = {str(v.get("file")): str(v.get("sha256")) for v in versions if isinstance(v, dict)}
    present = {
        p.relative_to(root).as_posix()
        for p in (root / "data" / "records").glob("*/*.json")
        if (root / "data" / "records").is_dir()
    }
    problems = 0
    for name, sha in sorted(listed.items()):
        if name not in present:
            report.fail(f"{name} is listed in data/provenance.json but missing")
            problems += 1
        elif not name.endswith(".withheld.json") and sha256_file(root / name) != sha:
            report.fail(f"{name} does not have the hash data/provenance.json gives it")
            problems += 1
    for name in sorted(present - set(listed)):
        report.fail(f"{name} is not listed in data/provenance.json")
        problems += 1
    for item in originals:
        sha = str(item.get("sha256")) if isinstance(item, dict) else ""
        if not (root / "data" / "originals" / sha).is_file():
            report.fail(f"original {sha} is listed in data/provenance.json but missing")
            problems += 1
    if not problems:
        report.ok(f"all {len(listed)} versions and {len(originals)} originals listed are present")


def check_receipts(root: Path, report: Report, trust: Trust) -> None:
    section("7. HQ receipts")
    folder = root / "data" / "receipts"
    paths = sorted(folder.glob("*/*.note")) if folder.is_dir() else []
    if trust.receipt is None:
        if paths:
            report.fail("the receipt key is not certified; receipts cannot be checked")
        return
    good = 0
    for path in paths:
        label = path.relative_to(root).as_posix()
        try:
            text = open_note(path.read_text("utf-8"), trust.receipt)
            _, values = statement_lines(text)
            if values.get("device") != path.parent.name or values.get("seq") != path.stem:
                raise NoteProblem("it is for another device or bundle")
            head = root / "data" / "log" / path.parent.name / "checkpoint.note"
            if head.is_file() and values.get("bundle") == sha256_file(head):
                # The receipt acknowledges the very note used as the device's signed head.
                head_log = statement_lines(head.read_text("utf-8"))[1].get("log")
                if values.get("log") != head_log:
                    raise NoteProblem("it acknowledges another log head than checkpoint.note")
                report.ok(f"{label} acknowledges the device's signed log head")
            good += 1
        except (OSError, UnicodeDecodeError, NoteProblem) as exc:
            report.fail(f"{label} does not verify ({exc})")
    if good:
        report.ok(f"{good} receipts signed by HQ's receipt key")


def verify(root: Path, root_vkey: str | None = None, quiet: bool = False) -> Report:
    report = Report(quiet=quiet)
    print(f"Verifying evidence package {root}")
    if not root.is_dir():
        report.fail(f"{root} is not a folder")
        return report
    state: dict[str, Any] = {"trust": Trust(), "proven": [], "evidence": set()}

    def certificates() -> None:
        state["trust"] = check_certificates(root, report, root_vkey)

    def logs() -> None:
        state["proven"] = check_logs(root, report, state["trust"])

    def records() -> None:
        state["evidence"] = check_records(root, report, state["proven"])

    def bag() -> None:
        check_bag(root, report)

    def originals() -> None:
        check_originals(root, report, state["evidence"])

    def receipts() -> None:
        check_receipts(root, report, state["trust"])

    def index() -> None:
        check_index(root, report)

    steps: tuple[tuple[str, Callable[[], None]], ...] = (
        ("BagIt", bag),
        ("certificate", certificates),
        ("log", logs),
        ("record", records),
        ("originals", originals),
        ("receipt", receipts),
        ("completeness", index),
    )
    for name, step in steps:
        # A hostile package must not stop the check with a traceback: a step that cannot
        # finish is a failure, named, and the other steps still run.
        try:
            step()
        except Exception as exc:
            report.fail(f"the {name} check could not finish ({type(exc).__name__}: {exc})")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a fieldapp evidence package.")
    parser.add_argument("package", type=Path, help="the package folder")
    parser.add_argument(
        "--root-vkey", help="HQ's root verifier key, as confirmed with HQ out of band"
    )
    parser.add_argument("--quiet", action="store_true", help="print only failures and notes")
    args = parser.parse_args(argv)
    report = verify(args.package, args.root_vkey, args.quiet)
    print()
    if report.failures:
        print(f"RESULT: FAIL ({len(report.failures)} problem(s), {report.passed} checks passed)")
        for failure in report.failures:
            print(f"  - {failure}")
        return 1
    print(f"RESULT: PASS ({report.passed} checks passed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
