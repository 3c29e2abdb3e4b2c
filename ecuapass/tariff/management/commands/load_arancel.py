from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecuapass.tariff.services.loaders import load_arancel_path


class Command(BaseCommand):
    help = (
        "Carga un archivo del arancel (.xlsx o .csv, formato en docs/arancel-format.md). "
        "Idempotente; informa filas insertadas / actualizadas / sin cambios / rechazadas."
    )

    def add_arguments(self, parser):
        parser.add_argument("archivo", type=Path)
        parser.add_argument(
            "--muestra",
            action="store_true",
            help="Marca todo lo cargado como «tarifa de muestra — no oficial».",
        )
        parser.add_argument("--sin-progreso", action="store_true", help="Sin barra de progreso.")

    def handle(self, *args, archivo: Path, muestra: bool, sin_progreso: bool, **options):
        if not archivo.exists():
            raise CommandError(f"No existe el archivo {archivo}")
        report = load_arancel_path(archivo, sample=muestra, progress=not sin_progreso)
        self.stdout.write(report.summary())
        if report.rows["rejected"]:
            self.stdout.write(self.style.WARNING(f"{report.rows['rejected']} filas rechazadas."))
        else:
            self.stdout.write(self.style.SUCCESS("Arancel cargado."))
