"""Questions the bot could not answer become knowledge: the unanswered inbox, staff answers.

Shared by `jpo-bot review` and the buttons under Telegram's `/unanswered`:
- `group_key` is a short, stable reference to a group (10 hex digits of a hash of a
  wording as grouping normalises it), small enough for button data; `find_group` finds
  the group again in a fresh grouping by any of its wordings, since which wording is
  the most frequent can change while the admin looks;
- `suggested_topic` is the topic the log recorded for the group, else the one the engine
  scores highest for its wordings now;
- `add_to_topic` writes the group's wordings into `topics.yaml` as examples of a topic,
  each in the language it is written in (one journaled edit, `bot.knowledge.editing`),
  reloads the knowledge and asks the engine each wording again: how the group is
  answered now;
- `dismiss` hides the group from later unanswered views (`QuestionLog.dismiss_wordings`);
  a group added to a topic is dismissed too, as dealt with (a wording asked again later,
  and still not answered, shows again).

`add_answer` does the same for a question BFIO staff answered ("Add to knowledge" under
a staff reply): the question and the reply become an FAQ entry of the posting (or the
programme), marked as coming from BFIO staff, and the question is asked again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.engine import language
from bot.engine.conversation import Assistant
from bot.engine.faq_terms import faq_terms
from bot.engine.state import ChatState
from bot.knowledge.editing import Edit, add_examples, add_faq
from bot.questionlog.grouping import normalise_wording
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import UnansweredGroup
from bot.serving import KnowledgeService, Reload

GROUP_KEY_LENGTH = 10


@dataclass(frozen=True, slots=True)
class Answered:
    """How one wording is answered now."""

    wording: str
    status: str
    posting: str | None
    topic: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Added:
    """What adding a group's wordings to a topic did."""

    edit: Edit
    reload: Reload
    answers: tuple[Answered, ...]


@dataclass(frozen=True, slots=True)
class AddedAnswer:
    """What adding a staff answer as an FAQ entry did, and how its question is answered now."""

    edit: Edit
    reload: Reload
    answer: Answered


def group_key(wording: str) -> str:
    """The short reference of the group a wording belongs to (for button data)."""
    digest = hashlib.sha256(normalise_wording(wording).encode("utf-8")).hexdigest()
    return digest[:GROUP_KEY_LENGTH]


def key_of(group: UnansweredGroup) -> str:
    return group_key(group.example)


def find_group(groups: Iterable[UnansweredGroup], key: str) -> UnansweredGroup | None:
    """The group with a wording whose key is `key`, or None when it is gone."""
    for group in groups:
        if any(group_key(wording) == key for wording in group.wordings):
            return group
    return None


def suggested_topic(group: UnansweredGroup, assistant: Assistant) -> str | None:
    """The topic the log recorded for the group, else the engine's best for its wordings."""
    topics = assistant.kb.topics
    if group.likely_topic in topics:
        return group.likely_topic
    for wording in group.wordings:
        scores = assistant.index.analyse(wording).topic_scores
        if scores:
            return scores[0][0]
    return None


def wording_langs(wordings: Sequence[str]) -> list[tuple[str, str]]:
    """Each wording with the language it is written in (English when unclear)."""
    found: list[tuple[str, str]] = []
    for wording in wordings:
        guess = language.guess(wording)
        found.append((wording, guess.lang if guess is not None and guess.clear else "en"))
    return found


def answers_now(assistant: Assistant, wordings: Iterable[str]) -> tuple[Answered, ...]:
    """How the engine answers each wording in a new chat."""
    answers = []
    for wording in wordings:
        reply = assistant.ask(wording, ChatState()).reply
        answers.append(Answered(wording, reply.status, reply.posting, reply.topic, reply.score))
    return tuple(answers)


def add_to_topic(
    service: KnowledgeService, group: UnansweredGroup, topic: str, *, author: str
) -> Added:
    """Adds the group's wordings as examples of `topic`, reloads, and re-asks them.

    Raises `EditRefused` (nothing written) when the edit would not load or adds nothing.
    Blocking: an event loop runs it in a worker thread.
    """
    wordings = distinct(group.wordings)
    edit = add_examples(service.directory, topic, wording_langs(wordings), author=author)
    reload = service.reload()
    return Added(edit, reload, answers_now(service.current, wordings))


def distinct(wordings: Iterable[str]) -> list[str]:
    """One wording of each normalised form ("Is there…?" and "is there…" are one example)."""
    first: dict[str, str] = {}
    for wording in wordings:
        first.setdefault(normalise_wording(wording), wording)
    return list(first.values())


def add_answer(
    service: KnowledgeService,
    posting_id: str | None,
    question: str,
    answer: str,
    lang: str,
    *,
    author: str,
    topic: str | None = None,
) -> AddedAnswer:
    """Adds a staff answer as an FAQ entry of the posting (None: the programme), with the
    topic and keywords the engine reads in the question (`topic` when it reads none),
    reloads, and asks the question again. Raises `EditRefused`; blocking."""
    terms = faq_terms(service.current.index, question, topic)
    edit = add_faq(
        service.directory,
        posting_id,
        question,
        answer,
        lang,
        author=author,
        topic=terms.topic,
        keywords=terms.keywords,
    )
    reload = service.reload()
    return AddedAnswer(edit, reload, answers_now(service.current, [question])[0])


async def dismiss(question_log: QuestionLog, group: UnansweredGroup, *, author: str) -> None:
    """Hides the group's questions asked until now from the unanswered views."""
    await question_log.dismiss_wordings(group.wordings, by=author)
