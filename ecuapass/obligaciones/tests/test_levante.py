"""Levante: only when the aforo is closed and every obligation of the DAI is covered; the
cierre's complementaria and multas are obligations; notices to filer, importer and depósito."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.despacho import services as despacho
from ecuapass.despacho.tests import helpers
from ecuapass.notifications.models import Notification
from ecuapass.obligaciones import services
from ecuapass.obligaciones.models import Concept, Obligation

pytestmark = pytest.mark.django_db
OUTCOME = "sin_novedad"


def _pay(ob):
    return services.pay(ob, amount=services.amount_due(ob).total, collector="B", reference="r")


def test_a_payment_during_the_aforo_is_kept_and_the_levante_waits_for_the_cierre(
    ledger_world, officers, no_despacho_on_acceptance
):
    case = helpers.in_aforo(ledger_world.importer, officer=officers.tecnico)
    edoc = case.edoc
    ob = Obligation.objects.get(edoc=edoc)
    _pay(ob)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "en_aforo"
    despacho.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"


def test_complementaria_and_multa_become_obligations_and_hold_the_levante(
    ledger_world, officers, no_despacho_on_acceptance
):
    case = helpers.in_aforo(ledger_world.importer, officer=officers.tecnico)
    edoc = case.edoc
    correction = despacho.propose_correction(
        case,
        field="fob",
        item_numero=2,
        new_value="30000",
        reason="Valor.",
        officer=officers.tecnico,
    )
    despacho.respond_correction(
        correction, accept=True, user=ledger_world.importer.user, oce=ledger_world.importer.oce
    )
    despacho.close_aforo(
        case,
        resultado="con_novedad",
        note="Subvaloración.",
        multas=[despacho.MultaInput("C-190-D", "Diferencia de valor")],
        officer=officers.tecnico,
    )
    edoc.refresh_from_db()
    assert edoc.estado_documento == "liquidacion_complementaria"
    by_concept = {o.concept: o for o in Obligation.objects.filter(edoc=edoc)}
    assert set(by_concept) == {Concept.LIQUIDACION, Concept.COMPLEMENTARIA, Concept.MULTA}
    rel = case.reliquidacion
    assert by_concept[Concept.COMPLEMENTARIA].amount == rel.diferencia
    assert by_concept[Concept.MULTA].amount == Decimal("1446.00")
    # The sum reconciles with what the page shows: liquidación + complementaria + multas.
    liq = edoc.content.liquidacion.total_tributos
    assert services.totals_for_document(edoc) == liq + rel.diferencia + Decimal("1446.00")
    _pay(by_concept[Concept.LIQUIDACION])
    _pay(by_concept[Concept.COMPLEMENTARIA])
    edoc.refresh_from_db()
    assert edoc.estado_documento == "liquidacion_complementaria"  # the multa is still unpaid
    _pay(by_concept[Concept.MULTA])
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"


def test_the_levante_notifies_filer_importer_and_the_deposito(
    ledger_world, officers, no_despacho_on_acceptance
):
    from ecuapass.accounts.models import OceCode
    from tests.support.world import make_party

    deposito = make_party("0992005009001", "Depósito", "04", "09920050", username="bodega").oce
    case = helpers.in_aforo(
        ledger_world.broker, canal="fisico_intrusivo", officer=officers.tecnico, by_broker=True
    )
    despacho.schedule_inspection(
        case,
        when=timezone.now() + timedelta(hours=2),
        place="Patio 3",
        deposito=deposito,
        officer=officers.tecnico,
    )
    inspection = case.inspections.get()
    despacho.record_inspection(
        inspection, outcome=OUTCOME, findings="Sin novedad.", officer=officers.tecnico
    )
    despacho.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    Notification.objects.all().delete()
    _pay(Obligation.objects.get(edoc=case.edoc))
    subjects = {
        (n.oce_code.code if n.oce_code_id else None): n.subject for n in Notification.objects.all()
    }
    assert {"17910020", "29000001", "09920050"} <= set(subjects)
    assert all("SALIDA AUTORIZADA" in s for s in subjects.values())
    assert OceCode.objects.filter(code="09920050").exists()


def test_an_anulada_dai_annuls_its_open_obligations(
    ledger_world, officers, no_despacho_on_acceptance
):
    from ecuapass.edocs import lifecycle

    edoc = helpers.accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=edoc)
    lifecycle.fire(edoc, "anular", user=officers.supervisor.user, note="Duplicada.")
    ob.refresh_from_db()
    assert ob.state == Obligation.State.ANULADA


def test_an_approved_correction_that_raises_the_tributes_owes_the_difference(
    ledger_world, officers, no_despacho_on_acceptance
):
    from ecuapass.correcciones import services as correcciones
    from ecuapass.correcciones.tests.helpers import file, request_payload
    from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES

    edoc = helpers.accepted(ledger_world.importer)
    request = file(
        ledger_world.importer,
        request_payload(
            "DAI-COR",
            edoc,
            cabecera={"factura": {"numero": "FAC-CORREGIDA-1"}},
            items=[dict(COFFEE, fob="12000.00"), dict(LAPTOPS), dict(SHOES)],
        ),
    )
    correcciones.decide(request, approve=True, officer=officers.tecnico, note="Conforme.")
    by_concept = {o.concept: o for o in Obligation.objects.filter(edoc=edoc)}
    assert set(by_concept) == {Concept.LIQUIDACION, Concept.COMPLEMENTARIA}
    liq = edoc.content.liquidacion
    liq.refresh_from_db()
    assert services.totals_for_document(edoc) == liq.total_tributos
