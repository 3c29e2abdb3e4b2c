"""Queries of the operator's screens (paginated in the database, over the ledger's indexes)."""

from __future__ import annotations

from django.db.models import Sum, Value
from django.db.models.functions import Coalesce

from .interest import rates_until
from .models import ZERO, Obligation

PAGE_SIZE = 25


def for_oce(oce, *, state: str = ""):
    qs = Obligation.objects.visible_to(oce).select_related("edoc", "titulo")
    if state == "pendientes":
        qs = qs.filter(state__in=Obligation.OPEN)
    elif state in Obligation.State.values:
        qs = qs.filter(state=state)
    return with_paid(qs).order_by("-issued_on", "-pk")


def with_paid(qs):
    return qs.annotate(paid=Coalesce(Sum("payments__principal"), Value(ZERO)))


def rows_with_due(obligations, on):
    """``(obligation, Due)`` pairs for annotated obligations, one rates query for the page."""
    from .services import amount_due

    rates = rates_until(on)
    return [(o, amount_due(o, on, paid=o.paid, rates=rates)) for o in obligations]
