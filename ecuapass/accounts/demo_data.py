"""Demo identities of the access guide (listed in the README).

| RUC / cédula   | ID Usuario    | Contraseña          | who |
|----------------|---------------|---------------------|-----|
| 0991003002001  | demo          | Demo.Ecuapass.2026  | Representante, importer/exporter: 2 tipos de OCE, 3 códigos |
| 1791002008001  | representante | Agente.Demo.2026    | Representante of the customs broker (acts for the demo importer) |
| 1791002008001  | empleado      | Empleado.Demo.2026  | Employee of the broker: code 17910020, options 1.3 and 2.1.1 only |
| 0992005009001  | bodega        | Deposito.Demo.2026  | Representante of a depósito temporal |
| 1710000009     | ciudadano     | Ciudadano.Demo.2026 | Usuario General (cédula in the RUC field) |
| 0968562020001  | funcionario   | Senae.Admin.2026    | SENAE officer, superuser of the back office |
"""

from __future__ import annotations

from ecuapass.core.loading import LoadReport, upsert
from ecuapass.core.models import OceType

from .models import BrokerClient, Grant, OceCode, OceRegistration, Operator, User

IMPORTER_RUC = "0991003002001"
BROKER_RUC = "1791002008001"
DEPOSIT_RUC = "0992005009001"
SENAE_RUC = "0968562020001"
CITIZEN_ID = "1710000009"

OPERATORS = [
    {
        "ruc": IMPORTER_RUC,
        "legal_name": "Comercial Demo del Pacífico S.A.",
        "kind": Operator.Kind.SOCIEDAD,
        "address": "Av. 9 de Octubre 100 y Malecón, Guayaquil",
        "email": "comercio@demo-pacifico.example",
        "phone": "04 200 0000",
        "registrations": {
            "16": [("29000001", "Importaciones Guayaquil"), ("29000002", "Exportaciones")],
            "07": [("29000003", "Carga de exportación")],
        },
    },
    {
        "ruc": BROKER_RUC,
        "legal_name": "Agencia Aduanera Demo Andina Cía. Ltda.",
        "kind": Operator.Kind.SOCIEDAD,
        "address": "Av. Amazonas N24-100, Quito",
        "email": "operaciones@aduanera-andina.example",
        "phone": "02 250 0000",
        "registrations": {"01": [("17910020", "Agente de Aduana")]},
    },
    {
        "ruc": DEPOSIT_RUC,
        "legal_name": "Depósito Temporal Demo del Puerto S.A.",
        "kind": Operator.Kind.SOCIEDAD,
        "address": "Av. de la Marina, Puerto Marítimo, Guayaquil",
        "email": "bodega@deposito-puerto.example",
        "phone": "04 260 0000",
        "registrations": {"04": [("09920050", "Depósito temporal Puerto Marítimo")]},
    },
    {
        "ruc": SENAE_RUC,
        "legal_name": "Servicio Nacional de Aduana del Ecuador - SENAE",
        "kind": Operator.Kind.PUBLICA,
        "address": "Av. 25 de Julio, Puerto Marítimo, Guayaquil",
        "email": "mesadeservicios@aduana.example",
        "phone": "1800 238 262",
        "registrations": {},
    },
]

USERS = [
    {
        "ruc": IMPORTER_RUC,
        "username": "demo",
        "password": "Demo.Ecuapass.2026",
        "operator": IMPORTER_RUC,
        "first_name": "María Fernanda",
        "last_name": "Ortega Salazar",
        "id_number": "0912345675",
        "email": "demo@demo-pacifico.example",
        "kind": User.Kind.REPRESENTANTE,
    },
    {
        "ruc": BROKER_RUC,
        "username": "representante",
        "password": "Agente.Demo.2026",
        "operator": BROKER_RUC,
        "first_name": "Carlos",
        "last_name": "Andrade Villacís",
        "id_number": "1712345675",
        "email": "representante@aduanera-andina.example",
        "kind": User.Kind.REPRESENTANTE,
    },
    {
        "ruc": BROKER_RUC,
        "username": "empleado",
        "password": "Empleado.Demo.2026",
        "operator": BROKER_RUC,
        "first_name": "Lucía",
        "last_name": "Paredes Mora",
        "id_number": "1723456781",
        "email": "empleado@aduanera-andina.example",
        "kind": User.Kind.EMPLEADO,
        "grants": [("17910020", False)],
    },
    {
        "ruc": DEPOSIT_RUC,
        "username": "bodega",
        "password": "Deposito.Demo.2026",
        "operator": DEPOSIT_RUC,
        "first_name": "Jorge",
        "last_name": "Cedeño Alvarado",
        "id_number": "0923456784",
        "email": "jefe@deposito-puerto.example",
        "kind": User.Kind.REPRESENTANTE,
    },
    {
        "ruc": CITIZEN_ID,
        "username": "ciudadano",
        "password": "Ciudadano.Demo.2026",
        "operator": None,
        "first_name": "Ana",
        "last_name": "Quishpe Toapanta",
        "id_number": CITIZEN_ID,
        "email": "ana.quishpe@correo.example",
        "kind": User.Kind.USUARIO_GENERAL,
    },
    {
        "ruc": SENAE_RUC,
        "username": "funcionario",
        "password": "Senae.Admin.2026",
        "operator": SENAE_RUC,
        "first_name": "Patricio",
        "last_name": "Vera Loor",
        "id_number": "0934567897",
        "email": "funcionario@aduana.example",
        "kind": User.Kind.FUNCIONARIO,
        "staff": True,
    },
]


def load(report: LoadReport) -> None:
    types = {t.code: t for t in OceType.objects.all()}
    operators = {}
    for data in OPERATORS:
        operator = upsert(
            Operator,
            {"ruc": data["ruc"]},
            {k: data[k] for k in ("legal_name", "kind", "address", "email", "phone")},
            report,
        )
        operators[data["ruc"]] = operator
        for type_code, codes in data["registrations"].items():
            registration = upsert(
                OceRegistration,
                {"operator": operator, "oce_type": types[type_code]},
                {"state": OceRegistration.State.ACTIVE},
                report,
            )
            for code, description in codes:
                upsert(
                    OceCode,
                    {"code": code},
                    {
                        "registration": registration,
                        "description": description,
                        "state": OceCode.State.ACTIVE,
                    },
                    report,
                )
    for data in USERS:
        user = upsert(
            User,
            {"login_ruc": data["ruc"], "username": data["username"]},
            {
                "operator": operators.get(data["operator"]) if data["operator"] else None,
                "first_name": data["first_name"],
                "last_name": data["last_name"],
                "id_number": data["id_number"],
                "email": data["email"],
                "kind": data["kind"],
                "state": User.State.ACTIVE,
                "is_active": True,
                "is_staff": data.get("staff", False),
                "is_superuser": data.get("staff", False),
            },
            report,
        )
        if not user.check_password(data["password"]):
            user.set_password(data["password"])
            user.save(update_fields=["password"])
        for code, all_options in data.get("grants", []):
            upsert(
                Grant,
                {"user": user, "oce_code": OceCode.objects.get(code=code)},
                {"all_options": all_options, "approved": True},
                report,
            )
    upsert(
        BrokerClient,
        {"broker": operators[BROKER_RUC], "client": operators[IMPORTER_RUC]},
        {"active": True, "valid_to": None},
        report,
    )
