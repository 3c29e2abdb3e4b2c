"""The VUE's block of Mi página (3.11.1): permits about to expire."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecuapass.core import formatting


def expiring_permits(ctx):
    from ecuapass.mipagina.blocks import Item

    from .services import expiring

    if ctx.oce is None:
        return []
    today = timezone.localdate()
    url = reverse("vue:inicio")
    return [
        Item(
            label=f"{d.numero} — {d.tipo.entidad.code}",
            url=url,
            when=d.valido_hasta,
            detail=_("vence el %(f)s") % {"f": formatting.fecha(d.valido_hasta)},
            level="danger" if (d.valido_hasta - today).days <= 7 else "warning",
        )
        for d in expiring(ctx.oce.registration.operator_id, today, limit=ctx.limit)
    ]
