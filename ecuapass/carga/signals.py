"""The DAI's cargo is discharged when the DAI is accepted and given back when it is annulled.

The engine writes a ``StatusChange`` row for every move of a document, in the transaction of
the move; listening to it keeps the DAI's type (``customs``) and the engine unaware of cargo.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from ecuapass.edocs.models import StatusChange
from ecuapass.edocs.states import DocumentState


@receiver(post_save, sender=StatusChange, dispatch_uid="carga_descargo_dai")
def discharge_on_dai_moves(sender, instance, created, **kwargs):
    if not created or instance.field != StatusChange.Field.DOCUMENTO:
        return
    if instance.to_state not in (DocumentState.ACEPTADO, DocumentState.ANULADO):
        return
    document = instance.document
    if document.doc_type != "DAI":
        return
    from . import services

    if instance.to_state == DocumentState.ACEPTADO:
        services.descargar(document)
    else:
        services.liberar(document)
