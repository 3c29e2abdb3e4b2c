"""Abandono tácito: tributes unpaid past the term, the 25 business-day window across the
national holidays, cure by payment plus the multa, definitivo, and the consulta's scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ecuapass.despacho.tests.helpers import accepted
from ecuapass.obligaciones import abandono, services
from ecuapass.obligaciones.models import Abandono, Obligation

pytestmark = pytest.mark.django_db


def test_cure_window_skips_weekends_and_christmas_and_new_year(ledger_world):
    # From Friday 18 Dec 2026: 25 business days without 25 Dec and 1 Jan → Tuesday 26 Jan 2027.
    assert abandono.add_business_days(date(2026, 12, 18), 25) == date(2027, 1, 26)
    assert abandono.add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def _overdue_dai(party, days=25):
    edoc = accepted(party)
    Obligation.objects.filter(edoc=edoc).update(
        exigible_on=timezone.localdate() - timedelta(days=days)
    )
    return edoc


def test_unpaid_tributes_put_the_dai_in_abandono_and_payment_plus_multa_cures_it(ledger_world):
    late = _overdue_dai(ledger_world.importer)
    recent = _overdue_dai(ledger_world.importer, days=5)
    [case] = abandono.detect()
    assert case.edoc == late and case.state == Abandono.State.TACITO
    assert case.multa.amount > 0 and case.multa.edoc == late
    assert abandono.detect() == []  # idempotent
    assert not Abandono.objects.filter(edoc=recent).exists()
    for o in Obligation.objects.filter(edoc=late, state__in=Obligation.OPEN):
        services.pay(o, amount=services.amount_due(o).total, collector="B")
    case.refresh_from_db()
    late.refresh_from_db()
    assert case.state == Abandono.State.CURADO
    assert late.estado_documento == "salida_autorizada"


def test_the_cure_window_passes_and_it_becomes_definitivo(ledger_world):
    _overdue_dai(ledger_world.importer)
    [case] = abandono.detect()
    assert abandono.expire(case.cure_until) == 0
    assert abandono.expire(case.cure_until + timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.state == Abandono.State.DEFINITIVO


def test_consulta_shows_only_the_operators_own_and_exports_csv(ledger_world, oce_client):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    edoc = _overdue_dai(ledger_world.importer)
    abandono.detect()
    mine = oce_client(ledger_world.importer).get("/obligaciones/abandono/").content.decode()
    assert edoc.document_number in mine
    csv = oce_client(ledger_world.importer).get("/obligaciones/abandono/?formato=csv&estado=tacito")
    assert csv["Content-Type"].startswith("text/csv")
    assert edoc.document_number in b"".join(csv.streaming_content).decode()
    other = oce_client(ledger_world.other).get("/obligaciones/abandono/").content.decode()
    assert edoc.document_number not in other
