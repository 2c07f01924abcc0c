"""The ingest benchmark's own parts do what their figures claim (no timing is asserted).

The floor's thumbnail must do the same work as the media worker's (else the ratio compares
unlike things), and the child that runs the whole ingest must really store every photo, with
its thumbnail, in a copy of the template vault, and report per-process peak RSS.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

from fieldapp.media import MediaSandbox
from fieldapp.store.vault import Vault
from tests.helpers import make_vault
from tests.media_samples import noise_jpeg, oriented_jpeg

# The benchmarks are scripts in a folder that is no package; mypy knows them by their own
# names, so they are imported the same way (`benchmarks.ingest` would be the file twice).
sys.path.append(str(Path(__file__).resolve().parent.parent / "benchmarks"))  # last: no shadowing
import ingest


def _pixel(jpeg: bytes, xy: tuple[int, int]) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(jpeg)) as image:
        value = image.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return (value[0], value[1], value[2])


def test_floor_thumbnail_is_upright_and_the_size_of_the_workers(tmp_path: Path) -> None:
    photo = tmp_path / "rotated.jpg"
    photo.write_bytes(oriented_jpeg(6))  # 64x32, red left half, stored on its side

    floor = ingest.draft_thumbnail(str(photo))

    with Image.open(io.BytesIO(floor)) as image:
        assert image.format == "JPEG"
        assert image.size == (32, 64)  # orientation 6 applied: now portrait
    red, blue = _pixel(floor, (16, 8)), _pixel(floor, (16, 56))
    assert red[0] > 200 and red[2] < 60  # the left half turned to the top
    assert blue[2] > 200 and blue[0] < 60
    with MediaSandbox(workers=1) as sandbox:
        worker = sandbox.process(photo).thumbnail_jpeg
    assert worker is not None
    with Image.open(io.BytesIO(worker)) as image:
        assert image.size == (32, 64)


def test_whole_ingest_stores_every_photo_in_a_copy_of_the_template(tmp_path: Path) -> None:
    template = tmp_path / "template"
    make_vault(template, passphrase=ingest.PASSPHRASE).lock()
    photos = [tmp_path / "noise.jpg", tmp_path / "rotated.jpg"]
    photos[0].write_bytes(noise_jpeg())
    photos[1].write_bytes(oriented_jpeg(6))

    result = ingest.whole_ingest(photos, template, tmp_path / "run", threads=2, workers=2)

    assert result["items"] == 2
    assert result["bytes"] == sum(p.stat().st_size for p in photos)
    assert sum(result["answered_per_worker"]) == 2
    assert result["peak_rss_mb"] > 0
    if result["peak_is_ingest_only"]:  # Linux: each worker's own high-water mark is read
        assert len(result["workers_peak_mb"]) == 2
        assert all(mb > 0 for mb in result["workers_peak_mb"])
    # The template stays empty; the copy holds both photos, each with its preview.
    vault = Vault.unlock(template, ingest.PASSPHRASE)
    try:
        assert vault.list_evidence() == []
    finally:
        vault.lock()
    vault = Vault.unlock(tmp_path / "run", ingest.PASSPHRASE)
    try:
        items = vault.list_evidence()
        assert sorted(i.original_name for i in items) == ["noise.jpg", "rotated.jpg"]
        assert all(vault.evidence_thumbnail(i.id) for i in items)
    finally:
        vault.lock()
    assert not (tmp_path / "run.json").exists()  # the child's spec is cleaned up
