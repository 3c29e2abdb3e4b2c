"""Interest on late payment: from the day after the obligation became exigible to the day of
payment, at the annual rate in force each day (``TasaInteres`` rows per trimester), simple
interest on a 360-day year, rounded half-up to cents once at the end."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ecuapass.core.money import cents

ZERO = Decimal("0.00")
YEAR_DAYS = Decimal("360")


def interest_for(principal: Decimal, exigible_on: date, on: date, rates=None) -> Decimal:
    """Interest owed on ``principal`` exigible since ``exigible_on`` if paid on ``on``."""
    if principal <= 0 or on <= exigible_on:
        return ZERO
    start = exigible_on + timedelta(days=1)
    if rates is None:
        rates = rates_until(on)
    total = Decimal("0")
    for valid_from, valid_to, rate in rates:
        seg_start = max(start, valid_from)
        seg_end = min(on, valid_to) if valid_to else on
        if seg_end < seg_start:
            continue
        days = (seg_end - seg_start).days + 1
        total += principal * rate / Decimal("100") * days / YEAR_DAYS
    return cents(total)


def rates_until(on: date) -> list:
    """The rate rows in force up to ``on``: (valid_from, valid_to, annual_rate), in order."""
    from .models import TasaInteres

    return list(
        TasaInteres.objects.filter(valid_from__lte=on)
        .order_by("valid_from")
        .values_list("valid_from", "valid_to", "annual_rate")
    )
