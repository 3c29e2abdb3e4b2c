"""Notas de crédito: a correction or an aforo that lowers the tributes is credited — unpaid
tributes drop by an adjusting entry, what was already paid is a saldo a favor the operator
applies to another pending obligation of the same debtor in 1.12; the sums reconcile."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.despacho import services as despacho
from ecuapass.despacho.tests import helpers
from ecuapass.obligaciones import creditos, services
from ecuapass.obligaciones.errors import ObligacionError
from ecuapass.obligaciones.models import Concept, NotaCredito, Obligation, Payment

pytestmark = pytest.mark.django_db


def _pay(ob):
    return services.pay(ob, amount=services.amount_due(ob).total, collector="B", reference="r")


def _lowering_correction(party, edoc, officer):
    from ecuapass.correcciones import services as correcciones
    from ecuapass.correcciones.tests.helpers import file, request_payload
    from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES

    request = file(
        party,
        request_payload(
            "DAI-COR",
            edoc,
            cabecera={"factura": {"numero": "FAC-CORREGIDA-1"}},
            items=[dict(COFFEE, fob="1000.00"), dict(LAPTOPS), dict(SHOES)],
        ),
    )
    correcciones.decide(request, approve=True, officer=officer, note="Conforme.")


def _liquidado(edoc):
    liq = edoc.content.liquidacion
    liq.refresh_from_db()
    return liq.total_tributos


def test_a_correction_lowering_unpaid_tributes_lowers_the_amount_due(
    ledger_world, officers, no_despacho_on_acceptance
):
    edoc = helpers.accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=edoc)
    before = _liquidado(edoc)
    _lowering_correction(ledger_world.importer, edoc, officers.tecnico)
    after = _liquidado(edoc)
    assert after < before
    nota = NotaCredito.objects.get(edoc=edoc)
    assert nota.amount == before - after and nota.numero.startswith("NC-")
    [adjust] = ob.payments.all()
    assert (adjust.kind, adjust.principal, adjust.interest) == ("ajuste", nota.amount, 0)
    assert services.amount_due(ob).total == after
    assert creditos.saldo(nota) == 0
    # The ledger reconciles with the DAI's (lowered) liquidación; the amount never changed.
    assert services.totals_for_document(edoc) == after
    ob.refresh_from_db()
    assert ob.amount == before and ob.state == Obligation.State.PENDIENTE
    _pay(ob)
    ob.refresh_from_db()
    assert ob.state == Obligation.State.PAGADA
    assert sum(p.principal for p in ob.payments.all()) == ob.amount


def test_a_correction_after_payment_leaves_a_saldo_a_favor_applied_in_1_12(
    ledger_world, officers, no_despacho_on_acceptance, oce_client
):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    edoc = helpers.accepted(ledger_world.importer)
    _pay(Obligation.objects.get(edoc=edoc))
    before = _liquidado(edoc)
    _lowering_correction(ledger_world.importer, edoc, officers.tecnico)
    nota = NotaCredito.objects.get(edoc=edoc)
    assert creditos.saldo(nota) == nota.amount == before - _liquidado(edoc)
    assert creditos.saldo_a_favor(ledger_world.importer.operator.ruc) == nota.amount
    ruc = ledger_world.importer.operator.ruc
    small = services.issue_obligation(
        ruc,
        Concept.TASA,
        [("TASA", "10.00")],
        source="t:small",
        exigible_on=timezone.localdate() - timedelta(days=40),
    )
    big = services.issue_obligation(ruc, Concept.TASA, [("TASA", nota.amount + 50)], source="t:big")
    theirs = services.issue_obligation(
        ledger_world.other.operator.ruc, Concept.TASA, [("TASA", "5")], source="t:theirs"
    )
    client = oce_client(ledger_world.importer)
    page = client.get("/obligaciones/").content.decode()
    assert 'data-testid="saldo-a-favor"' in page and nota.numero in page
    # Someone else's obligation: refused on the field, nothing drawn.
    r = client.post(f"/obligaciones/notas/{nota.numero}/", {"obligacion": theirs.numero})
    assert r.status_code == 422 and "Obligación" in r.content.decode()
    # The whole amount due today (interest included) settles the small one.
    due = services.amount_due(small)
    assert due.interest > 0
    r = client.post(f"/obligaciones/notas/{nota.numero}/", {"obligacion": small.numero})
    assert r.status_code == 302
    small.refresh_from_db()
    assert small.state == Obligation.State.PAGADA
    assert small.payments.get().total == due.total
    # What is left lowers the big one in part; the bank collects the rest.
    left = creditos.saldo(nota)
    creditos.apply(nota, big)
    assert creditos.saldo(nota) == 0
    assert services.amount_due(big).total == big.amount - left
    _pay(big)
    big.refresh_from_db()
    assert big.state == Obligation.State.PAGADA
    assert sum(p.principal for p in big.payments.all()) == big.amount
    another = services.issue_obligation(ruc, Concept.TASA, [("TASA", "3")], source="t:3")
    with pytest.raises(ObligacionError, match="no tiene saldo"):
        creditos.apply(nota, another)
    with pytest.raises(ObligacionError, match="mismo deudor"):
        creditos.apply(nota, theirs)
    assert Payment.objects.filter(nota_credito=nota).count() == 2


def test_an_aforo_that_lowers_the_tributes_credits_the_difference(
    ledger_world, officers, no_despacho_on_acceptance
):
    case = helpers.in_aforo(ledger_world.importer, officer=officers.tecnico)
    edoc = case.edoc
    ob = Obligation.objects.get(edoc=edoc)
    correction = despacho.propose_correction(
        case,
        field="fob",
        item_numero=2,
        new_value="100",
        reason="Valor menor probado.",
        officer=officers.tecnico,
    )
    despacho.respond_correction(
        correction, accept=True, user=ledger_world.importer.user, oce=ledger_world.importer.oce
    )
    despacho.close_aforo(
        case, resultado="con_novedad", note="Valor menor.", officer=officers.tecnico
    )
    rel = case.reliquidacion
    assert rel.diferencia < 0
    nota = NotaCredito.objects.get(edoc=edoc)
    assert nota.amount == -rel.diferencia
    assert services.amount_due(ob).total == ob.amount + rel.diferencia
    assert services.totals_for_document(edoc) == ob.amount + rel.diferencia
    # Idempotent: the cierre's effect again issues nothing new.
    from ecuapass.obligaciones.dai import after_cierre

    after_cierre(edoc)
    assert NotaCredito.objects.filter(edoc=edoc).count() == 1
    _pay(ob)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"
    assert ob.payments.filter(kind="pago").get().principal == ob.amount - nota.amount


def test_nothing_is_credited_for_zero(ledger_world):
    edoc = helpers.accepted(ledger_world.importer)
    assert creditos.for_lowering(edoc, Decimal("0"), source="x:0") is None
