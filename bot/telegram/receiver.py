"""Receiving Telegram updates: each is in the inbox before Telegram hears it arrived.

PTB's `run_polling` confirms updates as soon as it has fetched them, so a process killed
with a queue of fetched updates loses them. This module drives the application instead
(PTB's handlers, rate limiter, job queue and per-chat processor stay as they are):

- Polling: `getUpdates`, the batch stored in the inbox in one transaction, and only then
  the offset advanced past it, which is what confirms it to Telegram. A batch that
  cannot be stored is not confirmed: Telegram sends it again.
- Webhook: a small Tornado server answers 403 to a request without the secret token
  (nothing stored), stores the update, then answers 200; a failed store answers 503
  and Telegram retries.
- Start: what the inbox still holds is queued for the handlers before anything new,
  oldest first, so each chat's updates keep their order.

An update is marked done by the processor once its handlers finished (and in the
transaction of its question-log record, if it made one), so after a crash only the
updates being handled at that instant can be handled twice: see `ChatOrderedProcessor`
in `bot.telegram.app` and the README's "Operating it".

Faults: Telegram unreachable (at start or while polling) is retried with exponential
backoff, one log line per attempt, no traceback; a rejected token (`InvalidToken`)
propagates to `jpo-bot run`, which says so in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.questionlog.inbox import Inbox, InboxUpdate
from bot.questionlog.records import StoreError

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

POLL_TIMEOUT_SECONDS = 30  # long polling: Telegram holds getUpdates open this long
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class Backoff:
    """Exponential delays: 1 s, 2 s, 4 s ... up to a minute; `reset` after a success."""

    def __init__(
        self, first: float = BACKOFF_FIRST_SECONDS, most: float = BACKOFF_MAX_SECONDS
    ) -> None:
        self.first = first
        self.most = most
        self.attempt = 0

    def next(self) -> float:
        self.attempt += 1
        return float(min(self.most, self.first * 2 ** (self.attempt - 1)))

    def reset(self) -> None:
        self.attempt = 0


def to_inbox(update: Update) -> InboxUpdate:
    """The inbox's copy of an update: id, chat (for order) and JSON."""
    chat = update.effective_chat
    payload = json.dumps(update.to_dict())  # ASCII: a lone surrogate cannot break it
    return InboxUpdate(update.update_id, chat.id if chat is not None else None, payload)


class Receiver:
    """Stores incoming updates, then hands the new ones to the application's queue."""

    def __init__(
        self,
        app: Application,
        inbox: Inbox,
        stop: asyncio.Event,
        *,
        backoff_first: float = BACKOFF_FIRST_SECONDS,
    ) -> None:
        self.app = app
        self.inbox = inbox
        self.stop = stop
        self.backoff_first = backoff_first

    async def accept(self, updates: Sequence[Update]) -> None:
        """Stores the updates (one transaction), then queues those not seen before.

        Raises StoreError when they could not be stored: confirm none of them then.
        """
        new = await self.inbox.receive([to_inbox(update) for update in updates])
        for update in updates:
            if update.update_id in new:
                await self.app.update_queue.put(update)

    async def replay(self) -> int:
        """Queues what the inbox still holds from the last run, oldest first; returns
        how many were queued."""
        pending = await self.inbox.pending()
        queued = 0
        for item in pending:
            try:
                update = Update.de_json(json.loads(item.payload), self.app.bot)
            except Exception as error:  # unreadable: handling it again could never succeed
                logger.error("update %s from the last run unreadable (%r)", item.update_id, error)
                await self.inbox.done(item.update_id)
                continue
            await self.app.update_queue.put(update)
            queued += 1
        if queued:
            logger.info("handling %d update(s) left from the last run first", queued)
        return queued

    async def until_reachable(self, step: Callable[[], Awaitable[_T]], what: str) -> _T | None:
        """Runs `step` until Telegram answers it; None when stopped first.

        A rejected token is no network fault: InvalidToken propagates at once.
        """
        backoff = Backoff(self.backoff_first)
        while not self.stop.is_set():
            try:
                return await step()
            except InvalidToken:
                raise
            except TelegramError as error:
                await self._wait_after(error, backoff, what)
        return None

    async def poll(self) -> None:
        """Fetches, stores and confirms updates until stopped."""
        last = await self.inbox.last_update_id()
        offset = None if last is None else last + 1  # confirms what the inbox holds
        backoff = Backoff(self.backoff_first)
        while not self.stop.is_set():
            fetched = await self._unless_stopped(self._fetch(offset), backoff)
            if fetched is None:
                continue
            try:
                await self.accept(fetched)
            except StoreError as error:
                # Not confirmed: Telegram keeps the batch and sends it again.
                await self._wait_after(error, backoff, "storing incoming updates")
                continue
            backoff.reset()
            if fetched:
                offset = fetched[-1].update_id + 1

    async def _fetch(self, offset: int | None) -> tuple[Update, ...]:
        return await self.app.bot.get_updates(
            offset=offset,
            timeout=POLL_TIMEOUT_SECONDS,
            allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
        )

    async def _unless_stopped(
        self, fetch: Awaitable[tuple[Update, ...]], backoff: Backoff
    ) -> tuple[Update, ...] | None:
        """The fetched updates; None when stopped (the poll is dropped, nothing confirmed)
        or when Telegram could not be reached (after the backoff's wait)."""
        task = asyncio.ensure_future(fetch)
        stopped = asyncio.ensure_future(self.stop.wait())
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await task
            return None
        try:
            return task.result()
        except InvalidToken:
            raise
        except TelegramError as error:
            await self._wait_after(error, backoff, "fetching updates")
            return None

    async def _wait_after(self, error: Exception, backoff: Backoff, what: str) -> None:
        """One log line for a failed attempt, then the backoff's wait (cut short by stop)."""
        delay = backoff.next()
        if isinstance(error, RetryAfter):  # Telegram says how long: never sooner
            wait = error.retry_after
            delay = max(delay, wait if isinstance(wait, int) else wait.total_seconds())
        logger.warning(
            "%s failed (attempt %d: %s: %s); retrying in %.0f s",
            what,
            backoff.attempt,
            type(error).__name__,
            error,
            delay,
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), delay)

    async def serve_webhook(
        self, *, listen: str, port: int, url_path: str, webhook_url: str, secret_token: str
    ) -> None:
        """Serves the webhook until stopped; Telegram is told the URL and secret."""
        web = TornadoApplication(
            [(f"/{url_path}", WebhookHandler, {"receiver": self, "secret": secret_token})]
        )
        server = HTTPServer(web)
        server.listen(port, listen)
        try:
            told = await self.until_reachable(
                lambda: self.app.bot.set_webhook(
                    webhook_url,
                    secret_token=secret_token,
                    allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
                ),
                "setting the webhook",
            )
            if told is not None:
                await self.stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()


class WebhookHandler(RequestHandler):
    """Takes one update from Telegram: 403 without the secret, 200 once it is stored."""

    def initialize(self, receiver: Receiver, secret: str) -> None:
        self.receiver = receiver
        self.secret = secret.encode("utf-8")

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, self.secret):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self.receiver.app.bot)
        except Exception:  # anything malformed: Telegram would never send it
            self.set_status(400)
            return
        try:
            await self.receiver.accept([update])
        except StoreError as error:
            logger.error("webhook: could not store update %s (%s)", update.update_id, error)
            self.set_status(503)  # Telegram sends it again later
            return
        self.set_status(200)


async def serve(
    app: Application,
    inbox: Inbox,
    webhook: dict[str, Any] | None,
    *,
    stop: asyncio.Event | None = None,
    backoff_first: float = BACKOFF_FIRST_SECONDS,
) -> None:
    """Runs the application until SIGINT or SIGTERM (or `stop` is set): polling, or the
    webhook if given.

    Drives PTB's lifecycle as `run_polling` does (initialize, post_init, start; stop,
    post_shutdown, shutdown); updates in the queue at a stop are still handled.
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    receiver = Receiver(app, inbox, stop, backoff_first=backoff_first)
    try:
        if await receiver.until_reachable(_initialized(app), "connecting to Telegram") is None:
            return
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            await receiver.replay()
            if webhook is not None:
                await receiver.serve_webhook(**webhook)
            else:
                await receiver.until_reachable(app.bot.delete_webhook, "switching to polling")
                await receiver.poll()
        finally:
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await app.shutdown()


def _initialized(app: Application) -> Callable[[], Awaitable[bool]]:
    async def initialize() -> bool:
        await app.initialize()
        return True

    return initialize
