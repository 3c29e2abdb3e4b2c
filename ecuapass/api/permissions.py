"""API scope and grants, the same rule as the portal's (``ecuapass.portal.permissions``).

* The **scope** of a request is one código de OCE: the token's code, full stop,
  or the session's active OCE. ``X-OCE-Code`` / ``?oce=`` may only repeat it.
* An endpoint declares, per HTTP method, the menu options it belongs to
  (``menu_options = {"GET": ("1.3",), "POST": ("1.1",)}``); the user's grant is
  checked on every request, so a token never carries more than its user holds
  now (a withdrawn grant or code takes effect at once). An endpoint that
  declares nothing for a method is refused (fail closed).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import IsAuthenticated

from ecuapass.accounts.access_cache import snapshot
from ecuapass.accounts.context import get_active_oce
from ecuapass.portal.permissions import NOT_GRANTED, holds_any_option
from ecuapass.registro import annual

from .models import ApiToken

NO_OCE = _("Se requiere un token de API o una sesión con un código de OCE activo.")
OTHER_OCE = _("El código de OCE %(pedido)s no es el de su token o sesión (%(activo)s).")


def active_oce(request):
    """The código de OCE of this API request: the token's, else the session's active one (or None)."""
    if isinstance(request.auth, ApiToken):
        return request.auth.oce_code
    return get_active_oce(request._request)


def scoped_oce(request):
    """``active_oce``, refusing a different code named in ``X-OCE-Code`` or ``?oce=`` (403)."""
    oce = active_oce(request)
    named = request.headers.get("X-OCE-Code") or request.query_params.get("oce")
    if named is not None and (oce is None or named != oce.code):
        raise exceptions.PermissionDenied(
            OTHER_OCE
            % {"pedido": named[:20].replace("\x00", ""), "activo": oce.code if oce else "—"}
        )
    return oce


class ScopedToOce(IsAuthenticated):
    """Login (token or session); sets ``request.oce`` (may be None: personal mailbox only).

    A representative held by the annual update (``registro.annual``: past the deadline without
    confirming) is refused here, as its portal session is by ``AnnualUpdateMiddleware``; the
    confirmations come from the access snapshot the request already read."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        request.oce = scoped_oce(request)
        user = request.user
        if annual.applies_to(user):
            latest = snapshot(user, request.oce.code if request.oce else "").get("annual")
            if annual.overdue(user, latest=latest):
                raise exceptions.PermissionDenied(annual.HOLD_MESSAGE, code="actualizacion_anual")
        return True


class MenuOptionGranted(ScopedToOce):
    """An active código de OCE and the grant of the menu option the endpoint belongs to."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.oce is None:
            raise exceptions.PermissionDenied(NO_OCE)
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        options = getattr(view, "menu_options", {}).get(method, ())
        if not holds_any_option(request.user, request.oce, options):
            raise exceptions.PermissionDenied(NOT_GRANTED)
        return True
