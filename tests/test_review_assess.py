"""HQ assessments: HQ's own records about imported incidents, with history, checked by the log.

Real HQ vault, real incidents imported from two enrolled devices (tests/review_helpers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldapp.domain.assessment import HqAssessment
from fieldapp.errors import RoleRefused, StaleVersion, ValidationError
from fieldapp.store import assessments, projection
from fieldapp.store.records import IncidentQuery
from fieldapp.store.vault import Vault
from tests.helpers import raw_connection
from tests.review_helpers import Hq, add_incident, hq_site

__all__ = ["hq_site"]


def judgement(incident_id: str, **kw: str) -> HqAssessment:
    fields = {
        "public_category": "confirmed",
        "internal_grade": "fair",
        "belligerent_view": "credible",
        "rationale": "two independent witnesses and a photo with matching shadows",
    }
    fields.update(kw)
    return HqAssessment(incident_id=incident_id, **fields)


def test_assessment_is_hq_record_and_reassessment_is_its_next_version(hq_site: Hq) -> None:
    hq = hq_site.hq
    market = hq_site.ids["Market strike"]
    before = [v.sha256 for v in hq.history(market)]
    first, version = hq.save_assessment(judgement(market))
    assert version == 1
    assert first.assessor == hq.user  # defaults to who unlocked the vault
    assert first.date.endswith("Z")

    second, version = hq.save_assessment(
        judgement(market, public_category="unlikely", internal_grade="contested"),
        expected_version=1,
    )
    assert (second.id, version) == (first.id, 2)

    # The field's incident is untouched: same versions, same hashes, still the field's category.
    assert [v.sha256 for v in hq.history(market)] == before
    incident, _ = hq.get_incident(market)
    assert incident.assessment.public_category == "unconfirmed"

    current = hq.get_assessment(market)
    assert current is not None and current[1] == 2
    assert current[0].public_category == "unlikely"

    steps = hq.assessment_history(market)
    assert [s.version for s in steps] == [1, 2]
    assert [s.reason for s in steps] == ["assessed", "re-assessed"]
    assert steps[0].changes == ()
    changed = {c.path: (c.old, c.new) for c in steps[1].changes}
    assert changed == {
        "public_category": ("confirmed", "unlikely"),
        "internal_grade": ("fair", "contested"),
    }
    # The versions carry HQ's own device id, and each is in the signed log.
    kinds = {(v.kind, v.device_id) for v in hq.history(first.id)}
    assert kinds == {("assessment", hq.device.device_id)}
    report = hq.verify_log()
    assert report.ok, report.problems
    summaries = [e.summary for e in hq.audit_entries(limit=1000)]
    assert any(f"assessment {first.id} version 2" in s for s in summaries)


def test_effective_category_prefers_hq_assessment(hq_site: Hq) -> None:
    hq = hq_site.hq
    market = hq_site.ids["Market strike"]
    clinic = hq_site.ids["Clinic shelling"]
    hq.save_assessment(judgement(market, public_category="confirmed"))
    sql = (
        f"SELECT i.id, {assessments.effective_category_sql('i')} FROM incidents i "  # noqa: S608
        "ORDER BY i.id"
    )
    with hq.reading() as conn:
        effective = dict(conn.execute(sql).fetchall())
    assert effective[market] == "confirmed"  # HQ's, not the field's "unconfirmed"
    assert effective[clinic] == "confirmed"  # the field's own, never assessed
    assert effective[hq_site.ids["Bridge collapse"]] == ""
    with pytest.raises(ValueError, match="identifier"):
        assessments.effective_category_sql("i; DROP TABLE incidents")
    # The register filter uses the same rule when asked for effective categories.
    field_view = hq.query_incidents(IncidentQuery(public_category="unconfirmed"))
    hq_view = hq.query_incidents(
        IncidentQuery(public_category="unconfirmed", effective_category=True)
    )
    assert [r.id for r in field_view] == [market]
    assert hq_view == []


def test_identical_reassessment_stores_nothing_and_stale_version_is_refused(hq_site: Hq) -> None:
    hq = hq_site.hq
    market = hq_site.ids["Market strike"]
    hq.save_assessment(judgement(market))
    size = hq.log_size()
    same, version = hq.save_assessment(judgement(market))
    assert version == 1 and hq.log_size() == size
    assert same.internal_grade == "fair"
    with pytest.raises(StaleVersion, match="now version 1"):
        hq.save_assessment(judgement(market, internal_grade="weak"), expected_version=3)
    with pytest.raises(StaleVersion):
        hq.save_assessment(judgement(hq_site.ids["Bridge collapse"]), expected_version=1)
    assert hq.log_size() == size


def test_refusals_unknown_incident_bad_vocabulary_missing_rationale(hq_site: Hq) -> None:
    hq = hq_site.hq
    size = hq.log_size()
    with pytest.raises(ValidationError, match="there is no incident with id"):
        hq.save_assessment(judgement("0" * 32))
    with pytest.raises(ValidationError) as bad:
        hq.save_assessment(
            judgement(
                hq_site.ids["Market strike"],
                public_category="probable",
                internal_grade="A1",
                belligerent_view="maybe",
                rationale="  ",
            )
        )
    assert {i.path for i in bad.value.issues} == {
        "public_category",
        "internal_grade",
        "belligerent_view",
        "rationale",
    }
    assert "unknown public category 'probable'" in str(bad.value)
    with pytest.raises(ValidationError, match="incident id must be 32"):
        hq.save_assessment(judgement("not-an-id"))
    with pytest.raises(ValidationError, match="date"):
        hq.save_assessment(judgement(hq_site.ids["Market strike"], date="yesterday"))
    assert hq.log_size() == size  # nothing logged for a refused save


def test_a_field_vault_refuses_assessments(hq_site: Hq) -> None:
    field = hq_site.a
    own = add_incident(field, "Own report")
    size = field.log_size()
    with pytest.raises(RoleRefused, match="field vault"):
        field.save_assessment(judgement(own.id))
    assert field.log_size() == size


def test_log_verify_sees_a_tampered_assessment_row_and_rebuild_restores_it(
    hq_site: Hq, tmp_path: Path
) -> None:
    hq: Vault = hq_site.hq
    market = hq_site.ids["Market strike"]
    stored, _ = hq.save_assessment(judgement(market))
    assert hq.verify_log().ok
    conn = raw_connection(hq.path, hq._raw_key_hex())
    try:
        conn.execute(
            "UPDATE assessments SET public_category = 'unlikely' WHERE id = ?", (stored.id,)
        )
    finally:
        conn.close()
    report = hq.verify_log()
    assert not report.ok
    assert f"assessment {stored.id}: the current row does not match" in report.problems[0]
    with hq.writing() as own:
        projection.rebuild(own, stored.id)
    assert hq.verify_log().ok
    current = hq.get_assessment(market)
    assert current is not None and current[0].public_category == "confirmed"


def test_log_verify_sees_an_assessment_row_without_a_record(hq_site: Hq) -> None:
    hq = hq_site.hq
    conn = raw_connection(hq.path, hq._raw_key_hex())
    try:
        conn.execute(
            "INSERT INTO assessments (id, incident_id, public_category, internal_grade, "
            "belligerent_view, assessor, date, updated_at, version) "
            "VALUES (?, ?, 'confirmed', 'fair', 'credible', 'x', 'd', 'u', 1)",
            ("f" * 32, hq_site.ids["Market strike"]),
        )
    finally:
        conn.close()
    report = hq.verify_log()
    assert f"assessment {'f' * 32} is listed but has no live version" in report.problems
