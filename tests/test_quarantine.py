"""The quarantine worker: a real child process decrypts and unpacks real bundles.

Each refusal must name its reason and leave the quarantine root empty (SECURITY.md A, B, C).
"""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest

from sync import age
from sync.quarantine import Limits, QuarantineError, open_bundle, run
from tests.bundle_builder import bag_bytes, encrypt

FILES = {"data/records.jsonl": b"", "data/auditlog.jsonl": b'{"a":1}\n'}


@pytest.fixture(scope="module")
def hq() -> age.HybridIdentity:
    return age.HybridIdentity.generate()


def bundle(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "in.chmb"
    path.write_bytes(data)
    return path


def good(hq: age.HybridIdentity) -> bytes:
    return encrypt(bag_bytes(FILES, lambda tm: b"note " + tm.encode() + b"\n"), [hq.recipient()])


def refused(tmp_path: Path, data: bytes, ident: age.HybridIdentity, match: str) -> str:
    root = tmp_path / "quarantine"
    with pytest.raises(QuarantineError, match=match) as info:
        open_bundle(bundle(tmp_path, data), [str(ident)], root)
    assert list(root.iterdir()) == [], "a refused bundle left plaintext behind"
    return info.value.stage


def test_a_good_bundle_opens_and_is_validated(tmp_path: Path, hq: age.HybridIdentity) -> None:
    opened = open_bundle(bundle(tmp_path, good(hq)), [str(hq)], tmp_path / "q")
    assert opened.folder.parent == tmp_path / "q"
    assert (opened.folder / "data" / "auditlog.jsonl").read_bytes() == b'{"a":1}\n'
    assert set(opened.payload) == set(FILES)
    note = (opened.folder / "signature.note").read_text()
    assert note == f"note {opened.tagmanifest_sha256}\n"


def test_a1_empty_and_a2_not_age(tmp_path: Path, hq: age.HybridIdentity) -> None:
    assert refused(tmp_path, b"", hq, "the file is empty") == "age"
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
    assert refused(tmp_path, jpeg, hq, "not an age v1 file") == "age"


def test_a3_encrypted_to_another_key(tmp_path: Path, hq: age.HybridIdentity) -> None:
    other = age.HybridIdentity.generate()
    assert refused(tmp_path, good(hq), other, "none of the 1 given identities") == "age"


def test_a7_a8_a9_damaged_payload(tmp_path: Path, hq: age.HybridIdentity) -> None:
    data = good(hq)
    assert refused(tmp_path, data[:-1], hq, "payload is damaged") == "age"
    flipped = bytearray(data)
    flipped[-20] ^= 1
    assert refused(tmp_path, bytes(flipped), hq, "payload is damaged") == "age"
    assert refused(tmp_path, data + b"x", hq, "payload is damaged") == "age"


def test_b1_member_escaping_the_folder(tmp_path: Path, hq: age.HybridIdentity) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("../../x")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    stage = refused(tmp_path, encrypt(raw.getvalue(), [hq.recipient()]), hq, "would escape")
    assert stage == "ustar"
    assert not (tmp_path.parent / "x").exists()


def test_c6_payload_changed_after_signing(tmp_path: Path, hq: age.HybridIdentity) -> None:
    plain = bag_bytes(FILES, lambda tm: b"note\n")
    changed = plain.replace(b'{"a":1}', b'{"a":2}')
    assert changed != plain
    stage = refused(tmp_path, encrypt(changed, [hq.recipient()]), hq, "does not match")
    assert stage == "bag"


def test_limits_refuse_a_large_bundle(tmp_path: Path, hq: age.HybridIdentity) -> None:
    files = {"data/big": bytes(300_000)}
    data = encrypt(bag_bytes(files, lambda tm: b"note\n"), [hq.recipient()])
    root = tmp_path / "q"
    with pytest.raises(QuarantineError) as info:
        open_bundle(bundle(tmp_path, data), [str(hq)], root, Limits(max_total_size=100_000))
    assert info.value.stage in {"ustar", "limit"}
    assert list(root.iterdir()) == []


def test_identities_never_reach_argv(tmp_path: Path, hq: age.HybridIdentity) -> None:
    from sync import quarantine

    command = quarantine._command()
    assert not any("AGE-SECRET-KEY" in part for part in command)


def test_run_in_process_reports_damage_first(tmp_path: Path, hq: age.HybridIdentity) -> None:
    """The in-process half: a cut file is reported as damaged, not as a short archive."""
    path = bundle(tmp_path, good(hq)[:-1])
    folder = tmp_path / "q"
    folder.mkdir()
    answer = run(
        {
            "bundle": str(path),
            "folder": str(folder),
            "identities": [str(hq)],
            "max_members": 10,
            "max_total_size": 10**6,
        }
    )
    assert answer["ok"] is False and answer["stage"] == "age"
    assert "damaged" in answer["message"]
    assert not folder.exists()
    json.dumps(answer)  # the answer crosses the pipe as JSON


def test_a_dead_imports_folder_goes_at_once_a_living_ones_stays(tmp_path: Path) -> None:
    """The lock beside each folder is held by the process using it; the kernel drops it when
    that process dies, however it dies. A free lock (or none) marks plaintext nobody will
    clean up: removed at the next import, whatever its age. A held one is left alone."""
    import os
    import subprocess
    import sys

    from sync.quarantine import remove_stale

    root = tmp_path / "q"
    dead, live = root / "dead", root / "live"
    (dead / "data").mkdir(parents=True)
    (dead / "data" / "records.jsonl").write_text("plaintext")
    (root / "dead.lock").touch()
    live.mkdir()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
            str(root / "live.lock"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert remove_stale(root) == 1
        assert sorted(p.name for p in root.iterdir()) == ["live", "live.lock"]
    finally:
        holder.kill()
        holder.wait()
    assert remove_stale(root) == 1  # its process is gone: so is its plaintext
    assert list(root.iterdir()) == []
    assert remove_stale(tmp_path / "missing") == 0
    assert not os.path.exists(root / "live")


def test_a_child_over_its_memory_limit_is_a_clean_refusal(
    tmp_path: Path, hq: age.HybridIdentity
) -> None:
    """Address space far too small for Python and the decryptor: the child fails, the parent
    reports it and leaves nothing behind (what a decompression-bomb-like input would cause)."""
    root = tmp_path / "q"
    with pytest.raises(QuarantineError) as info:
        open_bundle(bundle(tmp_path, good(hq)), [str(hq)], root, Limits(memory_mb=24))
    # Python either raises MemoryError (answered) or dies outright (reported by the parent),
    # depending on where the limit strikes: both are a limit refusal.
    assert info.value.stage == "limit"
    assert re.search("limits reached|more memory than allowed", str(info.value))
    assert list(root.iterdir()) == []
