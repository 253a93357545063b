"""The daily digest for admins: yesterday's figures, new unanswered groups, a fallback alert.

Pure: the question log (SQLite `bot.questionlog.digest_queries` or the memory log)
answers `QuestionLog.digest_figures(window)` with plain counts and a grouping; this
module chooses the window, picks the new groups and decides the alert. The words are
`bot.questionlog.digest_view`'s; the Telegram job is `bot.telegram.digest_job`, the
command line `jpo-bot log digest`.

A digest covers one calendar day in a time zone (DIGEST_TIMEZONE), from its midnight to
the next (23 or 25 hours on the days clocks change). "New unanswered groups" are groups of
unanswered questions (`bot.questionlog.grouping`, bounded like /unanswered) over the
`NEW_GROUP_LOOKBACK_DAYS` days up to the day's end whose earliest question falls on that
day: a wording the log saw unanswered before is not news.

Extension point: `DigestFigures.pending_handoffs` is what a log that keeps hand-offs to
staff reports (pending at the time the digest is made); None, the default, means the log
keeps none, and the digest then has no such line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

from bot.questionlog.records import UNHELPFUL, LoggedQuestion, UnansweredGroup, UnansweredGrouping

WEEK_DAYS = 7
NEW_GROUP_LOOKBACK_DAYS = 30
"""A wording unanswered within this many days before the digest's day is not new (the
default period of /unanswered, so "new" means new to what an admin sees there)."""
MAX_GROUPS_SHOWN = 5
# The alert compares the fallback rate of the last 7 days with the 7 days before. A rate
# over a handful of questions swings by tens of points with one odd question, so both
# weeks need `ALERT_MIN_QUESTIONS` typed questions (one question then moves the rate by at
# most 5 points); and a quiet week before (rate 0, or nearly) would double with a single
# fallback, so the last week also needs `ALERT_MIN_FALLBACKS` fallbacks.
ALERT_FACTOR = 2.0
ALERT_MIN_QUESTIONS = 20
ALERT_MIN_FALLBACKS = 5


@dataclass(frozen=True, slots=True)
class DigestWindow:
    """The periods one digest reports on, as UTC instants (each start inclusive, end
    exclusive): the day, the 7 days ending with it, the 7 before, and the lookback
    period of the new-groups test."""

    day: date
    zone: str  # the time zone's name, for the heading
    start: datetime
    end: datetime
    week_start: datetime
    previous_week_start: datetime
    lookback_start: datetime


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """The typed questions of a period and their outcomes; 👎 on any of its answers."""

    questions: int = 0
    chats: int = 0  # distinct chats that typed a question
    answered: int = 0
    not_stated: int = 0
    fallback: int = 0
    unhelpful: int = 0  # answers (questions or button presses) rated 👎

    @property
    def fallback_rate(self) -> float:
        """Fallbacks as a share of the typed questions (0.0 without questions)."""
        return self.fallback / self.questions if self.questions else 0.0


@dataclass(frozen=True, slots=True)
class DigestFigures:
    """What the question log reports for a `DigestWindow`."""

    day: PeriodCounts
    week: PeriodCounts  # the 7 days ending with the day
    previous_week: PeriodCounts  # the 7 days before those
    # The unanswered questions from `lookback_start` to the day's end, grouped (bounded).
    unanswered: UnansweredGrouping
    pending_handoffs: int | None = None  # None: this log keeps no hand-offs


@dataclass(frozen=True, slots=True)
class FallbackAlert:
    """The fallback rate of the last 7 days at least doubled against the 7 days before."""

    rate: float
    previous_rate: float
    questions: int
    previous_questions: int


@dataclass(frozen=True, slots=True)
class Digest:
    """One day's digest, ready to be put into words."""

    window: DigestWindow
    counts: PeriodCounts
    new_groups: tuple[UnansweredGroup, ...]  # every new group, largest first
    grouping_bounded: bool  # the grouping left questions out or stopped comparing early
    alert: FallbackAlert | None
    pending_handoffs: int | None = None


class DigestSource(Protocol):
    """What the digest needs of a question log (`QuestionLog` has it)."""

    async def digest_figures(self, window: DigestWindow) -> DigestFigures:
        """The figures of the window."""
        ...


async def collect_digest(log: DigestSource, day: date, zone: tzinfo) -> Digest:
    """The digest of `day` in `zone`; raises StoreError when the log cannot be read."""
    window = digest_window(day, zone)
    return build_digest(await log.digest_figures(window), window)


def digest_window(day: date, zone: tzinfo) -> DigestWindow:
    """The periods of the digest of `day` in `zone`."""

    def midnight(of: date) -> datetime:
        return datetime.combine(of, time(0), tzinfo=zone).astimezone(UTC)

    return DigestWindow(
        day=day,
        zone=str(zone),
        start=midnight(day),
        end=midnight(day + timedelta(days=1)),
        week_start=midnight(day - timedelta(days=WEEK_DAYS - 1)),
        previous_week_start=midnight(day - timedelta(days=2 * WEEK_DAYS - 1)),
        lookback_start=midnight(day - timedelta(days=NEW_GROUP_LOOKBACK_DAYS)),
    )


def yesterday(zone: tzinfo, now: datetime | None = None) -> date:
    """The calendar day before today in `zone` (the day a digest sent today reports)."""
    return (now or datetime.now(UTC)).astimezone(zone).date() - timedelta(days=1)


def build_digest(figures: DigestFigures, window: DigestWindow) -> Digest:
    """The digest of `window`'s day from the log's figures."""
    grouping = figures.unanswered
    return Digest(
        window=window,
        counts=figures.day,
        new_groups=tuple(
            group
            for group in grouping.groups
            if group.first_asked is not None and group.first_asked >= window.start
        ),
        grouping_bounded=grouping.left_out > 0 or not grouping.complete,
        alert=fallback_alert(figures.week, figures.previous_week),
        pending_handoffs=figures.pending_handoffs,
    )


def fallback_alert(week: PeriodCounts, previous: PeriodCounts) -> FallbackAlert | None:
    """An alert when `week`'s fallback rate is at least twice `previous`'s, both weeks
    have enough questions and `week` enough fallbacks (see ALERT_MIN_*); else None."""
    if week.questions < ALERT_MIN_QUESTIONS or previous.questions < ALERT_MIN_QUESTIONS:
        return None
    if week.fallback < ALERT_MIN_FALLBACKS:
        return None
    # Cross-multiplied: exact for integer counts, no rounding at the threshold.
    if week.fallback * previous.questions < ALERT_FACTOR * previous.fallback * week.questions:
        return None
    return FallbackAlert(
        rate=week.fallback_rate,
        previous_rate=previous.fallback_rate,
        questions=week.questions,
        previous_questions=previous.questions,
    )


def count_period(rows: Iterable[LoggedQuestion], start: datetime, end: datetime) -> PeriodCounts:
    """`PeriodCounts` of the records asked in [start, end) (for logs without SQL)."""
    questions = answered = not_stated = fallback = unhelpful = 0
    chats: set[str] = set()
    for row in rows:
        if not start <= row.asked_at < end:
            continue
        unhelpful += row.feedback == UNHELPFUL
        if row.kind != "question":
            continue
        questions += 1
        chats.add(row.chat_key)
        answered += row.status == "answered"
        not_stated += row.status == "not_stated"
        fallback += row.status == "fallback"
    return PeriodCounts(questions, len(chats), answered, not_stated, fallback, unhelpful)
