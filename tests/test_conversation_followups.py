"""Conversation memory: follow-ups keep the topic and switch the posting, or the reverse.

Runs on the fixture knowledge: UNEP states the duration, UNESCO does not.
"""

from __future__ import annotations

import pytest

from bot.engine.answers import ShowTopic
from bot.engine.conversation import Assistant, Turn
from bot.engine.render import render_plain
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


def _chat(assistant: Assistant, *messages: str, lang: str = "en") -> Turn:
    state = ChatState(lang=lang)  # type: ignore[arg-type]
    turn = None
    for message in messages:
        turn = assistant.ask(message, state)
        state = turn.state
    assert turn is not None
    return turn


@pytest.mark.parametrize(
    ("first", "follow_up", "lang"),
    [
        ("Which languages do I need for the UNEP job?", "and for the UNESCO one?", "en"),
        ("Which languages do I need for the UNEP job?", "what about UNESCO?", "en"),
        ("Welche Sprachen brauche ich für die UNESCO-Stelle?", "und bei UNEP?", "de"),
        ("Quelles langues faut-il pour le poste en Jamaïque ?", "et pour l'UNESCO ?", "fr"),
        ("¿Qué idiomas necesito para el puesto de la UNESCO?", "¿y en Kingston?", "es"),
    ],
)
def test_naming_only_another_posting_keeps_the_topic(
    fixture_assistant: Assistant, first: str, follow_up: str, lang: str
) -> None:
    before = _chat(fixture_assistant, first, lang=lang)
    assert before.reply.topic == "languages"
    turn = _chat(fixture_assistant, first, follow_up, lang=lang)
    assert turn.reply.topic == "languages", "not the posting overview"
    assert turn.reply.posting not in (None, before.reply.posting)
    assert turn.state.posting == turn.reply.posting
    assert turn.lang == lang


def test_the_other_one_is_the_posting_the_last_answer_was_not_about(
    fixture_assistant: Assistant,
) -> None:
    turn = _chat(
        fixture_assistant, "How long is the Kingston assignment?", "what about the other one?"
    )
    assert turn.reply.posting == UNESCO and turn.reply.topic == "duration"
    assert turn.reply.status == "not_stated"  # the UNESCO posting does not say
    back = fixture_assistant.ask("and the other one?", turn.state)
    assert back.reply.posting == UNEP and "2 years" in render_plain(back.reply.answer)


@pytest.mark.parametrize(
    ("first", "follow_up", "topic", "lang"),
    [
        ("I am interested in the UNEP post in Jamaica.", "and the languages?", "languages", "en"),
        ("Wer ist der Vorgesetzte bei der UNEP-Stelle?", "und die Dauer?", "duration", "de"),
        ("Qui est le superviseur du poste au PNUE ?", "et la durée ?", "duration", "fr"),
    ],
)
def test_naming_only_another_topic_keeps_the_posting(
    fixture_assistant: Assistant, first: str, follow_up: str, topic: str, lang: str
) -> None:
    turn = _chat(fixture_assistant, first, follow_up, lang=lang)
    assert turn.reply.posting == UNEP and turn.reply.topic == topic


def test_choosing_the_posting_in_words_answers_the_waiting_question(
    fixture_assistant: Assistant,
) -> None:
    asked = _chat(fixture_assistant, "What languages do I need?")
    assert asked.reply.status == "clarify"
    turn = fixture_assistant.ask("the Jamaica one", asked.state)
    assert turn.reply.topic == "languages" and turn.reply.posting == UNEP
    assert "Spanish" in render_plain(turn.reply.answer)


def test_a_posting_named_without_an_earlier_topic_gets_its_overview(
    fixture_assistant: Assistant,
) -> None:
    turn = _chat(fixture_assistant, "hello", "and UNESCO?")
    assert turn.reply.posting == UNESCO and turn.reply.topic == "overview"


def test_the_chat_remembers_the_topics_and_postings_of_the_last_answer(
    fixture_assistant: Assistant,
) -> None:
    turn = _chat(fixture_assistant, "Which languages do I need for the UNEP job?")
    assert turn.state.topics == ("languages",) and turn.state.postings == (UNEP,)
    thanks = fixture_assistant.ask("thanks!", turn.state)
    assert thanks.state.topics == ("languages",), "small talk does not wipe the memory"
    assert ChatState.from_json(thanks.state.to_json()) == thanks.state


def test_a_topic_picked_by_button_is_remembered_for_the_next_follow_up(
    fixture_assistant: Assistant,
) -> None:
    pressed = fixture_assistant.act(ShowTopic(UNEP, "supervision"), ChatState())
    assert pressed.state.topics == ("supervision",) and pressed.state.posting == UNEP
    turn = fixture_assistant.ask("and for UNESCO?", pressed.state)
    assert turn.reply.topic == "supervision" and turn.reply.posting == UNESCO


def test_a_short_follow_up_to_a_yes_no_question_is_answered_yes_or_no(
    assistant: Assistant,
) -> None:
    turn = _chat(assistant, "Brauche ich für Jamaika Spanisch?", "und Französisch?", lang="de")
    assert turn.reply.posting == UNEP
    assert (turn.reply.answer.lead or "").startswith("Nein – ")
    assert "Französisch ist von Vorteil" in (turn.reply.answer.lead or "")


def test_a_short_follow_up_to_an_open_question_gets_no_yes_or_no(assistant: Assistant) -> None:
    turn = _chat(assistant, "Which languages do I need for the Jamaica job?", "and French?")
    assert turn.reply.answer.lead == "English is essential; Spanish or French is an asset."
    assert turn.state.yes_no is False


def test_a_follow_up_with_a_question_word_asks_anew(assistant: Assistant) -> None:
    turn = _chat(assistant, "Brauche ich für Jamaika Spanisch?", "und wie lange?", lang="de")
    assert turn.reply.answer.lead == "2 Jahre, Verlängerung um ein Jahr möglich."
    assert turn.state.yes_no is False


def test_naming_another_posting_after_a_yes_no_question_keeps_a_direct_answer(
    assistant: Assistant,
) -> None:
    turn = _chat(assistant, "Brauche ich für Jamaika Spanisch?", "und für UNESCO?", lang="de")
    assert turn.reply.posting == UNESCO
    assert turn.reply.answer.lead == (
        "Englisch wird verlangt; eine weitere Amtssprache der UNESCO ist von Vorteil."
    )


def test_the_chat_remembers_whether_the_last_question_asked_yes_or_no() -> None:
    asked = ChatState(yes_no=True)
    assert ChatState.from_json(asked.to_json()).yes_no is True
    assert ChatState.from_json('{"yes_no": "yes"}').yes_no is False
