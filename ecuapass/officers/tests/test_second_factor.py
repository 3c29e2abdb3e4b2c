"""The second factor: mandatory for officers, optional for operators, lockout on wrong codes."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.accounts.lockout import SUBJECT_LOCKED
from ecuapass.accounts.models import Lockout, User
from ecuapass.accounts.tests.factories import PASSWORD as OPERATOR_PASSWORD
from ecuapass.accounts.tests.factories import company_with_codes
from ecuapass.notifications.models import Notification
from ecuapass.officers.roles import Role
from ecuapass.officers.second_factor import current_code

from .factories import PASSWORD, SENAE_RUC, add_totp, make_officer

pytestmark = pytest.mark.django_db

VERIFY = "/interno/verificar/"


def password_step(client, ruc, username, password=PASSWORD):
    return client.post(
        reverse("accounts:login"), {"ruc": ruc, "username": username, "password": password}
    )


def code_step(client, code):
    return client.post(VERIFY, {"code": code})


def wrong_code(device) -> str:
    right = int(current_code(device))
    return f"{(right + 500_000) % 1_000_000:06d}"


@pytest.fixture
def aforador():
    officer = make_officer([Role.TECNICO], ["028"], username="aforador-prueba")
    device = add_totp(officer.user)
    return officer, device


def test_after_the_password_an_officer_is_taken_to_the_otp_step_not_the_oce_steps(client, aforador):
    officer, _ = aforador
    response = password_step(client, SENAE_RUC, "aforador-prueba")
    assert response.status_code == 302
    response = client.get(response["Location"])  # the Tipo de OCE step…
    assert response.status_code == 302 and response["Location"] == VERIFY  # …is not reached
    page = client.get(VERIFY).content.decode()
    assert "Verificación en dos pasos" in page
    assert 'data-testid="totp-secret"' not in page  # enrolled: the secret never shows again
    for url in ("/interno/", "/", "/buzon/", "/edocs/estados/"):
        assert client.get(url)["Location"] == VERIFY, url
    api = client.get("/api/v1/interno/yo/")
    assert api.status_code == 403 and api.json()["error"] == "second_factor_required"


def test_a_correct_code_opens_the_portal_interno(client, aforador):
    officer, device = aforador
    password_step(client, SENAE_RUC, "aforador-prueba")
    response = code_step(client, current_code(device))
    assert response.status_code == 302 and response["Location"] == "/interno/"
    page = client.get("/interno/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Técnico operador / aforador" in html and "028" in html
    assert client.get("/api/v1/interno/yo/").json()["roles"] == ["tecnico_aforador"]


def test_the_login_next_is_kept_through_the_otp_step(client, aforador):
    _, device = aforador
    client.post(
        reverse("accounts:login") + "?next=/buzon/",
        {"ruc": SENAE_RUC, "username": "aforador-prueba", "password": PASSWORD, "next": "/buzon/"},
    )
    assert code_step(client, current_code(device))["Location"] == "/buzon/"


def test_a_wrong_code_is_refused_and_a_code_works_once(client, aforador, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    _, device = aforador
    password_step(client, SENAE_RUC, "aforador-prueba")
    response = code_step(client, wrong_code(device))
    assert response.status_code == 200
    assert "El código de verificación no es correcto." in response.content.decode()
    assert client.get("/interno/")["Location"] == VERIFY
    assert code_step(client, "12ab").status_code == 200  # not digits: the field says so
    code = current_code(device)
    assert code_step(client, code).status_code == 302
    client.post(reverse("accounts:logout"))
    password_step(client, SENAE_RUC, "aforador-prueba")
    response = code_step(client, code)  # replayed
    assert "El código de verificación no es correcto." in response.content.decode()


def test_wrong_codes_are_throttled(client, aforador):
    _, device = aforador
    password_step(client, SENAE_RUC, "aforador-prueba")
    code_step(client, wrong_code(device))
    response = code_step(client, current_code(device))  # right, but too soon after a wrong one
    assert "espere" in response.content.decode()
    assert client.get("/interno/")["Location"] == VERIFY


def test_repeated_wrong_codes_lock_the_user_like_wrong_passwords(client, aforador, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the lockout, not the throttle, is under test
    officer, device = aforador
    password_step(client, SENAE_RUC, "aforador-prueba")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert code_step(client, wrong_code(device)).status_code == 200
    response = code_step(client, wrong_code(device))
    assert response.status_code == 403
    assert "bloqueado" in response.content.decode()
    assert "_auth_user_id" not in client.session  # logged out
    assert Lockout.objects.filter(user=officer.user, released_on=None).exists()
    assert Notification.objects.filter(user=officer.user, subject=SUBJECT_LOCKED).exists()
    # The right password is refused while locked.
    assert password_step(client, SENAE_RUC, "aforador-prueba").status_code == 403


def test_a_correct_code_clears_the_failed_attempts(client, aforador, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    officer, device = aforador
    password_step(client, SENAE_RUC, "aforador-prueba")
    code_step(client, wrong_code(device))
    assert AccessAttempt.objects.filter(username=officer.user.login_key).exists()
    code_step(client, current_code(device))
    assert not AccessAttempt.objects.filter(username=officer.user.login_key).exists()


def _code_of(secret_b32: str) -> str:
    from base64 import b32decode

    return f"{TOTP(b32decode(secret_b32 + '=' * (-len(secret_b32) % 8))).token():06d}"


def test_first_login_enrols_the_officer_showing_the_secret_until_confirmed(client):
    officer = make_officer([Role.SUPERVISOR], ["028"], username="nuevo")
    password_step(client, SENAE_RUC, "nuevo")
    page = client.get(VERIFY).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "<svg" in page  # the QR code
    assert client.get(VERIFY).content.decode().count(secret) == 1  # same secret until confirmed
    response = code_step(client, _code_of(secret))
    assert response["Location"] == "/interno/"
    assert TOTPDevice.objects.get(user=officer.user).confirmed
    client.post(reverse("accounts:logout"))
    password_step(client, SENAE_RUC, "nuevo")
    assert secret not in client.get(VERIFY).content.decode()


# --- operators ---------------------------------------------------------------------------


def test_an_operator_without_totp_logs_in_as_before(client):
    operator, rep, codes = company_with_codes({"16": 1})
    response = password_step(client, operator.ruc, "rep", OPERATOR_PASSWORD)
    assert response["Location"] == reverse("accounts:select_type")
    response = client.get(response["Location"])
    assert response.status_code == 200 and "Tipo de OCE" in response.content.decode()
    assert client.get(VERIFY)["Location"] == reverse("accounts:select_type")


def test_an_operator_may_enable_totp_and_then_needs_it_at_login(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    operator, rep, codes = company_with_codes({"16": 1})
    password_step(client, operator.ruc, "rep", OPERATOR_PASSWORD)
    page = client.get("/seguridad/segundo-factor/").content.decode()
    assert "Desactivada" in page
    page = client.post("/seguridad/segundo-factor/", {"accion": "activar"}).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    refused = client.post(
        "/seguridad/segundo-factor/", {"accion": "confirmar", "code": "000000"}
    ).content.decode()
    assert "no es correcto" in refused and secret in refused
    client.post("/seguridad/segundo-factor/", {"accion": "confirmar", "code": _code_of(secret)})
    assert "Activada" in client.get("/seguridad/segundo-factor/").content.decode()
    client.post(reverse("accounts:logout"))

    password_step(client, operator.ruc, "rep", OPERATOR_PASSWORD)
    assert client.get(reverse("accounts:select_type"))["Location"] == VERIFY
    device = TOTPDevice.objects.get(user=rep, confirmed=True)
    device.last_t = -1  # the confirmation used this time step's code
    device.save()
    response = code_step(client, current_code(device))
    assert response["Location"] == reverse("accounts:select_type")  # then the OCE steps
    assert client.get("/").status_code in (200, 302)
    assert client.get("/").get("Location") != VERIFY


def test_an_operator_disables_totp_with_a_current_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    operator, rep, codes = company_with_codes({"16": 1})
    device = add_totp(rep)
    password_step(client, operator.ruc, "rep", OPERATOR_PASSWORD)
    code_step(client, current_code(device))
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post(
        "/seguridad/segundo-factor/", {"accion": "desactivar", "code": wrong_code(device)}
    )
    assert "no es correcto" in response.content.decode()
    assert TOTPDevice.objects.filter(user=rep).exists()
    client.post(
        "/seguridad/segundo-factor/", {"accion": "desactivar", "code": current_code(device)}
    )
    assert not TOTPDevice.objects.filter(user=rep).exists()
    assert client.get("/").get("Location") != VERIFY  # the session goes on
    client.post(reverse("accounts:logout"))
    response = password_step(client, operator.ruc, "rep", OPERATOR_PASSWORD)
    assert client.get(response["Location"]).get("Location") != VERIFY


def test_an_officer_cannot_disable_totp(client, aforador):
    officer, device = aforador
    password_step(client, SENAE_RUC, "aforador-prueba")
    code_step(client, current_code(device))
    page = client.get("/seguridad/segundo-factor/").content.decode()
    assert "obligatoria" in page and 'value="desactivar"' not in page
    client.post("/seguridad/segundo-factor/", {"accion": "desactivar", "code": "123456"})
    assert TOTPDevice.objects.filter(user=officer.user, confirmed=True).exists()


def test_a_setting_requires_totp_of_representatives(client, settings):
    settings.REQUIRE_TOTP_FOR_REPRESENTATIVES = True
    operator, rep, codes = company_with_codes({"16": 1})
    employee = User.objects.create_user(
        operator.ruc, "emp", OPERATOR_PASSWORD, operator=operator, kind=User.Kind.EMPLEADO
    )
    password_step(client, operator.ruc, "rep", OPERATOR_PASSWORD)
    assert client.get(reverse("accounts:select_type"))["Location"] == VERIFY
    assert 'data-testid="totp-secret"' in client.get(VERIFY).content.decode()  # enrolment
    client.post(reverse("accounts:logout"))
    password_step(client, operator.ruc, employee.username, OPERATOR_PASSWORD)
    assert client.get(reverse("accounts:select_type")).get("Location") != VERIFY
