"""Words naming a posting's subject ("the plastics job", "the culture ministers post")
pick the posting, then step aside for what is asked (bot/engine/matching.py)."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


@pytest.mark.parametrize(
    ("question", "posting", "topic"),
    [
        ("Who would I report to in the plastics job?", UNEP, "supervision"),
        ("Wer ist der Vorgesetzte bei der Plastik-Stelle?", UNEP, "supervision"),
        ("How long does the marine litter assignment last?", UNEP, "duration"),
        ("Which languages does the AMEP job need?", UNEP, "languages"),
        ("Who is the supervisor for the culture ministers job?", UNESCO, "supervision"),
    ],
)
def test_the_subject_picks_the_posting_and_the_rest_the_topic(
    assistant: Assistant, question: str, posting: str, topic: str
) -> None:
    reply = assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == ("answered", posting, topic)


def test_a_subject_asked_about_alone_is_still_answered_from_the_duties(
    assistant: Assistant,
) -> None:
    reply = assistant.ask("Will I work on marine litter?", ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == ("answered", UNEP, "duties")
