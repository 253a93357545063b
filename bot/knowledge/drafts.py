"""Warnings about drafting left in the knowledge files: `TODO` notes and `UNSORTED` text.

`jpo-bot import` writes a skeleton with a `# TODO:` list and puts whatever it could not
place into a `# UNSORTED — review:` comment. Both are comments, so the file validates;
but text left there is text the bot never tells candidates (a posting's languages left
in UNSORTED makes the bot say the posting does not state them). `validate` warns about
them without failing, so that an unfinished file is noticed but can still be tried.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from bot.knowledge.limits import MAX_FILE_BYTES, MAX_PROBLEMS_PER_FILE
from bot.knowledge.problems import Problem

# `TODO` anywhere (a comment or a value left as `TODO`); `UNSORTED` where it opens the
# importer's comment, not where a TODO note mentions it.
_MARKER = re.compile(r"\b(TODO)\b|^\s*#\s*(UNSORTED)\b")
_ADVICE = {
    "TODO": "a `TODO` note is left from drafting; do what it says, then delete it",
    "UNSORTED": "text is left in the `UNSORTED` comment, which the bot never shows; "
    "move what candidates need into its topic, then delete the comment",
}


def draft_warnings(paths: Iterable[Path]) -> list[Problem]:
    """One warning per line holding `TODO` or `UNSORTED`, in the files that can be read."""
    warnings: list[Problem] = []
    for path in paths:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue  # refused by the loader with its own message
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader
        found = 0
        for number, line in enumerate(text.splitlines(), start=1):
            match = _MARKER.search(line)
            if match and found < MAX_PROBLEMS_PER_FILE:
                found += 1
                marker = match[1] or match[2]
                column = match.start(1 if match[1] else 2) + 1
                warnings.append(Problem(path, number, column, _ADVICE[marker]))
    return warnings
