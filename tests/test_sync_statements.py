"""The signed statements of sync: round trips, and each strictness rule refused with its message."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.errors import FieldappError
from fieldapp.store import signednote
from fieldapp.store.device import device_code, public_bytes
from sync.age import HybridIdentity, X25519Identity
from sync.statements import (
    BundleNote,
    DeviceCertificate,
    EnrollmentRequest,
    Receipt,
    RecipientList,
    StatementError,
    accept_newer,
    note_hash,
    open_bundle_note,
    open_device_certificate,
    open_enrollment_request,
    open_receipt,
    open_recipient_list,
    open_self_signed_recipient_list,
    recipient_fingerprint,
)

# Fixed keys: Ed25519 is deterministic, so every signed note below is reproducible.
DEVICE_KEY = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)
HQ_KEY = Ed25519PrivateKey.from_private_bytes(bytes([2]) * 32)
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
DEVICE_NAME = "device-00112233"
HQ_NAME = "hq-root"
DEVICE_VERIFIER = signednote.verifier_for(DEVICE_NAME, DEVICE_KEY)
HQ_VERIFIER = signednote.verifier_for(HQ_NAME, HQ_KEY)

ORIGIN = "fieldapp.test"
DEVICE_ID = "00112233445566778899aabbccddeeff"
PREV = "ab" * 32
TAGS = "cd" * 32
FP1 = "0a" * 16
FP2 = "fb" * 16
ROOT = bytes(range(32))
ROOT_B64 = base64.b64encode(ROOT).decode("ascii")
ISSUED = datetime(2026, 11, 22, 13, 8, 0, tzinfo=UTC)
DEVICE_PUBLIC = public_bytes(DEVICE_KEY)
DEVICE_PUBLIC_B64 = base64.b64encode(DEVICE_PUBLIC).decode("ascii")
CODE = device_code(DEVICE_PUBLIC)
# The identity point (y = 1): a key of small order that a forger could exploit (SECURITY.md C13).
SMALL_ORDER_KEY = bytes([1]) + bytes(31)


@pytest.fixture(scope="module")
def recipients() -> tuple[str, str]:
    return str(HybridIdentity.generate().recipient()), str(HybridIdentity.generate().recipient())


def _mutated(body: str, old: str, new: str) -> str:
    assert old in body, f"test bug: {old!r} not in the body"
    assert old != new, "test bug: the mutation changes nothing"
    return body.replace(old, new, 1)


# --- 1. BundleNote ----------------------------------------------------------------------------

BUNDLE_BODY = (
    f"{ORIGIN}/bundle/v1\n"
    f"device {DEVICE_ID}\n"
    "seq 2\n"
    f"prev {PREV}\n"
    f"to {FP1} {FP2}\n"
    f"tagmanifest-sha256 {TAGS}\n"
    f"log 5 {ROOT_B64}\n"
    "ack 1\n"
)


def _bundle() -> BundleNote:
    return BundleNote(ORIGIN, DEVICE_ID, 2, PREV, (FP1, FP2), TAGS, 5, ROOT, 1)


def test_bundle_note_round_trip() -> None:
    stmt = _bundle()
    assert stmt.format() == BUNDLE_BODY
    note = stmt.sign(DEVICE_NAME, DEVICE_KEY)
    assert note.startswith(BUNDLE_BODY + "\n\u2014 " + DEVICE_NAME + " ")
    assert open_bundle_note(note, [DEVICE_VERIFIER]) == stmt


def test_bundle_note_genesis_round_trip() -> None:
    stmt = BundleNote(ORIGIN, DEVICE_ID, 1, "genesis", (FP1,), TAGS, 0, bytes(32), 0)
    assert "prev genesis\n" in stmt.format()
    assert open_bundle_note(stmt.sign(DEVICE_NAME, DEVICE_KEY), [DEVICE_VERIFIER]) == stmt


ZERO_ROOT_B64 = base64.b64encode(bytes(32)).decode("ascii")
# Same bytes, but the last character sets the two unused bits: a second spelling of one root.
NONCANONICAL_ROOT = ZERO_ROOT_B64[:42] + "B="

BUNDLE_BAD: list[tuple[str, str, str]] = [
    (f"{ORIGIN}/bundle/v1\n", f"{ORIGIN}/bundle/v2\n", "line 1 must be '<origin>/bundle/v1'"),
    (f"{ORIGIN}/bundle/v1\n", f"{ORIGIN}/receipt/v1\n", "line 1 must be '<origin>/bundle/v1'"),
    (f"{ORIGIN}/bundle/v1\n", "/bundle/v1\n", "line 1 must be"),
    (f"{ORIGIN}/bundle/v1\n", "field app/bundle/v1\n", "line 1: origin 'field app'"),
    (f"device {DEVICE_ID}\nseq 2\n", f"seq 2\ndevice {DEVICE_ID}\n", "expected 'device', found"),
    ("seq 2\n", "seq 2\nseq 2\n", "line 4: duplicate 'seq' line"),
    ("ack 1\n", "ack 1\nseq 2\n", "line 9: duplicate 'seq' line"),
    ("ack 1\n", "ack 1\nnote hello\n", "line 9: unknown key 'note'"),
    ("seq 2\n", "Seq 2\n", "line 3: unknown key 'Seq'"),
    ("ack 1\n", "", "has no 'ack' line"),
    (f"log 5 {ROOT_B64}\n", "ack 1\n", "line 7: expected 'log', found 'ack'"),
    ("seq 2\n", "seq +2\n", "seq '+2' is not a decimal number without sign"),
    ("seq 2\n", "seq -2\n", "seq '-2' is not a decimal number without sign"),
    ("seq 2\n", "seq 02\n", "seq '02' has a leading zero"),
    ("seq 2\n", "seq 2.0\n", "is not a decimal number"),
    ("seq 2\n", "seq \u0662\n", "is not a decimal number"),
    ("seq 2\n", f"seq {2**63}\n", "seq 9223372036854775808 is larger than 2^63-1"),
    ("seq 2\n", "seq " + "9" * 5000 + "\n", "is larger than 2^63-1"),
    ("seq 2\n", "seq 0\n", "seq must be at least 1"),
    ("seq 2\n", "seq 2 \n", "line 3 ends with white space"),
    ("seq 2\n", "seq  2\n", "line 3: more than one space after 'seq'"),
    ("seq 2\n", "seq\n", "line 3: 'seq' has no value"),
    ("seq 2\n", "seq 2\n\nx\n", "line 4 is empty or starts with a space"),
    (DEVICE_ID, DEVICE_ID.upper(), "device id must be 32 lowercase hexadecimal"),
    (DEVICE_ID, DEVICE_ID[:-1], "device id must be 32 lowercase hexadecimal"),
    (PREV, PREV[:-2], "prev must be 64 lowercase hexadecimal"),
    (PREV, "genesis", "prev must be 'genesis' for seq 1 and only for seq 1"),
    (PREV, "Genesis", "prev must be 64 lowercase hexadecimal"),
    (f"to {FP1} {FP2}", f"to {FP2} {FP1}", "fingerprints in 'to' must be sorted and distinct"),
    (f"to {FP1} {FP2}", f"to {FP1} {FP1}", "fingerprints in 'to' must be sorted and distinct"),
    (f"to {FP1} {FP2}", f"to {FP1}  {FP2}", "'to' has more than one space between"),
    (f"to {FP1} {FP2}", f"to {FP1} {FP2.upper()}", "fingerprint in 'to' must be 32 lowercase"),
    (f"to {FP1} {FP2}", f"to {FP1} {FP2}00", "fingerprint in 'to' must be 32 lowercase"),
    (TAGS, TAGS + "00", "tagmanifest-sha256 must be 64 lowercase hexadecimal"),
    (f"log 5 {ROOT_B64}", "log 5", "'log' must be '<tree size> <base64 root>'"),
    (f"log 5 {ROOT_B64}", f"log 05 {ROOT_B64}", "log size '05' has a leading zero"),
    (f"log 5 {ROOT_B64}", f"log 5 {ROOT_B64} x", "'log' must be '<tree size> <base64 root>'"),
    (f"log 5 {ROOT_B64}", f"log 5 {NONCANONICAL_ROOT}", "log root is not canonical base64"),
    (f"log 5 {ROOT_B64}", f"log 5 {ROOT_B64[:-1]}", "log root is not valid base64"),
    (f"log 5 {ROOT_B64}", "log 5 AAAA", "log root must encode 32 bytes, not 3"),
    ("ack 1\n", "ack 01\n", "ack '01' has a leading zero"),
]


@pytest.mark.parametrize(("old", "new", "message"), BUNDLE_BAD)
def test_bundle_note_strictness(old: str, new: str, message: str) -> None:
    # Signed with the right key: only the parser can refuse these.
    note = signednote.sign(_mutated(BUNDLE_BODY, old, new), DEVICE_NAME, DEVICE_KEY)
    with pytest.raises(StatementError, match=_re(message)):
        open_bundle_note(note, [DEVICE_VERIFIER])


def test_bundle_note_constructor_refuses_what_the_parser_would() -> None:
    with pytest.raises(StatementError, match="seq must be between 1 and 2\\^63-1"):
        BundleNote(ORIGIN, DEVICE_ID, 2**63, PREV, (FP1,), TAGS, 5, ROOT, 1)
    with pytest.raises(StatementError, match="seq must be an integer, not bool"):
        BundleNote(ORIGIN, DEVICE_ID, True, PREV, (FP1,), TAGS, 5, ROOT, 1)
    with pytest.raises(StatementError, match="prev must be 'genesis' for seq 1"):
        BundleNote(ORIGIN, DEVICE_ID, 1, PREV, (FP1,), TAGS, 5, ROOT, 1)
    with pytest.raises(StatementError, match="'to' must name at least one recipient"):
        BundleNote(ORIGIN, DEVICE_ID, 2, PREV, (), TAGS, 5, ROOT, 1)
    with pytest.raises(StatementError, match="'to' must be a tuple of fingerprints, not list"):
        BundleNote(ORIGIN, DEVICE_ID, 2, PREV, [FP1], TAGS, 5, ROOT, 1)  # type: ignore[arg-type]
    with pytest.raises(StatementError, match="the log root must be 32 bytes"):
        BundleNote(ORIGIN, DEVICE_ID, 2, PREV, (FP1,), TAGS, 5, ROOT[:31], 1)
    with pytest.raises(StatementError, match="origin 'a b' must be non-empty printable ASCII"):
        BundleNote("a b", DEVICE_ID, 2, PREV, (FP1,), TAGS, 5, ROOT, 1)


def test_bundle_note_signed_by_another_key_is_refused() -> None:
    note = _bundle().sign(DEVICE_NAME, OTHER_KEY)
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_bundle_note(note, [DEVICE_VERIFIER])


def test_bundle_note_verifier_with_right_name_but_other_key_is_refused() -> None:
    note = _bundle().sign(DEVICE_NAME, DEVICE_KEY)
    impostor = signednote.verifier_for(DEVICE_NAME, OTHER_KEY)
    with pytest.raises(StatementError, match=r"signature\.note: the note has no signature"):
        open_bundle_note(note, [impostor])


def test_bundle_note_edited_after_signing_is_refused() -> None:
    note = _bundle().sign(DEVICE_NAME, DEVICE_KEY).replace("seq 2\n", "seq 3\n")
    with pytest.raises(StatementError, match=f"the signature by {DEVICE_NAME} does not verify"):
        open_bundle_note(note, [DEVICE_VERIFIER])


def test_note_hash_is_sha256_of_the_exact_note_bytes() -> None:
    # The published SHA-256 of "abc": the hash is not of some re-encoding of the note.
    assert note_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    note = _bundle().sign(DEVICE_NAME, DEVICE_KEY)
    assert note_hash(note) == note_hash(_bundle().sign(DEVICE_NAME, DEVICE_KEY))
    assert note_hash(note) == hashlib.sha256(note.encode("utf-8")).hexdigest()
    # The signature lines count: the same body signed by another key is another link.
    assert note_hash(note) != note_hash(_bundle().sign(DEVICE_NAME, OTHER_KEY))
    with pytest.raises(StatementError, match="lone surrogate"):
        note_hash("\udc80")


def test_prev_chains_to_the_note_hash() -> None:
    first = BundleNote(ORIGIN, DEVICE_ID, 1, "genesis", (FP1,), TAGS, 1, ROOT, 0)
    first_note = first.sign(DEVICE_NAME, DEVICE_KEY)
    second = BundleNote(ORIGIN, DEVICE_ID, 2, note_hash(first_note), (FP1,), TAGS, 2, ROOT, 0)
    opened = open_bundle_note(second.sign(DEVICE_NAME, DEVICE_KEY), [DEVICE_VERIFIER])
    assert opened.prev == note_hash(first_note)


def test_recipient_fingerprint(recipients: tuple[str, str]) -> None:
    primary, escrow = recipients
    fp = recipient_fingerprint(primary)
    assert fp == hashlib.sha256(primary.encode("ascii")).digest()[:16].hex()
    assert len(fp) == 32
    assert fp != recipient_fingerprint(escrow)
    with pytest.raises(StatementError, match="classic X25519 recipients"):
        recipient_fingerprint(str(X25519Identity.generate().recipient()))
    with pytest.raises(StatementError, match="the recipient is not a valid recipient"):
        recipient_fingerprint("age1pq1notakey")


# --- 2. Receipt -----------------------------------------------------------------------------------

RECEIPT_BODY = (
    f"{ORIGIN}/receipt/v1\n"
    f"hq {HQ_NAME}\n"
    f"device {DEVICE_ID}\n"
    "seq 7\n"
    f"bundle {PREV}\n"
    f"log 9 {ROOT_B64}\n"
    "time 2026-11-22T13:08:00Z\n"
)


def _receipt() -> Receipt:
    return Receipt(ORIGIN, HQ_NAME, DEVICE_ID, 7, PREV, 9, ROOT, ISSUED)


def test_receipt_round_trip() -> None:
    stmt = _receipt()
    assert stmt.format() == RECEIPT_BODY
    assert open_receipt(stmt.sign(HQ_KEY), [HQ_VERIFIER]) == stmt


RECEIPT_BAD: list[tuple[str, str, str]] = [
    (f"{ORIGIN}/receipt/v1", f"{ORIGIN}/receipt/v1 ", "line 1 must be"),
    (f"hq {HQ_NAME}\n", "", "line 2: expected 'hq', found 'device'"),
    ("seq 7\n", "seq 7\nseq 7\n", "line 5: duplicate 'seq' line"),
    ("seq 7\n", "seq 7\nbundles 1\n", "line 5: unknown key 'bundles'"),
    ("time 2026-11-22T13:08:00Z\n", "", "has no 'time' line"),
    (f"hq {HQ_NAME}", "hq other-hq", "names other-hq as its HQ key, but that key did not sign"),
    (f"hq {HQ_NAME}", "hq a+b", "hq: key name 'a+b' must not contain '+'"),
    ("seq 7", "seq 007", "seq '007' has a leading zero"),
    (f"bundle {PREV}", f"bundle {PREV.upper()}", "bundle hash must be 64 lowercase hex"),
    ("T13:08:00Z", "T13:08:00", "is not a UTC time like"),
    ("T13:08:00Z", "T13:08:00+00:00", "is not a UTC time like"),
    ("T13:08:00Z", "T13:08:00.5Z", "is not a UTC time like"),
    ("T13:08:00Z", "T13:08:00z", "is not a UTC time like"),
    ("2026-11-22T", "2026-11-22 ", "is not a UTC time like"),
    ("2026-11-22T", "2026-02-30T", "'2026-02-30T13:08:00Z' is not a real date and time"),
    ("T13:08:00Z", "T24:00:00Z", "is not a real date and time"),
    ("Z\n", "Z \n", "line 7 ends with white space"),
]


@pytest.mark.parametrize(("old", "new", "message"), RECEIPT_BAD)
def test_receipt_strictness(old: str, new: str, message: str) -> None:
    note = signednote.sign(_mutated(RECEIPT_BODY, old, new), HQ_NAME, HQ_KEY)
    with pytest.raises(StatementError, match=_re(message)):
        open_receipt(note, [HQ_VERIFIER])


def test_receipt_time_must_be_whole_utc_seconds() -> None:
    with pytest.raises(StatementError, match="must be whole seconds"):
        Receipt(ORIGIN, HQ_NAME, DEVICE_ID, 7, PREV, 9, ROOT, ISSUED.replace(microsecond=1))
    with pytest.raises(StatementError, match="must be a UTC datetime"):
        Receipt(ORIGIN, HQ_NAME, DEVICE_ID, 7, PREV, 9, ROOT, ISSUED.replace(tzinfo=None))
    plus_one = timezone(timedelta(hours=1))
    with pytest.raises(StatementError, match="must be a UTC datetime"):
        Receipt(ORIGIN, HQ_NAME, DEVICE_ID, 7, PREV, 9, ROOT, ISSUED.astimezone(plus_one))


def test_receipt_from_another_key_is_refused() -> None:
    with pytest.raises(StatementError, match="receipt: the note has no signature from a known"):
        open_receipt(_receipt().sign(OTHER_KEY), [HQ_VERIFIER])
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_receipt(_receipt().sign(HQ_KEY), [signednote.verifier_for(HQ_NAME, OTHER_KEY)])
    # The device's own key is trusted for bundles, never for receipts.
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_receipt(_receipt().sign(HQ_KEY), [DEVICE_VERIFIER])


# --- 3. DeviceCertificate -------------------------------------------------------------------------

CERT_BODY = (
    f"{ORIGIN}/device-certificate/v1\n"
    f"device {DEVICE_ID}\n"
    f"key {DEVICE_PUBLIC_B64}\n"
    "analyst analyst-12\n"
    f"code {CODE}\n"
    f"recipients {FP1} {FP2}\n"
    "issued 2026-11-22T13:08:00Z\n"
)


def _certificate(trusted_up_to: int | None = None) -> DeviceCertificate:
    return DeviceCertificate(
        ORIGIN, DEVICE_ID, DEVICE_PUBLIC, "analyst-12", CODE, (FP1, FP2), ISSUED, trusted_up_to
    )


@pytest.mark.parametrize("limit", [None, 0, 41, 2**63 - 1])
def test_device_certificate_round_trip(limit: int | None) -> None:
    stmt = _certificate(limit)
    expected = CERT_BODY if limit is None else CERT_BODY + f"trusted-up-to {limit}\n"
    assert stmt.format() == expected
    assert open_device_certificate(stmt.sign(HQ_NAME, HQ_KEY), [HQ_VERIFIER]) == stmt


def test_device_certificate_gives_the_verifier_of_the_device() -> None:
    verifier = _certificate().verifier(DEVICE_NAME)
    note = _bundle().sign(DEVICE_NAME, DEVICE_KEY)
    assert open_bundle_note(note, [verifier]) == _bundle()


SMALL_B64 = base64.b64encode(SMALL_ORDER_KEY).decode("ascii")
CERT_BAD: list[tuple[str, str, str]] = [
    ("device-certificate/v1", "device-certificate/v0", "line 1 must be"),
    ("analyst analyst-12\n", "", "line 4: expected 'analyst', found 'code'"),
    ("Z\n", "Z\ntrusted-up-to 5\ntrusted-up-to 6\n", "line 9: duplicate 'trusted-up-to'"),
    ("Z\n", "Z\ntrusted-up-to 5\nrevoked yes\n", "line 9: unknown key 'revoked'"),
    ("issued", "trusted-up-to 5\nissued", "line 7: expected 'issued', found 'trusted-up-to'"),
    ("Z\n", "Z\ntrusted-up-to 05\n", "trusted-up-to '05' has a leading zero"),
    ("Z\n", f"Z\ntrusted-up-to {2**63}\n", "trusted-up-to 9223372036854775808 is larger"),
    ("Z\n", "Z\ntrusted-up-to -1\n", "trusted-up-to '-1' is not a decimal number"),
    (DEVICE_PUBLIC_B64, SMALL_B64, "the device key is refused: the Ed25519 public key is a point"),
    (DEVICE_PUBLIC_B64, DEVICE_PUBLIC_B64[:-1], "the device key is not valid base64"),
    (DEVICE_PUBLIC_B64, ZERO_ROOT_B64[:42] + "B=", "the device key is not canonical base64"),
    (DEVICE_PUBLIC_B64, "AAAA", "the device key must encode 32 bytes, not 3"),
    (f"code {CODE}", "code 000000", "device code '000000' does not match the device key"),
    (f"code {CODE}", f"code {CODE.lower()}", "does not match the device key"),
    ("analyst-12", "x" * 65, "the analyst pseudonym is longer than 64 characters"),
    ("analyst-12", "analyst\u202e21", "the analyst pseudonym holds a control character (U+202E)"),
    ("analyst-12", "analyst\u200b12", "holds a control character (U+200B)"),
    ("analyst-12", "analyst\x85", "holds a control character (U+0085)"),
    ("analyst-12\n", "analyst-12 \n", "line 4 ends with white space"),
    ("analyst analyst-12", "analyst  analyst-12", "more than one space after 'analyst'"),
    (f"recipients {FP1} {FP2}", f"recipients {FP2} {FP1}", "'recipients' must be sorted"),
    (
        f"recipients {FP1} {FP2}",
        "recipients " + " ".join([f"{i:032x}" for i in range(17)]),
        "'recipients' names more than 16 recipients",
    ),
    ("issued 2026-11-22T13:08:00Z", "issued 2026-11-22", "is not a UTC time like"),
]


@pytest.mark.parametrize(("old", "new", "message"), CERT_BAD)
def test_device_certificate_strictness(old: str, new: str, message: str) -> None:
    note = signednote.sign(_mutated(CERT_BODY, old, new), HQ_NAME, HQ_KEY)
    with pytest.raises(StatementError, match=_re(message)):
        open_device_certificate(note, [HQ_VERIFIER])


def test_device_certificate_with_an_ascii_control_character_is_refused() -> None:
    # `signednote.sign` will not sign such a text, so the note is put together by hand here,
    # with a valid signature: the refusal must come from the reader, not from a bad signature.
    body = _mutated(CERT_BODY, "analyst-12", "analyst\x07")
    raw_sig = signednote.key_id(HQ_NAME, public_bytes(HQ_KEY)) + HQ_KEY.sign(body.encode())
    note = f"{body}\n\u2014 {HQ_NAME} {base64.b64encode(raw_sig).decode('ascii')}\n"
    with pytest.raises(
        StatementError, match=r"device certificate: .*control character \(U\+0007\)"
    ):
        open_device_certificate(note, [HQ_VERIFIER])


def test_device_certificate_refuses_a_small_order_key_when_built() -> None:
    with pytest.raises(StatementError, match=r"the device key is refused: .* small order"):
        DeviceCertificate(
            ORIGIN, DEVICE_ID, SMALL_ORDER_KEY, "a", device_code(SMALL_ORDER_KEY), (FP1,), ISSUED
        )


def test_device_certificate_refuses_bad_pseudonyms_when_built() -> None:
    for bad, message in [
        ("", "must not be empty"),
        ("a\x07", "control character \\(U\\+0007\\)"),
        (" a", "must not start or end with white space"),
        ("é" * 65, "longer than 64 characters"),
    ]:
        with pytest.raises(StatementError, match=message):
            DeviceCertificate(ORIGIN, DEVICE_ID, DEVICE_PUBLIC, bad, CODE, (FP1,), ISSUED)
    # Non-ASCII letters are fine: pseudonyms are chosen by people in many languages.
    ok = DeviceCertificate(ORIGIN, DEVICE_ID, DEVICE_PUBLIC, "é" * 64, CODE, (FP1,), ISSUED)
    assert open_device_certificate(ok.sign(HQ_NAME, HQ_KEY), [HQ_VERIFIER]) == ok


def test_device_certificate_signed_by_another_key_is_refused() -> None:
    with pytest.raises(StatementError, match="device certificate: the note has no signature"):
        open_device_certificate(_certificate().sign(HQ_NAME, OTHER_KEY), [HQ_VERIFIER])
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_device_certificate(
            _certificate().sign(HQ_NAME, HQ_KEY), [signednote.verifier_for(HQ_NAME, OTHER_KEY)]
        )


# --- 4. RecipientList -------------------------------------------------------------------------


ROOT_VKEY = signednote.vkey(HQ_NAME, public_bytes(HQ_KEY))
RECEIPTS_NAME = "hq-receipts"
RECEIPTS_KEY = Ed25519PrivateKey.from_private_bytes(bytes([4]) * 32)
RECEIPTS_VKEY = signednote.vkey(RECEIPTS_NAME, public_bytes(RECEIPTS_KEY))


def _list(recipients: tuple[str, str], version: int = 3) -> RecipientList:
    return RecipientList(
        ORIGIN, version, recipients[0], recipients[1], ROOT_VKEY, RECEIPTS_VKEY, ISSUED
    )


def _list_body(recipients: tuple[str, str]) -> str:
    return (
        f"{ORIGIN}/recipients/v1\n"
        "version 3\n"
        f"primary {recipients[0]}\n"
        f"escrow {recipients[1]}\n"
        f"root {ROOT_VKEY}\n"
        f"receipts {RECEIPTS_VKEY}\n"
        "issued 2026-11-22T13:08:00Z\n"
    )


def test_recipient_list_round_trip(recipients: tuple[str, str]) -> None:
    stmt = _list(recipients)
    assert stmt.format() == _list_body(recipients)
    assert open_recipient_list(stmt.sign(HQ_NAME, HQ_KEY), [HQ_VERIFIER]) == stmt
    assert stmt.fingerprints() == tuple(sorted(recipient_fingerprint(r) for r in recipients))
    # The fingerprints fit straight into a bundle's `to` line.
    bundle = BundleNote(ORIGIN, DEVICE_ID, 2, PREV, stmt.fingerprints(), TAGS, 5, ROOT, 1)
    assert open_bundle_note(bundle.sign(DEVICE_NAME, DEVICE_KEY), [DEVICE_VERIFIER]) == bundle


RECIPIENTS_BAD: list[tuple[Callable[[str, str], tuple[str, str]], str]] = [
    (lambda b, p: (b, b.replace("version 3", "version 0")), "version must be at least 1"),
    (lambda b, p: (b, b.replace("version 3", "version 03")), "version '03' has a leading zero"),
    (lambda b, p: (b, b.replace("version 3\n", "")), "line 2: expected 'version', found"),
    (lambda b, p: (b, b.replace("version 3\n", "version 3\nversion 4\n")), "duplicate 'version'"),
    (lambda b, p: (b, b.replace("issued", "expires 2027\nissued")), "unknown key 'expires'"),
    (lambda b, p: (b, b.replace(p, p.upper())), "primary recipient must be written in canonical"),
    (lambda b, p: (b, b.replace(p, p[:-1])), "the primary recipient is not a valid recipient"),
    (
        lambda b, p: (b, b.replace(p, str(X25519Identity.generate().recipient()))),
        "primary recipient is not a valid recipient: classic X25519 recipients",
    ),
    (lambda b, p: (b, b.replace("escrow", "primary", 1)), "line 4: duplicate 'primary' line"),
    (lambda b, p: (b, b.replace(p + "\n", p + " \n")), "line 3 ends with white space"),
]


@pytest.mark.parametrize(("mutate", "message"), RECIPIENTS_BAD)
def test_recipient_list_strictness(
    recipients: tuple[str, str], mutate: Callable[[str, str], tuple[str, str]], message: str
) -> None:
    body, bad = mutate(_list_body(recipients), recipients[0])
    assert bad != body, "test bug: the mutation changed nothing"
    note = signednote.sign(bad, HQ_NAME, HQ_KEY)
    with pytest.raises(StatementError, match=_re(message)):
        open_recipient_list(note, [HQ_VERIFIER])


def test_recipient_list_needs_two_different_keys(recipients: tuple[str, str]) -> None:
    with pytest.raises(StatementError, match="primary and escrow recipients must be different"):
        RecipientList(ORIGIN, 1, recipients[0], recipients[0], ROOT_VKEY, RECEIPTS_VKEY, ISSUED)


def test_recipient_list_signed_by_another_key_is_refused(recipients: tuple[str, str]) -> None:
    note = _list(recipients).sign(HQ_NAME, OTHER_KEY)
    with pytest.raises(StatementError, match="recipient list: the note has no signature"):
        open_recipient_list(note, [HQ_VERIFIER])
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_recipient_list(
            _list(recipients).sign(HQ_NAME, HQ_KEY), [signednote.verifier_for(HQ_NAME, OTHER_KEY)]
        )


def test_accept_newer_refuses_rollback(recipients: tuple[str, str]) -> None:
    v3 = _list(recipients, 3)
    v4 = _list(recipients, 4)
    assert accept_newer(None, v3) is v3
    assert accept_newer(v3, v4) is v4
    with pytest.raises(StatementError, match="version 3 is not newer than the current version 4"):
        accept_newer(v4, v3)
    with pytest.raises(StatementError, match=r"version 4 is not newer .* refused as a rollback"):
        accept_newer(v4, _list(recipients, 4))
    other = RecipientList(
        "elsewhere.test", 9, recipients[0], recipients[1], ROOT_VKEY, RECEIPTS_VKEY, ISSUED
    )
    with pytest.raises(StatementError, match=r"is for elsewhere\.test, not fieldapp\.test"):
        accept_newer(v4, other)


def test_statement_error_is_a_fieldapp_and_value_error() -> None:
    assert issubclass(StatementError, FieldappError)
    assert issubclass(StatementError, ValueError)


def _re(message: str) -> str:
    """`pytest.raises(match=…)` takes a regex; the messages above are literal text."""
    return re.escape(message)


# --- 4b. the HQ keys in the recipient list ----------------------------------------------------


def test_recipient_list_gives_its_root_and_receipt_verifiers(recipients: tuple[str, str]) -> None:
    stmt = _list(recipients)
    assert stmt.root_verifier() == HQ_VERIFIER
    assert stmt.receipt_verifier() == signednote.verifier_for(RECEIPTS_NAME, RECEIPTS_KEY)


def test_self_signed_list_opens_with_the_root_it_names(recipients: tuple[str, str]) -> None:
    note = _list(recipients).sign(HQ_NAME, HQ_KEY)
    assert open_self_signed_recipient_list(note) == _list(recipients)


def test_self_signed_list_signed_by_another_key_is_refused(recipients: tuple[str, str]) -> None:
    # Signed by the receipt key (named in the list) instead of the root: not self-signed.
    note = _list(recipients).sign(HQ_NAME, RECEIPTS_KEY)
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_self_signed_recipient_list(note)


def test_self_signed_list_needs_exactly_one_root_line(recipients: tuple[str, str]) -> None:
    body = _list_body(recipients)
    doubled = body.replace("receipts ", f"root {ROOT_VKEY}\nreceipts ", 1)
    with pytest.raises(StatementError, match="exactly one 'root' line"):
        open_self_signed_recipient_list(signednote.sign(doubled, HQ_NAME, HQ_KEY))
    missing = body.replace(f"root {ROOT_VKEY}\n", "")
    with pytest.raises(StatementError, match="exactly one 'root' line"):
        open_self_signed_recipient_list(signednote.sign(missing, HQ_NAME, HQ_KEY))


@pytest.mark.parametrize(
    ("root", "receipts", "message"),
    [
        (ROOT_VKEY, ROOT_VKEY, "root and receipt keys must be different"),
        ("hq-root+00000000+AQ==", RECEIPTS_VKEY, "the root key is refused"),
        ("x", RECEIPTS_VKEY, "the root key is refused"),
        (ROOT_VKEY + " ", RECEIPTS_VKEY, "the root key is refused"),
        (ROOT_VKEY, RECEIPTS_VKEY.replace("hq-receipts", "hq-root"), "the receipt key is refused"),
    ],
)
def test_recipient_list_refuses_bad_hq_keys(
    recipients: tuple[str, str], root: str, receipts: str, message: str
) -> None:
    with pytest.raises(StatementError, match=_re(message)):
        RecipientList(ORIGIN, 1, recipients[0], recipients[1], root, receipts, ISSUED)


def test_recipient_list_refuses_a_small_order_root(recipients: tuple[str, str]) -> None:
    kid = hashlib.sha256(b"hq-root\n\x01" + SMALL_ORDER_KEY).digest()[:4].hex()
    weak = f"hq-root+{kid}+" + base64.b64encode(b"\x01" + SMALL_ORDER_KEY).decode()
    with pytest.raises(StatementError, match=r"the root key is refused: .*small order"):
        RecipientList(ORIGIN, 1, recipients[0], recipients[1], weak, RECEIPTS_VKEY, ISSUED)


# --- 5. EnrollmentRequest ---------------------------------------------------------------------

DEVICE_ORIGIN = f"fieldapp/{DEVICE_ID}"
REQUEST_BODY = (
    f"{DEVICE_ORIGIN}/enrollment-request/v1\n"
    f"device {DEVICE_ID}\n"
    f"key {DEVICE_PUBLIC_B64}\n"
    "analyst kestrel\n"
    f"code {CODE}\n"
    "requested 2026-11-22T13:08:00Z\n"
)


def _request() -> EnrollmentRequest:
    return EnrollmentRequest(DEVICE_ORIGIN, DEVICE_ID, DEVICE_PUBLIC, "kestrel", CODE, ISSUED)


def test_enrollment_request_round_trip() -> None:
    stmt = _request()
    assert stmt.format() == REQUEST_BODY
    note = stmt.sign(DEVICE_KEY)
    assert note.startswith(REQUEST_BODY + "\n\u2014 " + DEVICE_ID + " ")
    assert open_enrollment_request(note) == stmt


def test_enrollment_request_must_be_signed_by_its_own_key() -> None:
    with pytest.raises(StatementError, match="signed by the device key it names"):
        _request().sign(OTHER_KEY)
    forged = signednote.sign(REQUEST_BODY, DEVICE_ID, OTHER_KEY)
    with pytest.raises(StatementError, match="no signature from a known key"):
        open_enrollment_request(forged)


REQUEST_BAD = [
    (f"{DEVICE_ORIGIN}/", "fieldapp/other/", "origin must be fieldapp/" + DEVICE_ID),
    (f"code {CODE}", "code 000000", "does not match the device key"),
    ("requested 2026-11-22T13:08:00Z\n", "", "no 'requested' line"),
    ("analyst kestrel\n", "analyst kestrel\nanalyst kestrel\n", "duplicate 'analyst'"),
]


@pytest.mark.parametrize(("old", "new", "message"), REQUEST_BAD)
def test_enrollment_request_strictness(old: str, new: str, message: str) -> None:
    note = signednote.sign(_mutated(REQUEST_BODY, old, new), DEVICE_ID, DEVICE_KEY)
    with pytest.raises(StatementError, match=_re(message)):
        open_enrollment_request(note)


def test_enrollment_request_edited_after_signing_is_refused() -> None:
    note = _mutated(_request().sign(DEVICE_KEY), "analyst kestrel", "analyst osprey")
    with pytest.raises(StatementError, match=r"signature by .* does not verify"):
        open_enrollment_request(note)


def test_enrollment_request_with_a_small_order_key_is_refused_before_verification() -> None:
    body = REQUEST_BODY.replace(
        DEVICE_PUBLIC_B64, base64.b64encode(SMALL_ORDER_KEY).decode()
    ).replace(CODE, device_code(SMALL_ORDER_KEY))
    kid = hashlib.sha256(DEVICE_ID.encode() + b"\n\x01" + SMALL_ORDER_KEY).digest()[:4]
    # R = identity, S = 0: a signature that verifies for any text under the identity key.
    sig = base64.b64encode(kid + SMALL_ORDER_KEY + bytes(32)).decode()
    note = body + f"\n\u2014 {DEVICE_ID} {sig}\n"
    with pytest.raises(StatementError, match=r"device key is refused: .* small order"):
        open_enrollment_request(note)
