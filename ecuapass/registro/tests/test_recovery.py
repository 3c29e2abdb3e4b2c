"""The second factor for any user: recovery codes (single use) pass the OTP step; the setting
makes it mandatory for representatives; Mi página shows the account's security."""

from __future__ import annotations

import pytest

from ecuapass.accounts.tests.factories import PASSWORD, company_with_codes, login
from ecuapass.officers.second_factor import current_code
from ecuapass.officers.tests.factories import add_totp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def menu(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))


def password_step(client, rep):
    return client.post(
        "/ingresar/", {"ruc": rep.login_ruc, "username": rep.username, "password": PASSWORD}
    )


def test_recovery_codes_pass_the_otp_step_once(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the refused reuse
    operator, rep, codes = company_with_codes({"16": 1})
    device = add_totp(rep)
    login(client, rep, codes[0])
    session = client.session
    from django_otp import DEVICE_ID_SESSION_KEY

    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    r = client.post("/registro/codigos-recuperacion/")
    shown = [c for c in r.content.decode().split("<code>")[1:]]
    recovery = [c.split("</code>")[0] for c in shown]
    assert len(recovery) == 10 and all(len(c) == 8 for c in recovery)

    fresh = client.__class__()
    password_step(fresh, rep)
    assert fresh.get("/edocs/estados/").status_code == 302  # the OTP step first
    r = fresh.post("/interno/verificar/", {"code": recovery[0]})
    assert r.status_code == 302
    assert fresh.get("/mi-pagina/").status_code in (200, 302)
    again = client.__class__()
    password_step(again, rep)
    r = again.post("/interno/verificar/", {"code": recovery[0]})
    assert r.status_code != 302 or "/interno/verificar/" in r["Location"]
    r = again.post("/interno/verificar/", {"code": current_code(device)})
    assert r.status_code == 302


def test_recovery_codes_need_an_enabled_second_factor(client):
    operator, rep, codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    r = client.post("/registro/codigos-recuperacion/")
    assert r.status_code == 302 and r["Location"] == "/seguridad/segundo-factor/"


def test_setting_makes_it_mandatory_for_representatives(client, settings):
    settings.REQUIRE_TOTP_FOR_REPRESENTATIVES = True
    operator, rep, codes = company_with_codes({"16": 1})
    password_step(client, rep)
    r = client.get("/mi-pagina/")
    assert r.status_code == 302 and "/interno/verificar/" in r["Location"]


def test_mi_pagina_shows_the_account_security(client):
    operator, rep, codes = company_with_codes({"16": 1})
    login(client, rep, codes[0])
    html = client.get("/mi-pagina/").content.decode()
    assert 'data-block="registro.seguridad"' in html
    assert "Verificación en dos pasos: desactivada" in html
