"""The SQLite log's write side: the write-behind queue and its one background writer.

`log()` and `save_chat_state()` append to in-memory queues and return at once (a few
microseconds); they never wait for the database and never raise. One background task
hashes and encrypts what has queued up (in small steps, so the event loop never pauses
for long) and writes records, chat states and the inbox's done marks together in one
transaction per batch. `flush()` waits for everything queued before it.

Policy on failure: when a write fails (locked, read-only or full database, I/O error)
the error is logged with the path and SQLite's message (never a question, a state or a
chat id) and the records and states are kept and retried with a growing delay (0.5 s
doubling up to 30 s). Only when more than `max_pending` records wait after a failed
write are the oldest records dropped, counted in `health.dropped` and logged (queued
states are never trimmed: there is at most one per chat). `close()` writes what is
queued, for up to `close_timeout` seconds, and counts as dropped what it could not
write. The loss a crash can cause is what was queued and not yet committed (a batch's
time); what was committed survives a killed process (WAL, synchronous=NORMAL).

Chat states: a saved state waits in the queue, one per chat: a later save replaces a
queued one, so the latest state wins, and `queued_state` returns it before the
database's (read-your-writes).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sqlite3
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import aiosqlite
from cryptography.fernet import Fernet

from bot.questionlog.inbox import mark_done
from bot.questionlog.queries import timestamp
from bot.questionlog.records import LogHealth, QuestionRecord
from bot.questionlog.rows import INSERT_RECORD, UPSERT_STATE, encode_in_chunks, record_row

logger = logging.getLogger(__name__)

_RETRY_FIRST = 0.5
_RETRY_MAX = 30.0
_RETRY_WHILE_CLOSING = 0.2
_CHAT_KEYS_CACHED = 4096  # chats whose keyed hash the writer keeps (a few KB)


class _Pending(NamedTuple):
    seq: int
    record: QuestionRecord
    asked_at: datetime


class _PendingState(NamedTuple):
    seq: int
    chat_key: str
    state: str
    saved_at: datetime


class LogWriter:
    """The queues of one open SQLite log and the task that writes them.

    `lock` is the store's write lock: whoever holds it (a batch, /forget, the purge,
    a rating) has the database to itself. `chat_key` hashes a raw chat id.
    """

    def __init__(
        self,
        db: aiosqlite.Connection,
        path: Path,
        *,
        fernet: Fernet,
        chat_key: Callable[[int | str], str],
        lock: asyncio.Lock,
        batch_size: int,
        max_pending: int,
        close_timeout: float,
    ) -> None:
        self._db = db
        self._path = path
        self._fernet = fernet
        self._chat_key = chat_key
        self._lock = lock
        self._chat_keys: dict[str, str] = {}
        self._batch_size = batch_size
        self._max_pending = max_pending
        self._close_timeout = close_timeout
        self._pending: deque[_Pending] = deque()
        # Keyed by chat key, in the order of `seq` (a save moves its chat to the end).
        self._states: dict[str, _PendingState] = {}
        self._done: deque[tuple[int, int]] = deque()  # (seq, update id) of handled updates
        self._next_seq = 1
        self._wakeup = asyncio.Event()
        self._closing = asyncio.Event()
        self._progress = asyncio.Event()
        self.closed = False
        self._written = 0
        self._dropped = 0
        self._write_errors = 0
        self._last_error: str | None = None
        self._task = asyncio.create_task(self._write_loop(), name=f"question-log {path}")

    # --- queueing ---------------------------------------------------------------------

    def log(self, record: QuestionRecord) -> None:
        """Queues a record; never blocks, never raises. After `close()` it is dropped."""
        try:
            if self.closed:
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

    def save_state(self, chat_id: int | str, state: str) -> None:
        """Queues the chat's state, replacing one still queued; never blocks, never raises."""
        try:
            if self.closed:
                self._dropped += 1
                logger.warning("question log: a chat state arrived after close and was dropped")
                return
            key = self._chat_key(chat_id)
            self._states.pop(key, None)  # re-inserted at the end, keeping `seq` order
            self._states[key] = _PendingState(self._next_seq, key, state, datetime.now(UTC))
            self._next_seq += 1
            self._wakeup.set()
        except Exception:
            self._dropped += 1
            logger.exception("question log: could not queue a chat state; it was dropped")

    def queued_state(self, key: str) -> str | None:
        """The state of the chat with this key still waiting to be written, or None."""
        queued = self._states.get(key)
        return None if queued is None else queued.state

    def queue_done(self, update_id: int) -> None:
        """Queues the inbox's done mark of an update that made no record."""
        # After close the mark is lost and the update handled again at the next start.
        if not self.closed:
            self._done.append((self._next_seq, update_id))
            self._next_seq += 1
            self._wakeup.set()

    def drop_chat(self, chat_id: int | str, key: str) -> tuple[int, bool]:
        """Takes the chat's queued records and state out; call it holding the lock.
        Returns how many records went and whether a state did."""
        kept = deque(item for item in self._pending if str(item.record.chat_id) != str(chat_id))
        removed = len(self._pending) - len(kept)
        self._pending = kept
        self._chat_keys.pop(str(chat_id), None)
        return removed, self._states.pop(key, None) is not None

    async def flush(self) -> None:
        """Waits until every record and state queued so far is written (or dropped,
        forgotten or replaced by a later state)."""
        target = self._next_seq - 1
        while self._oldest_queued() <= target:
            await self._progress.wait()

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

    def notify_progress(self) -> None:
        """Wakes every `flush()` waiting, so it checks the queues again."""
        done, self._progress = self._progress, asyncio.Event()
        done.set()

    # --- closing ----------------------------------------------------------------------

    async def close(self) -> None:
        """Writes what is queued (for up to `close_timeout` seconds); the rest is lost."""
        if self.closed:
            return
        self.closed = True
        self._closing.set()
        self._wakeup.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), self._close_timeout)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        except Exception:
            logger.exception("question log: the writer of %s stopped with an error", self._path)
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
                self._path,
                self._last_error,
            )
        self.notify_progress()

    # --- writing ----------------------------------------------------------------------

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
                    self._path,
                    self._last_error,
                    delay,
                )
                await self._pause(delay)

    async def _write_batch(self) -> None:
        async with self._lock:
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
                # Suppressed: no transaction is open when BEGIN itself failed.
                with contextlib.suppress(sqlite3.Error):
                    await self._db.execute("ROLLBACK")
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
        self.notify_progress()

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
            item.record, item.asked_at, self._key_of(item.record.chat_id), self._fernet
        )

    def _key_of(self, chat_id: int | str) -> str:
        """The chat's keyed hash, remembered: the same chats write again and again, and
        the HMAC is a fair share of a row's cost."""
        name = str(chat_id)
        key = self._chat_keys.get(name)
        if key is None:
            if len(self._chat_keys) >= _CHAT_KEYS_CACHED:
                self._chat_keys.clear()
            key = self._chat_keys[name] = self._chat_key(chat_id)
        return key

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
            self.notify_progress()

    async def _pause(self, seconds: float) -> None:
        if self._closing.is_set():
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)
