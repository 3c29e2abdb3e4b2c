"""Who may open a page or call an endpoint of the portal interno: one rule, two doors.

``access(user, roles, verified=…)`` is the rule: a signed-in, active officer, past the second
factor, holding any of ``roles`` (any role when none is named). Portal views use
``@officer_required(*roles)``; DRF views under ``/api/v1/interno/`` use ``OfficerAPIMixin``
(``OfficerRoleGranted`` with ``officer_roles = {"GET": (...), "POST": (...)}``, refused for a
method it does not name). Both set ``request.officer``. API callers are an OTP-verified portal
session or an ``OfficerToken`` of SENAE's own systems (docs/adr/0006).

Actions are audited: pass ``**audit(request)`` to ``edocs.lifecycle.fire`` (the user and the
client's address, ``core.client_ip``); the role is the lifecycle's actor.
"""

from __future__ import annotations

import enum
import ipaddress
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from ecuapass.core.client_ip import client_ip

from . import second_factor
from .authentication import OfficerTokenAuthentication
from .models import Officer, OfficerToken
from .roles import Role
from .services import officer_of


class Denied(enum.Enum):
    ANONYMOUS = "anonymous"
    NOT_OFFICER = "not_officer"
    UNVERIFIED = "unverified"
    ROLE = "role"


MESSAGES = {
    Denied.ANONYMOUS: gettext_lazy("Inicie sesión para continuar."),
    Denied.NOT_OFFICER: gettext_lazy(
        "El portal interno es de los funcionarios aduaneros de SENAE: su usuario no es un"
        " funcionario activo."
    ),
    Denied.UNVERIFIED: gettext_lazy("Complete la verificación en dos pasos para continuar."),
    Denied.ROLE: gettext_lazy("Esta opción requiere uno de estos roles: %(roles)s."),
}


def access(user, roles=(), *, verified: bool) -> Officer | Denied:
    """The officer allowed in, or why not."""
    if user is None or not user.is_authenticated:
        return Denied.ANONYMOUS
    officer = officer_of(user)
    if officer is None:
        return Denied.NOT_OFFICER
    if not verified:
        return Denied.UNVERIFIED
    if not officer.has_role(*roles):
        return Denied.ROLE
    return officer


def denial_message(reason: Denied, roles=()) -> str:
    names = ", ".join(str(Role(r).label) for r in roles) or _("cualquiera")
    return (
        str(MESSAGES[reason]) % {"roles": names} if reason is Denied.ROLE else str(MESSAGES[reason])
    )


def officer_required(*roles: str):
    """Portal view decorator: an active, OTP-verified officer holding any of ``roles``."""
    roles = tuple(Role(r).value for r in roles)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            result = access(request.user, roles, verified=second_factor.is_verified(request.user))
            if result is Denied.ANONYMOUS:
                return redirect_to_login(request.get_full_path())
            if result is Denied.UNVERIFIED:
                from ecuapass.accounts.views import SESSION_NEXT

                request.session[SESSION_NEXT] = request.get_full_path()
                return redirect("interno:verificar")
            if isinstance(result, Denied):
                return render(
                    request,
                    "interno/forbidden.html",
                    {"reason": denial_message(result, roles)},
                    status=403,
                )
            request.officer = result
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class OfficerRoleGranted(BasePermission):
    """DRF: ``view.officer_roles[method]`` names the roles (fail closed for other methods)."""

    def has_permission(self, request, view):
        declared = getattr(view, "officer_roles", {}) or {}
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        if method not in declared:
            raise exceptions.PermissionDenied(
                _("Este método no está permitido a ningún rol en este recurso.")
            )
        roles = tuple(Role(r).value for r in declared[method])
        verified = isinstance(request.auth, OfficerToken) or second_factor.is_verified(request.user)
        result = access(request.user, roles, verified=verified)
        if result is Denied.ANONYMOUS:
            raise exceptions.NotAuthenticated()
        if isinstance(result, Denied):
            raise exceptions.PermissionDenied(denial_message(result, roles))
        request.officer = result
        return True


class OfficerAPIMixin:
    """Base of the ``/api/v1/interno/`` views: officers' tokens or verified sessions."""

    authentication_classes = [OfficerTokenAuthentication, SessionAuthentication]
    permission_classes = [OfficerRoleGranted]
    officer_roles: dict[str, tuple[str, ...]] = {}


def audit(request) -> dict:
    """Who and from where, for ``lifecycle.fire(..., **audit(request))``."""
    address = client_ip(request)
    try:
        ipaddress.ip_address(address)
    except ValueError:
        address = None  # no usable peer address (a test client, a broken proxy)
    return {"user": request.user, "ip": address}
