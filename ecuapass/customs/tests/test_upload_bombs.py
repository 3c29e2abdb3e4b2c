"""1.1 «Importar ítems desde Excel» against hostile files and bodies (issue 8, items 3 and 10).

Every bomb is built here from a genuine workbook. Each is refused (or, for a lying dimension
only, imported) within a few seconds of CPU time (process_time: other processes on a loaded
machine do not count; the 20-million-row bomb used to take 17 minutes), with the reason on the file field, and nothing saved.
"""

from __future__ import annotations

import io
import time

import pytest

from ecuapass.core.tests import upload_bombs as bombs
from ecuapass.core.uploads import RefusedUpload
from ecuapass.customs import excel
from ecuapass.customs.models import Dai
from ecuapass.customs.tests.test_editor import ITEMS, form_data
from ecuapass.edocs.models import EDocument

pytestmark = pytest.mark.django_db

NEW = "/declaraciones/dai/nueva/"
HEADER = [str(label) for _n, label in excel.COLUMNS]
ROWS = [[item.get(name, "") for name, _l in excel.COLUMNS] for item in ITEMS]


def upload(content: bytes, name: str = "items.xlsx"):
    f = io.BytesIO(content)
    f.name = name
    return f


def import_file(client, content: bytes):
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = upload(content)
    started = time.process_time()
    response = client.post(NEW, data)
    return response, time.process_time() - started


BOMBS = {
    # 5 million empty rows, ~30 MB of XML in a few kilobytes (the reported file had 20 million)
    "empty-rows": (lambda: bombs.empty_rows(bombs.workbook(HEADER, ROWS), 5_000_000), "excede"),
    # few enough empty rows to inflate under the size cap, too many to be read
    "empty-rows-under-size-cap": (
        lambda: bombs.empty_rows(bombs.workbook(HEADER, ROWS), 20_000),
        "2000 filas",
    ),
    "far-row": (lambda: bombs.far_row(bombs.workbook(HEADER, ROWS)), "2000 filas"),
    "wide-row": (lambda: bombs.wide_row(bombs.workbook(HEADER, ROWS), 100_000), "celdas"),
    "deflate": (lambda: bombs.deflate_bomb(bombs.workbook(HEADER, ROWS), 64), "excede"),
    "lying-size": (
        lambda: bombs.lying_size(bombs.workbook(HEADER, ROWS), declared=64),
        "no es un libro de Excel",
    ),
    # issue item 10: a ParseError in the sheet was a 500
    "malformed-xml": (
        lambda: bombs.malformed(bombs.workbook(HEADER, ROWS)),
        "no es un libro de Excel",
    ),
}


@pytest.mark.parametrize("name", BOMBS)
def test_bomb_is_refused_on_the_file_field_within_a_second(oce_client, world, name):
    build, reason = BOMBS[name]
    response, elapsed = import_file(oce_client(world.importer), build())
    assert elapsed < 5, f"{name}: {elapsed:.1f} s"
    html = response.content.decode()
    assert response.status_code == 200
    assert "No se importó nada" in html and "Archivo de ítems (.xlsx):" in html
    assert reason in html
    assert not EDocument.objects.exists() and not Dai.objects.exists()


def test_a_lying_dimension_alone_does_not_make_the_rows_it_declares(oce_client, world):
    """A1:L99999999 declared over the three real rows: the three items, and only them, import
    at once (the rows the dimension promises are never made up)."""
    content = bombs.declared_dimension(bombs.workbook(HEADER, ROWS))
    response, elapsed = import_file(oce_client(world.importer), content)
    assert response.status_code == 302 and elapsed < 5
    assert Dai.objects.get().items.count() == 3


def test_a_file_over_5_mb_is_not_stored_and_the_field_says_so(oce_client, world):
    response, elapsed = import_file(oce_client(world.importer), b"PK" + b"x" * (6 * 1024 * 1024))
    assert elapsed < 5
    refused = response.wsgi_request.FILES["archivo"]
    assert isinstance(refused, RefusedUpload)
    assert refused.size == 6 * 1024 * 1024 + 2 and refused.limit == excel.MAX_BYTES
    html = response.content.decode()
    assert response.status_code == 200
    assert "Archivo de ítems (.xlsx): El archivo excede 5 MB." in html
    assert not Dai.objects.exists()


def test_a_gigabyte_upload_is_refused_before_it_is_read(oce_client, world):
    response, elapsed = bombs.huge_body(oce_client(world.importer), NEW)
    assert response.status_code == 413 and elapsed < 3
    text = response.content.decode()
    assert (
        "Archivo demasiado grande" in text and "5,0\xa0MB" in text and "No se guardó nada" in text
    )


def test_the_upload_handler_refuses_it_too_without_the_middleware(oce_client, world, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "UploadLimit" not in m]
    response, elapsed = bombs.huge_body(oce_client(world.importer), NEW)
    assert response.status_code == 400 and elapsed < 3


def test_a_grid_of_100_items_is_not_refused_for_its_number_of_fields(oce_client, world):
    """Django's default of 1,000 fields stopped the portal grid at about 70 rows (400)."""
    items = [dict(ITEMS[i % 3]) for i in range(100)]
    response = oce_client(world.importer).post(NEW, form_data(items, accion="guardar"))
    assert response.status_code == 302
    assert Dai.objects.get().items.count() == 100
