"""Passages: each bullet or paragraph of a posting, the unit a detail question is answered with.

The matcher searches them with a question's rarer words, so a detail such as "sargassum" or
"webinars" finds the bullet that mentions it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from bot.engine.text import is_stop_word, tokens
from bot.knowledge.schema import Content


@dataclass(frozen=True, slots=True)
class Passage:
    """One bullet or paragraph of a posting, with the topic it belongs to."""

    posting: str
    topic: str
    text: str
    block: str | None


@dataclass(frozen=True, slots=True)
class PassageHit:
    passage: Passage
    score: float
    words: tuple[str, ...]
    telling: int


def passages_of(
    posting_id: str, topics: dict[str, Content], overview: str | None
) -> Iterable[Passage]:
    for topic_id, content in topics.items():
        if topic_id == overview:
            continue
        if content.text:
            yield Passage(posting_id, topic_id, content.text, None)
        for point in content.points:
            yield Passage(posting_id, topic_id, point, None)
        for section in content.sections:
            for point in section.points:
                yield Passage(posting_id, topic_id, point, section.title)


def passage_words(text: str) -> set[str]:
    """A passage's meaningful words, plus adjacent pairs joined ('web site' -> 'website')."""
    words = tokens(text)
    found = {w for w in words if not is_stop_word(w) and len(w) > 1}
    found.update(
        a + b for a, b in itertools.pairwise(words) if not is_stop_word(a) and not is_stop_word(b)
    )
    return found


# A word's postings: posting id -> (the word's idf there, the indices of its passages).
WordPostings = dict[str, tuple[float, tuple[int, ...]]]


def within(
    by_posting: WordPostings, allowed: set[str] | None
) -> Iterable[tuple[str, tuple[float, tuple[int, ...]]]]:
    """The entries of the allowed postings (None: all), looked up rather than filtered:
    a question about one posting costs the same among 2 postings or 1,000. (Matches are
    ranked by score and position afterwards; the order they are found in does not count.)"""
    if allowed is None:
        return by_posting.items()
    if len(allowed) >= len(by_posting):
        return [(p, entry) for p, entry in by_posting.items() if p in allowed]
    return [(p, by_posting[p]) for p in allowed if p in by_posting]


def asked_first(hits: list[PassageHit], topic_id: str) -> list[PassageHit]:
    """Passages scoring alike, those of the topic asked for first: "which competences in
    communication" wants the skills bullet, not a duty that communicates."""
    return sorted(hits, key=lambda h: (-round(h.score, 6), h.passage.topic != topic_id))
