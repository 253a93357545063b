"""A fake Telegram Bot API server on 127.0.0.1 that checks requests as Telegram does.

The bot under test talks real HTTP to it (PTB's `base_url`), so the whole network path
runs. The fake:

- serves `getUpdates` (long polling) from a queue the test fills with scripted users'
  messages, commands, button presses, stickers and group messages;
- answers `sendMessage`, `editMessageText`, `answerCallbackQuery`, `setMyCommands` and
  the other calls the bot makes, and rejects what Telegram rejects: HTML it cannot parse,
  text over 4096 characters after parsing, callback data over 64 bytes, a malformed
  keyboard, an unknown chat, an edit that changes nothing, a callback answered twice;
- records every call, and can be told to fail the next calls of a method with 429
  (with `retry_after`), 502, or to reply slowly;
- lets a test await events ("3 messages sent to chat 7") instead of sleeping;
- holds users who have blocked the bot (`block`: sending to them answers 403, as
  Telegram does).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

BOT_ID = 700000001
BOT_USERNAME = "jpo_test_bot"
TOKEN = f"{BOT_ID}:AAtest-token-for-the-fake-server-only"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_BUTTONS_PER_ROW = 8
MAX_BUTTONS = 100
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
MAX_LONG_POLL_SECONDS = 0.25  # stopping waits for the open poll: keep it short in tests

# Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
SUPPORTED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})
BLOCKED = "Forbidden: bot was blocked by the user"

# Parameters PTB sends JSON-encoded inside the form body.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "link_preview_options",
        "reply_parameters",
    }
)
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class ApiError(Exception):
    """A Bot API error reply: HTTP status and Telegram's description."""

    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


# --- Telegram's HTML, as strictly as Telegram parses it ---


class _TelegramHtml(HTMLParser):
    """Parses a text the way Telegram's HTML parse mode does; records the first error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.error: str | None = None

    def _fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SUPPORTED_TAGS:
            self._fail(f'Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._fail(f'Unsupported start tag "{tag}/"')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self._fail(f'Unexpected end tag "{tag}"')
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        # html.parser lets a lone `<` or `&` through as text; Telegram does not.
        if "<" in data:
            self._fail('Unsupported start tag "" ("<" must be written as &lt;)')
        if "&" in data:
            self._fail('Unsupported HTML entity ("&" must be written as &amp;)')
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self._fail(f'Unsupported HTML entity "&{name};"')
        self.text.append(unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        self._fail("Unsupported HTML comment")

    def handle_decl(self, decl: str) -> None:
        self._fail("Unsupported HTML declaration")


def parse_html(text: str) -> str:
    """The visible text of a Telegram HTML message; raises ApiError like Telegram."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error is not None:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.error}")
    return "".join(parser.text)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# --- records ---


@dataclass
class ApiCall:
    """One request the bot made, and how the fake answered it."""

    method: str
    params: dict[str, Any]
    status: int
    at: float


@dataclass
class SentMessage:
    """A message in a chat, as the fake stores it (bot's or user's)."""

    chat_id: int
    message_id: int
    text: str  # visible text, after HTML parsing
    html: str  # as sent
    reply_markup: dict[str, Any] | None
    raw: dict[str, Any]  # the Message object as the Bot API returns it
    from_bot: bool = True

    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons, row after row."""
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup.get("inline_keyboard", []) for button in row]

    def button_labels(self) -> list[str]:
        return [button["text"] for button in self.buttons()]


@dataclass
class FakeUser:
    """A scripted Telegram user; `chat_id` is their private chat with the bot."""

    id: int
    first_name: str
    language_code: str | None

    @property
    def chat_id(self) -> int:
        return self.id

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeGroup:
    """A group chat the bot is a member of."""

    id: int
    title: str


@dataclass
class _Failure:
    status: int | None
    retry_after: int
    delay: float
    remaining: int


@dataclass
class _Chat:
    id: int
    json: dict[str, Any]
    next_message_id: itertools.count = field(default_factory=lambda: itertools.count(1))


# --- the server ---


class FakeBotApi:
    """The fake Bot API server; use `async with FakeBotApi() as api:`."""

    def __init__(self) -> None:
        self.token = TOKEN
        self.calls: list[ApiCall] = []
        self.messages: dict[tuple[int, int], SentMessage] = {}
        self.sent: list[SentMessage] = []  # successful sendMessage results, in order
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self._chats: dict[int, _Chat] = {}
        self._blocked: set[int] = set()  # private chats whose user has blocked the bot
        self._open_callbacks: set[str] = set()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._failures: dict[str, list[_Failure]] = {}
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # lifecycle

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Starts listening on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """What the bot uses as `TELEGRAM_BASE_URL`; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    # failure injection

    def fail_next(self, method: str, status: int, *, times: int = 1, retry_after: int = 1) -> None:
        """Makes the next `times` calls of `method` fail with `status` (e.g. 429, 502)."""
        self._failures.setdefault(method, []).append(_Failure(status, retry_after, 0.0, times))

    def slow_next(self, method: str, delay: float, *, times: int = 1) -> None:
        """Makes the next `times` calls of `method` succeed, but only after `delay` seconds."""
        self._failures.setdefault(method, []).append(_Failure(None, 0, delay, times))

    def expire_callback(self, query_id: str) -> None:
        """Gives up on an unanswered button press, as Telegram does after some seconds
        (for a test in which the bot's answer failed on purpose)."""
        self._open_callbacks.discard(query_id)

    # chats and users

    def user(
        self, user_id: int, first_name: str = "Ana", language_code: str | None = "en"
    ) -> FakeUser:
        """A user who has opened a private chat with the bot."""
        user = FakeUser(user_id, first_name, language_code)
        self._chats[user_id] = _Chat(
            user_id, {"id": user_id, "type": "private", "first_name": first_name}
        )
        return user

    def group(self, chat_id: int, title: str = "JPO candidates") -> FakeGroup:
        """A group the bot has been added to (group ids are negative)."""
        assert chat_id < 0, "group chat ids are negative"
        self._chats[chat_id] = _Chat(chat_id, {"id": chat_id, "type": "group", "title": title})
        return FakeGroup(chat_id, title)

    def block(self, user: FakeUser) -> None:
        """The user blocks the bot: whatever it sends to their chat fails with 403."""
        self._blocked.add(user.chat_id)

    # scripted updates

    def send_text(
        self,
        user: FakeUser,
        text: str,
        *,
        chat: FakeGroup | FakeUser | None = None,
        reply_to: SentMessage | None = None,
    ) -> SentMessage:
        """The user sends a text (a command when it starts with `/`, mentions marked).

        `chat` another user's private chat forges an update Telegram would never send:
        this user as sender, someone else's chat as the chat.
        """
        extra: dict[str, Any] = {"text": text}
        entities = _entities(text)
        if entities:
            extra["entities"] = entities
        if reply_to is not None:
            extra["reply_to_message"] = reply_to.raw
        return self._push_message(user, chat, extra, text)

    def send_sticker(self, user: FakeUser, *, chat: FakeGroup | None = None) -> SentMessage:
        sticker = {
            "file_id": "CAACAgI-sticker",
            "file_unique_id": "AgAD-sticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        return self._push_message(user, chat, {"sticker": sticker}, "")

    def send_photo(self, user: FakeUser, *, chat: FakeGroup | None = None) -> SentMessage:
        photo = [
            {"file_id": "AgACAgI-photo", "file_unique_id": "AQAD-photo", "width": 90, "height": 90}
        ]
        return self._push_message(user, chat, {"photo": photo}, "")

    def send_voice(self, user: FakeUser, *, chat: FakeGroup | None = None) -> SentMessage:
        voice = {"file_id": "AwACAgI-voice", "file_unique_id": "AgAD-voice", "duration": 3}
        return self._push_message(user, chat, {"voice": voice}, "")

    def send_document(self, user: FakeUser, *, chat: FakeGroup | None = None) -> SentMessage:
        document = {"file_id": "BQACAgI-doc", "file_unique_id": "AgAD-doc", "file_name": "cv.pdf"}
        return self._push_message(user, chat, {"document": document}, "")

    def press(
        self,
        user: FakeUser,
        message: SentMessage,
        label: str | None = None,
        *,
        data: str | None = None,
    ) -> str:
        """The user taps the button labelled `label` (or sends forged `data`); returns its id."""
        if data is None:
            matching = [b for b in message.buttons() if b["text"] == label]
            assert matching, f"no button {label!r} on message; buttons: {message.button_labels()}"
            data = matching[0]["callback_data"]
        query_id = str(next(self._callback_ids))
        self._open_callbacks.add(query_id)
        current = self.messages.get((message.chat_id, message.message_id), message)
        self._push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.as_json(),
                    "message": current.raw,
                    "chat_instance": f"ci-{message.chat_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def _push_message(
        self, user: FakeUser, chat: FakeGroup | FakeUser | None, extra: dict[str, Any], text: str
    ) -> SentMessage:
        chat_id = chat.id if isinstance(chat, FakeGroup) else (chat or user).chat_id
        record = self._chats[chat_id]
        message_id = next(record.next_message_id)
        raw = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": record.json,
            "from": user.as_json(),
            **extra,
        }
        message = SentMessage(chat_id, message_id, text, text, None, raw, from_bot=False)
        self.messages[(chat_id, message_id)] = message
        self._push_update({"message": raw})
        return message

    def _push_update(self, body: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **body})
        self._notify()

    # observing

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to a chat, in order."""
        return [message for message in self.sent if message.chat_id == chat_id]

    def calls_to(self, method: str, *, status: int | None = None) -> list[ApiCall]:
        return [
            c for c in self.calls if c.method == method and (status is None or c.status == status)
        ]

    def errors(self) -> list[ApiCall]:
        """Calls the fake rejected as Telegram would (not counting injected failures)."""
        return [c for c in self.calls if c.status == 400]

    @property
    def unanswered_callbacks(self) -> set[str]:
        """Ids of button presses the bot has not answered (Telegram shows a spinner)."""
        return set(self._open_callbacks)

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Waits until `predicate()` holds, re-checking after every call the bot makes."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            changed = self._changed
            if predicate():
                return
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout:.1f} s")
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                continue

    async def wait_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Waits until the bot has sent at least `count` messages to the chat; returns them."""
        try:
            await self.wait_for(lambda: len(self.messages_to(chat_id)) >= count, timeout)
        except TimeoutError:
            texts = [m.text[:60] for m in self.messages_to(chat_id)]
            raise TimeoutError(f"chat {chat_id}: wanted {count} messages, got {texts}") from None
        return self.messages_to(chat_id)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # the HTTP side

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _read_params(request)
        failure = self._take_failure(method)
        status = 200
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if failure is not None and failure.delay:
                await asyncio.sleep(failure.delay)
            if failure is not None and failure.status == 429:
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {failure.retry_after}",
                    retry_after=failure.retry_after,
                )
            if failure is not None and failure.status is not None:
                status = failure.status
                return web.Response(
                    status=status, text=_NGINX_PAGE % status, content_type="text/html"
                )
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            result = await handler(params)
            return web.json_response({"ok": True, "result": result})
        except ApiError as error:
            status = error.status
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.status,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            return web.json_response(body, status=error.status)
        finally:
            if method != "getUpdates":
                self.calls.append(ApiCall(method, params, status, time.monotonic()))
                self._notify()

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    # Bot API methods

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "JPO Assistant",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if url and not url.startswith(("https://", "http://127.0.0.1")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.webhook = params
        return True

    def pop_updates(self) -> list[dict[str, Any]]:
        """Takes the queued updates, for a test that delivers them by webhook."""
        updates, self._updates = self._updates, []
        return updates

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), MAX_LONG_POLL_SECONDS)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and timeout > 0:
            with contextlib.suppress(TimeoutError):
                await self.wait_for(lambda: bool(self._updates), timeout)
        return self._updates[:limit]

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {}
        if "chat_id" in scope:
            self._chat({"chat_id": scope["chat_id"]})
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 commands")
        for command in commands:
            name = command.get("command", "")
            description = command.get("description", "")
            if not _COMMAND_NAME.match(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[_scope_key(params)] = commands
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(_scope_key(params), [])

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(_scope_key(params), None)
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        if chat.id in self._blocked:
            raise ApiError(403, BLOCKED)
        text_html = str(params.get("text", ""))
        visible = _visible_text(text_html, params.get("parse_mode"))
        markup = _checked_markup(params.get("reply_markup"))
        message_id = next(chat.next_message_id)
        raw: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.json,
            "from": await self._api_getMe({}),
            "text": visible,
        }
        if markup is not None:
            raw["reply_markup"] = markup
        message = SentMessage(chat.id, message_id, visible, text_html, markup, raw)
        self.messages[(chat.id, message_id)] = message
        self.sent.append(message)
        return raw

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        if "document" not in params:
            raise ApiError(400, "Bad Request: there is no document in the request")
        caption = str(params.get("caption", ""))
        if params.get("parse_mode") == "HTML":
            caption = parse_html(caption)
        if utf16_length(caption) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        message_id = next(chat.next_message_id)
        document = {"file_id": f"doc-{message_id}", "file_unique_id": f"u-{message_id}"}
        raw = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.json,
            "from": await self._api_getMe({}),
            "document": document,
        }
        self.messages[(chat.id, message_id)] = SentMessage(chat.id, message_id, "", "", None, raw)
        return raw

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        text_html = str(params.get("text", ""))
        visible = _visible_text(text_html, params.get("parse_mode"))
        markup = _checked_markup(params.get("reply_markup"))
        if visible == message.text and text_html == message.html and markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        # As on Telegram, an edit without reply_markup removes the keyboard.
        return self._update_message(message, visible, text_html, markup)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        markup = _checked_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise ApiError(400, NOT_MODIFIED)
        return self._update_message(message, message.text, message.html, markup)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(query_id)
        self.callback_answers[query_id] = params
        return True

    # helpers of the methods

    def _chat(self, params: dict[str, Any]) -> _Chat:
        try:
            chat_id = int(params.get("chat_id", ""))
        except ValueError:
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _message(self, params: dict[str, Any]) -> SentMessage:
        chat = self._chat(params)
        message = self.messages.get((chat.id, int(params.get("message_id") or 0)))
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _update_message(
        self, message: SentMessage, visible: str, text_html: str, markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        raw = {**message.raw, "text": visible, "edit_date": int(time.time())}
        raw.pop("reply_markup", None)
        if markup is not None:
            raw["reply_markup"] = markup
        message.text, message.html, message.reply_markup, message.raw = (
            visible,
            text_html,
            markup,
            raw,
        )
        return raw


def _visible_text(text: str, parse_mode: object) -> str:
    visible = parse_html(text) if parse_mode == "HTML" else text
    visible = visible.strip()  # Telegram trims leading and trailing whitespace
    if not visible:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_length(visible) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return visible


def _checked_markup(markup: object) -> dict[str, Any] | None:
    """The reply markup if Telegram would accept it; ApiError otherwise."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup  # reply keyboards and ForceReply: not used by this bot, accepted as is
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup '
            "should be an Array of Arrays",
        )
    count = 0
    for row in rows:
        if len(row) > MAX_BUTTONS_PER_ROW:
            raise ApiError(400, "Bad Request: too many buttons in a row")
        for button in row:
            count += 1
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: text is empty"
                )
            kinds = set(button) & {
                "url",
                "callback_data",
                "switch_inline_query",
                "web_app",
                "switch_inline_query_current_chat",
                "copy_text",
                "pay",
            }
            if len(kinds) != 1:
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: exactly one "
                    "of the optional fields must be used",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if count > MAX_BUTTONS:
        raise ApiError(400, "Bad Request: reply markup is too long")
    return markup


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram marks in a user's text: a leading command and @mentions."""
    entities: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        entities.append(
            {"type": "bot_command", "offset": 0, "length": utf16_length(command.group())}
        )
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        entities.append(
            {
                "type": "mention",
                "offset": utf16_length(text[: mention.start()]),
                "length": utf16_length(mention.group()),
            }
        )
    return entities


def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return str(scope.get("type", "default")), str(params.get("language_code") or "")


async def _read_params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        params: dict[str, Any] = dict(await request.json())
    else:
        form = await request.post()
        params = {key: value for key, value in form.items() if isinstance(value, str)}
        # An uploaded file (sendDocument) is kept as (file name, content).
        params.update(
            (key, (value.filename, value.file.read()))
            for key, value in form.items()
            if isinstance(value, web.FileField)
        )
        for key in JSON_FIELDS & params.keys():
            params[key] = json.loads(params[key])
    params.update(request.query)
    return params


_NGINX_PAGE = "<html><head><title>%d Bad Gateway</title></head><body>nginx</body></html>"
