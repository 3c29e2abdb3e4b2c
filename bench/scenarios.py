"""Benchmark scenarios: what to load, which URL to hit, the raw SQL to compare with.

``RAW_SQL[name]()`` returns ``(sql, params)`` for the hand-written query that the
scenario's endpoint runs through the ORM; it is executed by ``/bench/raw/<name>/``.
Scenario set-up functions run once, in the bench database, before the server starts.
"""

from __future__ import annotations

from collections.abc import Callable

RAW_SQL: dict[str, Callable[[], tuple[str, list]]] = {}


def raw_sql(name: str):
    def register(fn):
        RAW_SQL[name] = fn
        return fn

    return register
