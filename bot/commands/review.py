"""`jpo-bot review`: the unanswered inbox on the command line.

    jpo-bot review [--days N] [--low-score S] [--dir DIR]

Shows each group of unanswered questions (as `jpo-bot log unanswered` groups them): its
wordings and count, how they were answered, and the suggested topic; then reads one
choice a line from standard input:

    a        add the wordings as examples of the suggested topic
    o        other topic: the next line names it (a topic id; an empty line goes back)
    d        dismiss the group: hidden from later unanswered views
    s        skip to the next group
    q        quit (so does the end of the input)

After adding, the knowledge is reloaded and each wording asked again: its status,
topic and score now. A script can pipe its choices in (`printf 'a\\nd\\nq\\n' | jpo-bot
review`). Edits are journaled (`jpo-bot edits`, `jpo-bot undo`) under the local admin's
pseudonymous key.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot.commands.edits import add_dir_option, cli_author, knowledge_dir
from bot.config import settings_or_exit
from bot.knowledge.editing import EditRefused
from bot.printable import printable
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import (
    LOW_SCORE,
    MissingSecretError,
    StoreError,
    UnansweredGroup,
    WrongKeyError,
)
from bot.questionlog.startup import open_store
from bot.review import Added, add_to_topic, dismiss, suggested_topic
from bot.serving import KnowledgeService

EXIT_LOG_ERROR = 1
EXIT_CONFIG_ERROR = 2
DEFAULT_DAYS = 30
CHOICES = "[a] add as examples · [o] other topic · [d] dismiss · [s] skip · [q] quit"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Adds `review`."""
    review = subparsers.add_parser(
        "review", help="go through the unanswered questions: add them to a topic or dismiss them"
    )
    review.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"last N days (default {DEFAULT_DAYS})"
    )
    review.add_argument(
        "--low-score",
        type=float,
        default=LOW_SCORE,
        help=f"answers scoring below this count as unanswered (default {LOW_SCORE:.0f})",
    )
    add_dir_option(review)
    review.set_defaults(handler=_review)


def _review(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    service = KnowledgeService.load_or_exit(knowledge_dir(args))
    author = cli_author()

    async def run() -> int:
        store = await open_store(settings)
        try:
            grouping = await store.unanswered_grouping(args.days, low_score=args.low_score)
            session = Review(service, store, author, sys.stdin, sys.stdout.write)
            return await session.run(grouping.groups)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except (MissingSecretError, WrongKeyError) as error:
        print(f"configuration error: {printable(str(error))}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except StoreError as error:
        print(f"error: {printable(str(error))}", file=sys.stderr)
        return EXIT_LOG_ERROR


class Review:
    """One pass through the groups, choices read from `choices`, output to `write`."""

    def __init__(
        self,
        service: KnowledgeService,
        question_log: QuestionLog,
        author: str,
        choices: TextIO,
        write: Callable[[str], object],
    ) -> None:
        self.service = service
        self.question_log = question_log
        self.author = author
        self.choices = choices
        self.write = write

    def say(self, text: str = "") -> None:
        self.write(printable(text) + "\n")

    async def run(self, groups: tuple[UnansweredGroup, ...]) -> int:
        if not groups:
            self.say("No unanswered questions: the inbox is empty.")
            return 0
        for number, group in enumerate(groups, start=1):
            self._show(number, len(groups), group)
            if not await self._decide(group):
                break
        self.say("Done.")
        return 0

    def _show(self, number: int, total: int, group: UnansweredGroup) -> None:
        self.say()
        last = group.last_asked.strftime("%Y-%m-%d %H:%M")
        self.say(f"Group {number} of {total}: {group.count}× asked, last {last} UTC")
        for wording in group.wordings:
            self.say(f'  "{wording}"')
        statuses = ", ".join(f"{count.key or '-'} {count.count}" for count in group.statuses)
        self.say(f"  answered as: {statuses}")
        topic = suggested_topic(group, self.service.current)
        self.say(f"  suggested topic: {self._title(topic) if topic else '(none)'}")

    async def _decide(self, group: UnansweredGroup) -> bool:
        """Acts on choices until one settles the group; False to stop reviewing."""
        while True:
            choice = self._ask(CHOICES)
            if choice in (None, "q"):
                return False
            if choice == "s":
                return True
            if choice == "d":
                await dismiss(self.question_log, group, author=self.author)
                self.say("  dismissed: these questions no longer show as unanswered")
                return True
            if choice in ("a", "o"):
                topic = self._topic(group) if choice == "a" else self._other_topic()
                if topic is not None and await self._add(group, topic):
                    return True
                continue
            self.say(f"  unknown choice {choice!r}")

    def _ask(self, prompt: str) -> str | None:
        """The next line of input, stripped and lower-cased; None at the end of input."""
        self.write(f"{prompt}\n> ")
        line = self.choices.readline()
        if not self.choices.isatty():
            self.write(printable(line.strip()) + "\n")  # a piped choice shows in the transcript
        if not line:
            return None
        return line.strip().lower()

    def _topic(self, group: UnansweredGroup) -> str | None:
        topic = suggested_topic(group, self.service.current)
        if topic is None:
            self.say("  no topic to suggest: choose one with [o]")
        return topic

    def _other_topic(self) -> str | None:
        topics = self.service.knowledge.topics
        self.say("  topics: " + ", ".join(topics))
        while True:
            answer = self._ask("topic id (empty: back)")
            if not answer:
                return None
            if answer in topics:
                return answer
            self.say(f"  there is no topic {answer!r}")

    async def _add(self, group: UnansweredGroup, topic: str) -> bool:
        try:
            added = await asyncio.to_thread(
                add_to_topic, self.service, group, topic, author=self.author
            )
        except EditRefused as refused:
            for problem in refused.problems:
                self.say(f"  not added: {problem}")
            return False
        await dismiss(self.question_log, group, author=self.author)  # dealt with: out of the inbox
        self._report(added, topic)
        return True

    def _report(self, added: Added, topic: str) -> None:
        self.say(f"  added to {self._title(topic)} as edit {added.edit.id}")
        self.say(f"  (undo: jpo-bot undo {added.edit.id})")
        if added.reload.outcome == "refused":
            self.say("  the reload was refused: " + "; ".join(added.reload.problems))
        self.say("  answered now:")
        for answer in added.answers:
            where = " / ".join(part for part in (answer.posting, answer.topic) if part) or "-"
            self.say(
                f'    "{answer.wording}" -> {answer.status}, {where}, score {answer.score:.0f}'
            )

    def _title(self, topic: str) -> str:
        found = self.service.knowledge.topic(topic)
        return f"{topic} ({found.title.en})" if found else topic
