"""How fast the knowledge loader reads a large folder, and how much memory it needs.

Generates 1,000 postings from the real ones in `knowledge/postings/` (new ids and
aliases, same content) in a temporary folder, then measures the load time (median of
3 runs), the peak of Python allocations (tracemalloc) and the peak resident memory of a
fresh child process that only imports the loader and loads the folder.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.corpus import generate_knowledge
from bot.knowledge.loader import load_knowledge

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"
POSTINGS = 1_000
RUNS = 3
TARGET_SECONDS = 2.0
TARGET_MB = 150.0

# Runs in a fresh interpreter so that its peak memory is the loader's and nothing else's.
# On Linux, ru_maxrss survives fork+exec (a child of a big process reports the parent's
# size), so the peak of the process's own memory, VmHWM, is read instead.
_CHILD = """
import re, resource, sys
from pathlib import Path
from bot.knowledge.loader import load_knowledge
knowledge = load_knowledge(Path(sys.argv[1]))
try:
    status = Path("/proc/self/status").read_text()
    peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) * 1024
except (OSError, AttributeError):
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
print(peak, len(knowledge.postings))
"""


def load_seconds(directory: Path, runs: int = RUNS) -> float:
    """Median wall time of `runs` loads."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        load_knowledge(directory)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def traced_peak_mb(directory: Path) -> float:
    """Peak of Python allocations during one load."""
    tracemalloc.start()
    try:
        load_knowledge(directory)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def child_peak_mb(directory: Path) -> float:
    """Peak resident memory of a fresh process that loads the folder (interpreter included)."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(directory)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return int(result.stdout.split()[0]) / 2**20


def main() -> None:
    """Generates the folder, measures, prints a table with targets and verdicts."""
    with tempfile.TemporaryDirectory(prefix="bench-knowledge-") as temp:
        directory = Path(temp) / "knowledge"
        generate_knowledge(directory, POSTINGS)
        used = len(list((KNOWLEDGE / "postings").glob("*.yaml")))
        rows = [
            ("load time, median of 3", load_seconds(directory), "s", TARGET_SECONDS),
            ("peak Python allocations (tracemalloc)", traced_peak_mb(directory), "MB", TARGET_MB),
            ("peak RSS of a child process", child_peak_mb(directory), "MB", TARGET_MB),
        ]
    print(f"knowledge loader: {POSTINGS:,} postings derived from {used} real ones")
    print("reproduce: make bench   (or: .venv/bin/python -m bench)")
    print(f"  {'measure':<40}{'value':>10}  {'target':<10}verdict")
    for label, value, unit, target in rows:
        verdict = "ok" if value < target else "TOO HIGH"
        print(f"  {label:<40}{value:>7.2f} {unit:<2}  < {target:g} {unit:<4} {verdict}")


if __name__ == "__main__":
    main()
