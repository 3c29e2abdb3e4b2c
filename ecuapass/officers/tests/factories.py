"""Officers for tests: ``make_officer``, a TOTP device, and a session past the second factor.

Other contexts' tests (despacho, risk) use these: ``login_officer(client, officer)`` gives a
portal session of an OTP-verified officer without going through the login pages.
"""

from __future__ import annotations

import itertools

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecuapass.accounts.models import Operator, User
from ecuapass.core.models import CustomsDistrict
from ecuapass.officers.models import Officer
from ecuapass.officers.second_factor import DEVICE_NAME

SENAE_RUC = "0968562020001"
PASSWORD = "Funcionario.Prueba.2026"
DISTRITO_NAMES = {"028": "Guayaquil Marítimo", "019": "Guayaquil Aéreo", "055": "Quito"}
_numbers = itertools.count(1)


def distrito(code: str) -> CustomsDistrict:
    return CustomsDistrict.objects.get_or_create(
        code=code, defaults={"name": DISTRITO_NAMES.get(code, code)}
    )[0]


def senae() -> Operator:
    return Operator.objects.get_or_create(
        ruc=SENAE_RUC,
        defaults={
            "legal_name": "Servicio Nacional de Aduana del Ecuador - SENAE",
            "kind": Operator.Kind.PUBLICA,
        },
    )[0]


def make_officer(roles=(), distritos=("028",), *, username=None, active=True) -> Officer:
    """A SENAE user (kind funcionario) with an officer profile, its roles and distritos."""
    user = User.objects.create_user(
        SENAE_RUC,
        username or f"funcionario{next(_numbers)}",
        PASSWORD,
        operator=senae(),
        kind=User.Kind.FUNCIONARIO,
        first_name="Rosa",
        last_name="Vélez",
    )
    officer = Officer.objects.create(user=user, active=active)
    officer.distritos.set([distrito(code) for code in distritos])
    officer.set_roles(roles)
    return officer


def add_totp(user, *, key: str | None = None) -> TOTPDevice:
    """A confirmed TOTP device (random secret unless ``key``, in hex)."""
    extra = {"key": key} if key else {}
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True, **extra)


def login_verified(client, user):
    """A portal session of ``user`` that passed the second factor (its confirmed TOTP device,
    one added if it has none) — what officers, agencies' staff and the back office need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or add_totp(user)
    client.force_login(user, backend="ecuapass.accounts.backends.RucUserBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def login_officer(client, officer: Officer):
    """A portal session of ``officer`` that passed the second factor."""
    return login_verified(client, officer.user)
