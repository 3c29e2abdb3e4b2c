"""The VUE in the portal: the applicant's home, the form from the schema (errors on their fields,
values kept, nothing saved), drafts, sending, the subsanación page, the permit's PDF and the
attachments, each scoped to the operator and bound to option 4.2."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecuapass.accounts.models import Grant, User
from ecuapass.core.loading import LoadReport
from ecuapass.edocs import lifecycle
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.portal import reference_data as menu
from ecuapass.portal.models import GrantedOption, MenuEntry
from ecuapass.vue.models import DocumentoEmitido, Solicitud
from ecuapass.vue.tests.helpers import file, pay

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def portal(vue_world, oce_client):
    menu.load(LoadReport(write=lambda s: None))
    return oce_client(vue_world.importer)


def form_data(**overrides):
    data = {
        "tipo": "AGRO-PFI",
        "datos-pais_origen": "Chile",
        "datos-puerto_ingreso": "Guayaquil",
        "datos-fecha_embarque": "2026-12-20",
        "datos-uso": "Consumo",
        "productos-TOTAL_FORMS": "3",
        "productos-INITIAL_FORMS": "0",
        "productos-MIN_NUM_FORMS": "0",
        "productos-MAX_NUM_FORMS": "50",
        "productos-0-subpartida": "0808.10.00.00",
        "productos-0-descripcion": "Manzanas Fuji",
        "productos-0-cantidad": "2500",
        "productos-0-unidad": "KG",
        "accion": "enviar",
    }
    data.update(overrides)
    return data


def test_home_and_type_list(portal):
    page = portal.get("/vue/")
    assert page.status_code == 200 and "Tasas pendientes de pago" in page.content.decode()
    page = portal.get("/vue/nueva/")
    assert 'data-tipo="AGRO-PFI"' in page.content.decode()
    page = portal.get("/vue/nueva/?tipo=AGRO-PFI")
    assert "Puerto de ingreso" in page.content.decode()
    assert portal.get("/vue/nueva/?tipo=NOPE").status_code == 404


def test_bad_form_comes_back_filled_and_saves_nothing(portal):
    data = form_data(**{"datos-uso": "", "productos-0-subpartida": "8471.30.00.00"})
    page = portal.post("/vue/nueva/?tipo=AGRO-PFI", data)
    body = page.content.decode()
    assert page.status_code == 400
    assert "Uso propuesto" in body and "no está cubierta" in body and "Adjunte" in body
    assert 'value="Manzanas Fuji"' in body and 'value="Chile"' in body
    assert not EDocument.objects.filter(doc_type="VUE").exists()


def test_draft_then_send_from_the_portal(portal):
    data = form_data(accion="guardar", **{"datos-uso": ""})
    page = portal.post("/vue/nueva/?tipo=AGRO-PFI", data)
    draft = EDocument.objects.drafts().get(doc_type="VUE")
    assert page.status_code == 302 and page["Location"] == f"/vue/borrador/{draft.pk}/"
    page = portal.get(f"/vue/borrador/{draft.pk}/")
    assert 'value="Manzanas Fuji"' in page.content.decode()
    data = form_data(**{"adj-adjunto_0": SimpleUploadedFile("cert.pdf", PDF_BYTES)})
    page = portal.post(f"/vue/borrador/{draft.pk}/", data)
    assert page.status_code == 302, page.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.numero_entrega and draft.estado_documento == "registrado"
    assert Solicitud.objects.get(edoc=draft).adjuntos.count() == 1
    # The envío is what the API takes (attachments in base64): the worker accepts it.
    assert draft.envio.payload["adjuntos"][0]["contenido"]
    edocs.process(draft.pk)
    draft.refresh_from_db()
    assert draft.estado_documento == "aceptado", list(
        draft.errors.values_list("message", flat=True)
    )
    page = portal.get(draft.get_absolute_url())
    assert "20/12/2026" in page.content.decode()  # the form's date as an Ecuadorian reads it


def test_subsanacion_pdf_and_attachment_are_the_holders(
    client, portal, vue_world, token, oce_client
):
    edoc = file(client, token)
    pay(edoc)
    solicitud = Solicitud.objects.get(edoc=edoc)
    lifecycle.fire(edoc, "devolver", user=solicitud.asignado_a.user, note="Falta el certificado")
    portal = oce_client(vue_world.importer)
    page = portal.get(f"/vue/solicitud/{edoc.pk}/subsanar/")
    assert page.status_code == 200 and "Falta el certificado" in page.content.decode()
    page = portal.post(f"/vue/solicitud/{edoc.pk}/subsanar/", form_data(nota="Corregido"))
    assert page.status_code == 302
    edoc.refresh_from_db()
    assert edoc.estado_documento == "en_revision"
    lifecycle.fire(edoc, "emitir", user=solicitud.asignado_a.user)
    numero = DocumentoEmitido.objects.get(solicitud=solicitud).numero
    pdf = portal.get(f"/vue/documento/{numero}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    adjunto = solicitud.adjuntos.first()
    assert portal.get(f"/vue/solicitud/{edoc.pk}/adjuntos/{adjunto.pk}/").status_code == 200
    # The other importer sees none of it.
    other = oce_client(vue_world.other)
    assert other.get(f"/vue/documento/{numero}/pdf/").status_code == 404
    assert other.get(f"/vue/solicitud/{edoc.pk}/adjuntos/{adjunto.pk}/").status_code == 404
    assert other.get(f"/vue/solicitud/{edoc.pk}/subsanar/").status_code == 404
    # The document page shows the request, its permit and its history.
    page = oce_client(vue_world.importer).get(edoc.get_absolute_url())
    assert numero in page.content.decode() and "Documento emitido" in page.content.decode()


def test_without_option_4_2_every_vue_page_is_refused(client, portal, vue_world, token):
    edoc = file(client, token)
    importer = vue_world.importer
    employee = User.objects.create_user(
        importer.operator.ruc,
        "sin-vue",
        "Empleado.Prueba.2026",
        operator=importer.operator,
        kind=User.Kind.EMPLEADO,
    )
    grant = Grant.objects.create(user=employee, oce_code=importer.oce, approved=True)
    GrantedOption.objects.create(grant=grant, entry=MenuEntry.objects.get(number="1.3"))
    from ecuapass.accounts.tests.factories import login

    login(client, employee, importer.oce)
    for url in (
        "/vue/",
        "/vue/nueva/",
        f"/vue/solicitud/{edoc.pk}/subsanar/",
        "/vue/documento/X-1/pdf/",
        f"/vue/solicitud/{edoc.pk}/adjuntos/1/",
    ):
        assert client.get(url).status_code == 403, url
    GrantedOption.objects.create(grant=grant, entry=MenuEntry.objects.get(number="4.2"))
    assert client.get("/vue/").status_code == 200


def test_documentos_de_soporte_lists_the_oces_own(
    vue_world, oce_client, settings, tmp_path, monkeypatch
):
    from ecuapass.despacho import services as despacho
    from ecuapass.despacho.tests import helpers as despacho_helpers
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import make_officer

    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"
    monkeypatch.setattr(despacho, "despachar_aceptado", lambda edoc: None)  # the test's canal
    menu.load(LoadReport(write=lambda s: None))
    despacho_helpers.load_catalogs()
    officer = make_officer([Role.TECNICO], ["028"], username="aforador-vue")
    case = despacho_helpers.in_aforo(vue_world.importer, officer=officer)
    (factura,) = despacho.request_documents(
        case, [despacho_helpers.factura_tipo()], "Factura legible", officer=officer
    )
    importer = oce_client(vue_world.importer)
    page = importer.get("/vue/soporte/")
    assert "Factura legible" in page.content.decode()
    despacho.upload_document(
        factura, despacho_helpers.pdf(), user=vue_world.importer.user, oce=vue_world.importer.oce
    )
    body = importer.get("/vue/soporte/").content.decode()
    assert "factura.pdf" in body and "Factura legible" not in body
    other = oce_client(vue_world.other).get("/vue/soporte/").content.decode()
    assert "factura.pdf" not in other


def test_a_draft_checks_the_subpartidas_format(portal):
    page = portal.post(
        "/vue/nueva/?tipo=AGRO-PFI",
        form_data(accion="guardar", **{"productos-0-subpartida": "08.08"}),
    )
    assert page.status_code == 400 and "10 dígitos" in page.content.decode()
    assert not EDocument.objects.filter(doc_type="VUE").exists()


def test_the_home_runs_a_fixed_number_of_queries(client, portal, vue_world, token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def issued():
        edoc = file(client, token)
        pay(edoc)
        lifecycle.fire(edoc, "emitir", user=Solicitud.objects.get(edoc=edoc).asignado_a.user)

    issued()
    portal.get("/vue/")  # warm the per-user caches
    with CaptureQueriesContext(connection) as one:
        assert portal.get("/vue/").status_code == 200
    issued()
    issued()
    with CaptureQueriesContext(connection) as three:
        assert portal.get("/vue/").status_code == 200
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
