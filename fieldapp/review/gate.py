"""The public-release gate (issue 5 §3): nothing leaves for the public before it passed here.

A release goes through three steps, each its own function and each logged:

1. `review(vault, staged, policy)` reads every staged file (CSV, GeoJSON or other JSON, plain
   text, photos) and looks for what must never be published: names from the vault's own
   identity lists (witness names and contacts, victim names, an optional extra list) in any
   free text, statement text of witnesses who did not consent to anonymised publication (or
   withdrew it), coordinates finer than the policy allows, counts of fewer than N persons in a
   gender or age cell, fields the policy does not make public, and photo metadata. What can be
   fixed without judgement is fixed (cells suppressed, coordinates coarsened, rows quoting a
   withdrawn statement removed, photos rebuilt from pixels); what cannot is a *blocking*
   finding. The cleaned files are stored in the vault (encrypted, append-only) with the
   findings, so what is approved later is exactly what was reviewed, whatever happens to the
   staging folder.
2. `approve(vault, report, approver_label, approver_passphrase)`: a second person, by their own
   key slot and passphrase; never the one who prepared it, never with blocking findings.
3. `release(vault, report, out_dir)`: writes the approved files and a release manifest, a C2SP
   signed note by the device key listing each file's SHA-256 and size, who prepared and who
   approved, when, and the policy. `verify_release` checks a published folder against it.

Findings never quote the personal data they found (a name is reported as "a name of witness
W-…"): the findings table is itself shown on screens and printed in the CLI.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from fieldapp.domain import canonical
from fieldapp.domain.witness import ConsentEvent, Witness, current_scopes
from fieldapp.errors import FieldappError
from fieldapp.store import keyfile, signednote
from fieldapp.store.vault import Vault

MANIFEST_NAME = "RELEASE-MANIFEST.note"
VKEY_NAME = "RELEASE-MANIFEST.vkey"
MANIFEST_HEADER = "fieldapp release manifest v1"
MAX_STAGED_FILE = 256 * 1024 * 1024
PUBLICATION_SCOPE = "anonymised_publication"
# A statement is recognised by any run of this many consecutive words (an excerpt is enough).
SHINGLE_WORDS = 8
MIN_STATEMENT_WORDS = 4
MIN_NAME_CHARS = 2

# Finding kinds.
NAME = "personal_name"
CONSENT = "consent"
COORDINATES = "coordinates"
SMALL_CELL = "small_cell"
FIELD = "field_not_public"
PHOTO = "photo_metadata"
UNSUPPORTED = "unsupported_file"


class GateError(FieldappError):
    """The gate cannot do what was asked (bad input, unknown release); nothing was changed."""


class ReleaseRefused(GateError):
    """The release may not go ahead: blocking findings, no approval, or not the right person."""


class WrongApprover(GateError):
    """The approver's slot or passphrase does not check out; the release stays unapproved."""


# --- policy and report ----------------------------------------------------------------------------
@dataclass(frozen=True)
class GatePolicy:
    """What may be published. Stored with every release and written into its manifest.

    `coordinate_decimals` is the finest precision allowed (2 decimals of a degree is ~1.1 km);
    `coordinate_grid` (degrees as text, e.g. "0.05") snaps to a coarser grid instead when set.
    With `coarsen_coordinates` False a finer coordinate blocks the release instead of being
    rounded. `public_fields` empty means every field may be public; otherwise CSV columns and
    GeoJSON properties not named are removed. `count_fields` names extra count columns besides
    the ones recognised by their names (killed, injured, victims, women, ...).
    """

    coordinate_decimals: int = 2
    coordinate_grid: str = ""
    coarsen_coordinates: bool = True
    small_cell_threshold: int = 5
    public_fields: tuple[str, ...] = ()
    count_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.coordinate_decimals <= 6:
            raise GateError("coordinate decimals must be between 0 and 6")
        if self.small_cell_threshold < 1:
            raise GateError("the small-cell threshold must be at least 1")
        if self.coordinate_grid:
            try:
                grid = Decimal(self.coordinate_grid)
            except InvalidOperation:
                raise GateError(
                    f"the coordinate grid {self.coordinate_grid!r} is not a number"
                ) from None
            if not (grid.is_finite() and Decimal("0.000001") <= grid <= Decimal(10)):
                raise GateError("the coordinate grid must be between 0.000001 and 10 degrees")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["public_fields"] = list(self.public_fields)
        data["count_fields"] = list(self.count_fields)
        return data

    @classmethod
    def from_json(cls, data: Any) -> GatePolicy:
        if not isinstance(data, dict):
            raise GateError("a gate policy must be a JSON object")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise GateError(f"unknown gate policy field(s): {', '.join(unknown)}")
        try:
            return cls(
                coordinate_decimals=int(data.get("coordinate_decimals", 2)),
                coordinate_grid=str(data.get("coordinate_grid", "")),
                coarsen_coordinates=bool(data.get("coarsen_coordinates", True)),
                small_cell_threshold=int(data.get("small_cell_threshold", 5)),
                public_fields=tuple(str(f) for f in data.get("public_fields", ())),
                count_fields=tuple(str(f) for f in data.get("count_fields", ())),
            )
        except (TypeError, ValueError) as exc:
            raise GateError(f"the gate policy is not valid: {exc}") from None


@dataclass(frozen=True)
class Finding:
    """One thing the gate found: where, what kind, a sentence, and the fix applied if any.

    A finding with no `fix` blocks the release. `detail` never quotes the personal data found.
    """

    file: str
    location: str
    kind: str
    detail: str
    fix: str = ""

    @property
    def blocking(self) -> bool:
        return not self.fix


@dataclass(frozen=True)
class ReleaseFile:
    """A file of a release as it will be published (after the automatic fixes)."""

    name: str
    source: str
    source_sha256: str
    sha256: str
    size: int


@dataclass(frozen=True)
class GateReport:
    """A reviewed release: its files, findings, policy, and approval once given."""

    release_id: str
    prepared_by: str
    prepared_at: str
    policy: GatePolicy
    files: tuple[ReleaseFile, ...]
    findings: tuple[Finding, ...]
    approved_by: str = ""
    approved_at: str = ""
    published: int = 0

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def status(self) -> str:
        if self.blocking:
            return "blocked"
        if not self.approved_by:
            return "awaiting approval"
        return "published" if self.published else "approved"


# --- text normalisation and name matching ---------------------------------------------------------
_TATWEEL = "\u0640"
_ARABIC_FOLD = str.maketrans(
    {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",
     "\u0649": "\u064a", "\u0629": "\u0647", _TATWEEL: None}
)  # fmt: skip
# Proclitics written joined to the next word in Arabic (and, with, for, like, the, ...): a name
# preceded by one is still the name, so a text word is also tried without them.
_PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
_WORD = re.compile(r"\w+")


@functools.cache
def _fold_table() -> dict[int, int | None]:
    """Every combining mark removed, Arabic variants unified (built once, ~0.3 s)."""
    table: dict[int, int | None] = {
        cp: None for cp in range(0x300, 0x110000) if unicodedata.combining(chr(cp))
    }
    for cp, value in _ARABIC_FOLD.items():
        table[cp] = None if value is None else ord(value)
    return table


def normalise(text: str) -> str:
    """Compatibility forms folded, case folded, diacritics (Latin accents, Arabic harakat)
    and tatweel removed, Arabic letter variants (alef forms, alef maqsura, ta marbuta) unified:
    the spellings one name takes in different documents compare equal."""
    if text.isascii():
        return text.lower()  # the same result, without the Unicode passes (most cells)
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", folded.translate(_fold_table()))


def words(text: str) -> list[str]:
    """Whole words of normalised text: a name matches only whole words, never inside one."""
    return _WORD.findall(normalise(text))


def _is_arabic(word: str) -> bool:
    return "\u0600" <= word[0] <= "\u06ff"


def _variants(word: str) -> Iterator[str]:
    yield word
    if _is_arabic(word):
        for prefix in _PROCLITICS:
            if word.startswith(prefix) and len(word) - len(prefix) >= MIN_NAME_CHARS:
                yield word[len(prefix) :]


class NameIndex:
    """Names (each a sequence of words) by their first word, with who they belong to.

    A name is matched whole, all its words in order. A given name alone is not flagged: Arabic
    given names are often common words (Amal, Jamil, Nour), and flagging each would block every
    release; the full names are what identify a person in a text.
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.count = 0

    def add(self, name: str, owner: str) -> None:
        tokens = tuple(words(name))
        if not tokens or len("".join(tokens)) < MIN_NAME_CHARS:
            return
        entries = self._by_first.setdefault(tokens[0], [])
        if all(t != tokens for t, _ in entries):
            entries.append((tokens, owner))
            self.count += 1

    def find(self, tokens: Sequence[str]) -> list[str]:
        """Owners of every name among the words `tokens` (each once, in order of occurrence)."""
        found: list[str] = []
        by_first = self._by_first
        for i, token in enumerate(tokens):
            # Most words start no name: one lookup, and the proclitic variants only for Arabic.
            candidates = _variants(token) if _is_arabic(token) else (token,)
            for variant in candidates:
                for name, owner in by_first.get(variant, ()):
                    if tuple(tokens[i + 1 : i + len(name)]) == name[1:] and owner not in found:
                        found.append(owner)
        return found


class StatementIndex:
    """Word runs of statements that may not be published, by the witness code they belong to."""

    def __init__(self) -> None:
        self._grams: dict[int, dict[tuple[str, ...], str]] = {}

    def add(self, text: str, owner: str) -> None:
        tokens = words(text)
        if len(tokens) < MIN_STATEMENT_WORDS:
            return
        size = min(SHINGLE_WORDS, len(tokens))
        table = self._grams.setdefault(size, {})
        for i in range(len(tokens) - size + 1):
            table.setdefault(tuple(tokens[i : i + size]), owner)

    def find(self, tokens: Sequence[str]) -> list[str]:
        found: list[str] = []
        for size, table in self._grams.items():
            for i in range(len(tokens) - size + 1):
                owner = table.get(tuple(tokens[i : i + size]))
                if owner is not None and owner not in found:
                    found.append(owner)
        return found


@dataclass
class Identities:
    """What the gate searches for, read from the vault once per review."""

    names: NameIndex = field(default_factory=NameIndex)
    withheld: StatementIndex = field(default_factory=StatementIndex)
    witnesses: int = 0


def load_names_file(path: Path) -> list[str]:
    """Extra names to search for, one per line (UTF-8; blank lines and `#` comments skipped)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise GateError(f"cannot read the names list {path}: {exc.strerror or exc}") from None
    if len(data) > 64 * 1024 * 1024:
        raise GateError(f"the names list {path} is larger than 64 MiB; it was not read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GateError(f"the names list {path} is not UTF-8 text") from None
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _read_identities(conn: Any, extra_names: Sequence[str]) -> Identities:
    """Every name the vault knows (every version: an old spelling still identifies) and the
    statements whose witness has not, or no longer, consented to anonymised publication."""
    ids = Identities()
    consent: dict[str, tuple[str, tuple[str, ...]]] = {}  # witness id -> (code, scopes)
    statements: list[tuple[str, dict[str, Any]]] = []
    rows = conn.execute(
        "SELECT v.record_id, v.kind, v.deleted, v.body, "
        "v.version = (SELECT MAX(version) FROM versions m WHERE m.record_id = v.record_id) "
        "FROM versions v WHERE v.kind IN ('incident', 'witness', 'statement') ORDER BY v.seq"
    )
    for record_id, kind, deleted, body_bytes, latest in rows:
        body = _dict(canonical.loads(bytes(body_bytes)))
        if kind == "incident":
            ref = body.get("ref_code") or record_id
            for victim in body.get("victims") or ():
                name = _dict(victim).get("name")
                if isinstance(name, str):
                    ids.names.add(name, f"a victim of incident {ref}")
        elif kind == "witness":
            code = str(body.get("code") or record_id)
            identity = _dict(body.get("identity"))
            for key in ("name", "contact"):
                value = identity.get(key)
                if isinstance(value, str):
                    what = "name" if key == "name" else "contact details"
                    ids.names.add(value, f"the {what} of witness {code}")
            for event in map(_dict, body.get("consent") or ()):
                guardian = event.get("guardian")
                if isinstance(guardian, str):  # a minor's guardian identifies the minor
                    ids.names.add(guardian, f"the guardian of witness {code}")
            if latest:
                events = [
                    ConsentEvent(action=str(e.get("action")), scopes=list(e.get("scopes") or ()))
                    for e in map(_dict, body.get("consent") or ())
                ]
                scopes = () if deleted else current_scopes(Witness(consent=events))
                consent[record_id] = (code, scopes)
                ids.witnesses += 1
        else:
            statements.append((str(body.get("witness_id", "")), body))
    for witness_id, body in statements:
        code, scopes = consent.get(witness_id, (witness_id or "unknown", ()))
        if PUBLICATION_SCOPE not in scopes:
            for key in ("original_text", "translation"):
                text = body.get(key)
                if isinstance(text, str):
                    ids.withheld.add(text, code)
    for name in extra_names:
        ids.names.add(name, "the extra names list")
    return ids


# --- the checks -----------------------------------------------------------------------------------
_COORD_PAIR = re.compile(r"(?<![\d.])(-?\d{1,3}\.(\d+))\s*[,;/ ]\s*(-?\d{1,3}\.(\d+))(?![\d.])")
# 33.3128° N, 33.3128N: one decimal-degree value with a hemisphere letter.
_HEMI_VALUE = re.compile(r"(?<![\d.])\d{1,3}\.(\d+)\s*°?\s*[NSEW](?![A-Za-z])")
# 33°18'46" N: whole seconds are ~30 m, finer than 3 decimals of a degree.
_DMS_VALUE = re.compile(r"\d{1,3}\s*°\s*\d{1,2}\s*['′]\s*\d{1,2}(?:\.\d+)?\s*[\"″]")
# MGRS: zone, band, 100 km square, then 2k digits, k per axis (k digits: 100 km / 10^k).
_MGRS = re.compile(
    r"(?<![A-Za-z0-9])\d{1,2}[C-HJ-NP-X]\s?[A-HJ-NP-Z][A-HJ-NP-V]\s?(\d+(?:\s\d+)?)(?![0-9])"
)
_LAT_LON = frozenset({"lat", "latitude", "lon", "lng", "long", "longitude"})
_COUNT_WORDS = frozenset(
    {"count", "n", "number", "killed", "injured", "dead", "wounded", "deaths", "injuries",
     "persons", "people", "victims", "casualties", "missing", "detained", "total"}
)  # fmt: skip
_CATEGORY_WORDS = frozenset(
    {"female", "male", "women", "woman", "men", "man", "girls", "girl", "boys", "boy",
     "children", "child", "adults", "adult", "elderly", "minors", "minor", "infants", "infant"}
)  # fmt: skip
_DIMENSIONS = frozenset({"gender", "sex", "age", "age_band", "ageband", "age_group", "agegroup"})
_ALL_VALUES = frozenset({"", "all", "total", "any", "*"})


def _header_words(name: str) -> set[str]:
    return set(re.findall(r"[a-z]+", name.casefold()))


class _Checker:
    """The checks on one release; collects findings."""

    def __init__(self, ids: Identities, policy: GatePolicy) -> None:
        self.ids = ids
        self.policy = policy
        self.findings: list[Finding] = []
        self.counts = {f.casefold() for f in policy.count_fields}
        self.public = {f.casefold() for f in policy.public_fields}

    def add(self, file: str, location: str, kind: str, detail: str, fix: str = "") -> None:
        self.findings.append(Finding(file, location, kind, detail, fix))

    # free text
    def text(self, file: str, location: str, text: str) -> list[str]:
        """Names and coordinate pairs (blocking findings); returns the witnesses whose withheld
        statements `text` quotes, for the caller to remove what holds it."""
        tokens = words(text)
        for owner in self.ids.names.find(tokens):
            self.add(file, location, NAME, f"free text names a person: {owner}")
        for match in _COORD_PAIR.finditer(text):
            decimals = max(len(match.group(2)), len(match.group(4)))
            if decimals > self.policy.coordinate_decimals:
                self.add(
                    file,
                    location,
                    COORDINATES,
                    f"free text holds a coordinate pair with {decimals} decimals "
                    f"(at most {self.policy.coordinate_decimals} allowed)",
                )
        self._positions(file, location, text)
        return self.ids.withheld.find(tokens)

    def _positions(self, file: str, location: str, text: str) -> None:
        """Positions written other ways than a decimal pair, finer than the policy allows."""
        allowed = self.policy.coordinate_decimals
        finest = max((len(m.group(1)) for m in _HEMI_VALUE.finditer(text)), default=0)
        if finest > allowed:
            what = f"a coordinate with {finest} decimals"
            self.add(file, location, COORDINATES, f"free text holds {what} (at most {allowed})")
        if allowed < 3 and _DMS_VALUE.search(text):
            self.add(file, location, COORDINATES, "free text holds a position to the second of arc")
        for match in _MGRS.finditer(text):
            digits = match.group(1).replace(" ", "")
            if len(digits) % 2 == 0 and len(digits) // 2 > allowed:
                self.add(
                    file,
                    location,
                    COORDINATES,
                    f"free text holds an MGRS reference to {len(digits) // 2} digits per axis "
                    f"(at most {allowed})",
                )

    def withheld(self, text: str) -> list[str]:
        return self.ids.withheld.find(words(text))

    # coordinates
    def coordinate(self, file: str, location: str, value: Decimal) -> Decimal:
        exponent = value.as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        grid = Decimal(self.policy.coordinate_grid) if self.policy.coordinate_grid else None
        allowed = self.policy.coordinate_decimals
        if grid is None and decimals <= allowed:
            return value
        if grid is not None:
            coarse = (value / grid).to_integral_value(ROUND_HALF_EVEN) * grid
            if coarse == value:
                return value
            what = f"is not on the {grid} degree grid"
        else:
            coarse = value.quantize(Decimal(1).scaleb(-allowed), ROUND_HALF_EVEN)
            what = f"has {decimals} decimals (at most {allowed} allowed)"
        if self.policy.coarsen_coordinates:
            self.add(file, location, COORDINATES, f"a coordinate {what}", "coarsened")
            return coarse.normalize() if coarse != 0 else Decimal(0)
        self.add(file, location, COORDINATES, f"a coordinate {what}")
        return value

    # small cells
    def is_count(self, key: str) -> bool:
        hw = _header_words(key)
        return key.casefold() in self.counts or bool(hw & (_COUNT_WORDS | _CATEGORY_WORDS))

    def small(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if isinstance(value, str):
            if not value.strip().isdigit():
                return False
            value = int(value.strip())
        return isinstance(value, int) and 0 < value < self.policy.small_cell_threshold

    def cell_dimension(self, key: str, record: dict[str, Any]) -> bool:
        """True when the count under `key` is a gender or age cell (by its name or its row)."""
        if _header_words(key) & _CATEGORY_WORDS:
            return True
        for name, value in record.items():
            dimension = name.casefold().strip() in _DIMENSIONS
            if dimension and str(value).strip().casefold() not in _ALL_VALUES:
                return True
        return False

    @property
    def marker(self) -> str:
        return f"<{self.policy.small_cell_threshold}"

    def field_public(self, key: str) -> bool:
        return not self.public or key.casefold() in self.public


def _dec(value: Decimal) -> str:
    text = format(value, "f")
    return text


# --- file handlers --------------------------------------------------------------------------------
def _check_csv(data: bytes, name: str, chk: _Checker) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        chk.add(name, "file", UNSUPPORTED, "the CSV file is not UTF-8 text")
        return data
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return data
    header = rows[0]
    changed = False
    keep = [i for i, h in enumerate(header) if chk.field_public(h)]
    for i, h in enumerate(header):
        if i not in keep:
            chk.add(name, f"column {h!r}", FIELD, "the column is not a public field", "removed")
            changed = True
    for i, h in enumerate(header):
        if i in keep:
            chk.text(name, f"header, column {i + 1}", h)
    out_rows = [[header[i] for i in keep]]
    suppressed: dict[int, int] = {}  # column -> cells suppressed in it
    totals: list[tuple[int, int]] = []  # (index in out_rows, row number) of total rows
    dimensions = [i for i, h in enumerate(header) if h.casefold().strip() in _DIMENSIONS]
    for number, row in enumerate(rows[1:], start=2):
        record = {header[i]: row[i] for i in range(min(len(header), len(row)))}
        if dimensions and all(
            i >= len(row) or row[i].strip().casefold() in _ALL_VALUES for i in dimensions
        ):
            totals.append((len(out_rows), number))
        withheld: list[str] = []
        for i, cell in enumerate(row):
            col = header[i] if i < len(header) else f"#{i + 1}"
            where = f"row {number}, column {col!r}"
            if i in keep or i >= len(header):
                owners = chk.text(name, where, cell)
            else:
                owners = chk.withheld(cell)  # a column removed still removes a quoting row
            withheld += [w for w in owners if w not in withheld]
        if withheld:
            chk.add(
                name,
                f"row {number}",
                CONSENT,
                "the row quotes a statement of witness(es) "
                f"{', '.join(withheld)} without consent to anonymised publication",
                "row removed",
            )
            changed = True
            continue
        new_row = []
        for i in keep + list(range(len(header), len(row))):
            if i >= len(row):
                continue
            cell, col = row[i], header[i] if i < len(header) else ""
            where = f"row {number}, column {col!r}"
            if col.casefold().strip() in _LAT_LON and cell.strip():
                try:
                    value = Decimal(cell.strip())
                except InvalidOperation:
                    value = None
                if value is not None and value.is_finite():
                    coarse = chk.coordinate(name, where, value)
                    if coarse != value:
                        cell, changed = _dec(coarse), True
            elif chk.is_count(col) and chk.small(cell) and chk.cell_dimension(col, record):
                chk.add(
                    name,
                    where,
                    SMALL_CELL,
                    f"a gender/age cell counts fewer than {chk.policy.small_cell_threshold} "
                    "persons",
                    f"suppressed ({chk.marker})",
                )
                cell, changed = chk.marker, True
                suppressed[i] = suppressed.get(i, 0) + 1
            new_row.append(cell)
        out_rows.append(new_row)
    # A total next to one suppressed cell gives it away (total minus the others): suppress it.
    for i, count in suppressed.items():
        if count != 1:
            continue
        position = keep.index(i)
        for index, number in totals:
            cells = out_rows[index]
            if position < len(cells) and cells[position].strip().isdigit():
                chk.add(
                    name,
                    f"row {number}, column {header[i]!r}",
                    SMALL_CELL,
                    "a total would reveal the one suppressed cell of its column",
                    f"suppressed ({chk.marker})",
                )
                cells[position] = chk.marker
    if not changed:
        return data
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(out_rows)
    return buffer.getvalue().encode("utf-8")


def _json_number(value: Decimal) -> float | int:
    return (
        int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    )


def _walk_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path + f".{key}", key
            yield from _walk_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk_strings(item, f"{path}[{i}]")


def _coarsen_positions(value: Any, where: str, name: str, chk: _Checker) -> Any:
    if isinstance(value, list):
        return [_coarsen_positions(v, where, name, chk) for v in value]
    if isinstance(value, Decimal):
        return chk.coordinate(name, where, value)
    return value


def _check_feature(
    feature: dict[str, Any], where: str, name: str, chk: _Checker
) -> dict[str, Any] | None:
    """The feature cleaned, or None when it must go (it quotes a withheld statement)."""
    props = _dict(feature.get("properties"))
    withheld: list[str] = []
    for path, text in _walk_strings(props, "properties"):
        owners = chk.text(name, f"{where} {path}", text)
        withheld += [w for w in owners if w not in withheld]
    if withheld:
        chk.add(
            name,
            where,
            CONSENT,
            f"the feature quotes a statement of witness(es) {', '.join(withheld)} without "
            "consent to anonymised publication",
            "feature removed",
        )
        return None
    cleaned: dict[str, Any] = {}
    for key, value in props.items():
        if not chk.field_public(key):
            chk.add(name, f"{where} property {key!r}", FIELD, "not a public field", "removed")
            continue
        if chk.is_count(key) and chk.small(value) and chk.cell_dimension(key, props):
            chk.add(
                name,
                f"{where} property {key!r}",
                SMALL_CELL,
                f"a gender/age cell counts fewer than {chk.policy.small_cell_threshold} persons",
                f"suppressed ({chk.marker})",
            )
            value = chk.marker
        cleaned[key] = value
    out = dict(feature)
    if "properties" in feature and feature["properties"] is not None:
        out["properties"] = cleaned
    geometry = _dict(feature.get("geometry"))
    if geometry:
        out["geometry"] = _check_geometry(geometry, f"{where} geometry", name, chk)
    if "bbox" in feature:
        out["bbox"] = _coarsen_positions(feature["bbox"], f"{where} bbox", name, chk)
    return out


def _check_geometry(geometry: dict[str, Any], where: str, name: str, chk: _Checker) -> Any:
    out = dict(geometry)
    if "coordinates" in geometry:
        out["coordinates"] = _coarsen_positions(geometry["coordinates"], where, name, chk)
    if isinstance(geometry.get("geometries"), list):
        out["geometries"] = [
            _check_geometry(_dict(g), f"{where}[{i}]", name, chk)
            for i, g in enumerate(geometry["geometries"])
        ]
    return out


def _check_json(data: bytes, name: str, chk: _Checker) -> bytes:
    try:
        doc = json.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        chk.add(name, "file", UNSUPPORTED, "the file is not valid UTF-8 JSON")
        return data
    before = len(chk.findings)
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        listed = doc.get("features")
        features: list[Any] = listed if isinstance(listed, list) else []
        kept = []
        for i, feature in enumerate(features):
            cleaned = _check_feature(_dict(feature), f"feature {i + 1}", name, chk)
            if cleaned is not None:
                kept.append(cleaned)
        for path, text in _walk_strings({k: v for k, v in doc.items() if k != "features"}, ""):
            chk.text(name, path or "collection", text)
        result: Any = {**doc, "features": kept}
        if "bbox" in doc:
            result["bbox"] = _coarsen_positions(doc["bbox"], "collection bbox", name, chk)
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        result = _check_feature(doc, "feature", name, chk)
        if result is None:
            chk.findings[-1] = replace(chk.findings[-1], fix="")  # nothing left to publish
            return data
    else:
        for path, text in _walk_strings(doc, "$"):
            if chk.text(name, path, text):
                chk.add(name, path, CONSENT, "quotes a statement without publication consent")
        return data
    if not any(f.fix for f in chk.findings[before:]):
        return data
    return (json.dumps(result, ensure_ascii=False, indent=1, default=_json_number) + "\n").encode(
        "utf-8"
    )


def _check_text(data: bytes, name: str, chk: _Checker) -> bytes:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        chk.add(name, "file", UNSUPPORTED, "the file is not UTF-8 text")
        return data
    for number, line in enumerate(text.splitlines(), start=1):
        if chk.text(name, f"line {number}", line):
            chk.add(
                name,
                f"line {number}",
                CONSENT,
                "quotes a statement of a witness without consent to anonymised publication",
            )
    return data


_SAFE_NAME = re.compile(r"[^\x00-\x1f\x7f/\\]+")
_TEXT_SUFFIXES = (".txt", ".md")
_JSON_SUFFIXES = (".json", ".geojson")


def _check_name(path: Path) -> str:
    name = path.name
    if not _SAFE_NAME.fullmatch(name) or name.startswith(".") or name in (MANIFEST_NAME, VKEY_NAME):
        raise GateError(f"{name!r} cannot be a released file name; rename it first")
    return name


def _read_staged(path: Path) -> bytes:
    try:
        if not path.is_file():
            raise GateError(f"{path} is not a file; stage files, not folders")
        if path.stat().st_size > MAX_STAGED_FILE:
            raise GateError(f"{path} is larger than {MAX_STAGED_FILE >> 20} MiB")
        return path.read_bytes()
    except OSError as exc:
        raise GateError(f"cannot read {path}: {exc.strerror or exc}") from None


def _original_metadata(data: bytes) -> list[str]:
    from fieldapp.media.public_copy import metadata_problems

    return [p for p in metadata_problems(data) if "not well formed" not in p]


def _scan(staged: Sequence[Path], chk: _Checker, work: Path) -> list[tuple[str, Path, str, bytes]]:
    """(published name, source, source sha256, cleaned bytes) for each staged file."""
    from fieldapp.media.public_copy import PhotoRebuilder, PublicCopyError
    from fieldapp.media.sniff import IMAGE_FORMATS, sniff_bytes

    out: list[tuple[str, Path, str, bytes]] = []
    rebuilder: PhotoRebuilder | None = None
    try:
        for source in staged:
            name = _check_name(source)
            data = _read_staged(source)
            source_sha = hashlib.sha256(data).hexdigest()
            suffix = source.suffix.casefold()
            if sniff_bytes(data[:8192]) in IMAGE_FORMATS:
                rebuilder = rebuilder or PhotoRebuilder()
                stem = f"{len(out):04d}"
                try:
                    copy = rebuilder.rebuild(source, work, stem)
                except PublicCopyError as exc:
                    chk.add(name, "photo", PHOTO, f"no public copy could be made: {exc}")
                    out.append((name, source, source_sha, data))
                    continue
                new_name = source.stem + copy.path.suffix
                present = _original_metadata(data)
                fix = "rebuilt from pixels; verified free of EXIF, XMP, ICC and comments"
                detail = (
                    "the original carries " + "; ".join(present)
                    if present
                    else "photos are always rebuilt from pixels"
                )
                if copy.problems:
                    chk.add(name, "photo", PHOTO, "the rebuilt copy still carries: "
                            + "; ".join(copy.problems))  # fmt: skip
                else:
                    chk.add(name, "photo", PHOTO, detail, fix)
                out.append((new_name, source, source_sha, copy.path.read_bytes()))
            elif suffix == ".csv":
                out.append((name, source, source_sha, _check_csv(data, name, chk)))
            elif suffix in _JSON_SUFFIXES:
                out.append((name, source, source_sha, _check_json(data, name, chk)))
            elif suffix in _TEXT_SUFFIXES:
                out.append((name, source, source_sha, _check_text(data, name, chk)))
            else:
                chk.add(
                    name,
                    "file",
                    UNSUPPORTED,
                    "the gate cannot check this kind of file (CSV, GeoJSON, JSON, text and "
                    "photos only)",
                )
                out.append((name, source, source_sha, data))
    finally:
        if rebuilder is not None:
            rebuilder.close()
    names = [n for n, *_ in out]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise GateError(f"two staged files would be published as {duplicates[0]!r}")
    return out


# --- review / approve / release -------------------------------------------------------------------
def review(
    vault: Vault,
    staged: Sequence[Path],
    policy: GatePolicy | None = None,
    *,
    extra_names: Sequence[str] = (),
) -> GateReport:
    """Check staged files before publication, apply the safe fixes, store the release pending.

    The witnesses' identities are read for the search and never shown; that reading is logged
    as a reveal ("release gate scan") before the scan starts, because it is one.
    """
    vault.forbid_review("prepare releases")
    policy = policy or GatePolicy()
    staged = [Path(p) for p in staged]
    if not staged:
        raise GateError("stage at least one file for the release")
    release_id = secrets.token_hex(16)
    with vault.writing() as conn:
        ids = _read_identities(conn, extra_names)
        vault.log_event(
            {
                "type": "identity_revealed",
                "witness": f"all witnesses ({ids.witnesses})",
                "reason": "release gate scan",
                "release": release_id,
            }
        )
    chk = _Checker(ids, policy)
    work = Path(tempfile.mkdtemp(prefix="fieldapp-gate-"))
    try:
        files = _scan(staged, chk, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    findings = tuple(chk.findings)
    blocking = sum(1 for f in findings if f.blocking)
    at = vault.now()
    released = tuple(
        ReleaseFile(n, str(src), sha, hashlib.sha256(data).hexdigest(), len(data))
        for n, src, sha, data in files
    )
    with vault.writing() as conn:
        conn.execute(
            "INSERT INTO releases (id, prepared_by, prepared_at, policy, findings, blocking) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                release_id,
                vault.user,
                at,
                canonical.dumps(policy.to_json()),
                canonical.dumps([asdict(f) for f in findings]),
                blocking,
            ),
        )
        conn.executemany(
            "INSERT INTO release_files (release_id, name, source, source_sha256, sha256, size, "
            "content) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (release_id, f.name, f.source, f.source_sha256, f.sha256, f.size, data)
                for f, (_, _, _, data) in zip(released, files, strict=True)
            ],
        )
        vault.log_event(
            {
                "type": "release_reviewed",
                "release": release_id,
                "files": len(released),
                "findings": len(findings),
                "blocking": blocking,
            },
            at,
        )
    return GateReport(release_id, vault.user, at, policy, released, findings)


def load_report(vault: Vault, release_id: str) -> GateReport:
    """A stored release as the gate left it, with its approval and publications."""
    with vault.reading() as conn:
        return _load(conn, release_id)


def _load(conn: Any, release_id: str) -> GateReport:
    row = conn.execute(
        "SELECT prepared_by, prepared_at, policy, findings FROM releases WHERE id = ?",
        (release_id.strip(),),
    ).fetchone()
    if row is None:
        raise GateError(f"there is no release {release_id!r} in this vault")
    files = tuple(
        ReleaseFile(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]))
        for r in conn.execute(
            "SELECT name, source, source_sha256, sha256, size FROM release_files "
            "WHERE release_id = ? ORDER BY name",
            (release_id,),
        )
    )
    findings = tuple(Finding(**_dict(f)) for f in canonical.loads(bytes(row[3])))
    approval = conn.execute(
        "SELECT approver, at FROM release_approvals WHERE release_id = ?", (release_id,)
    ).fetchone()
    (published,) = conn.execute(
        "SELECT count(*) FROM release_publications WHERE release_id = ?", (release_id,)
    ).fetchone()
    return GateReport(
        release_id,
        str(row[0]),
        str(row[1]),
        GatePolicy.from_json(canonical.loads(bytes(row[2]))),
        files,
        findings,
        approved_by=str(approval[0]) if approval else "",
        approved_at=str(approval[1]) if approval else "",
        published=int(published),
    )


def list_releases(vault: Vault, limit: int = 200) -> list[GateReport]:
    """Releases newest first (for the panel and `hq release list`)."""
    with vault.reading() as conn:
        ids = [
            str(r[0])
            for r in conn.execute(
                "SELECT id FROM releases ORDER BY prepared_at DESC, rowid DESC LIMIT ?", (limit,)
            )
        ]
        return [_load(conn, i) for i in ids]


def _refuse_blocking(report: GateReport, what: str) -> None:
    if report.blocking:
        n = len(report.blocking)
        raise ReleaseRefused(
            f"Release {report.release_id} cannot be {what}: {n} finding(s) still block it. "
            "Fix the staged files and run the gate again."
        )


def approve(
    vault: Vault, report: GateReport, approver_label: str, approver_passphrase: str
) -> GateReport:
    """The second person's approval, proven by their own key slot's passphrase.

    Any user who can unlock the vault may approve, a review-role user included (judging what
    may be published is a review); preparing and publishing are refused to the review role.

    Four eyes: the approver must be another user of this vault than the one who prepared the
    release, so one person alone (or one stolen passphrase) cannot publish. A wrong passphrase
    is logged: someone tried to approve a publication in another person's name.
    """
    current = load_report(vault, report.release_id)
    _refuse_blocking(current, "approved")
    if current.approved_by:
        raise GateError(
            f"Release {current.release_id} was already approved by {current.approved_by}."
        )
    label = approver_label.strip()
    kf = keyfile.read_keyfile(vault.path)
    slot = next(
        (
            s
            for s in kf.slots
            if isinstance(s, keyfile.Slot)
            and s.kind in keyfile.UNLOCKING_KINDS
            and s.label.casefold() == label.casefold()
        ),
        None,
    )
    if slot is None:
        raise WrongApprover(f"This vault has no user {label!r}; the release was not approved.")
    if slot.label.casefold() == current.prepared_by.casefold():
        raise ReleaseRefused(
            f"{slot.label} prepared release {current.release_id} and cannot also approve it: "
            "a second user must."
        )
    dek = keyfile.open_slot(kf.vault_id, slot, approver_passphrase)
    if dek is None:
        with vault.writing():
            vault.log_event(
                {
                    "type": "release_approval_refused",
                    "release": current.release_id,
                    "approver": slot.label,
                    "reason": "wrong passphrase",
                }
            )
        raise WrongApprover(
            f"The passphrase is wrong for {slot.label}; the release was not approved."
        )
    dek[:] = bytes(len(dek))
    at = vault.now()
    with vault.writing() as conn:
        if conn.execute(
            "SELECT 1 FROM release_approvals WHERE release_id = ?", (current.release_id,)
        ).fetchone():
            raise GateError(f"Release {current.release_id} was already approved.")
        conn.execute(
            "INSERT INTO release_approvals (release_id, approver, slot_id, at) VALUES (?, ?, ?, ?)",
            (current.release_id, slot.label, slot.id, at),
        )
        vault.log_event(
            {
                "type": "release_approved",
                "release": current.release_id,
                "approver": slot.label,
                "prepared_by": current.prepared_by,
            },
            at,
        )
    return replace(current, approved_by=slot.label, approved_at=at)


def manifest_text(vault: Vault, report: GateReport, released_at: str) -> str:
    """The manifest's text: a fixed order of lines anyone can read and re-check by hand."""
    policy = canonical.dumps(report.policy.to_json()).decode("utf-8")
    lines = [
        MANIFEST_HEADER,
        f"release {report.release_id}",
        f"cell {vault.device.cell_name}",
        f"device {vault.device.device_id}",
        f"prepared-by {report.prepared_by} {report.prepared_at}",
        f"approved-by {report.approved_by} {report.approved_at}",
        f"released-at {released_at}",
        f"policy {policy}",
        *(f"file {f.sha256} {f.size} {f.name}" for f in report.files),
    ]
    return "\n".join(lines) + "\n"


def _write_durably(path: Path, data: bytes) -> None:
    with path.open("xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def release(vault: Vault, report: GateReport, out_dir: Path) -> Path:
    """Publish an approved release into `out_dir` (new or empty); returns the manifest path.

    The files are written under temporary names and fsynced, the publication is committed and
    logged, and only then are the files renamed into place: a folder with a manifest is always
    complete, and the log never misses a publication whose files exist.
    """
    vault.forbid_review("publish releases")
    current = load_report(vault, report.release_id)
    _refuse_blocking(current, "published")
    if not current.approved_by:
        raise ReleaseRefused(
            f"Release {current.release_id} has not been approved by a second user yet."
        )
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise GateError(f"{out_dir} is not an empty folder; publish into a new or empty one")
    out_dir.mkdir(parents=True, exist_ok=True)
    with vault.reading() as conn:
        contents = {
            str(name): bytes(content)
            for name, content in conn.execute(
                "SELECT name, content FROM release_files WHERE release_id = ?",
                (current.release_id,),
            )
        }
    for f in current.files:
        data = contents[f.name]
        if hashlib.sha256(data).hexdigest() != f.sha256 or len(data) != f.size:
            raise GateError(f"the stored copy of {f.name} does not match its hash; not published")
    at = vault.now()
    text = manifest_text(vault, current, at)
    note = signednote.sign(text, vault.device.device_id, vault.signing_key)
    verifier = signednote.verifier_for(vault.device.device_id, vault.signing_key)
    outputs = {f.name: contents[f.name] for f in current.files}
    outputs[MANIFEST_NAME] = note.encode("utf-8")
    outputs[VKEY_NAME] = (signednote.vkey(verifier.name, verifier.public_key) + "\n").encode()
    temps: list[tuple[Path, Path]] = []
    try:
        for name, data in outputs.items():
            tmp = out_dir / f".partial-{secrets.token_hex(8)}"
            _write_durably(tmp, data)
            temps.append((tmp, out_dir / name))
        manifest_sha = hashlib.sha256(outputs[MANIFEST_NAME]).hexdigest()
        with vault.writing() as conn:
            conn.execute(
                "INSERT INTO release_publications (release_id, at, out_dir, manifest_sha256) "
                "VALUES (?, ?, ?, ?)",
                (current.release_id, at, str(out_dir.resolve()), manifest_sha),
            )
            vault.log_event(
                {
                    "type": "release_published",
                    "release": current.release_id,
                    "files": len(current.files),
                    "manifest_sha256": manifest_sha,
                    "prepared_by": current.prepared_by,
                    "approved_by": current.approved_by,
                },
                at,
            )
    except BaseException:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    # Manifest last: a folder with a manifest has every file.
    for tmp, final in sorted(temps, key=lambda t: t[1].name == MANIFEST_NAME):
        os.replace(tmp, final)
    keyfile.fsync_dir(out_dir)
    return out_dir / MANIFEST_NAME


# --- checking a published folder ------------------------------------------------------------------
@dataclass(frozen=True)
class ManifestCheck:
    """What `verify_release` found: the signed facts and every problem (empty: all good)."""

    release_id: str
    signer: str
    files: tuple[tuple[str, str, int], ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _manifest_lines(text: str) -> Iterable[tuple[str, str]]:
    for line in text.splitlines():
        key, _, rest = line.partition(" ")
        yield key, rest


def verify_release(folder: Path, vkey: str | None = None) -> ManifestCheck:
    """Check a published folder against its signed manifest: signature, each file's size and
    SHA-256, and no file that the manifest does not list.

    `vkey` is the publisher's verifier key as obtained from them; without it the key written
    beside the manifest is used, which proves the files are as signed, not who signed them.
    """
    folder = Path(folder)
    try:
        note = (folder / MANIFEST_NAME).read_text(encoding="utf-8")
        key_text = vkey if vkey is not None else (folder / VKEY_NAME).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GateError(f"cannot read the release manifest in {folder}: {exc}") from None
    verifier = signednote.parse_vkey(key_text.strip())
    opened = signednote.open_note(note, [verifier])
    problems: list[str] = []
    if verifier.name not in opened.verified:
        problems.append("the manifest is not signed by the given key")
    lines = list(_manifest_lines(opened.text))
    if not lines or lines[0] != tuple(MANIFEST_HEADER.split(" ", 1)):
        raise GateError(f"{folder / MANIFEST_NAME} is not a fieldapp release manifest")
    release_id = next((rest for key, rest in lines if key == "release"), "")
    files: list[tuple[str, str, int]] = []
    for key, rest in lines:
        if key != "file":
            continue
        sha, _, rest = rest.partition(" ")
        size, _, name = rest.partition(" ")
        if not (
            _SAFE_NAME.fullmatch(name) and size.isdigit() and re.fullmatch("[0-9a-f]{64}", sha)
        ):
            raise GateError(f"{folder / MANIFEST_NAME} lists a file it cannot name: {name!r}")
        files.append((name, sha, int(size)))
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        data = path.read_bytes()
        if len(data) != int(size) or hashlib.sha256(data).hexdigest() != sha:
            problems.append(f"{name} is not the file that was released (size or SHA-256 differ)")
    listed = {n for n, _, _ in files} | {MANIFEST_NAME, VKEY_NAME}
    for extra in sorted(p.name for p in folder.iterdir()):
        if extra not in listed:
            problems.append(f"{extra} is not part of the release")
    return ManifestCheck(release_id, verifier.name, tuple(files), tuple(problems))
