"""Levante: a DAI whose aforo is closed and whose obligations are all covered (paid, under an
approved facilidad de pago, or guaranteed) becomes «Salida autorizada», fired by the system in
the transaction of whatever completed it (the payment, the cierre, the plan's approval)."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from .models import Obligation

logger = logging.getLogger(__name__)

PROCESS = "obligaciones"
SALIDA_AUTORIZADA = "salida_autorizada"
# The DAI's states in which the aforo is closed (customs.edoc.DaiState).
AFORO_CERRADO = ("aforo_cerrado", "liquidacion_complementaria")
TRANSITION = "autorizar_salida"


def uncovered(edoc):
    """The document's obligations that still hold the goods."""
    return Obligation.objects.filter(edoc=edoc, state__in=Obligation.OPEN, garantia__isnull=True)


def is_covered(edoc) -> bool:
    return not uncovered(edoc).exists()


def release_if_covered(edoc, *, current: bool = False) -> bool:
    """Fire the levante if the aforo is closed and everything is covered; True if it did.

    A payment that arrives while the DAI is still in aforo is kept: the cierre calls this again.
    ``current``: ``edoc`` is the locked document a transition just moved (its state is the
    row's: not read again).
    """
    from ecuapass.edocs import batch, lifecycle
    from ecuapass.edocs.models import EDocument

    # A worker's batch writes its current document's row at the document's end
    # (edocs.batch.saved_once): the instance, not the row, has the state meanwhile.
    if current or batch.is_current(edoc):
        state = edoc.estado_documento
    else:
        state = (
            EDocument.objects.filter(pk=edoc.pk).values_list("estado_documento", flat=True).first()
        )
    if state not in AFORO_CERRADO:
        return False
    transitions = {t.name for t in edoc.type.lifecycle.transitions}
    if TRANSITION not in transitions or not is_covered(edoc):
        return False
    lifecycle.fire(edoc, TRANSITION, process=PROCESS, note=_("Obligaciones cubiertas."))
    notify_depositos(edoc)
    return True


def notify_depositos(edoc) -> None:
    """The depósitos temporales named in the trámite learn that the goods may leave."""
    from ecuapass.despacho.models import Inspection
    from ecuapass.edocs.notices import CATEGORY, SENDER
    from ecuapass.notifications.services import notify

    codes = {
        i.deposito
        for i in Inspection.objects.filter(case__edoc=edoc, deposito__isnull=False).select_related(
            "deposito"
        )
    }
    for code in codes:
        notify(
            oce_code=code,
            sender=SENDER,
            subject=_("SALIDA AUTORIZADA - %(numero)s") % {"numero": edoc.document_number},
            body=_(
                "La mercancía de la declaración %(numero)s tiene salida autorizada (levante): "
                "puede entregarse al importador."
            )
            % {"numero": edoc.document_number},
            category=CATEGORY,
            related=edoc,
        )


def levante_of(edoc):
    """The status-history row of the levante, or None."""
    from ecuapass.edocs.models import StatusChange

    return (
        StatusChange.objects.filter(document=edoc, to_state=SALIDA_AUTORIZADA)
        .order_by("-pk")
        .first()
    )
