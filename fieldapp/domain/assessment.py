"""HQ's assessment of one incident: HQ's own record, never an edit of the field's incident.

An incident belongs to the device that recorded it (a version written at HQ would fork its
history), so HQ's judgement lives in a record of its own that only references the incident by
id. A re-assessment is a new version of the same record, so the history of HQ's judgement comes
from the same append-only versions, audit log and diff view as every other record.

The vocabularies are the incident's own (`model.PUBLIC_CATEGORIES`, `INTERNAL_GRADES`,
`BELLIGERENT_VIEWS`): reports compare HQ's category with the field's, so the words must be the
same ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.domain.model import BELLIGERENT_VIEWS, INTERNAL_GRADES, PUBLIC_CATEGORIES
from fieldapp.domain.validation import ID_RE, Issues, check_text, timestamp
from fieldapp.errors import FieldIssue

KIND = "assessment"
ASSESSOR_MAX = 200


@dataclass
class HqAssessment:
    """One incident's assessment at HQ; `id` is the assessment record's own id."""

    incident_id: str = ""
    public_category: str = ""
    internal_grade: str = ""
    belligerent_view: str = "not_yet_assessed"
    rationale: str = ""
    assessor: str = ""
    date: str = ""
    id: str = ""


def validate_assessment(a: HqAssessment) -> list[FieldIssue]:
    """Every rule an assessment breaks; empty means it may be stored.

    Every judgement field is required: an assessment without a category or a rationale is not
    one a report could quote or a reviewer could check later.
    """
    issues = Issues()
    if a.id and not ID_RE.fullmatch(a.id):
        issues.add("id", f"id must be 32 lower-case hex characters (got {a.id!r})")
    if not ID_RE.fullmatch(a.incident_id):
        issues.add(
            "incident_id",
            f"incident id must be 32 lower-case hex characters (got {a.incident_id!r})",
        )
    issues.one_of("public_category", a.public_category, PUBLIC_CATEGORIES, "public category")
    issues.one_of("internal_grade", a.internal_grade, INTERNAL_GRADES, "internal grade")
    issues.one_of("belligerent_view", a.belligerent_view, BELLIGERENT_VIEWS, "belligerent view")
    if not a.rationale.strip():
        issues.add("rationale", "say why: the rationale is what a later reviewer checks")
    assessor = a.assessor.strip()
    if not assessor:
        issues.add("assessor", "name the assessor")
    elif len(a.assessor) > ASSESSOR_MAX or "\n" in a.assessor or "\t" in a.assessor:
        issues.add("assessor", f"the assessor is one line of at most {ASSESSOR_MAX} characters")
    timestamp(issues, "date", a.date, required=True)
    check_text(issues, a)
    return issues.items
