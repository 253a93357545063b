"""A word of two topics is read in the sense its question gives it (bot/engine/senses.py):
French "formation" asked as a requirement is education, offered it is training; an
organisation's "mission" is its mandate, "missions" are trips, "my mission" is the
assignment itself. Application documents the postings never mention are a known question,
answered honestly as not stated."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.lexicon import Hit
from bot.engine.senses import read_senses
from bot.engine.state import ChatState
from bot.engine.text import tokens

UNEP = "unep-car-rcu"
TERMS = {"formation", "qualification", "missions", "mandate", "training", "licence"}


def _terms(question: str, word: str, term: str) -> list[str]:
    question_tokens = tokens(question)
    hit = Hit(term, question_tokens.index(word), question_tokens.index(word) + 1, 1.0)
    return [h.term for h in read_senses([hit], question, question_tokens, TERMS)]


@pytest.mark.parametrize(
    ("question", "word", "term", "read_as"),
    [
        ("Quelle formation faut-il pour le poste ?", "formation", "formation", "qualification"),
        ("Quelle formation est requise ?", "formation", "formation", "qualification"),
        ("¿Qué formación se necesita?", "formacion", "formation", "qualification"),
        ("Quelle formation est offerte ?", "formation", "formation", "formation"),
        ("Une formation est-elle proposée sur place ?", "formation", "formation", "formation"),
        ("What is UNEP's mission?", "mission", "missions", "mandate"),
        ("Quelle est la mission de l'UNESCO ?", "mission", "missions", "mandate"),
        ("Are there missions?", "missions", "missions", "missions"),
        ("Partirai-je en mission ?", "mission", "missions", "missions"),
        ("Une licence suffit-elle pour l'UNESCO ?", "licence", "licence", "qualification"),
        ("J'ai juste une licence en droit", "licence", "licence", "qualification"),
        ("Faut-il une licence pour conduire ?", "licence", "licence", "licence"),
    ],
)
def test_a_word_is_read_in_the_sense_of_its_question(
    question: str, word: str, term: str, read_as: str
) -> None:
    assert _terms(question, word, term) == [read_as]


@pytest.mark.parametrize(
    ("question", "word", "term"),
    [
        ("Can my partner join me during my mission?", "mission", "missions"),
        ("Mon conjoint peut-il venir pendant ma mission ?", "mission", "missions"),
        ("I am a lawyer by training; what does the job involve?", "training", "training"),
    ],
)
def test_a_word_in_a_sense_of_no_topic_is_no_topic_evidence(
    question: str, word: str, term: str
) -> None:
    assert _terms(question, word, term) == []


def test_a_sense_whose_keyword_the_catalogue_lacks_changes_nothing() -> None:
    question = "Quelle formation faut-il ?"
    hit = Hit("formation", 1, 2, 1.0)
    assert read_senses([hit], question, tokens(question), {"formation"}) == [hit]


def test_french_formation_asked_as_a_requirement_is_the_degree(
    fixture_assistant: Assistant,
) -> None:
    asked = fixture_assistant.ask("Quelle formation faut-il pour le poste UNEP ?", ChatState())
    offered = fixture_assistant.ask("Quelle formation est offerte à l'UNEP ?", ChatState())
    assert (asked.reply.posting, asked.reply.topic) == (UNEP, "qualifications")
    assert (offered.reply.posting, offered.reply.topic) == (UNEP, "training")


def test_an_organisations_mission_is_its_background_not_travel(assistant: Assistant) -> None:
    reply = assistant.ask("What is UNEP's mission?", ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == ("answered", UNEP, "background")
    trips = assistant.ask("Will I go on missions in the UNEP job?", ChatState()).reply
    assert (trips.posting, trips.topic) == (UNEP, "travel")


@pytest.mark.parametrize(
    ("question", "context"),
    [
        ("Should I attach a motivation letter?", UNEP),
        ("Muss ich Referenzen mitschicken?", UNEP),
        ("Brauche ich ein Empfehlungsschreiben für die Bewerbung?", None),
    ],
)
def test_application_documents_the_postings_never_mention_are_not_stated(
    assistant: Assistant, question: str, context: str | None
) -> None:
    reply = assistant.ask(question, ChatState(posting=context)).reply
    assert (reply.status, reply.posting, reply.topic) == (
        "not_stated",
        context,
        "application_documents",
    )
    assert "BFIO" in reply.answer.text


def test_during_my_mission_asks_about_the_family_not_travel(assistant: Assistant) -> None:
    reply = assistant.ask(
        "My partner wants to come along during my mission, is that possible in Jamaica?",
        ChatState(),
    ).reply
    assert (reply.status, reply.posting, reply.topic) == ("not_stated", UNEP, "family")
