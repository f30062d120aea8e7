"""The scale data set of `seed_scale`, generated inside PostgreSQL for the benchmarks.

The rows come from `INSERT … SELECT generate_series` statements, one transaction per
organization, sent through Django's connection as the application role inside the
organization's context: row-level security, the constraints, the foreign keys and the
triggers check every row as they do the application's. Each module holds the
statements for what it builds; `load.py` runs them in order.
"""
