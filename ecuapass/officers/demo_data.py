"""Demo SENAE officers of distrito 028 (Guayaquil Marítimo), listed in the README.

They sign in with SENAE's RUC, their ID Usuario and password, then the code of a TOTP app
set up with the fixed secret below (any TOTP app, or ``manage.py demo_totp <usuario>``).

| ID Usuario | Contraseña          | rol                          | clave TOTP (base32)              |
|------------|---------------------|------------------------------|----------------------------------|
| aforador   | Aforador.Demo.2026  | Técnico operador / aforador  | AFORADORDEMOSENAEGUAYAQUILMARITM |
| supervisor | Supervisor.Demo.2026| Supervisor de distrito       | SUPERVISORDEMOSENAEGUAYAQUILMAR2 |
| analista   | Analista.Demo.2026  | Analista de riesgo           | ANALISTADERIESGODEMOSENAEECUADOR |

The back office's superuser ``funcionario`` (``accounts.demo_data``) needs the second factor too:
its key is ``FUNCIONARIODEMOSENAEBACKOFFICE22`` (``manage.py demo_totp funcionario``).

Idempotent: loading it again changes nothing (a changed password or secret is put back).
"""

from __future__ import annotations

from base64 import b32decode

from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.accounts.demo_data import SENAE_RUC
from ecuapass.accounts.models import Operator, User
from ecuapass.core.loading import LoadReport, upsert
from ecuapass.core.models import CustomsDistrict

from .models import Officer
from .roles import Role
from .second_factor import DEVICE_NAME

DISTRITO = "028"  # Guayaquil Marítimo

OFFICERS = [
    {
        "username": "aforador",
        "password": "Aforador.Demo.2026",
        "first_name": "Diego",
        "last_name": "Salazar Mendoza",
        "id_number": "0918765439",
        "roles": [Role.TECNICO],
        "totp": "AFORADORDEMOSENAEGUAYAQUILMARITM",
    },
    {
        "username": "supervisor",
        "password": "Supervisor.Demo.2026",
        "first_name": "Gabriela",
        "last_name": "Intriago Burgos",
        "id_number": "0927654327",
        "roles": [Role.SUPERVISOR],
        "totp": "SUPERVISORDEMOSENAEGUAYAQUILMAR2",
    },
    {
        "username": "analista",
        "password": "Analista.Demo.2026",
        "first_name": "Andrés",
        "last_name": "Guerrero Pazmiño",
        "id_number": "1716543218",
        "roles": [Role.ANALISTA],
        "totp": "ANALISTADERIESGODEMOSENAEECUADOR",
    },
]


# Back office staff of the accounts' demo data (user name → TOTP key, base32).
BACK_OFFICE_TOTP = {"funcionario": "FUNCIONARIODEMOSENAEBACKOFFICE22"}


def secret_hex(base32: str) -> str:
    return b32decode(base32 + "=" * (-len(base32) % 8)).hex()


def load(report: LoadReport) -> None:
    senae = Operator.objects.get(ruc=SENAE_RUC)
    distrito = CustomsDistrict.objects.get(code=DISTRITO)
    for data in OFFICERS:
        user = upsert(
            User,
            {"login_ruc": SENAE_RUC, "username": data["username"]},
            {
                "operator": senae,
                "first_name": data["first_name"],
                "last_name": data["last_name"],
                "id_number": data["id_number"],
                "email": f"{data['username']}@aduana.example",
                "kind": User.Kind.FUNCIONARIO,
                "state": User.State.ACTIVE,
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
            },
            report,
        )
        if not user.check_password(data["password"]):
            user.set_password(data["password"])
            user.save(update_fields=["password"])
        officer = upsert(Officer, {"user": user}, {"active": True}, report)
        officer.distritos.set([distrito])
        officer.set_roles(data["roles"])
        _totp(user, data["totp"], report)
    for username, key in BACK_OFFICE_TOTP.items():
        _totp(User.objects.get(login_ruc=SENAE_RUC, username=username), key, report)


def _totp(user, base32: str, report: LoadReport) -> None:
    upsert(
        TOTPDevice,
        {"user": user, "name": DEVICE_NAME},
        {"key": secret_hex(base32), "confirmed": True},
        report,
    )
