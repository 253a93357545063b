"""/forget: a candidate deletes everything stored about their chat, after confirming.

`/forget` asks with two buttons (their data from the callback codec, `ConfirmForget`);
"yes" deletes the records logged under the chat and its state, and withdraws its questions
handed to BFIO staff (`bot.telegram.handoff`), "no" keeps them. It works
in private chats only, so no one deletes a group's records for everyone. Texts are plain
(`parse_mode=None`), in the chat's language. `ForgetHandlers` follows the style of
`BotHandlers`; `bot.telegram.routing` registers it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError
from bot.telegram.callbacks import ConfirmForget, decode, encode
from bot.telegram.chat_states import ChatStates
from bot.telegram.messages import answer_callback, edit_text
from bot.texts import ForgetTexts, forget_texts

FORGET_YES = encode(ConfirmForget(delete=True))
FORGET_NO = encode(ConfirmForget(delete=False))


class ForgetHandlers:
    """The /forget command, its confirmation button and what they share."""

    def __init__(
        self,
        question_log: QuestionLog,
        states: ChatStates,
        *,
        forgotten: Callable[[int], None],
        withdraw: Callable[[Bot, int], Awaitable[None]] | None = None,
    ) -> None:
        self.question_log = question_log
        self.states = states
        self.forgotten = forgotten  # drops what the other handlers keep about a chat
        self.withdraw = withdraw  # deletes the chat's hand-offs and tells the staff group

    async def ask(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Asks whether to delete the chat's stored data."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        texts = await self._texts(update)
        if chat.type != ChatType.PRIVATE:
            await message.reply_text(texts.private, parse_mode=None)
            return
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(texts.yes, callback_data=FORGET_YES),
                    InlineKeyboardButton(texts.no, callback_data=FORGET_NO),
                ]
            ]
        )
        await message.reply_text(texts.ask, reply_markup=keyboard, parse_mode=None)

    async def confirm(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Deletes the chat's records on "yes", keeps them on "no"."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        # Answer at once: the client shows a spinner until the query is answered. A late or
        # failed answer is logged there and must not stop the deletion the user asked for.
        await answer_callback(query)
        texts = await self._texts(update)
        answer = decode(query.data)
        if answer != ConfirmForget(delete=True) or chat.type != ChatType.PRIVATE:
            await edit_text(query, texts.kept, parse_mode=None)
            return
        try:
            if self.withdraw is not None:
                await self.withdraw(query.get_bot(), chat.id)
            deleted = await self.question_log.forget(chat.id)
        except StoreError:
            await edit_text(query, texts.failed, parse_mode=None)
            return
        self.forgotten(chat.id)
        await edit_text(query, texts.done.format(n=deleted), parse_mode=None)

    async def _texts(self, update: Update) -> ForgetTexts:
        """The /forget texts in the chat's language (the user's, for a chat not seen yet)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None
        state = await self.states.get(chat.id, user.language_code if user else None)
        return forget_texts(state.lang)
