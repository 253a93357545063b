"""The conversation engine: a question and the chat's state in, a reply and new state out.

Telegram, the terminal chat and `jpo-bot ask` all call `Assistant`, so an answer measured
on the command line is the answer a candidate gets. Nothing here does I/O.

A question goes one way through the engine: `KnowledgeIndex.analyse` finds what it is about,
`decision.decide` picks what to answer (plain data), `replies.build` turns that into words;
`Assistant` only keeps the chat's state in step.

The reply's own words (headings, notes, framing) are in the language the message is
written in (`bot.engine.language`); a message too short to tell keeps the chat's language,
and the chat itself switches by `language.choose`'s rule. The chat's starting language
(Telegram's client setting, `--lang`) is only where a chat begins.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.engine import (
    concise,
    cues,
    followup,
    guided,
    language,
    leads,
    multipart,
    nationality,
    replies,
    smalltalk,
)
from bot.engine.answers import Action, AnswerCheck, Reply, SelectPosting, ShowTopic
from bot.engine.compare import asks_which_posting, candidate_fields, compare_reply
from bot.engine.decision import (
    NAMED_ONLY_SCORE,
    STRONG_EVIDENCE,
    ComparePick,
    Decision,
    EmptyPick,
    FaqPick,
    OverviewPick,
    SmallTalkPick,
    TooLong,
    TopicChoice,
    TopicPick,
    decide,
    show_topic,
)
from bot.engine.eligibility import MAX_CHECKED, check_reply, is_self_check
from bot.engine.matching import Analysis, FaqKey, KnowledgeIndex
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Lang

MAX_QUESTION_CHARS = 600
# What follows a greeting or thanks without an answer in the knowledge is part of the small
# talk when it asks nothing: no question mark, or at most this many words.
REMARK_WORDS = 3
# A message asking more things gets the first this many answered, each under its heading.
MAX_PARTS = 3
# A stated nationality with a question to apply is a clear cue for the nationality topic.
NATIONALITY_SCORE = 80.0
QUALIFICATIONS = "qualifications"


@dataclass(frozen=True, slots=True)
class Turn:
    """One step of a conversation: the reply to show and the chat's new state."""

    reply: Reply
    state: ChatState
    # The language of the reply's own words; None: the chat's language (`state.lang`).
    reply_lang: Lang | None = None

    @property
    def lang(self) -> Lang:
        """The language the reply's own words are in."""
        return self.reply_lang or self.state.lang


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
        found = language.guess(text)
        detected = found.lang if found is not None and found.clear else None
        long = found is not None and found.long
        choice = language.choose(state.lang, detected, state.recent_langs, long=long)
        state = state.heard(detected, choice.chat)
        turn = self._answer(text, len(words) > MAX_QUESTION_CHARS, state, choice.reply)
        return replace(turn, reply_lang=choice.reply)

    def _answer(self, text: str, cut: bool, state: ChatState, lang: Lang) -> Turn:
        """The reply to a question, its framing in `lang`, and the chat's new state."""
        said = smalltalk.parse(text)
        if said.kind is not None and said.only:
            return self._smalltalk(said.kind, state, lang)
        if said.kinds:
            text = said.rest  # "hi, how long is it?": the question is what follows the greeting
        parts = multipart.split(text)
        if len(parts) > 1 and (several := self._several(parts, state, lang)) is not None:
            return several
        analysis = self.index.analyse(text, state.posting)
        if not analysis.tokens:
            empty = Decision(EmptyPick(), "fallback", 0.0)
            return Turn(self._build(empty, lang), replace(state, pending_question=None))
        named = self._named(analysis)
        other = None if named else self._other_posting(text, state)
        named = (other,) if other else named
        pending = state.pending_question
        if len(named) == 1:
            state = state.with_posting(named[0])
        decision = self._nationality(text, decide(self.kb, self.index, analysis, state, named))
        decision = self._everything(text, decision, named, state)
        decision = self._requirements(text, decision, named, state)
        if pending and named and not other and isinstance(decision.pick, OverviewPick):
            # "the Jamaica one" after "which posting?": the waiting question, answered.
            return self._select(named[0], replace(state, pending_question=pending), lang)
        if said.kind is not None and decision.status == "fallback" and _remark(text, analysis):
            # Nothing about the postings besides the small talk ("thanks, you were great").
            return self._smalltalk(said.kind, state, lang)
        if state.topics and followup.compares_with_last(text):
            # "Und was ist bei UNEP anders?": the last answer's topic, posting by posting.
            compared = self._compare_last(text, analysis, decision, named, state, lang)
            if compared is not None:
                return self._finish(compared, state)
        if named and state.topics and self._follows_up(text, decision, bool(other)):
            # "and for the UNESCO one?": the last answer's topics, for the posting named now.
            yes_no = state.yes_no and followup.keeps_framing(text)
            again = self._again(state.topics, named[0], decision.score, lang, text, yes_no)
            return self._finish(again, replace(state, yes_no=yes_no))
        if cut:
            decision = decision.with_note(TooLong())
        reply = self._build(decision, lang)
        yes_no = cues.is_yes_no(text) or (state.yes_no and followup.keeps_framing(text))
        state = replace(state, yes_no=yes_no)
        asset = self._asset(text, analysis, reply, yes_no)
        reply = leads.with_lead(self.kb, decision, reply, text, lang, asset, yes_no)
        if isinstance(decision.pick, ComparePick):
            # "Which degree for UNESCO and which for UNEP?": the postings named, compared.
            pick = decision.pick
            compared = compare_reply(
                self.kb, self.index, analysis, text, reply, lang, pick.postings, pick.topic
            )
            reply = compared or reply
        else:
            reply = self._from_facts(text, analysis, named, state, lang, reply)
        reply = concise.shorten(self.kb, reply, lang, self._telling(analysis, reply))
        if reply.status == "clarify" and reply.topic is not None and not reply.posting:
            remembered = replace(state, pending_question=text, topics=(reply.topic,), postings=())
            return Turn(reply, remembered)
        return self._finish(reply, state, decision.borrowed)

    def _finish(self, reply: Reply, state: ChatState, borrowed: bool = False) -> Turn:
        """The turn of an answered question: the chat remembers what the reply was about."""
        state = replace(state, pending_question=None)
        if reply.posting and reply.posting != state.posting and not borrowed:
            state = state.with_posting(reply.posting)
        topics = reply.topics or ((reply.topic,) if reply.topic else ())
        if reply.status in ("answered", "not_stated") and topics:
            postings = reply.postings or ((reply.posting,) if reply.posting else ())
            state = replace(state, topics=topics, postings=postings)
        return Turn(reply, state)

    def _several(self, parts: tuple[str, ...], state: ChatState, lang: Lang) -> Turn | None:
        """A message asking several things, each part answered under its own heading in one
        reply; None when the parts do not ask different answerable things."""
        analyses = [self.index.analyse(part, state.posting) for part in parts]
        named = [self._named(analysis) for analysis in analyses]
        everywhere = tuple(dict.fromkeys(p for names in named for p in names))
        if len(everywhere) == 1:
            # "How long is the UNEP job and which languages?": UNEP for both parts.
            state = state.with_posting(everywhere[0])
            named = [everywhere for _ in named]
        answers = []
        for part, analysis, names in zip(parts, analyses, named, strict=True):
            decision = decide(self.kb, self.index, analysis, state, names)
            if _answers_a_part(decision):
                reply = self._build(decision, lang)
                answers.append(leads.with_lead(self.kb, decision, reply, part, lang))
        topics = {reply.topic for reply in answers}
        if len(answers) < 2 or len(topics) < len(answers):
            return None
        answers = answers[:MAX_PARTS]
        combined = replies.combine(answers)
        # Each part's direct answer, in the order asked, leads the whole reply.
        lead = " ".join(a.answer.lead for a in answers if a.answer.lead) or None
        combined = replace(combined, answer=replace(combined.answer, lead=lead))
        return self._finish(combined, replace(state, yes_no=False))

    def _compare_last(
        self,
        text: str,
        analysis: Analysis,
        decision: Decision,
        named: tuple[str, ...],
        state: ChatState,
        lang: Lang,
    ) -> Reply | None:
        """The last answer's topic compared across its postings and those named now."""
        postings = tuple(dict.fromkeys((*state.postings, *named)))
        base = self._build(decision, lang)
        return compare_reply(
            self.kb,
            self.index,
            analysis,
            text,
            base,
            lang,
            postings if len(postings) >= 2 else (),
            topic=state.topics[0],
        )

    def _nationality(self, text: str, decision: Decision) -> Decision:
        """A candidate stating a nationality and asking to apply asks about nationality,
        whatever else the words share ("apply"); a full profile stays a self-check."""
        if not nationality.asks_as_national(text):
            return decision
        topic = self.kb.topic(nationality.TOPIC)
        if topic is None:
            return decision
        if is_self_check(text, date.today().year):
            return decision
        posting = None if topic.scope == "programme" else self._posting_of(decision)
        return show_topic(self.kb, topic.id, posting, max(decision.score, NATIONALITY_SCORE))

    def _everything(
        self, text: str, decision: Decision, named: tuple[str, ...], state: ChatState
    ) -> Decision:
        """'Tell me everything about the UNESCO post': its overview, where nothing else fits."""
        posting = named[0] if len(named) == 1 else state.posting
        unsure = decision.status == "fallback" or isinstance(decision.pick, TopicChoice)
        if not unsure or posting is None or not concise.asks_everything(text):
            return decision
        return Decision(OverviewPick(posting), "answered", NAMED_ONLY_SCORE)

    def _requirements(
        self, text: str, decision: Decision, named: tuple[str, ...], state: ChatState
    ) -> Decision:
        """'Welche Voraussetzungen gibt es für die Stelle in Jamaika?': the posting's
        qualifications (its lead sums up degree, experience and languages), where the
        words landed on the programme's rules or the living conditions."""
        posting = named[0] if len(named) == 1 else state.posting
        topic = self._topic_of(decision)
        if posting is None or not leads.asks_posting_requirements(text):
            return decision
        if topic not in leads.REQUIREMENT_LANDINGS or self.kb.topic(QUALIFICATIONS) is None:
            return decision
        return show_topic(self.kb, QUALIFICATIONS, posting, decision.score)

    def _topic_of(self, decision: Decision) -> str | None:
        pick = decision.pick
        return pick.topic if isinstance(pick, TopicPick) else None

    def _posting_of(self, decision: Decision) -> str | None:
        pick = decision.pick
        return pick.posting if isinstance(pick, TopicPick) else None

    def _named(self, analysis: Analysis) -> tuple[str, ...]:
        return tuple(p for p in analysis.named_postings if p in self.kb.postings)

    def _follows_up(self, text: str, decision: Decision, other: bool) -> bool:
        """Whether a question naming a posting only leans on the last answer's topics."""
        overview = self.kb.catalogue.overview_topic
        loose = other or followup.is_short(text)
        return _names_only(decision, overview, loose) and followup.leans_on_last(text)

    def _again(
        self,
        topics: tuple[str, ...],
        posting: str,
        score: float,
        lang: Lang,
        text: str,
        yes_no: bool,
    ) -> Reply:
        """Earlier topics answered again for another posting, one part each; one topic
        answered again keeps its direct answer ("und für UNESCO?" after a languages lead)."""
        known = [t for t in topics if self.kb.topic(t) is not None] or [topics[0]]
        decisions = [show_topic(self.kb, t, posting, score) for t in known]
        parts = [self._build(decision, lang) for decision in decisions]
        if len(parts) > 1:
            return replies.combine(parts)
        return leads.with_lead(self.kb, decisions[0], parts[0], text, lang, yes_no=yes_no)

    def _other_posting(self, text: str, state: ChatState) -> str | None:
        """The posting "the other one" points at, after an answer about one posting."""
        last = state.postings or ((state.posting,) if state.posting else ())
        return followup.other_posting(text, last, self.kb.postings)

    def act(self, action: Action, state: ChatState) -> Turn:
        """Carries out a picked suggestion (a button or a numbered choice)."""
        state = self._known(state)
        if isinstance(action, SelectPosting):
            return self._select(action.posting, state)
        if isinstance(action, AnswerCheck):
            return Turn(*guided.answer(self.kb, state, action))
        state = replace(state, pending_question=None, yes_no=False)
        if action.posting is not None and action.posting not in self.kb.postings:
            return Turn(self.postings_menu(state), state)
        if action.posting is not None:
            state = state.with_posting(action.posting)
        if isinstance(action, ShowTopic):
            if self.kb.topic(action.topic) is None:
                return Turn(self.topics_menu(state), state)
            return self._finish(self.topic_reply(action.topic, action.posting, state.lang), state)
        key = FaqKey(action.posting, action.faq)
        faq = self.index.faqs.get(key)
        if faq is None:
            return Turn(self.topics_menu(state), state)
        return self._finish(self._build(Decision(FaqPick(key, faq), "answered"), state.lang), state)

    def start_check(self, state: ChatState) -> Turn:
        """The guided eligibility check's first question (/check); earlier answers dropped."""
        return Turn(*guided.start(self.kb, self._known(state)))

    def postings_menu(self, state: ChatState) -> Reply:
        """All postings, each a choice."""
        return replies.postings_menu(self.kb, state.lang)

    def topics_menu(self, state: ChatState) -> Reply:
        """The selected posting's topics, each a choice; without a posting, the postings."""
        return replies.topics_menu(self.kb, state.posting, state.lang)

    def topic_reply(self, topic_id: str, posting_id: str | None, lang: str) -> Reply:
        """What the posting (None: the programme) says on a topic, or that it says nothing."""
        return replies.build(self.kb, show_topic(self.kb, topic_id, posting_id), lang)

    def _smalltalk(self, kind: smalltalk.Kind, state: ChatState, lang: Lang) -> Turn:
        pick = SmallTalkPick(kind, state.posting)
        reply = self._build(Decision(pick, "smalltalk"), lang)
        return Turn(reply, replace(state, pending_question=None))

    def _asset(self, text: str, analysis: Analysis, reply: Reply, yes_no: bool) -> str | None:
        """The answering posting's best bullet for a yes/no question, if it calls it an asset."""
        if reply.posting is None or not yes_no or not leads.passage_topic(self.kb, reply.topic):
            return None
        hits = self.index.search_passages(analysis, (reply.posting,))
        return leads.asset_passage(hits, tuple(w for w, _, _ in analysis.query_words))

    def _telling(self, analysis: Analysis, reply: Reply) -> frozenset[str]:
        """The answer's points that name the question's telling words (kept when shortening)."""
        if reply.posting is None or concise.fits(reply.answer):
            return frozenset()
        hits = self.index.search_passages(analysis, (reply.posting,))
        return frozenset(h.passage.text for h in hits if h.telling)

    def _from_facts(
        self,
        text: str,
        analysis: Analysis,
        named: tuple[str, ...],
        state: ChatState,
        lang: Lang,
        reply: Reply,
    ) -> Reply:
        """A comparison or an eligibility self-check, built from the typed facts, where asked."""
        # "Welche Stelle passt zu einem Master in Kulturpolitik?": the field named one
        # posting, but the question chooses among them all.
        choosing = asks_which_posting(text) and bool(candidate_fields(text))
        if cues.is_comparison(text) and (len(named) != 1 or choosing):
            named = named if len(named) > 1 else ()
            compared = compare_reply(self.kb, self.index, analysis, text, reply, lang, named)
            return compared or reply
        this_year = date.today().year
        postings = named or ((state.posting,) if state.posting else ())
        if len(postings or self.kb.postings) > MAX_CHECKED:
            return reply
        if is_self_check(text, this_year):
            return check_reply(self.kb, text, postings, lang, this_year)
        return reply

    def _build(self, decision: Decision, lang: Lang) -> Reply:
        return replies.build(self.kb, decision, lang)

    def _known(self, state: ChatState) -> ChatState:
        """The state without a posting that the knowledge no longer has (after a reload)."""
        if state.posting is None or state.posting in self.kb.postings:
            return state
        return ChatState(lang=state.lang, recent_langs=state.recent_langs)

    def _select(self, posting_id: str, state: ChatState, lang: Lang | None = None) -> Turn:
        if posting_id not in self.kb.postings:
            return Turn(self.postings_menu(state), state)
        pending = state.pending_question
        state = state.with_posting(posting_id)
        if pending:
            # Its language was counted when it came; the reply speaks the chat's (or `lang`).
            return self._answer(pending, False, state, lang or state.lang)
        overview = Decision(OverviewPick(posting_id), "answered")
        return Turn(self._build(overview, state.lang), state)


def _remark(rest: str, analysis: Analysis) -> bool:
    """Whether what follows small talk is a remark, not a question of its own: no question
    mark, or a few words only ("thanks, I will read it all again tonight" is a remark;
    "cool, what's the best beach near there?" is a question)."""
    return "?" not in rest or len(analysis.tokens) <= REMARK_WORDS


def _names_only(decision: Decision, overview: str | None, loose: bool) -> bool:
    """Whether the question names a posting and asks nothing of its own: the overview, as
    one picks it for a posting named alone or on weak words ("what about the other one?"),
    or, for a `loose` question (short, or pointing at "the other one"), nothing at all."""
    if isinstance(decision.pick, OverviewPick) or (loose and decision.status == "fallback"):
        return True
    pick = decision.pick
    weak = decision.score < STRONG_EVIDENCE
    return isinstance(pick, TopicPick) and pick.topic == overview and weak


def _answers_a_part(decision: Decision) -> bool:
    """Whether one part of a several-questions message has an answer of its own: not the
    posting's overview, not a detail borrowed from another posting, nothing unsure."""
    if decision.status not in ("answered", "not_stated") or decision.borrowed:
        return False
    return not isinstance(decision.pick, OverviewPick)
