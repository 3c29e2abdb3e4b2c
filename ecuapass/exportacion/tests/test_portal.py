"""Portal and API of the other actors: the DAE editor, the depósito's screens (1.14), the
regularización from the DAE's page, and their scope and grants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument
from ecuapass.exportacion.models import Dae, IngresoExportacion

from . import helpers
from .test_dae import _token_client

pytestmark = pytest.mark.django_db


def _editor_data(**over):
    data = {
        "distrito": "028",
        "regimen": "40",
        "exportador_ruc": helpers.IMPORTER_RUC,
        "pais_destino": "US",
        "puerto_embarque": "ECUIO",
        "via_transporte": "aerea",
        "deposito_codigo": helpers.DEPOSITO_CODE,
        "fecha_embarque_estimada": (timezone.localdate()).isoformat(),
        "factura_numero": "EXP-ROSAS-1",
        "factura_fecha": timezone.localdate().isoformat(),
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "bultos": "160",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "999",
    }
    for name, value in helpers.item(helpers.ROSAS).items():
        data[f"items-0-{name}"] = value
    data.update(over)
    return data


def test_exporter_files_roses_in_the_editor(export_world, oce_client):
    client = oce_client(export_world.importer)
    assert client.get("/exportacion/dae/nueva/").status_code == 200
    response = client.post("/exportacion/dae/nueva/", _editor_data(accion="enviar"))
    assert response.status_code == 302, response.content.decode()[:3000]
    edoc = EDocument.objects.get(doc_type="DAE")
    assert edoc.channel == "P" and edoc.numero_entrega
    assert services.process(edoc.pk) == "aceptado", list(
        edoc.errors.values_list("message", flat=True)
    )
    page = client.get(f"/edocs/documento/{edoc.pk}/")
    assert "Trámite de exportación" in page.content.decode()
    pdf = client.get(f"/exportacion/dae/{edoc.pk}/dae.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # another operator's code does not see it
    client.logout()
    assert (
        oce_client(export_world.other).get(f"/exportacion/dae/{edoc.pk}/dae.pdf").status_code == 404
    )


def test_editor_bad_input_comes_back_filled_and_saves_nothing(export_world, oce_client):
    client = oce_client(export_world.importer)
    response = client.post(
        "/exportacion/dae/nueva/", _editor_data(accion="guardar", **{"items-0-subpartida": "06"})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "La subpartida tiene 10 dígitos" in body and "EXP-ROSAS-1" in body
    assert not Dae.objects.exists()


def test_template_download(export_world, oce_client):
    response = oce_client(export_world.importer).get("/exportacion/dae/plantilla-items.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd")


def test_deposito_screens_gated_and_scoped(export_world, oce_client, client):
    edoc = helpers.accepted_dae(export_world.importer)
    # the exporter's code does not hold 1.14 (tipos 04/05 only)
    importer = oce_client(export_world.importer)
    assert importer.get("/exportacion/deposito/").status_code == 403
    client.logout()
    dep = oce_client(export_world.deposito)
    listing = dep.get("/exportacion/deposito/")
    assert listing.status_code == 200 and edoc.document_number in listing.content.decode()
    page = dep.get(f"/exportacion/deposito/dae/{edoc.pk}/")
    assert page.status_code == 200
    response = dep.post(
        f"/exportacion/deposito/dae/{edoc.pk}/",
        {
            "bultos": "1200",
            "peso_bruto": "23400",
            "contenedores": "MSKU1234565 / SELLO 1",
            "fecha_hora": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert IngresoExportacion.objects.filter(dae__edoc=edoc).exists()
    # another depósito sees nothing
    client.logout()
    otro = helpers.deposito_party(code=helpers.OTRO_DEPOSITO_CODE, username="bodega2")
    assert oce_client(otro).get(f"/exportacion/deposito/dae/{edoc.pk}/").status_code == 404


def test_deposito_api_ingreso_and_salida(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    api = _token_client(export_world.deposito)
    listing = api.get("/api/v1/exportacion/deposito/dae/")
    assert listing.status_code == 200 and listing.json()["count"] == 1
    body = {"bultos": 1200, "peso_bruto": "23400", "fecha_hora": timezone.now().isoformat()}
    bad = api.post(
        f"/api/v1/exportacion/dae/{edoc.document_number}/ingreso/",
        {**body, "bultos": -1},
        format="json",
    )
    assert bad.status_code == 400 and "bultos" in bad.json()["fields"]
    response = api.post(
        f"/api/v1/exportacion/dae/{edoc.document_number}/ingreso/", body, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["estado"] == "salida_autorizada"
    again = api.post(
        f"/api/v1/exportacion/dae/{edoc.document_number}/ingreso/", body, format="json"
    )
    assert again.status_code == 400
    salida = api.post(
        f"/api/v1/exportacion/dae/{edoc.document_number}/salida/", body, format="json"
    )
    assert salida.status_code == 201
    # the exporter's token holds no 1.14
    assert (
        _token_client(export_world.importer).get("/api/v1/exportacion/deposito/dae/").status_code
        == 403
    )
    # another depósito: 404
    otro = helpers.deposito_party(code=helpers.OTRO_DEPOSITO_CODE, username="bodega2")
    assert (
        _token_client(otro)
        .post(f"/api/v1/exportacion/dae/{edoc.document_number}/salida/", body, format="json")
        .status_code
        == 404
    )


def test_regularizacion_portal_and_api(export_world, oce_client):
    from ecuapass.exportacion import services as export

    edoc = helpers.accepted_dae(export_world.broker, by_broker=True)
    dep = export_world.deposito
    export.registrar_ingreso(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    edoc.refresh_from_db()
    manifest = helpers.submit(export_world.carga, helpers.manifiesto_payload([edoc]), code="MEX")
    assert services.process(manifest.pk) == "aceptado"
    body = {
        "documento_transporte": "MSCUGY000001",
        "total_fob_final": "8400.00",
        "peso_neto_final": "21772.8",
    }
    # the broker filed it but may not regularise
    broker = _token_client(export_world.broker)
    refused = broker.post(
        f"/api/v1/exportacion/dae/{edoc.document_number}/regularizacion/", body, format="json"
    )
    assert refused.status_code == 400
    client = oce_client(export_world.importer)
    response = client.post(f"/exportacion/dae/{edoc.pk}/regularizar/", body)
    assert response.status_code == 302
    edoc.refresh_from_db()
    assert edoc.estado_documento == "regularizada"
    page = client.get(f"/edocs/documento/{edoc.pk}/").content.decode()
    assert "Regularizada" in page


def test_manifest_in_the_portal(export_world, oce_client):
    from ecuapass.exportacion import services as export

    edoc = helpers.accepted_dae(export_world.importer)
    dep = export_world.deposito
    export.registrar_ingreso(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    edoc.refresh_from_db()
    client = oce_client(export_world.carga)
    assert client.get("/exportacion/manifiesto/nuevo/").status_code == 200
    salida = timezone.localtime() - timezone.timedelta(hours=1)
    response = client.post(
        "/exportacion/manifiesto/nuevo/",
        {
            "distrito": "028",
            "via_transporte": "maritima",
            "transportista_ruc": "0990017514001",
            "transportista_nombre": "Naviera Demo",
            "nave_vuelo": "MSC ROTTERDAM",
            "viaje": "026E",
            "puerto_embarque": "ECGYE",
            "fecha_salida": salida.strftime("%Y-%m-%dT%H:%M"),
            "docs-TOTAL_FORMS": "1",
            "docs-INITIAL_FORMS": "0",
            "docs-MIN_NUM_FORMS": "0",
            "docs-MAX_NUM_FORMS": "999",
            "docs-0-tipo": "BL",
            "docs-0-documento": "MSCUGY999",
            "docs-0-dae": edoc.document_number,
            "docs-0-bultos": "1200",
            "docs-0-peso_bruto": "23400",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mex = EDocument.objects.get(doc_type="MEX")
    assert services.process(mex.pk) == "aceptado"
    edoc.refresh_from_db()
    assert edoc.estado_documento == "embarcada"
    assert Dae.objects.get(edoc=edoc).documento_transporte == "MSCUGY999"
    assert Decimal(Dae.objects.get(edoc=edoc).total_peso_bruto) == Decimal("23400")


def test_deposito_list_queries_do_not_grow_with_rows(export_world, oce_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    helpers.accepted_dae(export_world.importer)
    client = oce_client(export_world.deposito)
    client.get("/exportacion/deposito/")  # warm the session and menu caches
    with CaptureQueriesContext(connection) as one:
        assert client.get("/exportacion/deposito/").status_code == 200
    for _n in range(3):
        helpers.accepted_dae(export_world.importer)
    with CaptureQueriesContext(connection) as four:
        response = client.get("/exportacion/deposito/")
    assert response.content.decode().count("/exportacion/deposito/dae/") == 4
    assert len(four) == len(one)


def test_grants_of_dae_pages(export_world, oce_client, client):
    """An employee of the exporter: a draft DAE's pages need 1.1, a sent DAE's need 1.3."""
    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE
    from ecuapass.core.loading import LoadReport
    from ecuapass.despacho.tests.helpers import employee_of
    from ecuapass.portal import reference_data as menu

    menu.load(LoadReport(write=lambda s: None))
    sent = helpers.accepted_dae(export_world.importer)
    owner = oce_client(export_world.importer)
    owner.post("/exportacion/dae/nueva/", _editor_data(accion="guardar"))
    draft = EDocument.objects.drafts().get(doc_type="DAE")
    client.logout()

    def as_employee(options):
        user = employee_of(export_world.importer, options=options)
        client.force_login(user)
        session = client.session
        session[SESSION_OCE_CODE] = export_world.importer.oce.code
        session[SESSION_OCE_TYPE] = "16"
        session.save()
        return client

    body = {"documento_transporte": "X", "total_fob_final": "1", "peso_neto_final": "1"}
    c = as_employee(("1.3",))
    assert c.get(f"/exportacion/dae/{draft.pk}/editar/").status_code == 403
    assert c.get(f"/exportacion/dae/{draft.pk}/dae.pdf").status_code == 403
    assert c.get(f"/exportacion/dae/{sent.pk}/dae.pdf").status_code == 200
    assert c.post(f"/exportacion/dae/{sent.pk}/regularizar/", body).status_code == 302
    c = as_employee(("1.1",))
    assert c.get(f"/exportacion/dae/{draft.pk}/editar/").status_code == 200
    assert c.get(f"/exportacion/dae/{draft.pk}/dae.pdf").status_code == 200
    assert c.get(f"/exportacion/dae/{sent.pk}/dae.pdf").status_code == 403
    assert c.post(f"/exportacion/dae/{sent.pk}/regularizar/", body).status_code == 403
