"""Strict, deterministic ustar for bundles: one writer, one hostile-input reader.

A bundle's inner archive is read at HQ from a file an attacker may have shaped by hand, so the
reader accepts only what our writer produces: regular files with whitelisted names, plain ustar
headers, exact sizes and the two zero blocks at the end, nothing after. Every refusal has its own
error class (SECURITY.md section B) so an import report can name the precise reason.

Both directions stream with flat memory: the writer copies a member from a stream in 64 KiB
pieces; the reader yields one member at a time and never holds a member's data.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fieldapp.errors import FieldappError

BLOCK = 512
COPY_CHUNK = 64 * 1024
NAME_FIELD = 100
DEFAULT_MAX_MEMBERS = 200_000
DEFAULT_MAX_TOTAL_SIZE = 64 * 1024**3
_END = b"\0" * (2 * BLOCK)

# Windows device names: a file called `con.jpg` cannot be created (or opens the console) there.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)}
_ALLOWED = re.compile(r"[a-z0-9._/-]+")
_DRIVE = re.compile(r"^[A-Za-z]:")
_OCTAL = re.compile(rb" *([0-7]+)[\0 ]*")


class Readable(Protocol):
    """What the writer and reader need of a stream: a file, a pipe, a hashing wrapper."""

    def read(self, size: int = ..., /) -> bytes: ...


class Writable(Protocol):
    """Where the writer puts the archive."""

    def write(self, data: bytes, /) -> int: ...


# --- errors -------------------------------------------------------------------------------------
class UstarError(FieldappError):
    """The inner archive is not one our writer could have produced; nothing is kept from it."""


class PathTraversal(UstarError):
    """B1: a member name has a `..` segment and would land outside the quarantine folder."""


class AbsolutePath(UstarError):
    """B2: a member name is absolute (`/x`), has a drive (`C:\\x`) or is a UNC/device path."""


class SymlinkMember(UstarError):
    """B3: a symbolic link; following one could write or read anywhere on the disk."""


class NotARegularMember(UstarError):
    """B4: a hard link, device, FIFO, directory or other non-file entry."""


class DuplicateMember(UstarError):
    """B5: the same name twice (or twice up to case, or a file where a folder is needed)."""


class ExtendedHeader(UstarError):
    """B6: a PAX or GNU long-name header, or a ustar prefix field: names must fit in 100 bytes."""


class BadHeader(UstarError):
    """B7: a header whose checksum, magic or numeric fields are wrong."""


class TruncatedArchive(UstarError):
    """B8: the archive ends inside a header or a member's data, or has no end-of-archive blocks."""


class TrailingData(UstarError):
    """B8: bytes after the end-of-archive blocks: something was appended or smuggled."""


class TooManyMembers(UstarError):
    """B9: more members than the limit (a million tiny files exhaust inodes and time)."""


class ArchiveTooLarge(UstarError):
    """B9: the members' total size is over the cap (checked from headers, before data is read)."""


class BadMemberName(UstarError):
    """B10: a name outside `[a-z0-9._/-]`, a reserved device name, a trailing dot, ...."""


class NestedArchive(UstarError):
    """B11: a zip, tar or compressed stream where plain content is expected."""


class SourceSizeMismatch(UstarError):
    """The writer's source stream had fewer or more bytes than the size declared for it."""


# --- names --------------------------------------------------------------------------------------
def check_name(name: str) -> None:
    """Refuse any member name a hostile archive could use against the reader's file system.

    Shared by writer and reader so the writer can never produce what the reader refuses. The
    order matters only for the message: the most specific reason (traversal, absolute path) wins
    over the generic whitelist refusal.
    """
    if not name:
        raise BadMemberName("a member has an empty name")
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise AbsolutePath(f"member {name!r} has an absolute path; only relative names are allowed")
    segments = re.split(r"[/\\]", name)
    if ".." in segments:
        raise PathTraversal(f"member {name!r} has a '..' segment and would escape the folder")
    bad = sorted({c for c in name if not _ALLOWED.fullmatch(c)})
    if bad:
        shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in bad)
        raise BadMemberName(
            f"member {name!r} has characters outside [a-z0-9._/-]: {shown}",
        )
    if len(name.encode("ascii")) > NAME_FIELD:
        raise BadMemberName(f"member {name!r} is longer than {NAME_FIELD} bytes")
    for seg in segments:
        if seg in ("", "."):
            raise BadMemberName(f"member {name!r} has an empty or '.' path segment")
        if seg.endswith("."):
            raise BadMemberName(f"member {name!r} has a segment ending in a dot ({seg!r})")
        if seg.split(".")[0] in _RESERVED:
            raise BadMemberName(f"member {name!r} uses the reserved device name {seg!r}")


class _NameSet:
    """Names seen so far: exact and case-insensitive duplicates and file/folder clashes."""

    def __init__(self) -> None:
        self._files: set[str] = set()
        self._dirs: set[str] = set()

    def add(self, name: str) -> None:
        key = name.casefold()
        if key in self._files:
            raise DuplicateMember(f"member {name!r} appears twice in the archive")
        if key in self._dirs:
            raise DuplicateMember(f"member {name!r} is also the folder of another member")
        parts = key.split("/")
        parents = ["/".join(parts[:i]) for i in range(1, len(parts))]
        for parent in parents:
            if parent in self._files:
                raise DuplicateMember(f"member {name!r} lies under {parent!r}, which is a file")
        self._files.add(key)
        self._dirs.update(parents)


# --- writer -------------------------------------------------------------------------------------
def _octal(value: int, width: int) -> bytes:
    """Octal digits, zero-padded, NUL-terminated: the one numeric form the reader accepts."""
    digits = f"{value:0{width - 1}o}".encode("ascii")
    if len(digits) > width - 1:
        raise ArchiveTooLarge(f"value {value} does not fit in a {width}-byte ustar field")
    return digits + b"\0"


def _header(name: str, size: int) -> bytes:
    hdr = bytearray(BLOCK)
    hdr[0:100] = name.encode("ascii").ljust(100, b"\0")
    hdr[100:108] = _octal(0o644, 8)
    hdr[108:116] = _octal(0, 8)
    hdr[116:124] = _octal(0, 8)
    hdr[124:136] = _octal(size, 12)
    hdr[136:148] = _octal(0, 12)
    hdr[148:156] = b" " * 8
    hdr[156:157] = b"0"
    hdr[257:263] = b"ustar\0"
    hdr[263:265] = b"00"
    hdr[329:337] = _octal(0, 8)
    hdr[337:345] = _octal(0, 8)
    hdr[148:156] = f"{sum(hdr):06o}".encode("ascii") + b"\0 "
    return bytes(hdr)


class UstarWriter:
    """Deterministic ustar: the same members in the same order give the same bytes.

    Only regular files; mtime, uid and gid 0, empty owner names, mode 0644. `close()` writes the
    end-of-archive blocks; an archive whose writer raised must be discarded by the caller.
    """

    def __init__(self, out: Writable) -> None:
        self._out = out
        self._names = _NameSet()
        self._closed = False

    def add_file(self, name: str, size: int, stream: Readable) -> None:
        """Copy exactly `size` bytes of `stream` as member `name`, with flat memory.

        The size goes into the header before the data, so a source that is shorter or longer than
        declared would make a corrupt archive: it raises `SourceSizeMismatch`.
        """
        if self._closed:
            raise UstarError("the archive is already closed")
        check_name(name)
        if size < 0:
            raise SourceSizeMismatch(f"member {name!r} has a negative size")
        self._names.add(name)
        self._out.write(_header(name, size))
        left = size
        while left:
            chunk = stream.read(min(COPY_CHUNK, left))
            if not chunk:
                raise SourceSizeMismatch(
                    f"member {name!r}: the source ended {left} bytes before its declared {size}"
                )
            self._out.write(chunk)
            left -= len(chunk)
        if stream.read(1):
            raise SourceSizeMismatch(f"member {name!r}: the source is longer than its {size} bytes")
        pad = -size % BLOCK
        if pad:
            self._out.write(b"\0" * pad)

    def add_bytes(self, name: str, data: bytes) -> None:
        """A small member already in memory (tag files, notes)."""
        self.add_file(name, len(data), io.BytesIO(data))

    def close(self) -> None:
        """Write the two zero blocks that end the archive (no record padding: nothing after)."""
        if not self._closed:
            self._out.write(_END)
            self._closed = True


# --- reader -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    """One regular-file member of a checked archive."""

    name: str
    size: int


@dataclass(frozen=True)
class Extracted:
    """A member written to the quarantine folder, with the SHA-256 of what was written."""

    name: str
    size: int
    sha256: str


_ARCHIVE_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"PK\x03\x04", "a zip archive"),
    (0, b"PK\x05\x06", "an empty zip archive"),
    (0, b"PK\x07\x08", "a spanned zip archive"),
    (0, b"\x1f\x8b", "a gzip stream"),
    (0, b"BZh", "a bzip2 stream"),
    (0, b"\xfd7zXZ\x00", "an xz stream"),
    (0, b"(\xb5/\xfd", "a zstd stream"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-zip archive"),
    (0, b"Rar!\x1a\x07", "a rar archive"),
    (257, b"ustar", "a tar archive"),
)


def sniff_archive(head: bytes) -> str | None:
    """What kind of archive the first 512 bytes of a member look like, or None."""
    for offset, magic, what in _ARCHIVE_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return what
    return None


def _parse_octal(field: bytes, what: str) -> int:
    """Octal digits, optionally space-padded in front, ended by NUL or space; nothing else."""
    m = _OCTAL.fullmatch(field)
    if m is None:
        raise BadHeader(f"the {what} field {field!r} is not an octal number")
    return int(m.group(1), 8)


class MemberData:
    """Reads exactly one member's data from the archive stream; short data is an error."""

    def __init__(self, stream: Readable, name: str, size: int, head: bytes) -> None:
        self._stream = stream
        self._name = name
        self._head = head
        self._left = size - len(head)

    def read(self, n: int = -1) -> bytes:
        """Up to `n` bytes (all that is left when n < 0); b"" at the member's end."""
        if n < 0:
            return b"".join(iter(lambda: self.read(COPY_CHUNK), b""))
        if self._head:
            take = self._head[:n]
            self._head = self._head[len(take) :]
            return take
        if self._left <= 0:
            return b""
        want = min(n, self._left)
        data = self._stream.read(want)
        if not data:
            raise TruncatedArchive(
                f"member {self._name!r} is truncated: {self._left} bytes of data are missing"
            )
        self._left -= len(data)
        return data

    def drain(self) -> None:
        while self.read(COPY_CHUNK):
            pass


def _read_exact(stream: Readable, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            break
        buf += chunk
    return buf


class UstarReader:
    """Strict streaming reader: yields checked members one at a time, refuses everything else.

    `archive_ok(name)` is the B11 hook: when given, a member for which it returns False is refused
    if its first bytes look like an archive or a compressed stream. The reader judges names and
    types only; which members may hold archives (evidence blobs) is the bag layer's decision.
    """

    def __init__(
        self,
        stream: Readable,
        *,
        max_members: int = DEFAULT_MAX_MEMBERS,
        max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
        archive_ok: Callable[[str], bool] | None = None,
    ) -> None:
        self._stream = stream
        self._max_members = max_members
        self._max_total = max_total_size
        self._archive_ok = archive_ok

    def members(self) -> Iterator[tuple[Member, MemberData]]:
        """Each member with a reader for its data; unread data is skipped (and still checked).

        Raises on the first problem, possibly after earlier members were yielded: a caller that
        keeps anything must treat the whole archive as refused when this raises.
        """
        names = _NameSet()
        count = 0
        total = 0
        while True:
            hdr = _read_exact(self._stream, BLOCK)
            if len(hdr) < BLOCK:
                raise TruncatedArchive(
                    "the archive ends without its end-of-archive blocks"
                    if not hdr
                    else "the archive ends inside a header"
                )
            if hdr == _END[:BLOCK]:
                second = _read_exact(self._stream, BLOCK)
                if len(second) < BLOCK:
                    raise TruncatedArchive("the archive ends inside its end-of-archive blocks")
                if second != _END[:BLOCK]:
                    raise BadHeader("a zero block is followed by data instead of a second one")
                if self._stream.read(1):
                    raise TrailingData("there are bytes after the end-of-archive blocks")
                return
            member = self._parse_header(hdr)
            count += 1
            if count > self._max_members:
                raise TooManyMembers(f"the archive has more than {self._max_members} members")
            total += member.size
            if total > self._max_total:
                raise ArchiveTooLarge(
                    f"the members total more than the cap of {self._max_total} bytes"
                )
            names.add(member.name)
            head = b""
            if self._archive_ok is not None and not self._archive_ok(member.name):
                head = _read_exact(self._stream, min(BLOCK, member.size))
                what = sniff_archive(head)
                if what is not None:
                    raise NestedArchive(f"member {member.name!r} is {what}, which is not allowed")
            reader = MemberData(self._stream, member.name, member.size, head)
            yield member, reader
            reader.drain()
            pad = -member.size % BLOCK
            if pad:
                padding = _read_exact(self._stream, pad)
                if len(padding) < pad:
                    raise TruncatedArchive(f"member {member.name!r} is missing its padding")
                if padding.strip(b"\0"):
                    raise BadHeader(f"member {member.name!r} has data hidden in its padding")

    def _parse_header(self, hdr: bytes) -> Member:
        stored = _parse_octal(hdr[148:156], "checksum")
        computed = sum(hdr[:148]) + 8 * 0x20 + sum(hdr[156:])
        if stored != computed:
            raise BadHeader(f"header checksum {stored:o} is wrong (computed {computed:o})")
        raw_name = hdr[0:100]
        kind = hdr[156:157]
        shown = raw_name.rstrip(b"\0").decode("utf-8", "replace")
        if kind in (b"x", b"g"):
            raise ExtendedHeader(f"a PAX extended header ({shown!r}) is not allowed")
        if kind in (b"L", b"K"):
            raise ExtendedHeader(f"a GNU long-name header ({shown!r}) is not allowed")
        if hdr[257:265] != b"ustar\x0000":
            raise BadHeader(
                f"member {shown!r} is not a POSIX ustar header (magic {hdr[257:265]!r})"
            )
        if kind == b"2":
            raise SymlinkMember(f"member {shown!r} is a symbolic link")
        kinds = {b"1": "hard link", b"3": "character device", b"4": "block device"}
        kinds |= {b"5": "directory", b"6": "FIFO", b"7": "contiguous file"}
        if kind in kinds:
            raise NotARegularMember(f"member {shown!r} is a {kinds[kind]}; only files are allowed")
        if kind not in (b"0", b"\0"):
            raise NotARegularMember(f"member {shown!r} has the unknown type {kind!r}")
        if hdr[345:500].strip(b"\0"):
            raise ExtendedHeader(f"member {shown!r} uses the ustar prefix field for a long name")
        name_bytes, _, rest = raw_name.partition(b"\0")
        if rest.strip(b"\0"):
            raise BadHeader(f"member {shown!r} has bytes hidden after its name")
        try:
            name = name_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise BadMemberName(f"member name {name_bytes!r} is not valid UTF-8") from None
        check_name(name)
        size = _parse_octal(hdr[124:136], "size")
        # The other numeric fields are not used, but garbage there means a hand-made header.
        for start, end, what in ((100, 108, "mode"), (108, 116, "uid"), (116, 124, "gid")):
            _parse_octal(hdr[start:end], what)
        _parse_octal(hdr[136:148], "mtime")
        if hdr[157:257].strip(b"\0"):
            raise BadHeader(f"member {name!r} is a regular file but names a link target")
        return Member(name, size)

    def extract_to(self, folder: Path) -> list[Extracted]:
        """Write every member into the empty quarantine `folder`; on any refusal, remove them all.

        Each member is hashed while it is written, so the bag check that follows needs no second
        pass over the data. Files are created with O_EXCL and O_NOFOLLOW: nothing already in the
        folder (or placed there meanwhile) is overwritten or followed.
        """
        if any(folder.iterdir()):
            raise UstarError(f"the quarantine folder {folder} is not empty")
        done: list[Extracted] = []
        try:
            for member, data in self.members():
                path = folder.joinpath(*member.name.split("/"))
                path.parent.mkdir(parents=True, exist_ok=True)
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                digest = hashlib.sha256()
                with os.fdopen(os.open(path, flags, 0o600), "wb") as out:
                    while chunk := data.read(COPY_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                done.append(Extracted(member.name, member.size, digest.hexdigest()))
        except BaseException:
            empty_folder(folder)
            raise
        return done


def empty_folder(folder: Path) -> None:
    """Remove everything inside `folder` (not following links), keeping the folder itself."""
    for root, dirs, files in os.walk(folder, topdown=False):
        for f in files:
            os.unlink(os.path.join(root, f))
        for d in dirs:
            p = os.path.join(root, d)
            if os.path.islink(p):
                os.unlink(p)
            else:
                os.rmdir(p)
