"""A move's history row (``StatusChange``): how every move writes it — the FSM transitions
(``signals.record_status_change``), the lifecycle's (``lifecycle.fire``) and a submission's two
(``services._enter_sent_states``).

``post_save`` is sent when the move happens, as ``create()`` sends it: the ``on_move`` listeners
(``edocs.moves``) and the audit log (``ops.observability``) see each move in its transaction,
whether the row is inserted now or, in a worker's batch, with the batch's other history rows in
one INSERT at its end (``edocs.batch.insert_at_end``; nothing reads the history back before)."""

from __future__ import annotations

from django.db import router
from django.db.models.signals import post_save

from . import batch


def write(row) -> None:
    """Insert the unsaved history ``row`` now, or hold it for its batch's end."""
    if batch.insert_at_end(row):
        announce(row)
    else:
        row.save(force_insert=True)


def announce(row) -> None:
    """``post_save`` for a row written in bulk or held for later, as ``save()`` sends it."""
    model = type(row)
    post_save.send(
        sender=model,
        instance=row,
        created=True,
        update_fields=None,
        raw=False,
        using=row._state.db or router.db_for_write(model),
    )
