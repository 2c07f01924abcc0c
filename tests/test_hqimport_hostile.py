"""SECURITY.md A-E at HQ: every hostile bundle is refused with its reason, the inbox copy is
kept, and nothing else changes (no versions, no device state, no bundle rows).

Bundles are built by `tests/bundle_builder.py` from a real enrolled field vault, signed with its
real device key (what a stolen device could send) or with another key.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain.model import Incident
from fieldapp.store.vault import Vault
from sync import age, enrollment
from sync.hqimport import (
    BundleTooLarge,
    Decision,
    ImportReport,
    Link,
    SeqState,
    decide,
    devices,
    import_bundle,
    inbox,
)
from sync.statements import GENESIS, recipient_fingerprint
from tests.bundle_builder import (
    FieldSide,
    Files,
    bag_bytes,
    encrypt,
    forge_version,
    resign_log,
    write_bundle,
)
from tests.helpers import make_vault
from tests.sync_helpers import enroll, make_hq_vault


@dataclass
class Env:
    hq: Vault
    field: Vault
    side: FieldSide
    drop: Path
    tmp: Path


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    enroll(field, hq)
    enrolled = enrollment.field_enrollment(field)
    assert enrolled is not None
    listing = enrolled.recipients
    side = FieldSide(field, (listing.primary, listing.escrow), listing.fingerprints())
    add_incident(field, "Market strike")
    try:
        yield Env(hq, field, side, tmp_path / "drop", tmp_path)
    finally:
        field.lock()
        hq.lock()


def add_incident(vault: Vault, title: str) -> Incident:
    inc = Incident(title=title, summary="two houses damaged")
    inc.time.start = "2026-04-02T06:00:00Z"
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def state(hq: Vault) -> dict[str, Any]:
    """Everything an import may change besides the inbox and the audit log's received events."""
    with hq.reading() as conn:
        return {
            "versions": conn.execute("SELECT count(*) FROM versions").fetchone()[0],
            "incidents": conn.execute("SELECT count(*) FROM incidents").fetchone()[0],
            "devices": [
                tuple(r)
                for r in conn.execute(
                    "SELECT device_id, last_seq, last_hash, log_frontier, frozen_at, "
                    "trusted_up_to FROM devices"
                ).fetchall()
            ],
            "bundles": conn.execute("SELECT count(*) FROM device_bundles").fetchone()[0],
            "device_log": conn.execute("SELECT count(*) FROM device_log").fetchone()[0],
            "blobs": sorted(p.name for p in (hq.path / "evidence").glob("*"))
            if (hq.path / "evidence").exists()
            else [],
        }


def refused(env: Env, data: bytes, match: str) -> ImportReport:
    """Import `data`; it must be rejected with `match` in its reason and change nothing."""
    before = state(env.hq)
    path = write_bundle(env.drop, data)
    report = import_bundle(env.hq, path, receipts_dir=env.tmp / "receipts")
    assert report.status == "rejected", report
    assert match in report.reason, report.reason
    assert state(env.hq) == before
    copy = env.hq.path / "inbox" / f"{report.sha256}.chmb"
    assert copy.read_bytes() == data, "the inbox copy must be kept unchanged"
    row = next(r for r in inbox(env.hq) if r.sha256 == report.sha256)
    assert row.status == "rejected" and match in row.report
    assert not any((env.hq.path / "quarantine").iterdir()), "plaintext left in quarantine"
    assert not (env.tmp / "receipts").exists() or not any((env.tmp / "receipts").iterdir())
    assert env.hq.verify_log().ok
    return report


def imported(env: Env, data: bytes) -> ImportReport:
    report = import_bundle(env.hq, write_bundle(env.drop, data), receipts_dir=env.tmp / "r")
    assert report.status == "imported", report
    return report


# --- A. the outer file ----------------------------------------------------------------------------
def test_a1_a2_empty_and_not_age(env: Env) -> None:
    refused(env, b"", "the file is empty")
    refused(env, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300), "not an age v1 file")


def test_a3_encrypted_to_another_key(env: Env) -> None:
    other = age.HybridIdentity.generate().recipient()
    sent = env.side.bundle(recipients=[str(other)], remember=False)
    refused(env, sent.data, "none of the")


def test_a7_a8_a9_truncated_flipped_trailing(env: Env) -> None:
    data = env.side.bundle(remember=False).data
    refused(env, data[:-1], "payload is damaged")
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    refused(env, bytes(flipped), "damaged")
    refused(env, data + b"\0", "payload is damaged")


def test_a11_over_the_size_cap_is_not_copied(env: Env) -> None:
    path = write_bundle(env.drop, env.side.bundle(remember=False).data)
    with pytest.raises(BundleTooLarge, match="was not copied"):
        import_bundle(env.hq, path, max_size=1000)
    assert inbox(env.hq) == []
    assert not (env.hq.path / "inbox").exists() or not any((env.hq.path / "inbox").iterdir())


# --- B. the inner tar -----------------------------------------------------------------------------
def test_b1_b3_traversal_and_symlink(env: Env) -> None:
    recipients = list(env.side.recipients)
    cases = (
        ("../../x", tarfile.REGTYPE, "would escape"),
        ("data/link", tarfile.SYMTYPE, "is a symbolic link"),
    )
    for name, kind, match in cases:
        raw = io.BytesIO()
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/passwd" if kind == tarfile.SYMTYPE else ""
            info.size = 1 if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(b"x") if kind == tarfile.REGTYPE else None)
        refused(env, encrypt(raw.getvalue(), recipients), match)


# --- C. bag and signature -------------------------------------------------------------------------
def test_c1_no_signature_note(env: Env) -> None:
    plain = bag_bytes(env.side.files(), None)
    refused(env, encrypt(plain, list(env.side.recipients)), "no signature.note")


def test_c2_right_device_other_key(env: Env) -> None:
    sent = env.side.bundle(key=Ed25519PrivateKey.generate(), remember=False)
    refused(env, sent.data, "signature.note")


def test_c3_unknown_device(env: Env) -> None:
    stranger = make_vault(env.tmp / "stranger")
    try:
        add_incident(stranger, "Unknown")
        side = FieldSide(stranger, env.side.recipients, env.side.to)
        refused(env, side.bundle().data, "is not enrolled at this HQ")
    finally:
        stranger.lock()


def test_c3_revoked_device(env: Env) -> None:
    imported(env, env.side.bundle().data)
    enrollment.revoke(env.hq, env.field.device.device_id, 1)
    add_incident(env.field, "After revocation")
    refused(env, env.side.bundle().data, "revoked: bundles are trusted up to seq 1")


def test_c4_not_addressed_to_this_hq(env: Env) -> None:
    other = (recipient_fingerprint(str(age.HybridIdentity.generate().recipient())),)
    sent = env.side.bundle(note_hook=lambda n: replace(n, to=other), remember=False)
    refused(env, sent.data, "not addressed to this HQ")


def test_c5_tag_manifest_not_the_signed_one(env: Env) -> None:
    sent = env.side.bundle(
        note_hook=lambda n: replace(n, tagmanifest_sha256="0" * 64), remember=False
    )
    refused(env, sent.data, "the bag was changed after signing")


def test_c6_payload_byte_changed(env: Env) -> None:
    plain = bag_bytes(env.side.files(), lambda tm: env.side.bundle(remember=False).note.encode())
    changed = plain.replace(b"Market strike", b"Market strikE")
    refused(env, encrypt(changed, list(env.side.recipients)), "does not match its SHA-256")


def test_c12_malformed_note(env: Env) -> None:
    sent = env.side.bundle(text_hook=lambda t: t.replace("ack 0\n", "ack 0\nextra 1\n"))
    refused(env, sent.data, "unknown key 'extra'")


# --- D. sequence and log --------------------------------------------------------------------------
def test_d2_equivocation_freezes_the_device(env: Env) -> None:
    imported(env, env.side.bundle().data)
    env.side.sent.clear()  # the device signs seq 1 again, with other content
    add_incident(env.field, "Second history")
    before = state(env.hq)
    report = import_bundle(env.hq, write_bundle(env.drop, env.side.bundle().data))
    assert report.status == "rejected" and "equivocation" in report.reason
    after = state(env.hq)
    assert after["versions"] == before["versions"] and after["bundles"] == before["bundles"]
    (device,) = devices(env.hq)
    assert device.frozen and "equivocation" in device.frozen_reason
    assert "device_frozen" in [e.kind for e in env.hq.audit_entries()]
    # A frozen device's next bundle is refused too.
    add_incident(env.field, "Later")
    refused(env, env.side.bundle().data, "the device is frozen")


def test_d3_gap_held_then_imported_when_filled(env: Env) -> None:
    first = env.side.bundle()
    add_incident(env.field, "Bridge collapse")
    second = env.side.bundle()
    env.side.acknowledge(2)  # e.g. HQ restored from a backup taken before seq 2 went in
    add_incident(env.field, "Checkpoint shooting")
    third = env.side.bundle()
    imported(env, first.data)
    before = state(env.hq)
    held = import_bundle(env.hq, write_bundle(env.drop, third.data))
    assert (held.status, held.missing) == ("held", (2, 2))
    assert "seq 2 missing" in held.summary() and env.field.device.code in held.summary()
    assert state(env.hq) == before
    (device,) = devices(env.hq)
    assert (device.last_seq, device.held_seqs, device.missing) == (1, (3,), (2, 2))
    report = imported(env, second.data)
    assert [(r.status, r.seq) for r in report.retried] == [("imported", 3)]
    assert devices(env.hq)[0].last_seq == 3
    assert [r.status for r in inbox(env.hq) if r.seq == 3] == ["imported"]
    assert env.hq.verify_log().ok


def test_d4_seq_2_to_the_63_changes_nothing(env: Env) -> None:
    sent = env.side.bundle(text_hook=lambda t: t.replace("seq 1\n", f"seq {2**63}\n"))
    refused(env, sent.data, "larger than 2^63-1")


def test_d6_prev_mismatch_is_a_chain_break(env: Env) -> None:
    imported(env, env.side.bundle().data)
    env.side.acknowledge(1)
    add_incident(env.field, "Bridge collapse")
    sent = env.side.bundle(note_hook=lambda n: replace(n, prev="f" * 64))
    refused(env, sent.data, "chain break")


def test_d7_log_rewritten_below_hqs_copy(env: Env) -> None:
    imported(env, env.side.bundle().data)
    add_incident(env.field, "Bridge collapse")

    def rewrite(files: Files) -> None:
        lines = files["data/auditlog.jsonl"].split(b"\n")
        lines[0] = lines[0].replace(b'"author":"', b'"author":"x', 1)
        files["data/auditlog.jsonl"] = b"\n".join(lines)
        resign_log(files, env.side)

    refused(env, env.side.bundle(files_hook=rewrite).data, "differs from HQ's copy")


def test_d8_log_does_not_hash_to_the_checkpoint(env: Env) -> None:
    def rewrite(files: Files) -> None:
        lines = files["data/auditlog.jsonl"].split(b"\n")
        lines[0] = lines[0].replace(b'"author":"', b'"author":"x', 1)
        files["data/auditlog.jsonl"] = b"\n".join(lines)

    refused(env, env.side.bundle(files_hook=rewrite).data, "do not hash to the root")


def test_pure_decision_table() -> None:
    h = {1: "a" * 64, 2: "b" * 64}
    at2 = SeqState(last_seq=2, last_hash=h[2], known=h)
    assert decide([Link(3, "c" * 64, h[2])], at2) == Decision("import")
    assert decide([Link(2, h[2], h[1])], at2).action == "duplicate"
    assert decide([Link(2, "e" * 64, h[1])], at2).action == "equivocation"
    assert decide([Link(3, "c" * 64, "d" * 64)], at2).reason.endswith("chain break")
    held = decide([Link(5, "c" * 64, "d" * 64)], at2)
    assert (held.action, held.missing) == ("held", (3, 4))
    # D5: an old seq HQ never saw (its row is gone) is a rollback.
    rollback = decide([Link(1, "f" * 64, GENESIS)], SeqState(2, h[2], {2: h[2]}))
    assert rollback.action == "reject" and "rollback" in rollback.reason
    # A carried earlier note that differs from the one HQ holds is equivocation too.
    chain = [Link(2, "e" * 64, h[1]), Link(3, "c" * 64, "e" * 64)]
    assert decide(chain, at2).action == "equivocation"
    revoked = SeqState(2, h[2], h, trusted_up_to=2)
    assert "revoked" in decide([Link(3, "c" * 64, h[2])], revoked).reason
    frozen = SeqState(2, h[2], h, frozen=True)
    assert decide([Link(3, "c" * 64, h[2])], frozen).action == "reject"


# --- E. records -----------------------------------------------------------------------------------
def records_hook(old: bytes, new: bytes) -> Any:
    def hook(files: Files) -> None:
        files["data/records.jsonl"] = files["data/records.jsonl"].replace(old, new, 1)

    return hook


def test_e1_e2_e3_e6_bad_json_in_records(env: Env) -> None:
    for old, new, match in (
        (b'{"at":', b'{"at":"x","at":', "duplicate key 'at'"),
        (b'"version":1', b'"version":NaN', "NaN is not allowed"),
        (b'"version":1', b'"version":' + b"9" * 5000, "integer longer than"),
        (b'"version":1', b'"version":1.5', "float"),
        (b'"reason":"', b'"reason":"\\ud800', "lone surrogate"),
        (b'"reason":"', b'"reason":"\xff', "not valid UTF-8"),
    ):
        refused(env, env.side.bundle(files_hook=records_hook(old, new)).data, match)
        env.side.sent.clear()


def test_e4_e5_deep_nesting_and_long_line(env: Env) -> None:
    deep = b'"body":{"x":' + b"[" * 100_000 + b"]" * 100_000 + b","
    refused(env, env.side.bundle(files_hook=records_hook(b'"body":{', deep)).data, "nesting")
    env.side.sent.clear()
    long = b'"reason":"' + b"r" * (1024 * 1024 + 1)
    refused(env, env.side.bundle(files_hook=records_hook(b'"reason":"', long)).data, "longer")


def test_e7_same_version_twice(env: Env) -> None:
    def twice(files: Files) -> None:
        files["data/records.jsonl"] += files["data/records.jsonl"]

    refused(env, env.side.bundle(files_hook=twice).data, "appears twice in this bundle")


def test_d7_rewritten_version_already_at_hq(env: Env) -> None:
    """The device key re-signs a log in which version 1 says something else: HQ's copy of
    the log catches it (the old leaf differs) before the records are even looked at."""
    imported(env, env.side.bundle().data)

    def rewrite(files: Files) -> None:
        forge_version(files, env.side, 0, body={"summary": "rewritten later"})

    refused(env, env.side.bundle(files_hook=rewrite).data, "differs from HQ's copy")


def test_e8_known_id_other_content_from_another_device(env: Env) -> None:
    """Device B claims version 1 of a record HQ holds from device A: refused (E8)."""
    imported(env, env.side.bundle().data)
    with env.hq.reading() as conn:
        (record_id,) = conn.execute("SELECT record_id FROM versions").fetchone()
    other = make_vault(env.tmp / "b", analyst="analyst-plover")
    try:
        enroll(other, env.hq)
        add_incident(other, "Claimed")
        side_b = FieldSide(other, env.side.recipients, env.side.to)

        def claim(files: Files) -> None:
            forge_version(files, side_b, 0, record_id=record_id, body={"id": record_id})

        refused(env, side_b.bundle(files_hook=claim).data, "already at HQ with other content")
    finally:
        other.lock()


def test_a_skipped_version_is_refused(env: Env) -> None:
    def skip(files: Files) -> None:
        forge_version(files, env.side, 0, version=2)

    refused(env, env.side.bundle(files_hook=skip).data, "versions cannot be skipped")


def test_e9_evidence_absent_from_bundle_and_store(env: Env, tmp_path: Path) -> None:
    from PIL import Image

    from fieldapp.media import MediaSandbox

    path = tmp_path / "p.jpg"
    Image.new("RGB", (32, 32), "blue").save(path, "JPEG")
    with MediaSandbox(workers=1) as box:
        env.field.add_evidence(path, sandbox=box)

    def drop_blob(files: Files) -> None:
        for name in [n for n in files if n.startswith("data/evidence/")]:
            del files[name]

    refused(env, env.side.bundle(files_hook=drop_blob).data, "neither in the bundle nor at HQ")


def test_e10_body_breaking_the_domain_rules(env: Env) -> None:
    def lat95(files: Files) -> None:
        forge_version(files, env.side, 0, body={"place": {"lat": "95", "lon": "10"}})

    report = refused(env, env.side.bundle(files_hook=lat95).data, "incident")
    assert "lat" in report.reason

    env.side.sent.clear()

    def unknown(files: Files) -> None:
        forge_version(files, env.side, 0, body={"colour": "red"})

    refused(env, env.side.bundle(files_hook=unknown).data, "unknown field 'colour'")


def test_e11_clock_years_ahead_is_accepted_and_flagged(env: Env) -> None:
    def ahead(files: Files) -> None:
        forge_version(files, env.side, 0, at="2031-01-01T00:00:00Z")

    report = imported(env, env.side.bundle(files_hook=ahead).data)
    assert report.warnings and "device clock" in report.warnings[0]
    assert env.hq.verify_log().ok


def test_e12_sql_and_fts_syntax_stored_verbatim(env: Env) -> None:
    text = 'x\'); DROP TABLE versions; -- "NEAR(a b)" OR *'
    add_incident(env.field, text)
    imported(env, env.side.bundle().data)
    from fieldapp.store.records import IncidentQuery

    rows = env.hq.query_incidents(IncidentQuery(text="DROP TABLE", limit=10))
    assert [r.title for r in rows] == [text]


def test_e14_e15_bidi_and_nfd_names_stored_verbatim_and_found_by_nfc(env: Env) -> None:
    import unicodedata

    from fieldapp.store.records import IncidentQuery

    nfd = unicodedata.normalize("NFD", "Café shelling \u202eevil\u202c")
    inc = add_incident(env.field, nfd)
    imported(env, env.side.bundle().data)
    got, _ = env.hq.get_incident(inc.id)
    assert got.title == nfd  # verbatim: the evidence is what the device signed
    rows = env.hq.query_incidents(IncidentQuery(text=unicodedata.normalize("NFC", "café")))
    assert [r.id for r in rows] == [inc.id]
