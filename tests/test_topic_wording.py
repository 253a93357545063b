"""How candidates ask about each topic, in the four languages: the catalogue's wording
(knowledge/topics.yaml) reaches the topic's section of the real postings."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.state import ChatState

WORDINGS = [
    ("Can I get an additional year in Kingston?", "unep-car-rcu", "duration"),
    ("Comment vit-on à Kingston ?", "unep-car-rcu", "living_conditions"),
    ("¿Cómo se vive en Jamaica?", "unep-car-rcu", "living_conditions"),
    ("Was soll ich beim UNEP erreicht haben?", "unep-car-rcu", "outputs"),
    ("Which results does UNEP want from the JPO?", "unep-car-rcu", "outputs"),
    ("À qui est-ce que je rendrai compte au PNUE ?", "unep-car-rcu", "supervision"),
    ("What professional background does the UNEP job want?", "unep-car-rcu", "qualifications"),
    ("What will I be doing all day at UNEP?", "unep-car-rcu", "duties"),
    ("¿Y cuánto dura lo de Jamaica?", "unep-car-rcu", "duration"),
]
# Topics no posting covers: the answer says so honestly.
UNSTATED = [
    ("Do UNESCO JPOs get room and board?", "unesco-clt", "housing"),
    ("Gibt es bei UNEP Unterkunft und Verpflegung?", "unep-car-rcu", "housing"),
]


@pytest.mark.parametrize(("question", "posting", "topic"), WORDINGS)
def test_a_paraphrase_of_a_topic_reaches_its_section(
    assistant: Assistant, question: str, posting: str, topic: str
) -> None:
    reply = assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == ("answered", posting, topic)


@pytest.mark.parametrize(("question", "posting", "topic"), UNSTATED)
def test_a_paraphrase_of_an_unstated_topic_is_said_to_be_unstated(
    assistant: Assistant, question: str, posting: str, topic: str
) -> None:
    reply = assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.posting, reply.topic) == ("not_stated", posting, topic)
