"""Subcommands for the staff who maintain the knowledge files.

- `validate [DIR | FILE]`: every problem as `file:line:col: message`, exit 1; or a
  one-line OK. A FILE (a posting) is checked with the catalogue, programme and other
  postings of its knowledge folder. Drafting left behind (`TODO`, `UNSORTED`) is
  listed as warnings, which do not fail.
- `import POSTING.txt --id ID [--output FILE] [--force]`: a YAML skeleton of a posting;
  a binary or oversized file, or an id the schema rejects, ends in one line and exit 2.
- `postings [--dir DIR]` and `show ID [TOPIC] [--dir DIR]`: what the bot knows.
- `schema [--check]`: (re)writes `knowledge/schema/*.json`, or checks they are current.

Bad input never ends in a traceback: it ends in a message and exit code 1 (2 for a
wrong command line, as argparse does).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.commands import emit
from bot.config import settings_or_exit
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.drafts import draft_warnings
from bot.knowledge.importer import import_posting
from bot.knowledge.loader import (
    CATALOGUE_FILE,
    POSTINGS_DIR,
    PROGRAMME_FILE,
    Problem,
    check_knowledge,
    did_you_mean,
    knowledge_files,
)
from bot.knowledge.posting_text import NotAPostingText, posting_id_problem, read_posting_text
from bot.knowledge.schema import Content
from bot.knowledge.schema_files import stale_schemas, write_schemas
from bot.printable import printable

SCHEMA_SUBDIR = "schema"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds this group's subcommands."""
    validate = subparsers.add_parser(
        "validate", help="check the knowledge files and list every problem"
    )
    validate.add_argument(
        "directory",
        nargs="?",
        type=Path,
        metavar="DIR|FILE",
        help="the knowledge folder (default: KNOWLEDGE_DIR), or one posting file",
    )
    validate.set_defaults(handler=validate_command)

    importer = subparsers.add_parser(
        "import", help="turn a posting's text into a YAML skeleton to review"
    )
    importer.add_argument("text_file", type=Path, metavar="POSTING.txt")
    importer.add_argument("--id", required=True, dest="posting_id", help="e.g. unep-car-rcu")
    importer.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
    importer.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    importer.set_defaults(handler=import_command)

    postings = subparsers.add_parser("postings", help="list the postings the bot knows")
    _add_dir_option(postings)
    postings.set_defaults(handler=postings_command)

    show = subparsers.add_parser("show", help="show a posting's topics or one topic's content")
    show.add_argument("posting_id", metavar="ID")
    show.add_argument("topic_id", nargs="?", metavar="TOPIC")
    _add_dir_option(show)
    show.set_defaults(handler=show_command)

    schema = subparsers.add_parser("schema", help="write the JSON Schemas for editors")
    schema.add_argument("--check", action="store_true", help="exit 1 when they are stale")
    _add_dir_option(schema)
    schema.set_defaults(handler=schema_command)


def _add_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, dest="directory", metavar="DIR", help="default: KNOWLEDGE_DIR"
    )


def _knowledge_dir(args: argparse.Namespace) -> Path:
    """The folder given on the command line, else the KNOWLEDGE_DIR setting."""
    if args.directory is not None:
        return Path(args.directory)
    return settings_or_exit().knowledge_dir


def _shown(path: Path) -> Path:
    """The path relative to the working directory where it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return path


def _print_problems(problems: list[Problem], directory: Path) -> None:
    for problem in problems:
        print(dataclasses.replace(problem, file=_shown(problem.file)))
    files = len({problem.file for problem in problems})
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    print(f"{_shown(directory)}: {count} in {files} file{'s' if files != 1 else ''}")


def _load(directory: Path) -> KnowledgeBase | None:
    """The knowledge base, or None after printing why it cannot be loaded."""
    knowledge, problems = check_knowledge(directory)
    if knowledge is None:
        _print_problems(problems, directory)
        print("fix these first (`jpo-bot validate` lists them again)", file=sys.stderr)
    return knowledge


def validate_command(args: argparse.Namespace) -> int:
    """Prints every problem and exits 1, or prints a one-line summary and exits 0."""
    if args.directory is not None and Path(args.directory).is_file():
        return _validate_file(Path(args.directory))
    directory = _knowledge_dir(args)
    knowledge, problems = check_knowledge(directory)
    _print_warnings(draft_warnings(knowledge_files(directory)))
    if knowledge is None:
        _print_problems(problems, directory)
        return 1
    print(
        f"knowledge OK: {len(knowledge.postings)} postings, {len(knowledge.topics)} topics, "
        f"version {knowledge.version}"
    )
    return 0


def _validate_file(path: Path) -> int:
    """Checks one file in the context of its knowledge folder; lists only its own problems."""
    directory = _folder_of(path)
    is_posting = path.name not in (CATALOGUE_FILE, PROGRAMME_FILE) or path.parent != directory
    knowledge, problems = check_knowledge(directory, posting_file=path if is_posting else None)
    _print_warnings(draft_warnings([path]))
    own = [problem for problem in problems if problem.file == path]
    others = len(problems) - len(own)
    if own:
        _print_problems(own, path)
    if others:
        print(
            f"{_shown(directory)}: {others} other problem{'s' if others != 1 else ''} in the "
            "knowledge folder; `jpo-bot validate` lists them"
        )
    if knowledge is None:
        return 1
    print(
        f"{_shown(path)} OK with the knowledge in {_shown(directory)}: "
        f"{len(knowledge.postings)} postings, {len(knowledge.topics)} topics"
    )
    return 0


def _folder_of(path: Path) -> Path:
    """The knowledge folder a file belongs to; KNOWLEDGE_DIR for a draft kept elsewhere."""
    parent = path.parent
    if path.name in (CATALOGUE_FILE, PROGRAMME_FILE) and (parent / CATALOGUE_FILE).is_file():
        return parent
    if parent.name == POSTINGS_DIR and (parent.parent / CATALOGUE_FILE).is_file():
        return parent.parent
    return settings_or_exit().knowledge_dir


def _print_warnings(warnings: list[Problem]) -> None:
    for warning in warnings:
        shown = dataclasses.replace(warning, file=_shown(warning.file))
        print(f"{shown.file}:{shown.line}:{shown.col}: warning: {shown.message}")


def import_command(args: argparse.Namespace) -> int:
    """Writes the skeleton of a posting text to FILE or standard output."""
    id_problem = posting_id_problem(args.posting_id)
    if id_problem is not None:
        print(f"error: {id_problem}", file=sys.stderr)
        return 2
    output: Path | None = args.output
    if output is not None and output.exists() and not args.force:
        print(f"error: {output} exists; refusing to overwrite it (use --force)", file=sys.stderr)
        return 1
    try:
        posting = read_posting_text(args.text_file)
    except OSError as error:
        print(f"error: cannot read {args.text_file}: {error.strerror}", file=sys.stderr)
        return 1
    except NotAPostingText as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    if posting.encoding != "utf-8":
        # Texts copied on Windows are often cp1252; every byte decodes, so say so.
        print(f"note: {args.text_file} is not UTF-8; read it as Windows-1252", file=sys.stderr)
    skeleton = import_posting(posting.text, args.posting_id, source=args.text_file.name)
    if not emit(skeleton, output):
        return 1
    if output is not None:
        print(f"wrote {output}; review it, then run `jpo-bot validate`", file=sys.stderr)
    return 0


def postings_command(args: argparse.Namespace) -> int:
    """Lists id, short name and number of topics of every posting."""
    knowledge = _load(_knowledge_dir(args))
    if knowledge is None:
        return 1
    rows = [
        (posting.id, posting.name.en, str(len(posting.topics)))
        for posting in knowledge.postings.values()
    ]
    _print_table(("id", "name", "topics"), rows)
    return 0


def show_command(args: argparse.Namespace) -> int:
    """Prints a posting's topics, or one topic's content as plain text."""
    knowledge = _load(_knowledge_dir(args))
    if knowledge is None:
        return 1
    posting = knowledge.posting(args.posting_id)
    if posting is None:
        print(_unknown("posting", args.posting_id, knowledge.postings), file=sys.stderr)
        return 1
    if args.topic_id is None:
        print(f"{posting.id}: {posting.title} — {posting.organisation}")
        rows = [
            (topic_id, knowledge.topics[topic_id].title.en, _size(posting.topics[topic_id]))
            for topic_id in knowledge.posting_topics(posting.id)
        ]
        _print_table(("topic", "title", "content"), rows)
        return 0
    content = posting.topics.get(args.topic_id)
    if content is None:
        print(_unknown("topic", args.topic_id, posting.topics, posting.id), file=sys.stderr)
        return 1
    print(render_content(content))
    return 0


def _unknown(kind: str, wanted: str, known: Iterable[str], posting_id: str = "") -> str:
    names = sorted(known)
    where = f" in posting `{posting_id}`" if posting_id else ""
    best = did_you_mean(wanted, names)
    hint = f"did you mean `{best}`? " if best else ""
    return printable(f"error: no {kind} `{wanted}`{where}; {hint}known: {', '.join(names)}")


def _size(content: Content) -> str:
    parts = ["text"] if content.text else []
    if content.points:
        parts.append(f"{len(content.points)} points")
    if content.sections:
        parts.append(f"{len(content.sections)} sections")
    return ", ".join(parts)


def render_content(content: Content) -> str:
    """A topic's content as plain text: paragraph, bullets, titled sub-lists."""
    blocks = [content.text] if content.text else []
    if content.points:
        blocks.append("\n".join(f"• {point}" for point in content.points))
    for section in content.sections:
        blocks.append("\n".join([f"{section.title}:", *(f"• {p}" for p in section.points)]))
    return "\n\n".join(blocks)


def _print_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def schema_command(args: argparse.Namespace) -> int:
    """Writes knowledge/schema/*.json, or with --check exits 1 when they are stale."""
    directory = _knowledge_dir(args) / SCHEMA_SUBDIR
    if args.check:
        stale = stale_schemas(directory)
        if stale:
            names = ", ".join(str(_shown(directory / name)) for name in stale)
            print(f"stale JSON Schema: {names}; run `jpo-bot schema` to regenerate")
            return 1
        print(f"{_shown(directory)}: JSON Schemas are up to date")
        return 0
    try:
        written = write_schemas(directory)
    except OSError as error:
        print(f"error: cannot write {directory}: {error.strerror}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {_shown(path)}")
    return 0
