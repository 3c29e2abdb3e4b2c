"""``Authorization: Token <token>`` for SENAE's own systems on ``/api/v1/interno/``.

An ``OfficerToken`` acts as its officer, with the officer's roles and distritos read on every
request (a role withdrawn or an officer deactivated takes effect at once). Operators'
``api.ApiToken`` values are not accepted here, nor officers' tokens on the operators' API.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import OfficerToken


class OfficerTokenAuthentication(authentication.BaseAuthentication):
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
            OfficerToken.objects.active()
            .select_related("officer__user")
            .filter(key_hash=hash_token(raw))
            .first()
        )
        if token is None or not token.officer.is_usable:
            raise exceptions.AuthenticationFailed(_("Token no válido o revocado."))
        now = timezone.now()
        if token.last_used_on is None or now - token.last_used_on > timedelta(minutes=5):
            OfficerToken.objects.filter(pk=token.pk).update(last_used_on=now)
        return token.officer.user, token

    def authenticate_header(self, request):
        return self.keyword
