"""Gap-free numbering taken under a row lock in the caller's transaction."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Sequence


def next_value(key: str) -> int:
    """Return the next value of the counter ``key`` (1, 2, 3 …).

    Must run inside the transaction that uses the number: if it rolls back, the
    number is given back, so sequences never skip. On PostgreSQL the row is
    locked with SELECT … FOR UPDATE; SQLite serialises writers with
    ``transaction_mode=IMMEDIATE``.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value() must run inside transaction.atomic()")
    seq = Sequence.objects.select_for_update().filter(key=key).first()
    if seq is None:
        try:
            with transaction.atomic():
                seq = Sequence.objects.create(key=key, value=0)
        except IntegrityError:
            pass
        seq = Sequence.objects.select_for_update().get(key=key)
    seq.value += 1
    seq.save(update_fields=["value"])
    return seq.value
