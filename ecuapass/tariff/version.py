"""The tariff's version: one cache key that changes whenever the nomenclature, a measure, a
restriction or a tax rule changes, so what is computed from the tariff can be cached under it
(the public search's responses, the worker's in-memory tariff caches).

A change bumps it once per transaction, after the commit (a loader saving 7,000 rows bumps it
once); outside a transaction at once. The token is random, so a lost key only causes a miss.

The public reads (the search API and screen 2.1.1, which already accept the replica's lag)
ask with ``max_age``: the token this process read less than that many seconds ago is used
without a cache read, so a change made by another process shows there within ``max_age``
(setting ``ECUAPASS_TARIFF_VERSION_MAX_AGE``, environment ``TARIFF_VERSION_MAX_AGE``); a
change made in this process shows at once. The DAI pipeline (``tariff.memo``) always reads
the shared token — once per request, the one the API's token read fetched in its own
``get_many`` a few milliseconds earlier in the same request (``early_keys`` / ``read_early``,
kept in ``ops.context.request_reads``, which ends with the request): a submission reads
the cache once.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from ecuapass.ops import context

KEY = "tariff:v"

# The token this process read last and when (time.monotonic()).
_seen: dict = {"token": None, "at": 0.0}


def public_max_age() -> float:
    """How stale the public reads may see the version, in seconds."""
    return float(settings.ECUAPASS_TARIFF_VERSION_MAX_AGE)


def current(max_age: float = 0) -> str:
    """The version in force (created on first use). ``max_age``: see the module."""
    now = time.monotonic()
    if max_age > 0 and _seen["token"] is not None and now - _seen["at"] < max_age:
        return _seen["token"]
    reads = context.request_reads.get()
    token = reads.pop(KEY, None) if reads else None
    if token is None:
        token = cache.get(KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(KEY, token, None)
        token = cache.get(KEY) or token
    _seen.update(token=token, at=now)
    return token


def forget() -> None:
    """Read the shared token on the next call, whatever ``max_age``."""
    _seen["token"] = None
    reads = context.request_reads.get()
    if reads:
        reads.pop(KEY, None)


def early_keys() -> list[str]:
    """The version's key, to be read with a ``get_many`` made early in a request (the API's
    token), so that the request's next ``current()`` needs no read of its own; none outside
    a request."""
    return [KEY] if context.request_reads.get() is not None else []


def read_early(got: dict) -> None:
    """Keep the version ``got`` (the result of a ``get_many`` of ``early_keys()``) for this
    request's next ``current()``."""
    reads = context.request_reads.get()
    token = got.get(KEY)
    if reads is not None and token is not None:
        reads[KEY] = token


def _set_new() -> None:
    token = uuid.uuid4().hex
    cache.set(KEY, token, None)
    _seen.update(token=token, at=time.monotonic())


def bump() -> None:
    from . import memo

    memo.clear()  # this process's in-memory copies at once; other processes at the commit
    forget()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _set_new for entry in connection.run_on_commit
    ):
        return  # already due at this transaction's commit
    transaction.on_commit(_set_new)


def on_change(sender, **kwargs) -> None:
    """post_save / post_delete receiver."""
    bump()
