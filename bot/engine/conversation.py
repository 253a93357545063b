"""The conversation engine: a question and the chat's state in, a reply and new state out.

Telegram, the terminal chat and `jpo-bot ask` all call `Assistant`, so an answer measured
on the command line is the answer a candidate gets. Nothing here does I/O.

A question goes one way through the engine: `KnowledgeIndex.analyse` finds what it is about,
`decision.decide` picks what to answer (plain data), `replies.build` turns that into words;
`Assistant` only keeps the chat's state in step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.engine import concise, cues, leads, replies
from bot.engine.answers import Action, Reply, SelectPosting, ShowTopic
from bot.engine.compare import compare_reply
from bot.engine.decision import (
    Decision,
    EmptyPick,
    FaqPick,
    OverviewPick,
    TooLong,
    decide,
    show_topic,
)
from bot.engine.eligibility import MAX_CHECKED, check_reply, is_self_check
from bot.engine.matching import Analysis, FaqKey, KnowledgeIndex
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase

MAX_QUESTION_CHARS = 600


@dataclass(frozen=True, slots=True)
class Turn:
    """One step of a conversation: the reply to show and the chat's new state."""

    reply: Reply
    state: ChatState


class Assistant:
    """Answers questions from one knowledge snapshot; immutable, shareable across chats."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.index = KnowledgeIndex(kb)

    @property
    def version(self) -> str:
        return self.kb.version

    def posting_ids(self) -> tuple[str, ...]:
        return tuple(self.kb.postings)

    def ask(self, question: str, state: ChatState) -> Turn:
        """Answers a free-text question in the context of the chat's state."""
        state = self._known(state)
        words = " ".join(question.split())
        text = words[:MAX_QUESTION_CHARS]
        analysis = self.index.analyse(text, state.posting)
        if not analysis.tokens:
            empty = Decision(EmptyPick(), "fallback", 0.0)
            return Turn(self._build(empty, state), replace(state, pending_question=None))
        named = tuple(p for p in analysis.named_postings if p in self.kb.postings)
        if len(named) == 1:
            state = state.with_posting(named[0])
        decision = decide(self.kb, self.index, analysis, state, named)
        if len(words) > MAX_QUESTION_CHARS:
            decision = decision.with_note(TooLong())
        reply = self._build(decision, state)
        asset = self._asset(text, analysis, reply)
        reply = leads.with_lead(self.kb, decision, reply, text, state.lang, asset)  # the lead
        reply = self._from_facts(text, analysis, named, state, reply)
        reply = concise.shorten(self.kb, reply, state.lang, self._telling(analysis, reply))
        if reply.status == "clarify" and reply.topic is not None and not reply.posting:
            return Turn(reply, replace(state, pending_question=text))
        state = replace(state, pending_question=None)
        if reply.posting and reply.posting != state.posting and not decision.borrowed:
            state = state.with_posting(reply.posting)
        return Turn(reply, state)

    def act(self, action: Action, state: ChatState) -> Turn:
        """Carries out a picked suggestion (a button or a numbered choice)."""
        state = self._known(state)
        if isinstance(action, SelectPosting):
            return self._select(action.posting, state)
        state = replace(state, pending_question=None)
        if action.posting is not None and action.posting not in self.kb.postings:
            return Turn(self.postings_menu(state), state)
        if action.posting is not None:
            state = state.with_posting(action.posting)
        if isinstance(action, ShowTopic):
            if self.kb.topic(action.topic) is None:
                return Turn(self.topics_menu(state), state)
            return Turn(self.topic_reply(action.topic, action.posting, state.lang), state)
        key = FaqKey(action.posting, action.faq)
        faq = self.index.faqs.get(key)
        if faq is None:
            return Turn(self.topics_menu(state), state)
        return Turn(self._build(Decision(FaqPick(key, faq), "answered"), state), state)

    def postings_menu(self, state: ChatState) -> Reply:
        """All postings, each a choice."""
        return replies.postings_menu(self.kb, state.lang)

    def topics_menu(self, state: ChatState) -> Reply:
        """The selected posting's topics, each a choice; without a posting, the postings."""
        return replies.topics_menu(self.kb, state.posting, state.lang)

    def topic_reply(self, topic_id: str, posting_id: str | None, lang: str) -> Reply:
        """What the posting (None: the programme) says on a topic, or that it says nothing."""
        return replies.build(self.kb, show_topic(self.kb, topic_id, posting_id), lang)

    def _asset(self, text: str, analysis: Analysis, reply: Reply) -> str | None:
        """The answering posting's best bullet for a yes/no question, if it calls it an asset."""
        if (
            reply.posting is None
            or not cues.is_yes_no(text)
            or not leads.passage_topic(self.kb, reply.topic)
        ):
            return None
        return leads.asset_passage(self.index.search_passages(analysis, (reply.posting,)))

    def _telling(self, analysis: Analysis, reply: Reply) -> frozenset[str]:
        """The answer's points that name the question's telling words (kept when shortening)."""
        if reply.posting is None or concise.fits(reply.answer):
            return frozenset()
        hits = self.index.search_passages(analysis, (reply.posting,))
        return frozenset(h.passage.text for h in hits if h.telling)

    def _from_facts(
        self, text: str, analysis: Analysis, named: tuple[str, ...], state: ChatState, reply: Reply
    ) -> Reply:
        """A comparison or an eligibility self-check, built from the typed facts, where asked."""
        if cues.is_comparison(text) and len(named) != 1:
            compared = compare_reply(self.kb, self.index, analysis, text, reply, state.lang, named)
            return compared or reply
        this_year = date.today().year
        postings = named or ((state.posting,) if state.posting else ())
        if len(postings or self.kb.postings) > MAX_CHECKED:
            return reply
        if is_self_check(text, this_year):
            return check_reply(self.kb, text, postings, state.lang, this_year)
        return reply

    def _build(self, decision: Decision, state: ChatState) -> Reply:
        return replies.build(self.kb, decision, state.lang)

    def _known(self, state: ChatState) -> ChatState:
        """The state without a posting that the knowledge no longer has (after a reload)."""
        if state.posting is None or state.posting in self.kb.postings:
            return state
        return ChatState(lang=state.lang)

    def _select(self, posting_id: str, state: ChatState) -> Turn:
        if posting_id not in self.kb.postings:
            return Turn(self.postings_menu(state), state)
        pending = state.pending_question
        state = state.with_posting(posting_id)
        if pending:
            return self.ask(pending, state)
        return Turn(self._build(Decision(OverviewPick(posting_id), "answered"), state), state)
