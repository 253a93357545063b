"""Benchmarks: `make bench` (or `python -m bench`) runs every `bench/bench_*.py`."""
