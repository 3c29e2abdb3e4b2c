"""Exchange rates from the Banco Central del Ecuador's published table.

The CSV is the BCE's "Cotizaciones de monedas extranjeras" layout: semicolon-separated, a
header row ``Fecha;País;Moneda;Código;Unidades por dólar;Dólares por unidad``, dates
``dd/mm/aaaa``, numbers with a decimal comma (and a dot for thousands). The DAI uses
``Dólares por unidad`` (USD per unit of the currency). Loading is idempotent: one row per
currency and day, updated when the file says otherwise; a bad row is reported, never half
loaded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from ecuapass.core.loading import LoadReport, upsert

HEADER = ["Fecha", "País", "Moneda", "Código", "Unidades por dólar", "Dólares por unidad"]
SAMPLE = Path(__file__).resolve().parent / "data" / "tipos_cambio_bce.csv"
SOURCE = "Banco Central del Ecuador"


@dataclass
class RateRow:
    moneda: str
    fecha: date
    tasa: Decimal


PLACES = Decimal("0.000001")  # the precision of ``TipoCambio.tasa`` and ``Dai.tipo_cambio``


def _number(text: str) -> Decimal:
    from decimal import ROUND_HALF_UP

    value = Decimal(text.strip().replace(".", "").replace(",", "."))
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def parse(text: str) -> tuple[list[RateRow], list[tuple[int, str]]]:
    """The rows of a BCE CSV, or its errors as (line number, reason). Never partial."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    header = [h.strip() for h in next(reader, [])]
    if header[: len(HEADER)] != HEADER:
        return [], [
            (1, _("La fila 1 no es la del formato del BCE: %(h)s.") % {"h": ";".join(HEADER)})
        ]
    rows, errors = [], []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            fecha = datetime.strptime(row[0].strip(), "%d/%m/%Y").date()
            moneda = row[3].strip().upper()
            tasa = _number(row[5])
            if len(moneda) != 3 or not moneda.isalpha() or tasa <= 0:
                raise ValueError
        except (IndexError, ValueError, InvalidOperation):
            errors.append((number, _("Fila inválida: %(fila)s") % {"fila": ";".join(row)}))
            continue
        rows.append(RateRow(moneda, fecha, tasa))
    return (rows if not errors else []), errors


@transaction.atomic
def load(text: str, report: LoadReport, *, source: str = SOURCE) -> list[tuple[int, str]]:
    from .models import TipoCambio

    rows, errors = parse(text)
    for row in rows:
        upsert(
            TipoCambio,
            {"moneda": row.moneda, "fecha": row.fecha},
            {"tasa": row.tasa, "fuente": source},
            report,
        )
    return errors


def load_sample(report: LoadReport) -> None:
    errors = load(SAMPLE.read_text(encoding="utf-8"), report, source=f"{SOURCE} (muestra)")
    for number, reason in errors:
        report.write(f"{SAMPLE.name}:{number}: {reason}")
