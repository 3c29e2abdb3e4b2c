"""Excel (.xlsx) import/export of DAI items. A file is imported only when every row is clean.

Reading and writing go through ``ecuapass.core.spreadsheets``: uploads are read within hard
limits (no bomb keeps a worker busy) and exported text never comes back as a formula."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecuapass.core.spreadsheets import (
    MB,
    XLSX_CONTENT_TYPE,
    ReadLimits,
    SpreadsheetError,
    XlsxBook,
    read_xlsx,
)

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
    ("documento_control_numero", gettext_lazy("Documento de control (número)")),
]
# Columns added to the template after files were made from it: a file without them (its row 1
# ends before them) still imports, the items naming nothing there.
LATER_COLUMNS = {"documento_control_numero"}
MAX_ROWS = 999
MAX_BYTES = 5 * 1024 * 1024
# What reading one file may cost, empty rows and cells included: the header, the 999 item rows
# and as many again of blank or formatted rows; an item file inflates to well under 1 MB.
READ_LIMITS = ReadLimits(
    max_rows=2 * (MAX_ROWS + 1),
    max_cells=2 * (MAX_ROWS + 1) * 32,
    max_uncompressed=25 * MB,
    max_columns=len(COLUMNS),
)
XLSX = XLSX_CONTENT_TYPE
FILE_FIELD = gettext_lazy("Archivo de ítems (.xlsx)")


def _workbook(rows, columns=None):
    labels = [str(label) for _name, label in (columns or COLUMNS)]
    book = XlsxBook()
    items = book.sheet(
        _("Items"), header=labels, widths=[max(14, len(text) + 2) for text in labels]
    )
    for row in rows:
        items.append(row)
    info = book.sheet(_("Instrucciones"))
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
    if columns is None:  # the DAI's (the DAE names its certificate with the control's type)
        from .models import DaiItem

        field = DaiItem._meta.get_field("documento_control_numero")
        info.append([f"{dict(COLUMNS)[field.name]}: {field.help_text}"])
    return book.to_bytes()


def template_bytes(columns=None) -> bytes:
    """The empty template (``columns``: another document's item columns, e.g. the DAE's)."""
    return _workbook([], columns)


def export_bytes(dai) -> bytes:
    rows = []
    for item in dai.items.order_by("numero"):
        row = []
        for name, _label in COLUMNS:
            value = getattr(item, name)
            if name == "subpartida":
                value = dotted_subpartida(value)
            elif isinstance(value, Decimal):
                value = float(value)
            row.append(value)
        rows.append(row)
    return _workbook(rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def _accepted_headers(columns=None) -> list[list[str]]:
    """Row 1 as written by the template in any of the portal's languages: a file
    downloaded in English imports in a Spanish session and the other way round."""
    from django.conf import settings
    from django.utils import translation

    accepted = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels = [str(label) for _n, label in (columns or COLUMNS)]
        accepted.append(labels)
        if columns in (None, COLUMNS):  # the DAI's template grew a column; the DAE's did not
            older = [
                "" if name in LATER_COLUMNS else label
                for (name, _l), label in zip(COLUMNS, labels, strict=True)
            ]
            accepted.append(older)
    return accepted


def _file_error(message) -> tuple[list, list[tuple[int, str]]]:
    return [], [(0, f"{FILE_FIELD}: {message}")]


def parse(file, *, columns=None, item_form=None) -> tuple[list[dict], list[tuple[int, str]]]:
    """Rows → item dicts, or the errors as (Excel row number, reason). Never partial.

    The file is read within ``READ_LIMITS`` (see ``ecuapass.core.spreadsheets``): a file
    larger than MAX_BYTES, a bomb or a malformed workbook is one error on the file field.

    ``columns`` and ``item_form`` (``item_form(data) -> bound form``) let another document
    (the DAE) read its own item columns with its own item form; the DAI's by default."""
    if getattr(file, "size", 0) > MAX_BYTES:
        return _file_error(_("El archivo excede 5 MB."))
    try:
        return _parse_rows(read_xlsx(file, READ_LIMITS), columns or COLUMNS, item_form)
    except SpreadsheetError as exc:
        if exc.code == "invalid":
            return _file_error(
                _("El archivo no es un libro de Excel .xlsx válido. Descargue la plantilla.")
            )
        return _file_error(exc.message)


def _parse_rows(rows, columns, item_form=None) -> tuple[list[dict], list[tuple[int, str]]]:
    if item_form is None:
        from .forms import ItemRows

        item_form = ItemRows()  # the item form's checks, set up once for the whole file

    first = next(rows, None)
    expected = [str(label) for _n, label in columns]
    header = [_text(h) for h in first[1]] if first and first[0] == 1 else []
    header += [""] * (len(columns) - len(header))
    if header not in _accepted_headers(columns):
        return [], [
            (
                1,
                _("Los títulos de la fila 1 no corresponden a la plantilla: %(cols)s.")
                % {"cols": ", ".join(expected)},
            )
        ]
    items, errors = [], []
    data_rows = 0
    for number, row in rows:
        if all(v in (None, "") for v in row):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            errors.append((number, _("Se admiten como máximo %(n)d ítems.") % {"n": MAX_ROWS}))
            break
        data = {
            name: _text(row[i] if i < len(row) else None) for i, (name, _l) in enumerate(columns)
        }
        form = item_form(data)
        if form.is_valid():
            items.append({name: form.cleaned_data[name] for name, _l in columns})
        else:
            for field, messages in form.errors.items():
                label = dict(columns).get(field, field)
                for message in messages:
                    errors.append((number, f"{label}: {message}"))
    if not items and not errors:
        errors.append((2, _("El archivo no tiene ítems.")))
    return (items if not errors else []), errors
