"""Read side of the buzón: the inbox query, filtered and paginated in the database."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.utils import timezone
from django.utils.functional import cached_property

from .models import Notification, NotificationRead

PER_PAGE = 20


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(qs, user, filters: dict | None):
    """The Consultar filters, newest first. The read state is joined only when the
    estado filter needs it; otherwise the page's rows get it from one lookup."""
    filters = filters or {}
    if filters.get("desde"):
        qs = qs.filter(created_on__gte=_day_start(filters["desde"]))
    if filters.get("hasta") and filters["hasta"] < date.max:  # 9999-12-31: no upper bound
        qs = qs.filter(created_on__lt=_day_start(filters["hasta"] + timedelta(days=1)))
    estado = filters.get("estado")
    if estado in ("leido", "no_leido"):
        qs = qs.with_read_state(user).filter(is_read=estado == "leido")
    if filters.get("remitente"):
        qs = qs.filter(sender__icontains=filters["remitente"])
    if filters.get("asunto"):
        qs = qs.filter(subject__icontains=filters["asunto"])
    return (
        qs.select_related("oce_code")
        .only(
            "id",
            "sender",
            "subject",
            "message",
            "related_url",
            "related_label",
            "category",
            "created_on",
            "user_id",
            "oce_code_id",
            "oce_code__code",
        )
        .order_by("-created_on", "-id")
    )


def inbox_queryset(user, oce_code, filters: dict | None = None):
    """Notices visible to ``user`` under ``oce_code`` (or None), newest first, with ``is_read``."""
    return _filtered(
        Notification.objects.visible_to(user, oce_code), user, filters
    ).with_read_state(user)


def mark_read_state(rows: list, user) -> list:
    """Set ``is_read`` on a page of notices with one query."""
    ids = [row.pk for row in rows]
    read = set(
        NotificationRead.objects.filter(user=user, notification_id__in=ids).values_list(
            "notification_id", flat=True
        )
    )
    for row in rows:
        row.is_read = row.pk in read
    return rows


class Mailbox:
    """The inbox as a paginable list, fetched the fast way.

    A user's inbox is two disjoint index ranges: BUZÓN PERSONAL (``user``) and the
    active OCE's mailbox (``oce_code``, notices not also addressed to the user).
    ``WHERE user = … OR oce_code = …`` makes the database read and sort every
    notice of both; instead each part is read in index order up to the end of the
    requested page and the two are merged with ``UNION ALL`` (PostgreSQL), and the
    count is the sum of two index counts. Databases that cannot order and slice
    inside a compound query (SQLite) use the plain ``OR`` query. The read state of
    the page's rows comes from one lookup, not from a join over the whole mailbox.
    """

    def __init__(self, user, oce_code, filters: dict | None = None):
        self.user, self.oce_code, self.filters = user, oce_code, filters
        self.parts = [_filtered(Notification.objects.filter(user=user), user, filters)]
        if oce_code is not None:
            mailbox = Notification.objects.filter(oce_code=oce_code).exclude(user=user)
            self.parts.append(_filtered(mailbox, user, filters))
        if not getattr(user, "is_authenticated", False):
            self.parts = [self.queryset]
        self._count = None

    @cached_property
    def queryset(self):
        """The whole inbox as one ``OR`` query (SQLite's page, an open-ended slice)."""
        visible = Notification.objects.visible_to(self.user, self.oce_code)
        return _filtered(visible, self.user, self.filters)

    def count_querysets(self) -> list:
        return [part.order_by() for part in self.parts]

    def count(self) -> int:
        if self._count is None:
            querysets = self.count_querysets()
            if any((self.filters or {}).values()) or len(querysets) != len(self._owners()):
                self._count = sum(qs.count() for qs in querysets)
            else:
                self._count = self._cached_count(querysets)
        return self._count

    def _owners(self) -> list[tuple[str, str]]:
        """(cache key, version owner) of each part's total: a notice to the user or to the
        OCE bumps its owner's version (``services.notify``), as does reading a personal
        notice (the badge's version: one recount, the same total)."""
        if not getattr(self.user, "is_authenticated", False):
            return []
        uid = self.user.pk
        owners = [(f"buzon:total:u{uid}", f"u{uid}")]
        if self.oce_code is not None:
            oce = self.oce_code.pk
            owners.append((f"buzon:total:o{oce}:u{uid}", f"o{oce}"))
        return owners

    def _cached_count(self, querysets) -> int:
        """The unfiltered inbox's total, each part counted once per version of its mailbox
        (the 100,000-notice count cost more than the rest of Consultar)."""
        from django.core.cache import cache

        from .services import UNREAD_TTL, _version_key

        owners = self._owners()
        keys = [_version_key(owner) for _key, owner in owners] + [key for key, _o in owners]
        got = cache.get_many(keys)
        missing = {k: uuid.uuid4().hex for k in keys[: len(owners)] if not got.get(k)}
        if missing:
            cache.set_many(missing, None)
            got.update(missing)
        total, fresh = 0, {}
        for (key, owner), queryset in zip(owners, querysets, strict=True):
            version = got[_version_key(owner)]
            cached = got.get(key)
            if cached is not None and cached[0] == version:
                total += cached[1]
                continue
            count = queryset.count()
            fresh[key] = (version, count)
            total += count
        if fresh:
            cache.set_many(fresh, UNREAD_TTL)
        return total

    def __len__(self) -> int:
        return self.count()

    def page_queryset(self, start: int, stop: int):
        """The one query that fetches rows ``start:stop`` (evaluate it as a list)."""
        if len(self.parts) == 1 or not connection.features.supports_slicing_ordering_in_compound:
            return self.queryset[start:stop]
        first, *rest = (part.order_by("-created_on", "-id")[:stop] for part in self.parts)
        combined = first.union(*rest, all=True)
        if combined.query.is_sliced:  # an empty part leaves the other one as it was
            return combined
        return combined.order_by("-created_on", "-id")[start:stop]

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        if index.stop is None:
            return mark_read_state(list(self.queryset[index]), self.user)
        start = index.start or 0
        rows = self.page_queryset(start, index.stop)
        if rows.query.is_sliced and rows.query.low_mark != start:
            return mark_read_state(list(rows)[start : index.stop], self.user)
        return mark_read_state(list(rows), self.user)


def mailbox_versions(user, oce_code) -> tuple:
    """The versions of what the inbox's latest notices show: the badge's per-mailbox versions
    (``services``), bumped by a notice to the user or the OCE and by the user's reads there.
    One cache read; what is rendered from the latest notices can be kept under them."""
    from django.core.cache import cache

    from .services import _version_key

    owners = [f"u{user.pk}"]
    if oce_code is not None:
        owners += [f"o{oce_code.pk}", f"u{user.pk}:o{oce_code.pk}"]
    keys = [_version_key(owner) for owner in owners]
    got = cache.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if not got.get(key)}
    if missing:
        cache.set_many(missing, None)
        got.update(missing)
    return tuple(got[key] for key in keys)


def inbox_page(user, oce_code, filters: dict | None, page_number=1, per_page: int = PER_PAGE):
    paginator = Paginator(Mailbox(user, oce_code, filters), per_page)
    return paginator.get_page(page_number)


def get_visible_notice(user, oce_code, pk: int) -> Notification | None:
    return (
        Notification.objects.visible_to(user, oce_code)
        .select_related("oce_code", "related_type")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )


# --- the badge read together with the frame's own cache read (portal.menu) ----------------
def _unread_parts(user_id, oce_code_id):
    """(count key, version owners) of each mailbox of the badge: ``services.unread_state``'s."""
    parts = [(f"buzon:unread:u{user_id}", [f"u{user_id}"])]
    if oce_code_id is not None:
        owners = [f"o{oce_code_id}", f"u{user_id}:o{oce_code_id}"]
        parts.append((f"buzon:unread:u{user_id}:o{oce_code_id}", owners))
    return parts


def unread_keys(user_id, oce_code_id) -> list[str]:
    """The cache keys ``unread_state`` reads, to be read with another caller's keys."""
    from .services import _version_key

    parts = _unread_parts(user_id, oce_code_id)
    return [_version_key(o) for _k, owners in parts for o in owners] + [k for k, _o in parts]


def unread_state(user, oce_code=None, got: dict | None = None) -> tuple[int, tuple]:
    """``services.unread_state`` — (unread notices, the mailboxes' versions), the same keys,
    versions and counts — from what a ``get_many`` of ``unread_keys`` already read (``got``),
    and building a mailbox's query only when its count must be made."""
    from django.core.cache import cache

    from .services import UNREAD_TTL, _version_key

    if not getattr(user, "is_authenticated", False):
        return 0, ()
    parts = _unread_parts(user.pk, oce_code.pk if oce_code is not None else None)
    keys = unread_keys(user.pk, oce_code.pk if oce_code is not None else None)
    if got is None:
        got = cache.get_many(keys)
    else:
        got = {k: got[k] for k in keys if k in got}
    missing = {k: uuid.uuid4().hex for k in keys if k.startswith("buzon:v:") and not got.get(k)}
    if missing:
        cache.set_many(missing, None)
        got.update(missing)
    total, fresh = 0, {}
    for index, (key, owners) in enumerate(parts):
        versions = [got[_version_key(o)] for o in owners]
        cached = got.get(key)
        if cached is not None and cached[0] == versions:
            total += cached[1]
            continue
        if index == 0:
            queryset = Notification.objects.filter(user=user)
        else:
            queryset = Notification.objects.filter(oce_code=oce_code).exclude(user=user)
        count = queryset.unread_for(user).count()
        fresh[key] = (versions, count)
        total += count
    if fresh:
        cache.set_many(fresh, UNREAD_TTL)
    versions = tuple(got[_version_key(o)] for _k, owners in parts for o in owners)
    return total, versions
