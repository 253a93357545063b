"""Question-log benchmark: writes per second, and what logging costs a reply.

Run with `make bench` (every bench/bench_*.py) or `python -m bench.bench_log`.

1. Writes: 10,000 records through `Store.log()` and one `flush()`, on a real SQLite
   file in WAL mode, encryption and keyed hash included.
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
            seconds, call_ns = await _writes(store)
            without = await _replies(None)
            with_log = await _replies(store)
        finally:
            await store.close()
    print("question log (bench/bench_log.py; run with `make bench`)")
    print(
        f"  writes: {WRITES:,} records via log() + flush() in {seconds:.2f} s "
        f"= {WRITES / seconds:,.0f} writes/s"
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


async def _writes(store: Store) -> tuple[float, list[int]]:
    """Logs WRITES records, timing each call, and waits until all are written."""
    records = [_record(i, i % CHATS) for i in range(WRITES)]
    call_ns: list[int] = []
    start = time.perf_counter()
    for record in records:
        before = time.perf_counter_ns()
        store.log(record)
        call_ns.append(time.perf_counter_ns() - before)
    await store.flush()
    return time.perf_counter() - start, call_ns


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
        kind="question",
        status="answered" if i % 4 else "fallback",
        posting="unep-car-rcu",
        topic="duration",
        score=88.5,
        suggestions=("Salary", "Duty station"),
        latency_ms=3.2,
        knowledge_version="bench",
    )


def _median(values: list[int]) -> float:
    return statistics.median(values)


def _p99(values: list[int]) -> float:
    return statistics.quantiles(values, n=100)[98]


if __name__ == "__main__":
    main()
