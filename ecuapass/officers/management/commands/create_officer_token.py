"""Issue a token for a SENAE system acting as an officer on /api/v1/interno/ (shown once)."""

from __future__ import annotations

from ecuapass.accounts.demo_data import SENAE_RUC
from ecuapass.api.commands import IssueTokenCommand
from ecuapass.officers.models import Officer, OfficerToken


class Command(IssueTokenCommand):
    help = (
        "Emite un token de sistema de SENAE para un funcionario (API /api/v1/interno/);"
        " imprime el valor, que no se vuelve a mostrar."
    )
    default_ruc = SENAE_RUC
    staff = "un funcionario aduanero activo"

    def find(self, login_key):
        return Officer.objects.active().filter(user__login_key=login_key).first()

    def issue(self, owner, name):
        return OfficerToken.issue(officer=owner, name=name)
