"""Issue a token for a control agency's system acting as one of its staff on
/api/v1/interno/vue/ (shown once)."""

from __future__ import annotations

from ecuapass.api.commands import IssueTokenCommand
from ecuapass.vue.models import Funcionario, FuncionarioToken


class Command(IssueTokenCommand):
    help = (
        "Emite un token del sistema de una entidad de control para uno de sus funcionarios"
        " (API /api/v1/interno/vue/); imprime el valor, que no se vuelve a mostrar."
    )
    staff = "un funcionario activo de una entidad de control activa"

    def find(self, login_key):
        return (
            Funcionario.objects.active()
            .filter(user__login_key=login_key, entidad__active=True)
            .first()
        )

    def issue(self, owner, name):
        return FuncionarioToken.issue(funcionario=owner, name=name)
