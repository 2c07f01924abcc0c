"""SECURITY.md A4-A6, B2-B11 and C7-C11 at HQ: the archive and bag cases, each one a real
bundle (age-encrypted to HQ, holding the device's real signed note) with one member or tag
file made hostile. Each must be refused with its reason and change nothing but the inbox.

The format layers have their own finer tests (test_age, test_ustar, test_bag); these prove
the HQ pipeline reports each case and keeps its promises (inbox copy, no state change).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from sync import enrollment
from sync.hqimport import import_bundle
from sync.quarantine import Limits
from tests.bundle_builder import FieldSide, bag_bytes, encrypt, write_bundle
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault
from tests.test_hqimport_hostile import Env, add_incident, refused


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    # One HQ for the module: every case must leave it unchanged anyway, which `refused`
    # checks each time.
    tmp = tmp_path_factory.mktemp("catalogue")
    hq = make_hq_vault(tmp / "hq")
    field = make_vault(tmp / "field")
    enroll(field, hq)
    enrolled = enrollment.field_enrollment(field)
    assert enrolled is not None
    listing = enrolled.recipients
    side = FieldSide(field, (listing.primary, listing.escrow), listing.fingerprints())
    add_incident(field, "Market strike")
    try:
        yield Env(hq, field, side, tmp / "drop", tmp)
    finally:
        field.lock()
        hq.lock()


@dataclass
class Member:
    name: str
    data: bytes = b""
    kind: bytes = tarfile.REGTYPE
    link: str = ""


def good_members(env: Env) -> list[Member]:
    """The members of a well-formed bag carrying the device's real signed note."""
    files = env.side.files()
    note = env.side.bundle(remember=False).note.encode()
    plain = bag_bytes(files, lambda tm: note)
    with tarfile.open(fileobj=io.BytesIO(plain)) as tar:
        result = []
        for info in tar.getmembers():
            handle = tar.extractfile(info)
            assert handle is not None
            result.append(Member(info.name, handle.read()))
        return result


def tar_of(members: list[Member], fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for m in members:
            info = tarfile.TarInfo(m.name)
            info.type = m.kind
            info.linkname = m.link
            info.size = len(m.data) if m.kind == tarfile.REGTYPE else 0
            info.mode, info.mtime, info.uid, info.gid = 0o644, 0, 0, 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(m.data) if m.kind == tarfile.REGTYPE else None)
        end = tar.offset
    return out.getvalue()[:end] + bytes(1024)  # exactly two zero blocks, as our writer


def retag(members: list[Member]) -> None:
    """Recompute tagmanifest-sha256.txt after a tag file was changed (C9-C11 reach the bag
    checks they target instead of stopping at the tag manifest)."""
    by_name = {m.name: m for m in members}
    lines = "".join(
        f"{hashlib.sha256(by_name[n].data).hexdigest()}  {n}\n"
        for n in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
    )
    by_name["tagmanifest-sha256.txt"].data = lines.encode()


def edit(name: str, change: Callable[[bytes], bytes]) -> Callable[[list[Member]], None]:
    def apply(members: list[Member]) -> None:
        for m in members:
            if m.name == name:
                m.data = change(m.data)
        retag(members)

    return apply


def add(member: Member) -> Callable[[list[Member]], None]:
    return lambda members: members.insert(0, member)


def drop(name: str) -> Callable[[list[Member]], None]:
    def apply(members: list[Member]) -> None:
        members[:] = [m for m in members if m.name != name]

    return apply


def duplicate(name: str) -> Callable[[list[Member]], None]:
    def apply(members: list[Member]) -> None:
        first = next(m for m in members if m.name == name)
        members.insert(0, Member(first.name, first.data + b""))

    return apply


INNER_TAR = tar_of([Member("x.txt", b"x")])  # a whole archive as one payload file


TAR_CASES: list[tuple[str, Callable[[list[Member]], None], str]] = [
    ("B2 absolute path", add(Member("/tmp/x", b"x")), "absolute"),
    ("B2 windows drive", add(Member("C:\\x", b"x")), "C:\\\\x"),
    ("B4 hard link", add(Member("data/h", kind=tarfile.LNKTYPE, link="data/x")), "hard link"),
    ("B4 fifo", add(Member("data/f", kind=tarfile.FIFOTYPE)), "FIFO"),
    ("B4 directory", add(Member("data/d/", kind=tarfile.DIRTYPE)), "directory"),
    ("B5 duplicate member", duplicate("data/records.jsonl"), "twice"),
    ("B10 reserved name", add(Member("data/CON.jpg", b"x")), "characters outside"),
    ("B10 alternate stream", add(Member("data/a.jpg:ads", b"x")), "U+003A ':'"),
    ("B10 trailing dot", add(Member("data/x.", b"x")), "ending in a dot"),
    ("B10 upper-case Data/", add(Member("Data/records.jsonl", b"x")), "U+0044 'D'"),
    ("B10 right-to-left override", add(Member("data/a\u202egpj.exe", b"x")), "U+202E"),
    ("B10 NFD accent", add(Member("data/e\u0301.txt", b"x")), "U+0301"),
    ("B11 tar inside the tar", add(Member("data/inner.tar", INNER_TAR)), "is a tar archive"),
    ("C7 payload file removed", drop("data/checkpoint.note"), "is listed but missing"),
    ("C8 extra payload file", add(Member("data/extra.txt", b"x")), "in no manifest"),
    ("C8 extra tag file", add(Member("extra-tag.txt", b"x")), "no manifest lists"),
    (
        "C9 manifest entry escaping the bag",
        edit("manifest-sha256.txt", lambda d: d + b"0" * 64 + b"  ../bag_x/f\n"),
        "leads outside the bag",
    ),
    (
        "C10 same path twice, other hash",
        edit("manifest-sha256.txt", lambda d: d + b"1" * 64 + b"  data/records.jsonl\n"),
        "twice (with another hash)",
    ),
    (
        "C11 bagit.txt with a BOM",
        edit("bagit.txt", lambda d: b"\xef\xbb\xbf" + d),
        "byte-order mark",
    ),
    (
        "C11 wrong BagIt version",
        edit("bagit.txt", lambda d: d.replace(b"1.0", b"0.97")),
        "bagit.txt differs",
    ),
    (
        "C11 CR/LF injected in bag-info.txt",
        edit("bag-info.txt", lambda d: b"Source: x\r\nInjected: y\n" + d),
        "carriage return",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "match"), [c[1:] for c in TAR_CASES], ids=[c[0] for c in TAR_CASES]
)
def test_archive_and_bag_cases(
    env: Env, mutate: Callable[[list[Member]], None], match: str
) -> None:
    members = good_members(env)
    mutate(members)
    refused(env, encrypt(tar_of(members), list(env.side.recipients)), match)


def test_b6_pax_and_gnu_long_names(env: Env) -> None:
    long = "data/" + "x" * 120
    for fmt, match in (
        (tarfile.PAX_FORMAT, "PAX extended header"),
        (tarfile.GNU_FORMAT, "not a POSIX ustar header"),
    ):
        members = [*good_members(env), Member(long, b"x")]
        refused(env, encrypt(tar_of(members, fmt), list(env.side.recipients)), match)


def test_b7_bad_checksum_and_non_octal_size(env: Env) -> None:
    raw = bytearray(tar_of(good_members(env)))
    raw[0] ^= 0x01  # first header's name: the checksum no longer matches
    refused(env, encrypt(bytes(raw), list(env.side.recipients)), "checksum")
    raw = bytearray(tar_of(good_members(env)))
    raw[124:136] = b"0000000009x\0"
    raw[148:156] = b" " * 8  # a correct checksum, so the size field itself is judged
    raw[148:156] = b"%06o\0 " % sum(raw[:512])
    refused(env, encrypt(bytes(raw), list(env.side.recipients)), "size")


def test_b8_truncated_member_and_bytes_after_the_end(env: Env) -> None:
    raw = tar_of(good_members(env))
    refused(env, encrypt(raw[:700], list(env.side.recipients)), "is truncated")
    refused(env, encrypt(raw + b"x", list(env.side.recipients)), "after the end")


def test_b9_too_many_members(env: Env) -> None:
    data = encrypt(tar_of(good_members(env)), list(env.side.recipients))
    path = write_bundle(env.drop, data)
    report = import_bundle(env.hq, path, limits=Limits(max_members=3))
    assert report.status == "rejected" and "members" in report.reason


def test_b11_a_zip_instead_of_a_tar(env: Env) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("data/records.jsonl", "{}\n")
    refused(env, encrypt(out.getvalue(), list(env.side.recipients)), "ends inside a header")


def test_a4_scrypt_stanza_and_a5_armor(env: Env) -> None:
    body = base64.b64encode(bytes(32)).decode().rstrip("=")
    salt = base64.b64encode(bytes(16)).decode().rstrip("=")
    scrypt = f"age-encryption.org/v1\n-> scrypt {salt} 18\n{body}\n--- {body}\n".encode() + bytes(
        64
    )
    refused(env, scrypt, "scrypt")
    armored = b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"
    refused(env, armored, "armor")


def test_a6_truncated_at_a_chunk_boundary(env: Env) -> None:
    members = good_members(env)
    members.insert(0, Member("data/evidence/" + "0" * 64, bytes(200_000)))
    data = encrypt(tar_of(members), list(env.side.recipients))
    header_end = data.index(b"\n", data.index(b"\n--- ") + 1) + 1
    chunk = 64 * 1024 + 16
    cut = header_end + 16 + 2 * chunk  # nonce, then two whole chunks of four
    refused(env, data[:cut], "payload is damaged")
