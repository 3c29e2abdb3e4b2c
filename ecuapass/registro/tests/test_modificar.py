"""3.2.3 Modificar información de registro: changed fields framed, e-mail with a security code,
the Convenio again, history, company data through SENAE, the grant."""

from __future__ import annotations

import pytest

from ecuapass.accounts.models import Grant, User
from ecuapass.accounts.tests.factories import UserFactory, company_with_codes, login
from ecuapass.notifications.models import Notification
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import login_officer, make_officer
from ecuapass.registro.models import CambioRegistro

from .helpers import last_code

pytestmark = pytest.mark.django_db
URL = "/registro/modificar/"


@pytest.fixture(autouse=True)
def menu(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))


@pytest.fixture
def rep_client(client):
    operator, rep, codes = company_with_codes({"16": 1}, legal_name="Vieja S.A.")
    login(client, rep, codes[0])
    return client, rep


def form(rep, **extra):
    data = {
        "first_name": rep.first_name,
        "last_name": rep.last_name,
        "id_number": rep.id_number,
        "legal_name": rep.operator.legal_name,
        "address": rep.operator.address,
        "company_email": rep.operator.email,
        "phone": rep.operator.phone,
        "mantener_correo": "si",
    }
    data.update(extra)
    return data


def test_changed_fields_are_framed_then_modify_asks_the_convenio(rep_client):
    client, rep = rep_client
    r = client.post(URL, form(rep, first_name="Ana María", accion="revisar"))
    html = r.content.decode()
    assert r.status_code == 200 and html.count('data-changed="1"') == 1
    assert "Ana María" in html and "Modificar" in html
    r = client.post(URL, form(rep, first_name="Ana María", accion="modificar"))
    assert r.status_code == 400 and "Convenio" in r.content.decode()
    r = client.post(URL, form(rep, first_name="Ana María", accion="modificar", convenio="on"))
    assert r.status_code == 302
    rep.refresh_from_db()
    assert rep.first_name == "Ana María"
    cambio = CambioRegistro.objects.get(user=rep)
    assert cambio.changes == {"first_name": ["Ana", "Ana María"]} and cambio.convenio_accepted_on
    assert "Ana María" in client.get(URL).content.decode()  # history


def test_new_email_needs_the_security_code_sent_to_it(rep_client):
    client, rep = rep_client
    new = {"mantener_correo": "no", "new_email": "nuevo@example.com"}
    r = client.post(URL, form(rep, accion="codigo", **new))
    assert "Enviamos un código" in r.content.decode()
    code = last_code("nuevo@example.com")
    r = client.post(URL, form(rep, accion="modificar", convenio="on", code="00000000", **new))
    assert r.status_code == 400 and "ya fue usado o expiró" in r.content.decode()
    rep.refresh_from_db()
    assert rep.email != "nuevo@example.com"
    r = client.post(URL, form(rep, accion="modificar", convenio="on", code=code, **new))
    assert r.status_code == 302
    rep.refresh_from_db()
    assert rep.email == "nuevo@example.com"
    assert Notification.objects.filter(user=rep, subject__contains="MODIFICACIÓN").exists()


def test_company_data_wait_for_senae(rep_client):
    client, rep = rep_client
    r = client.post(URL, form(rep, legal_name="Nueva S.A.", accion="modificar", convenio="on"))
    assert r.status_code == 302
    rep.operator.refresh_from_db()
    assert rep.operator.legal_name == "Vieja S.A."
    cambio = CambioRegistro.objects.get(state=CambioRegistro.State.PENDIENTE)
    staff = login_officer(client.__class__(), make_officer(roles=[Role.ADMIN]))
    assert "Nueva S.A." in staff.get("/interno/solicitudes/cambios/").content.decode()
    staff.post(f"/interno/solicitudes/cambios/{cambio.pk}/decidir/", {"accion": "aprobar"})
    rep.operator.refresh_from_db()
    assert rep.operator.legal_name == "Nueva S.A."


def test_without_the_grant(client):
    operator, rep, codes = company_with_codes({"16": 1})
    employee = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="emp")
    Grant.objects.create(user=employee, oce_code=codes[0])
    login(client, employee, codes[0])
    r = client.get(URL)
    assert r.status_code == 403
    assert "No está asignado el permiso al usuario." in r.content.decode()
