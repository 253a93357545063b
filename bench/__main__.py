"""Runs `main()` of every `bench/bench_*.py`, in file-name order; `make bench` calls this."""

from __future__ import annotations

import importlib
from pathlib import Path


def main() -> None:
    """Imports each benchmark module and runs it; a new `bench_*.py` is picked up by itself."""
    for path in sorted(Path(__file__).parent.glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        module.main()


if __name__ == "__main__":
    main()
