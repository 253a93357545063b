"""The one place that builds the Telegram application and runs it.

`build_application` wires everything: Bot API address, HTML defaults, rate limiter,
per-chat ordered concurrency, handlers, error handler, command menu, knowledge reload,
the admin commands and the admins' daily digest. `run` starts it in polling or webhook mode through
`bot.telegram.receiver`, which stores every update in the inbox before Telegram is
told it arrived.

Lifecycle: PTB calls `post_init` and `post_shutdown` only from `run_polling` and
`run_webhook`; whoever drives the application by hand (`receiver.serve`, the tests)
calls them too.

The question log is opened once, before the application is built, by
`open_question_log`: a database that cannot be opened (locked, read-only, unwritable
folder, full disk) does not stop the bot: it logs one error and the bot answers with the
in-memory log (chat states in memory only). A missing or wrong key or secret does stop it
(`MissingSecretError`, `WrongKeyError`): writing under another key would make the log
unreadable or unforgettable. Whoever opens the log closes it; the application flushes it
at shutdown.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    BaseUpdateProcessor,
    ContextTypes,
    Defaults,
)

from bot.config import Settings
from bot.questionlog.interface import QuestionLog
from bot.questionlog.startup import open_question_log
from bot.serving import KnowledgeService
from bot.telegram.admin import ADMIN_COMMANDS
from bot.telegram.digest_job import schedule_digest
from bot.telegram.menu import UI_LANGS, menu_commands
from bot.telegram.receiver import serve
from bot.telegram.retention import schedule_retention
from bot.telegram.routing import add_handlers, build_handlers

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3  # AIORateLimiter retries a 429 only when told how often
# Updates handled at once (across chats; one chat's updates still run one by one). Telegram
# accepts about 30 messages a second, so more gains nothing and costs: httpx's pool
# scans every connection for each request, which grows costly with hundreds of them.
MAX_CONCURRENT_UPDATES = 16
# Each update awaits one Bot API call at a time, so this many connections never run dry
# (a request that waits over 1 s for a free connection fails with "Pool timeout").
CONNECTION_POOL_SIZE = MAX_CONCURRENT_UPDATES + 4
# How long a handled update waits for its done mark to be written: a slow or failing
# database must not stall the bot (the update is then handled again after a crash).
DONE_WAIT_SECONDS = 5.0
RELOAD_JOB = "knowledge-reload"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


# --- per-chat ordering ---


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently and those of one chat in arrival order.

    Full concurrency would let "choose posting X" and the question after it race on the
    chat's state; no concurrency would make every chat wait for every other.

    Once an update's handlers have finished, `done` marks it handled in the inbox and
    the update keeps its slot until that mark is written. So the updates whose reply may
    have gone out while their mark is not yet stored are at most the ones holding a slot,
    `max_concurrent_updates`: after a crash, only they can be handled (answered) twice.
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self.done: Callable[[int], Awaitable[None]] | None = None  # set by build_application

    async def initialize(self) -> None:
        """Needs no resources."""

    async def shutdown(self) -> None:
        """Needs no resources."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Awaits the update's handlers once earlier updates of its chat are done, then
        marks it done (a handler's error was already handled by the error handler)."""
        await self._in_chat_order(update, coroutine)
        if self.done is not None and isinstance(update, Update):
            try:
                await asyncio.wait_for(self.done(update.update_id), DONE_WAIT_SECONDS)
            except Exception as error:  # a failing log: the update is handled again at start
                logger.warning("update %s not marked done: %r", update.update_id, error)

    async def _in_chat_order(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        # asyncio.Lock wakes waiters first come, first served: arrival order is kept.
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[chat.id] -= 1
            if not self._waiting[chat.id]:
                del self._waiting[chat.id]
                del self._locks[chat.id]


# --- logging hygiene ---


class RedactToken(logging.Filter):
    """Replaces the bot token in any log line; PTB and httpx put it in URLs.

    Added to a handler, it runs before the handler formats the record, so it redacts the
    message (after filling in its arguments), the traceback and the stack. The traceback
    is formatted here, redacted into `exc_text`, and `exc_info` is dropped: formatters
    print `exc_text` as it is, and no one can format the exception's own text again.
    """

    REPLACEMENT = "<token>"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit: the handler reports that itself
            return True
        if self.token in message:
            record.msg = self.redact(message)
            record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        return text.replace(self.token, self.REPLACEMENT)


def redact_uncaught(token: str) -> None:
    """Makes an uncaught exception (any thread) print one redacted line, no traceback.

    `jpo-bot run` catches what it expects; this is the last line of defence, so that no
    path prints the token (PTB's InvalidToken carries it in its message).
    """
    redactor = RedactToken(token)

    def one_line(kind: type[BaseException], error: BaseException, *_: object) -> None:
        text = redactor.redact(f"{kind.__name__}: {error}")
        print(f"jpo-bot: stopped by an unexpected error: {text}", file=sys.stderr)

    sys.excepthook = one_line
    threading.excepthook = lambda args: one_line(args.exc_type, args.exc_value or Exception())


def quiet_http_logs() -> None:
    """Turns down the loggers that would print request URLs (with the token) or user texts."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # At DEBUG, PTB logs each update's content and aiosqlite each statement's parameters:
    # user messages have no place in the log.
    for name in ("telegram", "aiosqlite"):
        logger_ = logging.getLogger(name)
        if logger_.getEffectiveLevel() < logging.INFO:
            logger_.setLevel(logging.INFO)
    # The scheduler logs every run of the reload job at INFO, i.e. every few seconds.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # The webhook server logs every request at INFO; refused ones (403) at WARNING stay.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)


# --- the builder ---


def build_application(
    settings: Settings,
    *,
    knowledge: KnowledgeService,
    question_log: QuestionLog,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    read_timeout: float | None = None,
    update_processor: ChatOrderedProcessor | None = None,
) -> Application:
    """Builds the bot.

    `question_log`: the open log (`open_question_log`) the caller owns and closes; the
    application flushes it at shutdown. `rate_limiter` defaults to
    Telegram's limits with retries on 429 (tests and benchmarks relax the limits).
    `read_timeout` overrides PTB's 5 s wait for a Bot API reply. `update_processor`
    replaces the default per-chat ordered one (the benchmark's subclass times updates).
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    quiet_http_logs()
    token = settings.telegram_bot_token.get_secret_value()
    processor = update_processor or ChatOrderedProcessor()
    processor.done = question_log.inbox.done
    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(processor)
        .connection_pool_size(CONNECTION_POOL_SIZE)
    )
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
    if read_timeout is not None:
        builder = builder.read_timeout(read_timeout)
    lifecycle = _Lifecycle(settings, knowledge, question_log)
    builder = builder.post_init(lifecycle.post_init).post_shutdown(lifecycle.post_shutdown)
    app = builder.build()
    lifecycle.register(app)
    return app


class _Lifecycle:
    """Wires handlers and jobs around the one question log; flushes the log at shutdown."""

    def __init__(
        self, settings: Settings, knowledge: KnowledgeService, question_log: QuestionLog
    ) -> None:
        self.settings = settings
        self.knowledge = knowledge
        self.question_log = question_log

    def register(self, app: Application) -> None:
        """Adds handlers and jobs."""
        add_handlers(
            app,
            build_handlers(
                self.settings,
                self.knowledge,
                self.question_log,
                reload_knowledge=self._reload_now,
            ),
        )
        if app.job_queue is not None:
            interval = self.settings.reload_interval_seconds
            app.job_queue.run_repeating(
                self._reload_if_changed, interval=interval, first=interval, name=RELOAD_JOB
            )
            schedule_retention(app.job_queue, self.question_log, self.settings.log_retention_days)
            schedule_digest(
                app.job_queue,
                self.question_log,
                hour=self.settings.digest_hour,
                zone=self.settings.digest_zone,
                admin_ids=self.settings.admin_user_ids,
            )

    async def _reload_if_changed(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Picks up edited knowledge files (the repeating job); the service logs the outcome."""
        await self.knowledge.reload_if_changed_async()

    async def _reload_now(self) -> list[str]:
        """An admin's /reload: the problems that refused it (empty: served, or unchanged)."""
        return list((await self.knowledge.reload_async()).problems)

    async def post_init(self, app: Application) -> None:
        """Registers the command menus."""
        await register_commands(app, self.settings.admin_user_ids)

    async def post_shutdown(self, app: Application) -> None:
        """Writes the queued log records (the log's owner closes it)."""
        await self.question_log.flush()


async def register_commands(
    app: Application,
    admin_ids: Iterable[int] = (),
) -> None:
    """Registers the command menu in every catalogue language (English is the default)
    from one table; admins' private chats get the admin commands as well."""
    for lang in UI_LANGS:
        commands = [BotCommand(name, description) for name, description in menu_commands(lang)]
        # English is also the menu of every language without its own.
        await _set_commands(app, commands, language_code=None if lang == "en" else lang)
    admin_menu = [BotCommand(name, text) for name, text in (*menu_commands("en"), *ADMIN_COMMANDS)]
    for admin_id in admin_ids:
        await _set_commands(app, admin_menu, scope=BotCommandScopeChat(admin_id))


async def _set_commands(
    app: Application,
    commands: list[BotCommand],
    **options: Any,
) -> None:
    try:
        await app.bot.set_my_commands(commands, **options)
    except TelegramError as error:
        # A missing menu is cosmetic (an admin who never opened the bot has no chat yet);
        # the bot must start anyway. The scope's kind only: a chat scope holds a user id.
        scope = options.get("scope")
        logger.warning(
            "could not register a command menu (scope %s, language %s): %s",
            scope.type if scope is not None else "default",
            options.get("language_code") or "default",
            error,
        )


# --- running ---


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Where the webhook server listens and what Telegram is told, from the settings."""
    if not settings.webhook_url or settings.webhook_secret_token is None:
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET_TOKEN")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        # The server answers on the URL's path; a proxy in front may map the host.
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        # PTB's webhook server answers 403 to a request without this header value.
        "secret_token": settings.webhook_secret_token.get_secret_value(),
    }


def run(settings: Settings) -> None:
    """Runs the bot until interrupted: webhook mode when WEBHOOK_URL is set, else polling."""
    # A long-running process needs timestamps in its log; the CLI's format has none.
    logging.basicConfig(level=settings.log_level, format=LOG_FORMAT, force=True)
    if settings.telegram_bot_token is not None:
        redactor = RedactToken(settings.telegram_bot_token.get_secret_value())
        for handler in logging.getLogger().handlers:
            handler.addFilter(redactor)
    knowledge = KnowledgeService.load(settings.knowledge_dir)
    logger.info("knowledge version %s loaded", knowledge.version)
    # PTB runs on the current event loop; the log's writer task must live on that loop,
    # so the log is opened on it first and closed on it after PTB has shut down.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        question_log = loop.run_until_complete(open_question_log(settings))
        try:
            app = build_application(settings, knowledge=knowledge, question_log=question_log)
            webhook = webhook_options(settings) if settings.webhook_url else None
            if webhook is not None:
                logger.info("webhook mode on %s:%s", webhook["listen"], webhook["port"])
            else:
                logger.info("polling mode")
            loop.run_until_complete(serve(app, question_log.inbox, webhook))
        finally:
            loop.run_until_complete(question_log.close())
    finally:
        loop.close()
