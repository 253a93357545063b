"""What a message asks is in its question sentence (bot/engine/matching.py): a story told
before it ("for eight years I taught ...") tells who asks, and its topic words and details
step aside; of two keyword phrases sharing a word, the one with more content words wins
("my work experience" is work experience, not "my work")."""

from __future__ import annotations

from bot.engine.conversation import Assistant
from bot.engine.state import ChatState


def test_the_story_before_a_question_steps_aside_for_what_is_asked(
    assistant: Assistant,
) -> None:
    reply = assistant.ask(
        "I have taught science for the last eight years. What kind of degree does the UNEP "
        "job ask for?",
        ChatState(),
    ).reply
    assert (reply.status, reply.posting, reply.topic) == (
        "answered",
        "unep-car-rcu",
        "qualifications",
    )


def test_a_keyword_phrase_gives_way_to_a_longer_one_sharing_its_word(
    assistant: Assistant,
) -> None:
    reply = assistant.ask("Is my work experience from an NGO counted?", ChatState()).reply
    assert (reply.status, reply.topic) == ("answered", "work_experience")
