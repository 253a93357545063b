"""A candidate's 👍 / 👎 on an answer, kept on the answer's own record in the SQLite log.

The verdict lives in the `questions` row (columns `reply_key`, `feedback`), so /forget
and the retention purge delete it with the record. Only the chat that got the answer
can rate it (the row must carry that chat's key), and only once: a later press finds
the verdict already there and changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import aiosqlite

from bot.questionlog.records import (
    FEEDBACK_ALREADY_GIVEN,
    FEEDBACK_RECORDED,
    FEEDBACK_UNKNOWN,
    StoreError,
)

logger = logging.getLogger(__name__)

_FIND = "SELECT feedback FROM questions WHERE reply_key = ? AND chat_key = ? LIMIT 1"
_SET = """UPDATE questions SET feedback = ?
    WHERE reply_key = ? AND chat_key = ? AND feedback IS NULL"""


async def give_feedback(
    db: aiosqlite.Connection, lock: asyncio.Lock, chat_key: str, reply_key: str, verdict: str
) -> str:
    """Stores the verdict on the chat's answer with that key; returns what it did
    (FEEDBACK_RECORDED, FEEDBACK_ALREADY_GIVEN or FEEDBACK_UNKNOWN).

    `lock` is the store's write lock; `db` is in autocommit mode.
    """
    async with lock:
        return await _give(db, chat_key, reply_key, verdict)


async def _give(db: aiosqlite.Connection, chat_key: str, reply_key: str, verdict: str) -> str:
    try:
        await db.execute("BEGIN IMMEDIATE")
        try:
            rows = list(await db.execute_fetchall(_FIND, (reply_key, chat_key)))
            if not rows:
                outcome = FEEDBACK_UNKNOWN
            elif rows[0][0] is not None:
                outcome = FEEDBACK_ALREADY_GIVEN
            else:
                await db.execute(_SET, (verdict, reply_key, chat_key))
                outcome = FEEDBACK_RECORDED
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise
    except sqlite3.Error as error:
        logger.error("question log: storing a rating failed: %s", error)
        raise StoreError(f"storing the feedback failed: {error}") from error
    return outcome
