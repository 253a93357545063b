"""Shared fixtures: the real knowledge folder, a small fixture folder, engines on both, a
real SQLite question log, and the one fake Bot API server every Telegram test talks to.

Content tests (answer quality, the real postings) use `kb` and `assistant`; engine logic tests
use `fixture_kb` and `fixture_assistant`, so that editing `knowledge/` cannot break them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine.conversation import Assistant
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.questionlog.interface import QuestionLog
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.store import Store
from tests.fake_bot_api import FakeBotApi
from tests.questionlog_helpers import SECRET, open_store

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = REPO / "knowledge"
SHARED = REPO.parent / "shared"
FIXTURE_KNOWLEDGE_DIR = REPO / "tests" / "fixtures" / "knowledge"


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return KNOWLEDGE_DIR


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def assistant(kb: KnowledgeBase) -> Assistant:
    return Assistant(kb)


@pytest.fixture(scope="session")
def fixture_kb() -> KnowledgeBase:
    return load_knowledge(FIXTURE_KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def fixture_assistant(fixture_kb: KnowledgeBase) -> Assistant:
    return Assistant(fixture_kb)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's question log lives: a folder the store must create first."""
    return tmp_path / "data" / "log.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """A real SQLite question log with fresh secrets, closed after the test."""
    opened = await open_store(db_path)
    yield opened
    await opened.close()


@pytest.fixture(params=["sqlite", "memory"])
async def question_log(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[QuestionLog]:
    """Each QuestionLog in turn: the SQLite store and the in-memory log, closed after."""
    opened: QuestionLog
    if request.param == "sqlite":
        opened = await open_store(db_path)
    else:
        opened = MemoryQuestionLog(SECRET.encode("utf-8"))
    yield opened
    await opened.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The strict fake Bot API server on 127.0.0.1, for every Telegram test."""
    async with FakeBotApi() as server:
        yield server
