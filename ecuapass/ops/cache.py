"""Django's Redis cache, degraded instead of failing when Redis is away.

The cache holds what can be recomputed (unread badges, menus, tariff answers): when Redis does
not answer, a read is a miss and a write is dropped, with one warning per minute in the logs,
and the portal goes on from the database. ``add`` answers False (not stored): the versions made
on first use (``tariff.version``, ``accounts.access_cache``) go on with their own token.
``incr``/``decr`` raise ``CacheUnavailable``, a ``ValueError`` as for a missing key (a version
key bumped while Redis is away starts again). The rate limits' counters
(``ratelimit.windows.CacheCounter``) talk to Redis's client directly (one MULTI/EXEC) and count
in the database when it does not answer.
Production settings use it for ``REDIS_URL`` with short socket timeouts (``REDIS_TIMEOUT``).
"""

from __future__ import annotations

import functools
import logging
import time

try:  # redis[hiredis] (pyproject): commands packed in C
    from hiredis import pack_command
except ImportError:  # pragma: no cover - redis-py's own path then
    pack_command = None

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning(
            "cache: Redis unavailable (%s: %s); degraded to the database",
            operation,
            exc.__class__.__name__,
            extra={"event": "cache_degraded"},
        )


def _degrade(default=None):
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as exc:
                _warn(method.__name__, exc)
                value = default() if callable(default) else default
                if method.__name__ == "get":
                    return kwargs.get("default", args[1] if len(args) > 1 else None)
                return value

        return wrapper

    return decorate


class CacheUnavailable(ValueError):
    """Redis did not answer an ``incr``/``decr`` (a ``ValueError``, as Django's missing key)."""


_FAILED = object()


class _Client(RedisCacheClient):
    """Reads (``GET``, ``MGET``: the frame's on every request, issue 16) sent on a connection of
    the pool, packed by hiredis and read back as redis-py reads them, without redis-py's
    per-command machinery (packing in Python, retries, events: ~25 of the ~77 us of an
    ``MGET``). An error on that connection drops it, and the read goes through redis-py's own
    command (its reconnection and retries, then ``ResilientRedisCache``'s degrade)."""

    def get(self, key, default):
        value = self._read("GET", key)
        if value is _FAILED:
            return super().get(key, default)
        return default if value is None else self._serializer.loads(value)

    def get_many(self, keys):
        keys = list(keys)
        if not keys:
            return {}
        values = self._read("MGET", *keys)
        if values is _FAILED:
            values = self.get_client(None).mget(keys)
        loads = self._serializer.loads
        return {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}

    def _read(self, *command):
        if pack_command is None:
            return _FAILED
        pool = self._get_connection_pool(False)
        try:
            connection = pool.get_connection()
        except (RedisError, OSError):
            return _FAILED
        try:
            connection.send_packed_command([pack_command(command)], check_health=False)
            return connection.read_response()
        except (RedisError, OSError):
            connection.disconnect()
            return _FAILED
        except BaseException:
            connection.disconnect()  # a reply may be left unread on it
            raise
        finally:
            pool.release(connection)

    def set_many(self, data, timeout):
        """Without a timeout, one ``MSET`` (atomic in itself) instead of Django's ``MULTI``,
        ``MSET``, ``EXEC`` pipeline: the same keys written, two commands fewer (the buzón's
        versions, issue 16)."""
        if timeout is not None:
            return super().set_many(data, timeout)
        client = self.get_client(None, write=True)
        client.mset({key: self._serializer.dumps(value) for key, value in data.items()})


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def validate_key(self, key):
        """Nothing to warn about: Django's key warnings are memcached's limits (250 characters,
        no spaces or control characters), which Redis does not have; checking each character of
        every key cost ~2 us a key (the frame reads eight per request, issue 16)."""

    get = _degrade()(RedisCache.get)
    set = _degrade()(RedisCache.set)
    touch = _degrade(False)(RedisCache.touch)
    delete = _degrade(False)(RedisCache.delete)
    get_many = _degrade(dict)(RedisCache.get_many)
    set_many = _degrade(list)(RedisCache.set_many)
    delete_many = _degrade()(RedisCache.delete_many)
    has_key = _degrade(False)(RedisCache.has_key)
    add = _degrade(False)(RedisCache.add)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version=version)
        except UNAVAILABLE as exc:
            _warn("incr", exc)
            raise CacheUnavailable(f"cache unavailable: {key}") from exc

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().get_or_set(key, default, timeout=timeout, version=version)
        except UNAVAILABLE as exc:
            _warn("get_or_set", exc)
            return default() if callable(default) else default


# --- writes made when the transaction commits, in one round trip ----------------------------
def set_after_commit(values: dict, timeout=None, *, cache=None) -> None:
    """Write ``values`` to ``cache`` (the default one) once the open transaction commits (now
    outside one); dropped if it rolls back — and if the savepoint of the transaction's first
    such write rolls back; the later writes of a savepoint rolled back still go out, so this is
    for writes that are harmless when extra (a version bumped, a trace). A transaction's writes to a cache go out together
    at its commit: to Redis in one round trip (a pipeline: one ``MSET`` for those without a
    timeout, a ``SET … EX`` for each other) — a DAI's submission makes two (the 1.3 count
    versions and the request id of its job, ``ops.observability``), issue 16. A key written
    twice keeps the last value."""
    from django.db import transaction

    if not values:
        return
    cache = _target(cache)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _write(cache, {key: (value, timeout) for key, value in values.items()})
        return
    pending = _pending(connection)
    if pending is None:
        pending = {}

        def flush():
            connection.__dict__.pop("_cache_after_commit", None)
            for target, writes in pending.values():
                _write(target, writes)

        connection.__dict__["_cache_after_commit"] = (flush, pending)
        transaction.on_commit(flush)
    writes = pending.setdefault(id(cache), (cache, {}))[1]
    for key, value in values.items():
        writes[key] = (value, timeout)


def pending_after_commit(cache=None) -> dict:
    """The writes to ``cache`` (the default one) the open transaction will make at its
    commit: ``{key: (value, timeout)}``."""
    from django.db import transaction

    connection = transaction.get_connection()
    pending = _pending(connection) if connection.in_atomic_block else None
    if not pending:
        return {}
    found = pending.get(id(_target(cache)))
    return found[1] if found else {}


def _target(cache):
    """The cache itself: ``caches["default"]`` for None or for ``django.core.cache.cache`` (a
    proxy to it), so that writes to the same cache are grouped as one."""
    from django.core.cache import cache as default_proxy
    from django.core.cache import caches

    return caches["default"] if cache is None or cache is default_proxy else cache


def _pending(connection) -> dict | None:
    """This transaction's writes by cache; None when none, or when the transaction (or the
    savepoint that registered them) rolled back, which removed their callback."""
    pending = connection.__dict__.get("_cache_after_commit")
    if pending is None or not any(item[1] is pending[0] for item in connection.run_on_commit):
        return None
    return pending[1]


def _write(cache, writes: dict) -> None:
    if not isinstance(cache, ResilientRedisCache):
        by_timeout: dict = {}
        for key, (value, timeout) in writes.items():
            by_timeout.setdefault(timeout, {})[key] = value
        for timeout, values in by_timeout.items():
            cache.set_many(values, timeout)
        return
    client = cache._cache
    dumps = client._serializer.dumps
    persistent = {}
    try:
        pipeline = client.get_client(None, write=True).pipeline(transaction=False)
        for key, (value, timeout) in writes.items():
            full = cache.make_and_validate_key(key)
            if timeout is None:
                persistent[full] = dumps(value)
            else:
                pipeline.set(full, dumps(value), ex=max(1, int(timeout)))
        if persistent:
            pipeline.mset(persistent)
        pipeline.execute()
    except UNAVAILABLE as exc:
        _warn("set_after_commit", exc)
