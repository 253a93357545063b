"""Untrusted text made safe to print on a terminal: `printable` and `json_safe`.

Questions, posting ids and file names typed by users reach `jpo-bot log` tables, the
terminal chat and CLI error lines. An escape sequence in them could recolour, clear or
retitle the admin's terminal, and a bidi override could make a line read other than it
is. Every terminal-facing view passes such text through `printable`; JSON keeps the
data but writes these characters as \\u escapes (`json_safe`).
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, C1 controls (0x9b alone starts a CSI),
# and the bidi embeddings, overrides, isolates and marks.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_CONTROL_PICTURES = 0x2400  # U+2400 "␀" ... U+241F, U+2421 "␡": visible stand-ins
_REPLACEMENT = "\ufffd"


def printable(text: str) -> str:
    """`text` with every control character (but tab and newline) and bidi control
    replaced by a visible stand-in: ESC becomes "␛", so "\\x1b[2J" prints as "␛[2J"."""
    return _UNSAFE.sub(_stand_in, text)


def json_safe(encoded: str) -> str:
    """JSON text whose control, C1 and bidi characters are \\u escapes (`json.dumps`
    with ensure_ascii=False escapes only C0 itself); the decoded data is unchanged."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(_CONTROL_PICTURES + code)
    if code == 0x7F:
        return "\u2421"
    return _REPLACEMENT
