"""RFC 6962 / RFC 9162 Merkle tree maths for the tamper-evident audit log.

Every change in the vault appends one leaf; the tree root, signed as a checkpoint, commits the
device to the whole history. Anyone holding an old checkpoint can then demand a consistency proof
that the new tree only *extends* the old one, so rewriting history is detectable.

The hashing follows RFC 6962 exactly (leaf prefix 0x00, node prefix 0x01, SHA-256) so the log can
be checked with any standard transparency-log tool, not just ours. Nothing here touches the
database: the store persists a `Frontier` and the leaf hashes and calls these pure functions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

HASH_SIZE = 32

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

# Root of the empty tree, fixed by RFC 6962 section 2.1 as the hash of the empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """Hash one log entry; the 0x00 prefix stops a leaf ever being passed off as an inner node."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two children; the 0x01 prefix separates inner nodes from leaves (second preimages)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    # k in RFC 6962: the largest power of two strictly smaller than n (n >= 2).
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    for i, h in enumerate(hashes):
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ValueError(f"{what}[{i}] is not a {HASH_SIZE}-byte SHA-256 hash")


class Frontier:
    """The right edge of a growing tree: one hash per complete subtree, largest (leftmost) first.

    This is all the state needed to append a leaf and compute the root in O(log n) time and
    space, so the vault never re-reads the whole log on a save. The number of stored hashes is
    always the number of one bits in `size`.
    """

    __slots__ = ("_nodes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._nodes: list[bytes] = []

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash (from `leaf_hash`); equal-sized subtrees merge like a binary carry."""
        if not isinstance(leaf, bytes) or len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash must be {HASH_SIZE} bytes")
        h = leaf
        n = self._size
        # Each trailing one bit of the old size is a complete subtree of the same height as `h`.
        while n & 1:
            h = node_hash(self._nodes.pop(), h)
            n >>= 1
        self._nodes.append(h)
        self._size += 1

    def root(self) -> bytes:
        """Tree head (MTH) for the current size; equals `root_of` over the same leaves."""
        if not self._nodes:
            return EMPTY_ROOT
        # Fold right to left: the rightmost, smallest subtree is the right child at each level.
        h = self._nodes[-1]
        for left in reversed(self._nodes[:-1]):
            h = node_hash(left, h)
        return h

    def copy(self) -> Frontier:
        """Independent copy, so a caller can compute a tentative root without committing it."""
        other = Frontier()
        other._size = self._size
        other._nodes = list(self._nodes)
        return other

    def to_json(self) -> str:
        """Serialise as `{"size": n, "nodes": [hex, ...]}`: the size cannot be inferred from the
        hashes alone, and keeping both lets `from_json` refuse a damaged row."""
        return json.dumps(
            {"size": self._size, "nodes": [h.hex() for h in self._nodes]},
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Frontier:
        """Rebuild a frontier stored by `to_json`, rejecting anything inconsistent rather than
        silently continuing a log from a wrong state."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"frontier is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or set(data) != {"size", "nodes"}:
            raise ValueError('frontier must be an object with exactly "size" and "nodes"')
        size, nodes = data["size"], data["nodes"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ValueError("frontier size must be a non-negative integer")
        if not isinstance(nodes, list) or not all(isinstance(x, str) for x in nodes):
            raise ValueError("frontier nodes must be a list of hex strings")
        if len(nodes) != size.bit_count():
            raise ValueError(
                f"frontier of size {size} needs {size.bit_count()} hashes, found {len(nodes)}"
            )
        hashes: list[bytes] = []
        for i, item in enumerate(nodes):
            if len(item) != 2 * HASH_SIZE or item != item.lower():
                raise ValueError(f"frontier node {i} is not 64 lowercase hex characters")
            try:
                hashes.append(bytes.fromhex(item))
            except ValueError as exc:
                raise ValueError(f"frontier node {i} is not hex") from exc
        frontier = cls()
        frontier._size = size
        frontier._nodes = hashes
        return frontier

    @classmethod
    def from_leaves(cls, leaves: Sequence[bytes]) -> Frontier:
        """Frontier after appending `leaves` in order (used when rebuilding from the log table)."""
        frontier = cls()
        for leaf in leaves:
            frontier.append(leaf)
        return frontier

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frontier):
            return NotImplemented
        return self._size == other._size and self._nodes == other._nodes

    def __hash__(self) -> int:
        return hash((self._size, tuple(self._nodes)))

    def __repr__(self) -> str:
        return f"Frontier(size={self._size}, root={self.root().hex()})"


def _mth(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    # MTH(D[lo:hi]) by the recursive definition; recursion depth is only log2(hi - lo).
    n = hi - lo
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[lo]
    k = _largest_power_of_two_below(n)
    return node_hash(_mth(leaves, lo, lo + k), _mth(leaves, lo + k, hi))


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """Root of the tree over all `leaf_hashes`; used to recompute the log from scratch on verify."""
    _check_hashes(leaf_hashes, "leaf_hashes")
    return _mth(leaf_hashes, 0, len(leaf_hashes))


def _check_size(size: int, leaves: Sequence[bytes]) -> None:
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    if size > len(leaves):
        raise ValueError(f"tree size {size} is larger than the {len(leaves)} leaves given")
    _check_hashes(leaves[:size], "leaves")


def inclusion_proof(index: int, size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Audit path (RFC 6962 PATH) proving leaf `index` is in the tree of the first `size` leaves.

    Lets a reader check one entry against a signed checkpoint without the rest of the log.
    """
    _check_size(size, leaves)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    proof: list[bytes] = []
    lo, hi, m = 0, size, index
    # Walk down from the root; the sibling subtree at each level goes on the proof, deepest first.
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if m < k:
            proof.append(_mth(leaves, lo + k, hi))
            hi = lo + k
        else:
            proof.append(_mth(leaves, lo, lo + k))
            lo, m = lo + k, m - k
    proof.reverse()
    return proof


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """True iff `proof` shows `leaf_hash` at `index` in the tree of `size` with head `root`.

    Implements RFC 9162 section 2.1.3.2; any malformed input yields False, never an exception,
    because proofs arrive from untrusted bundles.
    """
    if not (0 <= index < size) or len(leaf_hash) != HASH_SIZE or len(root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Skip levels where this node has no right sibling (the right edge of the tree).
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def consistency_proof(old_size: int, new_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Proof (RFC 6962 PROOF) that the tree of `new_size` leaves extends the one of `old_size`.

    This is what stops a device or an insider from quietly rewriting past entries after a
    checkpoint was handed to HQ. Empty when `old_size` is 0 or equal to `new_size`.
    """
    _check_size(new_size, leaves)
    if not 0 <= old_size <= new_size:
        raise ValueError(f"old size {old_size} must be between 0 and the new size {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    proof: list[bytes] = []
    lo, hi, m = 0, new_size, old_size
    complete = True  # RFC 6962 SUBPROOF flag b: is the old tree a whole subtree so far?
    while m != hi - lo:
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            proof.append(_mth(leaves, lo + k, hi))
            hi = lo + k
        else:
            proof.append(_mth(leaves, lo, lo + k))
            lo, m = lo + k, m - k
            complete = False
    if not complete:
        proof.append(_mth(leaves, lo, hi))
    proof.reverse()
    return proof


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True iff `proof` shows the tree (`new_size`, `new_root`) extends (`old_size`, `old_root`).

    Implements RFC 9162 section 2.1.4.2; malformed input yields False, never an exception.
    """
    if len(old_root) != HASH_SIZE or len(new_root) != HASH_SIZE:
        return False
    if any(len(p) != HASH_SIZE for p in proof):
        return False
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        # Every tree extends the empty one; the old root must still be the empty-tree root.
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # old tree is a complete subtree: its root starts the path
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
