"""Every DAI validation rule, through the real processing pipeline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ecuapass.accounts.models import BrokerClient, OceCode, Operator
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from tests.support.world import (
    BROKER_CODE,
    BROKER_NAME,
    BROKER_RUC,
    IMPORTER_RUC,
    OTHER_NAME,
    OTHER_RUC,
    dai_payload,
)

pytestmark = pytest.mark.django_db


def outcome(party, payload):
    s = DaiSerializer(data=payload)
    assert s.is_valid(), s.errors
    doc = services.submit_payload(
        registry.get("DAI"),
        s.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="S",
    ).envio.document
    result = services.process(doc.pk)
    return result, sorted(doc.errors.values_list("code", "field"))


def by_broker(**kw):
    return dai_payload(
        declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME}, oce_code=BROKER_CODE, **kw
    )


def test_valid_dai_is_accepted(world):
    assert outcome(world.importer, dai_payload()) == ("aceptado", [])


def test_broker_for_its_client_is_accepted(world):
    assert outcome(world.broker, by_broker()) == ("aceptado", [])


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"distrito": "999"}, "DAI-101", "distrito"),
        ({"regimen": "40"}, "DAI-102", "regimen"),
        ({"pais_embarque": "XX"}, "DAI-103", "pais_embarque"),
        ({"incoterm": "ABC"}, "DAI-104", "incoterm"),
        ({"moneda": "XYZ"}, "DAI-105", "moneda"),
    ],
)
def test_catalog_codes_are_transmission_errors(world, changes, code, field):
    result, errors = outcome(world.importer, dai_payload(**changes))
    assert result == "error" and (code, field) in errors


def test_units_and_item_country_from_catalog(world):
    p = dai_payload()
    p["items"][1]["unidad_fisica"] = "ZZ"
    p["items"][2]["pais_origen"] = "QQ"
    result, errors = outcome(world.importer, p)
    assert ("DAI-106", "items[2].unidad_fisica") in errors and (
        "DAI-103",
        "items[3].pais_origen",
    ) in errors


def test_importer_ruc_must_be_an_active_importer(world):
    p = dai_payload(importador={"ruc": "1790000000001", "nombre": "X"})
    result, errors = outcome(world.importer, p)
    assert ("DAI-201", "importador.ruc") in errors


def test_importer_name_must_match_the_registry(world):
    ok = dai_payload(importador={"ruc": IMPORTER_RUC, "nombre": "comercial demo del pacifico s a"})
    assert outcome(world.importer, ok) == ("aceptado", [])
    bad = dai_payload(importador={"ruc": IMPORTER_RUC, "nombre": "Otra Empresa S.A."}, invoice="Z")
    assert ("DAI-202", "importador.nombre") in outcome(world.importer, bad)[1]


def test_declarant_ruc_and_name_must_be_the_filing_oce(world):
    p = dai_payload(declarante={"ruc": OTHER_RUC, "nombre": OTHER_NAME})
    _r, errors = outcome(world.importer, p)
    assert ("DAI-203", "declarante.ruc") in errors and ("DAI-204", "declarante.nombre") in errors


def test_importer_cannot_declare_for_another_importer(world):
    p = dai_payload(importador={"ruc": OTHER_RUC, "nombre": OTHER_NAME})
    assert ("DAI-205", "importador.ruc") in outcome(world.importer, p)[1]


def test_broker_needs_a_valid_relation_with_the_client(world):
    p = by_broker(importador={"ruc": OTHER_RUC, "nombre": OTHER_NAME})
    assert ("DAI-205", "importador.ruc") in outcome(world.broker, p)[1]
    BrokerClient.objects.update(valid_to=timezone.localdate() - timedelta(days=1))
    assert ("DAI-205", "importador.ruc") in outcome(world.broker, by_broker(invoice="N2"))[1]
    BrokerClient.objects.update(valid_to=None, active=False)
    assert ("DAI-205", "importador.ruc") in outcome(world.broker, by_broker(invoice="N3"))[1]


def test_subpartida_must_exist_and_be_in_force(world):
    from ecuapass.tariff.models import Commodity

    p = dai_payload()
    p["items"][0]["subpartida"] = "9999.99.99.99"
    assert ("DAI-301", "items[1].subpartida") in outcome(world.importer, p)[1]
    Commodity.objects.filter(code="8471300000").update(valid_to=date(2024, 1, 1))
    assert ("DAI-301", "items[2].subpartida") in outcome(world.importer, dai_payload(invoice="S2"))[
        1
    ]


def test_declared_totals_must_match_the_items(world):
    p = dai_payload(totales={"fob": "41000.00", "flete": "1", "numero_items": 3})
    _r, errors = outcome(world.importer, p)
    assert ("DAI-302", "totales.flete") in errors and ("DAI-302", "totales.fob") not in errors
    q = dai_payload(invoice="T2")
    q["items"][0]["peso_neto"] = "999"
    assert ("DAI-302", "items[1].peso_neto") in outcome(world.importer, q)[1]


def test_dates_must_be_coherent(world):
    future = (timezone.localdate() + timedelta(days=10)).isoformat()
    p = dai_payload(fecha_embarque="2025-12-30", fecha_llegada="2025-12-20")
    assert ("DAI-303", "fecha_llegada") in outcome(world.importer, p)[1]
    q = dai_payload(invoice="D2", fecha_llegada=future)
    assert ("DAI-303", "fecha_llegada") in outcome(world.importer, q)[1]
    r = dai_payload(invoice="D3", tipo_despacho="anticipado", fecha_llegada=future)
    assert outcome(world.importer, r) == ("aceptado", [])
    s = dai_payload(invoice="D4", factura={"numero": "D4", "fecha": future})
    assert ("DAI-303", "factura.fecha") in outcome(world.importer, s)[1]


def test_no_duplicate_invoice_for_the_same_importer(world):
    assert outcome(world.importer, dai_payload(invoice="DUP-1"))[0] == "aceptado"
    assert ("DAI-304", "factura.numero") in outcome(world.importer, dai_payload(invoice="dup-1"))[1]
    # A rejected declaration does not block the invoice.
    outcome(world.importer, dai_payload(invoice="R-1", distrito="999"))
    assert outcome(world.importer, dai_payload(invoice="R-1"))[0] == "aceptado"


def test_exchange_rate_and_transport_document(world):
    p = dai_payload(tipo_cambio="1.5", documento_transporte={"mrn": "", "msn": ""})
    _r, errors = outcome(world.importer, p)
    assert ("DAI-305", "tipo_cambio") in errors
    assert ("DAI-306", "documento_transporte.mrn") in errors and (
        "DAI-306",
        "documento_transporte.msn",
    ) in errors


def test_operator_phase_suspended_code_and_all_errors_collected(world):
    OceCode.objects.filter(pk=world.importer.oce.pk).update(state="suspendido")
    p = dai_payload(distrito="999")
    result, errors = outcome(world.importer, p)
    codes = {c for c, _f in errors}
    assert result == "error" and {"OPE-001", "OPE-002", "DAI-101"} <= codes


def test_operator_phase_type_may_not_file(world):
    from ecuapass.accounts.models import OceRegistration
    from ecuapass.core.models import OceType

    OceRegistration.objects.filter(pk=world.importer.oce.registration_id).update(
        oce_type=OceType.objects.get(code="03")
    )
    draft_party = world.importer
    draft_party.oce.refresh_from_db()
    # The API refuses up-front; a document already received is rejected by OPE-003.
    result, errors = outcome_allowing(draft_party)
    assert ("OPE-003", "tipo_documento") in errors


def outcome_allowing(party):
    from ecuapass.customs.services import build_dai
    from ecuapass.edocs.models import EDocument

    payload = dai_payload(invoice="TYPE")
    s = DaiSerializer(data=payload)
    assert s.is_valid()
    edoc = EDocument.objects.create(
        doc_type="DAI", operation="importacion", title="DAI", filer_oce=party.oce
    )
    build_dai(edoc, s.validated_data)
    services.submit(edoc, user=party.user, oce=party.oce, channel="P")
    result = services.process(edoc.pk)
    return result, sorted(edoc.errors.values_list("code", "field"))


def test_liquidacion_matches_the_worked_example_and_is_frozen(world):
    p = dai_payload()
    p["items"] = p["items"][:1]  # 0901.21.10.00 at 20 %: FOB 10,000, freight 1,000, insurance 100
    result, _ = outcome(world.importer, p)
    from ecuapass.customs.models import Dai

    dai = Dai.objects.get()
    liq = dai.liquidacion
    assert str(liq.total_cif) == "11100.00"
    assert str(liq.total_ad_valorem) == "2020.00"
    assert str(liq.total_fodinfa) == "55.50"
    assert str(liq.total_iva) == "1976.33"
    assert str(liq.total_tributos) == "4051.83"
    assert liq.frozen and dai.items.get().fundamentos
    Operator.objects.update(legal_name="changed")  # nothing recomputes a frozen liquidación
    from ecuapass.customs.services import recompute

    recompute(dai, on=date(2030, 1, 1))
    liq.refresh_from_db()
    assert str(liq.total_tributos) == "4051.83"


def test_the_duplicate_invoice_look_up_uses_its_index(world):
    """Issue 16: DAI-304 reads the importer's invoice through (importador_ruc,
    UPPER(factura_numero)) — an index on the plain column made it scan every DAI of the
    importer for each new one (2.6 ms at 2,400 DAIs, growing with them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    assert outcome(world.importer, dai_payload(invoice="IDX-1"))[0] == "aceptado"
    with CaptureQueriesContext(connection) as ctx:
        outcome(world.importer, dai_payload(invoice="idx-2"))
    lookup = [
        q["sql"]
        for q in ctx.captured_queries
        if "UPPER(" in q["sql"] and "factura_numero" in q["sql"]
    ]
    assert lookup, "DAI-304 ran no case-insensitive invoice look-up"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + lookup[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dai_importer_invoice_ci" in plan, plan
