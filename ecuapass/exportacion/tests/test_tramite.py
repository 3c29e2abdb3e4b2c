"""The export trámite after acceptance: ingreso with novedades → canal by the motor de riesgo →
aforo (despacho) → salida autorizada → informe de salida → manifest (reconciliation, late flag)
→ embarcada → regularización (only the exporter, within the term) and its notices."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecuapass.despacho import services as despacho
from ecuapass.despacho.models import AforoCase
from ecuapass.edocs import services
from ecuapass.exportacion import services as export
from ecuapass.exportacion.models import Dae
from ecuapass.notifications.models import Notification
from ecuapass.officers.roles import Role
from ecuapass.officers.tests.factories import make_officer

from . import helpers

pytestmark = pytest.mark.django_db


def _profile(canal="documental", prefix="0803"):
    """An approved export profile of the motor de riesgo (régimen 40, bananas)."""
    from ecuapass.risk.models import RiskProfile

    return RiskProfile.objects.create(
        code=f"EXP-{prefix}",
        name="Exportación de bananas",
        subpartida_prefix=prefix,
        regimen="40",
        canal=canal,
        sampling_pct=Decimal("100"),
        valid_from=timezone.localdate() - timedelta(days=1),
        approved_on=timezone.now(),
    )


def _embarcada(world, tecnico=None):
    edoc = helpers.accepted_dae(world.importer)
    export.registrar_ingreso(
        edoc, helpers.ingreso_data(), user=world.deposito.user, oce=world.deposito.oce
    )
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"  # no profile: automático
    manifest = helpers.submit(world.carga, helpers.manifiesto_payload([edoc]), code="MEX")
    assert services.process(manifest.pk) == "aceptado", list(
        manifest.errors.values_list("code", "message")
    )
    edoc.refresh_from_db()
    return edoc, manifest


def test_ingreso_without_profiles_gives_automatico_and_salida_autorizada(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    ingreso = export.registrar_ingreso(
        edoc, helpers.ingreso_data(), user=export_world.deposito.user, oce=export_world.deposito.oce
    )
    assert ingreso.novedades == []
    edoc.refresh_from_db()
    assert edoc.canal_aforo == "automatico"
    assert edoc.estado_documento == "salida_autorizada"
    transitions = list(edoc.history.values_list("transition", flat=True))
    assert transitions[-3:] == ["registrar_ingreso", "asignar_canal", "cerrar_aforo_automatico"]
    subjects = list(Notification.objects.values_list("subject", flat=True))
    assert any(s.startswith("SALIDA AUTORIZADA") for s in subjects)
    # the depósito is told of the salida autorizada
    assert Notification.objects.filter(
        oce_code=export_world.deposito.oce, subject__startswith="SALIDA AUTORIZADA"
    ).exists()


def test_novedades_of_weight_and_packages_are_recorded_and_notified(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    ingreso = export.registrar_ingreso(
        edoc,
        helpers.ingreso_data(bultos=1150, peso_bruto=Decimal("21000")),
        user=export_world.deposito.user,
        oce=export_world.deposito.oce,
    )
    assert len(ingreso.novedades) == 2
    assert Notification.objects.filter(
        oce_code=export_world.importer.oce, subject__startswith="NOVEDADES"
    ).exists()
    # within the tolerance (5 %) it is no novedad
    other = helpers.accepted_dae(export_world.importer)
    ok = export.registrar_ingreso(
        other,
        helpers.ingreso_data(peso_bruto=Decimal("24000")),
        user=export_world.deposito.user,
        oce=export_world.deposito.oce,
    )
    assert ok.novedades == []


def test_only_the_deposito_named_in_the_dae_registers_its_ingreso(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    otro = helpers.deposito_party(code=helpers.OTRO_DEPOSITO_CODE, username="bodega2")
    with pytest.raises(export.ExportError):
        export.registrar_ingreso(edoc, helpers.ingreso_data(), user=otro.user, oce=otro.oce)
    assert export.dae_for_deposito(otro.oce, edoc.pk) is None
    assert export.dae_for_deposito(export_world.deposito.oce, edoc.pk) is not None
    export.registrar_ingreso(
        edoc, helpers.ingreso_data(), user=export_world.deposito.user, oce=export_world.deposito.oce
    )
    with pytest.raises(export.ExportError):  # once
        export.registrar_ingreso(
            edoc,
            helpers.ingreso_data(),
            user=export_world.deposito.user,
            oce=export_world.deposito.oce,
        )


def test_future_ingreso_is_refused(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    with pytest.raises(export.ExportError) as exc:
        export.registrar_ingreso(
            edoc,
            helpers.ingreso_data(fecha_hora=timezone.now() + timedelta(days=1)),
            user=export_world.deposito.user,
            oce=export_world.deposito.oce,
        )
    assert exc.value.field == "fecha_hora"


def test_export_profile_sends_bananas_to_documental_with_perishable_deadline_then_salida(
    export_world, settings
):
    settings.ECUAPASS_EXPORT_PERECEDEROS_HORAS = 4
    tecnico = make_officer([Role.TECNICO], ["028"], username="aforador1")
    _profile("documental")
    edoc = helpers.accepted_dae(export_world.importer)
    export.registrar_ingreso(
        edoc, helpers.ingreso_data(), user=export_world.deposito.user, oce=export_world.deposito.oce
    )
    edoc.refresh_from_db()
    assert edoc.canal_aforo == "documental" and edoc.estado_documento == "canal_asignado"
    case = AforoCase.objects.get(edoc=edoc)
    assert case.tecnico == tecnico
    assert case.due_on <= case.opened_on + timedelta(hours=4)
    despacho.start(case, officer=tecnico)
    despacho.close_aforo(case, resultado="conforme", officer=tecnico)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "salida_autorizada"
    assert Notification.objects.filter(
        oce_code=export_world.deposito.oce, subject__startswith="SALIDA AUTORIZADA"
    ).exists()


def test_salida_then_manifest_embarks_and_the_exporter_regularises(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    dep = export_world.deposito
    export.registrar_ingreso(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    edoc.refresh_from_db()
    export.registrar_salida(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    manifest = helpers.submit(export_world.carga, helpers.manifiesto_payload([edoc]), code="MEX")
    assert services.process(manifest.pk) == "aceptado"
    manifest.refresh_from_db()
    assert "-MEX-" in manifest.document_number
    edoc.refresh_from_db()
    dae = Dae.objects.get(edoc=edoc)
    assert edoc.estado_documento == "embarcada"
    assert dae.documento_transporte == "MSCUGY000001"
    assert dae.regularizar_hasta == timezone.localdate(dae.fecha_embarque) + timedelta(days=30)
    assert not manifest.manifiesto_exportacion.tardio
    # a broker (filer but not the exporter) cannot regularise
    data = {
        "documento_transporte": "MSCUGY000001",
        "total_fob_final": Decimal("8350.00"),
        "peso_neto_final": Decimal("21700"),
    }
    with pytest.raises(export.ExportError):
        export.regularizar(edoc, data, user=export_world.broker.user, oce=export_world.broker.oce)
    with pytest.raises(export.ExportError) as exc:
        export.regularizar(
            edoc,
            {**data, "documento_transporte": "OTRO"},
            user=export_world.importer.user,
            oce=export_world.importer.oce,
        )
    assert exc.value.field == "documento_transporte"
    export.regularizar(edoc, data, user=export_world.importer.user, oce=export_world.importer.oce)
    edoc.refresh_from_db()
    assert edoc.estado_documento == "regularizada"
    with pytest.raises(export.ExportError):  # nothing changes it afterwards
        export.regularizar(
            edoc, data, user=export_world.importer.user, oce=export_world.importer.oce
        )


def test_broker_dae_cannot_be_regularised_by_the_broker(export_world):
    edoc = helpers.accepted_dae(export_world.broker, by_broker=True)
    dep = export_world.deposito
    export.registrar_ingreso(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    edoc.refresh_from_db()
    manifest = helpers.submit(export_world.carga, helpers.manifiesto_payload([edoc]), code="MEX")
    assert services.process(manifest.pk) == "aceptado"
    edoc.refresh_from_db()
    data = {
        "documento_transporte": "MSCUGY000001",
        "total_fob_final": Decimal("8400"),
        "peso_neto_final": Decimal("21772.8"),
    }
    with pytest.raises(export.ExportError):
        export.regularizar(edoc, data, user=export_world.broker.user, oce=export_world.broker.oce)
    export.regularizar(edoc, data, user=export_world.importer.user, oce=export_world.importer.oce)


def test_manifest_rules_state_reconciliation_and_late_flag(export_world):
    edoc = helpers.accepted_dae(export_world.importer)
    # not yet salida autorizada
    early = helpers.submit(export_world.carga, helpers.manifiesto_payload([edoc]), code="MEX")
    assert services.process(early.pk) == "rechazado"
    assert "MEX-201" in set(early.errors.values_list("code", flat=True))
    dep = export_world.deposito
    export.registrar_ingreso(edoc, helpers.ingreso_data(), user=dep.user, oce=dep.oce)
    edoc.refresh_from_db()
    payload = helpers.manifiesto_payload([edoc])
    payload["items"][0]["peso_bruto"] = "10000"
    bad = helpers.submit(export_world.carga, payload, code="MEX")
    assert services.process(bad.pk) == "rechazado"
    assert "MEX-202" in set(bad.errors.values_list("code", flat=True))
    late = helpers.submit(
        export_world.carga,
        helpers.manifiesto_payload([edoc], salida=timezone.now() - timedelta(hours=20)),
        code="MEX",
    )
    assert services.process(late.pk) == "aceptado"
    late.refresh_from_db()
    assert late.manifiesto_exportacion.tardio


def test_importer_code_cannot_file_a_manifest(export_world):
    from ecuapass.edocs import registry

    assert not registry.get("MEX").may_file(export_world.importer.oce.registration.oce_type)
    assert registry.get("MEX").may_file(export_world.carga.oce.registration.oce_type)


def test_deadline_notices_once_and_late_regularisation_refused(export_world):
    edoc, _manifest = _embarcada(export_world)
    dae = Dae.objects.get(edoc=edoc)
    today = dae.regularizar_hasta - timedelta(days=2)
    assert export.avisar_regularizaciones(today) == {"proximo": 1, "vencido": 0}
    assert export.avisar_regularizaciones(today) == {"proximo": 0, "vencido": 0}
    after = dae.regularizar_hasta + timedelta(days=1)
    assert export.avisar_regularizaciones(after) == {"proximo": 0, "vencido": 1}
    assert Notification.objects.filter(
        subject__startswith="PLAZO DE REGULARIZACIÓN VENCIDO"
    ).exists()
    Dae.objects.filter(pk=dae.pk).update(regularizar_hasta=timezone.localdate() - timedelta(days=1))
    with pytest.raises(export.ExportError):
        export.regularizar(
            edoc,
            {
                "documento_transporte": dae.documento_transporte,
                "total_fob_final": Decimal("1"),
                "peso_neto_final": Decimal("1"),
            },
            user=export_world.importer.user,
            oce=export_world.importer.oce,
        )
