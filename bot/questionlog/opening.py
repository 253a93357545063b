"""Opening the SQLite log file: connection, pragmas, secrets check and migrations.

The order matters: the secrets' fingerprints and the applied migrations are checked
before anything is written, so a wrong key or an edited migration leaves the file as
it was. The file runs in WAL mode with a busy timeout.
"""

from __future__ import annotations

import hmac
import logging
import sqlite3
from pathlib import Path
from urllib.parse import quote

import aiosqlite

from bot.private_files import ensure_private_database
from bot.questionlog.keys import (
    KEY_FINGERPRINT,
    SECRET_FINGERPRINT,
    WRONG_KEY,
    WRONG_SECRET,
    LogSecrets,
)
from bot.questionlog.migrations import (
    MIGRATIONS,
    applied_migrations,
    apply_migrations,
    check_applied,
    check_not_newer,
    user_version,
)
from bot.questionlog.records import StoreError, WrongKeyError

logger = logging.getLogger(__name__)


async def connect(
    path: Path, keys: LogSecrets, *, read_only: bool, busy_timeout_ms: int
) -> aiosqlite.Connection:
    """An autocommit connection to a checked and migrated log (creating folder and file).

    `read_only` opens an existing, fully migrated file without creating or changing it.
    """
    if read_only and not path.is_file():
        raise StoreError(f"no question log at {path}: the bot creates it when it starts")
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Before SQLite creates it: the WAL and SHM files take the database's mode.
            ensure_private_database(path)
        mode = "ro" if read_only else "rwc"
        uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
        db = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the question log {path}: {error}") from error
    try:
        await _prepare(db, path, keys.fingerprints(), read_only=read_only, busy_ms=busy_timeout_ms)
    except sqlite3.Error as error:
        await db.close()
        raise StoreError(f"cannot open the question log {path}: {error}") from error
    except BaseException:
        await db.close()
        raise
    return db


# --- opening --------------------------------------------------------------------------


async def _prepare(
    db: aiosqlite.Connection,
    path: Path,
    fingerprints: dict[str, str],
    *,
    read_only: bool,
    busy_ms: int,
) -> None:
    """Sets the pragmas, checks the secrets and the applied migrations, migrates: in that
    order, so a wrong key or an edited migration stops the opening before any write."""
    where = f"the question log {path}"
    await db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    await db.execute("PRAGMA secure_delete = ON")
    version = await user_version(db)
    check_not_newer(version, MIGRATIONS, where)
    if version >= 1:
        await _check_fingerprints(db, fingerprints)
    applied = await applied_migrations(db)
    if applied is not None:
        version = check_applied(applied, MIGRATIONS, where)
    if read_only:
        if version < len(MIGRATIONS):
            raise StoreError(
                f"{where} has schema version {version}, this program "
                f"needs {len(MIGRATIONS)}: start the bot once to migrate it"
            )
        return
    rows = await db.execute_fetchall("PRAGMA journal_mode = WAL")
    if next(iter(rows))[0] != "wal":
        logger.warning("question log: %s could not switch to WAL mode", path)
    await db.execute("PRAGMA synchronous = NORMAL")
    await apply_migrations(db, MIGRATIONS, where=where)
    await db.executemany(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", fingerprints.items()
    )
    await _check_fingerprints(db, fingerprints)


async def _check_fingerprints(db: aiosqlite.Connection, expected: dict[str, str]) -> None:
    try:
        fetched = await db.execute_fetchall("SELECT key, value FROM meta")
        rows: dict[str, str] = {key: value for key, value in fetched}
    except sqlite3.OperationalError:
        return  # a version-0 file has no meta table yet
    for name, message in ((KEY_FINGERPRINT, WRONG_KEY), (SECRET_FINGERPRINT, WRONG_SECRET)):
        stored = rows.get(name)
        if stored is not None and not hmac.compare_digest(stored, expected[name]):
            raise WrongKeyError(message)
