"""SENAE's daily reconciliation: a bank's report of a day against the ledger."""

from __future__ import annotations

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from ecuapass.banca import services
from ecuapass.banca.models import EntidadFinanciera


class Command(BaseCommand):
    help = (
        "Compara el reporte de recaudación de una entidad financiera (CSV: referencia, numero, "
        "monto) con el libro de obligaciones de un día y lista las diferencias."
    )

    def add_arguments(self, parser):
        parser.add_argument("entidad", help="código de la entidad financiera")
        parser.add_argument("reporte", help="archivo CSV del banco")
        parser.add_argument("--fecha", help="AAAA-MM-DD (hoy si falta)")

    def handle(self, *args, **options):
        entidad = EntidadFinanciera.objects.filter(code=options["entidad"]).first()
        if entidad is None:
            raise CommandError("Entidad financiera desconocida.")
        try:
            fecha = date.fromisoformat(options["fecha"]) if options["fecha"] else services.today()
        except ValueError as exc:
            raise CommandError("Fecha no válida (AAAA-MM-DD).") from exc
        with open(options["reporte"], encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        differences = services.compare(entidad, fecha, rows)
        for d in differences:
            self.stdout.write(
                f"{d.kind};{d.referencia};{d.numero};{d.libro if d.libro is not None else ''};"
                f"{d.banco if d.banco is not None else ''}"
            )
        self.stdout.write(f"{len(differences)} diferencia(s) el {fecha.isoformat()}.")
        if differences:
            raise SystemExit(1)
