"""Plazos of the aforo: business days per canal (settings), skipping weekends and Ecuador's
public holidays (the ``holidays`` package)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone


@lru_cache(maxsize=16)
def _holidays(year: int):
    import holidays

    return holidays.country_holidays("EC", years=year)


def is_business_day(day) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` moved ``days`` business days ahead, at the same local time."""
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    moved = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(moved, timezone.get_current_timezone())


def business_days_for(canal: str) -> int:
    return int(settings.ECUAPASS_AFORO_PLAZOS.get(canal, settings.ECUAPASS_AFORO_PLAZO_DEFAULT))


def due_for(canal: str, start: datetime) -> datetime:
    return add_business_days(start, business_days_for(canal))
