"""The SQLite store on real files: the write-behind queue, its failures, chat states.

What both logs share (queries, forget, purge) is in test_question_log.py; opening and
migrating in test_migrations.py; secrets and privacy in test_keys.py.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.questionlog.store import Store
from tests.questionlog_helpers import (
    KEY,
    REPO,
    SECRET,
    count_rows,
    open_store,
    record,
    state,
    wait_until,
)


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
        "from bot.questionlog.records import QuestionRecord\n"
        "from bot.questionlog.store import Store\n"
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


async def test_a_saved_state_is_loaded_back_before_the_writer_has_written_it(
    db_path: Path,
) -> None:
    store = await open_store(db_path, busy_timeout_ms=20)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        await store.save_chat_state(5, state(posting="unesco-clt", lang="fr"))
        await wait_until(lambda: store.health.write_errors >= 1)
        assert store.health.pending_states == 1
        assert await store.load_chat_state(5) == state(posting="unesco-clt", lang="fr")
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
        await store.save_chat_state(9, state(posting=posting, lang="es"))
    await store.flush()
    assert count_rows(db_path, "chat_states") == 1
    assert await store.load_chat_state(9) == state(posting=None, lang="es")


async def test_close_writes_the_queued_states(db_path: Path) -> None:
    store = await open_store(db_path)
    for chat_id in range(50):
        await store.save_chat_state(chat_id, state(posting=f"posting-{chat_id}"))
    await store.close()
    assert count_rows(db_path, "chat_states") == 50
    store = await open_store(db_path)
    try:
        assert await store.load_chat_state(49) == state(posting="posting-49")
    finally:
        await store.close()


async def test_a_state_saved_and_then_forgotten_is_gone(store: Store, db_path: Path) -> None:
    await store.save_chat_state(3, state(posting="unesco-clt"))
    await store.save_chat_state(4, state(posting="unep-car-rcu"))

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

    await store.save_chat_state(55502, state(pending_question="a state to keep quiet"))

    await wait_until(lambda: store.health.write_errors >= 1)
    assert await store.load_chat_state(55502) == state(pending_question="a state to keep quiet")
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
    await store.save_chat_state(1, state())
    assert store.health.dropped == 1
    assert count_rows(db_path, "chat_states") == 0
