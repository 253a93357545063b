"""Admin-view benchmark: grouping `/unanswered`, and what it costs other users' replies.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_admin`.

1. Grouping: 10,000 distinct unanswered questions (generated gibberish, the worst case:
   nothing groups) and 10,000 realistic ones (a few hundred wordings with variants),
   through `group_newest`; target under 2 s.
2. Replies while an admin asks: an ordinary user's replies (engine call on the real
   knowledge, then `log()` to a real SQLite log holding 10,000 unanswered questions),
   one message every 10 ms; latency from the message's arrival to the reply, p50/p99,
   once alone and once while an admin runs `/unanswered` (`Store.unanswered`) over the
   10,000 rows again and again.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.corpus import KNOWLEDGE
from bot.engine.conversation import Assistant
from bot.engine.state import ChatState
from bot.knowledge.loader import load_knowledge
from bot.questionlog.grouping import group_newest
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import LoggedQuestion, QuestionRecord
from bot.questionlog.store import Store

ROWS = 10_000
REPLIES = 300
INTERVAL = 0.010
USER_QUESTIONS = ("How long is the contract?", "Is there a housing allowance?", "Wie alt?")
_SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "ta", "vo", "xe", "zi", "pu", "shi", "dra")


def main() -> None:
    """Runs both measurements and prints the figures."""
    print("admin views (bench/bench_admin.py; run with `make bench`)")
    for label, texts in (("distinct", _gibberish(ROWS)), ("realistic", _realistic(ROWS))):
        seconds, cpu, groups = _grouping_seconds(texts)
        print(
            f"  grouping {ROWS:,} {label} questions: {seconds:.2f} s "
            f"({cpu:.2f} s CPU; {groups:,} groups)"
        )
    asyncio.run(_replies())


def _gibberish(count: int, seed: int = 9) -> list[str]:
    pick = random.Random(seed)
    words = [
        "".join(pick.choice(_SYLLABLES) for _ in range(pick.randint(2, 4))) for _ in range(3000)
    ]
    return [" ".join(pick.sample(words, pick.randint(3, 8))) + "?" for _ in range(count)]


def _realistic(count: int, seed: int = 11) -> list[str]:
    pick = random.Random(seed)
    stems = [
        f"what about {w} for the {v} posting" for w in _gibberish(60) for v in ("unep", "unesco")
    ]
    stems += [f"is there {w} in the contract" for w in _gibberish(200, seed=5)]

    def variant(text: str) -> str:
        cut = pick.randrange(len(text))
        return pick.choice([text, text.upper(), text[:cut] + text[cut + 1 :], text + " please"])

    return [variant(pick.choice(stems)) for _ in range(count)]


def _grouping_seconds(texts: list[str]) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds of one grouping (on a busy machine the wall clock
    grows, the CPU time does not), and the number of groups."""
    now = datetime.now(UTC)
    records = [_logged(n, text, now - timedelta(seconds=n)) for n, text in enumerate(texts)]
    started, cpu = time.perf_counter(), time.process_time()
    grouping = group_newest(records)
    if not grouping.complete:
        print("  (the time budget ended this grouping early: the machine is busy)")
    return time.perf_counter() - started, time.process_time() - cpu, len(grouping.groups)


def _logged(number: int, text: str, asked_at: datetime) -> LoggedQuestion:
    return LoggedQuestion(
        id=number,
        asked_at=asked_at,
        channel="telegram",
        chat_key="k",
        lang="en",
        kind="question",
        question=text,
        status="fallback",
        posting=None,
        topic=None,
        score=0.0,
        suggestions=(),
        latency_ms=1.0,
        knowledge_version="k1",
    )


async def _replies() -> None:
    assistant = Assistant(load_knowledge(KNOWLEDGE))
    with tempfile.TemporaryDirectory(prefix="bench-admin-") as folder:
        store = await Store.open(
            Path(folder) / "log.sqlite3",
            hash_secret=new_hash_secret(),
            encryption_key=new_encryption_key(),
        )
        try:
            for number, text in enumerate(_gibberish(ROWS)):
                store.log(_record(number, text, "fallback"))
            await store.flush()
            alone, _ = await _user_latencies(store, assistant, admin=False)
            busy, admin_runs = await _user_latencies(store, assistant, admin=True)
        finally:
            await store.close()
    print(
        f"  an ordinary user's replies ({REPLIES} messages, one every {INTERVAL * 1000:.0f} ms)"
        f" over a log of {ROWS:,} unanswered questions:"
    )
    print(f"    alone: p50 {_ms(alone, 50)} ms, p99 {_ms(alone, 99)} ms")
    print(
        f"    while an admin runs /unanswered ({len(admin_runs)} runs, median "
        f"{statistics.median(admin_runs):.2f} s each): p50 {_ms(busy, 50)} ms, "
        f"p99 {_ms(busy, 99)} ms"
    )


async def _user_latencies(
    store: Store, assistant: Assistant, *, admin: bool
) -> tuple[list[float], list[float]]:
    """Reply latencies of one user (arrival to reply) and the admin's run times."""
    done = asyncio.Event()
    runs: list[float] = []

    async def admin_asks() -> None:
        while not done.is_set():
            started = time.perf_counter()
            await store.unanswered(30)
            runs.append(time.perf_counter() - started)

    task = asyncio.create_task(admin_asks()) if admin else None
    await asyncio.sleep(0.05)  # the admin's request is under way
    latencies = []
    start = time.perf_counter()
    for number in range(REPLIES):
        arrival = start + number * INTERVAL
        await asyncio.sleep(max(0.0, arrival - time.perf_counter()))
        question = USER_QUESTIONS[number % len(USER_QUESTIONS)]
        reply = assistant.ask(question, ChatState(posting="unep-car-rcu")).reply
        store.log(_record(ROWS + number, question, reply.status))
        await asyncio.sleep(0)  # the reply goes out
        latencies.append(time.perf_counter() - arrival)
    done.set()
    if task is not None:
        await task
    return latencies, runs


def _record(number: int, text: str, status: str) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=number % 500,
        lang="en",
        question=text,
        kind="question",
        status=status,
        posting=None,
        topic=None,
        score=0.0,
        suggestions=(),
        latency_ms=1.0,
        knowledge_version="k1",
    )


def _ms(values: list[float], percentile: int) -> str:
    ranked = sorted(values)
    return f"{ranked[min(len(ranked) - 1, len(ranked) * percentile // 100)] * 1000:.1f}"


if __name__ == "__main__":
    main()
