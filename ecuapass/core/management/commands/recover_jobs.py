"""Run the queue's recovery once (every ``run_worker`` already runs it every few seconds)."""

from django.core.management.base import BaseCommand

from ecuapass.core.jobs import recover


class Command(BaseCommand):
    help = (
        "Reencola los trabajos de trabajadores caídos, reintenta los fallidos por causas "
        "transitorias y los e-docs en estado Recibido sin trabajo vivo."
    )

    def handle(self, *args, **options):
        for step, requeued in recover().items():
            self.stdout.write(f"{step}: {len(requeued)}")
