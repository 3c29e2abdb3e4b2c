"""Acceptance and rejection notices to the buzón of the filer and of the party."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

SENDER = "SENAE"
CATEGORY = "edoc"  # notifications.models.Category.EDOC


def recipients(edoc, *, filer: bool = True, party: bool = True) -> list:
    """The filer's code, and the party's importer codes when someone else filed."""
    from ecuapass.accounts.models import OceCode
    from ecuapass.core.models import Capability, OceType

    codes = [edoc.filer_oce] if filer else []
    if (
        party
        and edoc.party_operator_id
        and edoc.party_operator_id != edoc.filer_oce.registration.operator_id
    ):
        party_codes = OceCode.objects.filter(
            registration__operator_id=edoc.party_operator_id,
            registration__oce_type__in=OceType.objects.with_capability(Capability.TITULAR),
            state=OceCode.State.ACTIVE,
        ).exclude(pk=edoc.filer_oce_id)
        codes.extend(party_codes)
    return codes


def notify_outcome(edoc, errors) -> None:
    try:
        from ecuapass.notifications.services import notify
    except ImportError:  # the buzón is not installed in this build
        logger.warning("edocs: notifications.services.notify not available; notice skipped")
        return
    accepted = not errors
    params = {
        "doc": edoc.doc_type,
        "titulo": edoc.title,
        "entrega": edoc.numero_entrega,
        "num": edoc.document_number,
    }
    if accepted:
        kind = "edoc.aceptado"
        subject = gettext_lazy("%(doc)s ACEPTADA - %(num)s")
        body = gettext_lazy(
            "El documento %(titulo)s con número de entrega %(entrega)s fue ACEPTADO "
            "con el número de documento %(num)s."
        )
    else:
        kind = "edoc.rechazado"
        subject = gettext_lazy("%(doc)s RECHAZADA - entrega %(entrega)s")
        body = "%(cabecera)s\n%(errores)s"
        params["cabecera"] = gettext_lazy(
            "El documento %(titulo)s con número de entrega %(entrega)s fue RECHAZADO con las siguientes observaciones:"
        )
        params["errores"] = [
            f"- [{e.code}] {e.field}: {e.message}" if e.field else f"- [{e.code}] {e.message}"
            for e in errors
        ]
    for code in recipients(edoc):
        notify(
            sender=SENDER,
            subject=subject,
            body=body,
            params=params,
            kind=kind,
            category=CATEGORY,
            oce_code=code,
            related=edoc,
        )
