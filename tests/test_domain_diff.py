"""Field-level diffs between record versions, as the history panel shows them."""

from __future__ import annotations

from fieldapp.domain.diff import Change, diff_records
from fieldapp.domain.model import Harm, Incident, Place, Victim, to_dict


def test_identical_records_have_no_changes() -> None:
    body = to_dict(Incident(title="Strike on market", place=Place(lat="33.3", lon="44.3")))
    assert diff_records(body, dict(body)) == []


def test_nested_leaf_changes_have_dotted_paths() -> None:
    old = to_dict(Incident(title="A", place=Place(lat="33.300000", lon="44.300000")))
    new_inc = Incident(title="B", place=Place(lat="33.310000", lon="44.300000"))
    new_inc.casualties.killed.women.max = 3
    changes = diff_records(old, to_dict(new_inc))
    assert changes == [
        Change("casualties.killed.women.max", None, 3),
        Change("place.lat", "33.300000", "33.310000"),
        Change("title", "A", "B"),
    ]


def test_lists_of_groups_compare_by_index() -> None:
    old = to_dict(Incident(title="t", victims=[Victim(name="Amal"), Victim(name="Omar", age=30)]))
    new = to_dict(
        Incident(
            title="t",
            victims=[Victim(name="Amal"), Victim(name="Omar", age=31), Victim(name="Rana")],
        )
    )
    changes = diff_records(old, new)
    assert changes[0] == Change("victims[1].age", 30, 31)
    assert changes[1].path == "victims[2]"
    assert changes[1].old is None
    assert changes[1].new["name"] == "Rana"
    assert len(changes) == 2
    removed = diff_records(new, old)
    assert removed[-1].path == "victims[2]"
    assert removed[-1].new is None


def test_lists_of_plain_values_change_as_a_whole() -> None:
    old = {"release": {"public": ["time", "place"]}}
    new = {"release": {"public": ["place"]}}
    assert diff_records(old, new) == [Change("release.public", ["time", "place"], ["place"])]


def test_first_version_and_tombstone() -> None:
    body = to_dict(Incident(title="New", harms=[Harm(type="death")]))
    created = {c.path: c for c in diff_records(None, body)}
    assert created["title"] == Change("title", None, "New")
    assert created["harms[0]"] == Change("harms[0]", None, {"type": "death", "mode": "direct"})
    # Unset fields that stay unset are not changes, even on the first version.
    assert "place.lat" not in created
    deleted = {c.path: c for c in diff_records(body, {})}
    assert deleted["title"] == Change("title", "New", None)
    assert diff_records(body, None) == diff_records(body, {})


def test_type_change_and_bool_versus_int_are_changes() -> None:
    assert diff_records({"a": 1}, {"a": True}) == [Change("a", 1, True)]
    assert diff_records({"a": {"b": 1}}, {"a": "flat"}) == [Change("a", {"b": 1}, "flat")]
    assert diff_records({"a": 1}, {"b": 1}) == [Change("a", 1, None), Change("b", None, 1)]


def test_missing_key_equals_empty_value() -> None:
    # A field added in a later release is absent from older versions: not a change when empty.
    assert diff_records({"title": "t"}, {"title": "t", "lessons": "", "tags": []}) == []
    assert diff_records({"title": "t"}, {"title": "t", "lessons": "x"}) == [
        Change("lessons", None, "x")
    ]
    # But an explicit value turning empty is a change.
    assert diff_records({"lessons": "x"}, {"lessons": ""}) == [Change("lessons", "x", "")]
