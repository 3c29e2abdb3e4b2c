"""Django's PostgreSQL backend, with JSON values written by orjson and a health check that
costs no round trip on a connection checked within the last second (issue 16).

A DAI's submission writes ~9 KB of JSON (the envío as sent, the liquidación's detail, each
item's tariffs and legal bases): the standard library's encoder took ~3 % of the request's
CPU, orjson about an eighth of that (the same JSON text, give or take whitespace and the
escaping of non-ASCII characters, which PostgreSQL's jsonb does not keep). What orjson would
write where ``json.dumps`` raises — a date, a dataclass, a number beyond 64 bits, a key that is
not text — goes through ``json.dumps`` as before, and raises there. Two differences remain, in
values no caller writes (``json.dumps`` raised, or PostgreSQL refused its output): a UUID or a
plain ``Enum`` is written as its value, a NaN or infinite float as null. Fields with an encoder
of their own keep Django's path.

The health check (``CONN_HEALTH_CHECKS``): Django runs ``SELECT 1`` before the first statement of
every request, so a persistent connection broken by a database restart is replaced instead of
failing the request. On a steady screen that is a third round trip to PostgreSQL beside the
session's one statement (~8 % of the main screen's CPU in its worker). A server that ends a
connection — a restart, a crash, ``pg_terminate_backend``, an idle timeout — says so on the socket
(its error message, then the end of the stream), so a connection whose socket has nothing to read
and that passed a full check (or was opened) less than ``ECUAPASS_DB_HEALTH_CHECK_SECONDS`` ago
(1 s) is used without one. Anything to read, an unexpected state or an older check: Django's
``SELECT 1``, as before. What only the full check would catch — a server that vanished without a
word (a host powered off, a link cut) and came back in under a second — cannot come back that
fast; a connection kept idle longer is checked in full.

Statement conversion: psycopg turns each statement's ``%s`` placeholders into PostgreSQL's
``$n`` with a regular expression and keeps the result per statement text — except for a
statement longer than 4 KiB or with more than 50 parameters, which it converts again every time
(its authors' guard against ORM statements whose text changes with every row count). Several
statements the DAI pipeline repeats have more than 50 parameters and a fixed text
(``core.db.insert``: one per model and row count): a DAI's three items (78), a batch's notices
and history rows. Converting them again was ~2.5 % of the API request's CPU and ~2 % of a
worker's (py-spy, issue 16's tenth pass); ``CONVERTED_PARAMS_MAX`` and ``CONVERTED_LENGTH_MAX``
raise psycopg's bounds so that they are converted once per process (psycopg keeps the last 128
statements it converted).
"""

from __future__ import annotations

import json
import select
import time

import orjson
from django.conf import settings
from django.db.backends.postgresql import base, operations
from psycopg import _queries, pq
from psycopg.types.json import Jsonb

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


# psycopg's bounds (50 and 4096) on the statements whose conversion it keeps, raised: a DAI of up
# to 37 items (27 parameters each) and core.db.insert's rows (up to INSERT_VALUES_MAX_ROWS, 50, of
# up to 20 columns: notices 15, history rows 11) fit; a 500-item DAI's INSERT is converted each
# time, as psycopg does.
CONVERTED_PARAMS_MAX = 1000
CONVERTED_LENGTH_MAX = 32 * 1024
if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", 0) < CONVERTED_PARAMS_MAX:
    _queries.MAX_CACHED_STATEMENT_PARAMS = CONVERTED_PARAMS_MAX
if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", 0) < CONVERTED_LENGTH_MAX:
    _queries.MAX_CACHED_STATEMENT_LENGTH = CONVERTED_LENGTH_MAX


def _standard(value):
    """orjson's ``default``: a value outside what it writes as ``json.dumps`` does."""
    raise TypeError


def dumps(value) -> bytes | str:
    """``value`` as JSON for PostgreSQL: by orjson, else by ``json.dumps``."""
    try:
        return orjson.dumps(value, default=_standard, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return json.dumps(value)


class DatabaseOperations(operations.DatabaseOperations):
    def adapt_json_value(self, value, encoder):
        if encoder is None:
            return Jsonb(value, dumps=dumps)
        return super().adapt_json_value(value, encoder)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
    checked_at = None  # time.monotonic() of the connection's opening or last full check

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.checked_at = time.monotonic()
        return connection

    def close_if_health_check_failed(self):
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
            or self.pool
        ):
            return super().close_if_health_check_failed()  # nothing to check (Django's rules)
        if self._recently_checked() and self._quiet():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()  # Django's SELECT 1
        if self.connection is not None:  # passed: the window starts again
            self.checked_at = time.monotonic()

    def _recently_checked(self) -> bool:
        window = getattr(settings, "ECUAPASS_DB_HEALTH_CHECK_SECONDS", 1.0)
        return self.checked_at is not None and time.monotonic() - self.checked_at < window

    def _quiet(self) -> bool:
        """The connection is open and idle, and its socket has nothing to read: the server has
        sent nothing since the last statement's answer (it would, to end the connection)."""
        pgconn = self.connection.pgconn
        if (
            pgconn.status != pq.ConnStatus.OK
            or pgconn.transaction_status != pq.TransactionStatus.IDLE
        ):
            return False
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, self.Database.Error):
            return False
