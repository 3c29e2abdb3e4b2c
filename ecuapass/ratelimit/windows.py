"""Fixed-window rate limits whose count holds under concurrency.

``FixedWindow(scope, limit, seconds).hit(ident)`` counts one use of ``ident`` (an address, a
user) in the current window of ``seconds`` and tells whether it is within ``limit``. The count
is one atomic increment that returns the new value — never a read followed by a write, which
loses updates when requests run in parallel:

* with Redis (``REDIS_URL``): ``SET key 0 NX EX seconds`` then ``INCR key`` (Django's cache
  ``add`` and ``incr`` on the Redis backend);
* otherwise: one ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`` on
  ``ratelimit.RateCounter`` (SQLite and PostgreSQL). The database cache cannot be used for this:
  its ``incr`` is a ``get`` followed by a ``set``.

Call it outside any transaction (as the API throttle and the login form do): inside one, the
counter row would stay locked until that transaction ends.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone
from redis.exceptions import RedisError

from ecuapass.ops.cache import CacheUnavailable


class DatabaseCounter:
    """Counters in the ``ratelimit.RateCounter`` table."""

    def incr(self, key: str, expires_on: datetime) -> int:
        from .models import RateCounter

        table = connection.ops.quote_name(RateCounter._meta.db_table)
        key_col, count_col, expires_col = (
            connection.ops.quote_name(name) for name in ("key", "count", "expires_on")
        )
        sql = (
            f"INSERT INTO {table} ({key_col}, {count_col}, {expires_col}) VALUES (%s, 1, %s)"  # noqa: S608
            f" ON CONFLICT ({key_col}) DO UPDATE SET {count_col} = {table}.{count_col} + 1"
            f" RETURNING {count_col}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(expires_on)])
            count = cursor.fetchone()[0]
        if count == 1:  # a new window opened: drop the ones that are over
            RateCounter.objects.filter(expires_on__lt=timezone.now()).delete()
        return count

    def decr(self, key: str) -> None:
        from django.db.models import F

        from .models import RateCounter

        RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


class CacheCounter:
    """Counters in a cache whose ``add`` and ``incr`` are atomic (Redis: SET NX EX, INCR)."""

    def __init__(self, cache):
        self.cache = cache

    def incr(self, key: str, expires_on: datetime) -> int:
        timeout = max(1, math.ceil((expires_on - timezone.now()).total_seconds()))
        for _ in range(3):
            try:
                self.cache.add(key, 0, timeout=timeout)
            except (RedisError, OSError):  # Redis away: the limit holds, counted in the database
                return DatabaseCounter().incr(key, expires_on)
            try:
                return self.cache.incr(key)
            except CacheUnavailable:  # ResilientRedisCache: its add dropped, Redis away
                return DatabaseCounter().incr(key, expires_on)
            except ValueError:  # the key expired between add and incr: open it again
                continue
        raise RuntimeError(f"rate counter {key} could not be incremented")

    def decr(self, key: str) -> None:
        try:
            self.cache.decr(key)
        except (ValueError, RedisError, OSError):  # the window is over already, or Redis away
            pass


def default_counter() -> DatabaseCounter | CacheCounter:
    """Redis when the default cache is Redis (REDIS_URL), the database otherwise."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        return CacheCounter(cache)
    return DatabaseCounter()


@dataclass(frozen=True)
class Hit:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


class FixedWindow:
    """At most ``limit`` hits per ``ident`` in each window of ``seconds``."""

    def __init__(self, scope: str, limit: int, seconds: int, counter=None):
        self.scope = scope
        self.limit = limit
        self.seconds = int(seconds)
        self.counter = counter if counter is not None else default_counter()

    def _window(self) -> int:
        return int(time.time() // self.seconds)

    def key(self, ident: str, window: int | None = None) -> str:
        window = self._window() if window is None else window
        return f"rl:{self.scope}:{ident}:{window}"

    def hit(self, ident: str) -> Hit:
        window = self._window()
        ends = (window + 1) * self.seconds
        count = self.counter.incr(self.key(ident, window), datetime.fromtimestamp(ends, tz=UTC))
        retry_after = max(1, math.ceil(ends - time.time()))
        return Hit(allowed=count <= self.limit, count=count, retry_after=retry_after)

    def release(self, ident: str) -> None:
        """Give back one hit of the current window (e.g. a login that turned out right)."""
        self.counter.decr(self.key(ident))
