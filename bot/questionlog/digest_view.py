"""The daily digest as plain text, in a catalogue language (admins get English).

One text for Telegram (sent with `parse_mode=None`, so a question such as "I <3 UNEP"
needs no escaping) and the terminal (`jpo-bot log digest`): questions are untrusted, so
their control and bidi characters are shown as visible stand-ins (`bot.printable`).
"""

from __future__ import annotations

from bot.printable import printable
from bot.questionlog.digest import MAX_GROUPS_SHOWN, Digest, FallbackAlert, PeriodCounts
from bot.questionlog.records import UnansweredGroup
from bot.texts import DigestTexts, digest_texts

ADMIN_LANG = "en"
"""The admins' language: like every admin command and view, the digest is in English."""
NONE = "–"
_EXAMPLE_WIDTH = 80


def digest_text(digest: Digest, lang: str = ADMIN_LANG) -> str:
    """The whole digest: heading, the day's figures, new groups, hand-offs, the alert."""
    texts = digest_texts(lang)
    lines = [texts.heading.format(day=digest.window.day.isoformat(), zone=digest.window.zone)]
    lines += _counts(digest.counts, texts)
    lines += ["", *_groups(digest, texts)]
    if digest.pending_handoffs is not None:
        lines += ["", texts.pending_handoffs.format(count=digest.pending_handoffs)]
    if digest.alert is not None:
        lines += ["", _alert(digest.alert, texts)]
    return "\n".join(lines)


def _counts(counts: PeriodCounts, texts: DigestTexts) -> list[str]:
    if not counts.questions:
        lines = [texts.no_questions]
    else:
        lines = [
            texts.questions.format(questions=counts.questions, chats=counts.chats),
            texts.shares.format(
                answered=_percent(counts.answered, counts.questions),
                not_stated=_percent(counts.not_stated, counts.questions),
                fallback=_percent(counts.fallback, counts.questions),
            ),
        ]
    # A 👎 can rate a button press's answer too, so it may come on a day without questions.
    if counts.questions or counts.unhelpful:
        lines.append(texts.unhelpful.format(count=counts.unhelpful))
    return lines


def _groups(digest: Digest, texts: DigestTexts) -> list[str]:
    groups = digest.new_groups
    if not groups:
        lines = [texts.no_new_groups]
    else:
        lines = [texts.new_groups.format(count=len(groups))]
        lines += [_group_line(n, g, texts) for n, g in enumerate(groups[:MAX_GROUPS_SHOWN], 1)]
        if len(groups) > MAX_GROUPS_SHOWN:
            lines.append(texts.more_groups.format(count=len(groups) - MAX_GROUPS_SHOWN))
    if digest.grouping_bounded:
        lines.append(texts.bounded)
    return lines


def _group_line(number: int, group: UnansweredGroup, texts: DigestTexts) -> str:
    return texts.group_line.format(
        number=number,
        count=group.count,
        example=_shorten(printable(group.example)),
        posting=group.likely_posting or NONE,
        topic=group.likely_topic or NONE,
    )


def _alert(alert: FallbackAlert, texts: DigestTexts) -> str:
    return texts.alert.format(
        rate=_rate(alert.rate),
        questions=alert.questions,
        previous_rate=_rate(alert.previous_rate),
        previous_questions=alert.previous_questions,
    )


def _percent(part: int, whole: int) -> str:
    return _rate(part / whole) if whole else NONE


def _rate(share: float) -> str:
    return f"{100 * share:.0f} %"


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXAMPLE_WIDTH else flat[: _EXAMPLE_WIDTH - 1] + "…"
