"""Canonical JSON: the bytes that are hashed and signed must be unique and strict."""

from __future__ import annotations

from typing import Any

import pytest

from fieldapp.domain.canonical import CanonicalJSONError, dumps, loads


def test_sorted_compact_utf8() -> None:
    assert dumps({"b": 1, "a": ["é", None, True]}) == '{"a":["é",null,true],"b":1}'.encode()


def test_same_content_same_bytes_regardless_of_key_order() -> None:
    assert dumps({"x": 1, "y": "z"}) == dumps({"y": "z", "x": 1}) == b'{"x":1,"y":"z"}'


@pytest.mark.parametrize("value", [1.5, {"a": 0.0}, [float("nan")]])
def test_floats_refused(value: object) -> None:
    with pytest.raises(CanonicalJSONError, match="float"):
        dumps(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a":1,"a":2}', "duplicate key"),
        ('{"a":1.5}', "float"),
        ('{"a":NaN}', "NaN"),
        ('{"a":Infinity}', "Infinity"),
        ("[" * 100 + "]" * 100, "nesting"),
        ('{"a":' + "9" * 5000 + "}", "integer longer"),
        ('"\\ud800"', "surrogate"),
    ],
)
def test_strict_parse(text: str, message: str) -> None:
    with pytest.raises(CanonicalJSONError, match=message):
        loads(text)


def test_invalid_utf8_refused() -> None:
    with pytest.raises(CanonicalJSONError, match="UTF-8"):
        loads(b'{"a":"\xff"}')


def test_round_trip() -> None:
    value = {"name": "محمد", "n": -3, "list": [{"k": "v"}], "flag": False}
    assert loads(dumps(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        "\ud800",
        {"k": ["ok", "\udfff"]},
        {"\udc00": 1},
    ],
)
def test_lone_surrogates_refused_when_writing(value: object) -> None:
    with pytest.raises(CanonicalJSONError, match="surrogate"):
        dumps(value)


@pytest.mark.parametrize(
    "text",
    [
        '{"a":["x","\\uDC01"]}',  # upper-case escape, nested
        '{"\\udbff":1}',  # in a key
        '"\ud800"',  # a str given directly, holding a raw lone surrogate
    ],
)
def test_lone_surrogates_refused_when_reading(text: str) -> None:
    with pytest.raises(CanonicalJSONError, match="surrogate"):
        loads(text)


def test_escaped_pairs_and_large_integers_at_the_limit() -> None:
    assert loads('"\\ud83d\\ude00"') == "\U0001f600"  # a proper pair is one character
    assert loads(dumps(10**30 - 1)) == 10**30 - 1
    with pytest.raises(CanonicalJSONError, match="integer longer"):
        dumps(-(10**30))


TRICKY = [
    "",
    "plain",
    'quote " and backslash \\ and slash /',
    "line\nbreak\ttab\x00nul\x1f",
    "\u202eRTL override\u200b zero width",
    "مرحبا — Ωmega 😀",
    "\u2028\u2029",
]


@pytest.mark.parametrize("text", TRICKY)
def test_string_writes_what_dumps_writes(text: str) -> None:
    from fieldapp.domain.canonical import string

    assert string(text) == dumps(text)


def test_string_integer_boolean_refuse_what_dumps_refuses() -> None:
    from fieldapp.domain.canonical import boolean, integer, string

    with pytest.raises(CanonicalJSONError, match="surrogate"):
        string("\udc80")
    with pytest.raises(CanonicalJSONError):
        string(3)  # type: ignore[arg-type]
    with pytest.raises(CanonicalJSONError):
        integer(True)
    with pytest.raises(CanonicalJSONError, match="integer longer"):
        integer(10**40)
    assert integer(-12) == dumps(-12)
    assert (boolean(True), boolean(False)) == (dumps(True), dumps(False))


@pytest.mark.parametrize("text", TRICKY)
def test_stored_version_hash_equals_the_hash_of_the_parsed_version(text: str) -> None:
    from fieldapp.store.records import stored_version_sha256, version_sha256

    meta: dict[str, Any] = {
        "record_id": "0" * 32,
        "kind": "incident",
        "version": 7,
        "author": text,
        "device_id": "f" * 32,
        "at": "2026-11-22T13:00:00Z",
        "reason": text,
        "deleted": False,
    }
    body = {"title": text, "n": [1, {"z": text, "a": None}]}
    assert stored_version_sha256(**meta, body_bytes=dumps(body)) == version_sha256(
        **meta, body=body
    )
    # One byte of the body different (same JSON value, not canonical): another hash.
    spaced = dumps(body).replace(b":", b": ", 1)
    assert stored_version_sha256(**meta, body_bytes=spaced) != version_sha256(**meta, body=body)


def test_depth_limit_counts_scalars_inside_the_deepest_container() -> None:
    from fieldapp.domain.canonical import MAX_DEPTH

    def nested(levels: int, leaf: object) -> object:
        value = leaf
        for _ in range(levels):
            value = [value]
        return value

    assert loads(dumps(nested(MAX_DEPTH, "x"))) == nested(MAX_DEPTH, "x")
    for leaf in ("x", None, 1):
        with pytest.raises(CanonicalJSONError, match="nesting"):
            dumps(nested(MAX_DEPTH + 1, leaf))


def test_object_shape_writes_dumps_and_refuses_unsorted_keys() -> None:
    from fieldapp.domain.canonical import ObjectShape, string

    shape = ObjectShape("a", "b")
    assert shape.encode(b"1", string("x")) == dumps({"b": "x", "a": 1})
    with pytest.raises(CanonicalJSONError, match="values expected"):
        shape.encode(b"1")
    with pytest.raises(CanonicalJSONError, match="sorted"):
        ObjectShape("b", "a")
    with pytest.raises(CanonicalJSONError, match="distinct"):
        ObjectShape("a", "a")
