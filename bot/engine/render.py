"""Turns an `Answer` into the text a channel shows: plain text or Telegram HTML.

Both renderings carry the same words in the same order; HTML only adds bold headings
and escapes every dynamic text, since Telegram rejects a message with a stray `<`.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.engine.answers import Answer

BULLET = "•"


def render_plain(answer: Answer) -> str:
    """The answer as plain text, exactly as a user reads it without markup."""
    body = _render(answer, bold=lambda s: s, italic=lambda s: s, text=lambda s: s)
    return f"{answer.lead}\n\n{body}" if answer.lead else body


def render_html(answer: Answer) -> str:
    """The answer as Telegram HTML (parse_mode=HTML), every dynamic text escaped.

    With a lead, the lead stays in view and the quoted source below it unfolds on demand
    (`<blockquote expandable>`, Bot API 7.4+).
    """
    body = _render(
        answer,
        bold=lambda s: f"<b>{escape(s, quote=False)}</b>",
        italic=lambda s: f"<i>{escape(s, quote=False)}</i>",
        text=lambda s: escape(s, quote=False),
    )
    if not answer.lead:
        return body
    return f"<b>{escape(answer.lead, quote=False)}</b>\n<blockquote expandable>{body}</blockquote>"


def _render(
    answer: Answer,
    *,
    bold: Callable[[str], str],
    italic: Callable[[str], str],
    text: Callable[[str], str],
) -> str:
    parts = [bold(answer.heading)]
    if answer.text:
        parts.append(text(answer.text))
    if answer.points:
        parts.append(_bullets(answer.points, text))
    for block in answer.blocks:
        parts.append(bold(block.title) + "\n" + _bullets(block.points, text))
    if answer.note:
        parts.append(italic(answer.note))
    for part in answer.parts:
        parts.append(_render(part, bold=bold, italic=italic, text=text))
    if answer.contact:
        parts.append(text(answer.contact))
    return "\n\n".join(parts)


def _bullets(points: tuple[str, ...], text: Callable[[str], str]) -> str:
    return "\n".join(f"{BULLET} {text(point)}" for point in points)
