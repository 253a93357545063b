"""The one place that tells PTB which handler gets which update, in which order.

Groups run in order and, within a group, only the first matching handler runs:

    -1  fair use: a user over the message limit stops here (ApplicationHandlerStop)
     0  the candidates' commands, /forget and its button, the admins' commands, then the
        catch-alls: unknown commands, questions, other messages, every other button

The handler classes (`BotHandlers`, `ForgetHandlers`, `AdminHandlers`, `FairUse`) hold
what their handlers share; this module only routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler

from bot.config import Settings
from bot.questionlog.interface import QuestionLog
from bot.serving import KnowledgeService
from bot.telegram import handlers as h
from bot.telegram.admin import AdminHandlers, CommandCallback, ReloadKnowledge
from bot.telegram.callbacks import is_forget_answer, is_inbox_action, is_rating
from bot.telegram.fair_use import FairUse
from bot.telegram.forget import ForgetHandlers
from bot.telegram.handlers import BotHandlers
from bot.telegram.menu import COMMANDS
from bot.telegram.rating import RatingHandlers
from bot.telegram.review import ReviewHandlers

FAIR_USE_GROUP = -1
# What the fair-use limit counts: every message some handler below would answer.
COUNTED = h.QUESTION | h.NON_TEXT | h.COMMAND


@dataclass(frozen=True, slots=True)
class TelegramHandlers:
    """Every handler class of the bot, built around the one question log."""

    candidate: BotHandlers
    forget: ForgetHandlers
    admin: AdminHandlers
    fair_use: FairUse
    rating: RatingHandlers
    review: ReviewHandlers


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any], bot: TelegramHandlers) -> None:
    """Registers every handler of the bot and its error handler."""
    app.add_handler(MessageHandler(COUNTED, bot.fair_use.check), group=FAIR_USE_GROUP)
    candidate = bot.candidate
    commands: dict[str, CommandCallback] = {
        "start": candidate.start,
        "postings": candidate.postings,
        "topics": candidate.topics,
        "check": candidate.check,
        "help": candidate.help,
        "language": candidate.language,
        "privacy": candidate.privacy,
        "forget": bot.forget.ask,
    }
    # The table in menu.py writes /help and the menu; it must name the same commands.
    assert set(commands) == {command.name for command in COMMANDS}
    for name, callback in (*commands.items(), *bot.admin.commands().items()):
        app.add_handler(CommandHandler(name, callback, filters=h.NEW_MESSAGE))
    app.add_handler(CallbackQueryHandler(bot.forget.confirm, pattern=is_forget_answer))
    app.add_handler(CallbackQueryHandler(bot.rating.rate, pattern=is_rating))
    app.add_handler(CallbackQueryHandler(bot.review.button, pattern=is_inbox_action))
    # Catch-alls last: only the first matching handler of a group runs.
    app.add_handler(MessageHandler(h.COMMAND, candidate.unknown_command))
    app.add_handler(MessageHandler(h.QUESTION, candidate.question))
    app.add_handler(MessageHandler(h.NON_TEXT, candidate.non_text))
    app.add_handler(CallbackQueryHandler(candidate.button))
    app.add_error_handler(candidate.error)


def build_handlers(
    settings: Settings,
    knowledge: KnowledgeService,
    question_log: QuestionLog,
    *,
    reload_knowledge: ReloadKnowledge,
) -> TelegramHandlers:
    """The handler classes, sharing one question log and one cache of chat states."""
    candidate = BotHandlers(knowledge, question_log, retention_days=settings.log_retention_days)
    review = ReviewHandlers(question_log, knowledge, admin_ids=settings.admin_user_ids)
    return TelegramHandlers(
        candidate=candidate,
        forget=ForgetHandlers(question_log, candidate.states, forgotten=candidate.forget_chat),
        admin=AdminHandlers(
            question_log,
            admin_ids=settings.admin_user_ids,
            unknown_command=candidate.unknown_command,
            reload_knowledge=reload_knowledge,
            inbox_keyboard=review.keyboard,
        ),
        fair_use=FairUse(
            candidate.states,
            limit=settings.fair_use_messages,
            window_seconds=settings.fair_use_window_seconds,
            exempt=settings.admin_user_ids,
        ),
        rating=RatingHandlers(question_log, candidate.states),
        review=review,
    )
