"""Court package of an imported incident: a real HQ vault holding a real field device's bundle.

The package is checked the way a court expert would: `bagit.py --validate` (the Library of
Congress validator) and the standalone `tools/verify_package.py` run as subprocesses; then
tampered copies (an original byte, a record byte, a proof hash, a checkpoint signature, a
certificate), each re-manifested the way a careful forger would, must fail naming what broke.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.review.package import (
    IdentityReasonMissing,
    PackageCancelled,
    PackageDestinationError,
    PackageError,
    PackageResult,
    PackageWriteError,
    build_package,
)
from fieldapp.ui.custody_pdf import write_custody_pdf
from tests.package_helpers import WITNESS_NAME, Case, imported_case

ROOT = Path(__file__).resolve().parent.parent
VERIFIER = ROOT / "tools" / "verify_package.py"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Case]:
    with imported_case(tmp_path_factory.mktemp("package")) as made:
        yield made


@pytest.fixture(scope="module")
def package(case: Case) -> tuple[PackageResult, Path]:
    dest = case.tmp / "court" / "package-1"
    dest.parent.mkdir()
    result = build_package(case.hq, case.incident_id, dest, custody_writer=write_custody_pdf)
    return result, dest


def run_verifier(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(folder / "tools" / "verify_package.py"), str(folder), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def all_text(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


# --- the package ------------------------------------------------------------------------------
def test_package_holds_the_originals_records_and_proofs(
    case: Case, package: tuple[PackageResult, Path]
) -> None:
    result, dest = package
    assert result.path == dest
    original = dest / "data" / "originals" / case.evidence_sha256
    assert hashlib.sha256(original.read_bytes()).hexdigest() == case.evidence_sha256
    assert result.originals == 1
    # Incident v1 and v2, observation, witness, statement, evidence: six versions.
    assert result.record_versions == 6 and result.withheld_versions == 1
    history = case.hq.history(case.incident_id)
    for version in history:
        data = (
            dest / "data" / "records" / case.incident_id / f"{version.version}.json"
        ).read_bytes()
        assert hashlib.sha256(data).hexdigest() == version.sha256
    device = case.field.device.device_id
    entries = (dest / "data" / "log" / device / "entries.jsonl").read_text("utf-8").splitlines()
    versions = [json.loads(json.loads(line)["entry"]) for line in entries]
    assert {(e["record_id"], e["version"]) for e in versions if e["type"] == "version"} >= {
        (case.incident_id, 1),
        (case.incident_id, 2),
    }
    assert (dest / "data" / "certificates" / "devices" / f"{device}.note").is_file()
    assert (dest / "data" / "custody.pdf").read_bytes().startswith(b"%PDF-")
    assert (dest / "tools" / "verify_package.py").read_bytes() == VERIFIER.read_bytes()
    assert "sha256sum -c manifest-sha256.txt" in (dest / "VERIFY.txt").read_text("utf-8")
    provenance = json.loads((dest / "data" / "provenance.json").read_text("utf-8"))
    stages = [e["stage"] for e in provenance["custody"][0]["events"]]
    assert stages == ["ingest", "bundle export", "HQ inbox", "import", "receipt", "package"]


def test_package_creation_is_logged_with_the_tagmanifest_hash(
    case: Case, package: tuple[PackageResult, Path]
) -> None:
    result, dest = package
    tag_hash = hashlib.sha256((dest / "tagmanifest-sha256.txt").read_bytes()).hexdigest()
    assert result.tagmanifest_sha256 == tag_hash
    logged = [e.entry for e in case.hq.audit_entries(0, 50) if e.kind == "package_created"]
    assert logged and logged[-1]["package_sha256"] == tag_hash
    assert logged[-1]["identities_included"] is False
    assert case.hq.verify_log().ok


def test_bagit_python_validates_the_package(package: tuple[PackageResult, Path]) -> None:
    _, dest = package
    tool = Path(sys.executable).parent / "bagit.py"
    done = subprocess.run(
        [sys.executable, str(tool), "--validate", str(dest)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr


def test_the_standalone_verifier_passes(case: Case, package: tuple[PackageResult, Path]) -> None:
    _, dest = package
    keys_root = (dest / "data" / "certificates" / "hq-root.vkey").read_text("utf-8").strip()
    done = run_verifier(dest, "--root-vkey", keys_root)
    assert done.returncode == 0, done.stdout
    assert "RESULT: PASS" in done.stdout
    assert "1 witness version(s) withheld" in done.stdout
    assert "2.note acknowledges the device's signed log head" in done.stdout


def test_the_verifier_refuses_another_root_key(package: tuple[PackageResult, Path]) -> None:
    _, dest = package
    done = run_verifier(dest, "--root-vkey", "someone+00000000+AQ==")
    assert done.returncode == 1
    assert "not the one given with --root-vkey" in done.stdout


def test_witness_identities_are_excluded_by_default(
    case: Case, package: tuple[PackageResult, Path]
) -> None:
    _, dest = package
    assert WITNESS_NAME.encode() not in all_text(dest)
    withheld = dest / "data" / "records" / case.witness_id / "1.withheld.json"
    assert "identity" not in json.loads(withheld.read_text("utf-8"))["body_without_identity"]
    statements = list((dest / "data" / "records").glob("*/1.json"))
    assert any(b"I saw the roof fall" in p.read_bytes() for p in statements)


def test_identities_need_a_reason_and_are_logged(case: Case) -> None:
    dest = case.tmp / "with-identities"
    with pytest.raises(IdentityReasonMissing):
        build_package(
            case.hq,
            case.incident_id,
            dest,
            custody_writer=write_custody_pdf,
            include_identities=True,
        )
    assert not dest.exists()
    result = build_package(
        case.hq,
        case.incident_id,
        dest,
        custody_writer=write_custody_pdf,
        include_identities=True,
        reason="court order 17/2026 for the prosecutor",
    )
    assert result.withheld_versions == 0
    assert (
        WITNESS_NAME.encode()
        in (dest / "data" / "records" / case.witness_id / "1.json").read_bytes()
    )
    logged = [e.entry for e in case.hq.audit_entries(0, 50) if e.kind == "package_created"]
    assert logged[0]["identities_included"] is True
    assert logged[0]["reason"] == "court order 17/2026 for the prosecutor"
    assert run_verifier(dest).returncode == 0


# --- tampering --------------------------------------------------------------------------------
def remanifest(folder: Path) -> None:
    """Recompute both manifests after an edit, as a careful forger would."""
    lines = []
    for path in sorted((folder / "data").rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
    (folder / "manifest-sha256.txt").write_text("".join(lines), "utf-8")
    size = sum(p.stat().st_size for p in (folder / "data").rglob("*") if p.is_file())
    info = (folder / "bag-info.txt").read_text("utf-8").splitlines()
    info = [
        f"Payload-Oxum: {size}.{len(lines)}" if i.startswith("Payload-Oxum") else i for i in info
    ]
    (folder / "bag-info.txt").write_text("\n".join(info) + "\n", "utf-8")
    tag_lines = []
    for line in (folder / "tagmanifest-sha256.txt").read_text("utf-8").splitlines():
        name = line.split("  ", 1)[1]
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        tag_lines.append(f"{digest}  {name}\n")
    (folder / "tagmanifest-sha256.txt").write_text("".join(tag_lines), "utf-8")


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def tampered(package: tuple[PackageResult, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(package[1], copy)
    return copy


def test_a_changed_original_byte_is_caught(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    copy = tampered(package, tmp_path)
    original = copy / "data" / "originals" / case.evidence_sha256
    flip(original, 200)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert f"data/originals/{case.evidence_sha256} does not match its SHA-256" in done.stdout
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert "its SHA-256 is not its name (the original was altered)" in done.stdout


def test_a_changed_record_byte_is_caught(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    copy = tampered(package, tmp_path)
    record = copy / "data" / "records" / case.incident_id / "2.json"
    text = record.read_text("utf-8").replace("three houses", "three hoUses")
    record.write_text(text, "utf-8")
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert f"data/records/{case.incident_id}/2.json: its SHA-256" in done.stdout
    assert "is in no proven log entry" in done.stdout


def test_a_changed_proof_hash_is_caught(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    copy = tampered(package, tmp_path)
    entries = copy / "data" / "log" / case.field.device.device_id / "entries.jsonl"
    lines = entries.read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    proof = first["proof"][0]
    first["proof"][0] = ("0" if proof[0] != "0" else "1") + proof[1:]
    lines[0] = json.dumps(first, sort_keys=True, ensure_ascii=False)
    entries.write_text("\n".join(lines) + "\n", "utf-8")
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert f"inclusion proof of entry {first['idx']} fails against the root" in done.stdout


def test_a_changed_checkpoint_signature_is_caught(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    copy = tampered(package, tmp_path)
    note = copy / "data" / "log" / case.field.device.device_id / "checkpoint.note"
    text = note.read_text("utf-8")
    head, sig_line = text.rstrip("\n").rsplit("\n", 1)
    prefix, sig = sig_line.rsplit(" ", 1)
    # Flip one base64 character inside the signature (not the key id): still canonical base64.
    pos = 20
    sig = sig[:pos] + ("A" if sig[pos] != "A" else "B") + sig[pos + 1 :]
    note.write_text(f"{head}\n{prefix} {sig}\n", "utf-8")
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert "checkpoint.note does not verify" in done.stdout
    assert "does not verify" in done.stdout


def test_a_changed_certificate_is_caught(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    """A forger swaps the device key in the certificate for one of their own."""
    copy = tampered(package, tmp_path)
    device = case.field.device.device_id
    cert = copy / "data" / "certificates" / "devices" / f"{device}.note"
    text = cert.read_text("utf-8").replace("analyst analyst-kestrel", "analyst analyst-mallory")
    cert.write_text(text, "utf-8")
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert f"data/certificates/devices/{device}.note does not verify" in done.stdout
    # With the certificate gone, the device's entries are unproven, so are its records.
    assert "no certificate for device" in done.stdout


def test_a_removed_record_version_is_caught(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    """Leaving a later version out (the edit nobody should see) is noticed."""
    copy = tampered(package, tmp_path)
    (copy / "data" / "records" / case.incident_id / "2.json").unlink()
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert f"data/records/{case.incident_id}/2.json is listed in data/provenance.json" in (
        done.stdout
    )


# --- refusals, cancel -------------------------------------------------------------------------
def test_cancel_leaves_nothing(case: Case) -> None:
    parent = case.tmp / "cancelled"
    parent.mkdir()
    dest = parent / "package"
    calls: list[tuple[int, int]] = []
    size_before = case.hq.log_size()

    def progress(done: int, total: int) -> None:
        calls.append((done, total))

    with pytest.raises(PackageCancelled):
        build_package(
            case.hq,
            case.incident_id,
            dest,
            progress,
            lambda: len(calls) >= 3,
            custody_writer=write_custody_pdf,
        )
    assert list(parent.iterdir()) == []
    assert case.hq.log_size() == size_before


def test_a_failing_custody_writer_leaves_nothing(case: Case) -> None:
    parent = case.tmp / "failing"
    parent.mkdir()

    def broken(_report: object, _path: Path) -> None:
        raise OSError(28, "No space left on device")

    size_before = case.hq.log_size()
    with pytest.raises(PackageWriteError, match=r"No space left on device.*Nothing was left"):
        build_package(case.hq, case.incident_id, parent / "p", custody_writer=broken)
    assert list(parent.iterdir()) == []
    assert case.hq.log_size() == size_before


def test_a_non_empty_destination_is_refused(case: Case) -> None:
    dest = case.tmp / "occupied"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(PackageDestinationError, match="not an empty folder"):
        build_package(case.hq, case.incident_id, dest, custody_writer=write_custody_pdf)
    assert [p.name for p in dest.iterdir()] == ["notes.txt"]


def test_a_field_vault_cannot_make_a_package(case: Case) -> None:
    with pytest.raises(PackageError, match="made at HQ"):
        build_package(
            case.field, case.incident_id, case.tmp / "f", custody_writer=write_custody_pdf
        )


def test_an_unknown_incident_is_refused(case: Case) -> None:
    from fieldapp.errors import RecordNotFound

    with pytest.raises(RecordNotFound):
        build_package(case.hq, "0" * 32, case.tmp / "none", custody_writer=write_custody_pdf)
    assert not (case.tmp / "none").exists()


# --- proofs and hostile input to the verifier ---------------------------------------------------
def test_proof_maker_gives_the_proofs_of_merkle() -> None:
    from fieldapp.review.package import ProofMaker
    from fieldapp.store.merkle import inclusion_proof, leaf_hash

    leaves = [leaf_hash(bytes([i])) for i in range(40)]
    for size in range(1, 41):
        maker = ProofMaker(leaves, size)
        for index in range(size):
            assert maker.proof(index) == inclusion_proof(index, size, leaves)
    with pytest.raises(ValueError):
        ProofMaker(leaves, 41)


def test_the_verifier_reports_garbage_instead_of_crashing(
    case: Case, package: tuple[PackageResult, Path], tmp_path: Path
) -> None:
    copy = tampered(package, tmp_path)
    entries = copy / "data" / "log" / "hq" / "entries.jsonl"
    entries.write_text('[1, 2]\n"text"\n{"entry": 5}\n', "utf-8")
    record = copy / "data" / "records" / case.incident_id / "1.json"
    record.write_text("[]", "utf-8")
    remanifest(copy)
    done = run_verifier(copy)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "entries.jsonl line 1 is malformed" in done.stdout
    assert f"data/records/{case.incident_id}/1.json is not a JSON object" in done.stdout


def test_the_verifier_refuses_a_folder_that_is_not_a_package(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(VERIFIER), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "bagit.txt is missing" in done.stdout
    assert "the package holds no record versions" in done.stdout


def test_a_lost_bundle_covered_by_the_next_one(tmp_path: Path) -> None:
    """Bundle 1 never reached HQ; bundle 2 carried its content and its signed note. The
    package names bundle 1 as the carrier, bundle 2 as the import, and still verifies."""
    from fieldapp.domain.model import Incident
    from fieldapp.media import MediaSandbox
    from sync import fieldsync
    from sync.hqimport import import_bundle
    from tests.helpers import make_vault
    from tests.package_helpers import photo
    from tests.sync_helpers import enroll, make_hq_vault

    hq = make_hq_vault(tmp_path / "hq")
    field = make_vault(tmp_path / "field")
    try:
        enroll(field, hq)
        inc = Incident(title="Bridge collapse")
        inc.time.start = "2026-04-02T06:00:00Z"
        stored, _ = field.save_incident(inc, "first report")
        with MediaSandbox(workers=1) as box:
            field.add_evidence(
                photo(tmp_path / "b.jpg", "blue"), incident_ids=[stored.id], sandbox=box
            )
        out = tmp_path / "out"
        out.mkdir()
        fieldsync.export_bundle(field, out).path.unlink()  # lost on the way
        field.save_incident(field.get_incident(stored.id)[0], "no change", expected_version=1)
        report = import_bundle(hq, fieldsync.export_bundle(field, out).path)
        assert (report.status, report.covered) == ("imported", (1,))
        dest = tmp_path / "package"
        build_package(hq, stored.id, dest, custody_writer=write_custody_pdf)
    finally:
        hq.lock()
        field.lock()
    provenance = json.loads((dest / "data" / "provenance.json").read_text("utf-8"))
    (item,) = provenance["custody"]
    export, *_ = (e for e in item["events"] if e["stage"] == "bundle export")
    imported, *_ = (e for e in item["events"] if e["stage"] == "import")
    assert "bundle 1 signed by the device" in export["detail"]
    assert imported["detail"].startswith("bundle 2 verified and imported")
    done = run_verifier(dest)
    assert done.returncode == 0, done.stdout
