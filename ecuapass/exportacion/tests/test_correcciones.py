"""Corrección and sustitutiva of a DAE through the correcciones context (its DAE target): filed by
the exporter or its broker through the engine (API) or the DAE's page, in the states the rules
allow, decided by an officer of the distrito; the approval writes a version of the DAE and
discharges its VUE certificate again; nothing once Regularizada."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecuapass.correcciones import services as correcciones
from ecuapass.correcciones.models import DaiVersion
from ecuapass.edocs import services
from ecuapass.exportacion import services as export
from ecuapass.exportacion.models import Dae
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer

from . import helpers
from .test_tramite import _embarcada

pytestmark = pytest.mark.django_db


def _request(code, dae_edoc, **over):
    payload = {
        "tipo_documento": code,
        "declaracion": {"numero_documento": dae_edoc.document_number},
        "motivo": "La factura definitiva cambió el peso y el valor.",
    }
    payload.update(over)
    return payload


def _filed(party, payload):
    edoc = helpers.submit(party, payload, code=payload["tipo_documento"])
    services.process(edoc.pk)
    edoc.refresh_from_db()
    return edoc


def _errors(edoc):
    return list(edoc.errors.values_list("code", "field", "message"))


def _smaller_bananas(**over):
    return [helpers.item(helpers.BANANAS, peso_bruto="23000", fob="8100.00", **over)]


def test_exporter_corrects_an_accepted_dae_and_the_tecnico_approves_version_2(export_world):
    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador-dae")
    dae_edoc = helpers.accepted_dae(export_world.importer)
    saldo = helpers.certificate().saldos.get()
    request = _filed(
        export_world.importer,
        _request(
            "DAE-COR",
            dae_edoc,
            cabecera={"factura": {"numero": "EXP-CORREGIDA-1"}},
            items=_smaller_bananas(cantidad_fisica="20000", peso_neto="20000"),
        ),
    )
    assert request.estado_documento == "aceptado", _errors(request)
    assert "-COR-" in request.document_number
    assert "Solicitud de corrección de la DAE" in request.title
    correcciones.decide(request, approve=True, officer=tecnico, note="Conforme a la factura.")
    request.refresh_from_db()
    assert request.estado_documento == "aprobada"
    dae = Dae.objects.get(edoc=dae_edoc)
    assert dae.factura_numero == "EXP-CORREGIDA-1"
    assert dae.total_fob == Decimal("8100.00") and dae.total_peso_bruto == Decimal("23000")
    version = DaiVersion.objects.get(dai=dae_edoc)
    assert version.numero == 2 and version.diferencia_tributos == 0
    campos = {c["campo"] for c in version.cambios}
    assert {"factura.numero", "items[1].fob", "items[1].peso_bruto"} <= campos
    # the certificate was given back and discharged again for the new quantity
    saldo.refresh_from_db()
    assert saldo.descargado == Decimal("20000")
    dae_edoc.refresh_from_db()
    assert dae_edoc.document_number.endswith("-40-00000001")  # the same número


def _dae_with_ingreso(export_world):
    """An accepted DAE whose goods the depósito has registered as received."""
    dae_edoc = helpers.accepted_dae(export_world.importer)
    export.registrar_ingreso(
        dae_edoc,
        helpers.ingreso_data(),
        user=export_world.deposito.user,
        oce=export_world.deposito.oce,
    )
    return dae_edoc


def test_a_correction_is_refused_after_the_salida_autorizada(export_world):
    dae_edoc = _dae_with_ingreso(export_world)
    dae_edoc.refresh_from_db()
    assert dae_edoc.estado_documento == "salida_autorizada"
    request = _filed(
        export_world.importer,
        _request("DAE-COR", dae_edoc, cabecera={"factura": {"numero": "X-2"}}),
    )
    assert request.estado_documento == "rechazado"
    code, field, message = next(e for e in _errors(request) if e[0] == "SOL-003")
    assert field == "declaracion.numero_documento"
    assert "antes de la salida autorizada" in message


def test_the_sustitutiva_after_embarque_then_nothing_once_regularizada(export_world):
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="supervisor-dae")
    dae_edoc, _manifest = _embarcada(export_world)
    # a sustitutiva cannot change the exporter or the depósito (fields a request may not change)
    from ecuapass.edocs import registry

    serializer = registry.get("DAE-SUS").serializer_class()(
        data=_request("DAE-SUS", dae_edoc, cabecera={"deposito": "09920051"})
    )
    assert not serializer.is_valid()
    assert "no se puede cambiar" in str(serializer.errors["cabecera"]["deposito"])
    request = _filed(
        export_world.importer,
        _request("DAE-SUS", dae_edoc, items=_smaller_bananas()),
    )
    assert request.estado_documento == "aceptado", _errors(request)
    correcciones.decide(request, approve=True, officer=supervisor)
    dae = Dae.objects.get(edoc=dae_edoc)
    assert dae.total_fob == Decimal("8100.00")
    assert dae.documento_transporte == "MSCUGY000001"  # what the trámite wrote stays
    export.regularizar(
        dae_edoc,
        {
            "documento_transporte": "MSCUGY000001",
            "total_fob_final": Decimal("8100.00"),
            "peso_neto_final": Decimal("21772.8"),
        },
        user=export_world.importer.user,
        oce=export_world.importer.oce,
    )
    dae_edoc.refresh_from_db()
    assert dae_edoc.estado_documento == "regularizada"
    for code in ("DAE-SUS", "DAE-COR"):
        late = _filed(
            export_world.importer,
            _request(code, dae_edoc, cabecera={"factura": {"numero": "TARDE-1"}}),
        )
        assert late.estado_documento == "rechazado"
        assert any(e[0] == "SOL-003" and "Regularizada" in e[2] for e in _errors(late))


def test_a_sustitutiva_before_embarque_is_refused_and_a_broker_files_for_its_client(
    export_world,
):
    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador-dae2")
    dae_edoc = helpers.accepted_dae(export_world.broker, by_broker=True)
    early = _filed(
        export_world.broker,
        _request("DAE-SUS", dae_edoc, cabecera={"factura": {"numero": "X-3"}}),
    )
    assert early.estado_documento == "rechazado"
    assert any("después del embarque" in e[2] for e in _errors(early))
    request = _filed(
        export_world.broker,
        _request("DAE-COR", dae_edoc, cabecera={"factura": {"numero": "X-4"}}),
    )
    assert request.estado_documento == "aceptado", _errors(request)
    assert request.party_operator == export_world.importer.operator
    # one pending request at a time
    second = _filed(
        export_world.importer,
        _request("DAE-COR", dae_edoc, cabecera={"factura": {"numero": "X-5"}}),
    )
    assert any(e[0] == "SOL-004" for e in _errors(second))
    correcciones.decide(request, approve=False, officer=tecnico, note="Sin respaldo.")
    request.refresh_from_db()
    assert request.estado_documento == "denegada"
    assert not DaiVersion.objects.filter(dai=dae_edoc).exists()


def test_another_operator_cannot_see_the_dae(export_world):
    dae_edoc = helpers.accepted_dae(export_world.importer)
    request = _filed(
        export_world.other,
        _request("DAE-COR", dae_edoc, cabecera={"factura": {"numero": "X-6"}}),
    )
    assert request.estado_documento == "rechazado"
    assert [e[0] for e in _errors(request)] == ["SOL-001"]


def test_the_api_takes_a_dae_correction_and_answers_400_naming_the_field(export_world):
    from .test_dae import _token_client

    dae_edoc = helpers.accepted_dae(export_world.importer)
    client = _token_client(export_world.importer)
    bad = _request("DAE-COR", dae_edoc, items=[helpers.item(helpers.BANANAS, subpartida="08")])
    response = client.post("/api/v1/edocs/", bad, format="json")
    assert response.status_code == 400
    assert "subpartida" in str(response.json())
    response = client.post(
        "/api/v1/edocs/",
        _request("DAE-COR", dae_edoc, cabecera={"exportador": {"ruc": "1790011674001"}}),
        format="json",
    )
    assert response.status_code == 400 and "exportador" in str(response.json())
    response = client.post(
        "/api/v1/edocs/",
        _request("DAE-COR", dae_edoc, cabecera={"bultos": 1190}),
        format="json",
    )
    assert response.status_code == 202, response.content


def test_the_dae_page_offers_the_correction_and_shows_the_versions(export_world, oce_client):
    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador-dae3")
    dae_edoc = helpers.accepted_dae(export_world.importer)
    client = oce_client(export_world.importer)
    page = client.get(f"/edocs/documento/{dae_edoc.pk}/").content.decode()
    assert 'data-testid="solicitar-correccion"' in page
    assert 'data-testid="solicitar-sustitutiva"' not in page
    # the certificate the acceptance discharged is on the page
    assert 'id="descargos-vue"' in page and helpers.certificate().numero in page
    form = client.get(f"/correcciones/dai/{dae_edoc.pk}/correccion/")
    assert form.status_code == 200
    body = form.content.decode()
    assert (
        "Solicitud de corrección de la DAE" in body
        and "id_items-0-documento_control_numero" in body
    )
    data = {
        "motivo": "Factura corregida.",
        "fecha_embarque_estimada": Dae.objects.get(edoc=dae_edoc).fecha_embarque_estimada,
        "puerto_embarque": "ECGYE",
        "via_transporte": "maritima",
        "pais_destino": "NL",
        "factura_numero": "EXP-PORTAL-2",
        "factura_fecha": Dae.objects.get(edoc=dae_edoc).factura_fecha,
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "bultos": "1200",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "999",
    }
    for name, value in helpers.item(helpers.BANANAS).items():
        data[f"items-0-{name}"] = value
    response = client.post(f"/correcciones/dai/{dae_edoc.pk}/correccion/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    from ecuapass.edocs.models import EDocument

    request = EDocument.objects.get(doc_type="DAE-COR")
    assert (
        request.content.cabecera
        == {"factura": {"numero": "EXP-PORTAL-2", "fecha": str(data["factura_fecha"])}}
        or request.content.cabecera.get("factura", {}).get("numero") == "EXP-PORTAL-2"
    )
    assert services.process(request.pk) == "aceptado"
    # the técnico decides in the portal interno, where the request lands with its diff
    from django.test import Client

    from ecuapass.officers.tests.factories import login_officer

    interno = Client()
    login_officer(interno, tecnico)
    listing = interno.get("/interno/solicitudes-dai/").content.decode()
    assert request.document_number in listing
    detail = interno.get(f"/interno/solicitudes-dai/{request.pk}/").content.decode()
    assert "EXP-PORTAL-2" in detail and "Número de factura o proforma" in detail
    r = interno.post(f"/interno/solicitudes-dai/{request.pk}/decision/", {"decision": "aprobar"})
    assert r.status_code == 302, r.content.decode()[:2000]
    page = client.get(f"/edocs/documento/{dae_edoc.pk}/").content.decode()
    assert 'data-testid="linea-version-2"' in page and 'data-testid="version-2"' in page
    assert "EXP-PORTAL-2" in page


# --- the técnico aforador corrects the DAE during its aforo --------------------------------------
def test_the_assigned_tecnico_corrects_the_dae_in_aforo_through_the_api(export_world, client):
    from ecuapass.despacho import services as despacho
    from ecuapass.notifications.models import Notification
    from ecuapass.officers.models import OfficerToken

    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador-dae4")
    otro = make_officer([Role.TECNICO], ["028"], username="aforador-dae5")
    dae_edoc, case = _dae_in_aforo_of(tecnico, export_world)
    url = f"/api/v1/interno/correcciones/{dae_edoc.numero_entrega}/aforo/"
    body = {"motivo": "Peso verificado en báscula.", "items": _smaller_bananas()}

    def auth(officer):
        _t, raw = OfficerToken.issue(officer=officer, name="sistema")
        return {"HTTP_AUTHORIZATION": f"Token {raw}"}

    # before the aforo starts (canal asignado) it is refused, naming why
    r = client.post(url, body, content_type="application/json", **auth(tecnico))
    assert r.status_code == 400 and "durante el aforo" in str(r.json())
    despacho.start(case, officer=tecnico)
    # another técnico is not the one assigned
    r = client.post(url, body, content_type="application/json", **auth(otro))
    assert r.status_code == 400 and "asignado" in str(r.json())
    # bad input names the field
    r = client.post(url, {"motivo": ""}, content_type="application/json", **auth(tecnico))
    assert r.status_code == 400 and "motivo" in r.json()["fields"]
    bad = {"motivo": "Exportador.", "cabecera": {"exportador": {"ruc": "1"}}}
    r = client.post(url, bad, content_type="application/json", **auth(tecnico))
    assert r.status_code == 400 and "cabecera.exportador" in r.json()["fields"]
    r = client.post(url, body, content_type="application/json", **auth(tecnico))
    assert r.status_code == 201, r.content
    assert r.json()["numero"] == 2 and r.json()["solicitud"] == ""
    dae = Dae.objects.get(edoc=dae_edoc)
    assert dae.total_peso_bruto == Decimal("23000") and dae.total_fob == Decimal("8100.00")
    version = DaiVersion.objects.get(dai=dae_edoc)
    assert version.solicitud is None and version.por == tecnico.user
    assert Notification.objects.filter(
        oce_code=export_world.importer.oce, subject__contains="NUEVA VERSIÓN"
    ).exists()
    # the aforo then closes conforme: salida autorizada with the corrected DAE
    despacho.close_aforo(case, resultado="conforme", officer=tecnico)
    dae_edoc.refresh_from_db()
    assert dae_edoc.estado_documento == "salida_autorizada"


def test_the_tecnico_corrects_the_dae_from_the_portal_interno(export_world):
    from django.test import Client

    from ecuapass.despacho import services as despacho
    from ecuapass.officers.tests.factories import login_officer

    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador-dae6")
    dae_edoc, case = _dae_in_aforo_of(tecnico, export_world)
    despacho.start(case, officer=tecnico)
    client = Client()
    login_officer(client, tecnico)
    home = client.get("/interno/exportacion/anulaciones/").content.decode()
    assert 'href="/interno/exportacion/aforo/"' in home  # the portal interno's menu
    listing = client.get("/interno/exportacion/aforo/").content.decode()
    assert dae_edoc.document_number in listing
    url = f"/interno/exportacion/aforo/{dae_edoc.pk}/correccion/"
    page = client.get(url)
    assert page.status_code == 200 and "id_items-0-peso_bruto" in page.content.decode()
    dae = Dae.objects.get(edoc=dae_edoc)
    data = {
        "fecha_embarque_estimada": dae.fecha_embarque_estimada,
        "puerto_embarque": "ECGYE",
        "via_transporte": "maritima",
        "pais_destino": "NL",
        "factura_numero": dae.factura_numero,
        "factura_fecha": dae.factura_fecha,
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "bultos": "1200",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "999",
    }
    for name, value in _smaller_bananas()[0].items():
        data[f"items-0-{name}"] = value
    # without a reason: refused, the form comes back filled
    r = client.post(url, data)
    assert r.status_code == 400
    body = r.content.decode()
    assert "Indique el motivo de la corrección." in body and 'value="8100.00"' in body
    r = client.post(url, {**data, "motivo": "Peso verificado en báscula."})
    assert r.status_code == 302, r.content.decode()[:3000]
    version = DaiVersion.objects.get(dai=dae_edoc)
    assert version.solicitud is None and version.por == tecnico.user
    assert Dae.objects.get(edoc=dae_edoc).total_fob == Decimal("8100.00")
    # another técnico does not see it
    otro = make_officer([Role.TECNICO], ["028"], username="aforador-dae7")
    other = Client()
    login_officer(other, otro)
    assert other.get(url).status_code == 404


def _dae_in_aforo_of(tecnico, export_world):
    """An accepted DAE that entered the depósito, on the documental channel, its aforo case
    assigned to ``tecnico``."""
    from ecuapass.despacho.models import AforoCase

    from .test_tramite import _profile

    _profile("documental")
    dae_edoc = _dae_with_ingreso(export_world)
    case = AforoCase.objects.get(edoc=dae_edoc)
    case.tecnico = tecnico
    case.save(update_fields=["tecnico"])
    return dae_edoc, case


def test_a_correction_in_aforo_that_changes_the_reference_gives_1_3_a_new_version(
    export_world, django_capture_on_commit_callbacks
):
    """1.3 keeps its pages per the OCE's documents version; the correction rewrites the
    declaration's reference with an UPDATE, so it must bump that version itself."""
    from django.db import connection

    from ecuapass.despacho import services as despacho
    from ecuapass.edocs.selectors import documents_version

    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador-dae9")
    dae_edoc, case = _dae_in_aforo_of(tecnico, export_world)
    despacho.start(case, officer=tecnico)
    # What the set-up's commits would have run (a test transaction never commits).
    pending, connection.run_on_commit[:] = list(connection.run_on_commit), []
    for _savepoints, callback, _robust in pending:
        callback()
    oce = dae_edoc.filer_oce
    before = documents_version(oce)
    with django_capture_on_commit_callbacks(execute=True):
        correcciones.correct_in_aforo(
            dae_edoc,
            officer=tecnico,
            cabecera={"factura": {"numero": "EXP-CORREGIDA-1"}},
            motivo="Factura corregida en el aforo.",
        )
    dae_edoc.refresh_from_db()
    assert dae_edoc.reference == "EXP-CORREGIDA-1"
    assert documents_version(oce) != before
