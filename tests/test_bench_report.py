"""BENCHMARKS.md from canned results: tables, ratios, verdicts, gaps and the machine (no timing).

The report is how a missed target reaches a reader, so these check what it says about a met
target, a missed one and a benchmark that left no figures, from JSON files written the way the
benchmarks write them (`results.Results`), and that the machine description has its fields.
"""

from __future__ import annotations

import json
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

# The benchmarks are scripts in a folder that is no package; mypy knows them by their own
# names, so they are imported the same way (as tests/test_bench_ingest.py does).
sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))  # last: no shadowing
import report
import results
import sync_bundle
from results import Results, ResultsError, Target


def _ingest_results() -> Results:
    res = Results("ingest", "Photo ingest: 200 photos", params={"n": 200, "rounds": 3})
    res.load_start = [0.5, 0.4, 0.3]
    res.add(
        "whole ingest",
        2.6,
        "photos/s",
        peer="floor: steps + thumbnail, one core",
        peer_value=4.9,
        ratio=0.53,
        ratio_label="ingest / floor (photos/s)",
        targets=[Target("ratio", ">=", 0.8, "issue 3 §5")],
        key="ingest_vs_floor",
    )
    res.add(
        "store durably",
        61.6,
        "ms/photo",
        peer="floor: read + hash + encrypt + write",
        peer_value=47.8,
        ratio=1.29,
        ratio_label="store / step sum",
        targets=[Target("ratio", "<=", 1.5, "issue 3 §5")],
        key="store_vs_floor",
        detail="verified by a re-read",
    )
    res.add("peak RSS", 47.0, "MB")
    res.facts.update(
        {
            "ingest_ms_per_photo": 385.0,
            "floor_ms_per_photo": 203.0,
            "thumbnail_ms_per_photo": 155.0,
            "steps_ms_per_photo": 47.8,
            "second_core_speedup": 1.3,
        }
    )
    return res


def _machine(load: list[float]) -> dict[str, Any]:
    machine = report.describe_machine(Path("."))
    machine["load_start"] = load
    return machine


def test_report_renders_tables_ratios_verdicts_and_gaps(tmp_path: Path) -> None:
    out = tmp_path / "results"
    report.cmd_begin(out, quick=False)
    _ingest_results().write(out / "ingest.json")
    (out / "review.exit").write_text("1\n")
    (out / "review.log").write_text("building a vault\nTraceback: boom\n")
    target = tmp_path / "BENCHMARKS.md"

    status = report.cmd_write(out, target, ["ingest", "review"], ["review was cut short"])

    assert status == 1  # review left no figures
    text = target.read_text()
    assert "| figure | value | floor / peer (same run) | ratio | target | met? |" in text
    assert (
        "| whole ingest | 2.60 photos/s | floor: steps + thumbnail, one core: 4.90 photos/s | "
        "0.53 (ingest / floor (photos/s)) | ratio ≥ 0.8 | **NO** (ratio ≥ 0.8) |"
    ) in text
    assert (
        "| store durably | 61.6 ms/photo | floor: read + hash + encrypt + write: 47.8 ms/photo | "
        "1.29 (store / step sum) | ratio ≤ 1.5 | yes |"
    ) in text
    assert "| peak RSS | 47.0 MB | – | – | – | – |" in text
    assert "- store durably: verified by a re-read" in text
    assert "| ingest | 1 | 1 |" in text  # one target met, one missed
    assert "Notes on this run:\n\n- review was cut short" in text
    assert "| review | – | no results (exit status 1) |" in text
    assert "exited with status 1" in text and "Traceback: boom" in text

    gaps = text.split("## Gaps", 1)[1]
    assert "### ingest: whole ingest" in gaps
    assert "Target ratio ≥ 0.8; measured 2.60 photos/s, ratio 0.53" in gaps
    assert "385 ms per photo against the floor's 203 ms" in gaps  # the run's own figures
    assert "second core was largely held" in gaps  # speed-up 1.3 < 1.5
    assert "store durably" not in gaps  # met: no gap
    assert "### review: not measured" in gaps
    assert "## Machine" in text and "CPU flags that matter" in text


def test_sync_import_gap_puts_the_known_costs_with_the_runs_figures() -> None:
    res = Results("sync_bundle", "Sync bundle")
    floor = {"chacha_open": 560.0, "sha256": 450.0, "chacha_seal": 460.0, "write_fsync": 300.0}
    floor["floor"] = 105.0
    exported = {"size": 1100 * 2**20, "seconds": 40.0, "peak_rss_mb": 120.0, "check_s": 6.5}
    imported = {"seconds": 60.0, "status": "imported", "peak_rss_mb": 150.0}
    imported["worker_peak_rss_mb"] = 310.0
    sync_bundle._record(res, floor, 120.0, 1000 * 2**20, 27.5, exported, 18.3, imported)
    res.facts["versions"] = 100_000
    data = res.to_json()

    rss = next(f for f in data["figures"] if f["key"] == "import_rss")
    assert rss["value"] == 310.0 and rss["targets"][0]["met"] is False  # the worker counts
    export_tar = next(f for f in data["figures"] if f["key"] == "export_vs_tar")
    assert export_tar["ratio"] == pytest.approx(27.5 / 120.0)
    assert export_tar["targets"][0]["met"] is False
    text = report.render({"sync_bundle": data}, _machine([0.2, 0.2, 0.2]), load_end=[0.3] * 3)

    gaps = text.split("## Gaps", 1)[1]
    # 1100 MB at 105 MB/s is 10.5 s of the 60 s; the other 49.5 s over 100k versions.
    assert "the import took 60.0 s for a 1,100 MB bundle with 100,000 record versions" in gaps
    assert "the bytes alone would take 10.5 s; the other 49.5 s are at most 0.495 ms" in gaps
    assert "0.2–0.4 ms of Python per version" in gaps and "not timed separately" in gaps
    assert "streaming the quarantine child's output straight into the evidence store" in gaps
    assert "### sync_bundle: peak RSS of the import" in gaps
    assert "Its integrity check alone" in gaps and "took 6.50 s timed on its own" in gaps
    # 1100 MB at the floor's 105 MB/s (10.5 s) plus the 6.5 s check, against the export's 40 s.
    assert "(10.5 s) plus the check alone makes 17.0 s, against the export's 40.0 s" in gaps
    # The second export figure misses for the same reasons: said once, then pointed to.
    assert gaps.count("Its integrity check alone") == 1
    assert gaps.count("same as for «export (fieldsync.export_bundle) vs tar + pyrage» above") == 1
    assert "The machine was busy" not in text


def test_every_target_met_says_so_and_a_busy_quick_run_is_visible(tmp_path: Path) -> None:
    res = Results("review", "Review: 100k incidents")
    res.add("monthly", 3.0, "s", targets=[Target("value", "<=", 5.0)])
    machine = _machine([7.5, 6.0, 5.0])
    machine["quick"] = True
    machine["cpu"]["cores"] = 2

    text = report.render({"review": res.to_json()}, machine, load_end=[1.0, 1.0, 1.0])

    assert "| monthly | 3.00 s | – | – | ≤ 5 s | yes |" in text
    assert "None: every target of every benchmark was met in this run." in text
    assert "**QUICK RUN**" in text
    assert "**The machine was busy**" in text
    assert "| Load average (1 / 5 / 15 min) at start | 7.50 / 6.00 / 5.00 |" in text


def test_machine_description_has_its_fields(tmp_path: Path) -> None:
    machine = report.describe_machine(tmp_path)

    cpu = machine["cpu"]
    assert cpu["model"] and cpu["cores"] >= 1 and 1 <= cpu["usable_cores"] <= cpu["cores"]
    versions = machine["versions"]
    assert versions["python"] == platform.python_version()
    for name in ("sqlcipher", "openssl", "cryptography", "pyside6", "pillow"):
        assert versions[name] and versions[name] != "not installed", name
    assert versions["openssl"].startswith("OpenSSL")
    assert machine["kernel"] == f"{platform.system()} {platform.release()}"
    folder = machine["folders"][0]  # the temp folder, where the benchmarks write
    assert folder["path"] == str(Path(tempfile.gettempdir()).resolve())
    if len(machine["folders"]) > 1:  # the given folder too, when on another mount
        assert machine["folders"][1]["path"] == str(tmp_path.resolve())
    assert len(machine["load_start"]) == 3
    if Path("/proc/cpuinfo").exists():  # Linux: what the crypto floors depend on
        assert set(cpu["flags"]) == set(report.CPU_FLAGS)
        assert all(isinstance(v, bool) for v in cpu["flags"].values())
        assert machine["ram_gib"] > 0
        assert folder["fs"] and folder["mount"] and folder["free_gib"] > 0


def test_run_keeps_output_and_exit_status_and_passes_json(tmp_path: Path) -> None:
    script = (
        "import sys, pathlib; print('figures follow'); "
        "pathlib.Path(sys.argv[sys.argv.index('--json') + 1]).write_text('{}'); sys.exit(3)"
    )
    assert report.cmd_run(tmp_path, "fake", [sys.executable, "-c", script]) == 0

    assert (tmp_path / "fake.exit").read_text() == "3\n"
    assert "figures follow" in (tmp_path / "fake.log").read_text()
    assert (tmp_path / "fake.json").read_text() == "{}"  # written where --json said
    with pytest.raises(ResultsError, match=r"fake\.json: not a benchmark results file"):
        report.collect(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "other/1"}, "not a benchmark results file"),
        ({"figures": [{"name": "x", "unit": "s", "value": "fast"}]}, "no numeric value"),
        (
            {"figures": [{"name": "x", "unit": "s", "value": 1, "targets": [{"of": "speed"}]}]},
            "malformed target",
        ),
        ({"title": None}, "field 'title'"),
    ],
)
def test_load_refuses_what_a_benchmark_does_not_write(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = Results("x", "X").to_json()
    data.update(change)
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data))

    with pytest.raises(ResultsError, match=message):
        results.load(path)


def test_written_results_load_back_with_their_verdicts(tmp_path: Path) -> None:
    res = Results("register", "Register", params={"n": 10})
    res.add("search", 60.0, "ms", targets=[Target("value", "<=", 50.0), Target("ratio", "<=", 1.3)])
    res.add("filter", 1.0, "ms", ratio=1.2, targets=[Target("ratio", "<=", 1.3)])
    res.write(tmp_path / "register.json")

    data = results.load(tmp_path / "register.json")

    search, filt = data["figures"]
    assert [t["met"] for t in search["targets"]] == [False, None]  # no ratio: not judged
    assert filt["targets"][0]["met"] is True
    assert report.verdict(search) == "**NO** (≤ 50 ms)"
    assert report.verdict(filt) == "yes"
    assert data["load_end"] and data["finished"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_register_gaps_split_the_cipher_from_the_sqlite_version_and_the_query() -> None:
    res = Results("register", "Register: 100000 incidents")
    res.facts.update({"sqlite_version": "3.40.1", "sqlcipher_sqlite": "3.53.4"})
    res.add(
        "search, 42 terms",
        60.0,
        "ms",
        peer="plain SQLite (stdlib)",
        peer_value=55.0,
        ratio=60.0 / 55.0,
        targets=[Target("value", "<=", 50.0), Target("ratio", "<=", 1.3)],
        key="search",
    )
    res.add("filter kind", 30.0, "ms", peer="plain SQLite", peer_value=20.0, ratio=1.5,
            targets=[Target("ratio", "<=", 1.3)], key="filter_kind")  # fmt: skip
    res.add("filter kind: cipher only", 30.0, "ms", peer="SQLCipher library, no key",
            peer_value=28.0, ratio=30.0 / 28.0, key="filter_kind_cipher_only")  # fmt: skip

    res.add("first page (cold)", 5.3, "ms", peer="plain SQLite", peer_value=2.65, ratio=2.0,
            targets=[Target("value", "<=", 300.0), Target("ratio", "<=", 1.3)],
            key="first_page_cold")  # fmt: skip

    text = report.render({"register": res.to_json()}, _machine([0.1, 0.1, 0.1]))

    gaps = text.split("## Gaps", 1)[1]
    assert "Target ≤ 50 ms; measured 60.0 ms, ratio 1.09 against plain SQLite (stdlib) 55.0" in gaps
    assert "missed on plain SQLite as well: it takes 55.0 ms" in gaps
    assert "takes 28.0 ms, so the cipher's own share is 1.07x" in gaps
    assert "the encryption itself is within the 1.3x target here" in gaps
    assert "| search, 42 terms | 60.0 ms |" in text and "**NO** (≤ 50 ms) |" in text
    cold = gaps.split("### register: first page (cold)", 1)[1]
    assert "one sample per engine" in cold
    assert "2.65 ms more than plain SQLite, against a time target of 300 ms that it meets" in cold
