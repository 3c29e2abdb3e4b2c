"""The annual update: reminders from December, representatives not updated by the deadline
disabled until they confirm or update (dated rule, settings for the dates)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from ecuapass.accounts.models import User
from ecuapass.accounts.tests.factories import UserFactory, company_with_codes, login
from ecuapass.notifications.models import Notification
from ecuapass.registro import annual
from ecuapass.registro.models import ConfirmacionAnual

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.make_aware(dt.datetime(2025, 6, 1))


@pytest.fixture(autouse=True)
def menu(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))


@pytest.fixture
def company():
    operator, rep, codes = company_with_codes({"16": 1})
    User.objects.filter(pk=rep.pk).update(date_joined=LAST_YEAR)
    rep.refresh_from_db()
    return operator, rep, codes


def on(day):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_the_dated_rule(company, settings):
    _op, rep, _codes = company
    assert annual.target_year(dt.date(2025, 12, 5)) == 2026
    assert annual.target_year(dt.date(2026, 1, 20)) == 2026
    assert annual.target_year(dt.date(2026, 11, 30)) == 2026
    assert not annual.overdue(rep, dt.date(2026, 1, 31))
    assert annual.overdue(rep, dt.date(2026, 2, 1))
    settings.ANNUAL_UPDATE_DEADLINE = "02-15"
    assert not annual.overdue(rep, dt.date(2026, 2, 10))
    ConfirmacionAnual.objects.create(user=rep, year=2026)
    assert not annual.overdue(rep, dt.date(2026, 3, 1))
    employee = UserFactory(operator=rep.operator, kind=User.Kind.EMPLEADO, username="emp")
    assert not annual.overdue(employee, dt.date(2026, 3, 1))


def test_reminders_from_december_once_per_year(company):
    _op, rep, _codes = company
    assert annual.send_reminders(dt.date(2025, 11, 30)) == 0
    assert annual.send_reminders(dt.date(2025, 12, 1)) == 1
    assert annual.send_reminders(dt.date(2025, 12, 8)) == 0  # already reminded
    notice = Notification.objects.get(user=rep)
    assert "2026" in notice.subject and "31/01/2026" in notice.body
    assert annual.send_reminders(dt.date(2026, 2, 2)) == 0  # past the deadline


def test_overdue_representative_is_held_until_confirming(client, company):
    _op, rep, codes = company
    login(client, rep, codes[0])
    with on(dt.date(2026, 2, 2)):
        r = client.get("/edocs/estados/")
        assert r.status_code == 302 and r["Location"] == "/registro/actualizacion-anual/"
        assert client.get("/registro/actualizacion-anual/").status_code == 200
        assert client.post("/registro/actualizacion-anual/", {}).status_code == 400
        r = client.post("/registro/actualizacion-anual/", {"convenio": "on"})
        assert r.status_code == 302
        assert ConfirmacionAnual.objects.filter(user=rep, year=2026).exists()
        assert client.get("/edocs/estados/").status_code == 200


def test_updating_the_registration_counts_as_confirming(client, company):
    _op, rep, codes = company
    login(client, rep, codes[0])
    with on(dt.date(2026, 2, 2)):
        data = {
            "first_name": "Nuevo",
            "last_name": rep.last_name,
            "legal_name": rep.operator.legal_name,
            "mantener_correo": "si",
            "convenio": "on",
            "accion": "modificar",
        }
        assert client.post("/registro/modificar/", data).status_code == 302
        assert client.get("/edocs/estados/").status_code == 200


def test_a_checked_session_goes_on_until_the_deadline_passes(client, company):
    _op, rep, codes = company
    login(client, rep, codes[0])
    with on(dt.date(2026, 1, 30)):
        assert client.get("/edocs/estados/").status_code == 200  # checked: not overdue
        assert client.session[annual.SESSION_OK] == annual.session_mark()
        # Checked for this mark: no look-up of the path nor of the confirmation.
        with (
            mock.patch("ecuapass.registro.middleware.reverse", side_effect=AssertionError),
            mock.patch.object(annual, "overdue", side_effect=AssertionError),
        ):
            assert client.get("/edocs/estados/").status_code == 200
    with on(dt.date(2026, 2, 2)):  # the deadline passed: the mark changed, checked again
        r = client.get("/edocs/estados/")
        assert r.status_code == 302 and r["Location"] == "/registro/actualizacion-anual/"
        assert client.get("/registro/actualizacion-anual/").status_code == 200


def test_an_overdue_representatives_api_requests_are_held_until_confirming(client, company):
    """By token and by session: the portal's hold applies to the API too (403, its own code)."""
    from ecuapass.api.models import ApiToken

    _op, rep, codes = company
    _t, raw = ApiToken.issue(user=rep, oce_code=codes[0], name="erp")
    token = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    with on(dt.date(2026, 1, 30)):
        assert client.get("/api/v1/edocs/", **token).status_code == 200
    with on(dt.date(2026, 2, 2)):
        for path in ("/api/v1/edocs/", "/api/v1/buzon/"):
            r = client.get(path, **token)
            assert r.status_code == 403, (path, r.content)
            assert "actualización anual" in r.json()["detail"]
        login(client, rep, codes[0])
        assert client.get("/api/v1/edocs/").status_code == 403  # a portal session on the API
        client.logout()
        annual.confirm(rep)
        assert client.get("/api/v1/edocs/", **token).status_code == 200  # at once


def test_a_confirmation_for_the_coming_year_lifts_this_years_hold(company):
    _op, rep, _codes = company
    assert annual.overdue(rep, dt.date(2026, 12, 5))
    annual.confirm(rep, dt.date(2026, 12, 5))  # from the reminder day on: for 2027
    assert ConfirmacionAnual.objects.get(user=rep).year == 2027
    assert not annual.overdue(rep, dt.date(2026, 12, 5))
    assert annual.latest_confirmed(rep) == 2027
