"""The public-release gate on a real vault: every planted leak is caught (names in free text,
Latin and Arabic; withdrawn or never-given publication consent; small cells; fine coordinates;
photo metadata), a second user must approve with their own passphrase, and the published folder
carries a signed manifest that detects any change."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from fieldapp.domain.model import Incident, Victim
from fieldapp.domain.witness import ConsentEvent, Statement, Witness, WitnessIdentity
from fieldapp.media.public_copy import metadata_problems
from fieldapp.review import gate
from fieldapp.review.gate import GatePolicy, ReleaseRefused, WrongApprover
from fieldapp.store import signednote
from fieldapp.store.vault import Vault
from tests.helpers import ANALYST, SECOND_PASSPHRASE, make_vault
from tests.media_samples import bilevel_png, gps_photo, plain_jpeg

REVIEWER = "reviewer-osprey"
WITHDRAWN_TEXT = (
    "The second strike hit the bakery queue at dawn and the men carrying the wounded "
    "were hit as they crossed the square"
)
NEVER_TEXT = (
    "My cousin saw the drone circle twice above the school before the roof collapsed "
    "onto the classroom"
)
PUBLIC_TEXT = (
    "Smoke rose over the eastern market for an hour and the ambulances could not reach "
    "the main road"
)


@dataclass
class Case:
    vault: Vault
    staging: Path
    codes: dict[str, str]
    ref: str


def _given(date: str, *scopes: str) -> ConsentEvent:
    return ConsentEvent(action="given", date=date, scopes=list(scopes), method="written")


def _witness(vault: Vault, name: str, consent: list[ConsentEvent]) -> Witness:
    w = Witness(identity=WitnessIdentity(name=name, contact="+964 770 123 4567"), consent=consent)
    stored, _ = vault.save_witness(w, "interviewed")
    return stored


def _statement(vault: Vault, witness: Witness, text: str) -> None:
    s = Statement(
        witness_id=witness.id,
        interview_date="2026-03-02",
        interviewer=ANALYST,
        original_text=text,
    )
    vault.save_statement(s, "taken")


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    vault = make_vault(tmp_path / "vault")
    try:
        vault.add_slot(REVIEWER, SECOND_PASSPHRASE)
        inc = Incident(
            title="Market strike",
            victims=[
                Victim(name="Omar Khalil", gender="male"),
                Victim(name="فاطمة الزهراء", gender="female"),
            ],
        )
        inc.time.start = "2026-02-20T10:15:00Z"
        stored, _ = vault.save_incident(inc, "first report")
        public = _witness(
            vault, "Ali Hassan", [_given("2026-03-01", "cell_use", "anonymised_publication")]
        )
        withdrew = _witness(
            vault,
            "سارة عبد الله",
            [_given("2026-03-01", "cell_use", "anonymised_publication")],
        )
        never = _witness(vault, "Yusuf Mansour", [_given("2026-03-01", "cell_use")])
        for w, text in ((public, PUBLIC_TEXT), (withdrew, WITHDRAWN_TEXT), (never, NEVER_TEXT)):
            _statement(vault, w, text)
        vault.record_consent(
            withdrew.id,
            ConsentEvent(action="withdrawn", date="2026-03-09", scopes=["anonymised_publication"]),
            "withdrew by phone",
        )
        staging = tmp_path / "staging"
        staging.mkdir()
        codes = {"public": public.code, "withdrew": withdrew.code, "never": never.code}
        yield Case(vault, staging, codes, stored.ref_code)
    finally:
        vault.lock()


def _csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _published_rows(report: gate.GateReport, vault: Vault, name: str) -> list[list[str]]:
    with vault.reading() as conn:
        (content,) = conn.execute(
            "SELECT content FROM release_files WHERE release_id = ? AND name = ?",
            (report.release_id, name),
        ).fetchone()
    return list(csv.reader(io.StringIO(bytes(content).decode("utf-8"))))


def _content(report: gate.GateReport, vault: Vault, name: str) -> bytes:
    with vault.reading() as conn:
        (content,) = conn.execute(
            "SELECT content FROM release_files WHERE release_id = ? AND name = ?",
            (report.release_id, name),
        ).fetchone()
    return bytes(content)


# --- names ----------------------------------------------------------------------------------------
def test_names_in_free_text_block_and_are_never_quoted(case: Case) -> None:
    staged = _csv(
        case.staging / "incidents.csv",
        [
            ["id", "notes"],
            ["1", "Interviewed ALI  hassan near the well"],  # witness, other case and spacing
            ["2", "Omar Khalíl was taken to the clinic"],  # victim, with an accent
            ["3", "نقلت وفاطمـــة الزَّهراء إلى المستشفى"],  # Arabic: proclitic, tatweel, harakat
            ["4", "وصلت سارة عبد الله صباحا"],  # the Arabic-named witness
            ["5", "Alice Hassanein and Omari Khalilzad were not there"],  # not inside words
            ["6", "call +964 770 123 4567"],  # a witness's contact
        ],
    )
    report = gate.review(case.vault, [staged], GatePolicy())
    names = [f for f in report.findings if f.kind == gate.NAME]
    by_row = {f.location.split(",")[0]: f for f in names}
    assert set(by_row) == {"row 2", "row 3", "row 4", "row 5", "row 7"}
    assert case.codes["public"] in by_row["row 2"].detail
    assert case.ref in by_row["row 3"].detail and case.ref in by_row["row 4"].detail
    assert case.codes["withdrew"] in by_row["row 5"].detail
    assert "contact" in by_row["row 7"].detail
    assert all(f.blocking for f in names)
    shown = " ".join(f.detail + f.location for f in report.findings)
    for secret in ("Ali", "Hassan", "Omar", "Khalil", "فاطمة", "سارة", "770"):
        assert secret not in shown
    assert report.status == "blocked"


def test_extra_names_list_and_short_names(case: Case, tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# from the partner's list\nRana Haddad\nX\n", encoding="utf-8")
    staged = _csv(case.staging / "t.csv", [["notes"], ["Rana  Haddad spoke"], ["x marks it"]])
    report = gate.review(
        case.vault, [staged], GatePolicy(), extra_names=gate.load_names_file(names)
    )
    assert [(f.location, f.detail) for f in report.findings] == [
        ("row 2, column 'notes'", "free text names a person: the extra names list")
    ]


def test_the_scan_is_logged_as_a_reveal(case: Case) -> None:
    staged = _csv(case.staging / "t.csv", [["notes"], ["nothing here"]])
    report = gate.review(case.vault, [staged], GatePolicy())
    entries = [e.entry for e in case.vault.audit_entries(0, 1000)]
    scan = [e for e in entries if e.get("reason") == "release gate scan"]
    assert len(scan) == 1 and scan[0]["type"] == "identity_revealed"
    assert scan[0]["release"] == report.release_id and scan[0]["author"] == ANALYST
    reviewed = [e for e in entries if e["type"] == "release_reviewed"]
    assert reviewed[-1]["release"] == report.release_id and reviewed[-1]["blocking"] == 0
    assert report.findings == () and report.status == "awaiting approval"
    assert _content(report, case.vault, "t.csv") == staged.read_bytes()  # untouched


# --- consent --------------------------------------------------------------------------------------
def test_statements_without_publication_consent_are_removed(case: Case) -> None:
    excerpt = " ".join(WITHDRAWN_TEXT.split()[3:13])  # ten words from the middle
    staged = _csv(
        case.staging / "quotes.csv",
        [
            ["id", "quote"],
            ["1", f"A witness said: “{excerpt}”."],
            ["2", NEVER_TEXT.upper()],
            ["3", PUBLIC_TEXT],
            ["4", "The second strike hit the market"],  # a few words in common: not a quote
        ],
    )
    report = gate.review(case.vault, [staged], GatePolicy())
    consent = [f for f in report.findings if f.kind == gate.CONSENT]
    assert [(f.location, f.fix) for f in consent] == [
        ("row 2", "row removed"),
        ("row 3", "row removed"),
    ]
    assert case.codes["withdrew"] in consent[0].detail
    assert case.codes["never"] in consent[1].detail
    assert _published_rows(report, case.vault, "quotes.csv") == [
        ["id", "quote"],
        ["3", PUBLIC_TEXT],
        ["4", "The second strike hit the market"],
    ]
    assert report.blocking == ()


def test_withdrawn_statement_in_plain_text_blocks(case: Case) -> None:
    staged = case.staging / "summary.txt"
    staged.write_text(f"Summary\n\n{WITHDRAWN_TEXT}\n", encoding="utf-8")
    report = gate.review(case.vault, [staged], GatePolicy())
    assert [(f.location, f.kind, f.blocking) for f in report.findings] == [
        ("line 3", gate.CONSENT, True)
    ]


# --- small cells and fields -----------------------------------------------------------------------
def test_small_gender_age_cells_are_suppressed(case: Case) -> None:
    staged = _csv(
        case.staging / "casualties.csv",
        [
            ["gender", "age_band", "killed", "injured"],
            ["female", "adult", "3", "12"],  # 3 women killed: suppressed
            ["male", "adult", "7", "0"],
            ["all", "all", "10", "12"],  # totals are not a gender/age cell
        ],
    )
    wide = _csv(
        case.staging / "wide.csv", [["incident", "women_killed", "killed"], ["A", "2", "4"]]
    )
    report = gate.review(case.vault, [staged, wide], GatePolicy())
    cells = [(f.file, f.location, f.fix) for f in report.findings]
    assert cells == [
        ("casualties.csv", "row 2, column 'killed'", "suppressed (<5)"),
        ("casualties.csv", "row 4, column 'killed'", "suppressed (<5)"),
        ("wide.csv", "row 2, column 'women_killed'", "suppressed (<5)"),
    ]
    assert "total would reveal" in report.findings[1].detail
    assert _published_rows(report, case.vault, "casualties.csv")[1:] == [
        ["female", "adult", "<5", "12"],
        ["male", "adult", "7", "0"],
        ["all", "all", "<5", "12"],
    ]
    assert _published_rows(report, case.vault, "wide.csv")[1] == ["A", "<5", "4"]
    # A higher threshold is the policy's to set.
    strict = gate.review(case.vault, [staged], GatePolicy(small_cell_threshold=8))
    assert [f.location for f in strict.findings] == [
        "row 2, column 'killed'",
        "row 3, column 'killed'",  # two suppressed: the total no longer tells either
    ]


def test_fields_not_public_are_removed(case: Case) -> None:
    staged = _csv(case.staging / "f.csv", [["ref", "analyst_notes"], ["A", "x"]])
    report = gate.review(case.vault, [staged], GatePolicy(public_fields=("ref",)))
    assert [(f.location, f.kind, f.fix) for f in report.findings] == [
        ("column 'analyst_notes'", gate.FIELD, "removed")
    ]
    assert _published_rows(report, case.vault, "f.csv") == [["ref"], ["A"]]


# --- coordinates ----------------------------------------------------------------------------------
def _geojson(path: Path) -> Path:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [44.361488, 33.312805]},
                "properties": {"ref": "A", "women_killed": 3, "killed": 3},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [44.4, 33.3]},
                "properties": {"ref": "B", "quote": WITHDRAWN_TEXT},
            },
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_fine_coordinates_are_coarsened_in_geojson(case: Case) -> None:
    staged = _geojson(case.staging / "map.geojson")
    report = gate.review(case.vault, [staged], GatePolicy())
    kinds = [(f.location, f.kind, f.fix) for f in report.findings]
    assert ("feature 1 geometry", gate.COORDINATES, "coarsened") in kinds
    assert ("feature 1 property 'women_killed'", gate.SMALL_CELL, "suppressed (<5)") in kinds
    assert ("feature 2", gate.CONSENT, "feature removed") in kinds
    assert report.blocking == ()
    published = json.loads(_content(report, case.vault, "map.geojson"))
    assert len(published["features"]) == 1
    feature = published["features"][0]
    assert feature["geometry"]["coordinates"] == [44.36, 33.31]
    assert feature["properties"] == {"ref": "A", "women_killed": "<5", "killed": 3}


def test_fine_coordinates_block_when_the_policy_refuses_to_coarsen(case: Case) -> None:
    staged = _csv(case.staging / "pts.csv", [["lat", "lon"], ["33.312805", "44.361488"]])
    policy = GatePolicy(coarsen_coordinates=False)
    report = gate.review(case.vault, [staged], policy)
    assert [(f.location, f.blocking) for f in report.findings] == [
        ("row 2, column 'lat'", True),
        ("row 2, column 'lon'", True),
    ]
    assert "6 decimals (at most 2 allowed)" in report.findings[0].detail
    gridded = gate.review(case.vault, [staged], GatePolicy(coordinate_grid="0.05"))
    assert _published_rows(gridded, case.vault, "pts.csv")[1] == ["33.3", "44.35"]


def test_coordinate_pairs_in_free_text_block(case: Case) -> None:
    staged = _csv(case.staging / "n.csv", [["notes"], ["found at 33.312805, 44.361488 by us"]])
    report = gate.review(case.vault, [staged], GatePolicy())
    assert [(f.kind, f.blocking) for f in report.findings] == [(gate.COORDINATES, True)]


# --- photos ---------------------------------------------------------------------------------------
def _segment(marker: int, payload: bytes) -> bytes:
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg_with_icc_xmp_comment() -> bytes:
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (40, 30), "blue").save(out, "JPEG", icc_profile=icc, comment=b"by Ali")
    data = out.getvalue()
    xmp = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>GPS</x:xmpmeta>")
    return data[:2] + xmp + data[2:]


def _png_with_text() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "PNG")
    data = out.getvalue()
    body = b"Comment\x00taken by Ali Hassan"
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return data[:33] + chunk + data[33:]  # after the signature and IHDR


def test_photos_are_rebuilt_from_pixels_and_verified_clean(case: Case) -> None:
    (case.staging / "gps.jpg").write_bytes(gps_photo())
    (case.staging / "icc.jpeg").write_bytes(_jpeg_with_icc_xmp_comment())
    (case.staging / "text.png").write_bytes(_png_with_text())
    assert metadata_problems(gps_photo()) == ["an APP1 (EXIF or XMP) segment"]
    staged = [case.staging / n for n in ("gps.jpg", "icc.jpeg", "text.png")]
    report = gate.review(case.vault, staged, GatePolicy())
    assert [f.name for f in report.files] == ["gps.jpg", "icc.jpg", "text.png"]
    photos = {f.file: f for f in report.findings}
    assert "APP1 (EXIF or XMP)" in photos["gps.jpg"].detail
    for part in ("APP1 (EXIF or XMP)", "APP2 (ICC profile)", "COM (comment)"):
        assert part in photos["icc.jpeg"].detail
    assert "tEXt" in photos["text.png"].detail
    assert all(f.kind == gate.PHOTO and not f.blocking for f in report.findings)
    for name in ("gps.jpg", "icc.jpg", "text.png"):
        data = _content(report, case.vault, name)
        assert metadata_problems(data) == []
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif() and "icc_profile" not in image.info
            assert "comment" not in image.info and "Comment" not in image.info
        assert b"Ali" not in data and b"GPS" not in data
    with Image.open(io.BytesIO(_content(report, case.vault, "gps.jpg"))) as image:
        assert image.size == (64, 48) and image.format == "JPEG"


def test_the_metadata_check_finds_each_planted_segment() -> None:
    clean = plain_jpeg()
    assert metadata_problems(clean) == []
    planted = {
        "an APP1 (EXIF or XMP) segment": _segment(0xE1, b"Exif\x00\x00MM"),
        "an APP2 (ICC profile) segment": _segment(0xE2, b"ICC_PROFILE\x00\x01\x01"),
        "a COM (comment) segment": _segment(0xFE, b"hello"),
        "an APP13 (IPTC) segment": _segment(0xED, b"Photoshop 3.0\x00"),
    }
    for problem, segment in planted.items():
        assert metadata_problems(clean[:2] + segment + clean[2:]) == [problem]
    assert metadata_problems(clean + b"secret") == ["6 bytes follow the end of the JPEG"]
    assert metadata_problems(_png_with_text()) == ["a PNG tEXt chunk"]
    assert metadata_problems(b"GIF89a") == ["the file is neither JPEG nor PNG"]


def test_an_unreadable_photo_a_bomb_or_an_unknown_file_blocks(case: Case) -> None:
    broken = case.staging / "broken.jpg"
    broken.write_bytes(plain_jpeg()[:200])
    bomb = case.staging / "bomb.png"
    bomb.write_bytes(bilevel_png(20_000, 10_000))  # 200 megapixels in a few kilobytes
    other = case.staging / "report.pdf"
    other.write_bytes(b"%PDF-1.7\n")
    fine = case.staging / "fine.jpg"
    fine.write_bytes(plain_jpeg())
    report = gate.review(case.vault, [broken, bomb, other, fine], GatePolicy())
    assert [(f.file, f.kind, f.blocking) for f in report.findings] == [
        ("broken.jpg", gate.PHOTO, True),
        ("bomb.png", gate.PHOTO, True),
        ("report.pdf", gate.UNSUPPORTED, True),
        ("fine.jpg", gate.PHOTO, False),  # the worker lived on (or was replaced)
    ]
    assert "DecompressionBomb" in report.findings[1].detail


# --- approval and release -------------------------------------------------------------------------
def _clean_release(case: Case) -> gate.GateReport:
    staged = _csv(case.staging / "counts.csv", [["gender", "killed"], ["female", "3"]])
    (case.staging / "photo.jpg").write_bytes(gps_photo())
    return gate.review(case.vault, [staged, case.staging / "photo.jpg"], GatePolicy())


def _events(vault: Vault, kind: str) -> list[dict[str, object]]:
    return [e.entry for e in vault.audit_entries(0, 1000) if e.entry["type"] == kind]


def test_self_approval_and_wrong_passphrase_are_refused(case: Case, tmp_path: Path) -> None:
    report = _clean_release(case)
    from tests.helpers import TEST_PASSPHRASE

    with pytest.raises(ReleaseRefused, match="cannot also approve it"):
        gate.approve(case.vault, report, ANALYST, TEST_PASSPHRASE)
    with pytest.raises(WrongApprover, match="passphrase is wrong for reviewer-osprey"):
        gate.approve(case.vault, report, REVIEWER, TEST_PASSPHRASE)
    with pytest.raises(WrongApprover, match="no user 'nobody'"):
        gate.approve(case.vault, report, "nobody", SECOND_PASSPHRASE)
    refused = _events(case.vault, "release_approval_refused")
    assert [(e["approver"], e["reason"]) for e in refused] == [(REVIEWER, "wrong passphrase")]
    assert gate.load_report(case.vault, report.release_id).status == "awaiting approval"
    with pytest.raises(ReleaseRefused, match="not been approved"):
        gate.release(case.vault, report, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_blocking_findings_refuse_approval_and_release(case: Case, tmp_path: Path) -> None:
    staged = _csv(case.staging / "n.csv", [["notes"], ["Ali Hassan"]])
    report = gate.review(case.vault, [staged], GatePolicy())
    with pytest.raises(ReleaseRefused, match="1 finding"):
        gate.approve(case.vault, report, REVIEWER, SECOND_PASSPHRASE)
    with pytest.raises(ReleaseRefused, match="1 finding"):
        gate.release(case.vault, report, tmp_path / "out")


def test_approved_release_is_published_with_a_signed_manifest(case: Case, tmp_path: Path) -> None:
    report = _clean_release(case)
    approved = gate.approve(case.vault, report, REVIEWER, SECOND_PASSPHRASE)
    assert approved.approved_by == REVIEWER and approved.status == "approved"
    with pytest.raises(gate.GateError, match="already approved"):
        gate.approve(case.vault, report, REVIEWER, SECOND_PASSPHRASE)
    out = tmp_path / "public"
    manifest = gate.release(case.vault, approved, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["counts.csv", "photo.jpg", gate.MANIFEST_NAME, gate.VKEY_NAME]
    )
    assert (out / "counts.csv").read_bytes() == b"gender,killed\r\nfemale,<5\r\n"
    verifier = signednote.verifier_for(case.vault.device.device_id, case.vault.signing_key)
    note = signednote.open_note(manifest.read_text(), [verifier])
    assert note.verified == (case.vault.device.device_id,)
    lines = note.text.splitlines()
    assert lines[0] == gate.MANIFEST_HEADER
    assert f"prepared-by {ANALYST} {report.prepared_at}" in lines
    assert f"approved-by {REVIEWER} {approved.approved_at}" in lines
    for name in ("counts.csv", "photo.jpg"):
        data = (out / name).read_bytes()
        assert f"file {hashlib.sha256(data).hexdigest()} {len(data)} {name}" in lines
    assert any(line.startswith('policy {"coarsen_coordinates":true') for line in lines)
    vkey = signednote.vkey(verifier.name, verifier.public_key)
    check = gate.verify_release(out, vkey)
    assert check.ok and check.release_id == report.release_id
    published = _events(case.vault, "release_published")
    assert published[-1]["release"] == report.release_id
    assert published[-1]["approved_by"] == REVIEWER and published[-1]["prepared_by"] == ANALYST
    assert _events(case.vault, "release_approved")[-1]["approver"] == REVIEWER
    assert gate.load_report(case.vault, report.release_id).status == "published"
    assert case.vault.verify_log().ok
    with pytest.raises(gate.GateError, match="not an empty folder"):
        gate.release(case.vault, approved, out)


def test_a_tampered_release_folder_is_detected(case: Case, tmp_path: Path) -> None:
    report = _clean_release(case)
    approved = gate.approve(case.vault, report, REVIEWER, SECOND_PASSPHRASE)
    out = tmp_path / "public"
    gate.release(case.vault, approved, out)
    verifier = signednote.verifier_for(case.vault.device.device_id, case.vault.signing_key)
    vkey = signednote.vkey(verifier.name, verifier.public_key)
    csv_path = out / "counts.csv"
    csv_path.write_text("gender,killed\r\nfemale,3\r\n")
    (out / "extra.txt").write_text("added later")
    check = gate.verify_release(out, vkey)
    assert check.problems == (
        "counts.csv is not the file that was released (size or SHA-256 differ)",
        "extra.txt is not part of the release",
    )
    manifest = out / gate.MANIFEST_NAME
    manifest.write_text(manifest.read_text().replace("photo.jpg", "photo.jpeg"))
    with pytest.raises(signednote.NoteError):
        gate.verify_release(out, vkey)
    other = make_vault(tmp_path / "other")
    try:
        stranger = signednote.verifier_for(other.device.device_id, other.signing_key)
        crafted = signednote.sign(
            f"{gate.MANIFEST_HEADER}\nrelease x\nfile {'0' * 64} 1 ../vault/vault.key\n",
            other.device.device_id,
            other.signing_key,
        )
    finally:
        other.lock()
    stranger_vkey = signednote.vkey(stranger.name, stranger.public_key)
    with pytest.raises(signednote.NoteError):
        gate.verify_release(out, stranger_vkey)
    # A folder whose own vkey signs a manifest naming a path outside it: refused, not read.
    manifest.write_text(crafted)
    (out / gate.VKEY_NAME).write_text(stranger_vkey + "\n")
    with pytest.raises(gate.GateError, match="lists a file it cannot name"):
        gate.verify_release(out)


def test_release_tables_are_append_only(case: Case) -> None:
    report = _clean_release(case)
    with pytest.raises(Exception, match="append-only"), case.vault.writing() as conn:
        conn.execute("UPDATE release_files SET content = x'00' WHERE release_id = ?",
                     (report.release_id,))  # fmt: skip
    assert gate.load_report(case.vault, report.release_id) == report


def test_a_review_role_user_approves_but_cannot_prepare_or_publish(tmp_path: Path) -> None:
    from fieldapp.errors import RoleRefused
    from tests.helpers import TEST_PASSPHRASE

    hq = make_vault(tmp_path / "hq", role="hq")
    try:
        hq.add_slot(REVIEWER, SECOND_PASSPHRASE, review=True)
        staged = _csv(tmp_path / "t.csv", [["ref"], ["A"]])
        report = gate.review(hq, [staged], GatePolicy())
    finally:
        hq.lock()
    reviewer = Vault.unlock(tmp_path / "hq", SECOND_PASSPHRASE)
    try:
        with pytest.raises(RoleRefused, match="not prepare releases"):
            gate.review(reviewer, [staged], GatePolicy())
        approved = gate.approve(reviewer, report, REVIEWER, SECOND_PASSPHRASE)
        assert approved.approved_by == REVIEWER
        with pytest.raises(RoleRefused, match="not publish releases"):
            gate.release(reviewer, approved, tmp_path / "out")
    finally:
        reviewer.lock()
    hq = Vault.unlock(tmp_path / "hq", TEST_PASSPHRASE)
    try:
        gate.release(hq, approved, tmp_path / "out")
    finally:
        hq.lock()
    assert gate.verify_release(tmp_path / "out").ok


def test_names_of_records_imported_from_a_device_are_searched_at_hq(tmp_path: Path) -> None:
    from sync import fieldsync
    from sync.hqimport import import_bundle
    from tests.sync_helpers import enroll, make_hq_vault

    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    try:
        enroll(field, hq)
        inc = Incident(title="Checkpoint", victims=[Victim(name="Layla Nasser")])
        inc.time.start = "2026-04-02T06:00:00Z"
        field.save_incident(inc, "first report")
        witness = _witness(field, "Karim Aziz", [_given("2026-03-01", "cell_use", "share_hq")])
        _statement(field, witness, NEVER_TEXT)
        out = tmp_path / "out"
        out.mkdir()
        assert import_bundle(hq, fieldsync.export_bundle(field, out).path).status == "imported"
        staged = _csv(
            tmp_path / "hq.csv",
            [["notes"], ["Layla Nasser"], ["Karim Aziz"], [NEVER_TEXT], ["nobody"]],
        )
        report = gate.review(hq, [staged], GatePolicy())
    finally:
        field.lock()
        hq.lock()
    assert [(f.location.split(",")[0], f.kind) for f in report.findings] == [
        ("row 2", gate.NAME),
        ("row 3", gate.NAME),
        ("row 4", gate.CONSENT),
    ]
    assert witness.code in report.findings[1].detail


def test_a_minors_guardian_is_a_name_to_find(case: Case) -> None:
    minor = Witness(
        identity=WitnessIdentity(name="Rami", age="12"),
        minor=True,
        consent=[
            ConsentEvent(
                action="given",
                date="2026-03-01",
                scopes=["cell_use"],
                method="verbal",
                guardian="Hala Jaber",
            )
        ],
    )
    stored, _ = case.vault.save_witness(minor, "with his mother")
    staged = _csv(case.staging / "g.csv", [["notes"], ["HALA JABER brought him"]])
    report = gate.review(case.vault, [staged], GatePolicy())
    assert [f.detail for f in report.findings] == [
        f"free text names a person: the guardian of witness {stored.code}"
    ]


def test_positions_in_other_notations_block(case: Case) -> None:
    staged = _csv(
        case.staging / "pos.csv",
        [
            ["notes"],
            ["near 33.3128° N, 44.3615° E"],
            ["at 33°18'46\" N 44°21'41\" E"],
            ["grid 38SMB4484 and 38S MB 44 84 and 38SMB 44840 84120"],
            ["district 33.3 N, 44.4 E; grid 38SMB48; 20 km away"],  # coarse enough
        ],
    )
    report = gate.review(case.vault, [staged], GatePolicy())
    assert [(f.location.split(",")[0], f.detail) for f in report.findings] == [
        ("row 2", "free text holds a coordinate with 4 decimals (at most 2)"),
        ("row 3", "free text holds a position to the second of arc"),
        ("row 4", "free text holds an MGRS reference to 5 digits per axis (at most 2)"),
    ]
    assert all(f.blocking for f in report.findings)


def test_other_json_is_searched_throughout(case: Case) -> None:
    meta = case.staging / "meta.json"
    meta.write_text(
        json.dumps({"title": "Monthly", "notes": ["Omar Khalil", {"quote": NEVER_TEXT}]}),
        encoding="utf-8",
    )
    single = case.staging / "one.geojson"
    single.write_text(
        json.dumps(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [44.4, 33.3]},
                "properties": {"quote": WITHDRAWN_TEXT},
            }
        ),
        encoding="utf-8",
    )
    report = gate.review(case.vault, [meta, single], GatePolicy())
    assert [(f.file, f.location, f.kind, f.blocking) for f in report.findings] == [
        ("meta.json", "$.notes[0]", gate.NAME, True),
        ("meta.json", "$.notes[1].quote", gate.CONSENT, True),
        ("one.geojson", "feature", gate.CONSENT, True),  # nothing would be left to publish
    ]


def test_a_policy_is_checked_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(gate.GateError, match="unknown gate policy field"):
        GatePolicy.from_json({"small_cells": 3})
    with pytest.raises(gate.GateError, match="at least 1"):
        GatePolicy(small_cell_threshold=0)
    with pytest.raises(gate.GateError, match="not a number"):
        GatePolicy(coordinate_grid="fine")
    policy = GatePolicy(coordinate_grid="0.05", public_fields=("ref",))
    assert GatePolicy.from_json(policy.to_json()) == policy
