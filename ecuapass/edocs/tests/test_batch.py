"""Issue 16 §1: the worker processes received documents in batches, one commit per batch.

Every guarantee of the engine holds per document: exactly once, errors collected per
document, a document that fails alone does not sink the batch, nothing is lost or processed
twice when the worker dies mid-batch, and DAI numbers stay gap-free.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ecuapass.core import jobs
from ecuapass.customs.serializers import DaiSerializer
from ecuapass.edocs import registry, services
from ecuapass.edocs.models import DocumentError, EDocument, StatusChange
from ecuapass.edocs.states import DocumentState as S
from ecuapass.edocs.states import TransmissionState as T
from ecuapass.notifications.models import Notification
from tests.support.workers import wait_for
from tests.support.world import dai_payload

ROOT = Path(__file__).resolve().parents[3]


def send(world, invoice: str, *, schema_checked: bool = False, **overrides) -> EDocument:
    payload = dai_payload(invoice=invoice, **overrides)
    serializer = DaiSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    return services.submit_payload(
        registry.get("DAI"),
        serializer.validated_data,
        raw=payload,
        user=world.importer.user,
        oce=world.importer.oce,
        channel="S",
        schema_checked=schema_checked,
    ).envio.document


def _accepted(doc: EDocument) -> bool:
    return doc.history.filter(to_state=S.ACEPTADO).exists()


@pytest.mark.django_db
def test_a_poisoned_batch_rejects_the_bad_document_and_keeps_the_others(world, monkeypatch):
    good = [send(world, f"OK-{i}") for i in range(3)]
    bad = send(world, "MALO", distrito="999")  # breaks the DAI's rules: rejected with errors
    crashing = send(world, "CRASH")
    dai = registry.get("DAI")
    real = dai.distrito_of

    def distrito_of(content):
        if content.factura_numero == "CRASH":
            raise RuntimeError("a bug met by one document")
        return real(content)

    monkeypatch.setattr(dai, "distrito_of", distrito_of)
    outcomes = services.process_batch(good[0].pk, limit=10)
    assert outcomes[bad.pk] in ("error", "rechazado")
    assert outcomes[crashing.pk] == "failed"
    assert all(outcomes[d.pk] == "aceptado" for d in good)
    # The bad one is rejected with its errors; the others are accepted once each.
    bad.refresh_from_db()
    assert bad.estado_documento == S.RECHAZADO and DocumentError.objects.filter(document=bad)
    for d in good:
        d.refresh_from_db()
        assert d.estado_transmision == T.PROCESADO and d.document_number
    year = timezone.localdate().year
    assert sorted(d.document_number for d in good) == [
        f"028-{year}-10-{n:08d}" for n in range(1, 4)
    ]
    # The crashing one was rolled back alone: still Recibido, nothing written, its job waits.
    crashing.refresh_from_db()
    assert crashing.estado_transmision == T.RECIBIDO and crashing.processing_attempts == 0
    assert not DocumentError.objects.filter(document=crashing).exists()
    assert list(crashing.history.values_list("to_state", flat=True)) == [
        S.REGISTRADO,
        T.RECIBIDO,
    ]
    assert DBTaskResult.objects.get(pk=crashing.job_id).status == jobs.READY
    # The jobs of the documents processed in the batch are done; none will run again.
    for d in [*good[1:], bad]:
        assert DBTaskResult.objects.get(pk=d.job_id).status == jobs.SUCCESSFUL
    # Running the batch again processes nothing twice; the fixed document goes through.
    monkeypatch.setattr(dai, "distrito_of", real)
    again = services.process_batch(crashing.pk, limit=10)
    assert again == {crashing.pk: "aceptado"}
    for d in [*good, crashing]:
        assert d.history.filter(to_state=S.ACEPTADO).count() == 1


@pytest.mark.django_db
def test_a_batch_runs_without_savepoints_and_again_with_them_when_a_document_raises(
    world, monkeypatch, caplog
):
    """Nothing fails: no savepoint for a document nor for its despacho, whatever the batch's
    size. One document raises: that attempt leaves nothing (no number taken, no notice, no
    history), the batch runs again with a savepoint per document and the others go through
    once each, numbered from 1."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def savepoints(queries) -> int:
        return sum(q["sql"].startswith("SAVEPOINT") for q in queries.captured_queries)

    warm = send(world, "SIN-SP-W")
    services.process_batch(warm.pk, limit=1)  # the counters' rows made (each in a savepoint)
    docs = [send(world, f"SIN-SP-{i}") for i in range(5)]
    with CaptureQueriesContext(connection) as clean:
        assert set(services.process_batch(docs[0].pk, limit=10).values()) == {"aceptado"}
    assert savepoints(clean) == 1  # the batch's own transaction (a savepoint in a test's)

    others = [send(world, f"CAE-{i}") for i in range(4)]
    attempts = []
    dai = registry.get("DAI")
    real = dai.distrito_of

    def distrito_of(content):
        attempts.append(content.factura_numero)
        if content.factura_numero == "CAE-2":
            raise RuntimeError("a bug met by one document")
        return real(content)

    monkeypatch.setattr(dai, "distrito_of", distrito_of)
    with CaptureQueriesContext(connection) as retried:
        outcomes = services.process_batch(others[0].pk, limit=10)
    assert attempts == ["CAE-0", "CAE-1", "CAE-2", "CAE-0", "CAE-1", "CAE-2", "CAE-3"]
    assert [outcomes[d.pk] for d in others] == ["aceptado", "aceptado", "failed", "aceptado"]
    assert savepoints(retried) >= 4  # the second attempt: one per document
    assert "runs again document by document" in caplog.text
    year = timezone.localdate().year
    numbers = sorted(EDocument.objects.get(pk=d.pk).document_number for d in others)
    assert numbers == ["", *(f"028-{year}-10-{n:08d}" for n in range(7, 10))]
    assert [d.history.filter(to_state=S.ACEPTADO).count() for d in others] == [1, 1, 0, 1]
    assert not Notification.objects.filter(related_id=str(others[2].pk)).exists()
    assert Notification.objects.filter(related_id=str(others[3].pk)).exists()


@pytest.mark.django_db
def test_a_database_gone_in_a_batch_fails_the_job_without_running_it_again(world, monkeypatch):
    """A database error is not a document's fault: the batch is not run again document by
    document; the job fails (``core.jobs`` retries it) and every document stays Recibido."""
    from django.db import OperationalError

    docs = [send(world, f"BD-{i}") for i in range(3)]
    attempts = []
    dai = registry.get("DAI")

    def distrito_of(content):
        attempts.append(content.factura_numero)
        raise OperationalError("the server closed the connection")

    monkeypatch.setattr(dai, "distrito_of", distrito_of)
    with pytest.raises(OperationalError):
        services.process_batch(docs[0].pk, limit=10)
    assert attempts == ["BD-0"]
    assert {EDocument.objects.get(pk=d.pk).estado_transmision for d in docs} == {T.RECIBIDO}


@pytest.mark.django_db
def test_the_jobs_own_document_failing_fails_the_job_after_committing_the_others(
    world, monkeypatch
):
    first = send(world, "CRASH")
    other = send(world, "OK")
    dai = registry.get("DAI")
    real = dai.distrito_of

    def distrito_of(content):
        if content.factura_numero == "CRASH":
            raise RuntimeError("boom")
        return real(content)

    monkeypatch.setattr(dai, "distrito_of", distrito_of)
    with pytest.raises(RuntimeError):
        services.process_batch(first.pk, limit=10)
    other.refresh_from_db()
    first.refresh_from_db()
    assert _accepted(other) and first.estado_transmision == T.RECIBIDO


@pytest.mark.django_db
def test_a_batch_skips_jobs_that_are_failed_or_backing_off(world):
    first, failed, later = (send(world, f"F-{i}") for i in range(3))
    DBTaskResult.objects.filter(pk=failed.job_id).update(status=jobs.FAILED)
    DBTaskResult.objects.filter(pk=later.job_id).update(
        run_after=timezone.now() + timezone.timedelta(hours=1)
    )
    assert set(services.process_batch(first.pk, limit=10)) == {first.pk}


KILLED_MID_BATCH = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ecuapass.edocs import registry, services
    first, reached = int(sys.argv[1]), Path(sys.argv[2])
    dai = registry.get("DAI")
    real = dai.after_acceptance
    seen = []
    def after_acceptance(edoc):
        real(edoc)
        seen.append(edoc.pk)
        if len(seen) == 3:   # three documents processed in this batch, not committed
            reached.touch()
            time.sleep(120)  # killed here
    dai.after_acceptance = after_acceptance
    services.process_batch(first, limit=50)
    """
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_loses_nothing_and_processes_nothing_twice(
    world, subprocess_env, tmp_path
):
    docs = [send(world, f"K-{i}") for i in range(6)]
    reached = tmp_path / "reached"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import django, os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE',"
            "'config.settings'); django.setup(); sys.argv=['x', *sys.argv[1:]]; "
            "exec(sys.stdin.read())",
            str(docs[0].pk),
            str(reached),
        ],
        cwd=ROOT,
        env=subprocess_env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    proc.stdin.write(KILLED_MID_BATCH)
    proc.stdin.close()
    try:
        wait_for(
            lambda: reached.exists() or proc.poll() is not None,
            timeout=180,
            what="the batch is half-way",
        )
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert reached.exists(), proc.stderr.read()
    time.sleep(0.2)
    # Nothing of the batch was committed: every document is Recibido with its job waiting.
    for d in EDocument.objects.filter(pk__in=[d.pk for d in docs]):
        assert d.estado_transmision == T.RECIBIDO, d.pk
        assert DBTaskResult.objects.get(pk=d.job_id).status == jobs.READY
    assert not StatusChange.objects.filter(to_state=S.ACEPTADO).exists()
    assert not Notification.objects.filter(related_id__in=[str(d.pk) for d in docs]).exists()
    # The next claim processes each exactly once, with gap-free DAI numbers.
    outcomes = services.process_batch(docs[0].pk, limit=50)
    assert set(outcomes.values()) == {"aceptado"} and len(outcomes) == 6
    year = timezone.localdate().year
    numbers = sorted(EDocument.objects.values_list("document_number", flat=True))
    assert numbers == [f"028-{year}-10-{n:08d}" for n in range(1, 7)]
    for d in docs:
        assert StatusChange.objects.filter(document_id=d.pk, to_state=S.ACEPTADO).count() == 1
    assert services.process_batch(docs[1].pk, limit=50) == {docs[1].pk: "already-processed"}


@pytest.mark.django_db
def test_batch_lookups_are_shared_but_what_a_document_writes_is_checked_per_document(world):
    """Catalogs, importers and tariff lines are read once for the batch; what other
    documents declared (the invoice, DAI-304) is still looked up for each document."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = send(world, "MISMA")
    twin = send(world, "MISMA")  # the same invoice for the same importer
    unknown = send(
        world,
        "NADIE",
        importador={"ruc": "0999999999001", "nombre": "NADIE S.A."},
        declarante=None,
    )
    others = [send(world, f"OTRA-{i}") for i in range(3)]
    with CaptureQueriesContext(connection) as one_batch:
        outcomes = services.process_batch(first.pk, limit=10)
    # The first meets its twin registered; the twin, checked next in the same batch, sees the
    # first already rejected (the earlier document's write), so it goes through.
    assert outcomes[first.pk] == "rechazado"
    (error,) = DocumentError.objects.filter(document=first)
    assert error.code == "DAI-304" and twin.numero_entrega in error.message
    assert outcomes[twin.pk] == "aceptado"
    assert outcomes[unknown.pk] == "rechazado"
    assert "DAI-201" in set(
        DocumentError.objects.filter(document=unknown).values_list("code", flat=True)
    )
    assert all(outcomes[d.pk] == "aceptado" for d in others)
    # One query per batch for each catalog, not one per document.
    country_reads = [q for q in one_batch.captured_queries if "core_country" in q["sql"]]
    assert len(country_reads) == 1


@pytest.mark.django_db
def test_an_envio_validated_by_the_api_is_not_validated_again_by_the_worker(world, monkeypatch):
    """DOC-001 runs the serializer only for envíos not validated when received."""
    from ecuapass.edocs.models import Envio

    validated = send(world, "API")
    assert not validated.envio.schema_checked  # send() does not say it validated raw
    checked = send(world, "API-2", schema_checked=True)  # as the API sends
    assert Envio.objects.get(document=checked).schema_checked
    calls = []
    real = DaiSerializer.is_valid

    def counting(self, *args, **kwargs):
        calls.append(self.initial_data.get("factura", {}).get("numero"))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(DaiSerializer, "is_valid", counting)
    outcomes = services.process_batch(validated.pk, limit=10)
    assert outcomes == {validated.pk: "aceptado", checked.pk: "aceptado"}
    assert calls == ["API"]  # only the envío not validated when received


@pytest.mark.django_db
def test_a_document_failing_after_taking_its_number_gives_it_back_within_the_batch(
    world, monkeypatch
):
    """Counters advance in memory for the batch and are written once; a document rolled back
    after its DAI number and its obligation's number were taken gives both back."""
    from ecuapass.core.models import Sequence

    docs = [send(world, f"N-{i}") for i in range(4)]
    dai = registry.get("DAI")
    real = dai.after_acceptance

    def after_acceptance(edoc):
        real(edoc)  # the obligations' ledger numbered its liquidación too
        if edoc.pk == docs[1].pk:
            raise RuntimeError("fails after numbering")

    monkeypatch.setattr(dai, "after_acceptance", after_acceptance)
    outcomes = services.process_batch(docs[0].pk, limit=10)
    assert outcomes[docs[1].pk] == "failed"
    year = timezone.localdate().year
    accepted = [d for d in docs if d.pk != docs[1].pk]
    numbers = sorted(
        EDocument.objects.filter(pk__in=[d.pk for d in accepted]).values_list(
            "document_number", flat=True
        )
    )
    assert numbers == [f"028-{year}-10-{n:08d}" for n in range(1, 4)]
    assert Sequence.objects.get(key=f"customs.dai:028:{year}:10").value == 3
    monkeypatch.setattr(dai, "after_acceptance", real)
    assert services.process_batch(docs[1].pk, limit=10) == {docs[1].pk: "aceptado"}
    docs[1].refresh_from_db()
    assert docs[1].document_number == f"028-{year}-10-00000004"
    ledger = Sequence.objects.filter(key__startswith="obligaciones.liquidacion:").get()
    assert ledger.value == 4  # one per accepted DAI, none lost to the failed attempt


@pytest.mark.django_db
def test_a_batch_claimed_under_half_full_waits_once_for_the_submissions_arriving(
    world, settings, monkeypatch
):
    """ECUAPASS_EDOCS_BATCH_LINGER: a worker finding few documents waiting gives the ones being
    submitted a moment to join its batch (fewer, fuller batches: ADR 0021), then claims again."""
    settings.ECUAPASS_EDOCS_BATCH_SIZE = 10
    settings.ECUAPASS_EDOCS_BATCH_LINGER = 0.2
    first = [send(world, f"PRONTO-{i}") for i in range(2)]
    arriving = []
    naps = []

    def sleep(seconds):  # while the worker waits, three more DAIs are submitted
        naps.append(seconds)
        arriving.extend(send(world, f"LLEGA-{i}") for i in range(3))

    monkeypatch.setattr(services.time, "sleep", sleep)
    outcomes = services.process_batch(first[0].pk)
    assert naps == [0.2]
    assert set(outcomes) == {d.pk for d in [*first, *arriving]}
    assert set(outcomes.values()) == {"aceptado"}
    for d in arriving:
        assert DBTaskResult.objects.get(pk=d.job_id).status == jobs.SUCCESSFUL

    # Half full or more, or no linger set: no wait.
    more = [send(world, f"LLENO-{i}") for i in range(5)]
    assert set(services.process_batch(more[0].pk)) == {d.pk for d in more}
    settings.ECUAPASS_EDOCS_BATCH_LINGER = 0
    alone = send(world, "SOLO")
    assert services.process_batch(alone.pk) == {alone.pk: "aceptado"}
    assert naps == [0.2]


@pytest.mark.django_db
def test_each_dai_of_a_batch_gets_one_e_mail_copying_its_notices(world, settings):
    """ADR 0023 through the pipeline: a batch accepts three DAIs (canal automático: accepted,
    canal assigned, aforo closed); the filer's mailbox gets their nine notices in the buzón and
    one e-mail per DAI copying its three, in the order they happened."""
    from django.core import mail

    from ecuapass.notifications.tasks import send_due

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world.importer.user.email = "rep@example.com"
    world.importer.user.save(update_fields=["email"])
    docs = [send(world, f"MAIL-{i}") for i in range(3)]
    outcomes = services.process_batch(docs[0].pk)
    assert set(outcomes.values()) == {"aceptado"}
    mail.outbox.clear()
    assert send_due() == 9
    assert len(mail.outbox) == 3
    for doc, message in zip(docs, mail.outbox, strict=True):
        doc.refresh_from_db()
        number = doc.document_number
        assert message.subject == f"DAI ACEPTADA - {number} (3 avisos)"
        assert message.bcc == ["rep@example.com"]
        order = [
            message.body.index(f"Asunto: {subject} - {number}\n")
            for subject in ("DAI ACEPTADA", "CANAL DE AFORO ASIGNADO", "AFORO CERRADO")
        ]
        assert order == sorted(order)
        assert message.body.count("Este mensaje es una copia") == 1
    assert Notification.objects.filter(oce_code=world.importer.oce).count() == 9
