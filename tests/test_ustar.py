"""The bundle's inner ustar: deterministic round trips, and every hostile shape of SECURITY.md B.

Hostile archives are built by hand with `struct` (tarfile normalises names and types, so it
could not produce most of them), each test making exactly the shape it names.
"""

from __future__ import annotations

import hashlib
import io
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from fieldapp.errors import FieldappError
from sync.ustar import (
    BLOCK,
    AbsolutePath,
    ArchiveTooLarge,
    BadHeader,
    BadMemberName,
    DuplicateMember,
    ExtendedHeader,
    Member,
    NestedArchive,
    NotARegularMember,
    PathTraversal,
    SourceSizeMismatch,
    SymlinkMember,
    TooManyMembers,
    TrailingData,
    TruncatedArchive,
    UstarError,
    UstarReader,
    UstarWriter,
    check_name,
)

HEADER = struct.Struct("100s8s8s8s12s12s8s1s100s6s2s32s32s8s8s155s12s")
END = b"\0" * (2 * BLOCK)


def header(
    name: bytes,
    size: int = 0,
    *,
    kind: bytes = b"0",
    linkname: bytes = b"",
    magic: bytes = b"ustar\0",
    version: bytes = b"00",
    prefix: bytes = b"",
    size_field: bytes | None = None,
    checksum_delta: int = 0,
) -> bytes:
    """One ustar header block, checksum computed unless told to get it wrong."""
    fields = [
        name,
        b"0000644\0",
        b"0000000\0",
        b"0000000\0",
        size_field if size_field is not None else b"%011o\0" % size,
        b"00000000000\0",
        b" " * 8,
        kind,
        linkname,
        magic,
        version,
        b"",
        b"",
        b"0000000\0",
        b"0000000\0",
        prefix,
        b"",
    ]
    raw = bytearray(HEADER.pack(*fields))
    raw[148:156] = b"%06o\0 " % (sum(raw) + checksum_delta)
    return bytes(raw)


def member(name: bytes, data: bytes = b"x", **kw: object) -> bytes:
    pad = b"\0" * (-len(data) % BLOCK)
    return header(name, len(data), **kw) + data + pad  # type: ignore[arg-type]


def read_all(raw: bytes, **kw: object) -> list[tuple[Member, bytes]]:
    reader = UstarReader(io.BytesIO(raw), **kw)  # type: ignore[arg-type]
    return [(m, d.read()) for m, d in reader.members()]


def write(files: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    w = UstarWriter(out)
    for name, data in files:
        w.add_bytes(name, data)
    w.close()
    return out.getvalue()


# --- writer and round trips ---------------------------------------------------------------------
FILES = [
    ("bagit.txt", b"BagIt-Version: 1.0\n"),
    ("data/empty", b""),
    ("data/one-block", b"a" * BLOCK),
    ("data/evidence/" + "0" * 64, bytes(range(256)) * 700),
]


def test_round_trip_gives_the_same_names_sizes_and_bytes() -> None:
    raw = write(FILES)
    assert [(m.name, d) for m, d in read_all(raw)] == FILES
    assert [m.size for m, _ in read_all(raw)] == [len(d) for _, d in FILES]


def test_writer_is_deterministic_and_standard_tar_reads_it() -> None:
    raw = write(FILES)
    assert raw == write(FILES)
    assert len(raw) % BLOCK == 0 and raw.endswith(END)
    with tarfile.open(fileobj=io.BytesIO(raw), mode="r:") as tar:
        infos = tar.getmembers()
        assert [i.name for i in infos] == [n for n, _ in FILES]
        for info, (_, data) in zip(infos, FILES, strict=True):
            assert info.isreg() and info.mode == 0o644 and info.mtime == 0
            assert (info.uid, info.gid, info.uname, info.gname) == (0, 0, "", "")
            extracted = tar.extractfile(info)
            assert extracted is not None and extracted.read() == data


def test_writer_header_is_plain_ustar_with_octal_size() -> None:
    raw = write([("data/f", b"abc")])
    assert raw[257:265] == b"ustar\x0000"
    assert raw[124:136] == b"00000000003\0"
    assert raw[345:500] == b"\0" * 155


def test_writer_streams_a_large_member(tmp_path: Path) -> None:
    src = tmp_path / "big"
    src.write_bytes(b"z" * (3 * 1024 * 1024 + 7))
    out = io.BytesIO()
    w = UstarWriter(out)
    with src.open("rb") as f:
        w.add_file("data/big", src.stat().st_size, f)
    w.close()
    [(m, data)] = read_all(out.getvalue())
    assert m == Member("data/big", 3 * 1024 * 1024 + 7)
    assert hashlib.sha256(data).digest() == hashlib.sha256(src.read_bytes()).digest()


def test_writer_refuses_a_source_shorter_or_longer_than_declared() -> None:
    w = UstarWriter(io.BytesIO())
    with pytest.raises(SourceSizeMismatch, match="ended 2 bytes before"):
        w.add_file("data/short", 5, io.BytesIO(b"abc"))
    with pytest.raises(SourceSizeMismatch, match="longer than its 2 bytes"):
        UstarWriter(io.BytesIO()).add_file("data/long", 2, io.BytesIO(b"abc"))


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("../x", PathTraversal),
        ("/tmp/x", AbsolutePath),
        ("Data/x", BadMemberName),
        ("data/con.jpg", BadMemberName),
        ("a" * 101, BadMemberName),
    ],
)
def test_writer_refuses_names_the_reader_would_refuse(name: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        UstarWriter(io.BytesIO()).add_bytes(name, b"x")


def test_writer_refuses_a_duplicate_name() -> None:
    w = UstarWriter(io.BytesIO())
    w.add_bytes("data/a", b"1")
    with pytest.raises(DuplicateMember, match="twice"):
        w.add_bytes("data/a", b"2")


def test_a_name_of_exactly_100_bytes_round_trips() -> None:
    name = "data/" + "n" * 95
    assert [m.name for m, _ in read_all(write([(name, b"1")]))] == [name]


def test_all_errors_are_fieldapp_errors_with_a_sentence() -> None:
    with pytest.raises(FieldappError) as info:
        read_all(member(b"../../x") + END)
    assert isinstance(info.value, UstarError)
    assert "'../../x'" in str(info.value) and "escape" in str(info.value)


# --- B1 .. B11 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [b"../../x", b"data/../../x", b"data/..", b"a/../b"])
def test_b1_dot_dot_segment(name: bytes) -> None:
    with pytest.raises(PathTraversal, match=r"'\.\.'"):
        read_all(member(name) + END)


@pytest.mark.parametrize("name", [b"/tmp/x", b"C:\\x", b"c:x", b"\\\\?\\C:\\x", b"\\x"])
def test_b2_absolute_and_windows_paths(name: bytes) -> None:
    with pytest.raises(AbsolutePath, match="absolute"):
        read_all(member(name) + END)


def test_b3_symlink() -> None:
    raw = header(b"data/link", kind=b"2", linkname=b"/etc/passwd") + END
    with pytest.raises(SymlinkMember, match="'data/link' is a symbolic link"):
        read_all(raw)


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        (b"1", "hard link"),
        (b"3", "character device"),
        (b"4", "block device"),
        (b"5", "directory"),
        (b"6", "FIFO"),
        (b"7", "contiguous file"),
        (b"S", "unknown type"),
    ],
)
def test_b4_links_devices_fifos_directories(kind: bytes, what: str) -> None:
    raw = header(b"data/thing", kind=kind, linkname=b"data/other") + END
    with pytest.raises(NotARegularMember, match=what):
        read_all(raw)


def test_b5_duplicate_member_name() -> None:
    raw = member(b"data/a", b"first") + member(b"data/a", b"second") + END
    with pytest.raises(DuplicateMember, match="'data/a' appears twice"):
        read_all(raw)


def test_b5_file_where_a_folder_is_needed() -> None:
    raw = member(b"data") + member(b"data/a") + END
    with pytest.raises(DuplicateMember, match="which is a file"):
        read_all(raw)
    raw = member(b"data/a") + member(b"data") + END
    with pytest.raises(DuplicateMember, match="folder of another member"):
        read_all(raw)


@pytest.mark.parametrize(("kind", "what"), [(b"x", "PAX"), (b"g", "PAX"), (b"L", "GNU long-name")])
def test_b6_pax_and_gnu_long_name_headers(kind: bytes, what: str) -> None:
    long_name = b"data/" + b"a" * 200
    raw = member(b"././@LongLink", long_name + b"\0", kind=kind) + member(b"data/a") + END
    with pytest.raises(ExtendedHeader, match=what):
        read_all(raw)


def test_b6_ustar_prefix_field() -> None:
    raw = member(b"f", prefix=b"data/" + b"p" * 100) + END
    with pytest.raises(ExtendedHeader, match="prefix"):
        read_all(raw)


def test_b7_bad_header_checksum() -> None:
    raw = member(b"data/a", checksum_delta=1) + END
    with pytest.raises(BadHeader, match="checksum"):
        read_all(raw)


@pytest.mark.parametrize(
    "size_field",
    [b"0000000001x\0", b"\x80\0\0\0\0\0\0\0\0\0\0\x01", b"           \0", b"-0000000001\0"],
)
def test_b7_non_octal_size(size_field: bytes) -> None:
    raw = header(b"data/a", size_field=size_field) + b"x".ljust(BLOCK, b"\0") + END
    with pytest.raises(BadHeader, match="size field"):
        read_all(raw)


def test_b7_garbage_in_other_numeric_fields_or_link_target() -> None:
    raw = bytearray(member(b"data/a"))
    raw[136:148] = b"\xff" * 12  # mtime
    raw[148:156] = b" " * 8
    raw[148:156] = b"%06o\0 " % sum(raw[:BLOCK])
    with pytest.raises(BadHeader, match="mtime field"):
        read_all(bytes(raw) + END)
    with pytest.raises(BadHeader, match="names a link target"):
        read_all(member(b"data/a", linkname=b"/etc/shadow") + END)


def test_b7_gnu_magic_is_not_ustar() -> None:
    raw = member(b"data/a", magic=b"ustar ", version=b" \0") + END
    with pytest.raises(BadHeader, match="not a POSIX ustar header"):
        read_all(raw)


def test_b7_bytes_hidden_after_the_name_or_in_padding() -> None:
    with pytest.raises(BadHeader, match="hidden after its name"):
        read_all(member(b"data/a\0evil") + END)
    raw = header(b"data/a", 1) + b"x" + b"secret".ljust(BLOCK - 1, b"\0") + END
    with pytest.raises(BadHeader, match="hidden in its padding"):
        read_all(raw)


def test_b8_member_data_truncated() -> None:
    raw = header(b"data/a", 5000) + b"y" * 1000
    with pytest.raises(TruncatedArchive, match="'data/a' is truncated"):
        read_all(raw)


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (0, "without its end-of-archive"),
        (BLOCK, "inside its end-of-archive"),
        (100, "inside a header"),
    ],
)
def test_b8_archive_truncated_at_the_end(cut: int, message: str) -> None:
    raw = member(b"data/a") + END[:cut]
    with pytest.raises(TruncatedArchive, match=message):
        read_all(raw)


@pytest.mark.parametrize("extra", [b"\0", b"\0" * BLOCK * 18, member(b"data/late")])
def test_b8_bytes_after_end_of_archive(extra: bytes) -> None:
    with pytest.raises(TrailingData, match="after the end-of-archive"):
        read_all(member(b"data/a") + END + extra)


def test_b9_too_many_members() -> None:
    raw = b"".join(member(b"data/%d" % i) for i in range(11)) + END
    assert len(read_all(raw, max_members=11)) == 11
    with pytest.raises(TooManyMembers, match="more than 10 members"):
        read_all(raw, max_members=10)


def test_b9_total_size_cap_is_checked_from_headers_before_reading_data() -> None:
    # The header claims 1 GiB but no data follows: the cap must trip before the truncation.
    raw = member(b"data/a", b"x" * 600) + header(b"data/b", 1024**3)
    with pytest.raises(ArchiveTooLarge, match="cap of 1000 bytes"):
        read_all(raw, max_total_size=1000)


@pytest.mark.parametrize(
    "name",
    [
        "data/cafe\u0301.jpg",  # NFD accent
        "data/caf\u00e9.jpg",  # NFC accent: still not ASCII
        "data/gpj\u202e.exe",  # right-to-left override
        "data/a\u200bb",  # zero-width space
        "data/CON.jpg",
        "data/con.jpg",
        "data/lpt1",
        "data/a.jpg:ads",
        "data/a.",
        "data/x./y",
        "Data/a",
        "data/a b",
        "data/a\nb",
        "data//a",
        "data/./a",
        "data/",
    ],
)
def test_b10_names_outside_the_whitelist(name: str) -> None:
    with pytest.raises(BadMemberName, match="member"):
        read_all(member(name.encode("utf-8")) + END)


def test_b10_name_not_utf8() -> None:
    with pytest.raises(BadMemberName, match="not valid UTF-8"):
        read_all(member(b"data/\xff") + END)


def test_b10_case_insensitive_duplicates_are_caught_even_without_the_whitelist() -> None:
    # The whitelist already refuses capitals; the duplicate check folds case on its own too.
    from sync.ustar import _NameSet

    names = _NameSet()
    names.add("data/a")
    with pytest.raises(DuplicateMember):
        names.add("Data/A")


def test_b10_data_vs_Data_members_are_refused() -> None:
    raw = member(b"data/a") + member(b"Data/a") + END
    with pytest.raises(BadMemberName, match="'Data/a'"):
        read_all(raw)


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("inner.txt", "hello")
    return buf.getvalue()


def _evidence_only(name: str) -> bool:
    return name.startswith("data/evidence/")


@pytest.mark.parametrize(
    ("payload", "what"),
    [(_zip_bytes(), "zip archive"), (member(b"inner") + END, "tar archive")],
)
def test_b11_archive_inside_the_tar_where_content_is_expected(payload: bytes, what: str) -> None:
    raw = member(b"data/records.jsonl", payload) + END
    with pytest.raises(NestedArchive, match=what):
        read_all(raw, archive_ok=_evidence_only)
    # Declared evidence may be anything (a .zip is legitimate evidence), and without the hook
    # the reader judges names and types only.
    blob = "data/evidence/" + hashlib.sha256(payload).hexdigest()
    assert (
        read_all(member(blob.encode(), payload) + END, archive_ok=_evidence_only)[0][1] == payload
    )
    assert read_all(raw)[0][1] == payload


def test_b11_sniffing_does_not_lose_the_first_bytes_of_a_plain_member() -> None:
    data = b'{"a": 1}\n' * 200
    [(_, got)] = read_all(member(b"data/records.jsonl", data) + END, archive_ok=_evidence_only)
    assert got == data


# --- quarantine extraction ----------------------------------------------------------------------
def test_extract_to_writes_members_into_the_quarantine(tmp_path: Path) -> None:
    raw = write(FILES)
    got = UstarReader(io.BytesIO(raw)).extract_to(tmp_path)
    assert [(m.name, m.size) for m in got] == [(n, len(d)) for n, d in FILES]
    assert [m.sha256 for m in got] == [hashlib.sha256(d).hexdigest() for _, d in FILES]
    for name, data in FILES:
        assert (tmp_path / name).read_bytes() == data


def test_extract_to_removes_everything_when_a_later_member_is_refused(tmp_path: Path) -> None:
    raw = member(b"data/good", b"ok") + member(b"data/sub/fine") + member(b"../evil") + END
    with pytest.raises(PathTraversal):
        UstarReader(io.BytesIO(raw)).extract_to(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent / "evil").exists()


def test_extract_to_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "left-over").write_bytes(b"")
    with pytest.raises(UstarError, match="not empty"):
        UstarReader(io.BytesIO(write(FILES))).extract_to(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["left-over"]


def test_unread_member_data_is_skipped_and_later_members_are_still_checked() -> None:
    raw = member(b"data/a", b"a" * 2000) + member(b"data/b", b"b") + END
    assert [m.name for m, _ in UstarReader(io.BytesIO(raw)).members()] == ["data/a", "data/b"]
    truncated = member(b"data/a", b"a" * 2000)[:1500]
    with pytest.raises(TruncatedArchive):
        list(UstarReader(io.BytesIO(truncated)).members())


def test_check_name_accepts_the_bundle_layout() -> None:
    for name in ("bagit.txt", "signature.note", "data/evidence/" + "ab" * 32, "data/x-y_z.1"):
        check_name(name)
