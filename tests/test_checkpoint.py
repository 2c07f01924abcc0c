"""C2SP tlog-checkpoint bodies: exact format, strict parsing, and signing as a note."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.store.checkpoint import (
    MAX_TREE_SIZE,
    Checkpoint,
    CheckpointError,
    format_checkpoint,
    parse_checkpoint,
)
from fieldapp.store.merkle import Frontier, leaf_hash
from fieldapp.store.signednote import open_note, sign, verifier_for

ROOT = hashlib.sha256(b"root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()
ORIGIN = "fieldapp.local/device/7F3AKQ"


def test_format_is_the_exact_c2sp_layout() -> None:
    text = format_checkpoint(ORIGIN, 42, ROOT)
    assert text == f"{ORIGIN}\n42\n{ROOT_B64}\n"
    with_ext = format_checkpoint(ORIGIN, 0, ROOT, ["Timestamp: 2026-01-01T00:00:00Z", "x"])
    assert with_ext == f"{ORIGIN}\n0\n{ROOT_B64}\nTimestamp: 2026-01-01T00:00:00Z\nx\n"


def test_parse_round_trips() -> None:
    for size in (0, 1, 9, 10, 1234567, MAX_TREE_SIZE):
        for ext in ((), ("one",), ("one", "two: 2")):
            parsed = parse_checkpoint(format_checkpoint(ORIGIN, size, ROOT, ext))
            assert parsed == Checkpoint(ORIGIN, size, ROOT, ext)


def test_signed_checkpoint_of_a_real_tree_verifies() -> None:
    frontier = Frontier()
    for i in range(17):
        frontier.append(leaf_hash(f"change {i}".encode()))
    key = Ed25519PrivateKey.generate()
    body = format_checkpoint(ORIGIN, frontier.size, frontier.root())
    note = open_note(
        sign(body, "fieldapp.device/7F3AKQ", key), [verifier_for("fieldapp.device/7F3AKQ", key)]
    )
    cp = parse_checkpoint(note.text)
    assert (cp.size, cp.root) == (17, frontier.root())


BAD = {
    "no final newline": (f"{ORIGIN}\n1\n{ROOT_B64}", "end with a newline"),
    "too few lines": (f"{ORIGIN}\n1\n", "needs an origin"),
    "empty origin": (f"\n1\n{ROOT_B64}\n", "origin is empty"),
    "leading zero": (f"{ORIGIN}\n01\n{ROOT_B64}\n", "leading zero"),
    "plus sign": (f"{ORIGIN}\n+1\n{ROOT_B64}\n", "not a decimal"),
    "minus sign": (f"{ORIGIN}\n-1\n{ROOT_B64}\n", "not a decimal"),
    "spaces around size": (f"{ORIGIN}\n 1\n{ROOT_B64}\n", "not a decimal"),
    "underscore": (f"{ORIGIN}\n1_000\n{ROOT_B64}\n", "not a decimal"),
    "hex size": (f"{ORIGIN}\n0x10\n{ROOT_B64}\n", "not a decimal"),
    "arabic-indic digits": (f"{ORIGIN}\n\u0661\u0662\n{ROOT_B64}\n", "not a decimal"),
    "empty size": (f"{ORIGIN}\n\n{ROOT_B64}\n", "size line is empty"),
    "size over 64 bits": (f"{ORIGIN}\n{MAX_TREE_SIZE + 1}\n{ROOT_B64}\n", "64 bits"),
    "5000-digit size": (f"{ORIGIN}\n{'9' * 5000}\n{ROOT_B64}\n", "64 bits"),
    "short root": (f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n", "31 bytes"),
    "long root": (f"{ORIGIN}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n", "33 bytes"),
    "root not base64": (f"{ORIGIN}\n1\n{'!' * 44}\n", "not valid base64"),
    "root without padding": (f"{ORIGIN}\n1\n{ROOT_B64.rstrip('=')}\n", "base64"),
    "root hex": (f"{ORIGIN}\n1\n{ROOT.hex()}\n", "bytes"),
    "empty extension line": (f"{ORIGIN}\n1\n{ROOT_B64}\n\nx\n", "extension line 1 is empty"),
    "trailing blank line": (f"{ORIGIN}\n1\n{ROOT_B64}\n\n", "extension line 1 is empty"),
    "control char in origin": (f"fieldapp\t1\n1\n{ROOT_B64}\n", "control character"),
    "carriage return": (f"{ORIGIN}\r\n1\n{ROOT_B64}\n", "control character"),
}


def _non_canonical_root() -> str:
    # A 32-byte value encodes with one '=' and two unused low bits in the last character.
    last = ROOT_B64[-2]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return ROOT_B64[:-2] + alphabet[alphabet.index(last) | 1] + "="


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_checkpoints_are_rejected(case: str) -> None:
    text, message = BAD[case]
    with pytest.raises(CheckpointError, match=message):
        parse_checkpoint(text)


def test_non_canonical_root_encoding_is_rejected() -> None:
    text = f"{ORIGIN}\n1\n{_non_canonical_root()}\n"
    assert base64.b64decode(_non_canonical_root()) == ROOT  # same bytes, other spelling
    with pytest.raises(CheckpointError, match="not canonical"):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", 1, ROOT, ()), "origin is empty"),
        (("a\nb", 1, ROOT, ()), "control character"),
        ((ORIGIN, -1, ROOT, ()), "unsigned 64-bit"),
        ((ORIGIN, MAX_TREE_SIZE + 1, ROOT, ()), "unsigned 64-bit"),
        ((ORIGIN, True, ROOT, ()), "unsigned 64-bit"),
        ((ORIGIN, 1, ROOT[:16], ()), "32 bytes"),
        ((ORIGIN, 1, ROOT, ("",)), "extension line 1 is empty"),
        ((ORIGIN, 1, ROOT, ("ok", "bad\nline")), "extension line 2"),
    ],
)
def test_format_refuses_what_parse_would_reject(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        format_checkpoint(*args)  # type: ignore[arg-type]
