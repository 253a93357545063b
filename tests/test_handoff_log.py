"""Hand-offs in the question log, table-driven over the SQLite store and the in-memory log:
kept until they end, found by their staff message, withdrawn by chat, purged by age; in
SQLite the chat id is a Fernet token, and a reopened file still knows them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.questionlog.digest import build_digest, digest_window
from bot.questionlog.digest_view import digest_text
from bot.questionlog.handoffs import AskedQuestion, HandoffDraft
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError
from tests.questionlog_helpers import open_store, record

CHAT = 4242
OTHER_CHAT = 5151
STAFF = -1009
DRAFT = HandoffDraft("de", "unep-car-rcu", "Wie hoch ist das Gehalt?", "Dazu sagt die …")


async def test_the_question_of_a_logged_reply_is_found_by_its_key_and_chat(
    question_log: QuestionLog,
) -> None:
    question_log.log(record("Wie hoch ist das Gehalt?", lang="de", reply_key="k-0123456789"))
    found = await question_log.asked_question(CHAT, "k-0123456789")
    assert found == AskedQuestion("Wie hoch ist das Gehalt?", "de", "unep-car-rcu")
    assert await question_log.asked_question(OTHER_CHAT, "k-0123456789") is None
    assert await question_log.asked_question(CHAT, "k-unknown-key") is None


async def test_a_hand_off_is_kept_posted_found_by_its_staff_message_and_closed(
    question_log: QuestionLog,
) -> None:
    opened = await question_log.open_handoff(CHAT, DRAFT)
    assert (opened.chat_id, opened.question, opened.staff_message_id) == (
        CHAT,
        DRAFT.question,
        None,
    )
    assert await question_log.handoff_at(STAFF, 77) is None  # not posted yet
    await question_log.handoff_sent(opened.number, STAFF, 77)
    found = await question_log.handoff_at(STAFF, 77)
    assert found is not None
    assert (found.number, found.chat_id, found.lang, found.posting) == (
        opened.number,
        CHAT,
        "de",
        "unep-car-rcu",
    )
    assert (found.question, found.answer) == (DRAFT.question, DRAFT.answer)
    assert await question_log.handoff_at(STAFF, 78) is None
    assert await question_log.close_handoff(opened.number) is True
    assert await question_log.close_handoff(opened.number) is False
    assert await question_log.handoff_at(STAFF, 77) is None
    assert await question_log.handoff(opened.number) is None


async def test_withdrawing_deletes_only_that_chats_hand_offs(question_log: QuestionLog) -> None:
    mine = [await question_log.open_handoff(CHAT, DRAFT) for _ in range(2)]
    theirs = await question_log.open_handoff(OTHER_CHAT, DRAFT)
    await question_log.handoff_sent(mine[0].number, STAFF, 5)
    withdrawn = await question_log.withdraw_handoffs(CHAT)
    assert [h.number for h in withdrawn] == [h.number for h in mine]
    assert withdrawn[0].staff_message_id == 5
    assert await question_log.withdraw_handoffs(CHAT) == ()
    assert await question_log.handoff(theirs.number) is not None


async def test_hand_offs_older_than_the_retention_are_purged(question_log: QuestionLog) -> None:
    kept = await question_log.open_handoff(CHAT, DRAFT)
    assert await question_log.purge_handoffs_older_than(1) == 0
    assert await question_log.purge_handoffs_older_than(-1) == 1  # a cutoff after now
    assert await question_log.handoff(kept.number) is None


async def test_the_sqlite_file_holds_the_chat_id_and_texts_only_encrypted(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    opened = await store.open_handoff(987654321, DRAFT)
    await store.handoff_sent(opened.number, STAFF, 42)
    await store.close()
    wal = path.with_name(path.name + "-wal")
    raw = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for secret in (b"987654321", DRAFT.question.encode(), DRAFT.answer.encode()):
        assert secret not in raw
    with sqlite3.connect(path) as db:
        [(chat, chat_key)] = db.execute("SELECT chat, chat_key FROM handoffs").fetchall()
    assert chat.startswith(b"gAAAAA")  # a Fernet token
    reopened = await open_store(path)  # a restart: the staff message still finds it
    try:
        found = await reopened.handoff_at(STAFF, 42)
        assert found is not None and found.chat_id == 987654321
        assert found.created_at <= datetime.now(UTC) + timedelta(seconds=1)
        assert chat_key == reopened.chat_key(987654321)
    finally:
        await reopened.close()


async def test_a_second_hand_off_at_the_same_staff_message_is_refused(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "log.sqlite3")
    try:
        first = await store.open_handoff(CHAT, DRAFT)
        second = await store.open_handoff(OTHER_CHAT, DRAFT)
        await store.handoff_sent(first.number, STAFF, 9)
        with pytest.raises(StoreError, match="writing a hand-off failed"):
            await store.handoff_sent(second.number, STAFF, 9)
    finally:
        await store.close()


async def test_a_delivered_answer_is_kept_without_the_chat_until_added_or_forgotten(
    question_log: QuestionLog,
) -> None:
    handoff = await question_log.open_handoff(CHAT, DRAFT)
    kept = await question_log.keep_staff_answer(handoff, "Die Vergütung folgt dem UN-Schema.")
    other = await question_log.keep_staff_answer(
        await question_log.open_handoff(OTHER_CHAT, DRAFT), "Gilt auch hier."
    )
    found = await question_log.staff_answer(kept)
    assert found is not None
    assert (found.question, found.answer, found.posting, found.lang) == (
        DRAFT.question,
        "Die Vergütung folgt dem UN-Schema.",
        "unep-car-rcu",
        "de",
    )
    assert await question_log.drop_staff_answer(kept) is True
    assert await question_log.drop_staff_answer(kept) is False
    assert await question_log.staff_answer(kept) is None
    await question_log.withdraw_handoffs(OTHER_CHAT)  # /forget takes the question along
    assert await question_log.staff_answer(other) is None


async def test_kept_answers_age_out_like_hand_offs(question_log: QuestionLog) -> None:
    handoff = await question_log.open_handoff(CHAT, DRAFT)
    await question_log.close_handoff(handoff.number)
    kept = await question_log.keep_staff_answer(handoff, "Antwort")
    assert await question_log.purge_handoffs_older_than(1) == 0
    assert await question_log.purge_handoffs_older_than(-1) == 1  # a cutoff after now
    assert await question_log.staff_answer(kept) is None


async def test_the_kept_answers_table_has_no_chat_id(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    store = await open_store(path)
    handoff = await store.open_handoff(987654321, DRAFT)
    await store.close_handoff(handoff.number)
    await store.keep_staff_answer(handoff, "Antwort")
    await store.close()
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(staff_answers)")]
        assert db.execute("SELECT count(*) FROM handoffs").fetchone()[0] == 0
    assert "chat" not in columns and "chat_key" in columns


async def test_the_daily_digest_counts_the_hand_offs_waiting_for_staff(
    question_log: QuestionLog,
) -> None:
    posted = await question_log.open_handoff(CHAT, DRAFT)
    await question_log.handoff_sent(posted.number, STAFF, 11)
    await question_log.open_handoff(OTHER_CHAT, DRAFT)  # not confirmed: staff never saw it
    answered = await question_log.open_handoff(OTHER_CHAT, DRAFT)
    await question_log.handoff_sent(answered.number, STAFF, 12)
    await question_log.close_handoff(answered.number)
    window = digest_window(date.today() - timedelta(days=1), UTC)

    figures = await question_log.digest_figures(window)

    assert figures.pending_handoffs == 1
    assert "1" in digest_text(build_digest(figures, window)).split("Hand-offs")[1].splitlines()[0]
