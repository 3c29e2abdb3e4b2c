"""Other contexts react to a document's moves without the engine knowing them.

``on_move(doc_type=…, states=…, handler=…, uid=…)``: ``handler(document, state)`` runs when a
document of ``doc_type`` enters one of ``states`` — inside the move's transaction (it listens to the
``StatusChange`` row every move writes), so what the handler writes commits or rolls back with the
move (e.g. the DAI's cargo and permits discharged at acceptance and given back at annulment).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models.signals import post_save


def on_move(
    *, doc_type: str, states: tuple[str, ...], handler: Callable[[object, str], None], uid: str
) -> None:
    from .models import StatusChange

    def receiver(sender, instance, created, **kwargs):
        if not created or instance.field != StatusChange.Field.DOCUMENTO:
            return
        if instance.to_state not in states:
            return
        document = instance.document
        if document.doc_type == doc_type:
            handler(document, instance.to_state)

    post_save.connect(receiver, sender=StatusChange, dispatch_uid=uid, weak=False)
