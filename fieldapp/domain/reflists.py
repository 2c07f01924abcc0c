"""Reference lists (harm types, platforms, munitions, source and target types).

They are data, not code: HQ extends them between releases, and records only hold the codes.
Because a bad file would silently let bad codes into records (or reject good ones), the loader
is strict and names the file at fault.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from fieldapp.domain.canonical import CanonicalJSONError, loads

LIST_NAMES = ("harm_types", "platforms", "munitions", "source_types", "target_types")
# Every item must be labelled in these languages: English is the fallback everywhere, Dutch is
# the cell's working language. Other languages may be added freely.
REQUIRED_LANGUAGES = ("en", "nl")
_CODE_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_LANG_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class RefItem:
    """One entry: a stable `code` stored in records, and its labels by language.

    `retired` items stay known (old records keep validating) but are not offered for new input.
    """

    code: str
    labels: Mapping[str, str]
    retired: bool = False

    def label(self, lang: str = "en") -> str:
        """The label in `lang`, falling back to English, because a list may lag a translation."""
        return self.labels.get(lang) or self.labels.get("en") or self.code


@dataclass(frozen=True)
class RefList:
    """One versioned list; `version` lets HQ tell which edition a device validated against."""

    name: str
    version: int
    items: tuple[RefItem, ...]
    _by_code: Mapping[str, RefItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", MappingProxyType({i.code: i for i in self.items}))

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[RefItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def codes(self) -> tuple[str, ...]:
        """All codes, retired ones included (what validation accepts)."""
        return tuple(i.code for i in self.items)

    def active(self) -> tuple[RefItem, ...]:
        """The items to offer in a picker for new input."""
        return tuple(i for i in self.items if not i.retired)

    def label(self, code: str, lang: str = "en") -> str:
        """Human label of a stored code; an unknown code is shown as itself, never hidden."""
        item = self._by_code.get(code)
        return item.label(lang) if item else code


@dataclass(frozen=True)
class RefLists:
    """The five lists, loaded together so validation sees one consistent edition."""

    harm_types: RefList
    platforms: RefList
    munitions: RefList
    source_types: RefList
    target_types: RefList

    def get(self, name: str) -> RefList:
        """A list by its file name, for UI code that is driven by list names."""
        if name not in LIST_NAMES:
            raise KeyError(f"no reference list named {name!r}")
        value = getattr(self, name)
        assert isinstance(value, RefList)
        return value


def _fail(path: Path, message: str) -> ValueError:
    return ValueError(f"reference list {path}: {message}")


def _parse_item(path: Path, index: int, raw: Any) -> RefItem:
    where = f"items[{index}]"
    if not isinstance(raw, dict):
        raise _fail(path, f"{where} must be an object")
    unknown = sorted(set(raw) - {"code", "labels", "retired"})
    if unknown:
        raise _fail(path, f"{where} has unknown key {unknown[0]!r}")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        raise _fail(
            path,
            f"{where}.code must be lower-case letters, digits and '_' starting with a letter "
            f"(got {code!r})",
        )
    labels = raw.get("labels")
    if not isinstance(labels, dict):
        raise _fail(path, f"{where} ({code}) has no labels object")
    for lang in REQUIRED_LANGUAGES:
        if lang not in labels:
            raise _fail(path, f"{where} ({code}) is missing the {lang!r} label")
    for lang, text in labels.items():
        if not _LANG_RE.fullmatch(lang):
            raise _fail(path, f"{where} ({code}) has an invalid language tag {lang!r}")
        if not isinstance(text, str) or not text.strip():
            raise _fail(path, f"{where} ({code}) has an empty {lang!r} label")
    retired = raw.get("retired", False)
    if not isinstance(retired, bool):
        raise _fail(path, f"{where} ({code}).retired must be true or false")
    return RefItem(code=code, labels=MappingProxyType(dict(labels)), retired=retired)


def load_reflist(path: Path, expected_name: str) -> RefList:
    """Read and check one list file; every problem raises ValueError naming the file."""
    try:
        if path.stat().st_size > _MAX_FILE_BYTES:
            raise _fail(path, f"file is larger than {_MAX_FILE_BYTES} bytes")
        data = loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise _fail(path, "file is missing") from exc
    except CanonicalJSONError as exc:
        raise _fail(path, f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _fail(path, "top level must be an object")
    unknown = sorted(set(data) - {"list", "version", "items"})
    if unknown:
        raise _fail(path, f"unknown key {unknown[0]!r}")
    if data.get("list") != expected_name:
        raise _fail(path, f"'list' must be {expected_name!r} (got {data.get('list')!r})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, f"'version' must be a whole number of at least 1 (got {version!r})")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _fail(path, "'items' must be a non-empty list")
    items: list[RefItem] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        item = _parse_item(path, index, raw)
        if item.code in seen:
            raise _fail(path, f"duplicate code {item.code!r} at items[{index}]")
        seen.add(item.code)
        items.append(item)
    return RefList(name=expected_name, version=version, items=tuple(items))


def load_reflists(directory: Path) -> RefLists:
    """All five lists from `<directory>/<name>.json` (normally `resources/reflists`)."""
    loaded = {name: load_reflist(directory / f"{name}.json", name) for name in LIST_NAMES}
    return RefLists(**loaded)
