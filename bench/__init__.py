"""Benchmarks against the budgets (docs/design.md#10-budgets): `make bench`.

Results: docs/performance.md.
"""
