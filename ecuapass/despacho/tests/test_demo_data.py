"""The demo data: every canal and aforo state, through the real services; idempotent."""

from __future__ import annotations

import pytest

from ecuapass.core.loading import LoadReport
from ecuapass.despacho.models import AforoCase, Reliquidacion
from ecuapass.edocs.models import EDocument

pytestmark = pytest.mark.django_db


def test_demo_dais_cover_every_canal_and_state_and_load_once(monkeypatch):
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.customs.tests.test_browser import load_demo
    from ecuapass.despacho import demo_data
    from ecuapass.officers import demo_data as officers_demo
    from ecuapass.portal import reference_data as portal_reference

    report = LoadReport(write=lambda s: None)
    load_demo()
    for module in (core_reference, portal_reference, accounts_demo):
        module.load(report)
    officers_demo.load(report)
    demo_data.load(report)
    dais = EDocument.objects.filter(reference__startswith=demo_data.PREFIX)
    assert dais.count() == 8
    assert set(dais.values_list("canal_aforo", flat=True)) == {
        "automatico",
        "electronico",
        "documental",
        "fisico_intrusivo",
        "fisico_no_intrusivo",
    }
    assert set(dais.values_list("estado_documento", flat=True)) == {
        "canal_asignado",
        "en_aforo",
        "aforo_cerrado",
        "liquidacion_complementaria",
    }
    assert AforoCase.objects.filter(tecnico__user__username="aforador").count() == 7
    assert Reliquidacion.objects.get().numero.startswith("028-")
    demo_data.load(report)
    assert EDocument.objects.filter(reference__startswith=demo_data.PREFIX).count() == 8
