"""The one module that opens SQLCipher.

Every connection gets the raw 256-bit DEK (`PRAGMA key = "x'…'"`), never a passphrase: with a
passphrase SQLCipher would run its own PBKDF2 on every open (≈ 220 ms, PERFORMANCE.md); the slow
Argon2id step already ran once in `keyfile.unwrap`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3

from fieldapp.errors import DiskError, NotAVault, VaultTooNew

DB_NAME = "vault.db"

# Settings that are part of the database file format: a vault opened with other values would be
# unreadable, so they are written into vault.key at creation and read back from there.
# HMAC-SHA256 (SHA-NI on the target machines) with 4 KiB pages: PERFORMANCE.md measured 16 KiB
# pages to slow random lookups, which is what the register does most.
DEFAULT_DB_SETTINGS: dict[str, Any] = {
    "cipher_page_size": 4096,
    "cipher_hmac_algorithm": "HMAC_SHA256",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA256",
}

_ALLOWED: dict[str, set[Any]] = {
    "cipher_page_size": {1024, 2048, 4096, 8192, 16384, 32768, 65536},
    "cipher_hmac_algorithm": {"HMAC_SHA1", "HMAC_SHA256", "HMAC_SHA512"},
    "cipher_kdf_algorithm": {"PBKDF2_HMAC_SHA1", "PBKDF2_HMAC_SHA256", "PBKDF2_HMAC_SHA512"},
}

Connection = Any  # sqlcipher3 ships no type information


CACHE_KIB = 65536


def check_settings(settings: dict[str, Any]) -> None:
    """Only whitelisted values reach a PRAGMA (they cannot be bound as parameters)."""
    for name, value in settings.items():
        if name not in _ALLOWED or value not in _ALLOWED[name]:
            raise NotAVault(f"vault.key names an unknown database setting {name}={value!r}")


def key_pragma_value(dek: bytes | bytearray) -> str:
    """`x'<64 hex>'`: SQLCipher's raw-key form, which skips its own key derivation."""
    return f"x'{bytes(dek).hex()}'"


def connect(
    path: Path,
    dek: bytes | bytearray,
    settings: dict[str, Any],
    *,
    max_user_version: int,
) -> Connection:
    """Open, key and check one connection, then apply the runtime settings.

    The key is checked and `user_version` compared before any setting that writes to the file
    (journal_mode), so a wrong file or a vault from a newer app is left byte-for-byte untouched.
    """
    check_settings(settings)
    if len(dek) != 32:
        raise ValueError("the data key must be 32 bytes")
    # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves, so a version, its
    # projection and its audit leaf are always in one explicit transaction.
    # check_same_thread=False: the GUI calls the vault from a worker thread; the Vault's RLock
    # serialises every use of this connection.
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        # Without this SQLCipher prints error lines to stderr on a wrong key.
        with contextlib.suppress(sqlcipher3.DatabaseError):
            conn.execute("PRAGMA cipher_log_level = NONE")
        # SQLCipher's enhanced memory security (wipe and lock every SQLite allocation) stays OFF,
        # SQLCipher's own default since 4.5: measured here it made every register query 5-10x
        # slower, and it cannot protect what matters while the vault is open (the page cache
        # and the key are live in memory then). SQLCipher still wipes its own key material;
        # the vault zeroes its key copy on lock, and `harden_process()` turns off core dumps.
        # (A deliberate change from the reference SECURITY.md; see ARCHITECTURE.md.)
        conn.execute("PRAGMA cipher_memory_security = OFF")
        conn.execute(f'PRAGMA key = "{key_pragma_value(dek)}"')
        for name, value in settings.items():
            conn.execute(f"PRAGMA {name} = {value}")
        # Plaintext header stays off (the default): the whole first page is ciphertext.
        conn.execute("PRAGMA cipher_plaintext_header_size = 0")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if is_disk_error(exc):
                raise disk_error(exc, f"The vault at {path.parent} cannot be opened") from exc
            raise NotAVault(
                f"{path} is not a fieldapp vault database, or it does not belong to this "
                "vault.key (it cannot be decrypted with the vault's key)."
            ) from exc
        (user_version,) = conn.execute("PRAGMA user_version").fetchone()
        if user_version > max_user_version:
            raise VaultTooNew(
                f"This vault has schema version {user_version}; this fieldapp knows up to "
                f"version {max_user_version}. Open it with a newer fieldapp; the vault was "
                "not changed."
            )
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable in WAL mode except for the last commits before a power cut, and
        # never corrupts: the WAL is synced at each checkpoint. FULL would fsync every save.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA trusted_schema = OFF")
        # 64 MiB of decrypted pages: every page miss costs a decrypt and an HMAC check, and
        # the register's indexes of 100k incidents fit in this.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # Planner statistics: without them SQLite filters 100k rows by the workflow index and
        # sorts, instead of walking the order-by index (≈ 100× slower on a large register).
        # analysis_limit keeps this to milliseconds; 0x10002 analyses what needs it on open.
        conn.execute("PRAGMA analysis_limit = 1000")
        conn.execute("PRAGMA optimize = 0x10002")
    except sqlcipher3.Error as exc:
        conn.close()
        if is_disk_error(exc):
            raise disk_error(exc, f"The vault at {path.parent} cannot be opened") from exc
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def close(conn: Connection) -> None:
    """Refresh planner statistics if the tables grew (cheap), then close."""
    try:
        with contextlib.suppress(sqlcipher3.Error):
            conn.execute("PRAGMA optimize")
    finally:
        conn.close()


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: nothing is ever half-written.

    A COMMIT the disk refuses (full, failing) leaves SQLite's transaction open; it is rolled
    back here, or the connection would refuse every later transaction of the session, and the
    error says what happened instead of SQLite's "disk I/O error".
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlcipher3.Error as exc:
        if is_disk_error(exc):
            raise disk_error(exc, "The vault cannot be written") from exc
        raise
    try:
        yield conn
    except BaseException as exc:
        _rollback(conn)
        if isinstance(exc, sqlcipher3.Error) and is_disk_error(exc):
            raise disk_error(exc, "The vault cannot be written") from exc
        raise
    try:
        conn.execute("COMMIT")
    except sqlcipher3.Error as exc:
        _rollback(conn)
        if is_disk_error(exc):
            raise disk_error(exc, "The vault cannot be written") from exc
        raise


def _rollback(conn: Connection) -> None:
    # After a failed COMMIT SQLite may already have rolled back (or still hold it open).
    if conn.in_transaction:
        with contextlib.suppress(sqlcipher3.Error):
            conn.execute("ROLLBACK")


# SQLite's primary result codes for a disk that refuses: I/O error, full, cannot open a file.
_DISK_CODES = frozenset(
    (sqlcipher3.SQLITE_IOERR, sqlcipher3.SQLITE_FULL, sqlcipher3.SQLITE_CANTOPEN)
)


def is_disk_error(exc: BaseException) -> bool:
    """True for SQLite's errors of a full or failing disk, which the user can act on."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(code, int) and (code & 0xFF) in _DISK_CODES


def disk_error(exc: BaseException, what: str) -> DiskError:
    """One sentence for a refused write: what failed, why, and that nothing was saved."""
    code = getattr(exc, "sqlite_errorcode", 0)
    why = (
        "the disk is full" if code & 0xFF == sqlcipher3.SQLITE_FULL else "the disk refused a write"
    )
    return DiskError(
        f"{what}: {why} ({exc}). Nothing was saved; make room on the disk (or check it) and "
        "try again."
    )


def is_database_error(exc: BaseException) -> bool:
    """True for SQLCipher's own error types, which callers outside this module cannot name."""
    return isinstance(exc, sqlcipher3.Error)
