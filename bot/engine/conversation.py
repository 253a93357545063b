"""The conversation engine: a question and the chat's state in, a reply and new state out.

Telegram, the terminal chat and `jpo-bot ask` all call `Assistant`, so an answer measured
on the command line is the answer a candidate gets. Nothing here does I/O.

How a question is decided, in order:
1. an FAQ entry whose keywords and wording fit (the most specific answer);
2. a passage of the posting that shares the question's rarer words ("sargassum"),
   unless a topic fits better;
3. a topic of the catalogue: answered from the posting (or the programme); a topic the
   posting does not cover is `not_stated`; a posting-specific topic with no posting known
   is `clarify`; two topics scoring alike become a "did you mean" choice;
4. a posting named with nothing else: its overview;
5. otherwise `fallback`: what the assistant can help with.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.engine.answers import (
    Action,
    Answer,
    Block,
    Reply,
    SelectPosting,
    ShowTopic,
    Suggestion,
)
from bot.engine.matching import Analysis, FaqKey, KnowledgeIndex, PassageHit
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Content
from bot.texts import phrases

MAX_QUESTION_CHARS = 600
TOPIC_THRESHOLD = 50.0
FAQ_THRESHOLD = 62.0
FAQ_INFERENCE = 70.0  # an FAQ that alone decides the posting must fit better
PASSAGE_STRONG = 2.0
PASSAGE_DOMINANT = 4.0
NEAR_TIE = 2.5
NAMED_ONLY_SCORE = 90.0
# One exact keyword scores about 80; fuzzy or compound-only evidence scores less.
STRONG_EVIDENCE = 78.0
MAX_FOLLOW_UPS = 3
MAX_PASSAGES = 3
PASSAGE_KEEP_RATIO = 0.6
MAX_POSTING_CHOICES = 10
# Topics whose full answer is long: a passage that names the detail asked about is better.
BROAD_TOPICS = frozenset({"overview", "duties", "outputs", "skills"})


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

    # ----- questions ----------------------------------------------------------------

    def ask(self, question: str, state: ChatState) -> Turn:
        """Answers a free-text question in the context of the chat's state."""
        state = self._known(state)
        words = " ".join(question.split())
        text = words[:MAX_QUESTION_CHARS]
        analysis = self.index.analyse(text, state.posting)
        if not analysis.tokens:
            return Turn(self._empty(state.lang), replace(state, pending_question=None))
        named = tuple(p for p in analysis.named_postings if p in self.kb.postings)
        if len(named) == 1:
            state = state.with_posting(named[0])
        decision = _Decision(self, analysis, state, named, text)
        reply = decision.reply()
        if len(words) > MAX_QUESTION_CHARS:
            reply = _with_note(reply, phrases(state.lang).too_long_note)
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
        if key not in self.index.faqs:
            return Turn(self.topics_menu(state), state)
        return Turn(self.faq_reply(key, state.lang, 100.0), state)

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
        return Turn(self.overview_reply(posting_id, state.lang), state)

    # ----- menus --------------------------------------------------------------------

    def postings_menu(self, state: ChatState) -> Reply:
        """All postings, each a choice."""
        words = phrases(state.lang)
        postings = list(self.kb.postings.values())
        return Reply(
            status="answered",
            answer=Answer(
                heading=words.postings_heading,
                text=words.postings_text,
                points=tuple(f"{p.name.get(state.lang)}: {p.title}" for p in postings),
            ),
            suggestions=tuple(
                Suggestion(p.name.get(state.lang), SelectPosting(p.id)) for p in postings
            ),
        )

    def topics_menu(self, state: ChatState) -> Reply:
        """The selected posting's topics, each a choice; without a posting, the postings."""
        posting = self.kb.posting(state.posting) if state.posting else None
        if posting is None:
            return self.postings_menu(state)
        words = phrases(state.lang)
        topic_ids = self.kb.posting_topics(posting.id)
        return Reply(
            status="answered",
            posting=posting.id,
            answer=Answer(
                heading=words.topics_heading.format(posting=posting.name.get(state.lang)),
                text=words.topics_text,
            ),
            suggestions=tuple(
                Suggestion(self._title(t, state.lang), ShowTopic(posting.id, t)) for t in topic_ids
            ),
        )

    # ----- answers ------------------------------------------------------------------

    def topic_reply(
        self, topic_id: str, posting_id: str | None, lang: str, score: float = 100.0
    ) -> Reply:
        """What the posting (None: the programme) says on a topic, or that it says nothing."""
        words = phrases(lang)
        programme = self.kb.programme.topics.get(topic_id)
        content = self.kb.content(posting_id, topic_id) if posting_id else None
        if content is None and programme is None:
            return self._not_stated(topic_id, posting_id, lang, score)
        if content is None:
            answer = _content_answer(self._heading(None, topic_id, lang), programme)
            return self._reply("answered", answer, None, topic_id, score, lang)
        answer = _content_answer(self._heading(posting_id, topic_id, lang), content)
        if programme is not None:
            block = Block(words.programme_block, _as_points(programme))
            answer = replace(answer, blocks=(*answer.blocks, block))
        return self._reply("answered", answer, posting_id, topic_id, score, lang)

    def only_posting_reply(self, topic_id: str, posting_id: str, lang: str, score: float) -> Reply:
        """A topic only one posting covers, asked with no posting: that posting's answer,
        saying that the others do not state it."""
        reply = self.topic_reply(topic_id, posting_id, lang, score)
        others = [p.name.get(lang) for p in self.kb.postings.values() if p.id != posting_id]
        return _with_note(reply, phrases(lang).only_posting.format(others=", ".join(others)))

    def compare_reply(
        self, topic_id: str, posting_ids: tuple[str, ...], lang: str, score: float
    ) -> Reply:
        """One topic for several named postings, each posting's content under its name."""
        words = phrases(lang)
        blocks = []
        for posting_id in posting_ids:
            name = self.kb.postings[posting_id].name.get(lang)
            content = self.kb.content(posting_id, topic_id)
            points = _as_points(content) if content else (words.not_stated_short,)
            blocks.append(Block(name, points))
        title = self._title(topic_id, lang)
        answer = Answer(heading=title, blocks=tuple(blocks))
        return Reply(
            status="answered",
            answer=answer,
            topic=topic_id,
            score=round(score, 1),
            suggestions=tuple(
                Suggestion(f"{self.kb.postings[p].name.get(lang)}: {title}", ShowTopic(p, topic_id))
                for p in posting_ids
            ),
        )

    def faq_reply(self, key: FaqKey, lang: str, score: float) -> Reply:
        faq = self.index.faqs[key]
        answer = Answer(heading=self._heading(key.posting, faq.topic, lang), text=faq.answer)
        reply = self._reply("answered", answer, key.posting, faq.topic, score, lang)
        full = Suggestion(
            phrases(lang).full_topic.format(topic=self._title(faq.topic, lang)),
            ShowTopic(key.posting, faq.topic),
        )
        return _prepend(reply, full)

    def passage_reply(self, hits: list[PassageHit], lang: str, score: float) -> Reply:
        best = hits[0].passage
        chosen = [
            h.passage
            for h in hits[:MAX_PASSAGES]
            if h.passage.posting == best.posting and h.score >= PASSAGE_KEEP_RATIO * hits[0].score
        ]
        words = phrases(lang)
        blocks: dict[str, list[str]] = {}
        for passage in chosen:
            title = passage.block or words.found_in.format(topic=self._title(passage.topic, lang))
            blocks.setdefault(title, []).append(passage.text)
        answer = Answer(
            heading=self._heading(best.posting, best.topic, lang),
            blocks=tuple(Block(title, tuple(points)) for title, points in blocks.items()),
        )
        reply = self._reply("answered", answer, best.posting, best.topic, score, lang)
        full = Suggestion(
            words.full_topic.format(topic=self._title(best.topic, lang)),
            ShowTopic(best.posting, best.topic),
        )
        return _prepend(reply, full)

    def overview_reply(self, posting_id: str, lang: str, score: float = 100.0) -> Reply:
        posting = self.kb.postings[posting_id]
        content = posting.topics.get("overview")
        heading = f"{posting.name.get(lang)} — {posting.title}"
        if content is not None:
            answer = _content_answer(heading, content)
        else:
            facts = (posting.organisation, posting.unit or "")
            answer = Answer(heading=heading, points=tuple(f for f in facts if f))
        return self._reply("answered", answer, posting_id, "overview", score, lang)

    def clarify_reply(self, topic_id: str | None, lang: str, score: float) -> Reply:
        words = phrases(lang)
        postings = list(self.kb.postings.values())[:MAX_POSTING_CHOICES]
        return Reply(
            status="clarify",
            topic=topic_id,
            score=round(score, 1),
            answer=Answer(heading=words.clarify_heading, text=words.clarify_text),
            suggestions=tuple(Suggestion(p.name.get(lang), SelectPosting(p.id)) for p in postings),
        )

    def did_you_mean_reply(
        self, topics: tuple[str, ...], posting_id: str | None, lang: str, score: float
    ) -> Reply:
        words = phrases(lang)
        return Reply(
            status="clarify",
            posting=posting_id,
            topic=topics[0],
            score=round(score, 1),
            answer=Answer(heading=words.did_you_mean_heading, text=words.did_you_mean_text),
            suggestions=tuple(
                Suggestion(self._title(t, lang), ShowTopic(posting_id, t)) for t in topics
            ),
        )

    def fallback_reply(self, lang: str, score: float, posting_id: str | None = None) -> Reply:
        words = phrases(lang)
        answer = Answer(heading=words.fallback_heading, text=words.fallback_text)
        score = round(score, 1)
        if posting_id:
            suggestions = tuple(
                Suggestion(self._title(t, lang), ShowTopic(posting_id, t))
                for t in self.kb.posting_topics(posting_id)[:6]
            )
        else:
            suggestions = self.postings_menu(ChatState(lang=lang)).suggestions  # type: ignore[arg-type]
        return Reply(status="fallback", answer=answer, score=score, suggestions=suggestions)

    # ----- helpers ------------------------------------------------------------------

    def _not_stated(self, topic_id: str, posting_id: str | None, lang: str, score: float) -> Reply:
        words = phrases(lang)
        contact = self.kb.programme.contact.get(lang)
        template = words.not_stated if posting_id else words.not_stated_programme
        answer = Answer(
            heading=self._heading(posting_id, topic_id, lang),
            text=template.format(contact=contact),
        )
        return self._reply("not_stated", answer, posting_id, topic_id, score, lang)

    def _empty(self, lang: str) -> Reply:
        words = phrases(lang)
        return Reply(
            status="fallback",
            answer=Answer(heading=words.empty_heading, text=words.empty_text),
            suggestions=self.postings_menu(ChatState(lang=lang)).suggestions,  # type: ignore[arg-type]
        )

    def _reply(
        self,
        status: str,
        answer: Answer,
        posting_id: str | None,
        topic_id: str,
        score: float,
        lang: str,
    ) -> Reply:
        return Reply(
            status=status,  # type: ignore[arg-type]
            answer=answer,
            posting=posting_id,
            topic=topic_id,
            score=round(score, 1),
            suggestions=self._follow_ups(topic_id, posting_id, lang),
        )

    def _follow_ups(
        self, topic_id: str, posting_id: str | None, lang: str
    ) -> tuple[Suggestion, ...]:
        topic = self.kb.topic(topic_id)
        if topic is None:
            return ()
        found = []
        for related in topic.related:
            if self.kb.content(posting_id, related) or self.kb.programme.topics.get(related):
                found.append(Suggestion(self._title(related, lang), ShowTopic(posting_id, related)))
        return tuple(found[:MAX_FOLLOW_UPS])

    def _heading(self, posting_id: str | None, topic_id: str, lang: str) -> str:
        title = self._title(topic_id, lang)
        if posting_id is None:
            return f"{phrases(lang).programme_heading} — {title}"
        return f"{self.kb.postings[posting_id].name.get(lang)} — {title}"

    def _title(self, topic_id: str, lang: str) -> str:
        topic = self.kb.topic(topic_id)
        return topic.title.get(lang) if topic else topic_id


class _Decision:
    """Works out the reply to one question; a fresh instance per question."""

    def __init__(
        self,
        assistant: Assistant,
        analysis: Analysis,
        state: ChatState,
        named: tuple[str, ...],
        question: str,
    ) -> None:
        self.assistant = assistant
        self.kb = assistant.kb
        self.index = assistant.index
        self.analysis = analysis
        self.state = state
        self.lang = state.lang
        self.named = named
        self.posting = named[0] if named else state.posting
        self.question = question
        # True when the answer comes from another posting than the chat's selected one
        # without the question naming it: answered, but the chat keeps its posting.
        self.borrowed = False

    def reply(self) -> Reply:
        topic_id, topic_score = self._best_topic()
        faq = self._faq()
        if faq is not None and not self._off_topic(self.analysis.evidence_words, faq[1]):
            return self._faq_reply(*faq)
        passages = self._passages()
        broad = topic_id is None or topic_score < TOPIC_THRESHOLD or topic_id in BROAD_TOPICS
        if not passages and not self.named and self.posting and broad and not self._mentioned():
            # A detail the chat's posting never mentions may be in another posting.
            passages = self._passages(everywhere=True)
            self.borrowed = bool(passages)
        if (
            passages
            and self._passage_beats_topic(passages[0], topic_id, topic_score)
            and not self._off_topic(passages[0].telling, 0.0)
        ):
            score = min(100.0, 50.0 + 10.0 * passages[0].score)
            reply = self.assistant.passage_reply(passages, self.lang, score)
            if self.borrowed and self.posting:
                selected = self.kb.postings[self.posting].name.get(self.lang)
                note = phrases(self.lang).elsewhere.format(posting=selected)
                reply = _with_note(reply, note)
            return reply
        self.borrowed = False
        evidence = self.analysis.evidence_words
        if (
            topic_id is not None
            and topic_score >= TOPIC_THRESHOLD
            and not self._off_topic(evidence, topic_score)
        ):
            return self._topic(topic_id, topic_score)
        shared = self._detail_in_several_postings()
        if shared is not None:
            return self.assistant.clarify_reply(shared, self.lang, topic_score)
        if self.named and not self.analysis.unknown_words:
            return self.assistant.overview_reply(self.named[0], self.lang, NAMED_ONLY_SCORE)
        return self.assistant.fallback_reply(self.lang, topic_score, self.state.posting)

    def _best_topic(self) -> tuple[str | None, float]:
        """The best-scoring topic; on a tie, a named posting prefers its own topics."""
        scores = self.analysis.topic_scores
        if not scores:
            return None, 0.0
        best = scores[0]
        if self.named:
            tied = [t for t in scores if t[1] == best[1]]
            own = [t for t in tied if (topic := self.kb.topic(t[0])) and topic.scope == "posting"]
            best = own[0] if own else best
        return best

    def _faq_reply(self, key: FaqKey, score: float) -> Reply:
        topic = self.index.faqs[key].topic
        if key.posting is None and self.posting and self.kb.content(self.posting, topic):
            # The posting's own answer carries the programme rule as well.
            return self.assistant.topic_reply(topic, self.posting, self.lang, score)
        return self.assistant.faq_reply(key, self.lang, score)

    def _detail_in_several_postings(self) -> str | None:
        """With no posting known, a detail several postings mention needs a choice."""
        if self.posting is not None or len(self.analysis.unknown_words) > 1:
            return None
        candidates = self.index.postings_mentioning(self.analysis, PASSAGE_STRONG)
        strong = []
        for posting_id in candidates:
            hits = self.index.search_passages(self.analysis, (posting_id,))
            if hits and hits[0].score >= PASSAGE_STRONG:
                strong.append(hits[0])
                if len(strong) == 2:
                    return max(strong, key=lambda h: h.score).passage.topic
        return None

    def _faq(self) -> tuple[FaqKey, float] | None:
        """The best FAQ entry of the postings in question; None when none fits well."""
        fitting = [
            (key, score)
            for key, score in self.analysis.faq_scores
            if score >= FAQ_THRESHOLD
            and (self.posting is None or key.posting in (None, self.posting))
        ]
        if not fitting:
            return None
        best_key, best_score = fitting[0]
        if self.posting is None and best_key.posting is not None and best_score < FAQ_INFERENCE:
            return None  # too weak to pick a posting on its own
        if self.posting is None and best_key.posting is not None:
            topic = self.index.faqs[best_key].topic
            others = [
                p for p in self.kb.postings if p != best_key.posting and self.kb.content(p, topic)
            ]
            if others and best_key not in self.analysis.faq_details:
                # Asked in topic words only ("is Spanish required?"): other postings
                # answer it too, so ask which posting.
                return None
        return best_key, best_score

    def _mentioned(self) -> bool:
        """Whether the chat's posting mentions any of the question's telling words."""
        hits = self.index.search_passages(self.analysis, (self.posting,))
        return any(h.telling or h.score >= PASSAGE_STRONG / 2 for h in hits)

    def _passages(self, everywhere: bool = False) -> list[PassageHit]:
        scope = (self.posting,) if self.posting and not everywhere else None
        hits = self.index.search_passages(self.analysis, scope)
        if not hits or hits[0].score < PASSAGE_STRONG or not hits[0].telling:
            return []
        strong_postings = {h.passage.posting for h in hits if h.score >= PASSAGE_STRONG}
        if scope is None and len(strong_postings) > 1:
            return []
        return hits

    def _passage_beats_topic(self, best: PassageHit, topic_id: str | None, score: float) -> bool:
        if topic_id is None or score < TOPIC_THRESHOLD:
            return True
        if topic_id in BROAD_TOPICS:
            return best.telling >= 1
        if best.passage.topic == topic_id or best.score < PASSAGE_DOMINANT:
            return False
        # A detail elsewhere in the posting beats a topic only on more than one telling word,
        # or when the topic rests on weak evidence.
        return best.telling >= 2 or score < STRONG_EVIDENCE

    def _off_topic(self, evidence: int, score: float) -> bool:
        """Words we do not know outweigh weak evidence: 'football results in Kingston'."""
        unknown = len(self.analysis.unknown_words)
        return unknown >= 2 and unknown > evidence and score < STRONG_EVIDENCE

    def _topic(self, topic_id: str, score: float) -> Reply:
        topic = self.kb.topic(topic_id)
        assert topic is not None
        near = self._near_tie(topic_id, score)
        if near:
            return self.assistant.did_you_mean_reply(near, self.posting, self.lang, score)
        programme = self.kb.programme.topics.get(topic_id)
        if len(self.named) > 1 and topic.scope == "posting":
            return self.assistant.compare_reply(topic_id, self.named, self.lang, score)
        if topic.scope == "programme":
            named_has_it = self.named and self.kb.content(self.named[0], topic_id)
            posting = self.named[0] if named_has_it else None
            return self.assistant.topic_reply(topic_id, posting, self.lang, score)
        if self.posting is not None:
            reply = self.assistant.topic_reply(topic_id, self.posting, self.lang, score)
            absent = self.index.absent_details(self.analysis, self.posting)
            if reply.status == "answered" and absent:
                # Say what the posting does not mention, then what it says on the topic.
                note = phrases(self.lang).detail_not_stated.format(words=", ".join(absent))
                reply = replace(_with_note(reply, note), status="not_stated")
            return reply
        if programme is not None:
            return self.assistant.topic_reply(topic_id, None, self.lang, score)
        covering = [p for p in self.kb.postings if self.kb.content(p, topic_id)]
        if len(covering) == 1:
            if self.analysis.unknown_words and score < STRONG_EVIDENCE:
                # Weak evidence plus words we do not know: not enough to pick the posting.
                return self.assistant.fallback_reply(self.lang, score)
            return self.assistant.only_posting_reply(topic_id, covering[0], self.lang, score)
        if not covering:
            return self.assistant.topic_reply(topic_id, None, self.lang, score)
        return self.assistant.clarify_reply(topic_id, self.lang, score)

    def _near_tie(self, topic_id: str, score: float) -> tuple[str, ...]:
        """Two unrelated topics scoring alike, the second one answerable: ask which."""
        others = [t for t in self.analysis.topic_scores if t[0] != topic_id]
        if not others:
            return ()
        second, second_score = others[0]
        second_topic = self.kb.topic(second)
        if self.named and second_topic is not None and second_topic.scope == "programme":
            return ()  # a posting named in the question asks about that posting
        if score - second_score >= NEAR_TIE or second_score < TOPIC_THRESHOLD:
            return ()
        topic = self.kb.topic(topic_id)
        if topic is None or second in topic.related:
            return ()
        if self.posting is None and topic.scope == "posting":
            return ()  # which posting comes first; the choice of topic can wait
        if not (self.kb.content(self.posting, second) if self.posting else None) and not (
            self.kb.programme.topics.get(second)
        ):
            return ()  # offering a topic we cannot answer helps nobody
        return (topic_id, second)


def _content_answer(heading: str, content: Content) -> Answer:
    return Answer(
        heading=heading,
        text=content.text,
        points=content.points,
        blocks=tuple(Block(s.title, s.points) for s in content.sections),
    )


def _as_points(content: Content) -> tuple[str, ...]:
    points = ((content.text,) if content.text else ()) + content.points
    return points + tuple(p for s in content.sections for p in s.points)


def _with_note(reply: Reply, note: str) -> Reply:
    answer = reply.answer
    joined = f"{answer.note}\n{note}" if answer.note else note
    return replace(reply, answer=replace(answer, note=joined))


def _prepend(reply: Reply, suggestion: Suggestion) -> Reply:
    others = tuple(s for s in reply.suggestions if s.action != suggestion.action)
    return replace(reply, suggestions=(suggestion, *others)[: MAX_FOLLOW_UPS + 1])
