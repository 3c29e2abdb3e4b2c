"""API: tokens, POST JSON/XML with idempotency, list/detail with 1.3 filters, scoping."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecuapass.api.models import ApiToken
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument, Envio
from ecuapass.edocs.xml import payload_to_xml
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, dai_payload

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def token(world):
    _t, raw = ApiToken.issue(user=world.importer.user, oce_code=world.importer.oce, name="erp")
    return raw


def auth(raw):
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}


def post(client, raw, payload, **extra):
    return client.post(
        "/api/v1/edocs/",
        data=json.dumps(payload),
        content_type="application/json",
        **auth(raw),
        **extra,
    )


def test_post_json_answers_202_with_numero_and_link_then_worker_accepts(client, world, token):
    r = post(client, token, dai_payload())
    assert r.status_code == 202, r.content
    body = r.json()
    year = timezone.localdate().year
    assert body["numero_entrega"] == f"29000001{year}00000001S"
    assert body["estado_transmision"] == "recibido" and body["estado_documento"] == "registrado"
    assert body["url"].endswith(f"/api/v1/edocs/{body['numero_entrega']}/")
    services.process(EDocument.objects.get().pk)
    d = client.get(body["url"], **auth(token)).json()
    # No perfil de riesgo in force: canal automático, the aforo closes at once.
    assert d["estado_documento"] == "aforo_cerrado" and d["canal_aforo"] == "automatico"
    assert d["numero_documento"] == f"028-{year}-10-00000001"
    assert d["contenido"]["liquidacion"]["congelada"] is True
    assert d["contenido"]["items"][0]["subpartida"] == "0901211000"
    assert [h["hacia"] for h in d["historial"]] == [
        "registrado",
        "recibido",
        "procesado",
        "aceptado",
        "canal_asignado",
        "aforo_cerrado",
    ]


def test_idempotency_key_header_returns_the_same_envio(client, world, token):
    a = post(client, token, dai_payload(), HTTP_IDEMPOTENCY_KEY="k-1").json()
    b = post(client, token, dai_payload(), HTTP_IDEMPOTENCY_KEY="k-1").json()
    assert a["numero_entrega"] == b["numero_entrega"] and b["reintento"] is True
    assert Envio.objects.count() == 1


def test_xml_submission_keeps_the_original_xml(client, world, token):
    xml = payload_to_xml(dai_payload())
    r = client.post("/api/v1/edocs/", data=xml, content_type="application/xml", **auth(token))
    assert r.status_code == 202, r.content
    envio = Envio.objects.get()
    assert envio.payload_xml == xml
    assert envio.payload["items"][2]["unidad_fisica"] == "PAR"
    assert services.process(envio.document_id) == "aceptado"


def test_xml_with_entities_is_refused(client, world, token):
    bomb = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><Declaration>&a;</Declaration>'
    r = client.post("/api/v1/edocs/", data=bomb, content_type="application/xml", **auth(token))
    assert r.status_code == 400
    assert not Envio.objects.exists()


def test_structural_errors_are_400_json_with_fields(client, world, token):
    payload = dai_payload()
    payload["items"][0]["fob"] = "abc"
    del payload["distrito"]
    r = post(client, token, payload)
    assert r.status_code == 400
    body = r.json()
    assert body["error"] == "invalid" and "distrito" in body["fields"] and "items" in body["fields"]
    assert not Envio.objects.exists()


def test_wrong_or_revoked_token_is_401(client, world, token):
    assert post(client, "ecp_nope_nope", dai_payload()).status_code == 401
    ApiToken.objects.get().revoke()
    r = post(client, token, dai_payload())
    assert r.status_code == 401 and r.json()["error"] == "authentication_failed"
    assert client.get("/api/v1/edocs/").status_code in (401, 403)


def test_another_oces_document_is_404(client, world, token):
    _t, other = ApiToken.issue(user=world.other.user, oce_code=world.other.oce, name="x")
    numero = post(client, token, dai_payload()).json()["numero_entrega"]
    assert client.get(f"/api/v1/edocs/{numero}/", **auth(other)).status_code == 404
    assert client.get("/api/v1/edocs/", **auth(other)).json()["count"] == 0


def test_broker_filing_is_visible_to_the_importer_and_declared_code_must_match(
    client, world, token
):
    _t, broker = ApiToken.issue(user=world.broker.user, oce_code=world.broker.oce, name="b")
    payload = dai_payload(
        declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME}, oce_code=BROKER_CODE
    )
    numero = post(client, broker, payload).json()["numero_entrega"]
    assert client.get(f"/api/v1/edocs/{numero}/", **auth(token)).status_code == 200
    bad = post(client, broker, dai_payload(oce_code="29000001"))
    assert bad.status_code == 400 and "declarante" in bad.json()["fields"]


def test_list_filters(client, world, token):
    first = post(client, token, dai_payload(invoice="A-1")).json()["numero_entrega"]
    post(client, token, dai_payload(invoice="B-2"))
    services.process(EDocument.objects.get(numero_entrega=first).pk)
    get = lambda q: client.get(f"/api/v1/edocs/?{q}", **auth(token)).json()  # noqa: E731
    assert get("")["count"] == 2
    assert get("estado=aforo_cerrado")["count"] == 1  # accepted, canal automático
    assert get("estado=recibido")["count"] == 1
    assert get(f"numero_entrega={first}")["results"][0]["numero_entrega"] == first
    assert get("q=B-2")["count"] == 1
    assert get("tipo_documento=DAI&periodo=hoy")["count"] == 2
    today = timezone.localdate().isoformat()
    assert get(f"desde={today}&hasta={today}")["count"] == 2
    assert get("desde=2000-01-01&hasta=2000-01-02")["count"] == 0
    bad = client.get("/api/v1/edocs/?desde=2020-02-01&hasta=2020-01-01", **auth(token))
    assert bad.status_code == 400 and "hasta" in bad.json()["fields"]


def test_example_file_is_accepted_as_is(client, world, token):
    payload = json.loads((ROOT / "docs" / "examples" / "dai.json").read_text())
    r = post(client, token, payload)
    assert r.status_code == 202, r.content
    assert services.process(EDocument.objects.get().pk) == "aceptado", list(
        EDocument.objects.get().errors.values_list("code", "message")
    )


def test_create_api_token_command_prints_a_working_token(client, world):
    out = StringIO()
    call_command(
        "create_api_token",
        ruc=world.importer.operator.ruc,
        usuario="rep",
        oce="29000001",
        stdout=out,
    )
    raw = out.getvalue().strip()
    assert raw.startswith("ecp_")
    assert ApiToken.objects.get().key_hash != raw  # stored hashed
    assert client.get("/api/v1/edocs/", **auth(raw)).status_code == 200


def test_token_screen_creates_shows_once_and_revokes(oce_client, world):
    c = oce_client(world.importer)
    r = c.post("/edocs/tokens/", {"name": "ERP", "oce_code": world.importer.oce.pk})
    assert r.status_code == 200
    token = ApiToken.objects.get()
    assert token.prefix in r.content.decode()
    assert "ecp_" in r.context["raw"]
    again = c.get("/edocs/tokens/").content.decode()
    assert r.context["raw"] not in again
    c.post(f"/edocs/tokens/{token.pk}/revocar/")
    token.refresh_from_db()
    assert not token.is_active


def test_example_xml_is_accepted_as_is(client, world, token):
    xml = (ROOT / "docs" / "examples" / "dai.xml").read_text()
    r = client.post("/api/v1/edocs/", data=xml, content_type="application/xml", **auth(token))
    assert r.status_code == 202, r.content
    assert services.process(EDocument.objects.get().pk) == "aceptado"


def test_broker_filing_for_a_non_client_stays_with_the_broker(client, world, token):
    from tests.support.world import OTHER_NAME, OTHER_RUC

    _t, broker = ApiToken.issue(user=world.broker.user, oce_code=world.broker.oce, name="b")
    _t, other = ApiToken.issue(user=world.other.user, oce_code=world.other.oce, name="o")
    payload = dai_payload(
        declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME},
        oce_code=BROKER_CODE,
        importador={"ruc": OTHER_RUC, "nombre": OTHER_NAME},
    )
    numero = post(client, broker, payload).json()["numero_entrega"]
    assert client.get(f"/api/v1/edocs/{numero}/", **auth(other)).status_code == 404
    assert client.get(f"/api/v1/edocs/{numero}/", **auth(broker)).status_code == 200


def test_list_count_stops_at_the_cap_and_every_page_stays_reachable(
    client, world, token, monkeypatch
):
    """ADR 0013 in the API: no exact count beyond the cap, next links found by reading a row more."""
    for n in range(5):
        post(client, token, dai_payload(invoice=f"CAP-{n}"))
    get = lambda q: client.get(f"/api/v1/edocs/?{q}", **auth(token)).json()  # noqa: E731
    exact = get("page_size=2")
    assert exact["count"] == 5 and exact["count_exact"] is True
    monkeypatch.setattr("ecuapass.api.pagination.COUNT_CAP", 2)
    seen, url = [], "/api/v1/edocs/?page_size=2"
    while url:
        body = client.get(url, **auth(token)).json()
        assert body["count"] == 2 and body["count_exact"] is False
        seen += [row["numero_entrega"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 5  # pages 1–3, the last one short, then no next link
    assert client.get("/api/v1/edocs/?page_size=2&page=4", **auth(token)).status_code == 404
    assert client.get("/api/v1/edocs/?page=x", **auth(token)).status_code == 404
