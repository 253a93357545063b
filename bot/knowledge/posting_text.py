"""What `jpo-bot import` accepts as input: a posting's plain text and a posting id.

Staff copy posting texts from web pages and Word files, so the text may arrive as
UTF-8 or as Windows-1252; both are read. A binary file (a PDF, a .docx, an image) or
a huge file is refused before anything is written, as is an id the schema would reject:
the importer would otherwise write a skeleton of garbage that staff must then untangle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.limits import MAX_TEXT_FILE_BYTES
from bot.knowledge.schema import MAX_POSTING_ID, POSTING_ID_PATTERN

# A text file holds few control characters (tabs, line and page breaks aside);
# binary formats are full of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01


class NotAPostingText(ValueError):
    """The file cannot be a posting's text; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class PostingText:
    """A posting's text and the encoding it was read with."""

    text: str
    encoding: str


def read_posting_text(path: Path) -> PostingText:
    """The text of `path`; raises NotAPostingText for a binary or oversized file, OSError."""
    with path.open("rb") as file:
        data = file.read(MAX_TEXT_FILE_BYTES + 1)
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise NotAPostingText(
            f"{path} is larger than {MAX_TEXT_FILE_BYTES // 1_000_000} MB; "
            "a posting's text is a few pages: copy only the posting"
        )
    return decode_posting_text(data, path)


def decode_posting_text(data: bytes, path: Path) -> PostingText:
    """UTF-8 (with or without BOM), else Windows-1252; refuses what is not text at all."""
    binary = NotAPostingText(
        f"{path} is not a text file (a PDF, Word file or image?); "
        "save the posting as plain text (.txt) and import that"
    )
    if b"\x00" in data:
        raise binary
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined
            raise binary from None
    if len(_CONTROL.findall(text)) > _MAX_CONTROL_SHARE * max(len(text), 1):
        raise binary
    return PostingText(text, encoding)


def posting_id_problem(posting_id: str) -> str | None:
    """Why `posting_id` breaks the schema's rule for posting ids, or None when it fits."""
    if not re.fullmatch(POSTING_ID_PATTERN, posting_id):
        return (
            f"the id `{posting_id}` may only contain lower-case letters, digits "
            "and `-`, starting with a letter (e.g. unep-car-rcu)"
        )
    if len(posting_id) > MAX_POSTING_ID:
        return (
            f"the id `{posting_id}` has {len(posting_id)} characters; at most "
            f"{MAX_POSTING_ID} fit in Telegram's buttons: shorten it"
        )
    return None
