"""A bank with its teller and an API token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ecuapass.core.loading import LoadReport


@dataclass
class Bank:
    entidad: object
    user: object
    raw: str

    @property
    def auth(self) -> dict:
        return {"HTTP_AUTHORIZATION": f"Token {self.raw}"}


@pytest.fixture
def bank(ledger_world):
    from ecuapass.banca import demo_data
    from ecuapass.banca.models import BancaToken, EntidadFinanciera

    demo_data.load(LoadReport(write=lambda s: None))
    entidad = EntidadFinanciera.objects.get(code=demo_data.BANK_CODE)
    user = entidad.operator.users.get()
    _token, raw = BancaToken.issue(entidad=entidad, user=user, name="core")
    return Bank(entidad, user, raw)
