"""Daily: títulos de crédito for obligations unpaid past their term."""

from django.core.management.base import BaseCommand

from ecuapass.obligaciones import titulos


class Command(BaseCommand):
    help = "Emite títulos de crédito de las obligaciones impagas vencido su plazo (diario)."

    def handle(self, *args, **options):
        issued = titulos.issue_due()
        self.stdout.write(f"{len(issued)} títulos de crédito emitidos.")
