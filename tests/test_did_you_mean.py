"""Below the answer threshold the bot asks instead of guessing (bot/engine/decision.py): a
question of topic words too weak to answer on ("where?") gets "did you mean" choices, or
first the choice of posting; weak topic words beside words the knowledge does not know
stay out of scope."""

from __future__ import annotations

from bot.engine.answers import SelectPosting, ShowTopic
from bot.engine.conversation import Assistant
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"


def test_a_topic_too_weak_to_answer_on_is_offered_as_a_choice(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("where?", ChatState(posting=UNEP)).reply
    assert reply.status == "clarify"
    assert [(s.label, s.action) for s in reply.suggestions] == [
        ("Duty station", ShowTopic(UNEP, "duty_station"))
    ]
    picked = fixture_assistant.act(ShowTopic(UNEP, "duty_station"), ChatState(posting=UNEP))
    assert (picked.reply.status, picked.reply.topic) == ("answered", "duty_station")
    assert "Kingston" in picked.reply.answer.text


def test_without_a_posting_a_weak_topic_asks_which_posting_first(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("where?", ChatState()).reply
    assert reply.status == "clarify"
    assert all(isinstance(s.action, SelectPosting) for s in reply.suggestions)
    assert UNEP in {s.action.posting for s in reply.suggestions}


def test_weak_topic_words_beside_unknown_words_stay_out_of_scope(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("where is the nicest beach?", ChatState(posting=UNEP)).reply
    assert reply.status == "fallback"
