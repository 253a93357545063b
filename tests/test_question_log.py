"""The `QuestionLog` interface, table-driven over both implementations: the SQLite store
(a real file) and the in-memory log must behave alike for every operation the bot uses.
Then the one choice between them at start-up (`open_question_log`)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.engine.state import ChatState
from bot.questionlog.interface import QuestionLog
from bot.questionlog.keys import new_encryption_key
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import LoggedQuestion, LogStats, MissingSecretError, WrongKeyError
from bot.questionlog.startup import open_question_log
from bot.questionlog.store import Store
from tests.questionlog_helpers import KEY, SECRET, open_store, record, state

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


async def chat_state(log: QuestionLog, chat_id: int) -> ChatState | None:
    saved = await log.load_chat_state(chat_id)
    return ChatState.from_json(saved) if saved is not None else None


# --- writing --------------------------------------------------------------------------


async def test_log_and_flush_keep_exactly_n_records_in_order(question_log: QuestionLog) -> None:
    for i in range(250):
        question_log.log(record(f"question {i}"))
    await question_log.flush()
    assert [row.question for row in await question_log.export_rows()] == [
        f"question {i}" for i in range(250)
    ]
    assert question_log.health.written == 250
    assert question_log.health.pending == 0


async def test_concurrent_logging_from_many_tasks_loses_and_duplicates_nothing(
    question_log: QuestionLog,
) -> None:
    async def chat(chat_id: int) -> None:
        for i in range(20):
            question_log.log(record(f"chat {chat_id} question {i}", chat_id=chat_id))
            await asyncio.sleep(0)

    await asyncio.gather(*(chat(chat_id) for chat_id in range(100)))
    await question_log.flush()
    texts = [row.question for row in await question_log.export_rows()]
    assert len(texts) == 2000
    assert set(texts) == {f"chat {c} question {i}" for c in range(100) for i in range(20)}


async def test_a_record_or_state_after_close_is_dropped_without_raising(
    question_log: QuestionLog,
) -> None:
    await question_log.close()
    question_log.log(record())
    await question_log.save_chat_state(1, state())
    assert question_log.health.dropped == 2


async def test_button_presses_are_stored_as_such(question_log: QuestionLog) -> None:
    question_log.log(record("Duration", kind="button"))
    await question_log.flush()
    [row] = await question_log.recent(1)
    assert (row.kind, row.question) == ("button", "Duration")


async def test_records_name_the_chat_by_its_keyed_hash(question_log: QuestionLog) -> None:
    question_log.log(record(chat_id=987654321012))
    await question_log.flush()
    [row] = await question_log.recent(1)
    assert row.chat_key == question_log.chat_key(987654321012)
    assert "987654321012" not in row.chat_key
    assert len(row.chat_key) == 32


# --- chat state, forget, purge --------------------------------------------------------


async def test_a_chat_state_round_trips_and_an_unknown_chat_has_none(
    question_log: QuestionLog,
) -> None:
    saved = ChatState(posting="unesco-clt", lang="de", pending_question="Wie lange?")
    await question_log.save_chat_state(77, saved.to_json())
    await question_log.save_chat_state(77, saved.with_posting("unep-car-rcu").to_json())
    assert await chat_state(question_log, 77) == ChatState(posting="unep-car-rcu", lang="de")
    assert await question_log.load_chat_state(78) is None


async def test_the_latest_state_of_a_chat_wins(question_log: QuestionLog) -> None:
    for posting in ("unesco-clt", "unep-car-rcu", None):
        await question_log.save_chat_state(9, state(posting=posting, lang="es"))
    await question_log.flush()
    assert await chat_state(question_log, 9) == ChatState(posting=None, lang="es")


async def test_a_state_saved_and_then_forgotten_is_gone(question_log: QuestionLog) -> None:
    await question_log.save_chat_state(3, state(posting="unesco-clt"))
    await question_log.save_chat_state(4, state(posting="unep-car-rcu"))

    assert await question_log.forget(3) == 1
    assert await question_log.load_chat_state(3) is None
    await question_log.flush()
    assert await question_log.load_chat_state(3) is None
    assert await chat_state(question_log, 4) == ChatState(posting="unep-car-rcu")


async def test_forget_deletes_that_chats_records_queued_ones_and_state_only(
    question_log: QuestionLog,
) -> None:
    for i in range(3):
        question_log.log(record(f"mine {i}", chat_id=1))
        question_log.log(record(f"other {i}", chat_id=2))
    await question_log.flush()
    await question_log.save_chat_state(1, state(posting="unesco-clt"))
    question_log.log(record("mine, still queued", chat_id=1))

    assert await question_log.forget(1) == 3 + 1 + 1
    await question_log.flush()
    assert sorted(row.question for row in await question_log.export_rows()) == [
        "other 0",
        "other 1",
        "other 2",
    ]
    assert await question_log.load_chat_state(1) is None


async def test_purge_deletes_only_records_older_than_the_retention(
    question_log: QuestionLog,
) -> None:
    now = datetime.now(UTC)
    question_log.log(record("old", asked_at=now - timedelta(days=40)))
    question_log.log(record("recent", asked_at=now - timedelta(days=10)))
    question_log.log(record("today"))
    await question_log.flush()
    assert await question_log.purge_older_than(30) == 1
    assert [row.question for row in await question_log.export_rows()] == ["recent", "today"]


# --- admin queries --------------------------------------------------------------------


async def test_stats_count_the_period_by_status_posting_topic_and_language(
    question_log: QuestionLog,
) -> None:
    now = datetime.now(UTC)
    question_log.log(record("a"))
    question_log.log(record("b", status="fallback", posting=None, topic=None, lang="de"))
    question_log.log(record("Duration", kind="button", topic="duration"))
    question_log.log(record("too old", asked_at=now - timedelta(days=31)))
    await question_log.flush()
    stats = await question_log.stats(30)
    assert (stats.total, stats.questions, stats.button_presses, stats.answered) == (3, 2, 1, 2)
    assert stats.answered_share == pytest.approx(2 / 3)
    assert stats.avg_latency_ms == pytest.approx(4.5)
    assert [(c.key, c.count) for c in stats.by_status] == [("answered", 2), ("fallback", 1)]
    assert [(c.key, c.count) for c in stats.by_posting] == [("unep-car-rcu", 2), (None, 1)]
    # Ties: no topic (None) first, then by name, as SQL's ORDER BY count DESC, topic.
    assert [(c.key, c.count) for c in stats.by_topic] == [
        (None, 1),
        ("duration", 1),
        ("salary", 1),
    ]
    assert [(c.key, c.count) for c in stats.by_lang] == [("en", 2), ("de", 1)]


async def test_stats_of_an_empty_log_are_zero(question_log: QuestionLog) -> None:
    stats = await question_log.stats(30)
    assert (stats.total, stats.answered_share, stats.avg_latency_ms) == (0, 0.0, 0.0)
    assert stats.by_status == ()


async def test_unanswered_groups_similar_wordings_with_the_likely_posting_and_topic(
    question_log: QuestionLog,
) -> None:
    for text, status, posting, topic, score in [
        ("Is there a housing allowance?", "fallback", "unep-car-rcu", None, 0.0),
        ("is there a HOUSING allowance", "not_stated", "unep-car-rcu", "benefits", 80.0),
        ("Is there a housing allowance ??", "clarify", None, "benefits", 60.0),
        ("Gibt es Zuschüsse für Kinder?", "fallback", "unesco-clt", None, 0.0),
        ("How long is the contract?", "answered", "unesco-clt", "duration", 60.0),
        ("What is the salary?", "answered", "unesco-clt", "salary", 95.0),
    ]:
        question_log.log(record(text, status=status, posting=posting, topic=topic, score=score))
    question_log.log(record("Benefits", kind="button", status="fallback"))
    await question_log.flush()

    groups = await question_log.unanswered(30)

    assert [group.count for group in groups] == [3, 1, 1]
    housing = groups[0]
    assert housing.likely_posting == "unep-car-rcu"
    assert housing.likely_topic == "benefits"
    assert len(housing.wordings) == 3
    assert {c.key for c in housing.statuses} == {"fallback", "not_stated", "clarify"}
    assert {group.example for group in groups[1:]} == {
        "Gibt es Zuschüsse für Kinder?",
        "How long is the contract?",
    }
    assert [group.count for group in await question_log.unanswered(30, low_score=50.0)] == [3, 1]


async def test_small_talk_is_counted_by_status_but_never_left_unanswered(
    question_log: QuestionLog,
) -> None:
    question_log.log(record("thanks!", status="smalltalk", posting=None, topic=None, score=100.0))
    question_log.log(record("hi", status="smalltalk", posting=None, topic=None, score=100.0))
    question_log.log(record("weather in Berlin?", status="fallback", topic=None, score=0.0))
    await question_log.flush()
    assert [group.example for group in await question_log.unanswered(30)] == ["weather in Berlin?"]
    stats = await question_log.stats(30)
    assert {c.key: c.count for c in stats.by_status} == {"smalltalk": 2, "fallback": 1}


async def test_recent_returns_the_latest_records_newest_first(question_log: QuestionLog) -> None:
    now = datetime.now(UTC)
    for i in range(5):
        question_log.log(record(f"q{i}", asked_at=now - timedelta(minutes=5 - i)))
    await question_log.flush()
    assert [row.question for row in await question_log.recent(3)] == ["q4", "q3", "q2"]


async def test_export_keeps_every_field_and_filters_by_days(question_log: QuestionLog) -> None:
    now = datetime.now(UTC)
    question_log.log(record("old", asked_at=now - timedelta(days=40)))
    question_log.log(record("new", asked_at=now - timedelta(days=1)))
    await question_log.flush()
    assert [row.question for row in await question_log.export_rows(30)] == ["new"]
    old, new = await question_log.export_rows()
    assert (old.question, new.question) == ("old", "new")
    assert (new.channel, new.lang, new.kind, new.status) == (
        "telegram",
        "en",
        "question",
        "answered",
    )
    assert (new.posting, new.topic, new.score, new.latency_ms) == (
        "unep-car-rcu",
        "salary",
        92.0,
        4.5,
    )
    assert (new.suggestions, new.knowledge_version) == (("Duration", "Location"), "k1")
    assert new.asked_at.tzinfo is not None
    assert abs(new.asked_at - (now - timedelta(days=1))) < timedelta(milliseconds=1)


async def test_both_logs_give_the_same_answers_to_the_same_records(tmp_path: Path) -> None:
    """The whole read side compared field by field (ids aside, which only order)."""
    sqlite_log = await open_store(tmp_path / "log.sqlite3")
    memory_log = MemoryQuestionLog(SECRET.encode("utf-8"))
    now = datetime.now(UTC)
    try:
        for log in (sqlite_log, memory_log):
            for i in range(30):
                log.log(
                    record(
                        f"question {i % 7}",
                        chat_id=i % 4,
                        status=("answered", "fallback", "not_stated")[i % 3],
                        posting=(None, "unesco-clt", "unep-car-rcu")[i % 3],
                        topic=(None, "salary", "duration", "languages")[i % 4],
                        score=float(i * 3),
                        lang=("en", "de")[i % 2],
                        kind=("question", "button")[i % 5 == 0],
                        asked_at=now - timedelta(hours=i * 30),
                    )
                )
            await log.flush()
            await log.forget(3)
        for days in (1, 10, 60):
            assert _same_since(await sqlite_log.stats(days)) == _same_since(
                await memory_log.stats(days)
            )
            assert await sqlite_log.unanswered(days) == await memory_log.unanswered(days)
            assert _no_ids(await sqlite_log.export_rows(days)) == _no_ids(
                await memory_log.export_rows(days)
            )
        assert _no_ids(await sqlite_log.recent(8)) == _no_ids(await memory_log.recent(8))
    finally:
        await sqlite_log.close()


def _same_since(stats: LogStats) -> LogStats:
    """The figures without the moment they were taken (each call reads the clock)."""
    return replace(stats, since=EPOCH)


def _no_ids(rows: tuple[LoggedQuestion, ...]) -> list[LoggedQuestion]:
    """Ids only order the rows; each log numbers its own, and draws its own random
    session keys: links become positions in the list, sessions their order of first use."""
    position = {row.id: number for number, row in enumerate(rows)}
    sessions: dict[str | None, int] = {}
    for row in rows:
        sessions.setdefault(row.session, len(sessions))

    def linked(id_: int | None) -> int | None:
        return None if id_ is None else position.get(id_, -1)

    return [
        replace(
            row,
            id=0,
            session=str(sessions[row.session]),
            follows=linked(row.follows),
            offered_by=linked(row.offered_by),
        )
        for row in rows
    ]


# --- the in-memory log's bounds -------------------------------------------------------


async def test_the_memory_log_keeps_the_latest_records_and_states_within_its_bounds() -> None:
    log = MemoryQuestionLog(max_records=3, max_states=2)
    for i in range(5):
        log.log(record(f"q{i}"))
    for chat_id in range(3):
        await log.save_chat_state(chat_id, state(posting=f"p{chat_id}"))
    assert [row.question for row in await log.export_rows()] == ["q2", "q3", "q4"]
    assert await log.load_chat_state(0) is None
    assert await log.load_chat_state(2) == state(posting="p2")
    assert log.health.dropped == 2 + 1


# --- choosing the log at start-up -----------------------------------------------------


def settings_for(database: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "database_path": database,
        "log_hash_secret": SECRET,
        "log_encryption_key": KEY,
    }
    values.update(changes)
    return load_settings(_env_file=None, **values)  # type: ignore[arg-type]


async def test_start_up_opens_the_sqlite_log_when_the_database_opens(tmp_path: Path) -> None:
    log = await open_question_log(settings_for(tmp_path / "log.sqlite3"))
    try:
        assert isinstance(log, Store)
    finally:
        await log.close()
    assert (tmp_path / "log.sqlite3").is_file()


async def test_start_up_falls_back_to_memory_with_one_error_line_when_the_database_fails(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "a-folder-not-a-file"
    folder.mkdir()
    log = await open_question_log(settings_for(folder))
    assert isinstance(log, MemoryQuestionLog)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert str(folder) in errors[0]
    assert "answering without it" in errors[0]
    # The chat keys are the SQLite store's, so log lines name a chat the same way.
    store = await open_store(tmp_path / "other.sqlite3")
    try:
        assert log.chat_key(5) == store.chat_key(5)
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"log_hash_secret": None}, MissingSecretError),
        # A malformed key is refused even earlier, when the settings are read.
        ({"log_encryption_key": "not-a-key"}, ConfigError),
    ],
)
async def test_start_up_stops_on_a_missing_or_malformed_secret_even_when_the_database_fails(
    tmp_path: Path, changes: dict[str, object], error: type[Exception]
) -> None:
    folder = tmp_path / "a-folder-not-a-file"
    folder.mkdir()
    with pytest.raises(error):
        await open_question_log(settings_for(folder, **changes))
    with pytest.raises(error):
        await open_question_log(settings_for(tmp_path / "log.sqlite3", **changes))


async def test_start_up_stops_on_a_wrong_key(tmp_path: Path) -> None:
    await (await open_store(tmp_path / "log.sqlite3")).close()
    other_key = settings_for(tmp_path / "log.sqlite3", log_encryption_key=new_encryption_key())
    with pytest.raises(WrongKeyError):
        await open_question_log(other_key)
