"""The operator's screens: 1.12 list and detail, orden de pago, the DAI page, autorización de
salida — each in the active OCE's scope and under its grant."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.despacho.tests.helpers import accepted, employee_of
from ecuapass.obligaciones import services
from ecuapass.obligaciones.models import Concept, Obligation

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(ledger_world):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    return ledger_world


def test_list_shows_own_obligations_with_amount_due_and_hides_others(menu, oce_client):
    edoc = accepted(menu.importer)
    mine = Obligation.objects.get(edoc=edoc)
    theirs = services.issue_obligation(
        menu.other.operator.ruc, Concept.TASA, [("TASA", "9")], source="t:other"
    )
    page = oce_client(menu.importer).get("/obligaciones/").content.decode()
    assert mine.numero in page and theirs.numero not in page
    assert oce_client(menu.importer).get(f"/obligaciones/{theirs.numero}/").status_code == 404
    detail = oce_client(menu.importer).get(f"/obligaciones/{mine.numero}/").content.decode()
    assert "AD-VALOREM" in detail and "IVA" in detail


def test_the_broker_that_filed_sees_the_importers_obligation_of_its_dai(menu, oce_client):
    edoc = accepted(menu.broker, by_broker=True)
    ob = Obligation.objects.get(edoc=edoc)
    assert ob.debtor_ruc == menu.importer.operator.ruc
    assert ob.numero in oce_client(menu.broker).get("/obligaciones/").content.decode()


def test_list_needs_option_1_12_and_costs_the_same_queries_for_more_rows(menu, client):
    from ecuapass.accounts.tests.factories import login

    without = employee_of(menu.importer, options=("1.3",))
    login(client, without, menu.importer.oce)
    assert client.get("/obligaciones/").status_code == 403
    client.logout()
    holder = employee_of(menu.importer, options=("1.12",))
    login(client, holder, menu.importer.oce)
    services.issue_obligation(menu.importer.operator.ruc, Concept.TASA, [("TASA", "1")], source="a")
    assert client.get("/obligaciones/").status_code == 200  # warm the per-session caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/obligaciones/").status_code == 200
    for n in range(6):
        services.issue_obligation(
            menu.importer.operator.ruc, Concept.TASA, [("TASA", "1")], source=f"b{n}"
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get("/obligaciones/").content.decode()
    assert page.count('data-numero="') == 7
    assert len(more.captured_queries) == len(few.captured_queries)


def test_orden_de_pago_is_a_pdf_with_the_number(menu, oce_client):
    ob = Obligation.objects.get(edoc=accepted(menu.importer))
    r = oce_client(menu.importer).get(f"/obligaciones/{ob.numero}/orden-de-pago.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and ob.numero in r["Content-Disposition"]


def test_dai_page_reconciles_and_after_payment_prints_the_autorizacion_de_salida(menu, oce_client):
    edoc = accepted(menu.importer)
    ob = Obligation.objects.get(edoc=edoc)
    client = oce_client(menu.importer)
    url = f"/obligaciones/documento/{edoc.pk}/autorizacion-de-salida.pdf"
    assert client.get(url).status_code == 404  # not released yet
    page = client.get(edoc.get_absolute_url()).content.decode()
    assert ob.numero in page
    assert services.totals_for_document(edoc) == edoc.content.liquidacion.total_tributos
    services.pay(ob, amount=services.amount_due(ob).total, collector="B", reference="r")
    page = client.get(edoc.get_absolute_url()).content.decode()
    assert 'data-testid="levante"' in page
    r = client.get(url)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    other = oce_client(menu.other)
    assert other.get(url).status_code == 404


def test_amount_due_in_a_list_equals_the_one_computed_alone(menu):
    ob = services.issue_obligation(
        menu.importer.operator.ruc, Concept.TASA, [("TASA", "100")], source="x"
    )
    from ecuapass.obligaciones import selectors

    [(row, due)] = selectors.rows_with_due(selectors.for_oce(menu.importer.oce), ob.exigible_on)
    assert due == services.amount_due(ob, ob.exigible_on) and due.total == Decimal("100.00")


def test_mi_pagina_shows_the_obligations_block_with_overdue_first(menu, oce_client):
    from datetime import timedelta

    from django.utils import timezone

    late = services.issue_obligation(
        menu.importer.operator.ruc,
        Concept.TASA,
        [("TASA", "5")],
        source="late",
        exigible_on=timezone.localdate() - timedelta(days=3),
    )
    html = oce_client(menu.importer).get("/mi-pagina/").content.decode()
    assert 'data-block="obligaciones.due"' in html and late.numero in html


def test_1_11_form_previews_the_table_and_files_the_request(menu, oce_client):
    ob = services.issue_obligation(
        menu.importer.operator.ruc, Concept.TASA, [("TASA", "1000")], source="f", distrito="028"
    )
    client = oce_client(menu.importer)
    form = {"obligaciones": [ob.numero], "cuota_inicial": "200", "dividendos": "4"}
    page = client.post("/obligaciones/facilidades/nueva/", {**form, "accion": "ver"})
    assert page.status_code == 200 and 'data-testid="amortizacion"' in page.content.decode()
    r = client.post("/obligaciones/facilidades/nueva/", {**form, "accion": "enviar"})
    assert r.status_code == 302
    from ecuapass.edocs.models import EDocument

    assert EDocument.objects.filter(doc_type="FAC", filer_oce=menu.importer.oce).exists()
    bad = client.post(
        "/obligaciones/facilidades/nueva/", {**form, "dividendos": "x", "accion": "ver"}
    )
    assert bad.status_code == 200 and "Dividendos mensuales" in bad.content.decode()
