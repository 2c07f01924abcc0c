"""C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint).

A checkpoint names the log (origin), its size and its Merkle root; signed as a note it is the
device's commitment to its whole audit history. Parsing is strict for the same reason as in
`signednote`: checkpoints arrive in bundles from the field and must have exactly one reading.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from fieldapp.errors import FieldappError

ROOT_SIZE = 32
MAX_TREE_SIZE = (1 << 64) - 1  # the size is a uint64 in every tlog implementation


class CheckpointError(FieldappError, ValueError):
    """A checkpoint body is malformed; the message names the offending line."""


@dataclass(frozen=True)
class Checkpoint:
    """A parsed checkpoint body; `root` is the raw 32-byte tree head."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()


def _check_line(text: str, what: str) -> None:
    if not text:
        raise CheckpointError(f"{what} is empty")
    for ch in text:
        if ch < " " or ch == "\x7f":
            raise CheckpointError(f"{what} holds a control character (U+{ord(ch):04X})")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CheckpointError(f"{what} is not valid UTF-8 (lone surrogate)") from exc


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The checkpoint body to sign; refuses values that `parse_checkpoint` would reject, so we
    never sign something a verifier cannot read back."""
    _check_line(origin, "origin")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {size!r} is not an unsigned 64-bit integer")
    if not isinstance(root, bytes) or len(root) != ROOT_SIZE:
        raise CheckpointError(f"root hash must be {ROOT_SIZE} bytes")
    for i, ext in enumerate(extensions):
        _check_line(ext, f"extension line {i + 1}")
    lines = [origin, str(size), base64.b64encode(root).decode("ascii"), *extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body strictly: origin, decimal size (no sign, no leading zeros),
    canonical base64 of a 32-byte root, then optional non-empty extension lines."""
    if not isinstance(text, str):
        raise CheckpointError("a checkpoint must be text")
    if not text.endswith("\n"):
        raise CheckpointError("the checkpoint does not end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint needs an origin, a size and a root hash line")
    origin, size_text, root_text, *extensions = lines
    _check_line(origin, "origin")
    _check_line(size_text, "size line")
    if not size_text.isascii() or not size_text.isdigit():
        raise CheckpointError(f"tree size {size_text!r} is not a decimal number")
    if len(size_text) > 1 and size_text[0] == "0":
        raise CheckpointError(f"tree size {size_text!r} has a leading zero")
    # Check the length before int(): a 5,000-digit line must not reach the conversion.
    if len(size_text) > len(str(MAX_TREE_SIZE)) or int(size_text) > MAX_TREE_SIZE:
        raise CheckpointError(f"tree size {size_text[:30]} does not fit in 64 bits")
    size = int(size_text)
    _check_line(root_text, "root hash line")
    try:
        root = base64.b64decode(root_text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise CheckpointError("root hash is not valid base64") from exc
    if base64.b64encode(root).decode("ascii") != root_text:
        raise CheckpointError("root hash is not canonical base64")
    if len(root) != ROOT_SIZE:
        raise CheckpointError(f"root hash is {len(root)} bytes, not {ROOT_SIZE}")
    for i, ext in enumerate(extensions):
        _check_line(ext, f"extension line {i + 1}")
    return Checkpoint(origin=origin, size=size, root=root, extensions=tuple(extensions))
