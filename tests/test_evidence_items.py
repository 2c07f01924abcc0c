"""Evidence items in a real vault: real files through the blob store and the media sandbox,
dedup, flags from broken files, thumbnails, export (logged), consistency and "use this photo's
place and time"."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from fieldapp.domain.geo import normalise_decimal
from fieldapp.domain.model import Incident
from fieldapp.errors import NotARegularFile, RecordNotFound, StaleVersion, ValidationError
from fieldapp.media import MediaSandbox
from fieldapp.store.vault import Vault
from tests.helpers import raw_connection
from tests.media_samples import gps_photo


@pytest.fixture(scope="module")
def sandbox() -> Iterator[MediaSandbox]:
    with MediaSandbox(workers=1) as box:
        yield box


def photo(tmp_path: Path, name: str = "IMG_0001.jpg", color: str = "green") -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, "JPEG", quality=85)
    target = tmp_path / name
    target.write_bytes(buffer.getvalue())
    return target


def market(vault: Vault, lat: str = "36.340000", lon: str = "43.130000") -> Incident:
    inc = Incident(title="Market strike")
    inc.time.start = "2024-05-01T06:00:00Z"
    inc.time.end = "2024-05-01T07:00:00Z"
    inc.place.lat, inc.place.lon = lat, lon
    stored, _ = vault.save_incident(inc, "first report")
    return stored


def test_good_photo_is_stored_with_thumbnail(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    inc = market(vault)
    source = photo(tmp_path)
    seen: list[tuple[int, int]] = []
    item = vault.add_evidence(
        source,
        incident_ids=[inc.id],
        caption="stalls after the strike",
        source_medium="phone",
        acquisition="taken_by_analyst",
        sandbox=sandbox,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert item.original_name == "IMG_0001.jpg"
    assert item.size == source.stat().st_size and len(item.sha256) == 64
    assert item.media_type == "image/jpeg" and (item.width, item.height) == (640, 480)
    assert item.imported_by == vault.user and item.duplicate_of == ""
    assert "unrenderable" not in item.flags and "no_exif" in item.flags
    assert seen and seen[-1][0] == item.size
    thumb = vault.evidence_thumbnail(item.id)
    assert thumb is not None and thumb[:3] == b"\xff\xd8\xff"
    assert max(Image.open(io.BytesIO(thumb)).size) <= 256
    assert vault.get_evidence(item.id) == (item, 1)
    assert [e.id for e in vault.list_evidence(incident_id=inc.id)] == [item.id]
    assert vault.read_evidence(item.id, max_size=10_000_000) == source.read_bytes()
    # The thumbnail is not part of the hashed record.
    assert "thumbnail" not in vault.history(item.id)[0].body
    assert vault.verify_log().ok


def test_same_file_twice_is_one_blob_and_a_duplicate(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    source = photo(tmp_path)
    first = vault.add_evidence(source, sandbox=sandbox)
    copy = tmp_path / "copy-of-it.jpg"
    copy.write_bytes(source.read_bytes())
    second = vault.add_evidence(copy, sandbox=sandbox)
    assert second.sha256 == first.sha256 and second.id != first.id
    assert second.duplicate_of == first.id and first.duplicate_of == ""
    blobs = [p for p in (vault.path / "evidence").iterdir() if not p.name.startswith(".")]
    assert len(blobs) == 1
    assert {e.id for e in vault.list_evidence()} == {first.id, second.id}
    assert vault.verify_log().ok


def test_broken_jpeg_is_kept_and_flagged(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    data = photo(tmp_path).read_bytes()
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(data[: len(data) // 3])  # truncated: headers fine, pixels missing (F3)
    item = vault.add_evidence(broken, sandbox=sandbox)
    assert "unrenderable" in item.flags
    assert vault.evidence_thumbnail(item.id) is None
    assert vault.read_evidence(item.id, max_size=10_000_000) == broken.read_bytes()
    zipped = tmp_path / "with-zip.jpg"
    zipped.write_bytes(data + b"PK\x03\x04" + b"\x00" * 64)  # F5
    flagged = vault.add_evidence(zipped, sandbox=sandbox)
    assert "trailing_data" in flagged.flags


def test_any_file_type_is_stored_opaque(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n")
    item = vault.add_evidence(pdf, sandbox=sandbox, source_medium="email")
    assert item.media_type == "application/pdf"
    assert item.width is None and vault.evidence_thumbnail(item.id) is None


def test_refusals_store_nothing(vault: Vault, tmp_path: Path, sandbox: MediaSandbox) -> None:
    source = photo(tmp_path)
    link = tmp_path / "link.jpg"
    link.symlink_to(source)
    with pytest.raises(NotARegularFile):
        vault.add_evidence(link, sandbox=sandbox)
    with pytest.raises(ValidationError, match="unknown source medium 'pigeon'"):
        vault.add_evidence(source, source_medium="pigeon", sandbox=sandbox)
    with pytest.raises(ValidationError, match=r"incident_ids\[0\]: there is no incident"):
        vault.add_evidence(source, incident_ids=["a" * 32], sandbox=sandbox)
    assert vault.list_evidence() == []
    assert vault.verify_log().ok


def test_export_writes_the_original_and_logs_it(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    source = photo(tmp_path)
    item = vault.add_evidence(source, sandbox=sandbox)
    dest = tmp_path / "out" / "copy.jpg"
    dest.parent.mkdir()
    with pytest.raises(ValidationError, match="reason: say why"):
        vault.export_evidence(item.id, dest, "")
    assert not dest.exists()
    vault.export_evidence(item.id, dest, "court request 12")
    assert dest.read_bytes() == source.read_bytes()
    entry = vault.audit_entries(limit=1)[0]
    assert entry.kind == "evidence_exported"
    assert entry.summary == f"copy of evidence {item.id} saved by {vault.user}: court request 12"
    with pytest.raises(RecordNotFound):
        vault.export_evidence("b" * 32, dest, "nothing")


def test_gps_photo_consistency_and_apply_place_time(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    source = tmp_path / "gps.jpg"
    source.write_bytes(gps_photo())  # 33.3152 N 44.3669 E, 2024-05-01 10:20:30 +03:00
    inc = market(vault)  # Mosul, 06:00-07:00Z; the photo is 07:20:30Z
    item = vault.add_evidence(source, incident_ids=[inc.id], sandbox=sandbox)
    assert item.gps_lat and item.gps_lon and item.capture_offset == "+03:00"
    result = vault.evidence_consistency(item.id, inc.id)
    assert result.distance_km is not None and 350 < result.distance_km < 360  # Baghdad-Mosul
    assert result.time_difference is not None
    assert result.time_difference.total_seconds() == 20 * 60 + 30  # 07:20:30Z after 07:00Z
    assert result.warnings == (
        f"the photo was taken {result.distance_km:.1f} km from the incident's place "
        "(more than 1 km)",
    )
    updated, version = vault.apply_photo_place_time(inc.id, item.id, "photo from the scene")
    assert version == 2
    assert updated.place.lat == normalise_decimal(item.gps_lat, "lat")
    assert updated.place.lon == normalise_decimal(item.gps_lon, "lon")
    assert updated.place.method == "photo_exif"
    assert updated.time.start == "2024-05-01T07:20:30Z"
    assert updated.time.utc_offset == "+03:00"
    assert updated.time.end == ""  # the old end was before the photo's time
    assert vault.history(inc.id)[-1].reason == "photo from the scene"
    after = vault.evidence_consistency(item.id, inc.id)
    assert after.distance_km == 0.0 and after.warnings == ()
    assert vault.verify_log().ok


def test_apply_refuses_a_photo_without_place_or_time(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    inc = market(vault)
    item = vault.add_evidence(photo(tmp_path), sandbox=sandbox)
    with pytest.raises(ValidationError, match="has no GPS position and no capture time"):
        vault.apply_photo_place_time(inc.id, item.id, "try")
    assert vault.get_incident(inc.id)[1] == 1


def test_tampered_evidence_row_is_reported(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    item = vault.add_evidence(photo(tmp_path), sandbox=sandbox)
    conn = raw_connection(vault.path, vault._raw_key_hex())
    try:
        conn.execute("UPDATE evidence_items SET flags = '' WHERE id = ?", (item.id,))
    finally:
        conn.close()
    assert vault.verify_log().problems == [
        f"evidence item {item.id}: the current row does not match its latest version 1"
    ]


def test_add_evidence_without_a_sandbox_starts_its_own(vault: Vault, tmp_path: Path) -> None:
    item = vault.add_evidence(photo(tmp_path))
    assert item.media_type == "image/jpeg" and vault.evidence_thumbnail(item.id) is not None


def test_bad_link_is_refused_before_anything_is_stored(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    with pytest.raises(ValidationError, match=r"incident_ids\[0\]: there is no incident"):
        vault.add_evidence(photo(tmp_path), incident_ids=["a" * 32], sandbox=sandbox)
    folder = vault.path / "evidence"
    assert not folder.exists() or not any(folder.iterdir())


def test_update_evidence_changes_description_only(
    vault: Vault, tmp_path: Path, sandbox: MediaSandbox
) -> None:
    inc = market(vault)
    item = vault.add_evidence(photo(tmp_path), sandbox=sandbox)
    item.caption = "stall 4, looking north"
    item.incident_ids = [inc.id]
    item.sensitivity = "identifiable_people"
    updated, version = vault.update_evidence(item, "captioned and linked", expected_version=1)
    assert version == 2 and vault.get_evidence(item.id) == (updated, 2)
    assert [e.id for e in vault.list_evidence(incident_id=inc.id)] == [item.id]
    again, same = vault.update_evidence(updated, "no change")
    assert same == 2 and again == updated
    forged = vault.get_evidence(item.id)[0]
    forged.gps_lat, forged.gps_lon, forged.flags = "1.0", "2.0", []
    with pytest.raises(ValidationError) as info:
        vault.update_evidence(forged, "move it")
    text = str(info.value)
    assert "gps_lat: is measured from the original file and cannot be changed" in text
    assert "flags: is measured from the original file" in text
    with pytest.raises(StaleVersion):
        vault.update_evidence(updated, "late", expected_version=1)
    assert [v.reason for v in vault.history(item.id)] == [
        "imported IMG_0001.jpg",
        "captioned and linked",
    ]
    assert vault.verify_log().ok


def test_files_inside_the_vault_folder_are_refused(vault: Vault) -> None:
    """A folder dropped with the vault inside it must not import the vault as evidence."""
    from fieldapp.errors import PartOfVault

    before = vault.list_evidence()
    with pytest.raises(PartOfVault, match="part of the vault itself"):
        vault.add_evidence(vault.path / "vault.key")
    assert vault.list_evidence() == before
