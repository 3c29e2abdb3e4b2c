"""Hostile uploads, built on the spot for the tests (nothing is stored in the repo).

The .xlsx bombs start from a genuine workbook written by openpyxl and rewrite its first sheet,
so that everything but the attack is a valid file. ``huge_body`` posts a body that claims a
gigabyte and fails the test if the server reads any of it.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from collections.abc import Iterable

SHEET = "xl/worksheets/sheet1.xml"


def workbook(header: list, rows: Iterable[list] = ()) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _rewrite(xlsx: bytes, chunks) -> bytes:
    """The same workbook with the sheet's XML replaced by ``chunks(original_xml)``."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    for chunk in chunks(source.read(SHEET).decode()):
                        sheet.write(chunk.encode())
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def _split(xml: str) -> tuple[str, str]:
    head, tail = xml.split("</sheetData>")
    return head, "</sheetData>" + tail


def declared_dimension(xlsx: bytes, ref: str = "A1:L99999999") -> bytes:
    """Only the <dimension> lies: the sheet claims 100 million rows and holds a few."""
    return _rewrite(
        xlsx, lambda xml: [re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)]
    )


def empty_rows(xlsx: bytes, count: int, ref: str = "A1:L99999999") -> bytes:
    """``count`` empty <row/> elements after the real rows (the 2.8 MB bomb had 20 million).
    Without a row number each one is the next row, and they compress about 1000:1."""

    def chunks(xml):
        xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)
        head, tail = _split(xml)
        yield head
        for start in range(0, count, 100_000):
            yield "<row/>" * min(100_000, count - start)
        yield tail

    return _rewrite(xlsx, chunks)


def far_row(xlsx: bytes, number: int = 99_999_999) -> bytes:
    """One cell at row ``number``: everything in between is an (implicit) empty row."""

    def chunks(xml):
        head, tail = _split(xml)
        yield head + f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>x</t></is></c></row>'
        yield tail

    return _rewrite(xlsx, chunks)


def wide_row(xlsx: bytes, cells: int) -> bytes:
    """One row of ``cells`` empty cells."""

    def chunks(xml):
        head, tail = _split(xml)
        first = len(re.findall(r"<row ", head)) + 1
        yield head + f'<row r="{first}">'
        yield "<c/>" * cells
        yield "</row>" + tail

    return _rewrite(xlsx, chunks)


def prefixed(xlsx: bytes, header: list[str], empty_cells: int = 0) -> bytes:
    """The sheet written with a namespace prefix (x:row, x:c), as some producers do: the header
    row, then ``empty_cells`` empty cells in row 2."""
    cells = "".join(
        f'<x:c r="{chr(65 + i)}1" t="inlineStr"><x:is><x:t>{text}</x:t></x:is></x:c>'
        for i, text in enumerate(header)
    )
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def chunks(_xml):
        yield f'<x:worksheet xmlns:x="{ns}"><x:sheetData><x:row r="1">{cells}</x:row>'
        yield '<x:row r="2">' + "<x:c/>" * empty_cells + "</x:row>"
        yield "</x:sheetData></x:worksheet>"

    return _rewrite(xlsx, chunks)


def deflate_bomb(xlsx: bytes, megabytes: int) -> bytes:
    """A sheet that inflates to ``megabytes`` MB (blank space, which compresses ~1000:1)."""
    block = " " * (1024 * 1024)

    def chunks(xml):
        head, tail = _split(xml)
        yield head
        for _ in range(megabytes):
            yield block
        yield tail

    return _rewrite(xlsx, chunks)


def malformed(xlsx: bytes) -> bytes:
    """Well-formed up to the header row, then broken XML (an unclosed cell)."""

    def chunks(xml):
        head, tail = _split(xml)
        yield head + '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is>' + tail

    return _rewrite(xlsx, chunks)


def lying_size(xlsx: bytes, member: str = SHEET, declared: int = 100) -> bytes:
    """The zip declares ``declared`` bytes for ``member`` while it inflates to more."""
    data = bytearray(xlsx)
    name = member.encode()
    # Local file header: signature, then uncompressed size at offset 22, name length at 26.
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            (length,) = struct.unpack_from("<H", data, start + name_len_at)
            if data[start + name_at : start + name_at + length] == name:
                struct.pack_into("<I", data, start + size_at, declared)
            start += 4
    return bytes(data)


class Unreadable(io.RawIOBase):
    """A request body the server must not read: it claims a gigabyte and fails if touched."""

    def readable(self):
        return True

    def read(self, size=-1):
        raise AssertionError("the oversize body was read")

    readinto = read


def huge_body(client, path, content_type="multipart/form-data; boundary=xyz"):
    started = time.process_time()
    response = client.generic(
        "POST",
        path,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(1024**3),
        **{"wsgi.input": Unreadable()},
    )
    return response, time.process_time() - started
