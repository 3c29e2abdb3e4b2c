"""Ledger invariants under any sequence of payments, wrong amounts and reversals: what is paid
never exceeds the amount, the state says what the rows say, and a day's collection reconciles."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecuapass.obligaciones import services
from ecuapass.obligaciones.errors import ObligacionError
from ecuapass.obligaciones.models import Concept, Obligation, Payment

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["pay", "pay_wrong", "reverse"]),
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
            "0991003002001", Concept.TASA, [("TASA", a)], source=f"inv:{run}:{i}"
        )
        for i, a in enumerate(amounts)
    ]
    for action, i, amount in actions:
        ob = Obligation.objects.get(pk=obligations[i].pk)
        try:
            if action == "pay":
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
        collected += sum(p.total for p in ob.payments.all())
    conciliacion = sum(
        p.total
        for p in Payment.objects.filter(
            obligation__in=mine, collector="B", fecha_contable=services.timezone.localdate()
        )
    )
    assert collected == conciliacion
