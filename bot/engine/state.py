"""A chat's conversation state: what the engine needs to remember between messages."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from bot.knowledge.schema import LANGS, Lang


@dataclass(frozen=True, slots=True)
class ChatState:
    """The selected posting, the reply language and a question waiting for a posting."""

    posting: str | None = None
    lang: Lang = "en"
    pending_question: str | None = None

    def with_posting(self, posting: str | None) -> ChatState:
        return replace(self, posting=posting, pending_question=None)

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
        return cls(
            posting=posting if isinstance(posting, str) else None,
            lang=lang if lang in LANGS else "en",
            pending_question=pending if isinstance(pending, str) else None,
        )


def language_of(code: str | None) -> Lang:
    """Maps a Telegram `language_code` (e.g. 'de-AT') to a supported language."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGS else "en"
