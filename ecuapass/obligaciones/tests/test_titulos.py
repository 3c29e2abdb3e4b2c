"""Títulos de crédito: issued for obligations unpaid past the term (not under garantía or
facilidad), gap-free numbers, interest to the day, idempotent job, notice, visible in 1.12 and
settled when the bank pays it (by either number) with interest to the day of payment."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ecuapass.banca.tests.fixtures import bank  # noqa: F401
from ecuapass.despacho.tests.helpers import accepted
from ecuapass.obligaciones import services, titulos
from ecuapass.obligaciones.interest import interest_for
from ecuapass.obligaciones.models import Concept, Garantia, Obligation, TituloCredito

pytestmark = pytest.mark.django_db


def _overdue(ruc, days, source, amount="100.00"):
    return services.issue_obligation(
        ruc,
        Concept.TASA,
        [("TASA", amount)],
        source=source,
        distrito="028",
        exigible_on=timezone.localdate() - timedelta(days=days),
    )


def test_only_obligations_past_the_term_and_uncovered_get_a_titulo(ledger_world):
    ruc = ledger_world.importer.operator.ruc
    late = _overdue(ruc, 45, "t:late")
    recent = _overdue(ruc, 10, "t:recent")
    covered = _overdue(ruc, 45, "t:covered")
    g = Garantia.objects.create(
        tipo="general",
        operator_ruc=ruc,
        garante="Banco",
        numero="G-1",
        amount="500",
        valid_from=date(2025, 1, 1),
        valid_to=timezone.localdate() + timedelta(days=90),
        state="aprobada",
    )
    Obligation.objects.filter(pk=covered.pk).update(garantia=g)
    paid = _overdue(ruc, 45, "t:paid")
    services.pay(paid, amount=services.amount_due(paid).total, collector="B")

    [titulo] = titulos.issue_due()
    assert titulo.obligation == late
    today = timezone.localdate()
    assert titulo.numero == f"TC-028-{today.year}-00000001"
    assert titulo.principal == late.amount
    assert titulo.interest == interest_for(late.amount, late.exigible_on, today) > 0
    assert titulo.total == titulo.principal + titulo.interest
    assert "Código Tributario" in titulo.legal_basis
    late.refresh_from_db()
    assert late.state == Obligation.State.VENCIDA and late.is_open
    assert titulos.issue_due() == []  # idempotent
    for o in (recent, covered, paid):
        assert not TituloCredito.objects.filter(obligation=o).exists()
    # Numbers are gap-free per distrito and year.
    _overdue(ruc, 60, "t:late2")
    [second] = titulos.issue_due()
    assert second.numero.endswith("-00000002")


def test_the_command_issues_them_and_the_debtor_is_notified(ledger_world):
    from ecuapass.notifications.models import Notification

    ob = _overdue(ledger_world.importer.operator.ruc, 40, "t:cmd")
    call_command("emitir_titulos", stdout=open("/dev/null", "w"))
    titulo = TituloCredito.objects.get(obligation=ob)
    assert Notification.objects.filter(
        oce_code=ledger_world.importer.oce, subject__contains=titulo.numero
    ).exists()


def test_a_dai_liquidacion_gets_a_titulo_and_shows_it_in_1_12(ledger_world, oce_client):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    edoc = accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=edoc)
    Obligation.objects.filter(pk=ob.pk).update(
        exigible_on=timezone.localdate() - timedelta(days=35)
    )
    [titulo] = titulos.issue_due()
    client = oce_client(ledger_world.importer)
    page = client.get("/obligaciones/?estado=vencida").content.decode()
    assert titulo.numero in page and ob.numero in page
    detail = client.get(f"/obligaciones/{ob.numero}/").content.decode()
    assert 'data-testid="titulo-credito"' in detail and titulo.numero in detail


def test_the_bank_pays_the_titulo_by_its_number_with_interest_to_the_day(
    client,
    bank,  # noqa: F811
    ledger_world,
):
    ob = _overdue(ledger_world.importer.operator.ruc, 50, "t:bank")
    [titulo] = titulos.issue_due()
    r = client.get(f"/api/v1/banca/obligaciones/{titulo.numero}/", **bank.auth)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["numero"] == ob.numero and body["estado"] == "vencida"
    due = services.amount_due(ob)
    assert body["valor_a_pagar"] == str(due.total) and due.interest > 0
    r = client.post(
        "/api/v1/banca/pagos/",
        json.dumps({"numero": titulo.numero, "monto": body["valor_a_pagar"], "referencia": "T1"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="tc-1",
        **bank.auth,
    )
    assert r.status_code == 201, r.json()
    ob.refresh_from_db()
    assert ob.state == Obligation.State.PAGADA
    payment = ob.payments.get()
    assert payment.interest == due.interest and payment.principal == ob.amount
    # Reversed the same day: open again, still under its título.
    services.reverse(payment, collector=payment.collector)
    ob.refresh_from_db()
    assert ob.state == Obligation.State.VENCIDA
