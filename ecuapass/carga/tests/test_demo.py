"""The demo cargo loads through the real engine, is idempotent, and tells the README's story."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_demo_cargo(db):
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.carga import demo_data, reference_data
    from ecuapass.carga.models import Descargo, EventoCarga, Manifiesto
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data as menu
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    testing.load_catalogs()
    testing.load_sample_tariff()
    for module in (menu, reference_data, accounts_demo, demo_data):
        module.load(report)
    demo_data.load(report)  # idempotent
    manifest = Manifiesto.objects.get()
    assert manifest.mrn.startswith("CEC") and manifest.tardio and manifest.fecha_llegada
    assert manifest.edoc.estado_documento == "arribado"
    assert manifest.documentos.exclude(hsn="").count() == 4  # 2 masters + 2 houses
    novedades = set(EventoCarga.objects.exclude(novedad="").values_list("novedad", flat=True))
    assert novedades == {"faltante", "sello_roto", "danio"}
    descargo = Descargo.objects.select_related("dai", "documento").get()
    assert descargo.documento.hsn == "0001"
    assert descargo.dai.estado_documento not in ("rechazado", "registrado")
