"""How the store turns queued records into rows: hashed, encrypted, linked, a few at a time.

The writer stores what `record_row` returns with `INSERT_RECORD`, and chat states with
`UPSERT_STATE`; `encode_in_chunks` encodes a batch on the event loop without pausing it
for long.

Links are found by the INSERT itself, in the database, so they hold across restarts
and batches (rows of one batch are inserted in order, each seeing the ones before):

- `session`: the chat's newest turn's session when that turn was at most SESSION_GAP
  before this one, else a fresh random key (pseudonymous: it names no one, and a
  session cannot be followed into the next one except through the chat key);
- `follows`: that newest turn's id, when it is in the same session;
- `offered_by`: for a button press, the id of the chat's newest turn whose reply was
  carried by the pressed message (`reply_message_id`); None for a menu's buttons.

Both look-ups walk the `questions_by_chat` index from the chat's newest row, so a
write costs the same however long the log is.
"""

from __future__ import annotations

import asyncio
import functools
import json
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from cryptography.fernet import Fernet

from bot.questionlog.queries import timestamp
from bot.questionlog.records import SESSION_GAP, QuestionRecord

_Item = TypeVar("_Item")

ROWS_PER_STEP = 32

INSERT_RECORD = """INSERT INTO questions (asked_at, channel, chat_key, lang, kind, question,
    status, posting, topic, score, suggestions, latency_ms, knowledge_version, reply_key,
    postings, topics, lead, reply_message_id, session, follows, offered_by)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        coalesce(CASE WHEN previous.same THEN previous.session END, ?20),
        CASE WHEN previous.same THEN previous.id END,
        CASE WHEN ?21 IS NOT NULL THEN (
            SELECT id FROM questions WHERE chat_key = ?3 AND reply_message_id = ?21
            ORDER BY id DESC LIMIT 1) END
    FROM (SELECT 1) LEFT JOIN (
        SELECT id, session, asked_at BETWEEN ?19 AND ?1 AS same
        FROM questions WHERE chat_key = ?3 ORDER BY id DESC LIMIT 1
    ) AS previous ON 1"""

UPSERT_STATE = """INSERT INTO chat_states (chat_key, state, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (chat_key) DO UPDATE SET
        state = excluded.state, updated_at = excluded.updated_at"""


def record_row(
    record: QuestionRecord, asked_at: datetime, chat_key: str, fernet: Fernet
) -> tuple[Any, ...]:
    """The parameters of `INSERT_RECORD` for a record: the chat as its key, the question
    and lead encrypted, the session cut-off and a fresh session key for the look-ups."""
    return (
        timestamp(asked_at),
        str(record.channel),
        chat_key,
        str(record.lang),
        str(record.kind),
        fernet.encrypt(str(record.question).encode("utf-8")),
        str(record.status),
        None if record.posting is None else str(record.posting),
        None if record.topic is None else str(record.topic),
        float(record.score),
        _json_list(tuple(record.suggestions)),
        float(record.latency_ms),
        str(record.knowledge_version),
        None if record.reply_key is None else str(record.reply_key),
        _json_list(tuple(record.postings)),
        _json_list(tuple(record.topics)),
        None if record.lead is None else fernet.encrypt(str(record.lead).encode("utf-8")),
        _optional_int(record.reply_message_id),
        timestamp(asked_at - SESSION_GAP),
        secrets.token_hex(8),
        _optional_int(record.pressed_message_id),
    )


@functools.lru_cache(maxsize=4096)
def _json_list(values: tuple[str, ...]) -> str:
    # Cached: the same few suggestion, posting and topic lists recur in nearly every row.
    return json.dumps([str(value) for value in values], ensure_ascii=False)


def _optional_int(value: int | None) -> int | None:
    return None if value is None else int(value)


async def encode_in_chunks(
    items: Sequence[_Item], encode: Callable[[_Item], tuple[Any, ...]]
) -> tuple[list[tuple[Any, ...]], list[_Item]]:
    """Encodes (hashes, encrypts) items on the loop, yielding between small chunks;
    returns the rows and the items that could not be encoded.

    A worker thread would hold the GIL for up to its 5 ms switch interval and delay
    replies; chunks of `ROWS_PER_STEP` keep each pause of the loop well under 1 ms.
    """
    rows: list[tuple[Any, ...]] = []
    bad: list[_Item] = []
    for start in range(0, len(items), ROWS_PER_STEP):
        for item in items[start : start + ROWS_PER_STEP]:
            try:
                rows.append(encode(item))
            except Exception:
                bad.append(item)
        await asyncio.sleep(0)
    return rows, bad
