"""The terminal chat in-process: its own lines come from the catalogue of the chat's language."""

from __future__ import annotations

import io

import pytest

from bot.serving import KnowledgeService
from bot.terminal import run_chat
from tests.conftest import KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeService:
    return KnowledgeService.load(KNOWLEDGE_DIR)


def _chat(knowledge: KnowledgeService, *lines: str, lang: str = "en") -> str:
    out = io.StringIO()
    assert run_chat(knowledge, lines=list(lines), out=out, lang=lang) == 0
    return out.getvalue()


def test_the_greeting_explains_the_commands_in_english(knowledge: KnowledgeService) -> None:
    said = _chat(knowledge)
    assert "Commands: /postings  /topics  /lang en|de|fr|es  /help  /quit" in said
    assert "Type a question, or the number of a suggestion." in said


def test_switching_language_switches_the_chats_own_lines(knowledge: KnowledgeService) -> None:
    said = _chat(knowledge, "/lang de", "/help", "/lang es", "/help")
    assert "Sprache: de" in said
    assert "Tippen Sie eine Frage oder die Nummer eines Vorschlags." in said
    assert "idioma: es" in said
    assert "Escriba una pregunta o el número de una sugerencia." in said


def test_a_french_chat_starts_in_french(knowledge: KnowledgeService) -> None:
    said = _chat(knowledge, lang="fr")
    assert "Postes JPO" in said and "Tapez une question, ou le numéro d'une suggestion." in said
