"""MediaInfo crosses a process boundary as JSON: the round trip is exact and the reader strict.
Sniffing trusts bytes, never names."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldapp.domain import canonical
from fieldapp.media.model import FLAGS, MediaInfo, with_flags
from fieldapp.media.sniff import HEAD_BYTES, sniff_bytes, sniff_file
from tests import media_samples

FULL = MediaInfo(
    media_type="image/jpeg",
    image_format="JPEG",
    width=4000,
    height=3000,
    capture_time="2024-05-01T10:20:30+03:00",
    capture_offset="+03:00",
    gps_lat="33.315200",
    gps_lon="44.366944",
    gps_alt_m="345.5",
    gps_direction="180.5",
    make="Canon",
    model="EOS R6",
    orientation=6,
    flags=("gps_invalid", "trailing_data"),
)


def test_round_trip_is_exact() -> None:
    assert MediaInfo.from_dict(FULL.to_dict()) == FULL
    bare = MediaInfo(media_type="application/pdf")
    assert MediaInfo.from_dict(bare.to_dict()) == bare


def test_to_dict_is_canonical_json() -> None:
    # records3 stores these facts in a version; canonical JSON refuses floats and tuples.
    data = FULL.to_dict()
    assert data["flags"] == ["gps_invalid", "trailing_data"]
    assert canonical.loads(canonical.dumps(data)) == data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "unknown key"),
        ({"media_type": 3}, "media_type"),
        ({"width": "4000"}, "width"),
        ({"width": -1}, "width"),
        ({"orientation": True}, "orientation"),
        ({"make": "x" * 500}, "make"),
        ({"flags": "no_exif"}, "flags"),
        ({"flags": ["on_fire"]}, "unknown media flag"),
        ({"capture_offset": "3h"}, "capture offset"),
        ({"media_type": "JPEG"}, "media type"),
    ],
)
def test_from_dict_refuses_malformed(change: dict[str, object], message: str) -> None:
    data = {**FULL.to_dict(), **change}
    with pytest.raises(ValueError, match=message):
        MediaInfo.from_dict(data)


def test_from_dict_refuses_non_object() -> None:
    with pytest.raises(ValueError, match="must be an object"):
        MediaInfo.from_dict(["image/jpeg"])


def test_flags_keep_one_order_and_refuse_typos() -> None:
    info = with_flags(MediaInfo(media_type="image/png"), "timeout", "no_exif", "timeout")
    assert info.flags == ("no_exif", "timeout")
    assert list(info.flags) == [f for f in FLAGS if f in info.flags]
    assert info.has("timeout")
    with pytest.raises(ValueError, match="unknown media flag"):
        info.has("time_out")
    with pytest.raises(ValueError, match="repeat"):
        MediaInfo(media_type="image/png", flags=("no_exif", "no_exif"))


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (media_samples.plain_jpeg(), "image/jpeg"),
        (media_samples.flat_png(4, 4), "image/png"),
        (media_samples.tiff_image(), "image/tiff"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1", "image/heif"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00M4A mp42", "audio/mp4"),
        (b"%PDF-1.7\n", "application/pdf"),
        (media_samples.zip_bytes(), "application/zip"),
        (media_samples.psd_image(), "image/vnd.adobe.photoshop"),
        (media_samples.fits_image(), "image/fits"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (b"hello, world\n", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_sniff_by_content(head: bytes, expected: str) -> None:
    assert sniff_bytes(head[:HEAD_BYTES]) == expected


def test_sniff_ignores_the_name(tmp_path: Path) -> None:
    tiff = tmp_path / "holiday.jpg"
    tiff.write_bytes(media_samples.tiff_image())
    pdf = tmp_path / "photo.png"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 10_000)
    assert sniff_file(tiff) == "image/tiff"
    assert sniff_file(pdf) == "application/pdf"
