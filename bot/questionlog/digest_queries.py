"""The daily digest's queries on the SQLite log: counts per period, unanswered groups.

`DigestQueries` is the store's read side (`LogQueries`) with `digest_figures`: three
counting queries on the `asked_at` index, and the unanswered questions of the lookback
period, decrypted and grouped off the event loop with the bounds of /unanswered.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.questionlog.digest import DigestFigures, DigestWindow, PeriodCounts
from bot.questionlog.dismissals import read_dismissed
from bot.questionlog.grouping import MAX_ROWS
from bot.questionlog.queries import COLUMNS, UNANSWERED, LogQueries, timestamp
from bot.questionlog.records import LOW_SCORE, UnansweredGrouping

_COUNTS = """SELECT coalesce(sum(kind = 'question'), 0),
        count(DISTINCT CASE WHEN kind = 'question' THEN chat_key END),
        coalesce(sum(kind = 'question' AND status = 'answered'), 0),
        coalesce(sum(kind = 'question' AND status = 'not_stated'), 0),
        coalesce(sum(kind = 'question' AND status = 'fallback'), 0),
        coalesce(sum(feedback = 'down'), 0)
    FROM questions WHERE asked_at >= ? AND asked_at < ?"""
_UNANSWERED_IN = f"FROM questions WHERE asked_at >= ? AND asked_at < ? AND {UNANSWERED}"


class DigestQueries(LogQueries):
    """The admin queries of one open SQLite log, and the daily digest's."""

    async def digest_figures(self, window: DigestWindow) -> DigestFigures:
        """The counts of the window's day and two weeks, and its unanswered groups."""
        return DigestFigures(
            day=await self._counts(window.start, window.end),
            week=await self._counts(window.week_start, window.end),
            previous_week=await self._counts(window.previous_week_start, window.week_start),
            unanswered=await self._unanswered(window.lookback_start, window.end),
        )

    async def _counts(self, start: datetime, end: datetime) -> PeriodCounts:
        [row] = await self._fetch(_COUNTS, (timestamp(start), timestamp(end)))
        return PeriodCounts(*row)

    async def _unanswered(self, start: datetime, end: datetime) -> UnansweredGrouping:
        """The period's unanswered questions, the newest `MAX_ROWS` grouped."""
        period = (timestamp(start), timestamp(end), LOW_SCORE)
        rows = await self._fetch(
            f"SELECT {COLUMNS} {_UNANSWERED_IN} ORDER BY asked_at DESC, id DESC LIMIT ?",
            (*period, MAX_ROWS),
        )
        [(total,)] = await self._fetch(f"SELECT count(*) {_UNANSWERED_IN}", period)
        dismissed = await read_dismissed(self._db)
        return await asyncio.to_thread(self._group, rows, total - len(rows), dismissed)
