"""Demo cargo (listed in the README): a carrier and a consolidator with their users, a vessel
arriving at Guayaquil with masters and houses, the depósito's IMDT and novedades of each kind,
and a DAI of the demo broker declaring the house consigned to the demo importer.

| RUC            | ID Usuario    | Contraseña            | who |
|----------------|---------------|-----------------------|-----|
| 0992011009001  | naviera       | Naviera.Demo.2026     | Línea naviera (tipo 09, código 09920110) |
| 0992033002001  | consolidadora | Consolidadora.Demo.2026 | Consolidadora de carga (tipo 06, código 09920330) |

Runs after the accounts, customs and despacho demo data; every document goes through the real
engine. Idempotent: nothing is added when the demo carrier already filed a manifest.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ecuapass.core.loading import LoadReport, upsert

CARRIER = {
    "ruc": "0992011009001",
    "legal_name": "Naviera Demo del Pacífico S.A.",
    "type": "09",
    "code": "09920110",
    "description": "Línea naviera",
    "username": "naviera",
    "password": "Naviera.Demo.2026",
    "first_name": "Rosa",
    "last_name": "Mendoza Ávila",
    "id_number": "0914567893",
    "email": "operaciones@naviera-demo.example",
}
CONSOLIDATOR = {
    "ruc": "0992033002001",
    "legal_name": "Consolidadora Demo de Carga S.A.",
    "type": "06",
    "code": "09920330",
    "description": "Consolidadora de carga",
    "username": "consolidadora",
    "password": "Consolidadora.Demo.2026",
    "first_name": "Diego",
    "last_name": "Zambrano Ruiz",
    "id_number": "0915678904",
    "email": "carga@consolidadora-demo.example",
}
IMPORTER_RUC = "0991003002001"
IMPORTER_NAME = "Comercial Demo del Pacífico S.A."
BROKER_CODE = "17910020"
BROKER_USER = ("1791002008001", "representante")
DEPOSIT_CODE = "09920050"
DEPOSIT_USER = ("0992005009001", "bodega")
TARGET = "Carga de demostración"


def _actor(data, report):
    from ecuapass.accounts.models import OceCode, OceRegistration, Operator, User
    from ecuapass.core.models import OceType

    operator = upsert(
        Operator,
        {"ruc": data["ruc"]},
        {
            "legal_name": data["legal_name"],
            "kind": Operator.Kind.SOCIEDAD,
            "address": "Av. de la Marina, Guayaquil",
            "email": data["email"],
            "phone": "04 270 0000",
        },
        report,
    )
    registration = upsert(
        OceRegistration,
        {"operator": operator, "oce_type": OceType.objects.get(code=data["type"])},
        {"state": OceRegistration.State.ACTIVE},
        report,
    )
    oce = upsert(
        OceCode,
        {"code": data["code"]},
        {
            "registration": registration,
            "description": data["description"],
            "state": OceCode.State.ACTIVE,
        },
        report,
    )
    user = upsert(
        User,
        {"login_ruc": data["ruc"], "username": data["username"]},
        {
            "operator": operator,
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "id_number": data["id_number"],
            "email": data["email"],
            "kind": User.Kind.REPRESENTANTE,
            "state": User.State.ACTIVE,
            "is_active": True,
        },
        report,
    )
    if not user.check_password(data["password"]):
        user.set_password(data["password"])
        user.save(update_fields=["password"])
    return oce, user


def _doc(numero, consignatario, bultos, peso, flete, descripcion, contenedor=None):
    return {
        "numero": numero,
        "embarcador": "Shanghai Export Trading Co.",
        "consignatario": consignatario,
        "deposito": DEPOSIT_CODE,
        "bultos": bultos,
        "peso": peso,
        "volumen": "28.000",
        "descripcion": descripcion,
        "flete": flete,
        "contenedores": [contenedor] if contenedor else [],
    }


def _file(doc_type, payload, user, oce):
    from ecuapass.edocs import services

    serializer = doc_type.serializer_class()(data=payload)
    serializer.is_valid(raise_exception=True)
    edoc = services.submit_payload(
        doc_type, serializer.validated_data, raw=payload, user=user, oce=oce, channel="S"
    ).envio.document
    services.process(edoc.pk)
    edoc.refresh_from_db()
    return edoc


def load(report: LoadReport) -> None:
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.customs.payloads import COFFEE, dai_payload_for
    from ecuapass.edocs import registry
    from ecuapass.edocs.models import EDocument

    from . import services

    carrier_oce, carrier_user = _actor(CARRIER, report)
    consolidator_oce, consolidator_user = _actor(CONSOLIDATOR, report)
    if EDocument.objects.filter(filer_oce=carrier_oce, doc_type="MAN").exists():
        report.add(TARGET, "unchanged")
        return
    deposit_oce = OceCode.objects.filter(code=DEPOSIT_CODE).first()
    deposit_user = User.objects.filter(login_ruc=DEPOSIT_USER[0], username=DEPOSIT_USER[1]).first()
    broker_oce = OceCode.objects.filter(code=BROKER_CODE).first()
    broker_user = User.objects.filter(login_ruc=BROKER_USER[0], username=BROKER_USER[1]).first()
    if not (deposit_oce and deposit_user and broker_oce and broker_user):
        report.write("carga demo: faltan el depósito o el agente de demostración; se omite.")
        return
    importer = {"ruc": IMPORTER_RUC, "nombre": IMPORTER_NAME}
    consolidator = {"ruc": CONSOLIDATOR["ruc"], "nombre": CONSOLIDATOR["legal_name"]}
    now = timezone.now()
    # The vessel: a consolidated master, a master for the importer, and a late one (manifest
    # sent 24 h before the arrival: the 48 h of art. 31 were not met).
    manifest = _file(
        registry.get("MAN"),
        {
            "tipo_documento": "MAN",
            "modo": "maritimo",
            "trayecto": "largo",
            "transportista_codigo": "NDPU",
            "medio_transporte": {
                "nombre": "PACIFIC DEMO STAR",
                "identificacion": "9400001",
                "viaje": "PD001E",
            },
            "distrito": "028",
            "puerto_embarque": "CNSHA",
            "puerto_llegada": "ECGYE",
            "fecha_estimada_llegada": (now + timedelta(hours=24)).isoformat(),
            "documentos": [
                _doc(
                    "NDPUSH0001",
                    consolidator,
                    32,
                    "1200.000",
                    "1500.00",
                    "Carga consolidada",
                    {"numero": "NDPU1000001", "sellos": ["ND-0001"]},
                ),
                _doc(
                    "NDPUSH0002",
                    importer,
                    20,
                    "520.000",
                    "1000.00",
                    "Café tostado en grano",
                    {"numero": "NDPU1000002", "sellos": ["ND-0002"]},
                ),
            ],
        },
        carrier_user,
        carrier_oce,
    )
    mrn = manifest.document_number
    report.add(TARGET, "inserted")
    houses = _file(
        registry.get("MAN-H"),
        {
            "tipo_documento": "MAN-H",
            "mrn": mrn,
            "msn": "0001",
            "documentos": [
                _doc("HBLDEMO0001", importer, 20, "520.000", "1000.00", "Café tostado en grano"),
                _doc(
                    "HBLDEMO0002",
                    {"ruc": "", "nombre": "Consignatario extranjero en tránsito"},
                    12,
                    "680.000",
                    "500.00",
                    "Repuestos",
                ),
            ],
        },
        consolidator_user,
        consolidator_oce,
    )
    report.add(TARGET, "inserted" if houses.estado_documento == "aceptado" else "rejected")
    services.registrar_llegada(
        manifest, fecha_hora=now - timedelta(hours=6), user=carrier_user, oce=carrier_oce
    )
    # The depósito: IMDT with a faltante (house 0001), a broken seal (master 0002), a damage.
    when = now - timedelta(hours=4)
    house = services.documento_del_deposito(deposit_oce, mrn, "0001", "0001")
    services.registrar_ingreso(
        house, oce=deposit_oce, user=deposit_user, bultos=19, peso=Decimal("495"), fecha_hora=when
    )
    master = services.documento_del_deposito(deposit_oce, mrn, "0002")
    services.registrar_ingreso(
        master,
        oce=deposit_oce,
        user=deposit_user,
        bultos=20,
        peso=Decimal("520"),
        fecha_hora=when,
        contenedores=[{"numero": "NDPU1000002", "sellos": ["ND-9999"]}],
    )
    services.registrar_novedad(
        master,
        oce=deposit_oce,
        user=deposit_user,
        novedad="danio",
        fase="almacenamiento",
        fecha_hora=when + timedelta(hours=1),
        observacion="Dos sacos rotos por la maniobra de la grúa.",
        bultos=2,
    )
    # The broker declares the house consigned to the demo importer.
    broker = {"ruc": BROKER_USER[0], "nombre": broker_oce.registration.operator.legal_name}
    year = timezone.localdate().year
    _file(
        registry.get("DAI"),
        dai_payload_for(
            broker,
            importer,
            BROKER_CODE,
            f"DEMO-{year}-CARGA-1",
            [COFFEE],
            documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0001"},
            fecha_llegada=timezone.localdate().isoformat(),
        ),
        broker_user,
        broker_oce,
    )
    report.add(TARGET, "inserted")
