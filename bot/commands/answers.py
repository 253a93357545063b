"""Subcommands that put questions to the engine: `ask`, `eval` and `chat`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import settings_or_exit
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.evaluation import ask_one, evaluate, load_cases, report
from bot.knowledge.schema import LANGS
from bot.serving import KnowledgeService
from bot.terminal import run_chat


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    for question, context, lang in _questions(args):
        result = ask_one(assistant, question, context, lang)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            _print_plain(assistant, question, context, lang)
    return 0


def _questions(args: argparse.Namespace) -> list[tuple[str, str | None, str]]:
    if args.question is not None:
        return [(args.question, args.context, args.lang)]
    items = []
    for number, line in enumerate(args.batch.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item: dict[str, Any] = json.loads(line)
            items.append((str(item["question"]), item.get("context"), item.get("lang") or "en"))
        except (ValueError, KeyError, TypeError):
            print(f"{args.batch}:{number}: not a JSON object with a question", file=sys.stderr)
            raise SystemExit(2) from None
    return items


def _print_plain(assistant: Assistant, question: str, context: str | None, lang: str) -> None:
    from bot.engine.state import ChatState, language_of

    reply = assistant.ask(question, ChatState(posting=context, lang=language_of(lang))).reply
    print(render_plain(reply.answer))
    for number, suggestion in enumerate(reply.suggestions, start=1):
        print(f"  [{number}] {suggestion.label}")
    print(f"({reply.status}, posting={reply.posting}, topic={reply.topic}, score={reply.score})")


def _eval(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"jpo-bot eval: no such file: {args.file}", file=sys.stderr)
        return 2
    outcomes = evaluate(_assistant(args), load_cases(args.file))
    print(report(outcomes))
    rate = sum(o.passed for o in outcomes) / max(1, len(outcomes))
    return 1 if rate * 100 < args.min else 0


def _chat(args: argparse.Namespace) -> int:
    return run_chat(_knowledge(args), lang=args.lang)
