"""``core.db.insert``: an INSERT whose text is built once, writing what ``save()`` /
``bulk_create`` write (issue 16)."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from ecuapass.core import db
from ecuapass.customs.models import Dai, Liquidacion
from ecuapass.edocs.models import EDocument, Envio, StatusChange
from ecuapass.edocs.tests.test_batch import send

pytestmark = pytest.mark.django_db


def _inserts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]


def _row(edoc, transition="t", **kw):
    return StatusChange(
        document=edoc, field="documento", transition=transition, from_state="a", to_state="b", **kw
    )


def _values(instance) -> dict:
    return {
        f.attname: getattr(instance, f.attname)
        for f in type(instance)._meta.concrete_fields
        if not f.primary_key
    }


@contextmanager
def save_signals(model):
    """The ``pre_save``/``post_save`` of ``model`` sent inside the block, as tuples."""
    seen = []

    def before(sender, instance, raw, using, update_fields, **kw):
        seen.append(("pre", instance.pk, raw, using, update_fields))

    def after(sender, instance, created, raw, using, update_fields, **kw):
        seen.append(("post", instance.pk, created, raw, using, update_fields))

    pre_save.connect(before, sender=model, dispatch_uid="t_save_signals_pre")
    post_save.connect(after, sender=model, dispatch_uid="t_save_signals_post")
    try:
        yield seen
    finally:
        pre_save.disconnect(sender=model, dispatch_uid="t_save_signals_pre")
        post_save.disconnect(sender=model, dispatch_uid="t_save_signals_post")


def test_signals_are_sent_as_save_sends_them_and_the_row_is_saved(world):
    edoc = send(world, "INS-S1")
    with save_signals(StatusChange) as seen:
        row = _row(edoc, "signals")
        db.insert([row], signals=True)
        quiet = _row(edoc, "quiet")
        db.insert([quiet])  # bulk_create's contract: no signals
    assert seen == [
        ("pre", None, False, "default", None),
        ("post", row.pk, True, False, "default", None),
    ]
    assert row.pk and not row._state.adding and row._state.db == "default"
    assert quiet.pk and not quiet._state.adding


def test_a_row_is_written_as_save_writes_it(world):
    """Every column of an envío (JSON, dates, relations) and of a liquidación (decimals) read
    back equal to the same row written by ``save()``."""
    from ecuapass.edocs import registry
    from ecuapass.edocs.services import create_draft

    edoc = send(world, "INS-S2")
    draft = create_draft(registry.get("DAI"), oce=world.importer.oce, user=world.importer.user)
    first = Envio.objects.get(document=edoc)
    changed = {"document_id": draft.pk, "numero_entrega": "X" + first.numero_entrega[1:]}
    again = Envio(**(_values(first) | changed))
    db.insert([again], signals=True)
    stored = Envio.objects.get(pk=again.pk)
    assert _values(stored) == _values(first) | changed
    assert stored.payload == first.payload and isinstance(stored.payload, dict)

    dai = Dai.objects.get(edoc=edoc)
    liq = Liquidacion.objects.get(dai=dai)
    other = send(world, "INS-S3")
    other_dai = Dai.objects.get(edoc=other)
    Liquidacion.objects.filter(dai=other_dai).delete()
    copy = Liquidacion(**{**_values(liq), "dai_id": other_dai.pk})
    db.insert([copy], signals=True)
    read = Liquidacion.objects.get(pk=copy.pk)
    assert {k: v for k, v in _values(read).items() if k != "dai_id"} == {
        k: v for k, v in _values(liq).items() if k != "dai_id"
    }
    assert isinstance(read.total_tributos, Decimal)


def test_the_statement_is_built_once_per_shape(world):
    edoc = send(world, "INS-S4")
    with CaptureQueriesContext(connection) as queries:
        db.insert([_row(edoc, "a"), _row(edoc, "b")])
        db.insert([_row(edoc, "c"), _row(edoc, "d")])
    first, second = _inserts(queries)
    assert "UNNEST" not in first.upper()
    assert db._insert_sql.cache_info().hits >= 1
    assert StatusChange.objects.filter(document=edoc, transition__in="abcd").count() == 4


def test_a_row_with_its_key_is_inserted_with_it(world):
    from ecuapass.edocs import registry
    from ecuapass.edocs.services import create_draft

    written = create_draft(registry.get("DAI"), oce=world.importer.oce, user=world.importer.user)
    draft = EDocument(**(_values(written) | {"id": written.pk + 1000}))
    with CaptureQueriesContext(connection) as queries:
        db.insert([draft], signals=True)
    (sql,) = _inserts(queries)
    assert "RETURNING" not in sql.upper()
    assert not draft._state.adding
    assert EDocument.objects.get(pk=draft.pk).filer_oce_id == world.importer.oce.pk


def test_what_it_cannot_write_goes_through_django(world):
    edoc = send(world, "INS-S6")
    expression = _row(edoc, "expr")
    expression.transition = Value("expr")  # a value given as an expression
    mixed = [_row(edoc, "k1"), _row(edoc, "k2")]
    mixed[0].pk = 10_000_000  # keys on some rows only
    db.insert([expression])
    db.insert(mixed)
    assert StatusChange.objects.filter(document=edoc, transition="expr").exists()
    assert set(
        StatusChange.objects.filter(document=edoc, transition__in=["k1", "k2"]).values_list(
            "transition", flat=True
        )
    ) == {"k1", "k2"}
    assert StatusChange.objects.filter(pk=10_000_000).exists()


def test_rows_beyond_the_databases_limit_go_in_several_statements(world, monkeypatch):
    edoc = send(world, "INS-S7")
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: 2)
    rows = [_row(edoc, f"n{i}") for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        db.insert(rows)
    assert len(_inserts(queries)) == 3
    assert len({r.pk for r in rows}) == 5 and all(r.pk for r in rows)
    assert list(
        StatusChange.objects.filter(pk__in=[r.pk for r in rows])
        .order_by("pk")
        .values_list("transition", flat=True)
    ) == [f"n{i}" for i in range(5)]


def test_a_key_the_database_does_not_generate_is_written_with_the_row(world, monkeypatch):
    """A job row (a UUID key made by the model) is one INSERT built once, without RETURNING,
    with the ``pre_save`` receivers' values (django-tasks-db's ``run_after``) — what
    ``objects.create`` wrote, as the tasks backend enqueues it (``core.tasks_backend``)."""
    from django_tasks.signals import task_enqueued
    from django_tasks_db.models import DBTaskResult, get_date_max

    from ecuapass.core import tasks_backend
    from ecuapass.edocs.tasks import process_document

    built = []
    real_sql = db._insert_sql

    def recording_sql(model, with_pk, count, using):  # records, then builds as always
        built.append((model, with_pk, count))
        return real_sql(model, with_pk, count, using)

    monkeypatch.setattr(db, "_insert_sql", recording_sql)
    announced = []

    def on_enqueued(sender, task_result, **kwargs):
        announced.append(task_result)

    task_enqueued.connect(on_enqueued, dispatch_uid="t_ins_enqueued")
    try:
        with CaptureQueriesContext(connection) as queries:
            result = process_document.enqueue(123456)
    finally:
        task_enqueued.disconnect(dispatch_uid="t_ins_enqueued")
    assert announced == [result] and announced[0] is result  # built once, for both
    assert (result.args, result.task.func) == ([123456], process_document.func)
    (sql,) = _inserts(queries)
    assert "dbtaskresult" in sql and "RETURNING" not in sql.upper()
    assert built == [(DBTaskResult, True, 1)]
    assert tasks_backend.insert is db.insert
    row = DBTaskResult.objects.get(pk=result.id)
    reference = DBTaskResult.objects.create(
        args_kwargs={"args": [123456], "kwargs": {}},
        task_path=row.task_path,
        queue_name=row.queue_name,
        backend_name=row.backend_name,
        run_after=None,
    )
    reference.refresh_from_db()
    keep = {"id", "enqueued_at"}
    assert {k: v for k, v in _values(row).items() if k not in keep} == {
        k: v for k, v in _values(reference).items() if k not in keep
    }
    assert row.run_after == get_date_max() and row.status == "READY" and row.enqueued_at
