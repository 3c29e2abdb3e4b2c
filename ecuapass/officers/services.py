"""Who is an officer, who may act where: the rules every screen, API and lifecycle check uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import Officer, OfficerRole
from .roles import Role

_CACHE = "_ecuapass_officer"


def _officers() -> QuerySet[Officer]:
    return Officer.objects.select_related("user").prefetch_related(
        "distritos", Prefetch("role_rows", queryset=OfficerRole.objects.only("officer", "role"))
    )


def officer_of(user) -> Officer | None:
    """The active officer profile of ``user`` (None for anyone else), read once per user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, _CACHE, False)
    if cached is not False:
        return cached
    officer = _officers().active().filter(user_id=user.pk).first()
    setattr(user, _CACHE, officer)
    return officer


def forget(user) -> None:
    """Drop the profile cached on ``user`` (after its roles or distritos changed)."""
    if user is not None and hasattr(user, _CACHE):
        delattr(user, _CACHE)


def officers_for(distrito: str, role: str) -> QuerySet[Officer]:
    """Active officers holding ``role`` who work in ``distrito`` (assigned to it explicitly).

    An administrador may act in every distrito, but work is assigned to the officers of the
    distrito: this is the pool for assignments and workload.
    """
    return (
        _officers()
        .active()
        .filter(distritos__code=distrito, role_rows__role=Role(role).value)
        .distinct()
        .order_by("user__username")
    )


def actor_check(role: str) -> Callable[[Any, Any], bool]:
    """``check(user, edoc)`` for ``lifecycle.register_actor``: ``role`` in ``edoc.distrito``."""
    role = Role(role).value

    def check(user, edoc) -> bool:
        officer = officer_of(user)
        return officer is not None and officer.may_act_as(role, edoc.distrito)

    check.__name__ = f"holds_{role}"
    return check


def register_roles() -> None:
    """Declare every SENAE role as an actor of the documents' lifecycles."""
    from ecuapass.edocs.lifecycle import register_actor

    for role in Role:
        register_actor(role.value, role.label, actor_check(role.value))
