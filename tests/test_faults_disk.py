"""A full disk during ingest, export, HQ import, passphrase change and migration.

The child running the real CLI gets `RLIMIT_FSIZE` with SIGXFSZ ignored, so any write that
would take a file past the limit fails (EFBIG), wherever in the work that happens: opening the
database (its -shm and WAL), the encrypted original, the bundle, the inbox copy, the key file,
the pre-migration copy, SQLite's commit. Whatever the size, the command either succeeds or says
why in one sentence without a traceback; the vault then opens and verifies, nothing is half
written, and the same command with the limit lifted succeeds.

The default run tries one size per operation; all sizes are marked `faults`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.fault_helpers")

from tests.fault_helpers import (  # noqa: E402
    INGEST,
    OPERATIONS,
    Operation,
    assert_clear_failure,
    build_template,
    copy_site,
)

# From nothing at all (not even SQLite's shared-memory file) to more than every operation here
# writes to one file; in between, limits that stop each operation in a different step.
SIZES = (0, 8 * 1024, 24 * 1024, 40_000, 64 * 1024, 100_000, 200_000, 300_000, 4 * 1024 * 1024)
REPRESENTATIVE = 100_000


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("disk") / "template")


def fill_and_run_again(operation: Operation, template: Path, tmp_path: Path, size: int) -> bool:
    """Run `operation` with files limited to `size` bytes; True if the limit stopped it."""
    site = copy_site(template, tmp_path / f"limit-{size}")
    outcome = operation.run(site, fsize=size)
    try:
        if outcome.returncode != 0:
            assert_clear_failure(outcome)
        operation.check_cut(site)
        operation.run_again(site)
    except AssertionError as exc:
        raise AssertionError(f"{operation.name} with files limited to {size} bytes: {exc}") from exc
    return outcome.returncode != 0


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_disk_full_during_the_work_is_refused_cleanly(
    operation: Operation, template: Path, tmp_path: Path
) -> None:
    fill_and_run_again(operation, template, tmp_path, REPRESENTATIVE)


@pytest.mark.faults
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_disk_full_at_every_size_is_refused_cleanly(
    operation: Operation, template: Path, tmp_path: Path
) -> None:
    stopped, failures = [], []
    for size in SIZES:
        try:
            if fill_and_run_again(operation, template, tmp_path, size):
                stopped.append(size)
        except AssertionError as exc:
            failures.append(" ".join(str(exc).split())[:600])
    assert not failures, "\n".join(failures)
    # The ladder means something: the smallest limit stops the work, the largest does not.
    assert stopped and stopped[0] == SIZES[0] and SIZES[-1] not in stopped, stopped


def test_an_ingest_on_a_full_disk_names_the_cause(template: Path, tmp_path: Path) -> None:
    site = copy_site(template, tmp_path / "site")
    outcome = INGEST.run(site, fsize=REPRESENTATIVE)
    assert_clear_failure(outcome)
    assert "disk" in outcome.stderr.lower() or "too large" in outcome.stderr.lower()
