"""Calibrated confidence (bot/engine/confidence.py): the score a reply reports drops when
the question holds words the knowledge does not know, or when another topic fits as well."""

from __future__ import annotations

from bot.engine.confidence import calibrated
from bot.engine.conversation import Assistant
from bot.engine.decision import Decision, TopicPick
from bot.engine.matching import Analysis
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase


def _analysis(topics: tuple[tuple[str, float], ...], unknown: int, evidence: int) -> Analysis:
    return Analysis(
        tokens=(),
        named_postings=(),
        topic_scores=topics,
        faq_scores=(),
        unknown_words=tuple(f"word{i}" for i in range(unknown)),
        query_words=(),
        evidence_words=evidence,
    )


def test_a_clear_question_keeps_its_full_score(assistant: Assistant) -> None:
    reply = assistant.ask("How long is the UNEP assignment?", ChatState()).reply
    assert (reply.status, reply.topic, reply.score) == ("answered", "duration", 100.0)


def test_a_question_the_knowledge_explains_in_part_is_not_confident(assistant: Assistant) -> None:
    # "years" points at the duration; "exactly happens" the postings never use.
    unsure = assistant.ask("What exactly happens during the two years?", ChatState()).reply
    assert unsure.status == "answered" and unsure.score < 75.0
    clear = assistant.ask("How many years does the UNEP assignment last?", ChatState()).reply
    assert clear.status == "answered" and clear.score >= 90.0


def test_a_short_question_about_something_else_is_out_of_scope(assistant: Assistant) -> None:
    # "last year" is the only thing it shares with the postings, however strongly.
    reply = assistant.ask("who won the tennis final last year", ChatState()).reply
    assert reply.status == "fallback"


def test_unknown_words_lower_the_score_by_the_share_explained(kb: KnowledgeBase) -> None:
    decision = Decision(TopicPick("duration", None), "answered", 90.0)
    explained = calibrated(decision, _analysis((("duration", 90.0),), 1, 2), kb)
    assert explained.score == 90.0
    mostly_unknown = calibrated(decision, _analysis((("duration", 90.0),), 8, 2), kb)
    assert mostly_unknown.score == 45.0
    assert mostly_unknown.pick == decision.pick and mostly_unknown.status == "answered"


def test_an_unrelated_topic_scoring_alike_lowers_the_score(kb: KnowledgeBase) -> None:
    decision = Decision(TopicPick("duration", None), "answered", 80.0)
    tied = calibrated(decision, _analysis((("duration", 80.0), ("languages", 80.0)), 0, 2), kb)
    assert tied.score < 75.0
    apart = calibrated(decision, _analysis((("duration", 80.0), ("languages", 60.0)), 0, 2), kb)
    assert apart.score == 80.0


def test_replies_that_are_not_answers_keep_their_score(kb: KnowledgeBase) -> None:
    decision = Decision(TopicPick("salary", None), "not_stated", 80.0)
    assert calibrated(decision, _analysis((("salary", 80.0),), 8, 1), kb).score == 80.0
