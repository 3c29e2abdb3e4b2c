"""The back office manages officers' roles and distritos, with history."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ecuapass.accounts.models import User
from ecuapass.officers.models import Officer, OfficerToken
from ecuapass.officers.roles import Role

from .factories import SENAE_RUC, distrito, login_verified, make_officer, senae

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser(f"{SENAE_RUC}:jefe", "Jefe.Sistemas.2026")
    return login_verified(client, admin)


def test_the_admin_creates_an_officer_with_roles_and_distritos(admin_client):
    user = User.objects.create_user(
        SENAE_RUC, "nuevo", "x", operator=senae(), kind=User.Kind.FUNCIONARIO
    )
    d028, d019 = distrito("028"), distrito("019")
    response = admin_client.post(
        "/backoffice/officers/officer/add/",
        {
            "user": user.pk,
            "distritos": [d028.pk, d019.pk],
            "active": "on",
            "roles": [Role.TECNICO, Role.SUPERVISOR],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    officer = Officer.objects.get(user=user)
    assert officer.roles == {"tecnico_aforador", "supervisor"}
    assert officer.distrito_codes == {"028", "019"}
    assert officer.created_by.username == "jefe"
    assert {h.history_user.username for h in officer.history.all()} == {"jefe"}
    page = admin_client.get("/backoffice/officers/officer/").content.decode()
    assert "Técnico operador / aforador" in page


def test_the_admin_refuses_a_non_funcionario_and_an_officer_without_distritos(admin_client):
    representative = User.objects.create_user(
        SENAE_RUC, "rep", "x", operator=senae(), kind=User.Kind.REPRESENTANTE
    )
    funcionario = User.objects.create_user(
        SENAE_RUC, "sin-distrito", "x", operator=senae(), kind=User.Kind.FUNCIONARIO
    )
    for user in (representative, funcionario):
        response = admin_client.post(
            "/backoffice/officers/officer/add/",
            {"user": user.pk, "active": "on", "roles": [Role.TECNICO]},
        )
        assert response.status_code == 200
    assert not Officer.objects.exists()


def test_the_admin_changes_roles_and_revokes_tokens(admin_client):
    officer = make_officer([Role.TECNICO], ["028"])
    response = admin_client.post(
        f"/backoffice/officers/officer/{officer.pk}/change/",
        {
            "user": officer.user.pk,
            "distritos": [distrito("028").pk],
            "active": "on",
            "roles": [Role.ANALISTA],
        },
    )
    assert response.status_code == 302
    assert Officer.objects.get(pk=officer.pk).roles == {"analista_riesgo"}
    token, _raw = OfficerToken.issue(officer=officer, name="sistema")
    admin_client.post(
        "/backoffice/officers/officertoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_on is not None
