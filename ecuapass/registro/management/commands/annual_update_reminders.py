from django.core.management.base import BaseCommand

from ecuapass.registro.annual import send_reminders


class Command(BaseCommand):
    help = "Recordatorios de la actualización anual de registro (ejecutar a diario)."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} recordatorios enviados.")
