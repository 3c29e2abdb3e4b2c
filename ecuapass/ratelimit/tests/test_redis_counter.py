"""The Redis counter of the rate limits: one round trip per increment (issue 16)."""

from __future__ import annotations

from ecuapass.ratelimit.windows import CacheCounter, FixedWindow, Leases

DAY = 24 * 3600


def test_an_increment_is_one_round_trip_and_the_window_expires(redis_cache, monkeypatch):
    import redis

    sent = []
    real_command, real_pipeline = redis.client.Redis.execute_command, redis.client.Pipeline.execute

    def command(self, *args, **kwargs):
        sent.append(args[0])
        return real_command(self, *args, **kwargs)

    def pipeline(self, *args, **kwargs):
        sent.append(tuple(c[0][0] for c in self.command_stack))
        return real_pipeline(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline)
    window = FixedWindow(
        "test", limit=25, seconds=DAY, counter=CacheCounter(redis_cache), lease=10, leases=Leases()
    )
    hits = [window.hit("erp") for _ in range(30)]
    assert [h.allowed for h in hits] == [True] * 25 + [False] * 5
    # Hits 1, 11, 21 (10, 10 then the 5 left), 26 and after: one MULTI/EXEC each, nothing else.
    assert sent == [("SET", "INCRBY")] * 8, sent
    key = window.key("erp")
    client = redis_cache._cache.get_client(key)
    full = redis_cache.make_and_validate_key(key)
    assert int(client.get(full)) == 80 and 0 < client.ttl(full) <= DAY + 1
    assert redis_cache.get(key) == 80  # Django's cache reads the same counter
