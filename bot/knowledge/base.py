"""The knowledge base: one immutable snapshot of every knowledge file.

A reload builds a new snapshot and swaps one reference, so a bad edit never
half-applies and a question is always answered from one consistent version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.knowledge.schema import Catalogue, Content, Posting, Programme, Topic


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Catalogue, programme facts and postings, as loaded and validated together."""

    catalogue: Catalogue
    programme: Programme
    postings: Mapping[str, Posting]
    version: str
    topics: Mapping[str, Topic] = field(init=False)
    # Topic -> the postings that cover it, in posting order: asked per question, and a
    # scan of a thousand postings each time would cost milliseconds.
    _covering: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "postings", MappingProxyType(dict(self.postings)))
        topics = {topic.id: topic for topic in self.catalogue.topics}
        object.__setattr__(self, "topics", MappingProxyType(topics))
        covering: dict[str, list[str]] = {}
        for posting_id, posting in self.postings.items():
            for topic_id, content in posting.topics.items():
                if content:
                    covering.setdefault(topic_id, []).append(posting_id)
        object.__setattr__(
            self, "_covering", MappingProxyType({t: tuple(p) for t, p in covering.items()})
        )

    def posting(self, posting_id: str) -> Posting | None:
        return self.postings.get(posting_id)

    def topic(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def content(self, posting_id: str | None, topic_id: str) -> Content | None:
        """What the posting (or, for None, the programme) says on the topic."""
        if posting_id is None:
            return self.programme.topics.get(topic_id)
        posting = self.postings.get(posting_id)
        return posting.topics.get(topic_id) if posting else None

    def covering(self, topic_id: str) -> tuple[str, ...]:
        """The postings that say something on the topic, in posting order."""
        return self._covering.get(topic_id, ())

    def posting_topics(self, posting_id: str) -> tuple[str, ...]:
        """The posting's topic ids in catalogue order."""
        posting = self.postings.get(posting_id)
        if posting is None:
            return ()
        return tuple(t.id for t in self.catalogue.topics if t.id in posting.topics)
