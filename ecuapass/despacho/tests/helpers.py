"""Building blocks of the despacho tests: accepted DAIs, officers, uploads."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from ecuapass.core.loading import LoadReport
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, dai_payload

_invoices = itertools.count(1)

# The smallest files of each kind that their magic numbers and Pillow accept.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944"
    "4154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)


def load_catalogs() -> None:
    from ecuapass.despacho import reference_data

    reference_data.load(LoadReport(write=lambda s: None))


def pdf(name="factura.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png(name="foto.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def accepted(party, *, by_broker: bool = False, **overrides):
    """Submit and process a DAI of ``party`` (the acceptance hook runs as in production)."""
    if by_broker:
        overrides.setdefault("declarante", {"ruc": BROKER_RUC, "nombre": BROKER_NAME})
        overrides.setdefault("oce_code", BROKER_CODE)
    payload = dai_payload(invoice=f"FAC-D-{next(_invoices)}", **overrides)
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    edoc = services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    assert services.process(edoc.pk) == "aceptado"
    edoc.refresh_from_db()
    return edoc


def in_aforo(party, canal="documental", *, officer=None, start=True, **overrides):
    """An accepted DAI in ``canal`` (hook disabled by the caller), its case started by ``officer``."""
    from ecuapass.despacho import services as despacho

    edoc = accepted(party, **overrides)
    case = despacho.open_despacho(edoc, canal=canal)
    if officer is not None and case.tecnico_id != officer.pk:
        case.tecnico = officer
        case.save(update_fields=["tecnico"])
    if start:
        despacho.start(case, officer=officer or case.tecnico)
    case.refresh_from_db()
    return case


@dataclass
class Officers:
    tecnico: object  # 028
    tecnico2: object  # 028
    supervisor: object  # 028
    foreign: object  # técnico of 019

    @classmethod
    def make(cls) -> Officers:
        return cls(
            tecnico=make_officer([Role.TECNICO], ["028"], username="aforador1"),
            tecnico2=make_officer([Role.TECNICO], ["028"], username="aforador2"),
            supervisor=make_officer([Role.SUPERVISOR], ["028"], username="supervisor1"),
            foreign=make_officer([Role.TECNICO], ["019"], username="aforador19"),
        )


def factura_tipo():
    from ecuapass.despacho.models import TipoDocumentoSoporte

    return TipoDocumentoSoporte.objects.get(code="01")


def employee_of(party, *, options=()):
    """An employee of ``party``'s operator acting as its code, holding only menu ``options``."""
    from ecuapass.accounts.models import Grant, User
    from ecuapass.portal.models import GrantedOption, MenuEntry

    user = User.objects.create_user(
        party.operator.ruc,
        f"empleado{next(_invoices)}",
        "Empleado.Prueba.2026",
        operator=party.operator,
        kind=User.Kind.EMPLEADO,
    )
    grant = Grant.objects.create(user=user, oce_code=party.oce)
    for number in options:
        entry = MenuEntry.objects.get(number=number)
        GrantedOption.objects.create(grant=grant, entry=entry)
    return user
