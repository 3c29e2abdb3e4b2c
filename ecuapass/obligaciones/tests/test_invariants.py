"""Ledger invariants under any sequence of payments, wrong amounts, reversals, notas de crédito
and their applications: what settles an obligation never exceeds its amount, the state says what
the rows say, a nota is its applications plus its saldo, and a bank's day reconciles."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecuapass.obligaciones import creditos, services
from ecuapass.obligaciones.errors import ObligacionError
from ecuapass.obligaciones.models import Concept, NotaCredito, Obligation, Payment

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["pay", "pay_wrong", "reverse", "credit", "apply"]),
        st.integers(min_value=0, max_value=2),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2),
    ),
    max_size=12,
)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    amounts=st.lists(st.decimals("0.01", "9999.99", places=2), min_size=3, max_size=3),
    actions=ACTIONS,
)
def test_payments_never_exceed_amounts_and_sums_reconcile(ledger_world, amounts, actions):
    run = uuid.uuid4().hex
    obligations = [
        services.issue_obligation(
            "0991003002001",
            Concept.TASA,
            [("TASA", a)],
            source=f"inv:{run}:{i}",
            # One of them late, so that applications of credit split principal and interest.
            exigible_on=services.timezone.localdate() - timedelta(days=100 * (i == 0)),
        )
        for i, a in enumerate(amounts)
    ]
    notas = []
    for n, (action, i, amount) in enumerate(actions):
        ob = Obligation.objects.get(pk=obligations[i].pk)
        try:
            if action == "credit":
                notas.append(
                    creditos.issue("0991003002001", amount, source=f"nc:{run}:{n}", distrito="028")
                )
            elif action == "apply":
                if notas:
                    creditos.apply(notas[i % len(notas)], ob)
            elif action == "pay":
                services.pay(ob, amount=services.amount_due(ob).total, collector="B")
            elif action == "pay_wrong":
                services.pay(ob, amount=amount, collector="B")
            else:
                last = ob.payments.filter(kind="pago", reversal__isnull=True).last()
                if last is not None:
                    services.reverse(last, collector="B")
        except ObligacionError:
            pass
    collected = Decimal("0")
    mine = Obligation.objects.filter(pk__in=[o.pk for o in obligations])
    for ob in mine:
        paid = services.paid_principal(ob)
        assert Decimal("0") <= paid <= ob.amount
        assert (ob.state == Obligation.State.PAGADA) == (paid == ob.amount)
        assert sum(c.amount for c in ob.components.all()) == ob.amount
        collected += sum(p.total for p in ob.payments.filter(collector="B"))
    # Every nota de crédito is what was drawn on it plus its saldo a favor, never below zero.
    for nota in NotaCredito.objects.filter(pk__in=[n.pk for n in notas]):
        drawn = sum(p.total for p in nota.aplicaciones.all())
        assert Decimal("0") <= drawn <= nota.amount
        assert creditos.saldo(nota) == nota.amount - drawn
    assert creditos.saldo_a_favor("0991003002001") == sum(
        creditos.saldo(n) for n in NotaCredito.objects.filter(debtor_ruc="0991003002001")
    )
    conciliacion = sum(
        p.total
        for p in Payment.objects.filter(
            obligation__in=mine, collector="B", fecha_contable=services.timezone.localdate()
        )
    )
    assert collected == conciliacion
