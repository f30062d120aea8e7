"""Benchmarks against the budgets of DESIGN §8: `make bench`. Results: docs/performance.md."""
