"""Deconfliction with external datasets, on real vaults and real CSV files: import with the
Airwars-style preset and custom mappings, every refusal (nothing written), re-import by external
id, ranking and reasons on hand-placed incidents, decisions remembered and logged."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from fieldapp.domain.model import ExternalRef, Incident
from fieldapp.errors import RecordNotFound, ValidationError
from fieldapp.review import deconflict as d
from fieldapp.store.vault import Vault
from tests.helpers import TEST_PASSPHRASE

DATA = Path(__file__).parent / "data" / "deconfliction"
AIRWARS = DATA / "airwars_small.csv"
HEADER = (
    "Code,Date,Location,Latitude,Longitude,Belligerent,Civilians killed (min),"
    "Civilians killed (max),Munition,URL"
)
GOOD_ROW = "XS100,2024-03-05,Somewhere,33.1,44.2,Coalition,1,2,Guided bomb,https://example.org/1"


def incident(
    vault: Vault,
    title: str,
    start: str = "2024-03-05T09:00:00Z",
    lat: str = "33.316000",
    lon: str = "44.367000",
    party: str = "coalition_partner",
    munition: str = "guided_bomb",
    killed: int | None = 4,
    utc_offset: str = "+00:00",
) -> Incident:
    inc = Incident(title=title)
    inc.time.start, inc.time.utc_offset = start, utc_offset
    inc.place.lat, inc.place.lon = lat, lon
    inc.engagement.party = party
    inc.engagement.munition = munition
    inc.casualties.killed.unknown.min = killed
    inc.casualties.killed.unknown.max = killed
    stored, _ = vault.save_incident(inc, "seed")
    return stored


def counts(vault: Vault) -> tuple[int, int, int]:
    with vault.reading() as conn:
        records = conn.execute("SELECT count(*) FROM external_records").fetchone()[0]
        sources = conn.execute("SELECT count(*) FROM external_sources").fetchone()[0]
    return int(records), int(sources), vault.log_size()


def events(vault: Vault, kind: str) -> list[dict[str, Any]]:
    return [e.entry for e in vault.audit_entries(0, 1000) if e.kind == kind]


def write(tmp_path: Path, text: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- import -----------------------------------------------------------------------------------
def test_airwars_preset_imports_the_fixture_and_is_logged(vault: Vault) -> None:
    result = d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    assert (result.rows, result.added, result.updated, result.unchanged) == (5, 5, 0, 0)
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT at, lat_e6, lon_e6, place, belligerent, munition, killed_min, killed_max, "
            "url, raw FROM external_records WHERE external_id = 'XS001'"
        ).fetchone()
        no_position = conn.execute(
            "SELECT lat_e6, lon_e6 FROM external_records WHERE external_id = 'XS005'"
        ).fetchone()
    assert tuple(row[:9]) == (
        "2024-03-05",
        33315200,
        44366100,
        "Al-Qasr, north district",
        "Coalition",
        "Guided bomb",
        3,
        5,
        "https://example.org/xs001",
    )
    assert json.loads(row[9])["Summary"].startswith("Fictional test row: a strike")
    assert tuple(no_position) == (None, None)
    (source,) = d.list_sources(vault)
    assert (source.name, source.preset, source.records) == ("airwars", "airwars", 5)
    assert source.mapping.columns["killed_max"] == "Civilians killed (max)"
    (event,) = events(vault, "external_import")
    assert (event["source"], event["rows"], event["added"]) == ("airwars", 5, 5)
    assert event["file_sha256"] == result.file_sha256
    assert vault.verify_log().ok


def test_preset_says_it_is_airwars_style_not_official() -> None:
    mapping = d.load_preset("airwars")
    assert "NOT an official Airwars format" in mapping.description
    with pytest.raises(d.MappingError, match="there is no preset 'acled'"):
        d.load_preset("acled")


def test_bom_crlf_and_blank_lines_are_read(vault: Vault, tmp_path: Path) -> None:
    text = "\ufeff" + HEADER + "\r\n" + GOOD_ROW + "\r\n\r\n"
    result = d.import_external(vault, "partner", write(tmp_path, text), preset="airwars")
    assert result.rows == 1


def test_custom_mapping_with_day_first_dates_is_saved_per_source(
    vault: Vault, tmp_path: Path
) -> None:
    mapping = d.parse_mapping(
        json.dumps(
            {
                "date_format": "DD/MM/YYYY",
                "columns": {"external_id": "Ref", "date": "When", "belligerent": "Actor"},
            }
        )
    )
    path = write(tmp_path, "Ref,When,Actor\nP-1,05/03/2024,Coalition\nP-2,31/12/2023,Unknown\n")
    assert d.import_external(vault, "unmission", path, mapping=mapping).added == 2
    with vault.reading() as conn:
        dates = conn.execute(
            "SELECT external_id, at FROM external_records ORDER BY external_id"
        ).fetchall()
    assert [tuple(r) for r in dates] == [("P-1", "2024-03-05"), ("P-2", "2023-12-31")]
    # The next refresh needs no mapping: the saved one is used.
    path.write_text("Ref,When,Actor\nP-1,05/03/2024,Coalition\nP-3,01/01/2024,Coalition\n")
    again = d.import_external(vault, "unmission", path)
    assert (again.added, again.unchanged, again.absent) == (1, 1, 1)
    (source,) = d.list_sources(vault)
    assert source.mapping.date_format == "DD/MM/YYYY"


@pytest.mark.parametrize(
    ("date_format", "text", "stored"),
    [
        ("D Month YYYY", "5 March 2024", "2024-03-05"),
        ("D Month YYYY", "05 Mar 2024", "2024-03-05"),
        ("Month D, YYYY", "March 5, 2024", "2024-03-05"),
        ("MM/DD/YYYY", "03/05/2024", "2024-03-05"),
        ("DD.MM.YYYY", "05.03.2024", "2024-03-05"),
        ("YYYY/MM/DD", "2024/03/05", "2024-03-05"),
        ("ISO", "2024-03-05T22:30:00+03:00", "2024-03-05T19:30:00Z"),
    ],
)
def test_date_layouts(
    vault: Vault, tmp_path: Path, date_format: str, text: str, stored: str
) -> None:
    mapping = d.Mapping({"external_id": "Ref", "date": "When"}, date_format)
    path = write(tmp_path, f'Ref,When\nP1,"{text}"\n')
    d.import_external(vault, "dates", path, mapping=mapping)
    with vault.reading() as conn:
        assert conn.execute("SELECT at FROM external_records").fetchone()[0] == stored
    path.write_text('Ref,When\nP1,"Marchember 5, 2024"\n')
    with pytest.raises(d.ExternalFileError, match=r"line 2: the date .*'Marchember 5, 2024'"):
        d.import_external(vault, "dates", path)


def test_a_new_source_needs_a_mapping(vault: Vault) -> None:
    with pytest.raises(d.MappingError, match="the source 'fresh' is new"):
        d.import_external(vault, "fresh", AIRWARS)
    with pytest.raises(d.MappingError, match="not both"):
        d.import_external(vault, "fresh", AIRWARS, mapping=d.load_preset("airwars"), preset="x")
    assert counts(vault)[:2] == (0, 0)


def test_reimport_is_idempotent_and_updates_by_external_id(vault: Vault, tmp_path: Path) -> None:
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    again = d.import_external(vault, "airwars", AIRWARS)
    assert (again.rows, again.added, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert counts(vault)[0] == 5
    lines = AIRWARS.read_text("utf-8").splitlines()
    lines[1] = lines[1].replace(",3,5,", ",4,6,")  # XS001 revised
    lines.append("XS006,2024-03-07,New place,33.2,44.3,Coalition,1,1,,,Fictional.")
    changed = write(tmp_path, "\n".join(lines) + "\n")
    result = d.import_external(vault, "airwars", changed)
    assert (result.added, result.updated, result.unchanged) == (1, 1, 4)
    with vault.reading() as conn:
        row = conn.execute(
            "SELECT killed_min, killed_max FROM external_records WHERE external_id = 'XS001'"
        ).fetchone()
    assert tuple(row) == (4, 6)
    assert counts(vault)[0] == 6
    assert len(events(vault, "external_import")) == 3


BAD_FILES = [
    pytest.param(
        HEADER.replace(",Latitude", ",Lat") + "\n" + GOOD_ROW + "\n",
        r"the header has no column 'Latitude' \(the mapping needs it for 'lat'\)",
        id="missing-column",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('XS100,2024-03-05', 'XS101,2024-02-30')}\n",
        "line 3: the date is not ISO 8601: '2024-02-30' is not a real calendar date",
        id="impossible-date",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace('2024-03-05', '05/03/2024')}\n",
        "line 2: the date is not ISO 8601",
        id="date-in-wrong-format",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('XS100', 'XS9').replace(',33.1,', ',95.5,')}\n",
        r"line 3: latitude must be between -90 and 90 \(got 95.5\)",
        id="latitude-out-of-range",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace(',44.2,', ',east,')}\n",
        "line 2: longitude must be decimal degrees",
        id="longitude-not-a-number",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace(',44.2,', ',,')}\n",
        "line 2: give both latitude and longitude, or neither",
        id="half-a-position",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace('Somewhere', 'x' * (d.MAX_CELL + 1))}\n",
        f"line 2: the cell in column 'Location' is longer than {d.MAX_CELL} characters",
        id="huge-cell",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace('Somewhere', 'y' * 200_000)}\n",
        f"line 2: a cell is longer than {d.MAX_CELL} characters",
        id="cell-beyond-the-csv-limit",
    ),
    pytest.param(
        f'{HEADER}\n{GOOD_ROW}\nXS7,2024-03-05,"unclosed,33.1,44.2,,,,,\n',
        "line 3: not readable as CSV",
        id="unclosed-quote",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('XS100', 'XS200')}\n{GOOD_ROW}\n",
        "line 4: the id 'XS100' is already on line 2",
        id="duplicate-id",
    ),
    pytest.param(
        (HEADER + "\n" + GOOD_ROW.replace("Somewhere", "Qar") + "\n").encode("utf-8")
        + b"XS300,2024-03-05,Caf\xe9,33.1,44.2,Coalition,1,2,Guided bomb,\n",
        r"line 3: not UTF-8 text \(invalid byte at position 21 of the line\)",
        id="not-utf8",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace(',1,2,', ',5,2,')}\n",
        "line 2: civilians killed: the minimum 5 exceeds the maximum 2",
        id="min-above-max",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace(',1,2,', ',one,2,')}\n",
        r"line 2: 'Civilians killed \(min\)' must be a whole number of people \(got 'one'\)",
        id="count-not-a-number",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace('https://example.org/1', 'javascript:alert(1)')}\n",
        "line 2: the URL must start with http:// or https://",
        id="url-scheme",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW.replace('XS100', '')}\n",
        "line 2: the id column 'Code' is empty",
        id="empty-id",
    ),
    pytest.param(
        f"{HEADER}\n{GOOD_ROW},extra\n",
        "line 2: 11 cells, but the header has 10 columns",
        id="extra-cell",
    ),
    pytest.param(
        HEADER + ",Code\n" + GOOD_ROW + ",again\n",
        "the header names the column 'Code' twice",
        id="duplicate-header",
    ),
    pytest.param(HEADER + "\n", "holds no data rows", id="header-only"),
    pytest.param("", "the file is empty", id="empty-file"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_files_are_refused_whole_with_a_specific_message(
    vault: Vault, tmp_path: Path, content: str | bytes, message: str
) -> None:
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    before = counts(vault)
    with vault.reading() as conn:
        rows_before = conn.execute("SELECT * FROM external_records ORDER BY n").fetchall()
    path = write(tmp_path, content)
    with pytest.raises(d.ExternalFileError, match=message):
        d.import_external(vault, "airwars", path)
    with pytest.raises(d.ExternalFileError, match=message):
        d.import_external(vault, "other", path, preset="airwars")
    assert counts(vault) == before  # no row, no source, no log entry
    with vault.reading() as conn:
        assert conn.execute("SELECT * FROM external_records ORDER BY n").fetchall() == rows_before


def test_a_file_above_the_size_limit_is_refused_before_reading(
    vault: Vault, tmp_path: Path
) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.truncate(d.MAX_FILE_BYTES + 1)  # sparse: the size is real, the disk is not used
    with pytest.raises(d.ExternalFileError, match=r"huge\.csv is larger than the limit of 64 MiB"):
        d.import_external(vault, "airwars", path, preset="airwars")
    with pytest.raises(d.ExternalFileError, match="is not a regular file"):
        d.import_external(vault, "airwars", tmp_path, preset="airwars")
    with pytest.raises(d.ExternalFileError, match="cannot read"):
        d.import_external(vault, "airwars", tmp_path / "absent.csv", preset="airwars")
    assert counts(vault)[:2] == (0, 0)


def test_row_limit(vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(d, "MAX_ROWS", 2)
    rows = [GOOD_ROW.replace("XS100", f"XS{i}") for i in range(3)]
    path = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(d.ExternalFileError, match="more than 2 rows"):
        d.import_external(vault, "airwars", path, preset="airwars")
    assert counts(vault)[:2] == (0, 0)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"columns": {"external_id": "A"}}, "must name the column for 'date'"),
        ({"columns": {"external_id": "A", "date": "B", "lat": "C"}}, "map both 'lat' and 'lon'"),
        ({"columns": {"external_id": "A", "date": "A"}}, "the column 'A' is mapped twice"),
        ({"columns": {"external_id": "A", "date": "B", "victims": "C"}}, "unknown field 'victims'"),
        (
            {"date_format": "YYYYMMDD", "columns": {"external_id": "A", "date": "B"}},
            "date_format must be one of ISO, DD/MM/YYYY",
        ),
        ({"columns": ["A"]}, "needs a 'columns' object"),
        ({"colums": {}}, "unknown key 'colums'"),
    ],
)
def test_bad_mappings_are_refused(mapping: dict[str, Any], message: str) -> None:
    with pytest.raises(d.MappingError, match=message):
        d.parse_mapping(json.dumps(mapping))


def test_source_names_are_plain(vault: Vault) -> None:
    with pytest.raises(d.DeconflictError, match="a source name is 1-64 letters"):
        d.import_external(vault, "../etc", AIRWARS, preset="airwars")


def test_preview_shows_rows_and_their_problems(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('2024-03-05', 'soon')}\n")
    shown = d.preview(path, d.load_preset("airwars"))
    assert shown.error == ""
    assert shown.header[:2] == ("Code", "Date")
    first, second = shown.rows
    assert first.record is not None and first.record.lat == "33.100000"
    assert second.record is None and "is not ISO 8601" in second.error
    wrong = d.preview(write(tmp_path, "A,B\n1,2\n", "other.csv"), d.load_preset("airwars"))
    assert "the header has no column 'Code'" in wrong.error
    assert d.read_header(path)[-1] == "URL"


# --- matching ---------------------------------------------------------------------------------
def test_candidates_are_ranked_with_reasons(vault: Vault) -> None:
    inc = incident(vault, "House strike")
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    found = d.candidates(vault, inc.id)
    assert [(c.external_id, c.score) for c in found] == [
        ("XS001", 100),
        ("XS005", 60),
        ("XS002", 47),
        ("XS003", 21),
    ]
    best, no_position, other_party, far = found
    assert best.reasons == (
        "same day",
        "0.1 km apart",
        "belligerent matches: coalition",
        "munition matches: guided bomb",
        "civilians killed overlap: 3-5 / 4",
    )
    assert "the external record has no position" in no_position.reasons
    assert other_party.reasons[:4] == (
        "1 day apart",
        "2.0 km apart",
        "belligerent differs: Russian Military / coalition",
        "munition differs: Artillery / Guided bomb",
    )
    assert far.reasons[:2] == ("3 days apart", "9.8 km apart")
    # XS004 is six weeks later: outside the window. A narrower window or radius drops more.
    assert [c.external_id for c in d.candidates(vault, inc.id, window_days=0)] == [
        "XS001",
        "XS005",
    ]
    assert [c.external_id for c in d.candidates(vault, inc.ref_code, radius_km=1)] == [
        "XS001",
        "XS005",
    ]


def test_names_match_loosely(vault: Vault) -> None:
    inc = incident(vault, "Shelling", party="adversary", munition="artillery_shell")
    stored, version = vault.get_incident(inc.id)
    stored.engagement.party_name = "Russia"
    vault.save_incident(stored, "named", expected_version=version)
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    by_id = {c.external_id: c for c in d.candidates(vault, inc.id)}
    assert "belligerent matches: russian" in by_id["XS002"].reasons
    assert "munition matches: artillery shell" in by_id["XS002"].reasons
    assert "belligerent differs: Coalition / Russia" in by_id["XS001"].reasons
    other = incident(vault, "Bombing", munition="unguided_bomb")
    (best, *_) = d.candidates(vault, other.id)
    assert best.external_id == "XS001"
    assert "munition partly matches: Guided bomb / Unguided bomb" in best.reasons


def test_the_local_day_is_compared(vault: Vault) -> None:
    """23:30 UTC on 4 March is 5 March in Baghdad (+03:00), the day an external list gives."""
    inc = Incident(title="Night strike")
    inc.time.start, inc.time.utc_offset = "2024-03-04T23:30:00Z", "+03:00"
    inc.place.lat, inc.place.lon = "33.316000", "44.367000"
    stored, _ = vault.save_incident(inc, "seed")
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    found = {c.external_id: c for c in d.candidates(vault, stored.id, window_days=0)}
    assert found["XS001"].reasons[0] == "same day"
    assert "XS001" in {c.external_id for c in d.all_candidates(vault, window_days=0)}


def test_an_incident_without_position_is_matched_on_time_only(vault: Vault) -> None:
    inc = incident(vault, "Reported by phone", lat="", lon="", party="unknown", munition="")
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    found = d.candidates(vault, inc.id)
    assert [c.external_id for c in found][:2] == ["XS001", "XS005"]
    assert found[0].reasons[1] == "the incident has no position to compare"


def test_bad_parameters_and_unknown_incident(vault: Vault) -> None:
    with pytest.raises(d.DeconflictError, match="time window must be 0-366 days"):
        d.candidates(vault, "x", window_days=-1)
    with pytest.raises(d.DeconflictError, match="radius must be above 0"):
        d.candidates(vault, "x", radius_km=0)
    with pytest.raises(RecordNotFound, match="There is no incident 'nope'"):
        d.candidates(vault, "nope")


def test_rejection_is_remembered_and_logged(vault: Vault) -> None:
    inc = incident(vault, "House strike")
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    d.reject(vault, inc.id, "airwars", "XS002", "other party, other weapon")
    assert "XS002" not in [c.external_id for c in d.candidates(vault, inc.id)]
    assert "XS002" not in [c.external_id for c in d.all_candidates(vault)]
    (rejected,) = d.rejections(vault, inc.id)
    assert (rejected.system, rejected.external_id, rejected.reason) == (
        "airwars",
        "XS002",
        "other party, other weapon",
    )
    # Remembered across a lock and a re-import of the source.
    path = vault.path
    vault.lock()
    reopened = Vault.unlock(path, TEST_PASSPHRASE)
    try:
        d.import_external(reopened, "airwars", AIRWARS)
        assert "XS002" not in [c.external_id for c in d.candidates(reopened, inc.id)]
        with pytest.raises(d.AlreadyDecided, match="already rejected"):
            d.reject(reopened, inc.id, "airwars", "XS002", "again")
        (event,) = events(reopened, "external_match_rejected")
        assert (event["incident"], event["external_id"]) == (inc.id, "XS002")
        assert reopened.verify_log().ok
    finally:
        reopened.lock()


def test_acceptance_is_a_link_shown_with_the_incidents_own_refs(vault: Vault) -> None:
    inc = Incident(title="Known elsewhere")
    inc.time.start = "2024-03-05T09:00:00Z"
    inc.place.lat, inc.place.lon = "33.316000", "44.367000"
    inc.external_refs = [ExternalRef(system="UNAMI", id="U-77")]
    stored, version = vault.save_incident(inc, "seed")
    d.import_external(vault, "airwars", AIRWARS, preset="airwars")
    d.reject(vault, stored.id, "airwars", "XS001", "looked different at first")
    d.accept(vault, stored.ref_code, "airwars", "XS001", "same house, same day")
    own, accepted = d.links(vault, stored.id)
    assert (own.system, own.external_id, own.origin) == ("UNAMI", "U-77", "incident")
    assert (accepted.system, accepted.external_id, accepted.origin) == (
        "airwars",
        "XS001",
        "accepted",
    )
    assert accepted.reason == "same house, same day"
    assert accepted.url == "https://example.org/xs001"
    assert d.rejections(vault, stored.id) == []  # the acceptance replaced the rejection
    assert "XS001" not in [c.external_id for c in d.candidates(vault, stored.id)]
    assert vault.get_incident(stored.id)[1] == version  # the incident itself is unchanged
    (event,) = events(vault, "external_match_accepted")
    assert event == {
        **event,
        "incident": stored.id,
        "source": "airwars",
        "external_id": "XS001",
        "reason": "same house, same day",
        "replaces": "rejection",
    }
    with pytest.raises(d.AlreadyDecided, match="already accepted"):
        d.accept(vault, stored.id, "airwars", "XS001", "again")
    with pytest.raises(d.UnknownSource, match="has no record 'XS999'"):
        d.accept(vault, stored.id, "airwars", "XS999", "typo")
    with pytest.raises(ValidationError, match="reason: say why"):
        d.accept(vault, stored.id, "airwars", "XS003", "  ")
    assert vault.verify_log().ok


def test_batch_equals_the_per_incident_answer(vault: Vault, tmp_path: Path) -> None:
    """The bucketed batch join proposes exactly what the one-incident query proposes."""
    rng = random.Random(7)
    incidents = []
    for i in range(60):
        lat = f"{33 + rng.random() * 0.4:.6f}"
        lon = f"{44 + rng.random() * 0.4:.6f}"
        placed = i % 10 != 0
        incidents.append(
            incident(
                vault,
                f"Incident {i}",
                start=f"2024-03-{rng.randint(1, 20):02d}T{rng.randint(0, 23):02d}:00:00Z",
                lat=lat if placed else "",
                lon=lon if placed else "",
                party=rng.choice(["coalition_partner", "adversary", "unknown"]),
                munition=rng.choice(["guided_bomb", "", "artillery_shell"]),
                utc_offset=rng.choice(["+00:00", "+03:00", "-05:00", "+14:00"]),
            )
        )
    rows = []
    for i in range(80):
        placed = i % 8 != 0
        lat = f"{33 + rng.random() * 0.4:.6f}" if placed else ""
        lon = f"{44 + rng.random() * 0.4:.6f}" if placed else ""
        rows.append(
            f"R{i},2024-03-{rng.randint(1, 22):02d},Place {i},{lat},{lon},"
            f"{rng.choice(['Coalition', 'Russia', ''])},1,3,{rng.choice(['Guided bomb', ''])},"
        )
    path = write(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    d.import_external(vault, "random", path, preset="airwars")
    first = next(c for inc in incidents for c in d.candidates(vault, inc.id, 2, 8))
    d.reject(vault, first.incident_id, first.source, first.external_id, "checked")
    batch = d.all_candidates(vault, window_days=2, radius_km=8)
    assert (first.incident_id, first.external_id) not in {
        (c.incident_id, c.external_id) for c in batch
    }
    single = [c for inc in incidents for c in d.candidates(vault, inc.id, 2, 8)]
    assert batch  # the data is dense enough to give pairs
    assert sorted(batch, key=lambda c: (c.incident_id, c.source, c.external_id)) == sorted(
        single, key=lambda c: (c.incident_id, c.source, c.external_id)
    )
    assert all(c.score >= 50 for c in d.all_candidates(vault, 2, 8, min_score=50))


def test_batch_on_an_empty_vault(vault: Vault) -> None:
    assert d.all_candidates(vault) == []
