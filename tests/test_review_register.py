"""HQ's cross-device register: filters by device, status, category, month, place and harm over
incidents imported from two real devices, in the store and through `fieldapp hq register`;
`hq assess` / `hq assessments` end to end.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from fieldapp.domain.assessment import HqAssessment
from fieldapp.errors import ValidationError
from fieldapp.store import assessments
from fieldapp.store.records import IncidentQuery
from tests.helpers import TEST_PASSPHRASE
from tests.review_helpers import Hq, build_hq


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Hq]:
    built = build_hq(tmp_path)
    try:
        yield built
    finally:
        for vault in (built.hq, built.a, built.b):
            vault.lock()


def titles(site: Hq, **filters: Any) -> list[str]:
    query = IncidentQuery(order_by="title", descending=False, **filters)
    with site.hq.reading() as conn:
        rows = assessments.register_rows(conn, query)
        assert assessments.register_count(conn, query) == len(rows)
    return [r.incident.title for r in rows]


def test_register_lists_every_device_with_its_device(site: Hq) -> None:
    with site.hq.reading() as conn:
        rows = assessments.register_rows(conn, IncidentQuery(order_by="title", descending=False))
    seen = {r.incident.title: (r.device_id, r.device_code) for r in rows}
    assert seen == {
        "Bridge collapse": (site.a.device.device_id, site.a.device.code),
        "Clinic shelling": (site.b.device.device_id, site.b.device.code),
        "Market strike": (site.a.device.device_id, site.a.device.code),
    }


def test_each_filter_alone_and_combined(site: Hq) -> None:
    a, b = site.a.device.device_id, site.b.device.device_id
    assert titles(site, device_id=a) == ["Bridge collapse", "Market strike"]
    assert titles(site, device_id=b) == ["Clinic shelling"]
    assert titles(site, device_id=site.hq.device.device_id) == []
    assert titles(site, workflow="under_assessment") == ["Bridge collapse"]
    assert titles(site, public_category="confirmed") == ["Clinic shelling"]
    # April holds the 30th at 23:00Z; May starts on the 1st.
    assert titles(site, month="2026-04") == ["Bridge collapse", "Market strike"]
    assert titles(site, month="2026-05") == ["Clinic shelling"]
    assert titles(site, month="2026-12") == []
    assert titles(site, place="hamra") == ["Clinic shelling", "Market strike"]
    assert titles(site, place="bridge") == ["Bridge collapse"]
    assert titles(site, harm_type="injury") == ["Clinic shelling"]
    assert titles(site, device_id=a, month="2026-04", place="market") == ["Market strike"]
    assert titles(site, device_id=b, month="2026-04") == []
    # Text search combined with a new filter counts through the same WHERE as the page.
    assert titles(site, text="clinic", device_id=a) == ["Bridge collapse", "Market strike"]
    assert titles(site, text="shelling", device_id=a) == []


def test_place_filter_takes_like_wildcards_literally(site: Hq) -> None:
    assert titles(site, place="50%_off") == ["Clinic shelling"]
    assert titles(site, place="%") == ["Clinic shelling"]
    assert titles(site, place="_") == ["Clinic shelling"]
    assert titles(site, place="m_rket") == []


def test_category_filter_follows_hq_assessment(site: Hq) -> None:
    market = site.ids["Market strike"]
    assert titles(site, public_category="unconfirmed") == ["Market strike"]
    site.hq.save_assessment(
        HqAssessment(
            incident_id=market,
            public_category="confirmed",
            internal_grade="fair",
            belligerent_view="credible",
            rationale="imagery",
        )
    )
    assert titles(site, public_category="unconfirmed") == []
    assert titles(site, public_category="confirmed") == ["Clinic shelling", "Market strike"]
    with site.hq.reading() as conn:
        rows = assessments.register_rows(conn, IncidentQuery(public_category="confirmed"))
    by_title = {r.incident.title: r for r in rows}
    assert by_title["Market strike"].assessed
    assert by_title["Market strike"].field_category == "unconfirmed"
    assert not by_title["Clinic shelling"].assessed


def test_bad_filters_are_refused_by_name(site: Hq) -> None:
    with pytest.raises(ValidationError) as bad:
        site.hq.query_incidents(IncidentQuery(month="2026-13", device_id="abc", place="x" * 201))
    assert {i.path for i in bad.value.issues} == {"month", "device_id", "place"}
    with site.hq.reading() as conn, pytest.raises(ValidationError, match="no device"):
        assessments.resolve_device(conn, "ZZZZZZ")


# --- CLI ------------------------------------------------------------------------------------------
def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli(site: Hq, monkeypatch: pytest.MonkeyPatch) -> Hq:
    site.hq.lock()
    monkeypatch.setenv("FIELDAPP_VAULT", str(site.hq.path))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    return site


def test_cli_register_filters_and_json(cli: Hq) -> None:
    code, out, _ = run("hq", "register", "--device", cli.a.device.code, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 2
    assert {r["title"] for r in data["incidents"]} == {"Market strike", "Bridge collapse"}
    assert {r["device_code"] for r in data["incidents"]} == {cli.a.device.code}
    code, out, _ = run("hq", "register", "--month", "2026-05", "--place", "clinic")
    assert code == 0
    assert "1 incident(s)" in out and "Clinic shelling" in out and cli.b.device.code in out
    code, out, err = run("hq", "register", "--month", "May")
    assert code == 1 and "month" in err and "YYYY-MM" in err


def test_cli_assess_then_history_then_register_shows_hq_category(cli: Hq) -> None:
    with_ref = cli.ids["Market strike"]
    code, out, err = run(
        "hq",
        "assess",
        with_ref,
        "--category",
        "unlikely",
        "--grade",
        "weak",
        "--belligerent",
        "not_credible",
        "--rationale",
        "the crater predates the reported day",
        "--json",
    )
    assert code == 0, err
    first = json.loads(out)
    assert (first["version"], first["assessor"]) == (1, "hq-operator-heron")
    code, out, err = run(
        "hq",
        "assess",
        with_ref,
        "--category",
        "unconfirmed",
        "--grade",
        "contested",
        "--belligerent",
        "not_credible",
        "--rationale",
        "second look: the crater may be new",
        "--assessor",
        "panel B",
        "--expected-version",
        "1",
    )
    assert code == 0, err
    assert "assessment version 2" in out
    code, out, _ = run("hq", "assessments", with_ref, "--json")
    history = json.loads(out)["assessments"]
    assert [h["version"] for h in history] == [1, 2]
    assert history[1]["assessment"]["assessor"] == "panel B"
    fields = {c["field"] for c in history[1]["changes"]}
    assert fields == {"public_category", "internal_grade", "rationale", "assessor"}
    code, out, _ = run("hq", "assessments", with_ref)
    assert "public_category: unlikely -> unconfirmed" in out
    code, out, _ = run("hq", "register", "--category", "unconfirmed", "--json")
    rows = json.loads(out)["incidents"]
    assert [(r["title"], r["assessed"], r["field_category"]) for r in rows] == [
        ("Market strike", True, "unconfirmed")
    ]
    code, out, _ = run("log", "verify")
    assert code == 0, out


def test_cli_assess_refuses_unknown_incident_and_stale_version(cli: Hq) -> None:
    args = ("--category", "confirmed", "--grade", "fair", "--belligerent", "credible")
    code, _, err = run("hq", "assess", "0" * 32, *args, "--rationale", "x")
    assert code == 1 and "no incident with id" in err
    code, _, err = run(
        "hq",
        "assess",
        cli.ids["Bridge collapse"],
        *args,
        "--rationale",
        "x",
        "--expected-version",
        "2",
    )
    assert code == 1 and "was never saved" in err
    code, out, _ = run("hq", "assessments", cli.ids["Bridge collapse"])
    assert code == 0 and "has not been assessed" in out
