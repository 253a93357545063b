"""The question log on real SQLite files: schema, writing, privacy, failures, queries."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest
from cryptography.fernet import Fernet

from bot.engine.state import ChatState
from bot.questionlog.store import (
    MIGRATIONS,
    Migration,
    MigrationError,
    MissingSecretError,
    QuestionRecord,
    Store,
    StoreError,
    WrongKeyError,
    apply_migrations,
    new_encryption_key,
    new_hash_secret,
    normalise_wording,
    user_version,
)

REPO = Path(__file__).resolve().parents[1]
KEY = new_encryption_key()
SECRET = new_hash_secret()


def record(question: str = "What is the salary?", **changes: object) -> QuestionRecord:
    base = QuestionRecord(
        channel="telegram",
        chat_id=4242,
        lang="en",
        question=question,
        kind="question",
        status="answered",
        posting="unep-car-rcu",
        topic="salary",
        score=92.0,
        suggestions=("Duration", "Location"),
        latency_ms=4.5,
        knowledge_version="k1",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def open_store(path: Path, **options: object) -> Store:
    return await Store.open(path, hash_secret=SECRET, encryption_key=KEY, **options)  # type: ignore[arg-type]


def count_rows(path: Path, table: str = "questions") -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def wait_until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "log.sqlite3"


@pytest.fixture
async def store(db_path: Path):  # type: ignore[no-untyped-def]
    opened = await open_store(db_path)
    yield opened
    await opened.close()


# --- schema ---------------------------------------------------------------------------


async def test_open_creates_the_folder_and_applies_every_migration(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"meta", "questions", "chat_states", "questions_by_chat"} <= tables


async def test_the_log_runs_in_wal_mode(store: Store, db_path: Path) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_migrating_from_version_1_keeps_the_records(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS[:1]) == 1
        token = Fernet(KEY).encrypt(b"Written by version 1")
        await db.execute(
            "INSERT INTO questions VALUES "
            "(1, '2030-01-01 10:00:00.000', 'telegram', 'k', 'en', 'question', ?, "
            "'fallback', NULL, NULL, 0.0, '[]', 1.0, 'k0')",
            (token,),
        )

    store = await open_store(db_path)
    try:
        [row] = await store.recent(5)
        await store.save_chat_state(1, ChatState(posting="unesco-clt"))
    finally:
        await store.close()
    assert row.question == "Written by version 1"
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


async def test_failing_migration_rolls_back(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    broken = Migration(
        "half_done", ("CREATE TABLE half_done (x)", "INSERT INTO no_such_table VALUES (1)")
    )
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        with pytest.raises(MigrationError, match="half_done"):
            await apply_migrations(db, (*MIGRATIONS, broken))
        assert await user_version(db) == len(MIGRATIONS)
        tables = {row[0] for row in await db.execute_fetchall("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert "questions" in tables


async def test_a_database_newer_than_the_program_is_refused_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer than this program"):
        await open_store(db_path)
    assert db_path.read_bytes() == before


# --- writing --------------------------------------------------------------------------


async def test_log_and_flush_write_exactly_n_rows(store: Store, db_path: Path) -> None:
    for i in range(250):
        store.log(record(f"question {i}"))
    await store.flush()
    assert count_rows(db_path) == 250
    assert [row.question for row in await store.export_rows()] == [
        f"question {i}" for i in range(250)
    ]
    assert store.health.written == 250
    assert store.health.pending == 0


async def test_concurrent_logging_from_many_tasks_loses_and_duplicates_nothing(
    store: Store, db_path: Path
) -> None:
    async def chat(chat_id: int) -> None:
        for i in range(20):
            store.log(record(f"chat {chat_id} question {i}", chat_id=chat_id))
            await asyncio.sleep(0)

    await asyncio.gather(*(chat(chat_id) for chat_id in range(100)))
    await store.flush()
    texts = [row.question for row in await store.export_rows()]
    assert len(texts) == 2000
    assert set(texts) == {f"chat {c} question {i}" for c in range(100) for i in range(20)}


async def test_close_writes_what_is_still_queued(db_path: Path) -> None:
    store = await open_store(db_path)
    for i in range(500):
        store.log(record(f"question {i}"))
    await store.close()
    assert count_rows(db_path) == 500


async def test_a_record_logged_after_close_is_dropped_without_raising(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    store.log(record())
    assert store.health.dropped == 1
    assert count_rows(db_path) == 0


async def test_button_presses_are_stored_as_such(store: Store) -> None:
    store.log(record("Duration", kind="button"))
    await store.flush()
    [row] = await store.recent(1)
    assert (row.kind, row.question) == ("button", "Duration")


# --- privacy and keys -----------------------------------------------------------------


async def test_the_files_never_hold_the_raw_chat_id_or_the_question_text(db_path: Path) -> None:
    chat_id = 987654321012
    question = "Unmistakable question about housing in Nairobi"
    store = await open_store(db_path)
    store.log(record(question, chat_id=chat_id))
    await store.flush()
    await store.save_chat_state(chat_id, ChatState(pending_question="a pending secret wording"))
    [row] = await store.recent(1)
    await store.close()

    data = b"".join(path.read_bytes() for path in db_path.parent.iterdir())
    assert str(chat_id).encode() not in data
    assert question.encode() not in data
    assert b"pending secret wording" not in data
    expected = hmac.new(SECRET.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]
    assert row.chat_key == expected
    assert row.question == question


async def test_a_wrong_key_is_detected_at_open_and_the_data_stays_intact(db_path: Path) -> None:
    store = await open_store(db_path)
    store.log(record("kept safe"))
    await store.close()
    before = db_path.read_bytes()

    with pytest.raises(WrongKeyError, match="LOG_ENCRYPTION_KEY does not match"):
        await Store.open(db_path, hash_secret=SECRET, encryption_key=new_encryption_key())
    with pytest.raises(WrongKeyError, match="LOG_HASH_SECRET does not match"):
        await Store.open(db_path, hash_secret=new_hash_secret(), encryption_key=KEY)

    assert db_path.read_bytes() == before
    store = await open_store(db_path)
    assert [row.question for row in await store.recent(5)] == ["kept safe"]
    await store.close()


async def test_a_row_written_with_another_key_gives_a_clear_error(
    store: Store, db_path: Path
) -> None:
    store.log(record("mine"))
    await store.flush()
    foreign = Fernet(new_encryption_key()).encrypt(b"theirs")
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE questions SET question = ?", (foreign,))
    with pytest.raises(WrongKeyError, match="does not match the key the log was written with"):
        await store.recent(1)
    assert count_rows(db_path) == 1


@pytest.mark.parametrize(
    ("secret", "key", "variable"),
    [
        (SECRET, "", "LOG_ENCRYPTION_KEY is not set"),
        (SECRET, "not-a-fernet-key", "LOG_ENCRYPTION_KEY is not a valid Fernet key"),
        ("", KEY, "LOG_HASH_SECRET is not set"),
        ("short", KEY, "LOG_HASH_SECRET is too short"),
    ],
)
async def test_a_missing_or_malformed_secret_gives_a_clear_error_and_no_file(
    db_path: Path, secret: str, key: str, variable: str
) -> None:
    with pytest.raises(MissingSecretError, match=variable):
        await Store.open(db_path, hash_secret=secret, encryption_key=key)
    assert not db_path.exists()


async def test_read_only_open_of_a_missing_file_is_a_clear_error(db_path: Path) -> None:
    with pytest.raises(StoreError, match="no question log at"):
        await open_store(db_path, read_only=True)
    assert not db_path.parent.exists()


# --- failures -------------------------------------------------------------------------


async def test_a_read_only_database_leaves_log_silent_and_logs_the_error(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await (await open_store(db_path)).close()
    store = await open_store(db_path, read_only=True, close_timeout=0.3)
    caplog.set_level(logging.ERROR, logger="bot.questionlog.store")

    store.log(record("a question that must not reach the log output", chat_id=55501))

    await wait_until(lambda: store.health.write_errors >= 1)
    assert store.health.pending == 1
    await store.close()
    assert store.health.dropped == 1
    messages = "\n".join(entry.getMessage() for entry in caplog.records)
    assert "readonly database" in messages
    assert str(db_path) in messages
    assert "must not reach" not in messages
    assert "55501" not in messages
    assert count_rows(db_path) == 0


async def test_a_locked_database_keeps_the_records_and_writes_them_once_free(
    db_path: Path,
) -> None:
    store = await open_store(db_path, busy_timeout_ms=50)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        for i in range(10):
            store.log(record(f"question {i}"))
        await wait_until(lambda: store.health.write_errors >= 1)
        assert store.health.pending == 10
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await asyncio.wait_for(store.flush(), 5)
    await store.close()
    assert count_rows(db_path) == 10
    assert store.health.dropped == 0


async def test_beyond_max_pending_the_oldest_records_are_dropped_and_counted(
    db_path: Path,
) -> None:
    store = await open_store(db_path, busy_timeout_ms=20, max_pending=5)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        for i in range(20):
            store.log(record(f"question {i}"))
        await wait_until(lambda: store.health.write_errors >= 1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await asyncio.wait_for(store.flush(), 5)
    texts = [row.question for row in await store.export_rows()]
    await store.close()
    assert texts == [f"question {i}" for i in range(15, 20)]
    assert store.health.dropped == 15


def test_a_killed_writer_leaves_a_clean_database_with_every_committed_row(
    db_path: Path,
) -> None:
    child = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from bot.questionlog.store import QuestionRecord, Store\n"
        "async def main():\n"
        "    store = await Store.open(Path(sys.argv[1]), hash_secret=sys.argv[2],\n"
        "                             encryption_key=sys.argv[3])\n"
        "    i = 0\n"
        "    while True:\n"
        "        for _ in range(50):\n"
        "            store.log(QuestionRecord('cli', 7, 'en', f'burst {i}', 'question',\n"
        "                'fallback', None, None, 0.0, (), 1.0, 'k'))\n"
        "            i += 1\n"
        "        await store.flush()\n"
        "        print(i, flush=True)\n"
        "asyncio.run(main())\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", child, str(db_path), SECRET, KEY],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    committed = 0
    try:
        deadline = time.monotonic() + 30
        assert process.stdout is not None
        while committed < 2000 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            committed = int(line)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert committed >= 2000, "the child did not commit records in time"

    async def reopen() -> list[str]:
        store = await open_store(db_path)
        try:
            return [row.question for row in await store.export_rows()]
        finally:
            await store.close()

    texts = asyncio.run(reopen())
    assert len(texts) >= committed
    assert texts == [f"burst {i}" for i in range(len(texts))]
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- chat state, forget, purge --------------------------------------------------------


async def test_a_chat_state_round_trips_and_an_unknown_chat_has_none(store: Store) -> None:
    state = ChatState(posting="unesco-clt", lang="de", pending_question="Wie lange?")
    await store.save_chat_state(77, state)
    await store.save_chat_state(77, state.with_posting("unep-car-rcu"))
    assert await store.load_chat_state(77) == ChatState(posting="unep-car-rcu", lang="de")
    assert await store.load_chat_state(78) is None


async def test_a_saved_state_is_loaded_back_before_the_writer_has_written_it(
    db_path: Path,
) -> None:
    store = await open_store(db_path, busy_timeout_ms=20)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        await store.save_chat_state(5, ChatState(posting="unesco-clt", lang="fr"))
        await wait_until(lambda: store.health.write_errors >= 1)
        assert store.health.pending_states == 1
        assert await store.load_chat_state(5) == ChatState(posting="unesco-clt", lang="fr")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await asyncio.wait_for(store.flush(), 5)
    assert store.health.pending_states == 0
    assert count_rows(db_path, "chat_states") == 1
    await store.close()


async def test_the_latest_queued_state_of_a_chat_wins_and_flush_writes_it(
    store: Store, db_path: Path
) -> None:
    for posting in ("unesco-clt", "unep-car-rcu", None):
        await store.save_chat_state(9, ChatState(posting=posting, lang="es"))
    await store.flush()
    assert count_rows(db_path, "chat_states") == 1
    assert await store.load_chat_state(9) == ChatState(posting=None, lang="es")


async def test_close_writes_the_queued_states(db_path: Path) -> None:
    store = await open_store(db_path)
    for chat_id in range(50):
        await store.save_chat_state(chat_id, ChatState(posting=f"posting-{chat_id}"))
    await store.close()
    assert count_rows(db_path, "chat_states") == 50
    store = await open_store(db_path)
    try:
        assert await store.load_chat_state(49) == ChatState(posting="posting-49")
    finally:
        await store.close()


async def test_a_state_saved_and_then_forgotten_is_gone(store: Store, db_path: Path) -> None:
    await store.save_chat_state(3, ChatState(posting="unesco-clt"))
    await store.save_chat_state(4, ChatState(posting="unep-car-rcu"))

    assert await store.forget(3) == 1
    assert await store.load_chat_state(3) is None
    await store.flush()
    assert await store.load_chat_state(3) is None
    assert count_rows(db_path, "chat_states") == 1


async def test_saving_a_state_on_a_failing_database_never_raises_and_logs_the_error(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await (await open_store(db_path)).close()
    store = await open_store(db_path, read_only=True, close_timeout=0.3)
    caplog.set_level(logging.ERROR, logger="bot.questionlog.store")

    await store.save_chat_state(55502, ChatState(pending_question="a state to keep quiet"))

    await wait_until(lambda: store.health.write_errors >= 1)
    assert await store.load_chat_state(55502) == ChatState(pending_question="a state to keep quiet")
    await store.close()
    assert store.health.dropped == 1
    messages = "\n".join(entry.getMessage() for entry in caplog.records)
    assert "readonly database" in messages
    assert str(db_path) in messages
    assert "keep quiet" not in messages
    assert "55502" not in messages
    assert count_rows(db_path, "chat_states") == 0


async def test_a_state_saved_after_close_is_dropped_without_raising(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    await store.save_chat_state(1, ChatState())
    assert store.health.dropped == 1
    assert count_rows(db_path, "chat_states") == 0


async def test_forget_deletes_that_chats_records_queued_ones_and_state_only(
    store: Store, db_path: Path
) -> None:
    for i in range(3):
        store.log(record(f"mine {i}", chat_id=1))
        store.log(record(f"other {i}", chat_id=2))
    await store.flush()
    await store.save_chat_state(1, ChatState(posting="unesco-clt"))
    store.log(record("mine, still queued", chat_id=1))

    assert await store.forget(1) == 3 + 1 + 1
    await store.flush()
    assert sorted(row.question for row in await store.export_rows()) == [
        "other 0",
        "other 1",
        "other 2",
    ]
    assert await store.load_chat_state(1) is None


async def test_purge_deletes_only_records_older_than_the_retention(store: Store) -> None:
    now = datetime.now(UTC)
    store.log(record("old", asked_at=now - timedelta(days=40)))
    store.log(record("recent", asked_at=now - timedelta(days=10)))
    store.log(record("today"))
    await store.flush()
    assert await store.purge_older_than(30) == 1
    assert [row.question for row in await store.export_rows()] == ["recent", "today"]


# --- admin queries --------------------------------------------------------------------


async def test_stats_count_the_period_by_status_posting_topic_and_language(store: Store) -> None:
    now = datetime.now(UTC)
    store.log(record("a"))
    store.log(record("b", status="fallback", posting=None, topic=None, lang="de"))
    store.log(record("Duration", kind="button", topic="duration"))
    store.log(record("too old", asked_at=now - timedelta(days=31)))
    await store.flush()
    stats = await store.stats(30)
    assert (stats.total, stats.questions, stats.button_presses, stats.answered) == (3, 2, 1, 2)
    assert stats.answered_share == pytest.approx(2 / 3)
    assert {(c.key, c.count) for c in stats.by_status} == {("answered", 2), ("fallback", 1)}
    assert {(c.key, c.count) for c in stats.by_posting} == {("unep-car-rcu", 2), (None, 1)}
    assert {(c.key, c.count) for c in stats.by_topic} == {
        ("salary", 1),
        ("duration", 1),
        (None, 1),
    }
    assert [(c.key, c.count) for c in stats.by_lang] == [("en", 2), ("de", 1)]


async def test_unanswered_groups_similar_wordings_with_the_likely_posting_and_topic(
    store: Store,
) -> None:
    for text, status, posting, topic, score in [
        ("Is there a housing allowance?", "fallback", "unep-car-rcu", None, 0.0),
        ("is there a HOUSING allowance", "not_stated", "unep-car-rcu", "benefits", 80.0),
        ("Is there a housing allowance ??", "clarify", None, "benefits", 60.0),
        ("Gibt es Zuschüsse für Kinder?", "fallback", "unesco-clt", None, 0.0),
        ("How long is the contract?", "answered", "unesco-clt", "duration", 60.0),
        ("What is the salary?", "answered", "unesco-clt", "salary", 95.0),
    ]:
        store.log(record(text, status=status, posting=posting, topic=topic, score=score))
    store.log(record("Benefits", kind="button", status="fallback"))
    await store.flush()

    groups = await store.unanswered(30)

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


async def test_recent_returns_the_latest_records_newest_first(store: Store) -> None:
    now = datetime.now(UTC)
    for i in range(5):
        store.log(record(f"q{i}", asked_at=now - timedelta(minutes=5 - i)))
    await store.flush()
    assert [row.question for row in await store.recent(3)] == ["q4", "q3", "q2"]


def test_normalising_a_wording_folds_case_accents_and_punctuation() -> None:
    assert normalise_wording("  Où est   le BUREAU?! ") == "ou est le bureau"
    assert normalise_wording("Größe—Zuschüsse") == "grosse zuschusse"
