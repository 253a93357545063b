"""Telegram end to end: updates per second through a fake Bot API server, and the bot's
own time per update.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_telegram`.

The bot is the real Application from `build_application`, with the real knowledge and a
real SQLite question log, polling the fake Bot API server (tests/fake_bot_api.py) over
HTTP on 127.0.0.1. The server runs in a child process, so the bot's process is measured
on its own, as it would run against Telegram. Telegram's flood limits (about 30
messages a second) are lifted: they would measure Telegram, not the bot.

1. Burst: 3,000 questions from 100 chats queued at once; updates per second from the
   moment they are queued to the last reply the server receives. The question log must
   then hold exactly one row per question.
2. Bot-side time per update: during the burst, and with one question at a time. It is
   measured from outside the delivery code, by two subclasses defined here: the update
   processor times each update's handlers (once earlier updates of its chat are done),
   and the rate limiter, which every Bot API call passes through, times the calls, so
   that the time spent awaiting the Bot API can be taken off. PTB's own work around a
   call (building the request, parsing Telegram's reply into a Message) counts as the
   bot's time: about 0.3-0.6 ms per update more than the clock that used to run inside
   the delivery code, which counted it as waiting.

Targets: at least 200 updates/s on a 2-core machine; bot-side median under 5 ms.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter

from bot.config import load_settings
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.app import ChatOrderedProcessor, build_application

REPO = Path(__file__).resolve().parents[1]
CHATS = 100
WARM_UP = 200
BURST = 3000
ONE_AT_A_TIME = 200
QUESTIONS = (
    "How long is the assignment in Kingston?",
    "Wo ist der Dienstort der UNEP-Stelle?",
    "What are the duties?",
    "Which languages do I need for the UNESCO post?",
    "Is sargassum part of the job?",
    "what's the weather in berlin today",
)
FIRST_USER_ID = 50_000
SERVER_START_SECONDS = 30
HANDLE_TIMEOUT_SECONDS = 300
POLL_SECONDS = 0.0005  # how often the bench looks at the bot's handled-updates counter
TARGET_UPDATES_PER_SECOND = 200
TARGET_MEDIAN_MS = 5.0


# The seconds the current update has spent awaiting the Bot API (None outside an update).
_API_WAIT: ContextVar[list[float] | None] = ContextVar("api_wait", default=None)


class TimedProcessor(ChatOrderedProcessor):
    """The bot's own update processor, recording each update's time minus its API waits."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self.handled = 0  # updates handled since the start, whatever `clear` removed

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await super().do_process_update(update, self._timed(coroutine))

    async def _timed(self, coroutine: Awaitable[Any]) -> None:
        # Runs in the update's own task, as do the Bot API calls its handlers make.
        waited = [0.0]
        _API_WAIT.set(waited)
        started = time.perf_counter()
        try:
            await coroutine
        finally:
            self.seconds.append(time.perf_counter() - started - waited[0])
            self.handled += 1

    def clear(self) -> None:
        self.seconds.clear()


class TimedRateLimiter(AIORateLimiter):
    """Telegram's limits lifted; adds each Bot API call's time to its update's wait."""

    def __init__(self) -> None:
        super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=3)

    async def process_request(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await super().process_request(*args, **kwargs)
        finally:
            waited = _API_WAIT.get()
            if waited is not None:
                waited[0] += time.perf_counter() - started


def main() -> None:
    """Runs the burst and the one-at-a-time measurement and prints the figures."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve_fake_api, args=(theirs,), daemon=True)
    server.start()
    try:
        figures = asyncio.run(_measure(ours))
    finally:
        ours.send(("stop",))
        server.join(timeout=10)
    _report(figures)


async def _measure(server: Connection) -> dict[str, Any]:
    if not server.poll(SERVER_START_SECONDS):
        raise RuntimeError("the fake Bot API server did not start")
    base_url, token = server.recv()
    timings = TimedProcessor()
    with tempfile.TemporaryDirectory(prefix="bench-telegram-") as folder:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token=token,
            telegram_base_url=base_url,
            database_path=Path(folder) / "log.sqlite3",
            knowledge_dir=REPO / "knowledge",
            log_hash_secret=new_hash_secret(),
            log_encryption_key=new_encryption_key(),
            # Throughput is measured with 30 questions a chat: fair use would drop most.
            fair_use_messages=0,
        )
        assert settings.log_hash_secret and settings.log_encryption_key
        store = await Store.open(
            settings.database_path,
            hash_secret=settings.log_hash_secret.get_secret_value(),
            encryption_key=settings.log_encryption_key.get_secret_value(),
        )
        app = build_application(
            settings,
            knowledge=KnowledgeService.load(settings.knowledge_dir),
            question_log=store,
            rate_limiter=TimedRateLimiter(),
            update_processor=timings,
        )
        async with app:
            await app.post_init(app)  # type: ignore[misc]
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await _handled(server, timings, WARM_UP, CHATS)
            timings.clear()
            burst_seconds = await _handled(server, timings, BURST, CHATS)
            burst_ms = list(timings.seconds)
            timings.clear()
            round_trips = [await _handled(server, timings, 1, 1) for _ in range(ONE_AT_A_TIME)]
            single_ms = list(timings.seconds)
            await app.updater.stop()
            await app.stop()
        await app.post_shutdown(app)  # type: ignore[misc]
        rows = len(await store.export_rows())
        await store.close()
    return {
        "burst_seconds": burst_seconds,
        "burst_ms": [s * 1000 for s in burst_ms],
        "single_ms": [s * 1000 for s in single_ms],
        "round_trip_ms": [s * 1000 for s in round_trips],
        "rows": rows,
    }


async def _handled(server: Connection, timings: TimedProcessor, count: int, chats: int) -> float:
    """Has the server queue `count` questions from `chats` chats; returns the seconds until
    the bot has handled them all (each update counts once its last reply was accepted)."""
    done = timings.handled + count
    server.send(("push", count, chats))
    started = await asyncio.to_thread(server.recv)
    deadline = time.monotonic() + HANDLE_TIMEOUT_SECONDS
    while timings.handled < done:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{done - timings.handled} updates not handled in time")
        await asyncio.sleep(POLL_SECONDS)
    return time.monotonic() - started


def _report(figures: dict[str, Any]) -> None:
    rate = BURST / figures["burst_seconds"]
    burst, single = figures["burst_ms"], figures["single_ms"]
    expected_rows = WARM_UP + BURST + ONE_AT_A_TIME
    print("telegram end to end (bench/bench_telegram.py; run with `make bench`)")
    print(
        f"  burst: {BURST:,} questions from {CHATS} chats in {figures['burst_seconds']:.2f} s "
        f"= {rate:,.0f} updates/s (target ≥ {TARGET_UPDATES_PER_SECOND}) "
        f"{_verdict(rate >= TARGET_UPDATES_PER_SECOND)}"
    )
    print(
        f"  bot-side time per update during the burst: median {_median(burst):.2f} ms "
        f"(target < {TARGET_MEDIAN_MS:.0f}) {_verdict(_median(burst) < TARGET_MEDIAN_MS)}, "
        f"p99 {_p99(burst):.2f} ms"
    )
    print(
        f"  one question at a time ({ONE_AT_A_TIME}): bot-side median {_median(single):.2f} ms, "
        f"p99 {_p99(single):.2f} ms; round trip through the server median "
        f"{_median(figures['round_trip_ms']):.2f} ms"
    )
    print(
        f"  question log: {figures['rows']:,} rows for {expected_rows:,} questions "
        f"{_verdict(figures['rows'] == expected_rows)}"
    )


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _p99(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# --- the fake Bot API server, in its own process ---


def _serve_fake_api(connection: Connection) -> None:
    """Runs the fake server and carries out the bench's commands until told to stop."""
    asyncio.run(_fake_api_loop(connection))


async def _fake_api_loop(connection: Connection) -> None:
    from tests.fake_bot_api import FakeBotApi  # the tests' server; only the child needs it

    async with FakeBotApi() as api:
        users = [
            api.user(FIRST_USER_ID + n, f"User{n}", "de" if n % 3 else "en") for n in range(CHATS)
        ]
        connection.send((api.base_url, api.token))
        counter = 0
        while True:
            command, *args = await asyncio.to_thread(connection.recv)
            if command == "stop":
                return
            count, chats = args
            # The clock the parent reads too: CLOCK_MONOTONIC is system-wide on Linux.
            connection.send(time.monotonic())
            for _ in range(count):
                user = users[counter % chats]
                api.send_text(user, f"{QUESTIONS[counter % len(QUESTIONS)]} #{counter}")
                counter += 1


if __name__ == "__main__":
    main()
