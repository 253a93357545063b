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
from typing import Protocol

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
