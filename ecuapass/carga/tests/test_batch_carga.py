"""Issue 16: the DAI's cargo in a worker's batch — an MRN naming no accepted manifest is known
from one query for the batch; a manifest accepted in the batch is found by its later DAIs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecuapass.carga.models import Descargo
from ecuapass.edocs import services
from tests.support.world import dai_payload

from . import helpers as h

MANIFEST_LOOKUP = 'FROM "carga_manifiesto"'


@pytest.fixture
def cw(db):
    return h.build()


def _dai(cw, mrn, invoice, **over):
    payload = dai_payload(
        invoice=invoice, documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0000"}, **over
    )
    return h.submit(cw.importer, payload, process=False)


def _process(first, limit=20):
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(first.pk, limit=limit)
    return outcomes, [q["sql"] for q in captured.captured_queries if MANIFEST_LOOKUP in q["sql"]]


def test_mrns_naming_no_manifest_are_looked_up_once_per_batch(cw):
    # Cargo arrived before the control's start and naming no manifest: the old regime.
    docs = [_dai(cw, "CEC2025ABCD0001", f"VIEJA-{i}", fecha_llegada="2025-12-20") for i in range(4)]
    outcomes, lookups = _process(docs[0])
    assert set(outcomes.values()) == {"aceptado"} and len(outcomes) == 4
    assert len(lookups) == 1, lookups  # was three per DAI (the rule, its cargo, the discharge)
    # After the control's start the same MRN is refused, each DAI with its own error.
    today = timezone.localdate().isoformat()
    late = [_dai(cw, "CEC2025ABCD0001", f"NUEVA-{i}", fecha_llegada=today) for i in range(2)]
    outcomes, lookups = _process(late[0])
    assert set(outcomes.values()) == {"rechazado"}
    assert len(lookups) == 1
    for doc in late:
        assert [e for e in h.errors(doc) if e.startswith("DAI-307")] == [
            "DAI-307 documento_transporte.mrn: El MRN CEC2025ABCD0001 no corresponde a un "
            "manifiesto de carga aceptado."
        ]


def test_a_manifest_accepted_in_the_batch_is_found_by_its_later_dais(cw):
    """The first DAI names the MRN before its manifest is accepted (refused, as always); the
    manifest, next in the batch, gets the MRN; the DAI after it finds it and discharges it."""
    year = timezone.localdate().year
    mrn = f"CEC{year}MSCU0001"  # the carrier's first manifest of the year
    arrival = (timezone.localdate() + timedelta(days=3)).isoformat()
    early = _dai(cw, mrn, "ANTES", tipo_despacho="anticipado", fecha_llegada=arrival)
    manifest = h.submit(cw.carrier, h.manifest_payload(), process=False)
    later = _dai(cw, mrn, "DESPUES", tipo_despacho="anticipado", fecha_llegada=arrival)
    outcomes, _lookups = _process(early)
    assert outcomes[early.pk] == "rechazado"
    assert any("no corresponde a un manifiesto" in e for e in h.errors(early))
    manifest.refresh_from_db()
    assert outcomes[manifest.pk] == "aceptado" and manifest.document_number == mrn
    assert outcomes[later.pk] == "aceptado", h.errors(later)
    assert Descargo.objects.get(dai=later).documento.manifiesto.mrn == mrn


def test_a_dais_cargo_is_read_once_for_its_check_and_its_discharge(cw):
    documentos = [h.documento(numero=f"MEDUSH00000{i}") for i in range(1, 4)]
    manifest = h.manifest(cw, documentos=documentos)
    h.arrived(cw, manifest)
    mrn = manifest.document_number
    today = timezone.localdate().isoformat()
    docs = [
        h.submit(
            cw.importer,
            dai_payload(
                invoice=f"CARGA-{i}",
                documento_transporte={"mrn": mrn, "msn": f"000{i}", "hsn": "0000"},
                fecha_llegada=today,
            ),
            process=False,
        )
        for i in range(1, 4)
    ]
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=10)
    assert set(outcomes.values()) == {"aceptado"}, outcomes
    for i, doc in enumerate(docs, start=1):
        assert Descargo.objects.get(dai=doc).documento.msn == f"000{i}"
    sqls = [q["sql"] for q in captured.captured_queries]
    manifests = [s for s in sqls if MANIFEST_LOOKUP in s]
    documents = [  # the transport document with its manifest (not the lock: no join)
        s
        for s in sqls
        if s.startswith('SELECT "carga_documentotransporte"."id"')
        and 'JOIN "carga_manifiesto"' in s
    ]
    # The batch's MRNs, then each DAI's manifest once (was three times: DAI-307, its cargo and
    # its discharge); each DAI's transport document once (was twice).
    assert len(manifests) == 1 + 3, manifests
    assert len(documents) == 3, documents
