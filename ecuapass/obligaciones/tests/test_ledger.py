"""The ledger: obligations from the DAI's acceptance, payment, levante, reversal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecuapass.despacho.tests.helpers import accepted
from ecuapass.obligaciones import services
from ecuapass.obligaciones.errors import ObligacionError
from ecuapass.obligaciones.models import Concept, Obligation, Payment

pytestmark = pytest.mark.django_db


def test_accepted_dai_owes_its_liquidacion_and_is_released_when_paid(ledger_world):
    edoc = accepted(ledger_world.importer)
    assert edoc.estado_documento == "aforo_cerrado"  # automático (no perfil de riesgo)
    obligation = Obligation.objects.get(edoc=edoc)
    liq = edoc.content.liquidacion
    assert obligation.concept == Concept.LIQUIDACION
    assert obligation.amount == liq.total_tributos
    assert sum(c.amount for c in obligation.components.all()) == liq.total_tributos
    assert obligation.numero.startswith(f"{edoc.content.distrito}-")
    assert obligation.debtor_ruc == edoc.content.importador_ruc
    due = services.amount_due(obligation)
    assert due.interest == 0 and due.total == liq.total_tributos

    services.pay(obligation, amount=due.total, collector="BANCO1", reference="R-1")
    edoc.refresh_from_db()
    obligation.refresh_from_db()
    assert obligation.state == Obligation.State.PAGADA
    assert edoc.estado_documento == "salida_autorizada"
    assert edoc.history.filter(transition="autorizar_salida", by_process="obligaciones").exists()


def test_partial_and_wrong_amounts_are_refused(ledger_world):
    obligation = Obligation.objects.get(edoc=accepted(ledger_world.importer))
    total = services.amount_due(obligation).total
    with pytest.raises(ObligacionError) as partial:
        services.pay(obligation, amount=total - Decimal("0.01"), collector="B")
    assert partial.value.code == "pago_parcial"
    with pytest.raises(ObligacionError) as wrong:
        services.pay(obligation, amount=total + 1, collector="B")
    assert wrong.value.code == "monto_incorrecto"
    assert not Payment.objects.exists()


def test_issue_is_idempotent_per_source_and_numbers_are_gap_free(ledger_world):
    first = services.issue_obligation(
        "0991003002001", Concept.TASA, [("TASA", "10.00")], source="vue.tasa:1", distrito="028"
    )
    again = services.issue_obligation(
        "0991003002001", Concept.TASA, [("TASA", "10.00")], source="vue.tasa:1", distrito="028"
    )
    second = services.issue_obligation(
        "0991003002001", Concept.TASA, [("TASA", "5")], source="vue.tasa:2", distrito="028"
    )
    assert first.pk == again.pk
    assert int(second.numero.rsplit("-", 1)[1]) == int(first.numero.rsplit("-", 1)[1]) + 1
    assert first.components.get().legal_basis  # from the catalog


def test_paid_signal_fires_once_in_the_paying_transaction(ledger_world):
    seen = []

    def receiver(sender, obligation, payment, **kwargs):
        seen.append((obligation.numero, payment.total))

    services.obligation_paid.connect(receiver)
    try:
        ob = services.issue_obligation(
            "0991003002001", Concept.TASA, [("TASA", "12.30")], source="vue.tasa:7"
        )
        services.pay(ob, amount=Decimal("12.30"), collector="B")
    finally:
        services.obligation_paid.disconnect(receiver)
    assert seen == [(ob.numero, Decimal("12.30"))]


def test_reversal_same_day_reopens_and_is_appended(ledger_world):
    ob = services.issue_obligation(
        "0991003002001", Concept.TASA, [("TASA", "20")], source="vue.tasa:3"
    )
    payment = services.pay(ob, amount=Decimal("20"), collector="B", reference="X")
    with pytest.raises(ObligacionError):
        services.reverse(payment, collector="OTRO")
    reversal = services.reverse(payment, collector="B")
    ob.refresh_from_db()
    assert ob.state == Obligation.State.PENDIENTE
    assert reversal.total == Decimal("-20.00")
    assert services.paid_principal(ob) == 0
    with pytest.raises(ObligacionError):
        services.reverse(payment, collector="B")
