"""The vault: one folder, one key file, one SQLCipher database, one owner of the connection.

`Vault` is the only way the rest of the app touches stored data. Every public method takes one
re-entrant lock, because the GUI calls the vault from a worker thread while the auto-lock timer
may call `lock()` from the GUI thread; SQLCipher itself is used through a single connection.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib
import os
import secrets
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import platformdirs
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldapp.domain import canonical
from fieldapp.domain.assessment import HqAssessment, validate_assessment
from fieldapp.domain.evidence import (
    Consistency,
    EvidenceItem,
    capture_moment,
    consistency,
    validate_evidence,
)
from fieldapp.domain.geo import normalise_decimal
from fieldapp.domain.model import Incident, Observation, from_dict, to_dict
from fieldapp.domain.passphrase import check_passphrase
from fieldapp.domain.refcode import format_ref_code
from fieldapp.domain.validation import validate_incident, validate_observation
from fieldapp.domain.witness import (
    ConsentEvent,
    Statement,
    Witness,
    WitnessIdentity,
    current_scopes,
    format_witness_code,
    mask_identity,
    unmask_identity,
    validate_statement,
    validate_witness,
)
from fieldapp.errors import (
    DamagedKeyfile,
    EvidenceNotFound,
    FieldIssue,
    ForeignRecord,
    NotAVault,
    NoVault,
    PartOfVault,
    RecordNotFound,
    RoleRefused,
    StaleVersion,
    ValidationError,
    VaultExists,
    VaultLocked,
    WeakPassphrase,
    WrongPassphrase,
)
from fieldapp.reflists import bundled_reflists
from fieldapp.store import (
    assessments,
    auditlog,
    db,
    evidence_items,
    keyfile,
    policy,
    records,
    schema,
    witnesses,
)
from fieldapp.store.assessments import AssessmentVersion
from fieldapp.store.auditlog import AuditEntry, LogReport
from fieldapp.store.blobs import BlobStore, evidence_dir
from fieldapp.store.device import ROLES, DeviceInfo
from fieldapp.store.device import generate_key as _generate_device_key
from fieldapp.store.device import info_from_row as _device_from_row
from fieldapp.store.device import new_device_id as _new_device_id
from fieldapp.store.device import public_bytes as _public_bytes
from fieldapp.store.keyfile import KEYFILE_NAME, KdfParams, KeyFile, Slot
from fieldapp.store.records import IncidentQuery, IncidentRow, RecordVersion

if TYPE_CHECKING:
    from fieldapp.media import MediaSandbox

__all__ = [
    "AuditEntry",
    "CheckReport",
    "DeviceInfo",
    "IncidentQuery",
    "IncidentRow",
    "KdfParams",
    "LogReport",
    "RecordVersion",
    "SlotInfo",
    "Vault",
]

P = ParamSpec("P")
R = TypeVar("R")

# Everything erase() removes besides vault.key: the database and the folders the vault owns.
_VAULT_DIRS = ("evidence", "outbox", "inbox", "quarantine")


@dataclass(frozen=True)
class SlotInfo:
    """A key slot as shown to people: never the salt or the wrapped key."""

    id: str
    kind: str
    label: str
    kdf: KdfParams | None


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: list[str]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    """UTC, ISO 8601, whole seconds, with Z: the one time format of stored metadata."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _require_strong(passphrase: str, user_inputs: list[str]) -> None:
    strength = check_passphrase(passphrase, user_inputs)
    if strength.ok:
        return
    detail = strength.warning or "it is too easy to guess"
    hint = f" {strength.suggestions[0]}" if strength.suggestions else ""
    raise WeakPassphrase(
        f"The passphrase is too weak: {detail.rstrip('.')}. Use at least 12 characters, "
        f"for example four or more unrelated words.{hint}"
    )


def _locked(method: Callable[Concatenate[Vault, P], R]) -> Callable[Concatenate[Vault, P], R]:
    """Serialise the call on the vault's lock and refuse it once the vault is locked."""

    @functools.wraps(method)
    def wrapper(self: Vault, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            if self._conn is None:
                raise VaultLocked("The vault is locked; unlock it first.")
            return method(self, *args, **kwargs)

    return wrapper


def _folder_state(path: Path) -> None:
    """Raise NoVault / NotAVault unless `path` looks like a vault folder (has vault.key)."""
    if not path.exists():
        raise NoVault(f"There is no vault at {path}: the folder does not exist.")
    if not path.is_dir():
        raise NotAVault(f"{path} is a file, not a vault folder.")
    if (path / KEYFILE_NAME).exists():
        return
    try:
        empty = not any(path.iterdir())
    except OSError as exc:
        raise NotAVault(f"The folder {path} cannot be read: {exc.strerror or exc}") from exc
    if empty:
        raise NoVault(f"There is no vault at {path}: the folder is empty.")
    raise NotAVault(f"{path} holds files but no vault.key: it is not a fieldapp vault.")


class Vault:
    """An unlocked vault. Obtain one with `create` or `unlock`; call `lock` when done."""

    # Tests replace this to control time; everything stored takes its time from here.
    clock: Callable[[], datetime] = staticmethod(utc_now)

    def __init__(
        self,
        path: Path,
        conn: Any,
        dek: bytearray,
        keyfile_: KeyFile,
        slot_id: str,
        user: str,
        device: DeviceInfo,
        private_key: Ed25519PrivateKey,
    ) -> None:
        self.path = path
        self.device = device
        self.user = user
        self._conn: Any = conn
        # The raw data key, kept in a bytearray so lock() can overwrite it. Best effort only:
        # Python, cryptography and SQLCipher may hold copies we cannot reach (SQLCipher's own
        # key material is wiped by SQLCipher itself when the connection closes).
        self._dek = dek
        self._keyfile = keyfile_
        self._slot_id = slot_id
        # The review role (issue 5) comes from the slot that opened the vault, fixed for this
        # unlock: a slot cannot change role without failing to open (its kind is authenticated).
        self._review = any(
            s.id == slot_id and s.kind == keyfile.SLOT_KIND_REVIEW for s in keyfile_.slots
        )
        self._private_key: Ed25519PrivateKey | None = private_key
        self._lock = threading.RLock()

    # --- locations --------------------------------------------------------------------------------
    @staticmethod
    def default_path() -> Path:
        """The platform's per-user data folder, so nobody has to choose a path on first run."""
        return Path(platformdirs.user_data_dir("fieldapp", appauthor=False)) / "vault"

    @staticmethod
    def exists(path: Path) -> bool:
        """True when the folder holds a vault.key (it may still be damaged or locked away)."""
        return (Path(path) / KEYFILE_NAME).is_file()

    # --- create / unlock / lock -------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        cell_name: str,
        analyst: str,
        role: str = "field",
        kdf: KdfParams = KdfParams.DEFAULT,
    ) -> Vault:
        """Make a new vault and return it unlocked.

        vault.key is written last: until it exists there is no vault, so a failure at any
        earlier step is cleaned up and leaves nothing half-made.
        """
        path = Path(path)
        cell_name = cell_name.strip()
        analyst = analyst.strip()
        issues = []
        if not cell_name:
            issues.append(FieldIssue("cell_name", "name the CHM cell"))
        if not analyst:
            issues.append(FieldIssue("analyst", "give your analyst pseudonym"))
        if role not in ROLES:
            issues.append(FieldIssue("role", f"role must be one of {', '.join(ROLES)}"))
        if issues:
            raise ValidationError(issues)
        _require_strong(passphrase, [cell_name, analyst])
        kdf.check()

        made_folder = False
        if path.exists():
            if not path.is_dir():
                raise NotAVault(f"{path} is a file; a vault needs a folder.")
            if cls.exists(path) or (path / db.DB_NAME).exists():
                raise VaultExists(
                    f"There is already a vault at {path}; it was not touched. Choose another "
                    "folder, or erase that vault first."
                )
            if any(path.iterdir()):
                raise NotAVault(f"{path} is not empty; a new vault needs an empty or new folder.")
        else:
            path.mkdir(parents=True, mode=0o700)
            made_folder = True
        os.chmod(path, 0o700)

        dek = bytearray(secrets.token_bytes(keyfile.DEK_SIZE))
        vault_id = secrets.token_hex(16)
        db_path = path / db.DB_NAME
        conn: Any = None
        try:
            slot = keyfile.new_slot(vault_id, dek, passphrase, analyst, kdf)
            kf = KeyFile(vault_id, dict(db.DEFAULT_DB_SETTINGS), (slot,))
            # Create the file ourselves so it is 0600 from its first byte; SQLite gives the
            # -wal and -shm files the same mode.
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = db.connect(db_path, dek, kf.db, max_user_version=schema.SCHEMA_VERSION)
            schema.create_schema(conn)
            private_key = _generate_device_key()
            device_id = _new_device_id()
            at = _iso(cls.clock())
            with db.transaction(conn):
                conn.execute(
                    "INSERT INTO device (one, device_id, private_key, public_key, cell_name, "
                    "role, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                    (
                        device_id,
                        private_key.private_bytes_raw(),
                        _public_bytes(private_key),
                        cell_name,
                        role,
                        at,
                    ),
                )
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("vault_id", vault_id), ("created_at", at)],
                )
                auditlog.append(
                    conn,
                    {
                        "type": "vault_created",
                        "at": at,
                        "author": analyst,
                        "device": device_id,
                        "vault_id": vault_id,
                        "cell_name": cell_name,
                        "role": role,
                    },
                )
                auditlog.add_checkpoint(conn, device_id, private_key, at)
            keyfile.write_keyfile(path, kf)
        except BaseException:
            if conn is not None:
                conn.close()
            for leftover in path.glob(db.DB_NAME + "*"):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            if made_folder:
                with contextlib.suppress(OSError):
                    path.rmdir()
            _zero(dek)
            raise
        device = _device_from_row((device_id, _public_bytes(private_key), cell_name, role))
        return cls(path, conn, dek, kf, slot.id, analyst, device, private_key)

    @classmethod
    def unlock(cls, path: Path, passphrase: str) -> Vault:
        """Open the vault with one user's passphrase; that user becomes the author of changes.

        Every failure (wrong passphrase, damaged key file, not a vault, too new) happens before
        anything is written, so the vault stays byte-for-byte as it was.
        """
        path = Path(path)
        _folder_state(path)
        kf = keyfile.read_keyfile(path)
        db_path = path / db.DB_NAME
        if not db_path.is_file():
            raise NotAVault(f"{path} has a vault.key but no vault.db: it is not a complete vault.")
        # The hardening policies (store/policy.py): attempt counted first, duress, wipe.
        outcome = policy.guarded_unwrap(path, kf, passphrase, cls.erase)
        dek, slot = outcome.dek, outcome.slot
        conn: Any = None
        try:
            conn = db.connect(db_path, dek, kf.db, max_user_version=schema.SCHEMA_VERSION)
            # Make sure this is our database before a migration writes to it.
            try:
                meta = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
            except Exception as exc:
                if not db.is_database_error(exc):
                    raise
                raise NotAVault(f"{db_path} is not a fieldapp vault database.") from exc
            if meta is None or meta[0] != kf.vault_id:
                raise NotAVault(f"{db_path} belongs to another vault than this vault.key.")
            schema.migrate(conn, db_path)
            row = conn.execute(
                "SELECT device_id, public_key, cell_name, role FROM device WHERE one = 1"
            ).fetchone()
            private = conn.execute("SELECT private_key FROM device WHERE one = 1").fetchone()
            if row is None or private is None:
                raise NotAVault(f"{db_path} has no device identity: it is not a fieldapp vault.")
            private_key = Ed25519PrivateKey.from_private_bytes(bytes(private[0]))
            device = _device_from_row(row)
        except BaseException:
            if conn is not None:
                conn.close()
            _zero(dek)
            raise
        vault = cls(path, conn, dek, kf, slot.id, slot.label, device, private_key)
        try:
            policy.after_unlock(vault, outcome)
            vault._reconcile_key_slots(kf)
        except BaseException:
            vault.lock()
            raise
        return vault

    def _reconcile_key_slots(self, kf: KeyFile) -> None:
        """Log key-slot changes the log does not hold, and remember the slots as they are.

        `vault.key` and the database are two files, so no operation on slots (passphrase
        change, new user, escrow, duress) can commit both at once: a process killed between
        the key file's rename and the database commit leaves a slot changed and no log entry.
        The slots as last seen are kept in the vault (at every unlock and lock); a difference
        found at unlock is logged here ("key_slots_changed": which slots appeared, went or
        were re-wrapped), so every change of who can open the vault is in the log, whether
        it came from an interrupted operation or from someone editing `vault.key`.
        """
        seen_now = _slots_seen(kf)
        with db.transaction(self._conn):
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = ?", (_SLOTS_SEEN,)
            ).fetchone()
            if row is not None:
                before = canonical.loads(str(row[0]).encode())
                if isinstance(before, dict) and before != seen_now:
                    self._log_event(_slot_changes(before, seen_now), self._now())
            self._remember_slots(seen_now)

    def _remember_slots(self, seen: dict[str, Any]) -> None:
        self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_SLOTS_SEEN, canonical.dumps(seen).decode()),
        )

    # --- role (issue 5) ---------------------------------------------------------------------------
    @property
    def role(self) -> str:
        """'field' or 'hq' (the device), or 'review' when opened through a review slot."""
        return "review" if self._review else self.device.role

    def forbid_review(self, action: str) -> None:
        """Refuse `action` ("import bundles") to the review role, which reads and assesses only.

        Every write other than an assessment calls this first, in the store and in `sync/`, so
        the refusal holds for the CLI and the GUI alike. The data key is the same for every
        slot: this is a rule of the program, not a cryptographic boundary.
        """
        if self._review:
            raise RoleRefused(
                f"The review role can read and assess, not {action}. Nothing was changed."
            )

    @property
    def is_locked(self) -> bool:
        with self._lock:
            return self._conn is None

    def lock(self) -> None:
        """Close the database and forget the key; safe to call twice."""
        with self._lock:
            if self._conn is not None:
                try:
                    # Slot changes of this session are logged by the operations that made
                    # them: the next unlock compares against the slots as they are now.
                    with contextlib.suppress(Exception), db.transaction(self._conn):
                        self._remember_slots(_slots_seen(keyfile.read_keyfile(self.path)))
                    db.close(self._conn)
                finally:
                    self._conn = None
            _zero(self._dek)
            self._private_key = None

    # --- key slots --------------------------------------------------------------------------------
    def _current_keyfile(self) -> KeyFile:
        # Re-read: another process (the CLI) may have added or changed a slot meanwhile.
        kf = keyfile.read_keyfile(self.path)
        if kf.vault_id != self._keyfile.vault_id:
            raise DamagedKeyfile("vault.key now belongs to another vault; nothing was changed.")
        self._keyfile = kf
        return kf

    def _own_slot(self, kf: KeyFile) -> Slot:
        for slot in kf.slots:
            if slot.id == self._slot_id:
                return slot
        raise DamagedKeyfile(
            f"The key slot of {self.user} is no longer in vault.key; nothing was changed."
        )

    @_locked
    def change_passphrase(self, old: str, new: str, kdf: KdfParams | None = None) -> None:
        """Re-wrap the same data key under a new passphrase; the old one stops working.

        Only 32 bytes are re-encrypted; the database is untouched. With `kdf` None the slot keeps
        its current Argon2id cost.
        """
        kf = self._current_keyfile()
        current = self._own_slot(kf)
        if keyfile.open_slot(kf.vault_id, current, old) is None:
            raise WrongPassphrase("The current passphrase is wrong; nothing was changed.")
        _require_strong(new, [self.device.cell_name, self.user])
        fresh = keyfile.new_slot(
            kf.vault_id, self._dek, new, current.label, kdf or current.kdf, current.kind
        )
        updated = kf.replace_slot(current.id, fresh)
        at = self._now()
        with db.transaction(self._conn):
            # The key file is replaced inside the transaction: if writing it fails, the audit
            # entry is rolled back too, so the log never claims a change that did not happen.
            self._log_event(
                {"type": "passphrase_changed", "slot": fresh.id, "replaces": current.id}, at
            )
            keyfile.write_keyfile(self.path, updated)
        self._keyfile = updated
        self._slot_id = fresh.id

    @_locked
    def add_slot(
        self, label: str, passphrase: str, kdf: KdfParams | None = None, *, review: bool = False
    ) -> SlotInfo:
        """Give a second user their own passphrase; their pseudonym authors their changes.

        `review=True` (HQ only) makes a review slot: that user reads everything and assesses.
        """
        self.forbid_review("manage key slots")
        if review and self.device.role != "hq":
            raise RoleRefused("A review key slot is for HQ vaults; this is a field vault.")
        label = label.strip()
        kf = self._current_keyfile()
        if not label:
            raise ValidationError([FieldIssue("label", "give the user's pseudonym")])
        if any(s.label.casefold() == label.casefold() for s in kf.slots):
            raise ValidationError(
                [FieldIssue("label", f"there is already a key slot for {label!r}")]
            )
        _require_strong(passphrase, [self.device.cell_name, label])
        # Two slots with one passphrase would make the second user unlock as the first.
        for slot in kf.slots:
            if keyfile.open_slot(kf.vault_id, slot, passphrase) is not None:
                raise ValidationError(
                    [FieldIssue("passphrase", "this passphrase already opens another slot")]
                )
        params = kdf or self._own_slot(kf).kdf
        kind = keyfile.SLOT_KIND_REVIEW if review else keyfile.SLOT_KIND_PASSPHRASE
        fresh = keyfile.new_slot(kf.vault_id, self._dek, passphrase, label, params, kind)
        updated = kf.with_slot(fresh)
        at = self._now()
        event = {"type": "slot_added", "slot": fresh.id, "label": label}
        if review:
            event["kind"] = kind
        with db.transaction(self._conn):
            self._log_event(event, at)
            keyfile.write_keyfile(self.path, updated)
        self._keyfile = updated
        return SlotInfo(fresh.id, fresh.kind, fresh.label, fresh.kdf)

    @_locked
    def slots(self) -> list[SlotInfo]:
        return [SlotInfo(s.id, s.kind, s.label, s.kdf) for s in self._keyfile.slots]

    @classmethod
    def recover(
        cls,
        path: Path,
        open_escrow: Callable[[KeyFile], tuple[bytearray, keyfile.EscrowSlot]],
        new_passphrase: str,
        *,
        label: str | None = None,
        kdf: KdfParams = KdfParams.DEFAULT,
    ) -> Vault:
        """Open a vault whose passphrases are lost with HQ's escrow identity; set a new one.

        `open_escrow` unseals the data key from the key file's escrow slot (age decryption
        lives above the store: `sync.enrollment.recover` passes it). The new passphrase slot
        replaces the slot of `label` (default: the first user's), since that passphrase is
        forgotten or compromised, or is added for a new label. The escrowed key is tried on the
        database BEFORE vault.key changes: a forged escrow slot (anyone can seal to HQ's public
        escrow recipient) must not cost the vault a working slot.
        """
        path = Path(path)
        _folder_state(path)
        kf = keyfile.read_keyfile(path)
        dek, escrow = open_escrow(kf)
        try:
            db_path = path / db.DB_NAME
            try:
                conn = db.connect(db_path, dek, kf.db, max_user_version=schema.SCHEMA_VERSION)
            except NotAVault as exc:
                raise DamagedKeyfile(
                    "vault.key is damaged: the escrowed key does not open vault.db; nothing "
                    "was changed."
                ) from exc
            try:
                meta = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
                cell = conn.execute("SELECT cell_name FROM device WHERE one = 1").fetchone()
            except Exception as exc:
                if not db.is_database_error(exc):
                    raise
                raise DamagedKeyfile(
                    "vault.key is damaged: the escrowed key does not open vault.db; nothing "
                    "was changed."
                ) from exc
            finally:
                conn.close()
            if meta is None or meta[0] != kf.vault_id or cell is None:
                raise NotAVault(f"{db_path} belongs to another vault than this vault.key.")
            old = next((s for s in kf.slots if label is None or s.label == label.strip()), None)
            name = label.strip() if label is not None else (old.label if old else "")
            if not name:
                raise ValidationError([FieldIssue("label", "give the user's pseudonym")])
            _require_strong(new_passphrase, [str(cell[0]), name])
            kind = old.kind if old else keyfile.SLOT_KIND_PASSPHRASE
            fresh = keyfile.new_slot(kf.vault_id, dek, new_passphrase, name, kdf, kind)
            updated = kf.replace_slot(old.id, fresh) if old else kf.with_slot(fresh)
            keyfile.write_keyfile(path, updated)
        finally:
            _zero(dek)
        vault = cls.unlock(path, new_passphrase)
        with vault.writing():
            vault.log_event(
                {
                    "type": "vault_recovered",
                    "slot": fresh.id,
                    "replaces": old.id if old else None,
                    "escrow_slot": escrow.id,
                    "recipient": escrow.recipient,
                }
            )
        return vault

    # --- checks -----------------------------------------------------------------------------------
    @_locked
    def check(self, *, since: int = 0, full: bool = True) -> CheckReport:
        """Page MACs, SQLite structure, then the audit log.

        `full=False, since=N` is the check before an export: every page and the structure, then
        the log from leaf N (what the bundle will carry) and the newest checkpoint
        (`auditlog.verify`); `fieldapp vault check` and `log verify` run everything.
        """
        problems: list[str] = []
        for (line,) in self._conn.execute("PRAGMA cipher_integrity_check").fetchall():
            problems.append(f"encrypted page check: {line}")
        rows = self._conn.execute("PRAGMA integrity_check").fetchall()
        if [tuple(r) for r in rows] != [("ok",)]:
            problems.extend(f"database structure: {r[0]}" for r in rows)
        problems.extend(
            auditlog.verify(
                self._conn,
                self.device.device_id,
                self.device.public_key,
                since=since,
                full=full,
            ).problems
        )
        return CheckReport(ok=not problems, problems=problems)

    @_locked
    def verify_log(self) -> LogReport:
        """Recompute the whole audit log and the projections from the rows."""
        return auditlog.verify(self._conn, self.device.device_id, self.device.public_key)

    @_locked
    def log_size(self) -> int:
        return auditlog.size(self._conn)

    @_locked
    def latest_checkpoint(self) -> str:
        return auditlog.latest_checkpoint(self._conn)

    @_locked
    def audit_entries(self, offset: int = 0, limit: int = 200) -> list[AuditEntry]:
        return auditlog.entries(self._conn, offset, limit)

    # --- erase ------------------------------------------------------------------------------------
    @staticmethod
    def erase(path: Path, *, by: Vault | None = None) -> None:
        """Crypto-erase: destroy vault.key first, then the files.

        `by`, the vault as unlocked by whoever asks (the GUI passes it), refuses the review role.

        The data key exists only wrapped in vault.key, so the database is unreadable from the
        moment that file is gone. Overwriting it first is a best effort against recovery from
        the disk (flash and copy-on-write file systems may keep old blocks); the real guarantee
        is that those blocks hold only Argon2id-protected ciphertext.
        """
        if by is not None:
            by.forbid_review("erase the vault")
        path = Path(path)
        if not path.is_dir() or not (
            (path / KEYFILE_NAME).exists() or (path / db.DB_NAME).exists()
        ):
            raise NoVault(f"There is no vault at {path} to erase.")
        key_path = path / KEYFILE_NAME
        if key_path.exists():
            size = max(key_path.stat().st_size, 1)
            with key_path.open("r+b") as fh:
                fh.write(secrets.token_bytes(size))
                fh.flush()
                os.fsync(fh.fileno())
            key_path.unlink()
            keyfile.fsync_dir(path)
        for leftover in path.glob(f".{KEYFILE_NAME}.*.tmp"):
            leftover.unlink()
        # The failed-unlock counter of the wipe policy (store/policy.py) is the vault's too.
        for leftover in (path / policy.GUARD_NAME, *path.glob(f".{policy.GUARD_NAME}.*.tmp")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        for leftover in path.glob(db.DB_NAME + "*"):
            leftover.unlink()
        for name in _VAULT_DIRS:
            if (path / name).is_dir():
                shutil.rmtree(path / name)
        # Files we did not make are not ours to delete; the folder goes only when empty.
        with contextlib.suppress(OSError):
            path.rmdir()

    # --- records ----------------------------------------------------------------------------------
    def _now(self) -> str:
        return _iso(self.clock())

    def _log_event(self, fields: dict[str, Any], at: str) -> None:
        """Append a non-record audit entry and sign a checkpoint, in the caller's transaction."""
        assert self._private_key is not None
        entry = {**fields, "at": at, "author": self.user, "device": self.device.device_id}
        auditlog.append(self._conn, entry)
        auditlog.add_checkpoint(self._conn, self.device.device_id, self._private_key, at)

    # --- access for the store's sync modules (enrollment, fieldsync, hqimport) --------------------
    # Those modules work on the same connection under the same lock as the methods here.
    @contextlib.contextmanager
    def reading(self) -> Iterator[Any]:
        """Hold the vault's lock and yield the connection (no transaction): for reads."""
        with self._lock:
            if self._conn is None:
                raise VaultLocked("The vault is locked; unlock it first.")
            yield self._conn

    @contextlib.contextmanager
    def writing(self) -> Iterator[Any]:
        """Hold the lock and one IMMEDIATE transaction; everything inside commits or nothing."""
        with self.reading() as conn, db.transaction(conn):
            yield conn

    def log_event(self, fields: dict[str, Any], at: str | None = None) -> None:
        """Append a non-record audit entry and sign a checkpoint; call inside `writing()`."""
        self._log_event(fields, at or self._now())

    def now(self) -> str:
        """The current time as every stored row spells it (UTC, whole seconds, Z)."""
        return self._now()

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        """The device's Ed25519 key (signs checkpoints and bundle notes); only while unlocked."""
        with self._lock:
            if self._private_key is None:
                raise VaultLocked("The vault is locked; unlock it first.")
            return self._private_key

    def blob_store(self) -> BlobStore:
        """The evidence store of this vault (encrypted files under evidence/)."""
        return self._blob_store()

    def _append(
        self,
        *,
        kind: str,
        record_id: str,
        version: int,
        at: str,
        reason: str,
        deleted: bool,
        body: dict[str, Any],
    ) -> bytes:
        """One version + its audit leaf + a checkpoint, inside the caller's transaction.

        Returns the body's canonical bytes, serialised once here for the hash and the row.
        """
        assert self._private_key is not None
        body_bytes = canonical.dumps(body)
        seq, sha = records.append_version(
            self._conn,
            record_id=record_id,
            kind=kind,
            version=version,
            author=self.user,
            device_id=self.device.device_id,
            at=at,
            reason=reason,
            deleted=deleted,
            body=body,
            body_bytes=body_bytes,
        )
        entry = auditlog.version_entry(
            kind=kind,
            record_id=record_id,
            version=version,
            sha256=sha,
            at=at,
            author=self.user,
            device=self.device.device_id,
        )
        auditlog.append(self._conn, entry, version_seq=seq)
        auditlog.add_checkpoint(self._conn, self.device.device_id, self._private_key, at)
        return body_bytes

    @staticmethod
    def _check_reason(reason: str) -> str:
        reason = reason.strip()
        if not reason:
            raise ValidationError([FieldIssue("reason", "say why this change is made")])
        if len(reason) > 2000:
            raise ValidationError([FieldIssue("reason", "keep the reason under 2000 characters")])
        return reason

    def _live(self, record_id: str, kind: str) -> int:
        """Current version of a live record of `kind`; RecordNotFound otherwise."""
        latest = records.latest_version(self._conn, record_id)
        if latest is None or latest[2] != kind:
            raise RecordNotFound(f"There is no {kind} with id {record_id}.")
        if latest[1]:
            raise RecordNotFound(f"The {kind} {record_id} was deleted.")
        owner = self._recorded_on(record_id)
        if owner:
            raise ForeignRecord(
                f"This {kind} was recorded on device {owner} and imported here; only that "
                "device can change it. Nothing was saved."
            )
        return latest[0]

    def _recorded_on(self, record_id: str) -> str:
        row = self._conn.execute(
            "SELECT device_id FROM versions WHERE record_id = ? AND version = 1", (record_id,)
        ).fetchone()
        if row is None or row[0] == self.device.device_id:
            return ""
        code = self._conn.execute(
            "SELECT code FROM devices WHERE device_id = ?", (row[0],)
        ).fetchone()
        return str(code[0]) if code else str(row[0])

    @_locked
    def recorded_elsewhere(self, record_id: str) -> str:
        """The code of the device that recorded `record_id`, or "" when it was this vault.

        A record imported from a device belongs to it (`ForeignRecord`): screens show it
        read-only instead of offering a save that can only be refused.
        """
        return self._recorded_on(record_id)

    @_locked
    def save_incident(
        self, inc: Incident, reason: str, expected_version: int | None = None
    ) -> tuple[Incident, int]:
        """Store a new version of an incident (the first save assigns id and ref_code).

        `expected_version` is the version the editor loaded; if someone saved since, the save is
        refused with StaleVersion instead of silently overwriting their change. Saving content
        identical to the current version stores nothing and returns the current version.
        """
        self.forbid_review("save incidents")
        reason = self._check_reason(reason)
        issues = validate_incident(inc, bundled_reflists())
        if issues:
            raise ValidationError(issues)
        # A shallow copy suffices: only top-level fields (id, ref_code) are ever set on it, so
        # the caller's object is never changed.
        record = copy.copy(inc)
        at = self._now()
        with db.transaction(self._conn):
            if not record.id:
                record.id = _new_record_id("incident", expected_version)
                counter = records.next_ref_counter(self._conn, int(at[:4]))
                record.ref_code = format_ref_code(int(at[:4]), self.device.code, counter)
                version, created_at = 1, at
            else:
                current_version = self._live(record.id, "incident")
                current, _, created_at = records.load_incident(self._conn, record.id)
                _check_expected(f"Incident {current.ref_code}", current_version, expected_version)
                if not record.ref_code:
                    record.ref_code = current.ref_code
                elif record.ref_code != current.ref_code:
                    raise ValidationError(
                        [FieldIssue("ref_code", "the reference code cannot be changed")]
                    )
                if to_dict(record) == to_dict(current):
                    return current, current_version
                version = current_version + 1
            self._append(
                kind="incident",
                record_id=record.id,
                version=version,
                at=at,
                reason=reason,
                deleted=False,
                body=to_dict(record),
            )
            records.project_incident(self._conn, record, version, created_at, at)
        return record, version

    @_locked
    def delete_incident(self, incident_id: str, reason: str) -> None:
        """Append a tombstone: the history stays, the incident leaves the register."""
        self.forbid_review("delete incidents")
        reason = self._check_reason(reason)
        at = self._now()
        with db.transaction(self._conn):
            current = self._live(incident_id, "incident")
            self._append(
                kind="incident",
                record_id=incident_id,
                version=current + 1,
                at=at,
                reason=reason,
                deleted=True,
                body={},
            )
            records.remove_incident_projection(self._conn, incident_id)

    @_locked
    def get_incident(self, incident_id: str) -> tuple[Incident, int]:
        inc, version, _ = records.load_incident(self._conn, incident_id)
        return inc, version

    @_locked
    def query_incidents(self, q: IncidentQuery) -> list[IncidentRow]:
        return records.query_incidents(self._conn, q)

    @_locked
    def count_incidents(self, q: IncidentQuery) -> int:
        return records.count_incidents(self._conn, q)

    @_locked
    def save_observation(
        self, obs: Observation, reason: str, expected_version: int | None = None
    ) -> tuple[Observation, int]:
        """Store a new version of an observation; an empty `at` means "now".

        Newly linked incidents must exist; links kept from the previous version may point at
        incidents deleted since, which is history, not an error.
        """
        self.forbid_review("save observations")
        reason = self._check_reason(reason)
        record = copy.copy(obs)  # only top-level fields (id, at) are set on it
        at = self._now()
        if not record.at:
            record.at = at
        issues = validate_observation(record)
        if issues:
            raise ValidationError(issues)
        with db.transaction(self._conn):
            previous_links: set[str] = set()
            if not record.id:
                record.id = _new_record_id("observation", expected_version)
                version = 1
            else:
                current_version = self._live(record.id, "observation")
                current, _ = records.load_observation(self._conn, record.id)
                _check_expected("This observation", current_version, expected_version)
                if to_dict(record) == to_dict(current):
                    return current, current_version
                previous_links = set(current.incident_ids)
                version = current_version + 1
            self._check_links(
                record.incident_ids, previous_links, "incidents", "incident", "incident_ids"
            )
            body_bytes = self._append(
                kind="observation",
                record_id=record.id,
                version=version,
                at=at,
                reason=reason,
                deleted=False,
                body=to_dict(record),
            )
            records.project_observation(self._conn, record, version, at, body_bytes)
        return record, version

    @_locked
    def get_observation(self, observation_id: str) -> tuple[Observation, int]:
        """One live observation and its version (RecordNotFound otherwise), to edit or link it."""
        return records.load_observation(self._conn, observation_id)

    @_locked
    def list_observations(
        self, incident_id: str | None = None, limit: int = 500, offset: int = 0
    ) -> list[Observation]:
        return records.list_observations(self._conn, incident_id, limit, offset)

    @_locked
    def history(self, record_id: str) -> list[RecordVersion]:
        """Every version of a record, oldest first (tombstones included), for the history view.

        A witness's identity is masked in every version here too: the history view must not be
        a way round the logged reveal (`get_witness(reveal=True)`). `sha256` still names the
        stored version; `verify_log` checks the stored rows, not these copies.
        """
        versions = records.history(self._conn, record_id)
        return [_masked_version(v) if v.kind == "witness" else v for v in versions]

    # --- HQ assessments (issue 5) -----------------------------------------------------------------
    @_locked
    def save_assessment(
        self, assessment: HqAssessment, reason: str = "", expected_version: int | None = None
    ) -> tuple[HqAssessment, int]:
        """Store HQ's (re-)assessment of an incident as HQ's own record; returns it and its version.

        The incident is never touched: it belongs to the device that recorded it. One record per
        incident, so a re-assessment is its next version and the history is the record's. The
        assessor defaults to the user who unlocked the vault and the date to now. Allowed to the
        review role (that is what it is for), refused on a field vault.
        """
        if self.device.role != "hq":
            raise RoleRefused(
                "Assessments are HQ's records; this is a field vault. Record the field's view "
                "in the incident's own assessment section instead."
            )
        record = copy.copy(assessment)
        record.assessor = record.assessor.strip() or self.user
        at = self._now()
        if not record.date:
            record.date = at
        issues = validate_assessment(record)
        if issues:
            raise ValidationError(issues)
        with db.transaction(self._conn):
            assessments.require_incident(self._conn, record.incident_id)
            found = assessments.current(self._conn, record.incident_id)
            if found is None:
                record.id = _new_record_id("assessment", expected_version)
                version = 1
                reason = reason.strip() or "assessed"
            else:
                if record.id and record.id != found[0]:
                    raise ValidationError(
                        [FieldIssue("id", "this is not the incident's assessment record")]
                    )
                record.id = found[0]
                current_version = self._live(record.id, "assessment")
                _check_expected("This incident's assessment", current_version, expected_version)
                loaded = assessments.load(self._conn, record.incident_id)
                if loaded is not None and assessments.same_judgement(record, loaded[0]):
                    return loaded[0], current_version
                version = current_version + 1
                reason = reason.strip() or "re-assessed"
            reason = self._check_reason(reason)
            self._append(
                kind="assessment",
                record_id=record.id,
                version=version,
                at=at,
                reason=reason,
                deleted=False,
                body=to_dict(record),
            )
            assessments.project_assessment(self._conn, record, version, at)
        return record, version

    @_locked
    def get_assessment(self, incident_id: str) -> tuple[HqAssessment, int] | None:
        """HQ's current assessment of an incident and its version; None when never assessed."""
        return assessments.load(self._conn, incident_id)

    @_locked
    def assessment_history(self, incident_id: str) -> list[AssessmentVersion]:
        """Every assessment HQ made of an incident, oldest first, each with what it changed."""
        return assessments.history(self._conn, incident_id)

    # --- witnesses and statements (issue 3) -------------------------------------------------------
    def _check_links(
        self, ids: list[str], keep: set[str], table: str, what: str, path: str
    ) -> None:
        """Newly linked records must exist now; links kept from the last version are history."""
        missing = [
            FieldIssue(f"{path}[{i}]", f"there is no {what} with id {record_id}")
            for i, record_id in enumerate(ids)
            if record_id not in keep
            and self._conn.execute(
                f"SELECT 1 FROM {table} WHERE id = ?",  # noqa: S608 - table is a constant
                (record_id,),
            ).fetchone()
            is None
        ]
        if missing:
            raise ValidationError(missing)

    @_locked
    def save_witness(
        self, witness: Witness, reason: str, expected_version: int | None = None
    ) -> tuple[Witness, int]:
        """Store a new version of a witness; the first save assigns id and the `W-` code.

        The witness may come back masked (from `get_witness`): identity fields still showing
        the mask keep their stored value, so editing consent or notes never needs a reveal.
        Returns the stored witness masked, because a save is not a reason to show a name.
        """
        self.forbid_review("save witnesses")
        reason = self._check_reason(reason)
        record = copy.deepcopy(witness)
        at = self._now()
        with db.transaction(self._conn):
            keep: set[str] = set()
            if not record.id:
                if record.code:
                    raise ValidationError(
                        [FieldIssue("code", "the code is assigned when the witness is first saved")]
                    )
                record.id = _new_record_id("witness", expected_version)
                counter = witnesses.next_witness_counter(self._conn)
                record.code = format_witness_code(self.device.code, counter)
                version, created_at = 1, at
            else:
                current_version = self._live(record.id, "witness")
                current, _, created_at = witnesses.load_witness(self._conn, record.id)
                _check_expected(f"Witness {current.code}", current_version, expected_version)
                if not record.code:
                    record.code = current.code
                elif record.code != current.code:
                    raise ValidationError(
                        [FieldIssue("code", "the witness code cannot be changed")]
                    )
                record.identity = unmask_identity(record.identity, current.identity)
                if to_dict(record) == to_dict(current):
                    return _masked(current), current_version
                keep = set(current.incident_ids)
                version = current_version + 1
            issues = validate_witness(record)
            if issues:
                raise ValidationError(issues)
            self._check_links(record.incident_ids, keep, "incidents", "incident", "incident_ids")
            self._append(
                kind="witness",
                record_id=record.id,
                version=version,
                at=at,
                reason=reason,
                deleted=False,
                body=to_dict(record),
            )
            witnesses.project_witness(self._conn, record, version, created_at, at)
        return _masked(record), version

    @_locked
    def get_witness(
        self, witness_id: str, *, reveal: bool = False, reason: str = ""
    ) -> tuple[Witness, int]:
        """A witness with its identity masked, or revealed for a stated reason.

        Identity is shown only on purpose: a reveal needs a reason and appends an audit entry
        ("identity of W-… revealed by <user>: <reason>") before the names leave the vault, so
        every look at a witness's identity can be accounted for afterwards.
        """
        if not reveal:
            witness, version, _ = witnesses.load_witness(self._conn, witness_id)
            return _masked(witness), version
        if not reason.strip():
            raise ValidationError(
                [FieldIssue("reason", "say why the witness's identity must be revealed")]
            )
        reason = self._check_reason(reason)
        at = self._now()
        with db.transaction(self._conn):
            witness, version, _ = witnesses.load_witness(self._conn, witness_id)
            witness = witnesses.with_purged_resolved(self._conn, witness, version)
            self._log_event(
                {
                    "type": "identity_revealed",
                    "witness": witness.code,
                    "witness_id": witness.id,
                    "reason": reason,
                },
                at,
            )
        return witness, version

    @_locked
    def find_witness(self, key: str) -> str:
        """The id of a live witness from its id or its code (the code is what people quote)."""
        return witnesses.witness_id_for(self._conn, key)

    def record_consent(
        self, witness_id: str, event: ConsentEvent, reason: str
    ) -> tuple[Witness, int]:
        """Append one consent event (given or withdrawn) as a new witness version.

        Consent is a lifecycle: earlier events are never edited, a withdrawal is a new event,
        and the scopes in force follow from the whole list (`current_scopes`).
        """
        with self._lock:
            witness, version = self.get_witness(witness_id)
            witness.consent.append(copy.deepcopy(event))
            return self.save_witness(witness, reason, expected_version=version)

    @_locked
    def list_witnesses(
        self, incident_id: str | None = None, limit: int = 500, offset: int = 0
    ) -> list[tuple[Witness, int]]:
        """Witnesses (masked) by code; with `incident_id`, those linked to that incident."""
        rows = witnesses.list_witnesses(self._conn, incident_id, limit, offset)
        return [(_masked(w), v) for w, v in rows]

    @_locked
    def save_statement(
        self, statement: Statement, reason: str, expected_version: int | None = None
    ) -> tuple[Statement, int]:
        """Store a new version of a statement.

        The witness must exist and have consented to use by the cell (`cell_use` in force):
        a statement taken without that consent, or after it was withdrawn, is not ours to keep.
        Linked incidents and attached evidence items must exist when first linked.
        """
        self.forbid_review("save statements")
        reason = self._check_reason(reason)
        record = copy.deepcopy(statement)
        issues = validate_statement(record)
        if issues:
            raise ValidationError(issues)
        at = self._now()
        with db.transaction(self._conn):
            keep_incidents: set[str] = set()
            keep_attachments: set[str] = set()
            if not record.id:
                record.id = _new_record_id("statement", expected_version)
                version = 1
            else:
                current_version = self._live(record.id, "statement")
                current, _ = witnesses.load_statement(self._conn, record.id)
                _check_expected("This statement", current_version, expected_version)
                if to_dict(record) == to_dict(current):
                    return current, current_version
                keep_incidents = set(current.incident_ids)
                keep_attachments = set(current.attachment_ids)
                version = current_version + 1
            try:
                witness, _, _ = witnesses.load_witness(self._conn, record.witness_id)
            except RecordNotFound:
                raise ValidationError(
                    [FieldIssue("witness_id", f"there is no witness with id {record.witness_id}")]
                ) from None
            if "cell_use" not in current_scopes(witness):
                raise ValidationError(
                    [
                        FieldIssue(
                            "witness_id",
                            f"witness {witness.code} has not consented to use by the cell "
                            "(or withdrew it); record consent first",
                        )
                    ]
                )
            self._check_links(
                record.incident_ids, keep_incidents, "incidents", "incident", "incident_ids"
            )
            self._check_links(
                record.attachment_ids,
                keep_attachments,
                "evidence_items",
                "evidence item",
                "attachment_ids",
            )
            self._append(
                kind="statement",
                record_id=record.id,
                version=version,
                at=at,
                reason=reason,
                deleted=False,
                body=to_dict(record),
            )
            witnesses.project_statement(self._conn, record, version, at)
        return record, version

    @_locked
    def get_statement(self, statement_id: str) -> tuple[Statement, int]:
        return witnesses.load_statement(self._conn, statement_id)

    @_locked
    def list_statements(
        self,
        *,
        witness_id: str | None = None,
        incident_id: str | None = None,
        text: str = "",
        limit: int = 500,
        offset: int = 0,
    ) -> list[tuple[Statement, int]]:
        """Statements newest first, by witness, incident and full text (search escapes syntax)."""
        return witnesses.list_statements(
            self._conn,
            witness_id=witness_id,
            incident_id=incident_id,
            text=text,
            limit=limit,
            offset=offset,
        )

    # --- evidence items (issue 3) -----------------------------------------------------------------
    def _blob_store(self) -> BlobStore:
        with self._lock:
            if self._conn is None:
                raise VaultLocked("The vault is locked; unlock it first.")
            return BlobStore(evidence_dir(self.path), bytes(self._dek))

    def add_evidence(
        self,
        path: Path,
        *,
        incident_ids: Sequence[str] = (),
        caption: str = "",
        source_medium: str = "other",
        acquisition: str = "other",
        sensitivity: str = "normal",
        sandbox: MediaSandbox | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> EvidenceItem:
        """Import one file: the original stored durably first, then its facts, then the record.

        Order matters for evidence: the encrypted original is written and re-hashed before any
        parser sees the file, so a hostile file can only earn flags, never lose the original.
        The long steps (ingest, metadata in the sandbox) run without holding the vault lock, so
        the GUI stays usable; the record, its audit leaf and the thumbnail are then written in
        one transaction. The same bytes imported again are one blob and a new item marked
        `duplicate_of` the first. Without a `sandbox` a one-worker sandbox is started for this
        file (an import of many files should pass its own, kept open).
        """
        self.forbid_review("import evidence")
        path = Path(path)
        with contextlib.suppress(OSError):  # unreadable: BlobStore.ingest says why
            if path.parent.resolve().is_relative_to(self.path.resolve()):
                raise PartOfVault(f"{path} is part of the vault itself and is not imported.")
        item = EvidenceItem(
            original_name=path.name,
            source_medium=source_medium,
            acquisition=acquisition,
            incident_ids=list(incident_ids),
            caption=caption,
            sensitivity=sensitivity,
            sha256="0" * 64,
            imported_at=self._now(),
        )
        # Refuse a bad record before anything is copied (the hash is filled in below).
        issues = validate_evidence(item)
        if issues:
            raise ValidationError(issues)
        with self._lock:
            if self._conn is None:
                raise VaultLocked("The vault is locked; unlock it first.")
            # Checked again in the final transaction; checking first spares a long ingest.
            self._check_links(item.incident_ids, set(), "incidents", "incident", "incident_ids")
        stored = self._blob_store().ingest(path, progress)
        if sandbox is None:
            # Imported here: the media package (Pillow and its decoders) is only needed once
            # evidence is actually imported, not on every start of the app.
            from fieldapp.media import MediaSandbox

            with MediaSandbox(workers=1) as own:
                result = own.process(path)
        else:
            result = sandbox.process(path)
        info = result.info
        item.sha256, item.size = stored.sha256, stored.size
        item.media_type = info.media_type
        item.image_format = info.image_format or ""
        item.width, item.height, item.orientation = info.width, info.height, info.orientation
        item.capture_time = info.capture_time or ""
        item.capture_offset = info.capture_offset or ""
        item.gps_lat, item.gps_lon = info.gps_lat or "", info.gps_lon or ""
        item.gps_alt_m, item.gps_direction = info.gps_alt_m or "", info.gps_direction or ""
        item.make, item.model = info.make or "", info.model or ""
        item.flags = list(info.flags)
        return self._record_evidence(item, result.thumbnail_jpeg)

    @_locked
    def _record_evidence(self, item: EvidenceItem, thumbnail: bytes | None) -> EvidenceItem:
        at = self._now()
        record = copy.deepcopy(item)
        record.id = uuid.uuid4().hex
        record.imported_by = self.user
        record.imported_at = at
        issues = validate_evidence(record)
        if issues:
            # Facts from a hostile file that break a rule are dropped, not stored half-valid;
            # the original is kept and the item says its metadata is unavailable.
            record = _without_metadata(record)
        with db.transaction(self._conn):
            self._check_links(record.incident_ids, set(), "incidents", "incident", "incident_ids")
            record.duplicate_of = evidence_items.first_with_sha256(self._conn, record.sha256) or ""
            self._append(
                kind="evidence",
                record_id=record.id,
                version=1,
                at=at,
                reason=f"imported {record.original_name}",
                deleted=False,
                body=to_dict(record),
            )
            evidence_items.project_evidence(self._conn, record, 1, at)
            if thumbnail:
                evidence_items.put_thumbnail(self._conn, record.sha256, thumbnail)
        return record

    @_locked
    def update_evidence(
        self, item: EvidenceItem, reason: str, expected_version: int | None = None
    ) -> tuple[EvidenceItem, int]:
        """Store a new version of an item's description: caption, links, sensitivity, source.

        Everything measured from the file (hash, size, metadata, flags, import facts) stays as
        imported: it describes the original, which never changes, so a change there is refused
        rather than silently kept or overwritten.
        """
        self.forbid_review("change evidence items")
        reason = self._check_reason(reason)
        record = copy.deepcopy(item)
        at = self._now()
        with db.transaction(self._conn):
            current_version = self._live(record.id, "evidence")
            current, _ = evidence_items.load_evidence(self._conn, record.id)
            _check_expected("This evidence item", current_version, expected_version)
            old, new = to_dict(current), to_dict(record)
            fixed = [k for k in old if k not in _EDITABLE_EVIDENCE and old[k] != new[k]]
            if fixed:
                raise ValidationError(
                    [
                        FieldIssue(name, "is measured from the original file and cannot be changed")
                        for name in fixed
                    ]
                )
            if old == new:
                return current, current_version
            issues = validate_evidence(record)
            if issues:
                raise ValidationError(issues)
            self._check_links(
                record.incident_ids,
                set(current.incident_ids),
                "incidents",
                "incident",
                "incident_ids",
            )
            version = current_version + 1
            self._append(
                kind="evidence",
                record_id=record.id,
                version=version,
                at=at,
                reason=reason,
                deleted=False,
                body=new,
            )
            evidence_items.project_evidence(self._conn, record, version, at)
        return record, version

    @_locked
    def get_evidence(self, evidence_id: str) -> tuple[EvidenceItem, int]:
        return evidence_items.load_evidence(self._conn, evidence_id)

    @_locked
    def list_evidence(
        self, incident_id: str | None = None, limit: int = 500, offset: int = 0
    ) -> list[EvidenceItem]:
        return evidence_items.list_evidence(self._conn, incident_id, limit, offset)

    @_locked
    def evidence_thumbnail(self, evidence_id: str) -> bytes | None:
        """The item's small JPEG preview, or None (not an image, or it could not be rendered)."""
        item, _ = evidence_items.load_evidence(self._conn, evidence_id)
        return evidence_items.get_thumbnail(self._conn, item.sha256)

    def read_evidence(self, evidence_id: str, max_size: int) -> bytes:
        """The original's bytes, decrypted in memory for a viewer (never written to disk)."""
        item, _ = self.get_evidence(evidence_id)
        try:
            return self._blob_store().read_bytes(item.sha256, max_size)
        except EvidenceNotFound:
            self._raise_if_purged(item)
            raise

    @_locked
    def _raise_if_purged(self, item: EvidenceItem) -> None:
        """Say why an original is gone when the purge policy removed it after an HQ receipt.

        A bare "not found" would look like damage; a purged original is expected and HQ has it.
        """
        row = self._conn.execute(
            "SELECT seq, purged_at FROM acked_blobs WHERE sha256 = ? AND purged_at IS NOT NULL",
            (item.sha256,),
        ).fetchone()
        if row is not None:
            raise EvidenceNotFound(
                f"The original of {item.original_name} was purged from this device on {row[1]} "
                f"after HQ acknowledged it (receipt for bundle {row[0]}); HQ holds the original."
            )

    def export_evidence(self, evidence_id: str, dest: Path, reason: str) -> EvidenceItem:
        """Write a plaintext copy of the original to `dest`, logged with who and why.

        A copy outside the vault is no longer protected by it, so it needs a reason, and the
        audit entry is written only after the complete, verified copy exists.
        """
        self.forbid_review("export evidence")
        reason = self._check_reason(reason)
        item, _ = self.get_evidence(evidence_id)
        try:
            self._blob_store().export(item.sha256, Path(dest))
        except EvidenceNotFound:
            self._raise_if_purged(item)
            raise
        with self._lock:
            if self._conn is None:
                raise VaultLocked("The vault is locked; unlock it first.")
            with db.transaction(self._conn):
                self._log_event(
                    {
                        "type": "evidence_exported",
                        "evidence_id": item.id,
                        "sha256": item.sha256,
                        "reason": reason,
                    },
                    self._now(),
                )
        return item

    def evidence_consistency(self, evidence_id: str, incident_id: str) -> Consistency:
        """How far (km) and how long apart (time) a photo and an incident are, with warnings."""
        item, _ = self.get_evidence(evidence_id)
        incident, _ = self.get_incident(incident_id)
        return consistency(item, incident)

    def apply_photo_place_time(
        self, incident_id: str, evidence_id: str, reason: str
    ) -> tuple[Incident, int]:
        """Save a new incident version that takes the photo's GPS position and capture time.

        An explicit action, logged like any save (with the reason given). The place method
        becomes `photo_exif`. The time is taken only when the camera recorded its time zone:
        a zone-less camera clock can be hours off, and a wrong time is worse than none.
        """
        reason = self._check_reason(reason)
        with self._lock:
            item, _ = self.get_evidence(evidence_id)
            incident, version = self.get_incident(incident_id)
            updated = copy.deepcopy(incident)
            applied = False
            if item.gps_lat and item.gps_lon:
                updated.place.lat = normalise_decimal(item.gps_lat, "lat")
                updated.place.lon = normalise_decimal(item.gps_lon, "lon")
                updated.place.method = "photo_exif"
                updated.place.precision = "100m"
                applied = True
            captured = capture_moment(item.capture_time, item.capture_offset)
            if captured is not None and captured[1]:
                moment = captured[0]
                updated.time.start = _iso(moment)
                if item.capture_offset:
                    updated.time.utc_offset = item.capture_offset
                updated.time.precision = "exact"
                if updated.time.end and updated.time.end < updated.time.start:
                    updated.time.end = ""
                applied = True
            if not applied:
                raise ValidationError(
                    [
                        FieldIssue(
                            "evidence",
                            f"{item.original_name} has no GPS position and no capture time with "
                            "a time zone; nothing to take over",
                        )
                    ]
                )
            return self.save_incident(updated, reason, expected_version=version)

    # --- test support -----------------------------------------------------------------------------
    @_locked
    def _raw_key_hex(self) -> str:
        """TEST ONLY: the raw data key, so a test can open a second SQLCipher connection and
        alter rows under the app to prove verify_log notices. Never call this from the app."""
        return bytes(self._dek).hex()


def _new_record_id(kind: str, expected_version: int | None) -> str:
    """A fresh record id; an editor that believes it holds a saved version is refused."""
    if expected_version is not None:
        raise StaleVersion(f"This {kind} was never saved, so it has no version.")
    return uuid.uuid4().hex


def _check_expected(label: str, current_version: int, expected_version: int | None) -> None:
    """Refuse a save built on an older version than the stored one (someone saved since):
    silently overwriting their change would lose it."""
    if expected_version is not None and expected_version != current_version:
        raise StaleVersion(
            f"{label} was saved again (now version {current_version}) after you opened "
            f"version {expected_version}. Reload it and make your change again."
        )


def _zero(buffer: bytearray) -> None:
    """Overwrite key material in place (best effort; see Vault.__init__)."""
    for i in range(len(buffer)):
        buffer[i] = 0


# The parts of an evidence record that describe it rather than measure the file.
_EDITABLE_EVIDENCE = frozenset(
    ("caption", "incident_ids", "sensitivity", "source_medium", "acquisition")
)


def _masked(witness: Witness) -> Witness:
    """A copy of `witness` with its identity masked (see `domain.witness.mask_identity`)."""
    masked = copy.deepcopy(witness)
    masked.identity = mask_identity(witness.identity)
    return masked


def _masked_version(version: RecordVersion) -> RecordVersion:
    identity = version.body.get("identity")
    if not isinstance(identity, dict):
        return version  # a tombstone has no body
    shown = to_dict(mask_identity(from_dict(WitnessIdentity, identity)))
    return dataclasses.replace(version, body={**version.body, "identity": shown})


def _without_metadata(item: EvidenceItem) -> EvidenceItem:
    """Keep only what the store itself measured; the file's own claims are dropped."""
    return EvidenceItem(
        id=item.id,
        sha256=item.sha256,
        size=item.size,
        media_type=item.media_type,
        original_name=item.original_name,
        source_medium=item.source_medium,
        acquisition=item.acquisition,
        imported_by=item.imported_by,
        imported_at=item.imported_at,
        incident_ids=item.incident_ids,
        caption=item.caption,
        sensitivity=item.sensitivity,
        flags=["metadata_unavailable"],
    )


_SLOTS_SEEN = "key_slots_seen"


def _slots_seen(kf: KeyFile) -> dict[str, Any]:
    """Each slot by id: kind, label and a hash of everything it stores (a re-wrap changes it)."""
    return {
        entry["id"]: {
            "kind": entry["kind"],
            "label": entry["label"],
            "sha256": hashlib.sha256(canonical.dumps(entry)).hexdigest(),
        }
        for entry in kf.to_json()["slots"]
    }


def _slot_changes(before: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    def named(ids: list[str], side: dict[str, Any]) -> list[str]:
        return [f"{side[i].get('kind', '?')}:{side[i].get('label', '?')}" for i in sorted(ids)]

    return {
        "type": "key_slots_changed",
        "note": "vault.key differs from when the vault was last open (an interrupted slot "
        "operation, or an edit outside the app)",
        "added": named([i for i in now if i not in before], now),
        "removed": named([i for i in before if i not in now], before),
        "rewrapped": named([i for i in now if i in before and before[i] != now[i]], now),
    }
