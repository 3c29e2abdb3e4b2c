"""``Authorization: Token <token>`` for banks' systems on ``/api/v1/banca/``.

A ``BancaToken`` acts as its user for its bank, read on every request (a revoked token, an
inactive bank or user is refused at once). Operators' and officers' tokens are not accepted
here, nor banks' tokens anywhere else.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from .models import BancaToken
from .services import entidad_of


class BancaTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        from ecuapass.api.models import hash_token

        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Cabecera Authorization mal formada: use «Token <token>».")
            )
        try:
            raw = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Token no válido.")) from exc
        token = (
            BancaToken.objects.active()
            .select_related("entidad", "user")
            .filter(key_hash=hash_token(raw))
            .first()
        )
        if token is None or not token.entidad.active or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token no válido o revocado."))
        now = timezone.now()
        if token.last_used_on is None or now - token.last_used_on > timedelta(minutes=5):
            BancaToken.objects.filter(pk=token.pk).update(last_used_on=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


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
