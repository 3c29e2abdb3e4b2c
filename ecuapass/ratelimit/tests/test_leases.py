"""Leased hits (``FixedWindow(…, lease=n)``): one increment of the shared count per ``n`` hits,
and the limit still holds for every process together."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.ratelimit.windows import DatabaseCounter, FixedWindow, Leases

DAY = 86400


@pytest.mark.django_db
def test_one_increment_per_lease():
    window = FixedWindow(
        "lease", limit=100, seconds=DAY, counter=DatabaseCounter(), lease=10, leases=Leases()
    )
    with CaptureQueriesContext(connection) as queries:
        assert all(window.hit("a").allowed for _ in range(30))
    increments = [q for q in queries.captured_queries if "ratelimit_ratecounter" in q["sql"]]
    assert len(increments) <= 4  # 3 increments (+ the old windows' clean-up once)


@pytest.mark.django_db
def test_processes_together_never_exceed_the_limit():
    counter = DatabaseCounter()
    # Three processes (each its own leases) sharing one count.
    windows = [
        FixedWindow("lease", limit=50, seconds=DAY, counter=counter, lease=7, leases=Leases())
        for _ in range(3)
    ]
    allowed = sum(windows[i % 3].hit("a").allowed for i in range(300))
    assert 50 - 2 * 6 <= allowed <= 50
    # Within one process every hit of the limit is used.
    single = FixedWindow("one", limit=50, seconds=DAY, counter=counter, lease=7, leases=Leases())
    assert sum(single.hit("a").allowed for _ in range(300)) == 50


@pytest.mark.django_db(transaction=True)
def test_concurrent_leased_hits_never_exceed_the_limit():
    counter = DatabaseCounter()
    window = FixedWindow(
        "lease-c", limit=100, seconds=DAY, counter=counter, lease=8, leases=Leases()
    )

    def hit(_n):
        try:
            return window.hit("h").allowed
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(hit, range(300)))
    assert results.count(True) == 100


def test_the_api_leases_only_large_limits():
    from ecuapass.api.throttling import lease_for

    assert lease_for(5) == 1 and lease_for(99) == 1
    assert lease_for(600) == 12 and lease_for(100_000) == 20
