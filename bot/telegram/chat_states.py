"""Each chat's state for the Telegram handlers: the question log holds it, a cache spares reads.

The log keeps states serialised (JSON); `ChatStates` turns them into `ChatState`s and back.
A state that cannot be read starts afresh in the user's language, and one that cannot be
saved leaves the reply standing: the chat may have to choose again, never wait or fail.
Logs name a chat by its pseudonymous key, never its Telegram id.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from bot.engine.state import ChatState, language_of
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError

logger = logging.getLogger(__name__)

STATE_CACHE_SIZE = 10_000  # chats whose state is kept in memory; SQLite holds them all


class ChatStates:
    """Each chat's state: the question log holds the truth, a bounded cache spares a read
    per message. The log keeps states serialised; this class turns them into ChatStates."""

    def __init__(self, log: QuestionLog, capacity: int = STATE_CACHE_SIZE) -> None:
        self._log = log
        self._cache: OrderedDict[int, ChatState] = OrderedDict()
        self._capacity = capacity

    async def get(self, chat_id: int, language_code: str | None) -> ChatState:
        """The chat's state; a chat seen for the first time starts in the user's language."""
        state = self._cache.get(chat_id)
        if state is not None:
            self._cache.move_to_end(chat_id)
            return state
        try:
            saved = await self._log.load_chat_state(chat_id)
        except StoreError:
            logger.exception(
                "could not load the state of chat %s; starting afresh", self._log.chat_key(chat_id)
            )
            saved = None
        if saved is None:
            state = ChatState(lang=language_of(language_code))
        else:
            state = ChatState.from_json(saved)
        self._remember(chat_id, state)
        return state

    async def put(self, chat_id: int, state: ChatState) -> bool:
        """Saves a changed state; False when the database failed (the reply still stands)."""
        if self._cache.get(chat_id) == state:
            return True
        self._remember(chat_id, state)
        try:
            await self._log.save_chat_state(chat_id, state.to_json())
        except StoreError:
            logger.exception("could not save the state of chat %s", self._log.chat_key(chat_id))
            return False
        return True

    def peek(self, chat_id: int) -> ChatState | None:
        """The cached state, without touching the database (for the error handler)."""
        return self._cache.get(chat_id)

    def drop(self, chat_id: int) -> None:
        """Forgets the cached state, e.g. after the chat's data was deleted."""
        self._cache.pop(chat_id, None)

    def _remember(self, chat_id: int, state: ChatState) -> None:
        self._cache[chat_id] = state
        self._cache.move_to_end(chat_id)
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)
