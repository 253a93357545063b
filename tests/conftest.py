"""Shared fixtures: the real knowledge folder and an engine built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.conversation import Assistant
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE_DIR = REPO / "knowledge"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return KNOWLEDGE_DIR


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def assistant(kb: KnowledgeBase) -> Assistant:
    return Assistant(kb)
