"""Messages that ask several things: one reply, each answer under its own heading.

Runs on the fixture knowledge (UNEP states duration and supervision; UNESCO no duration).
"""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.multipart import split
from bot.engine.render import render_html, render_plain
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("How long is it and which languages do I need?", 2),
        ("How long is it? Which languages do I need?", 2),
        ("How long is it; which languages do I need?", 2),
        ("1. How long is it? 2. Which languages? 3. Who supervises me?", 3),
        ("Tell me the duration and also the languages", 2),
        ("Wie lange dauert es und welche Sprachen brauche ich?", 2),
        ("Quelle est la durée et quelles langues faut-il ?", 2),
        ("¿Cuánto dura y qué idiomas necesito?", 2),
        ("¿Qué titulación piden y cuánta experiencia?", 2),
        ("Tell me the languages, and whether travel is involved", 2),
        ("Do I need English and Spanish?", 1),
        ("We have two children aged 6 and 9. Is there a school?", 1),
        ("When does it start? I must give notice to my employer.", 1),
    ],
)
def test_a_message_splits_into_the_questions_it_asks(message: str, parts: int) -> None:
    assert len(split(message)) == parts


def test_two_questions_get_one_reply_with_both_answers_under_their_headings(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("How long is the Kingston job and who supervises me?", ChatState())
    reply = turn.reply
    assert reply.status == "answered"
    assert reply.topics == ("duration", "supervision") and reply.topic == "duration"
    assert reply.postings == (UNEP,) and reply.posting == UNEP
    text = render_plain(reply.answer)
    duration = text.index("UNEP – Kingston, Jamaica — Duration and extension")
    supervision = text.index("UNEP – Kingston, Jamaica — Supervision")
    assert duration < text.index("2 years") < supervision < text.index("Coordinator")
    assert render_html(reply.answer).count("<b>UNEP – Kingston, Jamaica — ") == 2
    # The posting named in the first part was used for the second, and the chat keeps it.
    assert turn.state.posting == UNEP and turn.state.topics == ("duration", "supervision")


def test_a_numbered_list_in_german_is_answered_part_by_part_in_german(
    fixture_assistant: Assistant,
) -> None:
    message = "Zur UNEP-Stelle: 1) Wie lange dauert sie? 2) Welche Sprachen? 3) Wer betreut mich?"
    turn = fixture_assistant.ask(message, ChatState())
    assert turn.reply.topics == ("duration", "languages", "supervision")
    assert turn.lang == "de"
    text = render_plain(turn.reply.answer)
    assert "Dauer und Verlängerung" in text and "Sprachen" in text


def test_a_part_the_posting_does_not_answer_says_so_beside_the_answered_one(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask(
        "Which languages do I need for UNESCO and how long is it?", ChatState()
    )
    assert turn.reply.topics == ("languages", "duration")
    assert turn.reply.status == "answered"
    text = render_plain(turn.reply.answer)
    assert "UNESCO – Culture Sector — Duration and extension" in text
    assert "does not say" in text


def test_after_several_topics_naming_the_other_posting_answers_them_all_again(
    fixture_assistant: Assistant,
) -> None:
    first = fixture_assistant.ask(
        "How long is the Kingston job and who supervises me?", ChatState()
    )
    turn = fixture_assistant.ask("and for UNESCO?", first.state)
    assert turn.reply.topics == ("duration", "supervision")
    assert turn.reply.postings == (UNESCO,)
    assert "Director" in render_plain(turn.reply.answer)


def test_one_question_with_a_list_of_things_stays_one_answer(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("Do I need English and Spanish for UNEP?", ChatState()).reply
    assert reply.topics in ((), ("languages",)) and reply.topic == "languages"


def test_each_parts_direct_answer_leads_the_reply_in_the_order_asked(
    assistant: Assistant,
) -> None:
    question = "Wie lange dauert die Stelle in Kingston und wer ist der Vorgesetzte?"
    reply = assistant.ask(question, ChatState(lang="de")).reply
    assert reply.topics == ("duration", "supervision")
    assert reply.answer.lead == (
        "2 Jahre, Verlängerung um ein Jahr möglich. Vorgesetzte/r: the Coordinator."
    )
