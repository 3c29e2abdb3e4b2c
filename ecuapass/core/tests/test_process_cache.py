"""core.process_cache: the one shape of every per-process cache (issue 16)."""

from __future__ import annotations

import threading

from ecuapass.core.process_cache import ProcessCache


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_least_recently_used_entries_go_first():
    cache = ProcessCache(2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # "a" used: "b" is now the least recent
    cache.set("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    assert len(cache) == 2


def test_entries_end_after_their_ttl_or_at_their_own_time():
    clock = Clock()
    cache = ProcessCache(10, default_ttl=5, timer=clock)
    cache.set("default", "x")
    cache.set("short", "y", ttl=1)
    cache.set("until", "z", ends=clock.now + 10)
    clock.now += 2
    assert (cache.get("default"), cache.get("short"), cache.get("until")) == ("x", None, "z")
    clock.now += 4
    assert (cache.get("default"), cache.get("until")) == (None, "z")
    clock.now += 5
    assert cache.get("until") is None and len(cache) == 0
    assert cache.get("missing", "default") == "default"


def test_without_a_ttl_entries_last_until_pushed_out_or_cleared():
    cache = ProcessCache(3)
    cache.set("a", 1)
    cache.pop("a")
    cache.pop("absent")
    cache.set("b", 2)
    assert cache.get("a") is None and cache.get("b") == 2
    cache.clear()
    assert cache.get("b") is None and len(cache) == 0


def test_threads_share_it_without_losing_its_bound():
    cache = ProcessCache(50)

    def fill(start):
        for i in range(start, start + 500):
            cache.set(i, i)
            cache.get(i - 3)

    threads = [threading.Thread(target=fill, args=(n * 1000,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 50
