"""Statements of more than 50 parameters converted once per process on PostgreSQL
(``ecuapass.core.postgresql``, issue 16): a DAI's items INSERT is the shape this is for."""

from __future__ import annotations

import pytest
from django.db import connection
from psycopg import _queries

from ecuapass.core.db import _insert_sql
from ecuapass.customs.models import DaiItem

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def _converted(sql: str, params: list) -> tuple[int, int]:
    """(hits, misses) of psycopg's conversion cache while ``sql`` runs twice."""
    before = _queries._query2pg.cache_info()
    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(sql, params)
    after = _queries._query2pg.cache_info()
    return after.hits - before.hits, after.misses - before.misses


def test_an_insert_of_three_items_is_converted_once_not_each_time():
    # core.db.insert's text for three items has a parameter per column and item, beyond psycopg's
    # own bound of 50; a statement of as many that writes nothing stands for it.
    count = 3 * len([f for f in DaiItem._meta.concrete_fields if not f.primary_key])
    assert count > 50 and _insert_sql(DaiItem, False, 3, "default").count("%s") == count
    values = ", ".join(["%s"] * count)
    probe = f"SELECT cardinality(ARRAY[{values}]::text[])"
    hits, misses = _converted(probe, [str(i) for i in range(count)])
    # Converted the first time (a miss, or a hit when an earlier test ran the same text), then
    # found: with psycopg's bound of 50 neither run would have touched the cache.
    assert hits + misses == 2 and hits >= 1


def test_a_statement_beyond_the_raised_bound_is_converted_each_time_as_psycopg_does():
    from ecuapass.core.postgresql.base import CONVERTED_PARAMS_MAX

    count = CONVERTED_PARAMS_MAX + 1
    values = ", ".join(["%s"] * count)
    hits, misses = _converted(f"SELECT cardinality(ARRAY[{values}]::int[])", list(range(count)))
    assert (hits, misses) == (0, 0)
