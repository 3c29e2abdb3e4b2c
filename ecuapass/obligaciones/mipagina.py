"""The «obligations due / overdue» block of 3.11.1 Mi página: the active OCE's open
obligations, earliest exigible first (one query over the ledger's index, sliced)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


def obligations_due(ctx):
    from ecuapass.core.formatting import money
    from ecuapass.mipagina.blocks import Item

    from .models import Obligation

    if ctx.oce is None:
        return []
    today = timezone.localdate()
    qs = (
        Obligation.objects.visible_to(ctx.oce)
        .filter(state__in=Obligation.OPEN)
        .order_by("exigible_on", "pk")[: ctx.limit]
    )
    return [
        Item(
            label=f"{o.numero} — {o.get_concept_display()}",
            url=reverse("obligaciones:detalle", args=[o.numero]),
            when=o.exigible_on,
            detail=_("USD %(m)s") % {"m": money(o.amount)},
            level="danger" if o.exigible_on < today else "warning",
        )
        for o in qs
    ]
