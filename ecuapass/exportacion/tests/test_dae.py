"""The DAE as an e-doc type: schema, rules, acceptance with its number, API JSON and XML."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from ecuapass.edocs import services
from ecuapass.edocs.xml import payload_to_xml
from ecuapass.exportacion.models import Dae

from . import helpers

pytestmark = pytest.mark.django_db


def codes(edoc):
    return set(edoc.errors.values_list("code", flat=True))


def test_exporter_files_a_dae_accepted_with_its_number_and_waits_for_ingreso(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    year = timezone.localdate().year
    assert edoc.document_number == f"028-{year}-40-00000001"
    assert edoc.estado_documento == "aceptado"
    assert edoc.canal_aforo == ""  # the canal comes with the ingreso
    assert edoc.party_operator == export_world.importer.operator
    dae = edoc.dae
    assert dae.total_peso_bruto == 23400 and dae.total_fob == 8400 and dae.numero_items == 1
    # the depósito named in the DAE is told
    from ecuapass.notifications.models import Notification

    assert Notification.objects.filter(
        oce_code=export_world.deposito.oce, subject__contains=edoc.document_number
    ).exists()
    second = helpers.accepted_dae(export_world.importer)
    assert second.document_number.endswith("-40-00000002")


def test_broker_files_for_its_client_and_the_exporter_sees_it(export_world):
    edoc = helpers.accepted_dae(export_world.broker, by_broker=True)
    assert edoc.party_operator == export_world.importer.operator
    assert edoc.filer_oce == export_world.broker.oce


def test_broker_without_relation_is_refused(export_world):
    from ecuapass.accounts.models import BrokerClient

    BrokerClient.objects.all().delete()
    edoc = helpers.submit(export_world.broker, helpers.dae_payload(by_broker=True))
    assert services.process(edoc.pk) == "rechazado"
    assert "DAE-205" in codes(edoc)


@pytest.mark.parametrize(
    "override, code",
    [
        ({"regimen": "10"}, "DAE-102"),
        ({"regimen": "60"}, "DAE-102"),
        ({"pais_destino": "XX"}, "DAE-103"),
        ({"deposito": "29000002"}, "DAE-206"),
        ({"exportador": {"ruc": helpers.DEPOSITO_RUC, "nombre": helpers.DEPOSITO_NAME}}, "DAE-201"),
        ({"totales": {"fob": "1.00"}}, "DAE-302"),
        ({"fecha_embarque_estimada": "2020-01-01"}, "DAE-303"),
        ({"tipo_cambio": "2"}, "DAE-305"),
    ],
)
def test_rules(export_world, override, code):
    edoc = helpers.submit(export_world.importer, helpers.dae_payload(**override))
    assert services.process(edoc.pk) in ("rechazado", "error")
    assert code in codes(edoc)


def test_control_document_required_where_the_catalog_marks_it(export_world):
    item = helpers.item(helpers.BANANAS)
    item.pop("documento_control_tipo")
    edoc = helpers.submit(export_world.importer, helpers.dae_payload(items=[item]))
    assert services.process(edoc.pk) == "rechazado"
    error = edoc.errors.get(code="DAE-307")
    assert error.field == "items[1].documento_control_tipo"
    assert "Certificado fitosanitario" in error.message


def test_subpartida_not_in_force(export_world):
    item = helpers.item(helpers.BANANAS, subpartida="0803.90.19.00")
    edoc = helpers.submit(export_world.importer, helpers.dae_payload(items=[item]))
    assert services.process(edoc.pk) == "rechazado"
    assert "DAE-301" in codes(edoc)


def test_temporary_regimes_are_accepted_with_their_code(export_world):
    edoc = helpers.accepted_dae(export_world.importer, regimen="50")
    assert "-50-" in edoc.document_number
    edoc = helpers.accepted_dae(export_world.importer, regimen="51")
    assert "-51-" in edoc.document_number


# --- API ---------------------------------------------------------------------------------
def _token_client(party):
    from rest_framework.test import APIClient

    from ecuapass.api.models import ApiToken

    _token, raw = ApiToken.issue(user=party.user, oce_code=party.oce, name="t")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_api_json_and_detail(export_world):
    client = _token_client(export_world.importer)
    response = client.post("/api/v1/edocs/", helpers.dae_payload(), format="json")
    assert response.status_code == 202, response.content
    numero = response.json()["numero_entrega"]
    edoc = Dae.objects.get(edoc__numero_entrega=numero).edoc
    assert services.process(edoc.pk) == "aceptado"
    detail = client.get(f"/api/v1/edocs/{numero}/").json()
    assert detail["contenido"]["exportador_ruc"] == export_world.importer.operator.ruc
    assert detail["contenido"]["items"][0]["documento_control_tipo"] == "FITO"


def test_api_xml_round_trip(export_world):
    payload = helpers.dae_payload()
    xml = payload_to_xml(payload)
    assert "<Exporter>" in xml and "AdditionalDocument" in xml
    client = _token_client(export_world.importer)
    response = client.post("/api/v1/edocs/", xml, content_type="application/xml")
    assert response.status_code == 202, response.content
    edoc = Dae.objects.get(edoc__numero_entrega=response.json()["numero_entrega"]).edoc
    assert services.process(edoc.pk) == "aceptado"
    assert edoc.dae.items.get().documento_control_numero == helpers.certificate().numero


def test_api_bad_input_is_400_naming_the_field(export_world):
    client = _token_client(export_world.importer)
    payload = helpers.dae_payload()
    payload["items"][0]["subpartida"] = "08039"
    payload["bultos"] = 0
    response = client.post("/api/v1/edocs/", payload, format="json")
    assert response.status_code == 400
    body = json.dumps(response.json(), ensure_ascii=False)
    assert "subpartida" in body and "bultos" in body


def test_depósito_cannot_file_a_dae(export_world):
    client = _token_client(export_world.deposito)
    response = client.post("/api/v1/edocs/", helpers.dae_payload(), format="json")
    assert response.status_code == 403


def test_example_file_is_accepted_as_is(export_world):
    from pathlib import Path

    from django.conf import settings

    payload = json.loads((Path(settings.BASE_DIR) / "docs/examples/dae.json").read_text())
    payload["fecha_embarque_estimada"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = _token_client(export_world.importer)
    response = client.post("/api/v1/edocs/", payload, format="json")
    assert response.status_code == 202, response.content


# --- export control documents: the VUE certificates --------------------------------------
def test_the_certificate_is_discharged_on_acceptance_and_given_back_on_annulment(export_world):
    from decimal import Decimal

    from ecuapass.exportacion import controles
    from ecuapass.vue.models import Descargo

    certificate = helpers.certificate()
    saldo = certificate.saldos.get()
    assert saldo.descargado == 0
    edoc = helpers.accepted_dae(export_world.importer)
    saldo.refresh_from_db()
    assert saldo.descargado == Decimal("21772.8")
    descargo = Descargo.objects.get(declaracion=edoc)
    assert descargo.item == 1 and descargo.saldo == saldo
    # a later move into the same state (the ingreso keeps "aceptado") discharges nothing more
    controles.descargar(edoc)
    saldo.refresh_from_db()
    assert saldo.descargado == Decimal("21772.8")
    controles.liberar(edoc)
    saldo.refresh_from_db()
    assert saldo.descargado == 0 and not Descargo.objects.filter(declaracion=edoc).exists()


def _rejected_307(world, **item_over):
    edoc = helpers.submit(
        world.importer, helpers.dae_payload(items=[helpers.item(helpers.BANANAS, **item_over)])
    )
    assert services.process(edoc.pk) == "rechazado"
    error = edoc.errors.get(code="DAE-307")
    assert error.field == "items[1].documento_control_numero"
    assert error.message.startswith("Ítem 1, documento de control (número):")
    return error.message


def test_a_made_up_certificate_number_is_refused(export_world):
    message = _rejected_307(export_world, documento_control_numero="AGR-FITO-2026-000123")
    assert "AGR-FITO-2026-000123 no existe en la Ventanilla Única" in message


def test_a_discharged_certificate_is_refused(export_world):
    saldo = helpers.certificate().saldos.get()
    saldo.descargado = saldo.autorizado - 100
    saldo.save()
    message = _rejected_307(export_world)
    assert "ya fue descargado" in message and "100" in message


def test_an_expired_certificate_is_refused(export_world):
    certificate = helpers.certificate()
    numero = certificate.numero
    certificate.valido_desde = timezone.localdate() - timedelta(days=60)
    certificate.valido_hasta = timezone.localdate() - timedelta(days=30)
    certificate.save()
    message = _rejected_307(export_world, documento_control_numero=numero)
    assert "no está vigente" in message


def test_an_annulled_certificate_is_refused(export_world):
    certificate = helpers.certificate()
    certificate.estado = "anulado"
    certificate.save()
    message = _rejected_307(export_world, documento_control_numero=certificate.numero)
    assert "fue anulado" in message


def test_another_exporters_certificate_is_refused(export_world):
    from ecuapass.accounts.models import Operator

    certificate = helpers.certificate()
    other = Operator.objects.get(ruc=export_world.other.operator.ruc)
    certificate.titular = other
    certificate.save()
    message = _rejected_307(export_world, documento_control_numero=certificate.numero)
    assert "no es del titular" in message


def test_a_certificate_of_another_subpartida_or_type_is_refused(export_world):
    roses = helpers.certificate(helpers.ROSAS)
    message = _rejected_307(export_world, documento_control_numero=roses.numero)
    assert "no ampara la subpartida 0803.90.11.00" in message
    roses.tipo = type(roses.tipo).objects.get(code="AGRO-PFI")
    roses.save()
    message = _rejected_307(export_world, documento_control_numero=roses.numero)
    assert "no es un Certificado fitosanitario de exportación" in message
