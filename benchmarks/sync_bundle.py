"""Sync benchmark: one bundle with 1 GB of evidence and 100k record versions, field to HQ.

    .venv/bin/python benchmarks/sync_bundle.py [--evidence-mb 1024] [--file-mb 4]
                                               [--versions 100000] [--work DIR] [--keep]

Issue 4, section 5. In one run, on the same data:

1. **Export** (`fieldsync.export_bundle`: blobs decrypted from the evidence store, BagIt in
   ustar, signed note, age to HQ's two post-quantum recipients, fsync, atomic rename) in a fresh
   child process: MB/s of bundle written and the child's peak RSS.
2. **tar + pyrage**, what a user would otherwise reach for: `tar -c` of the same plaintext
   (the evidence originals and the records as JSON lines) piped into `pyrage.encrypt_io` to one
   X25519 recipient, written and fsynced. Target: export >= 1.0x its MB/s.
3. **The primitive floor**: the passes any export must make over every byte, each timed alone
   on 64 KiB chunks here (best of three rounds): ChaCha20-Poly1305 open (the evidence store),
   SHA-256 (the BagIt manifest), ChaCha20-Poly1305 seal (age STREAM), fsync'd sequential write.
   The floor's MB/s is the harmonic sum of the four. Targets: export >= 0.7x floor, import
   >= 0.6x floor.
4. **Import** (`hqimport.import_bundle`: inbox copy, decrypt into quarantine in a limited
   subprocess, strict ustar and bag, note/log/records checks, blobs into HQ's store, one
   transaction) in a fresh child process: MB/s of bundle and peak RSS (target < 300 MB, which must
   hold for any bundle size: the pipeline streams).

The machine is shared and noisy (PERFORMANCE.md), so only ratios measured in the same run are
results. Setup (not timed): vaults with the test-only KDF (the KDF is not what is measured),
evidence from random bytes (incompressible, like JPEG/HEIC), and the record versions written in
one transaction through the vault's own append path (100k `save_observation` calls would take
minutes and measure nothing about sync).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from fieldapp.store.stream import CHUNK_SIZE

if TYPE_CHECKING:  # imported only with --json (benchmarks/results.py, a sibling script)
    from results import Results

PASSPHRASE = "benchmark vault: correct horse battery staple 2026"
TARGET_EXPORT_VS_TAR = 1.0
TARGET_EXPORT_VS_FLOOR = 0.7
TARGET_IMPORT_VS_FLOOR = 0.6
TARGET_RSS_MB = 300.0
MIB = 1024 * 1024
FLOOR_SAMPLE = 256 * MIB
FLOOR_ROUNDS = 3


# --- setup ----------------------------------------------------------------------------------------
def _field_and_hq(work: Path, evidence_mb: int, file_mb: int, versions: int) -> None:
    """Make `work/field` (enrolled, with evidence and versions) and `work/hq`; plaintext twin in
    `work/plain` for the tar + pyrage comparison."""
    from fieldapp.domain import canonical
    from fieldapp.domain.model import Observation, to_dict
    from fieldapp.store import records
    from fieldapp.store.keyfile import KdfParams
    from fieldapp.store.vault import Vault
    from sync import enrollment

    hq = Vault.create(
        work / "hq",
        PASSPHRASE,
        cell_name="HQ",
        analyst="hq-bench",
        role="hq",
        kdf=KdfParams.TEST_ONLY,
    )
    field = Vault.create(
        work / "field",
        PASSPHRASE,
        cell_name="Bench Cell",
        analyst="analyst-bench",
        kdf=KdfParams.TEST_ONLY,
    )
    try:
        enrollment.create_hq_keys(hq)
        request = enrollment.enrollment_request(field)
        _, certificate = enrollment.issue_certificate(hq, request)
        recipients = enrollment.load_hq_keys(hq).recipients_note
        enrollment.accept_enrollment(field, certificate, recipients)

        plain = work / "plain"
        (plain / "evidence").mkdir(parents=True)
        for i in range(max(1, evidence_mb // file_mb)):
            source = plain / "evidence" / f"photo-{i:05d}.jpg"
            with source.open("wb") as f:
                f.write(os.urandom(file_mb * MIB))
            field.add_evidence(source, caption=f"bench {i}")

        at = field.now()
        with field.writing() as conn, (plain / "records.jsonl").open("wb") as out:
            for i in range(versions):
                obs = Observation(
                    id=secrets.token_hex(16),
                    at=at,
                    category="other",
                    text=f"observation {i}: patrol passed the market, shops open, no damage seen",
                )
                # The vault's own append path (version, leaf, checkpoint), for a bulk setup.
                body = field._append(
                    kind="observation",
                    record_id=obs.id,
                    version=1,
                    at=at,
                    reason="benchmark",
                    deleted=False,
                    body=to_dict(obs),
                )
                records.project_observation(conn, obs, 1, at, body)
                out.write(canonical.dumps(to_dict(obs)) + b"\n")
    finally:
        field.lock()
        hq.lock()


# --- the two children -----------------------------------------------------------------------------
def _child(kind: str, work: str, arg: str) -> None:
    from fieldapp.hardening import harden_process
    from fieldapp.store.vault import Vault
    from sync import fieldsync, hqimport

    harden_process()  # as the app's own start-up does (cli.main)

    root = Path(work)
    if kind == "export":
        vault = Vault.unlock(root / "field", PASSPHRASE)
        t0 = time.perf_counter()
        result: Any = fieldsync.export_bundle(vault, Path(arg))
        seconds = time.perf_counter() - t0
        peak_mb = _vm_hwm_mb()  # the export's own peak, before the check below adds to it
        # The export's integrity check alone (it runs on a helper thread beside the byte stream
        # and is waited for before signing), timed after the export so it cannot slow it: how
        # much of the export is a cost per version rather than per byte (report.py's gaps).
        t0 = time.perf_counter()
        vault.check(since=0, full=False)
        check_s = time.perf_counter() - t0
        facts = {"path": str(result.path), "size": result.size, "check_s": check_s}
    else:
        vault = Vault.unlock(root / "hq", PASSPHRASE)
        t0 = time.perf_counter()
        report: Any = hqimport.import_bundle(vault, Path(arg), receipts_dir=root / "receipts")
        seconds = time.perf_counter() - t0
        facts = {"status": str(report.status), "size": Path(arg).stat().st_size}
        peak_mb = _vm_hwm_mb()
    vault.lock()
    # VmHWM, not ru_maxrss: the latter keeps the parent's high-water mark across fork + exec,
    # and the parent held the floor's 512 MB of buffers. The import's quarantine worker is a
    # child of this child; RUSAGE_CHILDREN gives its peak (an upper bound: it starts as a fork).
    workers_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": peak_mb,
                "worker_peak_rss_mb": workers_kib / 1024,
                **facts,
            }
        )
    )


def _vm_hwm_mb() -> float:
    """Peak resident set of this process (Linux `VmHWM`)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status: this benchmark needs Linux")


def _run_child(kind: str, work: Path, arg: Path) -> dict[str, Any]:
    os.sync()  # each run starts with no dirty pages left by the one before
    proc = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(work), str(arg)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:  # the child's own error, not only its exit status
        sys.stderr.write(proc.stderr)
        proc.check_returncode()
    out = proc.stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# --- tar + pyrage ---------------------------------------------------------------------------------
def tar_pyrage(plain: Path, target: Path) -> tuple[float, int]:
    """Seconds and bytes written for `tar -c plain | pyrage → target` with an fsync at the end."""
    import pyrage

    recipient = pyrage.x25519.Identity.generate().to_public()
    os.sync()
    t0 = time.perf_counter()
    tar = subprocess.Popen(
        ["tar", "-c", "-C", str(plain), "."], stdout=subprocess.PIPE, bufsize=CHUNK_SIZE
    )
    assert tar.stdout is not None
    with target.open("wb") as out:
        pyrage.encrypt_io(tar.stdout, out, [recipient])
        out.flush()
        os.fsync(out.fileno())
    if tar.wait() != 0:
        raise RuntimeError("tar failed")
    return time.perf_counter() - t0, target.stat().st_size


# --- the floor ------------------------------------------------------------------------------------
def floor_mbps(scratch: Path, rounds: int = FLOOR_ROUNDS) -> dict[str, float]:
    """MB/s of each primitive pass over FLOOR_SAMPLE bytes in 64 KiB chunks, and their sum.

    Each pass is timed `rounds` times and its best kept: a floor is what the machine can do,
    and the machine is shared (a slow round measures a neighbour, not the primitive).
    """
    data = os.urandom(FLOOR_SAMPLE)
    # bytes, not memoryview slices: the library copies a memoryview first, the floor must not.
    chunks = [data[i : i + CHUNK_SIZE] for i in range(0, len(data), CHUNK_SIZE)]
    aead = ChaCha20Poly1305(secrets.token_bytes(32))
    mb = FLOOR_SAMPLE / MIB
    best: dict[str, float] = {}

    def nonce(n: int) -> bytes:
        return n.to_bytes(11, "big") + b"\x00"

    def keep(step: str, seconds: float) -> None:
        best[step] = max(best.get(step, 0.0), mb / seconds)

    for _ in range(rounds):
        t0 = time.perf_counter()
        sealed = [aead.encrypt(nonce(n), c, None) for n, c in enumerate(chunks)]
        t1 = time.perf_counter()
        for n, box in enumerate(sealed):
            aead.decrypt(nonce(n), box, None)
        t2 = time.perf_counter()
        digest = hashlib.sha256()
        for c in chunks:
            digest.update(c)
        t3 = time.perf_counter()
        path = scratch / "floor.bin"
        with path.open("wb") as f:
            for box in sealed:
                f.write(box)
            f.flush()
            os.fsync(f.fileno())
        t4 = time.perf_counter()
        path.unlink()
        keep("chacha_open", t2 - t1)
        keep("sha256", t3 - t2)
        keep("chacha_seal", t1 - t0)
        keep("write_fsync", t4 - t3)
    steps = {k: best[k] for k in ("chacha_open", "sha256", "chacha_seal", "write_fsync")}
    steps["floor"] = 1 / sum(1 / v for v in steps.values())
    return steps


# --- report ---------------------------------------------------------------------------------------
def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def run(args: argparse.Namespace) -> int:
    res: Results | None = None
    if args.json is not None:  # started here: its load average at start is the run's
        from results import Results

        res = Results(
            "sync_bundle",
            f"Sync bundle: {args.evidence_mb} MB of evidence and {args.versions:,} record "
            "versions, field to HQ",
            params={
                "evidence_mb": args.evidence_mb,
                "file_mb": args.file_mb,
                "versions": args.versions,
            },
        )
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="fieldapp-sync-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(
            f"setup: {args.evidence_mb} MB of evidence in {args.file_mb} MB files, "
            f"{args.versions:,} record versions (work folder {work})",
            flush=True,
        )
        t0 = time.perf_counter()
        _field_and_hq(work, args.evidence_mb, args.file_mb, args.versions)
        print(f"setup took {time.perf_counter() - t0:.0f} s", flush=True)

        floor = floor_mbps(work)
        (work / "out").mkdir()
        exported = _run_child("export", work, work / "out")
        export_mbps = exported["size"] / MIB / exported["seconds"]
        tar_seconds, tar_size = tar_pyrage(work / "plain", work / "tar.age")
        tar_mbps = tar_size / MIB / tar_seconds
        (work / "tar.age").unlink()
        imported = _run_child("import", work, Path(exported["path"]))
        import_mbps = imported["size"] / MIB / imported["seconds"]

        rows = [
            ("floor: ChaCha20-Poly1305 open", f"{floor['chacha_open']:8.0f} MB/s", "", ""),
            ("floor: SHA-256", f"{floor['sha256']:8.0f} MB/s", "", ""),
            ("floor: ChaCha20-Poly1305 seal", f"{floor['chacha_seal']:8.0f} MB/s", "", ""),
            ("floor: write + fsync", f"{floor['write_fsync']:8.0f} MB/s", "", ""),
            ("floor (all four passes)", f"{floor['floor']:8.0f} MB/s", "", ""),
            ("tar + pyrage", f"{tar_mbps:8.0f} MB/s", f"{tar_size / MIB:,.0f} MB", ""),
        ]
        checks = [
            export_mbps / tar_mbps >= TARGET_EXPORT_VS_TAR,
            export_mbps / floor["floor"] >= TARGET_EXPORT_VS_FLOOR,
            import_mbps / floor["floor"] >= TARGET_IMPORT_VS_FLOOR,
            exported["peak_rss_mb"] < TARGET_RSS_MB,
            max(imported["peak_rss_mb"], imported["worker_peak_rss_mb"]) < TARGET_RSS_MB,
        ]
        rows += [
            (
                "export (fieldsync.export_bundle)",
                f"{export_mbps:8.0f} MB/s",
                f"{exported['size'] / MIB:,.0f} MB in {exported['seconds']:.1f} s",
                f"{export_mbps / tar_mbps:.2f}x tar+pyrage (>= {TARGET_EXPORT_VS_TAR}) "
                f"{_verdict(checks[0])}; {export_mbps / floor['floor']:.2f}x floor "
                f"(>= {TARGET_EXPORT_VS_FLOOR}) {_verdict(checks[1])}",
            ),
            (
                "import (hqimport.import_bundle)",
                f"{import_mbps:8.0f} MB/s",
                f"{imported['seconds']:.1f} s, {imported['status']}",
                f"{import_mbps / floor['floor']:.2f}x floor (>= {TARGET_IMPORT_VS_FLOOR}) "
                f"{_verdict(checks[2])}",
            ),
            (
                "peak RSS export / import / its worker",
                f"{exported['peak_rss_mb']:.0f} / {imported['peak_rss_mb']:.0f} / "
                f"{imported['worker_peak_rss_mb']:.0f} MB",
                f"< {TARGET_RSS_MB:.0f} MB each",
                f"{_verdict(checks[3])} / {_verdict(checks[4])}",
            ),
        ]
        width = max(len(r[0]) for r in rows)
        for label, figure, detail, verdict in rows:
            print(f"{label:<{width}}  {figure:>18}  {detail:<28} {verdict}")
        if res is not None and args.json is not None:
            _record(res, floor, tar_mbps, tar_size, export_mbps, exported, import_mbps, imported)
            res.facts["versions"] = args.versions
            res.facts["evidence_mb"] = args.evidence_mb
            res.write(Path(args.json))
        return 0 if all(checks) else 1
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _record(
    res: Results,
    floor: dict[str, float],
    tar_mbps: float,
    tar_size: int,
    export_mbps: float,
    exported: dict[str, Any],
    import_mbps: float,
    imported: dict[str, Any],
) -> None:
    """The figures `run` prints, for `--json` (report.py)."""
    from results import Target

    for key, label in (
        ("chacha_open", "floor: ChaCha20-Poly1305 open"),
        ("sha256", "floor: SHA-256"),
        ("chacha_seal", "floor: ChaCha20-Poly1305 seal"),
        ("write_fsync", "floor: write + fsync"),
        ("floor", "floor (all four passes)"),
    ):
        res.add(label, floor[key], "MB/s", detail="best of three rounds on 64 KiB chunks")
    res.add("tar + pyrage", tar_mbps, "MB/s", detail=f"{tar_size / MIB:,.0f} MB written")
    detail = f"{exported['size'] / MIB:,.0f} MB bundle in {exported['seconds']:.1f} s"
    res.add(
        "export (fieldsync.export_bundle) vs tar + pyrage",
        export_mbps,
        "MB/s",
        peer="tar + pyrage",
        peer_value=tar_mbps,
        ratio=export_mbps / tar_mbps,
        ratio_label="export / peer, MB/s",
        targets=[Target("ratio", ">=", TARGET_EXPORT_VS_TAR, "issue 4 §5")],
        key="export_vs_tar",
        detail=detail,
    )
    res.add(
        "export (fieldsync.export_bundle) vs floor",
        export_mbps,
        "MB/s",
        peer="floor (all four passes)",
        peer_value=floor["floor"],
        ratio=export_mbps / floor["floor"],
        ratio_label="export / floor, MB/s",
        targets=[Target("ratio", ">=", TARGET_EXPORT_VS_FLOOR, "issue 4 §5")],
        key="export_vs_floor",
        detail=detail,
    )
    res.add(
        "import (hqimport.import_bundle) vs floor",
        import_mbps,
        "MB/s",
        peer="floor (all four passes)",
        peer_value=floor["floor"],
        ratio=import_mbps / floor["floor"],
        ratio_label="import / floor, MB/s",
        targets=[Target("ratio", ">=", TARGET_IMPORT_VS_FLOOR, "issue 4 §5")],
        key="import_vs_floor",
        detail=f"{imported['seconds']:.1f} s, {imported['status']}",
    )
    res.add(
        "peak RSS of the export",
        exported["peak_rss_mb"],
        "MB",
        targets=[Target("value", "<", TARGET_RSS_MB, "issue 4 §5")],
        key="export_rss",
    )
    res.add(
        "peak RSS of the import (process or its quarantine worker)",
        max(imported["peak_rss_mb"], imported["worker_peak_rss_mb"]),
        "MB",
        targets=[Target("value", "<", TARGET_RSS_MB, "issue 4 §5")],
        key="import_rss",
        detail=f"process {imported['peak_rss_mb']:.0f} MB, worker "
        f"{imported['worker_peak_rss_mb']:.0f} MB",
    )
    res.add(
        "export's integrity check alone (Vault.check, full=False)",
        exported["check_s"],
        "s",
        detail="timed after the export; in the export it runs on a helper thread beside the "
        "byte stream and is waited for before signing",
        key="export_check",
    )
    res.facts.update(
        {
            "check_s": exported["check_s"],
            "bundle_mb": exported["size"] / MIB,
            "export_s": exported["seconds"],
            "import_s": imported["seconds"],
            "floor_mbps": floor["floor"],
        }
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2], argv[3])
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--evidence-mb", type=int, default=1024)
    parser.add_argument("--file-mb", type=int, default=4)
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--work", help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", help="also write the figures to this file (report.py)")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
