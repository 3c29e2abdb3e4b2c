"""The tariff's version: one cache key that changes whenever the nomenclature, a measure, a
restriction or a tax rule changes, so what is computed from the tariff can be cached under it
(the public search's responses, the worker's in-memory tariff caches).

A change bumps it once per transaction, after the commit (a loader saving 7,000 rows bumps it
once); outside a transaction at once. The token is random, so a lost key only causes a miss.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "tariff:v"


def current() -> str:
    """The version in force (created on first use)."""
    token = cache.get(KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(KEY, token, None)
        token = cache.get(KEY) or token
    return token


def _set_new() -> None:
    cache.set(KEY, uuid.uuid4().hex, None)


def bump() -> None:
    from . import memo

    memo.clear()  # this process's in-memory copies at once; other processes at the commit
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _set_new for entry in connection.run_on_commit
    ):
        return  # already due at this transaction's commit
    transaction.on_commit(_set_new)


def on_change(sender, **kwargs) -> None:
    """post_save / post_delete receiver."""
    bump()
