"""Structured figures of one benchmark run, written as JSON for `benchmarks/report.py`.

Each benchmark keeps printing its own table for a person at the terminal; with `--json FILE`
it also records every figure here: its value and unit, the floor or peer it is compared with
(measured in the same run: the machine is shared and noisy, PERFORMANCE.md, so only such ratios
are results), the ratio, the target and whether it was met. The report then puts every
benchmark side by side in BENCHMARKS.md without parsing printed text.

A target is a comparison on either the figure's value or its ratio, so the report can say
"ratio <= 1.3" or "< 300 MB" the way the issue states it; a figure may have several (the first
page of the register must be both under 300 ms and within 1.3x of SQLite). Each target's `met`
is the benchmark's own verdict; the report shows it and does not recompute it.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

FORMAT = "fieldapp-bench/1"
Op = Literal["<=", "<", ">=", ">"]
OPS: tuple[Op, ...] = ("<=", "<", ">=", ">")


@dataclass
class Target:
    """What a figure must reach: `of` ("value" or "ratio") `op` `bound`, e.g. ratio <= 1.3."""

    of: Literal["value", "ratio"]
    op: Op
    bound: float
    source: str = ""  # where the target comes from, e.g. "issue 2 §6"
    met: bool | None = None  # filled in by `Results.add` unless the benchmark says

    def holds(self, value: float) -> bool:
        """Whether `value` (the figure's value or ratio, per `of`) meets this target."""
        if self.op == "<=":
            return value <= self.bound
        if self.op == "<":
            return value < self.bound
        if self.op == ">=":
            return value >= self.bound
        return value > self.bound


@dataclass
class Figure:
    """One measured figure, with what it is compared to in the same run."""

    name: str
    value: float
    unit: str
    peer: str = ""  # the floor or peer, e.g. "plain SQLite" or "floor (4 passes)"
    peer_value: float | None = None
    peer_unit: str = ""  # defaults to `unit` in the report when empty
    ratio: float | None = None
    ratio_label: str = ""  # how the ratio reads, e.g. "SQLCipher / SQLite"
    targets: list[Target] = field(default_factory=list)
    key: str = ""  # stable identifier for the report's gap notes, e.g. "import_vs_floor"
    detail: str = ""  # anything a reader needs to read the figure right


@dataclass
class Results:
    """The figures of one benchmark run, with its parameters and the load around it."""

    benchmark: str
    title: str
    params: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # named numbers the gap notes use
    notes: list[str] = field(default_factory=list)
    started: str = ""
    load_start: list[float] = field(default_factory=list)
    _t0: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        if not self.started:
            self.started = _now()
        if not self.load_start:
            self.load_start = _loadavg()
        self._t0 = time.perf_counter()

    def add(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        peer: str = "",
        peer_value: float | None = None,
        peer_unit: str = "",
        ratio: float | None = None,
        ratio_label: str = "",
        targets: Sequence[Target] = (),
        key: str = "",
        detail: str = "",
    ) -> Figure:
        """Record a figure; each target's `met`, unless set, is the target applied to the
        figure's value or ratio (the same comparison the benchmark prints)."""
        for target in targets:
            checked = ratio if target.of == "ratio" else value
            if target.met is None and checked is not None:
                target.met = target.holds(checked)
        figure = Figure(
            name=name,
            value=float(value),
            unit=unit,
            peer=peer,
            peer_value=None if peer_value is None else float(peer_value),
            peer_unit=peer_unit,
            ratio=None if ratio is None else float(ratio),
            ratio_label=ratio_label,
            targets=list(targets),
            key=key,
            detail=detail,
        )
        self.figures.append(figure)
        return figure

    def to_json(self) -> dict[str, Any]:
        """The JSON object `report.py` reads (see `load`)."""
        out = asdict(self)
        out.pop("_t0")
        out["format"] = FORMAT
        out["finished"] = _now()
        out["seconds"] = round(time.perf_counter() - self._t0, 3)
        out["load_end"] = _loadavg()
        out["argv"] = list(sys.argv)
        return out

    def write(self, path: Path) -> None:
        """Write the JSON to a temporary name, fsync, then rename: never a half file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        with tmp.open("w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, indent=2, sort_keys=True)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


class ResultsError(ValueError):
    """A results file that is not what a benchmark writes; `str()` names the file and field."""


def load(path: Path) -> dict[str, Any]:
    """Read and check one results file: the report must not render half-understood data."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: not a readable JSON results file ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ResultsError(f"{path}: not a benchmark results file (format {FORMAT!r} expected)")
    for key, kind in (("benchmark", str), ("title", str), ("figures", list)):
        if not isinstance(data.get(key), kind):
            raise ResultsError(f"{path}: field {key!r} is missing or not a {kind.__name__}")
    for i, fig in enumerate(data["figures"]):
        if not isinstance(fig, dict):
            raise ResultsError(f"{path}: figure {i} is not an object")
        if not isinstance(fig.get("name"), str) or not isinstance(fig.get("unit"), str):
            raise ResultsError(f"{path}: figure {i} has no name or unit")
        if not isinstance(fig.get("value"), int | float) or isinstance(fig.get("value"), bool):
            raise ResultsError(f"{path}: figure {fig['name']!r} has no numeric value")
        targets = fig.get("targets", [])
        if not isinstance(targets, list) or not all(
            isinstance(t, dict)
            and t.get("of") in ("value", "ratio")
            and t.get("op") in OPS
            and isinstance(t.get("bound"), int | float)
            and t.get("met") in (True, False, None)
            for t in targets
        ):
            raise ResultsError(f"{path}: figure {fig['name']!r} has a malformed target")
    return data


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # not available on this system
        return []
