"""The bounds every knowledge file must keep, so that no file can exhaust memory or time.

The knowledge is edited by staff and reloaded by the running bot, so a mistaken paste
(a 50 MB posting) or a hostile file (a YAML alias bomb, 32,000 unknown keys) must be
refused with a clear message rather than block the bot. Each bound sits far above the
real knowledge (largest file 40 KB, longest text under 1,000 characters, longest list
56 items, depth 6, 37 topics) and above the 1,000-posting benchmark.
"""

from __future__ import annotations

MAX_FILE_BYTES = 1_000_000
"""One knowledge file, in bytes (1 MB)."""

MAX_TEXT_CHARS = 10_000
"""One text (any value or key), in characters: about three Telegram messages."""

MAX_LIST_ITEMS = 1_000
"""One list (`- item` lines or `[a, b]`), in items."""

MAX_DEPTH = 20
"""Levels of nesting of groups and lists; the real files use 6."""

MAX_POSTINGS = 5_000
"""Posting files in `postings/`."""

MAX_TOPICS = 300
"""Topics in the catalogue `topics.yaml`."""

MAX_PROBLEMS_PER_FILE = 50
"""Problems worded in full for one file; the rest are counted, which keeps checking linear."""

MAX_TEXT_FILE_BYTES = MAX_FILE_BYTES
"""A posting text given to `jpo-bot import`."""
