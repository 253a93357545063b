"""The buttons under `/unanswered`: add a group's wordings to a topic, or dismiss the group.

Each of the first `MAX_GROUPS_WITH_BUTTONS` groups of the list gets "Add as an example of
⟨suggested topic⟩" (when there is a suggestion), "Other topic…" (then one button per
topic) and "Dismiss". A button names its group by a short key (`bot.review.group_key`)
so its data stays under Telegram's 64 bytes; a press finds the group again in a fresh
grouping, so a list that is hours old still acts on what its buttons say, and a group
that is gone is said to be gone.

Adding writes `topics.yaml` through `bot.knowledge.editing` (journaled under the admin's
pseudonymous key), reloads the knowledge and replies with how the group's questions are
answered now. Only an admin in the admin's own private chat can press these buttons;
anyone else's press is answered like any stale button. Replies are plain text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.engine.conversation import Assistant
from bot.knowledge.editing import EditRefused
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError, UnansweredGroup, UnansweredGrouping
from bot.questionlog.views import split_message
from bot.review import Added, add_to_topic, dismiss, find_group, key_of, suggested_topic
from bot.serving import KnowledgeService
from bot.telegram.admin import MAX_DAYS, is_admin_chat
from bot.telegram.callbacks import InboxAction, decode, encode
from bot.texts import texts_for
from bot.texts.catalogue import InboxTexts

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE

MAX_GROUPS_WITH_BUTTONS = 5
TOPICS_PER_ROW = 2
MAX_PROBLEMS_SHOWN = 5


def admin_key_of(question_log: QuestionLog, user_id: int) -> str:
    """The admin's pseudonymous key for the edit journal (`keys.admin_key`), never the id."""
    return "admin-" + question_log.chat_key(f"admin:{user_id}")[:16]


def inbox_keyboard(
    grouping: UnansweredGrouping, assistant: Assistant, lang: str | None
) -> InlineKeyboardMarkup | None:
    """The buttons under an `/unanswered` list: a row or two per group, numbered like it."""
    texts = texts_for(lang).inbox
    rows: list[list[InlineKeyboardButton]] = []
    for number, group in enumerate(grouping.groups[:MAX_GROUPS_WITH_BUTTONS], start=1):
        key = key_of(group)
        topic = suggested_topic(group, assistant)
        if topic is not None:
            label = texts.add_example.format(topic=_title(assistant, topic, lang))
            data = encode(InboxAction("add", key, topic))
            rows.append([InlineKeyboardButton(f"{number} · {label}", callback_data=data)])
        rows.append(
            [
                InlineKeyboardButton(
                    f"{number} · {texts.other_topic}",
                    callback_data=encode(InboxAction("other", key)),
                ),
                InlineKeyboardButton(
                    f"{number} · {texts.dismiss}", callback_data=encode(InboxAction("dismiss", key))
                ),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


class ReviewHandlers:
    """The inbox buttons' handler and what it needs: the log, the knowledge, the admins."""

    def __init__(
        self,
        question_log: QuestionLog,
        knowledge: KnowledgeService,
        *,
        admin_ids: Collection[int],
    ) -> None:
        self.question_log = question_log
        self.knowledge = knowledge
        self.admin_ids = frozenset(admin_ids)

    def keyboard(
        self, grouping: UnansweredGrouping, lang: str | None
    ) -> InlineKeyboardMarkup | None:
        """The buttons for an `/unanswered` list (AdminHandlers' hook)."""
        return inbox_keyboard(grouping, self.knowledge.current, lang)

    async def button(self, update: Update, context: Context) -> None:
        """Acts on an inbox button: add to a topic, offer the topics, or dismiss."""
        query = update.callback_query
        if query is None:
            return
        user = update.effective_user
        lang = user.language_code if user else None
        texts = texts_for(lang).inbox
        action = decode(query.data)
        if not isinstance(action, InboxAction) or not is_admin_chat(update, self.admin_ids):
            # Callback queries need an answer even when nothing else happens.
            await query.answer(texts_for(lang).ui.stale_button_toast)
            return
        assert user is not None  # checked by is_admin_chat
        try:
            grouping = await self.question_log.unanswered_grouping(MAX_DAYS)
        except StoreError as error:
            logger.error("inbox button: the question log cannot be read: %s", error)
            await query.answer()
            await self._reply(update, f"The question log cannot be read: {error}")
            return
        group = find_group(grouping.groups, action.group)
        if group is None:
            await query.answer(texts.gone, show_alert=True)
            return
        await query.answer()
        author = admin_key_of(self.question_log, user.id)
        if action.kind == "dismiss":
            await dismiss(self.question_log, group, author=author)
            await self._reply(update, texts.dismissed)
        elif action.kind == "other" or action.topic is None:
            await self._offer_topics(update, action.group, lang, texts)
        else:
            await self._add(update, group, action.topic, author, lang, texts)

    async def _offer_topics(
        self, update: Update, key: str, lang: str | None, texts: InboxTexts
    ) -> None:
        assistant = self.knowledge.current
        buttons = [
            InlineKeyboardButton(
                _title(assistant, topic, lang),
                callback_data=encode(InboxAction("add", key, topic)),
            )
            for topic in assistant.kb.topics
        ]
        rows = [buttons[i : i + TOPICS_PER_ROW] for i in range(0, len(buttons), TOPICS_PER_ROW)]
        await self._reply(update, texts.pick_topic, InlineKeyboardMarkup(rows))

    async def _add(
        self,
        update: Update,
        group: UnansweredGroup,
        topic: str,
        author: str,
        lang: str | None,
        texts: InboxTexts,
    ) -> None:
        try:
            added = await asyncio.to_thread(
                add_to_topic, self.knowledge, group, topic, author=author
            )
        except EditRefused as refused:
            problems = list(refused.problems[:MAX_PROBLEMS_SHOWN])
            await self._reply(update, "\n".join([texts.refused, *problems]))
            return
        await dismiss(self.question_log, group, author=author)  # dealt with: out of the inbox
        await self._reply(
            update, _added_text(added, _title(self.knowledge.current, topic, lang), texts)
        )

    async def _reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        message = update.effective_message
        if message is None:
            return
        parts = split_message(text)
        for number, part in enumerate(parts, start=1):
            last = number == len(parts)
            await message.reply_text(part, parse_mode=None, reply_markup=markup if last else None)


def _added_text(added: Added, title: str, texts: InboxTexts) -> str:
    lines = [texts.added.format(topic=title, edit=added.edit.id)]
    if added.reload.outcome == "refused":
        lines.append(texts.not_reloaded)
    lines.append(texts.answered_now)
    for answer in added.answers:
        lines.append(
            texts.answer_line.format(
                wording=answer.wording,
                status=answer.status,
                topic=answer.topic or "-",
                score=f"{answer.score:.0f}",
            )
        )
    return "\n".join(lines)


def _title(assistant: Assistant, topic: str, lang: str | None) -> str:
    found = assistant.kb.topic(topic)
    return found.title.get(lang or "en") if found else topic
