"""``Authorization: Token <token>``: the user and the código de OCE of an API token."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ecuapass.accounts.context import usable_codes

from .models import ApiToken, hash_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
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
            ApiToken.objects.active()
            .select_related(
                "user", "oce_code__registration__oce_type", "oce_code__registration__operator"
            )
            .filter(key_hash=hash_token(raw))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Token no válido o revocado."))
        # The code must still be usable by the user (grant withdrawn, operator suspended…).
        if not usable_codes(token.user).filter(pk=token.oce_code_id).exists():
            raise exceptions.AuthenticationFailed(
                _("El código de OCE del token ya no está asignado al usuario.")
            )
        now = timezone.now()
        if token.last_used_on is None or now - token.last_used_on > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_on=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
