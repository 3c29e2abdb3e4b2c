"""Factories for identities: operators, OCE registrations and codes, users, grants."""

from __future__ import annotations

import factory
from stdnum.ec import ruc as stdnum_ruc

from ecuapass.accounts.models import Grant, OceCode, OceRegistration, Operator, User
from ecuapass.core.models import OceType

PASSWORD = "Clave.Segura.2026"

OCE_TYPE_NAMES = {
    "16": "Importador/Exportador",
    "01": "Agente de Aduana",
    "04": "Depósito Temporal",
    "07": "Agente de Carga de Exportación",
}


def oce_type(code: str) -> OceType:
    """The catalog's tipo de OCE (with its capabilities), created from the shipped CSV if missing."""
    from ecuapass.core.loading import read_csv
    from ecuapass.core.reference_data import DATA

    row = next((r for r in read_csv(DATA / "oce_types.csv") if r["code"] == code), {})
    return OceType.objects.get_or_create(
        code=code,
        defaults={
            "name": row.get("name") or OCE_TYPE_NAMES.get(code, code),
            "capabilities": row.get("capabilities", ""),
        },
    )[0]


def _ruc(n: int) -> str:
    """A company RUC with a valid check digit."""
    for base in range(n * 10, n * 10 + 10**6):
        candidate = f"09{9}{base % 10**6:06d}"
        for digit in "0123456789":
            number = candidate + digit + "001"
            if stdnum_ruc.is_valid(number):
                return number
    raise RuntimeError("no RUC")


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator

    ruc = factory.Sequence(lambda n: _ruc(n + 1))
    legal_name = factory.Sequence(lambda n: f"Operador {n} S.A.")
    kind = Operator.Kind.SOCIEDAD


class OceRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OceRegistration

    operator = factory.SubFactory(OperatorFactory)
    oce_type = factory.LazyFunction(lambda: oce_type("16"))


class OceCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OceCode

    code = factory.Sequence(lambda n: f"{50000000 + n:08d}")
    registration = factory.SubFactory(OceRegistrationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    login_ruc = factory.LazyAttribute(lambda o: o.operator.ruc if o.operator else "1710000009")
    username = factory.Sequence(lambda n: f"usuario{n}")
    operator = factory.SubFactory(OperatorFactory)
    first_name = "Ana"
    last_name = "Pérez"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    kind = User.Kind.REPRESENTANTE
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory, kind=User.Kind.EMPLEADO)
    oce_code = factory.SubFactory(OceCodeFactory)


def company_with_codes(types: dict[str, int], **operator_kwargs):
    """An operator with ``{type code: number of códigos}`` and its representative."""
    operator = OperatorFactory(**operator_kwargs)
    codes = []
    for type_code, n in types.items():
        registration = OceRegistrationFactory(operator=operator, oce_type=oce_type(type_code))
        codes += [OceCodeFactory(registration=registration) for _ in range(n)]
    rep = UserFactory(operator=operator, kind=User.Kind.REPRESENTANTE, username="rep")
    return operator, rep, codes


def login(client, user, oce=None):
    """Log in through the real three steps' effect: session user + active OCE."""
    from ecuapass.accounts.context import SESSION_OCE_CODE, SESSION_OCE_TYPE

    client.force_login(user, backend="ecuapass.accounts.backends.RucUserBackend")
    if oce is not None:
        session = client.session
        session[SESSION_OCE_CODE] = oce.code
        session[SESSION_OCE_TYPE] = oce.registration.oce_type.code
        session.save()
