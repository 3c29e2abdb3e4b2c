"""The active OCE (tipo + código) of a session: chosen at login steps 2–3.

Every operational screen and query is scoped to it. Views use
``@oce_required`` (or ``OceRequiredMixin``); ``request.oce`` is then the
active ``OceCode`` (with registration, type and operator selected).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from .models import Grant, OceCode

SESSION_OCE_CODE = "ecuapass_oce_code"
SESSION_OCE_TYPE = "ecuapass_oce_type"
# The active código's id, learnt on its first request: only to name, before the access
# snapshot is read, the cache keys other contexts read for it (``register_prefetch``); what
# the request acts as is always the snapshot's re-checked code.
SESSION_OCE_PK = "ecuapass_oce_pk"

_PREFETCH: list = []


def register_prefetch(keys_for) -> None:
    """``keys_for(user_id, oce_code_id)``: cache keys read in the same ``get_many`` as the
    access snapshot's versions; the result is ``prefetched(request, oce)``."""
    _PREFETCH.append(keys_for)


def prefetched(request, oce) -> dict | None:
    """What the snapshot's read also read for ``oce`` in this request, or None."""
    got = getattr(request, "_access_prefetched", None)
    if got is None or oce is None or got[0] != oce.pk:
        return None
    return got[1]


def usable_codes(user):
    """Códigos de OCE this user may act as, active only, with type and operator."""
    qs = OceCode.objects.select_related("registration__oce_type", "registration__operator").filter(
        state=OceCode.State.ACTIVE,
        registration__state="activo",
        registration__operator__state="activo",
    )
    if not user.is_authenticated or not user.operator_id:
        return qs.none()
    if user.is_representative:
        return qs.filter(registration__operator_id=user.operator_id)
    granted = Grant.objects.filter(user=user, approved=True).values("oce_code_id")
    return qs.filter(pk__in=granted)


def get_active_oce(request) -> OceCode | None:
    """The session's OCE code, re-checked against the user's current grants."""
    if hasattr(request, "_active_oce"):
        return request._active_oce
    code = request.session.get(SESSION_OCE_CODE)
    oce = None
    if code and request.user.is_authenticated:
        # Cached per user and code, invalidated by any change of grants (access_cache).
        from django.core.cache import cache

        from .access_cache import snapshot, snapshot_keys

        user = request.user
        oce_pk = request.session.get(SESSION_OCE_PK)
        got = None
        if oce_pk is not None and _PREFETCH:
            keys = snapshot_keys(user.pk, code)[:2]
            keys += [key for keys_for in _PREFETCH for key in keys_for(user.pk, oce_pk)]
            got = cache.get_many(keys)
            request._access_prefetched = (oce_pk, got)
        oce = snapshot(user, code, got=got, blob_read=False).get("oce")
        if oce is not None and oce_pk != oce.pk:
            request.session[SESSION_OCE_PK] = oce.pk  # learnt once (sessions made before)
    request._active_oce = oce
    return oce


def set_active_oce(request, oce: OceCode) -> None:
    request.session[SESSION_OCE_CODE] = oce.code
    request.session[SESSION_OCE_TYPE] = oce.registration.oce_type.code
    request.session[SESSION_OCE_PK] = oce.pk
    request._active_oce = oce


def clear_active_oce(request) -> None:
    request.session.pop(SESSION_OCE_CODE, None)
    request.session.pop(SESSION_OCE_TYPE, None)
    request.session.pop(SESSION_OCE_PK, None)
    if hasattr(request, "_active_oce"):
        del request._active_oce


def oce_required(view):
    """Login and an active OCE; otherwise to login or to the Tipo de OCE step."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        oce = get_active_oce(request)
        if oce is None:
            return redirect("accounts:select_type")
        request.oce = oce
        return view(request, *args, **kwargs)

    return wrapper


class OceRequiredMixin:
    @classmethod
    def as_view(cls, **initkwargs):
        return oce_required(super().as_view(**initkwargs))


def oce_if_held(view):
    """Login; an active OCE when the user holds any (else to Tipo de OCE); ``request.oce`` may be None.

    For screens that also serve users without an OCE (Usuario General,
    officers): the main screen and the buzón (BUZÓN PERSONAL only).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        oce = get_active_oce(request)
        if oce is None and usable_codes(request.user).exists():
            return redirect("accounts:select_type")
        request.oce = oce
        return view(request, *args, **kwargs)

    return wrapper
