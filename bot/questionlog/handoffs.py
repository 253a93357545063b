"""Questions handed to BFIO staff: kept until staff answer, the candidate withdraws, or they age.

A hand-off starts when a candidate taps "Ask BFIO" under a reply the bot could not give
(`open_handoff`: the question, the bot's answer, language and posting, waiting for the
candidate's confirmation), is posted to the staff group on confirmation (`handoff_sent`
records the staff message it lives at), and ends when a staff reply is delivered (or cannot
be: the candidate blocked the bot), when the candidate cancels or sends /forget
(`withdraw_handoffs`), or when it is older than LOG_RETENTION_DAYS
(`purge_handoffs_older_than`). Ending deletes the row. A delivered answer is kept apart,
without the chat id (`keep_staff_answer`), until staff add it to the knowledge
(`drop_staff_answer`), the candidate sends /forget, or it ages like a hand-off.

Delivering needs the candidate's chat id, the one thing the question log otherwise never
keeps: it is stored Fernet-encrypted (LOG_ENCRYPTION_KEY), like the question and the bot's
answer, and only in this row. The chat's pseudonymous key finds a chat's hand-offs for
/forget. `(staff_chat_id, staff_message_id)` finds the hand-off a staff reply answers, after
a restart too.

`HandoffLog` gives a question log these methods on top of a `HandoffTable`: `SqliteHandoffs`
(the table `handoffs` of the SQLite store) or `MemoryHandoffs` (the in-memory log).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import aiosqlite
from cryptography.fernet import Fernet, InvalidToken

from bot.questionlog.records import LoggedQuestion, StoreError

logger = logging.getLogger(__name__)

ChatKey = Callable[[int | str], str]


class Decrypting(Protocol):
    """What decrypts the log's Fernet tokens (the store's queries)."""

    def decrypt(self, token: bytes) -> str: ...


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A question as the log holds it: what the candidate wrote, in which language, about
    which posting (None: none named)."""

    question: str
    lang: str
    posting: str | None


@dataclass(frozen=True, slots=True)
class HandoffDraft:
    """What a new hand-off holds besides the chat: the question and what the bot answered."""

    lang: str
    posting: str | None
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Handoff:
    """A stored hand-off; `staff_message_id` is None until it is posted to the staff group."""

    number: int
    chat_id: int
    lang: str
    posting: str | None
    question: str
    answer: str
    created_at: datetime
    staff_chat_id: int | None = None
    staff_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class StaffAnswer:
    """A staff answer delivered to a candidate, kept for "Add to knowledge"."""

    number: int
    lang: str
    posting: str | None
    question: str
    answer: str


class HandoffTable(Protocol):
    """Where hand-offs are kept (SQLite or memory)."""

    async def find_question(self, chat_key: str, reply_key: str) -> AskedQuestion | None: ...
    async def add(self, chat_key: str, chat_id: int, draft: HandoffDraft) -> Handoff: ...
    async def get(self, number: int) -> Handoff | None: ...
    async def at_staff_message(self, staff_chat_id: int, message_id: int) -> Handoff | None: ...
    async def set_staff_message(self, number: int, staff_chat_id: int, message_id: int) -> None: ...
    async def delete(self, number: int) -> bool: ...
    async def delete_chat(self, chat_key: str) -> tuple[Handoff, ...]: ...
    async def delete_before(self, cutoff: datetime) -> int: ...
    async def keep_answer(self, chat_key: str, handoff: Handoff, answer: str) -> int: ...
    async def get_answer(self, number: int) -> StaffAnswer | None: ...
    async def delete_answer(self, number: int) -> bool: ...
    async def count_pending(self) -> int: ...


class HandoffLog:
    """The hand-off methods of `QuestionLog`, for a log with `_handoffs` and `chat_key`."""

    _handoffs: HandoffTable
    # The log's own: its keyed hash of a chat id, and waiting for its queued records.
    chat_key: ChatKey
    flush: Callable[[], Awaitable[None]]

    async def asked_question(self, chat_id: int | str, reply_key: str) -> AskedQuestion | None:
        """The chat's question whose reply was logged with `reply_key`; None if unknown."""
        await self.flush()  # the reply's record may still be queued
        return await self._handoffs.find_question(self.chat_key(chat_id), reply_key)

    async def open_handoff(self, chat_id: int, draft: HandoffDraft) -> Handoff:
        """Keeps a new hand-off of the chat, waiting for the candidate's confirmation."""
        return await self._handoffs.add(self.chat_key(chat_id), chat_id, draft)

    async def handoff(self, number: int) -> Handoff | None:
        """The hand-off with this number; None when it has ended (or never was)."""
        return await self._handoffs.get(number)

    async def handoff_sent(self, number: int, staff_chat_id: int, staff_message_id: int) -> None:
        """Records the staff group's message the hand-off was posted as."""
        await self._handoffs.set_staff_message(number, staff_chat_id, staff_message_id)

    async def handoff_at(self, staff_chat_id: int, staff_message_id: int) -> Handoff | None:
        """The pending hand-off posted as this staff message; None for any other message."""
        return await self._handoffs.at_staff_message(staff_chat_id, staff_message_id)

    async def close_handoff(self, number: int) -> bool:
        """Deletes a hand-off (answered, undeliverable or cancelled); False if already gone."""
        return await self._handoffs.delete(number)

    async def withdraw_handoffs(self, chat_id: int | str) -> tuple[Handoff, ...]:
        """Deletes the chat's hand-offs and kept staff answers (/forget); returns the
        hand-offs, to tell the staff."""
        return await self._handoffs.delete_chat(self.chat_key(chat_id))

    async def purge_handoffs_older_than(self, days: int) -> int:
        """Deletes hand-offs and kept staff answers older than `days`; returns how many."""
        return await self._handoffs.delete_before(datetime.now(UTC) - timedelta(days=days))

    async def pending_handoffs(self) -> int:
        """How many hand-offs wait in the staff group for an answer (the daily digest)."""
        return await self._handoffs.count_pending()

    async def keep_staff_answer(self, handoff: Handoff, answer: str) -> int:
        """Keeps a delivered staff answer with its question (not the chat id); its number."""
        return await self._handoffs.keep_answer(self.chat_key(handoff.chat_id), handoff, answer)

    async def staff_answer(self, number: int) -> StaffAnswer | None:
        """A kept staff answer; None once added, forgotten or purged."""
        return await self._handoffs.get_answer(number)

    async def drop_staff_answer(self, number: int) -> bool:
        """Deletes a kept staff answer (added to the knowledge); False if already gone."""
        return await self._handoffs.delete_answer(number)


# --- SQLite ---------------------------------------------------------------------------


class SqliteHandoffLog(HandoffLog):
    """`HandoffLog` for the SQLite store: the table on its connection, write lock and key."""

    _db: aiosqlite.Connection
    _write_lock: asyncio.Lock
    _fernet: Fernet
    _queries: Decrypting

    @functools.cached_property
    def _handoffs(self) -> SqliteHandoffs:  # type: ignore[override]
        return SqliteHandoffs(self._db, self._write_lock, self._fernet, self._queries.decrypt)


_COLUMNS = """id, chat, lang, posting, question, answer, created_at, staff_chat_id,
    staff_message_id"""
_INSERT = """INSERT INTO handoffs (chat_key, chat, lang, posting, question, answer, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)"""
# Posted to the staff group, not yet answered (one the candidate has not confirmed is not).
COUNT_PENDING = "SELECT count(*) FROM handoffs WHERE staff_message_id IS NOT NULL"
_INSERT_ANSWER = """INSERT INTO staff_answers
    (chat_key, lang, posting, question, answer, created_at) VALUES (?, ?, ?, ?, ?, ?)"""
_FIND_QUESTION = """SELECT question, lang, posting FROM questions
    WHERE reply_key = ? AND chat_key = ? ORDER BY id DESC LIMIT 1"""


class SqliteHandoffs:
    """The `handoffs` table of the SQLite store (texts and chat id encrypted)."""

    def __init__(
        self,
        db: aiosqlite.Connection,
        lock: asyncio.Lock,
        fernet: Fernet,
        decrypt: Callable[[bytes], str],
    ) -> None:
        self._db = db
        self._lock = lock  # the store's write lock: one writer at a time
        self._fernet = fernet
        self._decrypt = decrypt

    async def find_question(self, chat_key: str, reply_key: str) -> AskedQuestion | None:
        rows = await self._read(_FIND_QUESTION, (reply_key, chat_key))
        if not rows:
            return None
        question, lang, posting = rows[0]
        return AskedQuestion(self._decrypt(question), lang, posting)

    async def add(self, chat_key: str, chat_id: int, draft: HandoffDraft) -> Handoff:
        created = datetime.now(UTC)
        row = (
            chat_key,
            self._seal(str(chat_id)),
            draft.lang,
            draft.posting,
            self._seal(draft.question),
            self._seal(draft.answer),
            _timestamp(created),
        )
        cursor = await self._write(_INSERT, row)
        number = cursor.lastrowid
        assert number is not None
        return Handoff(
            number, chat_id, draft.lang, draft.posting, draft.question, draft.answer, created
        )

    async def get(self, number: int) -> Handoff | None:
        rows = await self._read(f"SELECT {_COLUMNS} FROM handoffs WHERE id = ?", (number,))
        return self._handoff(rows[0]) if rows else None

    async def at_staff_message(self, staff_chat_id: int, message_id: int) -> Handoff | None:
        rows = await self._read(
            f"SELECT {_COLUMNS} FROM handoffs WHERE staff_chat_id = ? AND staff_message_id = ?",
            (staff_chat_id, message_id),
        )
        return self._handoff(rows[0]) if rows else None

    async def set_staff_message(self, number: int, staff_chat_id: int, message_id: int) -> None:
        await self._write(
            "UPDATE handoffs SET staff_chat_id = ?, staff_message_id = ? WHERE id = ?",
            (staff_chat_id, message_id, number),
        )

    async def delete(self, number: int) -> bool:
        cursor = await self._write("DELETE FROM handoffs WHERE id = ?", (number,))
        return cursor.rowcount > 0

    async def delete_chat(self, chat_key: str) -> tuple[Handoff, ...]:
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                rows = await self._db.execute_fetchall(
                    f"SELECT {_COLUMNS} FROM handoffs WHERE chat_key = ? ORDER BY id", (chat_key,)
                )
                await self._db.execute("DELETE FROM handoffs WHERE chat_key = ?", (chat_key,))
                await self._db.execute("DELETE FROM staff_answers WHERE chat_key = ?", (chat_key,))
                await self._db.execute("COMMIT")
            except sqlite3.Error as error:
                await _rollback(self._db)
                raise _failed("withdrawing hand-offs", error) from error
        return tuple(self._handoff(row) for row in rows)

    async def delete_before(self, cutoff: datetime) -> int:
        moment = (_timestamp(cutoff),)
        handoffs = await self._write("DELETE FROM handoffs WHERE created_at < ?", moment)
        answers = await self._write("DELETE FROM staff_answers WHERE created_at < ?", moment)
        return handoffs.rowcount + answers.rowcount

    async def keep_answer(self, chat_key: str, handoff: Handoff, answer: str) -> int:
        row = (
            chat_key,
            handoff.lang,
            handoff.posting,
            self._seal(handoff.question),
            self._seal(answer),
            _timestamp(datetime.now(UTC)),
        )
        cursor = await self._write(_INSERT_ANSWER, row)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def get_answer(self, number: int) -> StaffAnswer | None:
        rows = await self._read(
            "SELECT id, lang, posting, question, answer FROM staff_answers WHERE id = ?",
            (number,),
        )
        if not rows:
            return None
        found, lang, posting, question, answer = rows[0]
        return StaffAnswer(found, lang, posting, self._decrypt(question), self._decrypt(answer))

    async def delete_answer(self, number: int) -> bool:
        cursor = await self._write("DELETE FROM staff_answers WHERE id = ?", (number,))
        return cursor.rowcount > 0

    async def count_pending(self) -> int:
        [(count,)] = await self._read(COUNT_PENDING, ())
        return int(count)

    def _seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def _handoff(self, row: Any) -> Handoff:
        number, chat, lang, posting, question, answer, created, staff_chat, staff_message = row
        return Handoff(
            number=number,
            chat_id=int(self._decrypt(chat)),
            lang=lang,
            posting=posting,
            question=self._decrypt(question),
            answer=self._decrypt(answer),
            created_at=datetime.fromisoformat(created).replace(tzinfo=UTC),
            staff_chat_id=staff_chat,
            staff_message_id=staff_message,
        )

    async def _read(self, sql: str, parameters: tuple[Any, ...]) -> list[Any]:
        try:
            return list(await self._db.execute_fetchall(sql, parameters))
        except sqlite3.Error as error:
            raise _failed("reading hand-offs", error) from error
        except InvalidToken:
            raise StoreError("a hand-off could not be decrypted with this key") from None

    async def _write(self, sql: str, parameters: tuple[Any, ...]) -> aiosqlite.Cursor:
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                cursor = await self._db.execute(sql, parameters)
                await self._db.execute("COMMIT")
            except sqlite3.Error as error:
                await _rollback(self._db)
                raise _failed("writing a hand-off", error) from error
        return cursor


async def _rollback(db: aiosqlite.Connection) -> None:
    # Suppressed: no transaction is open when BEGIN itself failed.
    with contextlib.suppress(sqlite3.Error):
        await db.execute("ROLLBACK")


def _failed(what: str, error: sqlite3.Error) -> StoreError:
    logger.error("question log: %s failed: %s", what, error)
    return StoreError(f"{what} failed: {error}")


def _timestamp(moment: datetime) -> str:
    """UTC as 'YYYY-MM-DD HH:MM:SS.fff', like the question log's other times."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="milliseconds")


# --- memory -----------------------------------------------------------------------------


class MemoryHandoffs:
    """Hand-offs in process memory, for the in-memory log (lost with the process)."""

    def __init__(self, records: Callable[[], Awaitable[tuple[LoggedQuestion, ...]]]) -> None:
        self._records = records  # the log's records, oldest first
        self._rows: dict[int, tuple[str, Handoff]] = {}  # number -> (chat key, hand-off)
        self._answers: dict[int, tuple[str, StaffAnswer, datetime]] = {}  # key, answer, kept at
        self._next = 1

    async def find_question(self, chat_key: str, reply_key: str) -> AskedQuestion | None:
        for row in reversed(await self._records()):
            if row.reply_key == reply_key and row.chat_key == chat_key:
                return AskedQuestion(row.question, row.lang, row.posting)
        return None

    async def add(self, chat_key: str, chat_id: int, draft: HandoffDraft) -> Handoff:
        handoff = Handoff(
            self._next,
            chat_id,
            draft.lang,
            draft.posting,
            draft.question,
            draft.answer,
            datetime.now(UTC),
        )
        self._rows[self._next] = (chat_key, handoff)
        self._next += 1
        return handoff

    async def get(self, number: int) -> Handoff | None:
        row = self._rows.get(number)
        return row[1] if row else None

    async def at_staff_message(self, staff_chat_id: int, message_id: int) -> Handoff | None:
        for _, handoff in self._rows.values():
            if (handoff.staff_chat_id, handoff.staff_message_id) == (staff_chat_id, message_id):
                return handoff
        return None

    async def set_staff_message(self, number: int, staff_chat_id: int, message_id: int) -> None:
        if number in self._rows:
            key, handoff = self._rows[number]
            posted = replace(handoff, staff_chat_id=staff_chat_id, staff_message_id=message_id)
            self._rows[number] = (key, posted)

    async def delete(self, number: int) -> bool:
        return self._rows.pop(number, None) is not None

    async def delete_chat(self, chat_key: str) -> tuple[Handoff, ...]:
        for number in [n for n, (key, _, _) in self._answers.items() if key == chat_key]:
            del self._answers[number]
        numbers = [number for number, (key, _) in self._rows.items() if key == chat_key]
        return tuple(self._rows.pop(number)[1] for number in numbers)

    async def delete_before(self, cutoff: datetime) -> int:
        old = [number for number, (_, h) in self._rows.items() if h.created_at < cutoff]
        for number in old:
            del self._rows[number]
        aged = [number for number, (_, _, at) in self._answers.items() if at < cutoff]
        for number in aged:
            del self._answers[number]
        return len(old) + len(aged)

    async def keep_answer(self, chat_key: str, handoff: Handoff, answer: str) -> int:
        number = self._next
        self._next += 1
        kept = StaffAnswer(number, handoff.lang, handoff.posting, handoff.question, answer)
        self._answers[number] = (chat_key, kept, datetime.now(UTC))
        return number

    async def get_answer(self, number: int) -> StaffAnswer | None:
        found = self._answers.get(number)
        return found[1] if found else None

    async def delete_answer(self, number: int) -> bool:
        return self._answers.pop(number, None) is not None

    async def count_pending(self) -> int:
        return sum(h.staff_message_id is not None for _, h in self._rows.values())
