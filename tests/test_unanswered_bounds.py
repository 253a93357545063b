"""`/unanswered` over a large log: bounded rows, said so in the view, grouped off the loop."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.questionlog import grouping as grouping_module
from bot.questionlog import memory, queries
from bot.questionlog.grouping import group_unanswered
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import LoggedQuestion, UnansweredGrouping
from bot.questionlog.views import unanswered_grouping_message, unanswered_message
from tests.questionlog_helpers import KEY, SECRET, open_store, record

QUESTIONS = ["Where is the office?", "Can I bring my cat?", "Is there a gym?"]


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "log.sqlite3"

    async def write() -> None:
        store = await open_store(path)
        for text in QUESTIONS:
            store.log(record(text, status="fallback", posting=None, topic=None))
        await store.close()

    asyncio.run(write())
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    return path


def test_the_table_says_how_many_older_questions_were_left_out(
    log_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "MAX_ROWS", 2)
    assert main(["log", "unanswered"]) == 0
    out, _ = capsys.readouterr()
    assert "Is there a gym?" in out and "Can I bring my cat?" in out
    assert "Where is the office?" not in out
    assert out.endswith("1 older question left out (only the newest 2 are grouped)\n")


def test_csv_and_json_stay_data_and_the_note_goes_to_stderr(
    log_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "MAX_ROWS", 2)
    assert main(["log", "unanswered", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("[") and "left out" not in out
    assert err == "note: 1 older question left out (only the newest 2 are grouped)\n"


def test_nothing_left_out_adds_no_note(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log", "unanswered"]) == 0
    out, err = capsys.readouterr()
    assert "left out" not in out and err == ""


def _recording_thread(monkeypatch: pytest.MonkeyPatch, module: object) -> list[threading.Thread]:
    threads: list[threading.Thread] = []
    real = grouping_module.group_newest

    def group_newest(records: list[LoggedQuestion], **options: int) -> UnansweredGrouping:
        threads.append(threading.current_thread())
        return real(records, **options)

    monkeypatch.setattr(module, "group_newest", group_newest)
    return threads


async def test_the_store_groups_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = _recording_thread(monkeypatch, queries)
    store = await open_store(tmp_path / "log.sqlite3")
    try:
        store.log(record("Where is the office?", status="fallback"))
        await store.flush()
        [group] = await store.unanswered(7)
    finally:
        await store.close()
    assert group.example == "Where is the office?"
    assert threads and threads[0] is not threading.current_thread()


async def test_the_memory_log_groups_off_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    threads = _recording_thread(monkeypatch, memory)
    log = MemoryQuestionLog()
    log.log(record("Where is the office?", status="fallback"))
    grouping = await log.unanswered_grouping(7)
    assert [group.example for group in grouping.groups] == ["Where is the office?"]
    assert (grouping.left_out, grouping.complete) == (0, True)
    assert threads and threads[0] is not threading.current_thread()


def test_the_telegram_message_ends_with_what_the_bounds_left_out() -> None:
    groups = group_unanswered([_logged("Where is the office?")])
    cut = UnansweredGrouping(groups=groups, considered=1, left_out=5, complete=False)
    text = unanswered_grouping_message(cut, days=7)
    assert text.startswith('Unanswered, last 7 days: 1 questions in 1 groups\n\n1. 1× "Where')
    assert text.endswith(
        "Note: 5 older questions left out (only the newest 1 are grouped); "
        "grouping stopped at its time budget: later wordings stand alone."
    )
    whole = UnansweredGrouping(groups=groups, considered=1, left_out=0, complete=True)
    assert unanswered_grouping_message(whole, days=7) == unanswered_message(groups, 7)


def _logged(text: str) -> LoggedQuestion:
    return LoggedQuestion(
        id=1,
        asked_at=datetime(2030, 1, 1, tzinfo=UTC),
        channel="telegram",
        chat_key="k",
        lang="en",
        kind="question",
        question=text,
        status="fallback",
        posting=None,
        topic=None,
        score=0.0,
        suggestions=(),
        latency_ms=1.0,
        knowledge_version="k1",
    )
