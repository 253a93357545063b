"""Sending HTML replies the way Telegram accepts them: split, and delivered once.

Telegram limits a message to 4096 characters *after* entity parsing, so the length that
counts is the visible text: tags removed, `&amp;` counted as one character, characters
outside the Basic Multilingual Plane counted as two (Telegram measures in UTF-16 code
units). `split_html` cuts a long reply at paragraph boundaries, then at line breaks, then
at spaces, never inside a tag or an entity, and closes and reopens any tag a cut runs
through so every part parses on its own.

`send_reply` sends the parts, the keyboard on the last one only. PTB retries nothing by
itself: `AIORateLimiter` handles 429s; here a 5xx or a dropped connection is retried a
few times, but a timeout is not, because the message may well have arrived and a blind
retry would show it twice. `answer_callback` acknowledges a button press without ever
failing the update: the acknowledgement only stops the client's spinner. `edit_text`
replaces a button's message, a double tap's identical edit included.

Logs here name no chat and quote no text: the handlers log a chat's pseudonymous key.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from bisect import bisect_right
from itertools import accumulate

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH: int = MessageLimit.MAX_TEXT_LENGTH  # 4096, after entity parsing
NETWORK_RETRIES = 2  # extra attempts after a 5xx or a connection error
NETWORK_RETRY_DELAY_SECONDS = 0.5

# A tag, an entity, or one run of plain text without either.
_ATOM = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z]+);|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")

# Break preferences, best first: a paragraph, a line, a word boundary.
_BREAKS = ("\n\n", "\n", " ")


def visible_length(text_html: str) -> int:
    """The length Telegram counts for an HTML text: tags dropped, entities decoded, UTF-16."""
    return _utf16_length(html.unescape(_strip_tags(text_html)))


def split_html(text_html: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Splits an HTML message into parts of at most `limit` visible characters each."""
    text_html = text_html.strip()
    if visible_length(text_html) <= limit:
        return [text_html] if text_html else []
    atoms = _Atoms(text_html)
    parts: list[str] = []
    open_tags: list[tuple[str, str]] = []  # (name, raw start tag) still open at a cut
    start = 0
    while True:
        start = atoms.skip_blank(start)
        if start == len(atoms.raws):
            break
        end = atoms.cut(start, limit)
        body = "".join(atoms.raws[start:end]).rstrip()
        prefix = "".join(raw for _, raw in open_tags)
        open_tags = _track_tags(atoms.raws[start:end], open_tags)
        suffix = "".join(f"</{name}>" for name, _ in reversed(open_tags))
        parts.append(prefix + body + suffix)
        start = end
    return [part for part in parts if visible_length(part)]


class _Atoms:
    """The HTML as indivisible atoms (a tag, an entity, one character) in parallel lists.

    `flat` has one character per atom, a placeholder for tags and entities, so a search
    for a break in it finds an atom index; `reach[i]` is the visible width before atom i.
    """

    TAG = "\0"
    ENTITY = "\1"

    def __init__(self, text_html: str) -> None:
        self.raws: list[str] = []
        widths: list[int] = []
        flat: list[str] = []
        for match in _ATOM.finditer(text_html):
            raw = match.group()
            if raw.startswith("<") and len(raw) > 1:
                self.raws.append(raw)
                widths.append(0)
                flat.append(self.TAG)
            elif raw.startswith("&") and len(raw) > 1:
                self.raws.append(raw)
                widths.append(_utf16_length(html.unescape(raw)))
                flat.append(self.ENTITY)
            else:
                # Plain text: one atom per character, so a cut can land anywhere in it.
                self.raws.extend(raw)
                flat.append(raw)
                if _utf16_length(raw) == len(raw):
                    widths.extend([1] * len(raw))
                else:
                    widths.extend(_utf16_length(char) for char in raw)
        self.flat = "".join(flat)
        self.reach = list(accumulate(widths, initial=0))

    def cut(self, start: int, limit: int) -> int:
        """The end (exclusive) of the part starting at `start`: the best break within `limit`."""
        end = bisect_right(self.reach, self.reach[start] + limit) - 1
        if end >= len(self.raws):
            return len(self.raws)
        window = self.flat[start:end]
        for separator in _BREAKS:
            position = window.rfind(separator)
            if position > 0:
                return start + position
        return max(end, start + 1)  # a word longer than a message: cut it hard

    def skip_blank(self, index: int) -> int:
        while index < len(self.raws) and self.flat[index].isspace():
            index += 1
        return index


def _track_tags(raws: list[str], open_tags: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The tags still open after these atoms, given those open before them."""
    stack = list(open_tags)
    for raw in raws:
        if not raw.startswith("<") or len(raw) == 1:
            continue
        match = _TAG_NAME.match(raw)
        if match is None:
            continue
        name = match.group(1).lower()
        if raw.startswith("</"):
            for index in range(len(stack) - 1, -1, -1):
                if stack[index][0] == name:
                    del stack[index]
                    break
        else:
            stack.append((name, raw))
    return stack


def _strip_tags(text_html: str) -> str:
    return re.sub(r"<[^<>]*>", "", text_html)


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def html_to_plain(text_html: str) -> str:
    """The visible text of an HTML message, for a plain-text fallback."""
    return html.unescape(_strip_tags(text_html))


# --- delivery ---


async def send_reply(
    bot: Bot,
    chat_id: int,
    text_html: str,
    reply_markup: InlineKeyboardMarkup | None = None,
    *,
    reply_to: int | None = None,
) -> list[Message]:
    """Sends a reply in as many parts as needed, the keyboard on the last part only."""
    parts = split_html(text_html)
    sent: list[Message] = []
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1
        result = await _send_part(
            bot,
            chat_id,
            part,
            reply_markup if is_last else None,
            reply_to=reply_to if index == 0 else None,
        )
        if result is not None:
            sent.append(result)
    return sent


async def _send_part(
    bot: Bot,
    chat_id: int,
    part: str,
    reply_markup: InlineKeyboardMarkup | None,
    *,
    reply_to: int | None,
) -> Message | None:
    """Sends one part, retrying server errors but never a timeout; None if it timed out."""
    for attempt in range(NETWORK_RETRIES + 1):
        try:
            return await bot.send_message(
                chat_id=chat_id,
                text=part,
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup,
                # Quoting is a courtesy: a question deleted meanwhile must not stop the answer.
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None
                    else None
                ),
            )
        except TimedOut:
            # The request may have reached Telegram; retrying could show the message twice.
            logger.warning("sendMessage timed out; not retrying, it may have been delivered")
            return None
        except BadRequest as error:
            if "parse entities" not in str(error).lower():
                raise
            # Our rendering produced HTML Telegram rejects: a bug, but the user still
            # deserves the words, so send them once more without markup.
            # The part can hold the user's name: log its length, not its text.
            logger.error(
                "Telegram rejected our HTML (%d characters: %s); sending as plain text",
                len(part),
                error,
            )
            return await bot.send_message(
                chat_id=chat_id,
                text=html_to_plain(part),
                parse_mode=None,
                reply_markup=reply_markup,
            )
        except NetworkError as error:
            if attempt == NETWORK_RETRIES:
                raise
            logger.warning(
                "sendMessage failed (%s); retry %d of %d",
                error,
                attempt + 1,
                NETWORK_RETRIES,
            )
            await asyncio.sleep(NETWORK_RETRY_DELAY_SECONDS * (attempt + 1))
    return None


async def answer_callback(query: CallbackQuery, text: str | None = None) -> bool:
    """Answers a callback query; False when Telegram refused it or did not reply in time.

    The answer only stops the button's spinner (and shows `text` as a toast). A query too
    old to answer, a slow Telegram (`TimedOut`, though the answer may have arrived) or a
    5xx must not cost the user the reply itself, so the error is logged and dropped.
    """
    try:
        await query.answer(text)
    except TelegramError as error:
        logger.warning("could not answer a callback query (%s: %s)", type(error).__name__, error)
        return False
    return True


async def edit_text(
    query: CallbackQuery, text: str, *, parse_mode: str | None = ParseMode.HTML
) -> None:
    """Replaces the text (and buttons) of the message a button sits on; an identical edit
    is no error.

    A double tap edits to the same text, and Telegram answers "message is not modified":
    the message already says what it should.
    """
    try:
        await query.edit_message_text(text, parse_mode=parse_mode)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
