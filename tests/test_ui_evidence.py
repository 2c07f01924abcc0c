"""The evidence tab on a real vault: real files made with Pillow, imported through the blob
store and the media sandbox, shown in the gallery, viewed, exported and used for the incident."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QLabel, QMessageBox

from fieldapp.domain.model import Incident
from fieldapp.store.vault import Vault
from fieldapp.ui import evidence_viewer
from fieldapp.ui.evidence import (
    THUMB_SIZE,
    EvidencePanel,
    GalleryModel,
    ImportSummary,
    collect_files,
    sha256_groups,
)
from fieldapp.ui.evidence_viewer import EvidenceViewer, decode_image
from fieldapp.ui.tasks import InlineRunner, TaskRunner
from tests.media_samples import flat_png, gps_photo, oriented_jpeg, plain_jpeg


def photo(
    folder: Path,
    name: str,
    color: str | tuple[int, int, int] = "green",
    size: tuple[int, int] = (320, 240),
) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=85)
    target = folder / name
    target.write_bytes(buffer.getvalue())
    return target


def broken_jpeg(folder: Path, name: str = "broken.jpg") -> Path:
    data = plain_jpeg((200, 150))
    target = folder / name
    target.write_bytes(data[: len(data) // 3])  # cut in the middle of the scan
    return target


def market(vault: Vault) -> Incident:
    """Mosul, 06:00-07:00Z; `gps_photo` is in Baghdad at 07:20:30Z."""
    inc = Incident(title="Market strike")
    inc.time.start = "2024-05-01T06:00:00Z"
    inc.time.end = "2024-05-01T07:00:00Z"
    inc.place.lat, inc.place.lon = "36.340000", "43.130000"
    stored, _ = vault.save_incident(inc, "first report")
    return stored


@pytest.fixture
def incident(vault: Vault) -> Incident:
    return market(vault)


@pytest.fixture
def panel(qtbot, vault: Vault, incident: Incident) -> Iterator[EvidencePanel]:
    widget = EvidencePanel(InlineRunner())
    qtbot.addWidget(widget)
    widget.set_vault(vault)
    widget.show_incident(incident.id)
    yield widget
    widget.set_vault(None)


def summaries(panel: EvidencePanel) -> list[ImportSummary]:
    seen: list[ImportSummary] = []
    panel.import_finished.connect(seen.append)
    return seen


def names(panel: EvidencePanel) -> list[str]:
    return sorted(e.item.original_name for e in panel.model.entries)


def tooltip(panel: EvidencePanel, name: str) -> str:
    row = next(i for i, e in enumerate(panel.model.entries) if e.item.original_name == name)
    text = panel.model.data(panel.model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(text, str)
    return text


def test_import_files_fills_the_gallery_with_thumbnails(
    qtbot, panel: EvidencePanel, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    files = [photo(tmp_path, f"IMG_{i}.jpg", color) for i, color in enumerate(["red", "blue"])]
    (tmp_path / "gps.jpg").write_bytes(gps_photo())
    files.append(tmp_path / "gps.jpg")
    done = summaries(panel)
    with qtbot.waitSignal(panel.gallery_loaded):
        panel.import_paths(files)
    [summary] = done
    assert summary.text() == "3 of 3 imported"
    assert panel.summary.toPlainText() == "3 of 3 imported"
    assert panel.model.rowCount() == 3
    assert names(panel) == ["IMG_0.jpg", "IMG_1.jpg", "gps.jpg"]
    for entry in panel.model.entries:
        assert entry.has_thumbnail
        assert not entry.pixmap.isNull() and max(entry.pixmap.width(), entry.pixmap.height()) > 32
    stored = vault.list_evidence(incident.id)
    assert {i.original_name for i in stored} == {"IMG_0.jpg", "IMG_1.jpg", "gps.jpg"}
    assert panel.count_label.text() == "3 item(s)"
    assert not panel.progress.isVisible() and panel.add_files_button.isEnabled()


def test_duplicate_import_shows_the_duplicate_flag(
    qtbot, panel: EvidencePanel, tmp_path: Path
) -> None:
    source = photo(tmp_path, "IMG_1.jpg")
    panel.import_paths([source])
    done = summaries(panel)
    panel.import_paths([source])
    assert panel.model.rowCount() == 2
    first, second = sorted(panel.model.entries, key=lambda e: e.item.imported_at)
    dup = first if first.item.duplicate_of else second
    orig = second if dup is first else first
    assert dup.item.duplicate_of == orig.item.id
    assert f"duplicate of evidence {orig.item.id[:8]}" in done[0].text()
    row = panel.model.entries.index(dup)
    text = panel.model.data(panel.model.index(row), Qt.ItemDataRole.ToolTipRole)
    assert "duplicate of evidence" in text
    panel.gallery.setCurrentIndex(panel.model.index(row))
    assert "duplicate of evidence" in panel.facts["flags"].text()


def test_broken_file_is_imported_with_its_flag_and_a_placeholder(
    panel: EvidencePanel, vault: Vault, tmp_path: Path
) -> None:
    broken = broken_jpeg(tmp_path)
    done = summaries(panel)
    panel.import_paths([broken])
    assert done[0].text().splitlines() == [
        "1 of 1 imported",
        "broken.jpg: no EXIF metadata, cannot be rendered",
    ]
    [entry] = panel.model.entries
    assert not entry.has_thumbnail and not entry.pixmap.isNull()
    assert "cannot be rendered" in tooltip(panel, "broken.jpg")
    panel.gallery.setCurrentIndex(panel.model.index(0))
    assert panel.facts["flags"].text() == "no EXIF metadata, cannot be rendered"
    viewer = panel.open_viewer()
    assert viewer is not None and viewer.image is None
    assert "not shown here" in viewer.status.text()
    viewer.close()


def test_cancel_mid_batch_keeps_the_stored_files_and_says_so(
    panel: EvidencePanel, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    colors = ["red", "green", "blue", "white", "black", "yellow"]
    files = [photo(tmp_path, f"IMG_{i:02}.jpg", c) for i, c in enumerate(colors)]

    def on_progress(done: int, total: int) -> None:
        if done == 2:  # while the third file is being imported
            panel.cancel_import()

    panel.import_progress.connect(on_progress)
    done = summaries(panel)
    panel.import_paths(files)
    assert done[0].cancelled
    assert done[0].text() == "3 of 6 imported, cancelled"
    assert panel.summary.toPlainText() == "3 of 6 imported, cancelled"
    assert names(panel) == ["IMG_00.jpg", "IMG_01.jpg", "IMG_02.jpg"]
    assert len(vault.list_evidence(incident.id)) == 3
    assert vault.verify_log().ok


def test_cancel_with_the_threaded_runner(
    qtbot, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    runner = TaskRunner()
    panel = EvidencePanel(runner)
    qtbot.addWidget(panel)
    panel.set_vault(vault)
    panel.show_incident(incident.id)
    files = [photo(tmp_path, f"IMG_{i:02}.jpg", (i * 30, 0, 0)) for i in range(8)]
    panel.import_progress.connect(lambda done, total: panel.cancel_import())
    with qtbot.waitSignal(panel.import_finished, timeout=120_000) as finished:
        panel.import_paths(files)
        assert not panel.add_files_button.isEnabled()  # one batch at a time
    summary = finished.args[0]
    assert summary.cancelled and 1 <= len(summary.imported) < 8
    assert summary.text().startswith(f"{len(summary.imported)} of 8 imported, cancelled")
    qtbot.waitUntil(lambda: panel.model.rowCount() == len(summary.imported), timeout=30_000)
    assert len(vault.list_evidence(incident.id)) == len(summary.imported)
    assert panel.add_files_button.isEnabled()
    runner.wait()
    panel.set_vault(None)


def test_folder_import_reports_a_symlink_as_refused(
    panel: EvidencePanel, vault: Vault, tmp_path: Path
) -> None:
    folder = tmp_path / "card"
    (folder / "DCIM" / "100").mkdir(parents=True)
    photo(folder, "a.jpg")
    photo(folder / "DCIM" / "100", "b.jpg", "yellow")
    outside = photo(tmp_path, "secret.jpg", "black")
    os.symlink(outside, folder / "link.jpg")
    os.symlink(tmp_path, folder / "loop")  # a folder link is not followed either
    listed = [p.relative_to(folder).as_posix() for p in collect_files([folder])]
    assert listed == ["DCIM/100/b.jpg", "a.jpg", "link.jpg", "loop"]
    done = summaries(panel)
    panel.import_paths([folder])
    lines = done[0].text().splitlines()
    assert lines[0] == "2 of 4 imported, 2 failed"
    assert lines[1] == (
        f"NOT imported: link.jpg: {folder / 'link.jpg'} is a symbolic link; only regular "
        "files can be imported as evidence"
    )
    assert lines[2].startswith(f"NOT imported: loop: {folder / 'loop'} is a symbolic link")
    assert names(panel) == ["a.jpg", "b.jpg"]
    assert all(i.original_name != "secret.jpg" for i in vault.list_evidence())


def test_drop_of_files_imports_them(panel: EvidencePanel, tmp_path: Path) -> None:
    files = [photo(tmp_path, "drop1.jpg"), photo(tmp_path, "drop2.jpg", "white")]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.dropEvent(event)
    assert event.isAccepted()
    assert names(panel) == ["drop1.jpg", "drop2.jpg"]


def test_viewer_shows_the_image_decrypted_and_turned(
    qtbot, panel: EvidencePanel, vault: Vault, vault_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "turned.jpg"
    source.write_bytes(oriented_jpeg(6))  # 64x32, left red, right blue; turn 90° clockwise
    panel.import_paths([source])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    assert panel.facts["image"].text() == "JPEG 64 × 32 px, orientation 6"
    viewer = panel.open_viewer()
    assert isinstance(viewer, EvidenceViewer)
    image = viewer.image
    assert image is not None
    assert (image.width(), image.height()) == (32, 64)
    top = image.pixelColor(16, 4)
    bottom = image.pixelColor(16, 60)
    assert top.red() > 200 and top.blue() < 60  # the left (red) half is now on top
    assert bottom.blue() > 200 and bottom.red() < 60
    assert viewer.picture.pixmap() is not None and not viewer.picture.pixmap().isNull()
    # Nothing decrypted was written anywhere: the original's bytes are in no file on disk.
    original = source.read_bytes()
    for path in vault_dir.rglob("*"):
        if path.is_file():
            assert original not in path.read_bytes(), path
    viewer.close()
    assert viewer.image is None


def test_save_a_copy_writes_identical_bytes_and_an_audit_entry(
    qtbot, panel: EvidencePanel, vault: Vault, tmp_path: Path
) -> None:
    source = photo(tmp_path, "IMG_9.jpg", "purple")
    panel.import_paths([source])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    item = panel.current_item()
    assert item is not None
    assert panel.facts["sha256"].text() == sha256_groups(item.sha256)
    assert len(panel.facts["sha256"].text().split()) == 8
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.export_box.isVisibleTo(panel)
    warning = panel.export_box.findChild(QLabel, "exportWarning")
    assert warning is not None and "outside the vault" in warning.text()
    dest = tmp_path / "out" / "copy.jpg"
    dest.parent.mkdir()
    panel.export_path.setText(str(dest))
    qtbot.mouseClick(panel.export_confirm, Qt.MouseButton.LeftButton)  # no reason yet
    assert panel.export_issue.text() == "reason: say why this change is made"
    assert not dest.exists()
    panel.export_reason.setText("prosecutor asked for the original")
    with qtbot.waitSignal(panel.exported) as saved:
        qtbot.mouseClick(panel.export_confirm, Qt.MouseButton.LeftButton)
    assert saved.args == [str(dest)]
    assert dest.read_bytes() == source.read_bytes()
    entry = vault.audit_entries(limit=1)[0]
    assert entry.kind == "evidence_exported"
    assert entry.summary.endswith(": prosecutor asked for the original")
    assert not panel.export_box.isVisibleTo(panel)
    # A name that exists is never overwritten from the typed path.
    qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    panel.export_path.setText(str(dest))
    panel.export_reason.setText("again")
    qtbot.mouseClick(panel.export_confirm, Qt.MouseButton.LeftButton)
    assert panel.export_issue.text() == f"{dest} exists; choose a new file name."


def test_use_place_and_time_saves_a_new_incident_version(
    qtbot, panel: EvidencePanel, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    source = tmp_path / "gps.jpg"
    source.write_bytes(gps_photo())
    panel.import_paths([source])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    gps = panel.facts["gps"].text().splitlines()
    assert gps[0] == "33.315200, 44.366944"
    assert gps[1].startswith("MGRS 38S")
    assert panel.facts["camera"].text() == "Canon EOS R6"
    assert panel.facts["sensitivity"].text() == "Normal"
    assert panel.facts["incidents"].text() == "linked to 1"
    assert panel.facts["captured"].text() == "2024-05-01T10:20:30+03:00"
    assert "km from the incident's place" in panel.consistency_label.text()
    assert "taken 0 h 20 min after the incident's time" in panel.consistency_label.text()
    assert panel.warnings_label.text().startswith("Warning: the photo was taken 35")
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert panel.apply_box.isVisibleTo(panel)
    panel.apply_reason.setText("photo from the scene")
    with qtbot.waitSignal(panel.incident_changed) as changed:
        qtbot.mouseClick(panel.apply_confirm, Qt.MouseButton.LeftButton)
    assert changed.args == [incident.id]
    updated, version = vault.get_incident(incident.id)
    assert version == 2
    assert updated.place.method == "photo_exif"
    assert updated.time.start == "2024-05-01T07:20:30Z"
    assert vault.history(incident.id)[-1].reason == "photo from the scene"
    assert panel.consistency_label.text().startswith("0.00 km from the incident's place")
    assert panel.warnings_label.text() == ""
    assert not panel.apply_box.isVisibleTo(panel)


def test_use_place_and_time_without_reason_changes_nothing(
    qtbot, panel: EvidencePanel, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    source = tmp_path / "gps.jpg"
    source.write_bytes(gps_photo())
    panel.import_paths([source])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    emitted: list[str] = []
    panel.incident_changed.connect(emitted.append)
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.apply_confirm, Qt.MouseButton.LeftButton)
    box = panel.findChild(QMessageBox, "errorMessage")
    assert box is not None and "say why" in box.text()
    assert emitted == [] and vault.get_incident(incident.id)[1] == 1


def test_caption_edit_is_saved_as_a_new_version(
    qtbot, panel: EvidencePanel, vault: Vault, tmp_path: Path
) -> None:
    panel.import_paths([photo(tmp_path, "<img src=x>.jpg")])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    # A file's name is data: shown literally, never as markup.
    assert panel.model.data(panel.model.index(0)) == "<img src=x>.jpg"
    assert panel.facts["name"].text() == "<img src=x>.jpg"
    assert panel.facts["name"].textFormat() == Qt.TextFormat.PlainText
    assert "&lt;img src=x&gt;" in tooltip(panel, "<img src=x>.jpg")
    panel.caption_edit.setText("  stalls after the strike ")
    with qtbot.waitSignal(panel.caption_saved):
        qtbot.mouseClick(panel.caption_button, Qt.MouseButton.LeftButton)
    item = panel.model.entries[0].item
    stored, version = vault.get_evidence(item.id)
    assert (stored.caption, version) == ("stalls after the strike", 2)
    assert panel.caption_edit.text() == "stalls after the strike"


def test_lock_drops_thumbnails_viewer_and_details(
    panel: EvidencePanel, incident: Incident, tmp_path: Path
) -> None:
    panel.import_paths([photo(tmp_path, "IMG_1.jpg")])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    viewer = panel.open_viewer()
    assert viewer is not None and viewer.image is not None
    panel.set_vault(None)
    assert panel.model.rowCount() == 0 and panel.model.entries == []
    assert viewer.image is None
    assert panel.viewer is None and panel.current_item() is None
    assert all(label.text() == "" for label in panel.facts.values())
    assert panel.summary.toPlainText() == "" and panel.caption_edit.text() == ""
    assert not panel.add_files_button.isEnabled() and not panel.view_button.isEnabled()
    panel.import_paths([tmp_path / "IMG_1.jpg"])  # nothing happens without a vault
    assert panel.model.rowCount() == 0


def test_switching_incident_shows_only_its_gallery(
    panel: EvidencePanel, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    panel.import_paths([photo(tmp_path, "IMG_1.jpg")])
    other = market(vault)
    panel.show_incident(other.id)
    assert panel.model.rowCount() == 0
    panel.show_incident(None)
    assert not panel.add_files_button.isEnabled()
    panel.show_incident(incident.id)
    assert names(panel) == ["IMG_1.jpg"]


def test_gallery_model_roles_are_empty_outside_its_rows() -> None:
    model = GalleryModel()
    assert model.rowCount() == 0
    assert model.data(model.index(3)) is None


def test_every_gallery_tile_is_one_square_cell(panel: EvidencePanel, tmp_path: Path) -> None:
    """Stored thumbnails are bigger than a cell; drawn as they are they covered the names."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4\n% a report\n")
    photo(folder, "wide.jpg", "blue", size=(1600, 400))
    photo(folder, "tall.jpg", "red", size=(300, 1200))
    panel.import_paths([folder])
    assert names(panel) == ["notes.pdf", "tall.jpg", "wide.jpg"]
    for entry in panel.model.entries:
        assert (entry.pixmap.width(), entry.pixmap.height()) == (THUMB_SIZE, THUMB_SIZE)
    pdf = next(e for e in panel.model.entries if e.item.original_name == "notes.pdf")
    assert not pdf.has_thumbnail and pdf.item.media_type == "application/pdf"
    panel.select(pdf.item.id)
    assert panel.facts["image"].text() == "—" and panel.facts["gps"].text() == "none"
    viewer = panel.open_viewer()
    assert viewer is not None and viewer.image is None
    assert viewer.status.text().startswith("application/pdf is not shown here")


def test_viewer_refuses_an_original_above_its_memory_cap(
    monkeypatch: pytest.MonkeyPatch, panel: EvidencePanel, tmp_path: Path
) -> None:
    monkeypatch.setattr(evidence_viewer, "MAX_VIEW_BYTES", 100)
    source = photo(tmp_path, "IMG_1.jpg")
    panel.import_paths([source])
    panel.select(panel.model.entries[0].item.id)
    viewer = panel.open_viewer()
    assert viewer is not None and viewer.image is None
    assert viewer.status.text() == (
        f"the original is {source.stat().st_size} bytes, more than the 100 bytes that can be "
        "opened in memory; save a copy instead"
    )


def test_selection_survives_an_import(panel: EvidencePanel, tmp_path: Path) -> None:
    panel.import_paths([photo(tmp_path, "first.jpg")])
    first = panel.model.entries[0].item
    panel.select(first.id)
    panel.import_paths([photo(tmp_path, "second.jpg", "white")])
    assert panel.model.rowCount() == 2
    assert panel.current_item() == first and panel.facts["name"].text() == "first.jpg"
    assert panel.model.data(panel.gallery.currentIndex(), GalleryModel.ItemRole) == first


def test_lock_during_a_threaded_import_drops_its_results(
    qtbot, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    runner = TaskRunner()
    panel = EvidencePanel(runner)
    qtbot.addWidget(panel)
    panel.set_vault(vault)
    panel.show_incident(incident.id)
    files = [photo(tmp_path, f"IMG_{i:02}.jpg", (0, i * 30, 0)) for i in range(5)]
    finished: list[ImportSummary] = []
    panel.import_finished.connect(finished.append)

    def lock_now(done: int, total: int) -> None:
        panel.set_vault(None)  # what the window does on lock, before closing the vault
        vault.lock()

    panel.import_progress.connect(lock_now)
    panel.import_paths(files)
    qtbot.waitUntil(lambda: runner.busy is False, timeout=120_000)
    assert runner.wait()
    qtbot.wait(50)  # let any queued result reach the panel, which must ignore it
    assert finished == [] and panel.model.rowCount() == 0
    assert panel.summary.toPlainText() == "" and not panel.progress.isVisible()


def test_progress_moves_within_a_large_file_and_reports_files_once(
    panel: EvidencePanel, tmp_path: Path
) -> None:
    big = tmp_path / "recording.bin"
    big.write_bytes(os.urandom(640 * 1024))  # ten 64 KiB chunks
    small = photo(tmp_path, "IMG_1.jpg")
    bar_values: list[int] = []
    file_steps: list[tuple[int, int]] = []
    panel.progress.valueChanged.connect(bar_values.append)
    panel.import_progress.connect(lambda done, total: file_steps.append((done, total)))
    panel.import_paths([big, small])
    assert file_steps == [(0, 2), (1, 2), (2, 2)]
    inside_first = [v for v in bar_values if 0 < v < 100]
    assert len(inside_first) >= 5 and inside_first == sorted(inside_first)
    assert names(panel) == ["IMG_1.jpg", "recording.bin"]


def test_decoder_refuses_a_picture_above_the_allocation_limit(qtbot) -> None:
    # 20000 x 10000 RGB is 0.6 MB on disk and 800 MB as 32-bit pixels: refused before decoding.
    assert decode_image(flat_png(20000, 10000, rgb=True)).isNull()
    small = decode_image(flat_png(200, 100, rgb=True))
    assert (small.width(), small.height()) == (200, 100)


def test_viewer_with_the_threaded_runner(
    qtbot, vault: Vault, incident: Incident, tmp_path: Path
) -> None:
    runner = TaskRunner()
    panel = EvidencePanel(runner)
    qtbot.addWidget(panel)
    panel.set_vault(vault)
    with qtbot.waitSignal(panel.gallery_loaded, timeout=30_000):
        panel.show_incident(incident.id)
    with qtbot.waitSignal(panel.gallery_loaded, timeout=120_000):
        panel.import_paths([photo(tmp_path, "IMG_1.jpg", "red", size=(1600, 1200))])
    with qtbot.waitSignal(panel.details_shown, timeout=30_000):
        panel.select(panel.model.entries[0].item.id)
    viewer = panel.open_viewer()
    assert viewer is not None
    with qtbot.waitSignal(viewer.loaded, timeout=30_000):
        pass
    assert viewer.image is not None and (viewer.image.width(), viewer.image.height()) == (
        1600,
        1200,
    )
    pixmap = viewer.picture.pixmap()
    assert max(pixmap.width(), pixmap.height()) == evidence_viewer.VIEW_SIZE
    viewer.close()
    runner.wait()
    panel.set_vault(None)


def test_the_vault_folder_itself_is_never_imported(
    panel: EvidencePanel, vault: Vault, vault_dir: Path, tmp_path: Path
) -> None:
    photo(tmp_path, "IMG_1.jpg")
    done = summaries(panel)
    panel.import_paths([tmp_path])  # the folder that holds the vault
    summary = done[0]
    assert len(summary.imported) == 1 and summary.total == 1 + len(summary.failures)
    refused = dict(summary.failures)
    assert {"vault.key", "vault.db"} <= set(refused)
    for name, message in summary.failures:
        assert message.endswith("is part of the vault itself and is not imported."), name
    assert refused["vault.key"].startswith(str(vault_dir / "vault.key"))
    assert names(panel) == ["IMG_1.jpg"]


def test_provenance_of_the_selected_item_opens_and_verifies(
    qtbot, panel: EvidencePanel, tmp_path: Path
) -> None:
    from fieldapp.ui.provenance import ProvenanceDialog

    assert not panel.provenance_button.isEnabled()  # nothing selected yet
    panel.import_paths([photo(tmp_path, "IMG_1.jpg")])
    panel.gallery.setCurrentIndex(panel.model.index(0))
    assert panel.provenance_button.isEnabled()
    panel.provenance_button.click()
    dialogs = panel.findChildren(ProvenanceDialog)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.provenance is not None
    assert dialog.provenance.record_id == panel.model.entries[0].item.id
    dialog.verify_button.click()
    assert dialog.verification is not None and dialog.verification.ok
    dialog.close()
