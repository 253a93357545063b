"""Subcommands for the knowledge edits made through the bot: the journal and undo.

    jpo-bot edits [--dir DIR] [--format table|json]   # the edit journal, oldest first
    jpo-bot undo EDIT_ID [--dir DIR]                  # take one edit back

`jpo-bot review` (the unanswered inbox on the command line) lives in `review.py`.
An edit made here is attributed to a pseudonymous key of the local user, keyed with
LOG_HASH_SECRET when it is set (`cli` otherwise): never a name or a Telegram id.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from bot.config import settings_or_exit
from bot.knowledge.editing import Edit, EditRefused, list_edits, undo
from bot.printable import printable
from bot.questionlog.keys import admin_key, reveal

EXIT_REFUSED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `edits` and `undo`."""
    edits = subparsers.add_parser("edits", help="list the knowledge edits made from the bot")
    edits.add_argument("--format", choices=("table", "json"), default="table")
    add_dir_option(edits)
    edits.set_defaults(handler=_edits)

    undo_ = subparsers.add_parser("undo", help="take back one knowledge edit made from the bot")
    undo_.add_argument("edit_id", metavar="EDIT_ID")
    add_dir_option(undo_)
    undo_.set_defaults(handler=_undo)


def add_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, dest="directory", metavar="DIR", help="default: KNOWLEDGE_DIR"
    )


def knowledge_dir(args: argparse.Namespace) -> Path:
    """The folder given on the command line, else the KNOWLEDGE_DIR setting."""
    if args.directory is not None:
        return Path(args.directory)
    return settings_or_exit().knowledge_dir


def cli_author() -> str:
    """The local admin's pseudonymous key (keyed with LOG_HASH_SECRET when it is set)."""
    secret = reveal(settings_or_exit().log_hash_secret)
    if not secret:
        return "cli"
    return admin_key(secret.encode("utf-8"), f"cli:{getpass.getuser()}")


def edit_line(edit: Edit) -> str:
    """One edit as a table row: id, time, author, file, what changed."""
    when = edit.at.strftime("%Y-%m-%d %H:%M:%S")
    return printable(f"{edit.id}  {when}  {edit.author:<22}  {edit.file:<28}  {edit.summary}")


def _edits(args: argparse.Namespace) -> int:
    edits = list_edits(knowledge_dir(args))
    if args.format == "json":
        rows = [{**_as_dict(edit)} for edit in edits]
        print(json.dumps(rows, ensure_ascii=True, indent=2))
        return 0
    if not edits:
        print("no edits yet")
        return 0
    print(f"{'id':<20}  {'time (UTC)':<19}  {'author':<22}  {'file':<28}  what changed")
    for edit in edits:
        print(edit_line(edit))
    return 0


def _as_dict(edit: Edit) -> dict[str, str | None]:
    return {
        "id": edit.id,
        "kind": edit.kind,
        "file": edit.file,
        "author": edit.author,
        "at": edit.at.isoformat(),
        "summary": edit.summary,
        "undoes": edit.undoes,
    }


def _undo(args: argparse.Namespace) -> int:
    try:
        edit = undo(knowledge_dir(args), args.edit_id, author=cli_author())
    except EditRefused as refused:
        for problem in refused.problems:
            print(f"refused: {printable(problem)}", file=sys.stderr)
        return EXIT_REFUSED
    print(edit_line(edit))
    return 0
