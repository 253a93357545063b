"""A bullet found by the question's words reports how sure that is (bot/engine/decision.py):
found by one telling word it stays under the confident line (75), as blind questions
show it right only about three times in four; found by several it may score high."""

from __future__ import annotations

from bot.engine.conversation import Assistant
from bot.engine.state import ChatState


def test_a_bullet_found_by_one_telling_word_is_not_reported_as_confident(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("sargassum at UNEP?", ChatState()).reply
    assert (reply.status, reply.posting) == ("answered", "unep-car-rcu")
    assert reply.score < 75


def test_a_bullet_found_by_several_telling_words_is_confident(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask(
        "Will I work with newsgroups and list servers at UNEP?", ChatState()
    ).reply
    assert (reply.status, reply.topic) == ("answered", "duties")
    assert reply.score >= 75
