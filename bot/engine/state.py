"""A chat's conversation state: what the engine needs to remember between messages."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.knowledge.schema import LANGS, Lang

# How many earlier messages' detected languages a chat keeps (`language.choose` looks at them).
RECENT_LANGS = 3


@dataclass(frozen=True, slots=True)
class ChatState:
    """The selected posting, the chat's language, a question waiting for a posting, the
    languages detected in the last messages, and what the last answer was about."""

    posting: str | None = None
    lang: Lang = "en"
    pending_question: str | None = None
    # The language detected in each of the last messages (None: too short to tell), oldest first.
    recent_langs: tuple[Lang | None, ...] = ()
    # The topics and postings the last answer was about, for follow-ups ("and for UNESCO?").
    topics: tuple[str, ...] = ()
    postings: tuple[str, ...] = ()
    # The answers given so far in the guided eligibility check (/check), in question order;
    # kept only here, so /forget deletes them with the rest of the state.
    check: tuple[str, ...] = ()
    # Whether the last answered question asked yes or no: a short follow-up ("und
    # Französisch?") asks the same way.
    yes_no: bool = False

    def with_posting(self, posting: str | None) -> ChatState:
        return replace(self, posting=posting, pending_question=None)

    def heard(self, detected: Lang | None, lang: Lang) -> ChatState:
        """The state after a message detected as `detected`, the chat now speaking `lang`."""
        recent = (*self.recent_langs, detected)[-RECENT_LANGS:]
        return replace(self, lang=lang, recent_langs=recent)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> ChatState:
        """Reads a stored state; unknown or malformed fields fall back to defaults."""
        try:
            data = json.loads(raw)
        except (TypeError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        lang = data.get("lang")
        posting = data.get("posting")
        pending = data.get("pending_question")
        recent = _list(data.get("recent_langs"))
        return cls(
            posting=posting if isinstance(posting, str) else None,
            lang=lang if lang in LANGS else "en",
            pending_question=pending if isinstance(pending, str) else None,
            recent_langs=tuple(r if r in LANGS else None for r in recent)[-RECENT_LANGS:],
            topics=tuple(t for t in _list(data.get("topics")) if isinstance(t, str)),
            postings=tuple(p for p in _list(data.get("postings")) if isinstance(p, str)),
            check=tuple(c for c in _list(data.get("check")) if isinstance(c, str)),
            yes_no=data.get("yes_no") is True,
        )


def _list(value: Any) -> list[Any]:
    """A stored list, or nothing when the field is missing or not a list (older states)."""
    return value if isinstance(value, list) else []


def language_of(code: str | None) -> Lang:
    """Maps a Telegram `language_code` (e.g. 'de-AT') to a supported language."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGS else "en"
