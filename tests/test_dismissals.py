"""Dismissed inbox groups: hidden from later unanswered views, on either log, and kept
as keyed hashes only."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.questionlog.interface import QuestionLog
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store

SECRET = new_hash_secret()
KEY = new_encryption_key()
NOW = datetime.now(UTC).replace(microsecond=0)


def _question(text: str, asked_at: datetime, chat_id: int = 7) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=chat_id,
        lang="en",
        question=text,
        kind="question",
        status="fallback",
        posting=None,
        topic=None,
        score=0.0,
        suggestions=(),
        latency_ms=1.0,
        knowledge_version="k1",
        asked_at=asked_at,
    )


@pytest.fixture(params=["sqlite", "memory"])
async def log(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[QuestionLog]:
    question_log: QuestionLog
    if request.param == "sqlite":
        question_log = await Store.open(
            tmp_path / "log.sqlite3", hash_secret=SECRET, encryption_key=KEY
        )
    else:
        question_log = MemoryQuestionLog(SECRET.encode())
    earlier = NOW - timedelta(minutes=5)
    question_log.log(_question("Can I bring my dog along?", earlier))
    question_log.log(_question("can i bring my dog along", earlier, chat_id=8))
    question_log.log(_question("Is snorkeling possible?", earlier))
    await question_log.flush()
    try:
        yield question_log
    finally:
        await question_log.close()


async def _examples(log: QuestionLog) -> list[tuple[int, str]]:
    return [(group.count, group.example) for group in await log.unanswered(30)]


async def test_a_dismissed_group_no_longer_shows(log: QuestionLog) -> None:
    [dog, _] = await log.unanswered(30)
    assert dog.count == 2

    await log.dismiss_wordings(dog.wordings, by="admin-1")

    assert await _examples(log) == [(1, "Is snorkeling possible?")]


async def test_a_wording_asked_again_after_its_dismissal_shows_again(log: QuestionLog) -> None:
    await log.dismiss_wordings(["Can I bring my dog along?"], by="admin-1")
    assert "dog" not in str(await _examples(log))

    log.log(_question("Can I bring my DOG along?", datetime.now(UTC) + timedelta(seconds=1)))
    await log.flush()

    assert (1, "Can I bring my DOG along?") in await _examples(log)


async def test_the_dismissal_survives_a_restart_and_keeps_no_text(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await Store.open(path, hash_secret=SECRET, encryption_key=KEY)
    store.log(_question("Can I bring my dog along?", NOW - timedelta(minutes=1)))
    await store.flush()
    await store.dismiss_wordings(["Can I bring my dog along?"], by="admin-1")
    await store.close()

    reopened = await Store.open(path, hash_secret=SECRET, encryption_key=KEY, read_only=True)
    try:
        assert await reopened.unanswered(30) == ()
    finally:
        await reopened.close()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM dismissed_wordings").fetchall()
    assert len(rows) == 1 and "dog" not in repr(rows).lower()
    assert rows[0][2] == "admin-1"


async def test_dismissals_that_can_hide_nothing_are_deleted(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "log.sqlite3", hash_secret=SECRET, encryption_key=KEY)
    try:
        store.log(_question("Can I bring my dog along?", NOW - timedelta(days=40)))
        await store.flush()
        dog = ["Can I bring my dog along?"]
        await store.dismiss_wordings(dog, by="admin-1", at=NOW - timedelta(days=39))
        await store.purge_older_than(30)  # retention: the dismissed question is gone
        store.log(_question("Is snorkeling possible?", NOW))
        await store.flush()

        await store.dismiss_wordings(["Is snorkeling possible?"], by="admin-1")

        with sqlite3.connect(tmp_path / "log.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM dismissed_wordings").fetchone() == (1,)
    finally:
        await store.close()
