"""``officer_required`` and ``OfficerRoleGranted``: one rule for portal pages and the API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from ecuapass.accounts.tests.factories import company_with_codes, login
from ecuapass.api.models import ApiToken
from ecuapass.officers.access import OfficerAPIMixin, audit, officer_required
from ecuapass.officers.models import Officer, OfficerToken
from ecuapass.officers.roles import Role
from ecuapass.officers.services import forget

from .factories import login_officer, make_officer

pytestmark = pytest.mark.django_db


def _request(user, *, verified: bool):
    request = RequestFactory().get("/interno/algo/")
    request.session = SessionStore()
    request.user = user
    user.is_verified = lambda: verified
    return request


@officer_required(Role.SUPERVISOR, Role.ADMIN)
def supervisors_only(request):
    return HttpResponse(f"ok {request.officer.user.username}")


def test_the_decorator_lets_in_a_verified_officer_with_one_of_the_roles():
    officer = make_officer([Role.SUPERVISOR], username="sup")
    response = supervisors_only(_request(officer.user, verified=True))
    assert response.status_code == 200 and response.content == b"ok sup"


def test_the_decorator_refuses_other_roles_in_spanish():
    officer = make_officer([Role.TECNICO])
    response = supervisors_only(_request(officer.user, verified=True))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Supervisor de distrito, Administrador" in html and "roles" in html


def test_the_decorator_sends_an_unverified_officer_to_the_otp_step():
    officer = make_officer([Role.SUPERVISOR])
    request = _request(officer.user, verified=False)
    response = supervisors_only(request)
    assert response.status_code == 302 and response["Location"] == "/interno/verificar/"
    assert request.session["ecuapass_login_next"] == "/interno/algo/"


def test_the_decorator_refuses_an_operator_even_verified():
    _, rep, _ = company_with_codes({"16": 1})
    response = supervisors_only(_request(rep, verified=True))
    assert response.status_code == 403
    assert "funcionarios aduaneros de SENAE" in response.content.decode()


def test_the_decorator_sends_anonymous_to_login():
    request = RequestFactory().get("/interno/algo/")
    request.user = AnonymousUser()
    response = supervisors_only(request)
    assert response.status_code == 302 and response["Location"].startswith("/ingresar/")


def test_portal_interno_home(client):
    assert client.get("/interno/")["Location"].startswith("/ingresar/?next=/interno/")
    operator, rep, codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    assert client.get("/interno/").status_code == 403
    client.logout()
    officer = make_officer([Role.TECNICO, Role.SUPERVISOR], ["028", "019"])
    html = login_officer(client, officer).get("/interno/").content.decode()
    for text in ("Técnico operador / aforador", "Supervisor de distrito", "019 -", "028 -"):
        assert text in html
    assert 'data-testid="officer-card"' in html


# --- the API -----------------------------------------------------------------------------


class SupervisorAction(OfficerAPIMixin, APIView):
    officer_roles = {"GET": (Role.SUPERVISOR, Role.TECNICO), "POST": (Role.SUPERVISOR,)}

    def get(self, request):
        return Response({"officer": request.officer.user.username})

    def post(self, request):
        return Response({"done": True})

    def delete(self, request):
        return Response({"deleted": True})


def _call(method, token=None):
    factory = APIRequestFactory()
    extra = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    request = getattr(factory, method)("/api/v1/interno/prueba/", **extra)
    return SupervisorAction.as_view()(request)


def test_the_permission_reads_the_roles_per_method_and_fails_closed():
    tecnico = make_officer([Role.TECNICO])
    _, raw = OfficerToken.issue(officer=tecnico, name="sistema")
    assert _call("get", raw).data == {"officer": tecnico.user.username}
    denied = _call("post", raw)
    assert denied.status_code == 403 and "Supervisor de distrito" in str(denied.data["detail"])
    supervisor = make_officer([Role.SUPERVISOR])
    _, raw = OfficerToken.issue(officer=supervisor, name="sistema")
    assert _call("post", raw).status_code == 200
    assert _call("delete", raw).status_code == 403  # no roles declared for DELETE


def test_without_credentials_the_api_answers_401():
    response = _call("get")
    assert response.status_code == 401


def test_revoked_tokens_and_deactivated_officers_are_refused_at_once():
    officer = make_officer([Role.SUPERVISOR])
    token, raw = OfficerToken.issue(officer=officer, name="sistema")
    assert _call("get", raw).status_code == 200
    Officer.objects.filter(pk=officer.pk).update(active=False)
    assert _call("get", raw).status_code == 401
    Officer.objects.filter(pk=officer.pk).update(active=True)
    officer.set_roles([Role.ANALISTA])
    assert _call("get", raw).status_code == 403
    token.revoke()
    assert _call("get", raw).status_code == 401


def test_operator_tokens_and_officer_tokens_do_not_cross(client):
    operator, rep, codes = company_with_codes({"16": 1})
    _, operator_raw = ApiToken.issue(user=rep, oce_code=codes[0], name="erp")
    assert _call("get", operator_raw).status_code == 401
    officer = make_officer([Role.TECNICO])
    _, officer_raw = OfficerToken.issue(officer=officer, name="sistema")
    response = client.get("/api/v1/edocs/", HTTP_AUTHORIZATION=f"Token {officer_raw}")
    assert response.status_code == 401


def test_whoami_with_a_token_or_a_verified_session(client):
    officer = make_officer([Role.ADMIN], distritos=())
    _, raw = OfficerToken.issue(officer=officer, name="sistema")
    body = client.get("/api/v1/interno/yo/", HTTP_AUTHORIZATION=f"Token {raw}").json()
    assert body["roles"] == ["administrador"] and body["todos_los_distritos"] is True
    login_officer(client, officer)
    assert client.get("/api/v1/interno/yo/").json()["usuario"] == officer.user.username


def test_a_session_without_the_second_factor_is_refused_by_the_permission_itself():
    """Even where the middleware let a session through (decided earlier in the session)."""
    officer = make_officer([Role.SUPERVISOR])
    forget(officer.user)
    request = APIRequestFactory().get("/api/v1/interno/prueba/")
    officer.user.is_verified = lambda: False
    force_authenticate(request, user=officer.user)
    response = SupervisorAction.as_view()(request)
    assert response.status_code == 403
    assert "verificación en dos pasos" in str(response.data["detail"])


def test_audit_gives_the_user_and_the_client_address():
    officer = make_officer([Role.TECNICO])
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
    request.user = officer.user
    assert audit(request) == {"user": officer.user, "ip": "192.0.2.10"}
    request.META["REMOTE_ADDR"] = "not-an-address"
    assert audit(request)["ip"] is None
