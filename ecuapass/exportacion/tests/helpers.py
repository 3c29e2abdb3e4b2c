"""Building blocks of the export tests: the world with a depósito, an agente de carga, the banana
and rose lines of the tariff, the control catalog, and DAEs in each state."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from ecuapass.edocs import registry, services
from ecuapass.exportacion.demo_data import (  # the demo's items and certificates, for the tests
    BANANAS,
    ROSAS,  # noqa: F401 - the tests read it from here
    certificate_for,
    issue_certificates,
    with_certificate,
)
from tests.support.world import (
    BROKER_CODE,
    BROKER_NAME,
    BROKER_RUC,
    IMPORTER_NAME,
    IMPORTER_RUC,
    make_party,
)

DEPOSITO_RUC = "0992005009001"
DEPOSITO_NAME = "Depósito Temporal Demo del Puerto S.A."
DEPOSITO_CODE = "09920050"
OTRO_DEPOSITO_CODE = "09920051"
CARGA_CODE = "29000003"
_n = itertools.count(1)


def load_export_lines() -> None:
    """Banana and rose lines (sample) on top of the test world's tariff, and the control catalog."""
    from ecuapass.core.loading import LoadReport
    from ecuapass.exportacion import reference_data
    from ecuapass.tariff.models import Commodity, Section

    section, _ = Section.objects.get_or_create(number=2, defaults={"roman": "II", "title_es": "II"})
    for code, description in (
        ("0803901100", "Bananas tipo Cavendish Valery, frescas"),
        ("0603110000", "Rosas frescas cortadas"),
    ):
        parent = None
        for level in (2, 4, 6, 8, 10):
            node, _ = Commodity.objects.get_or_create(
                code=code[:level],
                defaults={
                    "level": level,
                    "parent": parent,
                    "section": section,
                    "description_es": description if level == 10 else f"Nivel {code[:level]}",
                    "valid_from": date(2023, 9, 1) if level == 10 else None,
                    "sample": True,
                },
            )
            parent = node
    reference_data.load(LoadReport(write=lambda s: None))


def load_certificates(oce, user) -> None:
    """The VUE's catalog and AGROCALIDAD's demo staff, and the exporter's phytosanitary export
    certificates for bananas and roses issued through the VUE (as the demo data does)."""
    from ecuapass.core.loading import LoadReport
    from ecuapass.vue import reference_data
    from ecuapass.vue.demo_data import load_staff

    report = LoadReport(write=lambda s: None)
    reference_data.load(report)
    load_staff(report)
    issue_certificates(oce, user)


def item(base: dict, **over) -> dict:
    """A demo item naming the exporter's certificate for its subpartida."""
    from ecuapass.accounts.models import Operator

    return {**with_certificate(base, Operator.objects.get(ruc=IMPORTER_RUC)), **over}


def certificate(base: dict = BANANAS):
    from ecuapass.accounts.models import Operator

    return certificate_for(Operator.objects.get(ruc=IMPORTER_RUC), base["subpartida"])


def deposito_party(code=DEPOSITO_CODE, username="bodega"):
    return make_party(DEPOSITO_RUC, DEPOSITO_NAME, "04", code, username=username)


def carga_party():
    return make_party(IMPORTER_RUC, IMPORTER_NAME, "07", CARGA_CODE, username="carga")


def dae_payload(*, items=None, by_broker=False, **overrides) -> dict:
    declarante = (
        {"ruc": BROKER_RUC, "nombre": BROKER_NAME}
        if by_broker
        else {"ruc": IMPORTER_RUC, "nombre": IMPORTER_NAME}
    )
    payload = {
        "tipo_documento": "DAE",
        "distrito": "028",
        "regimen": "40",
        "declarante": {**declarante, "codigo_oce": BROKER_CODE if by_broker else "29000001"},
        "exportador": {"ruc": IMPORTER_RUC, "nombre": IMPORTER_NAME},
        "pais_destino": "NL",
        "puerto_embarque": "ECGYE",
        "via_transporte": "maritima",
        "deposito": DEPOSITO_CODE,
        "fecha_embarque_estimada": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "factura": {"numero": f"EXP-{next(_n):05d}", "fecha": timezone.localdate().isoformat()},
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "bultos": 1200,
        "items": items if items is not None else [item(BANANAS)],
    }
    payload.update(overrides)
    return payload


def submit(party, payload, code="DAE"):
    doc_type = registry.get(code)
    serializer = doc_type.serializer_class()(data=payload)
    assert serializer.is_valid(), serializer.errors
    return services.submit_payload(
        doc_type,
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document


def accepted_dae(party, **overrides):
    edoc = submit(party, dae_payload(**overrides))
    outcome = services.process(edoc.pk)
    assert outcome == "aceptado", list(edoc.errors.values_list("code", "message"))
    edoc.refresh_from_db()
    return edoc


def ingreso_data(**over) -> dict:
    data = {
        "bultos": 1200,
        "peso_bruto": Decimal("23400"),
        "contenedores": "MSKU1234565 / SELLO 00123",
        "fecha_hora": timezone.now() - timedelta(hours=1),
        "observacion": "",
    }
    data.update(over)
    return data


def manifiesto_payload(daes, *, salida=None, **over) -> dict:
    salida = salida or (timezone.now() - timedelta(hours=2))
    payload = {
        "tipo_documento": "MEX",
        "distrito": "028",
        "via_transporte": "maritima",
        "declarante": {"ruc": IMPORTER_RUC, "nombre": IMPORTER_NAME, "codigo_oce": CARGA_CODE},
        "transportista": {"ruc": "0990017514001", "nombre": "Naviera Demo del Pacífico S.A."},
        "nave_vuelo": "MSC ROTTERDAM",
        "viaje": "026E",
        "puerto_embarque": "ECGYE",
        "fecha_salida": salida.isoformat(),
        "items": [
            {
                "tipo": "BL",
                "documento": f"MSCUGY{n:06d}",
                "dae": dae.document_number,
                "bultos": dae.dae.bultos,
                "peso_bruto": str(dae.dae.total_peso_bruto),
            }
            for n, dae in enumerate(daes, start=1)
        ],
    }
    payload.update(over)
    return payload
