"""Back-office arancel upload (.xlsx/.csv) against hostile files and bodies (issue 8, item 3).

Each bomb is refused within a few seconds of CPU time (process_time), as an error on the form's file field, and
nothing is loaded. The loader (also behind ``manage.py load_arancel``) reports the same.
"""

from __future__ import annotations

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ecuapass.core.tests import upload_bombs as bombs
from ecuapass.tariff.models import Commodity
from ecuapass.tariff.services.loaders import load_arancel

from .test_admin import staff_client  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

HEADER = ["codigo", "descripcion", "unidad", "vigencia_desde", "base_legal", "ad_valorem"]
ROW = ["0901.21.10.00", "Café en grano", "KG", "2023-09-01", "Resolución COMEX 1", 20]


def genuine() -> bytes:
    return bombs.workbook(HEADER, [ROW])


BOMBS = {
    "empty-rows": (lambda: bombs.empty_rows(genuine(), 20_000_000), "excede"),
    "empty-rows-under-size-cap": (lambda: bombs.empty_rows(genuine(), 40_000), "30000 filas"),
    "far-row": (lambda: bombs.far_row(genuine()), "30000 filas"),
    "wide-row": (lambda: bombs.wide_row(genuine(), 600_000), "500000 celdas"),
    "deflate": (lambda: bombs.deflate_bomb(genuine(), 160), "excede"),
    "lying-size": (lambda: bombs.lying_size(genuine(), declared=64), "no es un libro"),
    "malformed-xml": (lambda: bombs.malformed(genuine()), "no es un libro"),
}


def post(client, content: bytes, name="arancel.xlsx"):
    started = time.process_time()
    response = client.post(
        reverse("admin:tariff_commodity_upload"),
        {"archivo": SimpleUploadedFile(name, content)},
    )
    return response, time.process_time() - started


@pytest.mark.parametrize("name", BOMBS)
def test_bomb_is_refused_on_the_file_field(staff_client, nomenclature, name):  # noqa: F811
    build, reason = BOMBS[name]
    response, elapsed = post(staff_client, build())
    assert elapsed < 5, f"{name}: {elapsed:.1f} s"
    assert response.status_code == 200
    errors = response.context["form"].errors["archivo"]
    assert any(reason in e for e in errors), errors
    assert response.context["report"] is None
    assert not Commodity.objects.filter(level=10).exists()


def test_genuine_xlsx_still_loads(staff_client, nomenclature):  # noqa: F811
    response, _elapsed = post(staff_client, genuine())
    assert response.context["form"].errors == {}
    assert Commodity.objects.filter(code="0901211000").exists()


def test_csv_blank_lines_count_toward_the_row_cap(staff_client, nomenclature):  # noqa: F811
    body = (",".join(HEADER) + "\n" + ",".join(map(str, ROW)) + "\n" + "\n" * 40_000).encode()
    response, elapsed = post(staff_client, body, name="arancel.csv")
    assert elapsed < 5
    assert "30000 filas" in response.context["form"].errors["archivo"][0]
    assert not Commodity.objects.filter(level=10).exists()


def test_csv_not_in_utf8_is_one_clear_error(nomenclature):
    report = load_arancel(io.BytesIO("codigo,descripción\n".encode("utf-16")), "a.csv")
    assert report.file_error == "El archivo .csv no está en UTF-8."


def test_loader_reports_a_bomb_as_a_file_error(nomenclature):
    report = load_arancel(io.BytesIO(bombs.far_row(genuine())), "arancel.xlsx")
    assert "30000 filas" in report.file_error and report.rows["rejected"] == 1
    assert "30000 filas" in report.summary()


def test_a_body_over_the_upload_limit_is_refused_before_it_is_read(staff_client):  # noqa: F811
    response, elapsed = bombs.huge_body(staff_client, reverse("admin:tariff_commodity_upload"))
    assert response.status_code == 413 and elapsed < 3
    text = response.content.decode()
    assert "Archivo del arancel (.xlsx o .csv): El archivo enviado es demasiado grande" in text
    assert "50,0\xa0MB" in text
