"""Question-log benchmark: writes per second, and what logging costs a reply.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_log`.

1. Writes: 10,000 records through `Store.log()` and one `flush()`, on a real SQLite
   file in WAL mode, encryption and keyed hash included, with the richer rows of
   conversation review: postings, topics, an encrypted lead, the reply's message id,
   and links (session, previous turn; every third record a button press linked to the
   reply that offered it). Target: over 10,000 writes/s. The CPU time is printed too:
   on a busy machine the wall clock grows, the CPU time does not.
2. Caller: the time one `log()` call takes on the replying code (median and p99).
3. Replies: 2,000 simulated replies from 100 chats at once (each awaits 2 ms, as a
   send to Telegram would), once without and once with the log; the difference in
   their latency is what the background writer costs the bot's event loop.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store

WRITES = 10_000
CHATS = 100
REPLIES_PER_CHAT = 20
REPLY_WORK_SECONDS = 0.002


def main() -> None:
    """Runs the three measurements and prints the figures."""
    asyncio.run(_run())


async def _run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-log-") as folder:
        store = await Store.open(
            Path(folder) / "log.sqlite3",
            hash_secret=new_hash_secret(),
            encryption_key=new_encryption_key(),
        )
        try:
            seconds, cpu, call_ns = await _writes(store)
            without = await _replies(None)
            with_log = await _replies(store)
        finally:
            await store.close()
    print("question log (bench/bench_log.py; run with `make bench`)")
    print(
        f"  writes: {WRITES:,} records via log() + flush() in {seconds:.2f} s "
        f"= {WRITES / seconds:,.0f} writes/s ({cpu:.2f} s CPU = {WRITES / cpu:,.0f} writes "
        "per CPU second)"
    )
    print(
        f"  log() on the caller: median {_median(call_ns) / 1000:.1f} µs, "
        f"p99 {_p99(call_ns) / 1000:.1f} µs"
    )
    print(
        f"  replies ({CHATS * REPLIES_PER_CHAT:,} from {CHATS} chats, "
        f"{REPLY_WORK_SECONDS * 1000:.0f} ms each), without → with the log: "
        f"median {_median(without) / 1e6:.2f} → {_median(with_log) / 1e6:.2f} ms, "
        f"p99 {_p99(without) / 1e6:.2f} → {_p99(with_log) / 1e6:.2f} ms"
    )


async def _writes(store: Store) -> tuple[float, float, list[int]]:
    """Logs WRITES records, timing each call, and waits until all are written; returns
    wall-clock and CPU seconds and each call's nanoseconds."""
    records = [_record(i, i % CHATS) for i in range(WRITES)]
    call_ns: list[int] = []
    start, cpu = time.perf_counter(), time.process_time()
    for record in records:
        before = time.perf_counter_ns()
        store.log(record)
        call_ns.append(time.perf_counter_ns() - before)
    await store.flush()
    return time.perf_counter() - start, time.process_time() - cpu, call_ns


async def _replies(store: Store | None) -> list[int]:
    """Latency of simulated replies from CHATS chats at once, logging each if `store`."""
    latencies: list[int] = []

    async def chat(chat_id: int) -> None:
        for i in range(REPLIES_PER_CHAT):
            start = time.perf_counter_ns()
            await asyncio.sleep(REPLY_WORK_SECONDS)
            if store is not None:
                store.log(_record(i, chat_id))
            latencies.append(time.perf_counter_ns() - start)

    await asyncio.gather(*(chat(chat_id) for chat_id in range(CHATS)))
    if store is not None:
        await store.flush()
    return latencies


def _record(i: int, chat_id: int) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=chat_id,
        lang="en",
        question=f"How long is the contract of posting number {i}?",
        kind="button" if i % 3 == 0 else "question",
        status="answered" if i % 4 else "fallback",
        posting="unep-car-rcu",
        topic="duration",
        score=88.5,
        suggestions=("Salary", "Duty station"),
        latency_ms=3.2,
        knowledge_version="bench",
        postings=("unep-car-rcu",),
        topics=("duration", "languages") if i % 5 == 0 else ("duration",),
        lead="2 years, with a possible extension of 1 year." if i % 4 else None,
        reply_message_id=i,
        # Every third record presses a button under the chat's previous reply.
        pressed_message_id=i - CHATS if i % 3 == 0 and i >= CHATS else None,
    )


def _median(values: list[int]) -> float:
    return statistics.median(values)


def _p99(values: list[int]) -> float:
    return statistics.quantiles(values, n=100)[98]


if __name__ == "__main__":
    main()
