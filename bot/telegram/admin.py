"""The admins' commands in Telegram: /stats, /unanswered, /recent, /export and /reload.

`AdminHandlers` holds what they share (the question log, the admins' ids, the reload and
the unknown-command reply) in the style of `BotHandlers`; `bot.telegram.routing`
registers them. A command runs only for an admin in the admin's own private chat (whose
id is the admin's user id). Anyone else, a group, and a forged update with an admin as
sender and another chat get exactly what an unknown command gets: the log's questions
must reach no one else, whoever asks and wherever.

Replies are plain text (`parse_mode=None`; texts from `bot.questionlog.views`), so the
HTML defaults cannot break them. A bad argument gets the usage text. `ADMIN_COMMANDS`
lists the commands for the admins' command menu.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Coroutine, Sequence
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.questionlog import views as log_views
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError, UnansweredGrouping

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
CommandCallback = Callable[[Update, Context], Coroutine[Any, Any, None]]
ReloadKnowledge = Callable[[], Sequence[str] | Awaitable[Sequence[str]]]
# The buttons under an /unanswered list, in the admin's language (bot.telegram.review).
InboxKeyboard = Callable[[UnansweredGrouping, str | None], InlineKeyboardMarkup | None]
AdminCommand = Callable[["AdminHandlers", Update, Context], Coroutine[Any, Any, None]]

DEFAULT_DAYS = 30
MAX_DAYS = 3650
DEFAULT_RECENT = 10
MAX_RECENT = 50
MAX_PROBLEMS_SHOWN = 20
# ASCII digits only: "²" or "٣" count as digits for str.isdigit, and int() refuses some.
_NUMBER = re.compile(r"[0-9]{1,9}")

ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "Question-log figures [days]"),
    ("unanswered", "Questions the bot could not answer [days]"),
    ("recent", "Latest questions [n]"),
    ("export", "The question log as CSV [days]"),
    ("reload", "Validate and load the knowledge files"),
)


def is_admin_chat(update: Update, admin_ids: Collection[int]) -> bool:
    """Whether the update comes from an admin in the admin's own private chat."""
    user, chat = update.effective_user, update.effective_chat
    return (
        user is not None
        and user.id in admin_ids
        and chat is not None
        and chat.type == ChatType.PRIVATE
        and chat.id == user.id
        and update.effective_message is not None
    )


def admin_only(command: AdminCommand) -> AdminCommand:
    """Runs the command for an admin in the admin's private chat; anyone or anywhere else
    gets the unknown-command reply, and a log that cannot be read gets a plain message."""

    @functools.wraps(command)
    async def guarded(self: AdminHandlers, update: Update, context: Context) -> None:
        if not is_admin_chat(update, self.admin_ids):
            await self.unknown_command(update, context)
            return
        try:
            await command(self, update, context)
        except StoreError as error:
            logger.error("admin command failed on the question log: %s", error)
            await _send(update, f"The question log cannot be read: {error}")

    return guarded


class AdminHandlers:
    """The admins' command handlers and what they share."""

    def __init__(
        self,
        question_log: QuestionLog,
        *,
        admin_ids: Collection[int],
        unknown_command: CommandCallback,
        reload_knowledge: ReloadKnowledge,
        inbox_keyboard: InboxKeyboard | None = None,
    ) -> None:
        self.question_log = question_log
        self.admin_ids = frozenset(admin_ids)
        self.unknown_command = unknown_command
        self.reload_knowledge = reload_knowledge
        self.inbox_keyboard = inbox_keyboard

    def commands(self) -> dict[str, CommandCallback]:
        """Each admin command's name and handler, in the order of `ADMIN_COMMANDS`."""
        callbacks: dict[str, CommandCallback] = {
            "stats": self.stats,
            "unanswered": self.unanswered,
            "recent": self.recent,
            "export": self.export,
            "reload": self.reload,
        }
        return {name: callbacks[name] for name, _ in ADMIN_COMMANDS}

    @admin_only
    async def stats(self, update: Update, context: Context) -> None:
        """Sends the log's figures for the last [days] days."""
        days = _number(context.args, DEFAULT_DAYS, MAX_DAYS)
        if days is None:
            await _send(update, f"Usage: /stats [days], 1 to {MAX_DAYS}")
            return
        await _send(update, log_views.stats_message(await self.question_log.stats(days)))

    @admin_only
    async def unanswered(self, update: Update, context: Context) -> None:
        """Sends the last [days] days' unanswered questions, grouped, and what was left out,
        with buttons to add a group to a topic or dismiss it."""
        days = _number(context.args, DEFAULT_DAYS, MAX_DAYS)
        if days is None:
            await _send(update, f"Usage: /unanswered [days], 1 to {MAX_DAYS}")
            return
        grouping = await self.question_log.unanswered_grouping(days)
        user = update.effective_user
        lang = user.language_code if user else None
        markup = self.inbox_keyboard(grouping, lang) if self.inbox_keyboard else None
        await _send(update, log_views.unanswered_grouping_message(grouping, days), markup)

    @admin_only
    async def recent(self, update: Update, context: Context) -> None:
        """Sends the latest [n] records."""
        n = _number(context.args, DEFAULT_RECENT, MAX_RECENT)
        if n is None:
            await _send(update, f"Usage: /recent [n], 1 to {MAX_RECENT}")
            return
        await _send(update, log_views.recent_message(await self.question_log.recent(n)))

    @admin_only
    async def export(self, update: Update, context: Context) -> None:
        """Sends the log (of the last [days] days) as a CSV document."""
        days = _number(context.args, None, MAX_DAYS)
        if context.args and days is None:
            await _send(update, f"Usage: /export [days], 1 to {MAX_DAYS}")
            return
        rows = await self.question_log.export_rows(days)
        data = log_views.export_csv(rows).encode("utf-8")
        name = f"question-log-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
        message = update.effective_message
        assert message is not None  # checked by admin_only
        await message.reply_document(
            document=InputFile(data, filename=name),
            caption=f"{len(rows)} records",
            parse_mode=None,
        )

    @admin_only
    async def reload(self, update: Update, context: Context) -> None:
        """Validates and swaps the knowledge; reports the problems if it was refused."""
        result = self.reload_knowledge()
        problems = list(await result if inspect.isawaitable(result) else result)
        if not problems:
            await _send(update, "Knowledge reloaded.")
            return
        shown = problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"Knowledge not reloaded: {len(problems)} problem(s).", *shown]
        if len(problems) > len(shown):
            lines.append(f"... and {len(problems) - len(shown)} more (jpo-bot validate)")
        await _send(update, "\n".join(lines))


def _number(args: Sequence[str] | None, default: int | None, high: int) -> int | None:
    """The single optional numeric argument, or `default`; None when it is invalid."""
    if not args:
        return default
    if len(args) != 1 or not _NUMBER.fullmatch(args[0]):
        return None
    value = int(args[0])
    return value if 1 <= value <= high else None


async def _send(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Sends plain text, split under Telegram's length limit; buttons go under the last part."""
    message = update.effective_message
    if message is None:
        return
    parts = log_views.split_message(text)
    for number, part in enumerate(parts, start=1):
        buttons = markup if number == len(parts) else None
        await message.reply_text(part, parse_mode=None, reply_markup=buttons)
