"""Demo menu grants: the broker's employee may use only 1.3 and 2.1.1 under 17910020."""

from __future__ import annotations

from ecuapass.accounts.models import Grant
from ecuapass.core.loading import LoadReport, upsert

from .models import GrantedOption, MenuEntry

EMPLOYEE_OPTIONS = {("1791002008001", "empleado", "17910020"): ["1.3", "2.1.1"]}


def load(report: LoadReport) -> None:
    for (ruc, username, code), numbers in EMPLOYEE_OPTIONS.items():
        grant = Grant.objects.filter(
            user__login_ruc=ruc, user__username=username, oce_code__code=code
        ).first()
        if grant is None:
            continue
        for entry in MenuEntry.objects.filter(number__in=numbers):
            upsert(GrantedOption, {"grant": grant, "entry": entry}, {}, report)
