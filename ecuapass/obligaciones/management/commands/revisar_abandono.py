"""Daily: abandono tácito for unpaid tributes, and definitivo after the cure window."""

from django.core.management.base import BaseCommand

from ecuapass.obligaciones import abandono


class Command(BaseCommand):
    help = "Marca el abandono tácito (tributos impagos) y el definitivo vencido el plazo (diario)."

    def handle(self, *args, **options):
        created = abandono.detect()
        expired = abandono.expire()
        self.stdout.write(f"{len(created)} en abandono tácito, {expired} en abandono definitivo.")
