"""Evidence ingest against its floor: the bare steps alone, then `BlobStore.ingest` on the same.

    .venv/bin/python benchmarks/ingest_floor.py [--n 200] [--rounds 3] [--big-gb 2] [--photos DIR]

Issue 3's targets measured here: storing a photo durably (`BlobStore.ingest`: read, SHA-256,
seal, fsync, re-read and re-hash, rename) costs at most 1.5x the sum of the floor steps (stream
read + SHA-256 + ChaCha20-Poly1305 + fsync'd write, raw primitives, no store), and a 2 GB file
ingests with peak RSS < 200 MB. The machine is shared and noisy (PERFORMANCE.md), so floor and
store run interleaved in the same process and only their ratio is a result; bare figures are
printed for orientation. Each round of `ingest` uses a fresh evidence folder (else it would
only dedup).

The synthetic photos (12 MP, JPEG quality 92, about 4 MB: noise over gradients, so they
neither compress to nothing nor bloat) are made once, by worker processes so this process's
peak RSS is not Pillow's, and cached in a temp folder. The full benchmark
(`benchmarks/ingest.py`) imports `make_photos`, `floor_steps`, `store_durably` and
`big_file_ingest` from here.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from fieldapp.store.blobs import BlobStore
from fieldapp.store.stream import CHUNK_SIZE

TARGET_STORE_RATIO = 1.5
TARGET_BIG_RSS_MB = 200.0
PHOTO_SIZE = (4000, 3000)  # 12 MP
JPEG_QUALITY = 92
MIB = 1024 * 1024


# --- synthetic photos -----------------------------------------------------------------------------
def _make_photo(path_str: str, seed: int) -> None:
    """One 12 MP JPEG of about 4 MB: a colour gradient with moderate noise (like a real scene)."""
    from PIL import Image

    width, height = PHOTO_SIZE
    # Gradients give the large-scale structure of a photo; noise gives it real entropy, so
    # the JPEG lands near a phone photo's size instead of a few hundred KB.
    red = Image.linear_gradient("L").resize((width, height))
    green = red.rotate(90 + seed % 180).resize((width, height))
    noise = Image.effect_noise((width, height), 18 + seed % 5)
    blue = Image.blend(red, noise, 0.5)
    img = Image.merge("RGB", (Image.blend(red, noise, 0.35), Image.blend(green, noise, 0.3), blue))
    tmp = path_str + ".tmp"
    img.save(tmp, "JPEG", quality=JPEG_QUALITY)
    os.replace(tmp, path_str)


def make_photos(n: int, folder: Path | None = None) -> list[Path]:
    """`n` synthetic 12 MP JPEGs, made once and cached (generation costs far more than ingest)."""
    folder = folder or Path(tempfile.gettempdir()) / "fieldapp-bench-photos"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"IMG_{i:04d}.JPG" for i in range(n)]
    missing = [(str(p), i) for i, p in enumerate(paths) if not p.exists()]
    if missing:
        print(f"making {len(missing)} synthetic 12 MP photos in {folder} (cached) ...", flush=True)
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=ctx) as pool:
            list(pool.map(_make_photo, *zip(*missing, strict=True)))
    return paths


# --- the floor: each bare step alone, raw primitives ----------------------------------------------
@dataclass
class Steps:
    """Seconds spent in each floor step over a set of files."""

    read: float = 0.0
    sha256: float = 0.0
    encrypt: float = 0.0
    write: float = 0.0

    @property
    def total(self) -> float:
        return self.read + self.sha256 + self.encrypt + self.write


def _chunks(data: bytes) -> list[memoryview]:
    view = memoryview(data)
    return [view[i : i + CHUNK_SIZE] for i in range(0, max(len(data), 1), CHUNK_SIZE)]


def floor_steps(paths: list[Path], scratch: Path) -> Steps:
    """Time read, SHA-256, ChaCha20-Poly1305 and fsync'd write separately for each file.

    Every step works in 64 KiB chunks like the store does; the write writes as many bytes as
    the sealed blob has and fsyncs, into `scratch` (on the same file system as the store).
    """
    steps = Steps()
    aead = ChaCha20Poly1305(secrets.token_bytes(32))
    for i, path in enumerate(paths):
        t0 = time.perf_counter()
        parts = []
        with path.open("rb", buffering=0) as f:
            while part := f.read(CHUNK_SIZE):
                parts.append(part)
        data = b"".join(parts)
        t1 = time.perf_counter()
        digest = hashlib.sha256()
        for chunk in _chunks(data):
            digest.update(chunk)
        digest.hexdigest()
        t2 = time.perf_counter()
        sealed = [
            aead.encrypt(n.to_bytes(11, "big") + b"\x00", chunk, None)
            for n, chunk in enumerate(_chunks(data))
        ]
        t3 = time.perf_counter()
        out = scratch / f"floor-{i}.bin"
        with out.open("wb") as f:
            for part in sealed:
                f.write(part)
            f.flush()
            os.fsync(f.fileno())
        t4 = time.perf_counter()
        out.unlink()
        steps.read += t1 - t0
        steps.sha256 += t2 - t1
        steps.encrypt += t3 - t2
        steps.write += t4 - t3
    return steps


def store_durably(paths: list[Path], root: Path) -> float:
    """Seconds for `BlobStore.ingest` of every file into a fresh evidence folder at `root`."""
    store = BlobStore(root, secrets.token_bytes(32))
    t0 = time.perf_counter()
    for path in paths:
        store.ingest(path)
    return time.perf_counter() - t0


# --- one big file, peak RSS measured in a child process -------------------------------------------
def _big_child(path: str, root: str) -> None:
    store = BlobStore(Path(root), secrets.token_bytes(32))
    t0 = time.perf_counter()
    blob = store.ingest(Path(path))
    seconds = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"seconds": seconds, "size": blob.size, "peak_rss_mb": peak_kib / 1024}))


def big_file_ingest(size: int, work: Path, *, random_data: bool = False) -> dict[str, float]:
    """Ingest one `size`-byte file in a fresh process; return its seconds and peak RSS (MB).

    A sparse file reads as zeros without disk I/O, but hashing, sealing, the fsync'd write
    and the verification pass all run in full; `random_data` writes real bytes instead.
    """
    source = work / "big.bin"
    with source.open("wb") as f:
        if random_data:
            block = os.urandom(8 * MIB)
            for _ in range(size // len(block)):
                f.write(block)
            f.write(block[: size % len(block)])
        else:
            f.truncate(size)
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--big-child", str(source), str(work / "evidence")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        source.unlink()
        shutil.rmtree(work / "evidence", ignore_errors=True)
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


# --- report ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of 12 MP photos")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument("--big-gb", type=float, default=2.0, help="big file size, 0 to skip")
    parser.add_argument("--big-random", action="store_true", help="random, not sparse, big file")
    parser.add_argument("--photos", type=Path, help="photo cache folder")
    parser.add_argument("--big-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.big_child:
        _big_child(*args.big_child)
        return 0

    paths = make_photos(args.n, args.photos)
    total_bytes = sum(p.stat().st_size for p in paths)
    mb = total_bytes / MIB
    print(f"{len(paths)} photos, {mb:.0f} MiB, {mb / len(paths):.2f} MiB each")

    floors: list[Steps] = []
    stores: list[float] = []
    with tempfile.TemporaryDirectory(dir=paths[0].parent.parent) as tmp:
        work = Path(tmp)
        for round_ in range(args.rounds):
            floors.append(floor_steps(paths, work))
            root = work / f"evidence-{round_}"
            stores.append(store_durably(paths, root))
            shutil.rmtree(root)
        floor = Steps(
            read=statistics.median(s.read for s in floors),
            sha256=statistics.median(s.sha256 for s in floors),
            encrypt=statistics.median(s.encrypt for s in floors),
            write=statistics.median(s.write for s in floors),
        )
        store = statistics.median(stores)
        print("\nfloor steps (median of rounds)          MiB/s   ms/photo")
        for name in ("read", "sha256", "encrypt", "write"):
            seconds = getattr(floor, name)
            label = {"encrypt": "ChaCha20-Poly1305", "write": "write + fsync"}.get(name, name)
            print(f"  {label:<36} {mb / seconds:7.0f}   {1000 * seconds / len(paths):6.2f}")
        print(
            f"  {'floor sum':<36} {mb / floor.total:7.0f}   "
            f"{1000 * floor.total / len(paths):6.2f}   ({len(paths) / floor.total:.1f} photos/s)"
        )
        print(
            f"  {'BlobStore.ingest (durable, verified)':<36} {mb / store:7.0f}   "
            f"{1000 * store / len(paths):6.2f}   ({len(paths) / store:.1f} photos/s)"
        )
        ratio = store / floor.total
        verdict = "OK" if ratio <= TARGET_STORE_RATIO else "OVER TARGET"
        print(f"  ratio store / floor sum: {ratio:.2f} (target <= {TARGET_STORE_RATIO}) {verdict}")
        print(f"  rounds: store {', '.join(f'{s:.2f}' for s in stores)} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS of this process: {peak:.0f} MB")

        if args.big_gb > 0:
            size = int(args.big_gb * 1024**3)
            kind = "random" if args.big_random else "sparse"
            big = big_file_ingest(size, work, random_data=args.big_random)
            verdict = "OK" if big["peak_rss_mb"] < TARGET_BIG_RSS_MB else "OVER TARGET"
            print(
                f"\n{args.big_gb:g} GiB {kind} file: {big['seconds']:.1f} s, "
                f"{size / MIB / big['seconds']:.0f} MiB/s, peak RSS {big['peak_rss_mb']:.0f} MB "
                f"(target < {TARGET_BIG_RSS_MB:.0f}) {verdict}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
