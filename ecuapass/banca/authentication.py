"""``Authorization: Token <token>`` for banks' systems on ``/api/v1/banca/``.

A ``BancaToken`` acts as its user for its bank, read on every request (a revoked token, an
inactive bank or user is refused at once). Operators' and officers' tokens are not accepted
here, nor banks' tokens anywhere else.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from ecuapass.api.authentication import TokenAuthentication

from .models import BancaToken
from .services import entidad_of


class BancaTokenAuthentication(TokenAuthentication):
    model = BancaToken
    related = ("entidad", "user")

    def usable(self, token) -> bool:
        return token.entidad.active and token.user.is_active


class IsBankUser(BasePermission):
    """A user of an active entidad financiera (token or session); sets ``request.entidad``."""

    message = _("Este servicio es solo para entidades financieras.")

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if isinstance(request.auth, BancaToken):
            entidad = request.auth.entidad
            if entidad_of(request.user) != entidad:
                return False
        else:
            entidad = entidad_of(request.user)
        if entidad is None:
            return False
        request.entidad = entidad
        return True
