"""Notify the DAEs whose regularización is due soon or overdue (run daily; idempotent)."""

from django.core.management.base import BaseCommand

from ecuapass.exportacion.services import avisar_regularizaciones


class Command(BaseCommand):
    help = "Avisa las DAE embarcadas cuyo plazo de regularización está próximo o vencido."

    def handle(self, *args, **options):
        sent = avisar_regularizaciones()
        self.stdout.write(f"avisos: {sent['proximo']} próximos, {sent['vencido']} vencidos")
