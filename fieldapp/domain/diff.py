"""Field-level differences between two versions of a record, for the history panel.

Records are stored whole, version after version; reviewers need to see what changed, in the
names they know from the editor ("place.lat", "victims[0].name"), not two JSON blobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MISSING: Any = None  # a key absent on one side reads as None, like an unset field


@dataclass(frozen=True)
class Change:
    """One changed leaf: `old` is None when the value was added, `new` None when removed."""

    path: str
    old: Any
    new: Any


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _is_dict_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _walk(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            o = old.get(key, _MISSING)
            n = new.get(key, _MISSING)
            # A key missing on one side (first version, tombstone, or a field added in a later
            # release) against an empty value is not a change: it would flood the history
            # with "None -> ''" for every field nobody filled in.
            if (key not in old and _is_empty(n)) or (key not in new and _is_empty(o)):
                continue
            # A whole group missing on one side (an older record, or the first version):
            # compare against an empty group so each leaf still shows on its own.
            if o is None and isinstance(n, dict):
                o = {}
            if n is None and isinstance(o, dict):
                n = {}
            # Likewise rows of a missing list show as rows added ("harms[0]") or removed.
            if o is None and _is_dict_list(n) and n:
                o = []
            if n is None and _is_dict_list(o) and o:
                n = []
            _walk(o, n, _join(path, str(key)), out)
        return
    if _is_dict_list(old) and _is_dict_list(new) and (old or new):
        # Lists of groups (victims, sources, ...) are compared by position: the editor shows
        # them as numbered rows, so "victims[1].age" is what a reviewer can find again. An
        # added or removed row is one change holding the whole row.
        for index in range(max(len(old), len(new))):
            item_path = f"{path}[{index}]"
            if index >= len(old):
                out.append(Change(item_path, None, new[index]))
            elif index >= len(new):
                out.append(Change(item_path, old[index], None))
            else:
                _walk(old[index], new[index], item_path, out)
        return
    # Leaves, and lists of plain values (harm modes, release groups): one change for the whole
    # list, since "release.public[1]" would mean nothing once an element is removed.
    if old != new or type(old) is not type(new):
        out.append(Change(path, old, new))


def diff_records(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    """Every changed leaf between two record bodies, in a stable order (sorted keys).

    `old` None is the first version (everything is new); `new` None (or `{}`) is a tombstone.
    """
    changes: list[Change] = []
    _walk(old or {}, new or {}, "", changes)
    return changes
