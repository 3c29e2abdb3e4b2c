"""The PostgreSQL health check without a round trip (``ecuapass.core.postgresql``, issue 16):
a connection checked within the last ``ECUAPASS_DB_HEALTH_CHECK_SECONDS`` whose socket has
nothing to read is used as it is; a server that ended it is noticed and the connection
replaced; an older check runs Django's ``SELECT 1``.

What the server last ran on the connection is read from ``pg_stat_activity`` by a second
connection: the check is observed on the server, not inside the code under test."""

from __future__ import annotations

import select
import time

import psycopg
import pytest
from django.db import connection
from django.test import override_settings

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]

MARK = "SELECT 'ecuapass-health-mark'"


def _observer() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def _last_statement(observer, pid: int) -> str:
    return observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[
        0
    ]


def _new_request() -> None:
    """What Django does at a request's start for a kept connection (``close_old_connections``
    on ``request_started``): the next cursor runs the health check."""
    connection.close_if_unusable_or_obsolete()


def _marked() -> int:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(MARK)
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def observer():
    conn = _observer()
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def _health_checks_on():
    connection.close()
    connection.ensure_connection()
    connection.health_check_enabled = True  # as CONN_HEALTH_CHECKS in the settings
    connection.close_at = None  # kept across requests, as with CONN_MAX_AGE in production
    yield
    connection.close()


def test_a_quiet_connection_checked_within_the_window_costs_no_statement(observer):
    pid = _marked()
    _new_request()
    assert not connection.health_check_done
    connection.close_if_health_check_failed()  # what the request's first cursor does
    assert connection.health_check_done
    # The server's last statement on it is still the marked one's: no SELECT 1.
    assert _last_statement(observer, pid) == "SELECT pg_backend_pid()"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid  # the same connection


@override_settings(ECUAPASS_DB_HEALTH_CHECK_SECONDS=0)
def test_past_the_window_the_check_is_djangos_select_1(observer):
    pid = _marked()
    _new_request()
    connection.close_if_health_check_failed()
    assert _last_statement(observer, pid) == "SELECT 1"
    assert connection.connection is not None


@override_settings(ECUAPASS_DB_HEALTH_CHECK_SECONDS=60)  # well within the window
def test_a_connection_the_server_ended_is_replaced_not_used(observer):
    pid = _marked()
    assert observer.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchone()[0]
    # The backend has exited: its goodbye and the end of the stream reach the socket.
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(5000)
    _new_request()
    with connection.cursor() as cursor:  # would raise on the dead connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@override_settings(ECUAPASS_DB_HEALTH_CHECK_SECONDS=0.3)
def test_a_busy_connection_is_still_checked_in_full_once_per_window(observer):
    """Statements on the connection do not stretch the window: it runs from the opening (or
    the last full check), so a connection in constant use still gets Django's SELECT 1."""
    pid = _marked()
    opened = connection.checked_at
    while time.monotonic() < opened + 0.25:  # requests within the window, each with a statement
        _new_request()
        for _statement in range(2):  # a cursor each, as the ORM opens them
            with connection.cursor() as cursor:
                cursor.execute(MARK)
        time.sleep(0.02)
    time.sleep(max(0.0, opened + 0.32 - time.monotonic()))
    _new_request()
    connection.close_if_health_check_failed()
    assert _last_statement(observer, pid) == "SELECT 1"
