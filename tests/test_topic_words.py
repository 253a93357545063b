"""What a question plainly asks beats loose words around it (bot/engine/decision.py,
knowledge/topics.yaml): a strong topic word outweighs an FAQ of another topic, and the
verbs of a topic count as much as its nouns."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.state import ChatState


@pytest.mark.parametrize(
    ("question", "posting", "topic"),
    [
        # "demandées" (asked for) is no request from the press.
        ("Quelles compétences sont demandées pour le poste UNESCO ?", "unesco-clt", "skills"),
        ("Who supervises the UNEP JPO?", "unep-car-rcu", "supervision"),
        ("Qui supervise le JPO à l'UNESCO ?", "unesco-clt", "supervision"),
        ("¿Quién supervisa al JPO de la UNESCO?", "unesco-clt", "supervision"),
        (
            "¿Qué titulación se necesita para el puesto de la UNESCO?",
            "unesco-clt",
            "qualifications",
        ),
    ],
)
def test_the_topic_asked_for_is_answered(
    assistant: Assistant, question: str, posting: str, topic: str
) -> None:
    reply = assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == ("answered", posting, topic)


def test_a_question_about_press_requests_still_finds_them(assistant: Assistant) -> None:
    reply = assistant.ask(
        "Est-ce que je vais traiter des demandes de renseignements des médias ?",
        ChatState().with_posting("unesco-clt"),
    ).reply
    assert reply.status == "answered" and reply.topic == "duties"
