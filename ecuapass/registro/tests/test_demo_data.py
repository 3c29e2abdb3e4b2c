"""The demo data: a pending employee for the demo broker's 3.2.4 and a solicitud for SENAE."""

from __future__ import annotations

import pytest

from ecuapass.accounts.models import Grant, User
from ecuapass.core.loading import LoadReport
from ecuapass.registro import demo_data
from ecuapass.registro.models import Solicitud
from tests.support.world import load_catalogs, make_party

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent():
    load_catalogs()
    make_party(demo_data.BROKER_RUC, "Agencia Demo", "01", demo_data.BROKER_CODE)
    for _ in range(2):
        demo_data.load(LoadReport(write=lambda s: None))
    pending = User.objects.get(username="solicitante")
    assert pending.state == User.State.PENDING
    assert Grant.objects.get(user=pending, approved=False).oce_code.code == "17910020"
    assert Solicitud.objects.filter(state=Solicitud.State.PENDIENTE).count() == 1
