"""The inbox: Telegram updates kept durably from the moment they arrive until they are handled.

Why: Telegram forgets an update once the bot confirms it (the next `getUpdates` offset, or
a webhook's 200). An update confirmed but not yet handled when the process dies would be
lost: the candidate never gets a reply. So every update is stored here first, in one
transaction per batch, and only then confirmed; a restart handles what is left.

Life of a row (table `inbox`, migration `create_inbox`)
    `receive` inserts it: update id, chat id (for per-chat order only) and the update's
    JSON as a Fernet token made with LOG_ENCRYPTION_KEY, like question texts. That
    commit runs with `synchronous = FULL`, so a received update survives a power cut as
    well as a killed process. When the update has been handled its row is marked done,
    in the same transaction as its question-log record (the record carries the update
    id) or, for an update that makes no record (a command, a sticker), by `done` once
    its handlers have finished. Marking done erases the payload and the chat id at
    once; what stays is a tombstone (update id and times), which makes a re-delivered
    update recognisable, and is pruned after `KEEP_DONE`.

`pending()` lists what is left after a crash, oldest first; the caller feeds it to the
handlers before anything new, so each chat's updates keep their order.

Two implementations, chosen with the question log: `SqliteInbox` (the store's
database) and `MemoryInbox` (the in-memory log's: nothing survives the process).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from bot.questionlog.records import StoreError

if TYPE_CHECKING:  # the interface imports this module; the views must not load these
    import aiosqlite
    from cryptography.fernet import Fernet

KEEP_DONE = timedelta(hours=24)  # Telegram re-delivers an unconfirmed update for up to a day
MEMORY_TOMBSTONES = 100_000

_INSERT = """INSERT OR IGNORE INTO inbox (update_id, chat_id, payload, received_at)
    VALUES (?, ?, ?, ?)"""
_MARK_DONE = """UPDATE inbox SET done_at = ?, payload = NULL, chat_id = NULL
    WHERE update_id = ? AND done_at IS NULL"""
_PRUNE = "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?"


@dataclass(frozen=True, slots=True)
class InboxUpdate:
    """One Telegram update as the inbox keeps it: its id, its chat and its JSON."""

    update_id: int
    chat_id: int | None
    payload: str  # the update's JSON, as Telegram sent it


class Inbox(Protocol):
    """What the Telegram receiver asks of the inbox."""

    async def receive(self, updates: Sequence[InboxUpdate]) -> frozenset[int]:
        """Stores the updates in one transaction; returns the ids never seen before.

        Raises StoreError when they could not be stored (then confirm none of them).
        """
        ...

    async def pending(self) -> tuple[InboxUpdate, ...]:
        """The updates received and not yet done, oldest first."""
        ...

    async def last_update_id(self) -> int | None:
        """The highest update id kept (pending or done), or None."""
        ...

    async def done(self, update_id: int) -> None:
        """Marks the update handled; returns once that is stored (or the log gave up)."""
        ...


def _utf8(text: str) -> bytes:
    # A payload is whatever Telegram sent: a lone surrogate must not make it unstorable.
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _now() -> str:
    return datetime.now(UTC).isoformat(sep=" ", timespec="milliseconds")


def _cutoff() -> str:
    return (datetime.now(UTC) - KEEP_DONE).isoformat(sep=" ", timespec="milliseconds")


async def mark_done(db: aiosqlite.Connection, update_ids: Iterable[int]) -> None:
    """Marks the updates done inside the caller's transaction (the log's write batch)."""
    now = _now()
    await db.executemany(_MARK_DONE, [(now, update_id) for update_id in update_ids])


class SqliteInbox:
    """The inbox in the question log's database.

    It shares the store's connection and write lock (one transaction at a time on one
    connection); `queue_done` hands a done mark to the store's writer, `flush` waits
    for it, so the mark lands in a log write batch after the update's record.
    """

    def __init__(
        self,
        db: aiosqlite.Connection,
        fernet: Fernet,
        lock: asyncio.Lock,
        queue_done: Callable[[int], None],
        flush: Callable[[], Awaitable[None]],
    ) -> None:
        self._db = db
        self._fernet = fernet
        self._lock = lock
        self._queue_done = queue_done
        self._flush = flush

    async def receive(self, updates: Sequence[InboxUpdate]) -> frozenset[int]:
        """Stores the batch in one fsynced transaction; returns the ids new to the inbox."""
        if not updates:
            return frozenset()
        now = _now()
        rows = [
            (
                u.update_id,
                u.chat_id,
                self._fernet.encrypt(_utf8(u.payload)),
                now,
            )
            for u in updates
        ]
        ids = [u.update_id for u in updates]
        async with self._lock:
            try:
                await self._db.execute("PRAGMA synchronous = FULL")
                await self._db.execute("BEGIN IMMEDIATE")
                marks = ",".join("?" * len(ids))
                known = await self._db.execute_fetchall(
                    f"SELECT update_id FROM inbox WHERE update_id IN ({marks})", ids
                )
                await self._db.executemany(_INSERT, rows)
                await self._db.execute(_PRUNE, (_cutoff(),))
                await self._db.execute("COMMIT")
            except sqlite3.Error as error:
                with contextlib.suppress(sqlite3.Error):
                    await self._db.execute("ROLLBACK")
                raise StoreError(
                    f"storing {len(rows)} incoming update(s) failed: {error}"
                ) from error
            finally:
                with contextlib.suppress(sqlite3.Error):
                    await self._db.execute("PRAGMA synchronous = NORMAL")
        return frozenset(ids) - {row[0] for row in known}

    async def pending(self) -> tuple[InboxUpdate, ...]:
        """The updates not yet done, decrypted, oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT update_id, chat_id, payload FROM inbox WHERE done_at IS NULL ORDER BY update_id"
        )
        return tuple(
            InboxUpdate(update_id, chat_id, _text(self._fernet.decrypt(payload)))
            for update_id, chat_id, payload in rows
        )

    async def last_update_id(self) -> int | None:
        """The highest update id in the inbox, pending or done."""
        rows = await self._db.execute_fetchall("SELECT max(update_id) FROM inbox")
        return next(iter(rows))[0]

    async def done(self, update_id: int) -> None:
        """Queues the done mark with the log's writes and waits until it is written."""
        self._queue_done(update_id)
        await self._flush()


class MemoryInbox:
    """The in-memory log's inbox: the same contract, kept for the life of the process."""

    def __init__(self, max_tombstones: int = MEMORY_TOMBSTONES) -> None:
        self._pending: dict[int, InboxUpdate] = {}
        self._done: OrderedDict[int, None] = OrderedDict()
        self._max_tombstones = max_tombstones

    async def receive(self, updates: Sequence[InboxUpdate]) -> frozenset[int]:
        """Keeps the updates; returns the ids not seen before."""
        new = set()
        for update in updates:
            if update.update_id in self._pending or update.update_id in self._done:
                continue
            self._pending[update.update_id] = update
            new.add(update.update_id)
        return frozenset(new)

    async def pending(self) -> tuple[InboxUpdate, ...]:
        """The updates not yet done, oldest first."""
        return tuple(self._pending[key] for key in sorted(self._pending))

    async def last_update_id(self) -> int | None:
        """The highest update id seen."""
        return max([*self._pending, *self._done], default=None)

    async def done(self, update_id: int) -> None:
        """Forgets the update's content; remembers its id for a while."""
        self.mark_done(update_id)

    def mark_done(self, update_id: int) -> None:
        """`done` at once: the memory log calls it when it keeps the update's record."""
        self._pending.pop(update_id, None)
        self._done[update_id] = None
        if len(self._done) > self._max_tombstones:
            self._done.popitem(last=False)
