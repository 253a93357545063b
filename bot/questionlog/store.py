"""The SQLite question log: the write-behind queue, chat states and deletion.

Opening and the admin queries are delegated: `opening` connects, checks the secrets (`keys`) and
migrates (`migrations`); `queries` reads. Callers use it through `interface.QuestionLog`.

What is stored
    `questions`: one row per question or button press: time (UTC), channel, a pseudonymous chat
    key, language, kind, the question text, status, posting, topic, score, suggestion labels,
    latency, knowledge version, rating key and 👍/👎 given. `chat_states`: each chat's
    serialised conversation state (opaque here). `meta`: fingerprints of the two secrets.
    `schema_migrations`: the migrations applied, by name and checksum. `inbox`: updates not yet
    handled (`inbox.py`). `dismissed_wordings`: inbox groups admins dismissed (`dismissals.py`).

Privacy
    A chat is stored as HMAC-SHA256(LOG_HASH_SECRET, chat id), never its id or a name (a staff
    hand-off keeps it, encrypted, until it ends). Question texts and chat states (which can hold a
    pending question) are Fernet tokens made with LOG_ENCRYPTION_KEY, which lives in the
    configuration, never next to the data. `secure_delete` is on, so deleted rows are overwritten in
    the file. An HMAC of a constant under each secret is kept in `meta`; `open()` compares it and
    refuses a different key or secret before reading or writing anything else.

Writing
    `log()` and `save_chat_state()` append to in-memory queues and return at once (a few
    microseconds); they never wait for the database and never raise. One background task hashes and
    encrypts what has queued up (in small steps, so the event loop never pauses for long) and writes
    records and chat states together in one transaction per batch. `flush()` waits for everything
    queued before it; `forget()` also removes a chat's records and state that are still queued.
    Policy on failure: when a write fails (locked, read-only or full database, I/O error) the error
    is logged with the path and SQLite's message (never a question, a state or a chat id) and the
    records and states are kept and retried with a growing delay (0.5 s doubling up to 30 s). Only
    when more than `max_pending` records wait after a failed write are the oldest records dropped,
    counted in `health.dropped` and logged (queued states are never trimmed: there is at most one
    per chat). `close()` writes what is queued, for up to `close_timeout` seconds, and counts as
    dropped what it could not write. The loss a crash can cause is what was queued and not yet
    committed (a batch's time); what was committed survives a killed process (WAL,
    synchronous=NORMAL).

Chat states
    A saved state waits in the queue, one per chat: a later save replaces a queued one, so the
    latest state wins. `load_chat_state` returns a queued state before the database's
    (read-your-writes), so a reply never waits behind a batch of the question log. Reading a
    state that fails raises StoreError (logged); the caller goes on with a fresh state.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sqlite3
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import aiosqlite
from cryptography.fernet import Fernet

from bot.questionlog.digest import DigestFigures, DigestWindow
from bot.questionlog.digest_queries import DigestQueries
from bot.questionlog.dismissals import SqliteDismissals
from bot.questionlog.feedback import give_feedback
from bot.questionlog.handoffs import HandoffLog, SqliteHandoffs
from bot.questionlog.inbox import SqliteInbox, mark_done
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
from bot.questionlog.rows import INSERT_RECORD, UPSERT_STATE, encode_in_chunks, record_row

logger = logging.getLogger(__name__)

_RETRY_FIRST = 0.5
_RETRY_MAX = 30.0
_RETRY_WHILE_CLOSING = 0.2


class _Pending(NamedTuple):
    seq: int
    record: QuestionRecord
    asked_at: datetime


class _PendingState(NamedTuple):
    seq: int
    chat_key: str
    state: str
    saved_at: datetime


class Store(SqliteDismissals, HandoffLog):
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
        self._fernet = fernet
        self._batch_size = batch_size
        self._max_pending = max_pending
        self._close_timeout = close_timeout
        self._pending: deque[_Pending] = deque()
        # Keyed by chat key, in the order of `seq` (a save moves its chat to the end).
        self._states: dict[str, _PendingState] = {}
        self._done: deque[tuple[int, int]] = deque()  # (seq, update id) of handled updates
        self._next_seq = 1
        self._write_lock = asyncio.Lock()
        self._wakeup = asyncio.Event()
        self._closing = asyncio.Event()
        self._progress = asyncio.Event()
        self._closed = False
        self._written = 0
        self._dropped = 0
        self._write_errors = 0
        self._last_error: str | None = None
        self._queries = DigestQueries(db, path, fernet, hash_secret)
        self._handoffs = SqliteHandoffs(db, self._write_lock, fernet, self._queries.decrypt)
        self.inbox = SqliteInbox(db, fernet, self._write_lock, self._queue_done, self.flush)
        self._writer = asyncio.create_task(self._write_loop(), name=f"question-log {path}")

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
        try:
            if self._closed:
                self._dropped += 1
                logger.warning("question log: a record arrived after close and was dropped")
                return
            asked_at = record.asked_at or datetime.now(UTC)
            self._pending.append(_Pending(self._next_seq, record, asked_at))
            self._next_seq += 1
            self._wakeup.set()
        except Exception:
            self._dropped += 1
            logger.exception("question log: could not queue a record; it was dropped")

    async def flush(self) -> None:
        """Waits until every record and state queued so far is written (or dropped,
        forgotten or replaced by a later state)."""
        target = self._next_seq - 1
        while self._oldest_queued() <= target:
            await self._progress.wait()

    def _queue_done(self, update_id: int) -> None:
        # After close the mark is lost and the update handled again at the next start.
        if not self._closed:
            self._done.append((self._next_seq, update_id))
            self._next_seq += 1
            self._wakeup.set()

    def _oldest_queued(self) -> float:
        oldest = self._pending[0].seq if self._pending else float("inf")
        if self._done:
            oldest = min(oldest, self._done[0][0])
        if self._states:
            oldest = min(oldest, next(iter(self._states.values())).seq)
        return oldest

    @property
    def health(self) -> LogHealth:
        """Counters of the background writer."""
        return LogHealth(
            written=self._written,
            pending=len(self._pending),
            pending_states=len(self._states),
            dropped=self._dropped,
            write_errors=self._write_errors,
            last_error=self._last_error,
        )

    async def close(self) -> None:
        """Writes what is queued (for up to `close_timeout` seconds), then closes the file."""
        if self._closed:
            return
        self._closed = True
        self._closing.set()
        self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._writer), self._close_timeout)
        except TimeoutError:
            self._writer.cancel()
            await asyncio.gather(self._writer, return_exceptions=True)
        except Exception:
            logger.exception("question log: the writer of %s stopped with an error", self.path)
        self._done.clear()  # unwritten done marks: those updates are handled again at start
        lost, lost_states = len(self._pending), len(self._states)
        if lost or lost_states:
            self._dropped += lost + lost_states
            self._pending.clear()
            self._states.clear()
            logger.error(
                "question log: %d record(s) and %d chat state(s) could not be written to "
                "%s before closing and are lost (last error: %s)",
                lost,
                lost_states,
                self.path,
                self._last_error,
            )
        self._notify_progress()
        await self._db.close()

    async def _write_loop(self) -> None:
        failures = 0
        while True:
            if not self._pending and not self._states and not self._done:
                if self._closing.is_set():
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            try:
                await self._write_batch()
                failures = 0
            except Exception as error:  # the writer must outlive any database error
                failures += 1
                self._write_errors += 1
                self._last_error = f"{type(error).__name__}: {error}"
                self._trim_pending()
                delay = min(_RETRY_MAX, _RETRY_FIRST * 2 ** (failures - 1))
                if self._closing.is_set():
                    delay = _RETRY_WHILE_CLOSING
                logger.error(
                    "question log: writing %d record(s) and %d chat state(s) to %s failed "
                    "(%s); keeping them and retrying in %.1f s",
                    len(self._pending),
                    len(self._states),
                    self.path,
                    self._last_error,
                    delay,
                )
                await self._pause(delay)

    async def _write_batch(self) -> None:
        async with self._write_lock:
            batch = list(itertools.islice(self._pending, self._batch_size))
            states = list(itertools.islice(self._states.values(), self._batch_size))
            rows, bad = await encode_in_chunks(batch, self._record_row)
            state_rows, bad_states = await encode_in_chunks(states, self._state_row)
            if bad or bad_states:
                self._dropped += len(bad) + len(bad_states)
                logger.error(
                    "question log: dropped %d malformed record(s) and %d chat state(s)",
                    len(bad),
                    len(bad_states),
                )
            done, done_before = self._done_with(batch)
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                if rows:
                    await self._db.executemany(INSERT_RECORD, rows)
                if state_rows:
                    await self._db.executemany(UPSERT_STATE, state_rows)
                if done:
                    await mark_done(self._db, done)
                await self._db.execute("COMMIT")
            except Exception:
                await self._rollback()
                raise
            if batch:
                last = batch[-1].seq
                while self._pending and self._pending[0].seq <= last:
                    self._pending.popleft()
            while self._done and self._done[0][0] < done_before:
                self._done.popleft()
            for item in states:
                # A state saved while the batch was written replaced this one: keep it.
                if self._states.get(item.chat_key) is item:
                    del self._states[item.chat_key]
            self._written += len(rows)
        self._notify_progress()

    def _done_with(self, batch: list[_Pending]) -> tuple[list[int], float]:
        """The updates this batch marks done: those of its records, and the done marks
        queued before the first record it leaves out (a mark never precedes its record)."""
        left_out = self._pending[len(batch)].seq if len(self._pending) > len(batch) else None
        before = float("inf") if left_out is None else left_out
        done = [update_id for seq, update_id in self._done if seq < before]
        done += [item.record.update_id for item in batch if item.record.update_id is not None]
        return done, before

    def _record_row(self, item: _Pending) -> tuple[Any, ...]:
        return record_row(
            item.record, item.asked_at, self.chat_key(item.record.chat_id), self._fernet
        )

    def _state_row(self, item: _PendingState) -> tuple[Any, ...]:
        token = self._fernet.encrypt(item.state.encode("utf-8"))
        return (item.chat_key, token, timestamp(item.saved_at))

    def _trim_pending(self) -> None:
        excess = len(self._pending) - self._max_pending
        if excess > 0:
            for _ in range(excess):
                self._pending.popleft()
            self._dropped += excess
            logger.error(
                "question log: more than %d records waiting; dropped the %d oldest",
                self._max_pending,
                excess,
            )
            self._notify_progress()

    async def _pause(self, seconds: float) -> None:
        if self._closing.is_set():
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    def _notify_progress(self) -> None:
        done, self._progress = self._progress, asyncio.Event()
        done.set()

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
        queued = self._states.get(key)
        if queued is not None:
            return queued.state
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
        try:
            if self._closed:
                self._dropped += 1
                logger.warning("question log: a chat state arrived after close and was dropped")
                return
            key = self.chat_key(chat_id)
            self._states.pop(key, None)  # re-inserted at the end, keeping `seq` order
            self._states[key] = _PendingState(self._next_seq, key, state, datetime.now(UTC))
            self._next_seq += 1
            self._wakeup.set()
        except Exception:
            self._dropped += 1
            logger.exception("question log: could not queue a chat state; it was dropped")

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
            kept = deque(item for item in self._pending if str(item.record.chat_id) != str(chat_id))
            removed = len(self._pending) - len(kept)
            self._pending = kept
            queued_state = self._states.pop(key, None) is not None
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
        self._notify_progress()
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
