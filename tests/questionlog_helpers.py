"""Helpers of the question-log tests: secrets, a record factory, real SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.engine.state import ChatState
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store

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


def state(**fields: object) -> str:
    """A chat state as the log keeps it: serialised by its owner."""
    return ChatState(**fields).to_json()  # type: ignore[arg-type]


async def open_store(path: Path, **options: object) -> Store:
    return await Store.open(path, hash_secret=SECRET, encryption_key=KEY, **options)  # type: ignore[arg-type]


def count_rows(path: Path, table: str = "questions") -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)
