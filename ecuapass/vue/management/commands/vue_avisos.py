"""Send the «certificado por vencer» notices (30 days before expiry; each permit once).

Run by ``make run``'s janitor every minute (cheap: an indexed range); in production, daily by cron.
"""

from django.core.management.base import BaseCommand

from ecuapass.vue.services import notify_expiring


class Command(BaseCommand):
    help = "Avisa a los titulares de los documentos VUE que vencen en 30 días."

    def handle(self, *args, **options):
        self.stdout.write(f"{notify_expiring()} avisos de vencimiento enviados.")
