"""The API is rate-limited: anonymous callers per client address at the public rate, operators
per user at the operator rate. The address is the connection's unless it comes from a trusted
proxy, and the count holds under concurrency (an atomic counter, never a read-then-write)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from ecuapass.api.throttling import ApiThrottle
from ecuapass.core.client_ip import client_ip
from ecuapass.ratelimit.windows import CacheCounter, DatabaseCounter, FixedWindow

THREADS = 16
DAY = 86400


@pytest.fixture(autouse=True)
def _not_at_a_window_edge():
    """Counts restart with each window; tests use day windows and never start in a day's last
    seconds, so a count never straddles two windows."""
    left = DAY - time.time() % DAY
    if left < 10:
        time.sleep(left)


@pytest.fixture
def low_rates(monkeypatch):
    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", {"public": "3/day", "operator": "5/day"})


def tributos(client, **extra):
    """A calculation (an empty one: answered 400 without the reference data, still counted)."""
    return client.post("/api/v1/tributos/", "{}", content_type="application/json", **extra)


def throttled(codes):
    return [code == 429 for code in codes]


@pytest.mark.django_db
def test_public_api_is_limited_per_ip_with_a_machine_readable_429(client, low_rates):
    codes = [client.get("/api/v1/arancel/", {"q": "0901"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/arancel/", {"q": "0901"})
    assert response.json()["error"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= DAY
    other_ip = client.get("/api/v1/arancel/", {"q": "0901"}, REMOTE_ADDR="10.9.9.9")
    assert other_ip.status_code == 200


@pytest.mark.django_db
def test_authenticated_callers_get_the_operator_rate(client, low_rates, django_user_model):
    user = django_user_model.objects.create_user(
        "0991003002001", "rate", "Clave.Segura.2026", kind="empleado"
    )
    client.force_login(user)
    codes = [client.get("/api/v1/buzon/").status_code for _ in range(6)]
    assert codes[-1] == 429
    assert 429 not in codes[:5]


# --- The client address ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("call", ["arancel", "tributos"])
def test_a_rotating_x_forwarded_for_from_an_untrusted_peer_is_ignored(client, low_rates, call):
    def request(n):
        forwarded = {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}"}
        if call == "arancel":
            return client.get("/api/v1/arancel/", {"q": "0901"}, **forwarded)
        return tributos(client, **forwarded)

    codes = [request(n).status_code for n in range(6)]
    assert throttled(codes) == [False] * 3 + [True] * 3, codes


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(
    client, low_rates, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.0.0.7"}
    # The client forges the left part of the header; the proxy appends the address it saw.
    codes = [
        client.get(
            "/api/v1/arancel/",
            {"q": "0901"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5",
            **proxy,
        ).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    other = client.get(
        "/api/v1/arancel/", {"q": "0901"}, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy
    )
    assert other.status_code == 200


def _request(remote, forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # no proxy configured: header ignored
        (["10.0.0.1"], "203.0.113.9", "1.2.3.4", "203.0.113.9"),  # peer is not the proxy
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.1"], "10.0.0.1", None, "10.0.0.1"),  # the proxy itself, nothing forwarded
        (["10.0.0.0/8"], "10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4"),  # proxy chain
        (["10.0.0.0/8"], "10.0.0.1", "10.1.1.1, 10.0.0.2", "10.1.1.1"),  # all trusted
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4, no-es-una-ip", "10.0.0.1"),  # garbage: stop
        (["10.0.0.1"], "10.0.0.1", " 2001:DB8::1 ", "2001:db8::1"),
        (["::1"], "::1", "1.2.3.4", "1.2.3.4"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(_request(remote, forwarded)) == expected


def test_login_lockout_uses_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    request = _request("10.0.0.1", "6.6.6.6, 1.2.3.4")
    assert get_client_ip_address(request) == client_ip(request) == "1.2.3.4"
    assert get_client_ip_address(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


# --- The count holds under concurrency --------------------------------------------------------


def _hammer(call, total: int) -> list:
    """`total` calls spread over THREADS real threads, each with its own database connection."""
    start = threading.Barrier(THREADS)

    def worker(n):
        start.wait()
        try:
            return [call() for _ in range(n)]
        finally:
            connection.close()

    per_thread = [total // THREADS + (1 if i < total % THREADS else 0) for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        return [r for chunk in pool.map(worker, per_thread) for r in chunk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_public_requests_never_exceed_the_limit(monkeypatch):
    monkeypatch.setattr(ApiThrottle, "THROTTLE_RATES", {"public": "20/day", "operator": "40/day"})

    def call():
        return tributos(Client()).status_code

    codes = _hammer(call, 80)
    assert throttled(codes).count(False) == 20, codes


@pytest.mark.django_db(transaction=True)
def test_database_counter_is_atomic_under_concurrency():
    window = FixedWindow("test", limit=100, seconds=DAY, counter=DatabaseCounter())
    results = _hammer(lambda: window.hit("hammer").allowed, 400)
    assert results.count(True) == 100
    assert window.hit("hammer").count == 401


def test_redis_counter_is_atomic_under_concurrency(redis_cache):
    cache = redis_cache
    window = FixedWindow("test", limit=100, seconds=DAY, counter=CacheCounter(cache))
    results = _hammer(lambda: window.hit("hammer").allowed, 400)
    assert results.count(True) == 100
    assert window.hit("hammer").count == 401
    # The key expires with its window.
    key = window.key("hammer")
    ttl = cache._cache.get_client(key).ttl(cache.make_and_validate_key(key))
    assert 0 < ttl <= DAY + 1


@pytest.mark.django_db
@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_released_hit_is_given_back_and_windows_are_separate(store, request):
    if store == "database":
        counter = DatabaseCounter()
    else:
        counter = CacheCounter(request.getfixturevalue("redis_cache"))
    window = FixedWindow("test", limit=2, seconds=DAY, counter=counter)
    assert [window.hit("a").allowed for _ in range(2)] == [True, True]
    assert not window.hit("a").allowed
    window.release("a")
    window.release("a")
    assert window.hit("a").allowed
    assert window.hit("b").allowed  # another key has its own count
    assert FixedWindow("other", limit=2, seconds=DAY, counter=counter).hit("a").allowed


@pytest.mark.django_db
def test_expired_database_windows_are_removed():
    from datetime import timedelta

    from django.utils import timezone

    from ecuapass.ratelimit.models import RateCounter

    RateCounter.objects.create(key="old", count=5, expires_on=timezone.now() - timedelta(hours=1))
    FixedWindow("test", limit=2, seconds=DAY, counter=DatabaseCounter()).hit("new")
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


def test_the_configured_store_is_redis_when_redis_url_is_set(settings):
    from ecuapass.ratelimit.windows import default_counter

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert isinstance(default_counter(), CacheCounter)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ecuapass_cache",
        }
    }
    assert isinstance(default_counter(), DatabaseCounter)
