"""Bech32 (BIP 173) as age uses it for key strings: an encoding with a checksum, not cryptography.

age keeps the original Bech32 checksum constant (not Bech32m) but drops BIP 173's 90-character
limit, because an `age1pq1…` recipient carries a 1216-byte ML-KEM-768 + X25519 public key. The
checksum exists to catch a mistyped or truncated key string before it is trusted, so every
malformed shape (mixed case, a bad character, a bad checksum, stray padding bits) is refused
with its own message.
"""

from __future__ import annotations

from fieldapp.errors import FieldappError

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_VALUES = {c: i for i, c in enumerate(_CHARSET)}
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_CHECKSUM_LEN = 6


class Bech32Error(ValueError, FieldappError):
    """A key string is not valid Bech32; the sentence says which rule it breaks."""


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    max_value = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & max_value)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & max_value)
    elif bits >= from_bits or (acc << (to_bits - bits)) & max_value:
        # Leftover bits that are not zero padding mean the string was not produced by an
        # encoder from whole bytes: a second spelling of the same key, so refuse it.
        raise Bech32Error("the key string has invalid padding bits")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode `data` under the human-readable prefix `hrp`, in the case `hrp` is written in.

    age writes recipients in lower case and identities in upper case; the checksum is computed
    over the lower-case form either way, so the caller's case choice is cosmetic.
    """
    lower_hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod(_hrp_expand(lower_hrp) + values + [0] * _CHECKSUM_LEN) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(_CHECKSUM_LEN)]
    text = lower_hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)
    return text.upper() if hrp.isupper() else text


def decode(text: str) -> tuple[str, bytes]:
    """Split a Bech32 string into its lower-case prefix and its bytes, checking every rule.

    A string must be all lower or all upper case (BIP 173): a mixed-case key is more likely
    damaged than intended, and accepting it would give one key several spellings.
    """
    if not text.isascii():
        raise Bech32Error("the key string contains non-ASCII characters")
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("the key string mixes upper and lower case")
    lower = text.lower()
    sep = lower.rfind("1")
    if sep < 1:
        raise Bech32Error("the key string has no prefix before its '1' separator")
    if len(lower) - sep - 1 < _CHECKSUM_LEN:
        raise Bech32Error("the key string is too short to hold its checksum")
    hrp = lower[:sep]
    if any(not 33 <= ord(c) <= 126 for c in hrp):
        raise Bech32Error("the key string's prefix contains invalid characters")
    try:
        values = [_VALUES[c] for c in lower[sep + 1 :]]
    except KeyError as exc:
        raise Bech32Error(
            f"the key string contains the invalid character {exc.args[0]!r}"
        ) from None
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise Bech32Error("the key string's checksum is wrong (a typo or a truncated key)")
    data = _convert_bits(values[:-_CHECKSUM_LEN], 5, 8, pad=False)
    return hrp, bytes(data)
