"""Proposing the topic and keywords of a new FAQ entry from the question it answers.

An FAQ entry applies only to questions containing one of its keywords, and belongs to a
catalogue topic. When staff turn a candidate's question and their reply into an entry
("Add to knowledge"), the engine reads the question as it would answer it: the topic it
scores highest (else the one the caller knew, else the catalogue's overview), and the
question's content words — neither stop words nor the names of a posting — as keywords.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.matching import KnowledgeIndex
from bot.engine.text import is_stop_word, tokens

MAX_KEYWORDS = 6
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class FaqTerms:
    """What `editing.add_faq` needs besides the texts: a topic id and keywords."""

    topic: str
    keywords: tuple[str, ...]


def faq_terms(index: KnowledgeIndex, question: str, fallback_topic: str | None = None) -> FaqTerms:
    """The topic and keywords for an FAQ entry answering `question`."""
    analysis = index.analyse(question)
    topics = index.kb.topics
    if analysis.topic_scores:
        topic = analysis.topic_scores[0][0]
    elif fallback_topic in topics:
        topic = str(fallback_topic)
    else:
        topic = index.kb.catalogue.overview_topic or next(iter(topics))
    return FaqTerms(topic, _keywords(question, index))


def _keywords(question: str, index: KnowledgeIndex) -> tuple[str, ...]:
    aliases = {alias for p in index.kb.postings.values() for alias in (*p.aliases, p.id)}
    names = {" ".join(tokens(alias)) for alias in aliases}
    words: list[str] = []
    for word in _WORD.findall(question.lower()):
        folded = " ".join(tokens(word))
        if len(folded) < 3 or is_stop_word(folded) or folded in names or word in words:
            continue
        words.append(word)
    if not words:  # a question of stop words only still needs a keyword to apply
        words = _WORD.findall(question.lower())[:1] or [question.strip().lower()]
    return tuple(words[:MAX_KEYWORDS])
