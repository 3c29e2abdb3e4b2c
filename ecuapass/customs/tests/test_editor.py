"""1.1 DAI editor: sections, items grid, Cálculo de tributos, Guardar temporal, Enviar, Excel, PDFs."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from ecuapass.core import formatting
from ecuapass.customs import excel
from ecuapass.customs.models import Dai
from ecuapass.edocs.models import EDocument, Envio
from ecuapass.edocs.states import DocumentState as S
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db


def form_data(items, **overrides):
    p = dai_payload()
    data = {
        "distrito": "028",
        "regimen": "10",
        "tipo_despacho": "normal",
        "importador_ruc": p["importador"]["ruc"],
        "forma_pago": "contado",
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "mrn": "CEC2026MSCU0001",
        "msn": "0001",
        "hsn": "0000",
        "pais_origen": "CN",
        "pais_procedencia": "CN",
        "pais_embarque": "CN",
        "puerto_embarque": "CNSHA",
        "fecha_embarque": "2025-12-01",
        "fecha_llegada": "2025-12-20",
        "factura_numero": "F-EDIT-1",
        "factura_fecha": "2025-11-20",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "999",
    }
    for i, item in enumerate(items):
        for k, v in item.items():
            data[f"items-{i}-{k}"] = v
    data.update(overrides)
    return data


ITEMS = dai_payload()["items"]


def test_new_dai_form_has_sections_and_no_item_grid(oce_client, world):
    r = oce_client(world.importer).get("/declaraciones/dai/nueva/")
    html = r.content.decode()
    for text in (
        "Cabecera",
        "Transporte y embarque",
        "Documentos de soporte",
        "Ítems",
        "Liquidación",
        "Cálculo de tributos",
        "Guardar temporal",
        "Enviar",
        "Descargar plantilla .xlsx",
        "Guarde el borrador (Guardar temporal) para agregar ítems",
    ):
        assert text in html, text
    assert 'name="items-TOTAL_FORMS"' not in html and 'class="item-row"' not in html


def test_add_item_with_bad_input_keeps_what_was_typed(oce_client, world):
    client = oce_client(world.importer)
    r = client.post("/declaraciones/dai/nueva/", {"accion": "guardar"})
    edoc = EDocument.objects.get()
    bad = {f"item-{k}": v for k, v in ITEMS[0].items()} | {"item-fob": "-1"}
    r = client.post(f"/declaraciones/dai/{edoc.pk}/items/", bad)
    html = r.content.decode()
    assert r.status_code == 200 and "Café tostado en grano" in html
    assert "Debe ser mayor que cero" in html
    assert not edoc.dai.items.exists()


def test_bad_input_comes_back_filled_with_messages_and_saves_nothing(oce_client, world):
    bad = [dict(ITEMS[0], subpartida="12", fob="-3")]
    r = oce_client(world.importer).post(
        "/declaraciones/dai/nueva/", form_data(bad, accion="guardar", distrito="")
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert "La subpartida tiene 10 dígitos" in html and "Debe ser mayor que cero" in html
    assert 'value="F-EDIT-1"' in html
    assert not EDocument.objects.exists() and not Dai.objects.exists()


def test_compute_save_edit_remove_and_send(oce_client, world):
    client = oce_client(world.importer)
    r = client.post("/declaraciones/dai/nueva/", form_data(ITEMS, accion="calcular"))
    assert r.status_code == 302
    edoc = EDocument.objects.get()
    dai = edoc.dai
    assert edoc.is_draft and dai.items.count() == 3
    assert dai.liquidacion.total_tributos > 0 and not dai.liquidacion.frozen
    page = client.get(r["Location"].split("#")[0]).content.decode()
    assert formatting.money(dai.liquidacion.total_tributos) in page  # 9.796,59
    # Edit: remove item 2 and change item 1; the liquidación follows.
    before = dai.liquidacion.total_tributos
    items = list(dai.items.order_by("numero"))
    data = form_data(ITEMS, accion="guardar", **{"items-INITIAL_FORMS": "3"})
    for i, item in enumerate(items):
        data[f"items-{i}-id"] = str(item.pk)
        data[f"items-{i}-dai"] = str(dai.pk)
    data["items-0-fob"] = "20000.00"
    data["items-1-DELETE"] = "on"
    assert client.post(f"/declaraciones/dai/{edoc.pk}/editar/", data).status_code == 302
    dai.refresh_from_db()
    assert list(dai.items.order_by("numero").values_list("numero", "subpartida")) == [
        (1, "0901211000"),
        (2, "6403999000"),
    ]
    assert dai.liquidacion.total_tributos != before
    # Enviar: the envío is the snapshot of the draft.
    data = form_data([ITEMS[0], ITEMS[2]], accion="enviar", **{"items-INITIAL_FORMS": "2"})
    for i, item in enumerate(dai.items.order_by("numero")):
        data[f"items-{i}-id"] = str(item.pk)
        data[f"items-{i}-dai"] = str(dai.pk)
    data["items-0-fob"] = "20000.00"
    r = client.post(f"/declaraciones/dai/{edoc.pk}/editar/", data)
    edoc.refresh_from_db()
    assert r.status_code == 302 and r["Location"] == edoc.get_absolute_url()
    assert edoc.numero_entrega.endswith("00000001P") and edoc.estado_documento == S.REGISTRADO
    envio = Envio.objects.get()
    assert envio.payload["items"][0]["fob"] == "20000.00" and len(envio.payload["items"]) == 2
    # Double submit: the second "Enviar" lands on the document, no second envío.
    r = client.post(f"/declaraciones/dai/{edoc.pk}/editar/", data)
    assert r.status_code == 302 and Envio.objects.count() == 1
    from ecuapass.edocs import services

    assert services.process(edoc.pk) == "aceptado"


def test_broker_chooses_among_its_clients(oce_client, world):
    r = oce_client(world.broker).get("/declaraciones/dai/nueva/")
    choices = [c[0] for c in r.context["form"].fields["importador_ruc"].choices]
    assert choices == ["", world.importer.operator.ruc]


def xlsx(rows, header=None):
    wb = Workbook()
    ws = wb.active
    ws.append(header or [str(label) for _n, label in excel.COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "items.xlsx"
    return buf


def test_excel_round_trip(oce_client, world):
    client = oce_client(world.importer)
    template = client.get("/declaraciones/dai/plantilla-items.xlsx")
    header = next(load_workbook(io.BytesIO(template.content)).active.values)
    assert header[0] == "Subpartida" and header[-1] == "Documento de control (número)"
    rows = [[item.get(name, "") for name, _l in excel.COLUMNS] for item in ITEMS]
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = xlsx(rows)
    r = client.post("/declaraciones/dai/nueva/", data)
    assert r.status_code == 302
    dai = Dai.objects.get()
    assert dai.items.count() == 3 and dai.liquidacion.total_tributos > 0
    exported = client.get(f"/declaraciones/dai/{dai.edoc_id}/items.xlsx")
    back = list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]
    assert [r[0] for r in back] == ["0901.21.10.00", "8471.30.00.00", "6403.99.90.00"]
    assert [str(r[9]) for r in back] == ["10000", "25000", "6000"]


def test_excel_without_the_later_control_document_column_still_imports(oce_client, world):
    """A file made from the template before the column «Documento de control (número)» existed."""
    client = oce_client(world.importer)
    older = [c for c in excel.COLUMNS if c[0] not in excel.LATER_COLUMNS]
    rows = [[item[name] for name, _l in older] for item in ITEMS]
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = xlsx(rows, header=[str(label) for _n, label in older])
    r = client.post("/declaraciones/dai/nueva/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    dai = Dai.objects.get()
    assert [i.documento_control_numero for i in dai.items.order_by("numero")] == ["", "", ""]


def test_excel_names_each_items_control_document(oce_client, world):
    client = oce_client(world.importer)
    rows = [[item.get(name, "") for name, _l in excel.COLUMNS] for item in ITEMS]
    rows[0][-1] = "agrocalidad-pfi-2026-000001"
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = xlsx(rows)
    assert client.post("/declaraciones/dai/nueva/", data).status_code == 302
    dai = Dai.objects.get()
    assert [i.documento_control_numero for i in dai.items.order_by("numero")] == [
        "AGROCALIDAD-PFI-2026-000001",
        "",
        "",
    ]
    exported = client.get(f"/declaraciones/dai/{dai.edoc_id}/items.xlsx")
    back = list(load_workbook(io.BytesIO(exported.content)).active.values)[1:]
    assert back[0][-1] == "AGROCALIDAD-PFI-2026-000001"


def test_excel_bad_rows_are_reported_and_nothing_is_imported(oce_client, world):
    client = oce_client(world.importer)
    rows = [[item.get(name, "") for name, _l in excel.COLUMNS] for item in ITEMS]
    rows[1][0] = "abc"
    rows[2][2] = "ZZ"
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = xlsx(rows)
    r = client.post("/declaraciones/dai/nueva/", data)
    html = r.content.decode()
    assert r.status_code == 200 and "No se importó nada" in html
    assert "Fila 3" in html and "Fila 4" in html
    assert not Dai.objects.exists()
    data["archivo"] = xlsx(rows, header=["x"])
    assert "Fila 1" in client.post("/declaraciones/dai/nueva/", data).content.decode()
    bogus = io.BytesIO(b"not an excel file")
    bogus.name = "x.xlsx"
    data["archivo"] = bogus
    assert (
        "no es un libro de Excel" in client.post("/declaraciones/dai/nueva/", data).content.decode()
    )


def test_pdfs_of_the_dai_and_the_liquidacion(oce_client, world):
    client = oce_client(world.importer)
    client.post("/declaraciones/dai/nueva/", form_data(ITEMS, accion="guardar"))
    edoc = EDocument.objects.get()
    for url in (
        f"/declaraciones/dai/{edoc.pk}/dai.pdf",
        f"/declaraciones/dai/{edoc.pk}/liquidacion.pdf",
    ):
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")


def test_excel_template_downloaded_in_english_imports_in_spanish(oce_client, world):
    from django.utils import translation

    client = oce_client(world.importer)
    with translation.override("en"):
        english = [str(label) for _n, label in excel.COLUMNS]
    assert english[0] != "Subpartida" or english[1] != "Descripción comercial"
    rows = [[item.get(name, "") for name, _l in excel.COLUMNS] for item in ITEMS]
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = xlsx(rows, header=english)
    r = client.post("/declaraciones/dai/nueva/", data)
    assert r.status_code == 302
    assert Dai.objects.get().items.count() == 3


@pytest.mark.django_db
def test_item_rows_share_catalog_choices_no_query_per_row(django_assert_max_num_queries):
    from ecuapass.customs.forms import ItemFormSet

    data = {"items-TOTAL_FORMS": "40", "items-INITIAL_FORMS": "0"}
    with django_assert_max_num_queries(3):
        formset = ItemFormSet(data=data, prefix="items")
        forms = formset.forms
        [str(form["pais_origen"]) for form in forms[:2]]
    assert len(forms) == 40
    assert forms[0].fields["unidad_fisica"].codes is forms[39].fields["unidad_fisica"].codes


def test_the_older_dai_header_allowance_does_not_reach_the_dae_template():
    from ecuapass.exportacion.views import dae_columns

    columns = dae_columns()
    assert "documento_control_numero" in dict(columns)
    labels = [str(label) for _n, label in columns]
    blank = [
        "" if name in excel.LATER_COLUMNS else label
        for (name, _l), label in zip(columns, labels, strict=True)
    ]
    assert labels in excel._accepted_headers(columns)
    assert blank not in excel._accepted_headers(columns)  # a DAE file must name its certificate
