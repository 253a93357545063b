"""Loading, holding and hot-reloading the knowledge: one piece for every door.

The Telegram bot, the terminal chat and the CLI all serve knowledge through a
`KnowledgeService`: it loads the folder once (`load`, or `load_or_exit` for a command
line), holds the engine serving now (`current`), and swaps in an edited folder once it
validates (`reload_if_changed`, `reload`). A refused reload changes nothing: the last
good knowledge keeps serving, and each problem is logged on one line with its
`file:line:col`. Whatever goes wrong while loading — a bad edit, but also a bug, a
`MemoryError` or a `RecursionError` on a pathological file — is a refused reload,
never a dead bot.

Loading takes tens of milliseconds and indexing seconds at a thousand postings, so an
asyncio caller uses `reload_if_changed_async` / `reload_async`, which do both in a
worker thread: every chat keeps being answered meanwhile. The swap itself is a single
reference assignment, so a reader sees the old engine or the new one, never a mix.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.engine.conversation import Assistant
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import KnowledgeError, load_knowledge

logger = logging.getLogger(__name__)

KNOWLEDGE_SUFFIXES = (".yaml", ".yml")

Fingerprint = tuple[tuple[str, int, int, int], ...]
Outcome = Literal["unchanged", "reloaded", "refused"]


class KnowledgeUnavailable(Exception):
    """The knowledge cannot be loaded at start; `.problems` lists every reason, one a line."""

    def __init__(self, directory: Path, problems: tuple[str, ...]) -> None:
        self.directory = directory
        self.problems = problems
        super().__init__(f"the knowledge in {directory} cannot be loaded")


@dataclass(frozen=True, slots=True)
class Reload:
    """What a reload did: `reloaded` (a new version serves), `unchanged` or `refused`."""

    outcome: Outcome
    version: str  # the version serving after the reload
    previous: str  # the version serving before it
    problems: tuple[str, ...] = ()  # why it was refused, each "file:line:col: message"


def knowledge_fingerprint(directory: Path) -> Fingerprint:
    """A cheap change detector: every knowledge file's path, size, mtime and inode.

    Symlinked folders are followed (a `postings/` that links elsewhere is watched like
    a real one); a folder reached twice through links is read once, so a loop ends.
    """
    entries = []
    seen: set[tuple[int, int]] = set()
    for root, folders, files in os.walk(directory, followlinks=True):
        try:
            stat = os.stat(root)
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:
            folders.clear()
            continue
        seen.add((stat.st_dev, stat.st_ino))
        for name in files:
            if name.endswith(KNOWLEDGE_SUFFIXES):
                path = os.path.join(root, name)
                try:
                    stat = os.stat(path)  # follows a symlinked file to its target
                except OSError:
                    continue  # removed between listing and stat; the next check sees it
                entries.append((path, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(sorted(entries))


class KnowledgeService:
    """The engine serving now, and the one way to replace it."""

    def __init__(self, directory: Path, knowledge: KnowledgeBase) -> None:
        self.directory = Path(directory)
        self._current = Assistant(knowledge)
        self._seen = knowledge_fingerprint(self.directory)
        # The reload job and an admin's /reload may run at once, each in a worker thread.
        self._lock = threading.Lock()

    @classmethod
    def load(cls, directory: Path) -> KnowledgeService:
        """Loads the folder; raises KnowledgeUnavailable with every problem on its own line."""
        directory = Path(directory)
        seen = knowledge_fingerprint(directory)
        try:
            knowledge = load_knowledge(directory)
        except Exception as error:  # MemoryError and RecursionError included
            raise KnowledgeUnavailable(directory, _problems(directory, error)) from error
        service = cls(directory, knowledge)
        service._seen = seen  # an edit during the load is picked up by the first check
        return service

    @classmethod
    def load_or_exit(cls, directory: Path) -> KnowledgeService:
        """`load` for a command line: every problem, then one summary line, on stderr; exit 1."""
        try:
            return cls.load(directory)
        except KnowledgeUnavailable as error:
            for problem in error.problems:
                print(problem, file=sys.stderr)
            print(error, file=sys.stderr)
            raise SystemExit(1) from None

    @property
    def current(self) -> Assistant:
        """The engine to ask now; read it once per question, a reload may swap it after."""
        return self._current

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._current.kb

    @property
    def version(self) -> str:
        return self._current.version

    def changed(self) -> bool:
        """Whether a knowledge file changed since the last load or reload."""
        return knowledge_fingerprint(self.directory) != self._seen

    def reload_if_changed(self) -> Reload:
        """Reloads when a knowledge file changed (blocking: for the terminal chat and CLI)."""
        with self._lock:
            if not self.changed():
                return Reload("unchanged", self.version, self.version)
            return self._reload()

    def reload(self) -> Reload:
        """Loads and validates the folder now, changed or not (blocking)."""
        with self._lock:
            return self._reload()

    async def reload_if_changed_async(self) -> Reload:
        """`reload_if_changed` in a worker thread, for the event loop."""
        return await asyncio.to_thread(self.reload_if_changed)

    async def reload_async(self) -> Reload:
        """`reload` in a worker thread, for the event loop (an admin's /reload)."""
        return await asyncio.to_thread(self.reload)

    def _reload(self) -> Reload:
        # Fingerprint first: an edit landing during the load is seen by the next check.
        self._seen = knowledge_fingerprint(self.directory)
        serving = self.version
        try:
            knowledge = load_knowledge(self.directory)
            if knowledge.version == serving:
                return Reload("unchanged", serving, serving)
            assistant = Assistant(knowledge)  # indexing: the slow part
        except Exception as error:  # MemoryError and RecursionError included
            return self._refused(serving, _problems(self.directory, error), error)
        self._current = assistant  # one assignment: no reader sees half of it
        logger.info("knowledge reloaded: version %s replaces %s", assistant.version, serving)
        return Reload("reloaded", assistant.version, serving)

    def _refused(self, serving: str, problems: tuple[str, ...], error: Exception) -> Reload:
        for problem in problems:
            logger.error("knowledge not reloaded: %s", problem)
        if not isinstance(error, KnowledgeError):
            # A bug rather than a bad edit: the traceback helps whoever fixes it.
            logger.debug("the reload's traceback", exc_info=error)
        logger.error(
            "knowledge reload failed with %d problem(s); still serving version %s",
            len(problems),
            serving,
        )
        return Reload("refused", serving, serving, problems)


def _problems(directory: Path, error: BaseException) -> tuple[str, ...]:
    """Each reason as one `file:line[:col]: message` line."""
    if isinstance(error, KnowledgeError):
        return tuple(str(problem) for problem in error.problems)
    # Not a problem the loader found: name the folder and where in the code it broke.
    frames = traceback.extract_tb(error.__traceback__)
    where = f" (raised at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    message = " ".join(str(error).split())[:200] or "no details"
    return (f"{directory}:1:1: {type(error).__name__}: {message}{where}",)
