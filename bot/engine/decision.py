"""The decision: what to answer a question with, as plain frozen data.

`decide` reads the matcher's analysis of one question and picks, in order:
0. for a tutorial or service asked about something no topic covers ("How do I reduce
   plastic waste at home?", `bot.engine.tasks`): a fallback;
1. an FAQ entry whose keywords and wording fit (the most specific answer);
2. a passage of the posting that shares the question's rarer words ("sargassum"),
   unless a topic fits better;
3. a topic of the catalogue: answered from the posting (or the programme); a topic the
   posting does not cover is `not_stated`; a posting-specific topic with no posting known
   asks which posting; two topics scoring alike become a "did you mean" choice;
4. a posting named with nothing else: its overview;
5. topic words too weak to answer on, and nothing we do not know: "did you mean" choices;
6. otherwise a fallback: what the assistant can help with.

Nothing here builds words: `bot.engine.replies` turns a `Decision` into the `Reply` users see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.engine.answers import Status
from bot.engine.confidence import calibrated
from bot.engine.matching import Analysis, FaqKey, KnowledgeIndex
from bot.engine.passages import Passage, PassageHit, asked_first
from bot.engine.smalltalk import Kind as SmallTalkKind
from bot.engine.state import ChatState
from bot.engine.words import real_words
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Faq

TOPIC_THRESHOLD = 50.0
FAQ_THRESHOLD = 62.0
FAQ_INFERENCE = 70.0  # an FAQ that alone decides the posting must fit better
FAQ_OUTWEIGHED = 12.0  # a strong topic this far ahead of an FAQ of another topic wins
PASSAGE_STRONG = 2.0
PASSAGE_DOMINANT = 4.0
NEAR_TIE = 2.5
# Topic words scoring at least this, yet under TOPIC_THRESHOLD: offered as choices.
WEAK_TOPIC = 30.0
MAX_CHOICES = 3
NAMED_ONLY_SCORE = 90.0
# One exact keyword scores about 80; fuzzy or compound-only evidence scores less.
STRONG_EVIDENCE = 78.0
MAX_PASSAGES = 3
PASSAGE_KEEP_RATIO = 0.6
# The most a passage found by a single telling word may report (`_passage_decision`).
ONE_WORD_PASSAGE = 74.0

# ----- what is answered ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicPick:
    """What a posting (None: the programme) says on a topic."""

    topic: str
    posting: str | None


@dataclass(frozen=True, slots=True)
class ComparePick:
    """One topic for several named postings, each under its own name."""

    topic: str
    postings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FaqPick:
    """One FAQ entry of a posting (None: of the programme)."""

    key: FaqKey
    faq: Faq


@dataclass(frozen=True, slots=True)
class PassagePick:
    """Bullets of one posting that name the detail asked about, best first."""

    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class OverviewPick:
    """A posting named with nothing else asked."""

    posting: str


@dataclass(frozen=True, slots=True)
class PostingChoice:
    """Which posting? The topic (if any) waits for the answer."""

    topic: str | None


@dataclass(frozen=True, slots=True)
class TopicChoice:
    """Did you mean one of these topics?"""

    topics: tuple[str, ...]
    posting: str | None


@dataclass(frozen=True, slots=True)
class FallbackPick:
    """Nothing fits: offer what the assistant can help with (this posting's topics)."""

    posting: str | None


@dataclass(frozen=True, slots=True)
class EmptyPick:
    """A message without a single word."""


@dataclass(frozen=True, slots=True)
class SmallTalkPick:
    """A greeting, thanks, goodbye or question about the assistant (`bot.engine.smalltalk`)."""

    kind: SmallTalkKind
    posting: str | None


Pick = (
    TopicPick
    | ComparePick
    | FaqPick
    | PassagePick
    | OverviewPick
    | PostingChoice
    | TopicChoice
    | FallbackPick
    | EmptyPick
    | SmallTalkPick
)

# ----- what is said around it ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TooLong:
    """Only the beginning of an overlong question was read."""


@dataclass(frozen=True, slots=True)
class Elsewhere:
    """The answer comes from another posting than the chat's, which does not mention it."""

    posting: str


@dataclass(frozen=True, slots=True)
class OnlyPosting:
    """Only the answering posting covers the topic; these others do not state it."""

    others: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AbsentDetails:
    """Words of the question the posting never mentions, said before the topic's answer."""

    words: tuple[str, ...]


Note = TooLong | Elsewhere | OnlyPosting | AbsentDetails


@dataclass(frozen=True, slots=True)
class Decision:
    """What one question (or picked suggestion) is answered with."""

    pick: Pick
    status: Status
    score: float = 100.0
    notes: tuple[Note, ...] = ()
    # True when the answer comes from another posting than the chat's selected one
    # without the question naming it: answered, but the chat keeps its posting.
    borrowed: bool = False

    def with_note(self, note: Note) -> Decision:
        return replace(self, notes=(*self.notes, note))


def topic_status(kb: KnowledgeBase, topic_id: str, posting_id: str | None) -> Status:
    """`answered` when the posting or the programme says something on the topic."""
    content = kb.content(posting_id, topic_id) if posting_id else None
    answered = content is not None or topic_id in kb.programme.topics
    return "answered" if answered else "not_stated"


def show_topic(
    kb: KnowledgeBase, topic_id: str, posting_id: str | None, score: float = 100.0
) -> Decision:
    """The decision to show one topic of a posting (or of the programme)."""
    pick = TopicPick(topic_id, posting_id)
    return Decision(pick, topic_status(kb, topic_id, posting_id), score)


def decide(
    kb: KnowledgeBase,
    index: KnowledgeIndex,
    analysis: Analysis,
    state: ChatState,
    named: tuple[str, ...],
) -> Decision:
    """Decides how to answer one analysed question in the chat's state; the score it
    reports is calibrated (`bot.engine.confidence`)."""
    return calibrated(_Decider(kb, index, analysis, state, named).decide(), analysis, kb)


class _Decider:
    """The rules of `decide`, sharing one question's facts; a fresh instance per question."""

    def __init__(
        self,
        kb: KnowledgeBase,
        index: KnowledgeIndex,
        analysis: Analysis,
        state: ChatState,
        named: tuple[str, ...],
    ) -> None:
        self.kb = kb
        self.index = index
        self.analysis = analysis
        self.state = state
        self.named = named
        self.posting = named[0] if named else state.posting

    def decide(self) -> Decision:
        if self.analysis.task and (self.analysis.unknown_words or not self.analysis.topic_scores):
            # A tutorial or a service asked for, about something we do not know ("bei
            # Siemens") or no topic at all ("How do I reduce plastic waste at home?").
            return Decision(FallbackPick(self.state.posting), "fallback", 0.0)
        topic_id, topic_score = self._best_topic()
        faq = self._faq()
        if faq is not None and self._topic_outweighs(faq, topic_id, topic_score):
            faq = None
        if faq is not None and not self._off_topic(self.analysis.evidence_words, faq[1]):
            return self._faq_decision(*faq)
        passages = self._passages()
        if topic_id is not None and topic_score >= TOPIC_THRESHOLD:
            passages = asked_first(passages, topic_id)
        borrowed = False
        broad = topic_id is None or topic_score < TOPIC_THRESHOLD or self._broad(topic_id)
        if (
            not passages
            and not self.named
            and self.posting
            and broad
            and not self._mentioned(self.posting)
        ):
            # A detail the chat's posting never mentions may be in another posting.
            passages = self._passages(everywhere=True)
            borrowed = bool(passages)
        if (
            passages
            and self._passage_beats_topic(passages[0], topic_id, topic_score)
            and not self._off_topic(passages[0].telling, 0.0)
        ):
            return self._passage_decision(passages, borrowed)
        evidence = self.analysis.evidence_words
        if (
            topic_id is not None
            and topic_score >= TOPIC_THRESHOLD
            and not self._off_topic(evidence, topic_score)
        ):
            return self._topic(topic_id, topic_score)
        shared = self._detail_in_several_postings()
        if shared is not None:
            return Decision(PostingChoice(shared), "clarify", topic_score)
        detail = self._faq_detail()
        if detail is not None:
            return self._faq_decision(*detail)
        if self.named and not self.analysis.unknown_words:
            return Decision(OverviewPick(self.named[0]), "answered", NAMED_ONLY_SCORE)
        weak = self._weak_choice()
        if weak is not None:
            return weak
        return Decision(FallbackPick(self.state.posting), "fallback", topic_score)

    def _weak_choice(self) -> Decision | None:
        """Only topic words, too weak to answer on: did you mean one of these topics?
        A question with words we do not know is more likely out of scope."""
        if self.analysis.unknown_words or not self.analysis.topic_scores:
            return None
        best = self.analysis.topic_scores[0][1]
        weak = tuple(t for t, s in self.analysis.topic_scores[:MAX_CHOICES] if s >= WEAK_TOPIC)
        if not weak:
            return None
        if self.posting is None and any(self._posting_topic(t) for t in weak):
            return Decision(PostingChoice(weak[0]), "clarify", best)
        return Decision(TopicChoice(weak, self.posting), "clarify", best)

    def _posting_topic(self, topic_id: str) -> bool:
        topic = self.kb.topic(topic_id)
        return topic is not None and topic.scope == "posting"

    def _broad(self, topic_id: str | None) -> bool:
        topic = self.kb.topic(topic_id) if topic_id else None
        return topic is not None and topic.broad

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

    def _topic_outweighs(
        self, faq: tuple[FaqKey, float], topic_id: str | None, topic_score: float
    ) -> bool:
        """A topic asked for plainly ("which competences?") beats an FAQ of another topic
        that only a loose word brought up (French "demandées" read as "queries")."""
        if topic_id is None or topic_score < STRONG_EVIDENCE:
            return False
        key, score = faq
        return self.index.faqs[key].topic != topic_id and topic_score - score >= FAQ_OUTWEIGHED

    def _faq_decision(self, key: FaqKey, score: float) -> Decision:
        faq = self.index.faqs[key]
        if key.posting is None and self.posting and self.kb.content(self.posting, faq.topic):
            # The posting's own answer carries the programme rule as well.
            return show_topic(self.kb, faq.topic, self.posting, score)
        return Decision(FaqPick(key, faq), "answered", score)

    def _passage_decision(self, hits: list[PassageHit], borrowed: bool) -> Decision:
        best = hits[0]
        chosen = tuple(
            h.passage
            for h in hits[:MAX_PASSAGES]
            if h.passage.posting == best.passage.posting
            and h.score >= PASSAGE_KEEP_RATIO * best.score
        )
        score = min(100.0, 50.0 + 10.0 * best.score)
        if best.telling < 2:
            # Measured on blind questions, a bullet found by one telling word is the
            # right one about three times in four, by two or more above nine in ten.
            score = min(score, ONE_WORD_PASSAGE)
        decision = Decision(PassagePick(chosen), "answered", score, borrowed=borrowed)
        if borrowed and self.posting:
            decision = decision.with_note(Elsewhere(self.posting))
        return decision

    def _detail_in_several_postings(self) -> str | None:
        """With no posting known, a detail several postings mention needs a choice."""
        if self.posting is not None or len(self.analysis.unknown_words) > 1:
            return None
        candidates = self.index.postings_mentioning(self.analysis, PASSAGE_STRONG)
        strong: list[PassageHit] = []
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
            others = [p for p in self.kb.covering(topic) if p != best_key.posting]
            if others and best_key not in self.analysis.faq_details:
                # Asked in topic words only ("is Spanish required?"): other postings
                # answer it too, so ask which posting.
                return None
        return best_key, best_score

    def _faq_detail(self) -> tuple[FaqKey, float] | None:
        """With a posting known and no topic asked, its FAQ entry whose own word the
        question names ("Was steht zu Meeresmüll?"), however loosely worded otherwise."""
        if self.posting is None or self.analysis.unknown_words:
            return None  # words we do not know: rather out of scope
        return next(
            (
                (key, score)
                for key, score in self.analysis.faq_scores
                if key in self.analysis.faq_details and key.posting == self.posting
            ),
            None,
        )

    def _mentioned(self, posting: str) -> bool:
        """Whether the chat's posting mentions any of the question's telling words."""
        hits = self.index.search_passages(self.analysis, (posting,))
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
        if self._broad(topic_id):
            # A strongly asked broad topic ("Which competencies does the posting list?") gives
            # way to a detail, not to an everyday word a bullet shares ("list servers").
            everyday = score >= STRONG_EVIDENCE and all(
                real_words().is_common(word) for word in best.words
            )
            return best.telling >= 1 and not everyday
        if best.passage.topic == topic_id or best.score < PASSAGE_DOMINANT:
            return False
        # A detail elsewhere in the posting beats a topic only on more than one telling word,
        # or when the topic rests on weak evidence.
        return best.telling >= 2 or score < STRONG_EVIDENCE

    def _off_topic(self, evidence: int, score: float) -> bool:
        """Words we do not know outweigh weak evidence: 'football results in Kingston';
        or, in a short question, English content words the knowledge never uses are as
        many as the topic's words, however strong those are ('who won the tennis final
        last year'); a long one tells a story around what it asks."""
        unknown = len(self.analysis.unknown_words)
        if unknown < 2 or unknown <= evidence:
            return False
        foreign = len(self.analysis.foreign_words) if self.analysis.short else 0
        return score < STRONG_EVIDENCE or foreign >= max(2, evidence)

    def _topic(self, topic_id: str, score: float) -> Decision:
        topic = self.kb.topic(topic_id)
        assert topic is not None
        near = self._near_tie(topic_id, score)
        if near:
            return Decision(TopicChoice(near, self.posting), "clarify", score)
        if len(self.named) > 1 and topic.scope == "posting":
            return Decision(ComparePick(topic_id, self.named), "answered", score)
        if topic.scope == "programme":
            named_has_it = self.named and self.kb.content(self.named[0], topic_id)
            return show_topic(self.kb, topic_id, self.named[0] if named_has_it else None, score)
        if self.posting is not None:
            decision = show_topic(self.kb, topic_id, self.posting, score)
            absent = self.index.absent_details(self.analysis, self.posting)
            if decision.status == "answered" and absent:
                # Say what the posting does not mention, then what it says on the topic.
                noted = decision.with_note(AbsentDetails(tuple(absent)))
                return replace(noted, status="not_stated")
            return decision
        if topic_id in self.kb.programme.topics:
            return show_topic(self.kb, topic_id, None, score)
        covering = list(self.kb.covering(topic_id))
        if len(covering) == 1:
            if self.analysis.unknown_words and score < STRONG_EVIDENCE:
                # Weak evidence plus words we do not know: not enough to pick the posting.
                return Decision(FallbackPick(None), "fallback", score)
            others = tuple(p for p in self.kb.postings if p != covering[0])
            decision = show_topic(self.kb, topic_id, covering[0], score)
            return decision.with_note(OnlyPosting(others))
        if not covering:
            return show_topic(self.kb, topic_id, None, score)
        return Decision(PostingChoice(topic_id), "clarify", score)

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
