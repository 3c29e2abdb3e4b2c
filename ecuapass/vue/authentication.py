"""``Authorization: Token <token>`` for the control agencies' own systems on
``/api/v1/interno/vue/``.

A ``FuncionarioToken`` acts as its staff member: the entidad, the rol and whether the member (and
the agency) may still act are read on every request, so deactivating either takes effect at once.
Operators' ``api.ApiToken`` and SENAE officers' tokens are not accepted here (each kind of token
is looked up only in its own table, ``api.authentication``), nor these tokens anywhere else.
"""

from __future__ import annotations

from ecuapass.api.authentication import TokenAuthentication

from .models import FuncionarioToken


class FuncionarioTokenAuthentication(TokenAuthentication):
    model = FuncionarioToken
    related = ("funcionario__user", "funcionario__entidad")

    def usable(self, token) -> bool:
        return token.funcionario.is_usable and token.funcionario.entidad.active

    def user_of(self, token):
        return token.funcionario.user
