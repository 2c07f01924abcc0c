"""Photo ingest benchmark: `Vault.add_evidence` for 200 12 MP JPEGs against the bare steps.

    .venv/bin/python benchmarks/ingest.py [--n 200] [--rounds 3] [--threads 2] [--big-gb 2]
                                          [--keep DIR] [--no-one-thread] [--photos DIR]

Issue 3, section 5. Three targets, each a ratio to a floor measured in the same run (the
machine is shared and noisy, PERFORMANCE.md, so bare times are printed for orientation only):

1. The whole ingest (every photo through `Vault.add_evidence` into a real vault, one
   `MediaSandbox(workers=2)` kept open, two import threads so the second core is used) runs at
   >= 0.8x the photos/s of the floor: the bare steps of `ingest_floor.floor_steps` (stream read
   + SHA-256 + AEAD + fsync'd write) plus a draft-mode thumbnail (orientation applied after the
   resize), all on one core in this process. The same thumbnails over a 2-process pool are
   shown too, to see what the second core buys the floor, and the ingest is also run on one
   thread, as a plain loop over `add_evidence` does (the CLI).
2. Storing a photo durably (`BlobStore.ingest`, before any thumbnail) costs <= 1.5x the read +
   hash + encrypt + write sum (`ingest_floor.store_durably` against `floor_steps`).
3. A 2 GB file through `Vault.add_evidence` keeps peak RSS < 200 MB.

Each whole ingest runs in a child process on a fresh copy of one empty vault made here with the
default KDF, so its peak RSS is the ingest's own: the child unlocks (Argon2id alone needs 256
MiB), then resets the kernel's high-water mark (`/proc/self/clear_refs`) before it imports.
Peak RSS of the media workers is their own high-water mark (`VmHWM`), read before they stop.
"""

from __future__ import annotations

import argparse
import collections
import io
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# A sibling script, imported by its own name as register.py and mypy see this folder (it is
# no package): `benchmarks.ingest_floor` would make mypy find the one file twice.
from ingest_floor import (
    MIB,
    TARGET_BIG_RSS_MB,
    TARGET_STORE_RATIO,
    Steps,
    big_file_ingest,
    floor_steps,
    make_photos,
    store_durably,
)

if TYPE_CHECKING:  # imported only with --json (benchmarks/results.py, a sibling script)
    from results import Results

TARGET_INGEST_RATIO = 0.8  # whole ingest photos/s over floor photos/s, at least
PASSPHRASE = "benchmark vault: correct horse battery staple 2026"
IMPORT_THREADS = 2  # one photo stored in this process while the other is in a media worker
MEDIA_WORKERS = 2


# --- the thumbnail part of the floor --------------------------------------------------------------
def draft_thumbnail(path_str: str) -> bytes:
    """The bare thumbnail step: draft decode, shrink, orientation on the small image, JPEG.

    Same size and quality as the media worker's preview, none of its checks (EXIF facts,
    trailing data, bomb limits, sandbox), so the difference is what those cost.
    """
    from PIL import Image, ImageOps

    from fieldapp.media.extract import THUMBNAIL_PX, THUMBNAIL_QUALITY

    with Image.open(path_str) as image:
        # Draft first: a transpose before it would force a full 12 MP decode (PERFORMANCE.md).
        image.draft("RGB", (THUMBNAIL_PX, THUMBNAIL_PX))
        image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
        small = ImageOps.exif_transpose(image)  # the orientation, on the small image
        out = io.BytesIO()
        small.convert("RGB").save(out, "JPEG", quality=THUMBNAIL_QUALITY)
    return out.getvalue()


def thumbnails_here(paths: Sequence[Path]) -> float:
    """Seconds for every draft thumbnail, one after another in this process (one core)."""
    t0 = time.perf_counter()
    for path in paths:
        draft_thumbnail(str(path))
    return time.perf_counter() - t0


def thumbnails_pool(paths: Sequence[Path], pool: ProcessPoolExecutor) -> float:
    """Wall seconds for every draft thumbnail over a warm process pool."""
    t0 = time.perf_counter()
    list(pool.map(draft_thumbnail, [str(p) for p in paths]))
    return time.perf_counter() - t0


# --- the whole ingest, in a child process ---------------------------------------------------------
def _vm_hwm_mb(pid: int | str = "self") -> float | None:
    """Peak resident set of a process (Linux `VmHWM`), or None where there is no /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Start the high-water mark afresh from the current RSS (Linux >= 4.0), so the KDF of
    the unlock does not count as the ingest's peak."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _ingest_child(spec_path: str) -> None:
    from fieldapp.media import MediaSandbox
    from fieldapp.store.vault import Vault

    spec = json.loads(Path(spec_path).read_text())
    paths = [Path(p) for p in spec["paths"]]
    t0 = time.perf_counter()
    vault = Vault.unlock(Path(spec["vault"]), PASSPHRASE)
    unlock_s = time.perf_counter() - t0
    reset = _reset_peak_rss()
    flags: collections.Counter[str] = collections.Counter()
    t0 = time.perf_counter()
    try:
        with MediaSandbox(workers=spec["workers"]) as sandbox:
            if spec["threads"] == 1:
                items = [vault.add_evidence(p, sandbox=sandbox) for p in paths]
            else:
                with ThreadPoolExecutor(spec["threads"]) as pool:
                    items = list(pool.map(lambda p: vault.add_evidence(p, sandbox=sandbox), paths))
            seconds = time.perf_counter() - t0  # the last record is committed; stopping is not
            workers_mb = [_vm_hwm_mb(pid) for pid in sandbox.worker_pids]
            answered = sandbox.answered_per_worker
    finally:
        vault.lock()
    for item in items:
        flags.update(item.flags or ["(none)"])
    peak = _vm_hwm_mb() if reset else None
    if peak is None:  # no /proc: the lifetime peak, KDF included
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "seconds": seconds,
        "unlock_s": unlock_s,
        "items": len(items),
        "bytes": sum(item.size for item in items),
        "peak_rss_mb": peak,
        "peak_is_ingest_only": reset,
        "workers_peak_mb": [w for w in workers_mb if w is not None],
        "answered_per_worker": answered,
        "flags": dict(flags),
    }
    print(json.dumps(result))


def whole_ingest(
    paths: Sequence[Path], template: Path, target: Path, *, threads: int, workers: int
) -> dict[str, Any]:
    """`Vault.add_evidence` of every path into a fresh copy of the empty vault `template`."""
    shutil.copytree(template, target)
    spec = target.parent / f"{target.name}.json"
    spec.write_text(
        json.dumps(
            {
                "paths": [str(p) for p in paths],
                "vault": str(target),
                "threads": threads,
                "workers": workers,
            }
        )
    )
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--ingest-child", str(spec)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        spec.unlink()
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def make_template_vault(folder: Path) -> float:
    """An empty vault with the default KDF (made once; each run ingests into a copy)."""
    from fieldapp.store.keyfile import KdfParams
    from fieldapp.store.vault import Vault

    t0 = time.perf_counter()
    vault = Vault.create(
        folder, PASSPHRASE, cell_name="Benchmark cell", analyst="bench", kdf=KdfParams.DEFAULT
    )
    vault.lock()
    return time.perf_counter() - t0


# --- one round, and the report --------------------------------------------------------------------
@dataclass
class Round:
    """Seconds of each measurement in one interleaved round."""

    steps: Steps
    thumbs_here: float
    thumbs_pool: float
    store: float
    ingest: dict[str, Any]
    ingest_one_thread: dict[str, Any] | None = None


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _rate(label: str, seconds: float, n: int, mib: float) -> str:
    return (
        f"  {label:<44} {n / seconds:6.1f} photos/s {mib / seconds:6.0f} MiB/s "
        f"{1000 * seconds / n:7.1f} ms/photo"
    )


def run(args: argparse.Namespace, work: Path) -> int:
    res: Results | None = None
    if args.json is not None:  # started here: its load average at start is the run's
        from results import Results

        res = Results("ingest", "Photo ingest: Vault.add_evidence against the bare steps")
    paths = make_photos(args.n, args.photos)
    n = len(paths)
    mib = sum(p.stat().st_size for p in paths) / MIB
    print(f"{n} photos, {mib:.0f} MiB, {mib / n:.2f} MiB each; {os.cpu_count()} CPUs")

    template = work / "template-vault"
    kdf_s = make_template_vault(template)
    print(f"empty vault made with the default KDF in {kdf_s:.2f} s (once; each run copies it)")

    rounds: list[Round] = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        list(pool.map(draft_thumbnail, [str(paths[0])] * 2))  # start both and load Pillow
        for r in range(args.rounds):
            print(f"round {r + 1}/{args.rounds} ...", flush=True)
            # Interleaved, so a burst of noise on the shared machine hits floor and ingest alike.
            steps = floor_steps(paths, work)
            here = thumbnails_here(paths)
            pooled = thumbnails_pool(paths, pool)
            root = work / f"evidence-{r}"
            store = store_durably(paths, root)
            shutil.rmtree(root)
            vault = work / f"vault-{r}"
            whole = whole_ingest(
                paths, template, vault, threads=args.threads, workers=MEDIA_WORKERS
            )
            one = None
            if not args.no_one_thread:
                one = whole_ingest(
                    paths, template, work / f"vault-{r}-1thread", threads=1, workers=MEDIA_WORKERS
                )
            rounds.append(Round(steps, here, pooled, store, whole, one))
            if not args.keep:
                shutil.rmtree(vault)
                shutil.rmtree(work / f"vault-{r}-1thread", ignore_errors=True)

    floor = Steps(
        read=_median([x.steps.read for x in rounds]),
        sha256=_median([x.steps.sha256 for x in rounds]),
        encrypt=_median([x.steps.encrypt for x in rounds]),
        write=_median([x.steps.write for x in rounds]),
    )
    thumbs_here = _median([x.thumbs_here for x in rounds])
    thumbs_pool = _median([x.thumbs_pool for x in rounds])
    store = _median([x.store for x in rounds])
    ingest = _median([x.ingest["seconds"] for x in rounds])
    floor_one_core = floor.total + thumbs_here
    floor_two_cores = floor.total + thumbs_pool

    print(f"\n=== {n} photos, medians of {len(rounds)} interleaved rounds ===")
    print("floor, bare steps (this process)")
    for name, label in (
        ("read", "stream read"),
        ("sha256", "SHA-256"),
        ("encrypt", "ChaCha20-Poly1305"),
        ("write", "write + fsync"),
    ):
        print(_rate(label, getattr(floor, name), n, mib))
    print(_rate("read + hash + encrypt + write", floor.total, n, mib))
    print(_rate("draft thumbnail, one core", thumbs_here, n, mib))
    print(_rate("draft thumbnail, 2-process pool", thumbs_pool, n, mib))
    print(_rate("FLOOR (steps + thumbnail, one core)", floor_one_core, n, mib))
    print(_rate("floor with thumbnails on 2 processes", floor_two_cores, n, mib))
    # 2.0 when the second core is all ours, 1.0 when other work on the machine holds it.
    print(f"    (second core: the pool makes thumbnails {thumbs_here / thumbs_pool:.2f}x as fast)")
    print("measured")
    print(_rate("BlobStore.ingest (durable, verified)", store, n, mib))
    print(_rate(f"add_evidence, {args.threads} threads, {MEDIA_WORKERS} workers", ingest, n, mib))
    if all(x.ingest_one_thread for x in rounds):
        one_s = _median([x.ingest_one_thread["seconds"] for x in rounds if x.ingest_one_thread])
        print(_rate(f"add_evidence, 1 thread, {MEDIA_WORKERS} workers", one_s, n, mib))
        print(f"    (one thread: {one_s / ingest:.2f}x the time of {args.threads} threads)")
    last = rounds[-1].ingest
    workers = ", ".join(f"{w:.0f}" for w in last["workers_peak_mb"]) or "n/a"
    scope = "after unlock" if last["peak_is_ingest_only"] else "whole process, KDF included"
    here_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  peak RSS: ingest process {last['peak_rss_mb']:.0f} MB ({scope}); media workers "
        f"{workers} MB; this process {here_mb:.0f} MB (its KDF and floor included)"
    )
    print(
        f"  files per worker {last['answered_per_worker']}; flags {last['flags']}; "
        f"unlock {last['unlock_s']:.2f} s (not timed)"
    )
    rounds_text = ", ".join(f"{x.ingest['seconds']:.2f}" for x in rounds)
    print(f"  rounds: add_evidence {rounds_text} s")

    ok = True
    print("\ntargets")
    ratio = floor_one_core / ingest  # photos/s of the ingest over photos/s of the floor
    ok &= ratio >= TARGET_INGEST_RATIO
    print(
        f"  whole ingest / floor (photos/s)      {ratio:5.2f}  target >= {TARGET_INGEST_RATIO}"
        f"  {_verdict(ratio >= TARGET_INGEST_RATIO)}"
        f"   (vs the 2-process floor: {floor_two_cores / ingest:.2f})"
    )
    store_ratio = store / floor.total
    ok &= store_ratio <= TARGET_STORE_RATIO
    print(
        f"  store durably / step sum (time)      {store_ratio:5.2f}  target <= "
        f"{TARGET_STORE_RATIO}  {_verdict(store_ratio <= TARGET_STORE_RATIO)}"
    )
    if res is not None:
        _record(res, args, rounds, n, mib, floor, thumbs_here, thumbs_pool, store, ingest)
    if args.big_gb > 0:
        ok &= _big_file(args, work, template, res)
    print(f"\n{'all targets met' if ok else 'NOT all targets met'}")
    if res is not None and args.json is not None:
        res.write(args.json)
    return 0 if ok else 1


def _record(
    res: Results,
    args: argparse.Namespace,
    rounds: Sequence[Round],
    n: int,
    mib: float,
    floor: Steps,
    thumbs_here: float,
    thumbs_pool: float,
    store: float,
    ingest: float,
) -> None:
    """The figures `run` prints, for `--json` (report.py): photos/s against the floor."""
    from results import Target

    res.title = f"Photo ingest: {n} photos of {mib / n:.1f} MiB, medians of {len(rounds)} rounds"
    res.params.update(
        {"n": n, "rounds": len(rounds), "threads": args.threads, "big_gb": args.big_gb}
    )
    floor_one_core = floor.total + thumbs_here
    floor_two_cores = floor.total + thumbs_pool
    for name, label in (
        ("read", "floor: stream read"),
        ("sha256", "floor: SHA-256"),
        ("encrypt", "floor: ChaCha20-Poly1305"),
        ("write", "floor: write + fsync"),
    ):
        res.add(label, 1000 * getattr(floor, name) / n, "ms/photo")
    res.add("floor: read + hash + encrypt + write", 1000 * floor.total / n, "ms/photo")
    res.add("floor: draft thumbnail, one core", 1000 * thumbs_here / n, "ms/photo")
    res.add(
        "floor: draft thumbnails, 2-process pool",
        1000 * thumbs_pool / n,
        "ms/photo",
        peer="one core",
        peer_value=1000 * thumbs_here / n,
        ratio=thumbs_here / thumbs_pool,
        ratio_label="second-core speed-up; 2.0 = free",
        key="second_core",
    )
    res.add(
        f"whole ingest: add_evidence, {args.threads} threads, {MEDIA_WORKERS} workers",
        n / ingest,
        "photos/s",
        peer="floor: steps + thumbnail, one core",
        peer_value=n / floor_one_core,
        ratio=floor_one_core / ingest,
        ratio_label="ingest / floor, photos/s",
        targets=[Target("ratio", ">=", TARGET_INGEST_RATIO, "issue 3 §5")],
        key="ingest_vs_floor",
        detail=f"{mib / ingest:.0f} MiB/s; against the 2-process floor "
        f"{floor_two_cores / ingest:.2f}",
    )
    if all(x.ingest_one_thread for x in rounds):
        one_s = _median([x.ingest_one_thread["seconds"] for x in rounds if x.ingest_one_thread])
        res.add(
            f"whole ingest: add_evidence, 1 thread, {MEDIA_WORKERS} workers",
            n / one_s,
            "photos/s",
            peer="floor: steps + thumbnail, one core",
            peer_value=n / floor_one_core,
            ratio=floor_one_core / one_s,
            ratio_label="ingest / floor, photos/s",
            key="ingest_one_thread",
        )
    res.add(
        "store durably: BlobStore.ingest",
        1000 * store / n,
        "ms/photo",
        peer="floor: read + hash + encrypt + write",
        peer_value=1000 * floor.total / n,
        ratio=store / floor.total,
        ratio_label="store / step sum, time",
        targets=[Target("ratio", "<=", TARGET_STORE_RATIO, "issue 3 §5")],
        key="store_vs_floor",
    )
    last = rounds[-1].ingest
    scope = "after unlock" if last["peak_is_ingest_only"] else "whole process, KDF included"
    workers = ", ".join(f"{w:.0f}" for w in last["workers_peak_mb"]) or "n/a"
    res.add(
        "peak RSS of the ingest process",
        last["peak_rss_mb"],
        "MB",
        detail=f"{scope}; media workers {workers} MB",
    )
    res.facts.update(
        {
            "photos": n,
            "photo_mib": mib / n,
            "ingest_ms_per_photo": 1000 * ingest / n,
            "floor_ms_per_photo": 1000 * floor_one_core / n,
            "steps_ms_per_photo": 1000 * floor.total / n,
            "thumbnail_ms_per_photo": 1000 * thumbs_here / n,
            "second_core_speedup": thumbs_here / thumbs_pool,
            "ingest_rounds_s": [x.ingest["seconds"] for x in rounds],
            "flags": last["flags"],
        }
    )


def _big_file(
    args: argparse.Namespace, work: Path, template: Path, res: Results | None = None
) -> bool:
    size = int(args.big_gb * 1024**3)
    kind = "random" if args.big_random else "sparse"
    print(f"\n{args.big_gb:g} GiB {kind} file ...", flush=True)
    bare = big_file_ingest(size, work, random_data=args.big_random)
    source = work / "big-evidence.bin"
    with source.open("wb") as f:
        if args.big_random:
            block = os.urandom(8 * MIB)
            for _ in range(size // len(block)):
                f.write(block)
            f.write(block[: size % len(block)])
        else:
            f.truncate(size)  # reads as zeros without disk I/O; hash, seal, fsync all run
    try:
        big = whole_ingest([source], template, work / "vault-big", threads=1, workers=1)
    finally:
        source.unlink()
        if not args.keep:
            shutil.rmtree(work / "vault-big", ignore_errors=True)
    ok = bool(big["peak_rss_mb"] < TARGET_BIG_RSS_MB)
    mib = size / MIB
    print(
        f"  BlobStore.ingest             {bare['seconds']:6.1f} s {mib / bare['seconds']:5.0f} "
        "MiB/s (ingest_floor's child; its ru_maxrss keeps this process's peak across fork and "
        "exec, so its RSS is not shown)"
    )
    workers = ", ".join(f"{w:.0f}" for w in big["workers_peak_mb"]) or "n/a"
    print(
        f"  Vault.add_evidence           {big['seconds']:6.1f} s {mib / big['seconds']:5.0f} "
        f"MiB/s, peak RSS {big['peak_rss_mb']:.0f} MB (media worker {workers} MB)"
    )
    print(f"  target: peak RSS < {TARGET_BIG_RSS_MB:.0f} MB  {_verdict(ok)}   flags {big['flags']}")
    if res is not None:
        from results import Target

        res.add(
            f"{args.big_gb:g} GiB {kind} file: Vault.add_evidence peak RSS",
            big["peak_rss_mb"],
            "MB",
            targets=[Target("value", "<", TARGET_BIG_RSS_MB, "issue 3 §5")],
            key="big_file_rss",
            detail=f"{mib / big['seconds']:.0f} MiB/s; BlobStore.ingest alone "
            f"{mib / bare['seconds']:.0f} MiB/s; media worker {workers} MB",
        )
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=200, help="number of 12 MP photos (200)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, median (3)")
    parser.add_argument("--big-gb", type=float, default=2.0, help="big file size, 0 to skip (2)")
    parser.add_argument("--big-random", action="store_true", help="random, not sparse, big file")
    parser.add_argument("--threads", type=int, default=IMPORT_THREADS, help="import threads (2)")
    parser.add_argument(
        "--no-one-thread", action="store_true", help="skip the one-thread add_evidence run"
    )
    parser.add_argument("--photos", type=Path, help="photo cache folder (default: in temp)")
    parser.add_argument(
        "--keep", type=Path, default=None, help="work in this new folder and keep the vaults"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the figures to this file (report.py)"
    )
    parser.add_argument("--ingest-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ingest_child:
        _ingest_child(args.ingest_child)
        return 0
    if args.n < 1 or args.rounds < 1 or args.threads < 1 or args.big_gb < 0:
        parser.error("--n, --rounds and --threads must be at least 1, --big-gb not negative")
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        return run(args, args.keep)
    # The temp folder sits next to the photo cache: the same file system as the store would be.
    with tempfile.TemporaryDirectory(prefix="fieldapp-ingest-") as tmp:
        return run(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
