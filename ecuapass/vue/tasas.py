"""The tasa of a request: an obligation of the ledger (``ecuapass.obligaciones``), paid through the
banks like any other; its payment fires the request's ``pagar_tasa`` (``signals.py``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecuapass.edocs import lifecycle

from .states import POR_PAGAR

PROCESS = "vue-tasa"


def issue_tasa(edoc) -> None:
    """On acceptance: the orden de pago of the type's tasa, or straight to review when it is zero."""
    from ecuapass.obligaciones import services
    from ecuapass.obligaciones.models import Concept

    solicitud = edoc.content
    tipo = solicitud.tipo
    if tipo.tasa <= 0:
        lifecycle.fire(edoc, "pagar_tasa", process=PROCESS)
        return
    operator = edoc.party_operator
    obligation = services.issue_obligation(
        operator.ruc,
        Concept.TASA,
        [
            ("TASA", tipo.tasa, tipo.tasa_base_legal)
            if tipo.tasa_base_legal
            else ("TASA", tipo.tasa)
        ],
        source=solicitud,
        debtor_name=operator.legal_name,
        description=_("Tasa %(entidad)s — %(tipo)s, solicitud %(numero)s")
        % {"entidad": tipo.entidad.code, "tipo": tipo.name, "numero": edoc.document_number},
    )
    solicitud.tasa_numero = obligation.numero
    solicitud.save(update_fields=["tasa_numero"])


def solicitud_of(obligation):
    """The request whose tasa ``obligation`` is (None for any other obligation)."""
    from .models import Solicitud

    prefix = "vue.solicitud:"
    key = getattr(obligation, "source_key", "") or ""
    if not key.startswith(prefix):
        return None
    return Solicitud.objects.select_related("edoc").filter(pk=key[len(prefix) :]).first()


def on_paid(sender, obligation, payment=None, **kwargs) -> None:
    solicitud = solicitud_of(obligation)
    if solicitud is not None and solicitud.edoc.estado_documento == POR_PAGAR:
        lifecycle.fire(solicitud.edoc, "pagar_tasa", process=PROCESS)
