"""Interest on late payment: to the day, at the rate of each trimester."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.obligaciones import services
from ecuapass.obligaciones.interest import interest_for
from ecuapass.obligaciones.models import Concept

RATES = [
    (date(2026, 7, 1), date(2026, 9, 30), Decimal("10.45")),
    (date(2026, 10, 1), date(2026, 12, 31), Decimal("10.67")),
]


def test_no_interest_on_or_before_the_exigible_day():
    assert interest_for(Decimal("1000"), date(2026, 9, 20), date(2026, 9, 20), RATES) == 0
    assert interest_for(Decimal("1000"), date(2026, 9, 20), date(2026, 9, 1), RATES) == 0


def test_interest_across_a_rate_change_counts_each_day_at_its_trimester_rate():
    # 21-30 Sep: 10 days at 10.45 %; 1-10 Oct: 10 days at 10.67 % (360-day year).
    expected = (
        Decimal("1000") * (Decimal("10.45") * 10 + Decimal("10.67") * 10) / Decimal("100") / 360
    )
    got = interest_for(Decimal("1000"), date(2026, 9, 20), date(2026, 10, 10), RATES)
    assert got == Decimal("5.87") == expected.quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_a_late_payment_must_include_the_interest_and_records_it(ledger_world):
    issued = timezone.make_aware(datetime(2026, 9, 20, 10, 0))
    ob = services.issue_obligation(
        "0991003002001", Concept.TASA, [("TASA", "1000")], source="late", issued_on=issued
    )
    paid_at = timezone.make_aware(datetime(2026, 10, 10, 11, 0))
    due = services.amount_due(ob, paid_at.date())
    assert due.interest == Decimal("5.87") and due.total == Decimal("1005.87")
    with pytest.raises(services.ObligacionError):
        services.pay(ob, amount=Decimal("1000"), collector="B", paid_at=paid_at)
    payment = services.pay(ob, amount=Decimal("1005.87"), collector="B", paid_at=paid_at)
    assert (payment.principal, payment.interest) == (Decimal("1000.00"), Decimal("5.87"))
