"""Reply building: a decision (or a menu) turned into the `Reply` every channel renders.

This is the one place where the engine chooses words: headings, framing texts in the
chat's language (`bot.texts`), the posting's content, notes and the follow-ups offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

from bot.engine.answers import Answer, Block, Reply, SelectPosting, ShowTopic, Status, Suggestion
from bot.engine.decision import (
    AbsentDetails,
    ComparePick,
    Decision,
    Elsewhere,
    EmptyPick,
    FallbackPick,
    FaqPick,
    Note,
    OnlyPosting,
    OverviewPick,
    PassagePick,
    PostingChoice,
    SmallTalkPick,
    TooLong,
    TopicChoice,
    TopicPick,
)
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Content
from bot.texts import handoff_texts, phrases, texts_for

T = TypeVar("T")

MAX_FOLLOW_UPS = 3
MAX_POSTING_CHOICES = 10
MAX_FALLBACK_TOPICS = 6
# Replies the bot cannot give from the knowledge: BFIO's public contact goes under them.
CANNOT_ANSWER: frozenset[Status] = frozenset({"not_stated", "fallback"})
_WORD = re.compile(r"\w{4,}")  # content words; "are", "the" may be worded away


def build(kb: KnowledgeBase, decision: Decision, lang: str) -> Reply:
    """The reply a decision stands for, in the chat's language."""
    reply = _Builder(kb, lang).build(decision)
    for note in decision.notes:
        reply = _with_note(reply, _note_text(kb, note, lang))
    return _with_contact(kb, replace(reply, status=decision.status), lang)


def public_contact_line(kb: KnowledgeBase, lang: str) -> str | None:
    """The line giving BFIO's public contact (programme.yaml); None while it is empty."""
    parts = kb.programme.public_contact.parts()
    if not parts:
        return None
    return handoff_texts(lang).public_contact.format(contact=" · ".join(parts))


def _with_contact(kb: KnowledgeBase, reply: Reply, lang: str) -> Reply:
    """The reply with BFIO's public contact last, when the bot cannot give the answer."""
    if reply.status not in CANNOT_ANSWER and not reply.wants_person:
        return reply
    line = public_contact_line(kb, lang)
    return replace(reply, answer=replace(reply.answer, contact=line)) if line else reply


def combine(parts: Sequence[Reply]) -> Reply:
    """Several replies as one: each answer under its own heading, in the order asked.

    The first part gives `posting`, `topic` and the answer the others hang under; `topics`
    and `postings` list every one used; the follow-ups offered are the parts' own, less the
    topics just answered.
    """
    first, *rest = parts
    topics = _unique(t for part in parts for t in (part.topics or (part.topic,)) if t)
    postings = _unique(p for part in parts for p in (part.postings or (part.posting,)) if p)
    suggestions = _unique(
        s
        for part in parts
        for s in part.suggestions
        if not (isinstance(s.action, ShowTopic) and s.action.topic in topics)
    )
    status: Status = "answered" if any(p.status == "answered" for p in parts) else first.status
    return replace(
        first,
        status=status,
        answer=replace(first.answer, parts=tuple(part.answer for part in rest)),
        score=min(part.score for part in parts),
        suggestions=tuple(suggestions[: MAX_FOLLOW_UPS + 1]),
        topics=tuple(topics),
        postings=tuple(postings),
    )


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))


def postings_menu(kb: KnowledgeBase, lang: str) -> Reply:
    """All postings, each a choice."""
    words = phrases(lang)
    postings = list(kb.postings.values())
    return Reply(
        status="answered",
        answer=Answer(
            heading=words.postings_heading,
            text=words.postings_text,
            points=tuple(f"{p.name.get(lang)}: {p.title}" for p in postings),
        ),
        suggestions=_posting_choices(kb, lang, len(postings)),
    )


def topics_menu(kb: KnowledgeBase, posting_id: str | None, lang: str) -> Reply:
    """The posting's topics, each a choice; without a posting, the postings."""
    posting = kb.posting(posting_id) if posting_id else None
    if posting is None:
        return postings_menu(kb, lang)
    words = phrases(lang)
    return Reply(
        status="answered",
        posting=posting.id,
        answer=Answer(
            heading=words.topics_heading.format(posting=posting.name.get(lang)),
            text=words.topics_text,
        ),
        suggestions=tuple(
            Suggestion(_title(kb, t, lang), ShowTopic(posting.id, t))
            for t in kb.posting_topics(posting.id)
        ),
    )


class _Builder:
    """Builds the reply of one pick; knowledge and language shared by its helpers."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.kb = kb
        self.lang = lang
        self.words = phrases(lang)

    def build(self, decision: Decision) -> Reply:
        pick, score = decision.pick, decision.score
        match pick:
            case TopicPick(topic, posting):
                return self._topic(topic, posting, decision.status, score)
            case ComparePick(topic, postings):
                return self._compare(topic, postings, score)
            case FaqPick(key, faq):
                answer = Answer(heading=self._heading(key.posting, faq.topic), text=faq.answer)
                reply = self._reply(answer, key.posting, faq.topic, score)
                return self._with_full_topic(reply, key.posting, faq.topic)
            case PassagePick():
                return self._passages(pick, score)
            case OverviewPick(posting):
                return self._overview(posting, score)
            case PostingChoice(topic):
                return self._posting_choice(topic, score)
            case TopicChoice(topics, posting):
                return self._topic_choice(topics, posting, score)
            case FallbackPick(posting):
                return self._fallback(posting, score)
            case SmallTalkPick(kind, posting):
                return self._smalltalk(kind, posting)
            case EmptyPick():
                words = self.words
                return Reply(
                    status="fallback",
                    answer=Answer(heading=words.empty_heading, text=words.empty_text),
                    suggestions=_posting_choices(self.kb, self.lang, len(self.kb.postings)),
                )

    def _topic(self, topic_id: str, posting_id: str | None, status: Status, score: float) -> Reply:
        """What the posting (None: the programme) says on a topic, or that it says nothing."""
        programme = self.kb.programme.topics.get(topic_id)
        content = self.kb.content(posting_id, topic_id) if posting_id else None
        if content is None and programme is None:
            contact = self.kb.programme.contact.get(self.lang)
            template = self.words.not_stated if posting_id else self.words.not_stated_programme
            answer = Answer(
                heading=self._heading(posting_id, topic_id),
                text=template.format(contact=contact),
            )
            return self._reply(answer, posting_id, topic_id, score, status)
        if content is None:
            assert programme is not None
            answer = _content_answer(self._heading(None, topic_id), programme)
            return self._reply(answer, None, topic_id, score)
        answer = _content_answer(self._heading(posting_id, topic_id), content)
        if programme is not None:
            block = Block(self.words.programme_block, _as_points(programme))
            answer = replace(answer, blocks=(*answer.blocks, block))
        return self._reply(answer, posting_id, topic_id, score)

    def _compare(self, topic_id: str, posting_ids: tuple[str, ...], score: float) -> Reply:
        blocks = []
        for posting_id in posting_ids:
            name = self.kb.postings[posting_id].name.get(self.lang)
            content = self.kb.content(posting_id, topic_id)
            points = _as_points(content) if content else (self.words.not_stated_short,)
            blocks.append(Block(name, points))
        title = _title(self.kb, topic_id, self.lang)
        return Reply(
            status="answered",
            answer=Answer(heading=title, blocks=tuple(blocks)),
            topic=topic_id,
            score=round(score, 1),
            suggestions=tuple(
                Suggestion(
                    f"{self.kb.postings[p].name.get(self.lang)}: {title}", ShowTopic(p, topic_id)
                )
                for p in posting_ids
            ),
        )

    def _passages(self, pick: PassagePick, score: float) -> Reply:
        best = pick.passages[0]
        blocks: dict[str, list[str]] = {}
        for passage in pick.passages:
            topic = _title(self.kb, passage.topic, self.lang)
            title = passage.block or self.words.found_in.format(topic=topic)
            blocks.setdefault(title, []).append(passage.text)
        answer = Answer(
            heading=self._heading(best.posting, best.topic),
            blocks=tuple(Block(title, tuple(points)) for title, points in blocks.items()),
        )
        reply = self._reply(answer, best.posting, best.topic, score)
        return self._with_full_topic(reply, best.posting, best.topic)

    def _overview(self, posting_id: str, score: float) -> Reply:
        posting = self.kb.postings[posting_id]
        overview = self.kb.catalogue.overview_topic
        content = posting.topics.get(overview) if overview else None
        heading = f"{posting.name.get(self.lang)} — {posting.title}"
        if content is not None:
            answer = _content_answer(heading, content)
        else:
            facts = (posting.organisation, posting.unit or "")
            answer = Answer(heading=heading, points=tuple(f for f in facts if f))
        return self._reply(answer, posting_id, overview, score)

    def _posting_choice(self, topic_id: str | None, score: float) -> Reply:
        return Reply(
            status="clarify",
            topic=topic_id,
            score=round(score, 1),
            answer=Answer(heading=self.words.clarify_heading, text=self.words.clarify_text),
            suggestions=_posting_choices(self.kb, self.lang, MAX_POSTING_CHOICES),
        )

    def _topic_choice(self, topics: tuple[str, ...], posting_id: str | None, score: float) -> Reply:
        words = self.words
        return Reply(
            status="clarify",
            posting=posting_id,
            topic=topics[0],
            score=round(score, 1),
            answer=Answer(heading=words.did_you_mean_heading, text=words.did_you_mean_text),
            suggestions=tuple(
                Suggestion(_title(self.kb, t, self.lang), ShowTopic(posting_id, t)) for t in topics
            ),
        )

    def _fallback(self, posting_id: str | None, score: float) -> Reply:
        if posting_id:
            suggestions = tuple(
                Suggestion(_title(self.kb, t, self.lang), ShowTopic(posting_id, t))
                for t in self.kb.posting_topics(posting_id)[:MAX_FALLBACK_TOPICS]
            )
        else:
            suggestions = _posting_choices(self.kb, self.lang, len(self.kb.postings))
        return Reply(
            status="fallback",
            answer=Answer(heading=self.words.fallback_heading, text=self.words.fallback_text),
            score=round(score, 1),
            suggestions=suggestions,
        )

    def _smalltalk(self, kind: str, posting_id: str | None) -> Reply:
        """A short friendly reply in kind, with a hint of what to ask (and the postings)."""
        said = texts_for(self.lang).smalltalk
        headings = {
            "greeting": said.greeting,
            "thanks": said.thanks,
            "ack": said.ack,
            "goodbye": said.goodbye,
            "who": said.who,
            "bot": said.bot,
        }
        # In a chat about one posting, its name is enough; otherwise the postings to pick from.
        choices = () if posting_id else _posting_choices(self.kb, self.lang, MAX_POSTING_CHOICES)
        if kind == "person":
            person = handoff_texts(self.lang)
            contact = self.kb.programme.contact.get(self.lang)
            return Reply(
                status="smalltalk",
                answer=Answer(
                    heading=person.person, text=person.person_text.format(contact=contact)
                ),
                score=100.0,
                suggestions=choices,
                wants_person=True,
            )
        return Reply(
            status="smalltalk",
            answer=Answer(heading=headings[kind], text=said.hint),
            score=100.0,
            suggestions=choices,
        )

    def _reply(
        self,
        answer: Answer,
        posting_id: str | None,
        topic_id: str | None,
        score: float,
        status: Status = "answered",
    ) -> Reply:
        return Reply(
            status=status,
            answer=answer,
            posting=posting_id,
            topic=topic_id,
            score=round(score, 1),
            suggestions=self._follow_ups(topic_id, posting_id),
        )

    def _follow_ups(self, topic_id: str | None, posting_id: str | None) -> tuple[Suggestion, ...]:
        """The topic's related topics that the posting or the programme answers."""
        topic = self.kb.topic(topic_id) if topic_id else None
        if topic is None:
            return ()
        found = [
            Suggestion(_title(self.kb, related, self.lang), ShowTopic(posting_id, related))
            for related in topic.related
            if self.kb.content(posting_id, related) or self.kb.programme.topics.get(related)
        ]
        return tuple(found[:MAX_FOLLOW_UPS])

    def _with_full_topic(self, reply: Reply, posting_id: str | None, topic_id: str) -> Reply:
        """The whole topic offered first, above the follow-ups, when the answer leaves some
        of it out (an FAQ answer that is the whole section offers nothing more)."""
        content = self.kb.content(posting_id, topic_id) if posting_id else None
        content = content or self.kb.programme.topics.get(topic_id)
        if content is not None and shows_all(reply.answer, content):
            return reply
        full = Suggestion(
            self.words.full_topic.format(topic=_title(self.kb, topic_id, self.lang)),
            ShowTopic(posting_id, topic_id),
        )
        others = tuple(s for s in reply.suggestions if s.action != full.action)
        return replace(reply, suggestions=(full, *others)[: MAX_FOLLOW_UPS + 1])

    def _heading(self, posting_id: str | None, topic_id: str) -> str:
        title = _title(self.kb, topic_id, self.lang)
        if posting_id is None:
            return f"{self.words.programme_heading} — {title}"
        return f"{self.kb.postings[posting_id].name.get(self.lang)} — {title}"


def _note_text(kb: KnowledgeBase, note: Note, lang: str) -> str:
    words = phrases(lang)
    match note:
        case TooLong():
            return words.too_long_note
        case Elsewhere(posting):
            return words.elsewhere.format(posting=kb.postings[posting].name.get(lang))
        case OnlyPosting(others):
            names = ", ".join(kb.postings[p].name.get(lang) for p in others)
            return words.only_posting.format(others=names)
        case AbsentDetails(absent):
            return words.detail_not_stated.format(words=", ".join(absent))


def _posting_choices(kb: KnowledgeBase, lang: str, limit: int) -> tuple[Suggestion, ...]:
    return _POSTING_CHOICES.get(kb, lang, limit)


class _PostingChoices:
    """The buttons naming the postings, built once per knowledge snapshot, language and
    count: a thousand postings make a thousand buttons. Only the newest snapshot is kept."""

    def __init__(self) -> None:
        # One tuple, read and replaced whole: a reply built during a reload never mixes two.
        self._current: tuple[KnowledgeBase | None, dict[tuple[str, int], tuple[Suggestion, ...]]]
        self._current = (None, {})

    def get(self, kb: KnowledgeBase, lang: str, limit: int) -> tuple[Suggestion, ...]:
        known, built = self._current
        if known is not kb:
            built = {}
            self._current = (kb, built)
        choices = built.get((lang, limit))
        if choices is None:
            postings = list(kb.postings.values())[:limit]
            choices = tuple(Suggestion(p.name.get(lang), SelectPosting(p.id)) for p in postings)
            built[lang, limit] = choices
        return choices


_POSTING_CHOICES = _PostingChoices()


def _title(kb: KnowledgeBase, topic_id: str, lang: str) -> str:
    topic = kb.topic(topic_id)
    return topic.title.get(lang) if topic else topic_id


def _content_answer(heading: str, content: Content) -> Answer:
    return Answer(
        heading=heading,
        text=content.text,
        points=content.points,
        blocks=tuple(Block(s.title, s.points) for s in content.sections),
    )


def shows_all(answer: Answer, content: Content) -> bool:
    """Whether the answer already says everything the content does: every word of the
    section (an FAQ answer may word it differently) is in the answer."""
    shown = [answer.text or "", *answer.points, *(p for b in answer.blocks for p in b.points)]
    return _words(" ".join(_as_points(content))) <= _words(" ".join(shown))


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _as_points(content: Content) -> tuple[str, ...]:
    points = ((content.text,) if content.text else ()) + content.points
    return points + tuple(p for s in content.sections for p in s.points)


def _with_note(reply: Reply, note: str) -> Reply:
    answer = reply.answer
    joined = f"{answer.note}\n{note}" if answer.note else note
    return replace(reply, answer=replace(answer, note=joined))
