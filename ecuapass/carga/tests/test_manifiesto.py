"""The manifest e-doc (MAN): MRN on acceptance, MSN structure, deadlines, the houses (MAN-H)
with their HSN, the arrival, and the corrections (MAN-COR)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ecuapass.carga import services
from ecuapass.carga.models import DocumentoTransporte, Manifiesto

from . import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(db):
    return h.build()


def test_mrn_is_assigned_on_acceptance_and_unique_per_carrier_and_year(cw):
    first = h.manifest(cw)
    second = h.manifest(cw)
    year = timezone.localtime(first.sent_on).year
    assert first.document_number == f"CEC{year}MSCU0001"
    assert second.document_number == f"CEC{year}MSCU0002"
    assert Manifiesto.objects.get(edoc=first).mrn == first.document_number
    other = h.manifest(cw, transportista_codigo="HLCU")
    assert other.document_number == f"CEC{year}HLCU0001"


def test_a_rejected_manifest_gets_no_mrn(cw):
    doc = h.documento(deposito=cw.importer.oce.code)  # not a depósito
    edoc = h.submit(cw.carrier, h.manifest_payload([doc]))
    assert edoc.estado_documento == "rechazado"
    assert any(e.startswith("MAN-102") for e in h.errors(edoc))
    assert Manifiesto.objects.get(edoc=edoc).mrn is None


def test_masters_get_their_msn_in_order_with_hsn_0000(cw):
    docs = [h.documento(numero=f"BL-{i}") for i in range(1, 4)]
    edoc = h.manifest(cw, documentos=docs)
    rows = list(Manifiesto.objects.get(edoc=edoc).documentos.values_list("numero", "msn", "hsn"))
    assert rows == [("BL-1", "0001", "0000"), ("BL-2", "0002", "0000"), ("BL-3", "0003", "0000")]


def test_repeated_bl_number_is_rejected(cw):
    edoc = h.submit(cw.carrier, h.manifest_payload([h.documento(), h.documento()]))
    assert edoc.estado_documento == "rechazado"
    assert any(e.startswith("MAN-103 documentos[2].numero") for e in h.errors(edoc))


def test_only_a_carrier_files_a_manifest(cw):
    from ecuapass.edocs import registry
    from ecuapass.edocs import services as edocs

    with pytest.raises(edocs.EdocError):
        edocs.create_draft(registry.get("MAN"), oce=cw.importer.oce, user=cw.importer.user)


def test_air_manifest_has_no_containers():
    from ecuapass.carga.serializers import ManifiestoSerializer

    s = ManifiestoSerializer(data=h.manifest_payload(modo="aereo", transportista_codigo="LA"))
    assert not s.is_valid()
    assert "documentos" in s.errors


@pytest.mark.parametrize(
    ("modo", "trayecto", "hours_before", "late"),
    [
        ("maritimo", "largo", 72, False),
        ("maritimo", "largo", 24, True),
        ("maritimo", "corto", 24, False),
        ("maritimo", "corto", 3, True),
        ("aereo", "largo", 3, False),
        ("aereo", "largo", 1, True),
        ("aereo", "corto", 1, False),
    ],
)
def test_deadline_of_art_31_flags_a_late_manifest_but_accepts_it(
    cw, modo, trayecto, hours_before, late
):
    eta = timezone.now() + timedelta(hours=hours_before)
    docs = [h.documento(contenedores=[])] if modo == "aereo" else None
    edoc = h.manifest(
        cw,
        modo=modo,
        trayecto=trayecto,
        transportista_codigo="LA" if modo == "aereo" else "MSCU",
        fecha_estimada_llegada=eta.isoformat(),
        documentos=docs,
    )
    manifest = Manifiesto.objects.get(edoc=edoc)
    assert edoc.estado_documento == "aceptado"
    assert manifest.tardio is late
    assert manifest.motivo_tardio == ("TRD-01" if late else "")


def test_deadline_rows_are_dated(cw):
    from ecuapass.carga.models import PlazoManifiesto

    PlazoManifiesto.objects.filter(modo="maritimo", trayecto="largo").update(
        vigente_hasta=timezone.localdate() - timedelta(days=1)
    )
    PlazoManifiesto.objects.create(
        modo="maritimo",
        trayecto="largo",
        horas_antes=12,
        vigente_desde=timezone.localdate() - timedelta(days=1),
        base_legal="prueba",
    )
    edoc = h.manifest(cw, fecha_estimada_llegada=(timezone.now() + timedelta(hours=24)).isoformat())
    assert Manifiesto.objects.get(edoc=edoc).tardio is False


def _houses(cw, documentos=None):
    master = h.manifest(
        cw,
        documentos=[
            h.documento(
                consignatario={"ruc": h.CONSOLIDATOR_RUC, "nombre": "Consolidadora Demo S.A."}
            )
        ],
    )
    mrn = master.document_number
    edoc = h.submit(cw.consolidator, h.houses_payload(mrn, documentos=documentos))
    return master, edoc


def test_consolidator_files_houses_and_gets_their_hsn(cw):
    master, edoc = _houses(cw)
    assert edoc.estado_documento == "aceptado", h.errors(edoc)
    houses = DocumentoTransporte.objects.filter(madre__manifiesto__edoc=master).order_by("hsn")
    assert [(d.msn, d.hsn, d.numero) for d in houses] == [
        ("0001", "0001", "HBL-0001"),
        ("0001", "0002", "HBL-0002"),
    ]
    doc = services.documento_por_carga(master.document_number, "0001", "0002")
    assert doc.numero == "HBL-0002"
    # A second desconsolidación under the same master continues the HSN.
    more = h.submit(
        cw.consolidator,
        h.houses_payload(
            master.document_number,
            documentos=[h.documento(numero="HBL-0003", bultos=0 + 1, peso="1.000", flete="1.00")],
        ),
        process=True,
    )
    assert more.estado_documento == "rechazado"  # 21 bultos > 20 of the master
    assert any(e.startswith("MANH-103") for e in h.errors(more))


def test_houses_under_an_unknown_master_or_not_consigned_to_the_consolidator(cw):
    edoc = h.submit(cw.consolidator, h.houses_payload("CEC2026XXXX0001"))
    assert any(e.startswith("MANH-101") for e in h.errors(edoc))
    master = h.manifest(cw)  # consigned to the importer
    edoc = h.submit(cw.consolidator, h.houses_payload(master.document_number))
    assert edoc.estado_documento == "rechazado"
    assert any(e.startswith("MANH-102") for e in h.errors(edoc))


def test_arrival_by_the_carrier_moves_the_manifest(cw):
    edoc = h.manifest(cw)
    when = timezone.now() - timedelta(hours=2)
    edoc = h.arrived(cw, edoc, when)
    assert edoc.estado_documento == "arribado"
    assert Manifiesto.objects.get(edoc=edoc).fecha_llegada == when
    assert edoc.history.filter(transition="registrar_llegada", by_role="filer").exists()
    # The arrival starts the term to declare (ControlCarga: 30 calendar days).
    doc = services.documento_por_carga(edoc.document_number, "0001")
    assert services.declarar_hasta(doc) == timezone.localdate(when) + timedelta(days=30)
    with pytest.raises(services.CargaError):
        h.arrived(cw, edoc)  # already arrived


def test_arrival_only_by_the_filer_and_not_in_the_future(cw):
    edoc = h.manifest(cw)
    with pytest.raises(services.CargaError):
        services.registrar_llegada(
            edoc, fecha_hora=timezone.now(), user=cw.consolidator.user, oce=cw.consolidator.oce
        )
    with pytest.raises(services.CargaError):
        h.arrived(cw, edoc, timezone.now() + timedelta(days=1))


def _correction(mrn, **cambios):
    return {
        "tipo_documento": "MAN-COR",
        "mrn": mrn,
        "msn": "0001",
        "motivo_codigo": "03",
        "motivo": "Peso mal digitado",
        "cambios": cambios,
    }


def test_correction_of_manifest_changes_the_document_and_keeps_the_before(cw):
    master = h.manifest(cw)
    edoc = h.submit(cw.carrier, _correction(master.document_number, peso="850.000", bultos=21))
    assert edoc.estado_documento == "aceptado", h.errors(edoc)
    assert edoc.document_number == f"{master.document_number}-C0001"
    doc = services.documento_por_carga(master.document_number, "0001")
    assert (doc.peso, doc.bultos) == (850, 21)
    assert edoc.correccion_manifiesto.anteriores == {"peso": "840.000", "bultos": "20"}


def test_correction_only_by_who_filed_the_document(cw):
    master = h.manifest(cw)
    edoc = h.submit(cw.consolidator, _correction(master.document_number, peso="1.000"))
    assert edoc.estado_documento == "rechazado"
    assert any(e.startswith("MANC-101") for e in h.errors(edoc))
