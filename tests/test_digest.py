"""The admins' daily digest: its figures on a real SQLite log and the memory log, the
fallback alert, the day's boundaries in a time zone, its words in four languages."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

import pytest

from bot.questionlog.digest import (
    ALERT_MIN_FALLBACKS,
    ALERT_MIN_QUESTIONS,
    MAX_GROUPS_SHOWN,
    Digest,
    DigestFigures,
    PeriodCounts,
    build_digest,
    collect_digest,
    digest_window,
    fallback_alert,
    yesterday,
)
from bot.questionlog.digest_view import digest_text
from bot.questionlog.interface import QuestionLog
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import UNHELPFUL, UnansweredGrouping
from bot.texts import DIGESTS, LANGS, DigestTexts
from tests.questionlog_helpers import open_store, record

DAY = date(2026, 11, 27)
MIDNIGHT = datetime(2026, 11, 27, tzinfo=UTC)


def at(days: float = 0, hours: float = 0, seconds: float = 0) -> datetime:
    """An instant relative to the digest day's midnight (UTC)."""
    return MIDNIGHT + timedelta(days=days, hours=hours, seconds=seconds)


def question(text: str, chat: int, status: str, when: datetime, **changes: object) -> object:
    score = {"answered": 92.0, "not_stated": 80.0}.get(status, 0.0)
    return record(text, chat_id=chat, status=status, score=score, asked_at=when, **changes)


# The digest day's records, and records around it that must not count as the day's.
DAY_RECORDS = [
    question("How long is the contract?", 1, "answered", at(hours=8)),
    question("Is there a housing allowance?", 1, "fallback", at(hours=9)),
    question("is there a housing allowance", 2, "not_stated", at(hours=10)),
    question("What is the salary?", 3, "answered", at(hours=11), reply_key="k-salary"),
    record("Duration", chat_id=2, kind="button", status="answered", asked_at=at(hours=12)),
    question("Do I need French?", 4, "fallback", at(days=1, seconds=-0.5)),
    # Around the day: the midnights are its bounds (start inclusive, end exclusive).
    question("Too early", 6, "fallback", at(seconds=-1)),
    question("Too late", 5, "fallback", at(days=1)),
    # Asked unanswered before: its group is not new.
    question("what is the salary", 7, "fallback", at(days=-3)),
    # Asked unanswered too long ago to remember: its group counts as new.
    question("Is there a pension?", 8, "fallback", at(days=-40)),
    question("Is there a pension", 8, "fallback", at(hours=13)),
]


@pytest.fixture(params=["sqlite", "memory"])
async def log(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[QuestionLog]:
    """The SQLite store or the memory log: the digest must read the same from both."""
    opened: QuestionLog
    if request.param == "sqlite":
        opened = await open_store(db_path)
    else:
        opened = MemoryQuestionLog()
    yield opened
    await opened.close()


async def fill(log: QuestionLog, records: list[object]) -> None:
    for item in records:
        log.log(item)  # type: ignore[arg-type]
    await log.flush()


async def test_the_day_is_counted_from_midnight_to_midnight(log: QuestionLog) -> None:
    await fill(log, DAY_RECORDS)
    assert await log.give_feedback(3, "k-salary", UNHELPFUL) == "recorded"

    digest = await collect_digest(log, DAY, UTC)

    # Typed questions from 00:00 to 23:59:59.5; the button press is not one.
    assert digest.counts == PeriodCounts(
        questions=6, chats=5, answered=2, not_stated=1, fallback=3, unhelpful=1
    )


async def test_new_groups_are_those_first_asked_that_day(log: QuestionLog) -> None:
    await fill(log, DAY_RECORDS)
    assert await log.give_feedback(3, "k-salary", UNHELPFUL) == "recorded"

    digest = await collect_digest(log, DAY, UTC)

    # The 👎 salary answer joins a wording unanswered three days before: not new. The
    # pension was asked 40 days ago, beyond the 30 days a wording is remembered.
    new = {group.example: group.count for group in digest.new_groups}
    assert new == {
        "is there a housing allowance": 2,
        "Do I need French?": 1,
        "Is there a pension": 1,
    }
    assert not digest.grouping_bounded


async def test_the_digest_text_reports_the_figures(log: QuestionLog) -> None:
    await fill(log, DAY_RECORDS)
    assert await log.give_feedback(3, "k-salary", UNHELPFUL) == "recorded"

    text = digest_text(await collect_digest(log, DAY, UTC))

    lines = text.splitlines()
    assert lines[:4] == [
        "Daily digest for 2026-11-27 (UTC)",
        "Questions: 6 from 5 chats",
        "Answered 33 % · not stated 17 % · fallback 50 %",
        "👎 on that day's answers: 1",
    ]
    assert "New unanswered groups: 3" in lines
    assert "1. 2× “is there a housing allowance” (likely unep-car-rcu / salary)" in lines
    assert "3. 1× “Is there a pension” (likely unep-car-rcu / salary)" in lines
    assert "Fallback rate" not in text  # too few questions for an alert
    assert "Hand-offs" not in text  # this log keeps none


async def test_a_quiet_day_says_so(log: QuestionLog) -> None:
    text = digest_text(await collect_digest(log, DAY, UTC))
    assert text.splitlines()[1:] == ["No questions that day.", "", "No new unanswered groups."]


async def test_only_five_new_groups_are_listed_and_the_rest_counted(log: QuestionLog) -> None:
    asked = [
        "Is there a pension?",
        "Do I need a visa?",
        "Who pays for housing?",
        "Are schools nearby?",
        "Is health insurance included?",
        "Can I park at the office?",
        "How many vacation days?",
    ]
    await fill(log, [question(text, n, "fallback", at(hours=n)) for n, text in enumerate(asked)])
    text = digest_text(await collect_digest(log, DAY, UTC))
    assert "New unanswered groups: 7" in text
    assert f"{MAX_GROUPS_SHOWN}. 1× " in text and f"{MAX_GROUPS_SHOWN + 1}. " not in text
    assert "… and 2 more: /unanswered lists them all." in text


# --- the fallback alert -----------------------------------------------------------------


def week_of(questions: int, fallbacks: int, week: int) -> list[object]:
    """`questions` typed questions, `fallbacks` of them fallbacks, spread over the 7 days
    ending with the digest day (week 0) or the 7 before (week 1)."""
    first = at(days=-6 - 7 * week, hours=1)
    return [
        question(
            f"question {week}-{n}",
            100 * week + n,
            "fallback" if n < fallbacks else "answered",
            first + timedelta(hours=n * 160 / questions),
        )
        for n in range(questions)
    ]


@pytest.mark.parametrize(
    ("last", "previous", "alert"),
    [
        ((20, 6), (20, 3), True),  # 30 % against 15 %: doubled exactly
        ((40, 10), (20, 2), True),  # 25 % against 10 %
        ((20, 5), (20, 0), True),  # from none at all, with enough fallbacks
        ((20, 5), (20, 3), False),  # 25 % against 15 %: not doubled
        ((20, 4), (20, 1), False),  # 20 % against 5 %, but only 4 fallbacks
        ((19, 10), (20, 1), False),  # too few questions in the last week
        ((20, 10), (19, 1), False),  # too few questions in the week before
    ],
)
async def test_the_alert_line_appears_only_when_the_rate_doubles_on_enough_questions(
    log: QuestionLog, last: tuple[int, int], previous: tuple[int, int], alert: bool
) -> None:
    await fill(log, week_of(*last, week=0) + week_of(*previous, week=1))

    text = digest_text(await collect_digest(log, DAY, UTC))

    if alert:
        rate, before = round(100 * last[1] / last[0]), round(100 * previous[1] / previous[0])
        assert text.splitlines()[-1] == (
            f"⚠️ Fallback rate {rate} % over the last 7 days ({last[0]} questions), "
            f"against {before} % in the 7 days before ({previous[0]} questions)."
        )
    else:
        assert "Fallback rate" not in text


def test_from_a_week_without_fallbacks_the_alert_needs_its_minimum_of_fallbacks() -> None:
    enough = PeriodCounts(questions=ALERT_MIN_QUESTIONS, fallback=ALERT_MIN_FALLBACKS)
    assert fallback_alert(enough, PeriodCounts(questions=ALERT_MIN_QUESTIONS)) is not None
    one_less = dataclasses.replace(enough, fallback=ALERT_MIN_FALLBACKS - 1)
    assert fallback_alert(one_less, PeriodCounts(questions=ALERT_MIN_QUESTIONS)) is None


# --- the day in a time zone, hand-offs --------------------------------------------------


def test_a_day_in_a_time_zone_runs_from_its_midnight_to_the_next() -> None:
    vienna = ZoneInfo("Europe/Vienna")
    window = digest_window(date(2026, 10, 25), vienna)  # clocks go back: a 25-hour day
    assert window.start == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert window.end == datetime(2026, 10, 25, 23, tzinfo=UTC)
    assert window.week_start == datetime(2026, 10, 18, 22, tzinfo=UTC)
    assert window.previous_week_start == datetime(2026, 10, 11, 22, tzinfo=UTC)
    assert window.zone == "Europe/Vienna"


def test_yesterday_is_the_day_before_in_the_zone() -> None:
    late_in_utc = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)  # already the 28th in Vienna
    assert yesterday(ZoneInfo("Europe/Vienna"), late_in_utc) == date(2026, 11, 27)
    assert yesterday(UTC, late_in_utc) == date(2026, 11, 26)


async def test_the_day_follows_the_time_zone(log: QuestionLog) -> None:
    # 23:30 UTC on the 26th is 00:30 on the 27th in Vienna.
    await fill(log, [question("Late in London", 1, "answered", at(hours=-0.5))])
    assert (await collect_digest(log, DAY, ZoneInfo("Europe/Vienna"))).counts.questions == 1
    assert (await collect_digest(log, DAY, UTC)).counts.questions == 0


def test_a_log_that_keeps_hand_offs_adds_one_line() -> None:
    window = digest_window(DAY, UTC)
    empty = UnansweredGrouping(groups=(), considered=0, left_out=0, complete=True)
    figures = DigestFigures(PeriodCounts(), PeriodCounts(), PeriodCounts(), empty)
    with_handoffs = dataclasses.replace(figures, pending_handoffs=3)

    assert "Hand-offs" not in digest_text(build_digest(figures, window))
    text = digest_text(build_digest(with_handoffs, window))
    assert text.splitlines()[-1] == "Hand-offs waiting for staff: 3"


def test_a_bounded_grouping_is_admitted() -> None:
    window = digest_window(DAY, UTC)
    cut = UnansweredGrouping(groups=(), considered=20_000, left_out=7, complete=True)
    digest = build_digest(
        DigestFigures(PeriodCounts(), PeriodCounts(), PeriodCounts(), cut), window
    )
    assert isinstance(digest, Digest) and digest.grouping_bounded
    assert "Only the newest unanswered questions were grouped" in digest_text(digest)


async def test_control_characters_in_a_question_are_shown_not_obeyed(log: QuestionLog) -> None:
    await fill(log, [question("Salary?\x1b[2J\u202e", 1, "fallback", at(hours=1))])
    text = digest_text(await collect_digest(log, DAY, UTC))
    assert "\x1b" not in text and "\u202e" not in text
    assert "Salary?␛[2J" in text


# --- the words --------------------------------------------------------------------------


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_every_digest_text_with_english_placeholders(lang: str) -> None:
    english, texts = DIGESTS["en"], DIGESTS[lang]
    for field in dataclasses.fields(DigestTexts):
        text = getattr(texts, field.name)
        assert text.strip(), field.name
        assert _placeholders(text) == _placeholders(getattr(english, field.name)), field.name
        if lang != "en" and len(text) > 20:
            assert text != getattr(english, field.name), field.name


async def test_the_digest_can_be_read_in_german(log: QuestionLog) -> None:
    await fill(log, DAY_RECORDS)
    text = digest_text(await collect_digest(log, DAY, UTC), "de")
    assert text.splitlines()[:2] == ["Tagesbericht für 2026-11-27 (UTC)", "Fragen: 6 aus 5 Chats"]
