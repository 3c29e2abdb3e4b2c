"""Reads of the read-only screens that accept a replica's lag go to PostgreSQL's read replica.

With ``DATABASE_REPLICA_URL`` set the settings add a ``replica`` database alias (a streaming
replica of the primary, docs/deploy.md) and ``ReplicaRouter`` sends to it the reads made while
a view runs under ``@reads_from_replica`` — and only those. Nothing goes to the replica by
default: a view opts in, one by one, when its readers accept data some seconds old (1.3 Estados
de documentos, 2.11 Consulta de carga, the tariff search; the lag accepted is in
docs/deploy.md). Everything else, every write (even of an object read from the replica), and
the request machinery's own tables (sessions, cache, rate-limit counters, the login lockout)
stay on ``default``. Put the decorator innermost, under the access checks: the grants, the
active OCE and the second factor are decided on the primary.

The choice is a ``contextvars`` flag, so it holds for the thread (or task) running the view
and nothing else; a streamed response (a CSV export) keeps it while its rows are produced.
Without a replica alias the decorator changes nothing.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Tables the request machinery reads and writes around any view: always the primary's.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "django_cache", "ratelimit", "axes", "otp_totp", "otp_static", "django_tasks_db"}
)

_reads = contextvars.ContextVar("ecuapass_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


# How far behind the replica is: 0 when it has replayed all it received (an idle primary sends
# nothing, which is not lag), else the age of the last transaction it replayed.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
    END
"""


def lag_seconds() -> float | None:
    """Seconds the replica is behind the primary (``/metrics``: ``ecuapass_replica_lag_seconds``);
    None without a PostgreSQL replica. Raises ``DatabaseError`` when it does not answer."""
    if not replica_configured() or connections[REPLICA].vendor != "postgresql":
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0] or 0)


@contextmanager
def replica_reads():
    """Reads inside this block go to the replica (when there is one)."""
    token = _reads.set(True)
    try:
        yield
    finally:
        _reads.reset(token)


def _streamed(chunks):
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def reads_from_replica(view):
    """Run ``view`` (a function view or a class-based view's method) reading from the replica."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            response = view(*args, **kwargs)
        if getattr(response, "streaming", False):
            response.streaming_content = _streamed(response.streaming_content)
        return response

    return wrapper


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads under ``replica_reads`` → replica; all else → default."""

    def db_for_read(self, model, **hints):
        if _reads.get() and model._meta.app_label not in PRIMARY_ONLY_APPS and replica_configured():
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS  # never the replica, whatever alias the instance came from

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by replication
