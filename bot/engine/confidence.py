"""Calibrated confidence: the score a reply reports, so that a 90 is right about nine
times in ten.

The matcher's score measures how strongly the question's words point at the chosen
topic; it says nothing of what else the question holds. Measured on blind questions,
two things make a strongly matched answer wrong: another, unrelated topic matching just
as well (the answer then rests on catalogue order), and a question whose content words
the knowledge mostly does not know ("who won the final last year" is not about the
contract's duration). Each lowers the reported score; the decision itself is unchanged.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.knowledge.base import KnowledgeBase

if TYPE_CHECKING:
    from bot.engine.decision import Decision
    from bot.engine.matching import Analysis

# A second unrelated topic this close to the best one: the pick is a coin toss.
TIE_MARGIN = 2.5
TIE_FACTOR = 0.85


def calibrated(decision: Decision, analysis: Analysis, kb: KnowledgeBase) -> Decision:
    """The decision with its score lowered for the doubts the question leaves."""
    if decision.status != "answered":
        return decision
    topic = getattr(decision.pick, "topic", None)
    factor = _tie_factor(topic, analysis, kb) if isinstance(topic, str) else 1.0
    factor *= _coverage_factor(analysis)
    if factor >= 1.0:
        return decision
    return replace(decision, score=decision.score * factor)


def _tie_factor(topic_id: str, analysis: Analysis, kb: KnowledgeBase) -> float:
    """Lower when an unrelated topic scores within a hair of the answered one."""
    scores = dict(analysis.topic_scores)
    score = scores.get(topic_id)
    topic = kb.topic(topic_id)
    if score is None or topic is None:
        return 1.0
    rivals = (
        other
        for other, other_score in analysis.topic_scores
        if other != topic_id
        and other not in topic.related
        and topic_id not in _related(kb, other)
        and score - other_score < TIE_MARGIN
    )
    return TIE_FACTOR if next(rivals, None) is not None else 1.0


def _related(kb: KnowledgeBase, topic_id: str) -> tuple[str, ...]:
    topic = kb.topic(topic_id)
    return topic.related if topic is not None else ()


def _coverage_factor(analysis: Analysis) -> float:
    """Lower when the knowledge does not know most of the question's content words."""
    unknown = len(analysis.unknown_words)
    explained = analysis.evidence_words
    if unknown <= explained:
        return 1.0
    return math.sqrt(explained / unknown)
