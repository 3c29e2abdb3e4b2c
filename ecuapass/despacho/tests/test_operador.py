"""The operator's side in the portal: the despacho on the document page, uploads, answers."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecuapass.accounts.tests.factories import login
from ecuapass.despacho import services
from ecuapass.despacho.models import Attachment, Correction, DocumentRequest

from . import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_despacho_on_acceptance")]


@pytest.fixture
def requested(world, officers):
    """A broker's DAI in aforo documental with the factura requested."""
    case = helpers.in_aforo(world.broker, officer=officers.tecnico, by_broker=True)
    (req,) = services.request_documents(
        case, [helpers.factura_tipo()], "Firmada.", officer=officers.tecnico
    )
    return case, req


def _page(client, case):
    response = client.get(f"/edocs/documento/{case.edoc_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_document_page_shows_the_despacho_and_never_the_risk_profile(
    world, officers, client, requested
):
    from ecuapass.risk.tests.helpers import approved_profile

    case, req = requested
    profile = approved_profile("documental", name="Perfil secreto de café")
    login(client, world.broker.user, world.broker.oce)
    html = _page(client, case)
    assert 'id="despacho"' in html and "Aforo documental" in html
    assert "Factura comercial" in html and "Firmada." in html
    assert f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/" in html
    assert profile.name not in html and "perfil" not in html.lower()
    # The assignment to a técnico is SENAE's internal work; the técnico's name is not shown.
    section = html[html.index('id="despacho"') : html.index('id="hist-h"')]
    assert "Asignado a" not in section and officers.tecnico.user.username not in section
    assert "Técnico operador / aforador" in section  # the role of who started the aforo
    # The importer (party) sees it too.
    login(client, world.importer.user, world.importer.oce)
    assert "Factura comercial" in _page(client, case)


def test_broker_uploads_the_requested_factura(world, client, requested):
    case, req = requested
    login(client, world.broker.user, world.broker.oce)
    url = f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/"
    response = client.post(url, {"archivo": helpers.pdf("factura-001.pdf")})
    assert response.status_code == 302 and response["Location"].endswith("#despacho")
    req.refresh_from_db()
    assert req.status == DocumentRequest.Status.ENTREGADO
    attachment = Attachment.objects.get()
    html = _page(client, case)
    assert "factura-001.pdf" in html
    response = client.get(f"/despacho/{case.edoc_id}/archivos/{attachment.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == helpers.PDF
    # Stored under the uploads directory with a random name, not the client's.
    from django.conf import settings

    stored = settings.ECUAPASS_UPLOADS_DIR / attachment.stored_name
    assert stored.read_bytes() == helpers.PDF and "factura-001" not in attachment.stored_name
    assert settings.STATIC_ROOT not in stored.parents


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "factura.pdf",
            b"MZ\x90\x00 this is an executable",
            "Solo se aceptan archivos PDF, JPEG o PNG",
        ),
        (
            "factura.pdf",
            b"<html><script>alert(1)</script></html>",
            "Solo se aceptan archivos PDF, JPEG o PNG",
        ),
        ("foto.png", helpers.PNG[:30], "La imagen está dañada"),
        (
            "activo.pdf",
            b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF",
            "contenido activo",
        ),
        ("escapado.pdf", b"%PDF-1.4\n1 0 obj<</S/Java#53cript>>endobj\n%%EOF", "contenido activo"),
        ("vacio.pdf", b"", "Archivo digitalizado (PDF, JPEG o PNG): El archivo enviado está vac"),
    ],
)
def test_upload_refused_for_its_content_not_its_name(
    world, client, requested, name, content, message
):
    case, req = requested
    login(client, world.broker.user, world.broker.oce)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(
        f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/", {"archivo": upload}, follow=True
    )
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    req.refresh_from_db()
    assert req.status == DocumentRequest.Status.PENDIENTE


def test_oversize_upload_is_refused_before_it_is_stored(
    world, client, requested, settings, tmp_path
):
    case, req = requested
    login(client, world.broker.user, world.broker.oce)
    limit = settings.ECUAPASS_SOPORTE_MAX_BYTES
    big = SimpleUploadedFile(
        "grande.pdf", helpers.PDF + b"0" * limit, content_type="application/pdf"
    )
    response = client.post(
        f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/", {"archivo": big}, follow=True
    )
    assert "demasiado grande" in response.content.decode()
    assert not Attachment.objects.exists()
    assert (
        not any((settings.ECUAPASS_UPLOADS_DIR).rglob("*.pdf"))
        if settings.ECUAPASS_UPLOADS_DIR.exists()
        else True
    )
    # A body far over the limit is answered 413 from its Content-Length alone.
    response = client.generic(
        "POST",
        f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/",
        b"x",
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(limit * 3),
    )
    assert response.status_code == 413


def test_answer_observation_and_respond_to_corrections(world, officers, client, requested):
    case, _req = requested
    obs = services.observe(case, "Explique el flete.", officer=officers.tecnico)
    c1 = services.propose_correction(
        case,
        field="fob",
        item_numero=1,
        new_value="12000",
        reason="Factura.",
        officer=officers.tecnico,
    )
    c2 = services.propose_correction(
        case,
        field="peso_neto",
        item_numero=2,
        new_value="120",
        reason="Báscula.",
        officer=officers.tecnico,
    )
    login(client, world.importer.user, world.importer.oce)  # the importer answers for itself
    response = client.post(
        f"/despacho/{case.edoc_id}/observaciones/{obs.pk}/respuesta/",
        {"respuesta": "Flete consolidado.", "archivo": helpers.png()},
    )
    assert response.status_code == 302
    obs.refresh_from_db()
    assert obs.answer == "Flete consolidado." and obs.attachments.count() == 1
    # Disputing needs reasons: refused with the field named, nothing saved.
    response = client.post(
        f"/despacho/{case.edoc_id}/correcciones/{c1.pk}/respuesta/",
        {"decision": "impugnar"},
        follow=True,
    )
    assert (
        "Motivos (obligatorios para impugnar): Indique los motivos de la impugnación."
        in response.content.decode()
    )
    c1.refresh_from_db()
    assert c1.status == Correction.Status.PROPUESTA
    client.post(
        f"/despacho/{case.edoc_id}/correcciones/{c1.pk}/respuesta/", {"decision": "aceptar"}
    )
    client.post(
        f"/despacho/{case.edoc_id}/correcciones/{c2.pk}/respuesta/",
        {"decision": "impugnar", "motivo": "Peso con pallets."},
    )
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert (c1.status, c2.status) == ("aceptada", "impugnada")
    assert c2.response == "Peso con pallets."


def test_other_operators_and_grants(world, client, requested):
    case, req = requested
    attachment = services.upload_document(
        req, helpers.pdf(), user=world.broker.user, oce=world.broker.oce
    )
    # Another importer: the document does not exist for it (404), nothing revealed.
    login(client, world.other.user, world.other.oce)
    assert client.get(f"/despacho/{case.edoc_id}/archivos/{attachment.pk}/").status_code == 404
    response = client.post(
        f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/", {"archivo": helpers.pdf()}
    )
    assert response.status_code == 404
    # An employee of the broker without the grant of 1.3: refused (403), nothing stored.
    employee = helpers.employee_of(world.broker)
    login(client, employee, world.broker.oce)
    response = client.post(
        f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/", {"archivo": helpers.pdf()}
    )
    assert response.status_code == 403
    assert client.get(f"/despacho/{case.edoc_id}/archivos/{attachment.pk}/").status_code == 403
    assert Attachment.objects.count() == 1
    # Anonymous: to the login.
    client.logout()
    assert client.get(f"/despacho/{case.edoc_id}/archivos/{attachment.pk}/").status_code == 302


def test_after_cierre_no_more_answers(world, officers, client, requested):
    case, req = requested
    services.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    login(client, world.broker.user, world.broker.oce)
    html = _page(client, case)
    assert "Subir</button>" not in html and "Conforme" in html
    response = client.post(
        f"/despacho/{case.edoc_id}/solicitudes/{req.pk}/archivo/",
        {"archivo": helpers.pdf()},
        follow=True,
    )
    assert "El aforo está cerrado" in response.content.decode()
    assert not Attachment.objects.exists()
