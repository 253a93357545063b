"""Hand-off to BFIO staff: a question the bot cannot answer goes to a person, and back.

With STAFF_CHAT_ID set, a reply the bot cannot give (status not_stated or fallback) or
the reply to "can I talk to a person?" carries an "Ask BFIO" button in a private chat
(`HandoffOffer`). The flow, in `HandoffHandlers`:

1. "Ask BFIO" (`AskStaff`): the question (from the question log, by the reply's key) and
   the bot's answer (the message the button sits on) are kept as a hand-off, and the
   candidate is shown exactly what staff will see, with "Send", "Send with my username"
   (when they have one) and "Cancel" (`ConfirmHandoff`). Nothing is sent before that.
2. "Send": the bot posts first name, language, posting, question and the bot's answer to
   the staff group (never the Telegram id; the @username only after the second button)
   and tells the candidate the answer will arrive in this chat, and when to expect it
   only if HANDOFF_ANSWER_DAYS promises a time.
3. A staff member replies to that message in the group: the bot passes the text on to the
   candidate, framed as BFIO staff's answer in the candidate's language, ends the hand-off
   and answers "Delivered" in the group, or says the candidate has blocked the bot (403).
   Replies to other messages are ignored; a reply that is not text gets a one-line note.
4. Under "Delivered", "Add to knowledge" (for anyone in the staff group) turns the question
   and the staff reply into a draft FAQ entry of the hand-off's posting (or the programme)
   with `bot.review.add_answer` (`editing.add_faq`: validated, attributed to the staff
   member's pseudonymous key, undoable with `jpo-bot undo`), which reloads the knowledge, so
   the next candidate asking the same gets the answer at once.
5. /forget withdraws the chat's hand-offs: they are deleted and their staff messages
   replaced by a line saying the candidate withdrew the question.

The pending hand-offs live in the question log (`bot.questionlog.handoffs`), so a restart
keeps them and a later staff reply still arrives. Without STAFF_CHAT_ID nothing here is
offered: the engine's replies carry BFIO's public contact instead.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass, replace
from html import escape

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.engine.answers import Reply
from bot.engine.replies import CANNOT_ANSWER
from bot.knowledge.editing import EditRefused
from bot.questionlog.handoffs import Handoff, HandoffDraft
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError
from bot.review import add_answer
from bot.serving import KnowledgeService
from bot.telegram.callbacks import AddToKnowledge, AskStaff, ConfirmHandoff, decode, encode
from bot.telegram.chat_states import ChatStates
from bot.telegram.messages import answer_callback, edit_text, send_reply
from bot.telegram.review import admin_key_of
from bot.texts import LANGUAGE_NAMES, HandoffTexts, fill, handoff_texts, phrases, ui_texts

logger = logging.getLogger(__name__)

MAX_ANSWER_SHOWN = 1500  # of the bot's answer, in the staff message: one screen, one message
MAX_PROBLEMS_SHOWN = 3  # of a refused knowledge edit, in the staff group
MAX_OPEN_OFFERS = 10_000  # chats whose last "Ask BFIO" confirmation is remembered
ELLIPSIS = "…"
SEND, SEND_WITH_USERNAME, CANCEL = "s", "u", "n"


@dataclass(frozen=True, slots=True)
class HandoffOffer:
    """Whether a reply gets the "Ask BFIO" button, and how it looks then."""

    staff_chat_id: int | None

    def applies(self, reply: Reply, chat_type: str) -> bool:
        """A reply the bot cannot give, in a private chat, with a staff group to ask."""
        cannot = reply.status in CANNOT_ANSWER or reply.wants_person
        return self.staff_chat_id is not None and chat_type == ChatType.PRIVATE and cannot

    def shown(self, reply: Reply, chat_type: str) -> Reply:
        """The reply as sent: with the button offered, BFIO's public contact gives way to it."""
        if not self.applies(reply, chat_type) or reply.answer.contact is None:
            return reply
        return replace(reply, answer=replace(reply.answer, contact=None))

    def privacy(self, lang: str, days: int) -> str:
        """/privacy's text; with a staff group, also what a hand-off keeps and how long."""
        text_html = fill(ui_texts(lang).privacy, days=days)
        if self.staff_chat_id is None:
            return text_html
        return f"{text_html}\n{fill(handoff_texts(lang).privacy, days=days)}"

    @staticmethod
    def new_key() -> str:
        """A random key for the reply's log record, which the button carries."""
        return secrets.token_urlsafe(9)

    @staticmethod
    def with_row(
        keyboard: InlineKeyboardMarkup | None, reply_key: str, lang: str
    ) -> InlineKeyboardMarkup:
        """The keyboard with the "Ask BFIO" button as its last row."""
        button = InlineKeyboardButton(
            handoff_texts(lang).offer, callback_data=encode(AskStaff(reply_key))
        )
        rows = [list(line) for line in keyboard.inline_keyboard] if keyboard else []
        return InlineKeyboardMarkup([*rows, [button]])


@dataclass(frozen=True, slots=True)
class _Shown:
    """What staff see of a hand-off: the same fields in the preview and the staff message."""

    name: str
    lang: str
    posting: str | None
    question: str
    answer: str

    def lines(self, texts: HandoffTexts) -> list[str]:
        """The fields as HTML lines, labelled in the reader's language."""
        return [
            fill(texts.name_line, name=self.name),
            fill(texts.lang_line, lang=LANGUAGE_NAMES.get(self.lang, self.lang)),
            fill(texts.posting_line, posting=self.posting or texts.no_posting),
            fill(texts.question_line, question=self.question),
            fill(texts.answer_line, answer=self.answer),
        ]


class HandoffHandlers:
    """The hand-off buttons, the staff group's replies and the withdrawal on /forget."""

    def __init__(
        self,
        question_log: QuestionLog,
        states: ChatStates,
        knowledge: KnowledgeService,
        *,
        staff_chat_id: int | None,
        staff_lang: str,
        answer_days: int | None,
    ) -> None:
        self.question_log = question_log
        self.states = states
        self.knowledge = knowledge
        self.staff_chat_id = staff_chat_id
        self.staff_lang = staff_lang
        self.staff = handoff_texts(staff_lang)
        self.answer_days = answer_days
        # chat -> the reply key of its open confirmation: a second tap on the same "Ask BFIO"
        # shows no second confirmation (one chat's presses are handled one at a time).
        self._open: OrderedDict[int, str] = OrderedDict()

    # --- the candidate's buttons ---

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Carries out "Ask BFIO", "Send", "Send with my username" or "Cancel", and in the
        staff group "Add to knowledge"."""
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or chat is None:
            return
        action = decode(query.data)
        if isinstance(action, AddToKnowledge) and chat.id == self.staff_chat_id:
            await self._add_to_knowledge(query, action.number)
            return
        state = await self.states.get(chat.id, user.language_code if user else None)
        usable = self.staff_chat_id is not None and chat.type == ChatType.PRIVATE
        try:
            if usable and isinstance(action, AskStaff):
                await self._offer(query, chat.id, action.reply_key, state.lang)
                return
            if usable and isinstance(action, ConfirmHandoff):
                await self._confirm(query, chat.id, action, state.lang)
                return
        except StoreError:
            # The log could not keep or find the hand-off: the press may have been answered
            # already (a second answer is only logged), so the words go in a message.
            await answer_callback(query)
            await send_reply(query.get_bot(), chat.id, escape(handoff_texts(state.lang).failed))
            return
        await answer_callback(query, ui_texts(state.lang).stale_button_toast)

    async def _offer(self, query: CallbackQuery, chat_id: int, reply_key: str, lang: str) -> None:
        """Keeps the hand-off and shows what staff would see, asking to confirm."""
        if self._open.get(chat_id) == reply_key:
            await answer_callback(query)  # its confirmation is right below
            return
        asked = await self.question_log.asked_question(chat_id, reply_key)
        if asked is None:  # forged, forgotten or purged
            await answer_callback(query, ui_texts(lang).stale_button_toast)
            return
        await answer_callback(query)
        self._open[chat_id] = reply_key
        if len(self._open) > MAX_OPEN_OFFERS:
            self._open.popitem(last=False)
        answer = _cut(getattr(query.message, "text", None) or "")
        draft = HandoffDraft(asked.lang, asked.posting, asked.question, answer)
        handoff = await self.question_log.open_handoff(chat_id, draft)
        user = query.from_user
        texts = handoff_texts(lang)
        shown = self._shown(handoff, user.first_name, lang)
        lines = [escape(texts.confirm), "", *shown.lines(texts), "", escape(texts.not_shared)]
        text_html = "\n".join(lines)
        buttons = [InlineKeyboardButton(texts.send, callback_data=_choice(handoff, SEND))]
        if user.username:
            label = texts.send_username
            buttons.append(
                InlineKeyboardButton(label, callback_data=_choice(handoff, SEND_WITH_USERNAME))
            )
        buttons.append(InlineKeyboardButton(texts.cancel, callback_data=_choice(handoff, CANCEL)))
        keyboard = InlineKeyboardMarkup([[button] for button in buttons])
        await send_reply(query.get_bot(), chat_id, text_html, keyboard)

    async def _confirm(
        self, query: CallbackQuery, chat_id: int, action: ConfirmHandoff, lang: str
    ) -> None:
        """Sends the hand-off to the staff group, or drops it on "Cancel"."""
        texts = handoff_texts(lang)
        handoff = await self.question_log.handoff(action.number)
        if handoff is None or handoff.chat_id != chat_id:
            await answer_callback(query, ui_texts(lang).stale_button_toast)
            return
        if handoff.staff_message_id is not None:  # a second tap on "Send"
            await answer_callback(query, texts.sent[:200])
            return
        await answer_callback(query)
        self._open.pop(chat_id, None)  # answered: "Ask BFIO" may open a new one
        if action.choice == CANCEL:
            await self.question_log.close_handoff(handoff.number)
            await edit_text(query, escape(texts.cancelled))
            return
        user = query.from_user
        username = user.username if action.choice == SEND_WITH_USERNAME else None
        try:
            posted = await self._post_to_staff(query.get_bot(), handoff, user.first_name, username)
        except TelegramError as error:
            logger.error("could not post hand-off %d to the staff group: %s", handoff.number, error)
            await self.question_log.close_handoff(handoff.number)
            await edit_text(query, escape(texts.failed))
            return
        assert self.staff_chat_id is not None
        await self.question_log.handoff_sent(handoff.number, self.staff_chat_id, posted.message_id)
        await edit_text(query, escape(f"{texts.sent}\n\n{self._expectation(texts)}"))

    async def _post_to_staff(
        self, bot: Bot, handoff: Handoff, first_name: str, username: str | None
    ) -> Message:
        """The staff group's message for a hand-off: the fields, and how to answer."""
        staff = self.staff
        shown = self._shown(handoff, first_name, self.staff_lang)
        if username:
            who = fill(staff.staff_username, username=username)
        else:
            who = escape(staff.staff_no_username)
        heading = f"<b>{fill(staff.staff_heading, number=handoff.number)}</b>"
        lines = [
            heading,
            "",
            *shown.lines(staff),
            who,
            "",
            f"<i>{escape(staff.staff_how)}</i>",
        ]
        assert self.staff_chat_id is not None
        return await bot.send_message(self.staff_chat_id, "\n".join(lines))

    def _shown(self, handoff: Handoff, first_name: str, lang: str) -> _Shown:
        name = self._posting_name(handoff.posting, lang) if handoff.posting else None
        return _Shown(first_name, handoff.lang, name, handoff.question, handoff.answer)

    def _posting_name(self, posting: str | None, lang: str) -> str:
        """A posting's short name in `lang` (its id once removed); None: the programme."""
        found = self.knowledge.knowledge.postings.get(posting) if posting is not None else None
        if found is not None:
            return found.name.get(lang)
        return posting or phrases(lang).programme_heading

    def _expectation(self, texts: HandoffTexts) -> str:
        if self.answer_days is None:
            return texts.expect_none
        return texts.expect_days.format(days=self.answer_days)

    # --- the staff group ---

    async def staff_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Passes a staff member's reply to a hand-off on to the candidate."""
        message = update.effective_message
        if message is None or message.reply_to_message is None:
            return
        replied = message.reply_to_message
        bot = message.get_bot()
        if replied.from_user is None or replied.from_user.id != bot.id:
            return  # a reply to someone else's message: a conversation among staff
        handoff = await self.question_log.handoff_at(message.chat_id, replied.message_id)
        if handoff is None:
            return  # another message of the bot's, or a hand-off that has ended
        if not message.text:
            await _tell_staff(message, self.staff.staff_text_only)
            return
        texts = handoff_texts(handoff.lang)
        framed = fill(texts.staff_answer, question=handoff.question)
        try:
            await send_reply(bot, handoff.chat_id, f"{framed}\n\n{escape(message.text)}")
        except Forbidden:
            # The candidate blocked the bot: nothing will ever reach them, so it ends here.
            await self.question_log.close_handoff(handoff.number)
            await _tell_staff(message, self.staff.staff_blocked)
            return
        except TelegramError as error:
            logger.warning("could not deliver hand-off %d: %s", handoff.number, error)
            await _tell_staff(message, self.staff.staff_not_delivered)
            return
        await self.question_log.close_handoff(handoff.number)
        kept = await self.question_log.keep_staff_answer(handoff, message.text)
        button = InlineKeyboardButton(
            self.staff.staff_add, callback_data=encode(AddToKnowledge(kept))
        )
        await _tell_staff(message, self.staff.staff_delivered, InlineKeyboardMarkup([[button]]))

    async def _add_to_knowledge(self, query: CallbackQuery, number: int) -> None:
        """Adds a kept staff answer to the knowledge as an FAQ entry, and reloads."""
        try:
            kept = await self.question_log.staff_answer(number)
        except StoreError as error:
            await answer_callback(query, self.staff.staff_not_added.format(problems=error)[:200])
            return
        if kept is None:
            await answer_callback(query, self.staff.staff_add_gone)
            return
        await answer_callback(query)
        author = admin_key_of(self.question_log, query.from_user.id)
        delivered = self.staff.staff_delivered
        # The entry's topic and keywords are read from the question; no posting: the programme.
        posting = kept.posting if kept.posting in self.knowledge.knowledge.postings else None
        try:
            added = await asyncio.to_thread(
                add_answer,
                self.knowledge,
                posting,
                kept.question,
                kept.answer,
                kept.lang,
                author=author,
            )
        except (EditRefused, OSError) as refused:
            found = refused.problems if isinstance(refused, EditRefused) else (str(refused),)
            problems = "; ".join(found[:MAX_PROBLEMS_SHOWN])
            not_added = self.staff.staff_not_added.format(problems=problems)
            await edit_text(query, f"{delivered}\n{not_added}", parse_mode=None)
            return
        # add_answer reloaded the knowledge: the entry is live at once.
        await self.question_log.drop_staff_answer(number)
        where = self._posting_name(posting, self.staff_lang)
        done = self.staff.staff_added.format(where=where, edit=added.edit.id)
        await edit_text(query, f"{delivered}\n{done}", parse_mode=None)

    # --- /forget ---

    async def withdraw(self, bot: Bot, chat_id: int) -> None:
        """Deletes the chat's hand-offs and replaces their staff messages with a notice."""
        self._open.pop(chat_id, None)
        for handoff in await self.question_log.withdraw_handoffs(chat_id):
            if handoff.staff_chat_id is None or handoff.staff_message_id is None:
                continue  # never sent: nothing to take back
            notice = escape(self.staff.staff_withdrawn.format(number=handoff.number))
            try:
                await bot.edit_message_text(
                    notice, chat_id=handoff.staff_chat_id, message_id=handoff.staff_message_id
                )
            except BadRequest as error:
                # Too old to edit, or deleted: say it below the message instead.
                logger.info("could not edit hand-off %d's message: %s", handoff.number, error)
                await _send_quietly(bot, handoff, notice)
            except TelegramError as error:
                logger.warning("could not withdraw hand-off %d: %s", handoff.number, error)


def _choice(handoff: Handoff, choice: str) -> str:
    return encode(ConfirmHandoff(handoff.number, choice))


def _cut(text: str) -> str:
    """The bot's answer as staff see it: at most MAX_ANSWER_SHOWN characters."""
    text = text.strip()
    if len(text) <= MAX_ANSWER_SHOWN:
        return text
    return text[: MAX_ANSWER_SHOWN - 1].rstrip() + ELLIPSIS


async def _tell_staff(
    message: Message, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """A one-line answer to a staff member's reply, quoting it."""
    await message.reply_text(text, parse_mode=None, do_quote=True, reply_markup=keyboard)


async def _send_quietly(bot: Bot, handoff: Handoff, text_html: str) -> None:
    assert handoff.staff_chat_id is not None and handoff.staff_message_id is not None
    try:
        await bot.send_message(
            handoff.staff_chat_id,
            text_html,
            reply_parameters=ReplyParameters(
                handoff.staff_message_id, allow_sending_without_reply=True
            ),
        )
    except TelegramError as error:
        logger.warning("could not tell staff hand-off %d was withdrawn: %s", handoff.number, error)
