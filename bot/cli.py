"""The `jpo-bot` command line: one parser, subcommands contributed by `bot.commands.*`."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from bot import __version__
from bot.commands import answers, edits, knowledge, log, review, run

COMMAND_GROUPS = (run, answers, knowledge, log, edits, review)


def build_parser() -> argparse.ArgumentParser:
    """Builds the parser with every subcommand of every group."""
    parser = argparse.ArgumentParser(
        prog="jpo-bot",
        description="Assistant answering candidates' questions about JPO postings.",
    )
    parser.add_argument("--version", action="version", version=f"jpo-bot {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one subcommand and returns its exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
