"""The 1.3 query (Integración de estados del trámite), shared by the screen, exports and API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import EDocument
from .states import TRANSMISSION_VALUES, document_values

PERIODS = ("hoy", "semana", "mes", "rango", "todos")


@dataclass
class EstadoFilter:
    operacion: str = ""
    tipo_documento: str = ""
    numero_entrega: str = ""
    estado: str = ""
    periodo: str = "todos"
    desde: date | None = None
    hasta: date | None = None
    q: str = ""


def period_bounds(f: EstadoFilter, today: date | None = None) -> tuple[date | None, date | None]:
    today = today or timezone.localdate()
    if f.periodo == "hoy":
        return today, today
    if f.periodo == "semana":
        return today - timedelta(days=6), today
    if f.periodo == "mes":
        return today - timedelta(days=29), today
    if f.periodo == "rango" or f.desde or f.hasta:
        return f.desde, f.hasta
    return None, None


def _start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def estados_queryset(oce, f: EstadoFilter):
    """Sent documents visible to ``oce``, filtered in the database, newest first.

    The scope is one indexed predicate, so the page is an index range scan:
    a party (importer) sees the documents filed for it (its own filings
    included), anyone else what its código de OCE filed.
    """
    qs = EDocument.objects.sent_visible_to(oce)
    if f.operacion:
        qs = qs.filter(operation=f.operacion)
    if f.tipo_documento:
        qs = qs.filter(doc_type=f.tipo_documento)
    if f.numero_entrega:
        qs = qs.filter(numero_entrega=f.numero_entrega.strip().upper())
    if f.estado in TRANSMISSION_VALUES:
        qs = qs.filter(estado_transmision=f.estado)
    elif f.estado in document_values():
        qs = qs.filter(estado_documento=f.estado)
    start, end = period_bounds(f)
    if start:
        qs = qs.filter(sent_on__gte=_start(start))
    if end and end < date.max:  # hasta 9999-12-31 has no next day: no upper bound
        qs = qs.filter(sent_on__lt=_start(end + timedelta(days=1)))
    if f.q:
        term = f.q.strip()
        qs = qs.filter(
            Q(numero_entrega__icontains=term)
            | Q(document_number__icontains=term)
            | Q(reference__icontains=term)
            | Q(title__icontains=term)
        )
    return qs.order_by("-sent_on", "-id")


LIST_FIELDS = (
    "id",
    "doc_type",
    "title",
    "numero_entrega",
    "sent_on",
    "estado_transmision",
    "estado_documento",
    "document_number",
    "channel",
    "reference",
)
