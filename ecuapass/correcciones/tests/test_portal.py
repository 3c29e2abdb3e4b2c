"""Portal: filing from the DAI's page (1.1), the DAI's versions (1.3), drafts, attachments, and the
portal interno's pages of the requests (role and distrito)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecuapass.accounts.models import Grant, User
from ecuapass.correcciones import services
from ecuapass.correcciones.models import DaiVersion, Solicitud
from ecuapass.customs.models import Dai
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.officers.tests.factories import login_officer
from ecuapass.portal.models import GrantedOption, MenuEntry

from .helpers import PDF, accepted_dai, b64, errors_of, file, put_in_state, request_payload

pytestmark = pytest.mark.django_db


def form_data(dai_edoc, **changes) -> dict:
    """The filing form as the page shows it for ``dai_edoc``, with ``changes`` (field → value)."""
    dai = Dai.objects.get(edoc=dai_edoc)
    data = {
        "motivo": "La factura tenía otro número.",
        "tipo_despacho": dai.tipo_despacho,
        "forma_pago": dai.forma_pago,
        "incoterm": dai.incoterm,
        "moneda": dai.moneda,
        "tipo_cambio": str(dai.tipo_cambio),
        "mrn": dai.mrn,
        "msn": dai.msn,
        "hsn": dai.hsn,
        "pais_origen": dai.pais_origen,
        "pais_procedencia": dai.pais_procedencia,
        "pais_embarque": dai.pais_embarque,
        "puerto_embarque": dai.puerto_embarque,
        "fecha_embarque": dai.fecha_embarque.isoformat(),
        "fecha_llegada": dai.fecha_llegada.isoformat(),
        "factura_numero": dai.factura_numero,
        "factura_fecha": dai.factura_fecha.isoformat(),
    }
    items = list(dai.items.order_by("numero"))
    data.update(
        {
            "items-TOTAL_FORMS": str(len(items)),
            "items-INITIAL_FORMS": str(len(items)),
            "items-MIN_NUM_FORMS": "1",
            "items-MAX_NUM_FORMS": "999",
        }
    )
    from ecuapass.customs.services import dotted_subpartida

    for i, item in enumerate(items):
        for name in (
            "descripcion",
            "pais_origen",
            "cantidad_fisica",
            "unidad_fisica",
            "cantidad_comercial",
            "unidad_comercial",
            "peso_neto",
            "peso_bruto",
            "fob",
            "flete",
            "seguro",
        ):
            data[f"items-{i}-{name}"] = str(getattr(item, name))
        data[f"items-{i}-subpartida"] = dotted_subpartida(item.subpartida)
    data.update(changes)
    return data


def test_the_dai_page_offers_the_requests_its_state_admits(world, oce_client):
    dai = accepted_dai(world.importer)
    page = oce_client(world.importer).get(dai.get_absolute_url()).content.decode()
    assert 'data-testid="solicitar-correccion"' in page
    assert 'data-testid="solicitar-anulacion"' in page
    assert 'data-testid="solicitar-sustitutiva"' not in page
    assert 'data-testid="version-1"' in page
    put_in_state(dai, "salida_autorizada")
    page = oce_client(world.importer).get(dai.get_absolute_url()).content.decode()
    assert 'data-testid="solicitar-sustitutiva"' in page
    assert 'data-testid="solicitar-correccion"' not in page


def test_file_a_correction_from_the_form_with_an_attachment(world, oce_client):
    dai = accepted_dai(world.importer)
    client = oce_client(world.importer)
    url = f"/correcciones/dai/{dai.pk}/correccion/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="solicitud-form"' in page.content.decode()
    data = form_data(dai, factura_numero="FAC-PORTAL-7", **{"items-0-fob": "10500.00"})
    data["adjuntos"] = [SimpleUploadedFile("respaldo.pdf", PDF, content_type="application/pdf")]
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    edoc = EDocument.objects.get(doc_type="DAI-COR")
    assert r["Location"] == edoc.get_absolute_url()
    assert edoc.channel == "P" and edoc.estado_documento == "registrado"
    solicitud = edoc.content
    # Only what changed travels: the header field and the items (complete list).
    assert solicitud.cabecera == {"factura": {"numero": "FAC-PORTAL-7", "fecha": "2025-11-20"}}
    assert solicitud.items[0]["fob"] == "10500.00" and len(solicitud.items) == 3
    assert solicitud.adjuntos.get().original_name == "respaldo.pdf"
    # The envío holds the API's payload (attachments in base64) and passes the engine's rules.
    assert edoc.envio.payload["adjuntos"][0]["nombre"] == "respaldo.pdf"
    edocs.process(edoc.pk)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "aceptado", errors_of(edoc)
    # The request's page shows the proposed diff and the attachment, downloadable.
    page = client.get(edoc.get_absolute_url()).content.decode()
    assert "FAC-PORTAL-7" in page and "Ítem 1: FOB" in page
    download = client.get(
        f"/correcciones/solicitud/{edoc.pk}/adjuntos/{solicitud.adjuntos.get().pk}/"
    )
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_the_form_refuses_what_the_engine_would_reject_naming_the_field(world, oce_client):
    dai = accepted_dai(world.importer)
    client = oce_client(world.importer)
    url = f"/correcciones/dai/{dai.pk}/correccion/"
    r = client.post(url, form_data(dai))  # nothing changed
    assert r.status_code == 400
    assert "Cambios propuestos: Indique los cambios propuestos" in r.content.decode()
    r = client.post(url, form_data(dai, **{"items-0-subpartida": "0101.21.00.00"}))
    assert r.status_code == 400
    body = r.content.decode()
    assert "Ítem 1: Subpartida" in body and "no existe o no está vigente" in body
    bad = form_data(dai, factura_numero="X")
    bad["adjuntos"] = [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" * 50)]
    r = client.post(url, bad)
    assert r.status_code == 400 and "Solo se aceptan archivos PDF, JPEG o PNG" in r.content.decode()
    assert not EDocument.objects.filter(doc_type="DAI-COR").exists()


def test_a_state_that_does_not_admit_the_request_shows_why(world, oce_client):
    dai = accepted_dai(world.importer)
    put_in_state(dai, "aforo_cerrado")
    client = oce_client(world.importer)
    r = client.get(f"/correcciones/dai/{dai.pk}/correccion/")
    assert r.status_code == 200 and 'id="no-procede"' in r.content.decode()
    r = client.post(f"/correcciones/dai/{dai.pk}/correccion/", form_data(dai, factura_numero="Y"))
    assert 'id="no-procede"' in r.content.decode()
    assert not EDocument.objects.filter(doc_type="DAI-COR").exists()


def test_file_an_anulacion_from_the_form(world, oce_client):
    dai = accepted_dai(world.importer)
    client = oce_client(world.importer)
    r = client.post(
        f"/correcciones/dai/{dai.pk}/anulacion/",
        {"causal": "carga_no_arribo", "motivo": "El buque no trajo la carga."},
    )
    assert r.status_code == 302
    assert Solicitud.objects.get().causal == "carga_no_arribo"


def employee_with(world, *options):
    """A client of an employee of the importer acting as 29000001 holding only ``options``."""
    from django.test import Client

    from ecuapass.accounts.tests.factories import login
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    employee = User.objects.filter(username="emp-c").first() or User.objects.create_user(
        world.importer.operator.ruc,
        "emp-c",
        "Clave.Prueba.2026",
        operator=world.importer.operator,
        kind=User.Kind.EMPLEADO,
    )
    grant, _created = Grant.objects.get_or_create(user=employee, oce_code=world.importer.oce)
    GrantedOption.objects.filter(grant=grant).delete()
    for number in options:
        GrantedOption.objects.create(grant=grant, entry=MenuEntry.objects.get(number=number))
    client = Client()
    login(client, employee, world.importer.oce)
    return client


def test_another_importers_dai_is_404_and_filing_needs_option_1_1(world, oce_client):
    dai = accepted_dai(world.importer)
    assert oce_client(world.other).get(f"/correcciones/dai/{dai.pk}/correccion/").status_code == 404
    client = employee_with(world, "1.3")
    assert client.get(f"/correcciones/dai/{dai.pk}/correccion/").status_code == 403
    assert client.get("/correcciones/correccion/nueva/").status_code == 403
    # Under 1.3 the DAI's page shows its versions but no filing buttons.
    page = client.get(dai.get_absolute_url()).content.decode()
    assert 'id="versiones-dai"' in page and "solicitar-correccion" not in page


def test_a_sent_requests_attachment_is_downloaded_under_1_3_and_only_in_scope(world, oce_client):
    dai = accepted_dai(world.importer)
    edoc = file(
        world.importer,
        request_payload(
            "DAI-ANU", dai, causal="otra", adjuntos=[{"nombre": "n.pdf", "contenido": b64(PDF)}]
        ),
    )
    url = f"/correcciones/solicitud/{edoc.pk}/adjuntos/{edoc.content.adjuntos.get().pk}/"
    assert employee_with(world, "1.3").get(url).status_code == 200
    assert employee_with(world, "1.1").get(url).status_code == 403
    assert oce_client(world.other).get(url).status_code == 404
    other = f"/correcciones/solicitud/{dai.pk}/adjuntos/{edoc.content.adjuntos.get().pk}/"
    assert oce_client(world.importer).get(other).status_code == 404


def test_1_1_nueva_chooses_the_dai_by_its_number(world, oce_client):
    dai = accepted_dai(world.importer)
    client = oce_client(world.importer)
    page = client.get("/edocs/").content.decode()
    assert "/correcciones/correccion/nueva/" in page
    r = client.get("/correcciones/correccion/nueva/")
    assert dai.document_number in r.content.decode()
    r = client.get("/correcciones/correccion/nueva/", {"dai": dai.document_number})
    assert r.status_code == 302 and r["Location"] == f"/correcciones/dai/{dai.pk}/correccion/"
    r = client.get("/correcciones/anulacion/nueva/", {"dai": dai.numero_entrega})
    assert r["Location"] == f"/correcciones/dai/{dai.pk}/anulacion/"
    theirs = accepted_dai(
        world.other,
        importador={"ruc": "0990004005001", "nombre": "IMPORTADORA DEL SUR S.A."},
        declarante={"ruc": "0990004005001", "nombre": "IMPORTADORA DEL SUR S.A."},
        oce_code="29000002",
    )
    r = client.get("/correcciones/correccion/nueva/", {"dai": theirs.document_number})
    assert r.status_code == 400 and "no existe o no es visible" in r.content.decode()


def test_a_rejected_request_is_copied_to_a_draft_and_sent_again(world, oce_client):
    dai = accepted_dai(world.importer)
    put_in_state(dai, "aforo_cerrado")
    rejected = file(
        world.importer,
        request_payload(
            "DAI-ANU",
            dai,
            causal="otra",
            adjuntos=[{"nombre": "nota.pdf", "contenido": b64(PDF)}],
        ),
    )
    assert rejected.estado_documento == "rechazado"
    put_in_state(dai, "en_aforo")  # (say the first state was wrong)
    client = oce_client(world.importer)
    r = client.post(f"/edocs/documento/{rejected.pk}/copiar/")
    draft = EDocument.objects.drafts().get(doc_type="DAI-ANU")
    assert r["Location"] == f"/correcciones/borrador/{draft.pk}/"
    page = client.get(r["Location"]).content.decode()
    assert "1 adjunto, que se enviará" in page
    r = client.post(r["Location"], {"causal": "otra", "motivo": "Otra vez."})
    assert r.status_code == 302
    assert not EDocument.objects.drafts().filter(doc_type="DAI-ANU").exists()
    sent = EDocument.objects.filter(doc_type="DAI-ANU", estado_documento="registrado").get()
    assert sent.content.adjuntos.get().original_name == "nota.pdf"
    # A DAI draft's editor is the DAI's.
    dai_draft = edocs.copy_as_draft(dai, oce=world.importer.oce, user=world.importer.user)
    assert (
        client.get(f"/correcciones/borrador/{dai_draft.pk}/")["Location"]
        == f"/declaraciones/dai/{dai_draft.pk}/editar/"
    )


def test_the_dai_page_shows_every_version_with_what_changed(world, oce_client, officers):
    dai = accepted_dai(world.importer)
    edoc = file(
        world.importer, request_payload("DAI-COR", dai, cabecera={"puerto_embarque": "CNNGB"})
    )
    services.decide(edoc, approve=True, officer=officers.tecnico)
    edoc2 = file(
        world.importer, request_payload("DAI-COR", dai, cabecera={"forma_pago": "credito"})
    )
    services.decide(edoc2, approve=True, officer=officers.supervisor)
    page = oce_client(world.importer).get(dai.get_absolute_url()).content.decode()
    for n in (1, 2, 3):
        assert f'data-testid="version-{n}"' in page
    assert "Puerto de embarque" in page and "CNNGB" in page and "Forma de pago" in page
    assert "Técnico operador / aforador" in page and "Supervisor de distrito" in page
    assert DaiVersion.objects.filter(dai=dai).count() == 2


# --- portal interno ---------------------------------------------------------------------------
def test_interno_lists_and_decides_within_the_distrito(world, client, officers):
    dai = accepted_dai(world.importer)
    edoc = file(
        world.importer, request_payload("DAI-COR", dai, cabecera={"puerto_embarque": "CNNGB"})
    )
    login_officer(client, officers.foreign_tecnico)
    assert edoc.document_number not in client.get("/interno/solicitudes-dai/").content.decode()
    assert client.get(f"/interno/solicitudes-dai/{edoc.pk}/").status_code == 404
    assert (
        client.post(
            f"/interno/solicitudes-dai/{edoc.pk}/decision/", {"decision": "aprobar"}
        ).status_code
        == 404
    )

    login_officer(client, officers.tecnico)
    listing = client.get("/interno/solicitudes-dai/").content.decode()
    assert edoc.document_number in listing
    page = client.get(f"/interno/solicitudes-dai/{edoc.pk}/").content.decode()
    assert "CNNGB" in page and 'value="aprobar"' in page
    r = client.post(
        f"/interno/solicitudes-dai/{edoc.pk}/decision/", {"decision": "denegar", "nota": ""}
    )
    assert r.status_code == 400 and "motivo de la denegación" in r.content.decode()
    r = client.post(
        f"/interno/solicitudes-dai/{edoc.pk}/decision/", {"decision": "aprobar", "nota": "Ok"}
    )
    assert r.status_code == 302
    edoc.refresh_from_db()
    assert edoc.estado_documento == "aprobada"
    page = client.get(f"/interno/solicitudes-dai/{edoc.pk}/").content.decode()
    assert "versión 2" in page and 'value="aprobar"' not in page


def test_interno_a_tecnico_sees_an_anulacion_but_only_the_supervisor_decides_it(
    world, client, officers
):
    dai = accepted_dai(world.importer)
    edoc = file(world.importer, request_payload("DAI-ANU", dai, causal="otra"))
    login_officer(client, officers.tecnico)
    page = client.get(f"/interno/solicitudes-dai/{edoc.pk}/").content.decode()
    assert 'id="sin-decision"' in page
    r = client.post(f"/interno/solicitudes-dai/{edoc.pk}/decision/", {"decision": "aprobar"})
    assert r.status_code == 400 and "No está autorizado" in r.content.decode()
    login_officer(client, officers.supervisor)
    r = client.post(f"/interno/solicitudes-dai/{edoc.pk}/decision/", {"decision": "aprobar"})
    assert r.status_code == 302
    dai.refresh_from_db()
    assert dai.estado_documento == "anulado"


def test_interno_is_for_officers_only(world, oce_client):
    client = oce_client(world.importer)
    r = client.get("/interno/solicitudes-dai/")
    assert r.status_code == 403
