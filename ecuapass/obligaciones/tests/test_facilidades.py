"""1.11 facilidades de pago: amortisation, rules, approval by a supervisor, dividends paid
through the bank, cancellation after two consecutive missed dividends."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.despacho.tests.helpers import accepted
from ecuapass.edocs import lifecycle, registry
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import DocumentError
from ecuapass.obligaciones import facilidades as fac
from ecuapass.obligaciones import services
from ecuapass.obligaciones.models import Concept, Obligation, PaymentPlan

pytestmark = pytest.mark.django_db


def test_amortisation_clears_the_balance_with_interest_on_the_outstanding_balance():
    rows = fac.amortisation(Decimal("1000.00"), 6, Decimal("12"), date(2026, 1, 31))
    assert sum(r.capital for r in rows) == Decimal("1000.00")
    assert rows[-1].balance == 0
    assert rows[0].interest == Decimal("10.00")  # 1 % of 1,000 the first month
    assert rows[0].due_on == date(2026, 2, 28) and rows[1].due_on == date(2026, 3, 31)
    assert all(r.interest < rows[0].interest for r in rows[1:])
    flat = fac.amortisation(Decimal("100"), 3, Decimal("0"), date(2026, 1, 1))
    assert [r.capital for r in flat] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def _file(party, numeros, cuota, n, garantia=None):
    doc_type = registry.get(fac.CODE)
    payload = {"obligaciones": numeros, "cuota_inicial": str(cuota), "dividendos": n}
    if garantia:
        payload["garantia"] = garantia
    serializer = doc_type.serializer_class()(data=payload)
    assert serializer.is_valid(), serializer.errors
    edoc = edocs.submit_payload(
        doc_type,
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel="P",
    ).envio.document
    outcome = edocs.process(edoc.pk)
    edoc.refresh_from_db()
    return edoc, outcome


def _tasa(party, amount, source):
    return services.issue_obligation(
        party.operator.ruc, Concept.TASA, [("TASA", amount)], source=source, distrito="028"
    )


@pytest.fixture
def supervisor(ledger_world):
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import make_officer

    return make_officer([Role.SUPERVISOR], ["028"], username="supervisor-fac")


def test_rules_refuse_a_small_down_payment_too_many_dividends_and_others_obligations(
    ledger_world,
):
    mine = _tasa(ledger_world.importer, "1000", "m")
    theirs = _tasa(ledger_world.other, "1000", "t")
    edoc, outcome = _file(ledger_world.importer, [mine.numero, theirs.numero], "100", 30)
    assert outcome == "rechazado"
    codes = set(DocumentError.objects.filter(document=edoc).values_list("code", flat=True))
    assert {"FAC-001", "FAC-003", "FAC-004"} <= codes


def test_a_garantia_is_required_above_the_threshold(ledger_world, settings):
    settings.ECUAPASS_FACILIDAD_GARANTIA_UMBRAL = "500"
    ob = _tasa(ledger_world.importer, "1000", "g")
    edoc, outcome = _file(ledger_world.importer, [ob.numero], "200", 6)
    assert outcome == "rechazado"
    assert DocumentError.objects.filter(document=edoc, code="FAC-005").exists()
    ok, outcome = _file(
        ledger_world.importer,
        [ob.numero],
        "200",
        6,
        garantia={
            "garante": "Aseguradora Demo",
            "numero": "G-1",
            "monto": "800",
            "vigente_hasta": (timezone.localdate() + timedelta(days=400)).isoformat(),
        },
    )
    assert outcome == "aceptado"


def test_approval_issues_the_plan_covers_the_dai_and_releases_it(ledger_world, supervisor):
    dai = accepted(ledger_world.importer)  # automático: aforo cerrado, liquidación pending
    liq = Obligation.objects.get(edoc=dai)
    total = liq.amount
    cuota = (total * Decimal("0.25")).quantize(Decimal("0.01"))
    edoc, outcome = _file(ledger_world.importer, [liq.numero], cuota, 3)
    assert outcome == "aceptado" and edoc.document_number.startswith("028-")
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.fire(edoc, "aprobar", user=ledger_world.importer.user)
    lifecycle.fire(edoc, "aprobar", user=supervisor.user, note="Cumple.")
    plan = PaymentPlan.objects.get(edoc=edoc)
    liq.refresh_from_db()
    dai.refresh_from_db()
    assert liq.state == Obligation.State.EN_FACILIDAD
    assert dai.estado_documento == "salida_autorizada"
    plan_obs = Obligation.objects.filter(plan=plan).exclude(pk=liq.pk).order_by("exigible_on", "pk")
    assert [o.concept for o in plan_obs] == [Concept.CUOTA_INICIAL] + [Concept.DIVIDENDO] * 3
    capital = sum(c.amount for o in plan_obs for c in o.components.all() if c.code == "CAPITAL")
    assert capital == total  # the plan collects exactly the covered balance, plus interest
    # Paying everything through the bank ends the plan and the covered obligation is paid.
    for o in plan_obs:
        services.pay(
            o,
            amount=services.amount_due(o, o.exigible_on).total,
            collector="B",
            paid_at=timezone.make_aware(
                timezone.datetime.combine(o.exigible_on, timezone.datetime.min.time())
            )
            + timedelta(hours=10),
        )
    plan.refresh_from_db()
    liq.refresh_from_db()
    assert plan.state == PaymentPlan.State.TERMINADA and liq.state == Obligation.State.PAGADA


def test_denial_needs_a_supervisor_and_keeps_the_obligations(ledger_world, supervisor):
    ob = _tasa(ledger_world.importer, "1000", "d")
    edoc, _ = _file(ledger_world.importer, [ob.numero], "300", 4)
    lifecycle.fire(edoc, "denegar", user=supervisor.user, note="Sin capacidad de pago.")
    ob.refresh_from_db()
    assert ob.state == Obligation.State.PENDIENTE and not PaymentPlan.objects.exists()


def test_two_consecutive_missed_dividends_cancel_the_plan(ledger_world, supervisor):
    ob = _tasa(ledger_world.importer, "1200", "c")
    edoc, _ = _file(ledger_world.importer, [ob.numero], "240", 6)
    lifecycle.fire(edoc, "aprobar", user=supervisor.user)
    plan = PaymentPlan.objects.get(edoc=edoc)
    cuota = Obligation.objects.get(plan=plan, concept=Concept.CUOTA_INICIAL)
    services.pay(cuota, amount=services.amount_due(cuota).total, collector="B")
    dividends = list(
        Obligation.objects.filter(plan=plan, concept=Concept.DIVIDENDO).order_by("exigible_on")
    )
    one_missed = dividends[0].exigible_on + timedelta(days=1)
    assert fac.cancel_if_defaulted(plan, one_missed) is None
    two_missed = dividends[1].exigible_on + timedelta(days=1)
    saldo = fac.cancel_if_defaulted(plan, two_missed)
    plan.refresh_from_db()
    assert plan.state == PaymentPlan.State.CANCELADA
    assert saldo.concept == Concept.SALDO and saldo.exigible_on == two_missed
    capital = sum(c.amount for c in saldo.components.all() if c.code == "CAPITAL")
    assert capital == Decimal("960.00")  # nothing of the dividends was paid
    assert all(
        d.state == Obligation.State.ANULADA
        for d in Obligation.objects.filter(pk__in=[d.pk for d in dividends])
    )
