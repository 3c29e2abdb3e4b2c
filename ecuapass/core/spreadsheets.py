"""Spreadsheets in and out, safely: every .xlsx read and every .xlsx/.csv written goes through here.

Reading (uploads): an .xlsx is a zip of XML files, so a few kilobytes can stand for gigabytes
(a deflate bomb) or for a sheet that *declares* ``A1:L99999999`` and millions of empty rows.
``read_xlsx`` therefore checks the archive first (number of members, their declared sizes and
the bytes they really decompress to), then counts the rows and cells of the first sheet in one
streaming pass with hard caps (empty ones included, a row number far below counts as all the
rows before it), and only then yields the rows that are really in the sheet — never the rows
the declared dimension promises. Every problem is a ``SpreadsheetError`` with a message for the user; a
malformed file is never a server error.

Writing (exports): text from users (an item description, a document title) must come back as
text, never as a live formula (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM(…)``). ``XlsxBook`` writes
every string as a string cell and marks those that start like a formula with Excel's own
"quote prefix" (the cell keeps its exact text, and Excel does not turn it into a formula even
when the cell is edited); ``csv_response`` puts an apostrophe in front of them, the usual CSV
escape.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1024 * 1024

# Leading characters that make a spreadsheet read a cell as a formula (or a DDE call), and the
# control characters that let one hide behind them (OWASP "CSV injection"). The full-width
# forms are included: some spreadsheet locales accept them as formula starters.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


# --- reading -----------------------------------------------------------------------------------


class SpreadsheetError(Exception):
    """A file that is refused as a whole; ``str(exc)`` is the user's message."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ReadLimits:
    """What one upload may make the server read. Rows and cells count the empty ones too: a
    row number beyond ``max_rows`` is refused even when everything before it is empty."""

    max_rows: int
    max_cells: int
    max_uncompressed: int  # bytes: all the members of the archive, decompressed, together
    max_columns: int = 64  # values returned per row (cells further right are counted, not kept)
    max_members: int = 500


def _invalid() -> SpreadsheetError:
    return SpreadsheetError(_("El archivo no es un libro de Excel .xlsx válido."), "invalid")


def _too_large(limits: ReadLimits) -> SpreadsheetError:
    return SpreadsheetError(
        _("El contenido del libro excede %(max)s al descomprimirlo.")
        % {"max": filesizeformat(limits.max_uncompressed)},
        "too_large",
    )


def too_many_rows(limit: int) -> SpreadsheetError:
    return SpreadsheetError(
        _("La hoja tiene más de %(n)s filas (también cuentan las vacías).") % {"n": limit},
        "too_many_rows",
    )


def _check_archive(file, limits: ReadLimits) -> None:
    """Members, declared sizes and real decompressed sizes within the limits, CRCs sound."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise _invalid()
            if sum(m.file_size for m in members) > limits.max_uncompressed:
                raise _too_large(limits)
            # The declared sizes may lie: count what really comes out (zipfile stops at the
            # declared size and then fails the CRC check, so a lie ends as an invalid file).
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(256 * 1024):
                        total += len(chunk)
                        if total > limits.max_uncompressed:
                            raise _too_large(limits)
    except SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - not a zip, bad CRC, encrypted, truncated…
        raise _invalid() from exc
    finally:
        file.seek(0)


def read_xlsx(file, limits: ReadLimits) -> Iterator[tuple[int, tuple]]:
    """(row number, values) for each row present in the first sheet, within ``limits``.

    Values are what the cells hold (numbers, text, dates; formulas as their cached values),
    ``None`` for empty cells, at most ``limits.max_columns`` per row. Rows absent from the file
    are not produced. Raises ``SpreadsheetError`` as soon as a limit is passed or the file turns
    out not to be a readable workbook, whatever has been produced so far.
    """
    from openpyxl import load_workbook

    _check_archive(file, limits)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same user error
        raise _invalid() from exc
    try:
        with workbook._archive.open(sheet._worksheet_path) as source:
            _scan(source, limits)
        yield from _sheet_rows(workbook, sheet, limits.max_columns)
    finally:
        workbook.close()


class _Refused(Exception):
    pass


def _scan(source, limits: ReadLimits) -> None:
    """One pass of expat over the sheet's XML, counting <row> and <c> as they open (no tree is
    built): a limit is seen at the element that passes it, however the rest is laid out. The
    XML is also checked for well-formedness and for entity declarations (refused)."""
    from xml.parsers import expat

    rows = cells = last = 0

    def start(name, attrs):  # names as written: "c", or "x:c" under a prefix
        nonlocal rows, cells, last
        if name == "c" or name[-2:] == ":c":
            cells += 1
            if cells > limits.max_cells:
                raise _Refused(
                    SpreadsheetError(
                        _("La hoja tiene más de %(n)s celdas (también cuentan las vacías).")
                        % {"n": limits.max_cells},
                        "too_many_cells",
                    )
                )
        elif name == "row" or name[-4:] == ":row":
            rows += 1
            try:
                last = int(float(attrs["r"])) if "r" in attrs else last + 1
            except ValueError as exc:
                raise _Refused(_invalid()) from exc
            if last < 1:
                raise _Refused(_invalid())
            if last > limits.max_rows or rows > limits.max_rows:
                raise _Refused(too_many_rows(limits.max_rows))

    def forbidden(*args):
        raise _Refused(_invalid())

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    try:
        while chunk := source.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as refused:
        raise refused.args[0] from None
    except Exception as exc:  # noqa: BLE001 - malformed XML
        raise _invalid() from exc


def _sheet_rows(workbook, sheet, max_columns: int) -> Iterator[tuple[int, tuple]]:
    # openpyxl's read-only sheet pads its rows out to the <dimension> the file declares and
    # fills every gap between row numbers; its parser yields only the rows the XML holds
    # (which _scan has counted).
    from openpyxl.worksheet._reader import WorkSheetParser

    try:
        with workbook._archive.open(sheet._worksheet_path) as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, cells in parser.parse():
                width = min(max_columns, max((c["column"] for c in cells), default=0))
                values = [None] * width
                for cell in cells:
                    if 1 <= cell["column"] <= width:
                        values[cell["column"] - 1] = cell["value"]
                yield number, tuple(values)
    except Exception as exc:  # noqa: BLE001 - bad references (a shared string that is not there)…
        raise _invalid() from exc


# --- writing -----------------------------------------------------------------------------------


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value):
    """A value for a CSV cell: text that a spreadsheet would run gets a leading apostrophe."""
    return "'" + value if looks_like_formula(value) else value


class XlsxSheet:
    def __init__(self, worksheet):
        self._ws = worksheet

    def append(self, values: Iterable, *, bold: bool = False) -> None:
        self._ws.append([self._cell(value, bold) for value in values])

    def _cell(self, value, bold: bool):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        if isinstance(value, str):
            # Control characters cannot be stored in the XML of a sheet: drop them.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(self._ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text is text: openpyxl would make "=…" a formula
            if looks_like_formula(value):
                cell.quotePrefix = True
        if bold:
            cell.font = Font(bold=True)
        return cell


class XlsxBook:
    """A write-only workbook whose text cells are always text (see the module docstring)."""

    def __init__(self):
        from openpyxl import Workbook

        self._wb = Workbook(write_only=True)

    def sheet(
        self,
        title: str,
        header: Sequence[str] | None = None,
        widths: Sequence[float] | None = None,
    ) -> XlsxSheet:
        from openpyxl.utils import get_column_letter

        worksheet = self._wb.create_sheet(str(title))
        for i, width in enumerate(widths or (), start=1):
            worksheet.column_dimensions[get_column_letter(i)].width = width
        sheet = XlsxSheet(worksheet)
        if header is not None:
            sheet.append([str(h) for h in header], bold=True)
        return sheet

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._wb.save(buffer)
        return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


class _Echo:
    def write(self, value):
        return value


def csv_response(header: Sequence[str], rows: Iterable[Sequence], filename: str):
    """A streamed UTF-8 CSV (with BOM, for Excel) whose text cells cannot run as formulas."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow([csv_value(str(h)) for h in header])
        for row in rows:
            yield writer.writerow([csv_value(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
