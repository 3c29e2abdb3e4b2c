"""The officers' side of the export aforo: the bandeja and the trámite page serve the DAE, and the
técnico closes the aforo through the portal interno (salida autorizada)."""

from __future__ import annotations

import pytest

from ecuapass.despacho.models import AforoCase
from ecuapass.exportacion import services as export
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import login_officer, make_officer

from . import helpers
from .test_tramite import _profile

pytestmark = pytest.mark.django_db


def test_tecnico_sees_the_dae_in_the_bandeja_and_closes_its_aforo(export_world, client):
    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador1")
    _profile("documental")
    edoc = helpers.accepted_dae(export_world.importer)
    dep = export_world.deposito
    export.registrar_ingreso(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    assert AforoCase.objects.get(edoc=edoc).canal == "documental"
    login_officer(client, tecnico)
    bandeja = client.get("/interno/bandeja/")
    assert bandeja.status_code == 200 and edoc.document_number in bandeja.content.decode()
    page = client.get(f"/interno/tramites/{edoc.pk}/")
    assert page.status_code == 200
    assert "Bananas Cavendish" in page.content.decode()
    assert client.post(f"/interno/tramites/{edoc.pk}/iniciar/").status_code == 302
    response = client.post(
        f"/interno/tramites/{edoc.pk}/cerrar/", {"resultado": "conforme", "informe": "Conforme."}
    )
    assert response.status_code == 302
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"
