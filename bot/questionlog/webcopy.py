"""The web view's decrypted copy of the question log: the SQLite file Datasette serves.

`build_view` reads the log (through `QuestionLog.export_rows`, which decrypts) and
writes, in one transaction, so a page never sees half a copy:

- `questions`: one row per turn, texts decrypted (question and lead). The chat appears
  only as the first 12 digits of its pseudonymous key, the session as the first 12 of
  its; `day` and ISO `week` are precomputed for grouping; `rateable` says whether the
  answer was offered for 👍/👎; `follows` and `offered_by` are ids of other rows.
- `turn_topics`: one row per (turn, topic) of every turn's topics (`–` for a turn
  without one), with the turn's kind, status and 👍/👎, so a reply drawing on two topics
  counts for both in "questions per topic" and that page reads this table alone;
- `latency_per_day`: each day's turns and reply latency p50 and p95 (nearest rank: the
  smallest latency that at least 50 % / 95 % of the day's turns did not exceed),
  computed here: SQLite's window functions took a third of a second over 100,000
  turns, a sort per day in Python takes milliseconds.
- `unanswered_groups`: the unanswered questions grouped by wording.
- `view_info`: when the copy was built and from how many records.

The indexes serve the canned queries (bot.questionlog.webqueries): each covers the
columns one page groups or orders by, so SQLite reads a narrow index instead of rows
holding texts, and each page stays fast on a log of 100,000 turns
(bench/bench_admin_web.py).
"""

from __future__ import annotations

import asyncio
import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.private_files import ensure_private_file
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import LOW_SCORE, LoggedQuestion, UnansweredGroup

KEY_DIGITS = 12
"""How much of a chat's or session's key the copy shows: enough to tell them apart."""
NO_TOPIC = "–"


@dataclass(frozen=True, slots=True)
class ViewSummary:
    """What one build of the decrypted copy holds."""

    records: int
    groups: int
    built_at: datetime


_TABLES = ("questions", "turn_topics", "latency_per_day", "unanswered_groups", "view_info")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS questions (
        id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL, day TEXT NOT NULL, week TEXT NOT NULL,
        channel TEXT NOT NULL, chat TEXT NOT NULL, session TEXT, lang TEXT NOT NULL,
        kind TEXT NOT NULL, question TEXT NOT NULL, status TEXT NOT NULL, posting TEXT,
        topic TEXT, postings TEXT NOT NULL, topics TEXT NOT NULL, lead TEXT,
        score REAL NOT NULL, suggestions TEXT NOT NULL, latency_ms REAL NOT NULL,
        knowledge_version TEXT NOT NULL, feedback TEXT, rateable INTEGER NOT NULL,
        follows INTEGER, offered_by INTEGER)""",
    # conversations, conversation
    """CREATE INDEX IF NOT EXISTS questions_by_chat
        ON questions (chat, asked_at, id, session, kind, status, feedback)""",
    "CREATE INDEX IF NOT EXISTS questions_by_offer ON questions (offered_by)",
    # questions per day, users and sessions per day
    "CREATE INDEX IF NOT EXISTS questions_by_day ON questions (day, status, chat, session)",
    # rates by week, by knowledge version
    """CREATE INDEX IF NOT EXISTS questions_by_week
        ON questions (week, kind, status, rateable, feedback)""",
    """CREATE INDEX IF NOT EXISTS questions_by_version
        ON questions (knowledge_version, asked_at, kind, status, rateable, feedback)""",
    # per posting and topic, unanswered one by one (newest first), low scores
    """CREATE INDEX IF NOT EXISTS questions_by_posting
        ON questions (posting, topic, status, score, feedback)""",
    "CREATE INDEX IF NOT EXISTS questions_by_time ON questions (asked_at)",
    "CREATE INDEX IF NOT EXISTS questions_by_score ON questions (status, kind, score)",
    """CREATE TABLE IF NOT EXISTS turn_topics (
        turn INTEGER NOT NULL, topic TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        feedback TEXT, PRIMARY KEY (turn, topic))""",
    """CREATE INDEX IF NOT EXISTS turn_topics_by_topic
        ON turn_topics (topic, kind, status, feedback)""",
    """CREATE TABLE IF NOT EXISTS latency_per_day (
        day TEXT PRIMARY KEY, turns INTEGER NOT NULL, p50_ms REAL NOT NULL,
        p95_ms REAL NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS unanswered_groups (
        rank INTEGER PRIMARY KEY, questions INTEGER NOT NULL, example TEXT NOT NULL,
        likely_posting TEXT, likely_topic TEXT, statuses TEXT NOT NULL,
        other_wordings TEXT NOT NULL, last_asked TEXT NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS view_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


async def build_view(question_log: QuestionLog, target: Path, *, days: int) -> ViewSummary:
    """Writes (or rewrites in place) the decrypted copy of the last `days` days."""
    rows = await question_log.export_rows(days)
    groups = await question_log.unanswered(days)
    built_at = datetime.now(UTC)
    await asyncio.to_thread(_write_view, target, rows, groups, built_at)
    return ViewSummary(records=len(rows), groups=len(groups), built_at=built_at)


def _write_view(
    target: Path,
    rows: Sequence[LoggedQuestion],
    groups: Sequence[UnansweredGroup],
    built_at: datetime,
) -> None:
    ensure_private_file(target)
    db = sqlite3.connect(target, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        for statement in _SCHEMA:
            db.execute(statement)
        db.execute("BEGIN IMMEDIATE")
        for table in _TABLES:
            db.execute(f"DELETE FROM {table}")
        db.executemany(
            f"INSERT INTO questions VALUES ({', '.join('?' * 24)})",
            (_question_row(row) for row in rows),
        )
        db.executemany(
            "INSERT OR IGNORE INTO turn_topics VALUES (?, ?, ?, ?, ?)", _topic_rows(rows)
        )
        db.executemany("INSERT INTO latency_per_day VALUES (?, ?, ?, ?)", _latency_rows(rows))
        db.executemany(
            "INSERT INTO unanswered_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_group_row(rank, group) for rank, group in enumerate(groups, start=1)),
        )
        db.executemany(
            "INSERT INTO view_info VALUES (?, ?)",
            [
                ("built_at", built_at.isoformat(timespec="seconds")),
                ("records", str(len(rows))),
                ("low_score", str(LOW_SCORE)),
            ],
        )
        db.execute("COMMIT")
        # Fresh statistics, so the planner picks the covering indexes; sampled, so that
        # a rebuild of a large copy does not read every index in full.
        db.execute("PRAGMA analysis_limit = 1000")
        db.execute("ANALYZE")
    finally:
        db.close()


def _question_row(row: LoggedQuestion) -> tuple[Any, ...]:
    year, week, _ = row.asked_at.isocalendar()
    return (
        row.id,
        row.asked_at.strftime("%Y-%m-%d %H:%M:%S"),
        row.asked_at.strftime("%Y-%m-%d"),
        f"{year}-W{week:02d}",
        row.channel,
        row.chat_key[:KEY_DIGITS],
        None if row.session is None else row.session[:KEY_DIGITS],
        row.lang,
        row.kind,
        row.question,
        row.status,
        row.posting,
        row.topic,
        " | ".join(row.postings),
        " | ".join(row.topics),
        row.lead,
        round(row.score, 1),
        " | ".join(row.suggestions),
        round(row.latency_ms, 2),
        row.knowledge_version,
        row.feedback,
        int(row.reply_key is not None),
        row.follows,
        row.offered_by,
    )


def _topic_rows(rows: Sequence[LoggedQuestion]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        # Records from before topics were listed name their one topic only.
        for topic in row.topics or (row.topic or NO_TOPIC,):
            yield row.id, topic, row.kind, row.status, row.feedback


def _latency_rows(rows: Sequence[LoggedQuestion]) -> Iterator[tuple[Any, ...]]:
    by_day: defaultdict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_day[row.asked_at.strftime("%Y-%m-%d")].append(round(row.latency_ms, 2))
    for day, latencies in sorted(by_day.items()):
        latencies.sort()
        yield day, len(latencies), _nearest_rank(latencies, 0.50), _nearest_rank(latencies, 0.95)


def _nearest_rank(ordered: list[float], share: float) -> float:
    """The smallest value that at least `share` of the values do not exceed."""
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def _group_row(rank: int, group: UnansweredGroup) -> tuple[Any, ...]:
    return (
        rank,
        group.count,
        group.example,
        group.likely_posting,
        group.likely_topic,
        ", ".join(f"{c.key} {c.count}" for c in group.statuses),
        " | ".join(group.wordings[1:]),
        group.last_asked.strftime("%Y-%m-%d %H:%M"),
    )
