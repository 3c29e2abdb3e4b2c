"""REINICIAR CLAVE: no enumeration, single-use code valid 15 minutes, lifts the lockout."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ecuapass.accounts.lockout import SUBJECT_UNLOCKED, record_lockout
from ecuapass.accounts.models import Lockout, User
from ecuapass.accounts.tests.factories import PASSWORD, company_with_codes
from ecuapass.notifications.models import Notification
from ecuapass.registro.models import SecurityCode

from .helpers import last_code, run_code_emails

pytestmark = pytest.mark.django_db
NEW = "Otra.Clave.Segura.2027"


@pytest.fixture
def rep():
    _operator, rep, _codes = company_with_codes({"16": 1})
    return rep


def ask(client, user, kind=None, username=None):
    return client.post(
        "/reiniciar-clave/",
        {"kind": kind or user.kind, "ruc": user.login_ruc, "username": username or user.username},
    )


def confirm(client, user, code, password=NEW):
    return client.post(
        "/reiniciar-clave/codigo/",
        {
            "ruc": user.login_ruc,
            "username": user.username,
            "code": code,
            "password1": password,
            "password2": password,
        },
    )


def test_reset_with_the_emailed_code_sets_the_password_once(client, rep):
    r = ask(client, rep)
    assert r.status_code == 302 and r["Location"] == "/reiniciar-clave/codigo/"
    code = last_code(rep.email)
    r = confirm(client, rep, code)
    assert r.status_code == 302 and r["Location"] == "/ingresar/"
    rep.refresh_from_db()
    assert rep.check_password(NEW)
    assert Notification.objects.filter(user=rep, subject__contains="CAMBIO DE CLAVE").exists()
    # single use
    r = confirm(client, rep, code, password="Tercera.Clave.2028")
    assert "ya fue usado o expiró" in r.content.decode()
    rep.refresh_from_db()
    assert rep.check_password(NEW)


def test_same_answer_whether_or_not_the_user_exists(client, rep):
    wrong_kind = ask(client, rep, kind=User.Kind.EMPLEADO)
    t0 = time.perf_counter()
    known = ask(client, rep)
    t1 = time.perf_counter()
    unknown = ask(client, rep, username="nadie")
    t2 = time.perf_counter()
    assert known.status_code == unknown.status_code == wrong_kind.status_code == 302
    assert known["Location"] == unknown["Location"] == wrong_kind["Location"]
    page_known = client.get(known["Location"]).content
    # Both paths write a code row and queue one e-mail job: similar work, similar time.
    assert SecurityCode.objects.count() == 3
    assert abs((t1 - t0) - (t2 - t1)) < 0.5
    assert run_code_emails() == 1 and len(mail.outbox) == 1
    assert b"Si los datos corresponden" in page_known


def test_wrong_and_expired_codes_are_refused(client, rep):
    ask(client, rep)
    code = last_code(rep.email)
    r = confirm(client, rep, "00000000" if code != "00000000" else "11111111")
    assert r.status_code == 200 and "ya fue usado o expiró" in r.content.decode()
    SecurityCode.objects.update(expires_on=timezone.now() - timedelta(seconds=1))
    r = confirm(client, rep, code)
    assert "ya fue usado o expiró" in r.content.decode()
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)


def test_five_wrong_tries_void_the_code(client, rep):
    ask(client, rep)
    code = last_code(rep.email)
    wrong = "00000000" if code != "00000000" else "11111111"
    for _ in range(5):
        confirm(client, rep, wrong)
    r = confirm(client, rep, code)
    assert "ya fue usado o expiró" in r.content.decode()


def test_weak_password_keeps_the_code_usable(client, rep):
    ask(client, rep)
    code = last_code(rep.email)
    r = confirm(client, rep, code, password="12345678")
    assert r.status_code == 200
    assert 'name="password1"' in r.content.decode()
    assert confirm(client, rep, code).status_code == 302


def test_reset_lifts_the_lockout_and_sends_the_desbloqueo(client, rep):
    record_lockout(rep.login_key)
    assert Lockout.objects.filter(user=rep, released_on=None).exists()
    ask(client, rep)
    confirm(client, rep, last_code(rep.email))
    assert not Lockout.objects.filter(user=rep, released_on=None).exists()
    assert Notification.objects.filter(user=rep, subject=SUBJECT_UNLOCKED).exists()
    r = client.post("/ingresar/", {"ruc": rep.login_ruc, "username": rep.username, "password": NEW})
    assert r.status_code == 302


def test_reset_requests_are_rate_limited(client, rep, settings):
    settings.REGISTRO_RATE_LIMITS = {"reset": (2, 900)}
    assert ask(client, rep).status_code == 302
    assert ask(client, rep).status_code == 302
    r = ask(client, rep)
    assert r.status_code == 429
    assert SecurityCode.objects.count() == 2


def test_login_and_lockout_pages_link_to_the_reset(client):
    assert b"/reiniciar-clave/" in client.get("/ingresar/").content


def test_reset_codes_per_login_are_rate_limited_whatever_the_address(client, rep, settings):
    settings.REGISTRO_RATE_LIMITS = {"reset-login": (2, 900)}
    for _n in range(2):
        assert ask(client, rep).status_code == 302
    other = client.__class__(REMOTE_ADDR="10.9.9.9")
    assert ask(other, rep).status_code == 429
    assert ask(other, rep, username="otro").status_code == 302  # another login is not limited
