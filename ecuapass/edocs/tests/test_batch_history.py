"""Issue 16: in a worker's batch the history rows of the moves are held and written together at
the batch's end (``edocs.batch.insert_at_end``), one INSERT for the batch instead of one per move
— while every listener still sees each move when it happens, and a document (or a despacho)
rolled back to its savepoint takes its rows along."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from ecuapass.core.db import hold, still_held
from ecuapass.edocs import services
from ecuapass.edocs.models import StatusChange
from ecuapass.edocs.states import DocumentState as S
from ecuapass.edocs.states import TransmissionState as T
from ecuapass.edocs.tests.test_batch import send

HISTORY_INSERT = re.compile(r'^INSERT INTO "edocs_statuschange"')
PROCESSING = ["marcar_procesado", "aceptar", "asignar_canal", "cerrar_aforo_automatico"]


def _transitions(doc) -> list[str]:
    return list(doc.history.order_by("at", "pk").values_list("transition", flat=True))


@pytest.mark.django_db
def test_a_document_failing_after_its_acceptance_leaves_none_of_its_processing_history(
    world, monkeypatch
):
    from ecuapass.obligaciones import dai as ledger

    docs = [send(world, f"HIST-{i}") for i in range(4)]
    failing = docs[2].pk
    real = ledger.issue_for_accepted

    def issue(edoc):  # after the acceptance's move was held: the document rolls back whole
        if edoc.pk == failing:
            raise RuntimeError("a bug after the acceptance")
        return real(edoc)

    monkeypatch.setattr(ledger, "issue_for_accepted", issue)
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=4)
    assert outcomes[failing] == "failed"
    inserts = [q["sql"] for q in captured.captured_queries if HISTORY_INSERT.match(q["sql"])]
    assert len(inserts) == 1  # the batch's history rows, together
    for doc in docs:
        submitted = ["registrar", "recibir"]
        expected = submitted if doc.pk == failing else submitted + PROCESSING
        assert _transitions(doc) == expected, doc.pk
    row = StatusChange.objects.filter(document=docs[0], transition="aceptar").get()
    assert (row.field, row.from_state, row.to_state) == ("documento", S.REGISTRADO, S.ACEPTADO)
    assert row.by_process and row.at >= docs[0].sent_on


@pytest.mark.django_db
def test_listeners_see_each_move_when_it_happens_and_the_rows_are_written_at_the_end(world):
    docs = [send(world, f"OIDO-{i}") for i in range(2)]
    heard = []

    def listener(sender, instance, created, **kwargs):
        written = StatusChange.objects.filter(document_id=instance.document_id).count()
        heard.append((instance.document_id, instance.transition, created, written))

    post_save.connect(listener, sender=StatusChange, dispatch_uid="test-history-listener")
    try:
        services.process_batch(docs[0].pk, limit=2)
    finally:
        post_save.disconnect(sender=StatusChange, dispatch_uid="test-history-listener")
    for doc in docs:
        moves = [(t, created, n) for pk, t, created, n in heard if pk == doc.pk]
        # In the order of the moves, each announced as created, while only the submission's
        # two rows are in the table yet.
        assert moves == [(t, True, 2) for t in PROCESSING]
        assert _transitions(doc)[2:] == PROCESSING
        doc.refresh_from_db()
        assert doc.estado_transmision == T.PROCESADO


@pytest.mark.django_db
def test_outside_a_batch_each_move_writes_its_row_at_once(world):
    doc = send(world, "SOLO")
    with CaptureQueriesContext(connection) as captured:
        assert services.process(doc.pk) == "aceptado"
    inserts = [q for q in captured.captured_queries if HISTORY_INSERT.match(q["sql"])]
    assert len(inserts) == len(PROCESSING)
    assert _transitions(doc)[2:] == PROCESSING


@pytest.mark.django_db
def test_what_is_held_under_a_savepoint_rolled_back_is_dropped():
    held = []
    with transaction.atomic():
        hold(held, "outer")
        with transaction.atomic():
            hold(held, "kept")
        try:
            with transaction.atomic():
                hold(held, "dropped")
                raise RuntimeError
        except RuntimeError:
            pass
        hold(held, "last")
        assert still_held(held) == ["outer", "kept", "last"]


@pytest.mark.django_db
def test_a_batch_that_ends_without_writing_what_it_held_fails_loudly(world):
    from ecuapass.edocs import batch

    doc = send(world, "OLVIDO")
    with pytest.raises(RuntimeError, match="without end"), batch.scope():
        batch.insert_at_end(StatusChange(document=doc, field="documento", transition="x"))
    with batch.scope():  # nothing held: nothing to say
        pass
