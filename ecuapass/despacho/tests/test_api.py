"""The despacho API: operators under /api/v1/despacho/, officers under /api/v1/interno/."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from ecuapass.api.models import ApiToken
from ecuapass.despacho import services
from ecuapass.despacho.models import Attachment, Correction
from ecuapass.officers.models import OfficerToken

from . import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_despacho_on_acceptance")]


def operator(party) -> APIClient:
    _token, raw = ApiToken.issue(user=party.user, oce_code=party.oce, name="software")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def officer_api(officer) -> APIClient:
    _token, raw = OfficerToken.issue(officer=officer, name="sistema")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


@pytest.fixture
def requested(world, officers):
    case = helpers.in_aforo(world.broker, officer=officers.tecnico, by_broker=True)
    (req,) = services.request_documents(case, [helpers.factura_tipo()], officer=officers.tecnico)
    return case, req


def test_operator_reads_the_aforo_without_risk_or_internal_data(world, requested):
    from ecuapass.risk.tests.helpers import approved_profile

    case, req = requested
    approved_profile("documental", name="Perfil secreto")
    n = case.edoc.numero_entrega
    response = operator(world.broker).get(f"/api/v1/despacho/{n}/")
    assert response.status_code == 200
    data = response.json()
    assert data["canal"] == "documental" and data["abierto"] is True
    assert (
        data["solicitudes"][0]["documento"] == "01"
        and data["solicitudes"][0]["estado"] == "pendiente"
    )
    text = response.content.decode()
    assert "Perfil secreto" not in text and "motivo_canal" not in text and "plazo" not in text
    started = [e for e in data["historial"] if e["accion"] == "Canal de aforo asignado → En aforo"]
    assert started[0]["rol"] == "Técnico operador / aforador" and started[0]["quien"] == ""
    assert "ip" not in started[0]
    assert not any(e["accion"] == "Asignado a un técnico" for e in data["historial"])
    # Out of scope: 404, as JSON.
    other = operator(world.other).get(f"/api/v1/despacho/{n}/")
    assert other.status_code == 404 and other.json()["error"] == "not_found"


def test_operator_uploads_the_requested_document(world, requested):
    case, req = requested
    api = operator(world.broker)
    url = f"/api/v1/despacho/{case.edoc.numero_entrega}/solicitudes/{req.pk}/archivo/"
    bad = api.post(
        url, {"archivo": SimpleUploadedFile("f.pdf", b"GIF89a not a pdf")}, format="multipart"
    )
    assert bad.status_code == 400
    assert (
        bad.json()["error"] == "invalid" and "PDF, JPEG o PNG" in bad.json()["fields"]["archivo"][0]
    )
    missing = api.post(url, {}, format="multipart")
    assert missing.status_code == 400 and "archivo" in missing.json()["fields"]
    assert not Attachment.objects.exists()
    ok = api.post(url, {"archivo": helpers.pdf("factura.pdf")}, format="multipart")
    assert ok.status_code == 201, ok.content
    assert ok.json()["tipo_contenido"] == "application/pdf" and ok.json()["tamano"] == len(
        helpers.PDF
    )
    download = api.get(f"/api/v1/despacho/{case.edoc.numero_entrega}/archivos/{ok.json()['id']}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == helpers.PDF


def test_operator_answers_and_responds_to_corrections(world, officers, requested):
    case, _req = requested
    n = case.edoc.numero_entrega
    obs = services.observe(case, "¿Flete?", officer=officers.tecnico)
    corr = services.propose_correction(
        case,
        field="fob",
        item_numero=1,
        new_value="12000",
        reason="Factura.",
        officer=officers.tecnico,
    )
    api = operator(world.importer)
    assert (
        api.post(
            f"/api/v1/despacho/{n}/observaciones/{obs.pk}/respuesta/", {}, format="json"
        ).status_code
        == 400
    )
    answer = api.post(
        f"/api/v1/despacho/{n}/observaciones/{obs.pk}/respuesta/",
        {"respuesta": "Consolidado."},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["respuesta"] == "Consolidado."
    again = api.post(
        f"/api/v1/despacho/{n}/observaciones/{obs.pk}/respuesta/", {"respuesta": "x"}, format="json"
    )
    assert again.status_code == 400
    url = f"/api/v1/despacho/{n}/correcciones/{corr.pk}/respuesta/"
    no_reason = api.post(url, {"decision": "impugnar"}, format="json")
    assert no_reason.status_code == 400 and "motivo" in no_reason.json()["fields"]
    assert api.post(url, {"decision": "quizas"}, format="json").status_code == 400
    assert api.post(url, b"{no json", content_type="application/json").status_code == 400
    disputed = api.post(
        url, {"decision": "impugnar", "motivo": "El valor es el de la factura."}, format="json"
    )
    assert disputed.status_code == 200 and disputed.json()["estado"] == "impugnada"
    assert Correction.objects.get().status == "impugnada"


def test_operator_grant_and_closed_aforo(world, officers, requested):
    case, req = requested
    n = case.edoc.numero_entrega
    employee = helpers.employee_of(world.broker)
    _t, raw = ApiToken.issue(user=employee, oce_code=world.broker.oce, name="x")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get(f"/api/v1/despacho/{n}/").status_code == 403
    services.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    late = operator(world.broker).post(
        f"/api/v1/despacho/{n}/solicitudes/{req.pk}/archivo/",
        {"archivo": helpers.pdf()},
        format="multipart",
    )
    assert late.status_code == 409 and late.json()["error"] == "conflict"


def test_officer_api_takes_a_dai_through_the_aforo(world, officers):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    n = case.edoc.numero_entrega
    api = officer_api(officers.tecnico)
    bandeja = api.get("/api/v1/interno/bandeja/")
    assert bandeja.status_code == 200 and bandeja.json()["results"][0]["numero_entrega"] == n
    assert api.get("/api/v1/interno/bandeja/", {"estado": "raro"}).status_code == 400
    detail = api.get(f"/api/v1/interno/tramites/{n}/").json()
    assert detail["acciones"] == ["iniciar"] and detail["tecnico"] == "aforador1"
    # Before iniciar, actions are a conflict of state.
    early = api.post(
        f"/api/v1/interno/tramites/{n}/observaciones/", {"observacion": "x"}, format="json"
    )
    assert early.status_code == 409
    assert api.post(f"/api/v1/interno/tramites/{n}/iniciar/").status_code == 200
    unknown = api.post(
        f"/api/v1/interno/tramites/{n}/solicitudes/", {"documentos": ["01", "ZZ"]}, format="json"
    )
    assert unknown.status_code == 400 and "ZZ" in unknown.json()["fields"]["documentos"][0]
    assert (
        api.post(
            f"/api/v1/interno/tramites/{n}/solicitudes/", {"documentos": ["01"]}, format="json"
        ).status_code
        == 200
    )
    bad = api.post(
        f"/api/v1/interno/tramites/{n}/correcciones/",
        {"campo": "fob", "item": 2, "valor": "-1", "motivo": "x"},
        format="json",
    )
    assert bad.status_code == 400 and "valor" in bad.json()["fields"]
    good = api.post(
        f"/api/v1/interno/tramites/{n}/correcciones/",
        {"campo": "fob", "item": 2, "valor": "30000", "motivo": "Transferencia."},
        format="json",
    )
    assert good.status_code == 200 and good.json()["correcciones"][0]["valor_corregido"] == "30000"
    closed = api.post(
        f"/api/v1/interno/tramites/{n}/cierre/",
        {
            "resultado": "con_novedad",
            "informe": "Subvaloración.",
            "multas": [{"codigo": "C-190-D"}],
        },
        format="json",
    )
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["estado_documento"] == "liquidacion_complementaria"
    assert body["reliquidacion"]["numero_complementaria"].startswith("028-")
    assert body["reliquidacion"]["diferencia"] == "778.75"
    assert body["multas"][0]["monto"] == "1446.00"
    # The officers' view carries the address each action came from (the audit).
    assert {e["ip"] for e in body["historial"] if e["rol"] == "Técnico operador / aforador"} == {
        "127.0.0.1"
    }


def test_officer_api_role_and_distrito_checks(world, officers):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    n = case.edoc.numero_entrega
    # Another técnico of the distrito: sees, cannot act (403 JSON).
    other = officer_api(officers.tecnico2)
    assert other.get(f"/api/v1/interno/tramites/{n}/").status_code == 200
    refused = other.post(f"/api/v1/interno/tramites/{n}/iniciar/")
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"
    # A técnico of another distrito: the trámite does not exist for them.
    assert officer_api(officers.foreign).get(f"/api/v1/interno/tramites/{n}/").status_code == 404
    # The técnico may not reassign; the supervisor may, to a técnico of the distrito only.
    assert (
        officer_api(officers.tecnico)
        .post(f"/api/v1/interno/tramites/{n}/asignacion/", {"tecnico": "aforador2"}, format="json")
        .status_code
        == 403
    )
    sup = officer_api(officers.supervisor)
    assert (
        sup.post(
            f"/api/v1/interno/tramites/{n}/asignacion/", {"tecnico": "aforador19"}, format="json"
        ).status_code
        == 400
    )
    moved = sup.post(
        f"/api/v1/interno/tramites/{n}/asignacion/", {"tecnico": "aforador2"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["tecnico"] == "aforador2"
    # An operator's token is not an officer's.
    assert operator(world.importer).get("/api/v1/interno/bandeja/").status_code in (401, 403)


def test_schema_describes_the_despacho(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/despacho/{numero_entrega}/",
        "/api/v1/despacho/{numero_entrega}/solicitudes/{solicitud}/archivo/",
        "/api/v1/despacho/{numero_entrega}/observaciones/{observacion}/respuesta/",
        "/api/v1/despacho/{numero_entrega}/correcciones/{correccion}/respuesta/",
        "/api/v1/interno/bandeja/",
        "/api/v1/interno/tramites/{numero_entrega}/cierre/",
        "/api/v1/interno/tramites/{numero_entrega}/asignacion/",
    ):
        assert path in paths, path
    aforo = schema["components"]["schemas"]["Aforo"]["properties"]
    assert {"canal", "solicitudes", "correcciones", "reliquidacion", "multas", "historial"} <= set(
        aforo
    )
    assert "motivo_canal" in schema["components"]["schemas"]["Tramite"]["properties"]
