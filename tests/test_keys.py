"""The log's secrets: pseudonymous chat keys, encryption at rest, wrong and missing keys."""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import MissingSecretError, StoreError, WrongKeyError
from bot.questionlog.store import Store
from tests.questionlog_helpers import KEY, SECRET, count_rows, open_store, record, state


async def test_the_files_never_hold_the_raw_chat_id_or_the_question_text(db_path: Path) -> None:
    chat_id = 987654321012
    question = "Unmistakable question about housing in Nairobi"
    store = await open_store(db_path)
    store.log(record(question, chat_id=chat_id))
    await store.flush()
    await store.save_chat_state(chat_id, state(pending_question="a pending secret wording"))
    [row] = await store.recent(1)
    await store.close()

    data = b"".join(path.read_bytes() for path in db_path.parent.iterdir())
    assert str(chat_id).encode() not in data
    assert question.encode() not in data
    assert b"pending secret wording" not in data
    expected = hmac.new(SECRET.encode(), str(chat_id).encode(), hashlib.sha256).hexdigest()[:32]
    assert row.chat_key == expected
    assert row.question == question


async def test_a_wrong_key_is_detected_at_open_and_the_data_stays_intact(db_path: Path) -> None:
    store = await open_store(db_path)
    store.log(record("kept safe"))
    await store.close()
    before = db_path.read_bytes()

    with pytest.raises(WrongKeyError, match="LOG_ENCRYPTION_KEY does not match"):
        await Store.open(db_path, hash_secret=SECRET, encryption_key=new_encryption_key())
    with pytest.raises(WrongKeyError, match="LOG_HASH_SECRET does not match"):
        await Store.open(db_path, hash_secret=new_hash_secret(), encryption_key=KEY)

    assert db_path.read_bytes() == before
    store = await open_store(db_path)
    assert [row.question for row in await store.recent(5)] == ["kept safe"]
    await store.close()


async def test_a_row_written_with_another_key_gives_a_clear_error(
    store: Store, db_path: Path
) -> None:
    store.log(record("mine"))
    await store.flush()
    foreign = Fernet(new_encryption_key()).encrypt(b"theirs")
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE questions SET question = ?", (foreign,))
    with pytest.raises(WrongKeyError, match="does not match the key the log was written with"):
        await store.recent(1)
    assert count_rows(db_path) == 1


@pytest.mark.parametrize(
    ("secret", "key", "variable"),
    [
        (SECRET, "", "LOG_ENCRYPTION_KEY is not set"),
        (SECRET, "not-a-fernet-key", "LOG_ENCRYPTION_KEY is not a valid Fernet key"),
        ("", KEY, "LOG_HASH_SECRET is not set"),
        ("short", KEY, "LOG_HASH_SECRET is too short"),
    ],
)
async def test_a_missing_or_malformed_secret_gives_a_clear_error_and_no_file(
    db_path: Path, secret: str, key: str, variable: str
) -> None:
    with pytest.raises(MissingSecretError, match=variable):
        await Store.open(db_path, hash_secret=secret, encryption_key=key)
    assert not db_path.exists()


async def test_read_only_open_of_a_missing_file_is_a_clear_error(db_path: Path) -> None:
    with pytest.raises(StoreError, match="no question log at"):
        await open_store(db_path, read_only=True)
    assert not db_path.parent.exists()
