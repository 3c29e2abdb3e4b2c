from django.core.management.base import BaseCommand

from ecuapass.core.loading import LoadReport, run_app_loaders


class Command(BaseCommand):
    help = "Carga (idempotente) los catálogos de referencia de todos los contextos."

    def handle(self, *args, **options):
        report = LoadReport(write=self.stdout.write)
        run_app_loaders("reference_data", report)
        self.stdout.write(report.summary())
        self.stdout.write(self.style.SUCCESS("Datos de referencia cargados."))
