"""Deconfliction with external datasets (issue 5 §4): import other organisations' published
incident lists, propose which of them describe one of our incidents, remember the analyst's
decisions.

Why here and not in the incident: HQ must never edit a field incident (a version written at HQ
would fork the field's history, `ForeignRecord`), so an accepted match is HQ's own row in
`external_links`, shown beside the incident's own `external_refs`. A rejected pair is kept in
`match_rejections` so the same wrong proposal never comes back. Both decisions are logged.

External files are untrusted: every limit (size, rows, cell length) is checked while the file is
streamed, and one bad row refuses the whole import (one transaction), so a source is never half
refreshed. Re-importing a source updates its rows by external id.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import json
import math
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fieldapp import errors
from fieldapp.domain import canonical
from fieldapp.domain.geo import from_e6, normalise_decimal, to_e6
from fieldapp.domain.model import Incident, from_dict
from fieldapp.domain.validation import parse_timestamp
from fieldapp.reflists import bundled_reflists
from fieldapp.resources import resource
from fieldapp.store.vault import Vault

# --- limits -------------------------------------------------------------------------------------
MAX_FILE_BYTES = 64 * 1024 * 1024  # generous: 100k rows of 600 bytes are 60 MB
MAX_ROWS = 200_000
MAX_CELL = 4_000  # characters; a narrative summary fits, a pasted document does not
MAX_COLUMNS = 200
MAX_MAPPING_BYTES = 64 * 1024
MAX_ID = 200
MAX_KILLED = 1_000_000
MAX_WINDOW_DAYS = 366
MAX_RADIUS_KM = 1_000.0

FIELDS = (
    "external_id",
    "date",
    "place",
    "lat",
    "lon",
    "belligerent",
    "killed_min",
    "killed_max",
    "munition",
    "url",
)
"""What a mapping can fill, in the order a mapping editor shows them."""
REQUIRED_FIELDS = ("external_id", "date")
DATE_FORMATS = (
    "ISO",
    "DD/MM/YYYY",
    "MM/DD/YYYY",
    "DD.MM.YYYY",
    "DD-MM-YYYY",
    "YYYY/MM/DD",
    "D Month YYYY",
    "Month D, YYYY",
)
PRESETS = ("airwars",)
MAPPING_FORMAT = "fieldapp-external-mapping"

_SOURCE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}")
_MONTHS = {
    name: number
    for number, full in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        1,
    )
    for name in (full, full[:3])
}
_WORDED_DATE = {
    "D Month YYYY": (re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})"), ("d", "m", "y")),
    "Month D, YYYY": (re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})"), ("m", "d", "y")),
}
_NUMERIC_DATE = {
    "DD/MM/YYYY": (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("d", "m", "y")),
    "MM/DD/YYYY": (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("m", "d", "y")),
    "DD.MM.YYYY": (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), ("d", "m", "y")),
    "DD-MM-YYYY": (re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})"), ("d", "m", "y")),
    "YYYY/MM/DD": (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), ("y", "m", "d")),
}
EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.0  # a little under the true 111.2, so grid cells are never too small


# --- errors -------------------------------------------------------------------------------------
class DeconflictError(errors.FieldappError):
    """Deconfliction refused: the message says which input and why; nothing was stored."""


class MappingError(DeconflictError):
    """A column mapping (preset, file or edited) cannot be used as written."""


class ExternalFileError(DeconflictError):
    """An external dataset file cannot be imported; the message names the line or column."""


class UnknownSource(DeconflictError):
    """No external source or record with that name or id is in this vault."""


class AlreadyDecided(DeconflictError):
    """The pair was already accepted (or rejected) with the same decision."""


# --- mappings -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mapping:
    """Which CSV column holds which field, and how the dates are written.

    Kept per source, because a partner's export keeps its layout from one month to the next:
    the analyst maps it once and re-imports with the saved mapping.
    """

    columns: dict[str, str]
    date_format: str = "ISO"
    preset: str = ""
    description: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": MAPPING_FORMAT,
            "version": 1,
            "date_format": self.date_format,
            "columns": dict(self.columns),
        }
        if self.preset:
            data["preset"] = self.preset
        if self.description:
            data["description"] = self.description
        return data

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        """A checked mapping: every required field mapped, known fields only, one column each."""
        if not isinstance(data, dict):
            raise MappingError("a column mapping must be a JSON object")
        unknown = sorted(
            set(data) - {"format", "version", "preset", "description", "date_format", "columns"}
        )
        if unknown:
            raise MappingError(f"the column mapping has an unknown key {unknown[0]!r}")
        if data.get("format", MAPPING_FORMAT) != MAPPING_FORMAT:
            raise MappingError(f"the column mapping's format must be {MAPPING_FORMAT!r}")
        if data.get("version", 1) != 1:
            raise MappingError("the column mapping is of a version this app does not know")
        date_format = data.get("date_format", "ISO")
        if date_format not in DATE_FORMATS:
            raise MappingError(
                f"date_format must be one of {', '.join(DATE_FORMATS)} (got {date_format!r})"
            )
        columns = data.get("columns")
        if not isinstance(columns, dict):
            raise MappingError("the column mapping needs a 'columns' object (field: column name)")
        clean: dict[str, str] = {}
        for name, column in columns.items():
            if name not in FIELDS:
                raise MappingError(
                    f"the column mapping names an unknown field {name!r}; "
                    f"fields are {', '.join(FIELDS)}"
                )
            if not isinstance(column, str) or len(column) > MAX_CELL:
                raise MappingError(f"the column for {name!r} must be a column name (text)")
            if column.strip():
                clean[name] = column.strip()
        for name in REQUIRED_FIELDS:
            if name not in clean:
                raise MappingError(f"the column mapping must name the column for {name!r}")
        if ("lat" in clean) != ("lon" in clean):
            raise MappingError("map both 'lat' and 'lon', or neither")
        taken: dict[str, str] = {}
        for name, column in clean.items():
            if column in taken:
                raise MappingError(
                    f"the column {column!r} is mapped twice ({taken[column]!r} and {name!r})"
                )
            taken[column] = name
        preset = data.get("preset", "")
        description = data.get("description", "")
        if not isinstance(preset, str) or not isinstance(description, str):
            raise MappingError("'preset' and 'description' must be text")
        return cls(clean, date_format, preset, description)


def parse_mapping(text: str) -> Mapping:
    """A mapping from JSON text (a mapping file, or the GUI's editor)."""
    if len(text.encode("utf-8")) > MAX_MAPPING_BYTES:
        raise MappingError("the column mapping is far too large to be one")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise MappingError(f"the column mapping is not valid JSON: {exc}") from None
    return Mapping.from_json(data)


def load_preset(name: str) -> Mapping:
    """A bundled mapping (`resources/deconfliction/<name>.json`)."""
    if name not in PRESETS:
        raise MappingError(f"there is no preset {name!r}; presets: {', '.join(PRESETS)}")
    return parse_mapping(resource("deconfliction", f"{name}.json").read_text("utf-8"))


def load_mapping_file(path: Path) -> Mapping:
    """A mapping saved as a JSON file (`--mapping FILE`)."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_MAPPING_BYTES + 1)
    except OSError as exc:
        raise MappingError(f"cannot read the mapping file {path}: {exc.strerror or exc}") from None
    try:
        return parse_mapping(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise MappingError(f"the mapping file {path} is not UTF-8 text") from None


# --- reading a CSV file -------------------------------------------------------------------------
@dataclass(frozen=True)
class ExternalRecord:
    """One row of an external dataset, as matching needs it (coordinates as decimal text)."""

    external_id: str
    at: str
    day: int
    lat: str
    lon: str
    place: str
    belligerent: str
    munition: str
    killed_min: int | None
    killed_max: int | None
    url: str
    raw: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def digest(self) -> str:
        """What decides "unchanged" on a re-import: every stored field, raw row included."""
        data = {
            "at": self.at,
            "lat": self.lat,
            "lon": self.lon,
            "place": self.place,
            "belligerent": self.belligerent,
            "munition": self.munition,
            "killed_min": self.killed_min,
            "killed_max": self.killed_max,
            "url": self.url,
            "raw": self.raw,
        }
        return hashlib.sha256(canonical.dumps(data)).hexdigest()


class _CountingReader(io.RawIOBase):
    """Hashes and counts the bytes as the CSV reader pulls them, and stops a file that grows
    past the limit while it is read (the size was checked before opening)."""

    def __init__(self, raw: Any, limit: int, progress: Callable[[int], None] | None) -> None:
        super().__init__()
        self._raw = raw
        self._limit = limit
        self._progress = progress
        self.count = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = int(self._raw.readinto(buffer))
        if n:
            self.count += n
            if self.count > self._limit:
                raise ExternalFileError(
                    f"the file is larger than {self._limit // (1024 * 1024)} MiB; nothing was "
                    "imported"
                )
            self.sha256.update(memoryview(buffer)[:n])
            if self._progress is not None:
                self._progress(self.count)
        return n


def _parse_date(text: str, date_format: str) -> tuple[str, int]:
    """(stored form, day ordinal) of a date cell: ISO date or date-time, or a declared layout."""
    if date_format == "ISO":
        try:
            moment = parse_timestamp(text)
        except ValueError as exc:
            raise ValueError(f"the date is not ISO 8601: {exc}") from None
        stored = (
            text if len(text) == 10 else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        )  # a bare date stays a date: a time of midnight would be invented
    else:
        pattern, order = _NUMERIC_DATE.get(date_format) or _WORDED_DATE[date_format]
        match = pattern.fullmatch(text)
        if not match:
            raise ValueError(f"the date {text!r} is not written {date_format}")
        parts: dict[str, int] = {}
        for key, group in zip(order, match.groups(), strict=True):
            if group.isdigit():
                parts[key] = int(group)
            elif group.casefold() in _MONTHS:
                parts[key] = _MONTHS[group.casefold()]
            else:
                raise ValueError(f"the date {text!r} names no month (English month names)")
        try:
            moment = datetime(parts["y"], parts["m"], parts["d"], tzinfo=UTC)
        except ValueError:
            raise ValueError(f"the date {text!r} is not a real date ({date_format})") from None
        stored = moment.strftime("%Y-%m-%d")
    if not 1900 <= moment.year <= 2100:
        raise ValueError(f"the date {text!r} is outside 1900-2100")
    return stored, moment.date().toordinal()


def _count(text: str, column: str) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"\d{1,7}", text):
        raise ValueError(f"{column!r} must be a whole number of people (got {text!r})")
    value = int(text)
    if value > MAX_KILLED:
        raise ValueError(f"{column!r} is not a believable count (got {text})")
    return value


def _record(values: dict[str, str], mapping: Mapping) -> ExternalRecord:
    """One parsed row; ValueError names the column and the value that is wrong."""
    cols = mapping.columns

    def cell(name: str) -> str:
        return values.get(cols[name], "").strip() if name in cols else ""

    external_id = cell("external_id")
    if not external_id:
        raise ValueError(f"the id column {cols['external_id']!r} is empty")
    if len(external_id) > MAX_ID:
        raise ValueError(f"the id in {cols['external_id']!r} is longer than {MAX_ID} characters")
    date_text = cell("date")
    if not date_text:
        raise ValueError(f"the date column {cols['date']!r} is empty")
    at, day = _parse_date(date_text, mapping.date_format)
    lat_text, lon_text = cell("lat"), cell("lon")
    if bool(lat_text) != bool(lon_text):
        raise ValueError("give both latitude and longitude, or neither")
    lat = lon = ""
    if lat_text:
        lat = normalise_decimal(lat_text, "lat")
        lon = normalise_decimal(lon_text, "lon")
    killed_min = _count(cell("killed_min"), cols.get("killed_min", ""))
    killed_max = _count(cell("killed_max"), cols.get("killed_max", ""))
    if killed_min is not None and killed_max is not None and killed_min > killed_max:
        raise ValueError(
            f"civilians killed: the minimum {killed_min} exceeds the maximum {killed_max}"
        )
    url = cell("url")
    if url and not re.match(r"https?://", url, re.IGNORECASE):
        raise ValueError(f"the URL must start with http:// or https:// (got {url[:80]!r})")
    return ExternalRecord(
        external_id=external_id,
        at=at,
        day=day,
        lat=lat,
        lon=lon,
        place=cell("place"),
        belligerent=cell("belligerent"),
        munition=cell("munition"),
        killed_min=killed_min,
        killed_max=killed_max,
        url=url,
        raw=dict(values),
    )


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


def _header(reader: Any, mapping: Mapping) -> list[str]:
    try:
        header = next(reader)
    except StopIteration:
        raise ExternalFileError("the file is empty; nothing was imported") from None
    header = [h.strip() for h in header]
    if len(header) > MAX_COLUMNS:
        raise ExternalFileError(f"the header has more than {MAX_COLUMNS} columns")
    for h in header:
        if len(h) > MAX_CELL:
            raise ExternalFileError(f"line 1: a column name is longer than {MAX_CELL} characters")
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise ExternalFileError(f"the header names the column {h!r} twice")
        seen.add(h)
    missing = [c for f, c in mapping.columns.items() if c not in seen]
    if missing:
        raise ExternalFileError(
            f"the header has no column {missing[0]!r} (the mapping needs it for "
            f"{_field_of(mapping, missing[0])!r}); columns found: {', '.join(header)[:300]}"
        )
    return header


def _field_of(mapping: Mapping, column: str) -> str:
    return next(f for f, c in mapping.columns.items() if c == column)


def _rows(text: Any, mapping: Mapping) -> Iterator[_Row]:
    """Header check, then each non-blank row as column -> cell, with its first line number."""
    reader = csv.reader(text, strict=True)
    line = 1
    try:
        header = _header(reader, mapping)
        line = reader.line_num + 1
        count = 0
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not cells or all(not c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                raise ExternalFileError(
                    f"the file has more than {MAX_ROWS} rows; nothing was imported"
                )
            if len(cells) != len(header):
                raise ExternalFileError(
                    f"line {start}: {len(cells)} cells, but the header has {len(header)} "
                    "columns; nothing was imported"
                )
            for column, value in zip(header, cells, strict=True):
                if len(value) > MAX_CELL:
                    raise ExternalFileError(
                        f"line {start}: the cell in column {column!r} is longer than "
                        f"{MAX_CELL} characters; nothing was imported"
                    )
            yield _Row(start, dict(zip(header, cells, strict=True)))
    except csv.Error as exc:
        where = reader.line_num or line
        if "field larger than field limit" in str(exc):
            raise ExternalFileError(
                f"line {where}: a cell is longer than {MAX_CELL} characters; nothing was imported"
            ) from None
        raise ExternalFileError(
            f"line {where}: not readable as CSV ({exc}); nothing was imported"
        ) from None


def _lines(binary: Any) -> Iterator[str]:
    """Decoded lines (UTF-8, a leading BOM dropped), so an invalid byte is reported with the
    exact line it is on instead of somewhere in a decoded chunk."""
    for number, raw in enumerate(binary, 1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ExternalFileError(
                f"line {number}: not UTF-8 text (invalid byte at position {exc.start + 1} of "
                "the line); save the file as UTF-8 and import again. Nothing was imported."
            ) from None


def _text(fh: Any, progress: Callable[[int], None] | None = None) -> tuple[Iterator[str], Any]:
    counting = _CountingReader(fh, MAX_FILE_BYTES, progress)
    return _lines(io.BufferedReader(counting)), counting


def _open_csv(path: Path) -> tuple[Any, int]:
    """The opened file and its size; refuses what is not a regular file or is too large.

    Checked before opening as well as after: opening a FIFO for reading would block.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ExternalFileError(f"{path} is not a regular file; nothing was imported")
        fh = path.open("rb")
    except OSError as exc:
        raise ExternalFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    info = os.fstat(fh.fileno())
    if not stat.S_ISREG(info.st_mode):
        fh.close()
        raise ExternalFileError(f"{path} is not a regular file; nothing was imported")
    if info.st_size > MAX_FILE_BYTES:
        fh.close()
        raise ExternalFileError(
            f"{path.name} is larger than the limit of {MAX_FILE_BYTES // (1024 * 1024)} MiB "
            f"({info.st_size} bytes); nothing was imported"
        )
    return fh, info.st_size


@dataclass(frozen=True)
class PreviewRow:
    line: int
    values: dict[str, str]
    record: ExternalRecord | None
    error: str


@dataclass(frozen=True)
class Preview:
    """The first rows of a file as a mapping reads them, for the mapping editor."""

    header: tuple[str, ...]
    rows: tuple[PreviewRow, ...]
    error: str  # a file-level problem (missing column, encoding), else ""


def preview(path: Path, mapping: Mapping, limit: int = 5) -> Preview:
    """Read the header and the first `limit` rows without storing anything, so the analyst sees
    what a mapping makes of a file (and what it refuses) before importing it."""
    fh, _ = _open_csv(path)
    header: tuple[str, ...] = ()
    rows: list[PreviewRow] = []
    try:
        text, _ = _text(fh)
        for row in _rows(text, mapping):
            header = tuple(row.values)
            try:
                rows.append(PreviewRow(row.line, row.values, _record(row.values, mapping), ""))
            except ValueError as exc:
                rows.append(PreviewRow(row.line, row.values, None, str(exc)))
            if len(rows) >= limit:
                break
    except DeconflictError as exc:
        return Preview(header, tuple(rows), str(exc))
    finally:
        fh.close()
    return Preview(header, tuple(rows), "")


def read_header(path: Path) -> tuple[str, ...]:
    """The column names of a CSV file (for building a mapping), read with the same limits."""
    fh, _ = _open_csv(path)
    try:
        text, _ = _text(fh)
        try:
            first = next(csv.reader(text, strict=True))
        except StopIteration:
            raise ExternalFileError("the file is empty") from None
        except csv.Error as exc:
            raise ExternalFileError(f"the header is not readable as UTF-8 CSV ({exc})") from None
        return tuple(h.strip() for h in first[:MAX_COLUMNS])
    finally:
        fh.close()


# --- import ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportResult:
    source: str
    rows: int
    added: int
    updated: int
    unchanged: int
    absent: int  # stored before, not in this file: kept (links may name them)
    file_sha256: str

    def summary(self) -> str:
        text = (
            f"{self.source}: {self.rows} row(s) read; {self.added} added, {self.updated} "
            f"updated, {self.unchanged} unchanged"
        )
        if self.absent:
            text += f"; {self.absent} stored earlier and not in this file (kept)"
        return text


def check_source_name(name: str) -> str:
    """Source names appear in links, logs and command lines: short, plain, no path characters."""
    name = name.strip()
    if not _SOURCE_RE.fullmatch(name):
        raise DeconflictError(
            "a source name is 1-64 letters, digits, spaces, '.', '_' or '-', starting with a "
            f"letter or digit (got {name[:80]!r})"
        )
    return name


_UPSERT = (
    "INSERT INTO external_records (source, external_id, at, day, lat_e6, lon_e6, place, "
    "belligerent, munition, killed_min, killed_max, url, raw, digest, imported_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source, external_id) DO UPDATE SET at = excluded.at, day = excluded.day, "
    "lat_e6 = excluded.lat_e6, lon_e6 = excluded.lon_e6, place = excluded.place, "
    "belligerent = excluded.belligerent, munition = excluded.munition, "
    "killed_min = excluded.killed_min, killed_max = excluded.killed_max, url = excluded.url, "
    "raw = excluded.raw, digest = excluded.digest, updated_at = excluded.updated_at"
)


def import_external(
    vault: Vault,
    source_name: str,
    csv_path: Path,
    mapping: Mapping | None = None,
    preset: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import (or refresh) an external dataset: all rows or none, in one transaction.

    Without a mapping or preset, the mapping saved for the source at its last import is used, so
    a monthly refresh is one command. Rows are matched by external id: a changed row is updated,
    an unchanged one left alone, and a row missing from the new file is kept, because an analyst
    may have linked an incident to it.
    """
    name = check_source_name(source_name)
    if mapping is not None and preset:
        raise MappingError("give a mapping or a preset, not both")
    if preset:
        mapping = load_preset(preset)
    path = Path(csv_path)
    fh, size = _open_csv(path)
    try:
        with vault.writing() as conn:
            saved = conn.execute(
                "SELECT mapping FROM external_sources WHERE name = ?", (name,)
            ).fetchone()
            if mapping is None:
                if saved is None:
                    raise MappingError(
                        f"the source {name!r} is new: choose a preset or give a column mapping"
                    )
                mapping = Mapping.from_json(json.loads(saved[0]))
            at = vault.now()
            mapping_text = json.dumps(mapping.to_json(), ensure_ascii=False, sort_keys=True)
            conn.execute(
                "INSERT INTO external_sources (name, preset, mapping, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET preset = "
                "excluded.preset, mapping = excluded.mapping, updated_at = excluded.updated_at",
                (name, mapping.preset, mapping_text, at, at),
            )
            existing: dict[str, str] = dict(
                conn.execute(
                    "SELECT external_id, digest FROM external_records WHERE source = ?", (name,)
                ).fetchall()
            )
            text, counting = _text(fh, (lambda n: progress(n, size)) if progress else None)
            seen: dict[str, int] = {}
            added = updated = unchanged = 0
            batch: list[tuple[Any, ...]] = []
            for row in _rows(text, mapping):
                try:
                    rec = _record(row.values, mapping)
                except ValueError as exc:
                    raise ExternalFileError(
                        f"line {row.line}: {exc}; nothing was imported"
                    ) from None
                if rec.external_id in seen:
                    raise ExternalFileError(
                        f"line {row.line}: the id {rec.external_id!r} is already on line "
                        f"{seen[rec.external_id]}; nothing was imported"
                    )
                seen[rec.external_id] = row.line
                digest = rec.digest()
                old = existing.get(rec.external_id)
                if old == digest:
                    unchanged += 1
                    continue
                if old is None:
                    added += 1
                else:
                    updated += 1
                batch.append(
                    (
                        name,
                        rec.external_id,
                        rec.at,
                        rec.day,
                        to_e6(rec.lat) if rec.lat else None,
                        to_e6(rec.lon) if rec.lon else None,
                        rec.place,
                        rec.belligerent,
                        rec.munition,
                        rec.killed_min,
                        rec.killed_max,
                        rec.url,
                        json.dumps(rec.raw, ensure_ascii=False, sort_keys=True),
                        digest,
                        at,
                        at,
                    )
                )
                if len(batch) >= 1000:
                    conn.executemany(_UPSERT, batch)
                    batch.clear()
            if not seen:
                raise ExternalFileError(f"{path.name} holds no data rows; nothing was imported")
            conn.executemany(_UPSERT, batch)
            result = ImportResult(
                source=name,
                rows=len(seen),
                added=added,
                updated=updated,
                unchanged=unchanged,
                absent=len(set(existing) - set(seen)),
                file_sha256=counting.sha256.hexdigest(),
            )
            vault.log_event(
                {
                    "type": "external_import",
                    "source": name,
                    "file_name": path.name[:200],
                    "file_sha256": result.file_sha256,
                    "rows": result.rows,
                    "added": added,
                    "updated": updated,
                    "mapping_sha256": hashlib.sha256(mapping_text.encode("utf-8")).hexdigest(),
                },
                at,
            )
    finally:
        fh.close()
    return result


@dataclass(frozen=True)
class SourceInfo:
    name: str
    preset: str
    mapping: Mapping
    records: int
    created_at: str
    updated_at: str


def list_sources(vault: Vault) -> list[SourceInfo]:
    """Every imported source with its saved mapping: what a re-import would use."""
    with vault.reading() as conn:
        rows = conn.execute(
            "SELECT s.name, s.preset, s.mapping, s.created_at, s.updated_at, "
            "(SELECT count(*) FROM external_records r WHERE r.source = s.name) "
            "FROM external_sources s ORDER BY s.name"
        ).fetchall()
    return [
        SourceInfo(r[0], r[1], Mapping.from_json(json.loads(r[2])), int(r[5]), r[3], r[4])
        for r in rows
    ]


# --- matching -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """One external record proposed for an incident: a score out of 100 and the reasons."""

    incident_id: str
    ref_code: str
    source: str
    external_id: str
    score: int
    reasons: tuple[str, ...]
    days_apart: int
    distance_km: float | None
    at: str
    place: str
    belligerent: str
    munition: str
    killed_min: int | None
    killed_max: int | None
    url: str


@dataclass(frozen=True)
class _Facts:
    """What matching compares on an incident (register columns + engagement from the body)."""

    incident_id: str
    ref_code: str
    day: int
    lat_e6: int | None
    lon_e6: int | None
    killed_min: int | None
    killed_max: int | None
    party_words: frozenset[str]
    party_label: str
    munition_words: frozenset[str]
    munition_label: str


@dataclass(frozen=True)
class _External:
    source: str
    external_id: str
    at: str
    day: int
    lat_e6: int | None
    lon_e6: int | None
    place: str
    belligerent: str
    munition: str
    killed_min: int | None
    killed_max: int | None
    url: str


_GENERIC_WORDS = frozenset(
    [
        "the",
        "and",
        "of",
        "a",
        "an",
        "in",
        "on",
        "by",
        "forces",
        "force",
        "unknown",
        "led",
        "partner",
        "partners",
        "own",
        "armed",
        "military",
        "alleged",
        "unclear",
        "other",
        "various",
        "state",
    ]
)
_PARTY_WORDS = {
    "own_forces": "",
    "coalition_partner": "coalition",
    "adversary": "",
    "unknown": "",
}


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    """The meaningful words of a name, for a loose comparison (cached: names repeat)."""
    return frozenset(
        w for w in re.findall(r"[0-9a-z]+", text.casefold()) if w not in _GENERIC_WORDS
    )


@functools.lru_cache(maxsize=8192)
def _common(these: frozenset[str], those: frozenset[str]) -> frozenset[str]:
    """Words of `these` that some word of `those` matches: equal, or one a prefix of the other
    of at least four letters ("russia" / "russian", "bomb" / "bombs")."""
    found = set()
    for word in these:
        for other in those:
            short, long = (word, other) if len(word) <= len(other) else (other, word)
            if short == long or (len(short) >= 4 and long.startswith(short)):
                found.add(word)
                break
    return frozenset(found)


def _engagement(body: bytes) -> tuple[dict[str, str], str]:
    """The text fields of an incident body's engagement group.

    Only this group is read, with the plain JSON parser rather than the strict canonical one:
    the batch reads tens of thousands of bodies, and the strict parse (a Python hook on every
    object) took most of its time. The bytes were checked strictly when written, `log verify`
    re-checks them against their hashes, and what is read here only ranks a proposal a person
    then decides on; nothing is stored from it.
    """
    data = json.loads(body)
    if not isinstance(data, dict):
        return {}, ""
    eng = data.get("engagement")
    time = data.get("time")
    offset = time.get("utc_offset") if isinstance(time, dict) else ""
    fields = {k: v for k, v in eng.items() if isinstance(v, str)} if isinstance(eng, dict) else {}
    return fields, offset if isinstance(offset, str) else ""


@functools.lru_cache(maxsize=1024)
def _munition(code: str) -> tuple[str, frozenset[str]]:
    """(label, words) of a munition code from the reference list; unknown codes as typed."""
    if not code:
        return "", frozenset()
    label = bundled_reflists().munitions.label(code)
    return label, _words(label) | _words(code.replace("_", " "))


def _day_of(start: str) -> int | None:
    try:
        return date.fromisoformat(start[:10]).toordinal()
    except ValueError:
        return None


_OFFSET_RE = re.compile(r"([+-])(\d{2}):(\d{2})")


def _local_day(start: str, utc_offset: str) -> int | None:
    """The day the incident started where it happened: external lists give local dates, and
    a strike at 23:30 UTC is the next day in Baghdad. A bare date is already that day."""
    day = _day_of(start)
    match = _OFFSET_RE.fullmatch(utc_offset)
    if day is None or len(start) <= 10 or match is None:
        return day
    try:
        moment = parse_timestamp(start)
    except ValueError:
        return day
    minutes = (int(match.group(2)) * 60 + int(match.group(3))) * (
        -1 if match.group(1) == "-" else 1
    )
    return (moment + timedelta(minutes=minutes)).date().toordinal()


def _facts(row: Sequence[Any], body: bytes) -> _Facts | None:
    """Facts of one incident from (id, ref_code, start, lat_e6, lon_e6, killed_min,
    killed_max) and its current body; None when it has no start date to match on."""
    eng, utc_offset = _engagement(body)
    day = _local_day(str(row[2]), utc_offset)
    if day is None:
        return None
    party_label = eng.get("party_name") or _PARTY_WORDS.get(eng.get("party", ""), "")
    munition_label, munition_words = _munition(eng.get("munition", ""))
    return _Facts(
        incident_id=str(row[0]),
        ref_code=str(row[1]),
        day=day,
        lat_e6=row[3],
        lon_e6=row[4],
        killed_min=row[5],
        killed_max=row[6],
        party_words=_words(party_label),
        party_label=party_label,
        munition_words=munition_words,
        munition_label=munition_label,
    )


def distance_km(lat1_e6: int, lon1_e6: int, lat2_e6: int, lon2_e6: int) -> float:
    """Great-circle distance (haversine); floats only here, never stored."""
    p1, p2 = math.radians(lat1_e6 / 1e6), math.radians(lat2_e6 / 1e6)
    dp = p2 - p1
    dl = math.radians((lon2_e6 - lon1_e6) / 1e6)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def format_range(lo: int | None, hi: int | None) -> str:
    """A count range as people write it: "3-5", "4", "up to 6"."""
    if lo is None:
        return f"up to {hi}"
    if hi is None or hi == lo:
        return str(lo)
    return f"{lo}-{hi}"


def _distance(lat_e6: int | None, lon_e6: int | None, ext: _External) -> float | None:
    if lat_e6 is None or lon_e6 is None or ext.lat_e6 is None or ext.lon_e6 is None:
        return None
    return distance_km(lat_e6, lon_e6, ext.lat_e6, ext.lon_e6)


def _score(
    facts: _Facts, ext: _External, window_days: int, radius_km: float, dist: float | None
) -> Candidate | None:
    """The score and the reasons of one pair, or None when it is outside the window/radius.
    `dist` is `_distance` of the pair (the batch has computed it already).

    Time and place carry most of the weight (40 each, falling linearly to the window's and the
    radius' edge); belligerent and munition agreeing add 10 each and disagreeing takes some
    away, because external lists name them loosely; overlapping casualty ranges add 5.
    """
    days = abs(ext.day - facts.day)
    if days > window_days:
        return None
    reasons: list[str] = []
    score = 40.0 * (1 - days / (window_days + 1))
    reasons.append("same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart")
    if facts.lat_e6 is None or facts.lon_e6 is None:
        reasons.append("the incident has no position to compare")
    elif dist is None:
        reasons.append("the external record has no position")
    else:
        if dist > radius_km:
            return None
        score += 40.0 * (1 - dist / radius_km)
        reasons.append(f"{dist:.1f} km apart")
    ext_party = _words(ext.belligerent)
    if ext_party and facts.party_words:
        common = _common(ext_party, facts.party_words)
        if common:
            score += 10
            reasons.append(f"belligerent matches: {' '.join(sorted(common))}")
        else:
            score -= 10
            reasons.append(f"belligerent differs: {ext.belligerent} / {facts.party_label}")
    ext_munition = _words(ext.munition)
    if ext_munition and facts.munition_words:
        common = _common(ext_munition, facts.munition_words)
        if common == ext_munition or _common(facts.munition_words, ext_munition) == (
            facts.munition_words
        ):
            score += 10
            reasons.append(f"munition matches: {facts.munition_label.casefold()}")
        elif common:
            score += 5
            reasons.append(f"munition partly matches: {ext.munition} / {facts.munition_label}")
        else:
            score -= 5
            reasons.append(f"munition differs: {ext.munition} / {facts.munition_label}")
    known_ext = ext.killed_min is not None or ext.killed_max is not None
    known_inc = facts.killed_min is not None or facts.killed_max is not None
    if known_ext and known_inc:
        lo_e = ext.killed_min if ext.killed_min is not None else 0
        hi_e = ext.killed_max if ext.killed_max is not None else lo_e
        lo_i = facts.killed_min if facts.killed_min is not None else 0
        hi_i = facts.killed_max if facts.killed_max is not None else lo_i
        pair = (
            f"{format_range(ext.killed_min, ext.killed_max)} / "
            f"{format_range(facts.killed_min, facts.killed_max)}"
        )
        if lo_e <= hi_i and lo_i <= hi_e:
            score += 5
            reasons.append(f"civilians killed overlap: {pair}")
        else:
            reasons.append(f"civilians killed differ: {pair}")
    return Candidate(
        incident_id=facts.incident_id,
        ref_code=facts.ref_code,
        source=ext.source,
        external_id=ext.external_id,
        score=max(0, min(100, round(score))),
        reasons=tuple(reasons),
        days_apart=days,
        distance_km=dist,
        at=ext.at,
        place=ext.place,
        belligerent=ext.belligerent,
        munition=ext.munition,
        killed_min=ext.killed_min,
        killed_max=ext.killed_max,
        url=ext.url,
    )


def _rank_key(c: Candidate) -> tuple[Any, ...]:
    return (
        -c.score,
        c.days_apart,
        c.distance_km if c.distance_km is not None else math.inf,
        c.source,
        c.external_id,
    )


def _check_params(window_days: int, radius_km: float) -> None:
    if not 0 <= window_days <= MAX_WINDOW_DAYS:
        raise DeconflictError(
            f"the time window must be 0-{MAX_WINDOW_DAYS} days (got {window_days})"
        )
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise DeconflictError(
            f"the radius must be above 0 and at most {MAX_RADIUS_KM:g} km (got {radius_km:g})"
        )


_EXT_COLUMNS = (
    "r.source, r.external_id, r.at, r.day, r.lat_e6, r.lon_e6, r.place, r.belligerent, "
    "r.munition, r.killed_min, r.killed_max, r.url"
)
_INC_COLUMNS = "i.id, i.ref_code, i.start, i.lat_e6, i.lon_e6, i.killed_min, i.killed_max"
_DECIDED = (
    "SELECT incident_id, source, external_id FROM external_links UNION "
    "SELECT incident_id, source, external_id FROM match_rejections"
)


def resolve_incident(conn: Any, text: str) -> tuple[Any, ...]:
    """The register row of a live incident named by id or reference code."""
    text = text.strip()
    row = conn.execute(
        f"SELECT {_INC_COLUMNS}, i.version FROM incidents i WHERE i.id = ? OR i.ref_code = ?",  # noqa: S608 - constant columns
        (text, text),
    ).fetchone()
    if row is None:
        raise errors.RecordNotFound(f"There is no incident {text[:80]!r} (or it was deleted).")
    return tuple(row)


def _body(conn: Any, incident_id: str, version: int) -> bytes:
    (body,) = conn.execute(
        "SELECT body FROM versions WHERE record_id = ? AND version = ?", (incident_id, version)
    ).fetchone()
    return bytes(body)


def candidates(
    vault: Vault, incident_id: str, window_days: int = 3, radius_km: float = 10.0
) -> list[Candidate]:
    """External records that may describe this incident, best first, with the reasons.

    Time is the incident's local start date (UTC start plus its recorded offset: external lists
    give local dates) against the external date; the time window is a range on the
    `external_records_day` index. Pairs already accepted or rejected are not proposed again
    (accepted ones are shown by `links`).
    """
    _check_params(window_days, radius_km)
    with vault.reading() as conn:
        row = resolve_incident(conn, incident_id)
        facts = _facts(row[:7], _body(conn, row[0], row[7]))
        if facts is None:
            return []
        rows = conn.execute(
            f"SELECT {_EXT_COLUMNS} FROM external_records r WHERE r.day BETWEEN ? AND ? "  # noqa: S608 - constant columns
            "AND NOT EXISTS (SELECT 1 FROM external_links l WHERE l.incident_id = ? "
            "AND l.source = r.source AND l.external_id = r.external_id) "
            "AND NOT EXISTS (SELECT 1 FROM match_rejections m WHERE m.incident_id = ? "
            "AND m.source = r.source AND m.external_id = r.external_id)",
            (
                facts.day - window_days,
                facts.day + window_days,
                facts.incident_id,
                facts.incident_id,
            ),
        ).fetchall()
    found = []
    for r in rows:
        ext = _External(*r)
        dist = _distance(facts.lat_e6, facts.lon_e6, ext)
        found.append(_score(facts, ext, window_days, radius_km, dist))
    return sorted((c for c in found if c is not None), key=_rank_key)


class _Grid:
    """Cells at least `radius_km` wide, so every point within the radius of a point lies in the
    3 x 3 cells around it. Longitude cells widen with latitude (by the cosine of the row's
    poleward edge). Pairs across the 180th meridian and within ~3 degrees of a pole are not
    found by the batch (no such theatre is expected); `candidates` has no such limit."""

    def __init__(self, radius_km: float) -> None:
        self.step = max(radius_km / KM_PER_DEGREE, 1e-4)
        self._widths: dict[int, float] = {}

    def _width(self, row: int) -> float:
        width = self._widths.get(row)
        if width is None:
            edge = max(abs(row * self.step), abs((row + 1) * self.step))
            width = self.step / max(math.cos(math.radians(min(edge, 90.0))), 0.05)
            self._widths[row] = width
        return width

    def cell(self, lat_e6: int, lon_e6: int) -> tuple[int, int]:
        row = math.floor(lat_e6 / 1e6 / self.step)
        return row, math.floor(lon_e6 / 1e6 / self._width(row))

    def around(self, lat_e6: int, lon_e6: int) -> list[tuple[int, int]]:
        row = math.floor(lat_e6 / 1e6 / self.step)
        cells = []
        for r in (row - 1, row, row + 1):
            col = math.floor(lon_e6 / 1e6 / self._width(r))
            cells += [(r, col - 1), (r, col), (r, col + 1)]
        return cells


def all_candidates(
    vault: Vault,
    window_days: int = 3,
    radius_km: float = 10.0,
    min_score: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[Candidate]:
    """Candidates for every incident at once (the batch HQ runs after importing a source).

    Not a cross product: only incidents whose start lies in the external records' date range
    are read (a range on the `incidents_start` index), bucketed by (day, grid cell); each
    external record then looks at the few buckets within the window and radius. Bodies are read
    only for incidents that have a pair left, to compare belligerent and munition. Ordered by
    incident reference code, then rank.
    """
    _check_params(window_days, radius_km)
    grid = _Grid(radius_km)
    with vault.reading() as conn:
        externals = [
            _External(*r)
            for r in conn.execute(f"SELECT {_EXT_COLUMNS} FROM external_records r")  # noqa: S608 - constant columns
        ]
        if not externals:
            return []
        decided = {tuple(r) for r in conn.execute(_DECIDED)}
        # One day more each way: the register holds the UTC start, matching uses the local day.
        lo = min(e.day for e in externals) - window_days - 1
        hi = max(e.day for e in externals) + window_days + 1
        placed: dict[tuple[int, int, int], list[tuple[Any, ...]]] = defaultdict(list)
        unplaced: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        every: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for r in conn.execute(
            f"SELECT {_INC_COLUMNS}, i.version FROM incidents i "  # noqa: S608 - constant columns
            "WHERE i.start >= ? AND i.start < ?",
            (date.fromordinal(lo).isoformat(), date.fromordinal(hi + 1).isoformat()),
        ):
            day = _day_of(str(r[2]))
            if day is None:
                continue
            row = tuple(r)
            every[day].append(row)
            if r[3] is None or r[4] is None:
                unplaced[day].append(row)
            else:
                placed[(day, *grid.cell(r[3], r[4]))].append(row)
        pairs: dict[str, list[tuple[_External, float | None]]] = defaultdict(list)
        rows_by_id: dict[str, tuple[Any, ...]] = {}
        for done, ext in enumerate(externals):
            if progress is not None and done % 1000 == 0:
                progress(done, len(externals))
            near: list[tuple[Any, ...]] = []
            days = range(ext.day - window_days - 1, ext.day + window_days + 2)
            if ext.lat_e6 is None or ext.lon_e6 is None:
                for day in days:
                    near.extend(every.get(day, ()))
            else:
                cells = grid.around(ext.lat_e6, ext.lon_e6)
                for day in days:
                    near.extend(unplaced.get(day, ()))
                    for r, c in cells:
                        near.extend(placed.get((day, r, c), ()))
            for row in near:
                if decided and (row[0], ext.source, ext.external_id) in decided:
                    continue
                dist = _distance(row[3], row[4], ext)
                if dist is not None and dist > radius_km:
                    continue
                pairs[row[0]].append((ext, dist))
                rows_by_id[row[0]] = row
        result: list[Candidate] = []
        ids = list(pairs)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            bodies = conn.execute(
                "SELECT i.id, v.body FROM incidents i JOIN versions v ON v.record_id = i.id "  # noqa: S608 - only placeholders
                f"AND v.version = i.version WHERE i.id IN ({marks})",
                chunk,
            ).fetchall()
            for incident_id, body in bodies:
                facts = _facts(rows_by_id[incident_id][:7], bytes(body))
                if facts is None:
                    continue
                found = [
                    _score(facts, e, window_days, radius_km, dist) for e, dist in pairs[incident_id]
                ]
                result.extend(c for c in found if c is not None and c.score >= min_score)
    if progress is not None:
        progress(len(externals), len(externals))
    result.sort(key=lambda c: (c.ref_code, *_rank_key(c)))
    return result


# --- decisions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Link:
    """An id the incident has elsewhere: its own `external_refs` (origin "incident") or a match
    accepted here (origin "accepted", with who, when and why)."""

    system: str
    external_id: str
    origin: str
    reason: str = ""
    author: str = ""
    at: str = ""
    url: str = ""


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise errors.ValidationError([errors.FieldIssue("reason", "say why this decision is made")])
    if len(reason) > 2000:
        raise errors.ValidationError(
            [errors.FieldIssue("reason", "keep the reason under 2000 characters")]
        )
    return reason


def _decide(
    vault: Vault, decision: str, incident_id: str, source: str, external_id: str, reason: str
) -> str:
    reason = _reason(reason)
    table, other = (
        ("external_links", "match_rejections")
        if decision == "accept"
        else ("match_rejections", "external_links")
    )
    with vault.writing() as conn:
        row = resolve_incident(conn, incident_id)
        found = conn.execute(
            "SELECT 1 FROM external_records WHERE source = ? AND external_id = ?",
            (source, external_id),
        ).fetchone()
        if found is None:
            raise UnknownSource(
                f"the source {source[:80]!r} has no record {external_id[:80]!r} in this vault"
            )
        key = (row[0], source, external_id)
        where = "incident_id = ? AND source = ? AND external_id = ?"
        if conn.execute(f"SELECT 1 FROM {table} WHERE {where}", key).fetchone():  # noqa: S608 - constant tables
            done = "accepted" if decision == "accept" else "rejected"
            raise AlreadyDecided(
                f"{source} {external_id} is already {done} for incident {row[1]}; nothing changed"
            )
        replaced = conn.execute(f"DELETE FROM {other} WHERE {where}", key).rowcount  # noqa: S608 - constant tables
        at = vault.now()
        conn.execute(
            f"INSERT INTO {table} (incident_id, source, external_id, reason, author, at) "  # noqa: S608 - constant tables
            "VALUES (?, ?, ?, ?, ?, ?)",
            (*key, reason, vault.user, at),
        )
        event = {
            "type": f"external_match_{'accepted' if decision == 'accept' else 'rejected'}",
            "incident": row[0],
            "source": source,
            "external_id": external_id,
            "reason": reason,
        }
        if replaced:
            event["replaces"] = "rejection" if decision == "accept" else "link"
        vault.log_event(event, at)
    return str(row[0])


def accept(vault: Vault, incident_id: str, source: str, external_id: str, reason: str) -> str:
    """Record that the external record describes the incident (an HQ-owned link; the incident
    itself is not changed). Replaces an earlier rejection of the pair. Returns the incident id."""
    return _decide(vault, "accept", incident_id, source, external_id, reason)


def reject(vault: Vault, incident_id: str, source: str, external_id: str, reason: str) -> str:
    """Record that the pair is not a match, so it is never proposed again. Replaces an earlier
    acceptance (the link is removed, the log keeps both). Returns the incident id."""
    return _decide(vault, "reject", incident_id, source, external_id, reason)


def links(vault: Vault, incident_id: str) -> list[Link]:
    """The incident's own external references, then the matches accepted in this vault."""
    with vault.reading() as conn:
        row = resolve_incident(conn, incident_id)
        inc = from_dict(Incident, canonical.loads(_body(conn, row[0], row[7])))
        accepted = conn.execute(
            "SELECT l.source, l.external_id, l.reason, l.author, l.at, coalesce(r.url, '') "
            "FROM external_links l LEFT JOIN external_records r ON r.source = l.source "
            "AND r.external_id = l.external_id WHERE l.incident_id = ? ORDER BY l.at, l.source",
            (row[0],),
        ).fetchall()
    own = [
        Link(ref.system, ref.id, "incident") for ref in inc.external_refs if ref.system or ref.id
    ]
    return own + [Link(r[0], r[1], "accepted", r[2], r[3], r[4], r[5]) for r in accepted]


def rejections(vault: Vault, incident_id: str) -> list[Link]:
    """Pairs rejected for the incident (remembered; never proposed again)."""
    with vault.reading() as conn:
        row = resolve_incident(conn, incident_id)
        rows = conn.execute(
            "SELECT source, external_id, reason, author, at FROM match_rejections "
            "WHERE incident_id = ? ORDER BY at, source",
            (row[0],),
        ).fetchall()
    return [Link(r[0], r[1], "rejected", r[2], r[3], r[4]) for r in rows]


def external_position(lat_e6: int | None, lon_e6: int | None) -> str:
    """Decimal text of a stored position ("" when there is none)."""
    if lat_e6 is None or lon_e6 is None:
        return ""
    return f"{from_e6(lat_e6)}, {from_e6(lon_e6)}"
