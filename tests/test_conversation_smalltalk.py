"""Small talk: greetings, thanks, goodbyes and questions about the assistant, in four languages.

The engine runs on the fixture knowledge; the question log is a real SQLite file.
"""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.smalltalk import parse
from bot.engine.state import ChatState
from bot.texts import texts_for

UNEP = "unep-car-rcu"

SMALL_TALK = [
    ("hi", "en", "greeting"),
    ("Hello there!", "en", "greeting"),
    ("thanks!", "en", "thanks"),
    ("Thank you so much for your help!", "en", "thanks"),
    ("bye", "en", "goodbye"),
    ("who are you?", "en", "who"),
    ("Are you a bot?", "en", "bot"),
    ("Am I talking to a real person?", "en", "bot"),
    ("Hallo zusammen", "de", "greeting"),
    ("vielen Dank!", "de", "thanks"),
    ("danke dir", "de", "thanks"),
    ("tschüss", "de", "goodbye"),
    ("Wer bist du?", "de", "who"),
    ("Bist du ein Mensch?", "de", "bot"),
    ("Bonjour !", "fr", "greeting"),
    ("merci beaucoup", "fr", "thanks"),
    ("Au revoir", "fr", "goodbye"),
    ("Qui êtes-vous ?", "fr", "who"),
    ("Es-tu un robot ?", "fr", "bot"),
    ("hola", "es", "greeting"),
    ("¡Muchas gracias!", "es", "thanks"),
    ("adiós", "es", "goodbye"),
    ("¿Quién eres?", "es", "who"),
    ("¿Eres un bot?", "es", "bot"),
]


@pytest.mark.parametrize(("message", "lang", "kind"), SMALL_TALK)
def test_small_talk_gets_a_short_friendly_reply_in_the_users_language(
    fixture_assistant: Assistant, message: str, lang: str, kind: str
) -> None:
    turn = fixture_assistant.ask(message, ChatState(lang=lang))  # type: ignore[arg-type]
    said = texts_for(lang).smalltalk
    text = render_plain(turn.reply.answer)
    assert turn.reply.status == "smalltalk"
    assert text.startswith(getattr(said, kind)) and said.hint in text
    assert turn.lang == lang
    assert len(text) < 400
    assert turn.reply.posting is None and turn.reply.topic is None


def test_small_talk_in_another_language_than_the_chats_is_answered_in_it(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("merci beaucoup", ChatState(lang="en"))
    assert turn.reply.status == "smalltalk" and turn.lang == "fr"
    assert render_plain(turn.reply.answer).startswith("Avec plaisir")


def test_a_greeting_before_a_question_answers_the_question(fixture_assistant: Assistant) -> None:
    turn = fixture_assistant.ask("hi, how long is the UNEP job?", ChatState())
    assert turn.reply.status == "answered"
    assert turn.reply.posting == UNEP and turn.reply.topic == "duration"
    thanks_after = fixture_assistant.ask("Hallo, welche Sprachen braucht man? Danke!", turn.state)
    assert thanks_after.reply.topic == "languages" and thanks_after.lang == "de"


def test_questions_about_what_the_assistant_can_do_in_a_posting_stay_questions() -> None:
    assert parse("what can you do in Kingston?").kinds == ()
    assert parse("Are you a bot?").only
    assert not parse("Thanks, and is Spanish required?").only


def test_small_talk_offers_the_postings_until_one_is_chosen(fixture_assistant: Assistant) -> None:
    fresh = fixture_assistant.ask("hello", ChatState())
    assert [s.label for s in fresh.reply.suggestions] == [
        p.name.get("en") for p in fixture_assistant.kb.postings.values()
    ]
    chosen = fixture_assistant.ask("thanks", ChatState(posting=UNEP))
    assert chosen.reply.suggestions == () and chosen.state.posting == UNEP


@pytest.mark.parametrize(
    "message",
    [
        "Thanks for your time, that was really useful. I'll look at it again later. Bye!",
        "Hello there, I have been reading about you",
        "Coucou, t'es un bot ?",
    ],
)
def test_small_talk_around_a_remark_that_asks_nothing_is_small_talk(
    fixture_assistant: Assistant, message: str
) -> None:
    assert fixture_assistant.ask(message, ChatState()).reply.status == "smalltalk"


def test_small_talk_before_an_out_of_scope_question_gets_the_out_of_scope_answer(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("great, and where can I go surfing near Kingston?", ChatState())
    assert turn.reply.status == "fallback"


def test_gibberish_is_still_out_of_scope(fixture_assistant: Assistant) -> None:
    turn = fixture_assistant.ask("what is the weather in Berlin", ChatState())
    assert turn.reply.status == "fallback"


@pytest.mark.parametrize(
    "message",
    ["Wer bist du eigentlich?", "who are you exactly?", "qui es-tu au juste ?", "¿quién eres tú?"],
)
def test_a_filler_word_after_who_are_you_is_still_small_talk(
    fixture_assistant: Assistant, message: str
) -> None:
    assert fixture_assistant.ask(message, ChatState()).reply.status == "smalltalk"
