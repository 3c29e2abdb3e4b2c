"""1.3 results as .xlsx and CSV (streamed from the database, capped)."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .states import DocumentState, TransmissionState

MAX_ROWS = 100_000


def headers() -> list[str]:
    return [
        _("No"),
        _("Nombre del Documento"),
        _("Número de entrega"),
        _("Fecha-hora de entrega"),
        _("Estado de Transmisión"),
        _("Estado del Documento"),
        _("Número de documento"),
    ]


def rows(qs):
    tx = dict(TransmissionState.choices)
    ds = dict(DocumentState.choices)
    fields = (
        "title",
        "numero_entrega",
        "sent_on",
        "estado_transmision",
        "estado_documento",
        "document_number",
    )
    for n, r in enumerate(qs.values_list(*fields)[:MAX_ROWS].iterator(chunk_size=2000), start=1):
        title, numero, sent_on, t, d, number = r
        yield [
            n,
            title,
            numero,
            timezone.localtime(sent_on).strftime("%d/%m/%Y %H:%M:%S") if sent_on else "",
            str(tx.get(t, t)),
            str(ds.get(d, d)),
            number,
        ]


class _Echo:
    def write(self, value):
        return value


def csv_response(qs, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow(headers())
        for row in rows(qs):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(qs, filename: str) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Estados"))
    ws.append(headers())
    for row in rows(qs):
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
