"""Register benchmark: 100k incidents through the normal API, SQLCipher against plain SQLite.

    .venv/bin/python benchmarks/register.py [--n 100000] [--seed 1] [--keep DIR]

Fills a real vault with synthetic but realistic incidents through `Vault.save_incident` (so
validation, versions, projection, FTS and the audit log all run), then measures what a person
waits for: the first page of the register after unlocking, full-text search and the filters.
The same queries then run on a plain-SQLite copy of the same database, in the same run, because
the machine is shared and noisy (PERFORMANCE.md): only ratios to a floor measured alongside are
meaningful, never bare times.
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldapp.domain.model import (
    Assessment,
    Breakdown,
    Casualties,
    Engagement,
    Harm,
    Incident,
    Place,
    PlaceName,
    Range,
    Source,
    TimeWindow,
)

if TYPE_CHECKING:  # imported when needed: review.py and deconflict.py import this file
    from results import Results

# Targets from issue 2, section 6.
TARGET_FIRST_PAGE_S = 0.3
TARGET_SEARCH_S = 0.050
TARGET_RATIO = 1.3

# --- synthetic incidents -------------------------------------------------------------------------

_TOWNS = [
    ("Al-Qaim", "34.3715", "41.0942", "Anbar"),
    ("Hit", "33.6417", "42.8251", "Anbar"),
    ("Rawa", "34.4700", "41.9166", "Anbar"),
    ("Tal Afar", "36.3764", "42.4497", "Ninewa"),
    ("Sinjar", "36.3209", "41.8764", "Ninewa"),
    ("Hawija", "35.3292", "43.7719", "Kirkuk"),
    ("Baiji", "34.9311", "43.4930", "Salah ad-Din"),
    ("Tikrit", "34.6071", "43.6782", "Salah ad-Din"),
    ("Raqqa", "35.9594", "39.0078", "Raqqa"),
    ("Tabqa", "35.8364", "38.5483", "Raqqa"),
    ("Hajin", "34.6933", "40.8347", "Deir ez-Zor"),
    ("Susah", "34.5297", "40.9847", "Deir ez-Zor"),
    ("Mayadin", "35.0203", "40.4514", "Deir ez-Zor"),
    ("Manbij", "36.5281", "37.9549", "Aleppo"),
    ("Kobani", "36.8910", "38.3536", "Aleppo"),
]
_PLACES = [
    "market",
    "school",
    "clinic",
    "bakery",
    "mosque",
    "bridge",
    "farm",
    "checkpoint",
    "residential block",
    "water station",
    "power substation",
    "bus station",
    "orchard",
    "garage",
    "warehouse",
]
_EVENTS = [
    "airstrike",
    "artillery fire",
    "drone strike",
    "mortar impact",
    "rocket strike",
    "small arms exchange",
    "secondary explosion",
    "vehicle strike",
]
# Narrative vocabulary: varied enough that search words hit anything from a few rows to many.
_WORDS = [
    "family",
    "neighbours",
    "rubble",
    "ambulance",
    "shrapnel",
    "window",
    "roof",
    "courtyard",
    "pickup",
    "tractor",
    "sheep",
    "generator",
    "cistern",
    "well",
    "harvest",
    "funeral",
    "wedding",
    "displaced",
    "shelter",
    "tent",
    "convoy",
    "motorcycle",
    "minaret",
    "antenna",
    "crater",
    "smoke",
    "fire",
    "debris",
    "stretcher",
    "hospital",
    "surgeon",
    "nurse",
    "teacher",
    "pupils",
    "shepherd",
    "farmer",
    "driver",
    "baker",
    "imam",
    "mayor",
    "council",
    "elder",
    "widow",
    "orphan",
    "cousin",
    "brother",
    "sister",
    "grandmother",
    "evening",
    "morning",
    "night",
    "dawn",
    "noon",
    "curfew",
    "ceasefire",
    "leaflet",
    "warning",
    "siren",
    "telephone",
    "radio",
    "photograph",
    "video",
    "satellite",
    "imagery",
    "witness",
    "statement",
    "complaint",
    "claim",
    "compensation",
    "condolence",
    "repair",
    "school",
    "clinic",
    "water",
    "electricity",
    "bread",
    "flour",
    "fuel",
]
_HARMS = [
    "death",
    "injury",
    "damage_civilian_property",
    "damage_infrastructure",
    "disruption_water",
    "disruption_power",
    "disruption_health",
    "displacement",
    "loss_of_livelihood",
]
_PLATFORMS = ["fixed_wing", "rotary_wing", "uav_armed", "artillery", "rocket_artillery", "mortar"]
_MUNITIONS = ["guided_bomb", "air_to_ground_missile", "artillery_shell", "rocket", "mortar_round"]
_SOURCES = ["witness", "open_source", "media", "ngo_monitor", "un", "local_authority"]


def make_incident(rng: random.Random, i: int) -> Incident:
    """One plausible incident; `i` only varies the text so titles are not all alike."""
    town, lat, lon, province = rng.choice(_TOWNS)
    spot = rng.choice(_PLACES)
    event = rng.choice(_EVENTS)
    year = rng.choice((2017, 2018, 2019))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    start = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z"
    killed = rng.choice((0, 0, 0, 1, 1, 2, 3, 5, 8))
    injured = rng.choice((0, 0, 1, 2, 3, 4, 6, 10))
    harms = [Harm(type="death")] if killed else []
    if injured:
        harms.append(Harm(type="injury"))
    harms += [
        Harm(type=h, mode=rng.choice(("direct", "indirect"))) for h in rng.sample(_HARMS[2:], 1)
    ]
    workflow = rng.choice(("reported", "reported", "under_assessment", "assessed"))
    category = (
        rng.choice(("confirmed", "unconfirmed", "unlikely")) if workflow == "assessed" else ""
    )
    narrative = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(25, 60)))
    # Nudge coordinates so places are not all identical.
    lat_d = f"{float(lat) + rng.uniform(-0.02, 0.02):.6f}"
    lon_d = f"{float(lon) + rng.uniform(-0.02, 0.02):.6f}"
    return Incident(
        title=f"{event.capitalize()} near {spot}, {town} (#{i})",
        summary=f"Reported {event} near a {spot} in {town}. {narrative}.",
        time=TimeWindow(start=start, precision=rng.choice(("exact", "hour", "day"))),
        place=Place(
            lat=lat_d,
            lon=lon_d,
            names=[PlaceName(lang="en", name=f"{town}, {spot}")],
            admin_area=province,
            country="SY" if province in ("Raqqa", "Deir ez-Zor", "Aleppo") else "IQ",
            precision=rng.choice(("exact", "100m", "street", "neighbourhood")),
            method=rng.choice(("gps", "witness", "imagery", "report")),
        ),
        harms=harms,
        casualties=Casualties(
            killed=Breakdown(unknown=Range(min=killed, max=killed + rng.choice((0, 0, 1, 2)))),
            injured=Breakdown(unknown=Range(min=injured, max=injured + rng.choice((0, 1, 3)))),
        ),
        engagement=Engagement(
            platform=rng.choice(_PLATFORMS),
            munition=rng.choice(_MUNITIONS),
            strikes=rng.randint(1, 4),
        ),
        sources=[
            Source(
                type=rng.choice(_SOURCES),
                reference=f"report {rng.randint(1000, 99999)}",
                reliability=rng.choice("ABCDEF"),
                credibility=rng.choice("123456"),
            )
            for _ in range(rng.randint(1, 3))
        ],
        assessment=Assessment(workflow=workflow, public_category=category),
    )


# --- measuring -----------------------------------------------------------------------------------

PASSPHRASE = "benchmark vault: correct horse battery staple 2026"
# Runtime settings db.connect gives every SQLCipher connection that also exist in plain SQLite,
# so the twins differ only in encryption (and, for stdlib sqlite3, in the SQLite version).
_PLAIN_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA secure_delete = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA foreign_keys = ON",
    "PRAGMA trusted_schema = OFF",
)


@dataclass
class Timing:
    """Median seconds of one query: SQLCipher (the vault), stdlib SQLite on the plaintext twin,
    and the SQLCipher library on the same twin without a key (same SQLite version, no cipher)."""

    label: str
    cipher: float
    plain: float
    same_engine: float


def _seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _medians(fns: Sequence[Callable[[], Any]], runs: int) -> list[float]:
    for fn in fns:  # warm every page cache first: the register is used more than it is opened
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        # Interleave the engines so a burst of noise on the shared machine hits all alike.
        for fn, out in zip(fns, samples, strict=True):
            out.append(_seconds(fn))
    return [statistics.median(out) for out in samples]


def open_plain(path: Path, module: Any = sqlite3) -> Any:
    """A connection to the plaintext twin with the vault's runtime settings."""
    conn = module.connect(str(path), isolation_level=None)
    for pragma in _PLAIN_PRAGMAS:
        conn.execute(pragma)
    return conn


def export_plain_twin(vault_path: Path, dek_hex: str, target: Path) -> None:
    """Write a plaintext copy of the vault database (same schema, same rows, same page size).

    SQLCipher's own `sqlcipher_export` does the copy, so the twin is built from the store's
    schema and data rather than from a second description of them.
    """
    from fieldapp.store import db, keyfile, schema

    settings = keyfile.read_keyfile(vault_path).db
    conn = db.connect(
        vault_path / db.DB_NAME,
        bytes.fromhex(dek_hex),
        settings,
        max_user_version=schema.SCHEMA_VERSION,
    )
    try:
        page_size = int(settings.get("cipher_page_size", 4096))
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute(f"PRAGMA plain.page_size = {page_size}")
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def search_terms(rng: random.Random, n: int) -> list[str]:
    """A spread of searches: common narrative words (thousands of hits), town names (a few
    thousand), incident numbers (one or a few), and two-word searches."""
    words = rng.sample(_WORDS, 20)
    towns = [t[0].split("-")[-1] for t in rng.sample(_TOWNS, 8)]
    numbers = [str(rng.randrange(1, max(2, n))) for _ in range(8)]
    pairs = [f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}" for _ in range(6)]
    return words + towns + numbers + pairs


def filter_queries() -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    out += [("workflow", w, {"workflow": w}) for w in ("reported", "under_assessment", "assessed")]
    out += [
        ("category", c, {"public_category": c}) for c in ("confirmed", "unconfirmed", "unlikely")
    ]
    out += [("harm type", h, {"harm_type": h}) for h in ("death", "injury", "displacement")]
    out += [
        ("date range", f"{a}..{b}", {"date_from": a, "date_to": b})
        for a, b in (
            ("2017-01-01", "2017-12-31"),
            ("2018-06-01", "2018-06-30"),
            ("2019-03-10", "2019-03-12"),
        )
    ]
    return out


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _line(label: str, timings: Sequence[Timing], target: float | None) -> bool:
    cipher = statistics.median(t.cipher for t in timings)
    plain = statistics.median(t.plain for t in timings)
    same = statistics.median(t.same_engine for t in timings)
    ratio = cipher / plain
    worst = max(timings, key=lambda t: t.cipher)
    ok_time = target is None or cipher <= target
    ok_ratio = ratio <= TARGET_RATIO
    target_text = f" [target {target * 1000:.0f} ms: {_verdict(ok_time)}]" if target else ""
    print(
        f"{label:<24}{_ms(cipher)} {_ms(plain)} {_ms(same)}   {ratio:5.2f} "
        f"[{_verdict(ok_ratio)}]  {cipher / same:5.2f}{target_text}"
    )
    if len(timings) > 1:
        print(f"{'':<24}slowest: {worst.label} {_ms(worst.cipher).strip()}")
    return ok_time and ok_ratio


def _record(res: Results, label: str, timings: Sequence[Timing], target: float | None) -> None:
    """The figures `_line` prints, for `--json`: SQLCipher against stdlib SQLite (the issue's
    ratio), and the same query on the SQLCipher library without a key, so the report can tell
    the cipher's share from the SQLite version's."""
    from results import Target  # a sibling script, as ingest.py imports ingest_floor

    cipher = statistics.median(t.cipher for t in timings)
    plain = statistics.median(t.plain for t in timings)
    same = statistics.median(t.same_engine for t in timings)
    targets = [Target("ratio", "<=", TARGET_RATIO, "issue 2 §6")]
    if target is not None:
        targets.insert(0, Target("value", "<=", target * 1000, "issue 2 §6"))
    worst = max(timings, key=lambda t: t.cipher)
    detail = f"median of {len(timings)} queries; slowest {worst.label}" if len(timings) > 1 else ""
    key = label.split(",")[0].replace(" ", "_").replace("(", "").replace(")", "")
    res.add(
        label,
        cipher * 1000,
        "ms",
        peer="plain SQLite (stdlib)",
        peer_value=plain * 1000,
        ratio=cipher / plain,
        ratio_label="SQLCipher / SQLite",
        targets=targets,
        key=key,
        detail=detail,
    )
    res.add(
        f"{label}: cipher only",
        cipher * 1000,
        "ms",
        peer="SQLCipher library, no key",
        peer_value=same * 1000,
        ratio=cipher / same,
        ratio_label="SQLCipher / same engine",
        key=f"{key}_cipher_only",
    )


def run(n: int, seed: int, runs: int, root: Path, json_path: Path | None = None) -> int:
    import sqlcipher3

    from fieldapp.store import records
    from fieldapp.store.keyfile import KdfParams
    from fieldapp.store.records import IncidentQuery
    from fieldapp.store.vault import Vault

    res: Results | None = None
    if json_path is not None:  # started here: its load average at start is the run's
        from results import Results

        res = Results("register", "Register")
    vault_path = root / "vault"
    plain_path = root / "plain.db"
    rng = random.Random(seed)

    insert_s: float | None = None
    if not (vault_path / "vault.key").exists():
        start = time.perf_counter()
        vault = Vault.create(
            vault_path,
            PASSPHRASE,
            cell_name="Benchmark cell",
            analyst="bench",
            kdf=KdfParams.DEFAULT,
        )
        print(f"vault created in {time.perf_counter() - start:.2f} s (Argon2id, defaults)")
        # 1. Inserts through the public API: validation, version, projection, FTS, audit leaf
        # and a signed checkpoint per save, each in its own transaction, as the editor does.
        start = time.perf_counter()
        step = max(1, n // 10)
        for i in range(n):
            vault.save_incident(make_incident(rng, i), "benchmark import")
            if (i + 1) % step == 0 or i + 1 == n:
                elapsed = time.perf_counter() - start
                print(f"  {i + 1:>7} saved, {(i + 1) / elapsed:7.0f} incidents/s", flush=True)
        insert_s = time.perf_counter() - start
    else:  # --reuse: measure the queries again on a vault built by an earlier --keep run
        vault = Vault.unlock(vault_path, PASSPHRASE)
        n = vault.count_incidents(IncidentQuery())

    dek_hex = vault._raw_key_hex()  # benchmark only (a test hook): to build the plaintext twin
    vault.lock()
    plain_path.unlink(missing_ok=True)
    export_plain_twin(vault_path, dek_hex, plain_path)
    cipher_mib = (vault_path / "vault.db").stat().st_size / 2**20
    plain_mib = plain_path.stat().st_size / 2**20

    # 2. First page of the register right after unlocking, which is what the analyst waits
    # for: the default query plus the count shown above it. The KDF is reported on its own.
    default = IncidentQuery()
    start = time.perf_counter()
    vault = Vault.unlock(vault_path, PASSPHRASE)
    unlock_s = time.perf_counter() - start
    start = time.perf_counter()
    first_rows = vault.query_incidents(default)
    total = vault.count_incidents(default)
    first_cipher = time.perf_counter() - start
    plain = open_plain(plain_path)
    start = time.perf_counter()
    plain_rows = records.query_incidents(plain, default)
    plain_total = records.count_incidents(plain, default)
    first_plain = time.perf_counter() - start
    same = open_plain(plain_path, sqlcipher3)
    start = time.perf_counter()
    records.query_incidents(same, default)
    records.count_incidents(same, default)
    first_same = time.perf_counter() - start
    if [r.id for r in first_rows] != [r.id for r in plain_rows] or total != plain_total:
        print("ERROR: the plaintext twin does not return the same first page", file=sys.stderr)
        return 2

    def page(q: IncidentQuery) -> list[Callable[[], Any]]:
        # What the register does for every change of filter: one page and the count.
        def on_vault() -> None:
            vault.query_incidents(q)
            vault.count_incidents(q)

        def on(conn: Any) -> Callable[[], Any]:
            def fn() -> None:
                records.query_incidents(conn, q)
                records.count_incidents(conn, q)

            return fn

        return [on_vault, on(plain), on(same)]

    warm = [Timing("first page, warm", *_medians(page(default), runs))]
    searches = [
        Timing(f"search {term!r}", *_medians(page(IncidentQuery(text=term)), runs))
        for term in search_terms(random.Random(seed + 1), n)
    ]
    filters: dict[str, list[Timing]] = {}
    for kind, label, fields in filter_queries():
        timing = Timing(f"{kind} {label}", *_medians(page(IncidentQuery(**fields)), runs))
        filters.setdefault(kind, []).append(timing)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    versions = (sqlite3.sqlite_version, same.execute("SELECT sqlite_version()").fetchone()[0])
    plain.close()
    same.close()
    vault.lock()

    # --- report ---
    print()
    print(f"=== register of {total} incidents; medians of {runs} runs; page = 200 rows + count ===")
    if insert_s is not None:
        print(f"insert            {n / insert_s:8.0f} incidents/s through Vault.save_incident")
    print(f"unlock            {unlock_s:8.2f} s (Argon2id m=256 MiB t=3 p=4, then open)")
    print(f"database size     {cipher_mib:8.1f} MiB SQLCipher, {plain_mib:.1f} MiB plaintext twin")
    print(f"peak RSS          {peak_mib:8.0f} MiB")
    print()
    print(
        f"{'':<24}{'SQLCipher':>10} {'SQLite':>10} {'same-eng.':>10}   {'ratio':>5}"
        f"{'':9}{'cipher only':>11}"
    )
    print(
        f"{'':<24}{'':>10} {versions[0]:>10} {versions[1]:>10}   SQLCipher/SQLite"
        f"  SQLCipher/same-engine"
    )
    first_ratio = first_cipher / first_plain
    first_ok = first_cipher <= TARGET_FIRST_PAGE_S and first_ratio <= TARGET_RATIO
    print(
        f"{'first page (cold)':<24}{_ms(first_cipher)} {_ms(first_plain)} {_ms(first_same)}   "
        f"{first_ratio:5.2f} [{_verdict(first_ratio <= TARGET_RATIO)}]"
        f"  {first_cipher / first_same:5.2f} [target {TARGET_FIRST_PAGE_S * 1000:.0f} ms: "
        f"{_verdict(first_cipher <= TARGET_FIRST_PAGE_S)}]"
    )
    all_ok = first_ok
    all_ok &= _line("first page (warm)", warm, TARGET_FIRST_PAGE_S)
    all_ok &= _line(f"search, {len(searches)} terms", searches, TARGET_SEARCH_S)
    for kind, timings in filters.items():
        all_ok &= _line(f"filter {kind}", timings, None)
    print()
    print(
        f"targets: first page <= {TARGET_FIRST_PAGE_S} s, search <= "
        f"{TARGET_SEARCH_S * 1000:.0f} ms, SQLCipher/SQLite <= {TARGET_RATIO}: "
        f"{'all met' if all_ok else 'NOT all met'}"
    )
    if res is not None and json_path is not None:
        from results import Target

        res.title = f"Register: {total} incidents, SQLCipher against plain SQLite"
        res.params.update({"n": n, "seed": seed, "runs": runs})
        if insert_s is not None:
            res.add("insert through Vault.save_incident", n / insert_s, "incidents/s")
        res.add("unlock (Argon2id m=256 MiB t=3 p=4, then open)", unlock_s, "s")
        res.add(
            "database size",
            cipher_mib,
            "MiB",
            peer="plaintext twin",
            peer_value=plain_mib,
            ratio=cipher_mib / plain_mib,
            ratio_label="SQLCipher / SQLite, size",
        )
        res.add("peak RSS", peak_mib, "MiB")
        res.add(
            "first page (cold)",
            first_cipher * 1000,
            "ms",
            peer="plain SQLite (stdlib)",
            peer_value=first_plain * 1000,
            ratio=first_ratio,
            ratio_label="SQLCipher / SQLite",
            targets=[
                Target("value", "<=", TARGET_FIRST_PAGE_S * 1000, "issue 2 §6"),
                Target("ratio", "<=", TARGET_RATIO, "issue 2 §6"),
            ],
            key="first_page_cold",
            detail="the default query and its count right after unlocking",
        )
        res.add(
            "first page (cold): cipher only",
            first_cipher * 1000,
            "ms",
            peer="SQLCipher library, no key",
            peer_value=first_same * 1000,
            ratio=first_cipher / first_same,
            ratio_label="SQLCipher / same engine",
            key="first_page_cold_cipher_only",
        )
        _record(res, "first page (warm)", warm, TARGET_FIRST_PAGE_S)
        _record(res, f"search, {len(searches)} terms", searches, TARGET_SEARCH_S)
        for kind, timings in filters.items():
            _record(res, f"filter {kind}", timings, None)
        res.facts.update(
            {"incidents": total, "sqlite_version": versions[0], "sqlcipher_sqlite": versions[1]}
        )
        res.write(json_path)
    return 0 if all_ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Register benchmark (issue 2, section 6).")
    parser.add_argument("--n", type=int, default=100_000, help="incidents to insert (100000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic data")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per query (7)")
    parser.add_argument(
        "--keep", type=Path, default=None, help="build the vault in this new folder and keep it"
    )
    parser.add_argument(
        "--reuse", type=Path, default=None, help="measure the queries again on a --keep folder"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the figures to this file (report.py)"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        parser.error("--n and --runs must be at least 1")
    if args.reuse is not None:
        if not (args.reuse / "vault" / "vault.key").exists():
            parser.error(f"{args.reuse} holds no vault made by --keep")
        return run(args.n, args.seed, args.runs, args.reuse, args.json)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=False)
        return run(args.n, args.seed, args.runs, args.keep, args.json)
    with tempfile.TemporaryDirectory(prefix="fieldapp-bench-") as tmp:
        return run(args.n, args.seed, args.runs, Path(tmp), args.json)


if __name__ == "__main__":
    sys.exit(main())
