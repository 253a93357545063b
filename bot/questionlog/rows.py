"""How the store turns queued records into rows: hashed, encrypted, a few at a time.

The store writes what `record_row` returns with `INSERT_RECORD`, and chat states with
`UPSERT_STATE`; `encode_in_chunks` encodes a batch on the event loop without pausing it
for long.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from cryptography.fernet import Fernet

from bot.questionlog.queries import timestamp
from bot.questionlog.records import QuestionRecord

_Item = TypeVar("_Item")

ROWS_PER_STEP = 32

INSERT_RECORD = """INSERT INTO questions (asked_at, channel, chat_key, lang, kind, question,
    status, posting, topic, score, suggestions, latency_ms, knowledge_version, reply_key)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""

UPSERT_STATE = """INSERT INTO chat_states (chat_key, state, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (chat_key) DO UPDATE SET
        state = excluded.state, updated_at = excluded.updated_at"""


def record_row(
    record: QuestionRecord, asked_at: datetime, chat_key: str, fernet: Fernet
) -> tuple[Any, ...]:
    """The `questions` row of a record: the chat as its key, the question encrypted."""
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
        json.dumps([str(label) for label in record.suggestions], ensure_ascii=False),
        float(record.latency_ms),
        str(record.knowledge_version),
        None if record.reply_key is None else str(record.reply_key),
    )


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
