"""The question log's schema as named, ordered migrations, and the runner that applies them.

Each applied migration is recorded in `schema_migrations` with its number, name and a
checksum of its SQL (whitespace-insensitive). Opening the log compares that record with
`MIGRATIONS`: a migration edited, renamed, reordered or removed after it was applied is
refused with one line (MigrationError) before anything is written, since the schema would
no longer be what the code expects. Add a new migration instead of editing an old one.

`PRAGMA user_version` still holds the number applied. A database made before migrations
were recorded by name has only that number: its first `user_version` migrations are taken
as applied (they were, in this order) and recorded, in one transaction.

Each migration runs in its own transaction, so a failing one leaves the database at the
previous version.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from bot.questionlog.records import MigrationError, StoreError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema step; its statements run in one transaction."""

    name: str
    statements: tuple[str, ...]

    @property
    def checksum(self) -> str:
        """SHA-256 of the statements with whitespace collapsed: a reformat is no edit."""
        sql = ";\n".join(" ".join(statement.split()) for statement in self.statements)
        return hashlib.sha256(sql.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    """A row of `schema_migrations`: what was applied to this database, and when."""

    number: int
    name: str
    checksum: str
    applied_at: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "create_question_log",
        (
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE questions (
                id INTEGER PRIMARY KEY,
                asked_at TEXT NOT NULL,
                channel TEXT NOT NULL,
                chat_key TEXT NOT NULL,
                lang TEXT NOT NULL,
                kind TEXT NOT NULL,
                question BLOB NOT NULL,
                status TEXT NOT NULL,
                posting TEXT,
                topic TEXT,
                score REAL NOT NULL,
                suggestions TEXT NOT NULL,
                latency_ms REAL NOT NULL,
                knowledge_version TEXT NOT NULL
            )""",
            "CREATE INDEX questions_by_time ON questions (asked_at)",
        ),
    ),
    Migration(
        "create_chat_states",
        (
            """CREATE TABLE chat_states (
                chat_key TEXT PRIMARY KEY,
                state BLOB NOT NULL,
                updated_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        "index_questions_by_chat",
        ("CREATE INDEX questions_by_chat ON questions (chat_key)",),
    ),
    Migration(
        "create_inbox",
        (
            # Telegram updates stored before Telegram is told they arrived (bot.questionlog.inbox).
            """CREATE TABLE inbox (
                update_id INTEGER PRIMARY KEY,
                chat_id INTEGER,
                payload BLOB,
                received_at TEXT NOT NULL,
                done_at TEXT
            )""",
            "CREATE INDEX inbox_pending ON inbox (done_at, update_id)",
        ),
    ),
    Migration(
        "add_answer_feedback",
        (
            # An answer's random key (its 👍/👎 buttons carry it) and the verdict given.
            "ALTER TABLE questions ADD COLUMN reply_key TEXT",
            "ALTER TABLE questions ADD COLUMN feedback TEXT",
            "CREATE INDEX questions_by_reply_key ON questions (reply_key)",
        ),
    ),
    Migration(
        "create_dismissed_wordings",
        (
            # Unanswered wordings an admin dismissed (bot.questionlog.dismissals): a keyed
            # hash of the normalised wording, never its text; hidden up to `dismissed_at`.
            """CREATE TABLE dismissed_wordings (
                wording_key TEXT PRIMARY KEY,
                dismissed_at TEXT NOT NULL,
                dismissed_by TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        "add_conversation_links",
        (
            # Richer turns: every posting and topic of the reply (JSON lists), its lead
            # (a Fernet token, like the question it answers), the id of the message that
            # carried it, and the links (bot.questionlog.rows): session, previous turn,
            # the turn that offered a pressed button.
            "ALTER TABLE questions ADD COLUMN postings TEXT",
            "ALTER TABLE questions ADD COLUMN topics TEXT",
            "ALTER TABLE questions ADD COLUMN lead BLOB",
            "ALTER TABLE questions ADD COLUMN reply_message_id INTEGER",
            "ALTER TABLE questions ADD COLUMN session TEXT",
            "ALTER TABLE questions ADD COLUMN follows INTEGER",
            "ALTER TABLE questions ADD COLUMN offered_by INTEGER",
            # Older turns get their sessions and previous turns the way new ones do: in
            # the order they were logged, a new session after 30 minutes of silence
            # (SESSION_GAP when this was written; a migration never changes afterwards),
            # named after the session's first turn. Their button presses stay unlinked:
            # no message ids were kept.
            """UPDATE questions SET session = cut.session, follows = cut.follows FROM (
                WITH ordered AS (
                    SELECT id, chat_key, asked_at,
                        lag(id) OVER chat AS previous_id,
                        lag(asked_at) OVER chat AS previous_at
                    FROM questions WINDOW chat AS (PARTITION BY chat_key ORDER BY id)
                ), marked AS (
                    SELECT id, chat_key, previous_id,
                        (previous_at IS NULL OR asked_at < previous_at
                         OR julianday(asked_at) - julianday(previous_at) > 30.0 / 1440)
                        AS starts
                    FROM ordered
                ), numbered AS (
                    SELECT id, chat_key, previous_id, starts,
                        sum(starts) OVER (PARTITION BY chat_key ORDER BY id) AS number
                    FROM marked
                )
                SELECT id,
                    CASE WHEN starts THEN NULL ELSE previous_id END AS follows,
                    'm' || min(id) OVER (PARTITION BY chat_key, number) AS session
                FROM numbered
            ) AS cut WHERE questions.id = cut.id""",
        ),
    ),
)

_BOOKKEEPING = """CREATE TABLE IF NOT EXISTS schema_migrations (
    number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL
)"""
_RECORD = "INSERT INTO schema_migrations (number, name, checksum, applied_at) VALUES (?, ?, ?, ?)"


async def user_version(db: aiosqlite.Connection) -> int:
    """The number of migrations applied to the database."""
    rows = await db.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def applied_migrations(db: aiosqlite.Connection) -> tuple[AppliedMigration, ...] | None:
    """The recorded migrations in order; None for a database that records none by name."""
    try:
        rows = await db.execute_fetchall(
            "SELECT number, name, checksum, applied_at FROM schema_migrations ORDER BY number"
        )
    except sqlite3.OperationalError:
        return None  # no such table: made before migrations were recorded by name
    return tuple(AppliedMigration(*row) for row in rows)


def check_not_newer(version: int, migrations: Sequence[Migration], where: str) -> None:
    """Refuses a database migrated by a newer program (its schema is unknown here)."""
    if version > len(migrations):
        raise StoreError(
            f"{where} has schema version {version}, newer than this program "
            f"knows ({len(migrations)}): update jpo-bot"
        )


def check_applied(
    applied: Sequence[AppliedMigration], migrations: Sequence[Migration], where: str
) -> int:
    """Compares the recorded migrations with the program's; returns how many are applied.

    Raises MigrationError when one was renamed, reordered or edited since it was applied.
    """
    check_not_newer(len(applied), migrations, where)
    for number, (done, known) in enumerate(zip(applied, migrations, strict=False), start=1):
        if done.number != number or done.name != known.name:
            raise MigrationError(
                f"{where} applied migration {done.number} as {done.name!r}, but this program "
                f"has {known.name!r} there: the migrations were reordered or renamed"
            )
        if done.checksum != known.checksum:
            raise MigrationError(
                f"migration {number} ({known.name}) was edited after it was applied to "
                f"{where}: restore it and add a new migration instead"
            )
    return len(applied)


async def apply_migrations(
    db: aiosqlite.Connection,
    migrations: Sequence[Migration],
    *,
    where: str = "the question log",
) -> int:
    """Checks the applied migrations, then applies the missing ones; returns the version.

    `db` must be in autocommit mode (isolation_level=None). A failing migration is
    rolled back and raises MigrationError; the ones before it stay applied.
    """
    check_not_newer(await user_version(db), migrations, where)
    await _record_numbered(db, migrations)
    applied = await applied_migrations(db)
    current = check_applied(applied or (), migrations, where)
    for number, migration in enumerate(migrations[current:], start=current + 1):
        await _apply(db, number, migration)
        logger.info("question log: applied migration %d (%s)", number, migration.name)
        current = number
    return current


async def _record_numbered(db: aiosqlite.Connection, migrations: Sequence[Migration]) -> None:
    """Creates `schema_migrations`; a database that only has a `user_version` gets its
    first `user_version` migrations recorded as applied (by today's numbering)."""
    await db.execute("BEGIN IMMEDIATE")
    try:
        await db.execute(_BOOKKEEPING)
        rows = await db.execute_fetchall("SELECT count(*) FROM schema_migrations")
        version = await user_version(db)
        if next(iter(rows))[0] == 0 and version > 0:
            now = _now()
            await db.executemany(
                _RECORD,
                [
                    (number, migration.name, migration.checksum, now)
                    for number, migration in enumerate(migrations[:version], start=1)
                ],
            )
            logger.info("question log: recorded %d migration(s) applied before by number", version)
        await db.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            await db.execute("ROLLBACK")
        raise


async def _apply(db: aiosqlite.Connection, number: int, migration: Migration) -> None:
    try:
        await db.execute("BEGIN IMMEDIATE")
        for statement in migration.statements:
            await db.execute(statement)
        await db.execute(_RECORD, (number, migration.name, migration.checksum, _now()))
        await db.execute(f"PRAGMA user_version = {number}")
        await db.execute("COMMIT")
    except sqlite3.Error as error:
        with contextlib.suppress(sqlite3.Error):
            await db.execute("ROLLBACK")
        raise MigrationError(
            f"migration {number} ({migration.name}) failed and was rolled back: {error}; "
            f"the question log stays at version {number - 1}"
        ) from error


def _now() -> str:
    return datetime.now(UTC).isoformat(sep=" ", timespec="seconds")
