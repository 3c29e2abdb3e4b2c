"""Daily: notices for the garantías that expire within 30 days."""

from django.core.management.base import BaseCommand

from ecuapass.obligaciones.garantias import notify_expiring


class Command(BaseCommand):
    help = "Avisa a los operadores las garantías que vencen en 30 días (diario)."

    def handle(self, *args, **options):
        self.stdout.write(f"{notify_expiring()} aviso(s) enviado(s).")
