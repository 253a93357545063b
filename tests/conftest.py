"""Shared fixtures: the real knowledge folder, a small fixture folder, and engines on both.

Content tests (answer quality, the real postings) use `kb` and `assistant`; engine logic tests
use `fixture_kb` and `fixture_assistant`, so that editing `knowledge/` cannot break them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.conversation import Assistant
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge

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
