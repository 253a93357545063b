"""The terminal chat: the same engine and conversation logic as Telegram, in a terminal.

Suggestions are numbered; typing a number picks one, as pressing a button does on
Telegram. Works from a pipe as well as a terminal and ends cleanly at end of input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.answers import Reply
from bot.config import settings_or_exit
from bot.conversation import Assistant, Turn
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.render import render_plain
from bot.state import ChatState, language_of

HELP = """Commands: /postings  /topics  /lang en|de|fr|es  /help  /quit
Type a question, or the number of a suggestion."""

PROMPT = "you> "


class TerminalChat:
    """One terminal conversation: state, the last suggestions, and the engine."""

    def __init__(self, assistant: Assistant, out: TextIO, lang: str = "en") -> None:
        self.assistant = assistant
        self.out = out
        self.state = ChatState(lang=language_of(lang))
        self.suggestions: tuple = ()

    def greet(self) -> None:
        self._show(self.assistant.postings_menu(self.state))
        print(HELP, file=self.out)

    def handle(self, line: str) -> bool:
        """Handles one input line; False when the user wants to leave."""
        text = line.strip()
        if text in {"/quit", "/exit", "quit", "exit"}:
            return False
        if text == "/help":
            print(HELP, file=self.out)
        elif text == "/postings":
            self._show(self.assistant.postings_menu(self.state))
        elif text == "/topics":
            self._show(self.assistant.topics_menu(self.state))
        elif text.startswith("/lang"):
            self.state = ChatState(self.state.posting, language_of(text[5:].strip()))
            print(f"language: {self.state.lang}", file=self.out)
        elif text.isdigit() and 1 <= int(text) <= len(self.suggestions):
            self._take(self.assistant.act(self.suggestions[int(text) - 1].action, self.state))
        else:
            self._take(self.assistant.ask(text, self.state))
        return True

    def _take(self, turn: Turn) -> None:
        self.state = turn.state
        self._show(turn.reply)

    def _show(self, reply: Reply) -> None:
        print("\n" + render_plain(reply.answer), file=self.out)
        self.suggestions = reply.suggestions
        for number, suggestion in enumerate(reply.suggestions, start=1):
            print(f"  [{number}] {suggestion.label}", file=self.out)
        print(file=self.out)


def load_assistant_or_exit(directory: Path) -> Assistant:
    """Loads the knowledge into an engine, or stops with every problem listed (exit 1)."""
    try:
        return Assistant(load_knowledge(directory))
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(1) from None


def run_chat(
    assistant: Assistant | None = None,
    lines: Iterable[str] | None = None,
    out: TextIO | None = None,
    lang: str = "en",
) -> int:
    """Runs the conversation over `lines` (default: standard input) until it ends."""
    if assistant is None:
        assistant = load_assistant_or_exit(settings_or_exit().knowledge_dir)
    out = out or sys.stdout
    interactive = lines is None and sys.stdin.isatty()
    chat = TerminalChat(assistant, out, lang)
    chat.greet()
    source = lines if lines is not None else _stdin_lines(interactive)
    for line in source:
        if not chat.handle(line):
            break
    return 0


def _stdin_lines(interactive: bool) -> Iterable[str]:
    while True:
        try:
            line = input(PROMPT) if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and line == "":
            return
        yield line
