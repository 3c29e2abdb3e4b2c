"""Abandono tácito of cargo: not declared within the control's term from its arrival, stored
in the depósito temporal beyond its term; the transport document is the subject until a DAI
declares it; notices to the consignee and the depósito; the cure by declaring and paying."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from ecuapass.carga import services as carga
from ecuapass.carga.models import DocumentoTransporte, EventoCarga, Manifiesto
from ecuapass.carga.tests import helpers as h
from ecuapass.core.loading import LoadReport
from ecuapass.obligaciones import abandono, services
from ecuapass.obligaciones.models import Abandono, CausalAbandono, Obligation

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(db):
    from ecuapass.obligaciones import reference_data as ledger
    from ecuapass.portal import reference_data as portal

    world = h.build()
    for module in (ledger, portal):
        module.load(LoadReport(write=lambda s: None))
    return world


def _arrived(cw, days_ago, numero="MEDUSH000001"):
    edoc = h.manifest(cw, documentos=[h.documento(numero=numero)])
    h.arrived(cw, edoc)
    Manifiesto.objects.filter(edoc=edoc).update(
        fecha_llegada=timezone.now() - timedelta(days=days_ago)
    )
    return DocumentoTransporte.objects.get(manifiesto__edoc=edoc)


def test_cargo_not_declared_within_the_controls_term_is_en_abandono(cw):
    from ecuapass.notifications.models import Notification

    late = _arrived(cw, 31)
    in_time = _arrived(cw, 29, numero="MEDUSH000002")
    [case] = abandono.detect()
    assert (case.documento, case.edoc, case.causal.code) == (late, None, "NO_DECLARADA")
    assert case.debtor_ruc == late.consignatario_ruc and case.distrito == "028"
    assert case.cure_until == abandono.add_business_days(timezone.localdate(), 25)
    assert case.multa.amount > 0 and case.multa.edoc is None
    assert abandono.detect() == []  # idempotent
    assert not Abandono.objects.filter(documento=in_time).exists()
    # The consignee and the depósito that holds it are notified.
    for party in (cw.importer, cw.deposit):
        assert Notification.objects.filter(
            oce_code=party.oce, subject__startswith="ABANDONO TÁCITO"
        ).exists(), party


def test_the_term_is_the_control_in_force_at_the_arrival(cw):
    from ecuapass.carga.models import ControlCarga

    old = _arrived(cw, 400)  # arrived before the control started: the old regime's
    Manifiesto.objects.filter(pk=old.manifiesto_id).update(
        fecha_llegada=timezone.make_aware(timezone.datetime(2025, 6, 1, 10))
    )
    ControlCarga.objects.update(dias_para_declarar=10)
    recent = _arrived(cw, 11, numero="MEDUSH000002")
    assert [a.documento for a in abandono.detect()] == [recent]
    # A ground switched off is not detected.
    Abandono.objects.all().delete()
    CausalAbandono.objects.filter(code="NO_DECLARADA").update(active=False)
    assert abandono.detect() == []


def test_declaring_the_cargo_and_paying_everything_cures_it(cw):
    from ecuapass.carga.tests.test_dai_carga import _dai

    documento = _arrived(cw, 31)
    [case] = abandono.detect()
    dai = _dai(cw, documento.manifiesto.mrn, party=cw.broker)
    assert dai.estado_documento not in ("rechazado", "registrado"), h.errors(dai)
    case.refresh_from_db()
    assert case.edoc == dai and case.state == Abandono.State.TACITO
    assert case.multa.edoc == dai  # the levante waits for the multa too
    open_ = list(Obligation.objects.filter(edoc=dai, state__in=Obligation.OPEN))
    assert case.multa in open_ and len(open_) >= 1
    for o in open_:
        services.pay(o, amount=services.amount_due(o).total, collector="B")
    case.refresh_from_db()
    assert case.state == Abandono.State.CURADO


def test_paying_the_multa_without_declaring_does_not_cure_and_it_turns_definitivo(cw):
    _arrived(cw, 31)
    [case] = abandono.detect()
    services.pay(case.multa, amount=services.amount_due(case.multa).total, collector="B")
    case.refresh_from_db()
    assert case.state == Abandono.State.TACITO
    assert abandono.expire(case.cure_until + timedelta(days=1)) == 1
    case.refresh_from_db()
    assert case.state == Abandono.State.DEFINITIVO


def _ingresada(cw, days_ago):
    documento = _arrived(cw, 1)
    [ingreso] = carga.registrar_ingreso(
        documento,
        oce=cw.deposit.oce,
        user=cw.deposit.user,
        bultos=20,
        peso=documento.peso,
        fecha_hora=timezone.now() - timedelta(minutes=5),
        contenedores=[{"numero": "MSCU1234565", "sellos": ["ML-0001"]}],
    )
    EventoCarga.objects.filter(pk=ingreso.pk).update(
        fecha_hora=timezone.now() - timedelta(days=days_ago)
    )
    return documento


def test_cargo_stored_beyond_the_term_is_en_abandono(cw):
    stored = _ingresada(cw, 31)
    [case] = abandono.detect()
    assert (case.documento, case.causal.code) == (stored, "ALMACENAMIENTO")
    assert abandono.detect() == []


def test_one_open_abandono_per_goods_even_on_two_grounds(cw):
    documento = _ingresada(cw, 40)
    Manifiesto.objects.filter(pk=documento.manifiesto_id).update(
        fecha_llegada=timezone.now() - timedelta(days=41)
    )
    [case] = abandono.detect()
    assert case.causal.code == "NO_DECLARADA"


def test_consulta_shows_cargo_to_the_consignee_and_the_deposito_not_to_others(cw, oce_client):
    documento = _arrived(cw, 31)
    abandono.detect()
    for party in (cw.importer, cw.deposit):
        page = oce_client(party).get("/obligaciones/abandono/").content.decode()
        assert documento.numero in page and documento.manifiesto.mrn in page, party
    csv = oce_client(cw.importer).get("/obligaciones/abandono/?formato=csv")
    assert documento.numero in b"".join(csv.streaming_content).decode()
    other = oce_client(cw.other_deposit).get("/obligaciones/abandono/").content.decode()
    assert documento.numero not in other


def test_cure_window_starts_on_detection_day(cw):
    _arrived(cw, 45)
    on = date(2026, 12, 18)
    [case] = abandono.detect(on)
    assert (case.started_on, case.cure_until) == (on, date(2027, 1, 26))


def test_officers_see_the_cargo_of_their_distritos(cw, client):
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import login_officer, make_officer

    documento = _arrived(cw, 31)
    abandono.detect()
    login_officer(client, make_officer([Role.TECNICO], ["028"], username="tec28"))
    page = client.get("/interno/facilidades/abandono/").content.decode()
    assert documento.numero in page
    client.logout()
    login_officer(client, make_officer([Role.TECNICO], ["019"], username="tec19"))
    page = client.get("/interno/facilidades/abandono/").content.decode()
    assert documento.numero not in page


def test_an_annulled_dai_gives_the_cargo_en_abandono_back_with_its_multa(cw, monkeypatch):
    from ecuapass.carga.tests.test_dai_carga import _dai
    from ecuapass.despacho import services as despacho

    monkeypatch.setattr(despacho, "despachar_aceptado", lambda edoc: None)  # stays aceptado
    from ecuapass.edocs import lifecycle
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import make_officer

    documento = _arrived(cw, 31)
    [case] = abandono.detect()
    dai = _dai(cw, documento.manifiesto.mrn, party=cw.broker)
    case.refresh_from_db()
    assert case.edoc == dai
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="sup28")
    lifecycle.fire(dai, "anular", user=supervisor.user, note="Duplicada.")
    case.refresh_from_db()
    case.multa.refresh_from_db()
    assert (case.edoc, case.state) == (None, Abandono.State.TACITO)
    assert case.multa.state == Obligation.State.PENDIENTE and case.multa.edoc is None
    assert not Obligation.objects.filter(edoc=dai, state__in=Obligation.OPEN).exists()
