"""Canonical JSON: the only byte form that is ever hashed or signed.

Sorted keys, no insignificant white space, UTF-8, integers and strings only (no floats, no NaN):
two devices that hold the same record produce the same bytes, so the same SHA-256.
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring as _encode_string
from typing import Any

JSONValue = Any  # recursive JSON value: None | bool | int | str | list | dict


class CanonicalJSONError(ValueError):
    """The value cannot be written (or read) as canonical JSON."""


MAX_DEPTH = 64
MAX_INT_DIGITS = 30


_INT_LIMIT = 10**MAX_INT_DIGITS  # |n| below this has at most MAX_INT_DIGITS digits


def _check(value: JSONValue, depth: int = 0, texts: bool = True) -> None:
    """Refuse what canonical JSON cannot hold. `texts=False` skips the lone-surrogate test of
    strings, for callers that prove it another way (it is most of the cost on text-heavy
    records, and this runs for every record written or read)."""
    if depth > MAX_DEPTH:
        raise CanonicalJSONError(f"nesting deeper than {MAX_DEPTH}")
    kind = type(value)
    # Exact types first: records are made of these, and this is the hot path.
    if kind is str:
        if texts:
            _check_text(value)
        return
    if value is None or kind is bool:
        return
    if kind is int:
        if not -_INT_LIMIT < value < _INT_LIMIT:
            raise CanonicalJSONError(f"integer longer than {MAX_INT_DIGITS} digits")
        return
    if kind is dict:
        if value and depth >= MAX_DEPTH:  # its members would sit deeper than allowed
            raise CanonicalJSONError(f"nesting deeper than {MAX_DEPTH}")
        for key, item in value.items():
            if type(key) is not str:
                raise CanonicalJSONError(f"object key {key!r} is not a string")
            if texts:
                _check_text(key)
            # Strings and None inline: most members of a record are, and a call each is
            # most of the cost of this walk.
            member = type(item)
            if member is str:
                if texts:
                    _check_text(item)
            elif item is not None:
                _check(item, depth + 1, texts)
        return
    if kind is list:
        if value and depth >= MAX_DEPTH:
            raise CanonicalJSONError(f"nesting deeper than {MAX_DEPTH}")
        for item in value:
            member = type(item)
            if member is str:
                if texts:
                    _check_text(item)
            elif item is not None:
                _check(item, depth + 1, texts)
        return
    _check_other(value, depth, texts)


def _check_other(value: JSONValue, depth: int, texts: bool) -> None:
    """Subclasses (str or int enums, OrderedDict, tuples are not JSON) and the refusals."""
    if isinstance(value, float):
        raise CanonicalJSONError("floats are not allowed (use integers or decimal strings)")
    if isinstance(value, bool):
        return
    if isinstance(value, str):
        if texts:
            _check_text(value)
        return
    if isinstance(value, int):
        _check(int(value), depth, texts)
        return
    if isinstance(value, list):
        _check(list(value), depth, texts)
        return
    if isinstance(value, dict):
        _check(dict(value), depth, texts)
        return
    raise CanonicalJSONError(f"{type(value).__name__} is not a JSON value")


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates cannot be UTF-8
        raise CanonicalJSONError("text holds a lone surrogate") from exc


def dumps(value: JSONValue) -> bytes:
    """Canonical bytes of `value`; raises CanonicalJSONError instead of writing a float."""
    # Strings are not walked for lone surrogates: the final encode refuses them anyway.
    _check(value, texts=False)
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJSONError("text holds a lone surrogate") from exc


def string(value: str) -> bytes:
    """The canonical bytes of one JSON string, exactly as `dumps` writes it.

    For the few hot paths that write a fixed-shape object (a record version's hash preimage,
    a bundle line) by concatenation instead of walking a dict: same escaping (the json
    module's own C encoder), same refusal of lone surrogates.
    """
    if type(value) is not str:
        raise CanonicalJSONError(f"{type(value).__name__} is not a string")
    try:
        return _encode_string(value).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJSONError("text holds a lone surrogate") from exc


def integer(value: int) -> bytes:
    """The canonical bytes of one JSON integer (booleans and huge values refused)."""
    if type(value) is not int:
        raise CanonicalJSONError(f"{type(value).__name__} is not an integer")
    _check(value)
    return str(value).encode("ascii")


def boolean(value: bool) -> bytes:
    return b"true" if value else b"false"


class ObjectShape:
    """A fixed set of keys, written as canonical JSON from values that are canonical already.

    For hot paths (a version's hash preimage, a bundle's record line, a version's log entry):
    the keys are checked sorted and distinct once, when the shape is made, and `encode` only
    joins bytes, giving exactly what `dumps` writes for the same object.
    """

    def __init__(self, *keys: str) -> None:
        if list(keys) != sorted(set(keys)):
            raise CanonicalJSONError(f"object keys must be distinct and sorted: {list(keys)}")
        self.keys = keys
        # One bytes template, {"k1":%b,"k2":%b}: filling it is a single C-level operation.
        heads = [(b"{" if i == 0 else b",") + string(key) + b":" for i, key in enumerate(keys)]
        self._template = b"".join(head.replace(b"%", b"%%") + b"%b" for head in heads) + b"}"

    def encode(self, *values: bytes) -> bytes:
        if len(values) != len(self.keys):
            raise CanonicalJSONError(f"{len(self.keys)} values expected, got {len(values)}")
        return self._template % values


def _no_duplicates(pairs: list[tuple[str, JSONValue]]) -> dict[str, JSONValue]:
    result: dict[str, JSONValue] = {}
    for key, value in pairs:
        if key in result:
            raise CanonicalJSONError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_float(text: str) -> JSONValue:
    raise CanonicalJSONError(f"float {text!r} is not allowed")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise CanonicalJSONError(f"integer longer than {MAX_INT_DIGITS} digits")
    return int(text)


def _no_constant(text: str) -> JSONValue:
    raise CanonicalJSONError(f"{text} is not allowed")


def loads(data: bytes | str) -> JSONValue:
    """Strict parse: rejects duplicate keys, floats, NaN/Infinity, deep nesting, huge integers.

    Used on anything read back from the vault or (later) from a bundle, where a lenient parser
    would let two readers see two different records in the same bytes.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CanonicalJSONError("not valid UTF-8") from exc
    else:
        text = data
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_no_float,
            parse_int=_bounded_int,
            parse_constant=_no_constant,
        )
    except RecursionError as exc:
        raise CanonicalJSONError("nesting too deep") from exc
    except ValueError as exc:
        if isinstance(exc, CanonicalJSONError):
            raise
        raise CanonicalJSONError(f"not JSON: {exc}") from exc
    # A lone surrogate can only come from a \uD800-\uDFFF escape when the text came from
    # valid UTF-8 (or passed the encode test below), so strings are walked only if one exists.
    if not isinstance(data, bytes):
        _check_text(text)
    _check(value, texts=_SURROGATE_ESCAPE.search(text) is not None)
    return value


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
