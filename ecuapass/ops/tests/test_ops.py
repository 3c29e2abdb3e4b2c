"""Liveness/readiness, /metrics and its protection, request ids, JSON logs, the degraded cache."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.utils import timezone

from ecuapass.core.models import WorkerHeartbeat
from ecuapass.ops import context
from ecuapass.ops.cache import ResilientRedisCache
from ecuapass.ops.jsonlog import JsonFormatter
from ecuapass.ratelimit.models import RateCounter
from ecuapass.ratelimit.windows import CacheCounter, FixedWindow
from tests.support.workers import closed_port


def test_liveness_needs_no_database(client):
    response = client.get("/healthz/live")  # no django_db mark: any query would raise
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_is_503_without_a_fresh_worker_and_200_with_one(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "workers": "no_fresh_worker",
        "queue_age": "ok",
    }
    WorkerHeartbeat.objects.create(worker="w1", host="h", pid=1, seen_on=timezone.now())
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok" and response.json()["workers"]["fresh"] == 1


@pytest.mark.django_db
def test_metrics_from_loopback_have_documents_queue_and_latency_by_view(client, world):
    client.get("/healthz/live")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "ecuapass_database_up 1.0" in text
    assert (
        'ecuapass_http_request_duration_seconds_bucket{le="0.005",method="GET",view="ops:live"}'
        in text
    )
    for name in (
        "ecuapass_jobs",
        "ecuapass_job_oldest_ready_seconds",
        "ecuapass_workers_fresh",
        "ecuapass_documents",
        "ecuapass_envios_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name


@pytest.mark.django_db
def test_metrics_refused_to_the_public_and_through_the_proxy(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    forwarded = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert forwarded.status_code == 403
    assert forwarded.json()["error"] == "permission_denied"
    settings.METRICS_TOKEN = "s3cret-token"
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    assert right.status_code == 200


def test_request_id_is_kept_when_valid_and_made_otherwise(client):
    given = client.get("/healthz/live", HTTP_X_REQUEST_ID="abc12345-from-haproxy")
    assert given["X-Request-ID"] == "abc12345-from-haproxy"
    forged = client.get("/healthz/live", HTTP_X_REQUEST_ID="<script>\n")
    assert forged["X-Request-ID"] != "<script>\n" and len(forged["X-Request-ID"]) == 32


def test_json_log_line_carries_request_and_job_ids():
    record = logging.makeLogRecord(
        {
            "name": "ecuapass.x",
            "levelname": "INFO",
            "msg": "hola %s",
            "args": ("mundo",),
            "event": "e1",
        }
    )
    token_r = context.request_id.set("req-1234567")
    token_j = context.job_id.set("job-42")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        context.request_id.reset(token_r)
        context.job_id.reset(token_j)
    assert line["message"] == "hola mundo" and line["event"] == "e1"
    assert line["request_id"] == "req-1234567" and line["job_id"] == "job-42"
    assert line["level"] == "INFO" and line["logger"] == "ecuapass.x"


@pytest.mark.django_db
def test_job_enqueued_log_has_the_request_id(caplog):
    from tests.tasks import count_run

    token = context.request_id.set("req-follow-me")
    try:
        with caplog.at_level(logging.INFO, logger="ecuapass.ops"):
            result = count_run.enqueue("logged")
    finally:
        context.request_id.reset(token)
    record = next(r for r in caplog.records if r.getMessage() == "job_enqueued")
    assert record.job == str(result.id)
    formatted = json.loads(JsonFormatter().format(record))
    assert "request_id" not in formatted  # the contextvar was reset; the line is built at log time
    assert formatted["job"] == str(result.id)


def _dead_redis() -> ResilientRedisCache:
    return ResilientRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )


def test_cache_without_redis_misses_and_drops_writes():
    cache = _dead_redis()
    assert isinstance(cache, RedisCache)
    assert cache.get("k") is None and cache.get("k", "dflt") == "dflt"
    cache.set("k", 1)  # dropped, no error
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", lambda: 7) == 7
    with pytest.raises(ValueError):
        cache.incr("version")  # as for a missing key: the caller sets it again
    assert cache.add("k", 1) is False  # not stored; first-use versions go on with their token


def test_set_many_without_a_timeout_is_one_mset_and_with_one_expires(redis_cache, monkeypatch):
    """Against the Redis the CI runs (``redis_cache``'s key prefix): the keys written either
    way, the persistent ones with no expiry, in one command instead of a MULTI/EXEC pipeline."""
    import redis

    cache = ResilientRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": redis_cache.key_prefix})
    raw = cache._cache.get_client(None, write=True)
    sent = []
    real = redis.Redis.execute_command

    def recording(self, *args, **options):  # records each command, then sends it as always
        sent.append(args[0])
        return real(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", recording)  # a pipeline queues instead
    cache.set_many({"a": 1, "b": {"x": 2}}, None)
    assert sent == ["MSET"]
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": {"x": 2}}
    assert raw.ttl(cache.make_key("a")) == -1  # persistent
    cache.set_many({"c": 3}, 60)
    assert cache.get("c") == 3 and 0 < raw.ttl(cache.make_key("c")) <= 60


def test_redis_keys_are_not_held_to_memcached_limits(redis_cache):
    """Django warns about keys memcached would refuse (spaces, control characters, over 250
    characters) by checking each character of every key; Redis takes any key, and the cache
    neither warns nor changes them."""
    import warnings

    cache = ResilientRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": redis_cache.key_prefix})
    long_key = "buzón " + "x" * 300
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a CacheKeyWarning would raise
        cache.set(long_key, 1)
        assert cache.get_many([long_key, "otra clave"]) == {long_key: 1}


def test_reads_on_a_pooled_connection_answer_as_redis_py_and_survive_a_dropped_one(redis_cache):
    """``GET``/``MGET`` sent on a connection of the pool (packed by hiredis): the same values
    as redis-py's own commands — missing keys, integers, pickled values, text beyond ASCII —
    and a connection the server dropped is replaced: the read still answers."""
    cache = ResilientRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": redis_cache.key_prefix})
    values = {"n": 7, "t": "buzón ñ", "d": {"v": ["a", 1]}, "b": b"\x00\xff"}
    cache.set_many(values, None)
    keys = [*values, "falta"]
    client = cache._cache.get_client(None)
    raw = client.mget([cache.make_key(k) for k in keys])
    loads = cache._cache._serializer.loads
    expected = {k: loads(v) for k, v in zip(keys, raw, strict=True) if v is not None}
    assert cache.get_many(keys) == expected == values
    assert cache.get("t") == "buzón ñ" and cache.get("falta", "x") == "x"
    assert cache.get_many([]) == {}
    # The server closes this cache's pooled connections: the next reads reconnect.
    import redis

    pool = cache._cache._get_connection_pool(False)
    ours = [
        "{}:{}".format(*c._sock.getsockname()[:2]) for c in pool._available_connections if c._sock
    ]
    assert ours
    killer = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    for addr in ours:
        killer.client_kill(addr)
    killer.close()
    assert cache.get_many(keys) == values
    assert cache.get("n") == 7
    # A connection that breaks while the read is on it: dropped, and redis-py's own command
    # answers on a new one.
    import socket

    real_get_connection = pool.get_connection
    broken = []

    def breaking(*args, **kwargs):
        connection = real_get_connection(*args, **kwargs)
        if not broken:  # the first one only: redis-py's retry then gets a sound one
            connection._sock.shutdown(socket.SHUT_RDWR)
            broken.append(connection._sock)
        return connection

    pool.get_connection = breaking
    try:
        assert cache.get_many(keys) == values
        assert broken and broken[0].fileno() == -1  # dropped, not handed back half-read
    finally:
        pool.get_connection = real_get_connection


def test_redis_replies_are_parsed_by_hiredis(redis_cache):
    """``redis[hiredis]`` (pyproject): the client parses replies in C — the frame's one
    ``MGET`` per request cost ~100 Python calls more with redis-py's own parser (issue 16)."""
    from redis._parsers import _HiredisParser
    from redis.utils import HIREDIS_AVAILABLE

    cache = ResilientRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": redis_cache.key_prefix})
    client = cache._cache.get_client(None, write=True)
    assert HIREDIS_AVAILABLE
    connection = client.connection_pool.get_connection()
    try:
        assert isinstance(connection._parser, _HiredisParser)
    finally:
        client.connection_pool.release(connection)


@pytest.mark.django_db
def test_writes_after_commit_go_out_together_once_it_commits(
    redis_cache, monkeypatch, django_capture_on_commit_callbacks
):
    """A transaction's cache writes wait for its commit and then go to Redis in one pipeline
    (one round trip); those of a rolled-back savepoint are never written."""
    import redis
    from django.db import transaction

    from ecuapass.ops.cache import pending_after_commit, set_after_commit

    cache = ResilientRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": redis_cache.key_prefix})
    raw = cache._cache.get_client(None, write=True)
    round_trips = []
    real = redis.client.Pipeline.execute

    def counting(self, *args, **kwargs):  # counts, then sends as always
        round_trips.append([command[0][0] for command in self.command_stack])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counting)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():  # the first writes, in a savepoint rolled back
                set_after_commit({"lost": "x"}, cache=cache)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert pending_after_commit(cache) == {}
        set_after_commit({"version:a": "v1", "version:b": "v1"}, cache=cache)
        set_after_commit({"rid:job": "req-1"}, 60, cache=cache)
        set_after_commit({"version:a": "v2"}, cache=cache)  # the last value wins
        assert set(pending_after_commit(cache)) == {"version:a", "version:b", "rid:job"}
        assert pending_after_commit() == {}  # another cache's: none
        assert cache.get("version:a") is None  # nothing before the commit
    assert round_trips == [["SET", "MSET"]]
    assert cache.get_many(["version:a", "version:b", "rid:job", "lost"]) == {
        "version:a": "v2",
        "version:b": "v1",
        "rid:job": "req-1",
    }
    assert raw.ttl(cache.make_key("version:a")) == -1
    assert 0 < raw.ttl(cache.make_key("rid:job")) <= 60
    assert pending_after_commit(cache) == {}


@pytest.mark.django_db
def test_a_submissions_trace_and_count_versions_are_one_round_trip(
    redis_cache, monkeypatch, django_capture_on_commit_callbacks
):
    """With Redis as the default cache, what a submission writes after its commit — the 1.3
    count versions (``edocs.documents_changed``) and its job's request-id trace
    (``observability._enqueued``, which names ``caches["default"]``) — goes in one pipeline."""
    from types import SimpleNamespace

    import redis
    from django.core.cache import caches
    from django.test import override_settings

    from ecuapass.edocs.models import count_version_key, documents_changed
    from ecuapass.ops import observability

    round_trips = []
    real = redis.client.Pipeline.execute

    def counting(self, *args, **kwargs):  # counts, then sends as always
        round_trips.append(sorted(command[0][0] for command in self.command_stack))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counting)
    redis_settings = {
        "default": {
            "BACKEND": "ecuapass.ops.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": redis_cache.key_prefix,
        }
    }
    job = SimpleNamespace(id="job-rt", task=SimpleNamespace(name="t", queue_name="q"))
    with override_settings(CACHES=redis_settings):
        token = context.request_id.set("req-one-trip")
        try:
            with django_capture_on_commit_callbacks(execute=True):
                documents_changed((1,), (2,))
                observability._enqueued(None, job)
        finally:
            context.request_id.reset(token)
        default = caches["default"]
        assert round_trips == [["MSET", "SET"]]
        assert default.get("rid:job-rt") == "req-one-trip"
        assert default.get(count_version_key(oce_id=1)) and default.get(
            count_version_key(operator_id=2)
        )


def test_first_use_versions_work_without_redis(monkeypatch):
    from ecuapass.tariff import version

    monkeypatch.setattr(version, "cache", _dead_redis())
    assert len(version.current()) == 32  # was a 500 of every submission with Redis stopped


@pytest.mark.django_db(transaction=True)
def test_rate_limit_without_redis_still_limits_counting_in_the_database():
    window = FixedWindow("test-degraded", limit=2, seconds=60, counter=CacheCounter(_dead_redis()))
    hits = [window.hit("198.51.100.7") for _ in range(3)]
    assert [h.allowed for h in hits] == [True, True, False]
    assert RateCounter.objects.get(key=window.key("198.51.100.7")).count == 3


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz", r"^metrics$"])
def test_health_checks_are_not_redirected_to_https(client):
    assert client.get("/healthz/live").status_code == 200


@pytest.mark.django_db
def test_estado_del_servicio_is_a_page_for_people(client):
    WorkerHeartbeat.objects.create(worker="w1", host="h", pid=1, seen_on=timezone.now())
    response = client.get("/estado/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-estado="portal">En servicio' in html
    assert 'data-estado="procesamiento">En servicio' in html
    assert "0 trabajos pendientes" in html
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_estado_del_servicio_renders_with_the_database_down(client):
    from tests.support.workers import database_unreachable

    with database_unreachable():
        response = client.get("/estado/")
    assert response.status_code == 503
    assert "la base de datos no responde" in response.content.decode()


@pytest.mark.django_db
def test_footer_links_the_status_page(client):
    assert 'href="/estado/"' in client.get("/ingresar/").content.decode()


@pytest.mark.django_db
def test_status_changes_and_logins_are_audit_lines(world, caplog, client):
    from ecuapass.edocs import registry, services
    from ecuapass.edocs.states import Channel
    from tests.support.world import dai_payload

    payload = dai_payload()
    dai_type = registry.get("DAI")
    serializer = dai_type.serializer_class()(data=payload)
    serializer.is_valid(raise_exception=True)
    with caplog.at_level(logging.INFO, logger="ecuapass.audit"):
        document = services.submit_payload(
            dai_type,
            serializer.validated_data,
            raw=payload,
            user=world.importer.user,
            oce=world.importer.oce,
            channel=Channel.SOFTWARE,
        ).envio.document
        client.post(
            "/ingresar/",
            {"ruc": "0991003002001", "username": "nadie", "password": "secreto-de-prueba"},
        )
    audit = [r for r in caplog.records if r.name == "ecuapass.audit"]
    changes = [r for r in audit if r.event == "status_change"]
    assert changes and all(r.document == document.pk for r in changes)
    assert {(r.field, r.to_state) for r in changes} >= {("transmision", "recibido")}
    failed = next(r for r in audit if r.event == "login_failed")
    line = JsonFormatter().format(failed)
    assert json.loads(line)["username"] and "secreto-de-prueba" not in line


@pytest.mark.django_db
def test_back_office_changes_are_audit_lines_shipped_whatever_the_log_level(client, caplog):
    from django.conf import settings

    from ecuapass.accounts.models import Operator, User
    from ecuapass.officers.tests.factories import login_verified

    assert settings.SHIPPED_LOGGERS["ecuapass.audit"]["level"] == "INFO"
    admin = User.objects.create_superuser("0968562020001:auditor", "x-secure-pass-1")
    login_verified(client, admin)
    operator = Operator.objects.create(ruc="0990000001001", legal_name="Antes S.A.")
    with caplog.at_level(logging.INFO, logger="ecuapass.audit"):
        response = client.post(
            f"/{settings.ADMIN_URL}accounts/operator/{operator.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    line = next(r for r in caplog.records if getattr(r, "event", "") == "admin_change")
    assert (line.user, line.action, line.model, line.object) == (
        admin.pk,
        "delete",
        "accounts.operator",
        str(operator.pk),
    )


def test_the_request_id_follows_the_job_into_the_worker(monkeypatch):
    from types import SimpleNamespace

    from django.core.cache.backends.locmem import LocMemCache

    from ecuapass.ops import observability

    cache = LocMemCache("trace", {})
    monkeypatch.setattr(observability, "_trace_cache", lambda: cache)
    job = SimpleNamespace(id="job-1", task=SimpleNamespace(name="t", queue_name="q"))
    token = context.request_id.set("req-from-the-api")
    try:
        observability._enqueued(None, job)  # in the web request
    finally:
        context.request_id.reset(token)
    assert context.request_id.get() == ""
    observability._started(None, job)  # in the worker
    assert context.request_id.get() == "req-from-the-api" and context.job_id.get() == "job-1"
    observability._finished(None, job)
    assert context.request_id.get() == "" and context.job_id.get() == ""


@pytest.mark.django_db
def test_readiness_with_the_database_down_is_a_json_503(client):
    from tests.support.workers import database_unreachable

    with database_unreachable():
        response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["checks"]["database"] != "ok"
    assert set(body["checks"]) == {"database"}


@pytest.mark.django_db
def test_readiness_reports_an_ageing_queue(client, settings):
    from datetime import timedelta

    from django_tasks_db.models import DBTaskResult

    from tests.tasks import count_run

    WorkerHeartbeat.objects.create(worker="w1", host="h", pid=1, seen_on=timezone.now())
    result = count_run.enqueue("old")
    DBTaskResult.objects.filter(pk=result.id).update(
        run_after=timezone.now() - timedelta(seconds=settings.ECUAPASS_QUEUE_MAX_AGE_SECONDS + 60)
    )
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["queue_age"] == "queue_ageing"


def test_json_log_line_is_the_json_dumps_of_its_entry():
    """The formatter's line is exactly ``json.dumps(entry, ensure_ascii=False)`` (its encoder
    is made once): non-ASCII kept, values as given."""
    record = logging.makeLogRecord(
        {"name": "ecuapass.audit", "levelname": "INFO", "msg": "status_change", "by_role": "oce"}
    )
    record.event, record.document, record.nota = "status_change", 7, "recepción «ñ»"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert line == json.dumps(entry, ensure_ascii=False)
    assert "recepción «ñ»" in line and entry["document"] == 7
