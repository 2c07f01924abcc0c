"""The review role: a key slot of kind "review" opens an HQ vault that reads everything and saves
assessments, and refuses every other change (import, erase, records, keys, enrolment, evidence
export) with a clear error, leaving the vault and its log unchanged.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldapp.cli import main
from fieldapp.domain import canonical
from fieldapp.domain.assessment import HqAssessment
from fieldapp.domain.model import Incident, Observation
from fieldapp.domain.witness import Statement, Witness
from fieldapp.errors import RoleRefused, WrongPassphrase
from fieldapp.review.package import build_package
from fieldapp.store import keyfile, policy
from fieldapp.store.keyfile import KdfParams
from fieldapp.store.records import IncidentQuery
from fieldapp.store.vault import Vault
from sync import enrollment, fieldsync
from sync.hqimport import import_bundle
from tests.helpers import SECOND_PASSPHRASE, TEST_PASSPHRASE, make_vault, snapshot
from tests.review_helpers import Hq, add_incident, build_hq

REVIEWER = "reviewer-ibis"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Hq]:
    built = build_hq(tmp_path)
    try:
        yield built
    finally:
        for vault in (built.hq, built.a, built.b):
            vault.lock()


@pytest.fixture
def reviewer(site: Hq) -> Iterator[Vault]:
    slot = site.hq.add_slot(REVIEWER, SECOND_PASSPHRASE, KdfParams.TEST_ONLY, review=True)
    assert slot.kind == "review"
    vault = Vault.unlock(site.hq.path, SECOND_PASSPHRASE)
    try:
        yield vault
    finally:
        vault.lock()


def test_review_slot_reads_everything_and_assesses(site: Hq, reviewer: Vault) -> None:
    assert reviewer.role == "review" and site.hq.role == "hq" and site.a.role == "field"
    assert reviewer.user == REVIEWER
    assert len(reviewer.query_incidents(IncidentQuery())) == 3
    market = site.ids["Market strike"]
    incident, _ = reviewer.get_incident(market)
    assert incident.title == "Market strike"
    assert reviewer.history(market)[0].device_id == site.a.device.device_id
    stored, version = reviewer.save_assessment(
        HqAssessment(
            incident_id=market,
            public_category="confirmed",
            internal_grade="fair",
            belligerent_view="credible",
            rationale="matches the strike log",
        )
    )
    assert (stored.assessor, version) == (REVIEWER, 1)
    (step,) = site.hq.assessment_history(market)
    assert step.author == REVIEWER
    report = reviewer.verify_log()
    assert report.ok, report.problems


def _forbidden(site: Hq, reviewer: Vault) -> dict[str, Callable[[], Any]]:
    own = site.hq.save_incident(_incident("HQ's own note"), "desk report")[0]
    add_incident(site.a, "Later report")
    bundle = fieldsync.export_bundle(site.a, site.tmp / "out").path
    request = enrollment.enrollment_request(make_vault(site.tmp / "c", analyst="analyst-tern"))
    photo = site.tmp / "photo.txt"
    photo.write_text("not a photo")
    return {
        "import bundles": lambda: import_bundle(reviewer, bundle),
        "erase the vault": lambda: Vault.erase(reviewer.path, by=reviewer),
        "save incidents": lambda: reviewer.save_incident(_incident("new"), "why"),
        "delete incidents": lambda: reviewer.delete_incident(own.id, "why"),
        "save observations": lambda: reviewer.save_observation(Observation(text="x"), "why"),
        "save witnesses": lambda: reviewer.save_witness(Witness(), "why"),
        "save statements": lambda: reviewer.save_statement(Statement(), "why"),
        "import evidence": lambda: reviewer.add_evidence(photo),
        "change evidence items": lambda: reviewer.update_evidence(_evidence(), "why"),
        "export evidence": lambda: reviewer.export_evidence("0" * 32, site.tmp / "x", "why"),
        "make evidence packages": lambda: build_package(
            reviewer, own.id, site.tmp / "package", custody_writer=lambda *_: None
        ),
        "manage key slots": lambda: reviewer.add_slot("someone", "orchid tunnel basalt 93 wren"),
        "create HQ keys": lambda: enrollment.create_hq_keys(reviewer),
        "rotate HQ's keys": lambda: enrollment.rotate_recipients(reviewer),
        "export the escrow identity": lambda: enrollment.export_escrow_identity(
            reviewer, site.tmp / "escrow.txt"
        ),
        "enrol devices": lambda: enrollment.issue_certificate(reviewer, request),
        "revoke devices": lambda: enrollment.revoke(reviewer, site.a.device.device_id, 1),
        "change the security policies": lambda: policy.set_duress(
            reviewer, SECOND_PASSPHRASE, "orchid tunnel basalt 93 wren", "analyst-x"
        ),
    }


def _incident(title: str) -> Incident:
    inc = Incident(title=title)
    inc.time.start = "2026-04-03T06:00:00Z"
    return inc


def _evidence() -> Any:
    from fieldapp.domain.evidence import EvidenceItem

    return EvidenceItem(id="0" * 32)


def test_every_forbidden_action_is_refused_and_changes_nothing(site: Hq, reviewer: Vault) -> None:
    actions = _forbidden(site, reviewer)
    size = reviewer.log_size()
    files_before = snapshot(site.hq.path)
    for action, call in actions.items():
        with pytest.raises(RoleRefused) as refused:
            call()
        assert str(refused.value) == (
            f"The review role can read and assess, not {action}. Nothing was changed."
        )
    assert reviewer.log_size() == size
    # No file of the vault changed (key file, inbox, evidence); the database is compared by
    # its log above, since its WAL pages move with every read.
    files_after = snapshot(site.hq.path)
    kept = [name for name in files_before if not name.startswith("vault.db")]
    assert {n: files_after.get(n) for n in kept} == {n: files_before[n] for n in kept}
    assert sorted(files_after) == sorted(files_before)
    assert not (site.tmp / "escrow.txt").exists()
    # The full HQ user is not refused: the refusal is the role, not the action.
    report = import_bundle(site.hq, fieldsync.export_bundle(site.a, site.tmp / "out").path)
    assert report.status == "imported"


def test_review_slot_only_on_hq_vaults_and_only_by_a_full_user(site: Hq, reviewer: Vault) -> None:
    with pytest.raises(RoleRefused, match="field vault"):
        site.a.add_slot("someone", SECOND_PASSPHRASE, KdfParams.TEST_ONLY, review=True)
    with pytest.raises(RoleRefused, match="not manage key slots"):
        reviewer.add_slot("other", "orchid tunnel basalt 93 wren", review=True)
    kinds = {s.label: s.kind for s in site.hq.slots()}
    assert kinds[REVIEWER] == "review"
    entries = [e.entry for e in site.hq.audit_entries(limit=1000)]
    assert {"type": "slot_added", "kind": "review", "label": REVIEWER}.items() <= next(
        e for e in entries if e.get("type") == "slot_added"
    ).items()


def test_changing_the_reviewers_passphrase_keeps_the_role(site: Hq, reviewer: Vault) -> None:
    new = "quartz meadow pylon 58 heron"
    reviewer.change_passphrase(SECOND_PASSPHRASE, new, KdfParams.TEST_ONLY)
    reviewer.lock()
    again = Vault.unlock(site.hq.path, new)
    try:
        assert again.role == "review"
        with pytest.raises(RoleRefused):
            again.save_incident(_incident("x"), "why")
    finally:
        again.lock()


def test_editing_the_slot_kind_in_vault_key_makes_it_fail_to_open(
    site: Hq, reviewer: Vault
) -> None:
    reviewer.lock()
    path = site.hq.path / "vault.key"
    raw = canonical.loads(path.read_bytes())
    assert isinstance(raw, dict)
    for slot in raw["slots"]:
        if slot["kind"] == keyfile.SLOT_KIND_REVIEW:
            slot["kind"] = keyfile.SLOT_KIND_PASSPHRASE
    path.write_bytes(canonical.dumps(raw))
    with pytest.raises(WrongPassphrase):
        Vault.unlock(site.hq.path, SECOND_PASSPHRASE)
    # The full user's slot is untouched and still opens as HQ.
    full = Vault.unlock(site.hq.path, TEST_PASSPHRASE)
    try:
        assert full.role == "hq"
    finally:
        full.lock()


# --- CLI ------------------------------------------------------------------------------------------
def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_reviewer_add_then_reviewer_is_refused_import(
    site: Hq, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_incident(site.a, "Later report")
    bundle = fieldsync.export_bundle(site.a, site.tmp / "out").path
    site.hq.lock()
    monkeypatch.setenv("FIELDAPP_VAULT", str(site.hq.path))
    monkeypatch.setenv("FIELDAPP_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_NEW_PASSPHRASE", SECOND_PASSPHRASE)
    monkeypatch.setenv("FIELDAPP_INSECURE_TEST_KDF", "1")
    code, out, err = run("hq", "reviewer", "add", REVIEWER, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["label"], data["kind"]) == (REVIEWER, "review")

    monkeypatch.setenv("FIELDAPP_PASSPHRASE", SECOND_PASSPHRASE)
    code, _, err = run("hq", "import", str(bundle))
    assert code == 1
    assert "The review role can read and assess, not import bundles" in err
    code, _, err = run("hq", "keys", "export")
    assert code == 1 and "not export HQ's recipient list" in err
    code, out, err = run("hq", "register", "--json")
    assert code == 0, err
    assert json.loads(out)["total"] == 3
    code, out, err = run(
        "hq",
        "assess",
        site.ids["Clinic shelling"],
        "--category",
        "confirmed",
        "--grade",
        "confirmed",
        "--belligerent",
        "credible",
        "--rationale",
        "hospital records",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["assessor"] == REVIEWER
