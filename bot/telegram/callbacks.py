"""The callback data of inline buttons: a small versioned text format under 64 bytes.

Formats (version `v1`; `-` stands for "no posting", i.e. the programme):

    v1:t:<posting|->:<topic>    show a topic
    v1:f:<posting|->:<faq>      show an FAQ entry
    v1:p:<posting>              select a posting
    v1:l:<lang>                 switch the chat language
    v1:forget:<yes|no>          answer the /forget confirmation
    v1:c:<step>:<choice>        answer a question of the guided eligibility check (/check)
    v1:r:<u|d>:<reply key>      rate an answer 👍 (u) or 👎 (d) (its log record's `reply_key`)
    v1:u:<a|o|d>:<group>[:<topic>]  an admin's inbox button under /unanswered: add the
                                group's wordings as examples of the topic (a), choose
                                another topic (o), dismiss the group (d)

Buttons live for months in old chats, and anyone can send any callback data, so `decode`
treats its input as untrusted: anything unknown, from another version or malformed
gives None and the handler answers politely, and so does a lone surrogate (valid JSON, but
not text Telegram could have sent). Whether a posting or topic still exists
is the handler's check; this module knows only the syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.engine.answers import Action, AnswerCheck, SelectPosting, ShowFaq, ShowTopic

VERSION = "v1"
MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data, in UTF-8 bytes
NO_POSTING = "-"
SEPARATOR = ":"

# Ids as the knowledge schema allows them; stricter than needed so forged data is rejected early.
_POSTING_ID = re.compile(r"[a-z][a-z0-9-]*")
_KEY_ID = re.compile(r"[a-z][a-z0-9_]*")
_LANG = re.compile(r"[a-z]{2}")
_CHOICE = re.compile(r"[a-z0-9]{1,12}")  # which choices a step has is the engine's check
_REPLY_KEY = re.compile(r"[A-Za-z0-9_-]{8,32}")  # whether an answer has it is the log's check
_VERDICTS = {"u": True, "d": False}
_GROUP_KEY = re.compile(r"[0-9a-f]{10}")  # bot.review.group_key
_INBOX_KINDS: dict[str, InboxKind] = {"a": "add", "o": "other", "d": "dismiss"}


FORGET = "forget"
_FORGET_ANSWERS = {"yes": True, "no": False}


class CallbackDataTooLong(ValueError):
    """An action's callback data would exceed Telegram's 64 bytes (or is not valid UTF-8)."""


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    """Switch the chat's language (a Telegram-only button, not an engine action)."""

    lang: str


@dataclass(frozen=True, slots=True)
class ConfirmForget:
    """The answer to "delete everything stored about this chat?" (a Telegram-only button)."""

    delete: bool


@dataclass(frozen=True, slots=True)
class RateAnswer:
    """A 👍 (helpful) or 👎 on the answer logged with `reply_key` (a Telegram-only button)."""

    reply_key: str
    helpful: bool


InboxKind = Literal["add", "other", "dismiss"]


@dataclass(frozen=True, slots=True)
class InboxAction:
    """An admin's button under /unanswered, for the group with key `group`."""

    kind: InboxKind
    group: str
    topic: str | None = None  # for "add": the topic the wordings become examples of


ButtonAction = Action | ChooseLanguage | ConfirmForget | RateAnswer | InboxAction


def encode(action: ButtonAction) -> str:
    """The callback data for an action; raises CallbackDataTooLong beyond 64 bytes."""
    parts: tuple[str, ...]
    match action:
        case ShowTopic(posting=posting, topic=topic):
            parts = ("t", posting or NO_POSTING, topic)
        case ShowFaq(posting=posting, faq=faq):
            parts = ("f", posting or NO_POSTING, faq)
        case SelectPosting(posting=posting):
            parts = ("p", posting)
        case ChooseLanguage(lang=lang):
            parts = ("l", lang)
        case AnswerCheck(step=step, choice=choice):
            parts = ("c", step, choice)
        case ConfirmForget(delete=delete):
            # The long kind predates this codec: buttons in old chats still carry it.
            parts = (FORGET, "yes" if delete else "no")
        case RateAnswer(reply_key=reply_key, helpful=helpful):
            parts = ("r", "u" if helpful else "d", reply_key)
        case InboxAction(kind=kind, group=group, topic=topic):
            letter = {name: short for short, name in _INBOX_KINDS.items()}[kind]
            parts = ("u", letter, group, *((topic,) if kind == "add" and topic else ()))
        case _:
            raise TypeError(f"no callback format for {action!r}")
    data = SEPARATOR.join((VERSION, *parts))
    if _utf8_length(data) > MAX_CALLBACK_BYTES:
        raise CallbackDataTooLong(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: object) -> ButtonAction | None:
    """The action of a button's callback data; None for anything unknown, old or forged."""
    if not isinstance(data, str) or _utf8_length(data) > MAX_CALLBACK_BYTES:
        return None
    version, _, rest = data.partition(SEPARATOR)
    if version != VERSION:
        return None
    kind, *fields = rest.split(SEPARATOR)
    match kind, fields:
        case "t", [posting, topic] if _posting_or_none(posting) and _KEY_ID.fullmatch(topic):
            return ShowTopic(_posting(posting), topic)
        case "f", [posting, faq] if _posting_or_none(posting) and _KEY_ID.fullmatch(faq):
            return ShowFaq(_posting(posting), faq)
        case "p", [posting] if _POSTING_ID.fullmatch(posting):
            return SelectPosting(posting)
        case "c", [step, choice] if _KEY_ID.fullmatch(step) and _CHOICE.fullmatch(choice):
            return AnswerCheck(step, choice)
        case "l", [lang] if _LANG.fullmatch(lang):
            return ChooseLanguage(lang)
        case "r", [verdict, key] if verdict in _VERDICTS and _REPLY_KEY.fullmatch(key):
            return RateAnswer(key, _VERDICTS[verdict])
        case "forget", [answer] if answer in _FORGET_ANSWERS:
            return ConfirmForget(_FORGET_ANSWERS[answer])
        case "u", ["a", group, topic] if _GROUP_KEY.fullmatch(group) and _KEY_ID.fullmatch(topic):
            return InboxAction("add", group, topic)
        case "u", [kind, group] if kind in ("o", "d") and _GROUP_KEY.fullmatch(group):
            return InboxAction(_INBOX_KINDS[kind], group)
    return None


def is_forget_answer(data: object) -> bool:
    """Whether a button's data answers the /forget confirmation (a handler's pattern)."""
    return isinstance(decode(data), ConfirmForget)


def is_rating(data: object) -> bool:
    """Whether a button's data is in the 👍/👎 format (a handler's pattern; the
    handler still decodes it, and answers forged data of that kind politely)."""
    return isinstance(data, str) and data.startswith(f"{VERSION}{SEPARATOR}r{SEPARATOR}")


def is_inbox_action(data: object) -> bool:
    """Whether a button's data is in the inbox format (a handler's pattern; the handler
    still decodes it, and answers forged data of that kind politely)."""
    return isinstance(data, str) and data.startswith(f"{VERSION}{SEPARATOR}u{SEPARATOR}")


def _utf8_length(data: str) -> int:
    """The length in UTF-8 bytes; over the limit for text with a lone surrogate."""
    try:
        return len(data.encode("utf-8"))
    except UnicodeEncodeError:
        return MAX_CALLBACK_BYTES + 1


def _posting_or_none(field: str) -> bool:
    return field == NO_POSTING or _POSTING_ID.fullmatch(field) is not None


def _posting(field: str) -> str | None:
    return None if field == NO_POSTING else field
