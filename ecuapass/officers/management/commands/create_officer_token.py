"""Issue a token for a SENAE system acting as an officer on /api/v1/interno/ (shown once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ecuapass.accounts.demo_data import SENAE_RUC
from ecuapass.accounts.models import UserManager
from ecuapass.officers.models import Officer, OfficerToken


class Command(BaseCommand):
    help = (
        "Emite un token de sistema de SENAE para un funcionario (API /api/v1/interno/);"
        " imprime el valor, que no se vuelve a mostrar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--usuario", required=True, help="ID Usuario del funcionario")
        parser.add_argument("--ruc", default=SENAE_RUC, help="RUC de ingreso (SENAE por defecto)")
        parser.add_argument("--nombre", default="sistema", help="nombre del sistema que lo usa")

    def handle(self, *args, usuario, ruc, nombre, **options):
        key = UserManager.make_login_key(ruc, usuario)
        officer = Officer.objects.active().filter(user__login_key=key).first()
        if officer is None:
            raise CommandError(f"{ruc} / {usuario}: no es un funcionario aduanero activo.")
        _token, raw = OfficerToken.issue(officer=officer, name=nombre)
        self.stdout.write(raw)
