"""The officer's decision: roles and distrito, versions with the diff, the liquidación, notices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecuapass.correcciones import services
from ecuapass.correcciones.models import DaiVersion
from ecuapass.customs.models import Dai
from ecuapass.customs.payloads import COFFEE, LAPTOPS, SHOES
from ecuapass.edocs.models import EDocument, StatusChange
from ecuapass.notifications.models import Notification
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, make_party

from .helpers import accepted_dai, errors_of, file, put_in_state, request_payload

pytestmark = pytest.mark.django_db

COR, SUS, ANU = "DAI-COR", "DAI-SUS", "DAI-ANU"


def corregir(world, dai, **fields):
    fields.setdefault("cabecera", {"factura": {"numero": "FAC-CORREGIDA-9"}})
    edoc = file(world.importer, request_payload(COR, dai, **fields))
    assert edoc.estado_documento == "aceptado", errors_of(edoc)
    return edoc


def notices(oce, subject):
    return Notification.objects.filter(oce_code=oce, subject__contains=subject)


def test_acceptance_lands_with_the_officers_of_the_dais_distrito(world, officers):
    dai = accepted_dai(world.importer)
    edoc = corregir(world, dai)
    told = set(
        Notification.objects.filter(subject__contains="SOLICITUD POR DECIDIR").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"aforador-c", "supervisor-c"}
    assert edoc.document_number in Notification.objects.get(user=officers.tecnico.user).subject
    # An anulación is the supervisor's only.
    other = accepted_dai(world.importer)
    file(world.importer, request_payload(ANU, other, causal="otra"))
    assert not Notification.objects.filter(
        user=officers.tecnico.user,
        subject__contains="SOLICITUD POR DECIDIR",
        body__contains="anulación",
    ).exists()


def test_tecnico_approves_a_correction_the_dai_gets_version_2_with_its_diff(world, officers):
    dai = accepted_dai(world.importer)
    number = dai.document_number
    before_tributos = Dai.objects.get(edoc=dai).liquidacion.total_tributos
    coffee = dict(COFFEE, fob="12000.00")
    edoc = corregir(
        world,
        dai,
        cabecera={"factura": {"numero": "FAC-CORREGIDA-9"}, "puerto_embarque": "CNNGB"},
        items=[coffee, dict(LAPTOPS), dict(SHOES)],
    )
    services.decide(edoc, approve=True, officer=officers.tecnico, note="Conforme.", ip="10.0.0.8")

    edoc.refresh_from_db()
    assert edoc.estado_documento == "aprobada"
    dai.refresh_from_db()
    assert dai.document_number == number and dai.estado_documento == "aceptado"
    content = Dai.objects.get(edoc=dai)
    assert content.factura_numero == "FAC-CORREGIDA-9" and content.puerto_embarque == "CNNGB"
    assert content.items.get(numero=1).fob == Decimal("12000.00")
    assert dai.reference == "FAC-CORREGIDA-9"

    version = DaiVersion.objects.get(dai=dai)
    assert version.numero == 2 and version.solicitud == edoc.content
    assert version.por == officers.tecnico.user and version.por_rol == Role.TECNICO
    assert version.motivo == edoc.content.motivo and version.nota == "Conforme."
    assert {(c["campo"], c["antes"], c["despues"]) for c in version.cambios} == {
        ("factura.numero", dai.envio.payload["factura"]["numero"], "FAC-CORREGIDA-9"),
        ("puerto_embarque", "CNSHA", "CNNGB"),
        ("items[1].fob", "10000.00", "12000.00"),
    }
    assert version.antes["factura"]["numero"] == dai.envio.payload["factura"]["numero"]
    assert version.despues["items"][0]["fob"] == "12000.00"

    # The liquidación recomputed by the customs services (20 % ad valorem on the coffee, IVA…),
    # frozen again; the difference is recorded.
    liq = content.liquidacion
    assert liq.frozen and liq.total_tributos > before_tributos
    assert Decimal(version.liquidacion_antes["total_tributos"]) == before_tributos
    assert Decimal(version.liquidacion_despues["total_tributos"]) == liq.total_tributos
    assert version.diferencia_tributos == liq.total_tributos - before_tributos
    assert version.sube_tributos

    # History with the officer's role and address; notices both ways.
    row = StatusChange.objects.filter(document=edoc, to_state="aprobada").get()
    assert (row.by_user, row.by_role, row.ip) == (officers.tecnico.user, Role.TECNICO, "10.0.0.8")
    (notice,) = notices(world.importer.oce, "SOLICITUD APROBADA")
    assert number in notice.body and "versión 2" in notice.body


def test_the_envio_of_the_dai_stays_as_sent(world, officers):
    dai = accepted_dai(world.importer)
    sent = dict(dai.envio.payload)
    services.decide(corregir(world, dai), approve=True, officer=officers.supervisor)
    dai.refresh_from_db()
    assert dai.envio.payload == sent


def test_an_officer_of_another_distrito_cannot_decide(world, officers):
    dai = accepted_dai(world.importer)
    edoc = corregir(world, dai)
    for officer in (officers.foreign_tecnico, officers.foreign_supervisor):
        with pytest.raises(services.SolicitudError, match="No está autorizado"):
            services.decide(edoc, approve=True, officer=officer)
        with pytest.raises(services.SolicitudError, match="No está autorizado"):
            services.decide(edoc, approve=False, officer=officer, note="No.")
    edoc.refresh_from_db()
    assert edoc.estado_documento == "aceptado"
    assert not DaiVersion.objects.exists()


def test_an_analyst_cannot_decide(world, officers):
    analyst = make_officer([Role.ANALISTA], ["028"], username="analista-c")
    edoc = corregir(world, accepted_dai(world.importer))
    with pytest.raises(services.SolicitudError, match="No está autorizado"):
        services.decide(edoc, approve=True, officer=analyst)


def test_anulacion_is_the_supervisors_and_fires_the_dais_anular(world, officers):
    make_party(BROKER_RUC, BROKER_NAME, "01", BROKER_CODE)
    dai = accepted_dai(world.broker, by_broker=True)
    edoc = file(world.broker, request_payload(ANU, dai, causal="carga_no_arribo"))
    with pytest.raises(services.SolicitudError, match="No está autorizado"):
        services.decide(edoc, approve=True, officer=officers.tecnico)
    services.decide(edoc, approve=True, officer=officers.supervisor, note="Carga no arribó.")
    dai.refresh_from_db()
    assert dai.estado_documento == "anulado"
    anular = StatusChange.objects.get(document=dai, transition="anular")
    assert anular.by_role == Role.SUPERVISOR and edoc.document_number in anular.note
    # The broker (filer) and the importer (party) learn it from the DAI and from the request.
    for oce in (world.broker.oce, world.importer.oce):
        assert notices(oce, "DECLARACIÓN ANULADA").count() == 1
        assert notices(oce, "SOLICITUD APROBADA").count() == 1
    assert not DaiVersion.objects.exists()


def test_denial_needs_a_reason_and_tells_the_filer_and_the_party(world, officers):
    dai = accepted_dai(world.broker, by_broker=True)
    edoc = file(world.broker, request_payload(COR, dai, cabecera={"puerto_embarque": "CNNGB"}))
    with pytest.raises(services.SolicitudError, match="motivo de la denegación"):
        services.decide(edoc, approve=False, officer=officers.tecnico, note=" ")
    services.decide(
        edoc, approve=False, officer=officers.tecnico, note="La factura no lo respalda."
    )
    edoc.refresh_from_db()
    assert edoc.estado_documento == "denegada"
    for oce in (world.broker.oce, world.importer.oce):
        (notice,) = notices(oce, "SOLICITUD DENEGADA")
        assert "La factura no lo respalda." in notice.body
    assert Dai.objects.get(edoc=dai).puerto_embarque == "CNSHA"
    with pytest.raises(services.SolicitudError, match="Denegada"):
        services.decide(edoc, approve=True, officer=officers.tecnico)


def test_a_correction_cannot_be_approved_once_the_aforo_closed_but_can_be_denied(world, officers):
    dai = accepted_dai(world.importer)
    edoc = corregir(world, dai)
    put_in_state(dai, "aforo_cerrado")
    with pytest.raises(services.SolicitudError, match="antes del cierre del aforo"):
        services.decide(edoc, approve=True, officer=officers.tecnico)
    assert not DaiVersion.objects.exists()
    services.decide(edoc, approve=False, officer=officers.tecnico, note="Aforo cerrado.")


def test_a_stale_request_is_refused(world, officers):
    """Two requests processed concurrently both pass the one-at-a-time rule (a race the rule cannot
    see): the second approval finds the DAI changed since it was filed and refuses."""
    dai = accepted_dai(world.importer)
    first = corregir(world, dai)
    EDocument.objects.filter(pk=first.pk).update(estado_documento="rechazado")  # the race's view
    second = corregir(world, dai, cabecera={"puerto_embarque": "CNNGB"})
    EDocument.objects.filter(pk=first.pk).update(estado_documento="aceptado")
    services.decide(first, approve=True, officer=officers.tecnico)
    with pytest.raises(services.SolicitudError, match="versión 1, ahora 2"):
        services.decide(second, approve=True, officer=officers.tecnico)
    assert DaiVersion.objects.filter(dai=dai).count() == 1


def test_a_sustitutiva_after_the_levante_gets_a_version_too(world, officers):
    dai = accepted_dai(world.importer)
    put_in_state(dai, "salida_autorizada")
    edoc = file(world.importer, request_payload(SUS, dai, cabecera={"forma_pago": "credito"}))
    services.decide(edoc, approve=True, officer=officers.supervisor)
    version = DaiVersion.objects.get(dai=dai)
    assert version.cambios == [{"campo": "forma_pago", "antes": "contado", "despues": "credito"}]
    assert version.diferencia_tributos == 0 and version.por_rol == Role.SUPERVISOR
