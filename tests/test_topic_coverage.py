"""How candidates ask about each topic, in the four languages (knowledge/topics.yaml): the
catalogue's wording covers describing the post, language requirements as an adjective,
the programme's other names, the posting's development index, time pressure, and years
of experience; words that fold alike ("zahlt" pays, "zählt" counts) keep their topics."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


@pytest.mark.parametrize(
    ("question", "status", "posting", "topic"),
    [
        ("Décris-moi le poste à l'UNESCO", "answered", UNESCO, "overview"),
        ("Beschreibe mir bitte die Stelle bei UNEP", "answered", UNEP, "overview"),
        ("Cuéntame sobre el puesto de la UNESCO", "answered", UNESCO, "overview"),
        ("Quelles sont les exigences linguistiques du poste PNUE ?", "answered", UNEP, "languages"),
        ("Gibt es für JPOs andere Bezeichnungen?", "answered", None, "jpo_programme"),
        (
            "Welchen Rang hat Jamaika im Index der menschlichen Entwicklung?",
            "answered",
            UNEP,
            "living_conditions",
        ),
        ("Zahlt UNEP Beiträge in die Rentenversicherung?", "not_stated", UNEP, "insurance"),
        ("Zählt mein Praktikum?", "answered", None, "work_experience"),
        (
            "Combien d'années d'expérience faut-il pour le programme ?",
            "answered",
            None,
            "work_experience",
        ),
    ],
)
def test_the_catalogue_covers_how_candidates_ask(
    assistant: Assistant, question: str, status: str, posting: str | None, topic: str
) -> None:
    reply = assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == (status, posting, topic)


def test_time_pressure_finds_the_deadlines_bullet(assistant: Assistant) -> None:
    reply = assistant.ask("Wird man bei UNEP mit Zeitdruck arbeiten?", ChatState()).reply
    assert reply.status == "answered" and reply.posting == UNEP
    assert "deadlines" in render_plain(reply.answer)


def test_tell_me_a_story_is_no_request_for_the_overview(assistant: Assistant) -> None:
    reply = assistant.ask("Cuéntame una historia", ChatState()).reply
    assert reply.status == "fallback"
