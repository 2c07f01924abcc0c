"""BagIt 1.0 (RFC 8493) with SHA-256, written into and read out of the strict ustar stream.

The bag is what binds a bundle's files together: the signed note covers only the tag manifest,
the tag manifest covers the payload manifest, and the payload manifest covers every file. So the
validator checks every link every time (never bagit's "fast" mode, which trusts sizes), refuses
anything not listed, and returns the tag manifest's SHA-256 for the note layer to compare.

The writer makes one pass: each payload file is hashed while the ustar writer copies it; the tag
files follow the payload in the archive, and `signature.note` (which signs the tag manifest, so it
cannot be listed in it) comes last.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fieldapp.errors import FieldappError
from sync.ustar import (
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_TOTAL_SIZE,
    Readable,
    UstarError,
    UstarReader,
    UstarWriter,
    Writable,
    check_name,
    empty_folder,
)

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "signature.note"
TAG_FILES = (BAGIT, BAG_INFO, MANIFEST)  # exactly what the tag manifest lists, in this order
MAX_TAG_FILE = 256 * 1024 * 1024  # a manifest for 200,000 members is about 20 MB

_LINE = re.compile(r"([0-9a-f]{64})  ([^\r\n]+)")
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x80-\x9f\u2028\u2029]")
_OXUM = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_BLOB = re.compile(r"data/evidence/[0-9a-f]{64}")
_PERCENT = {"%0D": "\r", "%0A": "\n", "%25": "%"}


# --- errors -------------------------------------------------------------------------------------
class BagError(FieldappError):
    """The bag is not complete and intact; the quarantine is emptied and nothing is imported."""


class TagFileMissing(BagError):
    """One of bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt is absent."""


class BadBagitTxt(BagError):
    """C11: bagit.txt is not exactly the BagIt 1.0 declaration (a BOM, another version, ...)."""


class BadBagInfo(BagError):
    """C11: bag-info.txt has a malformed line, an injected CR/LF, or a duplicate label."""


class BadManifest(BagError):
    """A manifest line is not `<64 lowercase hex>  <path>`, or a path is not allowed."""


class ManifestPathEscape(BadManifest):
    """C9: a manifest path would lead outside the bag or its payload folder (`..`, `/`)."""


class DuplicateManifestEntry(BadManifest):
    """C10: a manifest lists the same path twice."""


class TagManifestChanged(BagError):
    """C5: the tag manifest is not the one the signed note covers."""


class TagManifestMismatch(BagError):
    """C5: a tag file's hash differs from the tag manifest, or the tag manifest lists the wrong
    files."""


class PayloadMismatch(BagError):
    """C6: a payload file's SHA-256 differs from the manifest (even with the same size)."""


class PayloadMissing(BagError):
    """C7: the manifest lists a payload file that is not in the bag."""


class ExtraFile(BagError):
    """C8: a payload or tag file that no manifest accounts for."""


class PayloadOxumMismatch(BagError):
    """bag-info.txt's Payload-Oxum disagrees with the payload's total size or file count."""


class BlobNameMismatch(BagError):
    """An evidence original under data/evidence/ is not named by its own SHA-256."""


class NotAFile(BagError):
    """The quarantine folder holds a link or special file: the ustar reader never writes one."""


# --- shared -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileDigest:
    """Size and SHA-256 (lowercase hex) of one file of the bag."""

    size: int
    sha256: str


@dataclass(frozen=True)
class BagResult:
    """A fully validated bag. `tagmanifest_sha256` is what the signed note must name."""

    tagmanifest_sha256: str
    payload: Mapping[str, FileDigest]
    bag_info: tuple[tuple[str, str], ...]


def encode_path(path: str) -> str:
    """RFC 8493 section 2.1.3: only CR, LF and % are percent-encoded in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    """Undo `encode_path`; any other use of % is refused (it would make two spellings)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(0).upper()
        if code not in _PERCENT:
            raise BadManifest(
                f"manifest path {text!r} has {match.group(0)!r}: only %0D, %0A and %25 are allowed"
            )
        return _PERCENT[code]

    return re.sub(r"%.{0,2}", one, text, flags=re.DOTALL)


def is_evidence_blob(name: str) -> bool:
    """Evidence originals may be any file type (a zip is legitimate evidence); nothing else may
    be an archive (the B11 rule, applied by the ustar reader's hook)."""
    return _BLOB.fullmatch(name) is not None


# --- writer -------------------------------------------------------------------------------------
class _HashingReader:
    """Passes reads through while hashing, so copying and hashing are one pass."""

    def __init__(self, stream: Readable) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        self.digest.update(data)
        return data


def _check_bag_info(entries: Sequence[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for label, value in entries:
        if not _LABEL.fullmatch(label):
            raise BadBagInfo(f"bag-info label {label!r} is not letters, digits and '-'")
        if label.casefold() in seen:
            raise BadBagInfo(f"bag-info label {label!r} appears twice")
        seen.add(label.casefold())
        if _CONTROL.search(value) or value != value.strip():
            raise BadBagInfo(
                f"bag-info value of {label!r} has a line break, control character or outer space"
            )


class BagWriter:
    """Streams a bag into a ustar archive: payload first, then tag files, then the signature.

    Use: `add_payload` for each file, `finish()` for the tag files (it returns the tag
    manifest's SHA-256 to sign), then `close(signature_note)`.
    """

    def __init__(self, out: Writable, bag_info: Sequence[tuple[str, str]] = ()) -> None:
        _check_bag_info(bag_info)
        if any(label.casefold() == "payload-oxum" for label, _ in bag_info):
            raise BadBagInfo("Payload-Oxum is computed by the writer; do not pass it")
        self._tar = UstarWriter(out)
        self._bag_info = list(bag_info)
        self._manifest: list[tuple[str, str]] = []
        self._octets = 0
        self._tagmanifest_sha256: str | None = None

    def add_payload(
        self, path: str, size: int, stream: Readable, *, verified_sha256: str | None = None
    ) -> str:
        """Copy one payload file (`data/...`) into the archive; returns its SHA-256 hex.

        `verified_sha256`: the caller's stream already proves its bytes hash to this (the
        evidence store checks every original it hands out, and raises before its last read if
        they do not), so the manifest takes it instead of hashing the same bytes a second time.
        """
        if self._tagmanifest_sha256 is not None:
            raise BagError("the tag files are written; no payload can be added after them")
        if not path.startswith("data/"):
            raise BadManifest(f"payload path {path!r} is not under data/")
        if verified_sha256 is not None:
            self._tar.add_file(path, size, stream)
            hexdigest = verified_sha256
        else:
            hashing = _HashingReader(stream)
            self._tar.add_file(path, size, hashing)
            hexdigest = hashing.digest.hexdigest()
        self._manifest.append((hexdigest, path))
        self._octets += size
        return hexdigest

    def add_payload_bytes(self, path: str, data: bytes) -> str:
        """A payload file already in memory (records, audit log, checkpoint)."""
        return self.add_payload(path, len(data), io.BytesIO(data))

    def finish(self) -> str:
        """Write bagit.txt, bag-info.txt and both manifests; return the tag manifest's SHA-256."""
        if self._tagmanifest_sha256 is not None:
            return self._tagmanifest_sha256
        if not self._manifest:
            # A tar cannot hold an empty data/ folder (directory entries are refused), and
            # bagit's validator requires data/ to exist: an empty bag would not round-trip.
            raise BagError("a bag needs at least one payload file")
        info = [*self._bag_info, ("Payload-Oxum", f"{self._octets}.{len(self._manifest)}")]
        tags = {
            BAGIT: BAGIT_TXT,
            BAG_INFO: "".join(f"{k}: {v}\n" for k, v in info).encode("utf-8"),
            MANIFEST: "".join(f"{h}  {encode_path(p)}\n" for h, p in self._manifest).encode(),
        }
        for name in TAG_FILES:
            self._tar.add_bytes(name, tags[name])
        tagmanifest = "".join(
            f"{hashlib.sha256(tags[n]).hexdigest()}  {n}\n" for n in TAG_FILES
        ).encode("ascii")
        self._tar.add_bytes(TAGMANIFEST, tagmanifest)
        self._tagmanifest_sha256 = hashlib.sha256(tagmanifest).hexdigest()
        return self._tagmanifest_sha256

    def close(self, signature_note: bytes | None = None) -> None:
        """Add `signature.note` (outside the tag manifest: it signs it) and end the archive."""
        self.finish()
        if signature_note is not None:
            self._tar.add_bytes(SIGNATURE, signature_note)
        self._tar.close()


# --- validator ----------------------------------------------------------------------------------
def _text(name: str, data: bytes, error: type[BagError]) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        raise error(f"{name} starts with a byte-order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{name} is not valid UTF-8 (byte {exc.start})") from None
    if "\r" in text:
        raise error(f"{name} has a carriage return; lines end with LF only")
    if text and not text.endswith("\n"):
        raise error(f"{name} does not end with a newline")
    return text


def _parse_manifest(name: str, data: bytes) -> dict[str, str]:
    """Path -> hash, strictly `<64 lowercase hex>  <path>` per line; paths checked for escape."""
    entries: dict[str, str] = {}
    for number, line in enumerate(_text(name, data, BadManifest).splitlines(), 1):
        m = _LINE.fullmatch(line)
        if m is None:
            raise BadManifest(
                f"{name} line {number} is not '<64 lowercase hex>  <path>': {line[:120]!r}"
            )
        digest, path = m.group(1), decode_path(m.group(2))
        segments = re.split(r"[/\\]", path)
        if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", path) or ".." in segments:
            raise ManifestPathEscape(f"{name} line {number}: path {path!r} leads outside the bag")
        if path in entries:
            detail = "with another hash" if entries[path] != digest else "again"
            raise DuplicateManifestEntry(f"{name} lists {path!r} twice ({detail})")
        try:
            check_name(path)
        except UstarError as exc:
            raise BadManifest(f"{name} line {number}: {exc}") from None
        entries[path] = digest
    return entries


def _parse_bag_info(data: bytes) -> tuple[tuple[str, str], ...]:
    entries: list[tuple[str, str]] = []
    for number, line in enumerate(_text(BAG_INFO, data, BadBagInfo).splitlines(), 1):
        label, sep, value = line.partition(": ")
        if not sep or not _LABEL.fullmatch(label):
            raise BadBagInfo(f"bag-info.txt line {number} is not 'Label: value': {line[:120]!r}")
        entries.append((label, value))
    try:
        _check_bag_info(entries)
    except BadBagInfo as exc:
        raise BadBagInfo(f"bag-info.txt: {exc}") from None
    return tuple(entries)


def validate_members(
    files: Mapping[str, FileDigest],
    tag_files: Mapping[str, bytes],
    *,
    expected_tagmanifest_sha256: str | None = None,
    extra_tag_files: Sequence[str] = (SIGNATURE,),
) -> BagResult:
    """Check a whole bag given every file's digest and the top-level files' bytes.

    `files` must name every file of the bag (tag files included) so that extra files are seen;
    `extra_tag_files` are top-level files allowed outside the tag manifest (the signature, which
    the note layer checks). Everything is checked; the first problem raises.
    """
    for name in (BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST):
        if name not in files or name not in tag_files:
            raise TagFileMissing(f"the bag has no {name} (or it is over {MAX_TAG_FILE} bytes)")
    if tag_files[BAGIT] != BAGIT_TXT:
        raw = tag_files[BAGIT]
        why = "starts with a byte-order mark" if raw.startswith(b"\xef\xbb\xbf") else "differs"
        raise BadBagitTxt(
            f"bagit.txt {why}: it must be exactly {BAGIT_TXT.decode()!r}, got {raw[:120]!r}"
        )

    tagmanifest = tag_files[TAGMANIFEST]
    tagmanifest_sha256 = hashlib.sha256(tagmanifest).hexdigest()
    if (
        expected_tagmanifest_sha256 is not None
        and tagmanifest_sha256 != expected_tagmanifest_sha256
    ):
        raise TagManifestChanged(
            "the tag manifest is not the one the signature covers: it was edited after signing"
        )
    tag_entries = _parse_manifest(TAGMANIFEST, tagmanifest)
    if sorted(tag_entries) != sorted(TAG_FILES):
        raise TagManifestMismatch(
            f"the tag manifest must list exactly {', '.join(TAG_FILES)}; "
            f"it lists {', '.join(sorted(tag_entries)) or 'nothing'}"
        )
    for name, digest in tag_entries.items():
        if hashlib.sha256(tag_files[name]).hexdigest() != digest:
            raise TagManifestMismatch(f"{name} does not match its hash in the tag manifest")

    allowed_top = {BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST, *extra_tag_files}
    for name in files:
        if not name.startswith("data/") and name not in allowed_top:
            raise ExtraFile(f"the bag has a file no manifest lists: {name!r}")

    bag_info = _parse_bag_info(tag_files[BAG_INFO])
    manifest = _parse_manifest(MANIFEST, tag_files[MANIFEST])
    for path in manifest:
        if not path.startswith("data/"):
            raise ManifestPathEscape(f"manifest-sha256.txt lists {path!r}, outside data/")

    payload = {name: d for name, d in files.items() if name.startswith("data/")}
    if not manifest:
        raise BadManifest("manifest-sha256.txt lists no payload file: the bag is empty")
    for path in manifest:
        if path not in payload:
            raise PayloadMissing(f"payload file {path!r} is listed but missing")
    for path in payload:
        if path not in manifest:
            raise ExtraFile(f"payload file {path!r} is in no manifest")
    for path, digest in manifest.items():
        if payload[path].sha256 != digest:
            raise PayloadMismatch(f"payload file {path!r} does not match its SHA-256")

    for path, digest in manifest.items():
        if is_evidence_blob(path) and path.rsplit("/", 1)[1] != digest:
            raise BlobNameMismatch(f"evidence file {path!r} is not named by its SHA-256 {digest}")

    oxums = [v for k, v in bag_info if k.casefold() == "payload-oxum"]
    if not oxums or not _OXUM.fullmatch(oxums[0]):
        raise BadBagInfo("bag-info.txt has no valid Payload-Oxum ('<octets>.<files>')")
    octets = sum(d.size for d in payload.values())
    if oxums[0] != f"{octets}.{len(payload)}":
        raise PayloadOxumMismatch(
            f"Payload-Oxum says {oxums[0]}, the payload is {octets} bytes in {len(payload)} files"
        )
    ordered = {path: payload[path] for path in manifest}
    return BagResult(tagmanifest_sha256, ordered, bag_info)


def _hash_file(path: Path) -> FileDigest:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return FileDigest(size, digest.hexdigest())


def _read_tag_files(folder: Path, files: Mapping[str, FileDigest]) -> dict[str, bytes]:
    tags: dict[str, bytes] = {}
    for name, digest in files.items():
        if "/" not in name and digest.size <= MAX_TAG_FILE:
            tags[name] = (folder / name).read_bytes()
    return tags


def validate_folder(
    folder: Path,
    *,
    expected_tagmanifest_sha256: str | None = None,
    extra_tag_files: Sequence[str] = (SIGNATURE,),
) -> BagResult:
    """Validate a bag already in a quarantine folder, re-reading and hashing every file."""
    files: dict[str, FileDigest] = {}
    for root, dirs, names in os.walk(folder):
        for entry in [*dirs, *names]:
            full = Path(root, entry)
            if full.is_symlink() or not (full.is_dir() or full.is_file()):
                raise NotAFile(f"{full.relative_to(folder)} is not a regular file or folder")
        for name in names:
            full = Path(root, name)
            files[full.relative_to(folder).as_posix()] = _hash_file(full)
    return validate_members(
        files,
        _read_tag_files(folder, files),
        expected_tagmanifest_sha256=expected_tagmanifest_sha256,
        extra_tag_files=extra_tag_files,
    )


def extract_bag(
    stream: Readable,
    quarantine: Path,
    *,
    expected_tagmanifest_sha256: str | None = None,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_total_size: int = DEFAULT_MAX_TOTAL_SIZE,
    archive_ok: Callable[[str], bool] = is_evidence_blob,
) -> BagResult:
    """Strict ustar read into the empty `quarantine` folder, then the full bag check.

    One pass over the data: members are hashed while written. On any refusal the quarantine is
    emptied, so nothing of a refused bundle stays on disk.
    """
    members = UstarReader(
        stream, max_members=max_members, max_total_size=max_total_size, archive_ok=archive_ok
    ).extract_to(quarantine)
    try:
        files = {m.name: FileDigest(m.size, m.sha256) for m in members}
        return validate_members(
            files,
            _read_tag_files(quarantine, files),
            expected_tagmanifest_sha256=expected_tagmanifest_sha256,
        )
    except BaseException:
        empty_folder(quarantine)
        raise
