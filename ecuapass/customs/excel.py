"""Excel (.xlsx) import/export of DAI items. A file is imported only when every row is clean."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import dotted_subpartida

COLUMNS = [
    ("subpartida", gettext_lazy("Subpartida")),
    ("descripcion", gettext_lazy("Descripción comercial")),
    ("pais_origen", gettext_lazy("País de origen")),
    ("cantidad_fisica", gettext_lazy("Cantidad física")),
    ("unidad_fisica", gettext_lazy("Unidad física")),
    ("cantidad_comercial", gettext_lazy("Cantidad comercial")),
    ("unidad_comercial", gettext_lazy("Unidad comercial")),
    ("peso_neto", gettext_lazy("Peso neto (kg)")),
    ("peso_bruto", gettext_lazy("Peso bruto (kg)")),
    ("fob", gettext_lazy("FOB")),
    ("flete", gettext_lazy("Flete")),
    ("seguro", gettext_lazy("Seguro")),
]
MAX_ROWS = 999
MAX_BYTES = 5 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Items")
    ws.append([str(label) for _name, label in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, (_name, label) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
            14, len(str(label)) + 2
        )
    info = wb.create_sheet(_("Instrucciones"))
    for line in (
        _("Una fila por ítem, desde la fila 2. No cambie los títulos de la fila 1."),
        _("Subpartida: 10 dígitos, con o sin puntos (0901.21.10.00)."),
        _(
            "País: código ISO de 2 letras (CN, CO, US…). Unidades: códigos del catálogo (U, KG, PAR, L…)."
        ),
        _(
            "Cantidades, pesos y valores: números con punto decimal; valores en la moneda de la declaración."
        ),
    ):
        info.append([line])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_bytes() -> bytes:
    return _workbook([])


def export_bytes(dai) -> bytes:
    rows = []
    for item in dai.items.order_by("numero"):
        row = []
        for name, _label in COLUMNS:
            value = getattr(item, name)
            if name == "subpartida":
                value = dotted_subpartida(value)
            elif isinstance(value, Decimal):
                value = float(value) if name not in ("fob", "flete", "seguro") else float(value)
            row.append(value)
        rows.append(row)
    return _workbook(rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def _accepted_headers() -> list[list[str]]:
    """Row 1 as written by the template in any of the portal's languages: a file
    downloaded in English imports in a Spanish session and the other way round."""
    from django.conf import settings
    from django.utils import translation

    accepted = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            accepted.append([str(label) for _n, label in COLUMNS])
    return accepted


def parse(file) -> tuple[list[dict], list[tuple[int, str]]]:
    """Rows → item dicts, or the errors as (Excel row number, reason). Never partial."""
    from openpyxl import load_workbook

    from .forms import DaiItemForm, item_catalog_choices

    if getattr(file, "size", 0) > MAX_BYTES:
        return [], [(0, _("El archivo excede 5 MB."))]
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the same user error
        return [], [
            (0, _("El archivo no es un libro de Excel .xlsx válido. Descargue la plantilla."))
        ]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    expected = [str(label) for _n, label in COLUMNS]
    if header is None or [_text(h) for h in header[: len(COLUMNS)]] not in _accepted_headers():
        return [], [
            (
                1,
                _("Los títulos de la fila 1 no corresponden a la plantilla: %(cols)s.")
                % {"cols": ", ".join(expected)},
            )
        ]
    items, errors = [], []
    choices = item_catalog_choices()  # once for the whole file, not per row
    for number, row in enumerate(rows, start=2):
        if row is None or all(v in (None, "") for v in row):
            continue
        if len(items) + len(errors) >= MAX_ROWS:
            errors.append((number, _("Se admiten como máximo %(n)d ítems.") % {"n": MAX_ROWS}))
            break
        data = {
            name: _text(row[i] if i < len(row) else None) for i, (name, _l) in enumerate(COLUMNS)
        }
        form = DaiItemForm(data=data, item_choices=choices)
        if form.is_valid():
            items.append({name: form.cleaned_data[name] for name, _l in COLUMNS})
        else:
            for field, messages in form.errors.items():
                label = dict(COLUMNS).get(field, field)
                for message in messages:
                    errors.append((number, f"{label}: {message}"))
    wb.close()
    if not items and not errors:
        errors.append((2, _("El archivo no tiene ítems.")))
    return (items if not errors else []), errors
