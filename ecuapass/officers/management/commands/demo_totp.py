"""Print the TOTP code a user's device accepts now (for the demo and the browser tests)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ecuapass.accounts.demo_data import SENAE_RUC
from ecuapass.accounts.models import UserManager
from ecuapass.officers.second_factor import confirmed_device, current_code


class Command(BaseCommand):
    help = (
        "Muestra el código TOTP vigente de un usuario (por defecto del RUC de SENAE), p. ej."
        " `manage.py demo_totp aforador`. Cada código sirve una sola vez."
    )

    def add_arguments(self, parser):
        parser.add_argument("usuario", help="ID Usuario")
        parser.add_argument("--ruc", default=SENAE_RUC, help="RUC de ingreso (SENAE por defecto)")

    def handle(self, *args, usuario, ruc, **options):
        from ecuapass.accounts.models import User

        user = User.objects.filter(login_key=UserManager.make_login_key(ruc, usuario)).first()
        device = confirmed_device(user) if user is not None else None
        if device is None:
            raise CommandError(
                f"{ruc} / {usuario}: no existe o no tiene la verificación en dos pasos activada."
            )
        self.stdout.write(current_code(device))
