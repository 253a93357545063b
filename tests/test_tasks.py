"""A request for a task — how to do something, or to do it — is about the postings only
when what is to be done is one of their topics (bot/engine/tasks.py): "How do I apply?"
is answered; a tutorial or a service about something else is out of scope, even when its
object is a posting word."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.state import ChatState
from bot.engine.tasks import asks_a_task
from bot.engine.text import tokens

UNEP = "unep-car-rcu"


@pytest.mark.parametrize(
    ("question", "covered", "task"),
    [
        ("How do I cut plastic waste at home?", set(), True),
        ("How do I apply?", {3}, False),
        ("How can I get a visa?", {5}, False),
        ("Wie schreibe ich einen Brief?", set(), True),
        ("Comment obtenir un permis ?", {3}, True),
        ("Please translate this sentence", set(), True),
        ("Can you fix my spreadsheet?", set(), True),
        ("How can I become a JPO?", set(), False),
        ("Can you tell me the duration?", {4}, False),
    ],
)
def test_a_task_is_told_by_its_verb(question: str, covered: set[int], task: bool) -> None:
    assert asks_a_task(tokens(question), covered) is task


@pytest.mark.parametrize(
    "question",
    [
        "How can I cut down on plastic waste in my kitchen?",
        "Übersetze bitte 'Guten Morgen' ins Spanische",
        "Wie erstelle ich eine Excel-Tabelle?",
    ],
)
def test_a_tutorial_or_service_about_something_else_is_out_of_scope(
    assistant: Assistant, question: str
) -> None:
    assert assistant.ask(question, ChatState()).reply.status == "fallback"


@pytest.mark.parametrize(
    ("question", "status", "topic"),
    [
        ("How do I apply?", "answered", "how_to_apply"),
        ("Wie bekomme ich die Stelle bei UNEP?", "answered", "how_to_apply"),
        ("How do I prepare for the interview?", "not_stated", "selection_process"),
        ("How can I get a visa for Jamaica?", "not_stated", "visa"),
    ],
)
def test_a_how_to_about_a_topic_is_answered(
    assistant: Assistant, question: str, status: str, topic: str
) -> None:
    reply = assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.topic) == (status, topic)


@pytest.mark.parametrize(
    "question",
    [
        "Tell me a funny joke about the Cartagena Convention",
        "Schreib mir ein Gedicht über Kingston",
        "Raconte-moi une blague sur l'UNESCO",
    ],
)
def test_entertainment_about_a_posting_word_is_out_of_scope(
    assistant: Assistant, question: str
) -> None:
    assert assistant.ask(question, ChatState()).reply.status == "fallback"
