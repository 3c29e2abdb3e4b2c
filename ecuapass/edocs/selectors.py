"""The 1.3 query (Integración de estados del trámite), shared by the screen, exports and API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Q
from django.utils import timezone

from ecuapass.core.process_cache import ProcessCache

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


# --- 1.3's page: a capped count and keyset navigation (ADR 0009) ---------------------------
COUNT_CAP = 10_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def encode_cursor(row) -> str:
    """A row's place in the newest-first order: ``<microseconds since the epoch>-<id>``."""
    delta = row.sent_on - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}-{row.pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The cursor's (sent_on, id), or None when absent or malformed (then: numbered pages)."""
    if not text or len(text) > 40:
        return None
    micros, sep, pk = text.partition("-")
    if not sep or not micros.isdigit() or not pk.isdigit():
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


COUNT_TTL = 120  # bounds what a write behind the ORM's back could leave stale (models)
REPLICA_COUNT_TTL = 15


# The version key of each código's 1.3 scope, as this process last found it: named to the
# access snapshot's read (accounts.context.register_prefetch, EdocsConfig.ready), which then
# reads the version in its own round trip to the cache, with the badge. A key found stale (a
# código whose type changed) only costs its own read (documents_version checks it).
_scope_keys = ProcessCache(4096)


def prefetch_keys(user_id, oce_code_id) -> list[str]:
    key = _scope_keys.get(oce_code_id)
    return [key] if key is not None else []


def documents_version(oce, got: dict | None = None) -> tuple[str, str] | None:
    """(key, value) of the version of what 1.3 shows ``oce`` (``models.documents_changed``:
    bumped after the commit of any write of a document of its scope); None inside a
    transaction that wrote documents of that scope (their commit will bump it). ``got``: what
    the request's access snapshot read already read (``accounts.context.prefetched``)."""
    import uuid

    from django.core.cache import cache

    from .models import count_version_key, is_party_oce, uncommitted_count_versions

    if is_party_oce(oce):
        key = count_version_key(operator_id=oce.registration.operator_id)
    else:
        key = count_version_key(oce_id=oce.pk)
    if key in uncommitted_count_versions():
        return None
    if _scope_keys.get(oce.pk) != key:
        _scope_keys.set(oce.pk, key)
    version = got.get(key) if got is not None and key in got else cache.get(key)
    if not version:
        # Set before anything is read under it: a bump after this write gives a newer
        # version, never an older one.
        version = uuid.uuid4().hex
        cache.set(key, version, None)
    return key, version


def kept_ttl() -> float:
    """How long what 1.3 read may be kept under its version: ``COUNT_TTL``, or the replica's
    accepted lag when it was read there (it may miss the newest commits for that long)."""
    replica = router.db_for_read(EDocument) != DEFAULT_DB_ALIAS
    return REPLICA_COUNT_TTL if replica else COUNT_TTL


def capped_count(queryset, oce=None, f: EstadoFilter | None = None, version=None) -> int:
    """``queryset``'s count up to ``COUNT_CAP`` + 1; for 1.3's own filters of ``oce`` kept in the
    cache per (scope, filters) under the scope's ``documents_version`` (``version``: as already
    read), so a steady 1.3 reads one cache entry instead of counting up to 10,001 rows. A text
    search (``q``: titles and references, which corrections rewrite with ``QuerySet.update``) is
    always counted."""
    import hashlib

    from django.core.cache import cache

    def count() -> int:
        return queryset.order_by()[: COUNT_CAP + 1].count()

    if oce is None or f is None or f.q:
        return count()
    version = version or documents_version(oce)
    if version is None:
        return count()
    version_key, token = version
    start, end = period_bounds(f)
    filters = (
        COUNT_CAP,
        f.operacion,
        f.tipo_documento,
        f.numero_entrega.strip().upper(),
        f.estado,
        start.isoformat() if start else "",
        end.isoformat() if end else "",
    )
    digest = hashlib.sha1(repr(filters).encode(), usedforsecurity=False).hexdigest()
    count_key = f"edocs:count:{version_key[len('edocs:v:') :]}:{digest}"
    cached = cache.get(count_key)
    if cached is not None and cached[0] == token:
        return cached[1]
    value = count()
    cache.set(count_key, (token, value), kept_ttl())
    return value


class EstadosPage:
    """One page of 1.3 without an exact count over the whole scope.

    * The count stops at ``COUNT_CAP`` + 1 (``SELECT count(*) FROM (… LIMIT 10001)``): the
      screen says "más de 10 000" beyond it, and the number of pages is then unknown.
    * "Siguiente" and "Anterior" carry the last (first) row's place, so a deep page is an
      index range scan from there (keyset) instead of an OFFSET that reads every row before
      it. A page number without a cursor (typed or bookmarked) is an OFFSET, within the cap.
    """

    def __init__(self, queryset, number, per_page: int, after=None, before=None, count=None):
        self.per_page = per_page
        self.count = capped_count(queryset) if count is None else count
        self.capped = self.count > COUNT_CAP
        self.num_pages = None if self.capped else max(1, -(-self.count // per_page))
        try:
            number = max(1, int(number or 1))
        except (TypeError, ValueError):
            number = 1
        after, before = decode_cursor(after), decode_cursor(before)
        if after:
            at, pk = after
            rows = list(
                queryset.filter(Q(sent_on__lt=at) | Q(sent_on=at, id__lt=pk))[: per_page + 1]
            )
            self.has_next, self.has_previous = len(rows) > per_page, True
            rows = rows[:per_page]
        elif before:
            at, pk = before
            rows = list(
                queryset.filter(Q(sent_on__gt=at) | Q(sent_on=at, id__gt=pk)).order_by(
                    "sent_on", "id"
                )[: per_page + 1]
            )
            self.has_previous, self.has_next = len(rows) > per_page, True
            rows = rows[:per_page][::-1]
            if not self.has_previous:
                number = 1
        else:
            last = self.num_pages or (COUNT_CAP // per_page) + 1
            number = min(number, last)
            start = (number - 1) * per_page
            rows = list(queryset[start : start + per_page + 1])
            self.has_next, self.has_previous = len(rows) > per_page, number > 1
            rows = rows[:per_page]
        self.number = number
        self.object_list = rows
        self.offset = (number - 1) * per_page

    @property
    def next_cursor(self) -> str:
        return encode_cursor(self.object_list[-1]) if self.object_list else ""

    @property
    def previous_cursor(self) -> str:
        return encode_cursor(self.object_list[0]) if self.object_list else ""

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return max(1, self.number - 1)

    @property
    def paginated(self) -> bool:
        return self.has_next or self.has_previous
