"""API: filing through POST /api/v1/edocs/ (JSON and XML), the versions of a DAI, the officers'
decisions under /api/v1/interno/ — 4xx JSON on bad input, never 500."""

from __future__ import annotations

import json

import pytest

from ecuapass.api.models import ApiToken
from ecuapass.correcciones.models import DaiVersion
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.xml import payload_to_xml
from ecuapass.officers.models import OfficerToken
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer

from .helpers import PDF, accepted_dai, b64, errors_of, request_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(world):
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}


def officer_token(officer):
    _t, raw = OfficerToken.issue(officer=officer, name="sistema")
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}


def post(client, auth, payload, url="/api/v1/edocs/"):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json", **auth)


def test_post_a_correccion_then_read_it_with_its_content(client, world, token):
    dai = accepted_dai(world.importer)
    payload = request_payload(
        "DAI-COR",
        dai,
        cabecera={"factura": {"numero": "FAC-API-1"}},
        adjuntos=[{"nombre": "respaldo.pdf", "contenido": b64(PDF)}],
    )
    r = post(client, token, payload)
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["tipo_documento"] == "DAI-COR" and body["estado_documento"] == "registrado"
    edocs.process(EDocument.objects.get(numero_entrega=body["numero_entrega"]).pk)
    detail = client.get(body["url"], **token).json()
    assert detail["estado_documento"] == "aceptado"
    contenido = detail["contenido"]
    assert contenido["declaracion"]["numero_documento"] == dai.document_number
    assert contenido["cabecera"] == {"factura": {"numero": "FAC-API-1"}}
    assert contenido["adjuntos"][0]["tipo"] == "application/pdf"
    assert contenido["version"] is None and contenido["version_base"] == 1


def test_post_in_xml(client, world, token):
    dai = accepted_dai(world.importer)
    payload = request_payload(
        "DAI-COR",
        dai,
        cabecera={"puerto_embarque": "CNNGB", "factura": {"numero": "FAC-XML-1"}},
    )
    xml = payload_to_xml(payload)
    assert "<Amendment>" in xml and "<PreviousDocument>" in xml
    r = client.post("/api/v1/edocs/", data=xml, content_type="application/xml", **token)
    assert r.status_code == 202, r.content
    edoc = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    edocs.process(edoc.pk)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "aceptado", errors_of(edoc)
    assert edoc.content.cabecera == {"puerto_embarque": "CNNGB", "factura": {"numero": "FAC-XML-1"}}
    assert edoc.content.items is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"declaracion": {}}, "declaracion"),
        ({"motivo": ""}, "motivo"),
        ({"cabecera": "no"}, "cabecera"),
        ({"cabecera": {}}, "cabecera"),
        ({"cabecera": {"importador": {"ruc": "0990004005001", "nombre": "X"}}}, "cabecera"),
        ({"cabecera": {"distrito": "019"}}, "cabecera"),
        ({"cabecera": {"tipo_cambio": "uno"}}, "cabecera"),
        ({"items": [{"subpartida": "x"}]}, "items"),
        ({"items": "todos"}, "items"),
        ({"adjuntos": [{"nombre": "a.pdf", "contenido": "%%%"}]}, "adjuntos"),
        ({"adjuntos": [{"nombre": "a.exe", "contenido": b64(b"MZ\x90\x00" * 40)}]}, "adjuntos"),
        ({"tipo_documento": "DAI-XXX"}, "tipo_documento"),
    ],
)
def test_bad_input_answers_400_naming_the_field(client, world, token, change, field):
    dai = accepted_dai(world.importer)
    payload = request_payload("DAI-COR", dai, cabecera={"puerto_embarque": "CNNGB"})
    payload.update(change)
    r = post(client, token, payload)
    assert r.status_code == 400, r.content
    assert field in r.json()["fields"], r.json()
    assert not EDocument.objects.filter(doc_type="DAI-COR").exists()


def test_anulacion_needs_its_causal(client, world, token):
    dai = accepted_dai(world.importer)
    r = post(client, token, request_payload("DAI-ANU", dai))
    assert r.status_code == 400 and "causal" in r.json()["fields"]
    r = post(client, token, request_payload("DAI-ANU", dai, causal="no-existe"))
    assert r.status_code == 400 and "causal" in r.json()["fields"]


def test_versions_of_a_dai(client, world, token, officers):
    from ecuapass.correcciones import services

    dai = accepted_dai(world.importer)
    url = f"/api/v1/dai/{dai.numero_entrega}/versiones/"
    body = client.get(url, **token).json()
    assert body == {
        "numero_entrega": dai.numero_entrega,
        "numero_documento": dai.document_number,
        "version_actual": 1,
        "versiones": [],
    }
    r = post(client, token, request_payload("DAI-COR", dai, cabecera={"puerto_embarque": "CNNGB"}))
    edoc = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    edocs.process(edoc.pk)
    services.decide(edoc, approve=True, officer=officers.tecnico)
    body = client.get(url, **token).json()
    assert body["version_actual"] == 2
    (version,) = body["versiones"]
    assert version["numero"] == 2 and version["solicitud"] == edoc.numero_entrega
    assert version["tipo_solicitud"] == "DAI-COR" and version["rol"] == Role.TECNICO
    assert version["cambios"] == [
        {
            "campo": "puerto_embarque",
            "etiqueta": "Puerto de embarque",
            "antes": "CNSHA",
            "despues": "CNNGB",
        }
    ]


def test_versions_of_a_dai_not_visible_is_404_json(client, world):
    dai = accepted_dai(world.importer)
    _t, raw = ApiToken.issue(user=world.other.user, oce_code=world.other.oce, name="x")
    r = client.get(
        f"/api/v1/dai/{dai.numero_entrega}/versiones/", HTTP_AUTHORIZATION=f"Token {raw}"
    )
    assert r.status_code == 404 and "detail" in r.json()
    r = client.get("/api/v1/dai/abc%00/versiones/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert r.status_code in (400, 404)


def _filed(client, world, token, code="DAI-COR", **fields):
    dai = accepted_dai(world.importer)
    fields.setdefault("cabecera", {"puerto_embarque": "CNNGB"}) if code != "DAI-ANU" else None
    r = post(client, token, request_payload(code, dai, **fields))
    edoc = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    edocs.process(edoc.pk)
    return dai, edoc


def test_interno_lists_the_pending_requests_of_the_officers_distritos(
    client, world, token, officers
):
    _dai, edoc = _filed(client, world, token)
    r = client.get("/api/v1/interno/solicitudes-dai/", **officer_token(officers.tecnico))
    assert r.status_code == 200, r.content
    (row,) = r.json()["results"]
    assert row["numero_entrega"] == edoc.numero_entrega and row["estado_documento"] == "aceptado"
    r = client.get("/api/v1/interno/solicitudes-dai/", **officer_token(officers.foreign_tecnico))
    assert r.json()["results"] == []
    r = client.get("/api/v1/interno/solicitudes-dai/?vista=otra", **officer_token(officers.tecnico))
    assert r.status_code == 400 and "vista" in r.json()["fields"]
    # An operator's token is not an officer's.
    r = client.get("/api/v1/interno/solicitudes-dai/", **token)
    assert r.status_code in (401, 403)


def test_interno_decision(client, world, token, officers):
    dai, edoc = _filed(client, world, token)
    url = f"/api/v1/interno/solicitudes-dai/{edoc.numero_entrega}/decision/"
    r = post(client, officer_token(officers.foreign_supervisor), {"decision": "aprobar"}, url)
    assert r.status_code == 404 and "detail" in r.json()
    r = post(client, officer_token(officers.tecnico), {"decision": "quizas"}, url)
    assert r.status_code == 400 and "decision" in r.json()["fields"]
    r = post(client, officer_token(officers.tecnico), "{no es json", url)
    assert r.status_code == 400
    r = post(client, officer_token(officers.tecnico), {"decision": "denegar"}, url)
    assert r.status_code == 400 and "nota" in r.json()["fields"]
    analyst = make_officer([Role.ANALISTA], ["028"], username="analista-api")
    r = post(client, officer_token(analyst), {"decision": "aprobar"}, url)
    assert r.status_code == 403
    r = post(client, officer_token(officers.tecnico), {"decision": "aprobar", "nota": "Ok."}, url)
    assert r.status_code == 200, r.content
    assert r.json()["estado_documento"] == "aprobada"
    assert DaiVersion.objects.get(dai=dai).numero == 2
    r = post(client, officer_token(officers.tecnico), {"decision": "aprobar"}, url)
    assert r.status_code == 400 and "non_field_errors" in r.json()["fields"]


def test_interno_anulacion_by_a_tecnico_is_refused_in_json(client, world, token, officers):
    _dai, edoc = _filed(client, world, token, code="DAI-ANU", causal="carga_no_arribo")
    url = f"/api/v1/interno/solicitudes-dai/{edoc.numero_entrega}/decision/"
    r = post(client, officer_token(officers.tecnico), {"decision": "aprobar"}, url)
    assert r.status_code == 400
    assert "No está autorizado" in r.json()["fields"]["non_field_errors"][0]
    r = post(client, officer_token(officers.supervisor), {"decision": "aprobar"}, url)
    assert r.status_code == 200 and r.json()["estado_documento"] == "aprobada"
