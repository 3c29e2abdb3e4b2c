"""NUEVO REGISTRO: each kind end to end, bad input, availability, verification, approval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecuapass.accounts.models import Grant, OceCode, Operator, User
from ecuapass.accounts.tests.factories import company_with_codes, oce_type
from ecuapass.notifications.models import Notification
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import login_officer, make_officer
from ecuapass.registro.models import SecurityCode, Solicitud

from .helpers import last_code

pytestmark = pytest.mark.django_db
PASSWORD = "Registro.Seguro.2026"
CEDULA = "1710034065"
COMPANY_RUC = "1790016919001"  # a valid sociedad RUC


def pdf():
    return SimpleUploadedFile("docs.pdf", b"%PDF-1.4\n%fake\n", content_type="application/pdf")


def base(**extra):
    data = {
        "first_name": "Lucía",
        "last_name": "Andrade",
        "id_number": CEDULA,
        "email": "lucia@example.com",
        "phone": "0999999999",
        "username": "landrade",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accion": "enviar",
    }
    data.update(extra)
    return data


def file(client, kind, **extra):
    return client.post(f"/nuevo-registro/{kind}/", base(**extra))


def verify(client, email="lucia@example.com", code=None):
    return client.post(
        "/nuevo-registro/verificar/", {"code": code or last_code(email), "accion": "verificar"}
    )


def login(client, ruc, username, password=PASSWORD):
    return client.post("/ingresar/", {"ruc": ruc, "username": username, "password": password})


def test_general_user_is_active_once_the_email_is_verified(client):
    r = file(client, "general", ruc=CEDULA)
    assert r.status_code == 302 and r["Location"] == "/nuevo-registro/verificar/"
    assert not User.objects.filter(login_ruc=CEDULA).exists()
    r = verify(client)
    assert r.status_code == 302 and r["Location"] == "/ingresar/"
    user = User.objects.get(login_ruc=CEDULA, username="landrade")
    assert user.kind == User.Kind.USUARIO_GENERAL and user.state == User.State.ACTIVE
    assert Notification.objects.filter(user=user, subject__contains="APROBADA").exists()
    assert login(client, CEDULA, "landrade").status_code == 302


def test_representative_waits_for_senae_then_logs_in(client):
    oce_type("16")
    r = file(
        client,
        "representante",
        ruc=COMPANY_RUC,
        legal_name="Nueva Importadora S.A.",
        address="Quito",
        oce_types=["16"],
        documento=pdf(),
        convenio="on",
    )
    assert r.status_code == 302, r.content.decode()
    r = verify(client)
    assert r.status_code == 200 and "SENAE revisará" in r.content.decode()
    solicitud = Solicitud.objects.get(ruc=COMPANY_RUC)
    assert solicitud.state == Solicitud.State.PENDIENTE
    assert login(client, COMPANY_RUC, "landrade").status_code == 200  # not yet

    officer = make_officer(roles=[Role.ADMIN])
    staff = login_officer(client.__class__(), officer)
    page = staff.get("/interno/solicitudes/").content.decode()
    assert "Nueva Importadora" in page
    assert staff.get(f"/interno/solicitudes/{solicitud.pk}/documento/").status_code == 200
    r = staff.post(f"/interno/solicitudes/{solicitud.pk}/decidir/", {"accion": "aprobar"})
    assert r.status_code == 302
    user = User.objects.get(login_ruc=COMPANY_RUC, username="landrade")
    assert user.kind == User.Kind.REPRESENTANTE and user.operator.legal_name.startswith("Nueva")
    code = OceCode.objects.get(registration__operator=user.operator)
    assert len(code.code) == 8
    assert Notification.objects.filter(user=user, body__contains=code.code).exists()
    assert login(client, COMPANY_RUC, "landrade").status_code == 302


def test_officer_rejects_with_a_reason_and_operators_cannot_decide(client):
    oce_type("16")
    file(
        client,
        "representante",
        ruc=COMPANY_RUC,
        legal_name="X S.A.",
        oce_types=["16"],
        documento=pdf(),
        convenio="on",
    )
    verify(client)
    solicitud = Solicitud.objects.get()
    _op, rep, _codes = company_with_codes({"16": 1})
    from ecuapass.accounts.tests.factories import login as op_login

    op_client = client.__class__()
    op_login(op_client, rep)
    assert op_client.post(
        f"/interno/solicitudes/{solicitud.pk}/decidir/", {"accion": "aprobar"}
    ).status_code in (302, 403)
    solicitud.refresh_from_db()
    assert solicitud.state == Solicitud.State.PENDIENTE
    staff = login_officer(client.__class__(), make_officer(roles=[Role.SUPERVISOR]))
    r = staff.post(f"/interno/solicitudes/{solicitud.pk}/decidir/", {"accion": "rechazar"})
    assert r.status_code == 400 and "motivo" in r.content.decode()
    r = staff.post(
        f"/interno/solicitudes/{solicitud.pk}/decidir/",
        {"accion": "rechazar", "reason": "Documentos ilegibles"},
    )
    solicitud.refresh_from_db()
    assert (
        solicitud.state == Solicitud.State.RECHAZADA
        and not Operator.objects.filter(ruc=COMPANY_RUC).exists()
    )


def test_employee_request_reaches_the_representative(client):
    operator, rep, codes = company_with_codes({"16": 2})
    r = file(client, "empleado", ruc=operator.ruc, oce_codes=codes[0].code, convenio="on")
    assert r.status_code == 302, r.content.decode()
    verify(client)
    user = User.objects.get(login_ruc=operator.ruc, username="landrade")
    assert user.state == User.State.PENDING and user.kind == User.Kind.EMPLEADO
    grant = Grant.objects.get(user=user)
    assert grant.oce_code == codes[0] and not grant.approved
    assert Notification.objects.filter(user=rep, subject="Nueva solicitud de empleado").exists()
    assert login(client, operator.ruc, "landrade").status_code == 200  # pending


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        ("general", {"ruc": "1710034066"}, "cédula no es correcto"),
        (
            "representante",
            {"ruc": "1790016919000", "legal_name": "X", "oce_types": ["16"], "convenio": "on"},
            "RUC no es correcto",
        ),
        ("general", {"ruc": CEDULA, "password1": "123", "password2": "123"}, "contraseña"),
        ("general", {"ruc": CEDULA, "password2": "Otra.Cosa.2026"}, "no coinciden"),
        ("general", {"ruc": CEDULA, "username": "a b"}, "ID Usuario tiene"),
        (
            "empleado",
            {"ruc": COMPANY_RUC, "oce_codes": "12345678", "convenio": "on"},
            "no está registrado",
        ),
        ("representante", {"ruc": COMPANY_RUC, "legal_name": "X", "oce_types": ["16"]}, "Convenio"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, kind, extra, message):
    oce_type("16")
    data = {"documento": pdf()} if kind == "representante" else {}
    data.update(extra)
    r = file(client, kind, **data)
    assert r.status_code == 200
    assert message in r.content.decode()
    assert 'value="Lucía"' in r.content.decode()  # the form comes back filled
    assert not Solicitud.objects.exists() and not SecurityCode.objects.exists()


def test_taken_id_usuario_and_availability_check(client):
    operator, rep, codes = company_with_codes({"16": 1})
    r = client.post(
        "/nuevo-registro/empleado/",
        base(ruc=operator.ruc, username=rep.username, accion="disponibilidad"),
    )
    assert "no está disponible" in r.content.decode()
    r = client.post(
        "/nuevo-registro/empleado/",
        base(ruc=operator.ruc, username="libre1", accion="disponibilidad"),
    )
    assert "está disponible" in r.content.decode()
    r = file(
        client,
        "empleado",
        ruc=operator.ruc,
        username=rep.username,
        oce_codes=codes[0].code,
        convenio="on",
    )
    assert "no está disponible" in r.content.decode()
    # an open solicitud holds its ID Usuario
    file(
        client,
        "empleado",
        ruc=operator.ruc,
        username="libre1",
        oce_codes=codes[0].code,
        convenio="on",
    )
    r = client.post(
        "/nuevo-registro/empleado/",
        base(ruc=operator.ruc, username="libre1", accion="disponibilidad"),
    )
    assert "no está disponible" in r.content.decode()


def test_availability_is_rate_limited(client, settings):
    settings.REGISTRO_RATE_LIMITS = {"disponibilidad": (2, 900)}
    for _ in range(2):
        client.post("/nuevo-registro/general/", base(ruc=CEDULA, accion="disponibilidad"))
    r = client.post("/nuevo-registro/general/", base(ruc=CEDULA, accion="disponibilidad"))
    assert r.status_code == 429


def test_wrong_and_expired_codes_do_not_verify(client):
    file(client, "general", ruc=CEDULA)
    code = last_code("lucia@example.com")
    r = verify(client, code="00000000" if code != "00000000" else "11111111")
    assert "ya fue usado o expiró" in r.content.decode()
    SecurityCode.objects.update(expires_on=timezone.now() - timedelta(seconds=1))
    r = verify(client, code=code)
    assert "ya fue usado o expiró" in r.content.decode()
    assert not User.objects.filter(login_ruc=CEDULA).exists()
    client.post("/nuevo-registro/verificar/", {"accion": "reenviar"})
    assert verify(client).status_code == 302
