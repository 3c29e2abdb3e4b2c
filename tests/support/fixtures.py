"""pytest plugin (registered in the root conftest): the ``world`` of tests.support.world and ``oce_client``."""

from __future__ import annotations

import pytest

from tests.support import world as testing


@pytest.fixture
def world(db):
    return testing.build_world()


@pytest.fixture
def oce_client(client):
    """Log a party in with its OCE active: ``oce_client(party)`` → the test client."""
    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE

    def login(party):
        client.force_login(party.user)
        session = client.session
        session[SESSION_OCE_CODE] = party.oce.code
        session[SESSION_OCE_TYPE] = party.oce.registration.oce_type.code
        session.save()
        return client

    return login


@pytest.fixture
def redis_cache():
    """A Redis cache of its own (a unique key prefix, its keys removed afterwards); skipped
    when Redis is not running on 127.0.0.1:6379."""
    import uuid

    from django.core.cache.backends.redis import RedisCache

    redis = pytest.importorskip("redis")
    prefix = f"ecuapass-test-{uuid.uuid4().hex}"
    cache = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": prefix})
    try:
        cache.get("ping")
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis no está disponible en 127.0.0.1:6379")
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def language_switches(monkeypatch):
    """From now on, ``.seen`` lists the language of every ``translation.override`` entered, in
    order; ``.real`` is the override itself (to set a language without counting it)."""
    from types import SimpleNamespace

    from django.utils import translation

    spy = SimpleNamespace(seen=[], real=translation.override)

    def override(lang, *args, **kwargs):
        spy.seen.append(lang)
        return spy.real(lang, *args, **kwargs)

    monkeypatch.setattr(translation, "override", override)
    return spy
