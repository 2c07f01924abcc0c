"""RFC 6962 Merkle maths checked against the RFC's own recursive definitions and test vectors."""

from __future__ import annotations

import hashlib
import random

import pytest

from fieldapp.store.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# --- an independent reference: RFC 6962 section 2.1, written as literally as possible ------------


def ref_k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    """MTH over raw entries, straight from RFC 6962 2.1 (no shared code with the module)."""
    n = len(d)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = ref_k(n)
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = ref_k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = ref_k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def entries(n: int) -> list[bytes]:
    # Entries of varied length, so a leaf-length bug cannot hide behind uniform data.
    return [f"entry-{i}".encode() * (1 + i % 3) for i in range(n)]


def flipped(b: bytes, pos: int = 0) -> bytes:
    return b[:pos] + bytes([b[pos] ^ 0x01]) + b[pos + 1 :]


ENTRIES = entries(300)
LEAVES = [leaf_hash(e) for e in ENTRIES]

# --- RFC 6962 test vectors (as used by the certificate-transparency reference implementations) ---

VECTOR_ENTRIES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
VECTOR_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_empty_tree_root_is_hash_of_empty_string() -> None:
    assert Frontier().root() == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert root_of([]) == EMPTY_ROOT
    assert Frontier().size == 0


def test_leaf_and_node_hashes_use_the_rfc_prefixes() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    # Domain separation: the same bytes hashed as a leaf and as a node must differ.
    assert leaf_hash(left + right) != node_hash(left, right)


def test_published_rfc6962_roots() -> None:
    leaves = [leaf_hash(e) for e in VECTOR_ENTRIES]
    frontier = Frontier()
    for n, expected in enumerate(VECTOR_ROOTS, start=1):
        frontier.append(leaves[n - 1])
        assert frontier.root().hex() == expected
        assert root_of(leaves[:n]).hex() == expected


def test_frontier_matches_recursive_definition_for_every_size_up_to_300() -> None:
    frontier = Frontier()
    assert frontier.root() == ref_mth([])
    for n in range(1, 301):
        frontier.append(LEAVES[n - 1])
        expected = ref_mth(ENTRIES[:n])
        assert frontier.size == n
        assert frontier.root() == expected, n
        assert root_of(LEAVES[:n]) == expected, n


def test_frontier_json_round_trip_then_keeps_growing() -> None:
    frontier = Frontier()
    for n in range(0, 70):
        restored = Frontier.from_json(frontier.to_json())
        assert restored == frontier
        assert restored.size == n and restored.root() == frontier.root()
        # A restored frontier must continue exactly like the original.
        restored.append(LEAVES[n])
        frontier.append(LEAVES[n])
        assert restored.root() == frontier.root() == ref_mth(ENTRIES[: n + 1])


def test_frontier_copy_is_independent() -> None:
    frontier = Frontier.from_leaves(LEAVES[:5])
    tentative = frontier.copy()
    tentative.append(LEAVES[5])
    assert frontier.size == 5 and frontier.root() == ref_mth(ENTRIES[:5])
    assert tentative.root() == ref_mth(ENTRIES[:6])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not valid JSON"),
        ("[]", "exactly"),
        ('{"size": 1}', "exactly"),
        ('{"size": -1, "nodes": []}', "non-negative"),
        ('{"size": true, "nodes": []}', "non-negative"),
        ('{"size": 3, "nodes": ["' + "00" * 32 + '"]}', "needs 2 hashes"),
        ('{"size": 1, "nodes": ["' + "0" * 63 + '"]}', "64 lowercase hex"),
        ('{"size": 1, "nodes": ["' + "AB" * 32 + '"]}', "64 lowercase hex"),
        ('{"size": 1, "nodes": ["' + "zz" * 32 + '"]}', "not hex"),
        ('{"size": 1, "nodes": [5]}', "list of hex"),
    ],
)
def test_frontier_from_json_rejects_damage(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Frontier.from_json(text)


def test_frontier_rejects_a_leaf_that_is_not_a_hash() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier().append(b"short")


def test_every_inclusion_proof_matches_rfc_path_and_verifies() -> None:
    for n in range(1, 65):
        root = ref_mth(ENTRIES[:n])
        for i in range(n):
            proof = inclusion_proof(i, n, LEAVES)
            assert proof == ref_path(i, ENTRIES[:n]), (i, n)
            assert verify_inclusion(i, n, LEAVES[i], proof, root), (i, n)


@pytest.mark.parametrize("n", [65, 127, 128, 129, 255, 256, 257, 300])
def test_inclusion_proofs_in_larger_trees(n: int) -> None:
    root = Frontier.from_leaves(LEAVES[:n]).root()
    for i in sorted({0, 1, n // 2, n - 2, n - 1, *random.Random(n).sample(range(n), 10)}):
        proof = inclusion_proof(i, n, LEAVES)
        assert proof == ref_path(i, ENTRIES[:n])
        assert verify_inclusion(i, n, LEAVES[i], proof, root)


def test_inclusion_proof_fails_when_any_byte_changes() -> None:
    for n in (1, 2, 3, 5, 8, 13, 33):
        root = ref_mth(ENTRIES[:n])
        for i in range(n):
            proof = inclusion_proof(i, n, LEAVES)
            for j in range(len(proof)):
                for pos in (0, 31):
                    bad = [*proof[:j], flipped(proof[j], pos), *proof[j + 1 :]]
                    assert not verify_inclusion(i, n, LEAVES[i], bad, root)
            assert not verify_inclusion(i, n, flipped(LEAVES[i]), proof, root)
            assert not verify_inclusion(i, n, LEAVES[i], proof, flipped(root, 17))


def test_inclusion_proof_fails_for_wrong_position_size_or_length() -> None:
    n = 13
    root = ref_mth(ENTRIES[:n])
    proof = inclusion_proof(5, n, LEAVES)
    assert not verify_inclusion(6, n, LEAVES[5], proof, root)
    # A size with a different tree shape fails. (Sizes sharing the shape, such as 13 and 14 here,
    # cannot be told apart by the proof alone: RFC 9162 binds the size through the signed
    # checkpoint, which is why the store always checks proofs against a checkpoint's size.)
    assert not verify_inclusion(5, 17, LEAVES[5], proof, root)
    assert not verify_inclusion(5, 8, LEAVES[5], proof, root)
    assert not verify_inclusion(5, n, LEAVES[5], proof[:-1], root)
    assert not verify_inclusion(5, n, LEAVES[5], [*proof, proof[0]], root)
    assert not verify_inclusion(n, n, LEAVES[5], proof, root)
    assert not verify_inclusion(-1, n, LEAVES[5], proof, root)
    assert not verify_inclusion(5, n, LEAVES[5], [p[:31] for p in proof], root)
    # A one-leaf tree: the leaf is the root and the proof is empty.
    assert verify_inclusion(0, 1, LEAVES[0], [], LEAVES[0])
    assert not verify_inclusion(0, 1, LEAVES[0], [LEAVES[1]], LEAVES[0])


def test_every_consistency_proof_matches_rfc_proof_and_verifies() -> None:
    for n in range(1, 65):
        new_root = ref_mth(ENTRIES[:n])
        for m in range(0, n + 1):
            proof = consistency_proof(m, n, LEAVES)
            expected = [] if m in (0, n) else ref_subproof(m, ENTRIES[:n], True)
            assert proof == expected, (m, n)
            assert verify_consistency(m, n, ref_mth(ENTRIES[:m]), new_root, proof), (m, n)


@pytest.mark.parametrize("n", [100, 256, 300])
def test_consistency_proofs_in_larger_trees(n: int) -> None:
    new_root = root_of(LEAVES[:n])
    for m in sorted({1, 2, 64, 99, 100, n - 1, *random.Random(n).sample(range(1, n), 10)}):
        proof = consistency_proof(m, n, LEAVES)
        assert proof == ref_subproof(m, ENTRIES[:n], True)
        assert verify_consistency(m, n, root_of(LEAVES[:m]), new_root, proof)


def test_consistency_proof_fails_when_any_byte_changes() -> None:
    for n in (2, 3, 5, 8, 9, 17, 31):
        new_root = ref_mth(ENTRIES[:n])
        for m in range(1, n):
            old_root = ref_mth(ENTRIES[:m])
            proof = consistency_proof(m, n, LEAVES)
            for j in range(len(proof)):
                for pos in (0, 31):
                    bad = [*proof[:j], flipped(proof[j], pos), *proof[j + 1 :]]
                    assert not verify_consistency(m, n, old_root, new_root, bad), (m, n, j)
            assert not verify_consistency(m, n, flipped(old_root), new_root, proof)
            assert not verify_consistency(m, n, old_root, flipped(new_root, 9), proof)


def test_consistency_detects_a_rewritten_history() -> None:
    # The attack the audit log exists for: change entry 3 after a checkpoint at size 8.
    old_root = root_of(LEAVES[:8])
    forged = [*LEAVES[:20]]
    forged[3] = leaf_hash(b"rewritten")
    proof = consistency_proof(8, 20, forged)
    assert not verify_consistency(8, 20, old_root, root_of(forged), proof)
    # The honest log passes.
    assert verify_consistency(
        8, 20, old_root, root_of(LEAVES[:20]), consistency_proof(8, 20, LEAVES)
    )


def test_consistency_edge_cases() -> None:
    root5 = root_of(LEAVES[:5])
    assert verify_consistency(5, 5, root5, root5, [])
    assert not verify_consistency(5, 5, root5, flipped(root5), [])
    assert not verify_consistency(5, 5, root5, root5, [LEAVES[0]])
    assert verify_consistency(0, 5, EMPTY_ROOT, root5, [])
    assert not verify_consistency(0, 5, LEAVES[0], root5, [])
    assert not verify_consistency(6, 5, root5, root5, [])
    assert not verify_consistency(3, 5, root_of(LEAVES[:3]), root5, [])
    proof = consistency_proof(3, 5, LEAVES)
    assert not verify_consistency(3, 9, root_of(LEAVES[:3]), root5, proof)
    assert not verify_consistency(3, 4, root_of(LEAVES[:3]), root5, proof)
    assert not verify_consistency(2, 5, root_of(LEAVES[:3]), root5, proof)
    assert not verify_consistency(3, 5, root_of(LEAVES[:3]), root5, [*proof, proof[0]])


def test_proof_builders_reject_impossible_requests() -> None:
    with pytest.raises(ValueError, match="outside a tree of size 4"):
        inclusion_proof(4, 4, LEAVES)
    with pytest.raises(ValueError, match="larger than the 3 leaves"):
        inclusion_proof(0, 4, LEAVES[:3])
    with pytest.raises(ValueError, match="between 0 and the new size"):
        consistency_proof(5, 4, LEAVES)
    with pytest.raises(ValueError, match="negative"):
        consistency_proof(0, -1, LEAVES)
    with pytest.raises(ValueError, match=r"leaf_hashes\[1\]"):
        root_of([LEAVES[0], b"not a hash"])
