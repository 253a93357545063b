"""The admins' commands in Telegram, the /forget flow and the daily retention job.

Wiring (`bot.telegram.app` does it in `_Lifecycle.register`, with the one question
log opened before the application is built)::

    app.add_handlers(
        admin_handlers(
            settings=settings,
            question_log=question_log,  # the SQLite store or the in-memory log, never None
            unknown_command=bot.unknown_command,  # the generic "unknown command" reply
            reload_knowledge=reload_knowledge,  # () -> list[str] ("file:line:col: message")
        )
    )
    app.add_handlers(forget_handlers(question_log=question_log))
    # ...then the catch-all MessageHandler(filters.COMMAND, unknown_command), and any
    # catch-all CallbackQueryHandler, in the same group after these (or a later group).
    schedule_retention(app.job_queue, question_log, settings.log_retention_days)

For anyone not in ADMIN_USER_IDS, and for everyone outside a private
chat, the admin commands call `unknown_command(update, context)` and nothing else, so
the reply is exactly the one an unknown command gets: the log's questions must never
reach a group, whoever asks. Admin replies are plain text sent with
`parse_mode=None` (texts from `bot.questionlog.views`), so `Defaults(parse_mode=HTML)` cannot
break them. `/forget` works in private chats, deletes the records logged under
`update.effective_chat.id`, and its own command and button should not be logged.
`ADMIN_COMMANDS` lists the commands for an admin-scoped command menu.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    JobQueue,
    filters,
)

from bot.config import Settings
from bot.engine.state import ChatState, language_of
from bot.questionlog import views as log_views
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError
from bot.telegram.messages import answer_callback
from bot.texts import ForgetTexts, forget_texts

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
CommandCallback = Callable[[Update, Context], Coroutine[Any, Any, Any]]
ReloadKnowledge = Callable[[], Sequence[str] | Awaitable[Sequence[str]]]

DEFAULT_DAYS = 30
MAX_DAYS = 3650
DEFAULT_RECENT = 10
MAX_RECENT = 50
MAX_PROBLEMS_SHOWN = 20
FORGET_YES = "v1:forget:yes"
FORGET_NO = "v1:forget:no"
FORGET_PATTERN = r"^v1:forget:(yes|no)$"
RETENTION_JOB = "question-log-retention"
RETENTION_TIME = time(3, 30, tzinfo=UTC)
NEW_MESSAGE = filters.UpdateType.MESSAGE
"""Edited messages fall through to the generic handlers, as for every other command."""

ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("stats", "Question-log figures [days]"),
    ("unanswered", "Questions the bot could not answer [days]"),
    ("recent", "Latest questions [n]"),
    ("export", "The question log as CSV [days]"),
    ("reload", "Validate and load the knowledge files"),
)


# --- admin commands ---------------------------------------------------------------------


def admin_handlers(
    *,
    settings: Settings,
    question_log: QuestionLog,
    unknown_command: CommandCallback,
    reload_knowledge: ReloadKnowledge,
) -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of /stats, /unanswered, /recent, /export and /reload (admins only)."""
    admins = settings.admin_user_ids

    def admin_only(command: CommandCallback) -> CommandCallback:
        async def guarded(update: Update, context: Context) -> None:
            """Runs the command for an admin in a private chat; anyone or anywhere else
            gets the unknown-command reply."""
            user, chat = update.effective_user, update.effective_chat
            if (
                user is None
                or user.id not in admins
                or chat is None
                or chat.type != ChatType.PRIVATE
                or update.effective_message is None
            ):
                await unknown_command(update, context)
                return
            try:
                await command(update, context)
            except StoreError as error:
                logger.error("admin command failed on the question log: %s", error)
                await _send(update, f"The question log cannot be read: {error}")

        return guarded

    async def stats(update: Update, context: Context) -> None:
        """Sends the log's figures for the last [days] days."""
        days = _number(context.args, DEFAULT_DAYS, MAX_DAYS)
        if days is None:
            await _send(update, f"Usage: /stats [days], 1 to {MAX_DAYS}")
            return
        await _send(update, log_views.stats_message(await question_log.stats(days)))

    async def unanswered(update: Update, context: Context) -> None:
        """Sends the unanswered questions of the last [days] days, grouped by wording."""
        days = _number(context.args, DEFAULT_DAYS, MAX_DAYS)
        if days is None:
            await _send(update, f"Usage: /unanswered [days], 1 to {MAX_DAYS}")
            return
        groups = await question_log.unanswered(days)
        await _send(update, log_views.unanswered_message(groups, days))

    async def recent(update: Update, context: Context) -> None:
        """Sends the latest [n] records."""
        n = _number(context.args, DEFAULT_RECENT, MAX_RECENT)
        if n is None:
            await _send(update, f"Usage: /recent [n], 1 to {MAX_RECENT}")
            return
        await _send(update, log_views.recent_message(await question_log.recent(n)))

    async def export(update: Update, context: Context) -> None:
        """Sends the log (of the last [days] days) as a CSV document."""
        days = _number(context.args, None, MAX_DAYS) if context.args else None
        if context.args and days is None:
            await _send(update, f"Usage: /export [days], 1 to {MAX_DAYS}")
            return
        rows = await question_log.export_rows(days)
        data = log_views.export_csv(rows).encode("utf-8")
        name = f"question-log-{datetime.now(UTC):%Y%m%d-%H%M}.csv"
        message = update.effective_message
        assert message is not None  # checked by admin_only
        await message.reply_document(
            document=InputFile(data, filename=name),
            caption=f"{len(rows)} records",
            parse_mode=None,
        )

    async def reload(update: Update, context: Context) -> None:
        """Validates and swaps the knowledge; reports the problems if it was refused."""
        result = reload_knowledge()
        problems = list(await result if inspect.isawaitable(result) else result)
        if not problems:
            await _send(update, "Knowledge reloaded.")
            return
        shown = problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"Knowledge not reloaded: {len(problems)} problem(s).", *shown]
        if len(problems) > len(shown):
            lines.append(f"... and {len(problems) - len(shown)} more (jpo-bot validate)")
        await _send(update, "\n".join(lines))

    commands = {
        "stats": stats,
        "unanswered": unanswered,
        "recent": recent,
        "export": export,
        "reload": reload,
    }
    assert set(commands) == {name for name, _ in ADMIN_COMMANDS}
    return [
        CommandHandler(name, admin_only(callback), filters=NEW_MESSAGE)
        for name, callback in commands.items()
    ]


def _number(args: Sequence[str] | None, default: int | None, high: int) -> int | None:
    """The single optional numeric argument, or `default`; None when it is invalid."""
    if not args:
        return default
    if len(args) != 1 or not args[0].isdigit():
        return None
    value = int(args[0])
    return value if 1 <= value <= high else None


async def _send(update: Update, text: str) -> None:
    """Sends plain text, split under Telegram's length limit."""
    message = update.effective_message
    if message is None:
        return
    for part in log_views.split_message(text):
        await message.reply_text(part, parse_mode=None)


# --- /forget ----------------------------------------------------------------------------


def forget_handlers(*, question_log: QuestionLog) -> list[BaseHandler[Any, Any, Any]]:
    """/forget asks for confirmation with two buttons; "yes" deletes the chat's records."""

    async def texts_for(update: Update) -> ForgetTexts:
        chat = update.effective_chat
        lang: str | None = None
        if chat is not None:
            try:
                saved = await question_log.load_chat_state(chat.id)
            except StoreError:
                saved = None
            lang = ChatState.from_json(saved).lang if saved is not None else None
        if lang is None:
            user = update.effective_user
            lang = language_of(user.language_code if user else None)
        return forget_texts(lang)

    async def ask(update: Update, context: Context) -> None:
        """Asks whether to delete the chat's stored data."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        texts = await texts_for(update)
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

    async def confirm(update: Update, context: Context) -> None:
        """Deletes the chat's records on "yes", keeps them on "no"."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        # Answer at once: the client shows a spinner until the query is answered. A late or
        # failed answer is logged there and must not stop the deletion the user asked for.
        await answer_callback(query)
        texts = await texts_for(update)
        if query.data != FORGET_YES or chat.type != ChatType.PRIVATE:
            await _edit(query, texts.kept)
            return
        try:
            deleted = await question_log.forget(chat.id)
        except StoreError:
            await _edit(query, texts.failed)
            return
        await _edit(query, texts.done.format(n=deleted))

    return [
        CommandHandler("forget", ask, filters=NEW_MESSAGE),
        CallbackQueryHandler(confirm, pattern=FORGET_PATTERN),
    ]


async def _edit(query: CallbackQuery, text: str) -> None:
    """Replaces the question (and its buttons) with the outcome; a double tap is harmless."""
    try:
        await query.edit_message_text(text, parse_mode=None)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


# --- retention --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Retention:
    question_log: QuestionLog
    days: int


def schedule_retention(
    job_queue: JobQueue[Any],
    question_log: QuestionLog,
    days: int,
    *,
    at: time = RETENTION_TIME,
    first_after: float = 60.0,
) -> None:
    """Deletes records older than `days` every day at `at`, and once `first_after` s from now."""
    data = _Retention(question_log, days)
    job_queue.run_daily(purge_old_records, time=at, data=data, name=RETENTION_JOB)
    job_queue.run_once(purge_old_records, when=first_after, data=data, name=RETENTION_JOB)


async def purge_old_records(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Deletes the question-log records older than the retention period."""
    job = context.job
    if job is None or not isinstance(job.data, _Retention):
        return
    retention = job.data
    try:
        deleted = await retention.question_log.purge_older_than(retention.days)
    except StoreError as error:
        logger.error("question log retention (%d days) failed: %s", retention.days, error)
        return
    logger.info(
        "question log retention: deleted %d record(s) older than %d days", deleted, retention.days
    )
