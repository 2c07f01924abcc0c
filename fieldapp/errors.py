"""Typed, user-facing errors of the core (no Qt here).

Every error a person can cause or meet has its own class, so the CLI and the GUI can each turn it
into one clear message (`fieldapp/ui/messages.py` for the GUI) without parsing strings.
"""

from __future__ import annotations

from dataclasses import dataclass


class FieldappError(Exception):
    """Base of every expected error; `str(err)` is a sentence a user can act on."""


# --- vault ------------------------------------------------------------------------------------
class VaultError(FieldappError):
    """Something is wrong with the vault as a whole."""


class NoVault(VaultError):
    """The folder holds no vault at all (first run, or a wrong --vault path)."""


class VaultExists(VaultError):
    """Refuse to create a vault over an existing one: that would destroy case data."""


class NotAVault(VaultError):
    """The folder has files, but they are not a fieldapp vault."""


class WrongPassphrase(VaultError):
    """No key slot opens with the passphrase given."""


class DamagedKeyfile(VaultError):
    """`vault.key` is unreadable, truncated or altered; the vault is left untouched."""


class VaultTooNew(VaultError):
    """The vault was written by a newer fieldapp; opening it could corrupt it."""


class WeakPassphrase(VaultError):
    """The passphrase is below the minimum strength; the message says why."""


class VaultLocked(VaultError):
    """An operation needs the vault unlocked."""


class MigrationError(VaultError):
    """A schema upgrade failed; the copy taken before it is named in the message."""


class IntegrityError(VaultError):
    """The database or the audit log failed a check."""


class DiskError(VaultError):
    """The vault's disk refused a write (full, or failing); what was being saved was not."""


# --- records ------------------------------------------------------------------------------------
class RecordNotFound(FieldappError):
    """No record (or no version) with that id."""


class ForeignRecord(FieldappError):
    """The record was made on another device (imported at HQ); only that device changes it.

    A version written here would fork the record's history from the field's, and the field's
    next version of it could then never be imported.
    """


class StaleVersion(FieldappError):
    """Someone saved the record after it was loaded; reload before saving again."""


@dataclass(frozen=True)
class FieldIssue:
    """One validation problem: `path` names the field (e.g. `casualties.killed.women.max`)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ValidationError(FieldappError):
    """The record breaks one or more rules; `issues` lists each with its field path."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(str(i) for i in self.issues) or "invalid record")


# --- evidence -----------------------------------------------------------------------------------
class EvidenceError(FieldappError):
    """Something went wrong storing or reading an evidence original; nothing was half-written."""


class PartOfVault(EvidenceError):
    """An import source lies inside the vault folder (its database, key file or sealed blobs):
    dropping a parent folder must not turn the vault itself into "evidence"."""


class NotARegularFile(EvidenceError):
    """An import source is a symlink, folder, FIFO or device: only regular files are evidence.

    A symlink could point anywhere (another case's folder, `/dev/zero`); a FIFO or device could
    block or never end. The message names the path and what it is.
    """


class SourceChanged(EvidenceError):
    """The source file changed while it was read, so its hash would describe no real state."""


class BlobCorrupt(EvidenceError):
    """A stored original failed authentication or its hash no longer matches: it was altered."""


class EvidenceNotFound(EvidenceError):
    """No stored original has that SHA-256 in this vault."""


class SourceUnreadable(EvidenceError):
    """The file to import does not exist or cannot be read (permissions, a vanished drive)."""


class EvidenceTooLarge(EvidenceError):
    """The original is too big to hold in memory for this use; stream it (export) instead."""


# --- map ----------------------------------------------------------------------------------------
class MapDataError(FieldappError):
    """Map data (a base layer or a bundled outline) cannot be used; the message names the file."""


class InvalidMBTiles(MapDataError):
    """The chosen base-layer file is not a raster MBTiles pack; the map keeps its previous layer."""


# --- sync (issue 4) -----------------------------------------------------------------------------
class SyncError(FieldappError):
    """Enrolment, bundle export/import or receipts failed; nothing was half-written.

    The sync modules define their own narrower subclasses next to their code; the ones below are
    the enrolment ones shared by the CLI and the other sync modules.
    """


class NotEnrolled(SyncError):
    """The field vault has no accepted HQ enrolment yet, so it knows no HQ keys to use."""


class NoHqKeys(SyncError):
    """The vault holds no HQ keys (not an HQ vault, or `init --role hq` did not make them)."""


class EnrollmentRefused(SyncError):
    """An enrolment request, certificate or recipient list cannot be accepted; the message says
    exactly which check failed (bad signature, wrong device, small-order key, other HQ, ...)."""


class RecoveryError(SyncError):
    """A vault cannot be recovered with the escrow identity given (wrong identity, no slot)."""


# --- HQ review (issue 5) ------------------------------------------------------------------------
class RoleRefused(FieldappError):
    """The vault was opened through a slot (or is of a kind) that may not do this.

    The review role reads everything and assesses, nothing else; an assessment is HQ's record,
    so a field vault refuses it. The message names the action that was refused.
    """
