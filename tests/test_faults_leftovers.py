"""What the fault suite found, pinned down directly: partial files of dead writers are removed
by the next writer while a live writer's are kept (flock), and a COMMIT the disk refuses is
rolled back, said in a sentence, and leaves the open vault usable."""

from __future__ import annotations

import fcntl
import os
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from fieldapp.domain.model import Incident
from fieldapp.errors import DiskError
from fieldapp.store.keyfile import KEYFILE_NAME
from fieldapp.store.vault import IncidentQuery, Vault
from tests.helpers import SECOND_PASSPHRASE, TEST_PASSPHRASE


@contextmanager
def held(path: Path) -> Iterator[None]:
    """Hold an flock on `path` the way a live writer does (another open file description)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


@contextmanager
def files_limited_to(size: int) -> Iterator[None]:
    """RLIMIT_FSIZE for this process, SIGXFSZ ignored: writes past `size` fail with EFBIG."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_an_ingest_removes_dead_partial_files_and_keeps_a_live_one(
    vault: Vault, tmp_path: Path
) -> None:
    evidence = vault.path / "evidence"
    evidence.mkdir(exist_ok=True)
    dead = evidence / ".partial-dead0001.tmp"
    live = evidence / ".partial-live0001.tmp"
    dead.write_bytes(b"sealed prefix of an original whose import was killed")
    live.write_bytes(b"sealed prefix of an original being imported right now")
    photo = tmp_path / "photo.bin"
    photo.write_bytes(os.urandom(4096))
    with held(live):
        vault.add_evidence(photo)
        assert not dead.exists()
        assert live.exists()
    assert vault._blob_store().remove_stale_temp_files() == 1
    assert not live.exists()


def test_a_key_file_write_removes_dead_temporary_key_files(vault: Vault) -> None:
    dead = vault.path / f".{KEYFILE_NAME}.0123456789abcdef.tmp"
    live = vault.path / f".{KEYFILE_NAME}.fedcba9876543210.tmp"
    # A killed writer's copy still holds the slot the change below revokes.
    dead.write_bytes((vault.path / KEYFILE_NAME).read_bytes())
    live.write_bytes(b"{}")
    with held(live):
        vault.change_passphrase(TEST_PASSPHRASE, SECOND_PASSPHRASE)
    assert not dead.exists()
    assert live.exists()


def test_a_commit_the_disk_refuses_is_a_sentence_and_the_vault_stays_usable(
    vault: Vault,
) -> None:
    vault.save_incident(Incident(title="Before"), "first report")
    wal = vault.path / "vault.db-wal"
    big = Incident(title="Refused", summary="x" * 20000)
    with files_limited_to(wal.stat().st_size), pytest.raises(DiskError) as refused:
        vault.save_incident(big, "first report")
    assert "Nothing was saved" in str(refused.value)
    # Rolled back, not left open: the same session saves the next change.
    _, version = vault.save_incident(big, "first report")
    assert version == 1
    titles = sorted(row.title for row in vault.query_incidents(IncidentQuery()))
    assert titles == ["Before", "Refused"]
    assert vault.verify_log().ok
