"""The question log's typed records and errors: what goes in, what comes out.

Pure data: importing this module pulls in neither aiosqlite nor cryptography, so the
admin views, the web view and the adapters can name these types without the store.

Errors::

    StoreError               the log cannot do what was asked; one clear line
    ├── MissingSecretError   LOG_ENCRYPTION_KEY / LOG_HASH_SECRET not set or malformed
    ├── WrongKeyError        a key or secret differs from the one the log was written with
    └── MigrationError       a migration failed and was rolled back, or an applied one
                             was edited, reordered or removed
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

LOW_SCORE = 75.0
"""Answers scoring below this (0-100) count as unanswered in the admin views."""

ANSWERED = frozenset({"answered", "smalltalk"})
"""Statuses that leave no question open: an answer, or small talk answered in kind."""

HELPFUL = "up"
UNHELPFUL = "down"
"""A candidate's one-tap verdict on an answer (👍 / 👎), as the log stores it."""

FEEDBACK_RECORDED = "recorded"
FEEDBACK_ALREADY_GIVEN = "already_given"
FEEDBACK_UNKNOWN = "unknown"
"""What `QuestionLog.give_feedback` did: kept it, kept an earlier one, or found no such
answer of that chat (forged, forgotten or purged)."""

SESSION_GAP = timedelta(minutes=30)
"""Silence in a chat after which its next turn starts a new session. Thirty minutes is
the usual inactivity timeout of web analytics (Google Analytics' default session
timeout, Matomo's visit length): a candidate who reads a reply, looks at the posting
and comes back within half an hour is still in the same conversation, while the next
morning's question is a new one. The log's first sessions (migration
`add_conversation_links`) were cut with the same 30 minutes."""


class StoreError(Exception):
    """The store cannot do what was asked; the message is one line for a person."""


class MissingSecretError(StoreError):
    """LOG_ENCRYPTION_KEY or LOG_HASH_SECRET is not set or malformed."""


class WrongKeyError(StoreError):
    """A key or secret differs from the one the log was written with; nothing was changed."""


class MigrationError(StoreError):
    """A migration failed (rolled back), or an applied one no longer matches the program."""


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One question or button press, as a channel hands it to `QuestionLog.log`."""

    channel: str  # "telegram" | "terminal" | "cli"
    chat_id: int | str  # raw id; the log keeps only its keyed hash
    lang: str
    question: str  # the user's text, or for a button press the button label
    kind: str  # "question" | "button"
    status: str  # answered | not_stated | clarify | fallback | smalltalk
    posting: str | None
    topic: str | None
    score: float
    suggestions: tuple[str, ...]  # labels shown
    latency_ms: float
    knowledge_version: str
    asked_at: datetime | None = None  # None: now (UTC)
    # The Telegram update answered: its inbox row is marked done in the record's transaction.
    update_id: int | None = None
    # A random key of an answer offered for 👍/👎 (its buttons carry it); None: not offered.
    reply_key: str | None = None
    # Every posting and topic the reply draws on (a comparison, a message asking several
    # things); empty: just `posting` and `topic`.
    postings: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    lead: str | None = None  # the reply's one-line direct answer ("No — English is …")
    # The channel's id of the message that carried the reply and its buttons (Telegram's
    # message id; the terminal numbers the replies it shows), so a later press links here.
    reply_message_id: int | None = None
    # A button press: the id of the message whose button was pressed. The log links the
    # press to the turn whose reply that message carried (`LoggedQuestion.offered_by`).
    pressed_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """A stored record, decrypted, as the admin views read it."""

    id: int
    asked_at: datetime
    channel: str
    chat_key: str
    lang: str
    kind: str
    question: str
    status: str
    posting: str | None
    topic: str | None
    score: float
    suggestions: tuple[str, ...]
    latency_ms: float
    knowledge_version: str
    feedback: str | None = None  # HELPFUL, UNHELPFUL or None (none given)
    reply_key: str | None = None
    postings: tuple[str, ...] = ()  # every posting the reply drew on (empty in old records)
    topics: tuple[str, ...] = ()  # every topic the reply drew on (empty in old records)
    lead: str | None = None
    reply_message_id: int | None = None
    # Links: the chat's pseudonymous session (a new one after SESSION_GAP of silence), the
    # id of the chat's previous turn in that session, and for a button press the id of
    # the turn whose reply offered the button (None when it was a menu, or is gone).
    session: str | None = None
    follows: int | None = None
    offered_by: int | None = None


@dataclass(frozen=True, slots=True)
class Count:
    """How many records share one value (None: no posting, no topic)."""

    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class LogStats:
    """The log's figures over the last `days` days; every breakdown counts all records."""

    days: int
    since: datetime
    total: int
    questions: int
    button_presses: int
    answered: int
    avg_latency_ms: float
    by_status: tuple[Count, ...]
    by_posting: tuple[Count, ...]
    by_topic: tuple[Count, ...]
    by_lang: tuple[Count, ...]
    helpful: int = 0  # answers rated 👍
    unhelpful: int = 0  # answers rated 👎

    @property
    def answered_share(self) -> float:
        """Answered records as a share of all records (0.0 for an empty log)."""
        return self.answered / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Typed questions the bot could not answer well, grouped by similar wording."""

    count: int
    example: str
    wordings: tuple[str, ...]  # distinct wordings, most frequent first (at most 5)
    statuses: tuple[Count, ...]
    likely_posting: str | None
    likely_topic: str | None
    last_asked: datetime
    first_asked: datetime | None = None  # set by bot.questionlog.grouping (the daily digest)


@dataclass(frozen=True, slots=True)
class UnansweredGrouping:
    """The groups, largest first, and what the bounds left out."""

    groups: tuple[UnansweredGroup, ...]
    considered: int  # records grouped
    left_out: int  # older records not grouped (beyond bot.questionlog.grouping.MAX_ROWS)
    complete: bool  # False when the time budget ended the comparing early


@dataclass(frozen=True, slots=True)
class LogHealth:
    """What the log's writer has done since the log was opened."""

    written: int  # records
    pending: int  # records
    pending_states: int
    dropped: int  # records and states
    write_errors: int
    last_error: str | None
