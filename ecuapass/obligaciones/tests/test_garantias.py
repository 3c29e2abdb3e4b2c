"""Garantías: approval covers a DAI's obligations (levante before payment), efectivización
applies the garantía to an unpaid obligation, expiry notices 30 days before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ecuapass.despacho.tests.helpers import accepted
from ecuapass.notifications.models import Notification
from ecuapass.obligaciones import garantias
from ecuapass.obligaciones.errors import ObligacionError
from ecuapass.obligaciones.models import Garantia, Obligation

pytestmark = pytest.mark.django_db


def _register(
    party,
    edoc=None,
    amount="100000",
    tipo=Garantia.Tipo.ESPECIFICA,
    days=365,
    distritos=("028",),
):
    today = timezone.localdate()
    return garantias.register(
        party.operator.ruc,
        tipo=tipo,
        garante="Aseguradora Demo S.A.",
        numero="POL-001",
        amount=amount,
        valid_from=today,
        valid_to=today + timedelta(days=days),
        edoc=edoc,
        distritos=distritos,
    )


def test_bad_registrations_name_the_field(ledger_world):
    with pytest.raises(ObligacionError) as e:
        _register(ledger_world.importer, amount="0")
    assert e.value.field == "monto"
    with pytest.raises(ObligacionError) as e:
        _register(ledger_world.importer)  # específica without its declaration
    assert e.value.field == "declaracion"
    assert not Garantia.objects.exists()


def test_an_approved_especifica_releases_the_dai_and_is_efectivizada_when_unpaid(ledger_world):
    edoc = accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=edoc)
    garantia = _register(ledger_world.importer, edoc=edoc)
    with pytest.raises(ObligacionError):
        garantias.decide(garantia, approve=False)  # a rejection needs its reason
    garantias.decide(garantia, approve=True)
    edoc.refresh_from_db()
    ob.refresh_from_db()
    assert ob.garantia_id == garantia.pk and edoc.estado_documento == "salida_autorizada"
    with pytest.raises(ObligacionError):
        garantias.efectivizar(garantia, ob)  # not yet overdue
    Obligation.objects.filter(pk=ob.pk).update(
        exigible_on=timezone.localdate() - timedelta(days=10)
    )
    ob.refresh_from_db()
    payment = garantias.efectivizar(garantia, ob)
    ob.refresh_from_db()
    assert ob.state == Obligation.State.PAGADA and payment.collector == "GARANTIA"
    assert payment.interest > 0 and garantias.used(garantia) == payment.total
    assert Notification.objects.filter(subject__startswith="GARANTÍA EFECTIVIZADA").exists()


def test_a_general_garantia_covers_only_what_fits_its_amount(ledger_world):
    small = accepted(ledger_world.importer)
    ob = Obligation.objects.get(edoc=small)
    garantia = _register(
        ledger_world.importer, tipo=Garantia.Tipo.GENERAL, amount=str(ob.amount - 1)
    )
    garantias.decide(garantia, approve=True)
    ob.refresh_from_db()
    assert ob.garantia_id is None


def test_expiry_notice_30_days_before_once(ledger_world):
    garantia = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, days=20)
    garantias.decide(garantia, approve=True)
    assert garantias.notify_expiring() == 1
    assert garantias.notify_expiring() == 0
    assert Notification.objects.filter(subject__startswith="GARANTÍA POR VENCER").exists()


def test_the_operator_registers_a_garantia_in_the_portal(ledger_world, oce_client):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data

    reference_data.load(LoadReport(write=lambda s: None))
    client = oce_client(ledger_world.importer)
    today = timezone.localdate()
    form = {
        "tipo": "general",
        "garante": "Banco Demo",
        "numero": "GG-9",
        "monto": "5000",
        "vigente_desde": today.isoformat(),
        "vigente_hasta": (today - timedelta(days=1)).isoformat(),
        "distritos": ["028"],
    }
    bad = client.post("/obligaciones/garantias/", form)
    assert bad.status_code == 200 and "vigencia" in bad.content.decode()
    assert 'value="GG-9"' in bad.content.decode()
    form["vigente_hasta"] = (today + timedelta(days=90)).isoformat()
    assert client.post("/obligaciones/garantias/", form).status_code == 302
    assert Garantia.objects.get().state == Garantia.State.REGISTRADA


def test_a_garantia_answers_in_its_distritos(ledger_world):
    with pytest.raises(ObligacionError) as e:
        _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=())
    assert e.value.field == "distritos"
    with pytest.raises(ObligacionError) as e:
        _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("999",))
    assert e.value.field == "distritos"
    edoc = accepted(ledger_world.importer)
    especifica = _register(ledger_world.importer, edoc=edoc, distritos=("019",))
    assert especifica.distrito_codes == [edoc.content.distrito]  # its declaration's, always
    # A general garantía of another distrito does not cover the DAI.
    from ecuapass.officers.tests.factories import distrito

    distrito("019")
    elsewhere = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("019",))
    garantias.decide(elsewhere, approve=True)
    assert Obligation.objects.get(edoc=edoc).garantia_id is None
    here = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("019", "028"))
    garantias.decide(here, approve=True)
    assert Obligation.objects.get(edoc=edoc).garantia_id == here.pk


def test_officers_see_and_decide_only_their_distritos_garantias(ledger_world, client):
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import distrito, login_officer, make_officer

    distrito("019")
    mine = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("028",))
    theirs = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("019",))
    Garantia.objects.filter(pk=theirs.pk).update(numero="POL-019")
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="supervisor28")
    login_officer(client, supervisor)
    page = client.get("/interno/facilidades/garantias/").content.decode()
    assert "POL-001" in page and "POL-019" not in page
    url = f"/interno/facilidades/garantias/{theirs.pk}/decision/"
    assert client.post(url, {"decision": "aprobar"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Garantia.State.REGISTRADA
    r = client.post(f"/interno/facilidades/garantias/{mine.pk}/decision/", {"decision": "aprobar"})
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.state == Garantia.State.APROBADA


def test_a_garantia_over_several_distritos_is_decided_by_an_officer_of_all_of_them(
    ledger_world, client
):
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import distrito, login_officer, make_officer

    distrito("019")
    both = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("019", "028"))
    url = f"/interno/facilidades/garantias/{both.pk}/decision/"
    # An officer of one of them sees it, without the decision, and is refused if he posts one.
    one = make_officer([Role.SUPERVISOR], ["028"], username="supervisor28")
    login_officer(client, one)
    page = client.get("/interno/facilidades/garantias/").content.decode()
    assert both.numero in page and 'data-decide="otros"' in page and "Aprobar" not in page
    client.post(url, {"decision": "aprobar"})
    both.refresh_from_db()
    assert both.state == Garantia.State.REGISTRADA
    with pytest.raises(ObligacionError):
        garantias.decide(both, approve=False, note="no", officer=one)
    # An officer of both distritos decides it.
    client.logout()
    two = make_officer([Role.SUPERVISOR], ["019", "028"], username="supervisor2")
    login_officer(client, two)
    assert (
        'data-decide="otros"' not in client.get("/interno/facilidades/garantias/").content.decode()
    )
    assert client.post(url, {"decision": "aprobar"}).status_code == 302
    both.refresh_from_db()
    assert both.state == Garantia.State.APROBADA
    # The administrador acts everywhere.
    other = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("019", "028"))
    admin = make_officer([Role.ADMIN], distritos=(), username="admin1")
    assert garantias.decide(other, approve=True, officer=admin).state == Garantia.State.APROBADA


def test_the_officers_list_costs_the_same_queries_for_one_garantia_or_many(ledger_world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import login_officer, make_officer

    officer = make_officer([Role.SUPERVISOR], ["028"], username="supervisor28")
    login_officer(client, officer)
    edoc = accepted(ledger_world.importer)
    first = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("028",))
    garantias.decide(first, approve=True)  # covers the DAI's obligation: listed under it
    url = "/interno/facilidades/garantias/"
    client.get(url)  # warm the session, menus and caches
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert Obligation.objects.get(edoc=edoc).numero in page
    for n in range(4):
        g = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("028",))
        Garantia.objects.filter(pk=g.pk).update(numero=f"POL-MAS-{n}")
    with CaptureQueriesContext(connection) as five:
        page = client.get(url).content.decode()
    assert page.count("POL-MAS-") == 4
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]


def test_an_obligation_is_efectivized_only_by_an_officer_of_its_distrito(ledger_world, client):
    from ecuapass.notifications.models import Notification
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import distrito, login_officer, make_officer

    distrito("019")
    edoc = accepted(ledger_world.importer)  # distrito 028
    both = _register(ledger_world.importer, tipo=Garantia.Tipo.GENERAL, distritos=("019", "028"))
    garantias.decide(both, approve=True)
    obligation = Obligation.objects.get(edoc=edoc)
    assert obligation.garantia_id == both.pk
    notice = Notification.objects.filter(subject__startswith="GARANTÍA APROBADA").first()
    assert "USD 100.000,00" in notice.body  # as an Ecuadorian reads it
    foreign = make_officer([Role.SUPERVISOR], ["019"], username="supervisor19")
    login_officer(client, foreign)
    page = client.get("/interno/facilidades/garantias/").content.decode()
    assert both.numero in page and obligation.numero not in page
    url = f"/interno/facilidades/garantias/{both.pk}/efectivizar/{obligation.pk}/"
    assert client.post(url).status_code == 404
    assert not obligation.payments.exists()
