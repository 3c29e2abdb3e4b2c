"""Demo DAIs so 1.1 and 1.3 show real content: drafts, accepted, rejected, received.

Runs after the accounts and tariff demo data. Every document goes through the
real engine (submit → process). Idempotent: nothing is added when the demo
importer already has DEMO- documents.
"""

from __future__ import annotations

from django.utils import timezone

from ecuapass.core.loading import LoadReport
from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES, dai_payload_for

IMPORTER_RUC = "0991003002001"
IMPORTER_CODE = "29000001"
IMPORTER_USER = "demo"
BROKER_RUC = "1791002008001"
BROKER_CODE = "17910020"
BROKER_USER = "representante"
TARGET = "DAI de demostración"


PHONES = {
    "subpartida": "8517.13.00.00",
    "descripcion": "Teléfonos inteligentes 128 GB",
    "pais_origen": "CN",
    "cantidad_fisica": "300",
    "unidad_fisica": "U",
    "cantidad_comercial": "300",
    "unidad_comercial": "U",
    "peso_neto": "60",
    "peso_bruto": "75",
    "fob": "45000.00",
    "flete": "900.00",
    "seguro": "450.00",
}


def load(report: LoadReport) -> None:
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.edocs import registry, services
    from ecuapass.edocs.models import EDocument

    from .serializers import DaiSerializer

    importer_oce = (
        OceCode.objects.select_related("registration__operator", "registration__oce_type")
        .filter(code=IMPORTER_CODE)
        .first()
    )
    importer_user = User.objects.filter(login_ruc=IMPORTER_RUC, username=IMPORTER_USER).first()
    broker_oce = (
        OceCode.objects.select_related("registration__operator", "registration__oce_type")
        .filter(code=BROKER_CODE)
        .first()
    )
    broker_user = User.objects.filter(login_ruc=BROKER_RUC, username=BROKER_USER).first()
    if not (importer_oce and importer_user):
        report.write(
            "customs demo: no existe el importador de demostración (0991003002001 / demo); se omiten las DAI."
        )
        return
    if EDocument.objects.filter(filer_oce=importer_oce, reference__startswith="DEMO-").exists():
        report.add(TARGET, "unchanged")
        return
    me = {"ruc": IMPORTER_RUC, "nombre": importer_oce.registration.operator.legal_name}
    dai = registry.get("DAI")

    def send(user, oce, payload, channel, process=True):
        s = DaiSerializer(data=payload)
        s.is_valid(raise_exception=True)
        if channel == "P":
            edoc = services.create_draft(dai, oce=oce, user=user)
            dai.build_from_payload(edoc, s.validated_data)
            services.submit(edoc, user=user, oce=oce, channel="P")
        else:
            edoc = services.submit_payload(
                dai, s.validated_data, raw=payload, user=user, oce=oce, channel="S"
            ).envio.document
        if process:
            services.process(edoc.pk)
        report.add(TARGET, "inserted")
        return edoc

    year = timezone.localdate().year
    send(
        importer_user,
        importer_oce,
        dai_payload_for(me, me, IMPORTER_CODE, f"DEMO-{year}-0001", [COFFEE, LAPTOPS, SHOES]),
        "P",
    )
    send(
        importer_user,
        importer_oce,
        dai_payload_for(me, me, IMPORTER_CODE, f"DEMO-{year}-0002", [PHONES]),
        "S",
    )
    # Rejected: an unknown district (transmission error) and a wrong importer name (business rule).
    send(
        importer_user,
        importer_oce,
        dai_payload_for(me, me, IMPORTER_CODE, f"DEMO-{year}-0003", [COFFEE], distrito="999"),
        "P",
    )
    send(
        importer_user,
        importer_oce,
        dai_payload_for(
            me,
            {"ruc": IMPORTER_RUC, "nombre": "COMERCIAL DEMO PACIFICO"},
            IMPORTER_CODE,
            f"DEMO-{year}-0004",
            [LAPTOPS],
            fecha_llegada="2025-11-01",
        ),
        "S",
    )
    # Received, waiting for the worker (`manage.py db_worker` processes it).
    send(
        importer_user,
        importer_oce,
        dai_payload_for(me, me, IMPORTER_CODE, f"DEMO-{year}-0005", [SHOES]),
        "S",
        process=False,
    )
    # Drafts ("Guardar temporal").
    for invoice, items in (
        (f"DEMO-{year}-0006", [COFFEE, SHOES]),
        (f"DEMO-{year}-0007", [LAPTOPS]),
    ):
        s = DaiSerializer(data=dai_payload_for(me, me, IMPORTER_CODE, invoice, items))
        s.is_valid(raise_exception=True)
        edoc = services.create_draft(dai, oce=importer_oce, user=importer_user)
        dai.build_from_payload(edoc, s.validated_data)
        edoc.reference = invoice
        edoc.save(update_fields=["reference"])
        report.add(TARGET, "inserted")
    if broker_oce and broker_user:
        broker = {"ruc": BROKER_RUC, "nombre": broker_oce.registration.operator.legal_name}
        send(
            broker_user,
            broker_oce,
            dai_payload_for(broker, me, BROKER_CODE, f"DEMO-{year}-0101", [COFFEE, PHONES]),
            "S",
        )
        send(
            broker_user,
            broker_oce,
            dai_payload_for(broker, me, BROKER_CODE, f"DEMO-{year}-0001", [LAPTOPS]),
            "P",
        )  # duplicate invoice
    else:
        report.write(
            "customs demo: no existe el agente de aduana de demostración (1791002008001); se omiten sus DAI."
        )
