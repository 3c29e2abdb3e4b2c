"""DAE-ANU: the exporter asks to annul a DAE whose goods have not left; a supervisor of the
distrito decides; approval annuls the DAE (its aforo leaves the bandeja)."""

from __future__ import annotations

import pytest

from ecuapass.edocs import services
from ecuapass.exportacion import services as export
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import login_officer, make_officer

from . import helpers
from .test_dae import _token_client

pytestmark = pytest.mark.django_db


def _solicitud(party, dae_edoc, motivo="La carga no llegó al puerto."):
    payload = {
        "tipo_documento": "DAE-ANU",
        "declaracion": {"numero_documento": dae_edoc.document_number},
        "motivo": motivo,
    }
    response = _token_client(party).post("/api/v1/edocs/", payload, format="json")
    assert response.status_code == 202, response.content
    from ecuapass.edocs.models import EDocument

    edoc = EDocument.objects.get(numero_entrega=response.json()["numero_entrega"])
    return edoc


def test_supervisor_approves_and_the_dae_is_annulled(export_world, client):
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="supervisor1")
    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador1")
    dae = helpers.accepted_dae(export_world.importer)
    solicitud = _solicitud(export_world.importer, dae)
    assert services.process(solicitud.pk) == "aceptado"
    solicitud.refresh_from_db()
    assert "-ANU-" in solicitud.document_number and solicitud.distrito == "028"
    url = f"/api/v1/interno/exportacion/anulaciones/{solicitud.numero_entrega}/decision/"
    login_officer(client, tecnico)
    assert (
        client.post(url, {"decision": "aprobar"}, content_type="application/json").status_code
        == 403
    )
    client.logout()
    login_officer(client, supervisor)
    response = client.post(url, {"decision": "aprobar"}, content_type="application/json")
    assert response.status_code == 200, response.content
    dae.refresh_from_db()
    assert dae.estado_documento == "anulado"
    # the depósito can no longer register its ingreso
    with pytest.raises(export.ExportError):
        export.registrar_ingreso(
            dae,
            helpers.ingreso_data(),
            user=export_world.deposito.user,
            oce=export_world.deposito.oce,
        )


def test_denial_needs_a_reason(export_world, client):
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="supervisor1")
    dae = helpers.accepted_dae(export_world.importer)
    solicitud = _solicitud(export_world.importer, dae)
    services.process(solicitud.pk)
    login_officer(client, supervisor)
    url = f"/api/v1/interno/exportacion/anulaciones/{solicitud.numero_entrega}/decision/"
    assert (
        client.post(url, {"decision": "denegar"}, content_type="application/json").status_code
        == 400
    )
    ok = client.post(
        url,
        {"decision": "denegar", "nota": "La carga está en el depósito."},
        content_type="application/json",
    )
    assert ok.status_code == 200
    dae.refresh_from_db()
    assert dae.estado_documento == "aceptado"


def test_not_after_salida_autorizada_nor_for_another_exporter(export_world):
    dae = helpers.accepted_dae(export_world.importer)
    export.registrar_ingreso(
        dae, helpers.ingreso_data(), user=export_world.deposito.user, oce=export_world.deposito.oce
    )
    dae.refresh_from_db()
    late = _solicitud(export_world.importer, dae)
    assert services.process(late.pk) == "rechazado"
    assert "ANU-202" in set(late.errors.values_list("code", flat=True))
    other = helpers.accepted_dae(export_world.importer)
    foreign = _solicitud(export_world.other, other)
    assert services.process(foreign.pk) == "rechazado"
    assert "ANU-201" in set(foreign.errors.values_list("code", flat=True))


def test_portal_form(export_world, oce_client):
    dae = helpers.accepted_dae(export_world.importer)
    client = oce_client(export_world.importer)
    assert client.get("/exportacion/anulacion/nueva/").status_code == 200
    response = client.post(
        "/exportacion/anulacion/nueva/", {"dae": dae.document_number, "motivo": "Pedido cancelado."}
    )
    assert response.status_code == 302
    bad = client.post("/exportacion/anulacion/nueva/", {"dae": dae.document_number, "motivo": ""})
    assert bad.status_code == 200 and "dae" in bad.content.decode()


def test_supervisor_decides_in_the_portal_interno(export_world, client):
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="supervisor1")
    foreign = make_officer([Role.SUPERVISOR], ["019"], username="supervisor19")
    dae = helpers.accepted_dae(export_world.importer)
    solicitud = _solicitud(export_world.importer, dae)
    services.process(solicitud.pk)
    solicitud.refresh_from_db()
    login_officer(client, foreign)
    assert (
        solicitud.document_number
        not in client.get("/interno/exportacion/anulaciones/").content.decode()
    )
    assert (
        client.post(
            f"/interno/exportacion/anulaciones/{solicitud.pk}/decision/", {"decision": "aprobar"}
        ).status_code
        == 404
    )
    client.logout()
    login_officer(client, supervisor)
    listing = client.get("/interno/exportacion/anulaciones/")
    assert listing.status_code == 200 and solicitud.document_number in listing.content.decode()
    response = client.post(
        f"/interno/exportacion/anulaciones/{solicitud.pk}/decision/", {"decision": "aprobar"}
    )
    assert response.status_code == 302
    dae.refresh_from_db()
    assert dae.estado_documento == "anulado"
