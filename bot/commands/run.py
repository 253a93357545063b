"""Subcommand `run`: the Telegram bot, or the terminal chat when no token is set.

- With TELEGRAM_BOT_TOKEN: long polling, or webhook mode when WEBHOOK_URL is set
  (which then needs WEBHOOK_SECRET_TOKEN, so only Telegram can post updates).
- Without a token: one line saying so, then the terminal chat on the same engine.

A token Telegram rejects ends in one line naming TELEGRAM_BOT_TOKEN (never the token)
and exit code 2; Telegram unreachable is retried with backoff, one log line per attempt.
Bad configuration ends in one line and exit code 2, and so does a missing or wrong
LOG_ENCRYPTION_KEY / LOG_HASH_SECRET (the question log must never be written under
another key). A database that merely cannot be opened does not stop the bot: it logs
the error and answers without the question log. Unloadable knowledge lists every
problem as `file:line:col: message` and exits 1.
"""

from __future__ import annotations

import argparse
import sys

from bot.config import settings_or_exit


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds this group's subcommands."""
    run = subparsers.add_parser(
        "run", help="run the Telegram bot (without TELEGRAM_BOT_TOKEN: the terminal chat)"
    )
    run.set_defaults(handler=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Runs the bot until interrupted, or the terminal chat when there is no token."""
    settings = settings_or_exit()
    if settings.telegram_bot_token is None:
        print(
            "TELEGRAM_BOT_TOKEN is not set: opening the terminal chat instead (Ctrl-D ends it).",
            file=sys.stderr,
        )
        # Imported here: the terminal chat needs none of the Telegram machinery.
        from bot.terminal import run_chat

        return run_chat()
    if settings.webhook_url and settings.webhook_secret_token is None:
        print(
            "configuration error: WEBHOOK_URL is set but WEBHOOK_SECRET_TOKEN is not; "
            "webhook mode needs a secret so that only Telegram can post updates",
            file=sys.stderr,
        )
        return 2

    from telegram.error import InvalidToken

    from bot.questionlog.records import MissingSecretError, WrongKeyError
    from bot.serving import KnowledgeUnavailable
    from bot.telegram.app import RedactToken, redact_uncaught, run

    token = settings.telegram_bot_token.get_secret_value()
    redact_uncaught(token)
    try:
        run(settings)
    except InvalidToken:
        # Its message holds the token itself: never print it.
        print(
            "TELEGRAM_BOT_TOKEN was rejected by Telegram: check it (BotFather's /token)",
            file=sys.stderr,
        )
        return 2
    except KnowledgeUnavailable as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(error, file=sys.stderr)
        return 1
    except (MissingSecretError, WrongKeyError) as error:
        # The only log errors that reach here: on any other, the bot uses the in-memory log.
        print(
            f"question log: {error}; the bot does not start without the right keys", file=sys.stderr
        )
        return 2
    except Exception as error:  # a bug or an unforeseen fault: one line, never the token
        text = RedactToken(token).redact(f"{type(error).__name__}: {error}")
        print(f"jpo-bot run stopped by an unexpected error: {text}", file=sys.stderr)
        return 1
    return 0
