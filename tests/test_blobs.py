"""The encrypted evidence store: real files, real crypto, nothing half-written on any failure."""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import stat
from pathlib import Path

import pytest

from fieldapp.errors import (
    BlobCorrupt,
    EvidenceError,
    EvidenceNotFound,
    EvidenceTooLarge,
    NotARegularFile,
    SourceChanged,
    SourceUnreadable,
)
from fieldapp.store.blobs import BlobStore, StoredBlob, evidence_dir
from fieldapp.store.stream import CHUNK_SIZE, ENCRYPTED_CHUNK_SIZE, PAYLOAD_NONCE_SIZE


class Cancelled(Exception):
    """What a GUI's progress callback raises when the user presses Cancel."""


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    (tmp_path / "vault").mkdir()
    return BlobStore(evidence_dir(tmp_path / "vault"), secrets.token_bytes(32))


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    # An old mtime, so any write during a test moves it even within one clock tick.
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    return path


def entries(store: BlobStore) -> list[str]:
    """Every name in the evidence folder, hidden temporary files included."""
    return sorted(os.listdir(store.root)) if store.root.exists() else []


def test_ingest_round_trip(store: BlobStore, tmp_path: Path) -> None:
    data = os.urandom(3 * CHUNK_SIZE + 17)
    source = write(tmp_path / "IMG_0001.JPG", data)
    seen: list[tuple[int, int]] = []
    blob = store.ingest(source, progress=lambda done, total: seen.append((done, total)))

    assert blob == StoredBlob(
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), name=blob.name, created=True
    )
    assert entries(store) == [blob.name]
    assert store.exists(blob.sha256)
    assert store.verify(blob.sha256)
    assert store.read_bytes(blob.sha256, max_size=len(data)) == data
    assert b"".join(store.open_plaintext(blob.sha256)) == data
    assert seen[-1] == (len(data), len(data))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert source.read_bytes() == data  # the original is never touched


def test_stored_file_is_private_and_opaque(store: BlobStore, tmp_path: Path) -> None:
    data = b"GPS 34.5N 69.1E " * 5000
    blob = store.ingest(write(tmp_path / "note.txt", data))
    stored = store.root / blob.name
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    content = stored.read_bytes()
    assert b"GPS" not in content
    # nonce || payload: the plaintext size plus one tag per chunk, nothing else.
    chunks = -(-len(data) // CHUNK_SIZE)
    assert len(content) == PAYLOAD_NONCE_SIZE + len(data) + 16 * chunks


def test_file_names_reveal_nothing(tmp_path: Path) -> None:
    data = os.urandom(1000)
    source = write(tmp_path / "photo.jpg", data)
    sha = hashlib.sha256(data).hexdigest()
    a = BlobStore(tmp_path / "a", secrets.token_bytes(32)).ingest(source)
    b = BlobStore(tmp_path / "b", secrets.token_bytes(32)).ingest(source)
    assert a.sha256 == b.sha256 == sha
    for name in (a.name, b.name):
        assert sha not in name
        assert hashlib.sha256(bytes.fromhex(sha)).hexdigest() != name
        assert len(name) == 64
    assert a.name != b.name  # another vault key, another name


def test_same_content_is_stored_once(store: BlobStore, tmp_path: Path) -> None:
    data = os.urandom(CHUNK_SIZE + 5)
    first = store.ingest(write(tmp_path / "one.jpg", data))
    stored = store.root / first.name
    before = stored.read_bytes()
    second = store.ingest(write(tmp_path / "copy-of-one.jpg", data))
    assert second == StoredBlob(first.sha256, first.size, first.name, created=False)
    assert entries(store) == [first.name]
    assert stored.read_bytes() == before  # not rewritten (a fresh nonce would change it)


def test_an_empty_file_is_stored(store: BlobStore, tmp_path: Path) -> None:
    blob = store.ingest(write(tmp_path / "empty.bin", b""))
    assert blob.size == 0
    assert blob.sha256 == hashlib.sha256(b"").hexdigest()
    assert store.read_bytes(blob.sha256, max_size=0) == b""
    assert store.verify(blob.sha256)


def test_a_symlink_is_refused(store: BlobStore, tmp_path: Path) -> None:
    target = write(tmp_path / "real.jpg", b"data")
    link = tmp_path / "link.jpg"
    link.symlink_to(target)
    with pytest.raises(NotARegularFile, match=r"link\.jpg is a symbolic link"):
        store.ingest(link)
    assert entries(store) == []


def test_a_fifo_is_refused_without_blocking(store: BlobStore, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile, match=r"pipe is a named pipe \(FIFO\)"):
        store.ingest(fifo)
    assert entries(store) == []


def test_a_directory_is_refused(store: BlobStore, tmp_path: Path) -> None:
    folder = tmp_path / "DCIM"
    folder.mkdir()
    with pytest.raises(NotARegularFile, match="DCIM is a folder"):
        store.ingest(folder)


def test_a_device_is_refused(store: BlobStore) -> None:
    with pytest.raises(NotARegularFile, match="/dev/null is a device"):
        store.ingest(Path("/dev/null"))


def test_a_missing_source_is_named(store: BlobStore, tmp_path: Path) -> None:
    with pytest.raises(SourceUnreadable, match=r"gone\.jpg does not exist"):
        store.ingest(tmp_path / "gone.jpg")


def test_a_source_growing_during_ingest_is_refused(store: BlobStore, tmp_path: Path) -> None:
    source = write(tmp_path / "video.mp4", os.urandom(4 * CHUNK_SIZE))

    def append(done: int, total: int) -> None:
        if done == CHUNK_SIZE:
            with source.open("ab") as f:
                f.write(b"more frames")

    with pytest.raises(SourceChanged, match="changed while it was being imported"):
        store.ingest(source, progress=append)
    assert entries(store) == []


def test_a_source_rewritten_in_place_is_refused(store: BlobStore, tmp_path: Path) -> None:
    """Same size, different bytes: only the modification time gives it away."""
    source = write(tmp_path / "scan.pdf", os.urandom(4 * CHUNK_SIZE))

    def overwrite(done: int, total: int) -> None:
        if done == CHUNK_SIZE:
            with source.open("r+b") as f:
                f.seek(3 * CHUNK_SIZE)
                f.write(b"X" * 100)

    with pytest.raises(SourceChanged):
        store.ingest(source, progress=overwrite)
    assert entries(store) == []


def test_cancel_from_progress_leaves_nothing(store: BlobStore, tmp_path: Path) -> None:
    source = write(tmp_path / "big.bin", os.urandom(5 * CHUNK_SIZE))

    def cancel(done: int, total: int) -> None:
        if done >= 2 * CHUNK_SIZE:
            raise Cancelled

    with pytest.raises(Cancelled):
        store.ingest(source, progress=cancel)
    assert entries(store) == []
    # The store still works after a cancel.
    assert store.ingest(source).created


def test_a_full_disk_at_fsync_leaves_nothing(
    store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "photo.jpg", os.urandom(2 * CHUNK_SIZE))
    store.root.mkdir()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(EvidenceError, match="the disk is full; nothing was stored"):
        store.ingest(source)
    assert entries(store) == []


def test_a_failing_rename_leaves_nothing(
    store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path / "photo.jpg", os.urandom(CHUNK_SIZE))
    store.root.mkdir()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(EvidenceError, match="could not store the encrypted copy"):
        store.ingest(source)
    assert entries(store) == []


def damage(store: BlobStore, blob: StoredBlob, offset: int) -> None:
    path = store.root / blob.name
    content = bytearray(path.read_bytes())
    content[offset] ^= 0x01
    path.write_bytes(bytes(content))


@pytest.mark.parametrize("offset", [0, PAYLOAD_NONCE_SIZE + 5, -1])
def test_a_flipped_byte_is_detected(store: BlobStore, tmp_path: Path, offset: int) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 3)
    blob = store.ingest(write(tmp_path / "photo.jpg", data))
    damage(store, blob, offset)
    assert store.verify(blob.sha256) is False
    with pytest.raises(BlobCorrupt, match="is damaged"):
        b"".join(store.open_plaintext(blob.sha256))
    with pytest.raises(BlobCorrupt):
        store.read_bytes(blob.sha256, max_size=len(data))


def test_a_truncated_blob_is_detected(store: BlobStore, tmp_path: Path) -> None:
    blob = store.ingest(write(tmp_path / "video.mp4", os.urandom(3 * CHUNK_SIZE)))
    path = store.root / blob.name
    path.write_bytes(path.read_bytes()[: PAYLOAD_NONCE_SIZE + 2 * ENCRYPTED_CHUNK_SIZE])
    assert store.verify(blob.sha256) is False
    with pytest.raises(BlobCorrupt, match="truncated"):
        b"".join(store.open_plaintext(blob.sha256))


def test_a_blob_file_swapped_for_another_is_detected(store: BlobStore, tmp_path: Path) -> None:
    a = store.ingest(write(tmp_path / "a.jpg", b"first photo"))
    b = store.ingest(write(tmp_path / "b.jpg", b"second photo"))
    os.replace(store.root / a.name, store.root / b.name)
    assert store.verify(b.sha256) is False
    with pytest.raises(BlobCorrupt, match="was replaced"):
        store.read_bytes(b.sha256, max_size=100)


def test_read_bytes_refuses_above_max_size_before_decrypting(
    store: BlobStore, tmp_path: Path
) -> None:
    data = os.urandom(CHUNK_SIZE + 1)
    blob = store.ingest(write(tmp_path / "clip.mov", data))
    with pytest.raises(EvidenceTooLarge, match=f"{len(data)} bytes, more than the 1000"):
        store.read_bytes(blob.sha256, max_size=1000)
    assert store.read_bytes(blob.sha256, max_size=len(data)) == data


def test_unknown_and_malformed_digests(store: BlobStore) -> None:
    unknown = hashlib.sha256(b"never stored").hexdigest()
    assert store.exists(unknown) is False
    for call in (store.verify, store.remove, store.open_plaintext):
        with pytest.raises(EvidenceNotFound, match="no stored original"):
            call(unknown)
    with pytest.raises(EvidenceNotFound, match="not a SHA-256"):
        store.read_bytes("ABC", max_size=10)


def test_export_writes_a_private_complete_copy(store: BlobStore, tmp_path: Path) -> None:
    data = os.urandom(2 * CHUNK_SIZE + 99)
    blob = store.ingest(write(tmp_path / "photo.jpg", data))
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    dest = out_dir / "IMG_0001.JPG"
    store.export(blob.sha256, dest)
    assert dest.read_bytes() == data
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    assert sorted(os.listdir(out_dir)) == ["IMG_0001.JPG"]


def test_export_of_a_damaged_blob_leaves_the_destination_alone(
    store: BlobStore, tmp_path: Path
) -> None:
    blob = store.ingest(write(tmp_path / "photo.jpg", os.urandom(3 * CHUNK_SIZE)))
    damage(store, blob, -1)  # the last chunk: earlier chunks decrypt before the failure
    out_dir = tmp_path / "usb"
    out_dir.mkdir()
    dest = write(out_dir / "IMG_0001.JPG", b"an older file the user chose to overwrite")
    with pytest.raises(BlobCorrupt):
        store.export(blob.sha256, dest)
    assert dest.read_bytes() == b"an older file the user chose to overwrite"
    assert sorted(os.listdir(out_dir)) == ["IMG_0001.JPG"]


def test_export_into_a_missing_folder_is_a_clear_error(store: BlobStore, tmp_path: Path) -> None:
    blob = store.ingest(write(tmp_path / "photo.jpg", b"data"))
    with pytest.raises(EvidenceError, match="nothing was saved"):
        store.export(blob.sha256, tmp_path / "nowhere" / "copy.jpg")


def test_remove(store: BlobStore, tmp_path: Path) -> None:
    keep = store.ingest(write(tmp_path / "keep.jpg", b"keep"))
    gone = store.ingest(write(tmp_path / "gone.jpg", b"gone"))
    store.remove(gone.sha256)
    assert not store.exists(gone.sha256)
    assert entries(store) == [keep.name]
    with pytest.raises(EvidenceNotFound):
        store.remove(gone.sha256)


def test_stale_temporary_files_are_swept(store: BlobStore, tmp_path: Path) -> None:
    kept = store.ingest(write(tmp_path / "photo.jpg", b"photo"))
    (store.root / ".partial-abc123.tmp").write_bytes(b"left by a power cut")
    assert store.remove_stale_temp_files() == 1
    assert entries(store) == [kept.name]


def test_a_data_key_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        BlobStore(tmp_path, b"too short")


def test_another_vault_key_cannot_read_a_blob(tmp_path: Path) -> None:
    root = tmp_path / "evidence"
    blob = BlobStore(root, secrets.token_bytes(32)).ingest(write(tmp_path / "a.jpg", b"secret"))
    other = BlobStore(root, secrets.token_bytes(32))
    # Under another key the name differs, so the blob is simply not there for it.
    assert not other.exists(blob.sha256)
    with pytest.raises(EvidenceNotFound):
        other.read_bytes(blob.sha256, max_size=100)
