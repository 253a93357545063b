"""Shared fixtures: the real knowledge folder, a small fixture folder, engines on both, and
the one fake Bot API server every Telegram test talks to.

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
from tests.fake_bot_api import FakeBotApi

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
async def api() -> AsyncIterator[FakeBotApi]:
    """The strict fake Bot API server on 127.0.0.1, for every Telegram test."""
    async with FakeBotApi() as server:
        yield server
