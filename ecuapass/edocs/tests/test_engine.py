"""The engine: envío in one transaction, número de entrega, processing exactly once, history."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.core import jobs
from ecuapass.core.models import WorkerHeartbeat
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from ecuapass.edocs.models import EDocument, Envio
from ecuapass.edocs.recovery import recover_stalled
from ecuapass.edocs.states import DocumentState as S
from ecuapass.edocs.states import TransmissionState as T
from tests.support.world import BROKER_CODE, BROKER_NAME, BROKER_RUC, dai_payload

pytestmark = pytest.mark.django_db


def send(party, payload=None, key="", channel="S"):
    payload = payload or dai_payload()
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    return services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=party.user,
        oce=party.oce,
        channel=channel,
        idempotency_key=key,
    )


def test_registry_has_the_dai_and_no_type_dispatch(world):
    from ecuapass.core.models import OceType

    dai = registry.get("DAI")
    assert dai.title.startswith("DAI - Declaración Aduanera de Importación")
    types = {t.code: t for t in OceType.objects.all()}
    assert dai.may_file(types["16"]) and dai.may_file(types["01"])
    assert not dai.may_file(types["03"]) and not dai.may_file(types["04"])
    assert "DAI" in [t.code for t in registry.types_for(types["16"])]
    assert [t.code for t in registry.types_for(types["04"])] == []
    with pytest.raises(ValueError):
        registry.register(
            registry.DocumentType(
                code="DAI",
                name="x",
                operation="importacion",
                filers=(),
                content_model="customs.Dai",
            )
        )


def test_submission_commits_envio_states_history_and_job_together(world):
    outcome = send(world.importer)
    envio = outcome.envio
    year = timezone.localdate().year
    assert envio.numero_entrega == f"29000001{year}00000001S"
    assert re.fullmatch(r"\d{8}\d{4}\d{8}[PS]", envio.numero_entrega)
    doc = envio.document
    assert (doc.estado_transmision, doc.estado_documento) == (T.RECIBIDO, S.REGISTRADO)
    assert doc.party_operator == world.importer.operator
    assert envio.payload["importador"]["ruc"] == world.importer.operator.ruc
    assert DBTaskResult.objects.get(pk=doc.job_id).status == "READY"
    moves = list(doc.history.values_list("field", "from_state", "to_state", "by_user"))
    assert moves == [
        ("documento", "borrador", "registrado", world.importer.user.pk),
        ("transmision", "sin_enviar", "recibido", world.importer.user.pk),
    ]


def test_submission_writes_both_moves_in_one_insert_and_still_signals_each(world):
    """The two history rows go in one statement; every post_save listener of StatusChange
    (edocs.moves.on_move, the audit log) still sees each move, created, with its row's id."""
    from django.db import connection
    from django.db.models.signals import post_save
    from django.test.utils import CaptureQueriesContext

    from ecuapass.edocs.models import StatusChange

    seen = []

    def listener(sender, instance, created, **kwargs):
        seen.append((created, instance.pk, instance.field, instance.to_state, instance.note))

    post_save.connect(listener, sender=StatusChange, dispatch_uid="test_submit_moves")
    try:
        with CaptureQueriesContext(connection) as queries:
            doc = send(world.importer).envio.document
    finally:
        post_save.disconnect(sender=StatusChange, dispatch_uid="test_submit_moves")
    inserts = [q["sql"] for q in queries.captured_queries if "edocs_statuschange" in q["sql"]]
    assert len(inserts) == 1, inserts
    rows = list(doc.history.values_list("pk", "field", "to_state", "note", "by_process"))
    assert seen == [(True, pk, f, to, note) for pk, f, to, note, _p in rows]
    assert [r[1:] for r in rows] == [
        ("documento", "registrado", doc.numero_entrega, "edocs.envio.S"),
        ("transmision", "recibido", doc.numero_entrega, "edocs.envio.S"),
    ]
    # PostgreSQL: the edoc is inserted once, already sent (its key reserved first); elsewhere
    # its update writes what the submission changed. Either way the row holds all of it.
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(('INSERT INTO "edocs_edocument"', 'UPDATE "edocs_edocument"'))
    ]
    if connection.vendor == "postgresql":
        assert len(writes) == 1 and writes[0].startswith("INSERT"), writes
        assert "'registrado'" in writes[0] and doc.numero_entrega in writes[0], writes
    else:
        assert [w[:6] for w in writes] == ["INSERT", "UPDATE"], writes
        assert '"doc_type"' not in writes[1] and '"created_on"' not in writes[1]
    fresh = EDocument.objects.get(pk=doc.pk)
    for name in (
        "numero_entrega",
        "channel",
        "sent_on",
        "party_operator_id",
        "reference",
        "job_id",
    ):
        assert getattr(fresh, name) == getattr(doc, name), name
    assert (fresh.estado_transmision, fresh.estado_documento) == (T.RECIBIDO, S.REGISTRADO)
    assert fresh.modified_on >= fresh.created_on and fresh.reference


def test_failed_transaction_leaves_no_envio_no_job_and_no_number_gap(world, monkeypatch):
    class Broken:
        def enqueue(self, *args, **kwargs):
            raise RuntimeError("queue down")

    from ecuapass.edocs import tasks

    monkeypatch.setattr(tasks, "process_document", Broken())
    with pytest.raises(RuntimeError):
        send(world.importer)
    assert not Envio.objects.exists()
    assert not EDocument.objects.exists()
    assert not DBTaskResult.objects.exists()
    monkeypatch.undo()
    assert send(world.importer).envio.numero_entrega.endswith("00000001S")


def test_processing_accepts_with_number_freezes_liquidacion_and_runs_once(world):
    doc = send(world.importer).envio.document
    assert services.process(doc.pk) == "aceptado"
    doc.refresh_from_db()
    year = timezone.localdate().year
    assert doc.document_number == f"028-{year}-10-00000001"
    # Accepted, then the DAI's life goes on in the same transaction: with no perfil de riesgo
    # in force the canal is automático and the aforo closes at once.
    assert (doc.estado_transmision, doc.estado_documento) == (T.PROCESADO, "aforo_cerrado")
    assert doc.canal_aforo == "automatico"
    assert doc.dai.liquidacion.frozen
    assert doc.dai.liquidacion.total_tributos > 0
    history = doc.history.count()
    # A duplicated or retried job is a no-op.
    assert services.process(doc.pk) == "already-processed"
    assert doc.history.count() == history == 6
    accepted = doc.history.get(to_state=S.ACEPTADO)
    assert (
        accepted.by_process == services.WORKER
        and accepted.by_user is None
        and accepted.note == doc.document_number
    )
    second = send(world.importer, dai_payload(invoice="FAC-2")).envio.document
    services.process(second.pk)
    second.refresh_from_db()
    assert second.document_number == f"028-{year}-10-00000002"


def test_rejection_collects_every_error(world):
    payload = dai_payload(distrito="999", incoterm="ZZZ")
    payload["items"][0]["pais_origen"] = "QQ"
    doc = send(world.importer, payload).envio.document
    assert services.process(doc.pk) == "error"
    doc.refresh_from_db()
    assert (doc.estado_transmision, doc.estado_documento) == (T.ERROR, S.RECHAZADO)
    codes = sorted(doc.errors.values_list("code", "field"))
    assert ("DAI-101", "distrito") in codes
    assert ("DAI-104", "incoterm") in codes
    assert ("DAI-103", "items[1].pais_origen") in codes
    assert not doc.document_number


def test_business_errors_are_processed_transmission_and_rejected_document(world):
    payload = dai_payload(importador={"ruc": "0991003002001", "nombre": "OTRO NOMBRE"})
    doc = send(world.importer, payload).envio.document
    assert services.process(doc.pk) == "rechazado"
    doc.refresh_from_db()
    assert (doc.estado_transmision, doc.estado_documento) == (T.PROCESADO, S.RECHAZADO)
    assert list(doc.errors.values_list("code", flat=True)) == ["DAI-202"]


def test_a_crash_mid_processing_rolls_back_and_recovery_processes_exactly_once(world, monkeypatch):
    doc = send(world.importer).envio.document
    from ecuapass.customs import edoc as dai_edoc

    def crash(self, edoc, content):
        raise ConnectionError("database connection lost")

    monkeypatch.setattr(dai_edoc.DaiType, "on_accepted", crash)
    with pytest.raises(ConnectionError):
        services.process(doc.pk)
    monkeypatch.undo()
    doc.refresh_from_db()
    # Never lost: still Recibido, nothing half-written.
    assert (doc.estado_transmision, doc.estado_documento) == (T.RECIBIDO, S.REGISTRADO)
    assert doc.history.count() == 2 and not doc.errors.exists()
    # The worker marked the job FAILED; recovery puts the same job back in the queue.
    DBTaskResult.objects.filter(pk=doc.job_id).update(
        status="FAILED", finished_at=timezone.now(), worker_ids=["w1"]
    )
    assert recover_stalled() == [doc.pk]
    doc.refresh_from_db()
    assert DBTaskResult.objects.get(pk=doc.job_id).status == "READY"
    assert services.process(doc.pk) == "aceptado"
    assert recover_stalled() == []
    assert doc.history.filter(to_state=S.ACEPTADO).count() == 1


def test_a_document_whose_job_keeps_failing_is_retried_with_backoff_never_given_up(world):
    doc = send(world.importer).envio.document
    now = timezone.now()
    DBTaskResult.objects.filter(pk=doc.job_id).update(
        status="FAILED", finished_at=now, worker_ids=[f"w{n}" for n in range(12)]
    )
    assert recover_stalled(now=now + timedelta(minutes=59)) == []  # backoff capped at an hour
    assert recover_stalled(now=now + timedelta(minutes=61)) == [doc.pk]


def test_a_document_whose_job_vanished_gets_a_new_one(world):
    doc = send(world.importer).envio.document
    DBTaskResult.objects.filter(pk=doc.job_id).delete()
    assert recover_stalled() == [doc.pk]
    doc.refresh_from_db()
    assert DBTaskResult.objects.get(pk=doc.job_id).status == "READY"


def test_document_of_a_dead_worker_is_requeued_as_soon_as_the_worker_is_known_dead(world):
    doc = send(world.importer).envio.document
    assert jobs.recover()["orphans"] == [] and recover_stalled() == []  # READY
    DBTaskResult.objects.filter(pk=doc.job_id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=["w-1"]
    )
    WorkerHeartbeat.objects.create(worker="w-1", seen_on=timezone.now())
    assert jobs.recover()["orphans"] == []  # a live worker has it
    # Silent past ECUAPASS_WORKER_STALE_SECONDS (30 s): dead, its job goes back at once.
    WorkerHeartbeat.objects.update(seen_on=timezone.now() - timedelta(seconds=31))
    assert jobs.recover()["orphans"] == [doc.job_id]
    assert DBTaskResult.objects.get(pk=doc.job_id).status == "READY"
    assert recover_stalled() == []
    assert services.process(doc.pk) == "aceptado"


def test_idempotency_key_returns_the_same_envio(world):
    first = send(world.importer, key="abc-123")
    again = send(world.importer, key="abc-123")
    assert not first.replayed and again.replayed
    assert again.envio.pk == first.envio.pk
    assert Envio.objects.count() == 1
    # The key is per OCE: another OCE may use the same key.
    other = send(
        world.broker,
        dai_payload(
            declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME},
            oce_code=BROKER_CODE,
            invoice="X",
        ),
        key="abc-123",
    )
    assert other.envio.pk != first.envio.pk


def test_envio_is_immutable(world):
    envio = send(world.importer).envio
    envio.payload = {"tampered": True}
    with pytest.raises(ValidationError):
        envio.save()
    with pytest.raises(ValidationError):
        envio.delete()


def test_draft_cannot_be_sent_twice(world):
    doc = send(world.importer).envio.document
    with pytest.raises(services.AlreadySent):
        services.submit(doc, user=world.importer.user, oce=world.importer.oce, channel="P")


def test_notices_go_to_the_filer_and_to_the_importer_when_a_broker_filed(world):
    from ecuapass.notifications.models import Notification

    payload = dai_payload(
        declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME}, oce_code=BROKER_CODE
    )
    doc = send(world.broker, payload).envio.document
    services.process(doc.pk)
    doc.refresh_from_db()
    notices = Notification.objects.filter(subject__contains=doc.document_number)
    assert {n.oce_code_id for n in notices} == {world.broker.oce.pk, world.importer.oce.pk}
    assert all(doc.document_number in n.body for n in notices)
    bad = send(world.importer, dai_payload(invoice="N-2", distrito="999")).envio.document
    services.process(bad.pk)
    rejected = Notification.objects.get(subject__contains="RECHAZADA")
    assert rejected.oce_code_id == world.importer.oce.pk and "DAI-101" in rejected.body
