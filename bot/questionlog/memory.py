"""The question log in process memory: what the bot uses when the database cannot open.

It behaves like the SQLite store for every `QuestionLog` operation (same queries, same
ordering, same counts), so the bot answers, remembers each chat's state and serves the
admin views while the error is fixed. Nothing outlives the process. Memory is bounded:
beyond `max_records` records the oldest go, beyond `max_states` chats the chat
saved longest ago loses its state; both are counted in `health.dropped`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.questionlog.digest import DigestFigures, DigestWindow, count_period
from bot.questionlog.dismissals import visible, wording_key
from bot.questionlog.grouping import counts_of, group_newest
from bot.questionlog.inbox import MemoryInbox
from bot.questionlog.keys import chat_key, new_hash_secret
from bot.questionlog.records import (
    ANSWERED,
    FEEDBACK_ALREADY_GIVEN,
    FEEDBACK_RECORDED,
    FEEDBACK_UNKNOWN,
    HELPFUL,
    LOW_SCORE,
    SESSION_GAP,
    UNHELPFUL,
    LoggedQuestion,
    LogHealth,
    LogStats,
    QuestionRecord,
    UnansweredGroup,
    UnansweredGrouping,
)

logger = logging.getLogger(__name__)

MAX_RECORDS = 100_000
MAX_STATES = 10_000


@dataclass(frozen=True, slots=True)
class _SavedState:
    state: str
    saved_at: datetime


class MemoryQuestionLog:
    """A bounded `QuestionLog` in process memory.

    `hash_secret` makes the same chat keys as the SQLite store (a random one if None,
    since nothing written here outlives the process).
    """

    def __init__(
        self,
        hash_secret: bytes | None = None,
        *,
        max_records: int = MAX_RECORDS,
        max_states: int = MAX_STATES,
    ) -> None:
        self._secret = hash_secret or new_hash_secret().encode("utf-8")
        self._records: deque[LoggedQuestion] = deque()
        self._states: OrderedDict[str, _SavedState] = OrderedDict()
        self._max_records = max_records
        self._max_states = max_states
        self._next_id = 1
        # The links a new turn needs, bounded like the records: each chat's newest turn,
        # and the turn that each (chat, reply message id) carried.
        self._last_turn: OrderedDict[str, LoggedQuestion] = OrderedDict()
        self._by_message: OrderedDict[tuple[str, int], int] = OrderedDict()
        self._written = 0
        self._dropped = 0
        self._closed = False
        self.inbox = MemoryInbox()
        self._dismissed: dict[str, datetime] = {}

    @property
    def health(self) -> LogHealth:
        """Counters: records kept so far and items dropped (nothing is ever pending)."""
        return LogHealth(
            written=self._written,
            pending=0,
            pending_states=0,
            dropped=self._dropped,
            write_errors=0,
            last_error=None,
        )

    def chat_key(self, chat_id: int | str) -> str:
        """The pseudonymous key of a chat, as the SQLite store makes it."""
        return chat_key(self._secret, chat_id)

    def log(self, record: QuestionRecord) -> None:
        """Keeps the record; never raises. After `close()` the record is dropped."""
        try:
            if self._closed:
                self._dropped += 1
                logger.warning("question log: a record arrived after close and was dropped")
                return
            stored = self._linked(self._stored(record), record.pressed_message_id)
            self._records.append(stored)
            self._remember(stored)
            self._next_id += 1
            self._written += 1
            if record.update_id is not None:
                self.inbox.mark_done(record.update_id)
            if len(self._records) > self._max_records:
                self._records.popleft()
                self._dropped += 1
        except Exception:
            self._dropped += 1
            logger.exception("question log: could not keep a record; it was dropped")

    async def flush(self) -> None:
        """Nothing waits: every record is kept as it arrives."""

    async def close(self) -> None:
        """Stops accepting records and states; what was kept is forgotten with the process."""
        self._closed = True

    async def load_chat_state(self, chat_id: int | str) -> str | None:
        """The chat's saved state, or None."""
        saved = self._states.get(self.chat_key(chat_id))
        return saved.state if saved is not None else None

    async def save_chat_state(self, chat_id: int | str, state: str) -> None:
        """Keeps the chat's state (the latest wins); after `close()` it is dropped."""
        if self._closed:
            self._dropped += 1
            logger.warning("question log: a chat state arrived after close and was dropped")
            return
        key = self.chat_key(chat_id)
        self._states.pop(key, None)  # re-inserted at the end: the order of saving
        self._states[key] = _SavedState(state, datetime.now(UTC))
        if len(self._states) > self._max_states:
            self._states.popitem(last=False)
            self._dropped += 1

    async def give_feedback(self, chat_id: int | str, key: str, verdict: str) -> str:
        """Stores a 👍/👎 on the chat's answer logged with `key` (once); returns what it did."""
        chat = self.chat_key(chat_id)
        for index, record in enumerate(self._records):
            if record.reply_key == key and record.chat_key == chat:
                if record.feedback is not None:
                    return FEEDBACK_ALREADY_GIVEN
                self._records[index] = replace(record, feedback=verdict)
                return FEEDBACK_RECORDED
        return FEEDBACK_UNKNOWN

    async def forget(self, chat_id: int | str) -> int:
        """Deletes the chat's records and state; returns how many items went."""
        key = self.chat_key(chat_id)
        kept = deque(record for record in self._records if record.chat_key != key)
        removed = len(self._records) - len(kept)
        self._records = kept
        self._last_turn.pop(key, None)
        for message in [message for message in self._by_message if message[0] == key]:
            del self._by_message[message]
        state = self._states.pop(key, None) is not None
        logger.info("question log: forgot a chat (%d records)", removed)
        return removed + int(state)

    async def purge_older_than(self, days: int) -> int:
        """Deletes records (and chat states untouched) older than `days`; returns records."""
        cutoff = datetime.now(UTC) - timedelta(days=days)
        kept = deque(record for record in self._records if record.asked_at >= cutoff)
        deleted = len(self._records) - len(kept)
        self._records = kept
        for key in [key for key, saved in self._states.items() if saved.saved_at < cutoff]:
            del self._states[key]
        return deleted

    async def stats(self, days: int) -> LogStats:
        """Counts of the last `days` days: totals and by status, posting, topic, language."""
        since = datetime.now(UTC) - timedelta(days=days)
        rows = [record for record in self._records if record.asked_at >= since]
        latencies = [record.latency_ms for record in rows]
        return LogStats(
            days=days,
            since=since,
            total=len(rows),
            questions=sum(record.kind == "question" for record in rows),
            button_presses=sum(record.kind == "button" for record in rows),
            answered=sum(record.status == "answered" for record in rows),
            avg_latency_ms=sum(latencies) / len(latencies) if latencies else 0.0,
            by_status=counts_of(record.status for record in rows),
            by_posting=counts_of(record.posting for record in rows),
            by_topic=counts_of(record.topic for record in rows),
            by_lang=counts_of(record.lang for record in rows),
            helpful=sum(record.feedback == HELPFUL for record in rows),
            unhelpful=sum(record.feedback == UNHELPFUL for record in rows),
        )

    async def unanswered(
        self, days: int, low_score: float = LOW_SCORE
    ) -> tuple[UnansweredGroup, ...]:
        """Typed questions of the last `days` days that got a fallback, not_stated or
        clarify reply, an answer scoring below `low_score` or one rated 👎, grouped by
        similar wording."""
        return (await self.unanswered_grouping(days, low_score)).groups

    async def unanswered_grouping(
        self, days: int, low_score: float = LOW_SCORE
    ) -> UnansweredGrouping:
        """`unanswered` with what its bounds left out; grouped off the event loop."""
        rows = self._since(days, lambda r: _unanswered(r, low_score))
        shown = visible(rows, self._dismissed, self._secret)
        return await asyncio.to_thread(group_newest, shown)

    async def dismiss_wordings(self, wordings: Sequence[str], *, by: str) -> None:
        """Hides the wordings' questions asked until now from the unanswered views."""
        now = datetime.now(UTC)
        for wording in wordings:
            self._dismissed[wording_key(self._secret, wording)] = now

    async def recent(self, n: int) -> tuple[LoggedQuestion, ...]:
        """The `n` latest records, newest first."""
        newest = sorted(self._records, key=lambda row: (row.asked_at, row.id), reverse=True)
        return tuple(newest[:n])

    async def export_rows(self, days: int | None = None) -> tuple[LoggedQuestion, ...]:
        """Every record (of the last `days` days if given), oldest first."""
        if days is None:
            return tuple(sorted(self._records, key=lambda row: (row.asked_at, row.id)))
        return self._since(days, lambda _: True)

    async def digest_figures(self, window: DigestWindow) -> DigestFigures:
        """What a daily digest reports (bot.questionlog.digest)."""
        rows = tuple(self._records)
        start, end = window.lookback_start, window.end
        unanswered = [r for r in rows if start <= r.asked_at < end and _unanswered(r, LOW_SCORE)]
        return DigestFigures(
            day=count_period(rows, window.start, window.end),
            week=count_period(rows, window.week_start, window.end),
            previous_week=count_period(rows, window.previous_week_start, window.week_start),
            unanswered=await asyncio.to_thread(group_newest, unanswered),
        )

    def _since(
        self, days: int, keep: Callable[[LoggedQuestion], bool]
    ) -> tuple[LoggedQuestion, ...]:
        since = datetime.now(UTC) - timedelta(days=days)
        rows = [row for row in self._records if row.asked_at >= since and keep(row)]
        return tuple(sorted(rows, key=lambda row: (row.asked_at, row.id)))

    def _stored(self, record: QuestionRecord) -> LoggedQuestion:
        return LoggedQuestion(
            id=self._next_id,
            asked_at=_to_millisecond(record.asked_at or datetime.now(UTC)),
            channel=str(record.channel),
            chat_key=self.chat_key(record.chat_id),
            lang=str(record.lang),
            kind=str(record.kind),
            question=str(record.question),
            status=str(record.status),
            posting=None if record.posting is None else str(record.posting),
            topic=None if record.topic is None else str(record.topic),
            score=float(record.score),
            suggestions=tuple(str(label) for label in record.suggestions),
            latency_ms=float(record.latency_ms),
            knowledge_version=str(record.knowledge_version),
            reply_key=None if record.reply_key is None else str(record.reply_key),
            postings=tuple(str(posting) for posting in record.postings),
            topics=tuple(str(topic) for topic in record.topics),
            lead=None if record.lead is None else str(record.lead),
            reply_message_id=record.reply_message_id,
        )

    def _linked(self, turn: LoggedQuestion, pressed_message_id: int | None) -> LoggedQuestion:
        """The turn with its session, previous turn and offering turn, found as the SQLite
        store finds them (bot.questionlog.rows)."""
        previous = self._last_turn.get(turn.chat_key)
        same = (
            previous is not None
            and previous.session is not None
            and previous.asked_at <= turn.asked_at <= previous.asked_at + SESSION_GAP
        )
        offered_by = None
        if pressed_message_id is not None:
            offered_by = self._by_message.get((turn.chat_key, pressed_message_id))
        return replace(
            turn,
            session=previous.session if same and previous else secrets.token_hex(8),
            follows=previous.id if same and previous else None,
            offered_by=offered_by,
        )

    def _remember(self, turn: LoggedQuestion) -> None:
        self._last_turn.pop(turn.chat_key, None)
        self._last_turn[turn.chat_key] = turn
        if len(self._last_turn) > self._max_states:
            self._last_turn.popitem(last=False)
        if turn.reply_message_id is not None:
            self._by_message[(turn.chat_key, turn.reply_message_id)] = turn.id
            if len(self._by_message) > self._max_records:
                self._by_message.popitem(last=False)


def _unanswered(row: LoggedQuestion, low_score: float) -> bool:
    """A typed question left open: not answered, a low score, or rated 👎 (as in SQL)."""
    return row.kind == "question" and (
        row.status not in ANSWERED or row.score < low_score or row.feedback == UNHELPFUL
    )


def _to_millisecond(moment: datetime) -> datetime:
    """UTC, to the millisecond: the precision the SQLite store keeps."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
