"""1.3 results as .xlsx and CSV (streamed from the database, capped). Written through
``ecuapass.core.spreadsheets``: a title sent as ``=HYPERLINK(…)`` comes back as text."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecuapass.core import formatting, spreadsheets

from .states import TransmissionState, document_state_choices

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
    ds = dict(document_state_choices())  # the engine's and every type's lifecycle states
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
            formatting.fecha_hora(sent_on, seconds=True),
            str(tx.get(t, t)),
            str(ds.get(d, d)),
            number,
        ]


def csv_response(qs, filename: str):
    return spreadsheets.csv_response(headers(), rows(qs), filename)


def xlsx_response(qs, filename: str):
    book = spreadsheets.XlsxBook()
    sheet = book.sheet(_("Estados"), header=headers())
    for row in rows(qs):
        sheet.append(row)
    return spreadsheets.xlsx_response(book.to_bytes(), filename)
