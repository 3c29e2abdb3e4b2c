"""Demo DAIs of the demo broker for the demo importer in every canal and aforo state.

Runs after the customs, officers and risk demo data (INSTALLED_APPS order). Every document goes
through the real engine and the despacho's services, as the técnico ``aforador`` of distrito 028
would take it; only the canal is chosen here (``services.canal_decided``) instead of the motor
de riesgo, so that each canal is shown. Idempotent: nothing is added when the broker already has
DEMO-AFORO- documents.

| factura         | canal                | estado                                                  |
|-----------------|----------------------|---------------------------------------------------------|
| DEMO-AFORO-01   | documental           | canal asignado, sin iniciar, plazo vencido              |
| DEMO-AFORO-02   | documental           | en aforo: factura comercial solicitada (por subir)      |
| DEMO-AFORO-03   | electrónico          | en aforo: observación por responder                     |
| DEMO-AFORO-04   | físico intrusivo     | en aforo: inspección programada en el depósito 09920050 |
| DEMO-AFORO-05   | físico no intrusivo  | aforo cerrado conforme (inspección sin novedad)         |
| DEMO-AFORO-06   | documental           | corrección aceptada → liquidación complementaria, multa |
| DEMO-AFORO-07   | documental           | en aforo: corrección propuesta por aceptar o impugnar   |
| DEMO-AFORO-08   | automático           | aforo cerrado sin intervención                          |
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ecuapass.core.loading import LoadReport

TARGET = "DAI de demostración en aforo"
PREFIX = "DEMO-AFORO-"
SENAE_RUC = "0968562020001"


def load(report: LoadReport) -> None:
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.customs.demo_data import BROKER_CODE, BROKER_RUC, BROKER_USER, IMPORTER_RUC
    from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES, dai_payload_for
    from ecuapass.customs.serializers import DaiSerializer
    from ecuapass.edocs import registry
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.models import EDocument
    from ecuapass.officers.models import Officer

    from . import reference_data, services
    from .models import AforoCase, TipoDocumentoSoporte

    broker_oce = (
        OceCode.objects.select_related("registration__operator").filter(code=BROKER_CODE).first()
    )
    broker_user = User.objects.filter(login_ruc=BROKER_RUC, username=BROKER_USER).first()
    importer = (
        OceCode.objects.select_related("registration__operator")
        .filter(registration__operator__ruc=IMPORTER_RUC, registration__oce_type__code="16")
        .first()
    )
    tecnico = Officer.objects.filter(user__login_ruc=SENAE_RUC, user__username="aforador").first()
    if not (broker_oce and broker_user and importer and tecnico):
        report.write(
            "despacho demo: faltan el agente, el importador o el aforador de demostración."
        )
        return
    if EDocument.objects.filter(filer_oce=broker_oce, reference__startswith=PREFIX).exists():
        report.add(TARGET, "unchanged")
        return
    reference_data.load(report)  # the catalogs the actions use (idempotent)
    broker = {"ruc": BROKER_RUC, "nombre": broker_oce.registration.operator.legal_name}
    client = {"ruc": IMPORTER_RUC, "nombre": importer.registration.operator.legal_name}
    dai_type = registry.get("DAI")

    def send(n: int, canal: str, items) -> AforoCase | None:
        payload = dai_payload_for(broker, client, BROKER_CODE, f"{PREFIX}{n:02d}", list(items))
        serializer = DaiSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        edoc = edocs.submit_payload(
            dai_type,
            serializer.validated_data,
            raw=payload,
            user=broker_user,
            oce=broker_oce,
            channel="S",
        ).envio.document
        with services.canal_decided(canal):
            edocs.process(edoc.pk)
        report.add(TARGET, "inserted")
        case = AforoCase.objects.filter(edoc=edoc).first()
        if case is not None and case.tecnico_id != tecnico.pk:
            case.tecnico = tecnico  # the demo shows the aforador's own bandeja
            case.save(update_fields=["tecnico"])
        return case

    def started(n, canal, items):
        case = send(n, canal, items)
        services.start(case, officer=tecnico)
        return case

    factura = TipoDocumentoSoporte.objects.get(code="01")
    as_broker = {"user": broker_user, "oce": broker_oce}

    late = send(1, "documental", [COFFEE])
    AforoCase.objects.filter(pk=late.pk).update(due_on=timezone.now() - timedelta(hours=3))

    services.request_documents(
        started(2, "documental", [LAPTOPS]),
        [factura],
        "Factura comercial firmada.",
        officer=tecnico,
    )
    services.observe(
        started(3, "electronico", [SHOES]),
        "Explique el descuento del 15 % que figura en la factura.",
        officer=tecnico,
    )
    deposito = OceCode.objects.filter(code="09920050").first()
    services.schedule_inspection(
        started(4, "fisico_intrusivo", [SHOES, COFFEE]),
        when=timezone.now() + timedelta(days=1),
        place="Patio de contenedores, bodega 3",
        deposito=deposito,
        officer=tecnico,
    )
    scanned = started(5, "fisico_no_intrusivo", [LAPTOPS])
    inspection = services.schedule_inspection(
        scanned,
        when=timezone.now() + timedelta(hours=2),
        place="Escáner del puerto",
        officer=tecnico,
    )
    services.record_inspection(
        inspection,
        outcome="sin_novedad",
        findings="Imagen conforme a lo declarado.",
        officer=tecnico,
    )
    services.close_aforo(scanned, resultado="conforme", note="Sin novedad.", officer=tecnico)

    undervalued = started(6, "documental", [COFFEE, LAPTOPS])
    correction = services.propose_correction(
        undervalued,
        field="fob",
        item_numero=2,
        new_value="30000",
        reason="La transferencia bancaria al proveedor es de 30.000 USD.",
        officer=tecnico,
    )
    services.respond_correction(correction, accept=True, response="De acuerdo.", **as_broker)
    services.close_aforo(
        undervalued,
        resultado="con_novedad",
        note="Valor FOB del ítem 2 corregido según la transferencia bancaria.",
        multas=[services.MultaInput("C-190-D", "Diferencia de valor detectada en el aforo.")],
        officer=tecnico,
    )
    services.propose_correction(
        started(7, "documental", [SHOES]),
        field="cantidad_fisica",
        item_numero=1,
        new_value="240",
        reason="La lista de empaque indica 240 pares.",
        officer=tecnico,
    )
    send(8, "automatico", [COFFEE])
