"""Amounts and codes a DAI's columns cannot hold are field errors, never 500 (issue 8, item 10).

The item's shape is the model's (``DaiItem``: lengths, digits, bounds); the editor's form, the
Excel import and the API's serializer are built from it, and the totals and the liquidación those
items make are checked against their columns before anything is written.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from ecuapass.api.models import ApiToken
from ecuapass.customs.forms import DaiItemForm
from ecuapass.customs.models import Dai, DaiItem
from ecuapass.customs.serializers import ItemSerializer
from ecuapass.customs.services import ITEM_FIELDS
from ecuapass.customs.tests.test_editor import ITEMS, form_data
from ecuapass.edocs.models import EDocument, Envio
from tests.support.world import dai_payload

pytestmark = pytest.mark.django_db

MAX_MONEY = "99999999999999.99"  # numeric(16, 2): the largest amount the column holds
LONG_CODES = ["09012110000", "0901211000000", "09012110000000", "0901211000000000"]


@pytest.fixture
def editor(oce_client, world):
    client = oce_client(world.importer)
    client.raise_request_exception = True  # a 500 fails the test with its traceback
    return client


@pytest.fixture
def api(world):
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    client.raise_request_exception = True
    return client


def post_dai(api, payload):
    return api.post("/api/v1/edocs/", json.dumps(payload), content_type="application/json")


def row_errors(response, index, field):
    return response.context["formset"].forms[index].errors.get(field, [])


def test_the_item_shape_is_the_models_in_the_form_and_the_serializer():
    form, serializer = DaiItemForm(), ItemSerializer()
    for name in ITEM_FIELDS:
        column = DaiItem._meta.get_field(name)
        for field in (form.fields[name], serializer.fields[name]):
            if column.get_internal_type() == "DecimalField":
                assert (field.max_digits, field.decimal_places) == (
                    column.max_digits,
                    column.decimal_places,
                ), name
            elif name in ("subpartida", "descripcion"):
                assert field.max_length == column.max_length, name


def test_editor_largest_fob_is_a_field_error_and_saves_nothing(editor):
    r = editor.post(
        "/declaraciones/dai/nueva/",
        form_data([dict(ITEMS[0], fob=MAX_MONEY, flete="0", seguro="0")], accion="guardar"),
    )
    assert r.status_code == 200
    (message,) = row_errors(r, 0, "fob")
    assert "Ítem 1" in message and "excede el máximo admitido" in message
    assert "99.999.999.999.999,99" in message
    assert not EDocument.objects.exists() and not Dai.objects.exists()


def test_editor_totals_beyond_the_column_are_an_error_and_the_draft_keeps_its_items(editor):
    r = editor.post("/declaraciones/dai/nueva/", form_data(ITEMS[:1], accion="guardar"))
    edoc = EDocument.objects.get()
    big = dict(ITEMS[0], fob="60000000000000.00")
    for accion in ("guardar", "calcular", "enviar"):
        r = editor.post(
            f"/declaraciones/dai/{edoc.pk}/editar/", form_data([big, big], accion=accion)
        )
        assert r.status_code == 200, accion
        errors = r.context["form"].non_field_errors()
        assert any("total FOB" in e and "excede el máximo admitido" in e for e in errors), errors
        assert "Revise los campos marcados" in r.content.decode()
    dai = Dai.objects.get(edoc=edoc)
    assert [i.fob for i in dai.items.all()] == [Decimal(ITEMS[0]["fob"])]
    edoc.refresh_from_db()
    assert edoc.is_draft and not Envio.objects.exists()


def test_editor_exchange_rate_that_overflows_the_liquidacion_is_an_error(editor):
    data = form_data(
        [dict(ITEMS[0], fob="10000000")],
        accion="guardar",
        moneda="EUR",
        tipo_cambio="99999999.999999",
    )
    r = editor.post("/declaraciones/dai/nueva/", data)
    assert r.status_code == 200
    assert "excede el máximo admitido" in r.content.decode()
    assert not Dai.objects.exists()


@pytest.mark.parametrize("code", [*LONG_CODES, "0901.21.10.00.0", "0901.21.10.00.00"])
def test_editor_subpartida_that_is_not_ten_digits_is_a_field_error(editor, code):
    r = editor.post(
        "/declaraciones/dai/nueva/",
        form_data([dict(ITEMS[0], subpartida=code)], accion="guardar"),
    )
    assert r.status_code == 200 and row_errors(r, 0, "subpartida")
    assert not Dai.objects.exists()


@pytest.mark.parametrize("code", [*LONG_CODES, "0901.21.10.00.0", "0901.21.10"])
def test_api_subpartida_that_is_not_ten_digits_is_a_field_error(api, code):
    payload = dai_payload()
    payload["items"][0]["subpartida"] = code
    r = post_dai(api, payload)
    assert r.status_code == 400, r.content[:300]
    assert "subpartida" in json.dumps(r.json()["fields"]["items"])
    assert not EDocument.objects.exists()


def test_api_dotted_subpartida_is_still_accepted(api):
    payload = dai_payload()
    payload["items"][0]["subpartida"] = "0901.21.10.00"
    r = post_dai(api, payload)
    assert r.status_code == 202, r.content[:300]
    assert DaiItem.objects.filter(subpartida="0901211000").exists()


def test_api_amounts_that_overflow_the_liquidacion_are_400(api):
    payload = dai_payload(invoice="F-BIG-1")
    payload["items"] = [dict(payload["items"][0], fob=MAX_MONEY, flete="0", seguro="0")]
    r = post_dai(api, payload)
    assert r.status_code == 400, r.content[:300]
    assert "excede el máximo admitido" in r.json()["fields"]["items"]["0"]["fob"][0]
    payload = dai_payload(invoice="F-BIG-2")
    for item in payload["items"]:
        item["fob"] = "60000000000000.00"
    r = post_dai(api, payload)
    assert r.status_code == 400, r.content[:300]
    assert "total FOB" in r.json()["fields"]["non_field_errors"][0]
    assert not EDocument.objects.exists()


def test_excel_import_of_items_whose_totals_overflow_is_reported_and_imports_nothing(editor):
    from ecuapass.customs import excel
    from ecuapass.customs.tests.test_editor import xlsx

    row = [ITEMS[0].get(name, "") for name, _l in excel.COLUMNS]
    row[9] = "60000000000000"
    data = form_data([], accion="importar", **{"items-TOTAL_FORMS": "0"})
    data["archivo"] = xlsx([row, row])
    r = editor.post("/declaraciones/dai/nueva/", data)
    assert r.status_code == 200
    html = r.content.decode()
    assert "No se importó nada" in html and "excede el máximo admitido" in html
    assert not Dai.objects.exists()
