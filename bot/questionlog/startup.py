"""Opening the question log the settings describe; the bot chooses its log here, once.

`open_question_log` returns the SQLite store when the database opens, and otherwise
(after one error line) the in-memory log, so the bot answers whatever the disk does.
A missing or wrong key or secret is not such a failure: it raises, and start-up stops,
because writing under another key would make the log unreadable or unforgettable.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.config import Settings
from bot.questionlog.interface import QuestionLog
from bot.questionlog.keys import reveal, secrets_of
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import MissingSecretError, StoreError, WrongKeyError
from bot.questionlog.store import Store

logger = logging.getLogger(__name__)


async def open_question_log(settings: Settings, **options: Any) -> QuestionLog:
    """The SQLite log of the settings, or the in-memory one when the database fails.

    Raises MissingSecretError or WrongKeyError. `options` go to `Store.open`.
    """
    keys = secrets_of(settings.log_hash_secret, settings.log_encryption_key)
    try:
        return await open_store(settings, **options)
    except (MissingSecretError, WrongKeyError):
        raise  # the caller says why and stops: the data's safety comes first
    except (StoreError, OSError) as error:
        logger.error(
            "question log %s cannot be opened (%s): answering without it, "
            "chat states kept in memory only",
            settings.database_path,
            error,
        )
        return MemoryQuestionLog(keys.hash_secret)


async def open_store(settings: Settings, *, read_only: bool = False, **options: Any) -> Store:
    """Opens the SQLite store the settings describe (see `Store.open` for the options)."""
    return await Store.open(
        settings.database_path,
        hash_secret=reveal(settings.log_hash_secret),
        encryption_key=reveal(settings.log_encryption_key),
        read_only=read_only,
        **options,
    )
