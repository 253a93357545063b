"""Restart after a crash: the time until 1,000 updates left in the inbox are answered.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_restart`.

A crashed bot leaves received, unhandled updates in its inbox (bot.questionlog.inbox).
Here 1,000 questions from 100 chats are stored in a real SQLite inbox as the killed
process would have left them; then the real application starts on that database
(`bot.telegram.receiver.serve`, polling the fake Bot API server of tests/fake_bot_api.py
over HTTP on 127.0.0.1; the server runs in a child process, so the bot is measured on its
own) and the clock runs from the start until the server has received
the 1,000th reply. Telegram's flood limits (about 30 messages a second, which alone
would make this take 34 s) are lifted: they would measure Telegram, not the bot. The
question log must then hold one row per question and the inbox nothing pending.

Target: under 10 s on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from telegram.ext import AIORateLimiter

from bot.config import Settings, load_settings
from bot.questionlog.inbox import InboxUpdate
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.app import build_application
from bot.telegram.receiver import serve

REPO = Path(__file__).resolve().parents[1]
PENDING = 1000
CHATS = 100
TARGET_SECONDS = 10.0
TIMEOUT_SECONDS = 300.0
SERVER_START_SECONDS = 30
POLL_SECONDS = 0.01
QUESTION = "How long is the assignment in Kingston?"


def main() -> None:
    """Measures the restart and prints the figures."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    server = context.Process(target=_serve_fake_api, args=(theirs,), daemon=True)
    server.start()
    try:
        seconds, rows, left = asyncio.run(_measure(ours))
    finally:
        ours.send(("stop",))
        server.join(timeout=10)
    print("Restart with 1,000 pending updates in the inbox")
    print(f"  all answered after:  {seconds:.2f} s ({PENDING / seconds:.0f} updates/s)")
    print(f"  log rows:            {rows} (expected {PENDING})")
    print(f"  still pending:       {left}")
    ok = seconds < TARGET_SECONDS and rows == PENDING and left == 0
    print(f"  target < {TARGET_SECONDS:.0f} s, every question logged: {'OK' if ok else 'MISSED'}")


async def _measure(server: Connection) -> tuple[float, int, int]:
    if not server.poll(SERVER_START_SECONDS):
        raise RuntimeError("the fake Bot API server did not start")
    base_url, token, left_by_a_crash = server.recv()
    with tempfile.TemporaryDirectory(prefix="bench-restart-") as folder:
        settings = load_settings(
            _env_file=None,
            telegram_bot_token=token,
            telegram_base_url=base_url,
            database_path=Path(folder) / "log.sqlite3",
            knowledge_dir=REPO / "knowledge",
            log_hash_secret=new_hash_secret(),
            log_encryption_key=new_encryption_key(),
        )
        store = await _open(settings)
        await store.inbox.receive([InboxUpdate(*item) for item in left_by_a_crash])
        await store.close()
        store = await _open(settings)
        try:
            seconds = await _restart(server, settings, store)
            rows = len(await store.export_rows())
            left = len(await store.inbox.pending())
        finally:
            await store.close()
    return seconds, rows, left


async def _open(settings: Settings) -> Store:
    assert settings.log_hash_secret and settings.log_encryption_key
    return await Store.open(
        settings.database_path,
        hash_secret=settings.log_hash_secret.get_secret_value(),
        encryption_key=settings.log_encryption_key.get_secret_value(),
    )


async def _restart(server: Connection, settings: Settings, store: Store) -> float:
    """Seconds from the start of the application until the server has every reply."""
    app = build_application(
        settings,
        knowledge=KnowledgeService.load(settings.knowledge_dir),
        question_log=store,
        rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3),
    )
    stop = asyncio.Event()
    started = time.perf_counter()
    running = asyncio.create_task(serve(app, store.inbox, None, stop=stop))
    try:
        deadline = started + TIMEOUT_SECONDS
        while await _replies(server) < PENDING:
            if time.perf_counter() > deadline or running.done():
                raise RuntimeError("the pending updates were not all answered in time")
            await asyncio.sleep(POLL_SECONDS)
        return time.perf_counter() - started
    finally:
        stop.set()
        await running


async def _replies(server: Connection) -> int:
    server.send(("replies",))
    return int(await asyncio.to_thread(server.recv))


# --- the fake Bot API server, in its own process ---


def _serve_fake_api(connection: Connection) -> None:
    """Runs the fake server, hands over what a crash left, counts replies until stopped."""
    asyncio.run(_fake_api_loop(connection))


async def _fake_api_loop(connection: Connection) -> None:
    from tests.fake_bot_api import FakeBotApi  # the tests' server; only the child needs it

    async with FakeBotApi() as api:
        users = [api.user(60_000 + n, f"User{n}", "en") for n in range(CHATS)]
        for i in range(PENDING // CHATS):
            for user in users:
                api.send_text(user, f"{QUESTION} [{user.id}/{i}]")
        # Taken from the server's queue, so it never delivers them itself: the inbox has them.
        left = [
            (raw["update_id"], raw["message"]["chat"]["id"], json.dumps(raw))
            for raw in api.pop_updates()
        ]
        connection.send((api.base_url, api.token, left))
        while True:
            command, *_ = await asyncio.to_thread(connection.recv)
            if command == "stop":
                return
            connection.send(len(api.sent))


if __name__ == "__main__":
    main()
