"""The three-step login of the guide, its errors, the session context and its timeout."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ecuapass.accounts.context import SESSION_OCE_CODE
from ecuapass.accounts.forms import GENERIC_LOGIN_ERROR
from ecuapass.accounts.models import User
from ecuapass.accounts.sessions import UserSession as Session

from .factories import (
    PASSWORD,
    GrantFactory,
    OceCodeFactory,
    OceRegistrationFactory,
    OperatorFactory,
    UserFactory,
    company_with_codes,
    oce_type,
)

pytestmark = pytest.mark.django_db


def step1(client, ruc, username, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"ruc": ruc, "username": username, "password": password, **extra}
    )


def test_page_one_has_the_guide_labels(client):
    html = client.get(reverse("accounts:login")).content.decode()
    for label in ("RUC", "ID Usuario", "Contraseña", "Iniciar Sesión"):
        assert label in html


def test_three_steps_with_two_types_and_two_codes(client):
    operator, rep, codes = company_with_codes({"16": 2, "07": 1})
    response = step1(client, operator.ruc, "rep")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:select_type")

    page2 = client.get(reverse("accounts:select_type")).content.decode()
    assert "Tipo de OCE" in page2
    assert "Importador/Exportador" in page2
    assert "Agente de Carga de Exportación" in page2
    assert "Agente de Aduana" not in page2

    response = client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    assert response["Location"] == reverse("accounts:select_code")
    page3 = client.get(reverse("accounts:select_code")).content.decode()
    assert codes[0].code in page3 and codes[1].code in page3
    assert codes[2].code not in page3  # the 07 code is under the other type
    assert "Ingresar" in page3

    response = client.post(reverse("accounts:select_code"), {"oce_code": codes[1].code})
    assert response["Location"] == reverse("portal:home")
    home = client.get(reverse("portal:home")).content.decode()
    assert codes[1].code in home
    assert "Importador/Exportador" in home
    assert client.session[SESSION_OCE_CODE] == codes[1].code


def test_step_three_is_skipped_with_one_code(client):
    operator, rep, codes = company_with_codes({"16": 2, "07": 1})
    step1(client, operator.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "07"})
    response = client.get(reverse("accounts:select_code"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.session[SESSION_OCE_CODE] == codes[2].code


def test_code_of_another_type_or_operator_is_refused(client):
    operator, rep, codes = company_with_codes({"16": 2})
    other = OceCodeFactory()
    step1(client, operator.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    response = client.post(reverse("accounts:select_code"), {"oce_code": other.code})
    assert response.status_code == 200
    assert "Seleccione un código de OCE de la lista." in response.content.decode()
    assert SESSION_OCE_CODE not in client.session
    response = client.post(reverse("accounts:select_type"), {"oce_type": "01"})
    assert "Seleccione un Tipo de OCE de la lista." in response.content.decode()


@pytest.mark.parametrize("which", ["ruc", "username", "password"])
def test_one_generic_error_for_any_wrong_combination(client, which):
    operator, rep, codes = company_with_codes({"16": 1})
    other_operator = OperatorFactory()  # exists, but has no user "rep"
    data = {"ruc": operator.ruc, "username": "rep", "password": PASSWORD}
    data[which] = {"ruc": other_operator.ruc, "username": "nadie", "password": "Mala.Clave.1"}[
        which
    ]
    response = step1(client, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(GENERIC_LOGIN_ERROR) in html
    assert "no existe" not in html
    assert f'value="{data["ruc"]}"' in html  # the form comes back filled…
    assert PASSWORD not in html  # …but never with the password
    assert "_auth_user_id" not in client.session


def test_required_fields_and_ruc_format_are_named(client):
    response = step1(client, "", "", "")
    html = response.content.decode()
    assert "Ingrese el RUC." in html and "Ingrese el ID Usuario." in html
    assert "Ingrese la Contraseña." in html
    html = step1(client, "12ab", "x").content.decode()
    assert "El RUC tiene 13 dígitos (o la cédula 10 dígitos)." in html


def test_same_id_usuario_under_two_rucs(client):
    a, rep_a, codes_a = company_with_codes({"16": 1})
    b, rep_b, codes_b = company_with_codes({"01": 1})
    assert rep_a.username == rep_b.username == "rep"
    step1(client, b.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "01"})
    client.get(reverse("accounts:select_code"))
    assert client.session[SESSION_OCE_CODE] == codes_b[0].code


def test_usuario_general_logs_in_with_cedula(client):
    user = UserFactory(
        operator=None, login_ruc="1710000009", username="ciudadano", kind=User.Kind.USUARIO_GENERAL
    )
    response = step1(client, "1710000009", "ciudadano")
    assert response.status_code == 302
    response = client.get(reverse("accounts:select_type"))
    assert response["Location"] == reverse("portal:home")
    home = client.get(reverse("portal:home"))
    assert home.status_code == 200
    assert user.get_full_name() in home.content.decode()


def test_suspended_user_or_operator_cannot_log_in(client):
    operator, rep, codes = company_with_codes({"16": 1})
    rep.state = User.State.SUSPENDED
    rep.save()
    assert str(GENERIC_LOGIN_ERROR) in step1(client, operator.ruc, "rep").content.decode()
    rep.state = User.State.ACTIVE
    rep.save()
    operator.state = operator.State.SUSPENDED
    operator.save()
    assert str(GENERIC_LOGIN_ERROR) in step1(client, operator.ruc, "rep").content.decode()


def test_employee_sees_only_granted_codes(client):
    operator, rep, codes = company_with_codes({"16": 3, "07": 1})
    employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp")
    GrantFactory(user=employee, oce_code=codes[0])
    GrantFactory(user=employee, oce_code=codes[2])
    GrantFactory(user=employee, oce_code=codes[1], approved=False)
    step1(client, operator.ruc, "emp")
    page2 = client.get(reverse("accounts:select_type")).content.decode()
    assert "Agente de Carga de Exportación" not in page2
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    page3 = client.get(reverse("accounts:select_code")).content.decode()
    assert codes[0].code in page3 and codes[2].code in page3
    assert codes[1].code not in page3


def test_session_id_rotates_at_login(client):
    operator, rep, codes = company_with_codes({"16": 1})
    client.get(reverse("accounts:login"))
    session = client.session
    session["x"] = 1
    session.save()
    before = session.session_key
    step1(client, operator.ruc, "rep")
    assert client.session.session_key != before


def test_change_oce_goes_back_to_step_two_without_new_login(client):
    operator, rep, codes = company_with_codes({"16": 2})
    step1(client, operator.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    client.post(reverse("accounts:select_code"), {"oce_code": codes[0].code})
    response = client.get(reverse("accounts:change_oce"))
    assert response["Location"] == reverse("accounts:select_type")
    assert SESSION_OCE_CODE not in client.session
    assert client.get(reverse("accounts:select_type")).status_code == 200
    # Operational screens send the user back to choose.
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:select_type")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    client.post(reverse("accounts:select_code"), {"oce_code": codes[1].code})
    assert client.session[SESSION_OCE_CODE] == codes[1].code


def test_suspended_code_drops_from_the_session(client):
    operator, rep, codes = company_with_codes({"16": 2})
    step1(client, operator.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    client.post(reverse("accounts:select_code"), {"oce_code": codes[0].code})
    codes[0].state = codes[0].State.SUSPENDED
    codes[0].save()
    assert client.get(reverse("portal:home"))["Location"] == reverse("accounts:select_type")


def test_logout_ends_the_session(client):
    operator, rep, codes = company_with_codes({"16": 1})
    step1(client, operator.ruc, "rep")
    home = client.get(reverse("accounts:select_code"), follow=True).content.decode()
    assert "Cerrar sesión" in home
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:home")).status_code == 302


def test_idle_session_expires(client, settings):
    operator, rep, codes = company_with_codes({"16": 1})
    step1(client, operator.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    client.get(reverse("accounts:select_code"))
    assert client.get(reverse("portal:home")).status_code == 200
    key = client.session.session_key
    session = Session.objects.get(session_key=key)
    # Each request extends the session by the idle timeout (default 30 minutes)…
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE
    # …and once it passes without a request, the user must log in again.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_frame_carries_the_idle_warning(client, settings):
    operator, rep, codes = company_with_codes({"16": 1})
    step1(client, operator.ruc, "rep")
    client.get(reverse("accounts:select_code"))
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    client.get(reverse("accounts:select_code"))
    html = client.get(reverse("portal:home")).content.decode()
    assert f'data-session-idle="{settings.SESSION_COOKIE_AGE}"' in html
    assert 'data-keepalive-url="/sesion/mantener/"' in html
    assert client.get(reverse("accounts:keepalive")).status_code == 204


def test_next_is_honoured_after_the_oce_steps(client):
    operator, rep, codes = company_with_codes({"16": 1})
    step1(client, operator.ruc, "rep", next=reverse("notifications:inbox"))
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    assert client.get(reverse("accounts:select_code"))["Location"] == reverse("notifications:inbox")
    step1(client, operator.ruc, "rep", next="https://evil.example/")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    assert client.get(reverse("accounts:select_code"))["Location"] == reverse("portal:home")


def test_admin_login_goes_through_the_portal_login(client, settings):
    response = client.get("/" + settings.ADMIN_URL)
    assert response.status_code == 302
    login_redirect = client.get(response["Location"])
    assert login_redirect.status_code == 302
    assert login_redirect["Location"].startswith(reverse("accounts:login"))


def test_officer_reaches_the_admin(client, settings):
    officer = UserFactory(
        operator=None,
        login_ruc="0968562020001",
        username="funcionario",
        kind=User.Kind.FUNCIONARIO,
        is_staff=True,
        is_superuser=True,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ecuapass.officers.second_factor import current_code

    # Staff enrol the second factor on their first login, then the admin opens.
    step1(client, "0968562020001", "funcionario", next="/" + settings.ADMIN_URL)
    assert client.get(reverse("accounts:select_type"))["Location"] == reverse("interno:verificar")
    assert client.get("/" + settings.ADMIN_URL)["Location"] == reverse("interno:verificar")
    assert client.get(reverse("interno:verificar")).context["enrolling"]
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    response = client.post(reverse("interno:verificar"), {"code": current_code(device)})
    assert response["Location"] == reverse("accounts:select_type")
    assert client.get(response["Location"])["Location"] == "/" + settings.ADMIN_URL
    assert client.get("/" + settings.ADMIN_URL).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[officer.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_operator_changelist")).status_code == 200


def test_type_registry_is_used(client):
    registration = OceRegistrationFactory(oce_type=oce_type("04"))
    code = OceCodeFactory(registration=registration)
    UserFactory(operator=registration.operator, username="bodega")
    step1(client, registration.operator.ruc, "bodega")
    assert "Depósito Temporal" in client.get(reverse("accounts:select_type")).content.decode()
    client.post(reverse("accounts:select_type"), {"oce_type": "04"})
    client.get(reverse("accounts:select_code"))
    assert client.session[SESSION_OCE_CODE] == code.code


# --- The session's absolute lifetime --------------------------------------------------------


@pytest.fixture
def logged_in(client, settings):
    """A user through the real three steps (fast hasher: hashing is not under test here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    operator, rep, codes = company_with_codes({"16": 1})
    step1(client, operator.ruc, "rep")
    client.post(reverse("accounts:select_type"), {"oce_type": "16"})
    client.get(reverse("accounts:select_code"))
    assert client.get(reverse("portal:home")).status_code == 200
    return client


def _logged_in_hours_ago(client, hours):
    from ecuapass.accounts.session_lifetime import SESSION_LOGIN_AT

    session = client.session
    session[SESSION_LOGIN_AT] = session[SESSION_LOGIN_AT] - hours * 3600
    session.save()


def test_the_login_time_is_kept_in_the_session(logged_in):
    from ecuapass.accounts.session_lifetime import SESSION_LOGIN_AT

    started = logged_in.session[SESSION_LOGIN_AT]  # kept through the OCE steps
    assert abs(started - timezone.now().timestamp()) < 60


def test_an_active_session_ends_after_its_absolute_lifetime(logged_in, settings):
    assert settings.SESSION_ABSOLUTE_HOURS == 12
    _logged_in_hours_ago(logged_in, 11.9)
    assert logged_in.get(reverse("portal:home")).status_code == 200
    # Requests keep the idle timeout fresh, but past 12 hours from the login the session ends.
    _logged_in_hours_ago(logged_in, 0.2)
    response = logged_in.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?expirada=duracion")
    assert "_auth_user_id" not in logged_in.session
    page = logged_in.get(response["Location"]).content.decode()
    assert "duración máxima de 12 horas" in page
    assert logged_in.get(reverse("portal:home")).status_code == 302


def test_the_api_answers_not_authenticated_after_the_absolute_lifetime(logged_in):
    assert logged_in.get("/api/v1/buzon/").status_code == 200
    _logged_in_hours_ago(logged_in, 12.1)
    response = logged_in.get("/api/v1/buzon/")
    assert response.status_code in (401, 403)
    assert response.json()["error"] == "not_authenticated"


def test_the_absolute_lifetime_is_a_setting(logged_in, settings):
    settings.SESSION_ABSOLUTE_HOURS = 1
    _logged_in_hours_ago(logged_in, 0.9)
    assert logged_in.get(reverse("portal:home")).status_code == 200
    _logged_in_hours_ago(logged_in, 0.2)
    assert logged_in.get(reverse("portal:home")).status_code == 302
