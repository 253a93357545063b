"""The read-only web view of the question log: Datasette on a decrypted copy.

The log is encrypted, so Datasette never opens it. `jpo-bot admin-web`:

1. opens the log read-only and writes a derived SQLite file: the decrypted records
   (the chat only as the first 12 digits of its pseudonymous key) and the unanswered
   questions grouped by wording with their likely posting and topic. The file (0600)
   lives in a private temporary folder (0700) that is deleted when the command stops,
   or at the next start when the command was killed (see webfolder);
2. writes `metadata.json` beside it: canned queries (unanswered groups, unanswered
   questions, questions per day, per posting and topic, low scores), the links that
   open "questions per day" as a bar chart (datasette-vega), and the plugins' settings;
3. runs `datasette serve` on 127.0.0.1 (by default) with that metadata, as a child
   that sees only a whitelisted environment and dies with this process (see webchild).

Password: datasette-auth-passwords with HTTP basic auth guards every path, static
files included; user `admin`, password ADMIN_WEB_PASSWORD (at least 12 characters).
Only a PBKDF2 hash of it reaches Datasette, through the child's environment, never a
file. An `allow` block admits only the actor `admin` as a second lock. Repeated failed
logins are delayed, then locked out (datasette_plugins/login_throttle.py). Downloading
the database file is off.

Refresh model: the copy is built at start; with `--refresh SECONDS` it is rebuilt in
place (one transaction, so a page never sees half a copy) every SECONDS.
"""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
import json
import logging
import signal
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.private_files import ensure_private_file, write_private_text
from bot.questionlog import webchild
from bot.questionlog.datasette_plugins.login_throttle import PLUGIN_NAME as THROTTLE_PLUGIN
from bot.questionlog.datasette_plugins.login_throttle import ThrottlePolicy
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import LOW_SCORE, LoggedQuestion, UnansweredGroup
from bot.questionlog.webchild import PASSWORD_HASH_ENV
from bot.questionlog.webfolder import private_folder

logger = logging.getLogger(__name__)

ADMIN_USER = "admin"
DATABASE_NAME = "log"
MIN_PASSWORD_LENGTH = 12
THROTTLE = ThrottlePolicy()
PASSWORD_HASH_ITERATIONS = 100_000
"""PBKDF2 rounds: the plugin checks the password on every request, and the hash only
lives in the child's memory, so fewer rounds than the plugin's default keep pages fast."""
AUTH_PLUGIN = "datasette_auth_passwords"
CHART_PLUGIN = "datasette_vega"
PER_DAY_CHART = (
    f"/{DATABASE_NAME}/questions_per_day#g.mark=bar&g.x_column=day&g.x_type=ordinal"
    "&g.y_column=questions&g.y_type=quantitative"
)


class AdminWebError(Exception):
    """The web view cannot start; the message is one line for a person."""


@dataclass(frozen=True, slots=True)
class ViewSummary:
    """What one build of the decrypted copy holds."""

    records: int
    groups: int
    built_at: datetime


# --- the decrypted copy -----------------------------------------------------------------

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS questions (
        id INTEGER PRIMARY KEY, asked_at TEXT NOT NULL, day TEXT NOT NULL,
        channel TEXT NOT NULL, chat TEXT NOT NULL, lang TEXT NOT NULL, kind TEXT NOT NULL,
        question TEXT NOT NULL, status TEXT NOT NULL, posting TEXT, topic TEXT,
        score REAL NOT NULL, suggestions TEXT NOT NULL, latency_ms REAL NOT NULL,
        knowledge_version TEXT NOT NULL)""",
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
        for table in ("questions", "unanswered_groups", "view_info"):
            db.execute(f"DELETE FROM {table}")
        db.executemany(
            "INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_question_row(row) for row in rows),
        )
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
    finally:
        db.close()


def _question_row(row: LoggedQuestion) -> tuple[Any, ...]:
    return (
        row.id,
        row.asked_at.strftime("%Y-%m-%d %H:%M:%S"),
        row.asked_at.strftime("%Y-%m-%d"),
        row.channel,
        row.chat_key[:12],
        row.lang,
        row.kind,
        row.question,
        row.status,
        row.posting,
        row.topic,
        round(row.score, 1),
        " | ".join(row.suggestions),
        round(row.latency_ms, 2),
        row.knowledge_version,
    )


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


# --- Datasette ------------------------------------------------------------------------

_UNANSWERED = f"(status NOT IN ('answered', 'smalltalk') OR score < {LOW_SCORE})"

CANNED_QUERIES: dict[str, dict[str, str]] = {
    "unanswered": {
        "title": "Unanswered questions, grouped by wording",
        "description_html": (
            "Questions answered with <i>fallback</i>, <i>not_stated</i> or <i>clarify</i>, "
            f"or with a score below {LOW_SCORE:.0f}, grouped by similar wording. To close "
            "the loop: add the example wording as an example phrasing of the likely topic "
            "(topics.yaml, or the likely posting's file), then send /reload to the bot."
        ),
        "sql": (
            "SELECT questions, example, likely_posting, likely_topic, statuses, "
            "other_wordings, last_asked FROM unanswered_groups ORDER BY rank"
        ),
    },
    "unanswered_questions": {
        "title": "Unanswered questions, one by one",
        "description_html": "Every typed question the bot could not answer well, newest first.",
        "sql": (
            "SELECT asked_at, question, status, posting, topic, score, lang FROM questions "
            f"WHERE kind = 'question' AND {_UNANSWERED} ORDER BY asked_at DESC"
        ),
    },
    "questions_per_day": {
        "title": "Questions per day",
        "description_html": f'Records per day (UTC). <a href="{PER_DAY_CHART}">Bar chart</a>.',
        "sql": (
            "SELECT day, count(*) AS questions, sum(status = 'answered') AS answered, "
            "sum(status != 'answered') AS not_answered, "
            "round(100.0 * sum(status = 'answered') / count(*), 1) AS answered_pct "
            "FROM questions GROUP BY day ORDER BY day"
        ),
    },
    "by_posting_and_topic": {
        "title": "Questions per posting and topic",
        "description_html": "Records per posting and topic, with how many went unanswered.",
        "sql": (
            "SELECT coalesce(posting, '–') AS posting, coalesce(topic, '–') AS topic, "
            "count(*) AS questions, sum(status = 'answered') AS answered, "
            f"sum({_UNANSWERED}) AS unanswered, round(avg(score), 1) AS avg_score "
            "FROM questions GROUP BY posting, topic ORDER BY questions DESC"
        ),
    },
    "low_scores": {
        "title": "Answers with a low score",
        "description_html": (
            f"Answered questions scoring below {LOW_SCORE:.0f}: the match may be wrong."
        ),
        "sql": (
            "SELECT asked_at, question, posting, topic, score, lang FROM questions "
            f"WHERE kind = 'question' AND status = 'answered' AND score < {LOW_SCORE} "
            "ORDER BY score, asked_at DESC"
        ),
    },
}


def metadata() -> dict[str, Any]:
    """Datasette's metadata: titles, canned queries, the password plugin, who may look."""
    links = " · ".join(
        f'<a href="/{DATABASE_NAME}/{name}">{query["title"]}</a>'
        for name, query in CANNED_QUERIES.items()
    )
    return {
        "title": "JPO bot: question log",
        "description_html": (
            f"A read-only, decrypted copy of the bot's question log. {links} · "
            f'<a href="{PER_DAY_CHART}">Chart of questions per day</a>'
        ),
        "allow": {"id": ADMIN_USER},
        "databases": {
            DATABASE_NAME: {
                "description_html": links,
                "queries": CANNED_QUERIES,
            }
        },
        "plugins": {
            "datasette-auth-passwords": {
                f"{ADMIN_USER}_password_hash": {"$env": PASSWORD_HASH_ENV},
                "http_basic_auth": True,
            },
            THROTTLE_PLUGIN: {
                "max_failures": THROTTLE.max_failures,
                "window_seconds": THROTTLE.window_seconds,
                "lockout_seconds": THROTTLE.lockout_seconds,
                "delay_step_seconds": THROTTLE.delay_step_seconds,
            },
        },
    }


def password_hash(password: str) -> str:
    """The PBKDF2 hash datasette-auth-passwords checks the password against."""
    from datasette_auth_passwords.utils import hash_password

    return str(hash_password(password, iterations=PASSWORD_HASH_ITERATIONS))


def check_plugins() -> None:
    """Raises AdminWebError when Datasette or its password plugin is missing."""
    for module in ("datasette", AUTH_PLUGIN):
        if importlib.util.find_spec(module) is None:
            raise AdminWebError(
                f"the web view needs {module.replace('_', '-')}: "
                "pip install -e '.[admin]' (or `make admin-web`)"
            )
    if importlib.util.find_spec(CHART_PLUGIN) is None:
        logger.warning("admin web: datasette-vega is not installed; the chart is missing")


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- running ----------------------------------------------------------------------------


def admin_password(settings: Settings) -> str:
    """ADMIN_WEB_PASSWORD, or AdminWebError when it is missing or shorter than 12."""
    if settings.admin_web_password is None:
        raise AdminWebError(
            "ADMIN_WEB_PASSWORD is not set: the web view needs a password (user: admin)"
        )
    password = settings.admin_web_password.get_secret_value()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminWebError(f"ADMIN_WEB_PASSWORD must be at least {MIN_PASSWORD_LENGTH} characters")
    return password


async def serve(
    settings: Settings,
    open_log: Callable[[], Awaitable[QuestionLog]],
    *,
    host: str,
    port: int,
    refresh: float | None,
    behind_tls: bool = False,
) -> int:
    """Builds the copy, runs Datasette until it exits or a signal stops us; exit code.

    `open_log` opens the log read-only (after the password and plugins are checked).
    """
    password = admin_password(settings)
    check_plugins()
    hashed = password_hash(password)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    question_log = await open_log()
    try:
        with private_folder() as folder:
            database = folder / f"{DATABASE_NAME}.db"
            metadata_file = folder / "metadata.json"
            summary = await build_view(question_log, database, days=settings.log_retention_days)
            write_private_text(metadata_file, json.dumps(metadata(), indent=2))
            process = await webchild.start(
                webchild.datasette_command(database, metadata_file, host, port),
                webchild.child_environment(hashed, behind_proxy=behind_tls),
            )
            print(
                f"Admin web view on http://{host}:{port}/ (user {ADMIN_USER}): "
                f"{summary.records} records, {summary.groups} unanswered groups, "
                f"built {summary.built_at:%Y-%m-%d %H:%M:%S} UTC",
                flush=True,
            )
            try:
                return await _supervise(process, stop, question_log, database, settings, refresh)
            finally:
                await webchild.stop(process)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await question_log.close()


async def _supervise(
    process: asyncio.subprocess.Process,
    stop: asyncio.Event,
    question_log: QuestionLog,
    database: Path,
    settings: Settings,
    refresh: float | None,
) -> int:
    """Waits for Datasette to exit or for `stop`, rebuilding the copy every `refresh` s."""
    exited = asyncio.create_task(process.wait())
    stopped = asyncio.create_task(stop.wait())
    try:
        while True:
            done, _ = await asyncio.wait(
                {exited, stopped}, timeout=refresh or None, return_when=asyncio.FIRST_COMPLETED
            )
            if exited in done:
                return process.returncode or 0
            if stopped in done:
                return 0
            try:
                summary = await build_view(question_log, database, days=settings.log_retention_days)
                logger.info("admin web: rebuilt the copy (%d records)", summary.records)
            except Exception as error:
                logger.error("admin web: rebuilding the copy failed: %s", error)
    finally:
        stopped.cancel()
        exited.cancel()
