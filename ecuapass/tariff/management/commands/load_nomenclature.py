from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from ecuapass.core.loading import LoadReport
from ecuapass.tariff.services.loaders import DATA, load_nomenclature, load_tax_rules


class Command(BaseCommand):
    help = (
        "Carga (idempotente) la nomenclatura SA 2022 con títulos en español y las reglas "
        "tributarias fechadas. También la ejecuta load_reference_data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA)

    def handle(self, *args, data_dir: Path, **options):
        report = LoadReport(write=self.stdout.write)
        with transaction.atomic():
            load_nomenclature(report, data_dir=data_dir, progress=True)
            load_tax_rules(report)
        self.stdout.write(report.summary())
