"""Demo data of the export trámite (listed in the README).

* Users: ``exportador`` (employee of the demo company, code 29000002 Exportaciones, every option)
  and ``carga`` (employee of the demo company, code 29000003 Agente de Carga de Exportación).
  The depósito is the demo ``bodega`` (09920050).
* The sample export lines of the tariff (``data/arancel_exportacion_muestra.csv``: bananas,
  roses, shrimp, cacao), loaded like the sample arancel.
* DAEs of the demo exporter through the real engine and services (canal automático chosen here
  so each state is shown; the product asks the motor de riesgo):

| factura        | mercancía                    | estado                                   |
|----------------|------------------------------|------------------------------------------|
| DEMO-EXP-01    | bananas → Rotterdam, marítima | aceptada, por ingresar al depósito       |
| DEMO-EXP-02    | bananas → Rotterdam, marítima | salida autorizada (ingreso con novedad)  |
| DEMO-EXP-03    | rosas → Miami, aérea          | embarcada (manifiesto aéreo), por regularizar |
| DEMO-EXP-04    | bananas → Rotterdam, marítima | regularizada                             |

* The exporter's phytosanitary export certificates (AGROCALIDAD ``AGRO-CFE``, for bananas and for
  roses) issued through the Ventanilla Única (request, tasa paid, issued by the técnico); each DAE
  item names its certificate, discharged when the DAE is accepted.

Idempotent: nothing is added when the exporter already has DEMO-EXP- documents (a certificate is
issued again only when none in force with balance is left).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from ecuapass.core.loading import LoadReport, upsert

from .reference_data import DATA

IMPORTER_RUC = "0991003002001"
EXPORT_CODE = "29000002"
CARGA_CODE = "29000003"
DEPOSITO_CODE = "09920050"
PREFIX = "DEMO-EXP-"
TARGET = "DAE de demostración"
USERS = [
    # username, password, code, first name, last name, id number
    ("exportador", "Exportador.Demo.2026", EXPORT_CODE, "Andrea", "Zambrano Vera", "0923456791"),
    ("carga", "Carga.Demo.2026", CARGA_CODE, "Luis", "Mendoza Reyes", "0934567892"),
]

BANANAS = {
    "subpartida": "0803.90.11.00",
    "descripcion": "Bananas Cavendish frescas, cajas de 18,14 kg",
    "pais_origen": "EC",
    "cantidad_fisica": "21772.8",
    "unidad_fisica": "KG",
    "cantidad_comercial": "1200",
    "unidad_comercial": "U",
    "peso_neto": "21772.8",
    "peso_bruto": "23400",
    "fob": "8400.00",
    "documento_control_tipo": "FITO",
    "documento_control_numero": "",  # the exporter's certificate (``with_certificate``)
}
ROSAS = {
    "subpartida": "0603.11.00.00",
    "descripcion": "Rosas frescas cortadas, tabacos de 25 tallos",
    "pais_origen": "EC",
    "cantidad_fisica": "800",
    "unidad_fisica": "KG",
    "cantidad_comercial": "4000",
    "unidad_comercial": "U",
    "peso_neto": "800",
    "peso_bruto": "950",
    "fob": "6000.00",
    "documento_control_tipo": "FITO",
    "documento_control_numero": "",  # the exporter's certificate (``with_certificate``)
}
# The demo exporter's phytosanitary export certificates (AGROCALIDAD, AGRO-CFE), issued through the
# Ventanilla Única: (item, quantity authorised in KG, destination).
CERTIFICADO = "AGRO-CFE"
CERTIFICADOS = [(BANANAS, "250000", "Países Bajos"), (ROSAS, "20000", "Estados Unidos")]


def certificate_for(operator, subpartida: str):
    """The exporter's AGRO-CFE certificate in force today with balance for ``subpartida``."""
    from ecuapass.customs.services import normalize_subpartida
    from ecuapass.vue.models import DocumentoEmitido

    today = timezone.localdate()
    return (
        DocumentoEmitido.objects.filter(
            titular=operator,
            tipo__code=CERTIFICADO,
            estado=DocumentoEmitido.Estado.VIGENTE,
            valido_desde__lte=today,
            valido_hasta__gte=today,
            saldos__subpartida=normalize_subpartida(subpartida),
            saldos__descargado__lt=F("saldos__autorizado"),
        )
        .order_by("-valido_hasta", "-pk")
        .first()
    )


def issue_certificates(oce, user, report: LoadReport | None = None) -> None:
    """A certificate for bananas and one for roses, through the VUE's engine and lifecycle (the
    request filed, its tasa paid, issued by the AGROCALIDAD técnico), unless one in force with
    balance exists: idempotent."""
    from ecuapass.vue.demo_data import file_demo, pay_and_issue

    operator = oce.registration.operator
    today = timezone.localdate()
    for item, cantidad, destino in CERTIFICADOS:
        if certificate_for(operator, item["subpartida"]) is not None:
            continue
        producto = {
            "subpartida": item["subpartida"],
            "descripcion": item["descripcion"][:300],
            "cantidad": cantidad,
            "unidad": "KG",
        }
        datos = {
            "pais_destino": destino,
            "fecha_inspeccion": (today + timedelta(days=1)).isoformat(),
        }
        edoc = file_demo(oce, user, CERTIFICADO, [producto], datos)
        pay_and_issue(edoc, note="Inspección fitosanitaria en el depósito antes del embarque.")
        if report is not None:
            report.add("certificados fitosanitarios de exportación (VUE)", "inserted")


def with_certificate(item: dict, operator) -> dict:
    """The item naming the exporter's certificate for its subpartida (as filed in the DAE)."""
    certificate = certificate_for(operator, item["subpartida"])
    return {**item, "documento_control_numero": certificate.numero if certificate else ""}


def _users(report: LoadReport) -> dict:
    from ecuapass.accounts.models import Grant, OceCode, Operator, User

    operator = Operator.objects.filter(ruc=IMPORTER_RUC).first()
    if operator is None:
        return {}
    users = {}
    for username, password, code, first, last, id_number in USERS:
        oce = OceCode.objects.filter(code=code).first()
        if oce is None:
            continue
        user = upsert(
            User,
            {"login_ruc": IMPORTER_RUC, "username": username},
            {
                "operator": operator,
                "first_name": first,
                "last_name": last,
                "id_number": id_number,
                "email": f"{username}@demo-pacifico.example",
                "kind": User.Kind.EMPLEADO,
                "state": User.State.ACTIVE,
                "is_active": True,
            },
            report,
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        upsert(
            Grant,
            {"user": user, "oce_code": oce},
            {"all_options": True, "approved": True},
            report,
        )
        users[username] = (user, oce)
    return users


def load(report: LoadReport) -> None:
    from ecuapass.despacho.services import canal_decided
    from ecuapass.edocs import registry
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.models import EDocument
    from ecuapass.tariff.services.loaders import load_arancel_path

    from . import reference_data, services

    reference_data.load(report)
    load_arancel_path(DATA / "arancel_exportacion_muestra.csv", sample=True)
    users = _users(report)
    if set(users) != {"exportador", "carga"}:
        report.write("exportación demo: faltan la empresa de demostración o sus códigos.")
        return
    exporter, export_oce = users["exportador"]
    carga_user, carga_oce = users["carga"]
    from ecuapass.vue.demo_data import load_staff

    load_staff(report)  # AGROCALIDAD's técnico issues the certificates
    issue_certificates(export_oce, exporter, report)
    if EDocument.objects.filter(filer_oce=export_oce, reference__startswith=PREFIX).exists():
        report.add(TARGET, "unchanged")
        return
    from ecuapass.accounts.models import OceCode, User

    deposito_oce = OceCode.objects.filter(code=DEPOSITO_CODE).first()
    bodega = User.objects.filter(username="bodega", operator__ruc="0992005009001").first()
    if deposito_oce is None or bodega is None:
        report.write("exportación demo: falta el depósito de demostración (bodega).")
        return
    operator = export_oce.registration.operator
    party = {"ruc": operator.ruc, "nombre": operator.legal_name}
    today = timezone.localdate()

    def dae(n, item, *, destino, puerto, via, bultos):
        payload = {
            "tipo_documento": "DAE",
            "distrito": "028" if via == "maritima" else "019",
            "regimen": "40",
            "declarante": {**party, "codigo_oce": EXPORT_CODE},
            "exportador": party,
            "pais_destino": destino,
            "puerto_embarque": puerto,
            "via_transporte": via,
            "deposito": DEPOSITO_CODE,
            "fecha_embarque_estimada": (today + timedelta(days=2)).isoformat(),
            "factura": {"numero": f"{PREFIX}{n:02d}", "fecha": today.isoformat()},
            "incoterm": "FOB",
            "moneda": "USD",
            "tipo_cambio": "1",
            "bultos": bultos,
            "items": [with_certificate(item, operator)],
        }
        doc_type = registry.get("DAE")
        serializer = doc_type.serializer_class()(data=payload)
        serializer.is_valid(raise_exception=True)
        edoc = edocs.submit_payload(
            doc_type,
            serializer.validated_data,
            raw=payload,
            user=exporter,
            oce=export_oce,
            channel="S",
        ).envio.document
        edocs.process(edoc.pk)
        edoc.refresh_from_db()
        report.add(TARGET, "inserted")
        return edoc

    def ingreso(edoc, **over):
        data = {
            "bultos": edoc.dae.bultos,
            "peso_bruto": edoc.dae.total_peso_bruto,
            "contenedores": "MSKU1234565 / SELLO 00123",
            "fecha_hora": timezone.now() - timedelta(hours=6),
            "observacion": "",
            **over,
        }
        with canal_decided("automatico"):
            services.registrar_ingreso(edoc, data, user=bodega, oce=deposito_oce)
        edoc.refresh_from_db()

    def embarque(edocs_, *, via, nave, documento):
        payload = {
            "tipo_documento": "MEX",
            "distrito": edocs_[0].dae.distrito,
            "via_transporte": via,
            "declarante": {**party, "codigo_oce": CARGA_CODE},
            "transportista": (
                {"ruc": "0990017514001", "nombre": "Naviera Demo del Pacífico S.A."}
                if via == "maritima"
                else {"ruc": "1790011674001", "nombre": "Aerolínea de Carga Demo S.A."}
            ),
            "nave_vuelo": nave,
            "viaje": "026E",
            "puerto_embarque": edocs_[0].dae.puerto_embarque,
            "fecha_salida": (timezone.now() - timedelta(hours=2)).isoformat(),
            "items": [
                {
                    "tipo": "BL" if via == "maritima" else "AWB",
                    "documento": f"{documento}{n}",
                    "dae": e.document_number,
                    "bultos": e.dae.bultos,
                    "peso_bruto": str(e.dae.total_peso_bruto),
                }
                for n, e in enumerate(edocs_, start=1)
            ],
        }
        doc_type = registry.get("MEX")
        serializer = doc_type.serializer_class()(data=payload)
        serializer.is_valid(raise_exception=True)
        mex = edocs.submit_payload(
            doc_type,
            serializer.validated_data,
            raw=payload,
            user=carga_user,
            oce=carga_oce,
            channel="S",
        ).envio.document
        edocs.process(mex.pk)

    dae(1, BANANAS, destino="NL", puerto="ECGYE", via="maritima", bultos=1200)
    second = dae(2, BANANAS, destino="NL", puerto="ECGYE", via="maritima", bultos=1200)
    if second.estado_documento != "aceptado":
        report.write("exportación demo: la DAE de demostración fue rechazada.")
        return
    ingreso(second, bultos=1190)
    roses = dae(3, ROSAS, destino="US", puerto="GYE", via="aerea", bultos=160)
    ingreso(roses)
    embarque([roses], via="aerea", nave="UX 0421", documento="145-2026000")
    done = dae(4, BANANAS, destino="NL", puerto="ECGYE", via="maritima", bultos=1200)
    ingreso(done)
    embarque([done], via="maritima", nave="MSC ROTTERDAM", documento="MSCUGY26000")
    done.refresh_from_db()
    services.regularizar(
        done,
        {
            "documento_transporte": done.dae.documento_transporte,
            "total_fob_final": Decimal("8350.00"),
            "peso_neto_final": Decimal("21772.8"),
        },
        user=exporter,
        oce=export_oce,
    )
