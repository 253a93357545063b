"""Admin web view benchmark: every page of the web view on a log of 100,000 turns.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_admin_web`
(`BENCH_TURNS=20000 python -m bench.bench_admin_web` for a quicker look).

1. Writes TURNS turns through `Store.log()` (4,000 chats over 60 days, sessions of one
   to eight turns, a third of them button presses linked to the reply that offered
   them, every posting and topic, leads, 👍/👎 on one answer in twenty).
2. Builds the decrypted copy (`build_view`), as `jpo-bot admin-web` does at start.
3. Starts the real Datasette child on that copy, with the web view's metadata, plugins
   and password, and fetches every canned query's page (HTML, which runs the query,
   and JSON) REPEAT times, the conversation page with the busiest chat. Target: under
   500 ms per page. Each request includes the password check (PBKDF2, as every admin
   request does). Wall-clock time grows on a busy machine; the Datasette child's CPU
   time per request (from /proc) does not, and is printed beside it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.private_files import write_private_text
from bot.questionlog import webchild
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.questionlog.web import ADMIN_USER, CANNED_QUERIES, DATABASE_NAME, metadata, password_hash
from bot.questionlog.webcopy import build_view

TURNS = int(os.environ.get("BENCH_TURNS", "100000"))
CHATS = 4_000
DAYS = 60
REPEAT = 5
TARGET_MS = 500.0
PASSWORD = "bench-admin-web-password"
TOPICS = (
    "duration",
    "languages",
    "duty_station",
    "salary",
    "eligibility",
    "duties",
    "how_to_apply",
)
POSTINGS = ("unep-car-rcu", "unesco-clt")
COMMAND = "python -m bench.bench_admin_web"


def main() -> None:
    """Builds the log and the copy, serves it, and prints each page's timings."""
    print(f"admin web view (bench/bench_admin_web.py; reproduce: {COMMAND})")
    with tempfile.TemporaryDirectory(prefix="bench-admin-web-") as name:
        folder = Path(name)
        busiest = asyncio.run(_prepare(folder))
        _measure_pages(folder, busiest)


async def _prepare(folder: Path) -> str:
    """Writes the log and the copy; returns the busiest chat's digits in the copy."""
    store = await Store.open(
        folder / "log.sqlite3",
        hash_secret=new_hash_secret(),
        encryption_key=new_encryption_key(),
        max_pending=TURNS + 1,
    )
    try:
        started, cpu = time.perf_counter(), time.process_time()
        chats = _write_turns(store)
        await store.flush()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"  log: {TURNS:,} turns written in {seconds:.1f} s ({cpu:.1f} s CPU) "
            f"= {TURNS / seconds:,.0f} writes/s"
        )
        _rate_some(folder / "log.sqlite3")
        started, cpu = time.perf_counter(), time.process_time()
        summary = await build_view(store, folder / f"{DATABASE_NAME}.db", days=DAYS + 1)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"  decrypted copy: {summary.records:,} turns, {summary.groups:,} unanswered "
            f"groups, built in {seconds:.1f} s ({cpu:.1f} s CPU)"
        )
        busiest = max(chats, key=lambda chat: chats[chat])
        return store.chat_key(busiest)[:12]
    finally:
        await store.close()


def _write_turns(store: Store) -> dict[int, int]:
    """Logs TURNS turns, chat by chat in sessions; returns the turns per chat."""
    pick = random.Random(7)
    start = datetime.now(UTC) - timedelta(days=DAYS)
    clock: dict[int, datetime] = {}
    message: dict[int, int] = {}
    counts: dict[int, int] = {}
    written = 0
    while written < TURNS:
        chat = int(pick.paretovariate(1.2) * 7) % CHATS  # a few busy chats, many quiet ones
        at = clock.get(chat, start + timedelta(minutes=pick.uniform(0, DAYS * 1440 * 0.8)))
        at += timedelta(hours=pick.uniform(1, 48))
        for number in range(min(pick.randint(1, 8), TURNS - written)):
            at += timedelta(seconds=pick.uniform(5, 300))
            offered = message.get(chat)
            message[chat] = message.get(chat, 0) + 1
            store.log(_turn(pick, chat, at, number, message[chat], offered))
            written += 1
        clock[chat] = min(at, datetime.now(UTC) - timedelta(minutes=1))
        counts[chat] = counts.get(chat, 0) + 1
    return counts


def _turn(
    pick: random.Random, chat: int, at: datetime, number: int, reply: int, offered: int | None
) -> QuestionRecord:
    button = number > 0 and offered is not None and pick.random() < 0.35
    status = pick.choices(
        ("answered", "not_stated", "clarify", "fallback", "smalltalk"), (70, 10, 6, 10, 4)
    )[0]
    topics = (
        tuple(pick.sample(TOPICS, pick.choice((0, 1, 1, 1, 2)))) if status != "fallback" else ()
    )
    return QuestionRecord(
        channel="telegram",
        chat_id=chat,
        lang=pick.choice(("en", "de", "fr", "es")),
        question=f"Question {reply} of chat {chat} about {' and '.join(topics) or 'something'}?",
        kind="button" if button else "question",
        status=status,
        posting=pick.choice(POSTINGS) if topics else None,
        topic=topics[0] if topics else None,
        score=pick.uniform(60, 100) if status == "answered" else pick.uniform(0, 60),
        suggestions=tuple(topic.replace("_", " ").title() for topic in TOPICS[:3]),
        latency_ms=pick.lognormvariate(0.5, 0.6),
        knowledge_version=f"k{1 + int((at.timestamp() // 86400) % DAYS) // 7}",
        asked_at=at,
        reply_key=f"r{chat}-{reply}" if status in ("answered", "not_stated") else None,
        postings=(pick.choice(POSTINGS),) if topics else (),
        topics=topics,
        lead="2 years, with a possible extension of 1 year." if status == "answered" else None,
        reply_message_id=reply,
        pressed_message_id=offered if button else None,
    )


def _rate_some(path: Path) -> None:
    """👍/👎 on one rated answer in twenty, set directly (one transaction, not 5,000)."""
    with sqlite3.connect(path) as db:
        db.execute(
            "UPDATE questions SET feedback = CASE WHEN id % 3 = 0 THEN 'down' ELSE 'up' END "
            "WHERE reply_key IS NOT NULL AND id % 20 = 0"
        )


def _measure_pages(folder: Path, busiest: str) -> None:
    metadata_file = folder / "metadata.json"
    write_private_text(metadata_file, json.dumps(metadata()))
    port = _free_port()
    environment = webchild.child_environment(password_hash(PASSWORD))
    command = webchild.datasette_command(
        folder / f"{DATABASE_NAME}.db", metadata_file, "127.0.0.1", port
    )
    import subprocess

    child = subprocess.Popen(
        command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}/{DATABASE_NAME}"
        _wait_until_up(base)
        slowest = 0.0
        print(
            f"  pages ({REPEAT} requests each): wall ms median / max, the Datasette child's "
            "CPU ms per request, and the SQL's ms as Datasette reports it"
        )
        walls, cpu, _ = _timed(child.pid, f"{base.rsplit('/', 1)[0]}/-/versions.json")
        print(
            f"    {'(password check + framework only)':<34} {statistics.median(walls):7.1f} / "
            f"{max(walls):7.1f}   CPU {cpu:6.1f}"
        )
        for name in CANNED_QUERIES:
            query = f"?chat={busiest}" if name == "conversation" else ""
            for suffix in ("", ".json"):
                walls, cpu, sql = _timed(child.pid, f"{base}/{name}{suffix}{query}")
                slowest = max(slowest, cpu)
                sql_text = "" if sql is None else f"   SQL {sql:6.1f}"
                print(
                    f"    {name + suffix:<34} {statistics.median(walls):7.1f} / "
                    f"{max(walls):7.1f}   CPU {cpu:6.1f}{sql_text}"
                )
        verdict = "met" if slowest < TARGET_MS else "MISSED"
        print(
            f"  slowest page: {slowest:.0f} ms of CPU per request; target < {TARGET_MS:.0f} ms "
            f"per page: {verdict}"
        )
    finally:
        child.terminate()
        child.wait(timeout=10)


def _timed(pid: int, url: str) -> tuple[list[float], float, float | None]:
    """Wall-clock ms of REPEAT requests, the child's CPU ms per request, and for JSON the
    median time Datasette reports for the SQL alone (`query_ms`)."""
    _fetch(url)  # a first request warms Datasette's caches, as an admin's browsing does
    walls, sql = [], []
    cpu_before = _cpu_seconds(pid)
    for _ in range(REPEAT):
        started = time.perf_counter()
        body = _fetch(url)
        walls.append((time.perf_counter() - started) * 1000)
        if ".json" in url and "/-/" not in url:
            sql.append(float(json.loads(body)["query_ms"]))
    cpu = (_cpu_seconds(pid) - cpu_before) * 1000 / REPEAT
    return walls, cpu, statistics.median(sql) if sql else None


def _fetch(url: str) -> bytes:
    token = base64.b64encode(f"{ADMIN_USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return bytes(response.read())


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            _fetch(base)
            return
        except (OSError, urllib.error.URLError) as error:
            if time.monotonic() > deadline:
                sys.exit(f"bench: Datasette did not answer within 60 s ({error})")
            time.sleep(0.3)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    main()
