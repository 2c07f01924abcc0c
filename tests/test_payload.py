"""Strict payload parsing (SECURITY.md E1-E7): every refusal with its line and reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fieldapp.domain import canonical
from sync.payload import (
    MAX_LINE,
    PayloadError,
    chain_seq,
    iter_records,
    parse_auditlog,
    parse_records,
    read_payload,
)

ID = "a" * 32
DEVICE = "b" * 32


def record(**changes: object) -> dict[str, object]:
    value: dict[str, object] = {
        "at": "2026-11-22T10:00:00Z",
        "author": "analyst-kestrel",
        "body": {"title": "x"},
        "deleted": False,
        "device": DEVICE,
        "kind": "incident",
        "reason": "created",
        "record_id": ID,
        "sha256": "c" * 64,
        "version": 1,
    }
    value.update(changes)
    return value


def lines(*values: object) -> io.BytesIO:
    return io.BytesIO(b"".join(canonical.dumps(v) + b"\n" for v in values))


def refused(data: bytes, match: str) -> None:
    with pytest.raises(PayloadError, match=match):
        parse_records(io.BytesIO(data))


def test_a_good_file_parses_in_order() -> None:
    parsed = parse_records(lines(record(), record(version=2), record(record_id="d" * 32)))
    assert [(r.record_id[0], r.version) for r in parsed] == [("a", 1), ("a", 2), ("d", 1)]
    assert parsed[0].body == {"title": "x"} and parsed[0].device == DEVICE


def test_e1_duplicate_keys() -> None:
    refused(b'{"at":"x","at":"y"}\n', "line 1: duplicate key 'at'")


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_e2_nan_and_infinity(token: str) -> None:
    refused(b'{"version":' + token.encode() + b"}\n", "is not allowed")


def test_e3_huge_integer_and_float() -> None:
    refused(b'{"version":' + b"9" * 5000 + b"}\n", "integer longer than")
    refused(b'{"version":1.0}\n', "float '1.0' is not allowed")
    big = canonical.dumps(record(version=2**63)) + b"\n"
    refused(big, "'version' must be between 1 and 2\\^63-1")


def test_e4_deep_nesting() -> None:
    refused(b'{"body":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "nesting")


def test_e5_long_line_and_too_many_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    long = canonical.dumps(record(reason="r" * MAX_LINE)) + b"\n"
    refused(long, f"line 1 is longer than {MAX_LINE:,} bytes")
    monkeypatch.setattr("sync.payload.MAX_RECORDS", 2)
    with pytest.raises(PayloadError, match="more than 2 lines"):
        parse_records(lines(record(), record(version=2), record(version=3)))


def test_e6_lone_surrogate_and_invalid_utf8() -> None:
    refused(b'{"reason":"\\ud800"}\n', "lone surrogate")
    refused(b'{"reason":"\xff"}\n', "not valid UTF-8")


def test_e7_same_version_twice_and_descending() -> None:
    with pytest.raises(PayloadError, match=r"line 2: version 1 of a{32} appears twice"):
        parse_records(lines(record(), record(reason="other")))
    with pytest.raises(PayloadError, match=r"line 2: version 1 of a{32} follows version 2"):
        parse_records(lines(record(version=2), record()))


def test_shape_rules() -> None:
    refused(canonical.dumps(record(extra=1)) + b"\n", "unknown key 'extra'")
    missing = record()
    del missing["sha256"]
    refused(canonical.dumps(missing) + b"\n", "no 'sha256'")
    refused(canonical.dumps(record(kind="spell")) + b"\n", "unknown record kind")
    refused(canonical.dumps(record(record_id="../x")) + b"\n", "not 32 lowercase hex")
    refused(canonical.dumps(record(deleted=True)) + b"\n", "tombstone")
    refused(canonical.dumps(record(deleted=1)) + b"\n", "'deleted' must be true or false")
    refused(b'{"at": "x"}\n', "not canonical JSON")
    refused(b"[1]\n", "not a JSON object")
    refused(canonical.dumps(record()), "does not end with a newline")
    refused(b"\n", "line 1 is empty")


def test_auditlog_contiguous_indexes() -> None:
    entry = {"type": "version", "at": "x"}
    parsed = parse_auditlog(lines({"entry": entry, "idx": 4}, {"entry": entry, "idx": 5}))
    assert [p.idx for p in parsed] == [4, 5] and parsed[0].data == canonical.dumps(entry)
    with pytest.raises(PayloadError, match="leaf 7 follows leaf 4"):
        parse_auditlog(lines({"entry": entry, "idx": 4}, {"entry": entry, "idx": 7}))
    with pytest.raises(PayloadError, match="exactly 'entry' and 'idx'"):
        parse_auditlog(lines({"entry": entry, "idx": 0, "x": 1}))
    with pytest.raises(PayloadError, match="has no 'type'"):
        parse_auditlog(lines({"entry": {}, "idx": 0}))


def test_chain_names() -> None:
    assert chain_seq("data/chain/12.note") == 12
    for bad in ("data/chain/0.note", "data/chain/012.note", "data/chain/x.note"):
        assert chain_seq(bad) is None
    assert chain_seq("data/chain/" + "9" * 19 + ".note") is None  # above 2^63-1


def test_read_payload_refuses_unknown_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("records.jsonl", "auditlog.jsonl"):
        (data / name).write_bytes(b"")
    (data / "checkpoint.note").write_text("note\n")
    names = ["data/records.jsonl", "data/auditlog.jsonl", "data/checkpoint.note"]
    assert read_payload(tmp_path, names).checkpoint == "note\n"
    (data / "extra.txt").write_text("x")
    with pytest.raises(PayloadError, match=r"unexpected file 'data/extra.txt'"):
        read_payload(tmp_path, [*names, "data/extra.txt"])
    with pytest.raises(PayloadError, match=r"has no data/checkpoint\.note"):
        read_payload(tmp_path, names[:2])


def test_a_file_changed_after_the_bag_check_is_refused(tmp_path: Path) -> None:
    import hashlib

    data = tmp_path / "data"
    data.mkdir()
    good = canonical.dumps(record()) + b"\n"
    (data / "records.jsonl").write_bytes(good)
    (data / "auditlog.jsonl").write_bytes(b"")
    (data / "checkpoint.note").write_text("note\n")
    names = ["data/records.jsonl", "data/auditlog.jsonl", "data/checkpoint.note"]
    digests = {"data/records.jsonl": hashlib.sha256(good).hexdigest()}
    payload = read_payload(tmp_path, names, digests)
    assert [r.record_id for r in payload.records()] == [ID]  # a second pass reads it again
    (data / "records.jsonl").write_bytes(canonical.dumps(record(reason="later")) + b"\n")
    with pytest.raises(PayloadError, match="changed after the bag was checked"):
        list(payload.records())


def test_log_line_bytes_are_the_entry_even_with_an_inner_idx_key() -> None:
    """The entry's bytes are cut from the canonical line; an `idx` key nested inside the entry
    must not be mistaken for the line's own."""
    entry = {"type": "note", "z": {"a": 1, "idx": 7}, "text": 'x,"idx":9'}
    line = canonical.dumps({"entry": entry, "idx": 0}) + b"\n"
    [parsed] = parse_auditlog(io.BytesIO(line))
    assert parsed.data == canonical.dumps(entry)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "x"},
        {"deleted": True, "body": {"deleted": False, "body": {}}},
        {"summary": 'a,"body":{"x":1},"deleted":false', "z": [{"deleted": 1}]},
        {"title": "دخان فوق السوق", "notes": '\\","deleted":'},
    ],
)
def test_record_body_bytes_are_the_canonical_body(body: dict[str, object]) -> None:
    """The body's bytes are cut from the canonical line: keys of the same name nested in the
    body, or the key text inside strings, must not move the cut."""
    for trusted in (False, True):
        stream = lines(record(body=body, reason='why ,"deleted":x'))
        [parsed] = iter_records(stream, trusted=trusted)
        assert parsed.body == body
        assert parsed.body_bytes == canonical.dumps(body), trusted
