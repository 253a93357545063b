"""A candidate stating a nationality and asking to apply: the honest 'not stated' answer."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.nationality import asks_as_national
from bot.engine.state import ChatState


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Can I apply for the JPO programme as a US citizen?", "en"),
        ("Ich bin Schweizer. Kann ich am JPO-Programm teilnehmen?", "de"),
        ("Je suis belge. Est-ce que je peux candidater au programme JPO ?", "fr"),
        ("Soy mexicana. ¿Puedo participar en el programa JPO?", "es"),
    ],
)
def test_a_stated_nationality_asking_to_apply_is_answered_not_stated(
    assistant: Assistant, question: str, lang: str
) -> None:
    reply = assistant.ask(question, ChatState(lang=lang)).reply
    assert reply.status == "not_stated"
    assert reply.topic == "nationality"
    assert "BFIO" in (reply.answer.lead or "")


@pytest.mark.parametrize(
    "question",
    [
        "I am interested, can I apply?",  # no nationality
        "I'm German. How long is the job in Jamaica?",  # no question to apply
        "I speak French. Is that enough to apply?",  # a language, not a nationality
    ],
)
def test_other_questions_are_not_about_nationality(question: str) -> None:
    assert not asks_as_national(question)


def test_a_full_profile_with_a_nationality_stays_a_self_check(assistant: Assistant) -> None:
    question = (
        "Ich bin Deutsche, habe einen Master in Internationalen Beziehungen, zwei Jahre "
        "Berufserfahrung nach dem Bachelor und spreche fließend Englisch. Komme ich für die "
        "UNESCO-Stelle infrage?"
    )
    reply = assistant.ask(question, ChatState(lang="de")).reply
    assert reply.topic == "eligibility"
    assert reply.answer.lead == "Ja, soweit die Ausschreibung es sagt."
