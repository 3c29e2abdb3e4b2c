"""The demo bank (README): Banco Demo del Ecuador, with its teller «cajero»."""

from __future__ import annotations

from ecuapass.core.loading import LoadReport, upsert

BANK_RUC = "1793004000001"
BANK_CODE = "BDEMO"
USERNAME = "cajero"
PASSWORD = "Banco.Demo.2026"  # noqa: S105 - demo identity listed in the README


def load(report: LoadReport) -> None:
    from ecuapass.accounts.models import Operator, User

    from .models import EntidadFinanciera

    operator = upsert(
        Operator,
        {"ruc": BANK_RUC},
        {
            "legal_name": "Banco Demo del Ecuador S.A.",
            "kind": Operator.Kind.SOCIEDAD,
            "address": "Av. República de El Salvador N34-100, Quito",
            "email": "recaudaciones@banco-demo.example",
        },
        report,
    )
    upsert(
        EntidadFinanciera,
        {"code": BANK_CODE},
        {"name": "Banco Demo del Ecuador S.A.", "operator": operator, "active": True},
        report,
    )
    user = User.objects.filter(login_ruc=BANK_RUC, username=USERNAME).first()
    if user is None:
        user = User.objects.create_user(
            BANK_RUC,
            USERNAME,
            PASSWORD,
            operator=operator,
            first_name="Gabriela",
            last_name="Rivas Montalvo",
            id_number="1711111117",
            email="cajero@banco-demo.example",
            kind=User.Kind.EMPLEADO,
        )
        report.add("usuarios", "inserted")
    elif not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
