"""Dismissed groups of the unanswered inbox: hidden from later unanswered views.

An admin dismisses a group ("Dismiss" under `/unanswered`, `d` in `jpo-bot review`)
when its questions need no knowledge (gibberish, a question for someone else). What is
kept is, per distinct wording of the group, a keyed hash (HMAC with LOG_HASH_SECRET) of
the normalised wording, the time and the admin's pseudonymous key: never the text. The
unanswered views leave out every question of such a wording asked up to that time; the
same wording asked again later shows again, so nothing new is hidden unseen.

A dismissal can hide nothing once every question up to its time has gone (retention,
/forget), so dismissing also deletes those older than the oldest question kept.
Table `dismissed_wordings` (migration `create_dismissed_wordings`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import aiosqlite

from bot.questionlog.grouping import normalise_wording
from bot.questionlog.records import LoggedQuestion, StoreError

Dismissed = Mapping[str, datetime]
"""When each dismissed wording (by its key) was dismissed."""

_UPSERT = """INSERT INTO dismissed_wordings (wording_key, dismissed_at, dismissed_by)
    VALUES (?, ?, ?) ON CONFLICT (wording_key) DO UPDATE
    SET dismissed_at = excluded.dismissed_at, dismissed_by = excluded.dismissed_by"""
_PRUNE = """DELETE FROM dismissed_wordings
    WHERE dismissed_at < coalesce((SELECT min(asked_at) FROM questions), '9999')"""


def wording_key(hash_secret: bytes, wording: str) -> str:
    """The keyed hash a dismissal keeps of a wording (as normalised for grouping)."""
    message = f"wording:{normalise_wording(wording)}".encode()
    return hmac.new(hash_secret, message, hashlib.sha256).hexdigest()[:32]


def visible(
    records: Iterable[LoggedQuestion], dismissed: Dismissed, hash_secret: bytes
) -> list[LoggedQuestion]:
    """The records not hidden by a dismissal (asked after it, or of another wording)."""
    if not dismissed:
        return list(records)
    keys: dict[str, str] = {}
    kept = []
    for record in records:
        key = keys.get(record.question)
        if key is None:
            key = keys[record.question] = wording_key(hash_secret, record.question)
        until = dismissed.get(key)
        if until is None or record.asked_at > until:
            kept.append(record)
    return kept


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="milliseconds")


async def read_dismissed(db: aiosqlite.Connection) -> dict[str, datetime]:
    """Every dismissal kept, by wording key."""
    rows = await db.execute_fetchall("SELECT wording_key, dismissed_at FROM dismissed_wordings")
    return {key: datetime.fromisoformat(at).replace(tzinfo=UTC) for key, at in rows}


async def store_dismissal(
    db: aiosqlite.Connection,
    lock: asyncio.Lock,
    keys: Sequence[str],
    by: str,
    now: datetime,
) -> None:
    """Keeps the wordings' dismissals (one transaction) and prunes those that hide nothing."""
    rows = [(key, _timestamp(now), by) for key in dict.fromkeys(keys)]
    async with lock:
        try:
            await db.execute("BEGIN IMMEDIATE")
            await db.executemany(_UPSERT, rows)
            await db.execute(_PRUNE)
            await db.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
            raise StoreError(f"storing the dismissal failed: {error}") from error


class SqliteDismissals:
    """`QuestionLog.dismiss_wordings` for the SQLite store (mixed into `Store`)."""

    _db: aiosqlite.Connection
    _write_lock: asyncio.Lock
    _secret: bytes

    async def dismiss_wordings(
        self, wordings: Sequence[str], *, by: str, at: datetime | None = None
    ) -> None:
        """Hides the wordings' questions asked until now (or `at`) from the unanswered views."""
        keys = [wording_key(self._secret, wording) for wording in wordings]
        await store_dismissal(self._db, self._write_lock, keys, by, at or datetime.now(UTC))
