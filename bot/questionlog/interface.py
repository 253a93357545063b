"""`QuestionLog`: what the adapters ask of the question log, whichever keeps it.

Two implementations: `Store` (bot.questionlog.store, SQLite, encrypted at rest) and
`MemoryQuestionLog` (bot.questionlog.memory, process memory, bounded), which the bot
uses when the database cannot be opened. `open_question_log` (bot.questionlog.startup)
chooses once at start-up; callers never see None.

A chat's conversation state is opaque here: the caller serialises it (a string) and
reads it back, so the log knows nothing of the engine's types.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bot.questionlog.digest import DigestFigures, DigestWindow
from bot.questionlog.inbox import Inbox
from bot.questionlog.records import (
    LOW_SCORE,
    LoggedQuestion,
    LogHealth,
    LogStats,
    QuestionRecord,
    UnansweredGroup,
    UnansweredGrouping,
)

if TYPE_CHECKING:  # the SQLite side of hand-offs loads aiosqlite; the views must not
    from bot.questionlog.handoffs import AskedQuestion, Handoff, HandoffDraft, StaffAnswer


class QuestionLog(Protocol):
    """The question log and chat states, as every adapter uses them.

    `log` and `save_chat_state` never block and never raise; the other methods raise
    StoreError (one line for a person) when the log cannot do what was asked.
    """

    @property
    def inbox(self) -> Inbox:
        """The Telegram updates received and not yet handled (bot.questionlog.inbox)."""
        ...

    @property
    def health(self) -> LogHealth:
        """Counters of what was written, is pending, was dropped or failed."""
        ...

    def chat_key(self, chat_id: int | str) -> str:
        """The chat's pseudonymous key, for logs and the stored records."""
        ...

    def log(self, record: QuestionRecord) -> None:
        """Keeps a record of one question or button press (dropped after close)."""
        ...

    async def flush(self) -> None:
        """Returns once every record and state kept so far is stored."""
        ...

    async def close(self) -> None:
        """Stores what is pending and releases the log."""
        ...

    async def load_chat_state(self, chat_id: int | str) -> str | None:
        """The chat's serialised state, or None for a chat without one."""
        ...

    async def save_chat_state(self, chat_id: int | str, state: str) -> None:
        """Keeps the chat's serialised state; the latest save wins."""
        ...

    async def give_feedback(self, chat_id: int | str, key: str, verdict: str) -> str:
        """Stores a 👍/👎 (HELPFUL / UNHELPFUL) on the chat's answer logged with `key`,
        once; returns FEEDBACK_RECORDED, FEEDBACK_ALREADY_GIVEN or FEEDBACK_UNKNOWN."""
        ...

    async def forget(self, chat_id: int | str) -> int:
        """Deletes the chat's records and state; returns how many items went."""
        ...

    async def purge_older_than(self, days: int) -> int:
        """Deletes records (and untouched states) older than `days`; returns records."""
        ...

    async def stats(self, days: int) -> LogStats:
        """The figures of the last `days` days."""
        ...

    async def unanswered(
        self, days: int, low_score: float = LOW_SCORE
    ) -> tuple[UnansweredGroup, ...]:
        """The typed questions of the last `days` days answered badly, grouped by wording."""
        ...

    async def unanswered_grouping(
        self, days: int, low_score: float = LOW_SCORE
    ) -> UnansweredGrouping:
        """`unanswered` with how many older questions its row cap left out and whether
        its time budget let it compare every wording."""
        ...

    async def recent(self, n: int) -> tuple[LoggedQuestion, ...]:
        """The `n` latest records, newest first."""
        ...

    async def export_rows(self, days: int | None = None) -> tuple[LoggedQuestion, ...]:
        """Every record (of the last `days` days if given), oldest first."""
        ...

    async def dismiss_wordings(self, wordings: Sequence[str], *, by: str) -> None:
        """Hides the questions of these wordings asked until now from the unanswered views
        (an admin dismissed their group; `by` is the admin's pseudonymous key)."""
        ...

    async def digest_figures(self, window: DigestWindow) -> DigestFigures:
        """The counts and unanswered groups of a daily digest (bot.questionlog.digest)."""
        ...

    async def asked_question(self, chat_id: int | str, reply_key: str) -> AskedQuestion | None:
        """The chat's question whose reply was logged with `reply_key`; None if unknown."""
        ...

    async def open_handoff(self, chat_id: int, draft: HandoffDraft) -> Handoff:
        """Keeps a new hand-off to BFIO staff, waiting for the candidate's confirmation
        (bot.questionlog.handoffs; the chat id is kept encrypted until it ends)."""
        ...

    async def handoff(self, number: int) -> Handoff | None:
        """The hand-off with this number; None when it has ended (or never was)."""
        ...

    async def handoff_sent(self, number: int, staff_chat_id: int, staff_message_id: int) -> None:
        """Records the staff group's message the hand-off was posted as."""
        ...

    async def handoff_at(self, staff_chat_id: int, staff_message_id: int) -> Handoff | None:
        """The pending hand-off posted as this staff message; None for any other message."""
        ...

    async def close_handoff(self, number: int) -> bool:
        """Deletes a hand-off (answered, undeliverable or cancelled); False if already gone."""
        ...

    async def withdraw_handoffs(self, chat_id: int | str) -> tuple[Handoff, ...]:
        """Deletes the chat's hand-offs and kept staff answers (/forget); returns the
        hand-offs, to tell the staff."""
        ...

    async def purge_handoffs_older_than(self, days: int) -> int:
        """Deletes hand-offs and kept staff answers older than `days`; returns how many."""
        ...

    async def pending_handoffs(self) -> int:
        """How many hand-offs wait in the staff group for an answer (the daily digest)."""
        ...

    async def keep_staff_answer(self, handoff: Handoff, answer: str) -> int:
        """Keeps a delivered staff answer with its question (not the chat id), for "Add to
        knowledge"; returns its number."""
        ...

    async def staff_answer(self, number: int) -> StaffAnswer | None:
        """A kept staff answer; None once added, forgotten or purged."""
        ...

    async def drop_staff_answer(self, number: int) -> bool:
        """Deletes a kept staff answer (added to the knowledge); False if already gone."""
        ...
