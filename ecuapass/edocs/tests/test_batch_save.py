"""Issue 16: in a worker's batch an accepted document's row is written once, at the end of its
processing (``edocs.batch.saved_once``), not once for the acceptance and once per move after it
— and what the row ends with is exactly what one move at a time would have left."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import DocumentState as S
from ecuapass.edocs.tests.test_batch import send

UPDATE_DOC = re.compile(r'^UPDATE "edocs_edocument"')


def _moves(doc) -> list[tuple[str, str]]:
    """The history rows of its processing (after those of its submission), in order."""
    rows = list(doc.history.order_by("pk").values_list("transition", "to_state"))
    return rows[[t for t, _s in rows].index("marcar_procesado") :]


@pytest.mark.django_db
def test_an_accepted_dai_of_a_batch_is_written_once_with_all_its_moves(world):
    docs = [send(world, f"UNA-{i}") for i in range(3)]
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=3)
    assert set(outcomes.values()) == {"aceptado"}
    updates = [q["sql"] for q in captured.captured_queries if UPDATE_DOC.search(q["sql"])]
    assert len(updates) == 3, updates  # one per document (was three: acceptance, two moves)
    for doc in docs:
        row = EDocument.objects.get(pk=doc.pk)
        assert row.estado_documento == "aforo_cerrado"
        assert row.canal_aforo == "automatico" and row.document_number
        assert row.estado_transmision == "procesado" and row.processing_attempts == 1
        assert [t for t, _s in _moves(row)] == [
            "marcar_procesado",
            "aceptar",
            "asignar_canal",
            "cerrar_aforo_automatico",
        ]


@pytest.mark.django_db
def test_a_move_rolled_back_with_the_despachos_savepoint_leaves_the_row_accepted(
    world, monkeypatch
):
    """despachar_aceptado's savepoint rolls back the canal and the cierre (the cierre fails):
    the one save writes the DAI accepted, with its number and no canal, as before."""
    from ecuapass.obligaciones import dai as ledger

    docs = [send(world, f"VUELTA-{i}") for i in range(3)]
    failing = docs[1].pk
    real = ledger.after_cierre

    def cierre(edoc):  # the cierre's effect (customs.edoc.after_cierre calls it)
        if edoc.pk == failing:
            raise RuntimeError("the cierre fails")
        real(edoc)

    monkeypatch.setattr(ledger, "after_cierre", cierre)
    outcomes = services.process_batch(docs[0].pk, limit=3)
    assert set(outcomes.values()) == {"aceptado"}
    row = EDocument.objects.get(pk=failing)
    assert (row.estado_documento, row.canal_aforo) == (S.ACEPTADO, "")
    assert row.document_number
    assert [t for t, _s in _moves(row)] == ["marcar_procesado", "aceptar"]
    for pk in (docs[0].pk, docs[2].pk):
        assert EDocument.objects.get(pk=pk).estado_documento == "aforo_cerrado"


@pytest.mark.django_db
def test_outside_a_batch_each_move_writes_the_row_as_before(world):
    doc = send(world, "SOLA")
    with CaptureQueriesContext(connection) as captured:
        assert services.process(doc.pk) == "aceptado"
    updates = [q["sql"] for q in captured.captured_queries if UPDATE_DOC.search(q["sql"])]
    assert len(updates) == 3
    assert EDocument.objects.get(pk=doc.pk).estado_documento == "aforo_cerrado"


@pytest.mark.django_db
def test_a_batchs_liquidaciones_are_frozen_in_one_update_for_the_documents_kept(world, monkeypatch):
    """customs.freeze in a batch: one UPDATE at the batch's end for the DAIs kept, each with the
    instant of its acceptance; a DAI rolled back after its acceptance leaves its liquidación as
    it was."""
    from django.utils import timezone

    from ecuapass.customs.models import Liquidacion
    from ecuapass.obligaciones import dai as ledger

    docs = [send(world, f"HIELO-{i}") for i in range(3)]
    failing = docs[1].pk
    real = ledger.issue_for_accepted

    def issue(edoc):
        if edoc.pk == failing:
            raise RuntimeError("fails after its acceptance")
        return real(edoc)

    monkeypatch.setattr(ledger, "issue_for_accepted", issue)
    start = timezone.now()
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=3)
    assert outcomes[failing] == "failed"
    updates = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('UPDATE "customs_liquidacion"')
    ]
    assert len(updates) == 1, updates
    frozen = dict(Liquidacion.objects.values_list("dai__edoc_id", "frozen_on"))
    assert frozen[failing] is None
    kept = [docs[0].pk, docs[2].pk]
    assert all(start <= frozen[pk] <= timezone.now() for pk in kept)
    assert frozen[kept[0]] < frozen[kept[1]]  # each at its own acceptance


@pytest.mark.django_db
def test_outside_a_batch_the_liquidacion_is_frozen_at_once(world):
    from ecuapass.customs.models import Liquidacion

    doc = send(world, "HIELO-SOLO")
    assert services.process(doc.pk) == "aceptado"
    assert Liquidacion.objects.get(dai__edoc_id=doc.pk).frozen_on is not None


@pytest.mark.django_db
def test_a_batch_reads_the_envios_payload_only_where_processing_reads_it(world):
    """An envío checked on receipt (the API's) is processed without its payload being read or
    decoded; the others' payloads are read in one query, for DOC-001."""
    checked = [send(world, f"API-{i}", schema_checked=True) for i in range(2)]
    unchecked = [send(world, f"PORTAL-{i}") for i in range(2)]
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(checked[0].pk, limit=4)
    assert set(outcomes.values()) == {"aceptado"}
    envio_reads = [q["sql"] for q in captured.captured_queries if 'FROM "edocs_envio"' in q["sql"]]
    with_payload = [sql for sql in envio_reads if '"edocs_envio"."payload"' in sql]
    assert len(envio_reads) == 2, envio_reads  # the envíos, then the payloads wanted
    assert len(with_payload) == 1
    asked = {int(pk) for pk in re.findall(r"\d+", with_payload[0].split(" IN ")[-1])}
    assert asked == {e.envio.pk for e in unchecked}
