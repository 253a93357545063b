"""The read-only web view of the question log: Datasette on a decrypted copy.

The log is encrypted, so Datasette never opens it. `jpo-bot admin-web`:

1. opens the log read-only and writes a derived SQLite file (see webcopy): the
   decrypted turns (the chat only as the first 12 digits of its pseudonymous key), their
   topics, and the unanswered questions grouped by wording with their likely posting and
   topic. The file (0600) lives in a private temporary folder (0700) that is deleted
   when the command stops, or at the next start when the command was killed (see
   webfolder);
2. writes `metadata.json` beside it: the canned queries (see webqueries: unanswered
   groups and questions, questions per day, per posting and topic, low scores, the
   conversations and one conversation per chat, users and sessions per day, fallback and
   👎 rate by week and by knowledge version, questions per topic, reply latency), the
   links that open them as charts (datasette-vega), and the plugins' settings;
3. runs `datasette serve` on 127.0.0.1 (by default) with that metadata, as a child
   that sees only a whitelisted environment and dies with this process (see webchild).

Password: datasette-auth-passwords with HTTP basic auth guards every path, static
files included; user `admin`, password ADMIN_WEB_PASSWORD (at least 12 characters).
Only a PBKDF2 hash of it reaches Datasette, through the child's environment, never a
file. An `allow` block admits only the actor `admin` as a second lock. Repeated failed
logins are delayed, then locked out (datasette_plugins/login_throttle.py). Downloading
the database file is off. A chat's cell links to its conversation page
(datasette_plugins/conversation_links.py).

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
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.private_files import write_private_text
from bot.questionlog import webchild
from bot.questionlog.datasette_plugins.login_throttle import PLUGIN_NAME as THROTTLE_PLUGIN
from bot.questionlog.datasette_plugins.login_throttle import ThrottlePolicy
from bot.questionlog.interface import QuestionLog
from bot.questionlog.webchild import PASSWORD_HASH_ENV
from bot.questionlog.webcopy import ViewSummary, build_view
from bot.questionlog.webfolder import private_folder
from bot.questionlog.webqueries import CANNED_QUERIES, DATABASE_NAME, PER_DAY_CHART

__all__ = [  # the copy and the pages live in their own modules; callers may name them here
    "CANNED_QUERIES",
    "DATABASE_NAME",
    "PER_DAY_CHART",
    "ViewSummary",
    "build_view",
]

logger = logging.getLogger(__name__)

ADMIN_USER = "admin"
MIN_PASSWORD_LENGTH = 12
THROTTLE = ThrottlePolicy()
PASSWORD_HASH_ITERATIONS = 100_000
"""PBKDF2 rounds: the plugin checks the password on every request, and the hash only
lives in the child's memory, so fewer rounds than the plugin's default keep pages fast."""
AUTH_PLUGIN = "datasette_auth_passwords"
CHART_PLUGIN = "datasette_vega"


class AdminWebError(Exception):
    """The web view cannot start; the message is one line for a person."""


# --- Datasette ------------------------------------------------------------------------


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
