"""Fault injection for the crash and disk-full suite (tests/test_faults_*.py), with no hook in
the app itself.

Every operation runs as the real CLI (`fieldapp.cli.main`) in a child process that first calls
`install()`. That wraps, in the child only, every call that makes something durable: `os.fsync`,
`os.replace`, `os.rename`, `os.link`, `os.unlink`, `os.rmdir`, `shutil.copyfile` (the copy
behind `shutil.copy2`) and each `COMMIT` sent to SQLCipher (through a connection factory
handed to `sqlcipher3.connect`). The wrappers count those steps in the order they happen:

- with `FIELDAPP_FAULT_TRACE=<file>` each step appends one line (kind and the app's source
  line that asked for it), so a first, undisturbed run lists every durable step of the work;
- with `FIELDAPP_FAULT_AT=<k>` the child SIGKILLs itself just before its k-th step.

Running k = 1..N therefore cuts the work at every durable step it has, whatever code path the
steps come from. Disk full comes two ways: `RLIMIT_FSIZE` with SIGXFSZ ignored (a write
taking a file past the limit fails with EFBIG, at a point chosen by the size), and a small
tmpfs mounted over the folder the work writes to, in a private user and mount namespace
(`unshare -rm`, no root needed), which fails writes with ENOSPC as a full disk or stick does.

Worker processes (media sandbox, bundle quarantine) run without the hooks; they die or stop
with their parent, which is what a kill of the app does to them too.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import TEST_PASSPHRASE

ROOT = Path(__file__).resolve().parent.parent
FAULT_AT_ENV = "FIELDAPP_FAULT_AT"
FAULT_TRACE_ENV = "FIELDAPP_FAULT_TRACE"

# Frames of these files are plumbing; a step is named by the first app frame above them.
_PLUMBING = ("fault_helpers.py", "contextlib.py", "shutil.py", "pathlib.py", "tempfile.py")


# --- the child side ---------------------------------------------------------------------------
class _Counter:
    def __init__(self, kill_at: int | None, trace: Path | None) -> None:
        self.kill_at = kill_at
        self.trace = trace
        self.count = 0
        self.lock = threading.Lock()

    def step(self, kind: str) -> None:
        with self.lock:
            self.count += 1
            if self.trace is not None:
                with open(self.trace, "a", encoding="utf-8") as fh:
                    fh.write(f"{kind} {_site()}\n")
            if self.count == self.kill_at:
                os.kill(os.getpid(), signal.SIGKILL)


def _site() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.endswith(_PLUMBING) and not name.endswith(os.path.join("store", "db.py")):
            try:
                shown = Path(name).resolve().relative_to(ROOT).as_posix()
            except ValueError:
                shown = Path(name).name
            return f"{shown}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]  # None ends the loop
    return "?"


def _wrap(counter: _Counter, kind: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counter.step(kind)
        return func(*args, **kwargs)

    return wrapper


def install() -> None:
    """In a child process: count (and maybe cut at) every durable step from now on."""
    at = os.environ.get(FAULT_AT_ENV)
    trace = os.environ.get(FAULT_TRACE_ENV)
    counter = _Counter(int(at) if at else None, Path(trace) if trace else None)
    for name in ("fsync", "replace", "rename", "link", "unlink", "rmdir"):
        setattr(os, name, _wrap(counter, name, getattr(os, name)))
    shutil.copyfile = _wrap(counter, "copyfile", shutil.copyfile)

    import sqlcipher3

    class CountingConnection(sqlcipher3.Connection):  # type: ignore[misc]  # untyped C base
        def execute(self, sql: str, *args: Any) -> Any:
            if sql.strip().upper().startswith(("COMMIT", "END")):
                counter.step("commit")
            return super().execute(sql, *args)

    plain_connect = sqlcipher3.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("factory", CountingConnection)
        return plain_connect(*args, **kwargs)

    sqlcipher3.connect = connect


def child_main(argv: Sequence[str]) -> int:
    """The child: hooks first, then the real command line."""
    install()
    from fieldapp.cli import main

    return main(list(argv))


CHILD = "import sys\nfrom tests.fault_helpers import child_main\nsys.exit(child_main(sys.argv[1:]))"


# --- the parent side --------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of every child: the test passphrase, the test KDF, no bytecode writes
    (which a file-size limit would otherwise hit before the work starts)."""
    env = {k: v for k, v in os.environ.items() if k not in (FAULT_AT_ENV, FAULT_TRACE_ENV)}
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
        FIELDAPP_PASSPHRASE=TEST_PASSPHRASE,
        FIELDAPP_INSECURE_TEST_KDF="1",
        QT_QPA_PLATFORM="offscreen",
    )
    env.update(extra)
    return env


def run_cli(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    kill_at: int | None = None,
    trace: Path | None = None,
    fsize: int | None = None,
    cwd: Path = ROOT,
) -> Outcome:
    """Run `fieldapp <argv>` in a hooked child; cut at step `kill_at`, list the steps into
    `trace`, or limit every file it writes to `fsize` bytes."""
    child_env = dict(env if env is not None else cli_env())
    if kill_at is not None:
        child_env[FAULT_AT_ENV] = str(kill_at)
    if trace is not None:
        child_env[FAULT_TRACE_ENV] = str(trace)

    def limit() -> None:
        if fsize is not None:
            # Ignored (not caught) survives exec: a write past the limit returns EFBIG.
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, hard))

    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *argv],
        cwd=cwd,
        env=child_env,
        capture_output=True,
        text=True,
        preexec_fn=limit if fsize is not None else None,
        timeout=300,
        check=False,
    )
    return Outcome(proc.returncode, proc.stdout, proc.stderr)


def durable_steps(argv: Sequence[str], trace: Path, **kw: Any) -> list[str]:
    """Run the work once, undisturbed, and return its durable steps in order."""
    trace.unlink(missing_ok=True)
    outcome = run_cli(argv, trace=trace, **kw)
    assert outcome.returncode == 0, outcome.stderr
    return trace.read_text(encoding="utf-8").splitlines() if trace.exists() else []


def assert_clear_failure(outcome: Outcome) -> None:
    """A refused command says why in a sentence and exits 1: no traceback for a user. (Most
    commands say it on stderr; `hq import` reports each file's fate on stdout.)"""
    assert outcome.returncode == 1, (outcome.returncode, outcome.stderr)
    assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr
    lines = [
        line
        for line in (outcome.stderr + outcome.stdout).splitlines()
        if line.strip() and "insecure test key-derivation" not in line
    ]
    assert lines, "the command failed without saying why"
    assert all(len(line.split()) >= 4 for line in lines), lines


def copy_site(template: Path, dest: Path) -> Path:
    """A fresh copy of a prepared folder, so each cut starts from the same state."""
    shutil.copytree(template, dest, symlinks=True)
    return dest


@contextlib.contextmanager
def unlocked(path: Path, passphrase: str = TEST_PASSPHRASE) -> Iterator[Any]:
    from fieldapp.store.vault import Vault

    vault = Vault.unlock(path, passphrase)
    try:
        yield vault
    finally:
        vault.lock()


def assert_verifies(vault: Any) -> None:
    """`log verify` and the full check: every hash, root, signature, projection and page."""
    report = vault.verify_log()
    assert report.ok, report.problems
    check = vault.check()
    assert check.ok, check.problems


def rows(vault: Any, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with vault.reading() as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def visible_files(folder: Path) -> list[str]:
    """Every file under `folder`, relative, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def temp_leftovers(folder: Path) -> list[str]:
    """Files that look like an unfinished write: temporary or partial names."""
    marks = (".tmp", ".part", ".partial", "-journal")
    return [
        name
        for name in visible_files(folder)
        if any(mark in Path(name).name for mark in marks) or Path(name).name.startswith(".")
    ]


# --- the prepared sites and the five operations -----------------------------------------------
NEW_PASSPHRASE = "violet mountain ferry lantern 77"
FIXTURES = ROOT / "tests" / "data"


def build_template(base: Path) -> Path:
    """One site for every operation: an enrolled field vault with incidents and a photo, its
    HQ, a photo to import, a bundle of the field's work for HQ, and the v1/v2 fixtures."""
    from fieldapp.domain.model import Incident
    from sync import fieldsync
    from tests.helpers import make_vault
    from tests.media_samples import noise_jpeg
    from tests.sync_helpers import enroll, make_hq_vault

    base.mkdir(parents=True)
    hq = make_hq_vault(base / "hq")
    field = make_vault(base / "field")
    try:
        enroll(field, hq)
        for n in range(5):
            field.save_incident(Incident(title=f"Strike {n}"), "first report")
        # Photos of 120-180 KB: large enough that a file-size limit can stop the write of
        # an original, a bundle or an inbox copy while the database still opens.
        (base / "earlier.jpg").write_bytes(noise_jpeg((512, 384)))
        field.add_evidence(base / "earlier.jpg", caption="earlier photo")
    finally:
        field.lock()
        hq.lock()
    (base / "earlier.jpg").unlink()
    (base / "photo.jpg").write_bytes(noise_jpeg((640, 480)))
    # The bundle HQ imports comes from a throw-away copy: the field vault stays unexported.
    shutil.copytree(base / "field", base / "scratch")
    (base / "bundle").mkdir()
    with unlocked(base / "scratch") as scratch:
        fieldsync.export_bundle(scratch, base / "bundle")
    shutil.rmtree(base / "scratch")
    (base / "out").mkdir()
    for name in ("vault-v1", "vault-v2", "vault-v3"):
        shutil.copytree(FIXTURES / name, base / name)
    return base


@dataclass(frozen=True)
class Operation:
    """One piece of work as a user runs it (CLI arguments), what may be true of the site after
    it was cut short (`check_cut`), and running it again to its end (`again`)."""

    name: str
    argv: Callable[[Path], list[str]]
    check_cut: Callable[[Path], None]
    again: Callable[[Path], None]

    def run(self, site: Path, **kw: Any) -> Outcome:
        return run_cli(self.argv(site), env=cli_env(FIELDAPP_NEW_PASSPHRASE=NEW_PASSPHRASE), **kw)

    def run_again(self, site: Path) -> None:
        """The same command, undisturbed: it must simply succeed, then the end state holds."""
        outcome = self.run(site)
        assert outcome.returncode == 0, outcome.stderr
        self.again(site)


def no_leftovers(folder: Path) -> None:
    leftovers = temp_leftovers(folder)
    assert not leftovers, f"unfinished writes left in {folder}: {leftovers}"


# ingest: `evidence add photo.jpg` on the field vault (which already holds one other photo)
def _photo_items(vault: Any) -> list[tuple[Any, ...]]:
    return rows(
        vault,
        "SELECT id, sha256, duplicate_of FROM evidence_items WHERE original_name = 'photo.jpg' "
        "ORDER BY n",
    )


def _check_ingest_cut(site: Path) -> None:
    with unlocked(site / "field") as vault:
        assert_verifies(vault)
        # The record is all there or not at all; its original is stored whenever it is there.
        items = _photo_items(vault)
        assert len(items) <= 1
        for _, sha, _ in items:
            assert vault._blob_store().verify(sha)


def _check_ingest_again(site: Path) -> None:
    with unlocked(site / "field") as vault:
        assert_verifies(vault)
        items = _photo_items(vault)
        # Run again after a cut that came after the commit, the file is a second item marked
        # as a duplicate of the first: the documented answer to importing the same bytes twice.
        assert 1 <= len(items) <= 2
        assert items[0][2] == ""
        assert all(dup == items[0][0] for _, _, dup in items[1:])
        shas = {sha for (sha,) in rows(vault, "SELECT DISTINCT sha256 FROM evidence_items")}
        store = vault._blob_store()
        assert all(store.verify(sha) for sha in shas)
        # One file per original, nothing else: no partial file, no blob without a record.
        assert len(visible_files(site / "field" / "evidence")) == len(shas)
    no_leftovers(site / "field")


INGEST = Operation(
    "ingest",
    lambda s: ["--vault", str(s / "field"), "evidence", "add", str(s / "photo.jpg")],
    _check_ingest_cut,
    _check_ingest_again,
)


# export: `bundle export --out out` on the field vault, then HQ imports the result
def _recorded_bundles(site: Path) -> list[tuple[Any, ...]]:
    with unlocked(site / "field") as vault:
        assert_verifies(vault)
        return rows(vault, "SELECT seq, file_name FROM bundles_out ORDER BY seq")


def _check_export_cut(site: Path) -> None:
    recorded = _recorded_bundles(site)
    assert len(recorded) <= 1
    named = {p.name for p in (site / "out").glob("*.chmb")}
    # A file under its final name was recorded first (a recorded one may lack its file: the
    # next bundle's chain covers it).
    assert named <= {str(name) for _, name in recorded}


def _check_export_again(site: Path) -> None:
    from sync.hqimport import import_bundle

    recorded = _recorded_bundles(site)
    assert [seq for seq, _ in recorded] == list(range(1, len(recorded) + 1))
    assert 1 <= len(recorded) <= 2
    no_leftovers(site / "out")
    no_leftovers(site / "field")
    newest = site / "out" / str(recorded[-1][1])
    with unlocked(site / "hq") as hq:
        report = import_bundle(hq, newest)
        assert (report.status, report.seq) == ("imported", len(recorded))
        assert_verifies(hq)


EXPORT = Operation(
    "export",
    lambda s: ["--vault", str(s / "field"), "bundle", "export", "--out", str(s / "out")],
    _check_export_cut,
    _check_export_again,
)


# HQ import: `hq import <bundle>` on the HQ vault
def _bundle(site: Path) -> Path:
    [bundle] = (site / "bundle").glob("*.chmb")
    return bundle


def _field_versions(site: Path) -> int:
    with unlocked(site / "field") as vault:
        return int(rows(vault, "SELECT count(*) FROM versions")[0][0])


def _hq_state(site: Path) -> tuple[int, int]:
    with unlocked(site / "hq") as hq:
        assert_verifies(hq)
        [(last_seq,)] = rows(hq, "SELECT last_seq FROM devices")
        [(versions,)] = rows(hq, "SELECT count(*) FROM versions")
        return int(last_seq), int(versions)


def _check_import_cut(site: Path) -> None:
    # All or nothing: the versions arrived exactly when the device state advanced.
    assert _hq_state(site) in {(0, 0), (1, _field_versions(site))}
    bundle = _bundle(site).read_bytes()
    for held in (site / "hq" / "inbox").glob("*.chmb") if (site / "hq").exists() else ():
        assert held.read_bytes() == bundle, f"{held.name} in the inbox is not the bundle"


def _check_import_again(site: Path) -> None:
    assert _hq_state(site) == (1, _field_versions(site))
    hq = site / "hq"
    assert not any(p.is_file() for p in (hq / "quarantine").rglob("*"))
    no_leftovers(hq)
    # The receipt the field is waiting for exists, whichever run wrote it.
    assert list((hq / "outbox").glob("*.chmr")), visible_files(hq)


IMPORT = Operation(
    "hq-import",
    lambda s: ["--vault", str(s / "hq"), "hq", "import", str(_bundle(s))],
    _check_import_cut,
    _check_import_again,
)


# passphrase change: `vault passwd` (old from FIELDAPP_PASSPHRASE, new from ..._NEW_...)
def _opens_with(folder: Path, passphrase: str) -> bool:
    from fieldapp.errors import WrongPassphrase
    from fieldapp.store.vault import Vault

    try:
        Vault.unlock(folder, passphrase).lock()
    except WrongPassphrase:
        return False
    return True


def _check_passwd_cut(site: Path) -> None:
    folder = site / "field"
    old, new = _opens_with(folder, TEST_PASSPHRASE), _opens_with(folder, NEW_PASSPHRASE)
    assert old != new, "exactly one of the two passphrases opens the vault"
    with unlocked(folder, TEST_PASSPHRASE if old else NEW_PASSPHRASE) as vault:
        assert_verifies(vault)


def _passwd_again(site: Path) -> None:
    """Run again means: with the passphrase that opens the vault now, set the new one (when
    the cut came after the key file changed, the new one already works and that is the end)."""
    folder = site / "field"
    if _opens_with(folder, TEST_PASSPHRASE):
        outcome = PASSWD.run(site)
        assert outcome.returncode == 0, outcome.stderr
    assert _opens_with(folder, NEW_PASSPHRASE)
    assert not _opens_with(folder, TEST_PASSPHRASE)
    with unlocked(folder, NEW_PASSPHRASE) as vault:
        assert_verifies(vault)
    no_leftovers(folder)


class _Passwd(Operation):
    def run_again(self, site: Path) -> None:
        self.again(site)


PASSWD = _Passwd(
    "passwd",
    lambda s: ["--vault", str(s / "field"), "vault", "passwd"],
    _check_passwd_cut,
    _passwd_again,
)


# migration: any command on a v1 / v2 fixture unlocks it, which migrates it
def _migration(fixture: str) -> Operation:
    def check_cut(site: Path) -> None:
        # Nothing to check before the next unlock: it is the run again (below).
        assert (site / fixture / "vault.key").is_file()

    def again(site: Path) -> None:
        from fieldapp.store import schema
        from tests.helpers import raw_connection

        folder = site / fixture
        with unlocked(folder) as vault:
            assert_verifies(vault)
            key_hex = vault._raw_key_hex()
            [(version,)] = rows(vault, "PRAGMA user_version")
            assert version == schema.SCHEMA_VERSION
        no_leftovers(folder)
        # The copy taken before the upgrade is complete and is the vault as it was, whichever
        # attempt took it: same schema version and the same versions as the fixture.
        backup = folder / schema.backup_name(schema.SCHEMA_VERSION)
        scratch = site / "backup-check"
        scratch.mkdir()
        shutil.copy(backup, scratch / "vault.db")
        shutil.copy(folder / "vault.key", scratch / "vault.key")
        # The committed fixture is read from a copy: opening it would add -wal/-shm files.
        pristine = copy_site(FIXTURES / fixture, site / "fixture-check")
        original = raw_connection(pristine, key_hex)
        copy = raw_connection(scratch, key_hex)
        try:
            want = original.execute("PRAGMA user_version").fetchone()[0]
            assert copy.execute("PRAGMA user_version").fetchone()[0] == want
            sql = "SELECT seq, sha256 FROM versions ORDER BY seq"
            assert copy.execute(sql).fetchall() == original.execute(sql).fetchall()
        finally:
            original.close()
            copy.close()
            shutil.rmtree(scratch)
            shutil.rmtree(pristine)

    return Operation(
        "migrate-" + fixture.replace("/", "-"),
        lambda s: ["--vault", str(s / fixture), "log", "verify"],
        check_cut,
        again,
    )


MIGRATE_V1 = _migration("vault-v1")
MIGRATE_V2 = _migration("vault-v2")
# The v3 pair: an enrolled field vault holding HQ's receipt, and the HQ vault that imported it.
MIGRATE_V3_FIELD = _migration("vault-v3/field")
MIGRATE_V3_HQ = _migration("vault-v3/hq")


OPERATIONS = (
    INGEST,
    EXPORT,
    IMPORT,
    PASSWD,
    MIGRATE_V1,
    MIGRATE_V2,
    MIGRATE_V3_FIELD,
    MIGRATE_V3_HQ,
)


# --- a really full disk: a small tmpfs in a private mount namespace ---------------------------
PAGE = 4096

_ON_TMPFS = """
set -e
mount -t tmpfs -o "size=$FAULT_DISK_SIZE,mode=0700" tmpfs "$FAULT_DISK"
cp -a "$FAULT_ORIG"/. "$FAULT_DISK"/
set +e
"$@"
rc=$?
set -e
mkdir "$FAULT_BACK"
cp -a "$FAULT_DISK"/. "$FAULT_BACK"/
exit $rc
"""


def tmpfs_available() -> bool:
    """True when this user may mount a tmpfs in a new user and mount namespace."""
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=4096 tmpfs /mnt || exit 3"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def _used_bytes(folder: Path) -> int:
    return sum(-(-p.stat().st_size // PAGE) * PAGE for p in folder.rglob("*") if p.is_file())


def run_cli_on_full_disk(operation: Operation, site: Path, folder: str, headroom: int) -> Outcome:
    """Run `operation` with `site/folder` on its own tmpfs that has `headroom` bytes free:
    writes past that fail with ENOSPC, as on a full disk or USB stick. Afterwards the folder is
    put back (on the ordinary disk) exactly as the work left it."""
    disk = site / folder
    orig = site / f"{folder}.orig"
    back = site / f"{folder}.after"
    size = _used_bytes(disk) + headroom
    disk.rename(orig)
    disk.mkdir(mode=0o700)
    env = cli_env(
        FIELDAPP_NEW_PASSPHRASE=NEW_PASSPHRASE,
        FAULT_DISK=str(disk),
        FAULT_DISK_SIZE=str(max(size, PAGE)),
        FAULT_ORIG=str(orig),
        FAULT_BACK=str(back),
    )
    proc = subprocess.run(
        [
            *("unshare", "-rm", "bash", "-c", _ON_TMPFS, "bash"),
            *(sys.executable, "-c", CHILD, *operation.argv(site)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert back.is_dir(), proc.stderr
    disk.rmdir()  # the mount point; the tmpfs went with the namespace
    back.rename(disk)
    shutil.rmtree(orig)
    return Outcome(proc.returncode, proc.stdout, proc.stderr)
