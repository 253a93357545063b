"""The inbox keeps each Telegram update from its arrival until it is handled.

Both inboxes (the SQLite store's and the in-memory log's) keep one contract; the SQLite
one also survives the process, encrypts what it keeps and erases it once handled.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder

from bot.questionlog.inbox import InboxUpdate
from bot.questionlog.interface import QuestionLog
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import StoreError
from bot.telegram.receiver import Receiver
from tests.questionlog_helpers import open_store, record

SECRET_TEXT = "my salary expectation is 12345"


def update(update_id: int, chat_id: int | None = 7, text: str = "hello") -> InboxUpdate:
    payload = f'{{"update_id": {update_id}, "message": {{"text": "{text}"}}}}'
    return InboxUpdate(update_id, chat_id, payload)


@pytest.fixture(params=["sqlite", "memory"])
async def log(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[QuestionLog]:
    opened: QuestionLog = (
        await open_store(tmp_path / "log.sqlite3")
        if request.param == "sqlite"
        else MemoryQuestionLog()
    )
    yield opened
    await opened.close()


async def test_received_updates_are_pending_oldest_first(log: QuestionLog) -> None:
    new = await log.inbox.receive([update(12), update(10, chat_id=8), update(11)])
    assert new == {10, 11, 12}
    assert [u.update_id for u in await log.inbox.pending()] == [10, 11, 12]
    assert (await log.inbox.pending())[0] == update(10, chat_id=8)
    assert await log.inbox.last_update_id() == 12


async def test_a_redelivered_update_is_not_new_pending_or_done(log: QuestionLog) -> None:
    await log.inbox.receive([update(1), update(2)])
    await log.inbox.done(1)
    assert await log.inbox.receive([update(1), update(2), update(3)]) == {3}
    assert [u.update_id for u in await log.inbox.pending()] == [2, 3]


async def test_an_update_logged_with_its_record_is_done(log: QuestionLog) -> None:
    await log.inbox.receive([update(5), update(6)])
    log.log(record("What is the salary?", update_id=5))
    await log.flush()
    assert [u.update_id for u in await log.inbox.pending()] == [6]
    await log.inbox.done(6)  # an update that makes no record: a command, a sticker
    assert await log.inbox.pending() == ()


async def test_an_empty_inbox_has_no_last_update(log: QuestionLog) -> None:
    assert await log.inbox.last_update_id() is None
    assert await log.inbox.pending() == ()
    assert await log.inbox.receive([]) == frozenset()


# --- the SQLite inbox ---


async def test_pending_updates_survive_the_process_and_done_ones_do_not(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    await store.inbox.receive([update(1), update(2), update(3)])
    store.log(record("q", update_id=2))  # marked done in the record's own transaction
    await store.flush()
    await store.inbox.done(3)  # no record: a command or a sticker
    await store.close()
    reopened = await open_store(path)
    try:
        assert [u.update_id for u in await reopened.inbox.pending()] == [1]
        assert await reopened.inbox.last_update_id() == 3
    finally:
        await reopened.close()


async def test_the_record_and_its_done_mark_are_one_transaction(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    await store.inbox.receive([update(9)])
    store.log(record("q", update_id=9))
    await store.flush()
    await store.close()
    db = sqlite3.connect(path)
    try:
        [(rows,)] = db.execute("SELECT count(*) FROM questions").fetchall()
        [(done,)] = db.execute("SELECT count(*) FROM inbox WHERE done_at IS NOT NULL").fetchall()
    finally:
        db.close()
    assert (rows, done) == (1, 1)


async def test_payloads_are_encrypted_and_erased_with_the_chat_id_once_done(
    tmp_path: Path,
) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    await store.inbox.receive([update(1, chat_id=4242, text=SECRET_TEXT), update(2)])
    db = sqlite3.connect(path)
    try:
        [(payload, chat_id)] = db.execute(
            "SELECT payload, chat_id FROM inbox WHERE update_id = 1"
        ).fetchall()
        assert SECRET_TEXT.encode() not in payload and chat_id == 4242
        await store.inbox.done(1)
        [(payload, chat_id, done_at)] = db.execute(
            "SELECT payload, chat_id, done_at FROM inbox WHERE update_id = 1"
        ).fetchall()
        assert (payload, chat_id) == (None, None) and done_at is not None
    finally:
        db.close()
        await store.close()
    assert SECRET_TEXT.encode() not in path.read_bytes()


async def test_done_rows_older_than_a_day_are_pruned(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    await store.inbox.receive([update(1), update(2)])
    await store.inbox.done(1)
    await store.inbox.done(2)
    db = sqlite3.connect(path)
    try:
        db.execute("UPDATE inbox SET done_at = '2000-01-01 00:00:00.000' WHERE update_id = 1")
        db.commit()
        await store.inbox.receive([update(3)])
        ids = [row[0] for row in db.execute("SELECT update_id FROM inbox ORDER BY 1")]
    finally:
        db.close()
        await store.close()
    assert ids == [2, 3]


async def test_a_failed_store_raises_and_keeps_none_of_the_batch(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    db = sqlite3.connect(path)
    try:  # the second insert fails, as on a full disk
        db.execute(
            "CREATE TRIGGER full BEFORE INSERT ON inbox WHEN NEW.update_id = 2 "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
        db.commit()
        with pytest.raises(StoreError, match=r"incoming update.*disk is full"):
            await store.inbox.receive([update(1), update(2)])
        assert await store.inbox.pending() == ()
    finally:
        db.close()
        await store.close()


async def test_a_lone_surrogate_in_a_payload_is_kept_as_it_came(log: QuestionLog) -> None:
    odd = InboxUpdate(1, 7, '{"text": "\ud800"}')
    assert await log.inbox.receive([odd]) == {1}
    assert await log.inbox.pending() == (odd,)


async def test_an_unreadable_update_left_in_the_inbox_is_skipped_and_marked_done(
    tmp_path: Path,
) -> None:
    store = await open_store(tmp_path / "log.sqlite3")
    try:
        await store.inbox.receive([InboxUpdate(1, 7, "not json"), update(2)])
        await store.inbox.receive([InboxUpdate(3, None, '{"update_id": 3}')])
        app = ApplicationBuilder().token("123:TEST").build()
        assert await Receiver(app, store.inbox, asyncio.Event()).replay() == 1
        assert (await app.update_queue.get()).update_id == 3
        assert [u.update_id for u in await store.inbox.pending()] == [3]
    finally:
        await store.close()
