"""Deconfliction benchmark: the batch match of 100k incidents against 10k external records.

    .venv/bin/python benchmarks/deconflict.py [--incidents 100000] [--externals 10000] [--seed 1]

Incidents are written straight into `versions` and the register projection in one transaction
(no audit leaves: this measures matching, not saving; `benchmarks/register.py` measures saving).
External records go through the real CSV import. Both are spread over three years and the
benchmark's fifteen towns with a few kilometres of jitter, so the time-window join meets dense
days and dense places as a real theatre would. Prints the time of the import, of
`all_candidates` and of one `candidates` call, and the number of pairs found. The machine is
shared: compare runs made at the same time only.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from register import _TOWNS  # a sibling script: mypy knows it by this name

from fieldapp.domain.model import Incident, to_dict
from fieldapp.review import deconflict
from fieldapp.store import records
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.vault import Vault

FIRST_DAY = date(2022, 1, 1)
DAYS = 3 * 365
PARTIES = ("coalition_partner", "adversary", "unknown")
PASSPHRASE = "correct horse battery staple 42"
MUNITIONS = ("guided_bomb", "unguided_bomb", "artillery_shell", "")


def _position(rng: random.Random) -> tuple[float, float]:
    _, lat, lon, _ = rng.choice(_TOWNS)
    return float(lat) + rng.uniform(-0.1, 0.1), float(lon) + rng.uniform(-0.1, 0.1)


def seed_incidents(vault: Vault, count: int, rng: random.Random) -> None:
    with vault.writing() as conn:
        for i in range(count):
            lat, lon = _position(rng)
            day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
            inc = Incident(id=uuid.uuid4().hex, ref_code=f"CHM-BENCH-{i:06d}", title=f"Bench {i}")
            inc.time.start = f"{day.isoformat()}T{rng.randrange(24):02d}:00:00Z"
            inc.place.lat, inc.place.lon = f"{lat:.6f}", f"{lon:.6f}"
            inc.engagement.party = rng.choice(PARTIES)
            inc.engagement.munition = rng.choice(MUNITIONS)
            records.append_version(
                conn,
                record_id=inc.id,
                kind="incident",
                version=1,
                author="bench",
                device_id=vault.device.device_id,
                at="2026-01-01T00:00:00Z",
                reason="seed",
                deleted=False,
                body=to_dict(inc),
            )
            records.project_incident(conn, inc, 1, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")


def write_externals(path: Path, count: int, rng: random.Random) -> None:
    lines = [
        "Code,Date,Location,Latitude,Longitude,Belligerent,Civilians killed (min),"
        "Civilians killed (max),Munition,URL"
    ]
    for i in range(count):
        lat, lon = _position(rng)
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        party = rng.choice(("Coalition", "Russian Military", "Unknown"))
        lines.append(
            f"B{i:05d},{day.isoformat()},Town {i % 15},{lat:.6f},{lon:.6f},{party},0,"
            f"{rng.randrange(10)},{rng.choice(('Guided bomb', 'Artillery', ''))},"
            f"https://example.org/b{i}"
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--externals", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", metavar="DIR", help="keep the seeded vault in DIR and reuse it next time"
    )
    parser.add_argument("--json", help="also write the figures to this file (report.py)")
    args = parser.parse_args()
    res = None
    if args.json:  # started here: its load average at start is the run's
        from results import Results  # benchmarks/results.py, a sibling script

        res = Results(
            "deconflict",
            f"Deconfliction: {args.incidents:,} incidents against {args.externals:,} external "
            "records",
            params={"incidents": args.incidents, "externals": args.externals, "seed": args.seed},
        )
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp) / "vault"
        if Vault.exists(folder):
            vault = Vault.unlock(folder, PASSPHRASE)
            print(f"reusing the seeded vault in {folder}")
        else:
            vault = Vault.create(
                folder, PASSPHRASE, cell_name="bench", analyst="bench", kdf=KdfParams.TEST_ONLY
            )
            started = time.perf_counter()
            seed_incidents(vault, args.incidents, rng)
            print(f"seeded {args.incidents} incidents in {time.perf_counter() - started:.1f} s")
        try:
            csv_path = Path(tmp) / "external.csv"
            write_externals(csv_path, args.externals, random.Random(args.seed + 1))
            started = time.perf_counter()
            result = deconflict.import_external(vault, "bench", csv_path, preset="airwars")
            import_s = time.perf_counter() - started
            print(
                f"imported {result.rows} external records in {time.perf_counter() - started:.2f} s"
            )
            started, cpu = time.perf_counter(), time.process_time()
            pairs = deconflict.all_candidates(vault)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            incidents = len({c.incident_id for c in pairs})
            print(
                f"all_candidates (3 days, 10 km): {len(pairs)} pairs for {incidents} incidents "
                f"in {elapsed:.2f} s ({cpu:.2f} s of CPU: the wall time waits for a shared CPU)"
            )
            one = pairs[0].incident_id if pairs else ""
            if one:
                started = time.perf_counter()
                found = deconflict.candidates(vault, one)
                one_ms = (time.perf_counter() - started) * 1000
                print(
                    f"candidates for one incident: {len(found)} in "
                    f"{(time.perf_counter() - started) * 1000:.1f} ms"
                )
            if res is not None:  # no target or floor in the issue: times for orientation
                res.add("import of the external CSV", import_s, "s", detail=f"{result.rows} rows")
                res.add(
                    "all_candidates (3 days, 10 km)",
                    elapsed,
                    "s",
                    peer="its CPU time",
                    peer_value=cpu,
                    ratio=elapsed / cpu if cpu else None,
                    ratio_label="wall / CPU; above 1 = waiting for a shared CPU",
                    detail=f"{len(pairs)} pairs for {incidents} incidents",
                )
                if one:
                    res.add("candidates for one incident", one_ms, "ms")
                res.write(Path(args.json))
        finally:
            vault.lock()


if __name__ == "__main__":
    main()
