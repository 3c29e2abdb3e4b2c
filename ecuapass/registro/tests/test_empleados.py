"""3.2.4 Administración de empleado: approve with codes and options, reject, suspend,
reactivate, change grants (portal and API at the next request), own company only."""

from __future__ import annotations

import pytest

from ecuapass.accounts.models import Grant, User
from ecuapass.accounts.tests.factories import PASSWORD, UserFactory, company_with_codes, login
from ecuapass.api.models import ApiToken
from ecuapass.notifications.models import Notification
from ecuapass.portal.permissions import user_has_option

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def menu(db):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))


@pytest.fixture
def company():
    operator, rep, codes = company_with_codes({"16": 2})
    employee = UserFactory(
        operator=operator, kind=User.Kind.EMPLEADO, username="emp", state=User.State.PENDING
    )
    Grant.objects.create(user=employee, oce_code=codes[0], approved=False)
    return operator, rep, codes, employee


def rep_client(client, rep, code):
    login(client, rep, code)
    return client


def test_representative_approves_with_codes_and_options(client, company):
    operator, rep, codes, employee = company
    c = rep_client(client, rep, codes[0])
    page = c.get("/empleados/").content.decode()
    assert "emp" in page and "Consultar" in page
    page = c.get(f"/empleados/{employee.pk}/").content.decode()
    assert f"{codes[0].code} IMPORTADOR/EXPORTADOR" in page and "Solicitado" in page
    r = c.post(
        f"/empleados/{employee.pk}/",
        {"accion": "aprobar", "codigos": [codes[0].code], f"opciones_{codes[0].code}": ["1.3"]},
    )
    assert r.status_code == 302
    employee.refresh_from_db()
    assert employee.state == User.State.ACTIVE
    assert user_has_option(employee, codes[0], "1.3")
    assert not user_has_option(employee, codes[0], "1.1")
    assert not Grant.objects.filter(user=employee, oce_code=codes[1]).exists()
    assert Notification.objects.filter(user=employee, body__contains="aprobada").exists()
    r = client.__class__().post(
        "/ingresar/", {"ruc": operator.ruc, "username": "emp", "password": PASSWORD}
    )
    assert r.status_code == 302


def test_withdrawn_options_and_codes_take_effect_on_the_api(client, company):
    operator, rep, codes, employee = company
    c = rep_client(client, rep, codes[0])
    c.post(
        f"/empleados/{employee.pk}/",
        {"accion": "aprobar", "codigos": [codes[0].code], f"opciones_{codes[0].code}": ["1.3"]},
    )
    _token, raw = ApiToken.issue(user=employee, oce_code=codes[0], name="erp")
    api = client.__class__()
    auth = {"HTTP_AUTHORIZATION": f"Token {raw}"}
    assert api.get("/api/v1/edocs/", **auth).status_code == 200
    c.post(
        f"/empleados/{employee.pk}/",
        {"accion": "guardar", "codigos": [codes[0].code], f"opciones_{codes[0].code}": ["1.1"]},
    )
    assert api.get("/api/v1/edocs/", **auth).status_code == 403
    c.post(
        f"/empleados/{employee.pk}/",
        {"accion": "guardar", "codigos": [codes[1].code], f"opciones_{codes[1].code}": ["1.3"]},
    )
    assert api.get("/api/v1/edocs/", **auth).status_code in (401, 403)
    assert not ApiToken.objects.get(user=employee).is_active


def test_reject_needs_a_reason(client, company):
    operator, rep, codes, employee = company
    c = rep_client(client, rep, codes[0])
    r = c.post(f"/empleados/{employee.pk}/", {"accion": "rechazar"})
    assert r.status_code == 400 and "motivo" in r.content.decode()
    c.post(f"/empleados/{employee.pk}/", {"accion": "rechazar", "reason": "No trabaja aquí"})
    employee.refresh_from_db()
    assert employee.state == User.State.SUSPENDED and not employee.grants.exists()
    assert Notification.objects.filter(user=employee, body__contains="No trabaja aquí").exists()


def test_suspend_and_reactivate(client, company):
    operator, rep, codes, employee = company
    c = rep_client(client, rep, codes[0])
    c.post(
        f"/empleados/{employee.pk}/",
        {"accion": "aprobar", "codigos": [codes[0].code], f"opciones_{codes[0].code}": ["1.3"]},
    )
    emp_client = client.__class__()
    login(emp_client, employee, codes[0])
    assert emp_client.get("/edocs/estados/").status_code == 200
    c.post(f"/empleados/{employee.pk}/", {"accion": "suspender"})
    assert emp_client.get("/edocs/estados/").status_code == 302  # the session is over
    creds = {"ruc": operator.ruc, "username": "emp", "password": PASSWORD}
    assert client.__class__().post("/ingresar/", creds).status_code == 200
    c.post(f"/empleados/{employee.pk}/", {"accion": "reactivar"})
    assert client.__class__().post("/ingresar/", creds).status_code == 302


def test_only_the_own_companys_employees_and_only_the_representative(client, company):
    operator, rep, codes, employee = company
    _op2, rep2, codes2 = company_with_codes({"16": 1})
    other = rep_client(client.__class__(), rep2, codes2[0])
    assert other.get(f"/empleados/{employee.pk}/").status_code == 403
    r = other.post(
        f"/empleados/{employee.pk}/",
        {"accion": "aprobar", "codigos": [codes[0].code]},
    )
    assert r.status_code == 403
    # nor may a representative grant another company's code
    c = rep_client(client, rep, codes[0])
    assert (
        c.post(
            f"/empleados/{employee.pk}/", {"accion": "aprobar", "codigos": [codes2[0].code]}
        ).status_code
        == 403
    )
    employee.refresh_from_db()
    assert employee.state == User.State.PENDING
    # an employee with every option still cannot open 3.2.4
    worker = UserFactory(operator=operator, kind=User.Kind.EMPLEADO, username="w2")
    Grant.objects.create(user=worker, oce_code=codes[0], all_options=True)
    w = client.__class__()
    login(w, worker, codes[0])
    assert w.get("/empleados/").status_code == 403
