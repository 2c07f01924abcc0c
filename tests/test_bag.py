"""BagIt 1.0 bags in strict ustar: the writer's RFC 8493 layout, and SECURITY.md cases C5-C11.

Each hostile bag starts from a real bag written by `BagWriter` and extracted by `extract_bag`,
then changed on disk exactly as the case names. Where a case targets a check below the tag
manifest, `retag` recomputes the tag manifest so the lower check is the one that must fire.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from sync.bag import (
    BAGIT_TXT,
    BadBagInfo,
    BadBagitTxt,
    BadManifest,
    BagError,
    BagWriter,
    BlobNameMismatch,
    DuplicateManifestEntry,
    ExtraFile,
    ManifestPathEscape,
    NotAFile,
    PayloadMismatch,
    PayloadMissing,
    PayloadOxumMismatch,
    TagFileMissing,
    TagManifestChanged,
    TagManifestMismatch,
    decode_path,
    encode_path,
    extract_bag,
    validate_folder,
)
from sync.ustar import NestedArchive, PathTraversal, UstarWriter

RECORDS = b'{"id":"r1","v":1}\n{"id":"r2","v":1}\n'
AUDIT = b'{"seq":1}\n'
EVIDENCE = bytes(range(256)) * 300
BLOB = "data/evidence/" + hashlib.sha256(EVIDENCE).hexdigest()
NOTE = b"fieldapp/bundle/v1\n\n- test signature line\n"


def write_bag(note: bytes | None = NOTE) -> tuple[bytes, str]:
    out = io.BytesIO()
    writer = BagWriter(out, [("Source-Organization", "CHM Cell"), ("External-Identifier", "b-1")])
    writer.add_payload_bytes("data/records.jsonl", RECORDS)
    writer.add_payload_bytes("data/auditlog.jsonl", AUDIT)
    writer.add_payload(BLOB, len(EVIDENCE), io.BytesIO(EVIDENCE))
    tag_hash = writer.finish()
    writer.close(note)
    return out.getvalue(), tag_hash


@pytest.fixture
def bag(tmp_path: Path) -> Path:
    """A valid bag extracted into a quarantine folder."""
    folder = tmp_path / "q"
    folder.mkdir()
    raw, _ = write_bag()
    extract_bag(io.BytesIO(raw), folder)
    return folder


def retag(folder: Path) -> str:
    """Recompute the tag manifest after an edit, as a careful attacker would; return its hash."""
    lines = "".join(
        f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n"
        for n in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    ).encode()
    (folder / "tagmanifest-sha256.txt").write_bytes(lines)
    return hashlib.sha256(lines).hexdigest()


def add_manifest_line(folder: Path, line: str) -> None:
    with (folder / "manifest-sha256.txt").open("a", encoding="utf-8", newline="") as f:
        f.write(line)
    retag(folder)


# --- writer -------------------------------------------------------------------------------------
def test_round_trip_returns_the_payload_and_the_signed_tag_manifest_hash(tmp_path: Path) -> None:
    raw, tag_hash = write_bag()
    result = extract_bag(io.BytesIO(raw), tmp_path, expected_tagmanifest_sha256=tag_hash)
    assert result.tagmanifest_sha256 == tag_hash
    assert (
        tag_hash == hashlib.sha256((tmp_path / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    )
    assert list(result.payload) == ["data/records.jsonl", "data/auditlog.jsonl", BLOB]
    assert result.payload[BLOB].sha256 == hashlib.sha256(EVIDENCE).hexdigest()
    assert result.payload["data/records.jsonl"].size == len(RECORDS)
    assert ("Source-Organization", "CHM Cell") in result.bag_info
    assert (tmp_path / BLOB).read_bytes() == EVIDENCE
    assert (tmp_path / "signature.note").read_bytes() == NOTE
    assert validate_folder(tmp_path, expected_tagmanifest_sha256=tag_hash) == result


def test_writer_is_deterministic() -> None:
    assert write_bag() == write_bag()


def test_layout_follows_rfc_8493(bag: Path) -> None:
    assert (
        bag / "bagit.txt"
    ).read_bytes() == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    info = (bag / "bag-info.txt").read_text(encoding="utf-8").splitlines()
    total = len(RECORDS) + len(AUDIT) + len(EVIDENCE)
    assert info == [
        "Source-Organization: CHM Cell",
        "External-Identifier: b-1",
        f"Payload-Oxum: {total}.3",
    ]
    manifest = (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()
    assert manifest == [
        f"{hashlib.sha256(RECORDS).hexdigest()}  data/records.jsonl",
        f"{hashlib.sha256(AUDIT).hexdigest()}  data/auditlog.jsonl",
        f"{hashlib.sha256(EVIDENCE).hexdigest()}  {BLOB}",
    ]
    tags = [
        line.split("  ")[1] for line in (bag / "tagmanifest-sha256.txt").read_text().splitlines()
    ]
    assert tags == ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"]  # not signature.note


def test_standard_tar_sees_payload_then_tag_files_then_the_signature() -> None:
    raw, _ = write_bag()
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        names = tar.getnames()
    assert names == [
        "data/records.jsonl",
        "data/auditlog.jsonl",
        BLOB,
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "signature.note",
    ]


def test_a_bag_without_signature_is_still_a_valid_bag(tmp_path: Path) -> None:
    raw, tag_hash = write_bag(note=None)
    assert extract_bag(io.BytesIO(raw), tmp_path).tagmanifest_sha256 == tag_hash


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Contact-Name", "a\nPayload-Oxum: 1.1"),
        ("Contact-Name", "a\rb"),
        ("Contact-Name", "a\u2028b"),
        ("Contact-Name", " padded"),
        ("Bad Label", "x"),
        ("Payload-Oxum", "1.1"),
    ],
)
def test_writer_refuses_bag_info_that_could_inject_lines(label: str, value: str) -> None:
    with pytest.raises(BadBagInfo):
        BagWriter(io.BytesIO(), [(label, value)])


def test_writer_refuses_payload_outside_data_and_after_finish() -> None:
    writer = BagWriter(io.BytesIO())
    with pytest.raises(BadManifest, match="not under data/"):
        writer.add_payload_bytes("records.jsonl", b"x")
    writer.add_payload_bytes("data/records.jsonl", b"x")
    writer.finish()
    with pytest.raises(BagError, match="after them"):
        writer.add_payload_bytes("data/late", b"x")


def test_writer_refuses_an_empty_bag() -> None:
    with pytest.raises(BagError, match="at least one payload file"):
        BagWriter(io.BytesIO()).finish()


def test_validator_refuses_an_empty_manifest(bag: Path) -> None:
    (bag / "manifest-sha256.txt").write_bytes(b"")
    retag(bag)
    with pytest.raises(BadManifest, match="the bag is empty"):
        validate_folder(bag)


def test_percent_encoding_of_rfc_8493() -> None:
    assert encode_path("data/a%b\r\nc") == "data/a%25b%0D%0Ac"
    assert decode_path("data/a%25b%0D%0Ac") == "data/a%b\r\nc"
    assert decode_path("data/a%0d%0a") == "data/a\r\n"
    for bad in ("data/%41", "data/a%", "data/a%2", "data/%2F..%2Fx"):
        with pytest.raises(BadManifest, match="only %0D, %0A and %25"):
            decode_path(bad)


# --- C5 .. C11 ----------------------------------------------------------------------------------
def test_c5_tag_manifest_edited_after_signing(bag: Path) -> None:
    signed = hashlib.sha256((bag / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    # A consistent forgery: payload, manifest and tag manifest all rewritten together. Only the
    # comparison with the signed hash can catch it.
    forged = b'{"id":"r1","v":2}\n'
    (bag / "data/records.jsonl").write_bytes(forged)
    lines = (bag / "manifest-sha256.txt").read_text().splitlines(keepends=True)
    lines[0] = f"{hashlib.sha256(forged).hexdigest()}  data/records.jsonl\n"
    (bag / "manifest-sha256.txt").write_text("".join(lines))
    info = (bag / "bag-info.txt").read_text()
    total = len(forged) + len(AUDIT) + len(EVIDENCE)
    (bag / "bag-info.txt").write_text(
        info.rsplit("Payload-Oxum", 1)[0] + f"Payload-Oxum: {total}.3\n"
    )
    retag(bag)
    assert validate_folder(bag).payload["data/records.jsonl"].size == len(forged)
    with pytest.raises(TagManifestChanged, match="edited after signing"):
        validate_folder(bag, expected_tagmanifest_sha256=signed)


def test_c5_tag_manifest_hash_entry_edited(bag: Path) -> None:
    text = (bag / "tagmanifest-sha256.txt").read_text()
    first = text[0]
    (bag / "tagmanifest-sha256.txt").write_text(("0" if first != "0" else "1") + text[1:])
    with pytest.raises(TagManifestMismatch, match=r"bagit.txt does not match"):
        validate_folder(bag)


def test_c5_tag_file_edited_without_updating_the_tag_manifest(bag: Path) -> None:
    with (bag / "bag-info.txt").open("a") as f:
        f.write("Contact-Name: someone\n")
    with pytest.raises(TagManifestMismatch, match=r"bag-info.txt does not match"):
        validate_folder(bag)


def test_c5_tag_manifest_listing_the_wrong_files(bag: Path) -> None:
    with (bag / "tagmanifest-sha256.txt").open("a") as f:
        f.write(f"{hashlib.sha256(NOTE).hexdigest()}  signature.note\n")
    with pytest.raises(TagManifestMismatch, match="must list exactly"):
        validate_folder(bag)


def test_c6_payload_byte_changed_with_the_same_size(bag: Path) -> None:
    blob = bytearray((bag / BLOB).read_bytes())
    blob[len(blob) // 2] ^= 0x01
    (bag / BLOB).write_bytes(bytes(blob))
    with pytest.raises(PayloadMismatch, match="does not match its SHA-256"):
        validate_folder(bag)


def test_c7_payload_file_missing(bag: Path) -> None:
    (bag / "data/auditlog.jsonl").unlink()
    with pytest.raises(PayloadMissing, match=r"'data/auditlog.jsonl' is listed but missing"):
        validate_folder(bag)


def test_c8_extra_payload_file(bag: Path) -> None:
    (bag / "data/evidence/extra").write_bytes(b"smuggled")
    with pytest.raises(ExtraFile, match="'data/evidence/extra' is in no manifest"):
        validate_folder(bag)


@pytest.mark.parametrize("name", ["manifest-md5.txt", "notes.txt", "other/x"])
def test_c8_extra_tag_file(bag: Path, name: str) -> None:
    (bag / name).parent.mkdir(exist_ok=True)
    (bag / name).write_bytes(b"d41d8cd98f00b204e9800998ecf8427e  data/records.jsonl\n")
    with pytest.raises(ExtraFile, match="no manifest lists"):
        validate_folder(bag)


def tar_folder(folder: Path, extra: dict[str, bytes]) -> bytes:
    """The files of an extracted bag, plus `extra`, as a fresh ustar archive."""
    out = io.BytesIO()
    tar = UstarWriter(out)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        tar.add_bytes(path.relative_to(folder).as_posix(), path.read_bytes())
    for name, data in extra.items():
        tar.add_bytes(name, data)
    tar.close()
    return out.getvalue()


def test_c8_extra_file_in_the_archive_itself(bag: Path, tmp_path: Path) -> None:
    raw = tar_folder(bag, {"fetch.txt": b"http://example.org/x 1 data/x\n"})
    (tmp_path / "q2").mkdir()
    with pytest.raises(ExtraFile, match=r"'fetch.txt'"):
        extract_bag(io.BytesIO(raw), tmp_path / "q2")
    assert list((tmp_path / "q2").iterdir()) == []


@pytest.mark.parametrize(
    "path", ["../bag_x/f", "data/../x", "data/../../etc/passwd", "/etc/passwd"]
)
def test_c9_manifest_entry_escaping_the_bag(bag: Path, path: str) -> None:
    add_manifest_line(bag, f"{'a' * 64}  {path}\n")
    with pytest.raises(ManifestPathEscape, match="leads outside the bag"):
        validate_folder(bag)


def test_c9_payload_manifest_listing_a_tag_file(bag: Path) -> None:
    add_manifest_line(bag, f"{hashlib.sha256(BAGIT_TXT).hexdigest()}  bagit.txt\n")
    with pytest.raises(ManifestPathEscape, match="outside data/"):
        validate_folder(bag)


def test_c10_same_path_twice_with_different_hashes(bag: Path) -> None:
    add_manifest_line(bag, f"{'b' * 64}  data/records.jsonl\n")
    with pytest.raises(DuplicateManifestEntry, match="twice \\(with another hash\\)"):
        validate_folder(bag)


def test_c10_same_path_twice_with_the_same_hash(bag: Path) -> None:
    add_manifest_line(bag, f"{hashlib.sha256(AUDIT).hexdigest()}  data/auditlog.jsonl\n")
    with pytest.raises(DuplicateManifestEntry, match="twice \\(again\\)"):
        validate_folder(bag)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xef\xbb\xbf" + BAGIT_TXT, "byte-order mark"),
        (b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n", "differs"),
        (b"BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n", "differs"),
        (b"BagIt-Version: 1.0\nTag-File-Character-Encoding: ISO-8859-1\n", "differs"),
    ],
)
def test_c11_bagit_txt_with_bom_or_wrong_version(bag: Path, content: bytes, message: str) -> None:
    (bag / "bagit.txt").write_bytes(content)
    retag(bag)
    with pytest.raises(BadBagitTxt, match=message):
        validate_folder(bag)


@pytest.mark.parametrize(
    ("injected", "message"),
    [
        ("Contact-Name: a\nPayload-Oxum: 1.1\n", "appears twice"),
        ("Contact-Name: a\rb\n", "carriage return"),
        ("Contact-Name: a\n  continued\n", "is not 'Label: value'"),
        ("Contact-Name: a\x1bb\n", "control character"),
        ("Contact-Name:a\n", "is not 'Label: value'"),
        ("\ufeffContact-Name: a\n", "byte-order mark"),
    ],
)
def test_c11_cr_lf_injected_in_bag_info(bag: Path, injected: str, message: str) -> None:
    info = (bag / "bag-info.txt").read_text()
    (bag / "bag-info.txt").write_bytes((injected + info).encode("utf-8"))
    retag(bag)
    with pytest.raises(BadBagInfo, match=message):
        validate_folder(bag)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (f"{'A' * 64}  data/x\n", "64 lowercase hex"),
        (f"{'a' * 64} data/x\n", "64 lowercase hex"),
        (f"{'a' * 64}\tdata/x\n", "64 lowercase hex"),
        (f"{'a' * 63}  data/x\n", "64 lowercase hex"),
        (f"{'a' * 64}  data/x\r\n", "carriage return"),
        (f"{'a' * 64}  data/x", "does not end with a newline"),
        ("\n", "64 lowercase hex"),
        (f"{'a' * 64}  data/a%0Ab\n", "characters outside"),
        (f"{'a' * 64}  data/%41\n", "only %0D, %0A and %25"),
        (f"{'a' * 64}  data/Records.jsonl\n", "characters outside"),
    ],
)
def test_manifest_lines_are_strict(bag: Path, line: str, message: str) -> None:
    add_manifest_line(bag, line)
    with pytest.raises(BadManifest, match=message):
        validate_folder(bag)


def test_payload_oxum_must_match(bag: Path) -> None:
    info = (bag / "bag-info.txt").read_text()
    head, _ = info.rsplit("Payload-Oxum", 1)
    (bag / "bag-info.txt").write_text(head + "Payload-Oxum: 10.3\n")
    retag(bag)
    with pytest.raises(PayloadOxumMismatch, match=r"says 10.3"):
        validate_folder(bag)
    (bag / "bag-info.txt").write_text(head)
    retag(bag)
    with pytest.raises(BadBagInfo, match="no valid Payload-Oxum"):
        validate_folder(bag)


@pytest.mark.parametrize(
    "name", ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"]
)
def test_missing_tag_file(bag: Path, name: str) -> None:
    (bag / name).unlink()
    with pytest.raises(TagFileMissing, match=f"no {name}"):
        validate_folder(bag)


def test_evidence_blob_must_be_named_by_its_hash(tmp_path: Path) -> None:
    out = io.BytesIO()
    writer = BagWriter(out)
    writer.add_payload_bytes("data/evidence/" + "0" * 64, b"not zeros")
    writer.close()
    with pytest.raises(BlobNameMismatch, match="not named by its SHA-256"):
        extract_bag(io.BytesIO(out.getvalue()), tmp_path)


def test_symlink_in_the_quarantine_is_refused(bag: Path) -> None:
    os.symlink("/etc/passwd", bag / "data/link")
    with pytest.raises(NotAFile, match="data/link"):
        validate_folder(bag)


# --- extraction: B11 and all-or-nothing ---------------------------------------------------------
def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "a")
    return buf.getvalue()


def test_b11_zip_is_refused_as_records_but_accepted_as_evidence(tmp_path: Path) -> None:
    zipped = _zip()
    out = io.BytesIO()
    writer = BagWriter(out)
    writer.add_payload_bytes("data/evidence/" + hashlib.sha256(zipped).hexdigest(), zipped)
    writer.close()
    (tmp_path / "ok").mkdir()
    assert len(extract_bag(io.BytesIO(out.getvalue()), tmp_path / "ok").payload) == 1

    out = io.BytesIO()
    writer = BagWriter(out)
    writer.add_payload_bytes("data/records.jsonl", zipped)
    writer.close()
    (tmp_path / "bad").mkdir()
    with pytest.raises(NestedArchive, match=r"'data/records.jsonl' is a zip archive"):
        extract_bag(io.BytesIO(out.getvalue()), tmp_path / "bad")
    assert list((tmp_path / "bad").iterdir()) == []


def test_refused_bag_leaves_the_quarantine_empty(tmp_path: Path) -> None:
    raw, _ = write_bag()
    with pytest.raises(TagManifestChanged):
        extract_bag(io.BytesIO(raw), tmp_path, expected_tagmanifest_sha256="0" * 64)
    assert list(tmp_path.iterdir()) == []


def test_refused_archive_leaves_the_quarantine_empty(bag: Path, tmp_path: Path) -> None:
    raw = tar_folder(bag, {})
    # Replace the end-of-archive blocks by a hand-made header whose name climbs out.
    hostile = bytearray(raw[:512])
    hostile[0:100] = b"../x".ljust(100, b"\0")
    hostile[148:156] = b" " * 8
    hostile[148:156] = b"%06o\0 " % sum(hostile)
    raw = raw[:-1024] + bytes(hostile) + b"\0" * 1024
    (tmp_path / "q2").mkdir()
    with pytest.raises(PathTraversal):
        extract_bag(io.BytesIO(raw), tmp_path / "q2")
    assert list((tmp_path / "q2").iterdir()) == []
    assert not (tmp_path / "x").exists()
