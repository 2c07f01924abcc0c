"""Opt-in hardening policies (issue 6 §3): wipe after N failed unlocks, a duress passphrase,
purge of acknowledged plaintext after each HQ receipt. All three are off by default.

**Wipe after N failed unlocks.** The counter has to be read before the vault is open, so it
cannot live inside the encrypted database: it lives beside `vault.key` in `vault.guard`
(canonical JSON, written atomically). Each attempt first counts itself on disk (temp file,
fsync, rename, fsync of the folder) and only then runs Argon2id, so killing the app in the
middle of an attempt still spends it. The N-th failure crypto-erases the vault exactly as
`Vault.erase` does. A correct passphrase resets the counter.

The policy itself (N) is also kept inside the encrypted vault (`meta`), and the guard file
carries an HMAC of it under a key derived from the data key. Nothing can check that MAC before
an unlock (that needs the key), but every successful unlock compares the guard file with the
vault's own copy and, when it was removed, damaged or weakened, writes it back and logs that it
did. **Honest limits:** this stops someone guessing through the app on a captured laptop (the
wipe happens even if they kill the app between guesses). It does nothing against someone who
copied the disk first: they keep a copy of `vault.key` and guess offline at the cost of
Argon2id, or simply delete `vault.guard`; and a counter cannot be authenticated without the
key, so someone who can write to the folder can reset it.

**Duress passphrase.** A duress slot is an ordinary passphrase slot on disk (same kind, fields,
KDF cost; `keyfile.new_duress_slot`), wrapping a marker instead of the data key. Unlocking with
it *opens nothing and says "wrong passphrase"*, after destroying the data key: every slot in
`vault.key` (the duress one too) is replaced by one of the same id, label and cost wrapping
random bytes, the escrow slots are dropped, and the old file is overwritten before the new one
is renamed over it. We chose that over erasing the folder so that someone watching learns
nothing: the duress code behaves like a mistyped passphrase, and so does every later attempt
with any passphrase, because there is no key left to find. The remaining slots are tried after
the duress slot opens, so the attempt costs the same Argon2id runs as a wrong passphrase.
Limits: the database and originals stay on disk as ciphertext whose key no longer exists; a
copy of `vault.key` taken earlier still shows the old slots (and, if enrolled, HQ's escrow
slot, so HQ could still recover a disk copy taken before); file times show vault.key changed.

**Purge after receipt.** A vault setting (`meta`); `sync.receipt_policy` runs
`fieldsync.purge_acknowledged` after each receipt import when it is on.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from fieldapp.domain import canonical
from fieldapp.domain.passphrase import check_passphrase
from fieldapp.errors import (
    FieldIssue,
    ValidationError,
    VaultError,
    WeakPassphrase,
    WrongPassphrase,
)
from fieldapp.store import keyfile
from fieldapp.store.keyfile import KEYFILE_NAME, KeyFile, Slot

if TYPE_CHECKING:
    from fieldapp.store.vault import Vault

GUARD_NAME = "vault.guard"
GUARD_FORMAT = "fieldapp-unlock-guard"
MIN_WIPE_AFTER = 3
MAX_WIPE_AFTER = 100
_MAX_GUARD_BYTES = 4096

_META_WIPE = "policy.wipe_after"
_META_DURESS = "policy.duress_slot"
_META_PURGE = "policy.purge_after_receipt"

WRONG_PASSPHRASE = "The passphrase is wrong: it opens none of this vault's key slots."  # noqa: S105 - a sentence, not a secret


class VaultWiped(VaultError):
    """The failed-unlock limit was reached and the vault was crypto-erased, as its policy said."""


@dataclass(frozen=True)
class Policies:
    """The vault's hardening policies as stored inside it (all off by default)."""

    wipe_after: int | None
    duress: bool
    duress_label: str | None
    purge_after_receipt: bool


@dataclass
class Guard:
    """`vault.guard`: the wipe limit, the failures since the last good unlock, and a MAC."""

    vault_id: str
    wipe_after: int
    failures: int
    mac: str

    def to_json(self) -> dict[str, Any]:
        return {
            "failures": self.failures,
            "format": GUARD_FORMAT,
            "mac": self.mac,
            "vault_id": self.vault_id,
            "version": 1,
            "wipe_after": self.wipe_after,
        }


@dataclass(frozen=True)
class UnlockOutcome:
    """What `guarded_unwrap` found, for `after_unlock` to reconcile once the vault is open."""

    vault_id: str
    dek: bytearray
    slot: Slot
    guard: Guard | None
    guard_problem: str  # "" when the guard file was absent or well-formed


# --- the guard file ---------------------------------------------------------------------------
def _mac_key(dek: bytes | bytearray) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"fieldapp unlock guard v1"
    ).derive(bytes(dek))


def guard_mac(dek: bytes | bytearray, vault_id: str, wipe_after: int) -> str:
    """HMAC of the policy fields (not the counter, which changes before the key is known)."""
    message = canonical.dumps(
        {"format": GUARD_FORMAT, "vault_id": vault_id, "wipe_after": wipe_after}
    )
    return hmac.new(_mac_key(dek), message, hashlib.sha256).hexdigest()


def read_guard(folder: Path) -> tuple[Guard | None, str]:
    """(guard, problem): (None, "") when there is no guard file; a damaged one is reported,
    not raised, so a damaged file can neither block the owner nor stop the next good unlock
    from restoring it."""
    path = folder / GUARD_NAME
    try:
        with path.open("rb") as fh:
            data = fh.read(_MAX_GUARD_BYTES + 1)
    except FileNotFoundError:
        return None, ""
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or exc})"
    try:
        raw = canonical.loads(data)
    except canonical.CanonicalJSONError:
        return None, "damaged"
    keys = {"failures", "format", "mac", "vault_id", "version", "wipe_after"}
    if (
        not isinstance(raw, dict)
        or set(raw) != keys
        or raw["format"] != GUARD_FORMAT
        or raw["version"] != 1
        or not isinstance(raw["vault_id"], str)
        or not isinstance(raw["mac"], str)
        or not isinstance(raw["failures"], int)
        or not isinstance(raw["wipe_after"], int)
        or raw["failures"] < 0
        or not MIN_WIPE_AFTER <= raw["wipe_after"] <= MAX_WIPE_AFTER
    ):
        return None, "damaged"
    return Guard(raw["vault_id"], raw["wipe_after"], raw["failures"], raw["mac"]), ""


def write_guard(folder: Path, guard: Guard) -> None:
    """Atomic and durable: the count must be on disk before the attempt it counts runs."""
    data = canonical.dumps(guard.to_json())
    tmp = folder / f".{GUARD_NAME}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / GUARD_NAME)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    keyfile.fsync_dir(folder)


def remove_guard(folder: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (folder / GUARD_NAME).unlink()
    keyfile.fsync_dir(folder)


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """Serialise unlock attempts on one vault (two processes must not lose a count)."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; attempts there are not serialised
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


# --- unlock -----------------------------------------------------------------------------------
def wrong_passphrase_message(guard: Guard | None) -> str:
    """The one sentence for a wrong passphrase, and for a duress code (they must not differ)."""
    if guard is None:
        return WRONG_PASSPHRASE
    left = guard.wipe_after - guard.failures
    return (
        f"{WRONG_PASSPHRASE} After {left} more wrong "
        f"{'passphrase' if left == 1 else 'passphrases'} this vault erases itself."
    )


def guarded_unwrap(
    folder: Path, kf: KeyFile, passphrase: str, erase: Callable[[Path], None]
) -> UnlockOutcome:
    """`keyfile.unwrap` under the vault's policies: counts the attempt on disk first, honours a
    duress slot, and erases the vault at the wipe limit."""
    with _folder_lock(folder):
        guard, problem = read_guard(folder)
        if guard is not None and guard.vault_id != kf.vault_id:
            guard, problem = None, "belongs to another vault"
        if guard is not None:
            guard.failures += 1
            write_guard(folder, guard)
        found: tuple[bytearray, Slot] | None = None
        duress = False
        for slot in kf.slots:
            opened = keyfile.open_slot(kf.vault_id, slot, passphrase)
            if opened is None:
                continue
            if duress or keyfile.is_duress(kf.vault_id, slot, opened):
                # Keep paying Argon2id for the remaining slots after a duress match, so a
                # duress code takes exactly as long as a wrong passphrase.
                duress = True
                _zero(opened)
                continue
            found = (opened, slot)
            break
        if duress:
            destroy_key(folder, kf)
            raise WrongPassphrase(wrong_passphrase_message(guard))
        if found is None:
            if guard is not None and guard.failures >= guard.wipe_after:
                erase(folder)
                raise VaultWiped(
                    f"That was wrong passphrase number {guard.failures}. As this vault's "
                    "policy requires, the vault has been erased: its data cannot be recovered "
                    "from this device."
                )
            raise WrongPassphrase(wrong_passphrase_message(guard))
        if guard is not None and guard.failures:
            guard.failures = 0
            write_guard(folder, guard)
        return UnlockOutcome(kf.vault_id, found[0], found[1], guard, problem)


def destroy_key(folder: Path, kf: KeyFile) -> None:
    """Crypto-erase that leaves `vault.key` looking as it did: same slot ids, labels and costs,
    each now wrapping random bytes nobody has a passphrase for; escrow slots dropped."""
    decoy = KeyFile(
        kf.vault_id,
        kf.db,
        tuple(
            Slot(
                s.id,
                s.kind,
                s.label,
                s.kdf,
                os.urandom(len(s.salt)),
                os.urandom(keyfile.NONCE_SIZE),
                os.urandom(keyfile.DEK_SIZE + keyfile.TAG_SIZE),
            )
            for s in kf.slots
        ),
        (),
    )
    key_path = folder / KEYFILE_NAME
    # Overwrite the old bytes in place first (a rename alone leaves them in free blocks).
    with contextlib.suppress(FileNotFoundError), key_path.open("r+b") as fh:
        size = max(os.fstat(fh.fileno()).st_size, 1)
        fh.write(secrets.token_bytes(size))
        fh.flush()
        os.fsync(fh.fileno())
    keyfile.write_keyfile(folder, decoy)


def after_unlock(vault: Vault, outcome: UnlockOutcome) -> None:
    """Make `vault.guard` match the policy kept inside the vault, and log any repair.

    Before an unlock nothing can authenticate the guard file; this is the first moment its
    MAC can be checked against the vault's own copy of the policy.
    """
    with vault.reading() as conn:
        wanted = _meta_int(conn, _META_WIPE)
    guard, problem = outcome.guard, outcome.guard_problem
    folder = vault.path
    vault_id = outcome.vault_id
    if wanted is None:
        if guard is None and not problem and not (folder / GUARD_NAME).exists():
            return
        remove_guard(folder)
        with vault.writing():
            vault.log_event({"type": "unlock_guard_removed", "problem": problem or "no policy"})
        return
    mac = guard_mac(outcome.dek, vault_id, wanted)
    if guard is not None and guard.wipe_after == wanted and hmac.compare_digest(guard.mac, mac):
        return
    if not problem:
        problem = "missing" if guard is None else "altered"
    write_guard(folder, Guard(vault_id, wanted, 0, mac))
    with vault.writing():
        vault.log_event({"type": "unlock_guard_restored", "problem": problem})


# --- settings ---------------------------------------------------------------------------------
def _meta(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _meta_int(conn: Any, key: str) -> int | None:
    value = _meta(conn, key)
    return None if value is None else int(value)


def _set_meta(conn: Any, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def policies(vault: Vault) -> Policies:
    """The policies as the vault holds them (the guard file is only a copy of the first)."""
    with vault.reading() as conn:
        wipe = _meta_int(conn, _META_WIPE)
        duress = _meta(conn, _META_DURESS)
        purge = _meta(conn, _META_PURGE) == "1"
    label = None
    if duress is not None:
        kf = keyfile.read_keyfile(vault.path)
        label = next((s.label for s in kf.slots if s.id == duress), None)
    return Policies(wipe, label is not None, label, purge)


def purge_after_receipt(vault: Vault) -> bool:
    """Whether each receipt import should purge acknowledged plaintext (the vault's setting)."""
    return policies(vault).purge_after_receipt


def _confirm(vault: Vault, passphrase: str) -> tuple[KeyFile, bytearray]:
    """Changing a policy takes the passphrase of the user who is signed in (not a duress code):
    an unlocked, unattended laptop must not be enough to arm or disarm a wipe."""
    vault.forbid_review("change the security policies")
    kf = keyfile.read_keyfile(vault.path)
    for slot in kf.slots:
        if slot.label != vault.user:
            continue
        opened = keyfile.open_slot(kf.vault_id, slot, passphrase)
        if opened is not None and not keyfile.is_duress(kf.vault_id, slot, opened):
            return kf, opened
    raise WrongPassphrase("The passphrase is wrong; no policy was changed.")


def set_wipe_after(vault: Vault, passphrase: str, wipe_after: int | None) -> Policies:
    """Turn the failed-unlock wipe on (N ≥ 3) or off; logged, and the guard file follows."""
    if wipe_after is not None and not MIN_WIPE_AFTER <= wipe_after <= MAX_WIPE_AFTER:
        raise ValidationError(
            [
                FieldIssue(
                    "wipe_after",
                    f"the number of failed unlocks must be {MIN_WIPE_AFTER} to "
                    f"{MAX_WIPE_AFTER}: fewer would erase the vault over a typo or two",
                )
            ]
        )
    kf, dek = _confirm(vault, passphrase)
    try:
        with vault.writing() as conn:
            _set_meta(conn, _META_WIPE, None if wipe_after is None else str(wipe_after))
            vault.log_event({"type": "policy_changed", "policy": "wipe_after", "value": wipe_after})
            # Inside the transaction: if the file cannot be written, the setting rolls back.
            with _folder_lock(vault.path):
                if wipe_after is None:
                    remove_guard(vault.path)
                else:
                    mac = guard_mac(dek, kf.vault_id, wipe_after)
                    write_guard(vault.path, Guard(kf.vault_id, wipe_after, 0, mac))
    finally:
        _zero(dek)
    return policies(vault)


def set_purge_after_receipt(vault: Vault, passphrase: str, on: bool) -> Policies:
    """Turn the purge-after-receipt policy on or off (logged)."""
    _, dek = _confirm(vault, passphrase)
    _zero(dek)
    with vault.writing() as conn:
        _set_meta(conn, _META_PURGE, "1" if on else None)
        vault.log_event({"type": "policy_changed", "policy": "purge_after_receipt", "value": on})
    return policies(vault)


def set_duress(
    vault: Vault, passphrase: str, duress_passphrase: str | None, label: str = ""
) -> Policies:
    """Add (or replace) the duress slot, or remove it with `duress_passphrase` None.

    `label` is what the slot list shows for it: choose a plausible pseudonym, because the
    labels are readable without a passphrase.
    """
    kf, dek = _confirm(vault, passphrase)
    _zero(dek)
    with vault.reading() as conn:
        old = _meta(conn, _META_DURESS)
    base = kf if old is None else keyfile.without_slot(kf, old)
    slot: Slot | None = None
    if duress_passphrase is not None:
        label = label.strip()
        if not label:
            raise ValidationError(
                [FieldIssue("label", "give the duress slot a label, like a user's pseudonym")]
            )
        if any(s.label.casefold() == label.casefold() for s in base.slots):
            raise ValidationError(
                [FieldIssue("label", f"there is already a key slot for {label!r}")]
            )
        strength = check_passphrase(duress_passphrase, [vault.device.cell_name, label])
        if not strength.ok:
            raise WeakPassphrase(
                "The duress passphrase is too weak: use at least 12 characters, for example "
                "four or more unrelated words (a guessable one would let anyone erase the vault)."
            )
        for other in base.slots:
            if keyfile.open_slot(kf.vault_id, other, duress_passphrase) is not None:
                raise ValidationError(
                    [FieldIssue("duress", "the duress passphrase already opens another slot")]
                )
        own = next(s for s in kf.slots if s.label == vault.user)
        slot = keyfile.new_duress_slot(kf.vault_id, duress_passphrase, label, own.kdf)
        base = base.with_slot(slot)
    if slot is None and old is None:
        return policies(vault)
    # with_slot appends after the escrow-free passphrase list, which keeps the file order rule
    with vault.writing() as conn:
        _set_meta(conn, _META_DURESS, None if slot is None else slot.id)
        vault.log_event({"type": "policy_changed", "policy": "duress", "value": slot is not None})
        keyfile.write_keyfile(vault.path, base)
    return policies(vault)


def _zero(buffer: bytearray) -> None:
    for i in range(len(buffer)):
        buffer[i] = 0
