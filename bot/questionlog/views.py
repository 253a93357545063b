"""The admin views of the question log as text: terminal tables, CSV, JSON, Telegram messages.

Pure functions from the store's typed rows to strings. The CLI (`jpo-bot log ...`) and
the Telegram admin commands (`bot.telegram.admin`) both use them, so both show the
same figures.

- `*_view(result, fmt)`: `fmt` is "table" (aligned columns for a terminal), "csv" or
  "json"; the JSON keeps full texts, tables shorten long texts with an ellipsis.
- `*_message(...)`: short plain text for Telegram, no markup at all: send it with
  `parse_mode=None` (an explicit None also overrides `Defaults(parse_mode=HTML)`), so
  a question such as "I <3 UNEP" needs no escaping. `split_message` cuts a long text
  into parts under Telegram's 4096 characters at line ends.
- CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
  carriage return) get a leading apostrophe: the questions are untrusted text.
- Terminal escapes and other controls in that text never reach a terminal: tables and
  CSV replace them with visible stand-ins (`bot.printable`), JSON writes them as \\u
  escapes, so a JSON export still holds the exact questions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from bot.printable import json_safe, printable
from bot.questionlog.records import (
    Count,
    LoggedQuestion,
    LogStats,
    UnansweredGroup,
    UnansweredGrouping,
)

Format = Literal["table", "csv", "json"]
FORMATS: tuple[Format, ...] = ("table", "csv", "json")
TELEGRAM_LIMIT = 4096
NONE = "–"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUESTION_WIDTH = 60


# --- stats ------------------------------------------------------------------------------


def stats_view(stats: LogStats, fmt: Format) -> str:
    """The figures of `LogStats` as a table, CSV (breakdown,key,records,share) or JSON."""
    if fmt == "json":
        return _json(_stats_dict(stats))
    breakdowns = _breakdowns(stats)
    if fmt == "csv":
        rows: list[list[object]] = [["total", "", stats.total, _share(stats.total, stats.total)]]
        for name, counts in breakdowns:
            rows += [[name, c.key or "", c.count, _share(c.count, stats.total)] for c in counts]
        return _csv(["breakdown", "key", "records", "share"], rows)
    parts = [_stats_heading(stats)]
    for name, counts in breakdowns:
        rows = [[c.key or NONE, c.count, _percent(c.count, stats.total)] for c in counts]
        parts.append(_table([name, "records", "share"], rows, right={1, 2}))
    return "\n\n".join(parts) + "\n"


def stats_message(stats: LogStats, top: int = 8) -> str:
    """Stats for Telegram: totals, then the largest `top` entries of each breakdown."""
    lines = [_stats_heading(stats), ""]
    for name, counts in _breakdowns(stats):
        shown = " · ".join(f"{c.key or NONE} {c.count}" for c in counts[:top]) or NONE
        more = f" (+{len(counts) - top} more)" if len(counts) > top else ""
        lines.append(f"By {name}: {shown}{more}")
    return "\n".join(lines)


def _stats_heading(stats: LogStats) -> str:
    return (
        f"Question log, last {stats.days} days (since {_when(stats.since)} UTC)\n"
        f"Records: {stats.total} ({stats.questions} questions, "
        f"{stats.button_presses} button presses)\n"
        f"Answered: {stats.answered} of {stats.total} ({_percent(stats.answered, stats.total)})"
        f" · average latency {stats.avg_latency_ms:.1f} ms\n"
        f"Feedback: 👍 {stats.helpful} · 👎 {stats.unhelpful}"
    )


def _breakdowns(stats: LogStats) -> list[tuple[str, tuple[Count, ...]]]:
    return [
        ("status", stats.by_status),
        ("posting", stats.by_posting),
        ("topic", stats.by_topic),
        ("language", stats.by_lang),
    ]


def _stats_dict(stats: LogStats) -> dict[str, Any]:
    def counts(items: tuple[Count, ...]) -> list[dict[str, Any]]:
        return [{"key": c.key, "records": c.count} for c in items]

    return {
        "days": stats.days,
        "since": stats.since.isoformat(),
        "total": stats.total,
        "questions": stats.questions,
        "button_presses": stats.button_presses,
        "answered": stats.answered,
        "answered_share": round(stats.answered_share, 4),
        "avg_latency_ms": round(stats.avg_latency_ms, 3),
        "helpful": stats.helpful,
        "unhelpful": stats.unhelpful,
        "by_status": counts(stats.by_status),
        "by_posting": counts(stats.by_posting),
        "by_topic": counts(stats.by_topic),
        "by_lang": counts(stats.by_lang),
    }


# --- unanswered -------------------------------------------------------------------------


def unanswered_view(groups: Sequence[UnansweredGroup], fmt: Format) -> str:
    """Groups of unanswered questions with their likely posting and topic."""
    return _unanswered_body(groups, fmt)


def unanswered_grouping_view(grouping: UnansweredGrouping, fmt: Format) -> str:
    """`unanswered_view` of a bounded grouping; the table ends with what the bounds
    left out (`bounds_note`; the CLI prints it on stderr for CSV and JSON)."""
    body = _unanswered_body(grouping.groups, fmt)
    note = bounds_note(grouping)
    return f"{body}\n{note}\n" if note and fmt == "table" else body


def bounds_note(grouping: UnansweredGrouping) -> str:
    """One line on what the row cap and time budget left out, or "" when nothing."""
    notes = []
    if grouping.left_out:
        plural = "s" if grouping.left_out != 1 else ""
        notes.append(
            f"{grouping.left_out} older question{plural} left out "
            f"(only the newest {grouping.considered} are grouped)"
        )
    if not grouping.complete:
        notes.append("grouping stopped at its time budget: later wordings stand alone")
    return "; ".join(notes)


def _unanswered_body(groups: Sequence[UnansweredGroup], fmt: Format) -> str:
    if fmt == "json":
        return _json([_group_dict(group) for group in groups])
    if fmt == "csv":
        rows = [
            [
                group.count,
                group.example,
                group.likely_posting or "",
                group.likely_topic or "",
                _statuses(group.statuses),
                " | ".join(group.wordings),
                group.last_asked.isoformat(),
            ]
            for group in groups
        ]
        headers = ["count", "example", "likely_posting", "likely_topic", "statuses", "wordings"]
        return _csv([*headers, "last_asked"], rows)
    if not groups:
        return "No unanswered questions in this period.\n"
    rows = [
        [
            number,
            group.count,
            _shorten(group.example),
            group.likely_posting or NONE,
            group.likely_topic or NONE,
            _statuses(group.statuses),
            _when(group.last_asked),
        ]
        for number, group in enumerate(groups, start=1)
    ]
    headers = ["#", "count", "example wording", "likely posting", "likely topic", "statuses"]
    return _table([*headers, "last asked"], rows, right={0, 1}) + "\n"


def unanswered_message(groups: Sequence[UnansweredGroup], days: int, top: int = 10) -> str:
    """The `top` largest groups for Telegram, each with its likely posting and topic."""
    if not groups:
        return f"No unanswered questions in the last {days} days."
    total = sum(group.count for group in groups)
    lines = [f"Unanswered, last {days} days: {total} questions in {len(groups)} groups", ""]
    for number, group in enumerate(groups[:top], start=1):
        lines.append(f'{number}. {group.count}× "{group.example}" ({_statuses(group.statuses)})')
        lines.append(f"   likely: {group.likely_posting or NONE} / {group.likely_topic or NONE}")
        if len(group.wordings) > 1:
            lines.append("   also: " + " · ".join(f'"{w}"' for w in group.wordings[1:3]))
    if len(groups) > top:
        lines += ["", f"{len(groups) - top} smaller groups not shown; /export has everything."]
    lines += ["", "Add a wording as an example phrasing of its topic, then /reload."]
    return "\n".join(lines)


def unanswered_grouping_message(grouping: UnansweredGrouping, days: int, top: int = 10) -> str:
    """`unanswered_message` of a bounded grouping, ending with what the bounds left out."""
    text = unanswered_message(grouping.groups, days, top)
    note = bounds_note(grouping)
    return f"{text}\n\nNote: {note}." if note else text


def _group_dict(group: UnansweredGroup) -> dict[str, Any]:
    return {
        "count": group.count,
        "example": group.example,
        "wordings": list(group.wordings),
        "statuses": {c.key: c.count for c in group.statuses},
        "likely_posting": group.likely_posting,
        "likely_topic": group.likely_topic,
        "last_asked": group.last_asked.isoformat(),
    }


def _statuses(counts: tuple[Count, ...]) -> str:
    return ", ".join(f"{c.key} {c.count}" for c in counts)


# --- single records (recent, export) ----------------------------------------------------

QUESTION_FIELDS = (
    "id",
    "asked_at",
    "channel",
    "chat_key",
    "lang",
    "kind",
    "question",
    "status",
    "posting",
    "topic",
    "score",
    "suggestions",
    "latency_ms",
    "knowledge_version",
    "postings",
    "topics",
    "lead",
    "feedback",
    "session",
    "follows",
    "offered_by",
)
"""Every exported field; `feedback` is `up` (👍), `down` (👎) or empty (none given), and
`follows` / `offered_by` are the `id`s of the turns this one follows or was offered by."""


def questions_view(rows: Sequence[LoggedQuestion], fmt: Format) -> str:
    """Single records (`recent`, `export`): every field in CSV and JSON, the main ones
    in a table."""
    if fmt == "json":
        return _json([_question_dict(row) for row in rows])
    if fmt == "csv":
        return export_csv(rows)
    if not rows:
        return "No records in this period.\n"
    table = [
        [
            _when(row.asked_at),
            row.channel,
            row.lang,
            row.kind,
            row.status,
            row.posting or NONE,
            row.topic or NONE,
            f"{row.score:.0f}",
            _shorten(row.question),
        ]
        for row in rows
    ]
    headers = ["asked (UTC)", "channel", "lang", "kind", "status", "posting", "topic", "score"]
    return _table([*headers, "question"], table, right={7}) + "\n"


def export_csv(rows: Sequence[LoggedQuestion]) -> str:
    """Every field of every record as CSV; suggestions, postings and topics joined with
    ' | ', and an empty cell for a missing value."""
    table = [
        [
            row.id,
            row.asked_at.isoformat(),
            row.channel,
            row.chat_key,
            row.lang,
            row.kind,
            row.question,
            row.status,
            row.posting or "",
            row.topic or "",
            row.score,
            " | ".join(row.suggestions),
            row.latency_ms,
            row.knowledge_version,
            " | ".join(row.postings),
            " | ".join(row.topics),
            row.lead or "",
            row.feedback or "",
            row.session or "",
            "" if row.follows is None else row.follows,
            "" if row.offered_by is None else row.offered_by,
        ]
        for row in rows
    ]
    return _csv(list(QUESTION_FIELDS), table)


def recent_message(rows: Sequence[LoggedQuestion]) -> str:
    """The latest records for Telegram, newest first, two lines each."""
    if not rows:
        return "The question log is empty."
    lines = [f"Latest {len(rows)} records, newest first (UTC):", ""]
    for row in rows:
        button = " · button" if row.kind == "button" else ""
        lines.append(
            f"{_when(row.asked_at)} · {row.lang} · {row.status} · "
            f"{row.posting or NONE} / {row.topic or NONE} · {row.score:.0f}{button}"
        )
        lines.append(f"  {row.question}")
    return "\n".join(lines)


def _question_dict(row: LoggedQuestion) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in QUESTION_FIELDS}
    values["asked_at"] = row.asked_at.isoformat()
    values["suggestions"] = list(row.suggestions)
    values["postings"] = list(row.postings)
    values["topics"] = list(row.topics)
    return values


# --- Telegram ---------------------------------------------------------------------------


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cuts `text` into parts of at most `limit` characters, at line ends where possible."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts


# --- helpers ----------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: set[int]) -> str:
    cells = [[printable(str(value)) for value in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        aligned = (
            value.rjust(widths[i]) if i in right else value.ljust(widths[i])
            for i, value in enumerate(values)
        )
        return "  ".join(aligned).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


def _csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([_safe_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _safe_cell(value: object) -> object:
    if not isinstance(value, str):
        return value
    safe = printable(value)
    return "'" + safe if value.startswith(_FORMULA_START) else safe


def _json(value: object) -> str:
    return json_safe(json.dumps(value, ensure_ascii=False, indent=2)) + "\n"


def _shorten(text: str, width: int = _QUESTION_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else NONE


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0
