"""Question structure: which sentence asks, and which of two overlapping phrases counts.

A message often tells a story before it asks ("I have taught for eight years. What degree
does the UNEP job ask for?"): the story says who asks, the last sentence with a question
mark says what is asked. And keyword phrases may share a word ("my work" and "work
experience" in "my work experience"): the one with more content words is what is meant.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.engine.lexicon import Hit
from bot.engine.text import is_stop_word, tokens

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def outweighed_dropped(hits: list[Hit], question_tokens: tuple[str, ...]) -> list[Hit]:
    """Keyword phrases overlapping each other, the one with fewer content words left out:
    "my work experience" is work experience, not "my work"."""

    def content(hit: Hit) -> int:
        return sum(not is_stop_word(t) for t in question_tokens[hit.start : hit.end])

    return [
        hit
        for hit in hits
        if not any(
            other.start < hit.end
            and hit.start < other.end
            and (other.start, other.end) != (hit.start, hit.end)
            and content(other) > content(hit)
            for other in hits
        )
    ]


def asked_from(question: str) -> int:
    """The token where the question's last asking sentence starts (0: one sentence)."""
    if "?" not in question:
        return 0
    sentences = _SENTENCE_END.split(question.strip())
    asking = [i for i, sentence in enumerate(sentences) if "?" in sentence]
    if len(sentences) < 2 or not asking or asking[-1] == 0:
        return 0
    return len(tokens(" ".join(sentences[: asking[-1]])))


def non_overlapping(hits: list[Hit]) -> list[Hit]:
    """Longest, surest hits first; a question word counts once per owner."""
    taken: set[int] = set()
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-h.length, -h.quality)):
        span = set(range(hit.start, hit.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(hit)
    return chosen


def completing_names(
    hits: list[Hit], alias_positions: set[int], asking: Collection[str]
) -> list[Hit]:
    """One-word keywords right after a posting's name that complete it ("the Caribbean
    unit", "the Culture sector"), when other topic or FAQ words (`asking`) of the question
    say what is asked ("Which protocols does the Caribbean unit deal with?")."""
    parts = [
        hit
        for hit in hits
        if hit.length == 1 and hit.start - 1 in alias_positions and hit.term in asking
    ]
    asked = any(
        hit.term in asking
        and hit not in parts
        and not alias_positions.intersection(range(hit.start, hit.end))
        for hit in hits
    )
    return parts if asked else []
