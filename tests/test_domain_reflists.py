"""Reference lists: the bundled files load, and a bad file is refused naming the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fieldapp.domain.reflists import LIST_NAMES, load_reflists
from fieldapp.reflists import bundled_reflists
from fieldapp.resources import resource

HARM_TYPES = [
    "death",
    "injury",
    "damage_civilian_property",
    "damage_infrastructure",
    "disruption_water",
    "disruption_power",
    "disruption_health",
    "disruption_education",
    "disruption_food",
    "displacement",
    "loss_of_livelihood",
    "psychological_harm",
    "environmental_harm",
    "other",
]
SOURCE_TYPES = [
    "on_site_visit",
    "witness",
    "open_source",
    "media",
    "ngo_monitor",
    "un",
    "local_authority",
    "after_action_report",
    "military_intelligence",
    "other",
]


def test_bundled_lists_load_and_are_cached() -> None:
    lists = bundled_reflists()
    assert bundled_reflists() is lists
    assert list(lists.harm_types.codes()) == HARM_TYPES
    assert list(lists.source_types.codes()) == SOURCE_TYPES
    for name in LIST_NAMES:
        reflist = lists.get(name)
        assert reflist.name == name
        assert reflist.version >= 1
        for item in reflist:
            assert item.labels["en"].strip()
            assert item.labels["nl"].strip()
    assert {"uav_armed", "rocket_artillery", "artillery", "unknown"} <= set(lists.platforms.codes())
    assert {"guided_bomb", "cluster_munition", "ied", "loitering_munition"} <= set(
        lists.munitions.codes()
    )
    assert "unknown" in lists.target_types


def test_labels_by_language_with_fallback() -> None:
    lists = bundled_reflists()
    assert lists.harm_types.label("death") == "Death"
    assert lists.harm_types.label("death", "nl") == "Dood"
    assert lists.harm_types.label("death", "ar") == "Death"  # no Arabic yet: English
    assert lists.harm_types.label("no_such_code") == "no_such_code"
    with pytest.raises(KeyError, match="no reference list named 'colours'"):
        lists.get("colours")


@pytest.fixture()
def list_dir(tmp_path: Path) -> Path:
    """A writable copy of the bundled lists, to break one file at a time."""
    target = tmp_path / "reflists"
    shutil.copytree(resource("reflists"), target)
    return target


def _edit(list_dir: Path, name: str, change: Any) -> Path:
    path = list_dir / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_copy_loads_like_the_bundle(list_dir: Path) -> None:
    assert load_reflists(list_dir) == bundled_reflists()


def test_hq_can_extend_a_list_and_retire_a_code(list_dir: Path) -> None:
    def extend(data: dict[str, Any]) -> None:
        data["version"] = 2
        data["items"].append(
            {"code": "glide_bomb", "labels": {"en": "Glide bomb", "nl": "Glijbom", "ar": "قنبلة"}}
        )
        data["items"][0]["retired"] = True

    _edit(list_dir, "munitions", extend)
    munitions = load_reflists(list_dir).munitions
    assert munitions.version == 2
    assert "glide_bomb" in munitions
    assert munitions.label("glide_bomb", "ar") == "قنبلة"
    first = munitions.items[0]
    assert first.retired
    assert first.code in munitions  # still valid for old records
    assert first not in munitions.active()


def _dup(data: dict[str, Any]) -> None:
    data["items"].append(dict(data["items"][0]))


def _no_nl(data: dict[str, Any]) -> None:
    del data["items"][1]["labels"]["nl"]


def _empty_label(data: dict[str, Any]) -> None:
    data["items"][1]["labels"]["en"] = "  "


def _wrong_name(data: dict[str, Any]) -> None:
    data["list"] = "platforms"


def _bad_version(data: dict[str, Any]) -> None:
    data["version"] = 0


def _bad_code(data: dict[str, Any]) -> None:
    data["items"][0]["code"] = "Death!"


def _extra_key(data: dict[str, Any]) -> None:
    data["items"][0]["colour"] = "red"


def _no_items(data: dict[str, Any]) -> None:
    data["items"] = []


def _bad_lang(data: dict[str, Any]) -> None:
    data["items"][0]["labels"]["English"] = "Death"


def _bad_retired(data: dict[str, Any]) -> None:
    data["items"][0]["retired"] = "yes"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_dup, "duplicate code 'death' at items[14]"),
        (_no_nl, "items[1] (injury) is missing the 'nl' label"),
        (_empty_label, "items[1] (injury) has an empty 'en' label"),
        (_wrong_name, "'list' must be 'harm_types' (got 'platforms')"),
        (_bad_version, "'version' must be a whole number of at least 1"),
        (_bad_code, "items[0].code must be lower-case letters"),
        (_extra_key, "items[0] has unknown key 'colour'"),
        (_no_items, "'items' must be a non-empty list"),
        (_bad_lang, "invalid language tag 'English'"),
        (_bad_retired, "retired must be true or false"),
    ],
)
def test_bad_list_is_refused_naming_the_file(list_dir: Path, change: Any, message: str) -> None:
    path = _edit(list_dir, "harm_types", change)
    with pytest.raises(ValueError) as info:
        load_reflists(list_dir)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_and_invalid_json(list_dir: Path) -> None:
    (list_dir / "platforms.json").unlink()
    with pytest.raises(ValueError, match=r"platforms\.json: file is missing"):
        load_reflists(list_dir)
    (list_dir / "platforms.json").write_text('{"list": "platforms", "list": "x"}')
    with pytest.raises(ValueError, match=r"platforms\.json: not valid JSON: duplicate key"):
        load_reflists(list_dir)
    (list_dir / "platforms.json").write_text('{"list": "platforms", "version": 1.5, "items": []}')
    with pytest.raises(ValueError, match=r"platforms\.json: not valid JSON: float"):
        load_reflists(list_dir)
    (list_dir / "platforms.json").write_bytes(b"\xff\xfe")
    with pytest.raises(ValueError, match=r"platforms\.json: not valid JSON: not valid UTF-8"):
        load_reflists(list_dir)
