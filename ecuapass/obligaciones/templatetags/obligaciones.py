"""``{% obligaciones_documento edoc %}``: what a DAI owes, what is paid, and its levante, on the
document page (1.3). The page already checked the scope and the grant."""

from __future__ import annotations

from django import template
from django.utils import timezone

from .. import levante, services
from ..models import Obligation

register = template.Library()


@register.inclusion_tag("obligaciones/_documento.html")
def obligaciones_documento(edoc):
    obligations = list(
        Obligation.objects.filter(edoc=edoc).exclude(state=Obligation.State.ANULADA).order_by("pk")
    )
    today = timezone.localdate()
    return {
        "edoc": edoc,
        "rows": [(o, services.amount_due(o, today)) for o in obligations],
        "total": sum((o.amount for o in obligations), services.ZERO),
        "levante": levante.levante_of(edoc)
        if edoc.estado_documento == levante.SALIDA_AUTORIZADA
        else None,
    }
