"""The admin queries of the SQLite log: figures, unanswered questions, latest records, export.

Reads only; rows come back decrypted as `LoggedQuestion`s. A row that does not decrypt
with the configured key raises WrongKeyError; a failing read raises StoreError.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite
from cryptography.fernet import Fernet, InvalidToken

from bot.questionlog.dismissals import Dismissed, read_dismissed, visible
from bot.questionlog.grouping import MAX_ROWS, group_newest
from bot.questionlog.keys import WRONG_KEY
from bot.questionlog.records import (
    LOW_SCORE,
    Count,
    LoggedQuestion,
    LogStats,
    StoreError,
    UnansweredGroup,
    UnansweredGrouping,
    WrongKeyError,
)

logger = logging.getLogger(__name__)

COLUMNS = """id, asked_at, channel, chat_key, lang, kind, question, status, posting, topic,
    score, suggestions, latency_ms, knowledge_version, feedback, reply_key, postings, topics,
    lead, reply_message_id, session, follows, offered_by"""
# A typed question left open: a fallback, not_stated or clarify reply, an answer scoring below
# the parameter, or one rated 👎 (small talk is no question left unanswered).
UNANSWERED = """kind = 'question'
    AND (status NOT IN ('answered', 'smalltalk') OR score < ? OR feedback = 'down')"""


def timestamp(moment: datetime) -> str:
    """UTC as 'YYYY-MM-DD HH:MM:SS.fff': sorts as text and SQLite's date() reads it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="milliseconds")


class LogQueries:
    """The read side of one open SQLite log."""

    def __init__(
        self, db: aiosqlite.Connection, path: Path, fernet: Fernet, hash_secret: bytes
    ) -> None:
        self._db = db
        self._path = path
        self._fernet = fernet
        self._secret = hash_secret  # for the keys of dismissed wordings

    async def stats(self, days: int) -> LogStats:
        """Counts of the last `days` days: totals and by status, posting, topic, language."""
        since = datetime.now(UTC) - timedelta(days=days)
        cutoff = (timestamp(since),)
        totals = await self._fetch(
            """SELECT count(*), coalesce(sum(kind = 'question'), 0),
                coalesce(sum(kind = 'button'), 0), coalesce(sum(status = 'answered'), 0),
                coalesce(avg(latency_ms), 0.0), coalesce(sum(feedback = 'up'), 0),
                coalesce(sum(feedback = 'down'), 0)
            FROM questions WHERE asked_at >= ?""",
            cutoff,
        )
        total, questions, buttons, answered, latency, helpful, unhelpful = totals[0]

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
            helpful=helpful,
            unhelpful=unhelpful,
        )

    async def unanswered(
        self, days: int, low_score: float = LOW_SCORE
    ) -> tuple[UnansweredGroup, ...]:
        """Typed questions of the last `days` days that got a fallback, not_stated or
        clarify reply, an answer scoring below `low_score` or an answer rated 👎 (small talk
        is no question left unanswered), grouped by similar wording, largest group first."""
        return (await self.unanswered_grouping(days, low_score)).groups

    async def unanswered_grouping(
        self, days: int, low_score: float = LOW_SCORE
    ) -> UnansweredGrouping:
        """`unanswered` over the newest `MAX_ROWS` such questions, with how many older
        ones were left out, less those an admin dismissed (`dismissals`); decrypting and
        grouping run off the event loop."""
        where = f"WHERE asked_at >= ? AND {UNANSWERED}"
        since = timestamp(datetime.now(UTC) - timedelta(days=days))
        rows = await self._fetch(
            f"SELECT {COLUMNS} FROM questions {where} ORDER BY asked_at DESC, id DESC LIMIT ?",
            (since, float(low_score), MAX_ROWS),
        )
        total = (
            await self._fetch(f"SELECT count(*) FROM questions {where}", (since, float(low_score)))
        )[0][0]
        dismissed = await read_dismissed(self._db)
        return await asyncio.to_thread(self._group, rows, total - len(rows), dismissed)

    def _group(
        self, rows: Sequence[Any], left_out: int, dismissed: Dismissed
    ) -> UnansweredGrouping:
        shown = visible(self._decode_all(rows), dismissed, self._secret)
        return group_newest(shown, left_out=left_out)

    async def recent(self, n: int) -> tuple[LoggedQuestion, ...]:
        """The `n` latest records, newest first."""
        rows = await self._fetch(
            f"SELECT {COLUMNS} FROM questions ORDER BY asked_at DESC, id DESC LIMIT ?", (n,)
        )
        return await asyncio.to_thread(self._decode_all, rows)

    async def export_rows(self, days: int | None = None) -> tuple[LoggedQuestion, ...]:
        """Every record (of the last `days` days if given), oldest first."""
        if days is None:
            rows = await self._fetch(f"SELECT {COLUMNS} FROM questions ORDER BY asked_at, id")
        else:
            since = timestamp(datetime.now(UTC) - timedelta(days=days))
            rows = await self._fetch(
                f"SELECT {COLUMNS} FROM questions WHERE asked_at >= ? ORDER BY asked_at, id",
                (since,),
            )
        return await asyncio.to_thread(self._decode_all, rows)

    def decrypt(self, token: bytes) -> str:
        """A Fernet token's text; WrongKeyError when another key made it."""
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise WrongKeyError(WRONG_KEY) from None

    async def _fetch(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        try:
            return list(await self._db.execute_fetchall(sql, parameters))
        except sqlite3.Error as error:
            logger.error("question log: reading %s failed: %s", self._path, error)
            raise StoreError(f"reading the question log {self._path} failed: {error}") from error

    def _decode_all(self, rows: Iterable[Sequence[Any]]) -> tuple[LoggedQuestion, ...]:
        """Decrypts in a worker thread, now and then handing the GIL to the event loop."""
        decoded = []
        for number, row in enumerate(rows):
            if number % 64 == 63:
                time.sleep(0)
            decoded.append(self._decode(row))
        return tuple(decoded)

    def _decode(self, row: Sequence[Any]) -> LoggedQuestion:
        return LoggedQuestion(
            id=row[0],
            asked_at=datetime.fromisoformat(row[1]).replace(tzinfo=UTC),
            channel=row[2],
            chat_key=row[3],
            lang=row[4],
            kind=row[5],
            question=self.decrypt(row[6]),
            status=row[7],
            posting=row[8],
            topic=row[9],
            score=row[10],
            suggestions=tuple(json.loads(row[11])),
            latency_ms=row[12],
            knowledge_version=row[13],
            feedback=row[14],
            reply_key=row[15],
            postings=tuple(json.loads(row[16] or "[]")),
            topics=tuple(json.loads(row[17] or "[]")),
            lead=None if row[18] is None else self.decrypt(row[18]),
            reply_message_id=row[19],
            session=row[20],
            follows=row[21],
            offered_by=row[22],
        )
