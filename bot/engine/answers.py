"""What the engine hands to every channel: a reply with one answer structure.

The structure is channel-free; `bot.engine.render` turns it into plain text (CLI, terminal,
question log) or Telegram HTML, so every channel shows the same words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# `smalltalk`: a greeting, thanks, goodbye or a question about the assistant, answered in kind.
Status = Literal["answered", "not_stated", "clarify", "fallback", "smalltalk"]


@dataclass(frozen=True, slots=True)
class ShowTopic:
    """Show what a posting (None: the programme) says on a topic."""

    posting: str | None
    topic: str


@dataclass(frozen=True, slots=True)
class ShowFaq:
    """Show one FAQ entry of a posting (None: of the programme)."""

    posting: str | None
    faq: str


@dataclass(frozen=True, slots=True)
class SelectPosting:
    """Make this posting the chat's posting (and answer a pending question about it)."""

    posting: str


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """One answer to a question of the guided eligibility check (`bot.engine.guided`)."""

    step: str  # 'degree' | 'years' | 'english' | 'field'
    choice: str  # the choice's key: 'master', '2', 'fluent', a field's index, 'other'


Action = ShowTopic | ShowFaq | SelectPosting | AnswerCheck


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A follow-up the user can pick: a button on Telegram, a numbered line elsewhere."""

    label: str
    action: Action


@dataclass(frozen=True, slots=True)
class Block:
    """A titled list of points inside an answer."""

    title: str
    points: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """The words of a reply: a heading, then text, points, titled blocks and a note."""

    heading: str
    text: str | None = None
    points: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    note: str | None = None
    # The direct answer, read first ("No — English is essential; …"); None when the reply is
    # only a quoted section.
    lead: str | None = None
    # Further answers in the same reply, each under its own heading (a message that asked
    # several things: "How long is it and which languages do I need?").
    parts: tuple[Answer, ...] = ()
    # BFIO's public contact, last, under a reply the bot cannot answer (None: not filled in,
    # or not such a reply); a door that can hand the question to BFIO staff drops it.
    contact: str | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """The engine's result for one question or one picked suggestion."""

    status: Status
    answer: Answer
    posting: str | None = None
    topic: str | None = None
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = field(default=())
    # Every posting and topic the answer draws on, in order (a comparison or a message that asks
    # several things); empty means just `posting` and `topic`.
    postings: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    # The candidate asked for a person ("can I talk to a human?"): a door that can reach
    # BFIO staff offers to pass the question on.
    wants_person: bool = False
