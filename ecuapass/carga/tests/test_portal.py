"""The cargo through the portal and the API: the editors (1.1), the arrival (1.3), the depósito
(1.13) and 2.11, each scoped to the active código de OCE."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecuapass.accounts.tests.factories import login
from ecuapass.carga.models import EventoCarga, Manifiesto
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data as menu

    cw = h.build()
    menu.load(LoadReport(write=lambda s: None))
    return cw


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _manifest_form(**over):
    eta = timezone.now() + timedelta(days=3)
    data = {
        "modo": "maritimo",
        "trayecto": "largo",
        "transportista_codigo": "mscu",
        "medio_nombre": "MSC ALINA",
        "medio_identificacion": "9461867",
        "viaje": "AL612R",
        "distrito": "028",
        "puerto_embarque": "CNSHA",
        "puerto_llegada": "ECGYE",
        "fecha_estimada_llegada": _local(eta),
        "docs-TOTAL_FORMS": "1",
        "docs-INITIAL_FORMS": "0",
        "docs-0-numero": "MEDUSH000001",
        "docs-0-embarcador": "Shanghai Coffee",
        "docs-0-consignatario_ruc": h.testing.IMPORTER_RUC,
        "docs-0-consignatario_nombre": h.testing.IMPORTER_NAME,
        "docs-0-deposito": h.DEPOSIT_CODE,
        "docs-0-bultos": "20",
        "docs-0-peso": "840",
        "docs-0-volumen": "30",
        "docs-0-descripcion": "Café",
        "docs-0-flete": "2100",
        "docs-0-contenedores": "MSCU1234565 ML-0001",
        "accion": "enviar",
    }
    data.update(over)
    return data


def test_carrier_files_a_manifest_in_the_portal_and_registers_the_arrival(client, cw):
    login(client, cw.carrier.user, cw.carrier.oce)
    assert client.get("/carga/manifiesto/nuevo/").status_code == 200
    r = client.post("/carga/manifiesto/nuevo/", _manifest_form())
    assert r.status_code == 302, r.content.decode()[:2000]
    edoc = EDocument.objects.get(doc_type="MAN")
    assert edoc.channel == "P" and edoc.estado_documento == "registrado"
    edocs.process(edoc.pk)
    page = client.get(edoc.get_absolute_url()).content.decode()
    mrn = Manifiesto.objects.get(edoc=edoc).mrn
    assert mrn in page and "MSCU1234565 (ML-0001)" in page
    r = client.post(
        f"/carga/manifiesto/{edoc.pk}/llegada/",
        {"fecha_hora": _local(h.earlier_today(hours=1))},
    )
    assert r.status_code == 302
    edoc.refresh_from_db()
    assert edoc.estado_documento == "arribado"


def test_bad_input_comes_back_filled_and_saves_nothing(client, cw):
    login(client, cw.carrier.user, cw.carrier.oce)
    r = client.post(
        "/carga/manifiesto/nuevo/",
        _manifest_form(**{"docs-0-contenedores": "ABC 1", "distrito": "28"}),
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "El distrito tiene 3 dígitos." in body
    assert "El contenedor tiene 4 letras y 7 dígitos (ISO 6346)." in body
    assert 'value="MSC ALINA"' in body
    assert not EDocument.objects.filter(doc_type="MAN").exists()


def test_save_a_draft_then_add_a_row_then_send(client, cw):
    login(client, cw.carrier.user, cw.carrier.oce)
    r = client.post("/carga/manifiesto/nuevo/", _manifest_form(accion="guardar"))
    draft = EDocument.objects.get(doc_type="MAN")
    assert r.status_code == 302 and r["Location"] == f"/carga/borrador/{draft.pk}/"
    r = client.get(f"/carga/borrador/{draft.pk}/")
    assert 'value="MEDUSH000001"' in r.content.decode()
    r = client.post(f"/carga/borrador/{draft.pk}/", _manifest_form(accion="agregar"))
    assert 'name="docs-1-numero"' in r.content.decode()
    r = client.post(f"/carga/borrador/{draft.pk}/", _manifest_form())
    draft.refresh_from_db()
    assert draft.estado_documento == "registrado"
    assert draft.content.documentos.count() == 1


def test_an_importer_cannot_open_the_manifest_editor_as_a_filer(client, cw):
    login(client, cw.importer.user, cw.importer.oce)
    r = client.get("/carga/manifiesto/nuevo/")
    assert r.status_code == 302 and r["Location"] == "/edocs/"


def _arrived_cargo(cw):
    edoc = h.manifest(cw)
    h.arrived(cw, edoc)
    return edoc.document_number


def test_deposito_registers_an_imdt_with_a_faltante(client, cw):
    mrn = _arrived_cargo(cw)
    login(client, cw.deposit.user, cw.deposit.oce)
    listing = client.get("/carga/deposito/")
    assert listing.status_code == 200 and mrn in listing.content.decode()
    from ecuapass.carga.models import DocumentoTransporte

    doc = DocumentoTransporte.objects.get(manifiesto__mrn=mrn)
    r = client.post(
        f"/carga/deposito/carga/{doc.pk}/",
        {
            "accion": "ingreso",
            "bultos": "18",
            "peso": "800",
            "fecha_hora": _local(h.earlier_today(minutes=5)),
            "contenedores": "MSCU1234565 ML-0001",
        },
    )
    assert r.status_code == 302
    assert list(EventoCarga.objects.values_list("tipo", "novedad")) in (
        [("ingreso", ""), ("novedad", "faltante")],
        [("novedad", "faltante"), ("ingreso", "")],
    )
    # A salida without levante comes back with the reason.
    r = client.post(
        f"/carga/deposito/carga/{doc.pk}/",
        {"accion": "salida", "fecha_hora": _local(timezone.now())},
    )
    assert r.status_code == 400 and "no tiene salida autorizada" in r.content.decode()


def test_another_deposito_does_not_see_the_cargo(client, cw):
    _arrived_cargo(cw)
    from ecuapass.carga.models import DocumentoTransporte

    doc = DocumentoTransporte.objects.get()
    login(client, cw.other_deposit.user, cw.other_deposit.oce)
    assert client.get(f"/carga/deposito/carga/{doc.pk}/").status_code == 404
    assert "Resultado: 0" in client.get("/carga/deposito/").content.decode()


def test_an_importer_code_is_not_a_deposito(client, cw):
    login(client, cw.importer.user, cw.importer.oce)
    assert client.get("/carga/deposito/").status_code == 403


def _events(cw, n=3):
    from ecuapass.carga import services

    mrns = []
    for _ in range(n):
        mrn = _arrived_cargo(cw)
        doc = services.documento_del_deposito(cw.deposit.oce, mrn, "0001")
        services.registrar_ingreso(
            doc,
            oce=cw.deposit.oce,
            user=cw.deposit.user,
            bultos=19,
            peso=840,
            fecha_hora=h.earlier_today(minutes=3),
        )
        mrns.append(mrn)
    return mrns


def _novedades(client, **over):
    today = timezone.localdate().isoformat()
    params = {"tab": "novedades", "desde": today, "hasta": today, "distrito": "028", **over}
    return client.get("/carga/consulta/", params)


def test_2_11_novedades_filters_scope_and_query_count(client, cw):
    mrns = _events(cw, 3)
    login(client, cw.importer.user, cw.importer.oce)  # the consignee sees its cargo
    r = _novedades(client)
    assert r.status_code == 200
    assert "Resultado: 6" in r.content.decode()
    assert "Resultado: 6" in _novedades(client, fase="ingreso").content.decode()
    assert "Resultado: 0" in _novedades(client, fase="almacenamiento").content.decode()
    assert "Resultado: 2" in _novedades(client, q=mrns[0]).content.decode()
    assert "Resultado: 0" in _novedades(client, distrito="019").content.decode()
    with CaptureQueriesContext(connection) as few:
        _novedades(client)
    _events(cw, 3)
    with CaptureQueriesContext(connection) as more:
        r = _novedades(client)
    assert "Resultado: 12" in r.content.decode()
    assert len(more) == len(few)
    csv = _novedades(client, formato="csv")
    content = b"".join(csv.streaming_content).decode()
    assert csv["Content-Type"].startswith("text/csv") and mrns[0] in content
    # Another importer sees none of it.
    login(client, cw.other.user, cw.other.oce)
    assert "Resultado: 0" in _novedades(client).content.decode()


def test_2_11_fecha_and_distrito_are_mandatory(client, cw):
    login(client, cw.importer.user, cw.importer.oce)
    r = client.get("/carga/consulta/", {"tab": "novedades", "desde": ""})
    assert r.status_code == 400
    assert "Este campo es requerido." in r.content.decode()


def test_2_11_llegadas_and_despacho(client, cw):
    from tests.support.world import dai_payload

    mrn = _arrived_cargo(cw)
    dai = h.submit(
        cw.importer,
        dai_payload(
            documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0000"},
            fecha_llegada=timezone.localdate().isoformat(),
        ),
    )
    login(client, cw.carrier.user, cw.carrier.oce)
    today = timezone.localdate().isoformat()
    r = client.get(
        "/carga/consulta/", {"tab": "llegadas", "desde": today, "hasta": today, "distrito": "028"}
    )
    assert mrn in r.content.decode()
    login(client, cw.importer.user, cw.importer.oce)
    r = client.get("/carga/consulta/", {"tab": "despacho", "numero": dai.document_number})
    body = r.content.decode()
    assert "Arribó el medio de transporte" in body and "Declarada" in body
    r = client.get("/carga/consulta/", {"tab": "despacho", "mrn": mrn, "msn": "0001"})
    assert dai.document_number in r.content.decode()
    login(client, cw.other.user, cw.other.oce)
    r = client.get("/carga/consulta/", {"tab": "despacho", "mrn": mrn, "msn": "0001"})
    assert "no es visible para su código de OCE" in r.content.decode()


def _token(party):
    from ecuapass.api.models import ApiToken

    _t, raw = ApiToken.issue(user=party.user, oce_code=party.oce, name="t")
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}


def test_api_manifest_arrival_imdt_and_novedades(client, cw):
    carrier = _token(cw.carrier)
    r = client.post(
        "/api/v1/edocs/",
        json.dumps(h.manifest_payload()),
        content_type="application/json",
        **carrier,
    )
    assert r.status_code == 202, r.content
    edoc = EDocument.objects.get(doc_type="MAN")
    edocs.process(edoc.pk)
    mrn = Manifiesto.objects.get(edoc=edoc).mrn
    detail = client.get(f"/api/v1/edocs/{edoc.numero_entrega}/", **carrier).json()
    assert detail["contenido"]["mrn"] == mrn
    assert detail["contenido"]["documentos"][0]["msn"] == "0001"
    when = (h.earlier_today(hours=1)).isoformat()
    r = client.post(
        "/api/v1/carga/llegadas/",
        json.dumps({"mrn": mrn, "fecha_hora": when}),
        content_type="application/json",
        **carrier,
    )
    assert r.status_code == 200 and r.json()["estado_documento"] == "arribado"
    deposit = _token(cw.deposit)
    body = {"mrn": mrn, "msn": "0001", "bultos": 20, "peso": "900.000", "fecha_hora": when}
    r = client.post(
        "/api/v1/carga/deposito/ingresos/",
        json.dumps(body),
        content_type="application/json",
        **deposit,
    )
    assert r.status_code == 201
    assert [e["novedad"] for e in r.json()] == ["", "sobrante"]
    r = client.post(
        "/api/v1/carga/deposito/ingresos/",
        json.dumps(body),
        content_type="application/json",
        **deposit,
    )
    assert r.status_code == 400 and "ya fue registrado" in r.json()["fields"]["mrn"][0]
    other = _token(cw.other_deposit)
    r = client.post(
        "/api/v1/carga/deposito/ingresos/",
        json.dumps(body),
        content_type="application/json",
        **other,
    )
    assert r.status_code == 400 and "consignada a su depósito" in r.json()["fields"]["mrn"][0]
    today = timezone.localdate().isoformat()
    r = client.get(
        "/api/v1/carga/novedades/", {"desde": today, "hasta": today, "distrito": "028"}, **deposit
    )
    assert r.status_code == 200 and r.json()["count"] == 2
    r = client.get("/api/v1/carga/novedades/", {"desde": today}, **deposit)
    assert r.status_code == 400 and "distrito" in r.json()["fields"]


def test_carga_urls_check_their_option(client, cw):
    """The URLs test_grants cannot build: each answers 403 without its option, works with it."""
    from ecuapass.carga.models import DocumentoTransporte
    from ecuapass.despacho.tests.helpers import employee_of

    edoc = h.manifest(cw)
    draft = edocs.copy_as_draft(edoc, oce=cw.carrier.oce, user=cw.carrier.user)
    when = {"fecha_hora": _local(h.earlier_today(hours=1))}
    clerk = employee_of(cw.carrier, options=("2.11",))
    login(client, clerk, cw.carrier.oce)
    assert client.get(f"/carga/borrador/{draft.pk}/").status_code == 403
    assert client.post(f"/carga/manifiesto/{edoc.pk}/llegada/", when).status_code == 403
    clerk = employee_of(cw.carrier, options=("1.1", "1.3"))
    login(client, clerk, cw.carrier.oce)
    assert client.get(f"/carga/borrador/{draft.pk}/").status_code == 200
    assert client.post(f"/carga/manifiesto/{edoc.pk}/llegada/", when).status_code == 302
    doc = DocumentoTransporte.objects.get(manifiesto__edoc=edoc)
    clerk = employee_of(cw.deposit, options=("2.11",))
    login(client, clerk, cw.deposit.oce)
    assert client.get(f"/carga/deposito/carga/{doc.pk}/").status_code == 403
    clerk = employee_of(cw.deposit, options=("1.13",))
    login(client, clerk, cw.deposit.oce)
    assert client.get(f"/carga/deposito/carga/{doc.pk}/").status_code == 200


def test_timeline_tag_for_the_dai_page(cw):
    from django.template import Context, Template

    from tests.support.world import dai_payload

    mrn = _arrived_cargo(cw)
    dai = h.submit(
        cw.importer,
        dai_payload(
            documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0000"},
            fecha_llegada=timezone.localdate().isoformat(),
        ),
    )
    html = Template("{% load carga %}{% carga_timeline edoc %}").render(Context({"edoc": dai}))
    assert f"{mrn} / 0001 / 0000" in html and "Arribó el medio de transporte" in html
    other = h.submit(cw.importer, dai_payload(invoice="FAC-X"))
    assert "timeline-carga" not in Template("{% load carga %}{% carga_timeline edoc %}").render(
        Context({"edoc": other})
    )


def test_officers_see_their_distritos_cargo(client, cw):
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import login_officer, make_officer

    _events(cw, 2)
    today = timezone.localdate().isoformat()
    params = {"tab": "novedades", "desde": today, "hasta": today, "distrito": "028"}
    login_officer(client, make_officer([Role.TECNICO], ["028"], username="aforador-carga"))
    r = client.get("/interno/consulta-carga/", params)
    assert r.status_code == 200 and "Resultado: 4" in r.content.decode()
    r = client.get("/interno/consulta-carga/", {**params, "tab": "llegadas"})
    assert "Resultado: 2" in r.content.decode()
    login_officer(client, make_officer([Role.TECNICO], ["019"], username="aforador-019"))
    r = client.get("/interno/consulta-carga/", params)
    assert r.status_code == 400 and "Resultado" not in r.content.decode()
    login(client, cw.importer.user, cw.importer.oce)
    assert client.get("/interno/consulta-carga/", params).status_code in (302, 403)


def test_carrier_files_a_correction_in_the_portal(client, cw):
    edoc = h.manifest(cw)
    login(client, cw.carrier.user, cw.carrier.oce)
    form = {
        "mrn": edoc.document_number.lower(),
        "msn": "0001",
        "hsn": "0000",
        "motivo_codigo": "03",
        "motivo": "Peso mal digitado",
        "peso": "850",
        "accion": "enviar",
    }
    r = client.post("/carga/correccion/nueva/", {**form, "peso": "", "bultos": ""})
    assert r.status_code == 400 and "Indique al menos un cambio." in r.content.decode()
    r = client.post("/carga/correccion/nueva/", form)
    assert r.status_code == 302
    correction = EDocument.objects.get(doc_type="MAN-COR")
    assert edocs.process(correction.pk) == "aceptado"
    page = client.get(correction.get_absolute_url()).content.decode()
    assert "840.000" in page and "850" in page
