"""👍 / 👎 under answers: one optional tap that tells the admins whether an answer helped.

An answer (status answered or not_stated; never a menu, small talk or a clarifying
question) gets a last keyboard row with two buttons whose data (`RateAnswer`) carries a
random key; the same key goes into the answer's question-log record. A press stores the
verdict on that record (`QuestionLog.give_feedback`), once, and replaces the two buttons
with a short thanks; the answer's text and its other buttons stay. A 👎 puts the
question into the admins' unanswered view. A second press, a forged key or a key of
another chat changes nothing and gets a polite toast: a callback is always answered.
"""

from __future__ import annotations

import logging
import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.engine.answers import Reply
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import (
    FEEDBACK_ALREADY_GIVEN,
    FEEDBACK_RECORDED,
    HELPFUL,
    UNHELPFUL,
    StoreError,
)
from bot.telegram.callbacks import RateAnswer, decode, encode, is_rating
from bot.telegram.chat_states import ChatStates
from bot.telegram.messages import answer_callback
from bot.texts import UiTexts, ui_texts

logger = logging.getLogger(__name__)

RATED_STATUSES = frozenset({"answered", "not_stated"})
"""The replies worth rating: an answer, or the clear word that the posting does not say."""


def rating_key(reply: Reply) -> str | None:
    """A fresh random key for a reply offered for rating; None for a reply that is not."""
    return secrets.token_urlsafe(9) if reply.status in RATED_STATUSES else None


def with_rating_row(
    keyboard: InlineKeyboardMarkup | None, reply_key: str, ui: UiTexts
) -> InlineKeyboardMarkup:
    """The keyboard with the 👍 / 👎 row added last (the suggestions stay first)."""
    row = [
        InlineKeyboardButton(ui.rate_helpful, callback_data=encode(RateAnswer(reply_key, True))),
        InlineKeyboardButton(ui.rate_unhelpful, callback_data=encode(RateAnswer(reply_key, False))),
    ]
    rows = [list(line) for line in keyboard.inline_keyboard] if keyboard else []
    return InlineKeyboardMarkup([*rows, row])


def _thanked(keyboard: InlineKeyboardMarkup | None, data: str, ui: UiTexts) -> InlineKeyboardMarkup:
    """The keyboard with its rating row replaced by one thanks button (pressing it again
    only shows that the answer was rated)."""
    rows = [
        list(line)
        for line in (keyboard.inline_keyboard if keyboard else ())
        if not any(is_rating(button.callback_data) for button in line)
    ]
    return InlineKeyboardMarkup([*rows, [InlineKeyboardButton(ui.rate_thanks, callback_data=data)]])


class RatingHandlers:
    """The 👍 / 👎 buttons' handler; `bot.telegram.routing` registers it."""

    def __init__(self, question_log: QuestionLog, states: ChatStates) -> None:
        self.question_log = question_log
        self.states = states

    async def rate(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stores the verdict once and thanks; anything else gets a polite toast."""
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or chat is None:
            return
        state = await self.states.get(chat.id, user.language_code if user else None)
        ui = ui_texts(state.lang)
        action = decode(query.data)
        if not isinstance(action, RateAnswer):
            await answer_callback(query, ui.stale_button_toast)
            return
        verdict = HELPFUL if action.helpful else UNHELPFUL
        try:
            outcome = await self.question_log.give_feedback(chat.id, action.reply_key, verdict)
        except StoreError:
            await answer_callback(query, ui.rate_failed)
            return
        if outcome == FEEDBACK_ALREADY_GIVEN:
            await answer_callback(query, ui.rate_already)
            return
        if outcome != FEEDBACK_RECORDED:  # forged, another chat's, forgotten or purged
            await answer_callback(query, ui.stale_button_toast)
            return
        await answer_callback(query, ui.rate_thanks)
        message = query.message
        markup = getattr(message, "reply_markup", None)
        try:
            await query.edit_message_reply_markup(_thanked(markup, query.data or "", ui))
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                logger.warning("could not replace the rating buttons: %s", error)
        except TelegramError as error:  # the rating is stored; the buttons are cosmetic
            logger.warning("could not replace the rating buttons: %s", error)
