"""Encrypted, content-addressed evidence originals: one file per blob under `<vault>/evidence/`.

Originals live outside SQLCipher because photos and videos as BLOBs there are 3-4x slower to
store and cannot be streamed (PERFORMANCE.md); the database keeps only their metadata and hash.

File content: a random 16-byte nonce, then the age STREAM payload (`fieldapp.store.stream`) under
`payload_key(evidence_key, nonce)`. Both keys below come from the vault's data key with
HKDF-SHA-256, so deleting `vault.key` crypto-erases the originals along with the database:

- `evidence_key` (info "fieldapp evidence key v1") seals the contents;
- `name_key` (info "fieldapp evidence names v1") names the files: the name is the hex
  HMAC-SHA-256 of the plaintext's SHA-256 digest. Anyone who can list the folder learns neither
  the hashes (which could be matched against known photos) nor anything beyond the sizes the
  ciphertext lengths show, yet the same content always gets the same name, so it is stored once.

Every write goes to a temporary file in the same folder (0600), is fsync'd, checked, and only
then renamed into place; any failure, including a cancel raised by a progress callback, removes
the temporary file, so a blob is either complete and verified or absent. A process killed while
it writes cannot remove its own: each ingest holds an flock on its temporary file and first
deletes the ones nobody holds (`remove_stale_temp_files`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.errors import (
    BlobCorrupt,
    EvidenceError,
    EvidenceNotFound,
    EvidenceTooLarge,
    NotARegularFile,
    SourceChanged,
    SourceUnreadable,
)
from fieldapp.store import tempfiles
from fieldapp.store.stream import (
    PAYLOAD_NONCE_SIZE,
    StreamError,
    decrypt_chunks,
    encrypt_stream,
    payload_key,
    plaintext_size,
)

EVIDENCE_DIR = "evidence"
DATA_KEY_SIZE = 32
_EVIDENCE_INFO = b"fieldapp evidence key v1"
_NAMES_INFO = b"fieldapp evidence names v1"
_TMP_PREFIX = ".partial-"
_TMP_SUFFIX = ".tmp"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredBlob:
    """What `ingest` stored: the plaintext's SHA-256 and size, and the blob's file name.

    `created` is False when the same content was already in the store (nothing was written), so
    a caller can still link the existing blob to a second evidence item.
    """

    sha256: str
    size: int
    name: str
    created: bool


def evidence_dir(vault_path: Path) -> Path:
    """The blob folder of the vault at `vault_path` (the `root` a `BlobStore` is given)."""
    return vault_path / EVIDENCE_DIR


def _derive(data_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(data_key)


def _kind(mode: int) -> str:
    """Say what a non-regular file is, in words a user understands."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable: without this a crash can undo it."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _disk_error(action: str, exc: OSError) -> EvidenceError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif exc.errno == errno.EFBIG:
        reason = "the disk does not take a file this large"
    return EvidenceError(f"could not {action}: {reason}; nothing was stored")


class _SourceReader:
    """Reads the import source, turning a read error into `SourceUnreadable`.

    Read and write errors are both `OSError`; telling them apart here lets the message blame
    the right thing (the camera card that vanished, or the full disk of the vault).
    """

    def __init__(self, raw: BinaryIO, source: Path) -> None:
        self._raw = raw
        self._source = source

    def read(self, size: int = -1) -> bytes:
        try:
            return self._raw.read(size)
        except OSError as exc:
            raise SourceUnreadable(
                f"{self._source} could not be read: {exc.strerror or exc}; nothing was stored"
            ) from None


class BlobStore:
    """The evidence originals of one vault, sealed under keys derived from its data key.

    `root` is the blob folder itself (`evidence_dir(vault_path)`); it is created (0700) on the
    first ingest. Methods are safe to call from several threads: each one works on its own
    file handles, and a finished blob is only ever replaced by identical content.
    """

    def __init__(self, root: Path, data_key: bytes) -> None:
        if len(data_key) != DATA_KEY_SIZE:
            raise ValueError(f"the vault data key must be {DATA_KEY_SIZE} bytes")
        self.root = root
        key = bytes(data_key)
        self._evidence_key = _derive(key, _EVIDENCE_INFO)
        self._name_key = _derive(key, _NAMES_INFO)

    # --- names ------------------------------------------------------------------------------
    def _name(self, sha256: str) -> str:
        if not _SHA256_HEX.fullmatch(sha256):
            raise EvidenceNotFound(
                f"{sha256!r} is not a SHA-256 digest (64 lower-case hexadecimal digits)"
            )
        mac = crypto_hmac.HMAC(self._name_key, hashes.SHA256())
        mac.update(bytes.fromhex(sha256))
        return mac.finalize().hex()

    def _path(self, sha256: str) -> Path:
        return self.root / self._name(sha256)

    def _existing(self, sha256: str) -> Path:
        path = self._path(sha256)
        if not path.is_file():
            raise EvidenceNotFound(f"no stored original has SHA-256 {sha256}")
        return path

    def exists(self, sha256: str) -> bool:
        """Whether this content is stored, without opening it (dedup and purge decisions)."""
        return self._path(sha256).is_file()

    # --- ingest ------------------------------------------------------------------------------
    def ingest(
        self, source: Path, progress: Callable[[int, int], None] | None = None
    ) -> StoredBlob:
        """Store `source` durably: read once, hashing and sealing in the same pass, then verify.

        The file is refused unless it is a regular file (a symlink could point anywhere, a FIFO
        or device could block or never end), and it must not change while it is read: the
        hash would then describe a state that never existed on disk. The sealed copy is
        decrypted and re-hashed before it is renamed into place, so a stored blob is known to
        open. `progress(done, total)` is called per 64 KiB; raising from it cancels cleanly.
        """
        source = Path(source)
        try:
            before_open = os.lstat(source)
        except FileNotFoundError:
            raise SourceUnreadable(f"{source} does not exist") from None
        except OSError as exc:
            raise SourceUnreadable(f"{source} cannot be read: {exc.strerror or exc}") from None
        if not stat.S_ISREG(before_open.st_mode):
            raise NotARegularFile(
                f"{source} is {_kind(before_open.st_mode)}; only regular files can be imported "
                "as evidence"
            )
        # O_NOFOLLOW closes the gap between lstat and open (a file swapped for a symlink);
        # O_NONBLOCK keeps a file swapped for a FIFO from blocking here (it is refused below).
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(source, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise NotARegularFile(
                    f"{source} is a symbolic link; only regular files can be imported as evidence"
                ) from None
            raise SourceUnreadable(f"{source} cannot be read: {exc.strerror or exc}") from None
        with os.fdopen(fd, "rb", buffering=0) as src:
            before = os.fstat(src.fileno())
            if not stat.S_ISREG(before.st_mode):
                raise NotARegularFile(
                    f"{source} is {_kind(before.st_mode)}; only regular files can be imported "
                    "as evidence"
                )
            if (before.st_dev, before.st_ino) != (before_open.st_dev, before_open.st_ino):
                raise SourceChanged(
                    f"{source} was replaced while it was being opened; nothing was stored"
                )
            return self._ingest_open(source, src, before, progress)

    def _ingest_open(
        self,
        source: Path,
        src: BinaryIO,
        before: os.stat_result,
        progress: Callable[[int, int], None] | None,
    ) -> StoredBlob:
        self._ensure_root()
        self.remove_stale_temp_files()
        try:
            tmp_fd, tmp_name = tempfile.mkstemp(
                prefix=_TMP_PREFIX, suffix=_TMP_SUFFIX, dir=self.root
            )
        except OSError as exc:
            raise _disk_error("create a file in the evidence folder", exc) from exc
        tmp = Path(tmp_name)
        # The lock lives on a duplicate of the descriptor, held until the copy is renamed or
        # removed, so no other ingest takes this live partial file for a dead one.
        lock_fd = os.dup(tmp_fd)
        tempfiles.hold(lock_fd)
        try:
            digest = hashlib.sha256()
            total = before.st_size
            done = 0

            def on_plaintext(chunk: bytes) -> None:
                nonlocal done
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)

            nonce = secrets.token_bytes(PAYLOAD_NONCE_SIZE)
            key = payload_key(self._evidence_key, nonce)
            reader = cast(BinaryIO, _SourceReader(src, source))
            # The close is inside the try too: after a failed write, closing flushes what is
            # still buffered and fails again, which would replace the sentence with a bare
            # OSError ("File too large").
            try:
                with os.fdopen(tmp_fd, "wb") as dst:
                    dst.write(nonce)
                    size = encrypt_stream(key, reader, dst, on_plaintext=on_plaintext)
                    dst.flush()
                    os.fsync(dst.fileno())
            except OSError as exc:
                raise _disk_error("write the encrypted copy", exc) from exc
            after = os.fstat(src.fileno())
            if size != before.st_size or (
                after.st_size,
                after.st_mtime_ns,
                after.st_ino,
                after.st_dev,
            ) != (before.st_size, before.st_mtime_ns, before.st_ino, before.st_dev):
                raise SourceChanged(
                    f"{source}: the file changed while it was being imported; nothing was stored"
                )
            sha256 = digest.hexdigest()
            final = self._path(sha256)
            if final.is_file():
                # Same content, same name: the blob is already stored; keep the old file.
                return StoredBlob(sha256=sha256, size=size, name=final.name, created=False)
            self._check_sealed(tmp, sha256, size)
            try:
                os.replace(tmp, final)
                _fsync_dir(self.root)
            except OSError as exc:
                raise _disk_error("store the encrypted copy", exc) from exc
            return StoredBlob(sha256=sha256, size=size, name=final.name, created=True)
        finally:
            # After a successful rename there is nothing left at `tmp`; in every other case
            # (error, cancel, duplicate) the partial copy must go.
            _unlink_quietly(tmp)
            os.close(lock_fd)

    def _ensure_root(self) -> None:
        if self.root.is_dir():
            return
        try:
            self.root.mkdir(mode=0o700)
            _fsync_dir(self.root.parent)
        except FileExistsError:
            pass
        except OSError as exc:
            raise _disk_error(f"create the evidence folder {self.root}", exc) from exc

    def _check_sealed(self, path: Path, sha256: str, size: int) -> None:
        """Decrypt the sealed copy and re-hash it, so what gets a name is known to open."""
        digest = hashlib.sha256()
        try:
            opened = self._decrypt_into(path, digest.update)
        except BlobCorrupt:
            raise EvidenceError(
                "the encrypted copy did not read back correctly (disk or memory fault); "
                "nothing was stored"
            ) from None
        if opened != size or digest.hexdigest() != sha256:
            raise EvidenceError(
                "the encrypted copy did not read back to the same content (disk or memory "
                "fault); nothing was stored"
            )

    # --- reading -----------------------------------------------------------------------------
    def _open_sealed(self, path: Path) -> tuple[BinaryIO, bytes]:
        """Open a blob file and derive its payload key from the nonce at its start."""
        handle = path.open("rb")
        try:
            nonce = handle.read(PAYLOAD_NONCE_SIZE)
            if len(nonce) != PAYLOAD_NONCE_SIZE:
                raise BlobCorrupt(f"the stored original {path.name} is truncated")
            return handle, payload_key(self._evidence_key, nonce)
        except BaseException:
            handle.close()
            raise

    def _decrypt_into(self, path: Path, sink: Callable[[bytes], object]) -> int:
        handle, key = self._open_sealed(path)
        total = 0
        with handle:
            try:
                for chunk in decrypt_chunks(key, handle):
                    sink(chunk)
                    total += len(chunk)
            except StreamError as exc:
                raise BlobCorrupt(f"the stored original {path.name} is damaged: {exc}") from None
        return total

    def open_plaintext(self, sha256: str) -> Generator[bytes, None, None]:
        """Yield the original's plaintext in authenticated chunks, for a viewer or an export.

        Raises `EvidenceNotFound` at once if the blob is missing. While iterating it raises
        `BlobCorrupt` if a chunk fails authentication, and at the end if the content's
        SHA-256 differs from the one asked for (a blob file swapped for another one): a
        consumer must treat what it received as valid only once the iterator is exhausted.
        """
        path = self._existing(sha256)
        handle, key = self._open_sealed(path)
        return self._iterate(handle, key, path.name, sha256)

    @staticmethod
    def _iterate(
        handle: BinaryIO, key: bytes, name: str, sha256: str
    ) -> Generator[bytes, None, None]:
        digest = hashlib.sha256()
        with handle:
            try:
                for chunk in decrypt_chunks(key, handle):
                    digest.update(chunk)
                    yield chunk
            except StreamError as exc:
                raise BlobCorrupt(f"the stored original {name} is damaged: {exc}") from None
        if digest.hexdigest() != sha256:
            raise BlobCorrupt(
                f"the stored original {name} does not hash to {sha256}: it was replaced"
            )

    def read_bytes(self, sha256: str, max_size: int) -> bytes:
        """The whole original in memory (the photo viewer), refused above `max_size` bytes.

        The size is known from the file length before anything is decrypted, so a 10 GB video
        is refused at once instead of after filling memory.
        """
        path = self._existing(sha256)
        try:
            size = plaintext_size(path.stat().st_size - PAYLOAD_NONCE_SIZE)
        except StreamError:
            raise BlobCorrupt(f"the stored original {path.name} is truncated") from None
        if size > max_size:
            raise EvidenceTooLarge(
                f"the original is {size} bytes, more than the {max_size} bytes that can be "
                "opened in memory; save a copy instead"
            )
        return b"".join(self.open_plaintext(sha256))

    def export(self, sha256: str, dest: Path) -> None:
        """Write the original to `dest` atomically (0600): a complete, verified copy or nothing.

        The plaintext goes to a temporary file next to `dest` and is renamed only after the
        whole stream authenticated and re-hashed, so an interrupted or tampered export never
        leaves a partial file that looks like the original.
        """
        dest = Path(dest)
        chunks = self.open_plaintext(sha256)
        folder = dest.parent
        try:
            tmp_fd, tmp_name = tempfile.mkstemp(
                prefix=f".{dest.name}.", suffix=_TMP_SUFFIX, dir=folder
            )
        except OSError as exc:
            chunks.close()
            raise EvidenceError(
                f"could not write to {folder}: {exc.strerror or exc}; nothing was saved"
            ) from exc
        tmp = Path(tmp_name)
        try:
            with os.fdopen(tmp_fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, dest)
            _fsync_dir(folder)
        except OSError as exc:
            raise EvidenceError(
                f"could not save the copy to {dest}: {exc.strerror or exc}; nothing was saved"
            ) from exc
        finally:
            chunks.close()  # releases the blob's file handle on every path
            _unlink_quietly(tmp)

    def verify(self, sha256: str) -> bool:
        """Whether the stored original still opens and hashes to `sha256` (audits, `log verify`).

        A missing blob is not "unverified" but absent: that raises `EvidenceNotFound`.
        """
        path = self._existing(sha256)
        digest = hashlib.sha256()
        try:
            self._decrypt_into(path, digest.update)
        except BlobCorrupt:
            return False
        return digest.hexdigest() == sha256

    def remove(self, sha256: str) -> None:
        """Delete a stored original (purge policies); the caller logs why in the audit log."""
        path = self._existing(sha256)
        try:
            path.unlink()
            _fsync_dir(self.root)
        except FileNotFoundError:
            raise EvidenceNotFound(f"no stored original has SHA-256 {sha256}") from None
        except OSError as exc:
            raise EvidenceError(f"could not delete the stored original: {exc}") from exc

    def remove_stale_temp_files(self) -> int:
        """Delete partial files a killed or crashed ingest left behind; return how many.

        Each holds a sealed prefix of an original that nothing refers to, as large as the
        file was when the process died. A running ingest holds its own (`tempfiles.hold`), so
        only dead ones are removed; every ingest calls this first.
        """
        return tempfiles.remove_dead(self.root, f"{_TMP_PREFIX}*{_TMP_SUFFIX}")
