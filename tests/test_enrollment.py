"""Enrolment with real vaults and real keys: HQ keys, request, certificate, accept, revoke,
newer recipient lists, and recovery through the escrow slot."""

from __future__ import annotations

import base64
import io
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import canonical
from fieldapp.domain.model import Incident
from fieldapp.errors import (
    DamagedKeyfile,
    EnrollmentRefused,
    NoHqKeys,
    NotEnrolled,
    RecoveryError,
    WrongPassphrase,
)
from fieldapp.store import keyfile, signednote
from fieldapp.store.device import device_code
from fieldapp.store.keyfile import (
    EscrowSlot,
    KdfParams,
    KeyFile,
    parse_keyfile,
    read_keyfile,
    write_keyfile,
)
from fieldapp.store.vault import Vault
from sync import age, enrollment
from sync.age import HybridIdentity
from sync.statements import (
    EnrollmentRequest,
    RecipientList,
    open_device_certificate,
    recipient_fingerprint,
)
from tests.helpers import ANALYST, SECOND_PASSPHRASE, TEST_PASSPHRASE, make_vault, snapshot
from tests.sync_helpers import enroll, make_hq_vault, small_order_request

NEW_PASSPHRASE = "violet lantern orbit seventeen"


def sample_incident() -> Incident:
    inc = Incident(title="Strike near the market", summary="")
    inc.time.start = "2026-03-14T09:30:00Z"
    return inc


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[Vault]:
    vault = make_hq_vault(tmp_path / "hq")
    yield vault
    vault.lock()


@pytest.fixture
def field(tmp_path: Path) -> Iterator[Vault]:
    vault = make_vault(tmp_path / "field")
    yield vault
    vault.lock()


def test_full_enrolment_pins_hq_and_keeps_both_logs_valid(field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    pinned = enrollment.field_enrollment(field)
    keys = enrollment.load_hq_keys(hq)
    assert pinned is not None
    assert pinned.hq_origin == keys.origin == f"fieldapp-hq/{hq.device.device_id}"
    assert pinned.root.name == f"{hq.device.device_id}.root"
    assert pinned.receipt.name == f"{hq.device.device_id}.receipts"
    assert pinned.certificate.device == field.device.device_id
    assert pinned.certificate.public_key == field.device.public_key
    assert pinned.recipients == keys.recipients
    assert field.verify_log().ok and hq.verify_log().ok


# --- HQ keys ----------------------------------------------------------------------------------


def _log_text(vault: Vault) -> str:
    return "\n".join(repr(e.entry) + e.summary for e in vault.audit_entries(limit=10_000))


def test_hq_keys_are_made_once_and_never_logged(hq: Vault) -> None:
    keys = enrollment.load_hq_keys(hq)
    assert [e.kind for e in hq.audit_entries(limit=1)] == ["hq_keys_created"]
    with pytest.raises(EnrollmentRefused, match="already has its keys"):
        enrollment.create_hq_keys(hq)
    log = _log_text(hq)
    assert "AGE-SECRET-KEY" not in log
    assert keys.root.private_bytes_raw().hex() not in log
    assert keys.receipt.private_bytes_raw().hex() not in log
    assert len(keys.identities) == 2
    assert str(keys.identities[0].recipient()) == keys.recipients.primary
    summary = hq.audit_entries(limit=1)[0].summary
    assert summary.startswith("HQ keys created") and keys.origin in summary


def test_hq_keys_on_a_field_vault_are_refused(field: Vault) -> None:
    with pytest.raises(enrollment.WrongRole, match="needs an HQ vault; this is a field vault"):
        enrollment.create_hq_keys(field)
    with pytest.raises(NoHqKeys, match="no HQ keys"):
        enrollment.load_hq_keys(field)


def test_hq_keys_stay_inside_the_encrypted_vault(tmp_path: Path, hq: Vault) -> None:
    keys = enrollment.load_hq_keys(hq)
    secrets = [keys.root.private_bytes_raw(), str(keys.identities[0]).encode()]
    for path in (tmp_path / "hq").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(secret in data for secret in secrets), path


# --- the request ------------------------------------------------------------------------------


def test_request_is_self_signed_and_names_the_device(field: Vault) -> None:
    note = enrollment.enrollment_request(field)
    request = enrollment.read_request(note)
    assert request.device == field.device.device_id
    assert request.public_key == field.device.public_key
    assert request.code == field.device.code
    assert request.analyst == field.user
    assert request.origin == f"fieldapp/{field.device.device_id}"
    assert field.audit_entries(limit=1)[0].kind == "enrollment_requested"


def test_request_edited_after_signing_is_refused(field: Vault, hq: Vault) -> None:
    note = enrollment.enrollment_request(field)
    edited = note.replace(f"analyst {field.user}", "analyst someone-else", 1)
    assert edited != note
    with pytest.raises(EnrollmentRefused, match=r"signature by .* does not verify"):
        enrollment.issue_certificate(hq, edited)
    _assert_no_devices(hq)


def test_request_with_another_key_than_its_signer_is_refused(field: Vault, hq: Vault) -> None:
    note = enrollment.enrollment_request(field)
    other = Ed25519PrivateKey.generate()
    public = other.public_key().public_bytes_raw()
    swapped = note.replace(
        base64.b64encode(field.device.public_key).decode(), base64.b64encode(public).decode()
    ).replace(f"code {field.device.code}", f"code {device_code(public)}")
    with pytest.raises(EnrollmentRefused, match="no signature from a known key"):
        enrollment.issue_certificate(hq, swapped)
    _assert_no_devices(hq)


def test_small_order_device_key_is_refused_at_enrolment(hq: Vault) -> None:
    with pytest.raises(
        EnrollmentRefused,
        match="enrolment request is refused: the device key is refused: "
        "the Ed25519 public key is a point of small order",
    ):
        enrollment.issue_certificate(hq, small_order_request("ab" * 16))
    _assert_no_devices(hq)


def test_a_field_vault_cannot_issue_and_hq_cannot_request(field: Vault, hq: Vault) -> None:
    with pytest.raises(enrollment.WrongRole, match="needs a field vault"):
        enrollment.enrollment_request(hq)
    with pytest.raises(enrollment.WrongRole, match="needs an HQ vault"):
        enrollment.issue_certificate(field, enrollment.enrollment_request(field))


def _assert_no_devices(hq: Vault) -> None:
    with hq.reading() as conn:
        assert conn.execute("SELECT count(*) FROM devices").fetchone()[0] == 0


# --- the certificate ----------------------------------------------------------------------------


def test_certificate_records_the_device_at_hq(field: Vault, hq: Vault) -> None:
    certificate, note = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    keys = enrollment.load_hq_keys(hq)
    assert certificate.origin == keys.origin
    assert certificate.recipients == keys.recipients.fingerprints()
    assert open_device_certificate(note, [keys.recipients.root_verifier()]) == certificate
    with hq.reading() as conn:
        row = conn.execute(
            "SELECT public_key, analyst, code, certificate, trusted_up_to, last_seq FROM devices"
        ).fetchone()
    assert (bytes(row[0]), row[1], row[2], row[3], row[4], row[5]) == (
        field.device.public_key,
        field.user,
        field.device.code,
        note,
        None,
        0,
    )
    entry = hq.audit_entries(limit=1)[0]
    assert entry.kind == "device_enrolled"
    assert field.device.code in entry.summary


def test_certifying_the_same_device_again_is_idempotent(field: Vault, hq: Vault) -> None:
    first = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    size = hq.log_size()
    again = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    assert again == first
    assert hq.log_size() == size


def test_a_known_device_id_with_another_key_is_refused(field: Vault, hq: Vault) -> None:
    enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    impostor = Ed25519PrivateKey.generate()
    public = impostor.public_key().public_bytes_raw()
    device_id = field.device.device_id
    request = EnrollmentRequest(
        f"fieldapp/{device_id}",
        device_id,
        public,
        "mallory",
        device_code(public),
        datetime(2026, 11, 22, 13, 8, tzinfo=UTC),
    ).sign(impostor)
    size = hq.log_size()
    with pytest.raises(
        EnrollmentRefused, match=f"{device_id} is already enrolled with another key"
    ):
        enrollment.issue_certificate(hq, request)
    assert hq.log_size() == size
    with hq.reading() as conn:
        assert bytes(conn.execute("SELECT public_key FROM devices").fetchone()[0]) == (
            field.device.public_key
        )


def test_accept_refuses_a_certificate_for_another_device(
    tmp_path: Path, field: Vault, hq: Vault
) -> None:
    other = make_vault(tmp_path / "other")
    try:
        _, note = enrollment.issue_certificate(hq, enrollment.enrollment_request(other))
    finally:
        other.lock()
    keys = enrollment.load_hq_keys(hq)
    with pytest.raises(EnrollmentRefused, match=r"certificate is for device .*, not this device"):
        enrollment.accept_enrollment(field, note, keys.recipients_note)
    assert enrollment.field_enrollment(field) is None


def test_accept_refuses_a_list_from_another_hq(tmp_path: Path, field: Vault, hq: Vault) -> None:
    _, note = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    other = make_hq_vault(tmp_path / "hq2")
    try:
        foreign = enrollment.load_hq_keys(other).recipients_note
    finally:
        other.lock()
    with pytest.raises(EnrollmentRefused, match=r"device certificate is refused: .*no signature"):
        enrollment.accept_enrollment(field, note, foreign)
    assert enrollment.field_enrollment(field) is None


def test_accept_enforces_the_expected_root_fingerprint(field: Vault, hq: Vault) -> None:
    _, note = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    keys = enrollment.load_hq_keys(hq)
    wrong = "0000 0000 0000 0000 0000 0000 0000 0000"
    with pytest.raises(EnrollmentRefused, match=f"not the expected HQ {wrong}"):
        enrollment.accept_enrollment(field, note, keys.recipients_note, expect_hq=wrong)
    assert enrollment.field_enrollment(field) is None
    # Spacing and case do not matter: people copy fingerprints by hand.
    loose = enrollment.root_fingerprint(keys.recipients).replace(" ", "").lower()
    pinned = enrollment.accept_enrollment(field, note, keys.recipients_note, expect_hq=loose)
    assert pinned.root_fingerprint == enrollment.root_fingerprint(keys.recipients)


def test_accept_refuses_an_edited_list(field: Vault, hq: Vault) -> None:
    _, note = enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    keys = enrollment.load_hq_keys(hq)
    edited = keys.recipients_note.replace("version 1", "version 2", 1)
    with pytest.raises(EnrollmentRefused, match=r"recipient list is refused: .*does not verify"):
        enrollment.accept_enrollment(field, note, edited)


def test_accept_refuses_a_list_whose_key_names_break_the_contract(field: Vault) -> None:
    # Self-signed and well-formed, but receipts would be checked under "<id>.receipts".
    root, receipts = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    listing = RecipientList(
        origin="fieldapp-hq/" + "ef" * 16,
        version=1,
        primary=str(HybridIdentity.generate().recipient()),
        escrow=str(HybridIdentity.generate().recipient()),
        root=signednote.vkey("ef" * 16 + ".root", root.public_key().public_bytes_raw()),
        receipts=signednote.vkey("someone.receipts", receipts.public_key().public_bytes_raw()),
        issued=datetime(2026, 11, 22, 13, 8, tzinfo=UTC),
    )
    note = listing.sign("ef" * 16 + ".root", root)
    with pytest.raises(EnrollmentRefused, match=r"receipt key is not named efef.*\.receipts"):
        enrollment.accept_enrollment(field, "unused", note)


def test_accept_refuses_a_revocation_certificate(field: Vault, hq: Vault) -> None:
    enrollment.issue_certificate(hq, enrollment.enrollment_request(field))
    revocation = enrollment.revoke(hq, field.device.device_id, 0)
    keys = enrollment.load_hq_keys(hq)
    with pytest.raises(EnrollmentRefused, match="certificate is a revocation"):
        enrollment.accept_enrollment(field, revocation, keys.recipients_note)
    assert enrollment.field_enrollment(field) is None


def test_accepting_again_is_idempotent_and_another_hq_is_refused(
    tmp_path: Path, field: Vault, hq: Vault
) -> None:
    enroll(field, hq)
    pinned = enrollment.field_enrollment(field)
    assert pinned is not None
    size = field.log_size()
    key_file = (tmp_path / "field" / "vault.key").read_bytes()
    again = enrollment.accept_enrollment(field, pinned.certificate_note, pinned.recipients_note)
    assert again == pinned
    assert field.log_size() == size
    assert (tmp_path / "field" / "vault.key").read_bytes() == key_file
    other = make_hq_vault(tmp_path / "hq2")
    try:
        with pytest.raises(EnrollmentRefused, match="already enrolled with fieldapp-hq/"):
            enroll(field, other)
    finally:
        other.lock()
    assert enrollment.field_enrollment(field) == pinned


def test_enrolment_is_logged_without_secrets(field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    entry = field.audit_entries(limit=1)[0]
    assert entry.kind == "enrolled"
    assert entry.summary.startswith("enrolled with fieldapp-hq/")
    assert "AGE-SECRET-KEY" not in _log_text(field)


# --- newer recipient lists ----------------------------------------------------------------------


def test_newer_list_replaces_and_older_or_equal_is_refused(field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    v1 = enrollment.load_hq_keys(hq).recipients_note
    v2 = enrollment.rotate_recipients(hq)
    v2_note = enrollment.load_hq_keys(hq).recipients_note
    assert enrollment.accept_recipients(field, v2_note) == v2
    pinned = enrollment.field_enrollment(field)
    assert pinned is not None and pinned.recipients == v2
    with pytest.raises(
        EnrollmentRefused, match="version 2 is not newer than the current version 2"
    ):
        enrollment.accept_recipients(field, v2_note)
    with pytest.raises(
        EnrollmentRefused, match="version 1 is not newer than the current version 2"
    ):
        enrollment.accept_recipients(field, v1)
    assert field.audit_entries(limit=1)[0].kind == "recipients_accepted"
    # HQ still holds the retired primary, so bundles made for v1 keep opening.
    keys = enrollment.load_hq_keys(hq)
    assert str(keys.identities[0].recipient()) == v2.primary
    assert len(keys.identities) == 3


def test_list_signed_by_another_root_is_refused(tmp_path: Path, field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    other = make_hq_vault(tmp_path / "hq2")
    try:
        enrollment.rotate_recipients(other)
        foreign = enrollment.load_hq_keys(other).recipients_note
    finally:
        other.lock()
    with pytest.raises(EnrollmentRefused, match=r"recipient list is refused: .*no signature"):
        enrollment.accept_recipients(field, foreign)


def test_a_list_before_enrolment_is_refused(field: Vault, hq: Vault) -> None:
    with pytest.raises(NotEnrolled, match="not enrolled"):
        enrollment.accept_recipients(field, enrollment.load_hq_keys(hq).recipients_note)


# --- revocation -----------------------------------------------------------------------------------


def test_revoke_limits_trust_and_logs(field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    note = enrollment.revoke(hq, field.device.device_id, 4)
    keys = enrollment.load_hq_keys(hq)
    certificate = open_device_certificate(note, [keys.recipients.root_verifier()])
    assert certificate.trusted_up_to == 4
    assert certificate.device == field.device.device_id
    with hq.reading() as conn:
        row = conn.execute("SELECT trusted_up_to, certificate FROM devices").fetchone()
    assert (row[0], row[1]) == (4, note)
    entry = hq.audit_entries(limit=1)[0]
    assert entry.kind == "device_revoked" and "up to bundle 4" in entry.summary
    # By device code too; trust only narrows.
    enrollment.revoke(hq, field.device.code, 2)
    with pytest.raises(EnrollmentRefused, match="already trusted only up to bundle 2"):
        enrollment.revoke(hq, field.device.device_id, 3)
    with pytest.raises(EnrollmentRefused, match="was revoked"):
        enrollment.issue_certificate(hq, enrollment.enrollment_request(field))


def test_revoke_refuses_unknown_devices_and_bad_limits(field: Vault, hq: Vault) -> None:
    size = hq.log_size()
    with pytest.raises(EnrollmentRefused, match="No enrolled device 'cafe'"):
        enrollment.revoke(hq, "cafe", 1)
    enroll(field, hq)
    with pytest.raises(EnrollmentRefused, match="must be a whole number >= 0"):
        enrollment.revoke(hq, field.device.device_id, -1)
    with hq.writing() as conn:
        conn.execute("UPDATE devices SET last_seq = 7")
    with pytest.raises(EnrollmentRefused, match=r"already imported bundle 7 .* revoke after 7"):
        enrollment.revoke(hq, field.device.device_id, 6)
    assert hq.log_size() == size + 1  # only the enrolment


# --- escrow and recovery --------------------------------------------------------------------------


def _export_escrow(
    hq: Vault, tmp_path: Path, name: str = "escrow.txt", remove: bool = False
) -> str:
    dest = tmp_path / name
    enrollment.export_escrow_identity(hq, dest, remove=remove)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    return dest.read_text(encoding="ascii")


def test_recovery_round_trip(tmp_path: Path, field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    incident, _ = field.save_incident(sample_incident(), reason="first report")
    field.lock()
    identity = _export_escrow(hq, tmp_path, remove=True)
    # The analyst forgot the passphrase; HQ's escrow identity opens the vault.
    vault = enrollment.recover(
        tmp_path / "field", identity, NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY
    )
    try:
        assert vault.get_incident(incident.id)[0].title == incident.title
        assert vault.user == ANALYST
        assert vault.verify_log().ok
        entry = vault.audit_entries(limit=1)[0]
        assert entry.kind == "vault_recovered" and entry.summary.startswith("vault recovered")
    finally:
        vault.lock()
    # The forgotten passphrase's slot was replaced, not kept beside the new one.
    with pytest.raises(WrongPassphrase):
        Vault.unlock(tmp_path / "field", TEST_PASSPHRASE)
    Vault.unlock(tmp_path / "field", NEW_PASSPHRASE).lock()
    # The escrow slot survives, so recovery works a second time.
    enrollment.recover(
        tmp_path / "field", identity, TEST_PASSPHRASE, kdf=KdfParams.TEST_ONLY
    ).lock()


def test_escrow_export_removes_the_identity_from_hq(tmp_path: Path, hq: Vault) -> None:
    text = _export_escrow(hq, tmp_path, remove=True)
    identity = HybridIdentity.parse(text.splitlines()[-1])
    keys = enrollment.load_hq_keys(hq)
    assert str(identity.recipient()) == keys.recipients.escrow
    assert [str(i.recipient()) for i in keys.identities] == [keys.recipients.primary]
    with pytest.raises(EnrollmentRefused, match="no longer holds an escrow identity"):
        enrollment.export_escrow_identity(hq, tmp_path / "again.txt")
    assert hq.audit_entries(limit=1)[0].kind == "escrow_exported"
    assert "AGE-SECRET-KEY" not in _log_text(hq)


def test_escrow_export_never_overwrites(tmp_path: Path, hq: Vault) -> None:
    (tmp_path / "taken.txt").write_text("keep me")
    with pytest.raises(EnrollmentRefused, match="already exists"):
        enrollment.export_escrow_identity(hq, tmp_path / "taken.txt", remove=True)
    assert (tmp_path / "taken.txt").read_text() == "keep me"
    assert len(enrollment.load_hq_keys(hq).identities) == 2


def test_recovery_with_a_wrong_identity_is_refused(tmp_path: Path, field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    field.lock()
    before = snapshot(tmp_path / "field")
    stranger = str(HybridIdentity.generate())
    with pytest.raises(RecoveryError, match=r"opens none of this vault's escrow slots"):
        enrollment.recover(tmp_path / "field", stranger, NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY)
    with pytest.raises(RecoveryError, match="exactly one AGE-SECRET-KEY-PQ-1"):
        enrollment.recover(tmp_path / "field", "", NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY)
    with pytest.raises(RecoveryError, match="not a valid age identity"):
        enrollment.recover(tmp_path / "field", "AGE-SECRET-KEY-PQ-1XYZ", NEW_PASSPHRASE)
    assert snapshot(tmp_path / "field") == before


def test_recovery_of_an_unenrolled_vault_is_refused(
    tmp_path: Path, field: Vault, hq: Vault
) -> None:
    field.lock()
    identity = _export_escrow(hq, tmp_path)
    with pytest.raises(RecoveryError, match="has no escrow slot"):
        enrollment.recover(tmp_path / "field", identity, NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY)


def test_a_passphrase_never_opens_the_escrow_slot(tmp_path: Path, field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    kf = read_keyfile(tmp_path / "field")
    assert len(kf.slots) == 1 and len(kf.escrow) == 1
    assert kf.escrow[0].recipient == recipient_fingerprint(
        enrollment.load_hq_keys(hq).recipients.escrow
    )
    # The passphrase slots are the only ones tried at unlock; the escrow slot has no KDF.
    assert "kdf" not in kf.escrow[0].to_json()
    field.lock()
    with pytest.raises(WrongPassphrase):
        Vault.unlock(tmp_path / "field", "")


def test_a_forged_escrow_slot_cannot_replace_a_working_slot(
    tmp_path: Path, field: Vault, hq: Vault
) -> None:
    enroll(field, hq)
    field.lock()
    identity = _export_escrow(hq, tmp_path)
    # Anyone can seal to HQ's public escrow recipient: seal a random key for this very slot.
    kf = read_keyfile(tmp_path / "field")
    slot = kf.escrow[0]
    plaintext = keyfile.escrow_plaintext(kf.vault_id, slot.id, os.urandom(32))
    sealed = io.BytesIO()
    age.encrypt(io.BytesIO(plaintext), sealed, [enrollment.load_hq_keys(hq).recipients.escrow])
    forged = EscrowSlot(slot.id, slot.label, slot.recipient, sealed.getvalue())
    write_keyfile(tmp_path / "field", KeyFile(kf.vault_id, kf.db, kf.slots, (forged,)))
    before = snapshot(tmp_path / "field")
    with pytest.raises(DamagedKeyfile, match=r"escrowed key does not open vault.db"):
        enrollment.recover(tmp_path / "field", identity, NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY)
    assert snapshot(tmp_path / "field") == before
    Vault.unlock(tmp_path / "field", TEST_PASSPHRASE).lock()


def test_an_escrow_slot_from_another_vault_is_refused(
    tmp_path: Path, field: Vault, hq: Vault
) -> None:
    enroll(field, hq)
    other = make_vault(tmp_path / "other")
    enroll(other, hq)
    other.lock()
    field.lock()
    identity = _export_escrow(hq, tmp_path)
    mine = read_keyfile(tmp_path / "field")
    theirs = read_keyfile(tmp_path / "other")
    moved = KeyFile(mine.vault_id, mine.db, mine.slots, theirs.escrow)
    write_keyfile(tmp_path / "field", moved)
    with pytest.raises(DamagedKeyfile, match="sealed for another vault or slot"):
        enrollment.recover(tmp_path / "field", identity, NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY)


def test_a_rotated_escrow_key_gets_its_own_slot(tmp_path: Path, field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    enrollment.rotate_recipients(hq, escrow=True)
    enrollment.accept_recipients(field, enrollment.load_hq_keys(hq).recipients_note)
    assert len(read_keyfile(tmp_path / "field").escrow) == 2
    field.lock()
    identity = _export_escrow(hq, tmp_path)  # the newest escrow identity
    enrollment.recover(tmp_path / "field", identity, NEW_PASSPHRASE, kdf=KdfParams.TEST_ONLY).lock()


# --- vault.key strictness for the new slot kind ---------------------------------------------------


def _keyfile_json(tmp_path: Path, field: Vault, hq: Vault) -> dict[str, Any]:
    enroll(field, hq)
    return dict(canonical.loads((tmp_path / "field" / "vault.key").read_bytes()))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.update(kdf={"name": "argon2id"}), "unexpected or missing fields"),
        (lambda s: s.pop("sealed"), "unexpected or missing fields"),
        (lambda s: s.update(recipient="AB" * 16), "not a 32-hex fingerprint"),
        (lambda s: s.update(sealed="not base64!"), "not valid base64"),
        (lambda s: s.update(sealed=""), "holds no sealed key"),
        (lambda s: s.update(kind="mystery"), "unknown kind 'mystery'"),
    ],
)
def test_a_damaged_escrow_slot_is_refused(
    tmp_path: Path, field: Vault, hq: Vault, mutate: Any, message: str
) -> None:
    data = _keyfile_json(tmp_path, field, hq)
    slots = [dict(s) for s in data["slots"]]
    mutate(slots[-1])
    data["slots"] = slots
    with pytest.raises(DamagedKeyfile, match=message):
        parse_keyfile(canonical.dumps(data))


def test_escrow_slots_come_after_passphrase_slots(tmp_path: Path, field: Vault, hq: Vault) -> None:
    data = _keyfile_json(tmp_path, field, hq)
    data["slots"] = list(reversed(data["slots"]))
    with pytest.raises(DamagedKeyfile, match="escrow slot comes before a passphrase slot"):
        parse_keyfile(canonical.dumps(data))


def test_adding_a_user_keeps_the_escrow_slot(tmp_path: Path, field: Vault, hq: Vault) -> None:
    enroll(field, hq)
    field.add_slot("analyst-osprey", SECOND_PASSPHRASE, KdfParams.TEST_ONLY)
    field.change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE, KdfParams.TEST_ONLY)
    kf = read_keyfile(tmp_path / "field")
    assert len(kf.slots) == 2 and len(kf.escrow) == 1
