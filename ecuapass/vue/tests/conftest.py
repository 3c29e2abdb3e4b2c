"""The VUE's test world: the sample tariff plus apples (restricted by AGROCALIDAD), the agencies'
catalog, and a técnico pair and a director per agency used in the tests."""

from __future__ import annotations

from datetime import date

import pytest

from ecuapass.core.loading import LoadReport


def add_restricted_line(
    code: str, description: str, agency: str, document: str, section: int
) -> None:
    """A sample tariff line restricted by ``agency``'s ``document`` (as the sample tariff marks them)."""
    from ecuapass.tariff.models import Commodity, Measure, Restriction, Section

    start = date(2023, 9, 1)
    section_row, _ = Section.objects.get_or_create(
        number=section, defaults={"roman": str(section), "title_es": str(section)}
    )
    parent = None
    for level in (2, 4, 6, 8, 10):
        parent, _ = Commodity.objects.get_or_create(
            code=code[:level],
            defaults={
                "level": level,
                "parent": parent,
                "section": section_row,
                "description_es": description if level == 10 else f"Nivel {code[:level]}",
                "valid_from": start if level == 10 else None,
                "sample": True,
            },
        )
    for kind, values in (("ad_valorem", {"rate": 15}), ("iva", {"iva_class": "general"})):
        Measure.objects.get_or_create(
            line=parent, kind=kind, valid_from=start, defaults={**values, "legal_basis": "Muestra"}
        )
    Restriction.objects.get_or_create(
        line=parent,
        kind=Restriction.Kind.RESTRICTION,
        agency=agency,
        document=document,
        valid_from=start,
        defaults={"legal_basis": "Muestra"},
    )


def add_apples() -> None:
    """Apples (AGROCALIDAD) and whisky (ARCSA), restricted as in the sample tariff."""
    add_restricted_line(
        "0808100000", "Manzanas frescas", "AGROCALIDAD", "Permiso fitosanitario de importación", 2
    )
    add_restricted_line("2208300000", "Whisky", "ARCSA", "Notificación sanitaria obligatoria", 4)


@pytest.fixture
def vue_world(world):
    from ecuapass.vue import reference_data
    from ecuapass.vue.models import Entidad, Funcionario, Rol

    add_apples()
    reference_data.load(LoadReport())
    from ecuapass.accounts.models import Operator, User

    staff = {}
    for entidad in Entidad.objects.all():
        operator, _ = Operator.objects.get_or_create(
            ruc=entidad.ruc, defaults={"legal_name": entidad.name, "kind": Operator.Kind.PUBLICA}
        )
        for username, rol in (
            (f"{entidad.code.lower()}.t1", Rol.TECNICO),
            (f"{entidad.code.lower()}.t2", Rol.TECNICO),
            (f"{entidad.code.lower()}.dir", Rol.DIRECTOR),
        ):
            user = User.objects.create_user(
                entidad.ruc,
                username,
                "Clave.Segura.2026",
                operator=operator,
                kind=User.Kind.FUNCIONARIO,
                first_name="F",
                last_name=username,
            )
            staff[username] = Funcionario.objects.create(user=user, entidad=entidad, rol=rol)
    world.staff = staff
    return world


@pytest.fixture
def staff_client(client):
    """A verified (second factor passed) session of an agency's staff member."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from ecuapass.officers.tests.factories import add_totp

    def login(funcionario):
        device = add_totp(funcionario.user)
        client.force_login(funcionario.user, backend="ecuapass.accounts.backends.RucUserBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture
def token(vue_world):
    from ecuapass.api.models import ApiToken

    _t, raw = ApiToken.issue(
        user=vue_world.importer.user, oce_code=vue_world.importer.oce, name="erp"
    )
    return {"HTTP_AUTHORIZATION": f"Token {raw}"}
