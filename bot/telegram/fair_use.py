"""Fair use: a per-user limit on incoming messages, checked before any other handler.

`FairUse.check` runs in an early handler group (`bot.telegram.routing`). Up to `limit`
messages per user within a window pass on to the candidate handlers; beyond that the
user gets one polite note per window, in their chat's language, and every further message
stops here (`ApplicationHandlerStop`): it costs no engine time and is not logged as a
question. Admins are exempt, and other users are unaffected: each user has a window of
their own. Memory is bounded: the users seen longest ago are forgotten first (they start
a fresh window, which only favours them).
"""

from __future__ import annotations

import enum
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.telegram.chat_states import ChatStates
from bot.telegram.messages import send_reply
from bot.texts import ui_texts

logger = logging.getLogger(__name__)

USERS_TRACKED = 10_000


class Verdict(enum.Enum):
    """What happens to one incoming message."""

    ANSWER = "answer"  # within the limit: the handlers answer it
    NOTE = "note"  # the first one over the limit: the user is told, once per window
    DROP = "drop"  # any further one in the same window: nothing happens


@dataclass(frozen=True, slots=True)
class _Window:
    started: float
    count: int = 0
    noted: bool = False


class FairUse:
    """The per-user message limit and the note beyond it."""

    def __init__(
        self,
        states: ChatStates,
        *,
        limit: int,
        window_seconds: float,
        exempt: Collection[int] = (),
        clock: Callable[[], float] = time.monotonic,
        capacity: int = USERS_TRACKED,
    ) -> None:
        self.states = states
        self.limit = limit  # 0: no limit
        self.window_seconds = window_seconds
        self.exempt = frozenset(exempt)
        self._clock = clock
        self._capacity = capacity
        self._windows: OrderedDict[int, _Window] = OrderedDict()

    def admit(self, user_id: int) -> Verdict:
        """Counts one message of the user and says what happens to it."""
        if not self.limit or user_id in self.exempt:
            return Verdict.ANSWER
        now = self._clock()
        window = self._windows.pop(user_id, None)
        if window is None or now - window.started >= self.window_seconds:
            window = _Window(started=now)
        counted = replace(window, count=window.count + 1)
        if counted.count <= self.limit:
            verdict = Verdict.ANSWER
        elif counted.noted:
            verdict = Verdict.DROP
        else:
            verdict, counted = Verdict.NOTE, replace(counted, noted=True)
        self._windows[user_id] = counted  # the most recently seen user goes last
        while len(self._windows) > self._capacity:
            self._windows.popitem(last=False)
        return verdict

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Lets a message within the user's limit through; stops the others, noting the first."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        verdict = self.admit(user.id)
        if verdict is Verdict.ANSWER:
            return
        if verdict is Verdict.NOTE:
            logger.info("a user went over the fair-use limit; their next messages are dropped")
            state = await self.states.get(chat.id, user.language_code)
            try:
                await send_reply(context.bot, chat.id, ui_texts(state.lang).fair_use)
            except TelegramError as error:
                # The message must stay stopped whether or not the note arrived.
                logger.warning("could not send the fair-use note: %s", error)
        raise ApplicationHandlerStop
