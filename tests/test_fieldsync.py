"""Field export, receipts and purge on real vaults: a field vault enrolled with a real HQ vault,
real evidence files, real age/ustar/BagIt, real signatures.

Every bundle is opened the way HQ opens it: age decrypt with HQ's identity, the strict ustar
and bag check (`extract_bag`), the note verified with the device certificate only.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from fieldapp.domain import canonical
from fieldapp.domain.model import Incident
from fieldapp.errors import EvidenceNotFound, IntegrityError, NotEnrolled
from fieldapp.media import MediaSandbox
from fieldapp.store.checkpoint import parse_checkpoint
from fieldapp.store.merkle import leaf_hash, root_of
from fieldapp.store.signednote import open_note
from fieldapp.store.stream import CHUNK_SIZE
from fieldapp.store.vault import Vault
from sync import age, enrollment, fieldsync, hqimport
from sync.bag import extract_bag
from sync.payload import read_payload
from sync.statements import BundleNote, Receipt, note_hash, open_bundle_note
from tests.helpers import make_vault, raw_connection
from tests.sync_helpers import enroll, make_hq_vault

RECEIPT_TIME = datetime(2026, 11, 22, 13, 0, 0, tzinfo=UTC)


# --- age: the push form of encrypt ---------------------------------------------------------------
@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 200_001]
)
def test_encrypting_writer_round_trips_at_chunk_boundaries(size: int) -> None:
    identity = age.HybridIdentity.generate()
    data = os.urandom(size)
    out = io.BytesIO()
    with age.encrypting_writer(out, [identity.recipient()]) as writer:
        # Uneven pieces: the writer must cut chunks itself, whatever the producer writes.
        position, step = 0, 1
        while position < size:
            writer.write(data[position : position + step])
            position += step
            step = step * 3 + 7
    assert writer.size == size
    assert age.decrypt_bytes(out.getvalue(), [identity]) == data


def test_encrypting_writer_matches_encrypt_in_length() -> None:
    identity = age.HybridIdentity.generate()
    data = os.urandom(2 * CHUNK_SIZE + 5)
    pushed, pulled = io.BytesIO(), io.BytesIO()
    with age.encrypting_writer(pushed, [identity.recipient()]) as writer:
        writer.write(data)
    age.encrypt(io.BytesIO(data), pulled, [identity.recipient()])
    assert len(pushed.getvalue()) == len(pulled.getvalue())


def test_encrypting_writer_leaves_a_truncated_file_after_an_error() -> None:
    identity = age.HybridIdentity.generate()
    out = io.BytesIO()
    with pytest.raises(RuntimeError), age.encrypting_writer(out, [identity.recipient()]) as w:
        w.write(b"x" * (CHUNK_SIZE * 2))
        raise RuntimeError("producer failed")
    with pytest.raises(age.PayloadError, match="truncated"):
        age.decrypt_bytes(out.getvalue(), [identity])


def test_encrypting_writer_refuses_writes_after_finish() -> None:
    identity = age.HybridIdentity.generate()
    with age.encrypting_writer(io.BytesIO(), [identity.recipient()]) as writer:
        writer.write(b"data")
    with pytest.raises(age.AgeError, match="finished"):
        writer.write(b"more")


def test_encrypting_writer_refuses_classic_recipients() -> None:
    classic = age.X25519Identity.generate().recipient()
    with (
        pytest.raises(age.UnsupportedStanza),
        age.encrypting_writer(io.BytesIO(), [str(classic)]),
    ):
        pass


# --- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox() -> Iterator[MediaSandbox]:
    with MediaSandbox(workers=1) as box:
        yield box


@dataclass
class Pair:
    field: Vault
    hq: Vault
    out: Path
    files: Path
    sandbox: MediaSandbox


@pytest.fixture
def pair(tmp_path: Path, sandbox: MediaSandbox) -> Iterator[Pair]:
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    enroll(field, hq)
    out = tmp_path / "out"
    out.mkdir()
    files = tmp_path / "files"
    files.mkdir()
    try:
        yield Pair(field, hq, out, files, sandbox)
    finally:
        field.lock()
        hq.lock()


def add_incident(vault: Vault, title: str = "Market strike") -> Incident:
    inc = Incident(title=title, summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def add_photo(p: Pair, name: str, color: str) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, "JPEG", quality=85)
    path = p.files / name
    path.write_bytes(buffer.getvalue())
    item = p.field.add_evidence(path, sandbox=p.sandbox)
    return item.id, buffer.getvalue()


def add_blob(p: Pair, name: str, size: int) -> tuple[str, bytes]:
    data = os.urandom(size)
    path = p.files / name
    path.write_bytes(data)
    item = p.field.add_evidence(path, sandbox=p.sandbox)
    return item.id, data


@dataclass
class Opened:
    note: BundleNote
    note_text: str
    folder: Path
    records: list[dict[str, Any]]
    log: list[dict[str, Any]]


def open_bundle(p: Pair, path: Path, quarantine: Path, identity: int = 0) -> Opened:
    """What HQ does: decrypt, strict ustar + bag, note with the device certificate only."""
    keys = enrollment.load_hq_keys(p.hq)
    plain = io.BytesIO()
    with path.open("rb") as src:
        age.decrypt(src, plain, [keys.identities[identity]])
    plain.seek(0)
    quarantine.mkdir()
    signature = _signature_member(plain.getvalue())
    device = p.field.device.device_id
    cert = enrollment.field_enrollment(p.field)
    assert cert is not None
    note = open_bundle_note(signature, [cert.certificate.verifier(device)])
    bag = extract_bag(plain, quarantine, expected_tagmanifest_sha256=note.tagmanifest_sha256)
    assert bag.tagmanifest_sha256 == note.tagmanifest_sha256
    assert (quarantine / "signature.note").read_text("utf-8") == signature
    records = [canonical.loads(line) for line in _lines(quarantine / "data/records.jsonl")]
    log = [canonical.loads(line) for line in _lines(quarantine / "data/auditlog.jsonl")]
    return Opened(note, signature, quarantine, records, log)


def _lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    lines = data.split(b"\n")
    assert lines[-1] == b""  # every line ends with a newline
    for line in lines[:-1]:
        # Canonical: the same bytes as canonical.dumps of what they parse to.
        assert canonical.dumps(canonical.loads(line)) == line
    return lines[:-1]


def _signature_member(tar: bytes) -> str:
    """The signature.note member, read from the archive before the bag is checked."""
    position = 0
    while position + 512 <= len(tar):
        header = tar[position : position + 512]
        if header == b"\0" * 512:
            break
        name = header[:100].rstrip(b"\0").decode()
        size = int(header[124:136].rstrip(b"\0 ") or b"0", 8)
        body = tar[position + 512 : position + 512 + size]
        if name == "signature.note":
            return body.decode("utf-8")
        position += 512 + (size + 511) // 512 * 512
    raise AssertionError("no signature.note in the archive")


def stored_note(vault: Vault, seq: int) -> str:
    with vault.reading() as conn:
        row = conn.execute("SELECT note FROM bundles_out WHERE seq = ?", (seq,)).fetchone()
    assert row is not None
    return str(row[0])


def make_receipt(
    p: Pair,
    seq: int,
    *,
    bundle: str | None = None,
    device: str | None = None,
    log: tuple[int, bytes] | None = None,
    key: Ed25519PrivateKey | None = None,
    origin: str | None = None,
) -> str:
    keys = enrollment.load_hq_keys(p.hq)
    note = stored_note(p.field, seq)
    cert = enrollment.field_enrollment(p.field)
    assert cert is not None
    parsed = open_bundle_note(note, [cert.certificate.verifier(p.field.device.device_id)])
    size, root = log if log is not None else (parsed.log_size, parsed.log_root)
    return Receipt(
        origin=origin or keys.origin,
        hq=keys.receipt_name,
        device=device or p.field.device.device_id,
        seq=seq,
        bundle=bundle or note_hash(note),
        log_size=size,
        log_root=root,
        time=RECEIPT_TIME,
    ).sign(key or keys.receipt)


def table(vault: Vault, name: str) -> list[tuple[Any, ...]]:
    with vault.reading() as conn:
        return [tuple(r) for r in conn.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()]  # noqa: S608


def sync_state(vault: Vault) -> tuple[Any, ...]:
    return (
        table(vault, "bundles_out"),
        table(vault, "receipts_in"),
        table(vault, "acked_blobs"),
        vault.log_size(),
    )


# --- export ----------------------------------------------------------------------------------
def test_export_refused_until_enrolled(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "plain")
    try:
        with pytest.raises(NotEnrolled, match="not enrolled with HQ"):
            fieldsync.export_bundle(vault, tmp_path)
        with pytest.raises(NotEnrolled):
            fieldsync.import_receipt(vault, "anything\n")
    finally:
        vault.lock()


def test_first_bundle_is_what_hq_can_open_and_check(pair: Pair, tmp_path: Path) -> None:
    inc = add_incident(pair.field)
    photo_id, photo = add_photo(pair, "IMG_0001.jpg", "green")
    blob_id, blob = add_blob(pair, "recording.bin", 3 * CHUNK_SIZE + 11)
    progress: list[tuple[int, int]] = []

    result = fieldsync.export_bundle(
        pair.field, pair.out, progress=lambda d, t: progress.append((d, t))
    )

    assert re.fullmatch(r"[0-9a-f]{32}\.chmb", result.path.name)
    assert sorted(os.listdir(pair.out)) == [result.path.name]  # no partial file left
    assert result.path.stat().st_size == result.size
    assert (result.seq, result.records, result.blobs, result.chain) == (1, 3, 2, 0)
    # Progress counts payload bytes, only ever forward, and ends complete.
    assert progress and progress[-1][0] == progress[-1][1]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(progress))

    opened = open_bundle(pair, result.path, tmp_path / "q")
    device = pair.field.device.device_id
    listing = enrollment.field_enrollment(pair.field)
    assert listing is not None
    note = opened.note
    assert note.origin == f"fieldapp/{device}"
    assert (note.device, note.seq, note.prev, note.ack) == (device, 1, "genesis", 0)
    assert note.to == listing.recipients.fingerprints()
    assert result.note_hash == note_hash(opened.note_text)
    assert stored_note(pair.field, 1) == opened.note_text

    # records.jsonl: every version, in order, with the fields of the contract.
    by_id = {r["record_id"]: r for r in opened.records}
    assert [r["record_id"] for r in opened.records] == [inc.id, photo_id, blob_id]
    first = by_id[inc.id]
    assert set(first) == {
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
    }
    history = pair.field.history(inc.id)[0]
    assert first["body"] == history.body and first["sha256"] == history.sha256
    assert (first["device"], first["kind"], first["deleted"]) == (device, "incident", False)

    # auditlog.jsonl + checkpoint.note: the whole log, and it hashes to the signed root.
    checkpoint_text = (opened.folder / "data/checkpoint.note").read_text("utf-8")
    verifier = listing.certificate.verifier(device)
    checkpoint = parse_checkpoint(open_note(checkpoint_text, [verifier]).text)
    assert [e["idx"] for e in opened.log] == list(range(checkpoint.size))
    leaves = [leaf_hash(canonical.dumps(e["entry"])) for e in opened.log]
    assert root_of(leaves) == checkpoint.root == note.log_root
    assert checkpoint.size == note.log_size

    # Evidence originals, named by their own hash, byte for byte.
    evidence = sorted(p.name for p in (opened.folder / "data/evidence").iterdir())
    assert len(evidence) == 2
    contents = {(opened.folder / "data/evidence" / n).read_bytes() for n in evidence}
    assert contents == {photo, blob}
    assert not (opened.folder / "data/chain").exists()

    # The escrow identity opens the same file (both recipients are stanzas of it).
    escrow = open_bundle(pair, result.path, tmp_path / "q2", identity=1)
    assert escrow.note_text == opened.note_text


def test_every_kind_of_change_reads_with_hqs_payload_parser(pair: Pair, tmp_path: Path) -> None:
    """The contract with the importer: its strict parser takes what the exporter writes."""
    inc = add_incident(pair.field)
    inc.summary = "three houses destroyed"
    pair.field.save_incident(inc, "site visit", expected_version=1)
    gone = add_incident(pair.field, "Duplicate report")
    pair.field.delete_incident(gone.id, "same as the market strike")
    photo_id, _ = add_photo(pair, "IMG_0001.jpg", "green")
    result = fieldsync.export_bundle(pair.field, pair.out)
    opened = open_bundle(pair, result.path, tmp_path / "q")
    names = [
        p.relative_to(opened.folder).as_posix()
        for p in opened.folder.rglob("*")
        if p.is_file() and p.relative_to(opened.folder).parts[0] == "data"
    ]
    payload = read_payload(opened.folder, names)
    assert [(r.record_id, r.version, r.deleted) for r in payload.records()] == [
        (inc.id, 1, False),
        (inc.id, 2, False),
        (gone.id, 1, False),
        (gone.id, 2, True),
        (photo_id, 1, False),
    ]
    assert list(payload.records())[3].body == {}
    assert [line.idx for line in payload.log()] == list(range(opened.note.log_size))
    assert set(payload.evidence) == {pair.field.get_evidence(photo_id)[0].sha256}
    assert payload.chain == ()


def test_export_memory_stays_flat_with_a_large_original(pair: Pair) -> None:
    size = 24 * 1024 * 1024
    add_blob(pair, "video.bin", size)
    tracemalloc.start()
    try:
        result = fieldsync.export_bundle(pair.field, pair.out)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.size > size
    # A few 64 KiB chunks in flight, never the original: far below its 24 MiB.
    assert peak < 2 * 1024 * 1024, peak


def test_nothing_identifying_outside_the_ciphertext(pair: Pair) -> None:
    add_incident(pair.field, "Strike near the bridge")
    result = fieldsync.export_bundle(pair.field, pair.out)
    data = result.path.read_bytes()
    device = pair.field.device
    for secret in (
        device.device_id,
        device.code,
        pair.field.user,
        device.cell_name,
        "Strike near the bridge",
        "fieldapp/",
    ):
        assert secret.encode() not in data, secret
    header = data.split(b"\n--- ", 1)[0].split(b"\n")
    stanzas = [line.split(b" ")[1] for line in header if line.startswith(b"-> ")]
    assert stanzas == [b"mlkem768x25519", b"mlkem768x25519"]  # HQ primary and escrow only
    assert result.path.stat().st_mode & 0o077 == 0  # readable by the analyst only


def test_export_is_recorded_and_logged_once(pair: Pair) -> None:
    add_incident(pair.field)
    before = pair.field.log_size()
    result = fieldsync.export_bundle(pair.field, pair.out)
    rows = table(pair.field, "bundles_out")
    assert len(rows) == 1
    seq, _, hashed, version_seq, log_size, file_name, size, _ = rows[0]
    assert (seq, hashed, file_name, size) == (1, result.note_hash, result.path.name, result.size)
    assert (version_seq, log_size) == (1, before)
    assert pair.field.log_size() == before + 1
    event = pair.field.audit_entries(limit=1)[0].entry
    assert event["type"] == "bundle_exported"
    assert (event["seq"], event["bundle"], event["records"]) == (1, result.note_hash, 1)
    assert pair.field.verify_log().ok


def test_bundles_are_cumulative_until_a_receipt_and_carry_the_chain(
    pair: Pair, tmp_path: Path
) -> None:
    first_inc = add_incident(pair.field, "First")
    photo_id, _ = add_photo(pair, "IMG_0001.jpg", "green")
    one = fieldsync.export_bundle(pair.field, pair.out)
    second_inc = add_incident(pair.field, "Second")
    two = fieldsync.export_bundle(pair.field, pair.out)

    opened_two = open_bundle(pair, two.path, tmp_path / "q2")
    assert (opened_two.note.seq, opened_two.note.prev) == (2, one.note_hash)
    assert [r["record_id"] for r in opened_two.records] == [first_inc.id, photo_id, second_inc.id]
    chain = (opened_two.folder / "data/chain/1.note").read_text("utf-8")
    assert chain == stored_note(pair.field, 1)
    assert opened_two.log[0]["idx"] == 0
    assert len(list((opened_two.folder / "data/evidence").iterdir())) == 1

    # HQ acknowledges bundle 1: the next bundle starts after it.
    receipt = fieldsync.import_receipt(pair.field, make_receipt(pair, 1))
    assert (receipt.seq, receipt.duplicate, receipt.blobs_acknowledged) == (1, False, 1)
    third_inc = add_incident(pair.field, "Third")
    three = fieldsync.export_bundle(pair.field, pair.out)
    opened_three = open_bundle(pair, three.path, tmp_path / "q3")
    assert (opened_three.note.seq, opened_three.note.ack) == (3, 1)
    assert opened_three.note.prev == two.note_hash
    assert [r["record_id"] for r in opened_three.records] == [second_inc.id, third_inc.id]
    chained = sorted(p.name for p in (opened_three.folder / "data/chain").iterdir())
    assert chained == ["2.note"]  # 1 is acknowledged; 2 may have been lost
    assert not (opened_three.folder / "data/evidence").exists()  # HQ has the photo
    bundle_one_log = open_bundle_note(
        stored_note(pair.field, 1),
        [enrollment_verifier(pair)],
    ).log_size
    assert opened_three.log[0]["idx"] == bundle_one_log
    assert opened_three.log[-1]["idx"] == opened_three.note.log_size - 1
    assert three.log_entries == opened_three.note.log_size - bundle_one_log


def enrollment_verifier(pair: Pair) -> Any:
    listing = enrollment.field_enrollment(pair.field)
    assert listing is not None
    return listing.certificate.verifier(pair.field.device.device_id)


def test_cancel_leaves_nothing(pair: Pair) -> None:
    add_incident(pair.field)
    add_blob(pair, "video.bin", 5 * CHUNK_SIZE)
    state = sync_state(pair.field)
    seen: list[tuple[int, int]] = []
    during: list[list[str]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        during.append(os.listdir(pair.out))

    def cancel() -> bool:
        # Half way through the payload: inside the evidence original's stream.
        return bool(seen) and seen[-1][0] > seen[-1][1] // 2

    with pytest.raises(fieldsync.ExportCancelled, match="cancelled"):
        fieldsync.export_bundle(pair.field, pair.out, progress=progress, cancel=cancel)
    assert seen[-1][0] < seen[-1][1]
    # While it was written, the only file was the random temporary name.
    assert {len(names) for names in during} == {1}
    assert all(re.fullmatch(r"\.partial-.+\.tmp", names[0]) for names in during)
    assert os.listdir(pair.out) == []
    assert sync_state(pair.field) == state
    # And the next export is still seq 1.
    assert fieldsync.export_bundle(pair.field, pair.out).seq == 1


def test_export_refused_when_the_integrity_check_fails(pair: Pair) -> None:
    inc = add_incident(pair.field)
    conn = raw_connection(pair.field.path, pair.field._raw_key_hex())
    try:
        conn.execute("DROP TRIGGER IF EXISTS versions_no_update")
        conn.execute("UPDATE versions SET reason = 'nothing to see' WHERE record_id = ?", (inc.id,))
    finally:
        conn.close()
    state = sync_state(pair.field)
    with pytest.raises(IntegrityError, match=r"failed its integrity check.*no bundle was written"):
        fieldsync.export_bundle(pair.field, pair.out)
    assert os.listdir(pair.out) == []
    assert sync_state(pair.field) == state


def test_export_refused_when_an_exported_log_entry_was_altered(pair: Pair) -> None:
    add_incident(pair.field)
    conn = raw_connection(pair.field.path, pair.field._raw_key_hex())
    try:
        conn.execute("DROP TRIGGER IF EXISTS audit_leaves_no_update")
        conn.execute(
            "UPDATE audit_leaves SET entry = "
            "CAST(replace(CAST(entry AS TEXT), 'Test Cell', 'Other Cell') AS BLOB) WHERE idx = 0"
        )
    finally:
        conn.close()
    state = sync_state(pair.field)
    with pytest.raises(IntegrityError, match=r"audit leaf 0: its entry does not match"):
        fieldsync.export_bundle(pair.field, pair.out)
    assert os.listdir(pair.out) == []
    assert sync_state(pair.field) == state


def test_line_files_are_spooled_sealed_and_read_back_exactly(tmp_path: Path) -> None:
    """records.jsonl is made once into an anonymous temporary file sealed with a one-time key:
    its size is known before the tar header, and no plaintext line touches the disk."""
    lines = [f'{{"n":{n},"text":"Huda Karim at the market"}}\n'.encode() for n in range(5000)]
    spool = fieldsync._Spool(iter(lines), tmp_path)
    try:
        assert spool.size == sum(map(len, lines))
        spool._file.seek(0)
        assert b"Huda Karim" not in spool._file.read()
        assert b"".join(spool.chunks()) == b"".join(lines)
        assert b"".join(spool.chunks()) == b"".join(lines)  # read back as often as needed
        assert os.listdir(tmp_path) == []  # anonymous: nothing left behind by a crash
    finally:
        spool.close()


def test_export_refused_into_a_missing_folder(pair: Pair, tmp_path: Path) -> None:
    with pytest.raises(fieldsync.ExportRefused, match="does not exist"):
        fieldsync.export_bundle(pair.field, tmp_path / "nowhere")
    assert table(pair.field, "bundles_out") == []


def test_a_missing_original_refuses_the_export(pair: Pair) -> None:
    add_photo(pair, "IMG_0001.jpg", "green")
    for blob in pair.field.blob_store().root.iterdir():
        blob.unlink()
    with pytest.raises(fieldsync.ExportRefused, match="missing from this vault's evidence"):
        fieldsync.export_bundle(pair.field, pair.out)
    assert os.listdir(pair.out) == []


def test_a_damaged_original_stops_the_export_midway(pair: Pair) -> None:
    """The original is checked as it streams (on the prefetch thread); damage found there
    aborts the export: partial file deleted, nothing recorded."""
    add_blob(pair, "recording.bin", 5 * CHUNK_SIZE)
    [blob] = list(pair.field.blob_store().root.iterdir())
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0x01
    blob.write_bytes(bytes(data))
    state = sync_state(pair.field)
    with pytest.raises(fieldsync.ExportRefused, match="cannot be read back intact"):
        fieldsync.export_bundle(pair.field, pair.out)
    assert os.listdir(pair.out) == []
    assert sync_state(pair.field) == state


# --- receipts --------------------------------------------------------------------------------
def test_a_receipt_twice_is_a_no_op(pair: Pair) -> None:
    add_incident(pair.field)
    fieldsync.export_bundle(pair.field, pair.out)
    text = make_receipt(pair, 1)
    fieldsync.import_receipt(pair.field, text)
    state = sync_state(pair.field)
    again = fieldsync.import_receipt(pair.field, text)
    assert again.duplicate and again.seq == 1
    assert sync_state(pair.field) == state
    event = [e.entry for e in pair.field.audit_entries(limit=5) if e.kind == "receipt_imported"]
    assert len(event) == 1 and event[0]["seq"] == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"seq": 2}, "never exported"),
        ({"device": "0" * 32}, "not this device"),
        ({"bundle": "ab" * 32}, "has hash"),
        ({"log": (1, b"\x00" * 32)}, "audit-log size 1"),
        ({"key": "other"}, "pinned at enrolment"),
        ({"key": "root"}, "pinned at enrolment"),  # HQ's root key does not sign receipts
        ({"origin": "fieldapp-hq/elsewhere"}, "not from"),
    ],
)
def test_bad_receipts_change_nothing(pair: Pair, change: dict[str, Any], message: str) -> None:
    add_incident(pair.field)
    add_photo(pair, "IMG_0001.jpg", "green")
    fieldsync.export_bundle(pair.field, pair.out)
    seq = change.pop("seq", 1)
    if change.get("key") == "other":
        change["key"] = Ed25519PrivateKey.generate()
    elif change.get("key") == "root":
        change["key"] = enrollment.load_hq_keys(pair.hq).root
    if seq != 1:
        # Sign a receipt for a seq the device never sent: reuse bundle 1's facts.
        keys = enrollment.load_hq_keys(pair.hq)
        note = stored_note(pair.field, 1)
        parsed = open_bundle_note(note, [enrollment_verifier(pair)])
        text = Receipt(
            origin=keys.origin,
            hq=keys.receipt_name,
            device=pair.field.device.device_id,
            seq=seq,
            bundle=note_hash(note),
            log_size=parsed.log_size,
            log_root=parsed.log_root,
            time=RECEIPT_TIME,
        ).sign(keys.receipt)
    else:
        text = make_receipt(pair, 1, **change)
    state = sync_state(pair.field)
    with pytest.raises(fieldsync.ReceiptRefused, match=message):
        fieldsync.import_receipt(pair.field, text)
    assert sync_state(pair.field) == state


# --- purge ------------------------------------------------------------------------------------
def test_purge_removes_only_acknowledged_originals(pair: Pair) -> None:
    old_id, _ = add_photo(pair, "IMG_0001.jpg", "green")
    fieldsync.export_bundle(pair.field, pair.out)
    new_id, new_bytes = add_photo(pair, "IMG_0002.jpg", "red")  # after bundle 1: not acked

    # Before any receipt nothing is acknowledged, so nothing is purged.
    assert fieldsync.purge_acknowledged(pair.field) == fieldsync.PurgeResult(0, 0, 0)
    assert pair.field.read_evidence(old_id, 10**7)

    fieldsync.import_receipt(pair.field, make_receipt(pair, 1))
    before = pair.field.log_size()
    result = fieldsync.purge_acknowledged(pair.field)
    old_item, _ = pair.field.get_evidence(old_id)
    assert (result.blobs, result.thumbnails, result.bytes) == (1, 1, old_item.size)
    assert pair.field.log_size() == before + 1
    event = pair.field.audit_entries(limit=1)[0].entry
    assert (event["type"], event["blobs"]) == ("evidence_purged", 1)

    with pytest.raises(EvidenceNotFound, match=r"purged from this device.*after HQ acknowledged"):
        pair.field.read_evidence(old_id, 10**7)
    with pytest.raises(EvidenceNotFound, match="purged"):
        pair.field.export_evidence(old_id, pair.files / "copy.jpg", "court request")
    assert pair.field.evidence_thumbnail(old_id) is None
    # The unacknowledged original is untouched, and still travels in the next bundle.
    assert pair.field.read_evidence(new_id, 10**7) == new_bytes
    assert pair.field.evidence_thumbnail(new_id) is not None
    status = fieldsync.sync_status(pair.field)
    assert (status.pending_blobs, status.acknowledged_blobs, status.purged_blobs) == (1, 1, 1)
    assert fieldsync.export_bundle(pair.field, pair.out).blobs == 1
    # A second purge finds nothing more to do.
    assert fieldsync.purge_acknowledged(pair.field).blobs == 0
    assert pair.field.verify_log().ok


def test_status_follows_exports_and_receipts(pair: Pair) -> None:
    status = fieldsync.sync_status(pair.field)
    assert status.enrolled and status.hq_origin.startswith("fieldapp-hq/")
    assert (status.last_seq, status.last_receipt_seq, status.unacknowledged) == (0, 0, ())
    add_incident(pair.field)
    add_photo(pair, "IMG_0001.jpg", "green")
    status = fieldsync.sync_status(pair.field)
    assert (status.pending_records, status.pending_blobs) == (2, 1)
    assert status.pending_log_entries == pair.field.log_size()
    fieldsync.export_bundle(pair.field, pair.out)
    fieldsync.export_bundle(pair.field, pair.out)
    status = fieldsync.sync_status(pair.field)
    assert (status.last_seq, status.unacknowledged) == (2, (1, 2))
    assert status.pending_records == 2  # nothing acknowledged yet
    fieldsync.import_receipt(pair.field, make_receipt(pair, 2))
    status = fieldsync.sync_status(pair.field)
    assert (status.last_receipt_seq, status.unacknowledged, status.pending_records) == (2, (), 0)
    assert status.pending_blobs == 0 and status.last_receipt_at is not None


# --- with the real HQ importer -----------------------------------------------------------------
def test_round_trip_through_hq_with_a_lost_bundle(pair: Pair, tmp_path: Path) -> None:
    """Bundle 1 is lost on the way; bundle 2 covers it at HQ, and HQ's own receipt for bundle 2
    acknowledges everything on the field, which may then purge the original."""
    inc = add_incident(pair.field)
    photo_id, _ = add_photo(pair, "IMG_0001.jpg", "green")
    lost = fieldsync.export_bundle(pair.field, pair.out)
    lost.path.unlink()
    inc.summary = "three houses destroyed"
    pair.field.save_incident(inc, "site visit", expected_version=1)
    two = fieldsync.export_bundle(pair.field, pair.out)

    receipts = tmp_path / "receipts"
    receipts.mkdir()
    report = hqimport.import_bundle(pair.hq, two.path, receipts_dir=receipts)
    assert report.status == "imported", report.reason
    assert (report.seq, report.covered, report.versions, report.blobs) == (2, (1,), 3, 1)
    assert pair.hq.verify_log().ok
    (receipt_file,) = receipts.iterdir()

    result = fieldsync.import_receipt(pair.field, receipt_file.read_text("utf-8"))
    assert (result.seq, result.note_hash, result.blobs_acknowledged) == (2, two.note_hash, 1)
    assert fieldsync.purge_acknowledged(pair.field).blobs == 1
    with pytest.raises(EvidenceNotFound, match="purged"):
        pair.field.read_evidence(photo_id, 10**7)

    # The next bundle starts after bundle 2 and HQ takes it as the next in the chain.
    add_incident(pair.field, "Second strike")
    three = fieldsync.export_bundle(pair.field, pair.out)
    assert (three.records, three.blobs, three.chain) == (1, 0, 0)
    report = hqimport.import_bundle(pair.hq, three.path, receipts_dir=receipts)
    assert report.status == "imported", report.reason
    assert (report.seq, report.versions) == (3, 1)
    assert pair.field.verify_log().ok


@pytest.mark.parametrize("deleted", [False, True])
def test_record_line_is_the_canonical_object(deleted: bool) -> None:
    from fieldapp.store.records import version_sha256

    meta: dict[str, Any] = {
        "record_id": "a" * 32,
        "kind": "witness",
        "version": 3,
        "author": 'analyst "kestrel" \u202e',
        "device_id": "b" * 32,
        "at": "2026-11-22T13:00:00Z",
        "reason": "line\nbreak مرحبا",
        "deleted": deleted,
    }
    body: dict[str, Any] = {} if deleted else {"name": "Huda", "list": [1, "x"]}
    sha = version_sha256(**meta, body=body)
    row = (
        1,
        meta["record_id"],
        meta["kind"],
        meta["version"],
        meta["author"],
        meta["device_id"],
        meta["at"],
        meta["reason"],
        int(deleted),
        canonical.dumps(body),
        sha,
    )
    expected = {
        "at": meta["at"],
        "author": meta["author"],
        "body": body,
        "deleted": deleted,
        "device": meta["device_id"],
        "kind": meta["kind"],
        "reason": meta["reason"],
        "record_id": meta["record_id"],
        "sha256": sha,
        "version": 3,
    }
    assert fieldsync._record_line(row) == canonical.dumps(expected) + b"\n"


def test_a_dead_exports_partial_file_is_removed_a_live_ones_kept(pair: Pair) -> None:
    import subprocess
    import sys

    dead = pair.out / ".partial-dead.tmp"
    dead.write_bytes(b"age-encryption.org/v1 ... no final chunk")
    live = pair.out / ".partial-live.tmp"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
            str(live),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        add_incident(pair.field)
        result = fieldsync.export_bundle(pair.field, pair.out)
        assert sorted(os.listdir(pair.out)) == sorted([live.name, result.path.name])
    finally:
        holder.kill()
        holder.wait()


def test_a_bundle_is_a_bag_the_library_of_congress_validator_accepts(
    pair: Pair, tmp_path: Path
) -> None:
    """Interoperability: what a third party would run (`bagit.py --validate`, full, not fast)
    accepts the bag, and notices a changed payload byte that keeps the size (C6)."""
    import bagit

    add_incident(pair.field)
    add_blob(pair, "recording.bin", 2 * CHUNK_SIZE + 5)
    result = fieldsync.export_bundle(pair.field, pair.out)
    opened = open_bundle(pair, result.path, tmp_path / "q")
    bag = bagit.Bag(str(opened.folder))
    bag.validate(fast=False)  # raises bagit.BagValidationError on any problem
    blob = next((opened.folder / "data" / "evidence").iterdir())
    data = bytearray(blob.read_bytes())
    data[0] ^= 0x01
    blob.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(opened.folder)).validate(fast=False)
