"""Test helpers shared by the edocs, customs and API suites (no pytest import here).

``build_world()`` creates the catalogs, a tiny sample tariff, an importer, a
customs broker acting for it and an unrelated importer, each with a
representative user and a código de OCE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES, dai_payload_for

IMPORTER_RUC = "0991003002001"
IMPORTER_NAME = "Comercial Demo del Pacífico S.A."
BROKER_RUC = "1791002008001"
BROKER_NAME = "Agencia Aduanera Demo Andina Cía. Ltda."
BROKER_CODE = "17910020"
OTHER_RUC = "0990004005001"
OTHER_NAME = "IMPORTADORA DEL SUR S.A."
PASSWORD = "clave-segura-123"  # noqa: S105 - test fixtures only

LINES = {
    # code: (description, ad valorem %, parents)
    "0901211000": ("Café tostado sin descafeinar, en grano", Decimal("20")),
    "8471300000": ("Máquinas portátiles para procesamiento de datos", Decimal("0")),
    "6403999000": (
        "Los demás calzados con suela de caucho o plástico y parte superior de cuero natural",
        Decimal("10"),
    ),
}


@dataclass
class Party:
    operator: object
    oce: object
    user: object


@dataclass
class World:
    importer: Party
    broker: Party
    other: Party


def load_catalogs() -> None:
    """The reference catalogs, unless this database already holds them (loaded once per session)."""
    from ecuapass.core import reference_data
    from ecuapass.core.loading import LoadReport
    from ecuapass.core.models import Country, CustomsDistrict, Incoterm, OceType

    if all(m.objects.exists() for m in (OceType, CustomsDistrict, Country, Incoterm)):
        return
    reference_data.load(LoadReport(write=lambda s: None))


def load_sample_tariff() -> None:
    from ecuapass.tariff.models import Commodity, Measure, Section, TaxRule

    start = date(2023, 9, 1)
    basis = "Muestra de pruebas"
    for number, roman in ((2, "II"), (12, "XII"), (16, "XVI")):
        Section.objects.get_or_create(number=number, defaults={"roman": roman, "title_es": roman})
    sections = {"09": 2, "64": 12, "84": 16}
    for code, (description, rate) in LINES.items():
        section = Section.objects.get(number=sections[code[:2]])
        parent = None
        for level in (2, 4, 6, 8, 10):
            node, _ = Commodity.objects.get_or_create(
                code=code[:level],
                defaults={
                    "level": level,
                    "parent": parent,
                    "section": section,
                    "description_es": description if level == 10 else f"Nivel {code[:level]}",
                    "valid_from": start if level == 10 else None,
                    "sample": True,
                },
            )
            parent = node
        Measure.objects.get_or_create(
            line=parent,
            kind="ad_valorem",
            valid_from=start,
            defaults={"rate": rate, "legal_basis": basis},
        )
        Measure.objects.get_or_create(
            line=parent,
            kind="iva",
            valid_from=start,
            defaults={"iva_class": "general", "legal_basis": basis},
        )
    rules = [
        ("iva", "general", Decimal("12"), "", date(2000, 1, 1), date(2024, 3, 31)),
        ("iva", "general", Decimal("15"), "", date(2024, 4, 1), None),
        ("iva", "cero", Decimal("0"), "", date(2000, 1, 1), None),
        ("fodinfa", "", Decimal("0.5"), "cif", date(2000, 1, 1), None),
        ("seguro_presuntivo", "", Decimal("1"), "fob", date(2000, 1, 1), None),
        ("base_ad_valorem", "", None, "cif_sin_flete", date(2021, 11, 29), None),
    ]
    for code, iva_class, rate, base, valid_from, valid_to in rules:
        TaxRule.objects.get_or_create(
            code=code,
            iva_class=iva_class,
            valid_from=valid_from,
            defaults={"rate": rate, "base": base, "valid_to": valid_to, "legal_basis": basis},
        )


def make_party(ruc: str, name: str, oce_type: str, code: str, username: str = "rep") -> Party:
    from ecuapass.accounts.models import OceCode, OceRegistration, Operator, User
    from ecuapass.core.models import OceType

    operator, _ = Operator.objects.get_or_create(
        ruc=ruc, defaults={"legal_name": name, "kind": Operator.Kind.SOCIEDAD}
    )
    registration, _ = OceRegistration.objects.get_or_create(
        operator=operator, oce_type=OceType.objects.get(code=oce_type)
    )
    oce, _ = OceCode.objects.get_or_create(code=code, defaults={"registration": registration})
    user = User.objects.filter(login_ruc=ruc, username=username).first()
    if user is None:
        user = User.objects.create_user(
            ruc,
            username,
            PASSWORD,
            operator=operator,
            first_name="Ana",
            last_name="Pérez",
            kind=User.Kind.REPRESENTANTE,
        )
    return Party(operator=operator, oce=oce, user=user)


def build_world() -> World:
    from ecuapass.accounts.models import BrokerClient

    load_catalogs()
    load_sample_tariff()
    importer = make_party(IMPORTER_RUC, IMPORTER_NAME, "16", "29000001")
    broker = make_party(BROKER_RUC, BROKER_NAME, "01", BROKER_CODE)
    other = make_party(OTHER_RUC, OTHER_NAME, "16", "29000002")
    BrokerClient.objects.get_or_create(
        broker=broker.operator, client=importer.operator, defaults={"valid_from": date(2020, 1, 1)}
    )
    return World(importer=importer, broker=broker, other=other)


def dai_payload(
    *,
    declarante=None,
    importador=None,
    oce_code: str = "29000001",
    invoice: str = "FAC-001-0001",
    **overrides,
) -> dict:
    """A valid DAI payload (JSON types) for the sample world."""
    declarante = declarante or {"ruc": IMPORTER_RUC, "nombre": IMPORTER_NAME}
    importador = importador or {"ruc": IMPORTER_RUC, "nombre": IMPORTER_NAME}
    items = [dict(COFFEE), dict(LAPTOPS), dict(SHOES)]
    return dai_payload_for(declarante, importador, oce_code, invoice, items, **overrides)
