"""Read side of the buzón: the inbox query, filtered and paginated in the database."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core.paginator import Paginator
from django.utils import timezone

from .models import Notification

PER_PAGE = 20


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def inbox_queryset(user, oce_code, filters: dict | None = None):
    """Notices visible to ``user`` under ``oce_code`` (or None), newest first, with ``is_read``."""
    filters = filters or {}
    qs = (
        Notification.objects.visible_to(user, oce_code)
        .with_read_state(user)
        .select_related("oce_code")
        .only(
            "id",
            "sender",
            "subject",
            "category",
            "created_on",
            "user_id",
            "oce_code_id",
            "oce_code__code",
        )
        .order_by("-created_on", "-id")
    )
    if filters.get("desde"):
        qs = qs.filter(created_on__gte=_day_start(filters["desde"]))
    if filters.get("hasta"):
        qs = qs.filter(created_on__lt=_day_start(filters["hasta"] + timedelta(days=1)))
    estado = filters.get("estado")
    if estado == "leido":
        qs = qs.filter(is_read=True)
    elif estado == "no_leido":
        qs = qs.filter(is_read=False)
    if filters.get("remitente"):
        qs = qs.filter(sender__icontains=filters["remitente"])
    if filters.get("asunto"):
        qs = qs.filter(subject__icontains=filters["asunto"])
    return qs


def inbox_page(user, oce_code, filters: dict | None, page_number=1, per_page: int = PER_PAGE):
    paginator = Paginator(inbox_queryset(user, oce_code, filters), per_page)
    return paginator.get_page(page_number)


def get_visible_notice(user, oce_code, pk: int) -> Notification | None:
    return (
        Notification.objects.visible_to(user, oce_code)
        .select_related("oce_code", "related_type")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
