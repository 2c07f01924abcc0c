"""Full-text search in the register: escaping, Unicode normalisation, what is indexed."""

from __future__ import annotations

import unicodedata

import pytest

from fieldapp.domain.model import Incident, PlaceName, Source, Victim
from fieldapp.store import records
from fieldapp.store.records import fts_query
from fieldapp.store.vault import IncidentQuery, Vault


def add(vault: Vault, title: str, **text: str) -> Incident:
    inc = Incident(title=title, summary=text.get("summary", ""), lessons=text.get("lessons", ""))
    inc.time.start = "2026-05-01T12:00:00Z"
    if "victim" in text:
        inc.victims = [Victim(name=text["victim"])]
    if "place" in text:
        inc.place.names = [PlaceName(lang="ar", name=text["place"])]
    if "source" in text:
        inc.sources = [Source(type="witness", reference=text["source"])]
    if "aar" in text:
        inc.engagement.aar_ref = text["aar"]
    stored, _ = vault.save_incident(inc, "seed")
    return stored


def titles(vault: Vault, text: str) -> list[str]:
    rows = vault.query_incidents(IncidentQuery(text=text, order_by="title", descending=False))
    assert vault.count_incidents(IncidentQuery(text=text)) == len(rows)
    return [r.title for r in rows]


def test_escaping_turns_every_term_into_a_quoted_prefix() -> None:
    assert fts_query('ali "x" OR') == '"ali"* """x"""* "OR"*'
    assert fts_query("  ") is None
    assert fts_query('" * -- ;') is None
    assert fts_query("(market") == '"(market"*'  # brackets are separators inside a phrase


def test_text_without_any_word_matches_nothing(vault: Vault) -> None:
    add(vault, "Market strike")
    assert vault.query_incidents(IncidentQuery(text='" * --')) == []
    assert vault.count_incidents(IncidentQuery(text='" * --')) == 0
    assert vault.count_incidents(IncidentQuery(text="   ")) == 1


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "*",
        "OR",
        "AND NOT",
        "NEAR(",
        "NEAR(a b, 2)",
        "title:market",
        "'; DROP TABLE incidents; --",
        'a" OR "b',
        "^start",
        "{ref_code title}: x",
    ],
)
def test_syntax_is_searched_as_text_never_as_query(vault: Vault, text: str) -> None:
    add(vault, "Market strike", summary="plain words only")
    # No error, and no accidental match of everything.
    assert vault.query_incidents(IncidentQuery(text=text)) == []
    assert vault.count_incidents(IncidentQuery()) == 1


def test_operator_words_match_literally(vault: Vault) -> None:
    add(vault, "Strike OR shelling", summary="NEAR the river")
    add(vault, "Unrelated", summary="quiet day")
    assert titles(vault, "OR") == ["Strike OR shelling"]
    assert titles(vault, "NEAR(") == ["Strike OR shelling"]
    assert titles(vault, 'river"') == ["Strike OR shelling"]


def test_prefix_and_all_terms(vault: Vault) -> None:
    add(vault, "Market strike", summary="stalls burned")
    add(vault, "Bridge strike", summary="road closed")
    assert titles(vault, "mark") == ["Market strike"]
    assert titles(vault, "strike") == ["Bridge strike", "Market strike"]
    assert titles(vault, "strike road") == ["Bridge strike"]


def test_nfc_and_nfd_forms_find_each_other(vault: Vault) -> None:
    name = "Zoë Ibáñez"
    nfd = unicodedata.normalize("NFD", name)
    nfc = unicodedata.normalize("NFC", name)
    assert nfd != nfc
    add(vault, "Victim stored as NFD", victim=nfd)
    add(vault, "Victim stored as NFC", victim=nfc)
    both = ["Victim stored as NFC", "Victim stored as NFD"]
    assert titles(vault, nfc) == both
    assert titles(vault, nfd) == both
    # Diacritics are folded too: a name typed without accents still finds them.
    assert titles(vault, "zoe ibanez") == both


def test_non_latin_scripts(vault: Vault) -> None:
    add(vault, "Shelling", place="الموصل")
    assert titles(vault, "الموصل") == ["Shelling"]


def test_what_is_indexed(vault: Vault) -> None:
    inc = add(
        vault,
        "Indexed fields",
        summary="alphasummary",
        lessons="bravolesson",
        victim="Charliename",
        place="Deltatown",
        source="echoreference",
        aar="foxtrotreport",
    )
    for word in (
        "alphasummary",
        "bravolesson",
        "charliename",
        "deltatown",
        "echoreference",
        "foxtrotreport",
        inc.ref_code,
    ):
        assert titles(vault, word) == ["Indexed fields"], word


def test_index_follows_edits_and_deletes(vault: Vault) -> None:
    inc = add(vault, "Before", summary="oldword")
    inc.summary = "newword"
    vault.save_incident(inc, "edit", expected_version=1)
    assert titles(vault, "oldword") == []
    assert titles(vault, "newword") == ["Before"]
    vault.delete_incident(inc.id, "duplicate")
    assert titles(vault, "newword") == []


def test_search_combines_with_filters(vault: Vault) -> None:
    a = add(vault, "Market A", summary="market")
    add(vault, "Market B", summary="market")
    a.assessment.workflow = "assessed"
    a.assessment.public_category = "confirmed"
    vault.save_incident(a, "assessed", expected_version=1)
    q = IncidentQuery(text="market", workflow="assessed")
    assert [r.title for r in vault.query_incidents(q)] == ["Market A"]
    assert vault.count_incidents(q) == 1


@pytest.mark.parametrize("order_by", sorted(records.ORDER_COLUMNS))
@pytest.mark.parametrize("descending", [True, False])
def test_broad_search_plan_gives_the_same_page_as_the_narrow_one(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, order_by: str, descending: bool
) -> None:
    """A common word walks the sort index instead of sorting every match; same answer."""
    for i in range(12):
        inc = add(vault, f"Market strike {i:02d}", summary="market day" if i % 3 else "other")
        if i % 4 == 0:
            inc.assessment.workflow = "under_assessment"
            vault.save_incident(inc, "assessed")
    add(vault, "Unrelated")
    queries = [
        IncidentQuery(text="market", order_by=order_by, descending=descending, limit=5),
        IncidentQuery(text="market", order_by=order_by, descending=descending, limit=5, offset=5),
        IncidentQuery(text="market day", workflow="reported", order_by=order_by, limit=50),
    ]
    narrow = [(vault.query_incidents(q), vault.count_incidents(q)) for q in queries]
    monkeypatch.setattr(records, "BROAD_MATCH", 0)
    broad = [(vault.query_incidents(q), vault.count_incidents(q)) for q in queries]
    assert broad == narrow
    assert [len(rows) for rows, _ in narrow] == [5, 5, len(narrow[2][0])]
    assert narrow[0][1] == 12


def test_register_rows_carry_the_position_for_the_map(vault: Vault) -> None:
    inc = Incident(title="Placed")
    inc.place.lat, inc.place.lon = "-33.868800", "151.209300"
    vault.save_incident(inc, "seed")
    add(vault, "Unplaced")
    rows = {r.title: r for r in vault.query_incidents(IncidentQuery())}
    assert (rows["Placed"].lat, rows["Placed"].lon) == ("-33.868800", "151.209300")
    assert (rows["Unplaced"].lat, rows["Unplaced"].lon) == ("", "")
