"""The SQLite question log: chat states, ratings, deletion, and the pieces it delegates.

Writing is `writer.LogWriter`'s (the write-behind queue and its background task);
opening is `opening`'s (connect, check the secrets in `keys`, migrate in `migrations`);
reading is `queries`'s. Callers use the store through the `QuestionLog` interface
(`bot.questionlog.interface`).

What is stored
    `questions`: one row per question or button press (a turn): time (UTC), channel, a
    pseudonymous chat key, language, kind, the question text, status, posting(s),
    topic(s), the reply's lead, score, suggestion labels, latency, knowledge version,
    rating key and 👍/👎 given, and the turn's links: its pseudonymous session, the
    chat's previous turn in that session (`follows`) and, for a button press, the turn
    whose reply offered the button (`offered_by`); see `bot.questionlog.rows`.
    `chat_states`: each chat's serialised conversation state (opaque here). `meta`: fingerprints of
    the two secrets. `schema_migrations`: the migrations applied, by name and checksum.
    `inbox`: Telegram updates received and not yet handled (`Store.inbox`, see
    `bot.questionlog.inbox`); a write batch marks a record's update done with it.
    `dismissed_wordings`: inbox groups admins dismissed (`dismissals.py`).

Privacy
    A chat is stored as HMAC-SHA256(LOG_HASH_SECRET, chat id), never its id or a name.
    Question texts, the replies' leads stored with them, and chat states (which can
    hold a pending question) are Fernet tokens made with LOG_ENCRYPTION_KEY, which
    lives in the configuration, never next to the data. `secure_delete` is on, so
    deleted rows are overwritten in the file. An HMAC of a constant under each secret
    is kept in `meta`; `open()` compares it and refuses a different key or secret
    before reading or writing anything else.

Writing
    `log()` and `save_chat_state()` never wait for the database and never raise (see
    `bot.questionlog.writer` for batching and the policy on failure). `forget()` also
    removes a chat's records and state that are still queued.

Chat states
    `load_chat_state` returns a queued state before the database's (read-your-writes),
    so a reply never waits behind a batch of the question log. It raises StoreError
    (after logging it) when reading the database fails; the caller catches it and goes
    on with a fresh state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from cryptography.fernet import Fernet

from bot.questionlog.digest import DigestFigures, DigestWindow
from bot.questionlog.digest_queries import DigestQueries
from bot.questionlog.dismissals import SqliteDismissals
from bot.questionlog.feedback import give_feedback
from bot.questionlog.inbox import SqliteInbox
from bot.questionlog.keys import chat_key, parse_secrets
from bot.questionlog.opening import connect
from bot.questionlog.queries import timestamp
from bot.questionlog.records import (
    LOW_SCORE,
    LoggedQuestion,
    LogHealth,
    LogStats,
    QuestionRecord,
    StoreError,
    UnansweredGroup,
    UnansweredGrouping,
)
from bot.questionlog.writer import LogWriter

logger = logging.getLogger(__name__)


class Store(SqliteDismissals):
    """The question log and chat states of one SQLite file; make one with `Store.open`."""

    def __init__(
        self,
        db: aiosqlite.Connection,
        path: Path,
        *,
        hash_secret: bytes,
        fernet: Fernet,
        batch_size: int,
        max_pending: int,
        close_timeout: float,
    ) -> None:
        self._db = db
        self.path = path
        self._secret = hash_secret
        self._write_lock = asyncio.Lock()
        self._queries = DigestQueries(db, path, fernet, hash_secret)
        self._writer = LogWriter(
            db,
            path,
            fernet=fernet,
            chat_key=self.chat_key,
            lock=self._write_lock,
            batch_size=batch_size,
            max_pending=max_pending,
            close_timeout=close_timeout,
        )
        self.inbox = SqliteInbox(db, fernet, self._write_lock, self._writer.queue_done, self.flush)

    @classmethod
    async def open(
        cls,
        path: Path,
        *,
        hash_secret: str,
        encryption_key: str,
        read_only: bool = False,
        busy_timeout_ms: int = 5000,
        batch_size: int = 500,
        max_pending: int = 100_000,
        close_timeout: float = 10.0,
    ) -> Store:
        """Opens (creating folder and file) and migrates the log; checks both secrets.

        `read_only` opens an existing file without creating or migrating it (the admin
        views); `log()` on such a store fails like any unwritable database.
        """
        keys = parse_secrets(hash_secret, encryption_key)
        path = Path(path)
        db = await connect(path, keys, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
        return cls(
            db,
            path,
            hash_secret=keys.hash_secret,
            fernet=keys.fernet(),
            batch_size=batch_size,
            max_pending=max_pending,
            close_timeout=close_timeout,
        )

    # --- the question log: writing -------------------------------------------------

    def log(self, record: QuestionRecord) -> None:
        """Queues a record for the background writer; never blocks, never raises.

        Call it from the event loop's thread. After `close()` the record is dropped.
        """
        self._writer.log(record)

    async def flush(self) -> None:
        """Waits until every record and state queued so far is written (or dropped,
        forgotten or replaced by a later state)."""
        await self._writer.flush()

    @property
    def health(self) -> LogHealth:
        """Counters of the background writer."""
        return self._writer.health

    async def close(self) -> None:
        """Writes what is queued (for up to `close_timeout` seconds), then closes the file."""
        if self._writer.closed:
            return
        await self._writer.close()
        await self._db.close()

    async def _rollback(self) -> None:
        # Suppressed: no transaction is open when BEGIN itself failed.
        with contextlib.suppress(sqlite3.Error):
            await self._db.execute("ROLLBACK")

    # --- chat state -------------------------------------------------------------------

    def chat_key(self, chat_id: int | str) -> str:
        """The pseudonymous key of a chat: HMAC-SHA256 with LOG_HASH_SECRET, 32 hex digits."""
        return chat_key(self._secret, chat_id)

    async def load_chat_state(self, chat_id: int | str) -> str | None:
        """The chat's saved state (a queued one first), or None; raises StoreError when
        reading the database fails."""
        key = self.chat_key(chat_id)
        queued = self._writer.queued_state(key)
        if queued is not None:
            return queued
        try:
            rows = await self._db.execute_fetchall(
                "SELECT state FROM chat_states WHERE chat_key = ?", (key,)
            )
        except sqlite3.Error as error:
            logger.error("question log: loading a chat state from %s failed: %s", self.path, error)
            raise StoreError(f"loading a chat state failed: {error}") from error
        rows = list(rows)
        if not rows:
            return None
        return self._queries.decrypt(rows[0][0])

    async def save_chat_state(self, chat_id: int | str, state: str) -> None:
        """Queues the chat's state for the background writer; never blocks, never raises.

        It replaces a state of the chat still queued, and `load_chat_state` returns it
        at once. Failures to write are handled like those of `log()`. After `close()`
        the state is dropped.
        """
        self._writer.save_state(chat_id, state)

    async def give_feedback(self, chat_id: int | str, key: str, verdict: str) -> str:
        """Stores a 👍/👎 on the chat's answer logged with `key`, once; returns what it did."""
        await self.flush()  # its answer's record may still be queued
        return await give_feedback(self._db, self._write_lock, self.chat_key(chat_id), key, verdict)

    # --- deletion ---------------------------------------------------------------------

    async def forget(self, chat_id: int | str) -> int:
        """Deletes the chat's records (queued ones too) and state; returns how many went."""
        key = self.chat_key(chat_id)
        async with self._write_lock:
            # Nothing is being written while we hold the lock, so queued records of this
            # chat can be taken out before they ever reach the file.
            removed, queued_state = self._writer.drop_chat(chat_id, key)
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                cursor = await self._db.execute("DELETE FROM questions WHERE chat_key = ?", (key,))
                records = cursor.rowcount
                cursor = await self._db.execute(
                    "DELETE FROM chat_states WHERE chat_key = ?", (key,)
                )
                states = cursor.rowcount
                await self._db.execute("COMMIT")
            except sqlite3.Error as error:
                await self._rollback()
                logger.error("question log: forgetting a chat in %s failed: %s", self.path, error)
                raise StoreError(f"deleting the records failed: {error}") from error
        self._writer.notify_progress()
        logger.info("question log: forgot a chat (%d records)", records + removed)
        return records + removed + max(states, int(queued_state))

    async def purge_older_than(self, days: int) -> int:
        """Deletes records (and chat states untouched) older than `days`; returns records."""
        cutoff = timestamp(datetime.now(UTC) - timedelta(days=days))
        async with self._write_lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                cursor = await self._db.execute(
                    "DELETE FROM questions WHERE asked_at < ?", (cutoff,)
                )
                deleted = cursor.rowcount
                await self._db.execute("DELETE FROM chat_states WHERE updated_at < ?", (cutoff,))
                await self._db.execute("COMMIT")
            except sqlite3.Error as error:
                await self._rollback()
                logger.error("question log: purging %s failed: %s", self.path, error)
                raise StoreError(f"deleting old records failed: {error}") from error
        return deleted

    # --- admin queries ----------------------------------------------------------------

    async def stats(self, days: int) -> LogStats:
        """Counts of the last `days` days: totals and by status, posting, topic, language."""
        return await self._queries.stats(days)

    async def unanswered(
        self, days: int, low_score: float = LOW_SCORE
    ) -> tuple[UnansweredGroup, ...]:
        """Unanswered or low-scoring typed questions of the last `days` days, grouped."""
        return await self._queries.unanswered(days, low_score)

    async def unanswered_grouping(
        self, days: int, low_score: float = LOW_SCORE
    ) -> UnansweredGrouping:
        """`unanswered` with what its bounds left out (bot.questionlog.grouping)."""
        return await self._queries.unanswered_grouping(days, low_score)

    async def recent(self, n: int) -> tuple[LoggedQuestion, ...]:
        """The `n` latest records, newest first."""
        return await self._queries.recent(n)

    async def export_rows(self, days: int | None = None) -> tuple[LoggedQuestion, ...]:
        """Every record (of the last `days` days if given), oldest first."""
        return await self._queries.export_rows(days)

    async def digest_figures(self, window: DigestWindow) -> DigestFigures:
        """What a daily digest reports (bot.questionlog.digest)."""
        return await self._queries.digest_figures(window)
