"""``core.db.update``: ``save()``'s UPDATE of an existing row with its text built once (issue 16):
the same row, the same signals; what it cannot write goes through ``save()``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from ecuapass.core import db
from ecuapass.core.tests.test_insert import save_signals
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.tests.test_batch import send

pytestmark = pytest.mark.django_db


def _columns(edoc) -> dict:
    row = EDocument.objects.filter(pk=edoc.pk).values().get()
    return {k: v for k, v in row.items() if k != "modified_on"}


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


def test_the_row_is_written_as_save_writes_it_with_the_same_signals(world):
    by_update = send(world, "UPD-1")
    by_save = send(world, "UPD-2")
    stamp = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    for edoc in (by_update, by_save):
        edoc.title = "Título cambiado — ñ"
        edoc.processing_attempts = 7
        edoc.distrito = "028"
        edoc.modified_on = stamp  # auto_now: both write the time of the save instead
    with save_signals(EDocument) as seen:
        with CaptureQueriesContext(connection) as queries:
            db.update(by_update)
        by_save.save()
    assert seen == [
        ("pre", by_update.pk, False, "default", None),
        ("post", by_update.pk, False, False, "default", None),
        ("pre", by_save.pk, False, "default", None),
        ("post", by_save.pk, False, False, "default", None),
    ]
    assert len(queries.captured_queries) == 1 and len(_updates(queries)) == 1
    a, b = _columns(by_update), _columns(by_save)
    differ = {k for k in a if a[k] != b[k]}
    # What each document is made of differs (its key, its invoice's reference); the columns
    # written here are equal.
    assert {"title", "processing_attempts", "distrito"}.isdisjoint(differ)
    assert a["title"] == "Título cambiado — ñ" and a["processing_attempts"] == 7
    stored = EDocument.objects.get(pk=by_update.pk)
    assert stored.modified_on > stamp and stored.modified_on == by_update.modified_on


def test_the_statement_is_built_once_per_model(world):
    first, second = send(world, "UPD-3"), send(world, "UPD-4")
    db._update_sql.cache_clear()
    with CaptureQueriesContext(connection) as queries:
        db.update(first)
        db.update(second)
    assert len(_updates(queries)) == 2 == len(queries.captured_queries)
    assert db._update_sql.cache_info().misses == 1 and db._update_sql.cache_info().hits == 1


def test_what_it_cannot_write_goes_through_save(world):
    edoc = send(world, "UPD-5")
    partial = EDocument.objects.only("pk", "title").get(pk=edoc.pk)
    partial.title = "Solo el título"
    db._update_sql.cache_clear()
    db.update(partial)  # deferred fields: save() writes the loaded ones only
    expression = EDocument.objects.get(pk=edoc.pk)
    expression.processing_attempts = F("processing_attempts") + 5
    db.update(expression)  # an expression: save() resolves it
    assert db._update_sql.cache_info().misses == 0
    stored = EDocument.objects.get(pk=edoc.pk)
    assert stored.title == "Solo el título"
    assert stored.processing_attempts == edoc.processing_attempts + 5


def test_a_row_that_is_gone_raises_instead_of_being_inserted_again(world):
    edoc = send(world, "UPD-6")
    copy = EDocument.objects.get(pk=edoc.pk)
    copy.pk = copy.id = edoc.pk + 100_000
    with pytest.raises(DatabaseError, match="no row to update"):
        db.update(copy)
    assert not EDocument.objects.filter(pk=copy.pk).exists()
