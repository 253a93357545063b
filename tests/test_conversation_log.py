"""Conversation review in the log: richer turns (postings, topics, lead) and their links
(session, previous turn, the turn whose reply offered a pressed button), in both logs,
across restarts, from older databases, in the exports and from the terminal chat."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from cryptography.fernet import Fernet

from bot.config import load_settings
from bot.engine.answers import Answer, Reply
from bot.questionlog.interface import QuestionLog
from bot.questionlog.migrations import MIGRATIONS, apply_migrations
from bot.questionlog.records import HELPFUL, SESSION_GAP, UNHELPFUL
from bot.questionlog.views import QUESTION_FIELDS, questions_view
from bot.reply_record import lead_of, record_of_reply
from bot.serving import KnowledgeService
from bot.terminal import run_chat
from tests.conftest import KNOWLEDGE_DIR
from tests.questionlog_helpers import KEY, SECRET, open_store, record

START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


async def rows_of(log: QuestionLog) -> list:
    await log.flush()
    return list(await log.export_rows())


# --- richer turns ---------------------------------------------------------------------


async def test_a_turn_keeps_its_postings_topics_and_lead(question_log: QuestionLog) -> None:
    question_log.log(
        record(
            "Compare the duration of both",
            postings=("unep-car-rcu", "unesco-clt"),
            topics=("duration",),
            lead="Both last 2 years.",
        )
    )
    [row] = await rows_of(question_log)
    assert row.postings == ("unep-car-rcu", "unesco-clt")
    assert row.topics == ("duration",)
    assert row.lead == "Both last 2 years."


async def test_the_lead_is_encrypted_at_rest_like_the_question(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    store.log(record("Do I need Spanish?", lead="No — English is essential."))
    await store.close()
    files = [path, path.with_name(path.name + "-wal")]
    raw = b"".join(file.read_bytes() for file in files if file.exists())
    assert b"English is essential" not in raw and b"Do I need Spanish" not in raw
    with sqlite3.connect(path) as db:
        [(token,)] = db.execute("SELECT lead FROM questions").fetchall()
    assert Fernet(KEY).decrypt(token) == "No — English is essential.".encode()


def test_the_record_of_a_reply_names_every_posting_topic_and_lead() -> None:
    single = Reply("answered", Answer("Duration", lead="2 years."), posting="p1", topic="duration")
    several = Reply(
        "answered",
        Answer(
            "Two answers",
            parts=(Answer("Duration", lead="2 years."), Answer("Languages", lead="English.")),
        ),
        postings=("p1", "p2"),
        topics=("duration", "languages"),
    )
    menu = Reply("clarify", Answer("Which posting?"))

    def of(reply: Reply) -> tuple:
        made = record_of_reply(
            reply,
            channel="cli",
            chat_id=1,
            lang="en",
            question="q",
            kind="question",
            latency_ms=1.0,
            knowledge_version="k",
        )
        return made.postings, made.topics, made.lead

    assert of(single) == (("p1",), ("duration",), "2 years.")
    assert of(several) == (("p1", "p2"), ("duration", "languages"), "2 years. · English.")
    assert of(menu) == ((), (), None)
    assert lead_of(Answer("h", lead="  two\n lines ")) == "two lines"


# --- links ------------------------------------------------------------------------------


async def test_turns_within_the_session_gap_share_a_session_and_follow_each_other(
    question_log: QuestionLog,
) -> None:
    gap = SESSION_GAP.total_seconds() / 60
    minutes = [0, 10, 10 + gap, 10 + 2 * gap + 1 / 60, 200]
    for number, minute in enumerate(minutes):
        question_log.log(record(f"q{number}", chat_id=7, asked_at=at(minute)))
    question_log.log(record("another chat", chat_id=8, asked_at=at(5)))
    rows = {row.question: row for row in await rows_of(question_log)}
    q0, q1, q2, q3, q4 = (rows[f"q{n}"] for n in range(5))
    assert q0.session == q1.session == q2.session  # 30 minutes exactly: still the session
    assert q3.session not in (None, q2.session)  # 30 minutes and 1 second of silence
    assert q4.session not in (q3.session, q0.session)
    assert [q.follows for q in (q0, q1, q2, q3, q4)] == [None, q0.id, q1.id, None, None]
    other = rows["another chat"]
    assert other.session not in {q.session for q in (q0, q1, q2, q3, q4)}
    assert other.follows is None


async def test_a_button_press_links_to_the_turn_whose_reply_carried_the_button(
    question_log: QuestionLog,
) -> None:
    log = question_log
    log.log(record("Which posting?", status="clarify", reply_message_id=11, asked_at=at(0)))
    log.log(
        record("UNESCO", kind="button", pressed_message_id=11, reply_message_id=12, asked_at=at(1))
    )
    log.log(record("How long?", reply_message_id=13, asked_at=at(2)))
    # A button on an older message, and one on a menu that was never logged as a turn.
    log.log(
        record(
            "Languages", kind="button", pressed_message_id=12, reply_message_id=14, asked_at=at(3)
        )
    )
    log.log(
        record("UNEP", kind="button", pressed_message_id=5, reply_message_id=15, asked_at=at(4))
    )
    # Another chat pressing a message with the same id (ids are per chat on Telegram).
    log.log(record("Other", chat_id=99, kind="button", pressed_message_id=11, asked_at=at(5)))
    rows = {row.question: row for row in await rows_of(log)}
    assert rows["UNESCO"].offered_by == rows["Which posting?"].id
    assert rows["Languages"].offered_by == rows["UNESCO"].id
    assert rows["Languages"].follows == rows["How long?"].id
    assert rows["UNEP"].offered_by is None
    assert rows["Other"].offered_by is None
    assert rows["Which posting?"].offered_by is None


async def test_the_links_hold_across_a_restart_of_the_store(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    first = await open_store(path)
    first.log(record("Before the restart", reply_message_id=40, asked_at=at(0)))
    await first.close()
    second = await open_store(path)
    second.log(record("Pressed after", kind="button", pressed_message_id=40, asked_at=at(3)))
    before, after = await rows_of(second)
    await second.close()
    assert after.session == before.session
    assert after.follows == after.offered_by == before.id


async def test_forget_and_purge_leave_the_other_chats_links_intact(
    question_log: QuestionLog,
) -> None:
    question_log.log(record("mine", chat_id=1, reply_message_id=3, asked_at=at(0)))
    question_log.log(record("theirs", chat_id=2, reply_message_id=3, asked_at=at(1)))
    await question_log.flush()
    await question_log.forget(1)
    question_log.log(
        record("pressed", chat_id=2, kind="button", pressed_message_id=3, asked_at=at(2))
    )
    question_log.log(record("mine again", chat_id=1, asked_at=at(3)))
    rows = {row.question: row for row in await rows_of(question_log)}
    assert rows["pressed"].offered_by == rows["theirs"].id
    assert rows["mine again"].follows is None  # the forgotten turn links nothing


# --- older databases ----------------------------------------------------------------------


async def test_an_older_log_gains_the_columns_and_its_sessions_and_previous_turns(
    db_path: Path,
) -> None:
    db_path.parent.mkdir(parents=True)
    # The database as it was just before this migration (later ones, e.g. hand-offs, follow).
    before = [migration.name for migration in MIGRATIONS].index("add_conversation_links")
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS[:before]) == before
        token = Fernet(KEY).encrypt(b"Written before conversation links")
        times = [("a", 0), ("a", 20), ("b", 25), ("a", 45), ("a", 200)]
        for number, (chat, minute) in enumerate(times, start=1):
            stamp = (at(minute).replace(tzinfo=None)).isoformat(sep=" ", timespec="milliseconds")
            await db.execute(
                "INSERT INTO questions (id, asked_at, channel, chat_key, lang, kind, question, "
                "status, posting, topic, score, suggestions, latency_ms, knowledge_version) "
                "VALUES (?, ?, 'telegram', ?, 'en', 'question', ?, 'answered', NULL, NULL, "
                "90.0, '[]', 1.0, 'k0')",
                (number, stamp, chat, token),
            )

    store = await open_store(db_path)
    try:
        rows = {row.id: row for row in await store.export_rows()}
        store.log(record("New turn", chat_id=4242, asked_at=at(300)))
        await store.flush()
    finally:
        await store.close()
    assert [rows[n].follows for n in (1, 2, 3, 4, 5)] == [None, 1, None, 2, None]
    assert rows[1].session == rows[2].session == rows[4].session == "m1"
    assert rows[3].session == "m3" and rows[5].session == "m5"
    assert all(row.postings == () and row.lead is None for row in rows.values())
    assert rows[1].question == "Written before conversation links"
    with sqlite3.connect(db_path) as db:
        names = [row[0] for row in db.execute("SELECT name FROM schema_migrations ORDER BY number")]
    assert names[before] == "add_conversation_links"
    assert names == [migration.name for migration in MIGRATIONS]


# --- exports ----------------------------------------------------------------------------


async def test_the_exports_carry_the_feedback_and_the_conversation_fields(
    question_log: QuestionLog,
) -> None:
    question_log.log(record("Helpful one", reply_key="k-up", reply_message_id=1, asked_at=at(0)))
    question_log.log(record("Unhelpful one", reply_key="k-down", lead="2 years.", asked_at=at(1)))
    question_log.log(record("Not rated", kind="button", pressed_message_id=1, asked_at=at(2)))
    await question_log.flush()
    await question_log.give_feedback(4242, "k-up", HELPFUL)
    await question_log.give_feedback(4242, "k-down", UNHELPFUL)
    rows = await rows_of(question_log)

    parsed = list(csv.DictReader(io.StringIO(questions_view(rows, "csv"))))
    assert [row["feedback"] for row in parsed] == ["up", "down", ""]
    assert parsed[1]["lead"] == "2 years."
    assert parsed[2]["offered_by"] == parsed[0]["id"] and parsed[2]["follows"] == parsed[1]["id"]
    assert parsed[0]["session"] == parsed[2]["session"] != ""
    assert parsed[0]["topics"] == "" and parsed[0]["follows"] == ""

    exported = json.loads(questions_view(rows, "json"))
    assert [row["feedback"] for row in exported] == ["up", "down", None]
    assert set(exported[0]) == set(QUESTION_FIELDS)
    assert exported[2]["offered_by"] == exported[0]["id"]
    assert exported[1]["lead"] == "2 years."


# --- the terminal chat ------------------------------------------------------------------


def test_the_terminal_chat_links_a_picked_number_to_the_reply_that_offered_it(
    tmp_path: Path,
) -> None:
    import asyncio

    database = tmp_path / "log.sqlite3"
    settings = load_settings(
        _env_file=None,  # type: ignore[call-arg]
        database_path=database,
        log_hash_secret=SECRET,
        log_encryption_key=KEY,
    )
    out = io.StringIO()
    lines = ["what are the duties?", "2", "How long is the assignment?", "1"]
    assert run_chat(KnowledgeService.load(KNOWLEDGE_DIR), lines, out, settings=settings) == 0

    async def read() -> list:
        store = await open_store(database)
        try:
            return list(await store.export_rows())
        finally:
            await store.close()

    clarify, picked, question, picked_again = asyncio.run(read())
    assert (clarify.status, picked.kind, question.kind, picked_again.kind) == (
        "clarify",
        "button",
        "question",
        "button",
    )
    assert picked.offered_by == clarify.id
    assert picked_again.offered_by == question.id
    assert [picked.follows, question.follows, picked_again.follows] == [
        clarify.id,
        picked.id,
        question.id,
    ]
    assert len({row.session for row in (clarify, picked, question, picked_again)}) == 1
    assert question.lead  # "The posting does not say; …" or a direct answer
