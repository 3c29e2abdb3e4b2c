"""Daily: cancel the payment plans with two consecutive missed dividends."""

from django.core.management.base import BaseCommand

from ecuapass.obligaciones.facilidades import review_all


class Command(BaseCommand):
    help = "Cancela las facilidades de pago con dos dividendos consecutivos impagos (diario)."

    def handle(self, *args, **options):
        n = review_all()
        self.stdout.write(f"{n} facilidad(es) cancelada(s).")
