"""Re-enqueue received e-docs whose job failed or whose worker died (run it every minute)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from ecuapass.edocs.services import recover_stalled


class Command(BaseCommand):
    help = "Vuelve a encolar los e-docs en estado Recibido cuyo trabajo falló o quedó huérfano."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutos",
            type=int,
            default=10,
            help="un trabajo en curso más antiguo se considera huérfano",
        )

    def handle(self, *args, minutos, **options):
        requeued = recover_stalled(stale_after=timedelta(minutes=minutos))
        self.stdout.write(f"{len(requeued)} documentos reencolados")
