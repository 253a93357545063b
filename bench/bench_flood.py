"""An ordinary candidate's reply latency while one user floods the bot and an admin runs
`/unanswered` over 10,000 rows, through the real Telegram path.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_flood`.

The bot is the real Application from `build_application`, driven as `jpo-bot run` drives
it (`bot.telegram.receiver.serve`: polling, the inbox, PTB's handlers), with the real
knowledge and a real SQLite question log pre-filled through the store with 10,000
distinct unanswered questions (bench/bench_admin.py's gibberish). It polls the fake Bot
API server (tests/fake_bot_api.py) over HTTP on 127.0.0.1; the server runs in a child
process, as in bench/bench_telegram.py, so the bot's process is measured on its own.
Fair use is on at its default (`FAIR_USE_MESSAGES`); Telegram's own flood limits are
lifted, as in bench_telegram: they would measure Telegram, not the bot.

Three conditions, each with fresh users (so one condition's fair-use windows cannot
favour or hurt the next):

1. alone: ordinary candidates ask 50 questions, one at a time (each sent once the
   previous one has its reply). They are 5 candidates of 10 questions each: one
   candidate asking 50 within a minute would be stopped by fair use itself after 20.
2. flood: the same, while one user sends 300 messages as fast as the server can queue
   them: 6 are queued just before each of the candidates' questions, so every question
   waits behind part of the flood.
3. flood + admin: the same again, and an admin (`ADMIN_USER_IDS`) sends `/unanswered`
   before questions 1, 11, 21, 31 and 41, without waiting for its reply.

The round trip is measured by the server: from queuing the candidate's message to the
bot's first reply to it reaching the server (Telegram's own network time excluded).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.bench_admin import ROWS, _gibberish, _record
from bench.bench_telegram import QUESTIONS, REPO, SERVER_START_SECONDS, TimedRateLimiter
from bot.config import Settings, load_settings
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.app import build_application
from bot.telegram.receiver import serve

QUESTIONS_ASKED = 50
CANDIDATES = 5  # each asks QUESTIONS_ASKED / CANDIDATES, well within the fair-use limit
FLOOD = 300
FLOOD_PER_QUESTION = FLOOD // QUESTIONS_ASKED
ADMIN_EVERY = 10  # the admin's /unanswered goes before every 10th question
ADMIN_ID = 90_000
FIRST_USER_ID = 91_000
WARM_UP = 5
REPLY_TIMEOUT_SECONDS = 60.0
SETTLE_SECONDS = 0.5  # quiet time after the last update is fetched: dropped ones send nothing
CONDITIONS = (("alone", False, False), ("flood", True, False), ("flood + admin", True, True))


def main() -> None:
    """Runs the three conditions and prints the figures."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve_fake_api, args=(theirs,), daemon=True)
    server.start()
    try:
        started = time.perf_counter()
        results, fair_use = asyncio.run(_measure(ours))
        seconds = time.perf_counter() - started
    finally:
        ours.send(("stop",))
        server.join(timeout=10)
    _report(results, fair_use, seconds)


async def _measure(server: Connection) -> tuple[list[dict[str, Any]], int]:
    if not server.poll(SERVER_START_SECONDS):
        raise RuntimeError("the fake Bot API server did not start")
    base_url, token = server.recv()
    with tempfile.TemporaryDirectory(prefix="bench-flood-") as folder:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token=token,
            telegram_base_url=base_url,
            database_path=Path(folder) / "log.sqlite3",
            knowledge_dir=REPO / "knowledge",
            log_hash_secret=new_hash_secret(),
            log_encryption_key=new_encryption_key(),
            admin_user_ids=frozenset({ADMIN_ID}),
        )
        store = await _prefilled(settings)
        try:
            results = await _conditions(server, settings, store)
        finally:
            await store.close()
    return results, settings.fair_use_messages


async def _prefilled(settings: Settings) -> Store:
    """The question log, holding ROWS distinct unanswered questions (written by the store)."""
    assert settings.log_hash_secret and settings.log_encryption_key
    store = await Store.open(
        settings.database_path,
        hash_secret=settings.log_hash_secret.get_secret_value(),
        encryption_key=settings.log_encryption_key.get_secret_value(),
    )
    for number, text in enumerate(_gibberish(ROWS)):
        store.log(_record(number, text, "fallback"))
    await store.flush()
    return store


async def _conditions(server: Connection, settings: Settings, store: Store) -> list[dict[str, Any]]:
    """Starts the bot as `jpo-bot run` would and has the server play each condition."""
    app = build_application(
        settings,
        knowledge=KnowledgeService.load(settings.knowledge_dir),
        question_log=store,
        rate_limiter=TimedRateLimiter(),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, store.inbox, None, stop=stop))
    try:
        await _play(server, ("warm-up", False, False), running)
        return [await _play(server, condition, running) for condition in CONDITIONS]
    finally:
        stop.set()
        await running


async def _play(
    server: Connection, condition: tuple[str, bool, bool], running: asyncio.Task[None]
) -> dict[str, Any]:
    server.send(("play", *condition))
    while not await asyncio.to_thread(server.poll, 0.5):
        if running.done():
            running.result()  # the bot stopped: its exception, if any, says why
            raise RuntimeError("the bot stopped during the benchmark")
    result: dict[str, Any] | BaseException = server.recv()
    if isinstance(result, BaseException):
        raise result
    return result


def _report(results: list[dict[str, Any]], fair_use: int, seconds: float) -> None:
    print(
        "an ordinary candidate's replies under a flood (bench/bench_flood.py; "
        "`.venv/bin/python -m bench.bench_flood` or `make bench`)"
    )
    print(
        f"  log of {ROWS:,} distinct unanswered questions; fair use {fair_use} messages a "
        f"minute; {QUESTIONS_ASKED} questions one at a time from {CANDIDATES} candidates; "
        f"round trip through the fake Bot API server"
    )
    for result in results:
        trips = result["round_trips"]
        line = (
            f"  {result['label']:<14} p50 {_ms(trips, 50)} ms, p95 {_ms(trips, 95)} ms, "
            f"p99 {_ms(trips, 99)} ms, max {max(trips) * 1000:.1f} ms"
        )
        if result["flood"]:
            line += (
                f"; flooder: {result['flood_answers']} of {FLOOD} answered, "
                f"{result['flood_notes']} fair-use note(s)"
            )
        print(line)
        admin = result["admin_seconds"]
        if admin:
            print(
                f"  {'':<14} admin: {len(admin)} /unanswered, reply after median "
                f"{statistics.median(admin):.2f} s, max {max(admin):.2f} s"
            )
    print(f"  whole run: {seconds:.1f} s")


def _ms(values: list[float], percentile: int) -> str:
    ranked = sorted(values)
    return f"{ranked[min(len(ranked) - 1, len(ranked) * percentile // 100)] * 1000:.1f}"


# --- the fake Bot API server, in its own process ---


def _serve_fake_api(connection: Connection) -> None:
    """Runs the fake server and plays the conditions the bench asks for until told to stop."""
    asyncio.run(_fake_api_loop(connection))


async def _fake_api_loop(connection: Connection) -> None:
    from tests.fake_bot_api import FakeBotApi  # the tests' server; only the child needs it

    async with FakeBotApi() as api:
        admin = api.user(ADMIN_ID, "Admin", "en")  # before the bot starts: it sets the admin menu
        connection.send((api.base_url, api.token))
        for round_number in range(len(CONDITIONS) + 2):  # the warm-up and a spare
            command, *args = await asyncio.to_thread(connection.recv)
            if command == "stop":
                return
            try:
                connection.send(await _Condition(api, admin, round_number, *args).play())
            except Exception as error:  # handed to the parent, which raises it
                connection.send(error)
        await asyncio.to_thread(connection.recv)  # "stop"


class _Condition:
    """One condition, played by the server: candidates, perhaps a flooder and an admin."""

    def __init__(
        self, api: Any, admin_user: Any, round_number: int, label: str, flood: bool, admin: bool
    ) -> None:
        first = FIRST_USER_ID + 100 * round_number  # fresh users: fresh fair-use windows
        self.api = api
        self.label = label
        self.candidates = [api.user(first + n, f"Candidate{n}", "en") for n in range(CANDIDATES)]
        self.flooder = api.user(first + 99, "Flooder", "en") if flood else None
        self.admin = admin_user if admin else None
        self.admin_seconds: list[float] = []

    async def play(self) -> dict[str, Any]:
        count = WARM_UP if self.label == "warm-up" else QUESTIONS_ASKED
        admin_tasks: list[asyncio.Task[None]] = []
        round_trips: list[float] = []
        for number in range(count):
            if self.admin is not None and number % ADMIN_EVERY == 0:
                admin_tasks.append(asyncio.create_task(self._admin_asks()))
            if self.flooder is not None:
                for n in range(FLOOD_PER_QUESTION):
                    flood_number = number * FLOOD_PER_QUESTION + n
                    self.api.send_text(self.flooder, f"{QUESTIONS[0]} #{flood_number}")
            round_trips.append(await self._ask(number))
        await asyncio.gather(*admin_tasks)
        await self._settle()
        return self._result(round_trips)

    async def _ask(self, number: int) -> float:
        """Seconds from queuing one candidate question to the bot's first reply to it."""
        candidate = self.candidates[number % CANDIDATES]
        before = len(self.api.messages_to(candidate.chat_id))
        started = time.perf_counter()
        self.api.send_text(candidate, QUESTIONS[number % len(QUESTIONS)])
        await self.api.wait_messages(candidate.chat_id, before + 1, REPLY_TIMEOUT_SECONDS)
        seconds = time.perf_counter() - started
        # A reply in several parts: the rest arrives before the next question is asked.
        await self._settle_chat(candidate.chat_id)
        return seconds

    async def _admin_asks(self) -> None:
        assert self.admin is not None
        before = len(self.api.messages_to(self.admin.chat_id))
        started = time.perf_counter()
        self.api.send_text(self.admin, "/unanswered")
        await self.api.wait_messages(self.admin.chat_id, before + 1, REPLY_TIMEOUT_SECONDS)
        self.admin_seconds.append(time.perf_counter() - started)

    async def _settle_chat(self, chat_id: int) -> None:
        """Waits until the bot has sent nothing more to the chat for a short while."""
        while True:
            count = len(self.api.messages_to(chat_id))
            await asyncio.sleep(0.002)
            if len(self.api.messages_to(chat_id)) == count:
                return

    async def _settle(self) -> None:
        """Waits until the bot has fetched every update and then sent nothing for a while."""
        await self.api.wait_for(lambda: self.api.pending_updates == 0, REPLY_TIMEOUT_SECONDS)
        while True:
            calls = len(self.api.calls)
            await asyncio.sleep(SETTLE_SECONDS)
            if len(self.api.calls) == calls:
                return

    def _result(self, round_trips: list[float]) -> dict[str, Any]:
        from bot.texts import ui_texts  # the note's text, to tell it from the answers

        note = ui_texts("en").fair_use
        to_flooder = self.api.messages_to(self.flooder.chat_id) if self.flooder else []
        notes = sum(1 for message in to_flooder if message.html == note)
        return {
            "label": self.label,
            "round_trips": round_trips,
            "flood": self.flooder is not None,
            "flood_answers": len(to_flooder) - notes,
            "flood_notes": notes,
            "admin_seconds": self.admin_seconds,
        }


if __name__ == "__main__":
    main()
