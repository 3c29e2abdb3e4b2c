"""Portal interno screens of the motor de riesgo: only risk analysts (and supervisors, to read and
approve) reach them; operators get 403/404 on every URL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ecuapass.edocs.states import CanalAforo as C
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import login_officer, make_officer
from ecuapass.risk import services
from ecuapass.risk.models import RiskProfile

from .helpers import accepted_dai, approved_profile

pytestmark = [pytest.mark.django_db, pytest.mark.urls("ecuapass.risk.tests.urls")]

FORM = {
    "name": "Calzado subvaluado",
    "description": "Alerta 12/2026",
    "subpartida_prefix": "64.03",
    "pais_origen": "",
    "regimen": "",
    "importer_ruc": "",
    "min_infractions": "",
    "value_per_kg_below_pct": "50",
    "canal": C.FISICO_NO_INTRUSIVO,
    "sampling_pct": "100",
    "reduce_for_oea": "on",
    "priority": "20",
    "valid_from": timezone.localdate().isoformat(),
    "valid_to": "",
}


def every_url(profile_pk, edoc_pk):
    names = ["perfiles", "nuevo"]
    with_pk = ["perfil", "editar", "aprobar", "desactivar", "simular"]
    return (
        [reverse(f"risk:{n}") for n in names]
        + [reverse(f"risk:{n}", args=[profile_pk]) for n in with_pk]
        + [reverse("risk:asignacion", args=[edoc_pk])]
    )


@pytest.fixture
def case(world):
    edoc = accepted_dai(world.importer)
    profile = approved_profile(C.DOCUMENTAL, subpartida_prefix="6403")
    services.assign_canal(edoc)
    return profile, edoc


def test_operators_and_officers_without_the_role_never_reach_a_risk_url(
    case, client, oce_client, world
):
    profile, edoc = case
    urls = every_url(profile.pk, edoc.pk)
    assert len(urls) == 8
    # Anonymous: to the login.
    for url in urls:
        assert client.get(url).status_code == 302, url
    # Any operator (importer, broker), whatever its OCE: 403 or 404, by GET or POST.
    for party in (world.importer, world.broker, world.other):
        c = oce_client(party)
        for url in urls:
            for response in (c.get(url), c.post(url, FORM)):
                assert response.status_code in (403, 404), (party, url, response.status_code)
                assert profile.name not in response.content.decode()
        c.logout()
    # A técnico aforador is an officer, but not of the motor de riesgo.
    login_officer(client, make_officer([Role.TECNICO]))
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert RiskProfile.objects.count() == 1  # nothing was created on the way


def test_analyst_creates_another_analyst_approves_then_a_new_version(world, client):
    author = make_officer([Role.ANALISTA])
    login_officer(client, author)
    response = client.post(reverse("risk:nuevo"), FORM)
    profile = RiskProfile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "risk:perfil", args=[profile.pk]
    )
    assert (profile.subpartida_prefix, profile.created_by) == ("6403", author.user)
    page = client.get(response["Location"]).content.decode()
    assert "Borrador: pendiente de aprobación" in page and 'id="aprobar"' not in page
    # The author cannot approve, even by posting.
    client.post(reverse("risk:aprobar", args=[profile.pk]))
    profile.refresh_from_db()
    assert not profile.is_approved

    client.logout()
    login_officer(client, make_officer([Role.SUPERVISOR]))
    assert 'id="aprobar"' in client.get(reverse("risk:perfil", args=[profile.pk])).content.decode()
    # A supervisor reads and approves but does not write.
    assert client.get(reverse("risk:nuevo")).status_code == 403
    client.post(reverse("risk:aprobar", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.is_approved and profile.approved_by.officer.has_role(Role.SUPERVISOR)

    client.logout()
    login_officer(client, author)
    page = client.get(reverse("risk:editar", args=[profile.pk])).content.decode()
    assert 'id="nueva-version"' in page
    response = client.post(reverse("risk:editar", args=[profile.pk]), {**FORM, "priority": "5"})
    v2 = RiskProfile.objects.get(code=profile.code, version=2)
    assert response["Location"] == reverse("risk:perfil", args=[v2.pk])
    assert v2.priority == 5 and RiskProfile.objects.get(pk=profile.pk).priority == 20
    # Editing v1 again leads to the pending draft v2.
    response = client.get(reverse("risk:editar", args=[profile.pk]))
    assert response["Location"] == reverse("risk:editar", args=[v2.pk])
    listing = client.get(reverse("risk:perfiles") + "?estado=borrador").content.decode()
    assert f"{profile.code}" in listing


def test_form_errors_are_shown_on_their_field_and_nothing_is_saved(world, client):
    login_officer(client, make_officer([Role.ANALISTA]))
    response = client.post(
        reverse("risk:nuevo"), {**FORM, "subpartida_prefix": "64x", "sampling_pct": "0"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "no es un código arancelario" in form.errors["subpartida_prefix"][0]
    assert "sampling_pct" in form.errors
    assert not RiskProfile.objects.exists()


def test_deactivate_simulate_and_assignment_pages(case, client, world):
    profile, edoc = case
    analyst = make_officer([Role.ANALISTA])
    login_officer(client, analyst)
    page = client.get(reverse("risk:simular", args=[profile.pk]) + "?n=50").content.decode()
    assert "De 1 DAI aceptadas, 1 cumplen las condiciones" in page
    page = client.get(reverse("risk:simular", args=[profile.pk]) + "?n=abc").content.decode()
    assert "indique un número entero" in page

    page = client.get(reverse("risk:asignacion", args=[edoc.pk])).content.decode()
    assert "Aforo documental" in page and profile.name in page
    assert "mismo canal, mismas coincidencias y sorteos" in page

    response = client.post(reverse("risk:desactivar", args=[profile.pk]), {"note": ""})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.active
    client.post(reverse("risk:desactivar", args=[profile.pk]), {"note": "Alerta cerrada"})
    profile.refresh_from_db()
    assert not profile.active and profile.deactivated_by == analyst.user
    assert profile.events.get(action="desactivado").ip == "127.0.0.1"

    # A supervisor of another distrito does not see this DAI's assignment.
    client.logout()
    login_officer(client, make_officer([Role.SUPERVISOR], distritos=("055",)))
    assert client.get(reverse("risk:asignacion", args=[edoc.pk])).status_code == 404
    login_officer(client, make_officer([Role.SUPERVISOR], distritos=("028",)))
    assert client.get(reverse("risk:asignacion", args=[edoc.pk])).status_code == 200


def test_list_shows_the_latest_version_of_each_profile_with_its_state(world, client):
    v1 = approved_profile(C.ELECTRONICO, pct="5", name="Muestreo electrónico")
    RiskProfile.objects.create(
        code=v1.code,
        version=2,
        name="Muestreo electrónico",
        canal=C.ELECTRONICO,
        sampling_pct=Decimal("3"),
        supersedes=v1,
    )
    approved_profile(
        C.DOCUMENTAL,
        name="Perfil vencido",
        valid_to=timezone.localdate() - timezone.timedelta(days=1),
        valid_from=timezone.localdate() - timezone.timedelta(days=9),
    )
    login_officer(client, make_officer([Role.ANALISTA]))
    page = client.get(reverse("risk:perfiles")).content.decode()
    assert "Borrador: pendiente de aprobación" in page and "Vencido" in page
    assert page.count("Muestreo electrónico") == 1
