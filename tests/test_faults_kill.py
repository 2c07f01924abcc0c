"""SIGKILL at every durable step of ingest, export, HQ import, passphrase change and migration.

Each operation runs as the real CLI in a child process whose durable steps (fsync, rename,
link, unlink, copy, SQLCipher COMMIT) are counted by `tests.fault_helpers`; a first run lists
them, then the work is cut before step k for every k. After every cut, in a fresh copy of the
same site: the vault opens, its audit log and pages verify, nothing is half-written (the state
is the one before or the one after), and the same command simply runs again to a good end,
leaving no partial file behind.

The default run cuts each operation at one representative step; the exhaustive enumeration is
marked `faults` (`make test-faults`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

# The helpers assert too; rewritten, their failures say what differed.
pytest.register_assert_rewrite("tests.fault_helpers")

from tests.fault_helpers import (  # noqa: E402
    EXPORT,
    IMPORT,
    INGEST,
    MIGRATE_V1,
    MIGRATE_V2,
    MIGRATE_V3_FIELD,
    MIGRATE_V3_HQ,
    NEW_PASSPHRASE,
    OPERATIONS,
    PASSWD,
    Operation,
    build_template,
    cli_env,
    copy_site,
    durable_steps,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("faults") / "template")


def steps_of(operation: Operation, template: Path, tmp_path: Path) -> list[str]:
    site = copy_site(template, tmp_path / "traced")
    env = cli_env(FIELDAPP_NEW_PASSPHRASE=NEW_PASSPHRASE)
    steps = durable_steps(operation.argv(site), tmp_path / "trace.txt", env=env)
    assert steps, f"{operation.name} has no durable step to cut"
    return steps


def cut_and_run_again(
    operation: Operation, template: Path, tmp_path: Path, k: int, steps: list[str]
) -> None:
    where = f"{operation.name} cut before step {k}/{len(steps)} ({steps[k - 1]})"
    site = copy_site(template, tmp_path / f"cut-{k}")
    outcome = operation.run(site, kill_at=k)
    assert outcome.killed, f"{where}: the child was not killed ({outcome.stderr})"
    try:
        operation.check_cut(site)
        operation.run_again(site)
    except AssertionError as exc:
        raise AssertionError(f"{where}: {exc}") from exc


# Representative cuts for the default run: the step where a wrong order would show first.
REPRESENTATIVE = {
    # the original is renamed into evidence/, its record not yet committed
    INGEST.name: "commit",
    # the bundle is recorded, its file not yet renamed into place
    EXPORT.name: "replace",
    # the import's transaction, after the bundle was copied into the inbox
    IMPORT.name: "commit",
    # vault.key replaced, the audit entry not yet committed
    PASSWD.name: "commit",
    # between two migration steps
    MIGRATE_V1.name: "commit",
    MIGRATE_V2.name: "commit",
    MIGRATE_V3_FIELD.name: "commit",
    MIGRATE_V3_HQ.name: "commit",
}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_cut_at_a_representative_step_loses_nothing(
    operation: Operation, template: Path, tmp_path: Path
) -> None:
    steps = steps_of(operation, template, tmp_path)
    kind = REPRESENTATIVE[operation.name]
    k = 1 + [s.split()[0] for s in steps].index(kind)
    cut_and_run_again(operation, template, tmp_path, k, steps)


@pytest.mark.faults
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_cut_at_every_durable_step_loses_nothing(
    operation: Operation, template: Path, tmp_path: Path
) -> None:
    steps = steps_of(operation, template, tmp_path)
    failures = []
    for k in range(1, len(steps) + 1):
        try:
            cut_and_run_again(operation, template, tmp_path, k, steps)
        except AssertionError as exc:
            failures.append(" ".join(str(exc).split())[:600])
    assert not failures, "\n".join(failures)


def test_the_hooks_count_every_step_kind_and_cut_exactly_there(
    template: Path, tmp_path: Path
) -> None:
    """The harness itself: the traced steps cover fsync, rename and commit, and a cut at the
    last step leaves the child dead with the work not reported done."""
    steps = steps_of(INGEST, template, tmp_path)
    kinds = {s.split()[0] for s in steps}
    assert {"fsync", "replace", "commit"} <= kinds
    site = copy_site(template, tmp_path / "last")
    outcome = INGEST.run(site, kill_at=len(steps))
    assert outcome.killed
    assert "added photo.jpg" not in outcome.stdout
    undisturbed = INGEST.run(copy_site(template, tmp_path / "whole"), kill_at=len(steps) + 1)
    assert undisturbed.returncode == 0, undisturbed.stderr
    assert "added photo.jpg" in undisturbed.stdout
