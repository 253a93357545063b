"""Taking one edit back out of a file that may have changed since.

When the file is still exactly as the edit left it, undoing restores the text before it,
byte for byte. When it changed since (another edit, a hand edit elsewhere in the file),
each change the edit made is found again by the lines around it and reverted there; a
line the edit extended (`, "new wording"` added to a flow list) is reverted by taking the
added text out of that line, even when later edits extended it too. Where a change can
no longer be found exactly once, the revert is refused (`None`): guessing could remove
someone else's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

CONTEXT = 2  # unchanged lines on each side that must still be there


def revert(current: str, before: str, after: str) -> str | None:
    """`current` with the change `before` -> `after` taken out, or None on a conflict."""
    if current == after:
        return before
    old, new, now = (text.splitlines(keepends=True) for text in (before, after, current))
    hunks = SequenceMatcher(None, new, old, autojunk=False).get_opcodes()
    result = list(now)
    # From the end, so that reverting one hunk does not move the lines of the next.
    for tag, i1, i2, j1, j2 in reversed(hunks):
        if tag == "equal":
            continue
        at = _locate(result, new, i1, i2)
        if at is None:
            return None
        replacement = _replacement(result[at : at + i2 - i1], new[i1:i2], old[j1:j2])
        if replacement is None:
            return None
        result[at : at + i2 - i1] = replacement
    return "".join(result)


def _locate(lines: Sequence[str], new: Sequence[str], i1: int, i2: int) -> int | None:
    """Where the hunk new[i1:i2] sits in `lines`, found by its context; None unless unique."""
    above = new[max(i1 - CONTEXT, 0) : i1]
    below = new[i2 : i2 + CONTEXT]
    size = i2 - i1
    found = [
        start
        for start in range(len(above), len(lines) - size - len(below) + 1)
        if list(lines[start - len(above) : start]) == list(above)
        and list(lines[start + size : start + size + len(below)]) == list(below)
    ]
    # At the very start or end of the file the context is shorter; anchor it there.
    if i1 - CONTEXT < 0:
        found = [start for start in found if start == i1]
    if i2 + CONTEXT > len(new):
        found = [start for start in found if start + size + len(new) - i2 == len(lines)]
    return found[0] if len(found) == 1 else None


def _replacement(
    current: Sequence[str], edited: Sequence[str], original: Sequence[str]
) -> list[str] | None:
    """What the hunk's lines become: the originals, or one line with the added text taken out."""
    if list(current) == list(edited):
        return list(original)
    if len(current) == len(edited) == len(original) == 1:
        added = _inserted(original[0], edited[0])
        if added and current[0].count(added) == 1:
            return [current[0].replace(added, "", 1)]
    return None


def _inserted(original: str, edited: str) -> str | None:
    """The text `edited` has in addition to `original` at one place, if that is the change."""
    if len(edited) <= len(original):
        return None
    prefix = 0
    while prefix < len(original) and original[prefix] == edited[prefix]:
        prefix += 1
    added = edited[prefix : prefix + len(edited) - len(original)]
    return added if edited[:prefix] + edited[prefix + len(added) :] == original else None
