"""The despacho's services: opening, assignment by workload, every aforo action and its role."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.despacho import services
from ecuapass.despacho.errors import DespachoError, NotYourCase
from ecuapass.despacho.models import (
    AforoCase,
    AforoEvent,
    Correction,
    DocumentRequest,
    Inspection,
    Multa,
    TipoDocumentoSoporte,
)
from ecuapass.edocs.lifecycle import TransitionNotAllowed
from ecuapass.edocs.models import StatusChange
from ecuapass.notifications.models import Notification

from . import helpers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_despacho_on_acceptance")]


def factura():
    return TipoDocumentoSoporte.objects.get(code="01")


def test_open_documental_assigns_the_least_loaded_tecnico_of_the_distrito(world, officers):
    first = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    second = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    third = services.open_despacho(helpers.accepted(world.importer), canal="fisico_intrusivo")
    # aforador1 and aforador2 alternate; the técnico of 019 never gets a case of 028.
    assert [first.tecnico, second.tecnico, third.tecnico] == [
        officers.tecnico,
        officers.tecnico2,
        officers.tecnico,
    ]
    # Closing one of aforador1's cases frees them: the next goes to the one with less work.
    AforoCase.objects.filter(pk__in=[first.pk, third.pk]).update(closed_on=timezone.now())
    fourth = services.open_despacho(helpers.accepted(world.importer), canal="electronico")
    assert fourth.tecnico == officers.tecnico
    edoc = fourth.edoc
    edoc.refresh_from_db()
    assert (edoc.estado_documento, edoc.canal_aforo) == ("canal_asignado", "electronico")
    history = StatusChange.objects.filter(document=edoc, field="documento").last()
    assert (history.by_process, history.by_role) == ("motor-de-riesgo", "process")
    # The técnico is told in their buzón personal; the event is internal to SENAE.
    assert Notification.objects.filter(
        user=officers.tecnico.user, subject__contains="TRÁMITE ASIGNADO"
    ).exists()
    assert AforoEvent.objects.get(case=fourth).kind == "asignado"


def test_open_automatico_closes_without_a_case(world, officers):
    edoc = helpers.accepted(world.importer)
    assert services.open_despacho(edoc, canal="automatico") is None
    edoc.refresh_from_db()
    assert edoc.estado_documento == "aforo_cerrado"
    assert not AforoCase.objects.exists()
    # Idempotent: a second call changes nothing.
    assert services.open_despacho(edoc) is None


def test_no_tecnico_in_the_distrito_leaves_the_case_unassigned(world, despacho_world):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    assert case.tecnico is None and case.is_open


def test_deadline_counts_business_days_per_canal(world, officers, settings):
    settings.ECUAPASS_AFORO_PLAZOS = {"documental": 1, "fisico_intrusivo": 3}
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    from ecuapass.despacho.deadlines import add_business_days, due_for

    assert case.due_on == add_business_days(case.opened_on, 1)
    tz = timezone.get_current_timezone()
    friday = timezone.make_aware(datetime(2026, 7, 31, 10, 0), tz)
    assert due_for("documental", friday) == timezone.make_aware(datetime(2026, 8, 3, 10, 0), tz)
    assert due_for("fisico_intrusivo", friday) == timezone.make_aware(
        datetime(2026, 8, 5, 10, 0), tz
    )
    # Monday 10 August 2026 is a public holiday in Ecuador (Primer Grito de Independencia).
    next_friday = timezone.make_aware(datetime(2026, 8, 7, 10, 0), tz)
    assert due_for("documental", next_friday) == timezone.make_aware(
        datetime(2026, 8, 11, 10, 0), tz
    )


def test_iniciar_is_the_assigned_tecnicos(world, officers):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    assert case.tecnico == officers.tecnico
    for other in (officers.tecnico2, officers.foreign, officers.supervisor):
        with pytest.raises(NotYourCase):
            services.start(case, officer=other)
    services.start(case, officer=officers.tecnico, ip="10.0.0.7")
    case.edoc.refresh_from_db()
    assert case.edoc.estado_documento == "en_aforo"
    row = StatusChange.objects.filter(document=case.edoc).last()
    assert (row.by_user, row.by_role, row.ip) == (
        officers.tecnico.user,
        "tecnico_aforador",
        "10.0.0.7",
    )


def test_request_documents_notifies_the_operator_and_the_upload_delivers_it(world, officers):
    case = helpers.in_aforo(world.broker, officer=officers.tecnico, by_broker=True)
    with pytest.raises(DespachoError) as excinfo:
        services.request_documents(case, [], officer=officers.tecnico)
    assert excinfo.value.field == "documentos"
    with pytest.raises(NotYourCase):
        services.request_documents(case, [factura()], officer=officers.tecnico2)
    before = Notification.objects.count()
    (req,) = services.request_documents(
        case, [factura()], "La factura firmada.", officer=officers.tecnico, ip="10.0.0.7"
    )
    notices = Notification.objects.order_by("id")[before:]
    # The broker (filer) and the importer (party) are told.
    assert {n.oce_code.code for n in notices} == {"17910020", "29000001"}
    assert all("Factura comercial" in n.body for n in notices)

    attachment = services.upload_document(
        req, helpers.pdf(), user=world.broker.user, oce=world.broker.oce, ip="10.9.9.9"
    )
    req.refresh_from_db()
    assert req.status == DocumentRequest.Status.ENTREGADO
    assert attachment.content_type == "application/pdf" and attachment.size == len(helpers.PDF)
    event = AforoEvent.objects.filter(case=case, kind="archivo").get()
    assert (event.by_role, event.by_oce, event.ip) == ("filer", world.broker.oce, "10.9.9.9")
    assert Notification.objects.filter(
        user=officers.tecnico.user, subject__contains="DOCUMENTO ENTREGADO"
    ).exists()


def test_actions_need_the_aforo_started(world, officers):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    with pytest.raises(DespachoError, match="Canal de aforo asignado"):
        services.observe(case, "¿Origen?", officer=officers.tecnico)


def test_inspection_only_for_fisico_then_result_required_before_cierre(
    world, officers, despacho_world
):
    from tests.support.world import make_party

    deposito = make_party("0992005009001", "Depósito Demo", "04", "09920050", username="bodega").oce
    doc_case = helpers.in_aforo(world.importer, "documental", officer=officers.tecnico)
    when = timezone.now() + timedelta(days=1)
    with pytest.raises(DespachoError, match="físico"):
        services.schedule_inspection(doc_case, when=when, place="Patio 3", officer=officers.tecnico)

    case = helpers.in_aforo(world.importer, "fisico_intrusivo", officer=officers.tecnico)
    with pytest.raises(DespachoError) as excinfo:
        services.schedule_inspection(
            case, when=timezone.now() - timedelta(hours=1), place="Patio", officer=officers.tecnico
        )
    assert excinfo.value.field == "fecha"
    with pytest.raises(DespachoError) as excinfo:
        services.schedule_inspection(
            case, when=when, place="Patio", deposito=world.importer.oce, officer=officers.tecnico
        )
    assert excinfo.value.field == "deposito"
    inspection = services.schedule_inspection(
        case, when=when, place="Patio 3, CONTECON", deposito=deposito, officer=officers.tecnico
    )
    assert Notification.objects.filter(oce_code=deposito, subject__contains="INSPECCIÓN").exists()
    assert Notification.objects.filter(
        oce_code=world.importer.oce, subject__contains="INSPECCIÓN PROGRAMADA"
    ).exists()
    with pytest.raises(DespachoError, match="inspección"):
        services.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    services.record_inspection(
        inspection, outcome="sin_novedad", findings="Mercancía conforme.", officer=officers.tecnico
    )
    assert Inspection.objects.get().outcome == "sin_novedad"
    services.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    case.edoc.refresh_from_db()
    assert case.edoc.estado_documento == "aforo_cerrado"


def test_observation_answered_with_attachments(world, officers):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    obs = services.observe(case, "Explique el descuento de la factura.", officer=officers.tecnico)
    with pytest.raises(DespachoError) as excinfo:
        services.answer_observation(obs, "  ", user=world.importer.user, oce=world.importer.oce)
    assert excinfo.value.field == "respuesta"
    services.answer_observation(
        obs,
        "Descuento por volumen.",
        [helpers.png()],
        user=world.importer.user,
        oce=world.importer.oce,
    )
    obs.refresh_from_db()
    assert obs.answered and obs.attachments.get().content_type == "image/png"
    with pytest.raises(DespachoError, match="ya fue respondida"):
        services.answer_observation(obs, "Otra", user=world.importer.user, oce=world.importer.oce)


def test_conforme_closes_and_notifies(world, officers):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    with pytest.raises(NotYourCase):
        services.close_aforo(case, resultado="conforme", officer=officers.foreign)
    services.close_aforo(case, resultado="conforme", note="Sin novedad.", officer=officers.tecnico)
    case.refresh_from_db()
    assert case.resultado == "conforme" and not case.is_open
    assert Notification.objects.filter(subject__startswith="AFORO CERRADO").exists()
    with pytest.raises(DespachoError):
        services.close_aforo(case, resultado="conforme", officer=officers.tecnico)


def test_correction_that_raises_duties_issues_a_numbered_complementaria(world, officers):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    dai = case.edoc.content
    liq = dai.liquidacion
    # Item 2 (laptops, 0 % ad valorem) declared at 25,000 FOB: corrected to 30,000.
    with pytest.raises(DespachoError) as excinfo:
        services.propose_correction(
            case, field="fob", item_numero=9, new_value="1", reason="x", officer=officers.tecnico
        )
    assert excinfo.value.field == "item"
    with pytest.raises(DespachoError) as excinfo:
        services.propose_correction(
            case, field="fob", item_numero=2, new_value="abc", reason="x", officer=officers.tecnico
        )
    assert excinfo.value.field == "valor"
    with pytest.raises(DespachoError) as excinfo:
        services.propose_correction(
            case,
            field="subpartida",
            item_numero=2,
            new_value="9999.99.99.99",
            reason="x",
            officer=officers.tecnico,
        )
    assert excinfo.value.field == "valor" and "no existe" in excinfo.value.message
    correction = services.propose_correction(
        case,
        field="fob",
        item_numero=2,
        new_value="30000",
        reason="Valor de la transferencia bancaria.",
        officer=officers.tecnico,
    )
    assert (correction.old_value, correction.new_value) == ("25000", "30000")
    services.respond_correction(
        correction, accept=True, user=world.importer.user, oce=world.importer.oce
    )

    services.close_aforo(
        case,
        resultado="con_novedad",
        note="Subvaloración.",
        multas=[services.MultaInput("C-190-D", "Diferencia de valor")],
        officer=officers.tecnico,
    )
    case.refresh_from_db()
    edoc = case.edoc
    assert edoc.estado_documento == "liquidacion_complementaria"
    rel = case.reliquidacion
    year = timezone.localdate().year
    assert rel.numero == f"028-{year}-LC-00000001"
    assert rel.total_original == liq.total_tributos
    # Laptops: 0 % ad valorem; FODINFA 0.5 % of CIF and IVA 15 % rise with the 5,000 more FOB.
    tributos = {t.tributo: t for t in rel.tributos.all()}
    assert tributos["ad_valorem"].diferencia == Decimal("0.00")
    assert tributos["fodinfa"].diferencia == Decimal("25.00")
    assert tributos["iva"].diferencia == Decimal("753.75")
    assert rel.diferencia == Decimal("778.75") == tributos["total_tributos"].diferencia
    assert rel.total_corregido == liq.total_tributos + rel.diferencia
    # The accepted DAI and its frozen liquidación are unchanged.
    dai.refresh_from_db()
    liq.refresh_from_db()
    assert dai.items.get(numero=2).fob == Decimal("25000.00") and liq.frozen
    # The multa of the catalog in force, with its legal basis.
    multa = Multa.objects.get()
    assert (multa.code, multa.importer_ruc) == ("C-190-D", dai.importador_ruc)
    assert multa.amount == Decimal("1446.00") and "COPCI" in multa.legal_basis
    assert services.infractions_of(dai.importador_ruc, None) == 1
    notice = Notification.objects.filter(subject__startswith="LIQUIDACIÓN COMPLEMENTARIA").first()
    assert notice is not None and rel.numero in notice.body and "778,75" in notice.body

    # The next complementaria of the distrito takes the next number.
    other = helpers.in_aforo(world.importer, officer=officers.tecnico)
    services.propose_correction(
        other,
        field="subpartida",
        item_numero=2,
        new_value="0901.21.10.00",
        reason="Es café.",
        officer=officers.tecnico,
    )
    services.close_aforo(
        other, resultado="con_novedad", note="Clasificación.", officer=officers.tecnico
    )
    assert other.reliquidacion.numero == f"028-{year}-LC-00000002"


def test_correction_lowering_duties_closes_without_complementaria(world, officers):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    services.propose_correction(
        case,
        field="fob",
        item_numero=1,
        new_value="5000",
        reason="Factura.",
        officer=officers.tecnico,
    )
    with pytest.raises(DespachoError) as excinfo:
        services.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    assert excinfo.value.field == "resultado"
    with pytest.raises(DespachoError) as excinfo:
        services.close_aforo(case, resultado="con_novedad", officer=officers.tecnico)
    assert excinfo.value.field == "informe"
    services.close_aforo(
        case, resultado="con_novedad", note="Valor menor.", officer=officers.tecnico
    )
    case.refresh_from_db()
    assert case.edoc.estado_documento == "aforo_cerrado"
    assert case.reliquidacion.numero == "" and case.reliquidacion.diferencia < 0


def test_withdrawn_and_disputed_corrections(world, officers):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    c = services.propose_correction(
        case,
        field="cantidad_fisica",
        item_numero=1,
        new_value="600",
        reason="Pesaje.",
        officer=officers.tecnico,
    )
    with pytest.raises(DespachoError, match="Ya hay una corrección"):
        services.propose_correction(
            case,
            field="cantidad_fisica",
            item_numero=1,
            new_value="700",
            reason="x",
            officer=officers.tecnico,
        )
    with pytest.raises(DespachoError) as excinfo:
        services.respond_correction(
            c, accept=False, user=world.importer.user, oce=world.importer.oce
        )
    assert excinfo.value.field == "motivo"
    services.respond_correction(
        c,
        accept=False,
        response="El pesaje fue con embalaje.",
        user=world.importer.user,
        oce=world.importer.oce,
    )
    c.refresh_from_db()
    assert c.status == Correction.Status.IMPUGNADA
    services.withdraw_correction(c, officer=officers.tecnico)
    services.close_aforo(case, resultado="conforme", officer=officers.tecnico)
    assert not hasattr(AforoCase.objects.get(pk=case.pk), "reliquidacion") or True


def test_unknown_multa_is_refused_and_nothing_is_saved(world, officers):
    case = helpers.in_aforo(world.importer, officer=officers.tecnico)
    with pytest.raises(DespachoError) as excinfo:
        services.close_aforo(
            case,
            resultado="con_novedad",
            note="x",
            multas=[services.MultaInput("NOPE")],
            officer=officers.tecnico,
        )
    assert excinfo.value.field == "multas"
    case.refresh_from_db()
    assert case.is_open and case.edoc.estado_documento == "en_aforo" and not Multa.objects.exists()


def test_supervisor_reassigns(world, officers):
    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    with pytest.raises(NotYourCase):
        services.reassign(case, officers.tecnico2, officer=officers.tecnico)
    with pytest.raises(DespachoError) as excinfo:
        services.reassign(case, officers.foreign, officer=officers.supervisor)
    assert excinfo.value.field == "tecnico"
    services.reassign(case, officers.tecnico2, officer=officers.supervisor, note="Vacaciones.")
    case.refresh_from_db()
    assert case.tecnico == officers.tecnico2
    event = AforoEvent.objects.filter(case=case, kind="reasignado").get()
    assert (event.by_user, event.by_role) == (officers.supervisor.user, "supervisor")
    with pytest.raises(NotYourCase):
        services.start(case, officer=officers.tecnico)
    services.start(case, officer=officers.tecnico2)


def test_the_lifecycle_refuses_what_the_service_would_not_check(world, officers):
    """Even past the service, the engine refuses a técnico of another distrito."""
    from ecuapass.edocs import lifecycle

    case = services.open_despacho(helpers.accepted(world.importer), canal="documental")
    with pytest.raises(TransitionNotAllowed):
        lifecycle.fire(case.edoc, "iniciar_aforo", user=officers.foreign.user)


def test_the_real_hook_asks_the_motor_de_riesgo(world, officers, monkeypatch):
    """With the hook in place, acceptance assigns the canal of the matching risk profile."""
    from ecuapass.risk.tests.helpers import approved_profile

    monkeypatch.undo()  # the real after_acceptance hook
    approved_profile("documental", subpartida_prefix="0901")
    edoc = helpers.accepted(world.importer)
    assert edoc.estado_documento == "canal_asignado" and edoc.canal_aforo == "documental"
    case = AforoCase.objects.get(edoc=edoc)
    assert case.tecnico == officers.tecnico
    assert edoc.canal_assignment.canal == "documental"


def test_a_failing_motor_de_riesgo_leaves_the_dai_accepted(world, officers, monkeypatch):
    from ecuapass.risk import services as risk

    monkeypatch.undo()
    real_assign = risk.assign_canal

    def broken(*args, **kwargs):
        raise RuntimeError("motor caído")

    monkeypatch.setattr(risk, "assign_canal", broken)
    edoc = helpers.accepted(world.importer)
    assert (edoc.estado_documento, edoc.document_number.startswith("028-")) == ("aceptado", True)
    assert list(services.pending_openings()) == [edoc]
    # Once the motor works again, the command opens what was left.
    monkeypatch.setattr(risk, "assign_canal", real_assign)
    from django.core.management import call_command

    call_command("abrir_despachos", stdout=io.StringIO())
    edoc.refresh_from_db()
    assert edoc.canal_aforo and not services.pending_openings().exists()
