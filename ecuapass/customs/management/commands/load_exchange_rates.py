"""``manage.py load_exchange_rates archivo.csv``: the BCE's table of exchange rates."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecuapass.core.loading import LoadReport
from ecuapass.customs import exchange_rates


class Command(BaseCommand):
    help = "Carga los tipos de cambio publicados por el Banco Central del Ecuador (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("archivo", nargs="?", help="CSV del BCE; sin él, la muestra")

    def handle(self, *args, archivo=None, **options):
        path = Path(archivo) if archivo else exchange_rates.SAMPLE
        if not path.is_file():
            raise CommandError(f"No existe el archivo {path}")
        report = LoadReport(write=self.stdout.write)
        errors = exchange_rates.load(path.read_text(encoding="utf-8-sig"), report)
        if errors:
            for number, reason in errors:
                self.stderr.write(f"{path.name}:{number}: {reason}")
            raise CommandError("No se cargó nada: corrija el archivo.")
        self.stdout.write(report.summary())
