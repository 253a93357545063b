"""Thin Telegram handlers: parse the update, ask the engine, render, reply, log.

Every candidate handler is a method of `BotHandlers`, which holds the few things they
share (the knowledge service, the question log, the chat states) as typed attributes
instead of PTB's untyped `bot_data`; the admins' commands (`bot.telegram.admin`) and
/forget (`bot.telegram.forget`) follow the same style, and `bot.telegram.routing`
registers them all. Updates of one chat reach these handlers one at a time (see
`ChatOrderedProcessor` in `bot.telegram.app`), so reading a chat's state, answering
and saving the new state cannot interleave with another update of the same chat.

The question log is the SQLite store, or the in-memory log when the database could not
be opened at start (`open_question_log`); the handlers work the same with either.

Logs never name a chat by its Telegram id or quote a user's text: a chat appears under
its pseudonymous key, the same HMAC the question log stores.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.engine.answers import Action, AnswerCheck, Reply, SelectPosting
from bot.engine.conversation import Assistant, Turn
from bot.engine.render import render_html
from bot.engine.state import ChatState, language_of
from bot.questionlog.interface import QuestionLog
from bot.reply_record import record_of_reply
from bot.serving import KnowledgeService
from bot.telegram.callbacks import ChooseLanguage, decode
from bot.telegram.chat_states import STATE_CACHE_SIZE, ChatStates
from bot.telegram.handoff import HandoffOffer
from bot.telegram.keyboards import language_keyboard, suggestions_keyboard
from bot.telegram.menu import UI_LANGS, help_text
from bot.telegram.messages import answer_callback, edit_text, send_reply
from bot.telegram.rating import rating_key, with_rating_row
from bot.texts import LANGUAGE_NAMES, fill, texts_for, ui_texts

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
DOUBLE_TAP_SECONDS = 3.0  # a second press of the same button within this is ignored


@dataclass(frozen=True, slots=True)
class _Press:
    message_id: int
    data: str
    at: float


class BotHandlers:
    """The bot's handlers and what they share."""

    # The "Ask BFIO" button under replies the bot cannot give; routing sets the staff group.
    offer = HandoffOffer(None)

    def __init__(
        self, knowledge: KnowledgeService, question_log: QuestionLog, *, retention_days: int
    ) -> None:
        self.knowledge = knowledge
        self.question_log = question_log
        self.states = ChatStates(question_log)
        self.retention_days = retention_days
        self._last_press: OrderedDict[int, _Press] = OrderedDict()

    # --- commands ---

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greets the user and offers the postings, or opens the posting of a deep link."""
        message, chat = _message_and_chat(update)
        if message is None or chat is None:
            return
        state = await self._state(update)
        ui = ui_texts(state.lang)
        assistant = self.knowledge.current
        name = update.effective_user.first_name if update.effective_user else ""
        posting = context.args[0] if context.args else None
        if posting is not None and posting in assistant.posting_ids():
            turn = assistant.act(SelectPosting(posting), state)
            intro = fill(ui.greeting_posting, name=name)
        elif posting is not None:
            turn = Turn(assistant.postings_menu(state), state)
            intro = fill(ui.greeting, name=name) + "\n\n" + ui.unknown_posting_link
        else:
            turn = Turn(assistant.postings_menu(state), state)
            intro = fill(ui.greeting, name=name)
        await self._reply(message, turn.reply, intro=intro)
        await self.states.put(chat.id, turn.state)

    async def postings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows every posting as a button."""
        message, _ = _message_and_chat(update)
        if message is not None:
            state = await self._state(update)
            await self._reply(message, self.knowledge.current.postings_menu(state))

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Shows the selected posting's topics as buttons (the postings when none is chosen)."""
        message, _ = _message_and_chat(update)
        if message is not None:
            state = await self._state(update)
            await self._reply(message, self.knowledge.current.topics_menu(state))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Explains what the bot does and lists its commands."""
        message, _ = _message_and_chat(update)
        if message is not None:
            state = await self._state(update)
            await send_reply(message.get_bot(), message.chat_id, help_text(state.lang))

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offers the interface languages as buttons."""
        message, _ = _message_and_chat(update)
        if message is not None:
            state = await self._state(update)
            ui = ui_texts(state.lang)
            await send_reply(
                message.get_bot(), message.chat_id, ui.language_prompt, language_keyboard()
            )

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says what is stored, for how long, and how to delete it."""
        message, _ = _message_and_chat(update)
        if message is not None:
            state = await self._state(update)
            text_html = self.offer.privacy(state.lang, self.retention_days)
            await send_reply(message.get_bot(), message.chat_id, text_html)

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Starts the guided eligibility check: its first question, with buttons. Private
        chats only: in a group, one member's answers would be everyone's to see and change."""
        message, chat = _message_and_chat(update)
        if message is None or chat is None:
            return
        state = await self._state(update)
        if chat.type != ChatType.PRIVATE:
            await message.reply_text(texts_for(state.lang).check.private, parse_mode=None)
            return
        turn = self.knowledge.current.start_check(state)
        await self._reply(message, turn.reply)
        # Not logged: the check's answers are kept in the chat state only (see /privacy).
        await self.states.put(chat.id, turn.state)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Says the command is unknown and points to /help."""
        message, chat = _message_and_chat(update)
        if message is None or chat is None or not _command_is_for_us(message, chat):
            return
        state = await self._state(update)
        await send_reply(message.get_bot(), message.chat_id, ui_texts(state.lang).unknown_command)

    # --- messages ---

    async def question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answers a free-text question through the engine and logs it."""
        message, chat = _message_and_chat(update)
        if message is None or chat is None or message.text is None:
            return
        started = time.perf_counter()
        text = _without_mention(message.text, message.get_bot().username)
        state = await self._state(update)
        if not text:
            await self._reply(message, self.knowledge.current.postings_menu(state))
            return
        assistant = self.knowledge.current
        turn = assistant.ask(text, state)
        reply = self.offer.shown(turn.reply, chat.type)
        key = rating_key(reply)
        offer_key = (key or self.offer.new_key()) if self.offer.applies(reply, chat.type) else None
        sent = await self._reply_in(
            chat.id,
            message.get_bot(),
            reply,
            reply_to=message if chat.type != ChatType.PRIVATE else None,
            rating=(key, turn.state.lang),
            offer=offer_key,
        )
        self._log(
            chat.id,
            turn.lang,
            text,
            "question",
            reply,
            assistant.version,
            started,
            update,
            reply_key=key or offer_key,
            reply_message_id=sent,
        )
        await self.states.put(chat.id, turn.state)

    async def non_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Tells the user, kindly, that the bot reads text only."""
        message, _ = _message_and_chat(update)
        if message is not None:
            state = await self._state(update)
            await send_reply(message.get_bot(), message.chat_id, ui_texts(state.lang).non_text)

    # --- buttons ---

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Carries out a pressed button; a stale, forged or repeated press gets a polite answer."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        started = time.perf_counter()
        state = await self._state(update)
        action = decode(query.data)
        assistant = self.knowledge.current
        if self._is_double_tap(chat.id, query):
            # Telegram still waits for an answer; the first press already did the work.
            await answer_callback(query)
            return
        if isinstance(action, ChooseLanguage) and action.lang in UI_LANGS:
            await self._choose_language(query, chat, state, action.lang)
            return
        if (
            action is None
            or not isinstance(action, Action)  # the other buttons have handlers of their own
            or not _exists(action, assistant)
        ):
            await self._stale_button(query, chat, state)
            return
        await answer_callback(query)  # answered first, so the button stops spinning at once
        turn = assistant.act(action, state)
        label = _pressed_label(query) or query.data or ""
        logged = not isinstance(action, AnswerCheck)  # /check's answers stay in the chat state
        reply = self.offer.shown(turn.reply, chat.type) if logged else turn.reply
        key = rating_key(reply) if logged else None
        # A topic button's "not stated" offers "Ask BFIO" like a typed question's.
        offers = logged and self.offer.applies(reply, chat.type)
        offer_key = (key or self.offer.new_key()) if offers else None
        sent = await self._reply_in(
            chat.id, query.get_bot(), reply, rating=(key, turn.state.lang), offer=offer_key
        )
        if logged:
            self._log(
                chat.id,
                state.lang,
                label,
                "button",
                reply,
                assistant.version,
                started,
                update,
                reply_key=key or offer_key,
                reply_message_id=sent,
            )
        await self.states.put(chat.id, turn.state)

    async def _choose_language(
        self, query: CallbackQuery, chat: Chat, state: ChatState, lang: str
    ) -> None:
        new_state = ChatState(posting=state.posting, lang=language_of(lang))
        saved = await self.states.put(chat.id, new_state)
        ui = ui_texts(lang)
        await answer_callback(query, LANGUAGE_NAMES[lang])
        await edit_text(
            query, ui.language_set if saved else f"{ui.language_set}\n{ui.storage_trouble}"
        )

    async def _stale_button(self, query: CallbackQuery, chat: Chat, state: ChatState) -> None:
        ui = ui_texts(state.lang)
        # The data may be forged, i.e. typed by the user: it goes below INFO, like user texts.
        logger.info("stale or unknown button data in chat %s", self._chat_ref(chat.id))
        logger.debug("the stale or unknown button data: %r", query.data)
        await answer_callback(query, ui.stale_button_toast)
        await self._reply_in(
            chat.id, query.get_bot(), self.knowledge.current.postings_menu(state), ui.stale_button
        )

    def _is_double_tap(self, chat_id: int, query: CallbackQuery) -> bool:
        message_id = query.message.message_id if query.message else 0
        press = _Press(message_id, query.data or "", time.monotonic())
        last = self._last_press.pop(chat_id, None)
        self._last_press[chat_id] = press
        if len(self._last_press) > STATE_CACHE_SIZE:
            self._last_press.popitem(last=False)  # the chat that pressed longest ago
        return (
            last is not None
            and (last.message_id, last.data) == (press.message_id, press.data)
            and press.at - last.at < DOUBLE_TAP_SECONDS
        )

    def forget_chat(self, chat_id: int) -> None:
        """Drops what is kept in memory about a chat once /forget has deleted its data."""
        self.states.drop(chat_id)
        self._last_press.pop(chat_id, None)

    # --- errors ---

    async def error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Logs the error with its context and tells the user something went wrong."""
        error = context.error
        where = self._describe(update)
        if isinstance(error, (TimedOut, RetryAfter)):
            # Telegram is slow or flooded: the reply may have arrived, and another message
            # would only add to the load. Log it; the user can ask again.
            logger.warning("Telegram %s while handling %s", type(error).__name__, where)
            return
        if isinstance(error, Forbidden):
            # The user blocked the bot (or it left the group): routine, and nothing can
            # reach them any more.
            logger.info("chat unreachable while handling %s: %s", where, error)
            return
        logger.error("error while handling %s", where, exc_info=error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if not isinstance(update, Update) or chat is None:
            return
        if update.callback_query is not None:
            await answer_callback(update.callback_query)
        state = self.states.peek(chat.id)
        user = update.effective_user
        lang = state.lang if state else language_of(user.language_code if user else None)
        try:
            await context.bot.send_message(chat.id, ui_texts(lang).error)
        except TelegramError as send_error:
            logger.warning("could not tell the user about the error in %s: %s", where, send_error)

    # --- shared steps ---

    async def _state(self, update: Update) -> ChatState:
        chat = update.effective_chat
        user = update.effective_user
        assert chat is not None
        state = await self.states.get(chat.id, user.language_code if user else None)
        # A reload may have removed the chat's posting; no handler or engine step may trip
        # over an id the knowledge no longer has. The next save stores the cleaned state.
        if state.posting is not None and state.posting not in self.knowledge.knowledge.postings:
            state = state.with_posting(None)
        return state

    async def _reply(
        self, message: Message, reply: Reply, *, intro: str | None = None, quote: bool = False
    ) -> None:
        await self._reply_in(
            message.chat_id, message.get_bot(), reply, intro, reply_to=message if quote else None
        )

    async def _reply_in(
        self,
        chat_id: int,
        bot: Bot,
        reply: Reply,
        intro: str | None = None,
        *,
        reply_to: Message | None = None,
        rating: tuple[str | None, str] = (None, ""),
        offer: str | None = None,
    ) -> int | None:
        """Sends the reply (`rating`: its 👍/👎 row's key and language; `offer`: its "Ask BFIO"
        button's key); returns the id of the message with the buttons, if it arrived."""
        text_html = render_html(reply.answer)
        if intro:
            text_html = f"{intro}\n\n{text_html}"
        keyboard: InlineKeyboardMarkup | None = suggestions_keyboard(reply.suggestions)
        reply_key, lang = rating
        if reply_key is not None:
            keyboard = with_rating_row(keyboard, reply_key, ui_texts(lang))
        if offer is not None:
            keyboard = self.offer.with_row(keyboard, offer, lang)
        sent = await send_reply(
            bot,
            chat_id,
            text_html,
            keyboard,
            reply_to=reply_to.message_id if reply_to else None,
        )
        return sent[-1].message_id if sent else None

    def _log(
        self,
        chat_id: int,
        lang: str,
        question: str,
        kind: str,
        reply: Reply,
        knowledge_version: str,
        started: float,
        update: Update,
        *,
        reply_key: str | None = None,
        reply_message_id: int | None = None,
    ) -> None:
        pressed = update.callback_query.message if update.callback_query else None
        self.question_log.log(
            record_of_reply(
                reply,
                channel=CHANNEL,
                chat_id=chat_id,
                lang=lang,
                question=question,
                kind=kind,
                latency_ms=(time.perf_counter() - started) * 1000,
                knowledge_version=knowledge_version,
                update_id=update.update_id,  # its inbox row is marked done with the record
                reply_key=reply_key,
                reply_message_id=reply_message_id,
                pressed_message_id=pressed.message_id if pressed else None,  # the press's link
            )
        )

    def _chat_ref(self, chat_id: int) -> str:
        """How a log line names a chat: its pseudonymous key, never its Telegram id."""
        return self.question_log.chat_key(chat_id)

    def _describe(self, update: object) -> str:
        """The update's kind, id and chat key for an error log; never the user's text."""
        if not isinstance(update, Update):
            return f"a non-update event ({type(update).__name__})"
        kind = "callback query" if update.callback_query else "message"
        chat = update.effective_chat
        where = self._chat_ref(chat.id) if chat is not None else None
        return f"{kind} in update {update.update_id} (chat {where})"


def _message_and_chat(update: Update) -> tuple[Message | None, Chat | None]:
    return update.effective_message, update.effective_chat


def _exists(action: Action, assistant: Assistant) -> bool:
    """Whether the button's posting still exists (a topic or FAQ the engine checks itself)."""
    posting = getattr(action, "posting", None)
    return posting is None or posting in assistant.posting_ids()


def _pressed_label(query: CallbackQuery) -> str | None:
    """The label of the pressed button, read from the message it sits on."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


def _without_mention(text: str, username: str | None) -> str:
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def _command_is_for_us(message: Message, chat: Chat) -> bool:
    """In a group, an unknown command may be meant for another bot: answer only `/x@us`.

    A private chat is always the sender's own; one with another id is a forged update,
    and a reply would go to whoever forged it.
    """
    if chat.type == ChatType.PRIVATE:
        return message.from_user is not None and message.from_user.id == chat.id
    command = (message.text or "").split()[0] if message.text else ""
    _, _, target = command.partition("@")
    return target.lower() == (message.get_bot().username or "").lower()
