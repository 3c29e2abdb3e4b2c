"""An agency's own system on /api/v1/interno/vue/ with a token issued to one of its staff
(``FuncionarioToken``): it acts as that member (entidad, rol) without the second factor, is
refused at once when the member, the agency or the token is withdrawn, and no other kind of
token is accepted there nor this kind elsewhere."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from ecuapass.officers.models import OfficerToken
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import SENAE_RUC, login_verified, make_officer
from ecuapass.vue.models import Entidad, Funcionario, FuncionarioToken, Solicitud
from ecuapass.vue.tests.helpers import file, pay

LIST = "/api/v1/interno/vue/solicitudes/"


def decide(client, raw, edoc, accion, nota=""):
    return client.post(
        f"/api/v1/interno/vue/solicitudes/{edoc.numero_entrega}/decision/",
        {"accion": accion, "nota": nota},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
    )


def listed(client, raw):
    return client.get(LIST, HTTP_AUTHORIZATION=f"Token {raw}")


@pytest.fixture
def assigned(client, vue_world, token):
    """An AGROCALIDAD request, paid, in review, assigned to one of its técnicos."""
    edoc = file(client, token)
    pay(edoc)
    client.logout()
    return edoc, Solicitud.objects.get(edoc=edoc).asignado_a


def test_a_token_acts_as_its_staff_member_without_the_second_factor(client, assigned):
    edoc, tecnico = assigned
    _token, raw = FuncionarioToken.issue(funcionario=tecnico, name="sistema AGRO")
    r = listed(client, raw)
    assert r.status_code == 200, r.content
    assert [row["numero_entrega"] for row in r.json()["results"]] == [edoc.numero_entrega]
    r = decide(client, raw, edoc, "emitir", "Inspección en destino")
    assert r.status_code == 200, r.content
    assert r.json()["estado"] == "emitida" and r.json()["documento_emitido"]
    edoc.refresh_from_db()
    last = edoc.history.order_by("-pk").first()
    assert last.by_user == tecnico.user  # the decision is recorded as the staff member's


def test_the_rol_and_the_entidad_still_bound_a_token(client, vue_world, assigned):
    edoc, tecnico = assigned
    colleagues = [f for f in vue_world.staff.values() if f.entidad == tecnico.entidad]
    other = next(f for f in colleagues if f.rol == "tecnico" and f != tecnico)
    director = next(f for f in colleagues if f.rol == "director")
    _t, raw = FuncionarioToken.issue(funcionario=other, name="s")
    assert listed(client, raw).json()["results"] == []  # a técnico sees what is assigned to him
    _t, raw = FuncionarioToken.issue(funcionario=director, name="s")
    assert [r["numero_entrega"] for r in listed(client, raw).json()["results"]] == [
        edoc.numero_entrega
    ]
    arcsa = vue_world.staff["arcsa.dir"]
    _t, raw = FuncionarioToken.issue(funcionario=arcsa, name="s")
    assert listed(client, raw).json()["results"] == []
    r = decide(client, raw, edoc, "emitir", "x")
    assert r.status_code == 404  # another agency's request does not exist for it
    edoc.refresh_from_db()
    assert edoc.estado_documento == "en_revision"


def test_withdrawn_staff_agency_or_token_are_refused_at_once(client, assigned):
    _edoc, tecnico = assigned
    token, raw = FuncionarioToken.issue(funcionario=tecnico, name="sistema")
    assert listed(client, raw).status_code == 200
    Funcionario.objects.filter(pk=tecnico.pk).update(active=False)
    assert listed(client, raw).status_code == 401
    Funcionario.objects.filter(pk=tecnico.pk).update(active=True)
    Entidad.objects.filter(pk=tecnico.entidad_id).update(active=False)
    assert listed(client, raw).status_code == 401
    Entidad.objects.filter(pk=tecnico.entidad_id).update(active=True)
    assert listed(client, raw).status_code == 200
    token.revoke()
    r = listed(client, raw)
    assert r.status_code == 401 and "revocado" in r.json()["detail"]


def test_tokens_of_other_kinds_do_not_cross(client, vue_world, token, assigned):
    _edoc, tecnico = assigned
    assert client.get(LIST, **token).status_code in (401, 403)  # an operator's token
    officer = make_officer([Role.SUPERVISOR])
    _t, officer_raw = OfficerToken.issue(officer=officer, name="sistema")
    assert listed(client, officer_raw).status_code == 401
    _t, raw = FuncionarioToken.issue(funcionario=tecnico, name="sistema")
    assert client.get("/api/v1/edocs/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401
    assert client.get("/api/v1/interno/yo/", HTTP_AUTHORIZATION=f"Token {raw}").status_code == 401


def test_the_command_issues_a_token_for_active_staff_only(client, assigned):
    _edoc, tecnico = assigned
    out = StringIO()
    call_command(
        "create_vue_token",
        ruc=tecnico.entidad.ruc,
        usuario=tecnico.user.username,
        nombre="sistema AGRO",
        stdout=out,
    )
    raw = out.getvalue().strip()
    assert raw.startswith("ecpv_") and listed(client, raw).status_code == 200
    token = FuncionarioToken.objects.get(funcionario=tecnico)
    assert token.name == "sistema AGRO" and raw not in (token.key_hash, token.prefix)
    Funcionario.objects.filter(pk=tecnico.pk).update(active=False)
    with pytest.raises(CommandError):
        call_command("create_vue_token", ruc=tecnico.entidad.ruc, usuario=tecnico.user.username)
    with pytest.raises(CommandError):
        call_command("create_vue_token", ruc=tecnico.entidad.ruc, usuario="nadie")


def test_the_back_office_lists_searches_and_revokes_them(assigned):
    _edoc, tecnico = assigned
    admin = get_user_model().objects.create_superuser(f"{SENAE_RUC}:jefe", "Jefe.Sistemas.2026")
    admin_client = login_verified(Client(), admin)
    token, _raw = FuncionarioToken.issue(funcionario=tecnico, name="sistema AGRO")
    FuncionarioToken.issue(funcionario=tecnico, name="otro")
    page = admin_client.get(
        "/backoffice/vue/funcionariotoken/", {"q": tecnico.user.username}
    ).content.decode()
    assert token.prefix in page and "sistema AGRO" in page
    assert admin_client.get("/backoffice/vue/funcionariotoken/add/").status_code == 403
    admin_client.post(
        "/backoffice/vue/funcionariotoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_on is not None
    assert FuncionarioToken.objects.filter(revoked_on__isnull=True).count() == 1


def test_the_back_office_list_costs_the_same_queries_for_one_token_or_many(vue_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = get_user_model().objects.create_superuser(f"{SENAE_RUC}:jefe", "Jefe.Sistemas.2026")
    admin_client = login_verified(Client(), admin)
    staff = list(vue_world.staff.values())
    FuncionarioToken.issue(funcionario=staff[0], name="uno")
    url = "/backoffice/vue/funcionariotoken/"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(url).status_code == 200
    for member in staff[1:5]:
        FuncionarioToken.issue(funcionario=member, name="otro")
    with CaptureQueriesContext(connection) as five:
        page = admin_client.get(url).content.decode()
    assert page.count("ecpv_") >= 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
