"""A really full disk (ENOSPC) under each operation: the folder it writes to is put on a tmpfs
with little room left, mounted privately (`unshare -rm`: a user and mount namespace, no root
needed). Unlike the file-size limit of test_faults_disk.py, this is the error a full disk or
USB stick gives, so SQLite answers SQLITE_FULL and the messages must say the disk is full.

Same promise: a sentence and no traceback, the vault opens and verifies, nothing half-written,
and the same command succeeds once there is room. Marked `faults` (`make test-faults`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.fault_helpers")

from tests.fault_helpers import (  # noqa: E402
    EXPORT,
    IMPORT,
    INGEST,
    MIGRATE_V1,
    MIGRATE_V2,
    MIGRATE_V3_FIELD,
    MIGRATE_V3_HQ,
    OPERATIONS,
    PASSWD,
    Operation,
    assert_clear_failure,
    build_template,
    copy_site,
    run_cli_on_full_disk,
    tmpfs_available,
)

pytestmark = pytest.mark.faults

# The folder each operation writes to: the vault, or for an export the stick it writes on.
FOLDERS = {
    INGEST.name: "field",
    EXPORT.name: "out",
    IMPORT.name: "hq",
    PASSWD.name: "field",
    MIGRATE_V1.name: "vault-v1",
    MIGRATE_V2.name: "vault-v2",
    MIGRATE_V3_FIELD.name: "vault-v3/field",
    MIGRATE_V3_HQ.name: "vault-v3/hq",
}
# Free bytes: none; less than SQLite's shared-memory file; room for the WAL but not a photo;
# room for one photo or bundle but not everything; plenty.
HEADROOMS = (0, 16 * 1024, 64 * 1024, 200 * 1024, 320 * 1024, 8 * 1024 * 1024)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert tmpfs_available(), (
        "this machine does not let an unprivileged user mount a tmpfs in a user namespace "
        "(`unshare -rm`): enable unprivileged user namespaces to run the full-disk suite"
    )
    return build_template(tmp_path_factory.mktemp("enospc") / "template")


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_a_full_disk_is_refused_cleanly_and_the_work_runs_again(
    operation: Operation, template: Path, tmp_path: Path
) -> None:
    stopped, failures = [], []
    for headroom in HEADROOMS:
        site = copy_site(template, tmp_path / f"room-{headroom}")
        outcome = run_cli_on_full_disk(operation, site, FOLDERS[operation.name], headroom)
        try:
            if outcome.returncode != 0:
                assert_clear_failure(outcome)
                stopped.append(headroom)
            operation.check_cut(site)
            operation.run_again(site)
        except AssertionError as exc:
            where = f"{operation.name} with {headroom} bytes free"
            failures.append(" ".join(f"{where}: {exc}".split())[:600])
    assert not failures, "\n".join(failures)
    assert stopped and stopped[0] == 0 and HEADROOMS[-1] not in stopped, stopped


def test_a_full_disk_is_called_full(template: Path, tmp_path: Path) -> None:
    site = copy_site(template, tmp_path / "site")
    outcome = run_cli_on_full_disk(INGEST, site, "field", 64 * 1024)
    assert_clear_failure(outcome)
    assert "disk is full" in outcome.stderr, outcome.stderr
