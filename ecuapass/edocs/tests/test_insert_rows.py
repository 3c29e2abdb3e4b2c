"""``core.db.insert``: rows in one INSERT … VALUES (not
PostgreSQL's UNNEST of arrays, which costs more for a DAI's items and a submission's history
rows), written as ``bulk_create`` writes them (issue 16)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from ecuapass.core.db import insert
from ecuapass.customs.models import Dai, DaiItem
from ecuapass.edocs.models import EDocument, StatusChange
from ecuapass.edocs.tests.test_batch import send

pytestmark = pytest.mark.django_db


def _submit(world):
    return send(world, "INS-1")


def test_a_submissions_items_and_history_are_one_insert_of_values_each(world):
    with CaptureQueriesContext(connection) as queries:
        edoc = _submit(world)
    for table in ("customs_daiitem", "edocs_statuschange"):
        (sql,) = [q["sql"] for q in queries.captured_queries if f'"{table}"' in q["sql"]]
        assert sql.startswith(f'INSERT INTO "{table}"') and "UNNEST" not in sql, sql
    items = list(DaiItem.objects.filter(dai__edoc=edoc).order_by("numero"))
    assert [i.numero for i in items] == [1, 2, 3]
    assert [i.subpartida for i in items] == ["0901211000", "8471300000", "6403999000"]
    assert all(i.fundamentos and i.total_tributos is not None for i in items)
    assert [h.field for h in edoc.history.order_by("id")] == ["documento", "transmision"]


def test_rows_are_written_as_bulk_create_writes_them_and_the_value_given_back(world):
    edoc = _submit(world)
    rows = [
        StatusChange(
            document=edoc, field="documento", transition=f"t{n}", from_state="a", to_state="b"
        )
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        assert insert(rows) is not None
    (sql,) = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert "UNNEST" not in sql
    assert rows[0].field == "documento" and type(rows[0].field) is str
    if connection.features.can_return_rows_from_bulk_insert:
        assert all(r.pk for r in rows) and not any(r._state.adding for r in rows)
    assert list(
        StatusChange.objects.filter(transition__startswith="t").values_list("field", "transition")
    ) == [("documento", "t0"), ("documento", "t1"), ("documento", "t2")]


def test_a_refused_insert_still_gives_the_value_back(world):
    edoc = _submit(world)
    dai = Dai.objects.get(edoc=edoc)
    item = DaiItem.objects.filter(dai=dai).first()
    twins = [DaiItem(dai=dai, numero=item.numero, subpartida="0901211000") for _ in range(2)]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(twins)
    assert twins[0].numero == item.numero and type(twins[0].numero) is int


def test_many_rows_go_through_bulk_create_one_row_through_values(world):
    from ecuapass.core.db import INSERT_VALUES_MAX_ROWS

    edoc = _submit(world)
    many = [
        StatusChange(document=edoc, field="documento", transition="m", from_state="a", to_state="b")
        for _ in range(INSERT_VALUES_MAX_ROWS + 1)
    ]
    with CaptureQueriesContext(connection) as queries:
        insert(many)
    assert len([q for q in queries.captured_queries if "INSERT" in q["sql"]]) == 1
    assert StatusChange.objects.filter(transition="m").count() == INSERT_VALUES_MAX_ROWS + 1
    if connection.vendor == "postgresql":
        (sql,) = [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
        assert "UNNEST" in sql.upper()  # one statement text for any number of rows
    insert([StatusChange(document=edoc, field="documento", transition="one")])
    assert insert([]) == []
    assert EDocument.objects.get(pk=edoc.pk).history.filter(transition="one").exists()
