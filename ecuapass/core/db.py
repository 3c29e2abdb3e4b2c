"""Database helpers shared by the contexts."""

from __future__ import annotations

import functools
import logging
import random
import time

from django.db import OperationalError, connection

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
