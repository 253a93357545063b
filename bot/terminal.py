"""The terminal chat: the same engine and conversation logic as Telegram, in a terminal.

Suggestions are numbered; typing a number picks one, as pressing a button does on
Telegram. Works from a pipe as well as a terminal and ends cleanly at end of input.
Between two inputs the chat checks the knowledge folder: an edit that validates is
answered from the next question on, as in the running bot; one that does not is
refused with its problems logged, and the last good knowledge keeps answering.
When the question log is configured (LOG_HASH_SECRET and LOG_ENCRYPTION_KEY), every
question and answer-producing choice is logged with channel "terminal", like Telegram's;
the guided eligibility check (`/check`, numbered choices) is not: its answers stay in the
chat state only.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from bot.config import Settings, settings_or_exit
from bot.engine.answers import AnswerCheck, Reply, Suggestion
from bot.engine.conversation import Assistant, Turn
from bot.engine.render import render_plain
from bot.engine.state import ChatState, language_of
from bot.printable import printable
from bot.questionlog.interface import QuestionLog
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import StoreError
from bot.questionlog.startup import open_store
from bot.reply_record import record_of_reply
from bot.serving import KnowledgeService
from bot.texts import TerminalTexts, texts_for

logger = logging.getLogger(__name__)

PROMPT = "you> "

# Called after each answered line: (text or picked label, "question" | "button", reply, ms).
TurnListener = Callable[[str, str, Reply, float], None]


class TerminalChat:
    """One terminal conversation: state, the last suggestions, and the knowledge served."""

    def __init__(
        self,
        knowledge: KnowledgeService,
        out: TextIO,
        lang: str = "en",
        on_turn: TurnListener | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.out = out
        self.state = ChatState(lang=language_of(lang))
        # The language of the last reply's own words (it follows the message's language).
        self.reply_lang: str = self.state.lang
        self.suggestions: tuple[Suggestion, ...] = ()
        self.on_turn = on_turn
        # The terminal's message ids for the question log's links: replies are numbered as
        # shown, and a picked number names the reply whose suggestions it came from.
        self.shown = 0
        self.picked_from: int | None = None

    @property
    def assistant(self) -> Assistant:
        return self.knowledge.current

    @property
    def _texts(self) -> TerminalTexts:
        return texts_for(self.state.lang).terminal

    def greet(self) -> None:
        self._show(self.assistant.postings_menu(self.state))
        print(self._texts.help, file=self.out)

    def handle(self, line: str) -> bool:
        """Handles one input line; False when the user wants to leave."""
        text = line.strip()
        if text in {"/quit", "/exit", "quit", "exit"}:
            return False
        self._refresh()
        if text == "/help":
            print(self._texts.help, file=self.out)
        elif text == "/postings":
            self._show(self.assistant.postings_menu(self.state))
        elif text == "/topics":
            self._show(self.assistant.topics_menu(self.state))
        elif text == "/check":
            self._take(text, "check", lambda: self.assistant.start_check(self.state), log=False)
        elif text.startswith("/lang"):
            self.state = ChatState(self.state.posting, language_of(text[5:].strip()))
            print(self._texts.language_set.format(lang=self.state.lang), file=self.out)
        elif text.isdigit() and 1 <= int(text) <= len(self.suggestions):
            picked = self.suggestions[int(text) - 1]
            self.picked_from = self.shown
            if not _still_served(picked, self.assistant):
                self._show(self.assistant.postings_menu(self.state))  # removed by a reload
                return True
            self._take(
                picked.label,
                "button",
                lambda: self.assistant.act(picked.action, self.state),
                log=not isinstance(picked.action, AnswerCheck),
            )
        else:
            self.picked_from = None
            self._take(text, "question", lambda: self.assistant.ask(text, self.state))
        return True

    def _refresh(self) -> None:
        """Serves edited knowledge from this input on."""
        if self.knowledge.reload_if_changed().outcome != "reloaded":
            return
        # The reload may have removed the chat's posting: no engine step may see its id.
        if self.state.posting not in (None, *self.assistant.posting_ids()):
            self.state = self.state.with_posting(None)

    def _take(self, said: str, kind: str, step: Callable[[], Turn], *, log: bool = True) -> None:
        started = time.perf_counter()
        turn = step()
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.state = turn.state
        self.reply_lang = turn.lang
        self._show(turn.reply)
        if log and self.on_turn is not None:
            self.on_turn(said, kind, turn.reply, elapsed_ms)

    def _show(self, reply: Reply) -> None:
        self.shown += 1
        print("\n" + printable(render_plain(reply.answer)), file=self.out)
        self.suggestions = reply.suggestions
        for number, suggestion in enumerate(reply.suggestions, start=1):
            print(f"  [{number}] {printable(suggestion.label)}", file=self.out)
        print(file=self.out)


def _still_served(suggestion: Suggestion, assistant: Assistant) -> bool:
    """Whether a suggestion shown before a reload still names a posting that exists."""
    posting = getattr(suggestion.action, "posting", None)
    return posting is None or posting in assistant.posting_ids()


def run_chat(
    knowledge: KnowledgeService | None = None,
    lines: Iterable[str] | None = None,
    out: TextIO | None = None,
    lang: str = "en",
    settings: Settings | None = None,
) -> int:
    """Runs the conversation over `lines` (default: standard input) until it ends.

    Without a knowledge service given, the knowledge and the question log come from the settings.
    """
    if knowledge is None:
        settings = settings or settings_or_exit()
        knowledge = KnowledgeService.load_or_exit(settings.knowledge_dir)
    out = out or sys.stdout
    source = lines if lines is not None else _stdin_lines(sys.stdin.isatty())
    return asyncio.run(_converse(knowledge, out, lang, settings, source))


async def _open_log(settings: Settings | None) -> QuestionLog:
    """The configured log; without secrets the session is logged in memory only. A
    configured log that cannot be opened stops the chat (one line on stderr, exit 2)."""
    if settings is None or not (settings.log_hash_secret and settings.log_encryption_key):
        return MemoryQuestionLog()
    try:
        return await open_store(settings)
    except StoreError as error:
        print(f"question log: {printable(str(error))}", file=sys.stderr)
        raise SystemExit(2) from None


async def _converse(
    knowledge: KnowledgeService,
    out: TextIO,
    lang: str,
    settings: Settings | None,
    source: Iterable[str],
) -> int:
    question_log = await _open_log(settings)
    # One pseudonymous chat per terminal session; the log keeps only its keyed hash.
    session = f"terminal-{uuid.uuid4()}"

    def log_turn(said: str, kind: str, reply: Reply, elapsed_ms: float) -> None:
        question_log.log(
            record_of_reply(
                reply,
                channel="terminal",
                chat_id=session,
                lang=chat.reply_lang,
                question=said,
                kind=kind,
                latency_ms=elapsed_ms,
                knowledge_version=knowledge.version,
                reply_message_id=chat.shown,
                pressed_message_id=chat.picked_from if kind == "button" else None,
            )
        )

    chat = TerminalChat(knowledge, out, lang, on_turn=log_turn)
    lines = iter(source)
    try:
        chat.greet()
        while (line := await asyncio.to_thread(_next_line, lines)) is not None:
            if not chat.handle(line):
                break
    finally:
        await question_log.close()
    return 0


def _next_line(lines: Iterator[str]) -> str | None:
    return next(lines, None)


def _stdin_lines(interactive: bool) -> Iterable[str]:
    while True:
        try:
            line = input(PROMPT) if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and line == "":
            return
        yield line
