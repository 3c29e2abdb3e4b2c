"""``Authorization: Token <token>`` for SENAE's own systems on ``/api/v1/interno/``.

An ``OfficerToken`` acts as its officer, with the officer's roles and distritos read on every
request (a role withdrawn or an officer deactivated takes effect at once). Operators'
``api.ApiToken`` values are not accepted here, nor officers' tokens on the operators' API.
"""

from __future__ import annotations

from ecuapass.api.authentication import TokenAuthentication

from .models import OfficerToken


class OfficerTokenAuthentication(TokenAuthentication):
    model = OfficerToken
    related = ("officer__user",)

    def usable(self, token) -> bool:
        return token.officer.is_usable

    def user_of(self, token):
        return token.officer.user
