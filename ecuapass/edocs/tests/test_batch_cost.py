"""Issue 16: the worker's cost per DAI — what a batch reads once, what each document still pays,
and that the batch's memory (``edocs.batch``) lives for one batch only."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecuapass.edocs import batch, services
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.states import DocumentState as S
from ecuapass.edocs.tests.test_batch import send
from ecuapass.notifications.models import Notification

EARLIER = "importer's earlier acceptances"
# Statements a batch runs once (a catalog, what is in force on a date, the notices' INSERT),
# however many documents it holds.
ONCE_PER_BATCH = {
    "tariff restrictions": r'FROM "tariff_restriction"',
    "VUE permit types": r'FROM "vue_tipodocumento"',
    "risk profiles": r'FROM "risk_riskprofile"',
    "reference values": r'FROM "risk_referencevalue"',
    "OEA certifications": r'FROM "risk_oeacertification"',
    "importer's multas": r'FROM "despacho_multa" WHERE .*importer_ruc',
    "cargo control": r'FROM "carga_controlcarga"',
    "DAI items": r'FROM "customs_daiitem"',
    "liquidaciones": r'^SELECT .* FROM "customs_liquidacion"',
    "canal assignments": r'^SELECT .* FROM "risk_canalassignment"',
    "aforo cases": r'FROM "despacho_aforocase"',
    EARLIER: r'FROM "customs_dai" INNER JOIN "edocs_edocument" .*accepted_on',
    "obligations by source": r'FROM "obligaciones_obligation" WHERE .*source_key',
    "notices written": r'^INSERT INTO "notifications_notification"',
    "history rows written": r'^INSERT INTO "edocs_statuschange"',
}
# What each accepted DAI of the bench's world costs in the worker (PostgreSQL and SQLite
# alike), read from the difference between two batches: 2 now (a batch without failures runs
# without a savepoint per document nor per despacho), 8 before that (the history rows held for
# one INSERT per batch), 12 before that, ~61 before this work.
PER_DOCUMENT = 2


def _batch_queries(world, prefix: str, n: int):
    docs = [send(world, f"{prefix}-{i}") for i in range(n)]
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=n)
    assert set(outcomes.values()) == {"aceptado"}, outcomes
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db
def test_the_workers_queries_grow_by_a_small_constant_per_document(world):
    _batch_queries(world, "WARM", 1)  # first-use look-ups of the process (content types…)
    small = _batch_queries(world, "S", 2)
    large = _batch_queries(world, "L", 7)
    per_document = (len(large) - len(small)) / 5
    assert per_document <= PER_DOCUMENT, (per_document, _repeated(small, large))
    for name, pattern in ONCE_PER_BATCH.items():
        hits = [sql for sql in large if re.search(pattern, sql)]
        assert len(hits) <= 1, (name, len(hits))


def _repeated(small, large) -> list:
    """The statements the larger batch runs more often (to read a failure)."""
    shape = lambda sql: re.sub(r"\d+", "N", sql)[:160]  # noqa: E731
    a, b = Counter(map(shape, small)), Counter(map(shape, large))
    return sorted(((b[s] - a[s], s) for s in b if b[s] > a[s]), reverse=True)[:15]


@pytest.mark.django_db
def test_a_document_rolled_back_loses_its_notices_and_the_others_keep_theirs(world, monkeypatch):
    """The batch writes its notices together at its end; a document rolled back (or a part of
    it rolled back to a savepoint, like a despacho that could not open) takes its own along."""
    from ecuapass.edocs import registry
    from ecuapass.obligaciones import dai as ledger

    docs = [send(world, f"N-{i}") for i in range(4)]
    dai = registry.get("DAI")
    real_after = dai.after_acceptance
    real_cierre = ledger.after_cierre

    def after_acceptance(edoc):
        real_after(edoc)
        if edoc.pk == docs[1].pk:
            raise RuntimeError("fails after its notices were written")

    def after_cierre(edoc):
        if edoc.pk == docs[2].pk:  # the despacho's savepoint rolls back; the DAI stays accepted
            raise RuntimeError("the automatic cierre fails")
        real_cierre(edoc)

    monkeypatch.setattr(dai, "after_acceptance", after_acceptance)
    monkeypatch.setattr(ledger, "after_cierre", after_cierre)
    with CaptureQueriesContext(connection) as captured:
        outcomes = services.process_batch(docs[0].pk, limit=10)
    assert outcomes[docs[1].pk] == "failed"
    assert outcomes[docs[2].pk] == "aceptado"
    inserts = [
        q for q in captured.captured_queries if 'INSERT INTO "notifications_notif' in q["sql"]
    ]
    assert len(inserts) == 1

    def kinds(doc):
        return sorted(
            Notification.objects.filter(related_id=str(doc.pk)).values_list("subject", flat=True)
        )

    assert kinds(docs[1]) == []  # rolled back with its document
    # The despacho rolled back: its canal and its notices with it, the acceptance's kept.
    failed_despacho = EDocument.objects.get(pk=docs[2].pk)
    assert failed_despacho.estado_documento == S.ACEPTADO and failed_despacho.canal_aforo == ""
    assert len(kinds(docs[2])) == 1 and "ACEPTADA" in kinds(docs[2])[0]
    for doc in (docs[0], docs[3]):
        done = EDocument.objects.get(pk=doc.pk)
        assert done.canal_aforo and done.estado_documento != S.ACEPTADO
        assert len(kinds(doc)) == 3  # accepted, canal asignado, aforo cerrado
    ids = list(Notification.objects.order_by("pk").values_list("related_id", flat=True))
    assert ids == sorted(ids, key=int)  # written in the order they were sent


def test_the_batch_memory_is_used_only_inside_a_batch_and_dies_with_it():
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    assert batch.memo("k", load) == 1 and batch.memo("k", load) == 2  # outside: every time
    with batch.scope():
        assert batch.memo("k", load) == 3
        assert batch.memo("k", load) == 3  # once per batch
        with batch.scope():  # nested: the same memory
            assert batch.memo("k", load) == 3
    with batch.scope():
        assert batch.memo("k", load) == 4  # the next batch reads afresh
    assert not batch.active()


@pytest.mark.django_db
def test_what_a_document_remembers_is_its_own_and_never_from_a_rolled_back_savepoint():
    with batch.scope():
        with batch.document(), transaction.atomic():
            batch.remember("written", 1)
            with transaction.atomic():  # a nested savepoint may roll back: not remembered
                batch.remember("nested", 2)
            assert batch.recalled("written") == 1
            assert batch.recalled("nested") is None
        with batch.document(), transaction.atomic():
            assert batch.recalled("written") is None  # the next document starts empty
    batch.remember("outside", 3)
    assert batch.recalled("outside") is None
    ran = []
    with batch.scope():
        with pytest.raises(RuntimeError), batch.document(), transaction.atomic():
            batch.after_document(lambda: ran.append("rolled back"))
            raise RuntimeError
        with batch.document(), transaction.atomic():
            batch.after_document(lambda: ran.append("kept"))
    assert ran == ["kept"]  # only a document that ends without error


@pytest.mark.django_db
def test_effective_dated_lookups_are_kept_per_date_and_a_change_shows_in_the_next_batch():
    from ecuapass.carga.checks import control_in_force
    from ecuapass.carga.models import ControlCarga

    today = timezone.localdate()
    ControlCarga.objects.all().delete()
    ControlCarga.objects.create(vigente_desde=today, base_legal="x")
    with batch.scope():
        assert control_in_force(today) is not None
        assert control_in_force(today - timedelta(days=1)) is None  # chosen by the date
        ControlCarga.objects.create(vigente_desde=today - timedelta(days=10), base_legal="y")
        assert control_in_force(today - timedelta(days=1)) is None  # kept for this batch
    with batch.scope():
        assert control_in_force(today - timedelta(days=1)) is not None  # the next batch sees it


@pytest.mark.django_db
def test_a_batch_moves_its_own_locked_instance_in_place_and_restores_it_if_the_move_fails(world):
    from ecuapass.edocs import lifecycle

    doc = send(world, "EN-SITIO")
    assert services.process_batch(doc.pk) == {doc.pk: "aceptado"}
    held = services._locked().get(pk=doc.pk)
    state, reference = held.estado_documento, held.reference

    def before(edoc):
        edoc.reference = "CAMBIADA"
        raise RuntimeError("the caller's change fails")

    with batch.scope(), transaction.atomic():
        batch.hold([held])
        with pytest.raises(RuntimeError):
            lifecycle.fire(held, "autorizar_salida", process="prueba", before=before)
        assert (held.estado_documento, held.reference) == (state, reference)  # given back
        with CaptureQueriesContext(connection) as captured:
            moved = lifecycle.fire(held, "autorizar_salida", process="prueba")
        assert moved is held and held.estado_documento == "salida_autorizada"
        reads = [q for q in captured.captured_queries if 'FROM "edocs_edocument"' in q["sql"]]
        assert reads == []  # the row is not read again: the batch holds it locked
        batch.end()  # the batch's end, as process_batch's: the move's history row written
    other = EDocument.objects.get(pk=doc.pk)  # the row says so too
    assert other.estado_documento == "salida_autorizada"
    assert list(
        other.history.filter(transition="autorizar_salida").values_list("to_state", flat=True)
    ) == ["salida_autorizada"]


@pytest.mark.django_db
def test_the_first_import_is_the_importers_first_acceptance_within_and_across_batches(world):
    from ecuapass.risk.models import CanalAssignment

    def first_import(docs):
        facts = dict(CanalAssignment.objects.filter(edoc__in=docs).values_list("edoc_id", "facts"))
        return [facts[d.pk]["first_import"] for d in docs]

    assert not EDocument.objects.filter(accepted_on__isnull=False).exists()
    docs = [send(world, f"PRIMERA-{i}") for i in range(3)]
    with CaptureQueriesContext(connection) as captured:
        assert set(services.process_batch(docs[0].pk, limit=10).values()) == {"aceptado"}
    assert first_import(docs) == [True, False, False]
    looked_up = [
        q for q in captured.captured_queries if re.search(ONCE_PER_BATCH[EARLIER], q["sql"])
    ]
    assert len(looked_up) == 2  # the batch's importers, then the first DAI's own look-up
    later = [send(world, f"LUEGO-{i}") for i in range(2)]
    with CaptureQueriesContext(connection) as captured:
        services.process_batch(later[0].pk, limit=10)
    assert first_import(later) == [False, False]
    earlier_accepted = [
        q["sql"] for q in captured.captured_queries if re.search(ONCE_PER_BATCH[EARLIER], q["sql"])
    ]
    assert len(earlier_accepted) == 1, earlier_accepted  # once for the batch's one importer
    # It stops at the first earlier acceptance (LIMIT 1) instead of aggregating all of the
    # importer's DAIs (MIN over its whole history, every batch).
    assert "MIN(" not in earlier_accepted[0].upper() and "LIMIT 1" in earlier_accepted[0].upper()
