"""Gap-free numbering taken under a row lock in the caller's transaction.

Inside ``batched()`` (the worker's batch, issue 16) a counter's row is locked and read once,
advanced in memory and written once at the end of the block, in the same transaction: one
``UPDATE`` per counter and batch instead of a ``SELECT … FOR UPDATE`` and an ``UPDATE`` per
number. A part of the batch rolled back to its savepoint gives its numbers back with
``Counters.restore`` (so numbers stay gap-free).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from .models import Sequence

_local = threading.local()


@dataclass
class Counters:
    """The counters of a ``batched()`` block: their rows and current values."""

    rows: dict[str, Sequence] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)

    def mark(self) -> tuple[set[str], dict[str, int]]:
        """The state to go back to if what follows rolls back to a savepoint."""
        return set(self.rows), dict(self.values)

    def restore(self, mark: tuple[set[str], dict[str, int]]) -> None:
        """Give back the numbers taken since ``mark`` (the savepoint rolled back: its row
        locks, and rows it created, are gone, so those counters are read again on next use)."""
        keys, values = mark
        for key in list(self.rows):
            if key not in keys:
                del self.rows[key]
                self.values.pop(key, None)
        self.values.update(values)

    def flush(self) -> None:
        for key, row in self.rows.items():
            if self.values[key] != row.value:
                Sequence.objects.filter(pk=row.pk).update(value=self.values[key])
                row.value = self.values[key]


@contextmanager
def batched():
    """Advance counters in memory inside the block; written once at its end (call inside
    ``transaction.atomic()``; nothing is written if the block raises)."""
    if getattr(_local, "counters", None) is not None:
        yield _local.counters  # nested: the outer block writes
        return
    counters = _local.counters = Counters()
    try:
        yield counters
        counters.flush()
    finally:
        _local.counters = None


def next_value(key: str) -> int:
    """Return the next value of the counter ``key`` (1, 2, 3 …).

    Must run inside the transaction that uses the number: if it rolls back, the
    number is given back, so sequences never skip. On PostgreSQL the row is
    locked by the ``UPDATE`` that advances it (``_advance``) until the commit; SQLite
    serialises writers with ``transaction_mode=IMMEDIATE``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside transaction.atomic()")
    counters = getattr(_local, "counters", None)
    if counters is not None:
        if key not in counters.rows:
            counters.rows[key] = _locked_row(key)
            counters.values[key] = counters.rows[key].value
        counters.values[key] += 1
        return counters.values[key]
    value = _advance(key)
    if value is None:  # a new counter: created at 0, then advanced
        _locked_row(key)
        value = _advance(key)
    return value


def _advance(key: str) -> int | None:
    """``UPDATE … SET value = value + 1 … RETURNING value``: the row is locked and advanced in
    one statement (was a ``SELECT … FOR UPDATE`` and an ``UPDATE``); None if there is no row."""
    from django.db import connection

    table, column, where = (
        connection.ops.quote_name(name) for name in (Sequence._meta.db_table, "value", "key")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 WHERE {where} = %s RETURNING {column}",  # noqa: S608
            [key],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _locked_row(key: str) -> Sequence:
    """The counter's row, locked (created at 0 if new)."""
    seq = Sequence.objects.select_for_update().filter(key=key).first()
    if seq is None:
        try:
            with transaction.atomic():
                seq = Sequence.objects.create(key=key, value=0)
        except IntegrityError:
            pass
        seq = Sequence.objects.select_for_update().get(key=key)
    return seq
