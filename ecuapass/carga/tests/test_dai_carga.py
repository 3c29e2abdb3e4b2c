"""The DAI meets its cargo (rule DAI-307): unknown cargo, another consignee, already declared,
weight and freight, arrival or despacho anticipado, houses; the discharge, also under
concurrent DAIs for the same document; the control's start date."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ecuapass.carga.models import ControlCarga, Descargo
from tests.support.world import BROKER_NAME, BROKER_RUC, dai_payload

from . import helpers as h


@pytest.fixture
def cw(db):
    return h.build()


def _dai(cw, mrn, msn="0001", hsn="0000", invoice="FAC-1", party=None, **over):
    today = timezone.localdate()
    payload = dai_payload(
        invoice=invoice,
        documento_transporte={"mrn": mrn, "msn": msn, "hsn": hsn},
        fecha_llegada=over.pop("fecha_llegada", today.isoformat()),
        **over,
    )
    if party is not None:
        payload["declarante"] = {
            "ruc": BROKER_RUC,
            "nombre": BROKER_NAME,
            "codigo_oce": party.oce.code,
        }
    return h.submit(party or cw.importer, payload)


def _dai307(edoc):
    return [e for e in h.errors(edoc) if e.startswith("DAI-307")]


def _arrived_manifest(cw, **over):
    edoc = h.manifest(cw, **over)
    h.arrived(cw, edoc)
    return edoc.document_number


def test_dai_naming_manifested_cargo_is_accepted_and_discharges_it(cw):
    mrn = _arrived_manifest(cw)
    dai = _dai(cw, mrn, party=cw.broker)
    assert dai.estado_documento not in ("rechazado", "registrado"), h.errors(dai)
    descargo = Descargo.objects.get(dai=dai)
    assert descargo.documento.numero == "MEDUSH000001"
    assert (descargo.peso, descargo.flete) == (840, 2100)


def test_unknown_cargo_is_rejected_with_a_clear_error(cw):
    dai = _dai(cw, "x", msn="z", hsn="??")
    assert dai.estado_documento == "rechazado"
    assert _dai307(dai) == [
        "DAI-307 documento_transporte.mrn: El MRN X no corresponde a un manifiesto de carga aceptado."
    ]
    mrn = _arrived_manifest(cw)
    dai = _dai(cw, mrn, msn="0009", invoice="FAC-2")
    assert _dai307(dai) == [
        f"DAI-307 documento_transporte.msn: El manifiesto {mrn} no tiene el documento de "
        "transporte MSN 0009 HSN 0000."
    ]


def test_cargo_consigned_to_another_importer_is_rejected(cw):
    other = h.documento(consignatario={"ruc": "0990004005001", "nombre": "IMPORTADORA DEL SUR"})
    mrn = _arrived_manifest(cw, documentos=[other])
    dai = _dai(cw, mrn)
    assert dai.estado_documento == "rechazado"
    assert "no está consignada al importador 0991003002001" in _dai307(dai)[0]


def test_the_same_cargo_cannot_be_declared_twice_until_the_first_is_annulled(cw):
    mrn = _arrived_manifest(cw)
    first = _dai(cw, mrn, invoice="FAC-A")
    assert Descargo.objects.filter(dai=first).exists()
    second = _dai(cw, mrn, invoice="FAC-B")
    assert second.estado_documento == "rechazado"
    assert "ya fue declarada en otra declaración" in _dai307(second)[0]


def test_weight_outside_the_tolerance_and_another_freight_are_rejected(cw):
    mrn = _arrived_manifest(cw, documentos=[h.documento(peso="700.000", flete="2000.00")])
    dai = _dai(cw, mrn)
    errors = _dai307(dai)
    assert any("totales.peso_bruto" in e and "(840.000 kg)" in e for e in errors), errors
    assert any("totales.flete" in e and "(2000.00 USD)" in e for e in errors), errors
    # Within 5 %: accepted.
    mrn = _arrived_manifest(cw, documentos=[h.documento(peso="820.000")])
    assert _dai307(_dai(cw, mrn, invoice="FAC-2")) == []


def test_before_arrival_only_a_despacho_anticipado(cw):
    mrn = h.manifest(cw).document_number
    dai = _dai(cw, mrn)
    assert any("declare un despacho anticipado" in e for e in _dai307(dai))
    tomorrow = (timezone.localdate() + timedelta(days=3)).isoformat()
    dai = _dai(cw, mrn, invoice="FAC-2", tipo_despacho="anticipado", fecha_llegada=tomorrow)
    assert _dai307(dai) == [] and dai.estado_documento != "rechazado", h.errors(dai)


def test_a_desconsolidated_master_is_declared_by_its_houses(cw):
    master = h.manifest(
        cw,
        documentos=[
            h.documento(consignatario={"ruc": h.CONSOLIDATOR_RUC, "nombre": "Consolidadora"})
        ],
    )
    h.arrived(cw, master)
    mrn = master.document_number
    houses = h.houses_payload(
        mrn, documentos=[h.documento(numero="HBL-1", bultos=20, peso="840.000", flete="2100.00")]
    )
    assert h.submit(cw.consolidator, houses).estado_documento == "aceptado"
    dai = _dai(cw, mrn)
    assert any("declare el HSN" in e for e in _dai307(dai))
    dai = _dai(cw, mrn, hsn="0001", invoice="FAC-2")
    assert _dai307(dai) == [] and Descargo.objects.get(dai=dai).documento.hsn == "0001"


def test_cargo_arrived_before_the_control_started_is_not_checked(cw):
    dai = _dai(cw, "CEC2025OLD0001", fecha_llegada="2025-12-20")
    assert _dai307(dai) == []


def test_without_a_control_in_force_the_rule_does_not_apply(cw):
    ControlCarga.objects.all().delete()
    dai = _dai(cw, "x")
    assert _dai307(dai) == []
    assert not Descargo.objects.exists()


def test_control_row_is_dated(cw):
    ControlCarga.objects.update(vigente_desde=timezone.localdate() + timedelta(days=1))
    assert _dai307(_dai(cw, "x")) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_dais_for_the_same_cargo_discharge_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises the whole processing)")
    from ecuapass.edocs import services as edocs

    cw = h.build()
    mrn = _arrived_manifest(cw)
    today = timezone.localdate().isoformat()
    dais = []
    for invoice in ("FAC-C1", "FAC-C2", "FAC-C3"):
        payload = dai_payload(
            invoice=invoice,
            documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0000"},
            fecha_llegada=today,
        )
        dais.append(h.submit(cw.importer, payload, process=False))
    barrier = threading.Barrier(len(dais))
    outcomes = []

    def run(pk):
        barrier.wait()
        try:
            outcomes.append(edocs.process(pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(d.pk,)) for d in dais]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["aceptado", "rechazado", "rechazado"]
    assert Descargo.objects.count() == 1


def test_an_annulled_dai_gives_its_cargo_back(cw):
    from ecuapass.despacho import services as despacho
    from ecuapass.despacho.tests.helpers import Officers
    from ecuapass.edocs import lifecycle
    from ecuapass.edocs import services as edocs

    mrn = _arrived_manifest(cw)
    payload = dai_payload(
        invoice="FAC-A",
        documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0000"},
        fecha_llegada=timezone.localdate().isoformat(),
    )
    first = h.submit(cw.importer, payload, process=False)
    with despacho.canal_decided("documental"):
        edocs.process(first.pk)
    first.refresh_from_db()
    assert first.estado_documento == "canal_asignado"
    assert Descargo.objects.filter(dai=first).exists()
    officers = Officers.make()
    lifecycle.fire(first, "anular", user=officers.supervisor.user, note="Duplicada")
    assert not Descargo.objects.filter(dai=first).exists()
    second = _dai(cw, mrn, invoice="FAC-B")
    assert _dai307(second) == [] and Descargo.objects.filter(dai=second).exists()


def test_the_dais_page_shows_its_cargo_timeline(cw, client):
    from ecuapass.accounts.tests.factories import login

    mrn = _arrived_manifest(cw)
    dai = _dai(cw, mrn, party=cw.broker)
    assert Descargo.objects.filter(dai=dai).exists(), h.errors(dai)
    login(client, cw.broker.user, cw.broker.oce)
    body = client.get(dai.get_absolute_url()).content.decode()
    assert 'id="timeline-carga"' in body and f"Manifestada (MRN {mrn})" in body
