"""Fixed-window rate limits whose count holds under concurrency.

``FixedWindow(scope, limit, seconds).hit(ident)`` counts one use of ``ident`` (an address, a
user) in the current window of ``seconds`` and tells whether it is within ``limit``. The count
is one atomic increment that returns the new value — never a read followed by a write, which
loses updates when requests run in parallel:

* with Redis (``REDIS_URL``): ``SET key 0 NX EX seconds`` and ``INCRBY key n`` in one
  MULTI/EXEC, one round trip (Django's cache ``add`` then ``incr`` took three: SET, EXISTS,
  INCRBY);
* otherwise: one ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`` on
  ``ratelimit.RateCounter`` (SQLite and PostgreSQL). The database cache cannot be used for this:
  its ``incr`` is a ``get`` followed by a ``set``.

Call it outside any transaction (as the API throttle and the login form do): inside one, the
counter row would stay locked until that transaction ends.

``FixedWindow(…, lease=n)`` (the API's throttle, issue 16) takes ``n`` hits of the shared count
in one increment and hands them out in this process without touching the store, so one request
in ``n`` pays the increment. The shared count still bounds every process together: a process
gets only the hits left under the limit, so the limit is never exceeded; hits leased by one
process and not used are not available to another, so near the limit a caller may be refused
up to (processes − 1) × (n − 1) hits early in a window.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone
from redis.exceptions import RedisError


class DatabaseCounter:
    """Counters in the ``ratelimit.RateCounter`` table."""

    def incr(self, key: str, expires_on: datetime, by: int = 1) -> int:
        from .models import RateCounter

        table = connection.ops.quote_name(RateCounter._meta.db_table)
        key_col, count_col, expires_col = (
            connection.ops.quote_name(name) for name in ("key", "count", "expires_on")
        )
        sql = (
            f"INSERT INTO {table} ({key_col}, {count_col}, {expires_col}) VALUES (%s, %s, %s)"  # noqa: S608
            f" ON CONFLICT ({key_col}) DO UPDATE SET {count_col} = {table}.{count_col} + %s"
            f" RETURNING {count_col}"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [key, int(by), connection.ops.adapt_datetimefield_value(expires_on), int(by)]
            )
            count = cursor.fetchone()[0]
        if count == by:  # a new window opened: drop the ones that are over
            RateCounter.objects.filter(expires_on__lt=timezone.now()).delete()
        return count

    def decr(self, key: str) -> None:
        from django.db.models import F

        from .models import RateCounter

        RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


class CacheCounter:
    """Counters in Redis: ``SET key 0 NX EX seconds`` and ``INCRBY key n`` in one MULTI/EXEC
    (one round trip; the key cannot expire between the two)."""

    def __init__(self, cache):
        self.cache = cache

    def incr(self, key: str, expires_on: datetime, by: int = 1) -> int:
        timeout = max(1, math.ceil((expires_on - timezone.now()).total_seconds()))
        full = self.cache.make_and_validate_key(key)
        try:
            pipe = self.cache._cache.get_client(full, write=True).pipeline(transaction=True)
            pipe.set(full, 0, nx=True, ex=timeout)
            pipe.incrby(full, int(by))
            return int(pipe.execute()[1])
        except (RedisError, OSError):  # Redis away: the limit holds, counted in the database
            return DatabaseCounter().incr(key, expires_on, by)

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


class Leases:
    """Hits a process took from the shared count and has not handed out yet, per window key."""

    def __init__(self):
        self._lock = threading.Lock()
        self._left: dict[str, tuple[float, int]] = {}  # key → (window's end, hits left)

    def take(self, key: str) -> bool:
        with self._lock:
            ends, left = self._left.get(key, (0, 0))
            if left <= 0 or ends <= time.time():
                return False
            self._left[key] = (ends, left - 1)
            return True

    def add(self, key: str, ends: float, hits: int) -> None:
        with self._lock:
            now = time.time()
            if len(self._left) > 1000:  # windows that are over
                self._left = {k: v for k, v in self._left.items() if v[0] > now}
            _ends, left = self._left.get(key, (ends, 0))
            self._left[key] = (ends, left + hits)

    def clear(self) -> None:
        with self._lock:
            self._left.clear()


LEASES = Leases()  # this process's


class FixedWindow:
    """At most ``limit`` hits per ``ident`` in each window of ``seconds``; with ``lease`` > 1,
    that many hits are taken from the shared count at once (see the module's text)."""

    def __init__(
        self, scope: str, limit: int, seconds: int, counter=None, lease: int = 1, leases=None
    ):
        self.scope = scope
        self.limit = limit
        self.seconds = int(seconds)
        self.counter = counter if counter is not None else default_counter()
        self.lease = max(1, int(lease))
        self.leases = leases if leases is not None else LEASES

    def _window(self) -> int:
        return int(time.time() // self.seconds)

    def key(self, ident: str, window: int | None = None) -> str:
        window = self._window() if window is None else window
        return f"rl:{self.scope}:{ident}:{window}"

    def hit(self, ident: str) -> Hit:
        window = self._window()
        ends = (window + 1) * self.seconds
        key = self.key(ident, window)
        if self.lease > 1 and self.leases.take(key):
            return Hit(allowed=True, count=0, retry_after=max(1, math.ceil(ends - time.time())))
        n = self.lease
        count = self.counter.incr(key, datetime.fromtimestamp(ends, tz=UTC), n)
        retry_after = max(1, math.ceil(ends - time.time()))
        # Of the n hits just counted, those still under the limit are this process's.
        granted = min(n, max(0, self.limit - (count - n)))
        if granted > 1:
            self.leases.add(key, ends, granted - 1)
        return Hit(allowed=granted > 0, count=count, retry_after=retry_after)

    def release(self, ident: str) -> None:
        """Give back one hit of the current window (e.g. a login that turned out right)."""
        self.counter.decr(self.key(ident))
