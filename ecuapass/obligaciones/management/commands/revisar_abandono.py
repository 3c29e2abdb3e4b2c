"""Daily: abandono tácito on every ground in force (cargo not declared in time, unpaid tributes,
storage term exceeded), and definitivo after the cure window."""

from django.core.management.base import BaseCommand

from ecuapass.obligaciones import abandono


class Command(BaseCommand):
    help = (
        "Marca el abandono tácito (carga no declarada, tributos impagos, almacenamiento "
        "excedido) y el definitivo vencido el plazo (diario)."
    )

    def handle(self, *args, **options):
        created = abandono.detect()
        expired = abandono.expire()
        self.stdout.write(f"{len(created)} en abandono tácito, {expired} en abandono definitivo.")
