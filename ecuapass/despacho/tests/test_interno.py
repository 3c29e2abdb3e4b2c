"""The portal interno's despacho pages: bandeja, trámite, actions and their role checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecuapass.despacho import services
from ecuapass.despacho.models import AforoCase, Correction, DocumentRequest, Multa
from ecuapass.officers.tests.factories import login_officer

from . import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_despacho_on_acceptance")]


def _cases(world, n, canal="documental"):
    return [services.open_despacho(helpers.accepted(world.importer), canal=canal) for _ in range(n)]


def test_bandeja_lists_my_cases_oldest_deadline_first_and_marks_overdue(world, officers, client):
    mine = [c for c in _cases(world, 4) if c.tecnico == officers.tecnico]
    AforoCase.objects.filter(pk=mine[1].pk).update(due_on=timezone.now() - timedelta(hours=2))
    login_officer(client, officers.tecnico)
    page = client.get("/interno/bandeja/")
    assert page.status_code == 200
    html = page.content.decode()
    numbers = [c.edoc.document_number for c in mine]
    assert all(n in html for n in numbers)
    assert html.index(numbers[1]) < html.index(numbers[0])  # overdue first
    assert html.count('data-testid="vencido"') == 1
    overdue = client.get("/interno/bandeja/", {"estado": "vencidos"}).content.decode()
    assert numbers[1] in overdue and numbers[0] not in overdue
    # The distrito view shows the other técnico's cases too.
    distrito = client.get("/interno/bandeja/", {"vista": "distrito"}).content.decode()
    assert distrito.count("/interno/tramites/") == 4


def test_bandeja_of_another_distrito_is_empty_and_its_tramite_is_404(world, officers, client):
    case = _cases(world, 1)[0]
    login_officer(client, officers.foreign)
    html = client.get("/interno/bandeja/", {"vista": "distrito"}).content.decode()
    assert case.edoc.document_number not in html
    assert client.get(f"/interno/tramites/{case.edoc_id}/").status_code == 404
    response = client.post(f"/interno/tramites/{case.edoc_id}/iniciar/")
    assert response.status_code == 404
    assert client.get(f"/interno/tramites/{case.edoc_id}/").status_code == 404


def test_bandeja_queries_do_not_grow_with_the_page(world, officers, client):
    login_officer(client, officers.tecnico)
    _cases(world, 2)
    client.get("/interno/bandeja/", {"vista": "distrito"})  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/interno/bandeja/", {"vista": "distrito"}).status_code == 200
    _cases(world, 6)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/interno/bandeja/", {"vista": "distrito"}).content.decode()
    assert html.count("/interno/tramites/") == 8
    assert len(many.captured_queries) == len(few.captured_queries)
    # session, user, OTP device, officer (+ distritos, roles), count, page, buzón badge, session save
    assert len(few.captured_queries) <= 14


def _activity(case, world, officers, n):
    """One of each: a delivered request, an answered observation, a correction."""
    req = services.request_documents(case, [helpers.factura_tipo()], officer=officers.tecnico)[0]
    services.upload_document(
        req, helpers.pdf(f"f{n}.pdf"), user=world.importer.user, oce=world.importer.oce
    )
    obs = services.observe(case, f"¿Descuento {n}?", officer=officers.tecnico)
    services.answer_observation(
        obs, "Sí", [helpers.png()], user=world.importer.user, oce=world.importer.oce
    )
    services.propose_correction(
        case,
        field="fob",
        item_numero=n,
        new_value="11000",
        reason="Factura.",
        officer=officers.tecnico,
    )


def test_tramite_page_and_query_count_do_not_grow_with_the_activity(world, officers, client):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    login_officer(client, officers.tecnico)
    url = f"/interno/tramites/{case.edoc_id}/"
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Aforo documental" in html and "Solicitar documentos" in html and "Cerrar aforo" in html
    _activity(case, world, officers, 1)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _activity(case, world, officers, 2)
    _activity(case, world, officers, 3)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert "f3.pdf" in html and "¿Descuento 3?" in html and "11000" in html
    assert len(after.captured_queries) == len(before.captured_queries)


def test_actions_through_the_page(world, officers, client):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    assert case.tecnico == officers.tecnico
    login_officer(client, officers.tecnico)
    base = f"/interno/tramites/{case.edoc_id}/"
    assert client.post(base + "iniciar/").status_code == 302
    response = client.post(
        base + "documentos/", {"documentos": [helpers.factura_tipo().pk], "indicaciones": "Firmada"}
    )
    assert response.status_code == 302
    assert DocumentRequest.objects.filter(case=case).count() == 1
    # Bad input comes back on the page, on its field, and saves nothing.
    response = client.post(
        base + "correccion/", {"campo": "fob", "item": "7", "valor": "1", "motivo": "x"}
    )
    assert response.status_code == 400
    assert "La declaración no tiene el ítem 7." in response.content.decode()
    assert not Correction.objects.exists()
    response = client.post(
        base + "correccion/",
        {"campo": "fob", "item": "2", "valor": "30000", "motivo": "Transferencia."},
    )
    assert response.status_code == 302
    response = client.post(
        base + "cerrar/",
        {
            "resultado": "con_novedad",
            "informe": "Subvaloración.",
            "multas": ["C-190-D"],
            "motivacion_multa": "Valor.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.edoc.estado_documento == "liquidacion_complementaria"
    assert Multa.objects.get().code == "C-190-D"
    html = client.get(base).content.decode()
    assert case.reliquidacion.numero in html and "Cerrar aforo</button>" not in html


def test_another_tecnico_of_the_distrito_sees_but_cannot_act(world, officers, client):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    login_officer(client, officers.tecnico2)
    base = f"/interno/tramites/{case.edoc_id}/"
    html = client.get(base).content.decode()
    assert "Iniciar aforo</button>" not in html
    response = client.post(base + "iniciar/")
    assert response.status_code == 403
    assert "asignado a otro técnico" in response.content.decode()
    case.edoc.refresh_from_db()
    assert case.edoc.estado_documento == "canal_asignado"


def test_supervisor_reassigns_and_sees_the_workload(world, officers, client):
    case = _cases(world, 3)[0]
    login_officer(client, officers.supervisor)
    page = client.get("/interno/carga/").content.decode()
    assert "aforador1" in page and "aforador2" in page and "aforador19" not in page
    base = f"/interno/tramites/{case.edoc_id}/"
    assert (
        client.post(
            base + "reasignar/", {"tecnico": officers.tecnico2.pk, "nota": "Turno"}
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.tecnico == officers.tecnico2
    # A técnico of another distrito is not a choice.
    response = client.post(base + "reasignar/", {"tecnico": officers.foreign.pk})
    assert response.status_code == 400


def test_role_checks_on_the_pages(world, officers, client):
    login_officer(client, officers.tecnico)
    assert client.get("/interno/carga/").status_code == 403
    # An operator is not an officer.
    from ecuapass.accounts.tests.factories import login

    login(client, world.importer.user, world.importer.oce)
    assert client.get("/interno/bandeja/").status_code == 403
    client.logout()
    assert client.get("/interno/bandeja/").status_code == 302


def test_officer_downloads_only_files_of_their_distrito(world, officers, client):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    (req,) = services.request_documents(case, [helpers.factura_tipo()], officer=officers.tecnico)
    attachment = services.upload_document(
        req, helpers.pdf(), user=world.importer.user, oce=world.importer.oce
    )
    url = f"/interno/tramites/{case.edoc_id}/archivos/{attachment.pk}/"
    login_officer(client, officers.tecnico2)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == helpers.PDF
    assert "attachment" in response["Content-Disposition"]
    login_officer(client, officers.foreign)
    assert client.get(url).status_code == 404
