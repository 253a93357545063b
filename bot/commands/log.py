"""Subcommands of group 'log': the question log's views, key generation, the web view.

    jpo-bot log stats      [--days N]                  [--format table|csv|json]
    jpo-bot log unanswered [--days N] [--low-score S]  [--format table|csv|json]
    jpo-bot log recent     [-n N]                      [--format table|csv|json]
    jpo-bot log export     [--days N] [--output FILE]  [--format csv|json]
    jpo-bot log digest     [--date YYYY-MM-DD]         [--lang en|de|fr|es]
    jpo-bot keygen      # prints LOG_ENCRYPTION_KEY, LOG_HASH_SECRET, WEBHOOK_SECRET_TOKEN
    jpo-bot admin-web [--host H [--behind-tls]] [--port P] [--refresh SECONDS]

The views open the log read-only: they never create, migrate or change it. A missing
file gives one line on stderr and exit 1; a missing or wrong key or secret, exit 2.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from bot.commands import emit
from bot.config import settings_or_exit
from bot.printable import printable
from bot.questionlog import views as log_views
from bot.questionlog.digest import collect_digest, yesterday
from bot.questionlog.digest_view import ADMIN_LANG, digest_text
from bot.questionlog.interface import QuestionLog
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import LOW_SCORE, MissingSecretError, StoreError, WrongKeyError
from bot.questionlog.startup import open_store
from bot.secret_strength import new_webhook_secret
from bot.texts import LANGS

EXIT_LOG_ERROR = 1
EXIT_CONFIG_ERROR = 2
DEFAULT_DAYS = 30
DEFAULT_RECENT = 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `log ...`, `keygen` and `admin-web`."""
    log = subparsers.add_parser("log", help="show the question log (stats, unanswered, ...)")
    views = log.add_subparsers(dest="view", metavar="VIEW", required=True)

    stats = views.add_parser("stats", help="questions, share answered, by posting/topic/lang")
    _days(stats, DEFAULT_DAYS)
    _format(stats, "table")
    stats.set_defaults(handler=_stats)

    unanswered = views.add_parser(
        "unanswered", help="questions the bot could not answer, grouped by wording"
    )
    _days(unanswered, DEFAULT_DAYS)
    unanswered.add_argument(
        "--low-score",
        type=float,
        default=LOW_SCORE,
        help=f"answers scoring below this count as unanswered (default {LOW_SCORE:.0f})",
    )
    _format(unanswered, "table")
    unanswered.set_defaults(handler=_unanswered)

    recent = views.add_parser("recent", help="the latest records")
    recent.add_argument(
        "-n", type=_positive, default=DEFAULT_RECENT, help=f"how many (default {DEFAULT_RECENT})"
    )
    _format(recent, "table")
    recent.set_defaults(handler=_recent)

    export = views.add_parser("export", help="every record, decrypted (CSV by default)")
    export.add_argument("--days", type=_positive, default=None, help="only the last N days")
    export.add_argument("--output", "-o", type=Path, help="write to FILE instead of stdout")
    _format(export, "csv", choices=("csv", "json"))
    export.set_defaults(handler=_export)

    digest = views.add_parser("digest", help="the admins' daily digest of one day")
    digest.add_argument(
        "--date",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day (default: yesterday in DIGEST_TIMEZONE)",
    )
    digest.add_argument(
        "--lang", choices=LANGS, default=ADMIN_LANG, help=f"language (default {ADMIN_LANG})"
    )
    digest.set_defaults(handler=_digest)

    keygen = subparsers.add_parser(
        "keygen",
        help="print a new LOG_ENCRYPTION_KEY, LOG_HASH_SECRET and WEBHOOK_SECRET_TOKEN for .env",
    )
    keygen.set_defaults(handler=_keygen)

    web = subparsers.add_parser(
        "admin-web", help="read-only web view of the question log (Datasette, password)"
    )
    web.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1); any other than loopback needs --behind-tls",
    )
    web.add_argument(
        "--behind-tls",
        action="store_true",
        help="allow a non-loopback --host: only behind a TLS-terminating reverse proxy "
        "(basic auth sends the password with every request)",
    )
    web.add_argument("--port", type=int, default=None, help="port (default ADMIN_WEB_PORT)")
    web.add_argument(
        "--refresh",
        type=float,
        default=None,
        metavar="SECONDS",
        help="rebuild the view every SECONDS (default: built once at start)",
    )
    web.set_defaults(handler=_admin_web)


def _days(parser: argparse.ArgumentParser, default: int) -> None:
    parser.add_argument(
        "--days", type=_positive, default=default, help=f"last N days (default {default})"
    )


def _format(
    parser: argparse.ArgumentParser,
    default: str,
    choices: tuple[str, ...] = log_views.FORMATS,
) -> None:
    parser.add_argument(
        "--format", choices=choices, default=default, help=f"output format (default {default})"
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


# --- handlers ---------------------------------------------------------------------------


def _stats(args: argparse.Namespace) -> int:
    async def view(store: QuestionLog) -> str:
        return log_views.stats_view(await store.stats(args.days), args.format)

    return _run_view(view)


def _unanswered(args: argparse.Namespace) -> int:
    async def view(store: QuestionLog) -> str:
        grouping = await store.unanswered_grouping(args.days, low_score=args.low_score)
        note = log_views.bounds_note(grouping)
        if note and args.format != "table":
            print(f"note: {note}", file=sys.stderr)
        return log_views.unanswered_grouping_view(grouping, args.format)

    return _run_view(view)


def _recent(args: argparse.Namespace) -> int:
    async def view(store: QuestionLog) -> str:
        return log_views.questions_view(await store.recent(args.n), args.format)

    return _run_view(view)


def _export(args: argparse.Namespace) -> int:
    async def view(store: QuestionLog) -> str:
        return log_views.questions_view(await store.export_rows(args.days), args.format)

    return _run_view(view, output=args.output, private=True)


def _digest(args: argparse.Namespace) -> int:
    zone = settings_or_exit().digest_zone
    day = args.date or yesterday(zone)

    async def view(store: QuestionLog) -> str:
        return digest_text(await collect_digest(store, day, zone), args.lang) + "\n"

    return _run_view(view)


def _run_view(
    view: Callable[[QuestionLog], Awaitable[str]],
    output: Path | None = None,
    *,
    private: bool = False,
) -> int:
    """Opens the log read-only, renders one view, prints it (or writes `output`, 0600 if
    `private`)."""
    settings = settings_or_exit()

    async def run() -> str:
        store = await open_store(settings, read_only=True)
        try:
            return await view(store)
        finally:
            await store.close()

    try:
        text = asyncio.run(run())
    except (MissingSecretError, WrongKeyError) as error:
        print(f"configuration error: {printable(str(error))}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except StoreError as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return EXIT_LOG_ERROR
    if not emit(text, output, private=private):
        return EXIT_LOG_ERROR
    if output is not None:
        print(f"wrote {printable(str(output))}", file=sys.stderr)
    return 0


def _keygen(args: argparse.Namespace) -> int:
    print("# Question-log secrets for .env: keep a copy apart from the database;")
    print("# a lost LOG_ENCRYPTION_KEY makes the logged questions unreadable.")
    print(f"LOG_ENCRYPTION_KEY={new_encryption_key()}")
    print(f"LOG_HASH_SECRET={new_hash_secret()}")
    print("# Webhook mode only: Telegram sends it with every update.")
    print(f"WEBHOOK_SECRET_TOKEN={new_webhook_secret()}")
    return 0


def _admin_web(args: argparse.Namespace) -> int:
    # Imported here: Datasette is the admin web view's alone, and `jpo-bot ask` starts faster.
    from bot.questionlog.web import AdminWebError, is_loopback, serve

    settings = settings_or_exit()
    port = args.port or settings.admin_web_port
    if not is_loopback(args.host) and not args.behind_tls:
        print(
            f"configuration error: --host {args.host} is not loopback; only behind a "
            "TLS-terminating reverse proxy, and then add --behind-tls",
            file=sys.stderr,
        )
        return EXIT_CONFIG_ERROR
    try:
        return asyncio.run(
            serve(
                settings,
                lambda: open_store(settings, read_only=True),
                host=args.host,
                port=port,
                refresh=args.refresh,
                behind_tls=args.behind_tls,
            )
        )
    except (AdminWebError, MissingSecretError, WrongKeyError) as error:
        print(f"configuration error: {printable(str(error))}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except StoreError as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return EXIT_LOG_ERROR
