"""Database helpers shared by the contexts."""

from __future__ import annotations

import functools
import logging
import random
import time

from django.db import OperationalError, connection, connections, models

logger = logging.getLogger(__name__)

# PostgreSQL: deadlock_detected, serialization_failure; SQLite: a busy database.
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def is_transient(exc: OperationalError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(exc)


def retry_on_conflict(fn=None, *, attempts: int = 3):
    """Run a function that opens its own transaction again when the database aborted it
    for a transient conflict (deadlock, serialization failure, busy SQLite). Called
    inside an outer transaction it runs once: only the outermost block can be retried."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if connection.in_atomic_block:
                return func(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError as exc:
                    if attempt == attempts or not is_transient(exc):
                        raise
                    logger.warning(
                        "%s: transient conflict (%s), retry %d", func.__name__, exc, attempt
                    )
                    time.sleep(random.uniform(0.01, 0.05) * attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate(fn) if fn is not None else decorate


# --- rows held for one INSERT at the end of a block ---------------------------------------------
class Held:
    """A value held in the open transaction until its owner writes it (e.g. a batch's notices
    or history rows, written together at the batch's end): a no-op entry of the transaction's
    on-commit list, where it lives and dies with the savepoints that were open when it was
    held, as on-commit callbacks do. So a savepoint rolled back drops what was held under it,
    and a rolled-back transaction drops everything."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __call__(self) -> None:
        pass


def hold(held: list[Held], value) -> None:
    """Append ``value`` to ``held`` (call inside ``transaction.atomic``)."""
    from django.db import transaction

    marker = Held(value)
    transaction.on_commit(marker)
    held.append(marker)


def still_held(held: list[Held]) -> list:
    """The values of ``held`` no savepoint rollback has dropped, in the order they were held."""
    from django.db import transaction

    alive = {id(entry[1]) for entry in transaction.get_connection().run_on_commit}
    return [marker.value for marker in held if id(marker) in alive]


# --- INSERT and UPDATE with their statements built once -----------------------------------------
# Beyond this many rows ``insert`` leaves them to ``bulk_create``: on PostgreSQL its UNNEST of
# one array per column is one statement text for any number of rows (psycopg converts and
# PostgreSQL prepares it once), where VALUES would be a new, long text for each count.
INSERT_VALUES_MAX_ROWS = 50


def insert(rows: list, *, signals: bool = False, using: str = "default") -> list:
    """Insert ``rows`` (new instances of one model) in one ``INSERT … VALUES … RETURNING`` whose
    text is built once per model, column set and number of rows.

    It writes what ``bulk_create(rows)`` writes — each concrete field's value as ``pre_save``
    (auto_now…) and ``get_db_prep_save`` make it, the key read back onto each instance, which
    is then saved (``_state``) — without Django compiling the same statement again on every
    call: ~0.15 ms less of the caller's CPU per statement (issue 16; a DAI's submission writes
    six). ``signals=True`` sends ``pre_save`` and ``post_save`` (``created=True``) for each
    row as ``save()`` does: it then stands for ``save(force_insert=True)``.

    Rows it cannot write so go through ``bulk_create`` / ``save(force_insert=True)`` unchanged:
    more than ``INSERT_VALUES_MAX_ROWS``, a model with parents (multi-table inheritance), rows
    without their key when the database does not generate it or cannot return it, a field
    with a placeholder of its own, a value given as an expression, keys set on some rows and
    not on others."""
    if not rows:
        return rows
    if len(rows) > INSERT_VALUES_MAX_ROWS:
        return _insert_slowly(rows, signals, using)
    model = type(rows[0])
    db = connections[using]
    fields = _insert_fields(model)
    with_pk = rows[0].pk is not None
    reads_key = model._meta.pk.db_returning and db.features.can_return_rows_from_bulk_insert
    if (
        fields is None
        or not (with_pk or reads_key)
        or any(type(row) is not model or (row.pk is not None) != with_pk for row in rows)
    ):
        return _insert_slowly(rows, signals, using)
    if with_pk:
        fields = [model._meta.pk, *fields]
    if any(hasattr(getattr(row, f.attname), "resolve_expression") for row in rows for f in fields):
        return _insert_slowly(rows, signals, using)
    size = db.ops.bulk_batch_size(fields, rows)  # the database's limit of parameters
    if len(rows) > size:
        for start in range(0, len(rows), size):
            insert(rows[start : start + size], signals=signals, using=using)
        return rows
    if signals:
        for row in rows:
            models.signals.pre_save.send(
                sender=model, instance=row, raw=False, using=using, update_fields=None
            )
    params = []
    for row in rows:
        row._prepare_related_fields_for_save(operation_name="bulk_create")
        params += [f.get_db_prep_save(f.pre_save(row, add=True), connection=db) for f in fields]
    with db.cursor() as cursor:
        cursor.execute(_insert_sql(model, with_pk, len(rows), using), params)
        keys = None if with_pk else [key for (key,) in cursor.fetchall()]
    pk = model._meta.pk
    for i, row in enumerate(rows):
        if keys is not None:
            setattr(row, pk.attname, pk.to_python(keys[i]))
        row._state.adding = False
        row._state.db = using
    if signals:
        for row in rows:
            models.signals.post_save.send(
                sender=model,
                instance=row,
                created=True,
                update_fields=None,
                raw=False,
                using=using,
            )
    return rows


def update(row, *, using: str = "default") -> None:
    """Save ``row`` — a model instance loaded from ``using`` whose row exists — as ``save()``
    does (every column, ``auto_now`` fields set, ``pre_save``/``post_save`` sent with
    ``created=False``), in an ``UPDATE … WHERE pk = %s`` whose text is built once per model:
    without Django building a queryset and compiling the same statement for every row (~0.1 ms
    of the caller's CPU each; a worker's batch saves each of its documents once, issue 16).

    What it cannot write so goes through ``save()`` unchanged: an instance not loaded from this
    database, one with deferred fields (``save()`` then writes the loaded ones only), a model
    with parents or a field with a placeholder of its own, a value given as an expression. A row
    that is gone raises ``DatabaseError`` (``save()`` would insert it again)."""
    from django.db import DatabaseError

    model = type(row)
    fields = _insert_fields(model)
    if (
        fields is None
        or row.pk is None
        or row._state.adding
        or row._state.db != using
        or row.get_deferred_fields()
        or any(hasattr(getattr(row, f.attname), "resolve_expression") for f in fields)
    ):
        row.save(using=using)
        return
    db = connections[using]
    models.signals.pre_save.send(
        sender=model, instance=row, raw=False, using=using, update_fields=None
    )
    row._prepare_related_fields_for_save(operation_name="save")
    params = [f.get_db_prep_save(f.pre_save(row, add=False), connection=db) for f in fields]
    params.append(model._meta.pk.get_db_prep_value(row.pk, db))
    with db.cursor() as cursor:
        cursor.execute(_update_sql(model, using), params)
        if cursor.rowcount != 1:
            raise DatabaseError(f"{model._meta.label} {row.pk}: no row to update")
    models.signals.post_save.send(
        sender=model, instance=row, created=False, update_fields=None, raw=False, using=using
    )


@functools.lru_cache(maxsize=256)
def _update_sql(model, using: str) -> str:
    quote = connections[using].ops.quote_name
    pk = model._meta.pk
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in _insert_fields(model))
    # Identifiers quoted by the backend, every value a parameter.
    return (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments}"  # noqa: S608
        f" WHERE {quote(pk.column)} = %s"
    )


def _insert_slowly(rows: list, signals: bool, using: str) -> list:
    if not signals:
        return type(rows[0])._default_manager.db_manager(using).bulk_create(rows)
    for row in rows:
        row.save(force_insert=True, using=using)
    return rows


@functools.cache
def _insert_fields(model) -> list | None:
    """The columns a new row of ``model`` writes (its generated key aside), or None when
    ``insert`` leaves the model to Django."""
    meta = model._meta
    if meta.parents or any(hasattr(f, "get_placeholder") for f in meta.concrete_fields):
        return None
    return [f for f in meta.concrete_fields if not (f.primary_key or f.generated)]


@functools.lru_cache(maxsize=1024)
def _insert_sql(model, with_pk: bool, count: int, using: str) -> str:
    quote = connections[using].ops.quote_name
    fields = _insert_fields(model)
    if with_pk:
        fields = [model._meta.pk, *fields]
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    group = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Identifiers quoted by the backend, every value a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([group] * count)  # noqa: S608
    if not with_pk:
        sql += f" RETURNING {table}.{quote(model._meta.pk.column)}"
    return sql
