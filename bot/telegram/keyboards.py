"""Inline keyboards: the engine's suggestions as buttons, and the language choice.

Labels are cut to a length a phone shows in full; two short labels share a row, a long
one gets its own. A suggestion whose callback data would not fit Telegram's 64 bytes is
left out (and logged) rather than failing the whole reply.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.answers import Suggestion
from bot.telegram.callbacks import ButtonAction, CallbackDataTooLong, ChooseLanguage, encode
from bot.telegram.menu import UI_LANGS
from bot.texts import LANGUAGE_NAMES

logger = logging.getLogger(__name__)

MAX_LABEL_LENGTH = 40  # longer labels are cut; phones truncate them anyway
SHORT_LABEL_LENGTH = 18  # two labels up to this length fit side by side on a phone
MAX_PER_ROW = 2
MAX_BUTTONS = 12  # more choices than this overwhelm; the engine rarely offers as many
ELLIPSIS = "…"


def short_label(label: str, limit: int = MAX_LABEL_LENGTH) -> str:
    """The label cut to `limit` characters at a word boundary where possible."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + ELLIPSIS


def suggestions_keyboard(suggestions: Iterable[Suggestion]) -> InlineKeyboardMarkup | None:
    """The suggestions as buttons; None when there are none."""
    return _keyboard((s.label, s.action) for s in suggestions)


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per interface language, each in its own language."""
    markup = _keyboard((LANGUAGE_NAMES[lang], ChooseLanguage(lang)) for lang in UI_LANGS)
    assert markup is not None  # the language list is never empty
    return markup


def _keyboard(items: Iterable[tuple[str, ButtonAction]]) -> InlineKeyboardMarkup | None:
    buttons: list[InlineKeyboardButton] = []
    for label, action in items:
        try:
            data = encode(action)
        except CallbackDataTooLong:
            logger.warning("button %r left out: its callback data exceeds 64 bytes", label)
            continue
        buttons.append(InlineKeyboardButton(short_label(label), callback_data=data))
        if len(buttons) == MAX_BUTTONS:
            break
    if not buttons:
        return None
    return InlineKeyboardMarkup(_rows(buttons))


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        last = rows[-1] if rows else None
        fits_beside = (
            last is not None
            and len(last) < MAX_PER_ROW
            and len(button.text) <= SHORT_LABEL_LENGTH
            and all(len(other.text) <= SHORT_LABEL_LENGTH for other in last)
        )
        if fits_beside and last is not None:
            last.append(button)
        else:
            rows.append([button])
    return rows
