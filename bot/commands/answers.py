"""Subcommands that put questions to the engine: `ask`, `eval` and `chat`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.config import settings_or_exit
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.evaluation import (
    CaseError,
    ask_conversation,
    calibration,
    evaluate,
    load_cases,
    report,
)
from bot.knowledge.schema import LANGS
from bot.printable import printable
from bot.serving import KnowledgeService


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `ask`, `eval` and `chat`."""
    ask = subparsers.add_parser("ask", help="answer one question (or a batch) and print it")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--context", metavar="POSTING_ID", help="posting already selected")
    ask.add_argument("--lang", choices=LANGS, default="en", help="the asker's language")
    ask.add_argument("--batch", type=Path, metavar="FILE.jsonl", help="one question a line")
    _knowledge_option(ask)
    ask.set_defaults(handler=_ask)

    evaluate_ = subparsers.add_parser("eval", help="score the engine on a question set")
    evaluate_.add_argument("file", type=Path, help="question set (YAML, see EVAL.md)")
    evaluate_.add_argument("--min", type=float, default=0.0, help="fail below this pass rate")
    evaluate_.add_argument(
        "--calibration", action="store_true", help="also print score band → share correct"
    )
    _knowledge_option(evaluate_)
    evaluate_.set_defaults(handler=_eval)

    chat = subparsers.add_parser("chat", help="talk to the assistant in the terminal")
    chat.add_argument("--lang", choices=LANGS, default="en")
    _knowledge_option(chat)
    chat.set_defaults(handler=_chat)


def _knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--knowledge", type=Path, metavar="DIR", help="knowledge folder")


def _knowledge(args: argparse.Namespace) -> KnowledgeService:
    directory = args.knowledge or settings_or_exit().knowledge_dir
    return KnowledgeService.load_or_exit(directory)


def _assistant(args: argparse.Namespace) -> Assistant:
    return _knowledge(args).current


def _ask(args: argparse.Namespace) -> int:
    if (args.question is None) == (args.batch is None):
        print("jpo-bot ask: give a QUESTION or --batch FILE", file=sys.stderr)
        return 2
    assistant = _assistant(args)
    for item in _questions(args):
        if args.json:
            result = ask_conversation(assistant, *item)
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            _print_plain(assistant, *item)
    return 0


Asked = tuple[str, str | None, str, tuple[str, ...]]


def _questions(args: argparse.Namespace) -> list[Asked]:
    """The question of the command line, or every line of the batch file (with its history)."""
    if args.question is not None:
        return [(args.question, args.context, args.lang, ())]
    items = []
    for number, line in enumerate(_batch_lines(args.batch), 1):
        if not line.strip():
            continue
        try:
            item: dict[str, Any] = json.loads(line)
            history = item.get("history") or []
            if not isinstance(history, list):
                raise TypeError
            lang = item.get("lang") or args.lang
            items.append(
                (str(item["question"]), item.get("context"), lang, tuple(map(str, history)))
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            print(
                f"{printable(str(args.batch))}:{number}: not a JSON object with a question",
                file=sys.stderr,
            )
            raise SystemExit(2) from None
    return items


def _batch_lines(path: Path) -> list[str]:
    """The batch file's lines; one line on stderr and exit 2 when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        problem = "no such file"
    except IsADirectoryError:
        problem = "is a folder, not a file"
    except UnicodeDecodeError:
        problem = "not UTF-8 text (save it as UTF-8 JSON lines)"
    except OSError as error:
        problem = error.strerror or "cannot be read"
    print(f"jpo-bot ask: {printable(str(path))}: {problem}", file=sys.stderr)
    raise SystemExit(2)


def _print_plain(
    assistant: Assistant, question: str, context: str | None, lang: str, history: tuple[str, ...]
) -> None:
    from bot.engine.state import ChatState, language_of

    state = ChatState(posting=context, lang=language_of(lang))
    for earlier in history:
        state = assistant.ask(earlier, state).state
    reply = assistant.ask(question, state).reply
    print(printable(render_plain(reply.answer)))
    for number, suggestion in enumerate(reply.suggestions, start=1):
        print(f"  [{number}] {printable(suggestion.label)}")
    print(
        printable(
            f"({reply.status}, posting={reply.posting}, topic={reply.topic}, score={reply.score})"
        )
    )


def _eval(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"jpo-bot eval: no such file: {args.file}", file=sys.stderr)
        return 2
    try:
        cases = load_cases(args.file)
    except (CaseError, UnicodeDecodeError, yaml.YAMLError) as error:
        print(f"jpo-bot eval: {args.file}: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    outcomes = evaluate(_assistant(args), cases)
    print(report(outcomes))
    if args.calibration:
        print("\n" + calibration(outcomes))
    rate = sum(o.passed for o in outcomes) / max(1, len(outcomes))
    return 1 if rate * 100 < args.min else 0


def _chat(args: argparse.Namespace) -> int:
    from bot.terminal import run_chat  # the chat's question log is not needed by ask or eval

    return run_chat(_knowledge(args), lang=args.lang)
