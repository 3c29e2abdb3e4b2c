"""Print a new API token for a user and one of their códigos de OCE."""

from django.core.management.base import BaseCommand, CommandError

from ecuapass.accounts.context import usable_codes
from ecuapass.accounts.models import User
from ecuapass.api.models import ApiToken


class Command(BaseCommand):
    help = "Crea un token de API para --ruc/--usuario con el código de OCE --oce y lo imprime."

    def add_arguments(self, parser):
        parser.add_argument("--ruc", required=True)
        parser.add_argument("--usuario", required=True)
        parser.add_argument("--oce", required=True, help="código de OCE (8 dígitos)")
        parser.add_argument("--nombre", default="línea de comandos")

    def handle(self, *args, ruc, usuario, oce, nombre, **options):
        user = User.objects.filter(login_ruc=ruc.strip(), username=usuario.strip().lower()).first()
        if user is None:
            raise CommandError(f"No existe el usuario {usuario} del RUC {ruc}.")
        code = usable_codes(user).filter(code=oce.strip()).first()
        if code is None:
            raise CommandError(
                f"El código de OCE {oce} no está activo o no está asignado al usuario {usuario}."
            )
        _token, raw = ApiToken.issue(user=user, oce_code=code, name=nombre)
        self.stdout.write(raw)
