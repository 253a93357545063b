"""Engine benchmark: time per question, questions per second, start-up time, memory.

Run with `make bench` (or `.venv/bin/python -m bench.bench_engine`). Targets: p99 under
2 ms on the real knowledge, under 20 ms with 1,000 generated postings.
"""

from __future__ import annotations

import gc
import statistics
import tempfile
import time
from pathlib import Path

from bench.corpus import KNOWLEDGE, REPO, generate_knowledge
from bot.engine.conversation import Assistant
from bot.engine.state import ChatState
from bot.evaluation import load_cases
from bot.knowledge.loader import load_knowledge

DEV_SET = REPO.parent / "shared" / "eval" / "dev.yaml"
HOLDOUT = REPO / "tests" / "eval" / "holdout.yaml"
ROUNDS = 5
GENERATED_POSTINGS = 1000


def _questions() -> list[tuple[str, str | None, str]]:
    cases = []
    for path in (DEV_SET, HOLDOUT):
        if path.is_file():
            cases.extend(load_cases(path))
    if not cases:
        return [("Which languages do I need?", None, "en"), ("Wie lange?", "unep-car-rcu", "de")]
    return [(c.question, c.context, c.lang) for c in cases]


def measure(directory: Path, label: str, context_map: dict[str, str] | None = None) -> None:
    gc.collect()
    started = time.perf_counter()
    assistant = Assistant(load_knowledge(directory))
    startup = time.perf_counter() - started
    questions = _questions()
    timings = []
    cpu = []  # this thread's CPU time: what the engine costs, whatever else the machine runs
    for _ in range(ROUNDS):
        for question, context, lang in questions:
            if context and context_map:
                context = context_map.get(context, context)
            state = ChatState(posting=context, lang=lang)  # type: ignore[arg-type]
            begin, begin_cpu = time.perf_counter(), time.thread_time()
            assistant.ask(question, state)
            timings.append(time.perf_counter() - begin)
            cpu.append(time.thread_time() - begin_cpu)
    timings.sort()
    cpu.sort()
    median = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    qps = len(timings) / sum(timings)
    print(
        f"{label:<28} postings={len(assistant.kb.postings):>5}  questions={len(timings):>5}  "
        f"median={median:6.3f} ms  p99={p99:6.3f} ms  {qps:8.0f} q/s  "
        f"start-up={startup:6.2f} s  process peak RSS={_peak_rss_mib():6.1f} MiB"
    )
    print(
        f"{'':<28} CPU time per question: median={statistics.median(cpu) * 1000:6.3f} ms  "
        f"p99={cpu[int(len(cpu) * 0.99) - 1] * 1000:6.3f} ms  (wall figures include waiting "
        "for a busy machine)"
    )


def _peak_rss_mib() -> float:
    """The process's high-water mark of resident memory (Linux VmHWM), in MiB."""
    try:
        status = Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return float("nan")
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    print("== engine: time per question (make bench; python -m bench.bench_engine)")
    print("   targets: p99 < 2 ms on the real knowledge, < 20 ms with 1,000 postings")
    measure(KNOWLEDGE, "real knowledge")
    with tempfile.TemporaryDirectory() as tmp:
        generated = generate_knowledge(Path(tmp), GENERATED_POSTINGS)
        mapping = {"unep-car-rcu": "unep-car-rcu-0000", "unesco-clt": "unesco-clt-0001"}
        measure(generated, f"generated ({GENERATED_POSTINGS} postings)", mapping)


if __name__ == "__main__":
    main()
