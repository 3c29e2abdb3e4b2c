"""Demo data of Soporte al Cliente (idempotent): a pending employee of the demo broker, whose
representative sees it in 3.2.4 (the buzón already announces "Nueva solicitud de empleado"), and a
company's pending solicitud de uso for the SENAE officers (portal interno → Solicitudes de uso)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ecuapass.accounts.models import Grant, OceCode, Operator, User
from ecuapass.core.loading import LoadReport

from .models import Solicitud

BROKER_RUC = "1791002008001"
BROKER_CODE = "17910020"
NEW_COMPANY_RUC = "1790016919001"


def load(report: LoadReport) -> None:
    broker = Operator.objects.filter(ruc=BROKER_RUC).first()
    code = OceCode.objects.filter(code=BROKER_CODE).first()
    if broker is not None and code is not None:
        user = User.objects.filter(login_ruc=BROKER_RUC, username="solicitante").first()
        if user is None:
            user = User.objects.create_user(
                BROKER_RUC,
                "solicitante",
                "Solicitante.Demo.2026",
                operator=broker,
                first_name="Carla",
                last_name="Mora Ruiz",
                email="solicitante@demo.ec",
                kind=User.Kind.EMPLEADO,
                state=User.State.PENDING,
            )
            Grant.objects.get_or_create(user=user, oce_code=code, defaults={"approved": False})
            report.add("registro.empleado_pendiente", "inserted")
    if not Solicitud.objects.filter(ruc=NEW_COMPANY_RUC, username="nuevo").exists():
        Solicitud.objects.create(
            kind=Solicitud.Kind.REPRESENTANTE,
            ruc=NEW_COMPANY_RUC,
            legal_name="Importadora Nueva Demo S.A.",
            operator_kind=Operator.Kind.SOCIEDAD,
            address="Quito, Av. República E7-123",
            phone="022222222",
            oce_types="16",
            username="nuevo",
            first_name="Marco",
            last_name="Salinas",
            id_number="1710034065",
            email="nuevo@demo.ec",
            password=make_password("Nuevo.Demo.2026"),
            convenio_accepted_on=timezone.now(),
            email_verified_on=timezone.now(),
            state=Solicitud.State.PENDIENTE,
        )
        report.add("registro.solicitud", "inserted")
