"""The demo officers of distrito 028: loaded twice without duplicates; their codes work."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.core.loading import LoadReport
from ecuapass.officers import demo_data
from ecuapass.officers.models import Officer, OfficerRole
from ecuapass.officers.second_factor import secret_base32
from ecuapass.officers.services import officers_for

pytestmark = pytest.mark.django_db


def load_officers_demo() -> LoadReport:
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, accounts_demo, demo_data):
        module.load(report)
    return report


def _state():
    return (
        sorted(Officer.objects.values_list("user__username", "active")),
        sorted(OfficerRole.objects.values_list("officer__user__username", "role")),
        sorted(TOTPDevice.objects.values_list("user__username", "key", "confirmed")),
        sorted(Officer.distritos.through.objects.values_list("officer_id", "customsdistrict_id")),
    )


def test_demo_officers_are_idempotent_and_as_the_readme_says():
    load_officers_demo()
    first = _state()
    report = load_officers_demo()
    assert _state() == first
    assert all(c["inserted"] == 0 and c["updated"] == 0 for c in report.counts.values())
    assert [o.user.username for o in officers_for("028", "tecnico_aforador")] == ["aforador"]
    assert [o.user.username for o in officers_for("028", "supervisor")] == ["supervisor"]
    assert [o.user.username for o in officers_for("028", "analista_riesgo")] == ["analista"]
    for data in demo_data.OFFICERS:
        device = TOTPDevice.objects.get(user__username=data["username"])
        assert secret_base32(device) == data["totp"]
        assert device.user.login_ruc == "0968562020001"
        assert device.user.check_password(data["password"])
    for username, key in demo_data.BACK_OFFICE_TOTP.items():  # the back office's staff
        device = TOTPDevice.objects.get(user__username=username)
        assert secret_base32(device) == key and device.user.is_staff


def test_demo_totp_prints_the_code_the_device_accepts(capsys):
    load_officers_demo()
    call_command("demo_totp", "aforador")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="aforador")
    assert device.verify_token(code)
    assert not device.verify_token(code)  # once


def test_create_officer_token_prints_a_working_token(capsys, client):
    load_officers_demo()
    call_command("create_officer_token", "--usuario", "supervisor", "--nombre", "bandeja")
    raw = capsys.readouterr().out.strip()
    body = client.get("/api/v1/interno/yo/", HTTP_AUTHORIZATION=f"Token {raw}").json()
    assert body["usuario"] == "supervisor" and body["distritos"] == ["028"]
