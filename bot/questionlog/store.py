"""The question log and the chat states in SQLite; the only module that imports aiosqlite.

What is stored
    `questions`: one row per question or button press: time (UTC), channel, a
    pseudonymous chat key, language, kind, the question text, status, posting, topic,
    score, suggestion labels, latency and knowledge version. `chat_states`: the
    conversation state of each chat. `meta`: fingerprints of the two secrets.

Privacy
    A chat is stored as HMAC-SHA256(LOG_HASH_SECRET, chat id), never its id or a name.
    Question texts and chat states (which can hold a pending question) are Fernet
    tokens made with LOG_ENCRYPTION_KEY, which lives in the configuration, never next
    to the data. `secure_delete` is on, so deleted rows are overwritten in the file.
    An HMAC of a constant under each secret is kept in `meta`; `open()` compares it and
    refuses a different key or secret before reading or writing anything else.

Writing
    `log()` and `save_chat_state()` append to in-memory queues and return at once
    (a few microseconds); they never wait for the database and never raise. One
    background task hashes and encrypts what has queued up (in small steps, so the
    event loop never pauses for long) and writes records and chat states together in
    one transaction per batch. `flush()` waits for everything queued before it;
    `forget()` also removes a chat's records and state that are still queued. Policy
    on failure: when a write fails (locked, read-only or full database, I/O error)
    the error is logged with the path and SQLite's message (never a question, a state
    or a chat id) and the records and states are kept and retried with a growing
    delay (0.5 s doubling up to 30 s). Only when more than `max_pending` records wait
    after a failed write are the oldest records dropped, counted in `health.dropped`
    and logged (queued states are never trimmed: there is at most one per chat).
    `close()` writes what is queued, for up to `close_timeout` seconds, and counts as
    dropped what it could not write. The loss a crash can cause is what was queued
    and not yet committed (a batch's time); what was committed survives a killed
    process (WAL, synchronous=NORMAL).

Chat states
    A saved state waits in the queue, one per chat: a later save replaces a queued
    one, so the latest state wins. `load_chat_state` returns a queued state before
    the database's (read-your-writes), so a reply never waits behind a batch of the
    question log. `load_chat_state` raises StoreError (after logging it) when reading
    the database fails; the caller catches it and goes on with a fresh state.

Schema
    `MIGRATIONS` is the ordered list of named migrations; `PRAGMA user_version` is the
    number applied. Each runs in its own transaction, so a failing one leaves the
    database at the previous version. The file runs in WAL mode with a busy timeout.

Errors::

    StoreError               the store cannot do what was asked; one clear line
    ├── MissingSecretError   LOG_ENCRYPTION_KEY / LOG_HASH_SECRET not set or malformed
    ├── WrongKeyError        a key or secret differs from the one the log was written with
    └── MigrationError       a migration failed and was rolled back
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import re
import secrets
import sqlite3
import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

import aiosqlite
from cryptography.fernet import Fernet, InvalidToken
from pydantic import SecretStr
from rapidfuzz import fuzz, process

from bot.config import Settings
from bot.engine.answers import Reply
from bot.engine.state import ChatState
from bot.private_files import ensure_private_database

logger = logging.getLogger(__name__)

_Item = TypeVar("_Item")

UNANSWERED_STATUSES = ("fallback", "not_stated", "clarify")
LOW_SCORE = 75.0
"""Answers scoring below this (0-100) count as unanswered in the admin views."""
SIMILAR_WORDING = 85.0
"""rapidfuzz token_sort_ratio from which two normalised questions share a group."""
MIN_SECRET_LENGTH = 16

_KEY_CHECK = b"jpo-bot/question-log/encryption-key-check/v1"
_SECRET_CHECK = b"jpo-bot/question-log/hash-secret-check/v1"
_WRONG_KEY = "the LOG_ENCRYPTION_KEY does not match the key the log was written with"
_WRONG_SECRET = (
    "the LOG_HASH_SECRET does not match the secret the log was written with "
    "(chat keys would change and /forget could not find earlier records)"
)
_RETRY_FIRST = 0.5
_RETRY_MAX = 30.0
_RETRY_WHILE_CLOSING = 0.2
_ROWS_PER_STEP = 32


class StoreError(Exception):
    """The store cannot do what was asked; the message is one line for a person."""


class MissingSecretError(StoreError):
    """LOG_ENCRYPTION_KEY or LOG_HASH_SECRET is not set or malformed."""


class WrongKeyError(StoreError):
    """A key or secret differs from the one the log was written with; nothing was changed."""


class MigrationError(StoreError):
    """A migration failed; its transaction was rolled back."""


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One question or button press, as the channel hands it to `Store.log`."""

    channel: str  # "telegram" | "terminal" | "cli"
    chat_id: int | str  # raw id; the store keeps only its keyed hash
    lang: str
    question: str  # the user's text, or for a button press the button label
    kind: str  # "question" | "button"
    status: str  # answered | not_stated | clarify | fallback
    posting: str | None
    topic: str | None
    score: float
    suggestions: tuple[str, ...]  # labels shown
    latency_ms: float
    knowledge_version: str
    asked_at: datetime | None = None  # None: now (UTC)

    @classmethod
    def of_reply(
        cls,
        reply: Reply,
        *,
        channel: str,
        chat_id: int | str,
        lang: str,
        question: str,
        kind: str,
        latency_ms: float,
        knowledge_version: str,
    ) -> QuestionRecord:
        """The record of one reply: its status, posting, topic, score and suggestions."""
        return cls(
            channel=channel,
            chat_id=chat_id,
            lang=lang,
            question=question,
            kind=kind,
            status=reply.status,
            posting=reply.posting,
            topic=reply.topic,
            score=reply.score,
            suggestions=tuple(s.label for s in reply.suggestions),
            latency_ms=latency_ms,
            knowledge_version=knowledge_version,
        )


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """A stored record, decrypted, as the admin views read it."""

    id: int
    asked_at: datetime
    channel: str
    chat_key: str
    lang: str
    kind: str
    question: str
    status: str
    posting: str | None
    topic: str | None
    score: float
    suggestions: tuple[str, ...]
    latency_ms: float
    knowledge_version: str


@dataclass(frozen=True, slots=True)
class Count:
    """How many records share one value (None: no posting, no topic)."""

    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class LogStats:
    """The log's figures over the last `days` days; every breakdown counts all records."""

    days: int
    since: datetime
    total: int
    questions: int
    button_presses: int
    answered: int
    avg_latency_ms: float
    by_status: tuple[Count, ...]
    by_posting: tuple[Count, ...]
    by_topic: tuple[Count, ...]
    by_lang: tuple[Count, ...]

    @property
    def answered_share(self) -> float:
        """Answered records as a share of all records (0.0 for an empty log)."""
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Typed questions the bot could not answer well, grouped by similar wording."""

    count: int
    example: str
    wordings: tuple[str, ...]  # distinct wordings, most frequent first (at most 5)
    statuses: tuple[Count, ...]
    likely_posting: str | None
    likely_topic: str | None
    last_asked: datetime


@dataclass(frozen=True, slots=True)
class LogHealth:
    """What the background writer has done since the store was opened."""

    written: int  # records
    pending: int  # records
    pending_states: int
    dropped: int  # records and states
    write_errors: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Migration:
    """One named schema step; its statements run in one transaction."""

    name: str
    statements: tuple[str, ...]


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
)

_INSERT = """INSERT INTO questions (asked_at, channel, chat_key, lang, kind, question, status,
    posting, topic, score, suggestions, latency_ms, knowledge_version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_UPSERT_STATE = """INSERT INTO chat_states (chat_key, state, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (chat_key) DO UPDATE SET
        state = excluded.state, updated_at = excluded.updated_at"""
_COLUMNS = """id, asked_at, channel, chat_key, lang, kind, question, status, posting, topic,
    score, suggestions, latency_ms, knowledge_version"""


class _Pending(NamedTuple):
    seq: int
    record: QuestionRecord
    asked_at: datetime


class _PendingState(NamedTuple):
    seq: int
    chat_key: str
    state: ChatState
    saved_at: datetime


class Store:
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
        secret = _hash_secret(hash_secret)
        key = _encryption_key(encryption_key)
        fernet = Fernet(base64.urlsafe_b64encode(key))
        path = Path(path)
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
            fingerprints = _fingerprints(secret, key)
            await _prepare(db, path, fingerprints, read_only=read_only, busy_ms=busy_timeout_ms)
        except sqlite3.Error as error:
            await db.close()
            raise StoreError(f"cannot open the question log {path}: {error}") from error
        except BaseException:
            await db.close()
            raise
        return cls(
            db,
            path,
            hash_secret=secret,
            fernet=fernet,
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

    def _oldest_queued(self) -> float:
        oldest = self._pending[0].seq if self._pending else float("inf")
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
            if not self._pending and not self._states:
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
            rows, bad = await _encode(batch, lambda item: self._row(item.record, item.asked_at))
            state_rows, bad_states = await _encode(states, self._state_row)
            if bad or bad_states:
                self._dropped += len(bad) + len(bad_states)
                logger.error(
                    "question log: dropped %d malformed record(s) and %d chat state(s)",
                    len(bad),
                    len(bad_states),
                )
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                if rows:
                    await self._db.executemany(_INSERT, rows)
                if state_rows:
                    await self._db.executemany(_UPSERT_STATE, state_rows)
                await self._db.execute("COMMIT")
            except Exception:
                await self._rollback()
                raise
            if batch:
                last = batch[-1].seq
                while self._pending and self._pending[0].seq <= last:
                    self._pending.popleft()
            for item in states:
                # A state saved while the batch was written replaced this one: keep it.
                if self._states.get(item.chat_key) is item:
                    del self._states[item.chat_key]
            self._written += len(rows)
        self._notify_progress()

    def _state_row(self, item: _PendingState) -> tuple[Any, ...]:
        token = self._fernet.encrypt(item.state.to_json().encode("utf-8"))
        return (item.chat_key, token, _timestamp(item.saved_at))

    def _row(self, record: QuestionRecord, asked_at: datetime) -> tuple[Any, ...]:
        return (
            _timestamp(asked_at),
            str(record.channel),
            self.chat_key(record.chat_id),
            str(record.lang),
            str(record.kind),
            self._fernet.encrypt(str(record.question).encode("utf-8")),
            str(record.status),
            None if record.posting is None else str(record.posting),
            None if record.topic is None else str(record.topic),
            float(record.score),
            json.dumps([str(label) for label in record.suggestions], ensure_ascii=False),
            float(record.latency_ms),
            str(record.knowledge_version),
        )

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
        digest = hmac.new(self._secret, str(chat_id).encode("utf-8"), hashlib.sha256)
        return digest.hexdigest()[:32]

    async def load_chat_state(self, chat_id: int | str) -> ChatState | None:
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
        return ChatState.from_json(self._decrypt(rows[0][0]))

    async def save_chat_state(self, chat_id: int | str, state: ChatState) -> None:
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
        cutoff = _timestamp(datetime.now(UTC) - timedelta(days=days))
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
        since = datetime.now(UTC) - timedelta(days=days)
        cutoff = (_timestamp(since),)
        totals = await self._fetch(
            """SELECT count(*), coalesce(sum(kind = 'question'), 0),
                coalesce(sum(kind = 'button'), 0), coalesce(sum(status = 'answered'), 0),
                coalesce(avg(latency_ms), 0.0)
            FROM questions WHERE asked_at >= ?""",
            cutoff,
        )
        total, questions, buttons, answered, latency = totals[0]

        async def by(column: str) -> tuple[Count, ...]:
            rows = await self._fetch(
                f"""SELECT {column}, count(*) FROM questions WHERE asked_at >= ?
                GROUP BY {column} ORDER BY count(*) DESC, {column}""",
                cutoff,
            )
            return tuple(Count(key, count) for key, count in rows)

        return LogStats(
            days=days,
            since=since,
            total=total,
            questions=questions,
            button_presses=buttons,
            answered=answered,
            avg_latency_ms=float(latency),
            by_status=await by("status"),
            by_posting=await by("posting"),
            by_topic=await by("topic"),
            by_lang=await by("lang"),
        )

    async def unanswered(
        self, days: int, low_score: float = LOW_SCORE
    ) -> tuple[UnansweredGroup, ...]:
        """Typed questions of the last `days` days that got a fallback, not_stated or
        clarify reply or an answer scoring below `low_score`, grouped by similar wording,
        largest group first."""
        since = _timestamp(datetime.now(UTC) - timedelta(days=days))
        rows = await self._fetch(
            f"""SELECT {_COLUMNS} FROM questions
            WHERE asked_at >= ? AND kind = 'question'
              AND (status != 'answered' OR score < ?)
            ORDER BY asked_at, id""",
            (since, float(low_score)),
        )
        records = await asyncio.to_thread(self._decode_all, rows)
        return group_unanswered(records)

    async def recent(self, n: int) -> tuple[LoggedQuestion, ...]:
        """The `n` latest records, newest first."""
        rows = await self._fetch(
            f"SELECT {_COLUMNS} FROM questions ORDER BY asked_at DESC, id DESC LIMIT ?", (n,)
        )
        return await asyncio.to_thread(self._decode_all, rows)

    async def export_rows(self, days: int | None = None) -> tuple[LoggedQuestion, ...]:
        """Every record (of the last `days` days if given), oldest first."""
        if days is None:
            rows = await self._fetch(f"SELECT {_COLUMNS} FROM questions ORDER BY asked_at, id")
        else:
            since = _timestamp(datetime.now(UTC) - timedelta(days=days))
            rows = await self._fetch(
                f"SELECT {_COLUMNS} FROM questions WHERE asked_at >= ? ORDER BY asked_at, id",
                (since,),
            )
        return await asyncio.to_thread(self._decode_all, rows)

    async def _fetch(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        try:
            return list(await self._db.execute_fetchall(sql, parameters))
        except sqlite3.Error as error:
            logger.error("question log: reading %s failed: %s", self.path, error)
            raise StoreError(f"reading the question log {self.path} failed: {error}") from error

    def _decode_all(self, rows: Iterable[Sequence[Any]]) -> tuple[LoggedQuestion, ...]:
        return tuple(self._decode(row) for row in rows)

    def _decode(self, row: Sequence[Any]) -> LoggedQuestion:
        return LoggedQuestion(
            id=row[0],
            asked_at=datetime.fromisoformat(row[1]).replace(tzinfo=UTC),
            channel=row[2],
            chat_key=row[3],
            lang=row[4],
            kind=row[5],
            question=self._decrypt(row[6]),
            status=row[7],
            posting=row[8],
            topic=row[9],
            score=row[10],
            suggestions=tuple(json.loads(row[11])),
            latency_ms=row[12],
            knowledge_version=row[13],
        )

    def _decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise WrongKeyError(_WRONG_KEY) from None


async def _encode(
    items: Sequence[_Item], encode: Callable[[_Item], tuple[Any, ...]]
) -> tuple[list[tuple[Any, ...]], list[_Item]]:
    """Encodes (hashes, encrypts) items on the loop, yielding between small chunks;
    returns the rows and the items that could not be encoded.

    A worker thread would hold the GIL for up to its 5 ms switch interval and delay
    replies; chunks of `_ROWS_PER_STEP` keep each pause of the loop well under 1 ms.
    """
    rows: list[tuple[Any, ...]] = []
    bad: list[_Item] = []
    for start in range(0, len(items), _ROWS_PER_STEP):
        for item in items[start : start + _ROWS_PER_STEP]:
            try:
                rows.append(encode(item))
            except Exception:
                bad.append(item)
        await asyncio.sleep(0)
    return rows, bad


# --- opening and migrating ------------------------------------------------------------


async def _prepare(
    db: aiosqlite.Connection,
    path: Path,
    fingerprints: dict[str, str],
    *,
    read_only: bool,
    busy_ms: int,
) -> None:
    """Sets the pragmas, checks the secrets, migrates: in that order, so a wrong key
    stops the opening before anything is written."""
    await db.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    await db.execute("PRAGMA secure_delete = ON")
    version = await user_version(db)
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the question log {path} has schema version {version}, newer than this "
            f"program knows ({len(MIGRATIONS)}): update jpo-bot"
        )
    if version >= 1:
        await _check_fingerprints(db, fingerprints)
    if read_only:
        if version < len(MIGRATIONS):
            raise StoreError(
                f"the question log {path} has schema version {version}, this program "
                f"needs {len(MIGRATIONS)}: start the bot once to migrate it"
            )
        return
    rows = await db.execute_fetchall("PRAGMA journal_mode = WAL")
    if next(iter(rows))[0] != "wal":
        logger.warning("question log: %s could not switch to WAL mode", path)
    await db.execute("PRAGMA synchronous = NORMAL")
    await apply_migrations(db, MIGRATIONS)
    await db.executemany(
        "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", fingerprints.items()
    )
    await _check_fingerprints(db, fingerprints)


async def user_version(db: aiosqlite.Connection) -> int:
    """The number of migrations applied to the database."""
    rows = await db.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def apply_migrations(db: aiosqlite.Connection, migrations: Sequence[Migration]) -> int:
    """Applies the migrations the database lacks, one transaction each; returns the version.

    `db` must be in autocommit mode (isolation_level=None). A failing migration is
    rolled back and raises MigrationError; the ones before it stay applied.
    """
    current = await user_version(db)
    for number, migration in enumerate(migrations, start=1):
        if number <= current:
            continue
        try:
            await db.execute("BEGIN IMMEDIATE")
            for statement in migration.statements:
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {number}")
            await db.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
            raise MigrationError(
                f"migration {number} ({migration.name}) failed and was rolled back: {error}; "
                f"the question log stays at version {number - 1}"
            ) from error
        logger.info("question log: applied migration %d (%s)", number, migration.name)
        current = number
    return current


def _fingerprints(secret: bytes, key: bytes) -> dict[str, str]:
    """HMACs of constants under each secret: they tell secrets apart and reveal neither."""
    return {
        "encryption_key_fingerprint": hmac.new(key, _KEY_CHECK, hashlib.sha256).hexdigest(),
        "hash_secret_fingerprint": hmac.new(secret, _SECRET_CHECK, hashlib.sha256).hexdigest(),
    }


async def _check_fingerprints(db: aiosqlite.Connection, expected: dict[str, str]) -> None:
    try:
        rows = dict(await db.execute_fetchall("SELECT key, value FROM meta"))
    except sqlite3.OperationalError:
        return  # a version-0 file has no meta table yet
    for name, message in (
        ("encryption_key_fingerprint", _WRONG_KEY),
        ("hash_secret_fingerprint", _WRONG_SECRET),
    ):
        stored = rows.get(name)
        if stored is not None and not hmac.compare_digest(stored, expected[name]):
            raise WrongKeyError(message)


def _hash_secret(value: str | None) -> bytes:
    if not value:
        raise MissingSecretError(
            "LOG_HASH_SECRET is not set: the question log needs it to pseudonymise chats "
            "(create one with `jpo-bot keygen`)"
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise MissingSecretError(
            f"LOG_HASH_SECRET is too short (at least {MIN_SECRET_LENGTH} characters; "
            "create one with `jpo-bot keygen`)"
        )
    return value.encode("utf-8")


def _encryption_key(value: str | None) -> bytes:
    """The 32 bytes of a Fernet key, or MissingSecretError naming the variable."""
    if not value:
        raise MissingSecretError(
            "LOG_ENCRYPTION_KEY is not set: the question log needs it to encrypt questions "
            "(create one with `jpo-bot keygen` and keep it apart from the database)"
        )
    try:
        key = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != 32:
        raise MissingSecretError(
            "LOG_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded "
            "bytes; create one with `jpo-bot keygen`)"
        )
    return key


def _timestamp(moment: datetime) -> str:
    """UTC as 'YYYY-MM-DD HH:MM:SS.fff': sorts as text and SQLite's date() reads it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="milliseconds")


def new_encryption_key() -> str:
    """A fresh LOG_ENCRYPTION_KEY."""
    return Fernet.generate_key().decode("ascii")


def new_hash_secret() -> str:
    """A fresh LOG_HASH_SECRET."""
    return secrets.token_urlsafe(32)


async def open_store(settings: Settings, *, read_only: bool = False, **options: Any) -> Store:
    """Opens the store the settings describe (see `Store.open` for the options)."""
    return await Store.open(
        settings.database_path,
        hash_secret=_reveal(settings.log_hash_secret),
        encryption_key=_reveal(settings.log_encryption_key),
        read_only=read_only,
        **options,
    )


def _reveal(secret: SecretStr | None) -> str:
    return secret.get_secret_value() if secret is not None else ""


# --- grouping unanswered questions ----------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def normalise_wording(text: str) -> str:
    """Lower case, accents and umlauts folded, punctuation turned into single spaces."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", plain).strip()


@dataclass(slots=True)
class _Cluster:
    records: list[LoggedQuestion] = field(default_factory=list)


def group_unanswered(
    records: Sequence[LoggedQuestion], similarity: float = SIMILAR_WORDING
) -> tuple[UnansweredGroup, ...]:
    """Groups questions whose normalised wordings are alike (token_sort_ratio ≥ similarity).

    Distinct wordings are placed most frequent first, so each group is named after its
    most common wording; a wording joins the first group whose representative is alike.
    """
    by_wording: dict[str, list[LoggedQuestion]] = {}
    for record in records:
        by_wording.setdefault(normalise_wording(record.question), []).append(record)
    ordered = sorted(by_wording.items(), key=lambda item: (-len(item[1]), item[0]))
    representatives: list[str] = []
    clusters: list[_Cluster] = []
    for wording, members in ordered:
        match = (
            process.extractOne(
                wording, representatives, scorer=fuzz.token_sort_ratio, score_cutoff=similarity
            )
            if wording
            else None
        )
        if match is None:
            representatives.append(wording)
            clusters.append(_Cluster(list(members)))
        else:
            clusters[match[2]].records.extend(members)
    groups = [_summarise(cluster.records) for cluster in clusters]
    groups.sort(key=lambda group: (-group.count, -group.last_asked.timestamp(), group.example))
    return tuple(groups)


def _summarise(records: list[LoggedQuestion]) -> UnansweredGroup:
    counts = Counter(record.question for record in records)
    latest: dict[str, datetime] = {}
    for record in records:
        latest[record.question] = max(record.asked_at, latest.get(record.question, record.asked_at))
    # Most frequent wording first; among equals, the one asked most recently.
    ranked = sorted(counts, key=lambda text: (-counts[text], -latest[text].timestamp(), text))
    return UnansweredGroup(
        count=len(records),
        example=ranked[0],
        wordings=tuple(ranked[:5]),
        statuses=_counts(record.status for record in records),
        likely_posting=_most_common(record.posting for record in records),
        likely_topic=_most_common(record.topic for record in records),
        last_asked=max(latest.values()),
    )


def _counts(values: Iterable[str]) -> tuple[Count, ...]:
    ranked = sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple(Count(key, n) for key, n in ranked)


def _most_common(values: Iterable[str | None]) -> str | None:
    counter = Counter(value for value in values if value)
    if not counter:
        return None
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
