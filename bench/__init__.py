"""Benchmarks: `python -m bench.run` measures the solver and writes docs/benchmarks.md."""
